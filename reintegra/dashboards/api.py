"""Dashboards API: /api/v1/dashboards/... — each chart's figures as JSON, for BI tools and reports.

The same filter form, scope, pre-aggregated cells and small-cell rule as the pages and their CSV
downloads (dashboards.board); each read is audited as an export. Roles without dashboards get 404.
"""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema

from reintegra.api import schemas as s
from reintegra.api.common import actor
from reintegra.dashboards import board, facts, selectors, services

router = Router(tags=["dashboards"])
ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 404: s.ErrorOut}
Month = str | None


class PanelFilters(Schema):
    """The pages' filters; checked by the same form (scope, months, choices)."""

    programme: s.Id | None = None
    office: s.Id | None = None
    start: Month = Field(None, max_length=7, description="First month, YYYY-MM (inclusive).")
    end: Month = Field(None, max_length=7, description="Last month, YYYY-MM (inclusive).")
    basis: str | None = Field(None, max_length=20, description="`arrival` (default) or `interview` (RSS).")
    return_type: str | None = Field(None, max_length=40)
    sex: str | None = Field(None, max_length=20)
    by: str | None = Field(None, max_length=20, description="Breakdown of the `change` panel.")


class PanelSummary(Schema):
    name: str
    page: str


class PanelOut(Schema):
    name: str
    title: str
    description: str
    note: str
    columns: list[str]
    rows: list[list[int | float | str | None]]
    small_cells_suppressed: bool
    min_cell: int
    facts_built_at: datetime | None
    facts_stale_since: datetime | None
    profile: str | None


def _json_value(value):
    if value == "":
        return None
    if isinstance(value, Decimal):
        return str(value)  # money: every digit, as the CSV gives it
    return value


@router.get("/panels", response={200: list[PanelSummary], **ERRORS}, summary="The dashboard panels")
def panel_list(request):
    """The panels the user may read, with the page that shows them."""
    selectors.require_dashboards(actor(request))
    return [{"name": name, "page": page} for page, names in board.PAGES.items() for name in names]


@router.get("/panels/{name}", response={200: PanelOut, **ERRORS}, summary="One panel's figures")
def panel_detail(request, name: str, filters: Query[PanelFilters]):
    """The figures of one panel: the same columns and rows as its CSV download, in the user's language.

    Counts under `min_cell` are `"<5"` and small groups' means are null when `small_cells_suppressed`.
    """
    user = actor(request)
    typed = {key: str(value) for key, value in filters.dict().items() if value not in (None, "")}
    form = board.filter_form(user, typed)
    if name not in board.PANEL_NAMES:
        raise Http404
    if form.is_bound and not form.is_valid():
        raise ValidationError(form.errors.as_data())
    facts.ensure_built()
    fresh = selectors.freshness()
    panel = board.build_panels(user, form, [name], fresh)[0]
    suppressed = board.scoped_filters(user, form).suppress
    services.record_chart_download(
        actor=user, panel=name, filters=typed, rows=len(panel.rows), suppressed=suppressed, channel="api"
    )
    return {
        "name": name,
        "title": str(panel.title),
        "description": str(panel.desc),
        "note": str(panel.note),
        "columns": [str(column) for column in panel.columns],
        "rows": [[_json_value(value) for value in row] for row in panel.rows],
        "small_cells_suppressed": suppressed,
        "min_cell": selectors.min_cell(),
        "facts_built_at": fresh.built_at,
        "facts_stale_since": fresh.stale_since,
        "profile": board.profile_label(fresh) if fresh.profile else None,
    }
