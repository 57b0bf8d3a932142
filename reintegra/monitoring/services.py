"""Writes of the monitoring app. Each checks the actor's right, validates, saves and audits in one transaction."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reintegra.accounts.models import Programme, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record, diff_fields, snapshot
from reintegra.cases.models import Task
from reintegra.cases.services import task_create
from reintegra.instruments.models import Instrument
from reintegra.monitoring import sampling, selectors
from reintegra.monitoring.models import (
    CertificateCheck,
    MonitoringRule,
    Outcome,
    RuleOccasion,
    Sample,
    SampleMember,
    ScheduledFollowUp,
)
from reintegra.monitoring.selectors import FrameFilter

logger = logging.getLogger(__name__)

# ------------------------------------------------------------------ follow-up schedule

RULE_FIELDS = [
    "instrument",
    "occasion",
    "occasion_number",
    "kind",
    "anchor",
    "offset",
    "unit",
    "window_before",
    "window_after",
    "active",
    "order",
]


@dataclass
class RuleInput:
    instrument: Instrument
    occasion: str
    occasion_number: int = 0
    kind: str = MonitoringRule.Kind.TIMED
    anchor: str = MonitoringRule.Anchor.ARRIVAL
    offset: int = 0
    unit: str = MonitoringRule.Unit.MONTHS
    window_before: int = 0
    window_after: int = 30
    active: bool = True
    order: int = 0


def _require_configure(actor: User, programme: Programme) -> None:
    if programme not in selectors.configure_programmes(actor):
        raise PermissionDenied(_("Only a programme manager of this programme may do this."))


def _validate_rule(data: RuleInput) -> None:
    errors = {}
    if data.occasion == RuleOccasion.FOLLOW_UP and data.occasion_number < 1:
        errors["occasion_number"] = _("Number the follow-up: 1 for the first, 2 for the second…")
    if data.occasion != RuleOccasion.FOLLOW_UP:
        data.occasion_number = 0
    if data.kind == MonitoringRule.Kind.BEFORE_PLAN:
        if data.occasion != RuleOccasion.BASELINE:
            errors["kind"] = _("Only a baseline can be asked for before the plan.")
        data.anchor, data.offset = "", 0
    elif data.anchor not in MonitoringRule.Anchor.values:
        errors["anchor"] = _("Choose the date the delay is counted from.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rule_save(
    *, actor: User, programme: Programme, data: RuleInput, rule: MonitoringRule | None = None
) -> MonitoringRule:
    """Create a follow-up rule for the programme, or change one."""
    _require_configure(actor, programme if rule is None else rule.programme)
    _validate_rule(data)
    before = snapshot(rule, RULE_FIELDS) if rule else {}
    if rule is None:
        rule = MonitoringRule(programme=programme, created_by=actor)
    for name in RULE_FIELDS:
        setattr(rule, name, getattr(data, name))
    rule.full_clean(exclude=["programme", "created_by"])
    rule.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.MONITORING_RULE_CHANGED,
        subject=rule,
        changes={"programme": rule.programme.code} | diff_fields(rule, before, RULE_FIELDS),
    )
    return rule


@dataclass
class ScheduleResult:
    created: list[Task] = field(default_factory=list)
    already_open: int = 0
    no_consent: int = 0
    refused: int = 0


def _task_title(rule: MonitoringRule, language: str) -> str:
    with translation.override(language):
        if rule.occasion == RuleOccasion.FOLLOW_UP:
            return _("%(instrument)s follow-up %(number)s: contact the returnee for the interview") % {
                "instrument": rule.instrument.code.upper(),
                "number": rule.occasion_number,
            }
        if rule.occasion == RuleOccasion.ENDLINE:
            return _("%(instrument)s end-line: contact the returnee for the interview") % {
                "instrument": rule.instrument.code.upper()
            }
        return _("%(instrument)s baseline: interview the returnee before the plan") % {
            "instrument": rule.instrument.code.upper()
        }


def _schedule_one(actor: User, row: selectors.DueRow, today: date, result: ScheduleResult) -> None:
    rule, case = row.rule, row.case
    kind = Task.Kind.ASSESSMENT if rule.occasion == RuleOccasion.BASELINE else Task.Kind.FOLLOW_UP_CONTACT
    if row.task is not None:
        result.already_open += 1
        return
    if kind == Task.Kind.FOLLOW_UP_CONTACT and row.consent_missing:
        result.no_consent += 1
        return
    language = (case.assigned_to.language if case.assigned_to else "") or case.office.language
    try:
        with transaction.atomic():
            task = task_create(
                actor=actor,
                case=case,
                title=_task_title(rule, language),
                due_date=row.due_on or today,
                kind=kind,
            )
            ScheduledFollowUp.objects.create(
                case=case,
                rule=rule,
                instrument=rule.instrument,
                occasion=rule.occasion,
                occasion_number=rule.occasion_number,
                due_on=task.due_date,
                task=task,
                created_by=actor,
            )
    except (ValidationError, PermissionDenied, IntegrityError) as refusal:
        logger.info("follow-up not scheduled for case %s: %s", case.pk, refusal)
        result.refused += 1
    else:
        result.created.append(task)


def schedule_follow_ups(
    *, actor: User, programme: Programme, today: date | None = None, batch: int = 500
) -> ScheduleResult:
    """Create a task for every due or overdue occasion of the programme's cases in the actor's offices
    that has no open task yet (follow-ups and end-lines: follow-up contact tasks, which need monitoring
    consent; baselines: assessment tasks). Running it again creates nothing new."""
    _require_configure(actor, programme)
    today = today or timezone.localdate()
    result = ScheduleResult()
    page = 1
    while True:
        listing = selectors.due_list(actor, programme=programme, page=page, per_page=batch, today=today)
        for row in listing.rows:
            _schedule_one(actor, row, today, result)
        if not listing.page.has_next():
            break
        page += 1
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.FOLLOW_UPS_SCHEDULED,
        subject=programme,
        changes={
            "created": len(result.created),
            "already_open": result.already_open,
            "no_consent": result.no_consent,
            "refused": result.refused,
            "day": today,
        },
    )
    return result


# ------------------------------------------------------------------ sampling


@dataclass
class SampleInput:
    name: str
    purpose: str
    frame: FrameFilter
    strata: list[str]
    allocation: str
    size: int
    minimum_per_stratum: int = 0
    instrument: Instrument | None = None
    occasion: str = ""
    occasion_number: int = 0


@dataclass
class Preview:
    strata: list[sampling.Stratum]
    frame_total: int
    excluded_no_consent: int
    allocated_total: int


def _require_draw(actor: User, programme: Programme) -> None:
    if programme not in selectors.draw_programmes(actor):
        raise PermissionDenied(_("Only an M&E officer or a programme manager of this programme draws samples."))


def _validate_sample(data: SampleInput) -> None:
    errors = {}
    if not data.name.strip():
        errors["name"] = _("Name the sample.")
    if data.size is None or data.size < 1:
        errors["size"] = _("The sample needs at least one case.")
    unknown = [s for s in data.strata if s not in selectors.STRATA_FIELDS]
    if unknown:
        errors["strata"] = _("Choose stratification variables from the list.")
    if data.allocation not in Sample.Allocation.values:
        errors["allocation"] = _("Choose an allocation.")
    if data.occasion == RuleOccasion.FOLLOW_UP and data.occasion_number < 1:
        errors["occasion_number"] = _("Number the follow-up: 1 for the first, 2 for the second…")
    if errors:
        raise ValidationError(errors)


def sample_preview(*, actor: User, programme: Programme, data: SampleInput) -> Preview:
    """The frame per stratum and the allocation the draw would use (nothing is saved)."""
    _require_draw(actor, programme)
    _validate_sample(data)
    frame, excluded = selectors.frame_cases(actor, programme, data.frame, data.instrument)
    rows = selectors.frame_rows(frame, data.strata)
    offices = dict(programme.offices.values_list("pk", "name"))
    strata: dict[str, sampling.Stratum] = {}
    for case_id, *values in rows:
        named = dict(zip(data.strata, values, strict=True))
        key = selectors.stratum_key(named)
        if key not in strata:
            strata[key] = sampling.Stratum(key=key, label=selectors.stratum_label(key, offices))
        strata[key].case_ids.append(case_id)
    try:
        allocation = sampling.allocate(
            {k: s.size for k, s in strata.items()},
            total=data.size,
            method=data.allocation,
            minimum=data.minimum_per_stratum,
        )
    except ValueError as needed:
        raise ValidationError(
            {
                "minimum_per_stratum": _("The minimum per stratum needs %(needed)s cases, more than the sample size.")
                % {"needed": needed.args[0]}
            }
        ) from needed
    for key, stratum in strata.items():
        stratum.allocated = allocation[key]
    ordered = sorted(strata.values(), key=lambda s: s.key)
    return Preview(
        strata=ordered,
        frame_total=len(rows),
        excluded_no_consent=excluded.count(),
        allocated_total=sum(allocation.values()),
    )


@transaction.atomic
def sample_draw(
    *,
    actor: User,
    programme: Programme,
    data: SampleInput,
    seed: int | None = None,
    redraw_of: Sample | None = None,
) -> Sample:
    """Draw and record a sample. The same definition, seed and frame give exactly the same members."""
    preview = sample_preview(actor=actor, programme=programme, data=data)
    if preview.frame_total == 0:
        raise ValidationError(_("No case matches this frame; widen it."))
    sample = Sample(
        programme=programme,
        name=data.name.strip(),
        purpose=data.purpose,
        instrument=data.instrument,
        occasion=data.occasion,
        occasion_number=data.occasion_number if data.occasion == RuleOccasion.FOLLOW_UP else 0,
        frame=data.frame.as_json(),
        strata=list(data.strata),
        allocation=data.allocation,
        size=data.size,
        minimum_per_stratum=data.minimum_per_stratum,
        frame_sizes={s.key: {"frame": s.size, "allocated": s.allocated} for s in preview.strata},
        frame_total=preview.frame_total,
        excluded_no_consent=preview.excluded_no_consent,
        redraw_of=redraw_of,
        drawn_by=actor,
    )
    if seed is not None:
        sample.seed = seed
    sample.full_clean(exclude=["programme", "drawn_by", "redraw_of", "instrument"])
    sample.save()
    SampleMember.objects.bulk_create(
        SampleMember(sample=sample, case_id=case_id, stratum=stratum.key, order=order)
        for stratum, case_id, order in sampling.draw(preview.strata, seed=sample.seed)
    )
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.SAMPLE_DRAWN,
        subject=sample,
        changes={
            "programme": programme.code,
            "seed": str(sample.seed),
            "size": sample.size,
            "frame_total": sample.frame_total,
            "redraw_of": redraw_of,
        },
    )
    return sample


def sample_input_of(sample: Sample) -> SampleInput:
    """The definition of a recorded sample, to draw it again."""
    return SampleInput(
        name=sample.name,
        purpose=sample.purpose,
        frame=FrameFilter.from_json(sample.frame),
        strata=list(sample.strata),
        allocation=sample.allocation,
        size=sample.size,
        minimum_per_stratum=sample.minimum_per_stratum,
        instrument=sample.instrument,
        occasion=sample.occasion,
        occasion_number=sample.occasion_number,
    )


OUTCOME_FIELDS = ["outcome", "outcome_on", "note", "certificate_check", "certificate_note"]


@transaction.atomic
def member_outcome_record(
    *,
    actor: User,
    member: SampleMember,
    outcome: str,
    outcome_on: date | None,
    certificate_check: str = "",
    note: str | None = None,
    certificate_note: str | None = None,
) -> SampleMember:
    """Record how the contact with a sampled returnee went. Notes left as None stay as they are
    (pseudonymised roles neither read nor write them)."""
    if not selectors.may_record_outcome(actor, member):
        raise PermissionDenied(_("You may not record outcomes for this case."))
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose an outcome.")
    elif outcome != Outcome.PENDING and outcome_on is None:
        errors["outcome_on"] = _("Give the date of the contact.")
    if outcome_on is not None and outcome_on > timezone.localdate():
        errors["outcome_on"] = _("The date cannot be in the future.")
    if certificate_check not in CertificateCheck.values:
        errors["certificate_check"] = _("Choose a valid answer.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(member, OUTCOME_FIELDS)
    member.outcome = outcome
    member.outcome_on = outcome_on if outcome != Outcome.PENDING else outcome_on
    member.certificate_check = certificate_check
    if note is not None:
        member.note = note.strip()
    if certificate_note is not None:
        member.certificate_note = certificate_note.strip()
    member.recorded_by, member.recorded_at = actor, timezone.now()
    member.full_clean(exclude=["sample", "case", "recorded_by"])
    member.save()
    changes = diff_fields(member, before, ["outcome", "outcome_on", "certificate_check"])
    changes |= {name: "changed" for name in ("note", "certificate_note") if getattr(member, name) != before[name]}
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.SAMPLE_OUTCOME_RECORDED,
        subject=member,
        office=member.case.office,
        case=member.case,
        changes={"sample": member.sample_id} | changes,
    )
    return member


def sample_exported(*, actor: User, sample: Sample, identified: bool, rows: int) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.EXPORT,
        subject=sample,
        changes={"document": "sample_members_csv", "identified": identified, "rows": rows},
    )
