"""M&E officers see cases without identities: no identifier string anywhere in what they receive."""

from datetime import date

import pytest

from reintegra.cases.models import ConsentMethod, ConsentPurpose, ConsentStatus, Relationship, Sex
from reintegra.cases.services import (
    DocumentInput,
    PersonInput,
    ReturnInput,
    case_update,
    consent_record,
    household_member_add,
    note_add,
    task_create,
)

IDENTIFIERS = [
    "Mariama",
    "Coulibaly",
    "Ndeye",
    "77 888 99 00",
    "PA998877",
    "Rue 12 Medina",
    "Awa Witness",
    "1991-02-03",
]


@pytest.fixture
def identified_case(cast):
    case = cast.case(
        cast.dakar,
        given="Mariama",
        family="Coulibaly",
        sex="female",
        birth=date(1991, 2, 3),
        alternative_names="Mariam Kulibali",
        phones=["+221 77 888 99 00"],
        documents=[DocumentInput("passport", "PA998877")],
    )
    case_update(
        actor=cast.sup_dakar,
        case=case,
        details=ReturnInput(
            return_type="assisted_voluntary",
            return_country="SN",
            return_region="Dakar",
            return_locality="Rue 12 Medina",
        ),
    )
    consent_record(
        actor=cast.sup_dakar,
        case=case,
        purpose=ConsentPurpose.MONITORING,
        status=ConsentStatus.GIVEN,
        decided_on=date(2026, 1, 6),
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Awa Witness",
        note="Mariama agreed by phone.",
    )
    note_add(actor=cast.sup_dakar, case=case, text="Mariama Coulibaly visited.", session_date=date(2026, 1, 7))
    task_create(actor=cast.sup_dakar, case=case, title="Call Mariama", due_date=date(2026, 1, 9))
    household_member_add(
        actor=cast.sup_dakar,
        case=case,
        member=PersonInput(given_names="Ndeye", family_name="Coulibaly", sex=Sex.FEMALE),
        relationship=Relationship.CHILD,
    )
    return case


def _reads(case):
    pseudonym = case.person.pseudonym
    return [
        ("/cases", {}),
        ("/cases", {"q": pseudonym}),
        (f"/cases/{case.number}", {}),
        (f"/cases/{case.number}/notes", {}),
        (f"/cases/{case.number}/tasks", {}),
        (f"/cases/{case.number}/consents", {}),
        ("/persons", {}),
        ("/persons", {"q": pseudonym}),
        (f"/persons/{pseudonym}", {}),
    ]


def test_no_identifier_reaches_an_me_officer(api_as, cast, identified_case):
    client = api_as(cast.me_hq)
    for path, params in _reads(identified_case):
        response = client.get(path, params)
        assert response.status_code == 200, path
        text = response.content.decode()
        leaked = [s for s in IDENTIFIERS if s in text]
        assert leaked == [], (path, leaked)
        if not path.endswith(("/notes", "/tasks", "/consents")):
            assert identified_case.person.pseudonym in text, path


def test_the_same_reads_do_show_identities_to_the_office(api_as, cast, identified_case):
    """The control: the identifiers are really in the data, so the test above means something."""
    client = api_as(cast.sup_dakar)
    seen = "".join(client.get(path, params).content.decode() for path, params in _reads(identified_case))
    assert [s for s in IDENTIFIERS if s not in seen] == []


def test_pseudonymised_records_say_so_and_keep_the_pseudonym(api_as, cast, identified_case):
    body = api_as(cast.me_hq).get(f"/cases/{identified_case.number}").json()
    assert body["identified"] is False
    assert body["person"] == {
        "identified": False,
        "pseudonym": identified_case.person.pseudonym,
        "sex": "female",
        "birth_year": 1991,
        "nationality": "",
        "relationship": "returnee",
        "cases": [],
    }
    assert "return_locality" not in body
    assert body["allowed_stage_moves"] == []


def test_an_me_officer_cannot_find_a_person_by_name_or_phone(api_as, cast, identified_case):
    client = api_as(cast.me_hq)
    assert client.get("/cases", {"q": "Mariama Coulibaly"}).json()["items"] == []
    assert client.get("/cases", {"q": "77 888 99 00"}).json()["items"] == []
    assert client.get("/persons", {"q": "Coulibaly"}).json()["items"] == []
