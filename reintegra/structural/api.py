"""Structural API (read-only): /api/v1/structural/... — the same selectors and rules as the pages.

Case-working roles and M&E officers of the record's office read; everyone else gets 404.
`q` searches as the list pages do; `office` is an office code.
"""

from datetime import date
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema

from reintegra.api import schemas as s
from reintegra.api.common import actor
from reintegra.structural import access, selectors

router = Router(tags=["structural"])
ERRORS = {401: s.ErrorOut, 404: s.ErrorOut}
MAX_ITEMS = 500

Text = Annotated[str, Field(max_length=200), s.Printable]
OfficeCode = Annotated[str, Field(max_length=10), s.Printable]


class StakeholderRef(Schema):
    id: int
    name: str


class StakeholderOut(Schema):
    id: int
    office: str
    name: str
    type: str
    level: str
    contact_person: str
    contact_function: str
    interest: str
    influence: str
    tier: str
    concerns: str
    expectations: str
    next_review: date | None
    review_due: bool
    last_discussion: date | None


class AgreementOut(Schema):
    id: int
    office: str
    kind: str
    title: str
    parties: list[StakeholderRef]
    scope: str
    valid_from: date
    valid_to: date | None
    expiring_soon: bool
    cost_terms: str
    data_access: str
    status: str


class BodyOut(Schema):
    id: int
    office: str
    name: str
    kind: str
    chair: StakeholderRef | None
    member_count: int
    last_meeting: date | None
    purpose: str


def _reader(request):
    user = actor(request)
    if not access.may_read(user):
        raise Http404
    return user


def _rows(request, select, q: str, office: str):
    user = _reader(request)
    qs = select(user, text=q)
    if office.strip():
        qs = qs.filter(office__code__iexact=office.strip())
    return qs[:MAX_ITEMS]


def _ref(stakeholder) -> dict | None:
    return None if stakeholder is None else {"id": stakeholder.pk, "name": stakeholder.name}


STAKEHOLDER_FIELDS = [
    "id",
    "name",
    "type",
    "level",
    "contact_person",
    "contact_function",
    "interest",
    "influence",
    "concerns",
    "expectations",
    "next_review",
    "last_discussion",
]


@router.get("/stakeholders", response={200: list[StakeholderOut], **ERRORS}, summary="List stakeholders")
def stakeholder_list(request, q: Text = "", office: OfficeCode = ""):
    """The stakeholder register of the offices the user reads, with the derived engagement tier."""
    today = timezone.localdate()
    return [
        {
            **{name: getattr(row, name) for name in STAKEHOLDER_FIELDS},
            "office": row.office.code,
            "tier": row.tier.value,
            "review_due": row.review_due(today),
        }
        for row in _rows(request, selectors.stakeholder_list, q, office)
    ]


AGREEMENT_FIELDS = ["id", "kind", "title", "scope", "valid_from", "valid_to", "cost_terms", "data_access", "status"]


@router.get("/agreements", response={200: list[AgreementOut], **ERRORS}, summary="List agreements")
def agreement_list(request, q: Text = "", office: OfficeCode = ""):
    """Agreements (LTA, MoU, other) of the offices the user reads, with their parties."""
    today = timezone.localdate()
    return [
        {
            **{name: getattr(row, name) for name in AGREEMENT_FIELDS},
            "office": row.office.code,
            "parties": [_ref(p) for p in row.parties.all()],
            "expiring_soon": row.expiring_soon(today),
        }
        for row in _rows(request, selectors.agreement_list, q, office)
    ]


@router.get("/coordination-bodies", response={200: list[BodyOut], **ERRORS}, summary="List coordination bodies")
def body_list(request, q: Text = "", office: OfficeCode = ""):
    """Coordination bodies of the offices the user reads, with their chair, member count and last meeting."""
    return [
        {
            **{name: getattr(row, name) for name in ["id", "name", "kind", "member_count", "last_meeting", "purpose"]},
            "office": row.office.code,
            "chair": _ref(row.chair),
        }
        for row in _rows(request, selectors.body_list, q, office)
    ]
