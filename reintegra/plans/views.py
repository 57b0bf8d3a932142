"""Plan pages. Each view: scoped lookup (404 outside scope) → form → one service → redirect or render.

The plan itself is shown in the case file's "Plan" tab (`case_tab.plan_tab`); older versions on
their own read-only page. Forms too large for the tab have their own small page; a refused
submission comes back with what was typed and the messages (status 400).
"""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from reintegra.accounts.access import access_for
from reintegra.cases.forms import add_service_errors
from reintegra.cases.models import Stage
from reintegra.cases.selectors import case_for
from reintegra.cases.services import case_change_stage, case_viewed
from reintegra.cases.views.common import case_page
from reintegra.plans import forms as plan_forms
from reintegra.plans import selectors, services
from reintegra.plans.case_tab import plan_context

LIST_LIMIT = 200


def _tab_url(case) -> str:
    return f"{case.get_absolute_url()}?tab=plan"


def _require_identify(request, case) -> None:
    """Pseudonymised roles see no free text and no attachments: those pages are 404 to them."""
    if not access_for(request.user).may_identify(case.office_id):
        raise Http404


def _require_casework(request, case) -> None:
    if not access_for(request.user).may_work_on(case.office_id):
        raise PermissionDenied(gettext("You may not change cases of this office."))


def _form_page(request, case, form, *, title, button, action, success, multipart=False):
    """GET shows the form; POST runs `action(cleaned_data)` and returns to the plan tab."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_tab_url(case))
    status = 400 if request.method == "POST" else 200
    context = {"case": case, "form": form, "title": title, "button": button, "multipart": multipart}
    return render(request, "plans/form_page.html", context, status=status)


def _data(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


# ------------------------------------------------------------------ plan versions


@case_page
def plan_create(request, number):
    case = case_for(request.user, number)
    _require_casework(request, case)
    return _form_page(
        request,
        case,
        plan_forms.PlanForm(request.POST or None),
        title=gettext("New reintegration plan"),
        button=gettext("Create the plan"),
        action=lambda data: services.plan_create(actor=request.user, case=case, data=services.PlanInput(**data)),
        success=gettext("The plan was created. Add its activities."),
    )


@case_page
def plan_edit(request, number, version):
    plan = selectors.plan_for(request.user, number, version)
    _require_casework(request, plan.case)
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    return _form_page(
        request,
        plan.case,
        plan_forms.PlanForm(request.POST or None, initial=initial),
        title=gettext("Goals, summaries and expected improvement"),
        button=gettext("Save"),
        action=lambda data: services.plan_update(actor=request.user, plan=plan, data=services.PlanInput(**data)),
        success=gettext("The plan was saved."),
    )


@case_page
def plan_detail(request, number, version):
    """One version of the plan, read-only (the current one is worked on in the case file)."""
    plan = selectors.plan_for(request.user, number, version)
    case_viewed(actor=request.user, case=plan.case)
    context = {"case": plan.case, **plan_context(request, plan.case, plan)}
    context["rights"] = dict.fromkeys(context["rights"], False) | {
        "identify": context["rights"]["identify"],
        "can_print": context["rights"]["can_print"],
    }
    return render(request, "plans/plan_detail.html", context)


@case_page
def plan_revise(request, number, version):
    plan = selectors.plan_for(request.user, number, version)
    _require_casework(request, plan.case)
    return _form_page(
        request,
        plan.case,
        plan_forms.ReviseForm(request.POST or None),
        title=gettext("Revise the plan"),
        button=gettext("Make a new version"),
        action=lambda data: services.plan_revise(actor=request.user, plan=plan, reason=data["reason"]),
        success=gettext("A new version of the plan was made; the earlier one stays readable."),
    )


@case_page
@require_POST
def plan_submit(request, number, version):
    plan = selectors.plan_for(request.user, number, version)
    try:
        plan = services.plan_submit(actor=request.user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if plan.status == plan.Status.APPROVED:
            messages.success(request, gettext("The plan is within the cap and the cash threshold: it is approved."))
        else:
            messages.success(request, gettext("The plan was sent to a supervisor for approval."))
    return redirect(_tab_url(plan.case))


def _decision(request, number, version, *, approve: bool):
    plan = selectors.plan_for(request.user, number, version)
    if not access_for(request.user).may_supervise(plan.case.office_id):
        raise PermissionDenied(gettext("Only a supervisor or programme manager of this office may do this."))
    service = services.plan_approve if approve else services.plan_return
    return _form_page(
        request,
        plan.case,
        plan_forms.NoteForm(request.POST or None),
        title=gettext("Approve the plan") if approve else gettext("Return the plan for changes"),
        button=gettext("Approve") if approve else gettext("Return for changes"),
        action=lambda data: service(actor=request.user, plan=plan, note=data["note"]),
        success=gettext("The plan was approved.") if approve else gettext("The plan was returned for changes."),
    )


@case_page
def plan_approve(request, number, version):
    return _decision(request, number, version, approve=True)


@case_page
def plan_return(request, number, version):
    return _decision(request, number, version, approve=False)


@case_page
def plan_agreement(request, number, version):
    plan = selectors.plan_for(request.user, number, version)
    _require_casework(request, plan.case)
    return _form_page(
        request,
        plan.case,
        plan_forms.AgreementForm(*_data(request)),
        title=gettext("The returnee's agreement"),
        button=gettext("Record the agreement"),
        multipart=True,
        action=lambda data: services.plan_record_agreement(actor=request.user, plan=plan, **data),
        success=gettext("The returnee's agreement was recorded."),
    )


@case_page
def agreement_document(request, number, version):
    plan = selectors.plan_for(request.user, number, version)
    _require_identify(request, plan.case)
    return _download(plan.agreement_document)


@case_page
def plan_pdf(request, number, version):
    """The printable bilingual plan for signature (identifying roles only)."""
    from reintegra.plans.pdf import plan_pdf_bytes

    plan = selectors.plan_for(request.user, number, version)
    _require_identify(request, plan.case)
    content = plan_pdf_bytes(request, plan, primary=request.GET.get("lang", ""))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.case.number}-v{plan.version}.pdf"'
    return response


# ------------------------------------------------------------------ activities


@case_page
def activity_add(request, number, version):
    plan = selectors.plan_for(request.user, number, version)
    _require_casework(request, plan.case)
    return _form_page(
        request,
        plan.case,
        plan_forms.ActivityForm(request.POST or None, case=plan.case, user=request.user),
        title=gettext("Add an activity"),
        button=gettext("Add the activity"),
        action=lambda data: services.activity_add(actor=request.user, plan=plan, data=services.ActivityInput(**data)),
        success=gettext("The activity was added."),
    )


@case_page
def activity_edit(request, number, version, pk):
    plan = selectors.plan_for(request.user, number, version)
    _require_casework(request, plan.case)
    activity = selectors.activity_of(plan, pk)
    form = plan_forms.ActivityForm(
        request.POST or None, case=plan.case, user=request.user, initial=plan_forms.activity_initial(activity)
    )
    return _form_page(
        request,
        plan.case,
        form,
        title=gettext("Change the activity"),
        button=gettext("Save"),
        action=lambda data: services.activity_update(
            actor=request.user, activity=activity, data=services.ActivityInput(**data)
        ),
        success=gettext("The activity was saved."),
    )


def _post_action(request, case, action, success):
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(_tab_url(case))


@case_page
@require_POST
def activity_remove(request, number, version, pk):
    plan = selectors.plan_for(request.user, number, version)
    activity = selectors.activity_of(plan, pk)
    return _post_action(
        request,
        plan.case,
        lambda: services.activity_remove(actor=request.user, activity=activity),
        gettext("The activity was removed."),
    )


@case_page
@require_POST
def activity_status(request, number, version, pk):
    plan = selectors.plan_for(request.user, number, version)
    activity = selectors.activity_of(plan, pk)
    form = plan_forms.ActivityStatusForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    return _post_action(
        request,
        plan.case,
        lambda: services.activity_set_status(actor=request.user, activity=activity, status=status),
        gettext("The activity's status was changed."),
    )


# ------------------------------------------------------------------ delivery


@case_page
def disbursement_add(request, number, version, pk):
    plan = selectors.plan_for(request.user, number, version)
    _require_casework(request, plan.case)
    activity = selectors.activity_of(plan, pk)
    form = plan_forms.DisbursementForm(*_data(request), activity=activity)

    def record(data):
        services.disbursement_record(
            actor=request.user,
            activity=activity,
            data=form.disbursement_input(),
            certificate=data["certificate"],
            confirmed_on=data["confirmed_on"] if data["confirmed"] else None,
        )

    return _form_page(
        request,
        plan.case,
        form,
        title=gettext("Record a purchase or payment"),
        button=gettext("Record"),
        multipart=True,
        action=record,
        success=gettext("The payment was recorded."),
    )


@case_page
def disbursement_certificate(request, number, version, pk):
    """GET downloads the handover certificate; POST attaches one."""
    plan = selectors.plan_for(request.user, number, version)
    _require_identify(request, plan.case)
    row = selectors.disbursement_of(plan, pk)
    if request.method != "POST":
        return _download(row.certificate)
    _require_casework(request, plan.case)
    return _form_page(
        request,
        plan.case,
        plan_forms.CertificateForm(request.POST, request.FILES),
        title=gettext("Attach the handover certificate"),
        button=gettext("Attach"),
        multipart=True,
        action=lambda data: services.disbursement_attach_certificate(
            actor=request.user, disbursement=row, certificate=data["certificate"]
        ),
        success=gettext("The handover certificate was attached."),
    )


@case_page
@require_POST
def disbursement_confirm(request, number, version, pk):
    plan = selectors.plan_for(request.user, number, version)
    _require_casework(request, plan.case)
    row = selectors.disbursement_of(plan, pk)
    return _form_page(
        request,
        plan.case,
        plan_forms.ConfirmForm(request.POST),
        title=gettext("The returnee's confirmation"),
        button=gettext("Record the confirmation"),
        action=lambda data: services.disbursement_confirm(
            actor=request.user, disbursement=row, confirmed_on=data["confirmed_on"]
        ),
        success=gettext("The returnee's confirmation was recorded."),
    )


def _download(field):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(field.name))


# ------------------------------------------------------------------ deadlines and stage


@case_page
@require_POST
def delay_exception(request, number):
    case = case_for(request.user, number)
    _require_casework(request, case)
    return _form_page(
        request,
        case,
        plan_forms.DelayExceptionForm(request.POST),
        title=gettext("Plan delay exception"),
        button=gettext("Record the exception"),
        action=lambda data: services.plan_delay_exception_record(actor=request.user, case=case, **data),
        success=gettext("The exception was recorded."),
    )


@case_page
@require_POST
def start_implementation(request, number):
    """After approval, move the case from planning to implementation (through the cases service)."""
    case = case_for(request.user, number)
    plan = selectors.current_plan(case)
    if plan is None or plan.status not in (plan.Status.APPROVED, plan.Status.AGREED) or case.stage != Stage.PLANNING:
        messages.error(request, gettext("The case moves to implementation once its plan is approved."))
        return redirect(_tab_url(case))
    return _post_action(
        request,
        case,
        lambda: case_change_stage(actor=request.user, case=case, to_stage=Stage.IMPLEMENTATION),
        gettext("The case moved to implementation."),
    )


# ------------------------------------------------------------------ lists


@login_required
def plans_home(request):
    access = access_for(request.user)
    if not (access.sees_cases or access.administer):
        raise Http404
    return render(
        request,
        "plans/home.html",
        {
            "awaiting_count": selectors.plans_awaiting_approval(request.user).count() if access.manage else None,
            "late_count": selectors.late_plans(request.user).count() if access.sees_cases else None,
            "may_enter_rates": bool(services.rate_programmes(request.user)),
        },
    )


@login_required
def plans_awaiting(request):
    access = access_for(request.user)
    if not access.manage:
        raise Http404
    plans = list(selectors.plans_awaiting_approval(request.user)[:LIST_LIMIT])
    return render(request, "plans/awaiting.html", {"plans": plans, "limit": LIST_LIMIT})


@login_required
def plans_late(request):
    access = access_for(request.user)
    if not access.sees_cases:
        raise Http404
    cases = list(selectors.late_plans(request.user)[:LIST_LIMIT])
    for case in cases:
        case.plan_due = selectors.due_date(case)
        case.show_identity = access.may_identify(case.office_id)
    return render(request, "plans/late.html", {"cases": cases, "limit": LIST_LIMIT})


@login_required
def budget(request):
    """Planned vs spent per programme, over the cases the user sees (aggregates: no identities)."""
    if not access_for(request.user).sees_cases:
        raise Http404
    rows = [selectors.programme_budget(request.user, p) for p in selectors.budget_programmes(request.user)]
    return render(request, "plans/budget.html", {"rows": rows})


@login_required
def exchange_rates(request):
    """Rates per programme; programme managers and administrators add them."""
    programmes = services.rate_programmes(request.user)
    access = access_for(request.user)
    if not programmes and not access.sees_cases:
        raise Http404
    form = plan_forms.ExchangeRateForm(request.POST or None, programmes=programmes) if programmes else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.exchange_rate_enter(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("The exchange rate was saved."))
                return redirect(reverse("plans:rates"))
    visible = selectors.budget_programmes(request.user) if access.sees_cases else []
    scope = {p.pk for p in programmes} | {p.pk for p in visible}
    rates = list(selectors.exchange_rates().filter(programme_id__in=scope)[:LIST_LIMIT])
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/rates.html", {"form": form, "rates": rates}, status=status)
