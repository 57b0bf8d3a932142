"""Every write at structural level: keyword-only, atomic, validated, audited in the same transaction.

The HTML views call these and nothing else (the API is read-only). Parties, institutions, chairs and
members must be stakeholders of the record's own office.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from reintegra.accounts.models import Office, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record, diff_fields, snapshot
from reintegra.structural.access import require_editor
from reintegra.structural.models import (
    Agreement,
    CapacityActivity,
    CoordinationBody,
    Discussion,
    Meeting,
    Stakeholder,
)

STAKEHOLDER_FIELDS = [
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
]
AGREEMENT_FIELDS = ["kind", "title", "scope", "valid_from", "valid_to", "cost_terms", "data_access", "status"]
CAPACITY_FIELDS = [
    "institution",
    "level",
    "target",
    "activity",
    "start_date",
    "end_date",
    "participants",
    "results",
]
BODY_FIELDS = ["name", "kind", "chair", "purpose"]


@dataclass
class StakeholderInput:
    name: str
    type: str
    level: str
    interest: str
    influence: str
    contact_person: str = ""
    contact_function: str = ""
    concerns: str = ""
    expectations: str = ""
    next_review: date | None = None


@dataclass
class AgreementInput:
    kind: str
    title: str
    valid_from: date
    parties: list[Stakeholder] = field(default_factory=list)
    scope: str = ""
    valid_to: date | None = None
    cost_terms: str = ""
    data_access: str = ""
    status: str = Agreement.Status.DRAFT


@dataclass
class CapacityInput:
    institution: Stakeholder
    level: str
    target: str
    activity: str
    start_date: date
    end_date: date | None = None
    participants: int | None = None
    results: str = ""


@dataclass
class BodyInput:
    name: str
    kind: str
    chair: Stakeholder | None = None
    members: list[Stakeholder] = field(default_factory=list)
    purpose: str = ""


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _same_office(office_id: int, stakeholders, field_name: str) -> None:
    if any(s is not None and s.office_id != office_id for s in stakeholders):
        raise ValidationError({field_name: _("Choose stakeholders registered in the same office.")})


def _save(target: models.Model, existing: bool, data, fields: list[str]) -> dict:
    """Copy the fields, validate and save; returns the changes (the caller audits)."""
    before = snapshot(target, fields) if existing else {}
    for name in fields:
        setattr(target, name, _clean(getattr(data, name)))
    target.full_clean()
    target.save()
    return diff_fields(target, before, fields)


def _audit(actor, event_type, target, changes) -> None:
    audit_record(actor=actor, event_type=event_type, subject=target, office=target.office, changes=changes)


def _ids(items) -> list[int]:
    return sorted(item.pk for item in items)


@transaction.atomic
def stakeholder_save(
    *, actor: User, office: Office | None = None, stakeholder: Stakeholder | None = None, data: StakeholderInput
) -> Stakeholder:
    """Create a stakeholder in `office`, or change `stakeholder`; audited as structural.stakeholder_saved."""
    target = stakeholder or Stakeholder(office=office)
    require_editor(actor, target.office_id)
    event = AuditEvent.Type.STRUCTURAL_STAKEHOLDER_SAVED
    changes = _save(target, stakeholder is not None, data, STAKEHOLDER_FIELDS)
    if stakeholder is None or changes:
        _audit(actor, event, target, {**changes, "tier": target.tier.value})
    return target


@transaction.atomic
def discussion_add(
    *,
    actor: User,
    stakeholder: Stakeholder,
    held_on: date,
    summary: str,
    outputs: str = "",
    outputs_due: date | None = None,
) -> Discussion:
    """A new entry of the stakeholder's discussion log."""
    require_editor(actor, stakeholder.office_id)
    entry = Discussion(
        stakeholder=stakeholder,
        held_on=held_on,
        summary=summary.strip(),
        outputs=outputs.strip(),
        outputs_due=outputs_due,
        recorded_by=actor,
    )
    if entry.outputs_due and not entry.outputs:
        raise ValidationError({"outputs": _("Describe the agreed outputs that are due on this date.")})
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.STRUCTURAL_DISCUSSION_ADDED,
        subject=entry,
        office=stakeholder.office,
        changes={"stakeholder": stakeholder.pk, "held_on": held_on.isoformat()},
    )
    return entry


@transaction.atomic
def agreement_save(
    *, actor: User, office: Office | None = None, agreement: Agreement | None = None, data: AgreementInput
) -> Agreement:
    """Create or change an agreement; at least one party, all from the agreement's office."""
    target = agreement or Agreement(office=office)
    require_editor(actor, target.office_id)
    if not data.parties:
        raise ValidationError({"parties": _("Choose at least one party from the stakeholder register.")})
    _same_office(target.office_id, data.parties, "parties")
    before_parties = _ids(agreement.parties.all()) if agreement else []
    event = AuditEvent.Type.STRUCTURAL_AGREEMENT_SAVED
    changes = _save(target, agreement is not None, data, AGREEMENT_FIELDS)
    target.parties.set(data.parties)
    if _ids(data.parties) != before_parties:
        changes["parties"] = [before_parties, _ids(data.parties)]
    if agreement is None or changes:
        _audit(actor, event, target, changes)
    return target


@transaction.atomic
def capacity_save(
    *,
    actor: User,
    office: Office | None = None,
    activity: CapacityActivity | None = None,
    data: CapacityInput,
) -> CapacityActivity:
    """Create or change a capacity-building activity; the institution is a stakeholder of the same office."""
    target = activity or CapacityActivity(office=office)
    require_editor(actor, target.office_id)
    _same_office(target.office_id, [data.institution], "institution")
    event = AuditEvent.Type.STRUCTURAL_CAPACITY_SAVED
    changes = _save(target, activity is not None, data, CAPACITY_FIELDS)
    if activity is None or changes:
        _audit(actor, event, target, changes)
    return target


@transaction.atomic
def body_save(
    *, actor: User, office: Office | None = None, body: CoordinationBody | None = None, data: BodyInput
) -> CoordinationBody:
    """Create or change a coordination body with its chair and members (stakeholders of its office)."""
    target = body or CoordinationBody(office=office)
    require_editor(actor, target.office_id)
    _same_office(target.office_id, [data.chair], "chair")
    _same_office(target.office_id, data.members, "members")
    before_members = _ids(body.members.all()) if body else []
    event = AuditEvent.Type.STRUCTURAL_BODY_SAVED
    changes = _save(target, body is not None, data, BODY_FIELDS)
    target.members.set(data.members)
    if _ids(data.members) != before_members:
        changes["members"] = [before_members, _ids(data.members)]
    if body is None or changes:
        _audit(actor, event, target, changes)
    return target


@transaction.atomic
def meeting_add(*, actor: User, body: CoordinationBody, held_on: date, decisions: str, attendees: str = "") -> Meeting:
    """A new meeting of a coordination body, with its attendees and decisions."""
    require_editor(actor, body.office_id)
    meeting = Meeting(
        body=body, held_on=held_on, decisions=decisions.strip(), attendees=attendees.strip(), recorded_by=actor
    )
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.STRUCTURAL_MEETING_ADDED,
        subject=meeting,
        office=body.office,
        changes={"body": body.pk, "held_on": held_on.isoformat()},
    )
    return meeting
