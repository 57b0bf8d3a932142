"""Turn cases and persons into response schemas, dropping identities the user may not see.

`access.may_identify(office_id)` decides, per case; a person is identified when at least one of
their cases visible to the user is in an office where the user may identify people.
"""

from django.utils import timezone

from reintegra.accounts.access import Access
from reintegra.api import schemas as s
from reintegra.cases.models import Case, CaseNote, Consent, Person, Task
from reintegra.cases.selectors import DuplicateCandidate


def office_out(office) -> s.OfficeOut:
    return s.OfficeOut(id=office.pk, code=office.code, name=office.name)


def staff_out(user) -> s.StaffOut | None:
    if user is None:
        return None
    return s.StaffOut(username=user.username, name=user.get_full_name() or user.username)


def case_ref(case: Case) -> s.CaseRef:
    return s.CaseRef(number=case.number, office=office_out(case.office), stage=case.stage)


def case_item(case: Case, access: Access) -> s.CaseItemOut | s.CaseItemPseudoOut:
    """A row of the case list; needs person, office and assigned_to selected, has_overdue annotated."""
    person = case.person
    common = {
        "number": case.number,
        "pseudonym": person.pseudonym,
        "sex": person.sex,
        "office": office_out(case.office),
        "stage": case.stage,
        "assigned_to": staff_out(case.assigned_to),
        "is_child": case.is_child,
        "has_overdue": bool(getattr(case, "has_overdue", False)),
        "arrival_date": case.arrival_date,
        "return_country": case.return_country,
        "return_region": case.return_region,
        "return_district": case.return_district,
        "opened_at": case.opened_at,
    }
    if access.may_identify(case.office_id):
        return s.CaseItemOut(
            given_names=person.given_names, family_name=person.family_name, birth_date=person.birth_date, **common
        )
    return s.CaseItemPseudoOut(birth_year=person.birth_year, **common)


def person_out(person: Person, *, identified: bool, cases: list[Case] = ()) -> s.PersonOut | s.PersonPseudoOut:
    refs = [case_ref(c) for c in cases]
    if not identified:
        return s.PersonPseudoOut(
            pseudonym=person.pseudonym,
            sex=person.sex,
            birth_year=person.birth_year,
            nationality=person.nationality,
            relationship=person.relationship,
            cases=refs,
        )
    return s.PersonOut(
        pseudonym=person.pseudonym,
        given_names=person.given_names,
        family_name=person.family_name,
        alternative_names=person.alternative_names,
        sex=person.sex,
        birth_date=person.birth_date,
        birth_date_estimated=person.birth_date_estimated,
        nationality=person.nationality,
        languages=person.languages,
        relationship=person.relationship,
        phones=[p.number for p in person.phones.all()],
        documents=[
            s.DocumentOut(kind=d.kind, number=d.number, issuing_country=d.issuing_country)
            for d in person.documents.all()
        ],
        cases=refs,
    )


def member_out(member: Person, *, identified: bool) -> s.MemberOut:
    if not identified:
        return s.MemberOut(
            pseudonym=member.pseudonym, relationship=member.relationship, sex=member.sex, birth_year=member.birth_year
        )
    return s.MemberOut(
        pseudonym=member.pseudonym,
        relationship=member.relationship,
        sex=member.sex,
        given_names=member.given_names,
        family_name=member.family_name,
        birth_date=member.birth_date,
        birth_year=member.birth_year,
    )


def person_detail(
    person: Person, *, identified: bool, cases: list[Case], members: list[Person]
) -> s.PersonDetailOut | s.PersonDetailPseudoOut:
    base = person_out(person, identified=identified, cases=cases).model_dump()
    household = [member_out(m, identified=identified) for m in members]
    if identified:
        return s.PersonDetailOut(**base, household=household)
    return s.PersonDetailPseudoOut(**base, household=household)


def case_detail(
    case: Case, access: Access, *, consents: dict[str, Consent | None], moves: list[str]
) -> s.CaseDetailOut | s.CaseDetailPseudoOut:
    identified = access.may_identify(case.office_id)
    programme = case.programme
    common = {
        "number": case.number,
        "office": office_out(case.office),
        "programme": s.ProgrammeOut(id=programme.pk, code=programme.code, name=programme.name) if programme else None,
        "stage": case.stage,
        "assigned_to": staff_out(case.assigned_to),
        "is_child": case.is_child,
        "pre_departure": case.pre_departure,
        "return_type": case.return_type,
        "host_country": case.host_country,
        "arrival_date": case.arrival_date,
        "arrival_point": case.arrival_point,
        "return_country": case.return_country,
        "return_region": case.return_region,
        "return_district": case.return_district,
        "closed_at": case.closed_at,
        "closure_group": case.closure_group,
        "closure_reason": case.closure_reason,
        "remigration_intention": case.remigration_intention,
        "opened_at": case.opened_at,
        "updated_at": case.updated_at,
        "consents": {
            purpose: s.ConsentSummary(status=c.status, decided_on=c.decided_on, method=c.method) if c else None
            for purpose, c in consents.items()
        },
        "allowed_stage_moves": moves,
    }
    person = person_out(case.person, identified=identified)
    if identified:
        return s.CaseDetailOut(
            person=person, return_locality=case.return_locality, closure_note=case.closure_note, **common
        )
    return s.CaseDetailPseudoOut(person=person, **common)


def candidate_out(candidate: DuplicateCandidate, access: Access) -> s.CandidateOut:
    person = candidate.person
    identified = any(access.may_identify(c.office_id) for c in candidate.cases)
    names = (
        {"given_names": person.given_names, "family_name": person.family_name, "birth_date": person.birth_date}
        if identified
        else {}
    )
    return s.CandidateOut(
        pseudonym=person.pseudonym,
        score=candidate.score,
        reasons=[str(r) for r in candidate.reasons],
        cases=[case_ref(c) for c in candidate.cases],
        **names,
    )


def note_out(note: CaseNote, *, identified: bool) -> s.NoteOut:
    return s.NoteOut(
        id=note.pk,
        kind=note.kind,
        session_date=note.session_date,
        text=note.text if identified else None,
        author=staff_out(note.author),
        created_at=note.created_at,
    )


def task_out(task: Task, *, identified: bool) -> s.TaskOut:
    return s.TaskOut(
        id=task.pk,
        title=task.title if identified else None,
        kind=task.kind,
        due_date=task.due_date,
        status=task.status,
        overdue=task.status == Task.Status.OPEN and task.due_date < timezone.localdate(),
        assignee=staff_out(task.assignee),
        created_at=task.created_at,
        completed_at=task.completed_at,
    )


def consent_out(consent: Consent, *, identified: bool, in_force: bool) -> s.ConsentOut:
    return s.ConsentOut(
        id=consent.pk,
        purpose=consent.purpose,
        status=consent.status,
        decided_on=consent.decided_on,
        method=consent.method,
        witness_name=consent.witness_name if identified else None,
        note=consent.note if identified else None,
        has_document=bool(consent.document),
        in_force=in_force,
        recorded_by=staff_out(consent.recorded_by),
        recorded_at=consent.recorded_at,
    )
