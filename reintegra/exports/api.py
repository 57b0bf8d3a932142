"""Exports API: GET /api/v1/exports/{dataset}.csv — the same rules, filters and audit as the page.

The CSV streams (no byte-order mark, one header row of column codes). Pseudonymised by default;
`identifiable=true` follows the page's rule (403 when refused). Users without a case role and
unknown datasets get 404.
"""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema

from reintegra.accounts.access import access_for
from reintegra.api import schemas as s
from reintegra.api.common import actor
from reintegra.exports.access import may_export
from reintegra.exports.datasets import DATASETS
from reintegra.exports.forms import ExportForm
from reintegra.exports.services import CSV, export_open
from reintegra.exports.views import file_response

router = Router(tags=["exports"])
ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
CSV_RESPONSE = {"responses": {200: {"description": "The dataset as CSV (streamed).", "content": {"text/csv": {}}}}}


class ExportQuery(Schema):
    office: int | None = None
    programme: int | None = None
    stage: str = ""
    date_field: Literal["opened", "arrival"] = "opened"
    date_from: date | None = None
    date_to: date | None = None
    instrument_version: int | None = None
    identifiable: bool = False


@router.get("/{dataset}.csv", response=ERRORS, openapi_extra=CSV_RESPONSE, summary="Export a dataset as CSV")
def export_csv(request, dataset: str, query: Query[ExportQuery]):
    """Datasets: cases, assessments (needs `instrument_version`), plans, referrals, scores."""
    if dataset not in DATASETS or not may_export(access_for(actor(request))):
        raise Http404
    data = {key: "" if value is None else value for key, value in query.dict().items()}
    form = ExportForm({**data, "dataset": dataset, "format": CSV}, user=actor(request))
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    return file_response(export_open(actor=actor(request), spec=form.spec(), channel="api"), bom=False)
