"""Permission stories for the person endpoints."""

import pytest

from reintegra.cases.models import Relationship, Sex
from reintegra.cases.services import PersonInput, household_member_add

READERS = {
    "cm_dakar": 200,
    "sup_dakar": 200,
    "pm_dakar": 200,
    "me_hq": 200,
    "cm_tamba": 404,
    "cm_bamako": 404,
    "cp_dakar": 404,
    "partner_dakar": 404,
    "admin": 404,
    "nobody": 404,
}


@pytest.mark.parametrize(("who", "status"), READERS.items())
def test_who_reads_a_dakar_person(api_as, cast, world, who, status):
    response = api_as(getattr(cast, who)).get(f"/persons/{world.dakar_case.person.pseudonym}")
    assert response.status_code == status


def test_it_refuses_anonymous_person_reads(api_as, cast, world):
    assert api_as(None).get(f"/persons/{world.dakar_case.person.pseudonym}").status_code == 401
    assert api_as(None).get("/persons").status_code == 401


@pytest.mark.parametrize(
    ("who", "people"),
    [
        ("cm_dakar", ["dakar_case", "closed_case"]),  # closed cases count, unlike the caseload
        ("sup_dakar", ["dakar_case", "closed_case"]),
        ("me_hq", ["dakar_case", "closed_case", "bamako_case"]),
        ("cm_bamako", ["bamako_case"]),
        ("partner_dakar", []),
        ("admin", []),
        ("nobody", []),
    ],
)
def test_the_person_list_shows_exactly_the_users_scope(api_as, cast, world, who, people):
    response = api_as(getattr(cast, who)).get("/persons")
    assert response.status_code == 200
    assert sorted(p["pseudonym"] for p in response.json()["items"]) == sorted(
        getattr(world, n).person.pseudonym for n in people
    )


def test_persons_are_found_by_tolerant_name_and_by_pseudonym(api_as, cast, world):
    client = api_as(cast.sup_dakar)
    pseudonym = world.dakar_case.person.pseudonym
    assert [p["pseudonym"] for p in client.get("/persons", {"q": "mamadu dialo"}).json()["items"]] == [pseudonym]
    assert [p["pseudonym"] for p in client.get("/persons", {"q": pseudonym.lower()}).json()["items"]] == [pseudonym]
    assert client.get("/persons", {"q": "Keita"}).json()["items"] == []


def test_a_person_shows_cases_and_household(api_as, cast, world):
    household_member_add(
        actor=cast.sup_dakar,
        case=world.dakar_case,
        member=PersonInput(given_names="Aissatou", family_name="Diallo", sex=Sex.FEMALE),
        relationship=Relationship.SPOUSE,
    )
    body = api_as(cast.cm_dakar).get(f"/persons/{world.dakar_case.person.pseudonym}").json()
    assert body["identified"] is True
    assert [c["number"] for c in body["cases"]] == [world.dakar_case.number]
    assert [(m["given_names"], m["relationship"]) for m in body["household"]] == [("Aissatou", "spouse")]
    member = api_as(cast.cm_dakar).get(f"/persons/{body['household'][0]['pseudonym']}").json()
    assert (member["identified"], member["given_names"]) == (True, "Aissatou")


def test_a_profile_is_corrected_field_by_field(api_as, cast, world):
    client = api_as(cast.cm_dakar)
    pseudonym = world.dakar_case.person.pseudonym
    response = client.patch(f"/persons/{pseudonym}", {"languages": "Wolof, Pulaar", "phones": ["+221 76 555 44 33"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["languages"], body["phones"], body["given_names"]) == (
        "Wolof, Pulaar",
        ["+221 76 555 44 33"],
        "Mamadou",
    )
    docs = client.patch(f"/persons/{pseudonym}", {"documents": [{"kind": "national_id", "number": "1 234 5678"}]})
    assert docs.json()["documents"] == [{"kind": "national_id", "number": "1 234 5678", "issuing_country": ""}]
    assert docs.json()["phones"] == ["+221 76 555 44 33"]


@pytest.mark.parametrize(("who", "status"), [("me_hq", 403), ("cm_bamako", 404), ("partner_dakar", 404)])
def test_who_may_not_correct_a_profile(api_as, cast, world, who, status):
    pseudonym = world.dakar_case.person.pseudonym
    assert api_as(getattr(cast, who)).patch(f"/persons/{pseudonym}", {"languages": "x"}).status_code == status
    world.dakar_case.person.refresh_from_db()
    assert world.dakar_case.person.languages == ""


def test_a_profile_correction_is_validated_by_the_service(api_as, cast, world):
    pseudonym = world.dakar_case.person.pseudonym
    response = api_as(cast.cm_dakar).patch(f"/persons/{pseudonym}", {"birth_date": "2999-01-01"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"birth_date"}
