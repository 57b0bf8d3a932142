"""Persons: search, read, correct the profile, and the duplicate check on its own.

A person is visible through their visible cases (and as a household member of one); their
identity is shown only when one of those cases is in an office where the user may identify people.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router

from reintegra.accounts.access import access_for
from reintegra.api import present
from reintegra.api import schemas as s
from reintegra.api.common import actor, person_input
from reintegra.cases import services
from reintegra.cases.models import Case, Person
from reintegra.cases.selectors import cases_for, duplicate_candidates, persons_for, search_cases

router = Router(tags=["persons"])

ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}


def _with_visible_cases(user, qs):
    visible = cases_for(user).select_related("office").order_by("-id")
    return qs.prefetch_related("phones", "documents", Prefetch("cases", queryset=visible, to_attr="visible_cases"))


def _identified(user, person: Person) -> bool:
    access = access_for(user)
    if person.visible_cases:
        return any(access.may_identify(c.office_id) for c in person.visible_cases)
    # A household member without a case of their own: identified through the returnee's case.
    return bool(
        person.household_id
        and cases_for(user).filter(person__household_id=person.household_id, office_id__in=access.identifying).exists()
    )


def _person(user, pseudonym: str) -> Person:
    person = _with_visible_cases(user, persons_for(user)).filter(pseudonym=pseudonym.upper()).first()
    if person is None:
        raise Http404
    return person


@router.post("/duplicates", response={200: s.CandidatesOut, **ERRORS}, summary="Check for duplicates")
def person_duplicates(request, payload: s.DuplicateCheckIn):
    """Persons who may be the one described (tolerant of spelling), among the persons the user may identify."""
    user = actor(request)
    candidates = duplicate_candidates(
        user,
        given_names=payload.given_names,
        family_name=payload.family_name,
        alternative_names=payload.alternative_names,
        birth_date=payload.birth_date,
        phones=payload.phones,
        documents=payload.documents,
    )
    access = access_for(user)
    return {"candidates": [present.candidate_out(c, access) for c in candidates]}


@router.get("", response={200: s.PersonPage, **ERRORS}, summary="Search persons")
def person_list(request, filters: Query[s.PersonFilters]):
    """Persons with a case the user can see, newest first; `q` is the tolerant search of the caseload."""
    user = actor(request)
    access = access_for(user)
    visible = cases_for(user)
    matching = search_cases(visible, access, filters.q) if filters.q.strip() else visible
    qs = persons_for(user).filter(pk__in=matching.values("person")).order_by("-id")
    if filters.cursor:
        qs = qs.filter(pk__lt=filters.cursor)
    rows = list(_with_visible_cases(user, qs)[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    items = [
        present.person_out(
            p, identified=any(access.may_identify(c.office_id) for c in p.visible_cases), cases=p.visible_cases
        )
        for p in rows
    ]
    return {"items": items, "next_cursor": rows[-1].pk if more else None}


@router.get("/{pseudonym}", response={200: s.PersonDetail, **ERRORS}, summary="Read a person")
def person_read(request, pseudonym: s.Pseudonym):
    """The person, their visible cases and their household."""
    user = actor(request)
    person = _person(user, pseudonym)
    members = list(person.household.members.exclude(pk=person.pk).order_by("id")) if person.household_id else []
    return present.person_detail(
        person, identified=_identified(user, person), cases=person.visible_cases, members=members
    )


def _case_to_update_through(user, person: Person) -> Case:
    """The person's most recent visible case, preferring offices where the user does casework."""
    access = access_for(user)
    cases = person.visible_cases
    if not cases:
        raise PermissionDenied(_("Household members are updated through the returnee's case."))
    workable = [c for c in cases if access.may_work_on(c.office_id)]
    return (workable or cases)[0]


@router.patch("/{pseudonym}", response={200: s.PersonDetail, **ERRORS}, summary="Correct a person's profile")
def person_patch(request, pseudonym: s.Pseudonym, payload: s.PersonPatchIn):
    """Only the fields sent change; `phones` and `documents`, when sent, replace the lists."""
    user = actor(request)
    person = _person(user, pseudonym)
    case = _case_to_update_through(user, person)
    current = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    current["phones"] = [p.number for p in person.phones.all()]
    current["documents"] = [
        {"kind": d.kind, "number": d.number, "issuing_country": d.issuing_country} for d in person.documents.all()
    ]
    services.person_update(
        actor=user, case=case, data=person_input({**current, **payload.model_dump(exclude_unset=True)})
    )
    return person_read(request, pseudonym)
