"""Offices and programmes API: /api/v1/offices and /api/v1/programmes (read-only).

Any authenticated user lists the offices and programmes in reach of their roles (sub-offices
included for supervisory roles), so that clients find the ids other endpoints take. A programme
lists only the offices of it that are in the user's reach.
"""

from datetime import date
from decimal import Decimal

from ninja import Router, Schema

from reintegra.accounts import selectors
from reintegra.api import schemas as s
from reintegra.api.common import actor

router = Router(tags=["offices"])
ERRORS = {401: s.ErrorOut}


class OfficeOut(Schema):
    id: int
    name: str
    code: str
    country: str
    kind: str
    parent: int | None
    language: str


class ProgrammeOut(Schema):
    id: int
    name: str
    code: str
    currency: str
    start_date: date
    end_date: date | None
    per_returnee_cap: Decimal | None
    cash_approval_threshold: Decimal | None
    plan_due_days: int
    offices: list[int]


def office_out(office) -> dict:
    fields = ["id", "name", "code", "country", "kind", "language"]
    return {**{name: getattr(office, name) for name in fields}, "parent": office.parent_id}


def programme_out(programme) -> dict:
    fields = ["id", "name", "code", "currency", "start_date", "end_date", "plan_due_days"]
    return {
        **{name: getattr(programme, name) for name in fields},
        "per_returnee_cap": programme.per_returnee_cap,
        "cash_approval_threshold": programme.cash_approval_threshold,
        "offices": [office.pk for office in programme.offices_in_reach],
    }


@router.get("/offices", response={200: list[OfficeOut], **ERRORS}, summary="Offices in reach of my roles")
def office_list(request):
    return [office_out(office) for office in selectors.offices_for(actor(request))]


@router.get("/programmes", response={200: list[ProgrammeOut], **ERRORS}, summary="Programmes of my offices")
def programme_list(request):
    return [programme_out(programme) for programme in selectors.programmes_for(actor(request))]
