"""Helpers shared by the case pages: login, the 403 page, the scoped case lookup, create/edit pages."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from reintegra.accounts.access import access_for
from reintegra.cases.forms import add_service_errors
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


def form_page(request, form, action, success: str, *, template: str, context: dict, render_page=render):
    """A create/edit page: on a valid POST call the service (`action(form)` returns the saved object) and
    redirect to it with `success`; otherwise show the form, bound after a POST (status 400), so that
    nothing typed is lost and the service's errors sit on their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = action(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(saved.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render_page(request, template, {**context, "form": form}, status=status)


def section_post(request, form, action, success: str, *, parent, redisplay):
    """A form posted from a section of a detail page (a log entry, a participant): on success call the
    service with the cleaned data and go back to `parent`; otherwise `redisplay(form)` shows the page again
    with the bound form and the service's errors on their fields."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(parent.get_absolute_url())
    return redisplay(form)


__all__ = ["case_for", "case_page", "form_page", "require_casework", "section_post", "still_visible"]
