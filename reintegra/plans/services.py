"""Every write to plans, activities, disbursements and exchange rates: keyword-only, atomic, audited.

Rights: casework in the case's office writes plans, activities and deliveries; a supervisor or
programme manager of the office approves or returns a submitted plan (not one they submitted
themselves); programme managers and administrators of a programme's offices enter its exchange
rates. Services raise django's ValidationError (field -> message) and PermissionDenied.
"""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Membership, Office, Programme, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record, diff_fields, snapshot
from reintegra.cases.models import Case, Stage
from reintegra.community import selectors as community_selectors
from reintegra.community import services as community_services
from reintegra.community.models import CommunityProject
from reintegra.directory.models import Level, Service
from reintegra.plans.budget import MissingRate, RateTable, cents, plan_totals
from reintegra.plans.models import (
    Activity,
    ActivityType,
    AgreementMethod,
    Delivery,
    Disbursement,
    ExchangeRate,
    Plan,
    PlanDelayException,
)

# The first bytes of each allowed upload type: the extension alone proves nothing.
FILE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
PLAN_FIELDS = [
    "plan_date",
    "goals",
    "summary_economic",
    "summary_social",
    "summary_psychosocial",
    "target_economic",
    "target_social",
    "target_psychosocial",
]
ACTIVITY_FIELDS = [
    "type",
    "dimension",
    "level",
    "description",
    "modality",
    "delivery",
    "provider_service",
    "provider_name",
    "estimated_cost",
    "currency",
    "target_start",
    "target_end",
    "responsible",
    "community_project",
]
COPIED_ACTIVITY_FIELDS = [*ACTIVITY_FIELDS, "status", "lineage"]


@dataclass
class PlanInput:
    plan_date: date
    goals: str = ""
    summary_economic: str = ""
    summary_social: str = ""
    summary_psychosocial: str = ""
    target_economic: Decimal | None = None
    target_social: Decimal | None = None
    target_psychosocial: Decimal | None = None


@dataclass
class ActivityInput:
    type: ActivityType
    modality: str
    estimated_cost: Decimal
    currency: str
    dimension: str = ""  # empty: the type's dimension
    level: str = ""  # empty: the type's level
    description: str = ""
    delivery: str = Delivery.DIRECT
    provider_service: Service | None = None
    provider_name: str = ""
    target_start: date | None = None
    target_end: date | None = None
    responsible: User | None = None
    community_project: CommunityProject | None = None


@dataclass
class DisbursementInput:
    paid_on: date
    amount: Decimal
    currency: str
    kind: str
    supplier: str = ""
    description: str = ""


# ------------------------------------------------------------------ rights and checks


def _require_casework(actor: User, case: Case) -> None:
    if not access_for(actor).may_work_on(case.office_id):
        raise PermissionDenied(_("You may not change cases of this office."))


def _require_supervision(actor: User, case: Case) -> None:
    if not access_for(actor).may_supervise(case.office_id):
        raise PermissionDenied(_("Only a supervisor or programme manager of this office may do this."))


def _require_open(case: Case) -> None:
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("The case is closed; reopen it first."))


def _require_status(plan: Plan, *statuses: str, message: str) -> None:
    if plan.status not in statuses:
        raise ValidationError(message)


def _locked(plan: Plan) -> Plan:
    """The plan row, locked for this transaction, with the case object the caller already holds."""
    fresh = Plan.objects.select_for_update().get(pk=plan.pk)
    fresh.case = plan.case
    return fresh


def validate_upload(upload, field: str) -> None:
    """Size, extension and first bytes of an uploaded certificate or signed plan."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                field: _("The file is too large: the limit is %(size)s MB.")
                % {"size": round(settings.UPLOAD_MAX_BYTES / (1024 * 1024), 1)}
            }
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in settings.UPLOAD_ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                field: _("This type of file is not accepted. Allowed: %(types)s.")
                % {"types": ", ".join(settings.UPLOAD_ALLOWED_EXTENSIONS)}
            }
        )
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(FILE_SIGNATURES.get(extension, (b"\x00\x00",))):
        raise ValidationError({field: _("The file content does not match its type.")})


def _audit(actor, event_type, subject, case, changes=None) -> None:
    audit_record(actor=actor, event_type=event_type, subject=subject, office=case.office, case=case, changes=changes)


# ------------------------------------------------------------------ plans


def _validate_plan(data: PlanInput) -> None:
    errors = {}
    if data.plan_date > timezone.localdate():
        errors["plan_date"] = _("The date cannot be in the future.")
    for dimension in ("economic", "social", "psychosocial"):
        value = getattr(data, f"target_{dimension}")
        if value is not None and not (0 <= value <= 1):
            errors[f"target_{dimension}"] = _("A score is between 0 and 1.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_create(*, actor: User, case: Case, data: PlanInput) -> Plan:
    """The first version of a case's plan (a later one is a revision)."""
    _require_casework(actor, case)
    _require_open(case)
    Case.objects.select_for_update().filter(pk=case.pk).first()
    if case.plans.exists():
        raise ValidationError(_("This case already has a plan; revise it to make a new version."))
    _validate_plan(data)
    plan = Plan(case=case, version=1, created_by=actor, **{f.name: getattr(data, f.name) for f in fields(data)})
    plan.full_clean(exclude=["case", "created_by", "previous"])
    plan.save()
    _audit(actor, AuditEvent.Type.PLAN_CREATED, plan, case, {"version": 1})
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: Plan, data: PlanInput) -> Plan:
    _require_casework(actor, plan.case)
    _require_open(plan.case)
    plan = _locked(plan)
    _require_status(plan, Plan.Status.DRAFT, message=_("Only a draft plan can be changed; revise it instead."))
    _validate_plan(data)
    before = snapshot(plan, PLAN_FIELDS)
    for name in PLAN_FIELDS:
        setattr(plan, name, getattr(data, name))
    plan.full_clean(exclude=["case", "created_by", "previous"])
    plan.save()
    changes = diff_fields(plan, before, PLAN_FIELDS)
    if changes:
        _audit(actor, AuditEvent.Type.PLAN_UPDATED, plan, plan.case, dict.fromkeys(changes, "changed"))
    return plan


@transaction.atomic
def plan_revise(*, actor: User, plan: Plan, reason: str) -> Plan:
    """A new draft version copying the plan and its activities; the old version is superseded."""
    _require_casework(actor, plan.case)
    _require_open(plan.case)
    plan = _locked(plan)
    _require_status(
        plan,
        Plan.Status.APPROVED,
        Plan.Status.AGREED,
        message=_("Only an approved or agreed plan is revised; change a draft directly."),
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is revised.")})
    plan.status = Plan.Status.SUPERSEDED
    plan.save(update_fields=["status", "updated_at"])
    revision = Plan.objects.create(
        case=plan.case,
        version=plan.version + 1,
        previous=plan,
        revision_reason=reason.strip(),
        created_by=actor,
        **{name: getattr(plan, name) for name in PLAN_FIELDS if name != "plan_date"},
        plan_date=timezone.localdate(),
    )
    Activity.objects.bulk_create(
        Activity(plan=revision, copied_from=old, **{name: getattr(old, name) for name in COPIED_ACTIVITY_FIELDS})
        for old in plan.activities.all()
    )
    _audit(
        actor,
        AuditEvent.Type.PLAN_REVISED,
        revision,
        plan.case,
        {"version": [plan.version, revision.version], "reason": reason.strip()},
    )
    return revision


def approval_reasons(plan: Plan, total: Decimal, cash: Decimal) -> list[str]:
    """Why a plan needs a supervisor's approval (empty: it is approved on submission)."""
    programme = plan.case.programme
    if programme is None:
        return [_("The case has no programme, so there is no budget cap to check against.")]
    reasons = []
    if programme.per_returnee_cap is not None and total > programme.per_returnee_cap:
        reasons.append(
            _("The total (%(total)s %(currency)s) exceeds the per-returnee cap (%(cap)s %(currency)s).")
            % {"total": total, "cap": programme.per_returnee_cap, "currency": programme.currency}
        )
    if programme.cash_approval_threshold is not None and cash > programme.cash_approval_threshold:
        reasons.append(
            _("The cash (%(cash)s %(currency)s) exceeds the cash approval threshold (%(threshold)s %(currency)s).")
            % {"cash": cash, "threshold": programme.cash_approval_threshold, "currency": programme.currency}
        )
    return reasons


@transaction.atomic
def plan_submit(*, actor: User, plan: Plan) -> Plan:
    """Submit a draft: approved at once within the cap and the cash threshold, else awaiting approval."""
    _require_casework(actor, plan.case)
    _require_open(plan.case)
    plan = _locked(plan)
    _require_status(plan, Plan.Status.DRAFT, message=_("Only a draft plan can be submitted."))
    activities = [a for a in plan.activities.all() if a.status != Activity.Status.CANCELLED]
    if not activities:
        raise ValidationError(_("Add at least one activity before submitting the plan."))
    totals = plan_totals(plan, activities, RateTable(plan.case.programme, {a.currency for a in activities}))
    if not totals.ok:
        raise ValidationError(totals.error)
    total, cash = cents(totals.total), cents(totals.cash)
    reasons = approval_reasons(plan, total, cash)
    now = timezone.now()
    plan.submitted_by, plan.submitted_at = actor, now
    plan.submitted_total, plan.submitted_cash = total, cash
    plan.approval_required = bool(reasons)
    plan.approval_note = ""
    plan.status = Plan.Status.AWAITING_APPROVAL if reasons else Plan.Status.APPROVED
    if not reasons:
        plan.approved_by, plan.approved_at = None, now
    plan.save()
    _audit(
        actor,
        AuditEvent.Type.PLAN_SUBMITTED,
        plan,
        plan.case,
        {"total": total, "cash": cash, "approval_required": bool(reasons), "status": plan.status},
    )
    return plan


@transaction.atomic
def plan_approve(*, actor: User, plan: Plan, note: str = "") -> Plan:
    _require_supervision(actor, plan.case)
    _require_open(plan.case)
    plan = _locked(plan)
    _require_status(plan, Plan.Status.AWAITING_APPROVAL, message=_("This plan is not awaiting approval."))
    if plan.submitted_by_id == actor.pk:
        raise PermissionDenied(_("Another supervisor or programme manager approves a plan you submitted."))
    plan.status = Plan.Status.APPROVED
    plan.approved_by, plan.approved_at, plan.approval_note = actor, timezone.now(), note.strip()
    plan.save()
    _audit(actor, AuditEvent.Type.PLAN_APPROVED, plan, plan.case, {"note": note.strip()} if note.strip() else {})
    return plan


@transaction.atomic
def plan_return(*, actor: User, plan: Plan, note: str) -> Plan:
    """Send a submitted plan back to draft with the supervisor's note."""
    _require_supervision(actor, plan.case)
    plan = _locked(plan)
    _require_status(plan, Plan.Status.AWAITING_APPROVAL, message=_("This plan is not awaiting approval."))
    if not note.strip():
        raise ValidationError({"note": _("Say what should change before the plan is approved.")})
    plan.status = Plan.Status.DRAFT
    plan.approval_note = note.strip()
    plan.submitted_at = plan.submitted_by = plan.submitted_total = plan.submitted_cash = None
    plan.save()
    _audit(actor, AuditEvent.Type.PLAN_RETURNED, plan, plan.case, {"note": note.strip()})
    return plan


@transaction.atomic
def plan_record_agreement(
    *, actor: User, plan: Plan, agreed_on: date, method: str, document=None, witness: str = ""
) -> Plan:
    """The returnee agrees to the approved plan: signed plan attached, or verbal with a witness."""
    _require_casework(actor, plan.case)
    _require_open(plan.case)
    plan = _locked(plan)
    _require_status(plan, Plan.Status.APPROVED, message=_("The returnee agrees to an approved plan."))
    errors = {}
    if agreed_on > timezone.localdate():
        errors["agreed_on"] = _("The date cannot be in the future.")
    elif agreed_on < plan.plan_date:
        errors["agreed_on"] = _("The agreement cannot come before the plan date.")
    if method not in AgreementMethod.values:
        errors["method"] = _("Choose how the returnee agreed.")
    elif method == AgreementMethod.SIGNED and not document:
        errors["document"] = _("Attach the signed plan, or record a verbal agreement with a witness.")
    elif method == AgreementMethod.VERBAL_WITNESSED and not witness.strip():
        errors["witness"] = _("A verbal agreement needs the name of a witness.")
    if errors:
        raise ValidationError(errors)
    if document:
        validate_upload(document, "document")
        plan.agreement_document = document
    plan.status = Plan.Status.AGREED
    plan.agreed_on, plan.agreement_method, plan.agreement_witness = agreed_on, method, witness.strip()
    plan.save()
    _audit(actor, AuditEvent.Type.PLAN_AGREED, plan, plan.case, {"agreed_on": agreed_on, "method": method})
    return plan


# ------------------------------------------------------------------ activities


def _validate_activity(plan: Plan, data: ActivityInput) -> dict:
    errors = {}
    if data.estimated_cost is None or data.estimated_cost < 0:
        errors["estimated_cost"] = _("The cost cannot be negative.")
    if len((data.currency or "").strip()) != 3 or not data.currency.strip().isalpha():
        errors["currency"] = _("Enter a three-letter currency code, e.g. EUR or XOF.")
    if data.target_start and data.target_end and data.target_end < data.target_start:
        errors["target_end"] = _("The end comes after the start.")
    if data.delivery == Delivery.REFERRAL and data.provider_service is None:
        errors["provider_service"] = _("A referral goes to a service of the directory.")
    if data.responsible is not None and not access_for(data.responsible).may_work_on(plan.case.office_id):
        errors["responsible"] = _("The responsible person must work on cases of this office.")
    if not data.type.active:
        errors["type"] = _("This activity type is no longer in use.")
    return errors


def _check_community_project(actor: User, plan: Plan, data: ActivityInput, current_id: int | None) -> dict:
    """Only an activity of level community names a project; a new link must be one the actor may choose."""
    project = data.community_project
    if project is None:
        return {}
    if (data.level or data.type.level) != Level.COMMUNITY:
        return {"community_project": _("Only an activity of level community belongs to a community project.")}
    if (
        project.pk != current_id
        and not community_selectors.projects_for_plan(actor, plan.case).filter(pk=project.pk).exists()
    ):
        return {"community_project": project_out_of_scope_message()}
    return {}


def project_out_of_scope_message() -> str:
    return _("Choose a planned or ongoing community project of this office that you may change.")


def _join_project(actor: User, activity: Activity, previous_id: int | None) -> None:
    """A newly named project gets the returnee as a participant (once; never removed automatically)."""
    if activity.community_project_id and activity.community_project_id != previous_id:
        community_services.returnee_join(actor=actor, project=activity.community_project, case=activity.plan.case)


def _apply_activity(activity: Activity, data: ActivityInput) -> None:
    for name in ACTIVITY_FIELDS:
        setattr(activity, name, getattr(data, name))
    activity.dimension = data.dimension or data.type.dimension
    activity.level = data.level or data.type.level
    activity.currency = data.currency.strip().upper()
    activity.description = data.description.strip()
    activity.provider_name = data.provider_name.strip()


@transaction.atomic
def activity_add(*, actor: User, plan: Plan, data: ActivityInput) -> Activity:
    _require_casework(actor, plan.case)
    _require_open(plan.case)
    plan = _locked(plan)
    _require_status(plan, Plan.Status.DRAFT, message=_("Activities are added to a draft plan; revise it first."))
    errors = _validate_activity(plan, data) | _check_community_project(actor, plan, data, None)
    if errors:
        raise ValidationError(errors)
    activity = Activity(plan=plan)
    _apply_activity(activity, data)
    activity.full_clean(exclude=["plan"])
    activity.save()
    _join_project(actor, activity, None)
    _audit(actor, AuditEvent.Type.ACTIVITY_CHANGED, activity, plan.case, {"added": activity.type.code})
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, data: ActivityInput) -> Activity:
    plan = activity.plan
    _require_casework(actor, plan.case)
    _require_open(plan.case)
    _require_status(_locked(plan), Plan.Status.DRAFT, message=_("Only the activities of a draft plan can be changed."))
    previous_project = activity.community_project_id
    errors = _validate_activity(plan, data) | _check_community_project(actor, plan, data, previous_project)
    if errors:
        raise ValidationError(errors)
    before = snapshot(activity, ACTIVITY_FIELDS)
    _apply_activity(activity, data)
    activity.full_clean(exclude=["plan"])
    activity.save()
    _join_project(actor, activity, previous_project)
    changes = diff_fields(activity, before, ACTIVITY_FIELDS)
    if changes:
        if "description" in changes:  # free text stays out of the audit trail
            changes["description"] = "changed"
        _audit(actor, AuditEvent.Type.ACTIVITY_CHANGED, activity, plan.case, changes)
    return activity


@transaction.atomic
def activity_remove(*, actor: User, activity: Activity) -> None:
    plan = activity.plan
    _require_casework(actor, plan.case)
    _require_status(_locked(plan), Plan.Status.DRAFT, message=_("Only the activities of a draft plan can be removed."))
    if activity.disbursements.exists() or (activity.copied_from_id and activity.status != Activity.Status.PLANNED):
        raise ValidationError(_("This activity has started; cancel it instead of removing it."))
    _audit(actor, AuditEvent.Type.ACTIVITY_CHANGED, activity, plan.case, {"removed": activity.type.code})
    activity.delete()


@transaction.atomic
def activity_set_status(*, actor: User, activity: Activity, status: str) -> Activity:
    """Delivery tracking on the current plan (planned, in progress, delivered, cancelled)."""
    _require_casework(actor, activity.plan.case)
    _require_open(activity.plan.case)
    plan = activity.plan = _locked(activity.plan)
    if plan.status == Plan.Status.SUPERSEDED:
        raise ValidationError(_("This version of the plan was replaced; work on the current one."))
    if status not in Activity.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if status != activity.status and plan.status in (Plan.Status.AWAITING_APPROVAL,):
        raise ValidationError(_("The plan is awaiting approval; its activities cannot change now."))
    if status in (Activity.Status.IN_PROGRESS, Activity.Status.DELIVERED) and plan.status == Plan.Status.DRAFT:
        raise ValidationError({"status": _("Delivery starts once the plan is approved.")})
    old = activity.status
    if old != status:
        activity.status = status
        activity.save(update_fields=["status", "updated_at"])
        _audit(actor, AuditEvent.Type.ACTIVITY_CHANGED, activity, plan.case, {"status": [old, status]})
    return activity


# ------------------------------------------------------------------ delivery


@transaction.atomic
def disbursement_record(
    *, actor: User, activity: Activity, data: DisbursementInput, certificate=None, confirmed_on: date | None = None
) -> Disbursement:
    """A purchase, cash transfer or voucher for an activity of the approved (or agreed) current plan."""
    _require_casework(actor, activity.plan.case)
    _require_open(activity.plan.case)
    plan = activity.plan = _locked(activity.plan)
    _require_status(
        plan,
        Plan.Status.APPROVED,
        Plan.Status.AGREED,
        message=_("Money is paid out only under the current approved plan."),
    )
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This activity was cancelled."))
    errors = {}
    today = timezone.localdate()
    if data.amount is None or data.amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    if len((data.currency or "").strip()) != 3 or not data.currency.strip().isalpha():
        errors["currency"] = _("Enter a three-letter currency code, e.g. EUR or XOF.")
    if data.paid_on > today:
        errors["paid_on"] = _("The date cannot be in the future.")
    if confirmed_on is not None and (confirmed_on > today or confirmed_on < data.paid_on):
        errors["confirmed_on"] = _("The confirmation comes on or after the payment, and not in the future.")
    if errors:
        raise ValidationError(errors)
    currency = data.currency.strip().upper()
    try:
        RateTable(plan.case.programme, {currency}).rate(currency, data.paid_on)
    except MissingRate as missing:
        if plan.case.programme is not None:
            raise ValidationError({"currency": missing.messages[0]}) from missing
    if certificate:
        validate_upload(certificate, "certificate")
    row = Disbursement(
        activity=activity,
        paid_on=data.paid_on,
        amount=data.amount,
        currency=currency,
        kind=data.kind,
        supplier=data.supplier.strip(),
        description=data.description.strip(),
        returnee_confirmed=confirmed_on is not None,
        confirmed_on=confirmed_on,
        recorded_by=actor,
    )
    if certificate:
        row.certificate = certificate
    row.full_clean(exclude=["activity", "recorded_by"])
    row.save()
    if activity.status == Activity.Status.PLANNED:
        activity.status = Activity.Status.IN_PROGRESS
        activity.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        AuditEvent.Type.DISBURSEMENT_RECORDED,
        row,
        plan.case,
        {"activity": activity.pk, "amount": row.amount, "currency": currency, "kind": row.kind},
    )
    return row


@transaction.atomic
def disbursement_attach_certificate(*, actor: User, disbursement: Disbursement, certificate) -> Disbursement:
    plan = disbursement.activity.plan
    _require_casework(actor, plan.case)
    if not certificate:
        raise ValidationError({"certificate": _("Choose a file.")})
    validate_upload(certificate, "certificate")
    old = disbursement.certificate.name
    disbursement.certificate = certificate
    disbursement.save()
    _audit(
        actor,
        AuditEvent.Type.DISBURSEMENT_UPDATED,
        disbursement,
        plan.case,
        {"certificate": [old, disbursement.certificate.name]},
    )
    return disbursement


@transaction.atomic
def disbursement_confirm(*, actor: User, disbursement: Disbursement, confirmed_on: date) -> Disbursement:
    """The returnee confirms having received the money, goods or voucher."""
    plan = disbursement.activity.plan
    _require_casework(actor, plan.case)
    if disbursement.returnee_confirmed:
        raise ValidationError(_("The returnee has already confirmed this."))
    if confirmed_on > timezone.localdate() or confirmed_on < disbursement.paid_on:
        raise ValidationError(
            {"confirmed_on": _("The confirmation comes on or after the payment, and not in the future.")}
        )
    disbursement.returnee_confirmed, disbursement.confirmed_on = True, confirmed_on
    disbursement.save(update_fields=["returnee_confirmed", "confirmed_on"])
    _audit(actor, AuditEvent.Type.DISBURSEMENT_UPDATED, disbursement, plan.case, {"confirmed_on": confirmed_on})
    return disbursement


# ------------------------------------------------------------------ deadlines and configuration


@transaction.atomic
def plan_delay_exception_record(*, actor: User, case: Case, reason: str, until: date) -> PlanDelayException:
    """Document why the plan comes late, and by when it is now due."""
    _require_casework(actor, case)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why the plan is late.")
    if until is None or until < timezone.localdate():
        errors["until"] = _("The new due date is today or later.")
    if errors:
        raise ValidationError(errors)
    row = PlanDelayException.objects.create(case=case, reason=reason.strip(), until=until, recorded_by=actor)
    _audit(actor, AuditEvent.Type.PLAN_DELAY_EXCEPTION, row, case, {"until": until})
    return row


def rate_programmes(user) -> list[Programme]:
    """The programmes whose exchange rates the user enters: programme managers and administrators of
    one of the programme's offices or of a parent office (finance staff hold one of these roles)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    roots = set(
        Membership.objects.filter(user=user, role__in=[Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR]).values_list(
            "office_id", flat=True
        )
    )
    if not roots:
        return []
    offices = set().union(*(office.descendant_ids() for office in Office.objects.filter(pk__in=roots)))
    return list(Programme.objects.filter(offices__in=offices).distinct().order_by("name"))


@transaction.atomic
def exchange_rate_enter(
    *, actor: User, programme: Programme, currency: str, rate: Decimal, valid_from: date
) -> ExchangeRate:
    if programme not in rate_programmes(actor):
        raise PermissionDenied(_("Only a programme manager or administrator of this programme enters its rates."))
    currency = (currency or "").strip().upper()
    errors = {}
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = _("Enter a three-letter currency code, e.g. EUR or XOF.")
    elif currency == programme.currency.upper():
        errors["currency"] = _("The programme's own currency needs no rate.")
    if rate is None or rate <= 0:
        errors["rate"] = _("The rate must be more than zero.")
    if errors:
        raise ValidationError(errors)
    if ExchangeRate.objects.filter(programme=programme, currency=currency, valid_from=valid_from).exists():
        raise ValidationError({"valid_from": _("A rate for this currency and date already exists.")})
    row = ExchangeRate(programme=programme, currency=currency, rate=rate, valid_from=valid_from, entered_by=actor)
    row.full_clean(exclude=["programme", "entered_by"])
    row.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.EXCHANGE_RATE_ENTERED,
        subject=row,
        changes={"programme": programme.code, "currency": currency, "rate": rate, "valid_from": valid_from},
    )
    return row


def plan_printed(*, actor: User, plan: Plan, language: str) -> None:
    """Printing the plan (it carries the returnee's name) is an export: audited."""
    _audit(actor, AuditEvent.Type.EXPORT, plan, plan.case, {"document": "plan_pdf", "language": language})
