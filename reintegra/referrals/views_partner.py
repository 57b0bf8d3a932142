"""The partner's side: the inbox of referrals addressed to their organisation, one referral's package,
and the answers (accept, decline, update, complete). Nothing here reads the live case.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from reintegra.referrals import package as pkg
from reintegra.referrals import selectors, services
from reintegra.referrals.access import partner_organisation_id
from reintegra.referrals.forms import InboxFilterForm, NoteForm, add_service_errors
from reintegra.referrals.models import PARTNER_MOVES, Status
from reintegra.referrals.views import _pdf_response, referral_page

INBOX_PAGE_SIZE = 50
ACTIONS = {
    "accept": (
        Status.ACCEPTED,
        lambda actor, referral, note: services.referral_accept(actor=actor, referral=referral, note=note),
    ),
    "decline": (
        Status.DECLINED,
        lambda actor, referral, note: services.referral_decline(actor=actor, referral=referral, reason=note),
    ),
    "update": (
        Status.IN_PROGRESS,
        lambda actor, referral, note: services.referral_update(actor=actor, referral=referral, note=note),
    ),
    "complete": (
        Status.COMPLETED,
        lambda actor, referral, note: services.referral_complete(actor=actor, referral=referral, feedback=note),
    ),
}


def _require_partner(request) -> None:
    """Partner pages are for partner users only: 404 for everyone else, staff included."""
    if partner_organisation_id(request.user) is None:
        raise Http404


@referral_page
@require_GET
def inbox(request):
    _require_partner(request)
    form = InboxFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    qs = selectors.partner_referrals(request.user, status=status)
    page = Paginator(qs, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    status_code = 400 if form.is_bound and form.errors else 200
    return render(request, "referrals/partner_inbox.html", {"form": form, "page": page}, status=status_code)


def _context(request, referral, forms=None) -> dict:
    actions = [name for name, (to, _call) in ACTIONS.items() if referral.status in PARTNER_MOVES[to]]
    return {
        "referral": referral,
        "rows": pkg.rows(referral.shared_snapshot),
        "package": referral.shared_snapshot,
        "events": selectors.events_of(referral),
        "actions": actions,
        "forms": {name: (forms or {}).get(name) or NoteForm(prefix=name) for name in actions},
    }


@referral_page
@require_GET
def partner_detail(request, pk):
    _require_partner(request)
    referral = selectors.partner_referral_for(request.user, pk)
    services.referral_viewed(actor=request.user, referral=referral)
    return render(request, "referrals/partner_detail.html", _context(request, referral))


@referral_page
@require_POST
def partner_action(request, pk, action):
    _require_partner(request)
    referral = selectors.partner_referral_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form = NoteForm(request.POST, prefix=action)
    if form.is_valid():
        try:
            ACTIONS[action][1](request.user, referral, form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Your answer is recorded."))
            return redirect("referrals:partner_detail", pk=referral.pk)
    referral.refresh_from_db()
    return render(request, "referrals/partner_detail.html", _context(request, referral, {action: form}), status=400)


@referral_page
@require_GET
def partner_pdf(request, pk):
    _require_partner(request)
    return _pdf_response(request, selectors.partner_referral_for(request.user, pk))
