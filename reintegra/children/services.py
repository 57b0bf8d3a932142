"""Writes to the best-interests procedure. Each service checks the actor's right, validates, saves and
writes its audit event in one transaction. Pages and the API call these and nothing else.

The audit trail names what changed, never the sensitive text itself (views, notes, reasons).
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reintegra.accounts.models import User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record
from reintegra.cases.models import Case, Stage
from reintegra.children.models import (
    SOLUTION_FIELDS,
    Assessment,
    CareSituation,
    ClosingReason,
    Determination,
    Procedure,
    Rating,
    Risk,
    Solution,
    Status,
    Step,
)
from reintegra.children.selectors import FULL, bip_level, current_determination, open_procedure

CHILD_AGE_LIMIT = 17


@dataclass(kw_only=True)
class AssessmentInput:
    care_situation: str
    interviewer: str
    assessed_on: date
    acceptance: str = Rating.UNKNOWN
    acceptance_notes: str = ""
    attends_school: bool | None = None
    education_notes: str = ""
    health_access: str = Rating.UNKNOWN
    mhpss_access: bool | None = None
    health_notes: str = ""
    has_disability: bool | None = None
    characteristics_notes: str = ""
    risks: list[str] = field(default_factory=list)
    risks_notes: str = ""
    child_views: str = ""
    age_when_heard: int | None = None
    maturity_weighing: str = ""


@dataclass(kw_only=True)
class StepInput:
    what: str
    who: str
    due_on: date


@dataclass(kw_only=True)
class PanelMember:
    name: str
    function: str


@dataclass(kw_only=True)
class DeterminationInput:
    decision: str
    reasons: str
    determined_on: date
    panel: list[PanelMember] = field(default_factory=list)
    return_considered: bool = False
    return_notes: str = ""
    local_considered: bool = False
    local_notes: str = ""
    resettlement_considered: bool = False
    resettlement_notes: str = ""


# ------------------------------------------------------------------ guards


def _require_full(actor: User, case: Case, *, case_may_be_closed: bool = False) -> None:
    """Only child-protection specialists and supervisors (or programme managers) of the office write."""
    if bip_level(actor, case) != FULL:
        raise PermissionDenied(_("Only child-protection specialists and supervisors may change this procedure."))
    if case.stage == Stage.CLOSED and not case_may_be_closed:
        raise ValidationError(_("The case is closed: its best-interests procedure can no longer change."))


def _closed_procedure() -> str:
    return _(
        "The best-interests procedure is closed and can no longer change; start a new procedure with a new assessment."
    )


def _require_open(case: Case) -> Procedure:
    procedure = open_procedure(case)
    if procedure is None and Procedure.objects.filter(case=case).exists():
        raise ValidationError(_closed_procedure())
    if procedure is None or not hasattr(procedure, "assessment"):
        raise ValidationError(_("Record the best-interests assessment first."))
    return procedure


def _audit(actor: User, event_type: str, case: Case, subject, changes: dict) -> None:
    audit_record(actor=actor, event_type=event_type, subject=subject, office=case.office, case=case, changes=changes)


def _not_in_future(value: date, name: str, errors: dict) -> None:
    if value and value > timezone.localdate():
        errors[name] = _("The date cannot be in the future.")


# ------------------------------------------------------------------ assessment


def _clean_assessment(case: Case, data: AssessmentInput) -> dict:
    errors: dict[str, str] = {}
    values = asdict(data)
    for name in ("interviewer", "child_views", "maturity_weighing"):
        values[name] = (values[name] or "").strip()
    if data.care_situation not in CareSituation.values:
        errors["care_situation"] = _("Choose the care situation.")
    for name in ("acceptance", "health_access"):
        if values[name] not in Rating.values:
            errors[name] = _("Choose one of the options.")
    if any(code not in Risk.values for code in data.risks):
        errors["risks"] = _("Choose risks from the list.")
    values["risks"] = [code for code in Risk.values if code in data.risks]
    if not values["interviewer"]:
        errors["interviewer"] = _("Name the interviewer.")
    _not_in_future(data.assessed_on, "assessed_on", errors)
    if values["child_views"]:
        if values["age_when_heard"] is None and data.assessed_on:
            values["age_when_heard"] = case.person.age_on(data.assessed_on)
        if values["age_when_heard"] is None:
            errors["age_when_heard"] = _("Give the child's age when their views were heard.")
        if not values["maturity_weighing"]:
            errors["maturity_weighing"] = _("Explain how the child's age and maturity were weighed.")
    if values["age_when_heard"] is not None and not 0 <= values["age_when_heard"] <= CHILD_AGE_LIMIT:
        errors["age_when_heard"] = _("The age must be between 0 and 17.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def assessment_save(*, actor: User, case: Case, data: AssessmentInput) -> Assessment:
    """Record or update the assessment (BIA); opens the procedure the first time."""
    _require_full(actor, case)
    values = _clean_assessment(case, data)
    procedure = open_procedure(case) or Procedure.objects.create(case=case, opened_by=actor)
    assessment = Assessment.objects.filter(procedure=procedure).first()
    if assessment is None:
        assessment = Assessment(procedure=procedure)
        changed = sorted(values)
    else:
        changed = sorted(name for name, value in values.items() if getattr(assessment, name) != value)
    for name, value in values.items():
        setattr(assessment, name, value)
    assessment.updated_by = actor
    assessment.save()
    _audit(actor, AuditEvent.Type.BIP_ASSESSMENT_SAVED, case, procedure, {"fields": changed})
    return assessment


# ------------------------------------------------------------------ process plan


@transaction.atomic
def step_add(*, actor: User, case: Case, data: StepInput) -> Step:
    _require_full(actor, case)
    procedure = _require_open(case)
    what, who = data.what.strip(), data.who.strip()
    errors = {}
    if not what:
        errors["what"] = _("Say what the step is.")
    if not who:
        errors["who"] = _("Say who takes the step.")
    if errors:
        raise ValidationError(errors)
    step = Step.objects.create(procedure=procedure, what=what, who=who, due_on=data.due_on, created_by=actor)
    if procedure.status == Status.ASSESSMENT:
        procedure.status = Status.PLANNING
        procedure.save(update_fields=["status"])
    _audit(
        actor, AuditEvent.Type.BIP_STEP_CHANGED, case, step, {"state": [None, Step.State.OPEN], "due_on": data.due_on}
    )
    return step


@transaction.atomic
def step_set_state(*, actor: User, case: Case, step: Step, state: str, done_on: date | None = None) -> Step:
    """Complete (with the date it was done) or cancel an open step."""
    _require_full(actor, case)
    if step.procedure.closed_at is not None:
        raise ValidationError(_closed_procedure())
    procedure = _require_open(case)
    if step.procedure_id != procedure.pk:
        raise ValidationError(_("This step belongs to another procedure."))
    if step.state != Step.State.OPEN:
        raise ValidationError(_("This step is no longer open."))
    if state not in (Step.State.DONE, Step.State.CANCELLED):
        raise ValidationError({"state": _("Choose done or cancelled.")})
    if state == Step.State.DONE:
        done_on = done_on or timezone.localdate()
        errors: dict[str, str] = {}
        _not_in_future(done_on, "done_on", errors)
        if errors:
            raise ValidationError(errors)
    before = step.state
    step.state, step.done_on = state, done_on if state == Step.State.DONE else None
    step.save(update_fields=["state", "done_on"])
    _audit(actor, AuditEvent.Type.BIP_STEP_CHANGED, case, step, {"state": [before, state], "done_on": step.done_on})
    return step


# ------------------------------------------------------------------ determination


def _clean_determination(data: DeterminationInput) -> dict:
    errors: dict[str, str] = {}
    considered = [
        s for s, name in zip(Solution.values, SOLUTION_FIELDS, strict=True) if getattr(data, f"{name}_considered")
    ]
    if len(considered) < 2:
        errors["return_considered"] = _("Consider at least two durable solutions before deciding.")
    if data.decision not in Solution.values:
        errors["decision"] = _("Choose the decision.")
    elif data.decision not in considered:
        errors["decision"] = _("The decision must be one of the solutions considered.")
    if not data.reasons.strip():
        errors["reasons"] = _("Write the reasons for the decision.")
    panel = [PanelMember(name=m.name.strip(), function=m.function.strip()) for m in data.panel]
    panel = [m for m in panel if m.name or m.function]
    if any(not (m.name and m.function) for m in panel):
        errors["panel"] = _("Give each decision-maker a name and a function.")
    elif not panel:
        errors["panel"] = _("Name at least one decision-maker with their function.")
    _not_in_future(data.determined_on, "determined_on", errors)
    if errors:
        raise ValidationError(errors)
    values = asdict(data)
    values["reasons"] = data.reasons.strip()
    values["panel"] = [asdict(m) for m in panel]
    return values


def _determine(actor: User, case: Case, data: DeterminationInput, *, review_reason: str) -> Determination:
    _require_full(actor, case)
    procedure = _require_open(case)
    current = current_determination(procedure)
    if review_reason and current is None:
        raise ValidationError(_("There is no determination to review yet."))
    if not review_reason and current is not None:
        raise ValidationError(_("A determination is already recorded: start a review to change it."))
    values = _clean_determination(data)
    determination = Determination.objects.create(
        procedure=procedure, supersedes=current, review_reason=review_reason, recorded_by=actor, **values
    )
    procedure.status = Status.REVIEWED if current else Status.DETERMINED
    procedure.save(update_fields=["status"])
    event = AuditEvent.Type.BIP_REVIEWED if current else AuditEvent.Type.BIP_DETERMINED
    changes = {"decision": [current.decision if current else None, determination.decision]}
    if current:
        changes["supersedes"] = current.pk
    _audit(actor, event, case, determination, changes)
    return determination


@transaction.atomic
def determination_record(*, actor: User, case: Case, data: DeterminationInput) -> Determination:
    """The first determination (BID) of the procedure; final once recorded."""
    return _determine(actor, case, data, review_reason="")


@transaction.atomic
def determination_review(*, actor: User, case: Case, data: DeterminationInput, reason: str) -> Determination:
    """A review: a new determination that supersedes the one in force, with the reason for review."""
    if not reason.strip():
        raise ValidationError({"review_reason": _("Write why the determination is reviewed.")})
    return _determine(actor, case, data, review_reason=reason.strip())


# ------------------------------------------------------------------ closing


@transaction.atomic
def procedure_close(*, actor: User, case: Case, reason: str, note: str = "") -> Procedure:
    """Close the open procedure with a reason; it stays readable, and a new assessment opens a new one.

    The one write allowed on a closed case: closing its procedure (reason "case closed")."""
    _require_full(actor, case, case_may_be_closed=True)
    procedure = Procedure.objects.select_for_update().filter(case=case, closed_at__isnull=True).first()
    if procedure is None:
        raise ValidationError(_("There is no open best-interests procedure to close."))
    note = (note or "").strip()
    if reason not in ClosingReason.values:
        raise ValidationError({"reason": _("Choose the reason for closing the procedure.")})
    if reason == ClosingReason.OTHER and not note:
        raise ValidationError({"note": _("Explain why the procedure is closed.")})
    procedure.closed_at, procedure.closed_by = timezone.now(), actor
    procedure.closing_reason, procedure.closing_note = reason, note
    procedure.save(update_fields=["closed_at", "closed_by", "closing_reason", "closing_note"])
    changes = {"closing_reason": reason, "status": procedure.status, "note": bool(note)}
    _audit(actor, AuditEvent.Type.BIP_CLOSED, case, procedure, changes)
    return procedure


# ------------------------------------------------------------------ reading


def bip_viewed(*, actor: User, case: Case, level: str, procedure: Procedure | None = None) -> None:
    """Opening the procedure (page or API) is audited, like opening a case file."""
    procedure = procedure or open_procedure(case)
    _audit(actor, AuditEvent.Type.BIP_VIEWED, case, procedure or case, {"level": level})
