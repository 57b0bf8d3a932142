"""Plans API: /api/v1/plans/... — the same selectors, services and rights as the pages.

A case outside the user's scope is 404. Pseudonymised roles (M&E) read plans with
`identified: false` and every free-text field empty (goals, summaries, descriptions, supplier
and provider names, notes). Amounts travel as decimal strings; totals are in the programme
currency. Files (signed plan, handover certificates) are attached through the pages only, so
the API records a returnee's agreement as verbal with a witness.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Programme
from reintegra.api import schemas as s
from reintegra.api.common import actor, user_by_username
from reintegra.cases.selectors import case_for
from reintegra.cases.services import case_viewed
from reintegra.community.models import CommunityProject
from reintegra.directory.models import Dimension, Level, Service
from reintegra.plans import selectors, services
from reintegra.plans.models import Activity, ActivityType, Delivery, Disbursement, Modality, Plan

router = Router(tags=["plans"])
ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
CASE = "/cases/{number}/versions"
VERSION = CASE + "/{version}"

Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Score = Annotated[Decimal, Field(ge=0, le=1, max_digits=4, decimal_places=3)]
Currency = Annotated[str, Field(min_length=3, max_length=3), s.Printable]
Text = Annotated[str, Field(max_length=5000), s.Printable]
Note = Annotated[str, Field(max_length=2000), s.Printable]
Short = Annotated[str, Field(max_length=200), s.Printable]
Code = Annotated[str, Field(min_length=1, max_length=40), s.Printable]
ModalityIn = Literal[tuple(Modality.values)]  # type: ignore[valid-type]
DeliveryIn = Literal[tuple(Delivery.values)]  # type: ignore[valid-type]
DimensionIn = Literal[("", *Dimension.values)]  # type: ignore[valid-type]
LevelIn = Literal[("", *Level.values)]  # type: ignore[valid-type]
StatusIn = Literal[tuple(Activity.Status.values)]  # type: ignore[valid-type]
KindIn = Literal[tuple(Disbursement.Kind.values)]  # type: ignore[valid-type]


# ------------------------------------------------------------------ shapes


class ActivityTypeOut(Schema):
    code: str
    name: str
    dimension: str
    level: str
    default_modality: str
    default_delivery: str


class DisbursementOut(Schema):
    id: int
    activity: int
    paid_on: date
    amount: Decimal
    currency: str
    kind: str
    supplier: str
    description: str
    has_certificate: bool
    returnee_confirmed: bool
    confirmed_on: date | None


class ActivityOut(Schema):
    id: int
    type: str
    dimension: str
    level: str
    description: str
    modality: str
    delivery: str
    is_referral: bool
    provider_service: int | None
    provider_name: str
    estimated_cost: Decimal
    currency: str
    converted_cost: Decimal | None
    target_start: date | None
    target_end: date | None
    responsible: str | None
    status: str
    lineage: str
    community_project: int | None


class BudgetOut(Schema):
    currency: str
    planned: Decimal | None
    cash: Decimal | None
    spent: Decimal
    cap: Decimal | None
    remaining: Decimal | None
    cash_threshold: Decimal | None
    errors: list[str]


class PlanOut(Schema):
    case: str
    version: int
    status: str
    identified: bool
    plan_date: date
    goals: str
    summary_economic: str
    summary_social: str
    summary_psychosocial: str
    target_economic: Decimal | None
    target_social: Decimal | None
    target_psychosocial: Decimal | None
    revision_reason: str
    created_by: str
    submitted_at: datetime | None
    approval_required: bool
    approved_by: str | None
    approved_at: datetime | None
    approval_note: str
    agreed_on: date | None
    agreement_method: str


class PlanDetailOut(PlanOut):
    activities: list[ActivityOut]
    budget: BudgetOut


class PlanIn(s.In):
    plan_date: s.IsoDate
    goals: Text = ""
    summary_economic: Text = ""
    summary_social: Text = ""
    summary_psychosocial: Text = ""
    target_economic: Score | None = None
    target_social: Score | None = None
    target_psychosocial: Score | None = None


class ActivityIn(s.In):
    type: Code
    modality: ModalityIn
    estimated_cost: Money
    currency: Currency
    dimension: DimensionIn = ""
    level: LevelIn = ""
    description: Note = ""
    delivery: DeliveryIn = Delivery.DIRECT
    provider_service: s.Id | None = None
    provider_name: Short = ""
    target_start: s.IsoDate | None = None
    target_end: s.IsoDate | None = None
    responsible: s.Username | None = None
    community_project: s.Id | None = None


class ReasonIn(s.In):
    reason: Annotated[str, Field(min_length=1, max_length=2000), s.Printable]


class NoteIn(s.In):
    note: Note = ""


class AgreementIn(s.In):
    agreed_on: s.IsoDate
    witness: Annotated[str, Field(min_length=1, max_length=120), s.Printable]


class StatusChangeIn(s.In):
    status: StatusIn


class DisbursementIn(s.In):
    paid_on: s.IsoDate
    amount: PositiveMoney
    currency: Currency
    kind: KindIn
    supplier: Short = ""
    description: Annotated[str, Field(max_length=500), s.Printable] = ""
    confirmed_on: s.IsoDate | None = None


class ConfirmIn(s.In):
    confirmed_on: s.IsoDate


class LateCaseOut(Schema):
    case: str
    pseudonym: str
    office: str
    arrival_date: date
    plan_due: date


class AwaitingOut(Schema):
    case: str
    version: int
    office: str
    submitted_at: datetime | None
    submitted_total: Decimal | None
    submitted_cash: Decimal | None


class RateOut(Schema):
    id: int
    programme: str
    currency: str
    rate: Decimal
    valid_from: date
    entered_by: str


class RateIn(s.In):
    programme: Annotated[str, Field(min_length=1, max_length=40), s.Printable]
    currency: Currency
    rate: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6)]
    valid_from: s.IsoDate


# ------------------------------------------------------------------ presenters


def _identified(request, case) -> bool:
    return access_for(actor(request)).may_identify(case.office_id)


def _text(value: str, identified: bool) -> str:
    return value if identified else ""


def _plan_out(plan: Plan, identified: bool) -> dict:
    return {
        "case": plan.case.number,
        "version": plan.version,
        "status": plan.status,
        "identified": identified,
        "plan_date": plan.plan_date,
        **{
            name: _text(getattr(plan, name), identified)
            for name in services.PLAN_FIELDS
            if name.startswith(("goals", "summary"))
        },
        "target_economic": plan.target_economic,
        "target_social": plan.target_social,
        "target_psychosocial": plan.target_psychosocial,
        "revision_reason": _text(plan.revision_reason, identified),
        "created_by": str(plan.created_by),
        "submitted_at": plan.submitted_at,
        "approval_required": plan.approval_required,
        "approved_by": str(plan.approved_by) if plan.approved_by_id else None,
        "approved_at": plan.approved_at,
        "approval_note": _text(plan.approval_note, identified),
        "agreed_on": plan.agreed_on,
        "agreement_method": plan.agreement_method,
    }


def _activity_out(activity: Activity, identified: bool, converted=None) -> dict:
    return {
        "id": activity.pk,
        "type": activity.type.code,
        "dimension": activity.dimension,
        "level": activity.level,
        "description": _text(activity.description, identified),
        "modality": activity.modality,
        "delivery": activity.delivery,
        "is_referral": activity.is_referral,
        "provider_service": activity.provider_service_id,
        "provider_name": _text(activity.provider_name, identified),
        "estimated_cost": activity.estimated_cost,
        "currency": activity.currency,
        "converted_cost": converted,
        "target_start": activity.target_start,
        "target_end": activity.target_end,
        "responsible": str(activity.responsible) if activity.responsible_id else None,
        "status": activity.status,
        "lineage": str(activity.lineage),
        "community_project": activity.community_project_id,
    }


def _disbursement_out(row: Disbursement, identified: bool) -> dict:
    return {
        "id": row.pk,
        "activity": row.activity_id,
        "paid_on": row.paid_on,
        "amount": row.amount,
        "currency": row.currency,
        "kind": row.kind,
        "supplier": _text(row.supplier, identified),
        "description": _text(row.description, identified),
        "has_certificate": bool(row.certificate),
        "returnee_confirmed": row.returnee_confirmed,
        "confirmed_on": row.confirmed_on,
    }


def _plan_detail(request, plan: Plan) -> dict:
    identified = _identified(request, plan.case)
    activities = selectors.plan_activities(plan)
    budget = selectors.case_budget(plan.case, plan, activities)
    return {
        **_plan_out(plan, identified),
        "activities": [_activity_out(a, identified, budget.by_activity.get(a.pk)) for a in activities],
        "budget": {
            "currency": budget.currency,
            "planned": budget.planned,
            "cash": budget.cash,
            "spent": budget.spent,
            "cap": budget.cap,
            "remaining": budget.remaining,
            "cash_threshold": budget.cash_threshold,
            "errors": budget.errors,
        },
    }


def _plan(request, number: str, version: int) -> Plan:
    return selectors.plan_for(actor(request), number, version)


def _activity_input(payload: ActivityIn) -> services.ActivityInput:
    kind = ActivityType.objects.filter(code=payload.type).first()
    if kind is None:
        raise ValidationError({"type": _("There is no activity type with this code.")})
    service = None
    if payload.provider_service is not None:
        service = Service.objects.filter(pk=payload.provider_service, active=True).first()
        if service is None:
            raise ValidationError({"provider_service": _("There is no active service with this id.")})
    project = None
    if payload.community_project is not None:
        project = CommunityProject.objects.filter(pk=payload.community_project).first()
        if project is None:  # the same words as a project out of scope: no hint that an id exists
            raise ValidationError({"community_project": services.project_out_of_scope_message()})
    data = payload.dict()
    data.update(
        type=kind,
        provider_service=service,
        responsible=user_by_username(payload.responsible, "responsible"),
        community_project=project,
    )
    return services.ActivityInput(**data)


# ------------------------------------------------------------------ plans


@router.get("/activity-types", response={200: list[ActivityTypeOut], **ERRORS}, summary="List activity types")
def activity_type_list(request):
    """The configurable catalogue of assistance (active types), names in the user's language."""
    if not access_for(actor(request)).sees_cases:
        raise Http404
    return [
        {
            "code": t.code,
            "name": t.name,
            "dimension": t.dimension,
            "level": t.level,
            "default_modality": t.default_modality,
            "default_delivery": t.default_delivery,
        }
        for t in selectors.activity_types()
    ]


@router.get("/awaiting", response={200: list[AwaitingOut], **ERRORS}, summary="Plans awaiting my approval")
def awaiting_list(request, page: Query[s.ListFilters]):
    if not access_for(actor(request)).manage:
        raise Http404
    plans = selectors.plans_awaiting_approval(actor(request))[page.offset : page.offset + page.limit]
    return [
        {
            "case": p.case.number,
            "version": p.version,
            "office": p.case.office.name,
            "submitted_at": p.submitted_at,
            "submitted_total": p.submitted_total,
            "submitted_cash": p.submitted_cash,
        }
        for p in plans
    ]


@router.get("/late", response={200: list[LateCaseOut], **ERRORS}, summary="Late plans")
def late_list(request, page: Query[s.ListFilters]):
    """Open cases past their plan due date with no approved plan and no exception in force."""
    cases = selectors.late_plans(actor(request))[page.offset : page.offset + page.limit]
    return [
        {
            "case": c.number,
            "pseudonym": c.person.pseudonym,
            "office": c.office.name,
            "arrival_date": c.arrival_date,
            "plan_due": selectors.due_date(c),
        }
        for c in cases
    ]


@router.get("/exchange-rates", response={200: list[RateOut], **ERRORS}, summary="List exchange rates")
def rate_list(request, page: Query[s.ListFilters]):
    user = actor(request)
    programmes = {p.pk for p in services.rate_programmes(user)}
    if access_for(user).sees_cases:
        programmes |= {p.pk for p in selectors.budget_programmes(user)}
    rates = selectors.exchange_rates().filter(programme_id__in=programmes)[page.offset : page.offset + page.limit]
    return [
        {
            "id": r.pk,
            "programme": r.programme.code,
            "currency": r.currency,
            "rate": r.rate,
            "valid_from": r.valid_from,
            "entered_by": str(r.entered_by),
        }
        for r in rates
    ]


@router.post("/exchange-rates", response={201: RateOut, **ERRORS}, summary="Enter an exchange rate")
def rate_create(request, payload: RateIn):
    """Programme managers and administrators of the programme's offices (finance staff)."""
    programme = Programme.objects.filter(code=payload.programme).first()
    if programme is None:
        raise ValidationError({"programme": _("There is no programme with this code.")})
    row = services.exchange_rate_enter(
        actor=actor(request),
        programme=programme,
        currency=payload.currency,
        rate=payload.rate,
        valid_from=payload.valid_from,
    )
    return Status(
        201,
        {
            "id": row.pk,
            "programme": programme.code,
            "currency": row.currency,
            "rate": row.rate,
            "valid_from": row.valid_from,
            "entered_by": str(row.entered_by),
        },
    )


@router.get(CASE, response={200: list[PlanOut], **ERRORS}, summary="List a case's plan versions")
def plan_list(request, number: s.CaseNumber):
    case = case_for(actor(request), number)
    case_viewed(actor=actor(request), case=case)
    identified = _identified(request, case)
    plans = selectors.plans_of(case)
    for plan in plans:
        plan.case = case
    return [_plan_out(p, identified) for p in plans]


@router.post(CASE, response={201: PlanDetailOut, **ERRORS}, summary="Create a case's first plan")
def plan_create(request, number: s.CaseNumber, payload: PlanIn):
    case = case_for(actor(request), number)
    plan = services.plan_create(actor=actor(request), case=case, data=services.PlanInput(**payload.dict()))
    return Status(201, _plan_detail(request, plan))


@router.get(VERSION, response={200: PlanDetailOut, **ERRORS}, summary="Read a plan version")
def plan_read(request, number: s.CaseNumber, version: s.Id):
    plan = _plan(request, number, version)
    case_viewed(actor=actor(request), case=plan.case)
    return _plan_detail(request, plan)


@router.patch(VERSION, response={200: PlanDetailOut, **ERRORS}, summary="Change a draft plan")
def plan_update(request, number: s.CaseNumber, version: s.Id, payload: PlanIn):
    plan = services.plan_update(
        actor=actor(request), plan=_plan(request, number, version), data=services.PlanInput(**payload.dict())
    )
    return _plan_detail(request, plan)


@router.post(VERSION + "/revise", response={201: PlanDetailOut, **ERRORS}, summary="Revise an approved plan")
def plan_revise(request, number: s.CaseNumber, version: s.Id, payload: ReasonIn):
    """A new draft version with the activities copied; the old version is superseded and stays readable."""
    plan = services.plan_revise(actor=actor(request), plan=_plan(request, number, version), reason=payload.reason)
    return Status(201, _plan_detail(request, plan))


@router.post(VERSION + "/submit", response={200: PlanDetailOut, **ERRORS}, summary="Submit a draft plan")
def plan_submit(request, number: s.CaseNumber, version: s.Id):
    """Approved at once within the per-returnee cap and the cash threshold; otherwise awaiting approval."""
    plan = services.plan_submit(actor=actor(request), plan=_plan(request, number, version))
    return _plan_detail(request, plan)


@router.post(VERSION + "/approve", response={200: PlanDetailOut, **ERRORS}, summary="Approve a submitted plan")
def plan_approve(request, number: s.CaseNumber, version: s.Id, payload: NoteIn):
    plan = services.plan_approve(actor=actor(request), plan=_plan(request, number, version), note=payload.note)
    return _plan_detail(request, plan)


@router.post(VERSION + "/return", response={200: PlanDetailOut, **ERRORS}, summary="Return a plan for changes")
def plan_return(request, number: s.CaseNumber, version: s.Id, payload: NoteIn):
    plan = services.plan_return(actor=actor(request), plan=_plan(request, number, version), note=payload.note)
    return _plan_detail(request, plan)


@router.post(VERSION + "/agreement", response={200: PlanDetailOut, **ERRORS}, summary="Record verbal agreement")
def plan_agreement(request, number: s.CaseNumber, version: s.Id, payload: AgreementIn):
    """The returnee's verbal agreement with a witness (a signed plan is attached through the page)."""
    plan = services.plan_record_agreement(
        actor=actor(request),
        plan=_plan(request, number, version),
        agreed_on=payload.agreed_on,
        method="verbal_witnessed",
        witness=payload.witness,
    )
    return _plan_detail(request, plan)


# ------------------------------------------------------------------ activities and delivery


@router.post(VERSION + "/activities", response={201: ActivityOut, **ERRORS}, summary="Add an activity")
def activity_create(request, number: s.CaseNumber, version: s.Id, payload: ActivityIn):
    plan = _plan(request, number, version)
    activity = services.activity_add(actor=actor(request), plan=plan, data=_activity_input(payload))
    return Status(201, _activity_out(activity, identified=True))


@router.put(VERSION + "/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="Change an activity")
def activity_update(request, number: s.CaseNumber, version: s.Id, activity_id: s.Id, payload: ActivityIn):
    plan = _plan(request, number, version)
    activity = selectors.activity_of(plan, activity_id)
    activity = services.activity_update(actor=actor(request), activity=activity, data=_activity_input(payload))
    return _activity_out(activity, identified=True)


@router.delete(VERSION + "/activities/{activity_id}", response={204: None, **ERRORS}, summary="Remove an activity")
def activity_delete(request, number: s.CaseNumber, version: s.Id, activity_id: s.Id):
    plan = _plan(request, number, version)
    services.activity_remove(actor=actor(request), activity=selectors.activity_of(plan, activity_id))
    return Status(204, None)


@router.post(
    VERSION + "/activities/{activity_id}/status", response={200: ActivityOut, **ERRORS}, summary="Set a status"
)
def activity_status(request, number: s.CaseNumber, version: s.Id, activity_id: s.Id, payload: StatusChangeIn):
    plan = _plan(request, number, version)
    activity = services.activity_set_status(
        actor=actor(request), activity=selectors.activity_of(plan, activity_id), status=payload.status
    )
    return _activity_out(activity, identified=_identified(request, plan.case))


@router.get(VERSION + "/disbursements", response={200: list[DisbursementOut], **ERRORS}, summary="List payments")
def disbursement_list(request, number: s.CaseNumber, version: s.Id):
    plan = _plan(request, number, version)
    identified = _identified(request, plan.case)
    rows = selectors.plan_disbursements(plan)
    return [_disbursement_out(r, identified) for r in rows]


@router.post(
    VERSION + "/activities/{activity_id}/disbursements",
    response={201: DisbursementOut, **ERRORS},
    summary="Record a payment",
)
def disbursement_create(request, number: s.CaseNumber, version: s.Id, activity_id: s.Id, payload: DisbursementIn):
    """A purchase, cash transfer or voucher; attach the handover certificate through the page."""
    plan = _plan(request, number, version)
    data = payload.dict()
    confirmed_on = data.pop("confirmed_on")
    row = services.disbursement_record(
        actor=actor(request),
        activity=selectors.activity_of(plan, activity_id),
        data=services.DisbursementInput(**data),
        confirmed_on=confirmed_on,
    )
    return Status(201, _disbursement_out(row, identified=True))


@router.post(
    VERSION + "/disbursements/{disbursement_id}/confirm",
    response={200: DisbursementOut, **ERRORS},
    summary="Record the returnee's confirmation",
)
def disbursement_confirm(request, number: s.CaseNumber, version: s.Id, disbursement_id: s.Id, payload: ConfirmIn):
    plan = _plan(request, number, version)
    row = services.disbursement_confirm(
        actor=actor(request),
        disbursement=selectors.disbursement_of(plan, disbursement_id),
        confirmed_on=payload.confirmed_on,
    )
    return _disbursement_out(row, identified=True)
