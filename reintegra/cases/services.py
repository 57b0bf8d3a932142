"""Writes to case data. Each service validates, checks the actor's right, saves and audits
in one transaction. HTML views and the API call these and nothing else."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Membership, Office, Programme, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record, diff_fields, snapshot
from reintegra.cases.models import (
    CLOSURE_REASON_GROUPS,
    Case,
    CaseNote,
    CaseNumberSequence,
    CaseTransfer,
    ClosureReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    Household,
    IdentityDocument,
    NameKey,
    Person,
    Phone,
    Relationship,
    Stage,
    StageChange,
    Task,
)
from reintegra.cases.selectors import consent_given
from reintegra.lib.names import name_keys, normalise_document, phone_tail, phonetic_name

CHILD_AGE = 18
FORWARD = {
    Stage.INTAKE: Stage.ASSESSMENT,
    Stage.ASSESSMENT: Stage.PLANNING,
    Stage.PLANNING: Stage.IMPLEMENTATION,
    Stage.IMPLEMENTATION: Stage.MONITORING,
}
BACKWARD = {after: before for before, after in FORWARD.items()}
PERSON_FIELDS = [
    "given_names",
    "family_name",
    "alternative_names",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "nationality",
    "languages",
]
CASE_FIELDS = [
    "programme",
    "return_type",
    "host_country",
    "arrival_date",
    "arrival_point",
    "return_country",
    "return_region",
    "return_district",
    "return_locality",
    "pre_departure",
]


@dataclass
class DocumentInput:
    kind: str
    number: str
    issuing_country: str = ""


@dataclass
class PersonInput:
    given_names: str
    family_name: str
    sex: str
    alternative_names: str = ""
    birth_date: date | None = None
    birth_date_estimated: bool = False
    nationality: str = ""
    languages: str = ""
    phones: list[str] = field(default_factory=list)
    documents: list[DocumentInput] = field(default_factory=list)


@dataclass
class ReturnInput:
    return_type: str
    return_country: str
    programme: Programme | None = None
    host_country: str = ""
    arrival_date: date | None = None
    arrival_point: str = ""
    return_region: str = ""
    return_district: str = ""
    return_locality: str = ""
    pre_departure: bool = False


def _require_casework(actor: User, office_id: int) -> None:
    if not access_for(actor).may_work_on(office_id):
        raise PermissionDenied(_("You may not change cases of this office."))


def _require_supervision(actor: User, office_id: int) -> None:
    if not access_for(actor).may_supervise(office_id):
        raise PermissionDenied(_("Only a supervisor or programme manager of this office may do this."))


def _index_person(person: Person) -> None:
    """Refresh the search keys derived from the person's names."""
    person.phonetic_name = phonetic_name(person.given_names, person.family_name)
    Person.objects.filter(pk=person.pk).update(phonetic_name=person.phonetic_name)
    keys = name_keys(person.given_names, person.family_name, person.alternative_names)
    person.name_keys.exclude(key__in=keys).delete()
    existing = set(person.name_keys.values_list("key", flat=True))
    NameKey.objects.bulk_create([NameKey(person=person, key=k) for k in sorted(keys - existing)])


def _validate_person(data: PersonInput) -> None:
    errors = {}
    if data.birth_date and data.birth_date > timezone.localdate():
        errors["birth_date"] = _("The date of birth cannot be in the future.")
    if data.birth_date and data.birth_date.year < 1900:
        errors["birth_date"] = _("The date of birth is too far in the past.")
    if not data.given_names.strip() and not data.family_name.strip():
        errors["given_names"] = _("Enter at least one name.")
    if errors:
        raise ValidationError(errors)


def _create_person(
    data: PersonInput, household: Household | None = None, relationship: str = Relationship.RETURNEE
) -> Person:
    _validate_person(data)
    person = Person(
        given_names=data.given_names.strip(),
        family_name=data.family_name.strip(),
        alternative_names=data.alternative_names.strip(),
        sex=data.sex,
        birth_date=data.birth_date,
        birth_date_estimated=data.birth_date_estimated,
        nationality=data.nationality.upper(),
        languages=data.languages.strip(),
        household=household,
        relationship=relationship,
    )
    person.full_clean(exclude=["household"])
    person.save()
    _index_person(person)
    for number in data.phones:
        if number.strip():
            Phone.objects.create(person=person, number=number.strip(), tail=phone_tail(number))
    for doc in data.documents:
        if doc.number.strip():
            IdentityDocument.objects.create(
                person=person,
                kind=doc.kind,
                number=doc.number.strip(),
                normalised=normalise_document(doc.number),
                issuing_country=doc.issuing_country.upper(),
            )
    return person


def _validate_return(details: ReturnInput) -> None:
    if details.arrival_date and details.arrival_date > timezone.localdate() and not details.pre_departure:
        raise ValidationError(
            {"arrival_date": _("The arrival date cannot be in the future unless the case is opened before departure.")}
        )


def _next_case_number(office: Office, year: int) -> str:
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(office=office, year=year)
    CaseNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db()
    return f"{office.country}-{office.code}-{year}-{sequence.last_value:06d}"


def _is_child(person: Person) -> bool:
    age = person.age_on(timezone.localdate())
    return age is not None and age < CHILD_AGE


@transaction.atomic
def case_open(
    *, actor: User, person: Person, office: Office, details: ReturnInput, assigned_to: User | None = None
) -> Case:
    """Open a new case for a person in an office (a person may have several cases over time)."""
    _require_casework(actor, office.pk)
    if (
        assigned_to is not None
        and not Membership.objects.filter(user=assigned_to, office=office, role=Role.CASE_MANAGER).exists()
    ):
        raise ValidationError({"assigned_to": _("The assignee must be a case manager of this office.")})
    if (
        details.programme is not None
        and not details.programme.offices.filter(
            pk__in=office.descendant_ids() | {office.pk, office.parent_id or 0}
        ).exists()
    ):
        raise ValidationError({"programme": _("This programme does not run in this office.")})
    if person.cases.exclude(stage=Stage.CLOSED).filter(office=office).exists():
        raise ValidationError(_("This person already has an open case in this office."))
    _validate_return(details)
    case = Case(
        person=person,
        office=office,
        assigned_to=assigned_to,
        is_child=_is_child(person),
        number=_next_case_number(office, timezone.localdate().year),
        **{name: getattr(details, name) for name in CASE_FIELDS},
    )
    case.return_country = case.return_country.upper()
    case.host_country = case.host_country.upper()
    case.full_clean(exclude=["number", "person", "office", "assigned_to"])
    case.save()
    StageChange.objects.create(case=case, from_stage="", to_stage=Stage.INTAKE, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.CASE_OPENED,
        subject=case,
        office=office,
        case=case,
        changes={"number": case.number, "person": person.pseudonym, "assigned_to": assigned_to},
    )
    return case


@transaction.atomic
def returnee_register(
    *,
    actor: User,
    office: Office,
    person: PersonInput,
    details: ReturnInput,
    assigned_to: User | None = None,
    link_to: Person | None = None,
    dismissed: list[Person] = (),
) -> Case:
    """Register a returnee after the duplicate check.

    `link_to` is an existing person the user recognised (a new case for a person who returned
    again); `dismissed` are the candidates the user confirmed to be different people. Both
    decisions are audited.
    """
    if link_to is not None:
        subject = link_to
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.DUPLICATE_LINKED,
            subject=link_to,
            office=office,
            changes={"typed_name": f"{person.given_names} {person.family_name}"},
        )
    else:
        subject = _create_person(person, household=Household.objects.create())
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.PERSON_REGISTERED,
            subject=subject,
            office=office,
            changes={"pseudonym": subject.pseudonym},
        )
        for other in dismissed:
            audit_record(
                actor=actor,
                event_type=AuditEvent.Type.DUPLICATE_DISMISSED,
                subject=subject,
                office=office,
                changes={"different_from": other.pseudonym},
            )
    return case_open(actor=actor, person=subject, office=office, details=details, assigned_to=assigned_to)


@transaction.atomic
def person_update(*, actor: User, case: Case, data: PersonInput) -> Person:
    """Correct the profile of the case's person (phones and documents are replaced by the lists given)."""
    _require_casework(actor, case.office_id)
    _validate_person(data)
    person = case.person
    before = snapshot(person, PERSON_FIELDS)
    before_phones = sorted(p.number for p in person.phones.all())
    before_docs = sorted(f"{d.kind}:{d.number}" for d in person.documents.all())
    for name in PERSON_FIELDS:
        value = getattr(data, name)
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.nationality = person.nationality.upper()
    person.full_clean(exclude=["household"])
    person.save()
    _index_person(person)
    person.phones.all().delete()
    person.documents.all().delete()
    for number in data.phones:
        if number.strip():
            Phone.objects.create(person=person, number=number.strip(), tail=phone_tail(number))
    for doc in data.documents:
        if doc.number.strip():
            IdentityDocument.objects.create(
                person=person,
                kind=doc.kind,
                number=doc.number.strip(),
                normalised=normalise_document(doc.number),
                issuing_country=doc.issuing_country.upper(),
            )
    changes = diff_fields(person, before, PERSON_FIELDS)
    after_phones = sorted(n.strip() for n in data.phones if n.strip())
    after_docs = sorted(f"{d.kind}:{d.number.strip()}" for d in data.documents if d.number.strip())
    if before_phones != after_phones:
        changes["phones"] = [before_phones, after_phones]
    if before_docs != after_docs:
        changes["documents"] = [before_docs, after_docs]
    Case.objects.filter(person=person).exclude(stage=Stage.CLOSED).update(is_child=_is_child(person))
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.PERSON_UPDATED,
        subject=person,
        office=case.office,
        case=case,
        changes=changes,
    )
    return person


@transaction.atomic
def case_update(*, actor: User, case: Case, details: ReturnInput) -> Case:
    """Correct the return details of a case."""
    _require_casework(actor, case.office_id)
    _validate_return(details)
    before = snapshot(case, CASE_FIELDS)
    for name in CASE_FIELDS:
        setattr(case, name, getattr(details, name))
    case.return_country = case.return_country.upper()
    case.host_country = case.host_country.upper()
    case.full_clean(exclude=["number", "person", "office", "assigned_to"])
    case.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.CASE_UPDATED,
        subject=case,
        office=case.office,
        case=case,
        changes=diff_fields(case, before, CASE_FIELDS),
    )
    return case


@transaction.atomic
def household_member_add(*, actor: User, case: Case, member: PersonInput, relationship: str) -> Person:
    _require_casework(actor, case.office_id)
    if relationship == Relationship.RETURNEE:
        raise ValidationError({"relationship": _("Choose how this member is related to the returnee.")})
    returnee = case.person
    if returnee.household is None:
        returnee.household = Household.objects.create()
        returnee.save(update_fields=["household"])
    person = _create_person(member, household=returnee.household, relationship=relationship)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.HOUSEHOLD_MEMBER_ADDED,
        subject=person,
        office=case.office,
        case=case,
        changes={"relationship": relationship, "pseudonym": person.pseudonym},
    )
    return person


def _stage_rule_violation(case: Case, to_stage: str) -> str | None:
    """Why this move is not allowed, or None."""
    if case.stage == Stage.CLOSED:
        return _("The case is closed; reopen it first.")
    if to_stage == Stage.CLOSED:
        return _("Close the case with a reason instead.")
    if to_stage not in (FORWARD.get(case.stage), BACKWARD.get(case.stage)):
        return _("A case moves one stage at a time.")
    forward = to_stage == FORWARD.get(case.stage)
    if forward and not consent_given(case, ConsentPurpose.PROCESSING):
        return _("Consent to processing for case management must be given before the case moves on.")
    if forward and case.office.country != case.return_country and to_stage not in (Stage.ASSESSMENT,):
        return _(
            "A case in a host-country office goes no further than assessment; transfer it to the country of return."
        )
    return None


@transaction.atomic
def case_change_stage(*, actor: User, case: Case, to_stage: str, note: str = "") -> Case:
    _require_casework(actor, case.office_id)
    case = Case.objects.select_for_update().select_related("office").get(pk=case.pk)
    problem = _stage_rule_violation(case, to_stage)
    if problem:
        raise ValidationError({"stage": problem})
    if to_stage == BACKWARD.get(case.stage) and not note.strip():
        raise ValidationError({"note": _("Say why the case goes back a stage.")})
    old = case.stage
    case.stage = to_stage
    case.save(update_fields=["stage", "updated_at"])
    StageChange.objects.create(case=case, from_stage=old, to_stage=to_stage, actor=actor, note=note)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.CASE_STAGE_CHANGED,
        subject=case,
        office=case.office,
        case=case,
        changes={"stage": [old, to_stage], **({"note": note} if note else {})},
    )
    return case


def allowed_stage_moves(case: Case) -> list[str]:
    """The stages this case may move to now (for buttons and the API)."""
    return [s for s in (FORWARD.get(case.stage), BACKWARD.get(case.stage)) if s and not _stage_rule_violation(case, s)]


@transaction.atomic
def case_assign(*, actor: User, case: Case, assignee: User | None) -> Case:
    """Assign or reassign a case; only a supervisor or programme manager of the office may."""
    _require_supervision(actor, case.office_id)
    if (
        assignee is not None
        and not Membership.objects.filter(
            user=assignee, office=case.office, role__in=[Role.CASE_MANAGER, Role.CHILD_PROTECTION]
        ).exists()
    ):
        raise ValidationError({"assigned_to": _("The assignee must be a case manager of this office.")})
    old = case.assigned_to
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to", "updated_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.CASE_ASSIGNED,
        subject=case,
        office=case.office,
        case=case,
        changes={"assigned_to": [old, assignee]},
    )
    return case


# Other apps add rules for transfers here (in their AppConfig.ready) without cases importing them:
# each callable(case, to_office) returns a translated refusal, or None to allow the transfer.
TRANSFER_CHECKS: list[Callable[[Case, Office], str | None]] = []


@transaction.atomic
def case_transfer(*, actor: User, case: Case, to_office: Office, reason: str = "") -> Case:
    """Hand a case from one office to another (host → origin); needs transfer consent."""
    _require_casework(actor, case.office_id)
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("A closed case cannot be transferred."))
    if to_office.pk == case.office_id:
        raise ValidationError({"to_office": _("Choose another office.")})
    if not consent_given(case, ConsentPurpose.TRANSFER):
        raise ValidationError(_("The returnee has not consented to the transfer of the case."))
    if case.person.cases.exclude(pk=case.pk).exclude(stage=Stage.CLOSED).filter(office=to_office).exists():
        raise ValidationError({"to_office": _("This person already has an open case in that office.")})
    for check in TRANSFER_CHECKS:
        refusal = check(case, to_office)
        if refusal:
            raise ValidationError(refusal)
    old_office = case.office
    CaseTransfer.objects.create(case=case, from_office=old_office, to_office=to_office, reason=reason, actor=actor)
    case.office = to_office
    case.assigned_to = None  # the receiving office assigns its own case manager
    case.save(update_fields=["office", "assigned_to", "updated_at"])
    for office in (old_office, to_office):
        audit_record(
            actor=actor,
            event_type=AuditEvent.Type.CASE_TRANSFERRED,
            subject=case,
            office=office,
            case=case,
            changes={"office": [old_office, to_office], "reason": reason},
        )
    return case


@transaction.atomic
def case_close(
    *, actor: User, case: Case, reason: str, note: str = "", remigration_intention: bool | None = None
) -> Case:
    _require_casework(actor, case.office_id)
    case = Case.objects.select_for_update().select_related("office").get(pk=case.pk)
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("The case is already closed."))
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose a closure reason.")})
    group = CLOSURE_REASON_GROUPS[ClosureReason(reason)]
    if group != "planned" and reason != ClosureReason.DEATH and not note.strip():
        raise ValidationError({"note": _("For an early closure, write what was explored with the returnee first.")})
    before = case.stage
    case.stage_before_closure = before
    case.stage = Stage.CLOSED
    case.closed_at = timezone.now()
    case.closure_group, case.closure_reason, case.closure_note = group, reason, note
    case.remigration_intention = remigration_intention
    case.save()
    StageChange.objects.create(case=case, from_stage=before, to_stage=Stage.CLOSED, actor=actor, note=note)
    Task.objects.filter(case=case, status=Task.Status.OPEN).update(status=Task.Status.CANCELLED)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.CASE_CLOSED,
        subject=case,
        office=case.office,
        case=case,
        changes={"stage": [before, Stage.CLOSED], "closure_reason": reason, "closure_group": group},
    )
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """Reopen a closed case at the stage it had; a supervisor decides."""
    _require_supervision(actor, case.office_id)
    case = Case.objects.select_for_update().select_related("office").get(pk=case.pk)
    if case.stage != Stage.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    if case.person.cases.exclude(pk=case.pk).exclude(stage=Stage.CLOSED).filter(office=case.office).exists():
        raise ValidationError(_("This person already has an open case in this office."))
    to_stage = case.stage_before_closure or Stage.INTAKE
    old = {"closure_reason": case.closure_reason, "closed_at": case.closed_at}
    case.stage = to_stage
    case.closed_at = None
    case.closure_group = case.closure_reason = ""
    case.save()
    StageChange.objects.create(case=case, from_stage=Stage.CLOSED, to_stage=to_stage, actor=actor, note=reason)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.CASE_REOPENED,
        subject=case,
        office=case.office,
        case=case,
        changes={"stage": [Stage.CLOSED, to_stage], "reason": reason, **{k: [v, None] for k, v in old.items()}},
    )
    return case


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case: Case,
    purpose: str,
    status: str,
    decided_on: date,
    method: str,
    witness_name: str = "",
    document=None,
    note: str = "",
) -> Consent:
    """Record a consent decision; it replaces the one in force for that purpose."""
    _require_casework(actor, case.office_id)
    errors = {}
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("The date cannot be in the future.")
    if method == ConsentMethod.VERBAL_WITNESSED and not witness_name.strip():
        errors["witness_name"] = _("Verbal consent needs the name of a witness.")
    if method == ConsentMethod.SIGNED_FORM and status == ConsentStatus.GIVEN and not document:
        errors["document"] = _("Attach the signed form, or record verbal consent with a witness.")
    if status == ConsentStatus.WITHDRAWN and not consent_given(case, purpose):
        errors["status"] = _("Only consent that was given can be withdrawn.")
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        case=case,
        purpose=purpose,
        status=status,
        decided_on=decided_on,
        method=method,
        witness_name=witness_name.strip(),
        note=note,
        recorded_by=actor,
    )
    if document:
        consent.document = document
    consent.full_clean(exclude=["case", "recorded_by"])
    consent.save()
    if purpose == ConsentPurpose.MONITORING and status != ConsentStatus.GIVEN:
        # No monitoring contact without consent: open follow-up contacts are cancelled.
        Task.objects.filter(case=case, status=Task.Status.OPEN, kind=Task.Kind.FOLLOW_UP_CONTACT).update(
            status=Task.Status.CANCELLED
        )
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.CONSENT_RECORDED,
        subject=consent,
        office=case.office,
        case=case,
        changes={"purpose": purpose, "status": status, "method": method},
    )
    return consent


@transaction.atomic
def note_add(
    *, actor: User, case: Case, text: str, session_date: date, kind: str = CaseNote.Kind.COUNSELLING
) -> CaseNote:
    _require_casework(actor, case.office_id)
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    if session_date > timezone.localdate():
        raise ValidationError({"session_date": _("The date cannot be in the future.")})
    note = CaseNote(case=case, text=text.strip(), session_date=session_date, kind=kind, author=actor)
    note.full_clean(exclude=["case", "author"])
    note.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.NOTE_ADDED,
        subject=note,
        office=case.office,
        case=case,
        changes={"kind": kind, "session_date": session_date},
    )
    return note


@transaction.atomic
def task_create(
    *, actor: User, case: Case, title: str, due_date: date, assignee: User | None = None, kind: str = Task.Kind.GENERAL
) -> Task:
    _require_casework(actor, case.office_id)
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("The case is closed; reopen it first."))
    if kind == Task.Kind.FOLLOW_UP_CONTACT and not consent_given(case, ConsentPurpose.MONITORING):
        raise ValidationError({"kind": _("The returnee has not consented to monitoring contact.")})
    if assignee is not None and not access_for(assignee).may_work_on(case.office_id):
        raise ValidationError({"assignee": _("The assignee does not work on cases of this office.")})
    task = Task(
        case=case,
        title=title.strip(),
        due_date=due_date,
        assignee=assignee or case.assigned_to,
        kind=kind,
        created_by=actor,
    )
    task.full_clean(exclude=["case", "created_by", "assignee"])
    task.save()
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.TASK_CREATED,
        subject=task,
        office=case.office,
        case=case,
        changes={"title": task.title, "due_date": due_date, "assignee": task.assignee},
    )
    return task


@transaction.atomic
def task_set_status(*, actor: User, task: Task, status: str) -> Task:
    _require_casework(actor, task.case.office_id)
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    old = task.status
    task.status = status
    task.completed_at = timezone.now() if status == Task.Status.DONE else None
    task.save(update_fields=["status", "completed_at"])
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.TASK_UPDATED,
        subject=task,
        office=task.case.office,
        case=task.case,
        changes={"status": [old, status]},
    )
    return task


def case_viewed(*, actor: User, case: Case) -> None:
    """Reads of a case file are audited too."""
    audit_record(actor=actor, event_type=AuditEvent.Type.CASE_VIEWED, subject=case, office=case.office, case=case)
