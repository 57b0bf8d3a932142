"""Who sees which case: the permission stories of DESIGN.md §3, at the selector level."""

from datetime import date

import pytest
from django.http import Http404

from reintegra.cases.selectors import (
    case_for,
    caseload,
    cases_for,
    duplicate_candidates,
    persons_for,
    tasks_overdue_for,
)
from reintegra.cases.services import PersonInput, household_member_add, task_create


@pytest.fixture
def world(cast):
    return {
        "mine": cast.case(cast.dakar, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar),
        "colleague": cast.case(cast.dakar, given="Binta", family="Sow", assigned_to=cast.cm_dakar2),
        "unassigned": cast.case(cast.dakar, given="Cheikh", family="Fall"),
        "tamba": cast.case(cast.tamba, given="Demba", family="Kane", assigned_to=cast.cm_tamba),
        "bamako": cast.case(cast.bamako, given="Fatoumata", family="Keita", assigned_to=cast.cm_bamako),
        "child": cast.case(cast.dakar, given="Ibrahima", family="Ba", birth=date(2015, 5, 5)),
    }


def visible(user, world):
    ids = set(cases_for(user).values_list("pk", flat=True))
    return {name for name, case in world.items() if case.pk in ids}


def test_case_manager_sees_own_and_unassigned_adult_cases_of_her_office(cast, world):
    assert visible(cast.cm_dakar, world) == {"mine", "unassigned"}


def test_case_manager_of_a_sub_office_sees_only_that_sub_office(cast, world):
    assert visible(cast.cm_tamba, world) == {"tamba"}


def test_case_manager_in_bamako_sees_nothing_of_dakar(cast, world):
    assert visible(cast.cm_bamako, world) == {"bamako"}
    with pytest.raises(Http404):
        case_for(cast.cm_bamako, world["mine"].number)


def test_supervisor_and_programme_manager_see_office_and_sub_offices(cast, world):
    expected = {"mine", "colleague", "unassigned", "tamba", "child"}
    assert visible(cast.sup_dakar, world) == expected
    assert visible(cast.pm_dakar, world) == expected


def test_child_protection_specialist_sees_child_cases(cast, world):
    assert visible(cast.cp_dakar, world) == {"child"}


def test_me_officer_sees_every_case_of_her_offices_but_may_identify_none(cast, world):
    from reintegra.accounts.access import access_for

    assert visible(cast.me_hq, world) == set(world)
    access = access_for(cast.me_hq)
    assert not any(access.may_identify(case.office_id) for case in world.values())


def test_partner_administrator_and_strangers_see_no_case(cast, world):
    for user in (cast.partner_dakar, cast.admin, cast.nobody):
        assert visible(user, world) == set()


def test_me_officer_cannot_find_people_by_name_or_phone_only_by_pseudonym(cast, world):
    person = world["mine"].person
    assert list(caseload(cast.me_hq, text="Awa Ndiaye")) == []
    assert [c.pk for c in caseload(cast.me_hq, text=person.pseudonym)] == [world["mine"].pk]


def test_search_tolerates_spelling_number_and_phone(cast, world):
    case = cast.case(
        cast.dakar, given="Mamadou", family="Diallo", assigned_to=cast.cm_dakar, phones=["+221 77 555 12 34"]
    )
    assert [c.pk for c in caseload(cast.cm_dakar, text="mamadu dialo")] == [case.pk]
    assert [c.pk for c in caseload(cast.cm_dakar, text=case.number.lower())] == [case.pk]
    assert [c.pk for c in caseload(cast.cm_dakar, text="775551234")] == [case.pk]
    assert list(caseload(cast.cm_bamako, text="mamadu dialo")) == []


def test_caseload_filters_stage_office_and_overdue(cast, world):
    task_create(actor=cast.sup_dakar, case=world["tamba"], title="Call back", due_date=date(2020, 1, 1))
    assert {c.pk for c in caseload(cast.sup_dakar, office_id=cast.tamba.pk)} == {world["tamba"].pk}
    assert {c.pk for c in caseload(cast.sup_dakar, overdue=True)} == {world["tamba"].pk}
    assert {c.pk for c in caseload(cast.sup_dakar, stage="planning")} == set()
    assert [t.case_id for t in tasks_overdue_for(cast.cm_tamba)] == [world["tamba"].pk]
    assert list(tasks_overdue_for(cast.cm_dakar)) == []


def test_caseload_costs_a_constant_number_of_queries(cast, world, django_assert_max_num_queries):
    for i in range(10):
        cast.case(cast.dakar, given=f"Person{i}", family="Test", assigned_to=cast.cm_dakar)
    user = cast.cm_dakar
    user._reintegra_access = None
    del user._reintegra_access
    with django_assert_max_num_queries(3):
        rows = list(caseload(user))
        [(c.person.given_names, c.office.name, c.assigned_to and c.assigned_to.username) for c in rows]
    assert len(rows) == 12


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ({"given_names": "Mamadu", "family_name": "Dialo", "birth_date": date(1994, 1, 1)}, True),
        ({"given_names": "Mamadou", "family_name": "Diallo", "birth_date": None}, True),
        ({"given_names": "Diallo", "family_name": "Mamadou", "birth_date": date(1994, 3, 12)}, True),
        ({"given_names": "X", "family_name": "Y", "phones": ["00221 77 555 12 34"]}, True),
        ({"given_names": "X", "family_name": "Y", "documents": ["a-1234 567"]}, True),
        ({"given_names": "Aminata", "family_name": "Traoré", "birth_date": date(1994, 3, 12)}, False),
        ({"given_names": "Moussa", "family_name": "Camara", "birth_date": date(1980, 1, 1)}, False),
    ],
)
def test_duplicate_check_finds_variants_and_ignores_strangers(cast, typed, expected):
    from reintegra.cases.services import DocumentInput

    existing = cast.case(
        cast.dakar,
        given="Mamadou",
        family="Diallo",
        birth=date(1994, 3, 12),
        assigned_to=cast.cm_dakar,
        phones=["+221775551234"],
        documents=[DocumentInput(kind="passport", number="A1234567")],
    )
    found = duplicate_candidates(cast.cm_dakar, **typed)
    assert ([c.person for c in found] == [existing.person]) is expected
    if expected:
        assert found[0].cases == [existing]
        assert found[0].reasons


def test_duplicate_check_never_reveals_people_outside_scope(cast):
    cast.case(cast.bamako, given="Mamadou", family="Diallo", birth=date(1994, 3, 12))
    assert (
        duplicate_candidates(cast.cm_dakar, given_names="Mamadou", family_name="Diallo", birth_date=date(1994, 3, 12))
        == []
    )
    assert (
        duplicate_candidates(cast.me_hq, given_names="Mamadou", family_name="Diallo", birth_date=date(1994, 3, 12))
        == []
    )


def test_household_members_are_visible_with_the_case(cast, world):
    member = household_member_add(
        actor=cast.cm_dakar,
        case=world["mine"],
        relationship="child",
        member=PersonInput(given_names="Moussa", family_name="Ndiaye", sex="male", birth_date=date(2018, 2, 2)),
    )
    assert member in persons_for(cast.cm_dakar)
    assert member not in persons_for(cast.cm_bamako)
