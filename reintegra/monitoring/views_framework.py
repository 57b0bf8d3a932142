"""Results-framework pages: the framework editor, reporting periods, the progress table, manual values,
the drill-down per indicator and the PDF programme report.

Each view: scoped lookup (404 outside scope, 403 for readers who try to change) → form → one service →
redirect or render. Rights in `monitoring.framework`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from reintegra.accounts.access import access_for
from reintegra.cases.forms import add_service_errors
from reintegra.cases.views.common import case_page
from reintegra.monitoring import forms_framework as forms
from reintegra.monitoring import framework as fw
from reintegra.monitoring.models import Result, ResultLevel


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


# ------------------------------------------------------------------ frameworks


@case_page
def frameworks(request):
    programmes = fw.read_programmes(request.user)
    access = access_for(request.user)
    if not programmes and not (access.manage or access.pseudonymised):
        raise Http404  # the menu shows the page to supervisors, managers and M&E; others do not learn of it
    context = {
        "frameworks": fw.frameworks_for(request.user).order_by("programme__name", "title"),
        "editable": fw.edit_programmes(request.user),
        "programmes": programmes,
    }
    return render(request, "monitoring/framework/list.html", context)


@case_page
def framework_create(request):
    programme = fw.programme_for(request.user, request.GET.get("programme") or request.POST.get("programme"), edit=True)
    form = forms.FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            framework = fw.framework_save(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(framework.get_absolute_url())
    context = {"form": form, "programme": programme, "title": gettext("New results framework")}
    return render(request, "monitoring/framework/form.html", context, status=_status(form))


@case_page
def framework_detail(request, pk):
    framework = fw.framework_for(request.user, pk)
    context = {
        "framework": framework,
        "nodes": fw.flatten(fw.tree(framework)),
        "may_edit": fw.may_edit(request.user, framework.programme),
        "periods": fw.periods_of(framework.programme),
    }
    return render(request, "monitoring/framework/detail.html", context)


@case_page
def framework_edit(request, pk):
    framework = fw.framework_for(request.user, pk, edit=True)
    initial = {name: getattr(framework, name) for name in fw.FRAMEWORK_FIELDS}
    form = forms.FrameworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fw.framework_save(
                actor=request.user, programme=framework.programme, framework=framework, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(framework.get_absolute_url())
    context = {
        "form": form,
        "framework": framework,
        "programme": framework.programme,
        "title": gettext("Change the framework"),
    }
    return render(request, "monitoring/framework/form.html", context, status=_status(form))


# ------------------------------------------------------------------ results and indicators


def _parents(framework, exclude=None):
    qs = framework.results.exclude(level=ResultLevel.OUTPUT).order_by("order", "code")
    return [r for r in qs if exclude is None or r.pk != exclude.pk]


def _result_page(request, framework, result: Result | None):
    initial = {"level": request.GET.get("level", ResultLevel.OBJECTIVE), "parent": request.GET.get("parent")}
    if result:
        initial = {name: getattr(result, name) for name in ("level", "code", "statement", "statement_fr", "order")}
        initial["parent"] = result.parent_id
    form = forms.ResultForm(request.POST or None, initial=initial, parents=_parents(framework, result))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parent = data.pop("parent")
        try:
            fw.result_save(actor=request.user, framework=framework, result=result, parent=parent, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(framework.get_absolute_url())
    title = gettext("Change the result") if result else gettext("Add a result")
    context = {"form": form, "framework": framework, "programme": framework.programme, "title": title, "result": result}
    return render(request, "monitoring/framework/form.html", context, status=_status(form))


@case_page
def result_create(request, pk):
    return _result_page(request, fw.framework_for(request.user, pk, edit=True), None)


@case_page
def result_edit(request, pk):
    result = fw.result_for(request.user, pk, edit=True)
    return _result_page(request, result.framework, result)


@case_page
@require_POST
def result_delete(request, pk):
    result = fw.result_for(request.user, pk, edit=True)
    try:
        fw.result_delete(actor=request.user, result=result)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(result.framework.get_absolute_url())


def _indicator_page(request, result, indicator):
    initial = forms.IndicatorForm.initial_from(indicator) if indicator else {}
    form = forms.IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fw.indicator_save(actor=request.user, result=result, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(result.framework.get_absolute_url())
    framework = result.framework
    title = gettext("Change the indicator") if indicator else gettext("Add an indicator")
    context = {"form": form, "framework": framework, "programme": framework.programme, "title": title, "result": result}
    return render(request, "monitoring/framework/form.html", context, status=_status(form))


@case_page
def indicator_create(request, pk):
    return _indicator_page(request, fw.result_for(request.user, pk, edit=True), None)


@case_page
def indicator_edit(request, pk):
    indicator = fw.indicator_for(request.user, pk, edit=True)
    return _indicator_page(request, indicator.result, indicator)


@case_page
@require_POST
def indicator_delete(request, pk):
    indicator = fw.indicator_for(request.user, pk, edit=True)
    try:
        fw.indicator_delete(actor=request.user, indicator=indicator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(indicator.result.framework.get_absolute_url())


# ------------------------------------------------------------------ periods


@case_page
def periods(request, pk):
    programme = fw.programme_for(request.user, pk, edit=request.method == "POST")
    form = forms.PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fw.period_save(actor=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("monitoring:periods", programme.pk)
    context = {
        "programme": programme,
        "periods": fw.periods_of(programme),
        "form": form if fw.may_edit(request.user, programme) else None,
        "frameworks": fw.frameworks_for(request.user).filter(programme=programme),
    }
    return render(request, "monitoring/framework/periods.html", context, status=_status(form))


# ------------------------------------------------------------------ progress, values, drill-down, report


def _period(request, framework, period_pk=None):
    periods = fw.periods_of(framework.programme)
    pk = period_pk or request.GET.get("period")
    if pk:
        return fw.period_for(framework.programme, pk), periods
    return (periods[0] if periods else None), periods


@case_page
def progress(request, pk):
    framework = fw.framework_for(request.user, pk)
    period, periods = _period(request, framework)
    snapshot_pk = request.GET.get("snapshot") if str(request.GET.get("snapshot", "")).isdigit() else None
    snapshots = fw.snapshots_of(request.user, framework, period) if period else []
    context = {
        "framework": framework,
        "period": period,
        "periods": periods,
        "progress": fw.progress(request.user, framework, period, snapshot_pk, snapshots) if period else None,
        "snapshots": snapshots,
        "may_edit": fw.may_edit(request.user, framework.programme),
    }
    return render(request, "monitoring/framework/progress.html", context)


@case_page
@require_POST
def compute(request, pk, period_pk):
    framework = fw.framework_for(request.user, pk, edit=True)
    period = fw.period_for(framework.programme, period_pk)
    snap = fw.snapshot_take(actor=request.user, framework=framework, period=period)
    messages.success(request, gettext("The indicators were computed (snapshot %(number)s).") % {"number": snap.pk})
    return redirect(f"{reverse('monitoring:progress', args=[framework.pk])}?period={period.pk}")


@case_page
def indicator_detail(request, pk, period_pk):
    indicator = fw.indicator_for(request.user, pk)
    framework = indicator.result.framework
    period = fw.period_for(framework.programme, period_pk)
    snap = fw.visible_snapshot(request.user, framework, period)
    row = fw.progress(request.user, framework, period, snap.pk if snap else None).rows[indicator.pk]
    context = {
        "indicator": indicator,
        "framework": framework,
        "period": period,
        "snapshot": snap,
        "row": row,
        "breakdowns": fw.breakdowns(request.user, indicator, period, snap),
        "may_edit": fw.may_edit(request.user, framework.programme),
    }
    return render(request, "monitoring/framework/indicator.html", context)


@case_page
def values_entry(request, pk, period_pk):
    indicator = fw.indicator_for(request.user, pk, edit=True)
    framework = indicator.result.framework
    period = fw.period_for(framework.programme, period_pk)
    existing = indicator.values.filter(period=period, source="manual")
    form = forms.ManualValuesForm(
        request.POST or None,
        initial=forms.ManualValuesForm.initial_from(existing),
        indicator=indicator,
        programme=framework.programme,
    )
    if request.method == "POST" and form.is_valid():
        try:
            fw.manual_values_save(
                actor=request.user,
                indicator=indicator,
                period=period,
                figures=form.figures(),
                labels=form.category_labels,
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The values were saved."))
            return redirect("monitoring:indicator", indicator.pk, period.pk)
    context = {"form": form, "indicator": indicator, "framework": framework, "period": period}
    return render(request, "monitoring/framework/values.html", context, status=_status(form))


@case_page
def report(request, pk, period_pk):
    """GET: the report's narrative form; POST: the PDF (an audited export)."""
    from reintegra.monitoring import report as pdf

    framework = fw.framework_for(request.user, pk)
    period = fw.period_for(framework.programme, period_pk)
    progress_ = fw.progress(request.user, framework, period)
    stored = progress_.snapshot.narrative if progress_.snapshot else {}
    may_edit = fw.may_edit(request.user, framework.programme)
    form = forms.NarrativeForm(request.POST or None, initial=stored)
    if request.method == "POST" and form.is_valid():
        narrative = {k: v for k, v in form.cleaned_data.items() if v} if may_edit else stored
        content = pdf.report_pdf_bytes(request, progress_, narrative)
        fw.report_printed(
            actor=request.user, framework=framework, period=period, snap=progress_.snapshot, narrative=narrative
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="report-{framework.pk}-{period.pk}.pdf"'
        return response
    context = {"form": form, "framework": framework, "period": period, "progress": progress_, "may_edit": may_edit}
    return render(request, "monitoring/framework/report_form.html", context, status=_status(form))
