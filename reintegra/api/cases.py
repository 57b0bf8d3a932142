"""Cases: list, register (with the duplicate check), read, update, lifecycle, notes, tasks, consents.

Reads go through `reintegra.cases.selectors`, writes through `reintegra.cases.services`; a case
outside the user's scope is a 404. Reading a case file is audited (`case_viewed`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from reintegra.accounts.access import Access, access_for
from reintegra.accounts.models import Office
from reintegra.api import present
from reintegra.api import schemas as s
from reintegra.api.common import actor, fields_renamed, person_input, programme_by_id, user_by_username
from reintegra.cases import services
from reintegra.cases.models import Case, Person
from reintegra.cases.selectors import (
    DuplicateCandidate,
    case_for,
    caseload,
    cases_for,
    current_consents,
    duplicate_candidates,
)

router = Router(tags=["cases"])

ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
PERSON_FIELD_NAMES = {name: f"person.{name}" for name in services.PERSON_FIELDS + ["phones", "documents"]}
RETURN_FIELD_NAMES = {name: f"return_details.{name}" for name in services.CASE_FIELDS}
DUPLICATE_WARNING = gettext_lazy(
    "This person may already be registered. Send the registration again with link_to_person "
    "(the pseudonym of the same person) or with confirm_different set to true."
)


def case_detail(user, case: Case) -> s.CaseDetailOut | s.CaseDetailPseudoOut:
    access = access_for(user)
    moves = services.allowed_stage_moves(case) if access.may_work_on(case.office_id) else []
    return present.case_detail(case, access, consents=current_consents(case), moves=moves)


def _viewed_case(request, number: str) -> Case:
    """The case by number (404 outside scope), its reading audited."""
    case = case_for(actor(request), number)
    services.case_viewed(actor=actor(request), case=case)
    return case


@router.get("", response={200: s.CasePage, **ERRORS}, summary="List cases")
def case_list(request, filters: Query[s.CaseFilters]):
    """The caseload: open cases unless `stage` or `q` is given; newest first, by keyset (`cursor`)."""
    user = actor(request)
    qs = caseload(
        user,
        stage=filters.stage or "",
        office_id=filters.office,
        overdue=filters.overdue,
        text=filters.q,
        mine=filters.mine,
    )
    if filters.cursor:
        qs = qs.filter(pk__lt=filters.cursor)
    rows = list(qs[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    access = access_for(user)
    return {"items": [present.case_item(c, access) for c in rows], "next_cursor": rows[-1].pk if more else None}


def _registration_office(access: Access, office_id: int) -> Office:
    if not access.identifying:
        raise PermissionDenied(_("You may not register returnees."))
    office = Office.objects.filter(pk=office_id).first()
    if office is None or not access.may_work_on(office.pk):
        raise ValidationError({"office": _("Choose an office where you work on cases.")})
    return office


def _linkable_person(user, access: Access, pseudonym: str) -> Person:
    """A person the user may identify, to open a new case for (a returnee who came back)."""
    case = (
        cases_for(user)
        .filter(person__pseudonym=pseudonym.upper(), office_id__in=access.identifying)
        .select_related("person")
        .first()
    )
    if case is None:
        raise ValidationError({"link_to_person": _("There is no person with this pseudonym among your cases.")})
    return case.person


def _duplicate_candidates(user, person: services.PersonInput) -> list[DuplicateCandidate]:
    return duplicate_candidates(
        user,
        given_names=person.given_names,
        family_name=person.family_name,
        alternative_names=person.alternative_names,
        birth_date=person.birth_date,
        phones=person.phones,
        documents=[d.number for d in person.documents],
    )


@router.post("", response={201: s.CaseDetail, 409: s.DuplicateConflictOut, **ERRORS}, summary="Register a returnee")
def case_create(request, payload: s.CaseCreateIn):
    """Register a returnee and open a case, after the duplicate check.

    Without a decision, possible duplicates answer 409 with the candidates; send again with
    `link_to_person` (the candidate's pseudonym: a new case for that person) or
    `confirm_different: true`. Both decisions are audited.
    """
    user = actor(request)
    access = access_for(user)
    office = _registration_office(access, payload.office)
    if payload.link_to_person and payload.confirm_different:
        raise ValidationError({"confirm_different": _("Either link to an existing person or confirm a new one.")})
    person = person_input(payload.person.model_dump())
    with fields_renamed(RETURN_FIELD_NAMES):
        programme = programme_by_id(payload.return_details.programme)
    details = services.ReturnInput(**payload.return_details.model_dump(exclude={"programme"}), programme=programme)
    assignee = user_by_username(payload.assigned_to, "assigned_to")
    link_to = _linkable_person(user, access, payload.link_to_person) if payload.link_to_person else None
    candidates = [] if link_to else _duplicate_candidates(user, person)
    if candidates and not payload.confirm_different:
        return Status(
            409,
            {"detail": str(DUPLICATE_WARNING), "candidates": [present.candidate_out(c, access) for c in candidates]},
        )
    with fields_renamed({**PERSON_FIELD_NAMES, **RETURN_FIELD_NAMES}):
        case = services.returnee_register(
            actor=user,
            office=office,
            person=person,
            details=details,
            assigned_to=assignee,
            link_to=link_to,
            dismissed=[c.person for c in candidates],
        )
    return Status(201, case_detail(user, case))


@router.get("/{number}", response={200: s.CaseDetail, **ERRORS}, summary="Read a case")
def case_read(request, number: s.CaseNumber):
    """The case file (audited as a case-file read)."""
    return case_detail(actor(request), _viewed_case(request, number))


@router.patch("/{number}", response={200: s.CaseDetail, **ERRORS}, summary="Update return details")
def case_patch(request, number: s.CaseNumber, payload: s.ReturnPatchIn):
    """Correct the return details; only the fields sent change."""
    user = actor(request)
    case = case_for(user, number)
    changes = payload.model_dump(exclude_unset=True)
    if "programme" in changes:
        changes["programme"] = programme_by_id(changes["programme"])
    current = {name: getattr(case, name) for name in services.CASE_FIELDS}
    case = services.case_update(actor=user, case=case, details=services.ReturnInput(**{**current, **changes}))
    return case_detail(user, case)


@router.post("/{number}/stage", response={200: s.CaseDetail, **ERRORS}, summary="Move to another stage")
def case_stage(request, number: s.CaseNumber, payload: s.StageIn):
    """Move the case one stage forward or back (`allowed_stage_moves` lists the moves allowed now)."""
    user = actor(request)
    case = case_for(user, number)
    with fields_renamed({"stage": "to"}):
        case = services.case_change_stage(actor=user, case=case, to_stage=payload.to, note=payload.note)
    return case_detail(user, case)


@router.post("/{number}/assign", response={200: s.CaseDetail, **ERRORS}, summary="Assign a case manager")
def case_assign(request, number: s.CaseNumber, payload: s.AssignIn):
    """Assign or reassign (supervisors and programme managers of the office)."""
    user = actor(request)
    case = case_for(user, number)
    assignee = user_by_username(payload.assigned_to, "assigned_to")
    case = services.case_assign(actor=user, case=case, assignee=assignee)
    return case_detail(user, case)


@router.post("/{number}/close", response={200: s.CaseDetail, **ERRORS}, summary="Close a case")
def case_close(request, number: s.CaseNumber, payload: s.CloseIn):
    """Close with a reason; early closures need a note on what was explored with the returnee."""
    user = actor(request)
    case = case_for(user, number)
    case = services.case_close(
        actor=user,
        case=case,
        reason=payload.reason,
        note=payload.note,
        remigration_intention=payload.remigration_intention,
    )
    return case_detail(user, case)


@router.post("/{number}/reopen", response={200: s.CaseDetail, **ERRORS}, summary="Reopen a closed case")
def case_reopen(request, number: s.CaseNumber, payload: s.ReopenIn):
    """Reopen at the stage the case had when it was closed (supervisors and programme managers)."""
    user = actor(request)
    case = case_for(user, number)
    case = services.case_reopen(actor=user, case=case, reason=payload.reason)
    return case_detail(user, case)


@router.get("/{number}/notes", response={200: list[s.NoteOut], **ERRORS}, summary="List notes")
def note_list(request, number: s.CaseNumber, page: Query[s.ListFilters]):
    """Counselling and contact notes, newest first. Pseudonymised roles get no note text."""
    case = _viewed_case(request, number)
    identified = access_for(actor(request)).may_identify(case.office_id)
    notes = case.notes.select_related("author")[page.offset : page.offset + page.limit]
    return [present.note_out(n, identified=identified) for n in notes]


@router.post("/{number}/notes", response={201: s.NoteOut, **ERRORS}, summary="Add a note")
def note_create(request, number: s.CaseNumber, payload: s.NoteIn):
    user = actor(request)
    case = case_for(user, number)
    note = services.note_add(
        actor=user, case=case, text=payload.text, session_date=payload.session_date, kind=payload.kind
    )
    return Status(201, present.note_out(note, identified=True))


@router.get("/{number}/tasks", response={200: list[s.TaskOut], **ERRORS}, summary="List tasks")
def task_list(request, number: s.CaseNumber, page: Query[s.ListFilters]):
    """Tasks by due date. Pseudonymised roles get no task titles."""
    case = _viewed_case(request, number)
    identified = access_for(actor(request)).may_identify(case.office_id)
    tasks = case.tasks.select_related("assignee")[page.offset : page.offset + page.limit]
    return [present.task_out(t, identified=identified) for t in tasks]


@router.post("/{number}/tasks", response={201: s.TaskOut, **ERRORS}, summary="Create a task")
def task_create(request, number: s.CaseNumber, payload: s.TaskIn):
    user = actor(request)
    case = case_for(user, number)
    task = services.task_create(
        actor=user,
        case=case,
        title=payload.title,
        due_date=payload.due_date,
        assignee=user_by_username(payload.assignee, "assignee"),
        kind=payload.kind,
    )
    return Status(201, present.task_out(task, identified=True))


@router.patch("/{number}/tasks/{task_id}", response={200: s.TaskOut, **ERRORS}, summary="Set a task's status")
def task_patch(request, number: s.CaseNumber, task_id: s.Id, payload: s.TaskPatchIn):
    user = actor(request)
    case = case_for(user, number)
    task = case.tasks.select_related("assignee").filter(pk=task_id).first()
    if task is None:
        raise Http404
    task.case = case
    task = services.task_set_status(actor=user, task=task, status=payload.status)
    return present.task_out(task, identified=access_for(user).may_identify(case.office_id))


@router.get("/{number}/consents", response={200: list[s.ConsentOut], **ERRORS}, summary="List consent decisions")
def consent_list(request, number: s.CaseNumber, page: Query[s.ListFilters]):
    """Every consent decision, newest first; `in_force` marks the one in force per purpose."""
    case = _viewed_case(request, number)
    identified = access_for(actor(request)).may_identify(case.office_id)
    in_force = {c.pk for c in current_consents(case).values() if c is not None}
    consents = case.consents.select_related("recorded_by")[page.offset : page.offset + page.limit]
    return [present.consent_out(c, identified=identified, in_force=c.pk in in_force) for c in consents]


@router.post("/{number}/consents", response={201: s.ConsentOut, **ERRORS}, summary="Record a consent decision")
def consent_create(request, number: s.CaseNumber, payload: s.ConsentIn):
    """Record a decision; it replaces the one in force for that purpose.

    The API takes no file: consent *given* with the `signed_form` method needs the signed form,
    which is attached through the case page. Record verbal consent with a witness
    (`verbal_witnessed`, the default) instead, or a refusal/withdrawal by either method.
    """
    user = actor(request)
    case = case_for(user, number)
    with fields_renamed({"document": "method"}):
        consent = services.consent_record(
            actor=user,
            case=case,
            purpose=payload.purpose,
            status=payload.status,
            decided_on=payload.decided_on,
            method=payload.method,
            witness_name=payload.witness_name,
            note=payload.note,
        )
    return Status(201, present.consent_out(consent, identified=True, in_force=True))
