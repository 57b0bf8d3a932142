"""Dashboard pages (programme managers, supervisors, M&E officers) and each chart's data as CSV.

Each view: scope (404 for other roles) → filter form → panels from the cells → render. A CSV
holds the aggregates of one panel with the same filters; cells go through `safe_cell`; each
download is audited as an export (services.record_chart_download).
"""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reintegra.dashboards import board, facts, selectors, services
from reintegra.lib.cells import safe_cell


def _page(request, page: str):
    form = board.filter_form(request.user, request.GET)
    valid = form.is_valid() if form.is_bound else True
    facts.ensure_built()
    fresh = selectors.freshness()
    context = {
        "form": form,
        "page": page,
        "fresh": fresh,
        "panels": board.build_panels(request.user, form, board.PAGES[page], fresh) if valid else [],
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
    if name not in board.PANEL_NAMES:
        raise Http404
    form = board.filter_form(request.user, request.GET)
    if form.is_bound and not form.is_valid():
        return HttpResponse(" ".join(str(e) for errors in form.errors.values() for e in errors), status=400)
    panel = board.build_panels(request.user, form, [name], selectors.freshness())[0]
    services.record_chart_download(
        actor=request.user,
        panel=name,
        filters=board.typed_filters(form, request.GET),
        rows=len(panel.rows),
        suppressed=board.scoped_filters(request.user, form).suppress,
        channel="dashboard",
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
