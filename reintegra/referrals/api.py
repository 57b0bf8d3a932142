"""Referral API — the same selectors, services and scopes as the pages.

Staff (/referrals): list, preview, send, read, and the referring office's moves (no response,
cancel). Partners (/partner/referrals): their inbox, one package, accept / decline / update /
complete. Outside one's scope a referral is 404; a partner reaching a staff endpoint gets nothing
(their case scope is empty), and staff reaching the partner endpoints get 404.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from reintegra.api import schemas as s
from reintegra.api.common import actor
from reintegra.cases.selectors import case_for
from reintegra.directory.selectors import services_for
from reintegra.referrals import package as pkg
from reintegra.referrals import selectors, services
from reintegra.referrals.access import may_read_package, partner_organisation_id
from reintegra.referrals.models import OverrideReason, Referral
from reintegra.referrals.models import Status as RS

router = Router(tags=["referrals"])
ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
MAX_LIMIT = 200

FieldCode = Literal[tuple(pkg.CODES)]  # type: ignore[valid-type]
StatusValue = Literal[("", *RS.values)]  # type: ignore[valid-type]
Reason = Literal[tuple(OverrideReason.values)]  # type: ignore[valid-type]
Note = Annotated[str, Field(max_length=4000), s.Printable]


# ------------------------------------------------------------------ shapes


class FieldOut(Schema):
    code: str
    label: str
    default: bool


class PackageFieldOut(Schema):
    code: str
    label: str
    value: str


class PackageOut(Schema):
    fields: list[PackageFieldOut]
    service: str
    organisation: str
    referring_office: str
    referred_by: str


class EventOut(Schema):
    status: str
    note: str
    by: str | None
    by_partner: bool
    at: datetime


class BasisOut(Schema):
    kind: Literal["consent", "exception"]
    consent_date: date | None = None
    reason: str | None = None
    decided_by: str | None = None
    qualification: str | None = None
    decided_on: date | None = None


class ReferralOut(Schema):
    id: int
    reference: str
    status: str
    service: int
    service_name: str
    organisation: int
    organisation_name: str
    sent_at: datetime
    response_due: date
    overdue: bool
    last_event_at: datetime


class StaffReferralOut(ReferralOut):
    case: str
    activity: int | None
    shared_fields: list[str]
    basis: BasisOut
    package: PackageOut | None  # null where the user may not see identities
    events: list[EventOut]


class PartnerReferralOut(ReferralOut):
    basis: BasisOut
    package: PackageOut
    events: list[EventOut]


class ReferralPage(Schema):
    count: int
    items: list[ReferralOut]


class ExceptionIn(s.In):
    reason: Reason
    justification: Annotated[str, Field(max_length=4000), s.Printable]


class ReferralIn(s.In):
    case: s.CaseNumber
    service: s.Id
    activity: s.Id | None = None
    need_summary: Annotated[str, Field(min_length=1, max_length=2000), s.Printable]
    shared_fields: Annotated[list[FieldCode], Field(min_length=1, max_length=len(pkg.CODES))] = pkg.MINIMAL
    exception: ExceptionIn | None = None
    preview_digest: Annotated[str, Field(max_length=64), s.Printable] = ""


class PreviewOut(Schema):
    package: PackageOut
    digest: str


class OfficeMoveIn(s.In):
    status: Literal[RS.NO_RESPONSE.value, RS.CANCELLED.value]  # type: ignore[valid-type]
    note: Note = ""


class NoteIn(s.In):
    note: Note = ""


class ReferralQuery(Schema):
    case: Annotated[str, Field(max_length=40), s.Printable] = ""
    status: StatusValue = ""
    overdue: bool = False
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50
    offset: Annotated[int, Field(ge=0, le=10**6)] = 0


class InboxQuery(Schema):
    status: StatusValue = ""
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50
    offset: Annotated[int, Field(ge=0, le=10**6)] = 0


# ------------------------------------------------------------------ presenting


def package_out(package: dict) -> dict:
    return {
        "fields": [{"code": r["code"], "label": str(r["label"]), "value": r["value"]} for r in pkg.rows(package)],
        "service": package.get("service", {}).get("name", ""),
        "organisation": package.get("organisation", {}).get("name", ""),
        "referring_office": package.get("referring_office", ""),
        "referred_by": package.get("referred_by", {}).get("name", ""),
    }


def basis_out(referral: Referral) -> dict:
    if referral.is_exception:
        return {
            "kind": "exception",
            "reason": referral.override_reason,
            "decided_by": str(referral.override_decided_by),
            "qualification": referral.override_qualification,
            "decided_on": referral.override_decided_on,
        }
    return {"kind": "consent", "consent_date": referral.consent.decided_on if referral.consent_id else None}


def referral_out(referral: Referral) -> dict:
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "service": referral.service_id,
        "service_name": referral.service.name,
        "organisation": referral.organisation_id,
        "organisation_name": referral.organisation.name,
        "sent_at": referral.sent_at,
        "response_due": referral.response_due,
        "overdue": referral.is_overdue(),
        "last_event_at": referral.last_event_at,
    }


def events_out(referral: Referral) -> list[dict]:
    return [
        {
            "status": e.status,
            "note": e.note,
            "by": str(e.actor) if e.actor else None,
            "by_partner": e.by_partner,
            "at": e.at,
        }
        for e in selectors.events_of(referral)
    ]


def staff_out(user, referral: Referral) -> dict:
    return {
        **referral_out(referral),
        "case": referral.case.number,
        "activity": referral.activity_id,
        "shared_fields": referral.shared_fields,
        "basis": basis_out(referral),
        "package": package_out(referral.shared_snapshot) if may_read_package(user, referral) else None,
        "events": events_out(referral),
    }


def partner_out(referral: Referral) -> dict:
    return {
        **referral_out(referral),
        "basis": basis_out(referral),
        "package": package_out(referral.shared_snapshot),
        "events": events_out(referral),
    }


# ------------------------------------------------------------------ helpers


def _service(user, service_id: int):
    service = services_for(user).select_related("organisation").filter(pk=service_id).first()
    if service is None:
        raise ValidationError({"service": _("There is no service with this id in the directory.")})
    return service


def _activity(case, activity_id: int | None):
    if activity_id is None:
        return None
    activity = next((a for a in selectors.referral_activities(case) if a.pk == activity_id), None)
    if activity is None:
        raise ValidationError({"activity": _("Choose an activity of this case's current plan delivered by referral.")})
    return activity


def _input(user, payload: ReferralIn):
    case = case_for(user, payload.case)
    data = services.ReferralInput(
        service=_service(user, payload.service),
        need_summary=payload.need_summary,
        shared_fields=list(payload.shared_fields),
        activity=_activity(case, payload.activity),
    )
    exception = (
        services.ExceptionInput(reason=payload.exception.reason, justification=payload.exception.justification)
        if payload.exception
        else None
    )
    return case, data, exception


def _partner(request):
    user = actor(request)
    if partner_organisation_id(user) is None:
        raise Http404
    return user


# ------------------------------------------------------------------ staff endpoints


@router.get("/referrals/fields", response={200: list[FieldOut], **ERRORS}, summary="Fields a referral may share")
def field_catalogue(request):
    return [{"code": f.code, "label": str(f.label), "default": f.code in pkg.MINIMAL} for f in pkg.CATALOGUE]


@router.get("/referrals", response={200: ReferralPage, **ERRORS}, summary="List referrals of my cases")
def referral_list(request, filters: Query[ReferralQuery]):
    user = actor(request)
    qs = selectors.overdue_referrals(user) if filters.overdue else selectors.referrals_for(user)
    if filters.case:
        qs = qs.filter(case__number=filters.case.strip().upper())
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.select_related("service", "organisation").order_by("-sent_at", "-id")
    rows = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [referral_out(r) for r in rows]}


@router.post("/referrals/preview", response={200: PreviewOut, **ERRORS}, summary="Preview the package")
def referral_preview(request, payload: ReferralIn):
    """The exact package that would be sent now, and its digest to pass back as `preview_digest`."""
    user = actor(request)
    case, data, _exception = _input(user, payload)
    preview = services.referral_preview(actor=user, case=case, data=data)
    return {"package": package_out(preview["package"]), "digest": preview["digest"]}


@router.post("/referrals", response={201: StaffReferralOut, **ERRORS}, summary="Send a referral")
def referral_create(request, payload: ReferralIn):
    """Needs the case's sharing consent; without it, `exception` (mental-health professionals only)."""
    user = actor(request)
    case, data, exception = _input(user, payload)
    referral = services.referral_send(
        actor=user, case=case, data=data, exception=exception, expected_digest=payload.preview_digest
    )
    return Status(201, staff_out(user, selectors.referral_for(user, referral.pk)))


@router.get("/referrals/{referral_id}", response={200: StaffReferralOut, **ERRORS}, summary="Read a referral")
def referral_read(request, referral_id: s.Id):
    user = actor(request)
    return staff_out(user, selectors.referral_for(user, referral_id))


@router.post(
    "/referrals/{referral_id}/status", response={200: StaffReferralOut, **ERRORS}, summary="Mark no response or cancel"
)
def referral_status(request, referral_id: s.Id, payload: OfficeMoveIn):
    user = actor(request)
    referral = selectors.referral_for(user, referral_id)
    services.referral_office_move(actor=user, referral=referral, status=payload.status, note=payload.note)
    return staff_out(user, selectors.referral_for(user, referral_id))


# ------------------------------------------------------------------ partner endpoints


@router.get(
    "/partner/referrals", response={200: ReferralPage, **ERRORS}, summary="Referrals addressed to my organisation"
)
def inbox(request, filters: Query[InboxQuery]):
    qs = selectors.partner_referrals(_partner(request), status=filters.status)
    rows = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [referral_out(r) for r in rows]}


@router.get(
    "/partner/referrals/{referral_id}", response={200: PartnerReferralOut, **ERRORS}, summary="Read a referral received"
)
def partner_read(request, referral_id: s.Id):
    user = _partner(request)
    referral = selectors.partner_referral_for(user, referral_id)
    services.referral_viewed(actor=user, referral=referral)
    return partner_out(referral)


def _answer(request, referral_id: int, call, **kwargs) -> dict:
    user = _partner(request)
    referral = selectors.partner_referral_for(user, referral_id)
    call(actor=user, referral=referral, **kwargs)
    return partner_out(selectors.partner_referral_for(user, referral_id))


@router.post("/partner/referrals/{referral_id}/accept", response={200: PartnerReferralOut, **ERRORS}, summary="Accept")
def partner_accept(request, referral_id: s.Id, payload: NoteIn):
    return _answer(request, referral_id, services.referral_accept, note=payload.note)


@router.post(
    "/partner/referrals/{referral_id}/decline", response={200: PartnerReferralOut, **ERRORS}, summary="Decline"
)
def partner_decline(request, referral_id: s.Id, payload: NoteIn):
    return _answer(request, referral_id, services.referral_decline, reason=payload.note)


@router.post(
    "/partner/referrals/{referral_id}/update", response={200: PartnerReferralOut, **ERRORS}, summary="Record progress"
)
def partner_update(request, referral_id: s.Id, payload: NoteIn):
    return _answer(request, referral_id, services.referral_update, note=payload.note)


@router.post(
    "/partner/referrals/{referral_id}/complete", response={200: PartnerReferralOut, **ERRORS}, summary="Complete"
)
def partner_complete(request, referral_id: s.Id, payload: NoteIn):
    return _answer(request, referral_id, services.referral_complete, feedback=payload.note)
