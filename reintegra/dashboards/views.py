"""Dashboard pages (programme managers, supervisors, M&E officers) and each chart's data as CSV.

Each view: scope (404 for other roles) → filter form → panels from the cells → render. A CSV
holds the aggregates of one panel with the same filters; cells go through `safe_cell`; each
download is audited as an export (services.record_chart_download).
"""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reintegra.dashboards import facts, panels, selectors, services
from reintegra.dashboards.forms import BREAKDOWNS, FilterForm
from reintegra.lib.cells import safe_cell

PAGES = {"cases": ("stages", "caseload"), "plans": ("plans", "budget"), "rss": ("distributions", "change")}


def _form(request) -> FilterForm:
    selectors.require_dashboards(request.user)
    return FilterForm(
        request.GET or None,
        offices=selectors.scope_offices(request.user),
        programmes=selectors.scope_programmes(request.user),
    )


def _profile_label(fresh: selectors.Freshness) -> str:
    profile = fresh.profile
    return _("profile %(code)s v%(version)s") % {"code": profile.code, "version": profile.version} if profile else "—"


def _filters(request, form: FilterForm) -> selectors.Filters:
    offices = form.filters(suppress=False).offices
    return form.filters(suppress=selectors.suppressed_for(request.user, offices))


def _panels(request, form: FilterForm, names, fresh: selectors.Freshness) -> list[panels.Panel]:
    filters = _filters(request, form)
    labels = panels.Labels.load()
    today = timezone.localdate()
    breakdown = form.breakdown
    builders = {
        "stages": lambda: panels.stages(filters, labels),
        "caseload": lambda: panels.caseload(request.user, filters, labels, today),
        "plans": lambda: panels.plans(filters, labels, today),
        "budget": lambda: panels.budget(filters, labels),
        "distributions": lambda: panels.distributions(filters, _profile_label(fresh)),
        "change": lambda: panels.change(
            filters, labels, breakdown, str(dict(BREAKDOWNS)[breakdown]), _profile_label(fresh)
        ),
    }
    return [builders[name]() for name in names]


def _page(request, page: str):
    form = _form(request)
    valid = form.is_valid() if form.is_bound else True
    if not form.is_bound:
        form.cleaned_data = {}
    facts.ensure_built()
    fresh = selectors.freshness()
    context = {
        "form": form,
        "page": page,
        "fresh": fresh,
        "panels": _panels(request, form, PAGES[page], fresh) if valid else [],
        "query": request.GET.urlencode(),
        "min_cell": selectors.min_cell(),
    }
    return render(request, "dashboards/page.html", context, status=200 if valid else 400)


@login_required
@require_GET
def cases(request):
    return _page(request, "cases")


@login_required
@require_GET
def plans(request):
    return _page(request, "plans")


@login_required
@require_GET
def rss(request):
    return _page(request, "rss")


@login_required
@require_GET
def panel_csv(request, name: str):
    page = next((page for page, names in PAGES.items() if name in names), None)
    if page is None:
        raise Http404
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(" ".join(str(e) for errors in form.errors.values() for e in errors), status=400)
    if not form.is_bound:
        form.cleaned_data = {}
    panel = _panels(request, form, [name], selectors.freshness())[0]
    services.record_chart_download(
        actor=request.user,
        panel=name,
        filters={field: request.GET[field] for field in form.fields if field in request.GET},
        rows=len(panel.rows),
        suppressed=_filters(request, form).suppress,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reintegra-{name}.csv"'
    writer = csv.writer(response)
    writer.writerow([safe_cell(str(column)) for column in panel.columns])
    for row in panel.rows:
        writer.writerow([_csv_value(value) for value in row])
    return response


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return safe_cell(str(value))
