"""Helpers shared by the case pages: login, the 403 page, and the scoped case lookup."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext

from reintegra.accounts.access import access_for
from reintegra.cases.selectors import case_for, cases_for


def case_page(view):
    """Signed-in users only; a refused action shows a translated 403 page, never a 500."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as refusal:
            message = str(refusal) or gettext("You are not allowed to do this.")
            return render(request, "cases/forbidden.html", {"message": message}, status=403)

    return wrapped


def require_casework(request, case) -> None:
    """Pages that show or prefill identities for editing: casework rights in the case's office."""
    if not access_for(request.user).may_work_on(case.office_id):
        raise PermissionDenied(gettext("You may not change cases of this office."))


def still_visible(user, case) -> bool:
    """After a transfer or a reassignment, the actor may no longer see the case."""
    return cases_for(user).filter(pk=case.pk).exists()


__all__ = ["case_for", "case_page", "require_casework", "still_visible"]
