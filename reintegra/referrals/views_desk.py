"""The case manager's desk: tasks due and overdue, plans awaiting approval or late, referrals overdue,
follow-up contacts due. One page, a fixed number of queries."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reintegra.accounts.access import access_for
from reintegra.referrals import selectors
from reintegra.referrals.views import referral_page


@referral_page
@require_GET
def desk(request):
    access = access_for(request.user)
    if not access.identifying:
        raise Http404
    context = {
        "desk": selectors.desk(request.user),
        "today": timezone.localdate(),
        "supervises": bool(access.manage),
        "task_days": selectors.TASK_DAYS,
        "follow_up_days": selectors.FOLLOW_UP_DAYS,
        "stale_days": selectors.STALE_AFTER_DAYS,
    }
    return render(request, "referrals/desk.html", context)
