"""Correcting a returnee's profile and a case's return details."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from reintegra.cases.forms import PersonForm, ReturnForm, add_service_errors
from reintegra.cases.selectors import case_for
from reintegra.cases.services import case_update, person_update
from reintegra.cases.views.common import case_page, require_casework


@case_page
def person_edit(request, number):
    case = case_for(request.user, number)
    require_casework(request, case)  # the form shows identities: pseudonymised roles never get it
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(case.person))
    if request.method == "POST" and form.is_valid():
        try:
            person_update(actor=request.user, case=case, data=form.person_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The profile was updated."))
            return redirect(case)
    context = {"case": case, "form": form, "title": gettext("Edit the profile"), "kind": "person"}
    return render(request, "cases/case_edit.html", context, status=400 if form.errors else 200)


@case_page
def case_edit(request, number):
    case = case_for(request.user, number)
    require_casework(request, case)
    form = ReturnForm(request.POST or None, initial=ReturnForm.initial_for(case), programme_offices=[case.office_id])
    if request.method == "POST" and form.is_valid():
        try:
            case_update(actor=request.user, case=case, details=form.return_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The return details were updated."))
            return redirect(case)
    context = {"case": case, "form": form, "title": gettext("Edit the return details"), "kind": "return"}
    return render(request, "cases/case_edit.html", context, status=400 if form.errors else 200)
