"""Best-interests procedure pages. Each view: scoped lookup (404 outside reach) → form → one service →
redirect, or the page again with what was typed and the messages (status 400)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from reintegra.cases.forms import add_service_errors
from reintegra.cases.models import Stage
from reintegra.cases.views.common import case_page
from reintegra.children import forms as bip_forms
from reintegra.children import services
from reintegra.children.selectors import (
    FULL,
    bip_case,
    case_procedures,
    current_determination,
    current_procedure,
    procedure_of,
)

PANEL_ALIAS = {"panel": "panel_name_1"}


def _full_case(request, number):
    """Writing pages: child-protection specialists and supervisors only; others 404."""
    case, level = bip_case(request.user, number)
    if level != FULL:
        raise Http404
    return case


def _page(request, case, level, procedure, *, latest=True, step_form=None, status=200):
    """The procedure page: the current procedure (open, else the latest closed) or an earlier one, read-only."""
    determination = current_determination(procedure)
    is_open = procedure is not None and procedure.is_open
    writable = level == FULL and case.stage != Stage.CLOSED and (procedure is None or is_open)
    has_assessment = procedure is not None and hasattr(procedure, "assessment")
    context = {
        "case": case,
        "full": level == FULL,
        "procedure": procedure,
        "assessment": procedure.assessment if has_assessment else None,
        "determination": determination,
        "history": [d for d in procedure.determinations.all() if d != determination] if procedure else [],
        "writable": writable,
        "latest": latest,
        "may_close": level == FULL and is_open,
        "may_start_new": latest and level == FULL and case.stage != Stage.CLOSED and procedure and not is_open,
        "procedures": case_procedures(case),
        "step_form": step_form or (bip_forms.StepForm() if writable and has_assessment else None),
        "state_form": bip_forms.StepStateForm(),
    }
    return render(request, "children/bip.html", context, status=status)


def _form_page(request, case, form, *, title, button, action, success, aliases=None):
    if request.method == "POST" and form.is_valid():
        try:
            action(form.to_input())
        except ValidationError as error:
            add_service_errors(form, error, aliases)
        else:
            messages.success(request, success)
            return redirect("children:bip", case.number)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "children/form_page.html",
        {"case": case, "form": form, "title": title, "button": button},
        status=status,
    )


@case_page
def bip(request, number):
    case, level = bip_case(request.user, number)
    procedure = current_procedure(case)
    services.bip_viewed(actor=request.user, case=case, level=level, procedure=procedure)
    return _page(request, case, level, procedure)


@case_page
def assessment_edit(request, number):
    case = _full_case(request, number)
    procedure = current_procedure(case)
    instance = getattr(procedure, "assessment", None) if procedure and procedure.is_open else None
    form = bip_forms.AssessmentForm(request.POST or None, instance=instance, case=case)
    return _form_page(
        request,
        case,
        form,
        title=gettext("Best-interests assessment"),
        button=gettext("Save the assessment"),
        action=lambda data: services.assessment_save(actor=request.user, case=case, data=data),
        success=gettext("The assessment was saved."),
    )


@case_page
@require_POST
def step_add(request, number):
    case = _full_case(request, number)
    form = bip_forms.StepForm(request.POST)
    if form.is_valid():
        try:
            services.step_add(actor=request.user, case=case, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The step was added to the process plan."))
            return redirect("children:bip", case.number)
    return _page(request, case, FULL, current_procedure(case), step_form=form, status=400)


@case_page
@require_POST
def step_state(request, number, pk):
    case = _full_case(request, number)
    procedure = current_procedure(case)
    step = next((s for s in procedure.steps.all() if s.pk == pk), None) if procedure else None
    if step is None:
        raise Http404
    form = bip_forms.StepStateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(gettext("Choose done or cancelled, with a valid date."))
        data = form.cleaned_data
        services.step_set_state(actor=request.user, case=case, step=step, state=data["state"], done_on=data["done_on"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("The step was updated."))
    return redirect("children:bip", case.number)


@case_page
def determination_new(request, number):
    case = _full_case(request, number)
    return _form_page(
        request,
        case,
        bip_forms.DeterminationForm(request.POST or None),
        title=gettext("Best-interests determination"),
        button=gettext("Record the determination"),
        action=lambda data: services.determination_record(actor=request.user, case=case, data=data),
        success=gettext("The determination was recorded. It is final: a review would supersede it."),
        aliases=PANEL_ALIAS,
    )


@case_page
def determination_review(request, number):
    case = _full_case(request, number)
    form = bip_forms.DeterminationForm(request.POST or None, review=True)
    return _form_page(
        request,
        case,
        form,
        title=gettext("Review of the determination"),
        button=gettext("Record the new determination"),
        action=lambda data: services.determination_review(
            actor=request.user, case=case, data=data, reason=form.cleaned_data["review_reason"]
        ),
        success=gettext("The new determination was recorded and supersedes the previous one."),
        aliases=PANEL_ALIAS,
    )


@case_page
def procedure_detail(request, number, pk):
    """An earlier (closed) procedure, read-only; the open one lives on the procedure page."""
    case, level = bip_case(request.user, number)
    procedure = procedure_of(case, pk)
    if procedure.is_open:
        return redirect("children:bip", case.number)
    services.bip_viewed(actor=request.user, case=case, level=level, procedure=procedure)
    return _page(request, case, level, procedure, latest=False)


@case_page
def procedure_close(request, number):
    case = _full_case(request, number)
    form = bip_forms.ProcedureCloseForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        title=gettext("Close the best-interests procedure"),
        button=gettext("Close the procedure"),
        action=lambda data: services.procedure_close(actor=request.user, case=case, **data),
        success=gettext("The procedure was closed. It stays readable; a new assessment starts a new procedure."),
    )
