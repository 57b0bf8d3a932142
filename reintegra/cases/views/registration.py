"""Registering a returnee, with the duplicate check before anything is saved."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from reintegra.accounts.access import access_for
from reintegra.cases.forms import DuplicateDecisionForm, RegistrationForm, add_service_errors
from reintegra.cases.selectors import duplicate_candidates
from reintegra.cases.services import returnee_register
from reintegra.cases.views.common import case_page, still_visible


@case_page
def register(request):
    access = access_for(request.user)
    if not access.identifying:
        raise PermissionDenied(gettext("Only staff with casework rights in an office may register returnees."))
    form = RegistrationForm(request.POST or None, user=request.user, access=access)
    decision = None
    editing = "edit" in request.POST  # back from the warning to correct the details
    if request.method == "POST" and form.is_valid() and not editing:
        candidates = duplicate_candidates(request.user, **form.duplicate_query())
        answered = request.POST if request.POST.get("step") == "decide" else None
        decision = DuplicateDecisionForm(answered, candidates=candidates)
        if not candidates or decision.decided():
            case = _register(request, form, decision if candidates else None)
            if case is not None:
                return _after_registration(request, case)
    warn = bool(decision and decision.candidates and not form.errors)
    context = {"form": form, "decision": decision, "warn": warn}
    return render(request, "cases/register.html", context, status=400 if form.errors else 200)


def _register(request, form, decision):
    try:
        return returnee_register(
            actor=request.user,
            office=form.cleaned_data["office"],
            person=form.person_input(),
            details=form.return_input(),
            assigned_to=form.cleaned_data["assigned_to"],
            **(decision.outcome() if decision else {}),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _after_registration(request, case):
    messages.success(
        request, gettext("The returnee was registered. Case %(number)s is open.") % {"number": case.number}
    )
    if still_visible(request.user, case):
        return redirect(case)
    # A child case left unassigned goes to child protection; a case manager does not see it.
    messages.info(request, gettext("The case is handled by colleagues with access to child cases."))
    return redirect("cases:caseload")
