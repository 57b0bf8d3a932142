"""POST actions on a case file. Each re-finds the case through the scoped selector (404 outside the
scope), validates a form, calls one service (which checks the actor's right) and redirects; on an
error the case file is shown again with the submitted form and its messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from reintegra.cases import forms as case_forms
from reintegra.cases import services
from reintegra.cases.forms import add_service_errors
from reintegra.cases.selectors import case_for
from reintegra.cases.views.case_file import render_case_file
from reintegra.cases.views.common import case_page, still_visible


def _act(request, case, form, *, key, action, success, tab="profile", aliases=None):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, aliases)
        else:
            messages.success(request, success)
            if not still_visible(request.user, case):
                return redirect("cases:caseload")
            return redirect(f"{case.get_absolute_url()}?tab={tab}")
    return render_case_file(request, case, tab=tab, status=400, bound={key: form})


@case_page
@require_POST
def case_stage(request, number):
    case = case_for(request.user, number)
    return _act(
        request,
        case,
        case_forms.StageMoveForm(request.POST),
        key="stage",
        aliases={"stage": "to_stage"},
        action=lambda data: services.case_change_stage(
            actor=request.user, case=case, to_stage=data["to_stage"], note=data["note"]
        ),
        success=gettext("The stage was changed."),
    )


@case_page
@require_POST
def case_assign(request, number):
    case = case_for(request.user, number)
    return _act(
        request,
        case,
        case_forms.AssignForm(request.POST, case=case),
        key="assign",
        action=lambda data: services.case_assign(actor=request.user, case=case, assignee=data["assigned_to"]),
        success=gettext("The case manager was changed."),
    )


@case_page
@require_POST
def case_transfer(request, number):
    case = case_for(request.user, number)
    return _act(
        request,
        case,
        case_forms.TransferForm(request.POST, case=case),
        key="transfer",
        action=lambda data: services.case_transfer(
            actor=request.user, case=case, to_office=data["to_office"], reason=data["reason"]
        ),
        success=gettext("The case was transferred."),
    )


@case_page
@require_POST
def case_close(request, number):
    case = case_for(request.user, number)
    form = case_forms.CloseForm(request.POST)
    return _act(
        request,
        case,
        form,
        key="close",
        action=lambda data: services.case_close(
            actor=request.user,
            case=case,
            reason=data["reason"],
            note=data["note"],
            remigration_intention=form.intention(),
        ),
        success=gettext("The case was closed."),
    )


@case_page
@require_POST
def case_reopen(request, number):
    case = case_for(request.user, number)
    return _act(
        request,
        case,
        case_forms.ReopenForm(request.POST),
        key="reopen",
        action=lambda data: services.case_reopen(actor=request.user, case=case, reason=data["reason"]),
        success=gettext("The case was reopened."),
    )


@case_page
@require_POST
def household_add(request, number):
    case = case_for(request.user, number)
    form = case_forms.HouseholdMemberForm(request.POST)
    return _act(
        request,
        case,
        form,
        key="household",
        tab="household",
        action=lambda data: services.household_member_add(
            actor=request.user, case=case, member=form.person_input(), relationship=data["relationship"]
        ),
        success=gettext("The household member was added."),
    )


@case_page
@require_POST
def consent_add(request, number):
    case = case_for(request.user, number)
    return _act(
        request,
        case,
        case_forms.ConsentForm(request.POST, request.FILES),
        key="consent",
        tab="consent",
        action=lambda data: services.consent_record(actor=request.user, case=case, **data),
        success=gettext("The consent decision was recorded."),
    )


@case_page
@require_POST
def note_add(request, number):
    case = case_for(request.user, number)
    return _act(
        request,
        case,
        case_forms.NoteForm(request.POST),
        key="notes",
        tab="notes",
        action=lambda data: services.note_add(actor=request.user, case=case, **data),
        success=gettext("The note was added."),
    )


@case_page
@require_POST
def task_add(request, number):
    case = case_for(request.user, number)
    return _act(
        request,
        case,
        case_forms.TaskForm(request.POST, case=case),
        key="tasks",
        tab="tasks",
        action=lambda data: services.task_create(actor=request.user, case=case, **data),
        success=gettext("The task was added."),
    )


@case_page
@require_POST
def task_status(request, number, pk):
    case = case_for(request.user, number)
    task = case.tasks.filter(pk=pk).first()
    if task is None:
        raise Http404
    task.case = case
    form = case_forms.TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            services.task_set_status(actor=request.user, task=task, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("The task was updated."))
    else:
        messages.error(request, gettext("Choose a valid status."))
    return redirect(f"{case.get_absolute_url()}?tab=tasks")
