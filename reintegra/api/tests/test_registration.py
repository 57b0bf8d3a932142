"""Registering a returnee through the API, with the duplicate check (409 until the user decides)."""

from datetime import date

import pytest

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import Case


def registration(cast, **overrides):
    body = {
        "office": cast.dakar.pk,
        "person": {
            "given_names": "Mamadu",
            "family_name": "Dialo",
            "sex": "male",
            "birth_date": "1994-01-01",
            "birth_date_estimated": True,
            "phones": ["+221 70 000 00 01"],
            "documents": [{"kind": "passport", "number": "A 123 456"}],
        },
        "return_details": {"return_type": "assisted_voluntary", "return_country": "SN", "return_region": "Dakar"},
    }
    body.update(overrides)
    return body


@pytest.fixture
def mamadou(cast):
    return cast.case(cast.dakar, given="Mamadou", family="Diallo", birth=date(1994, 3, 12))


def test_it_warns_that_mamadu_dialo_may_be_mamadou_diallo(api_as, cast, mamadou):
    response = api_as(cast.cm_dakar).post("/cases", registration(cast))
    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    [candidate] = body["candidates"]
    assert candidate["pseudonym"] == mamadou.person.pseudonym
    assert (candidate["given_names"], candidate["family_name"], candidate["birth_date"]) == (
        "Mamadou",
        "Diallo",
        "1994-03-12",
    )
    assert candidate["score"] >= 65
    assert set(candidate["reasons"]) >= {"similar name", "same year of birth"}
    assert candidate["cases"][0]["number"] == mamadou.number
    assert Case.objects.count() == 1


def test_confirming_a_different_person_registers_and_audits_the_decision(api_as, cast, mamadou):
    response = api_as(cast.cm_dakar).post("/cases", registration(cast, confirm_different=True))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"]["pseudonym"] != mamadou.person.pseudonym
    assert body["person"]["phones"] == ["+221 70 000 00 01"]
    assert body["number"].startswith("SN-DKR-")
    dismissed = AuditEvent.objects.get(event_type=AuditEvent.Type.DUPLICATE_DISMISSED)
    assert dismissed.changes == {"different_from": mamadou.person.pseudonym}


def test_linking_to_the_existing_person_opens_a_new_case_for_them(api_as, cast, mamadou):
    from reintegra.cases.services import case_close

    case_close(actor=cast.sup_dakar, case=mamadou, reason="remigrated", note="Left for Morocco.")
    response = api_as(cast.cm_dakar).post("/cases", registration(cast, link_to_person=mamadou.person.pseudonym))
    assert response.status_code == 201, response.content
    assert response.json()["person"]["pseudonym"] == mamadou.person.pseudonym
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.DUPLICATE_LINKED).count() == 1


def test_linking_while_an_open_case_exists_is_a_400(api_as, cast, mamadou):
    response = api_as(cast.cm_dakar).post("/cases", registration(cast, link_to_person=mamadou.person.pseudonym))
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]


def test_it_cannot_link_to_a_person_of_another_office(api_as, cast):
    seydou = cast.case(cast.bamako, given="Seydou", family="Keita")
    response = api_as(cast.cm_dakar).post("/cases", registration(cast, link_to_person=seydou.person.pseudonym))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"link_to_person"}


def test_it_does_not_warn_about_people_of_another_office(api_as, cast):
    cast.case(cast.bamako, given="Mamadou", family="Diallo", birth=date(1994, 3, 12))
    assert api_as(cast.cm_dakar).post("/cases", registration(cast)).status_code == 201


def test_link_and_confirm_together_are_refused(api_as, cast, mamadou):
    body = registration(cast, link_to_person=mamadou.person.pseudonym, confirm_different=True)
    response = api_as(cast.cm_dakar).post("/cases", body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"confirm_different"}


@pytest.mark.parametrize(("who", "status"), [("cm_dakar", 201), ("sup_dakar", 201), ("cm_tamba", 400)])
def test_who_registers_in_dakar(api_as, cast, who, status):
    response = api_as(getattr(cast, who)).post("/cases", registration(cast))
    assert response.status_code == status
    if status == 400:
        assert set(response.json()["errors"]) == {"office"}


@pytest.mark.parametrize("who", ["me_hq", "partner_dakar", "admin", "nobody"])
def test_roles_without_casework_may_not_register(api_as, cast, who):
    assert api_as(getattr(cast, who)).post("/cases", registration(cast)).status_code == 403
    assert not Case.objects.exists()


def test_anonymous_may_not_register(api_as, cast):
    assert api_as(None).post("/cases", registration(cast)).status_code == 401


def test_service_errors_are_reported_under_the_api_field_names(api_as, cast):
    body = registration(cast)
    body["person"]["birth_date"] = "2999-01-01"
    body["assigned_to"] = "cm.bamako"
    response = api_as(cast.sup_dakar).post("/cases", body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"person.birth_date"}
    body["person"]["birth_date"] = "1994-01-01"
    response = api_as(cast.sup_dakar).post("/cases", body)
    assert response.json()["errors"] == {"assigned_to": ["The assignee must be a case manager of this office."]}
    body["assigned_to"] = "ghost"
    assert set(api_as(cast.sup_dakar).post("/cases", body).json()["errors"]) == {"assigned_to"}
    assert not Case.objects.exists()


# ---------------------------------------------------------------- the check on its own


def test_the_duplicate_check_alone_finds_the_candidate(api_as, cast, mamadou):
    body = {"given_names": "Mamadu", "family_name": "Dialo", "birth_date": "1994-01-01"}
    response = api_as(cast.cm_dakar).post("/persons/duplicates", body)
    assert response.status_code == 200
    assert [c["pseudonym"] for c in response.json()["candidates"]] == [mamadou.person.pseudonym]


def test_the_duplicate_check_matches_a_document_number(api_as, cast):
    from reintegra.cases.services import DocumentInput

    case = cast.case(cast.dakar, given="Ibrahima", family="Fall", documents=[DocumentInput("passport", "A123456")])
    response = api_as(cast.cm_dakar).post("/persons/duplicates", {"family_name": "X", "documents": ["a-123 456"]})
    [candidate] = response.json()["candidates"]
    assert candidate["pseudonym"] == case.person.pseudonym
    assert "same document number" in candidate["reasons"]


@pytest.mark.parametrize("who", ["me_hq", "partner_dakar", "admin", "cm_bamako", "nobody"])
def test_the_duplicate_check_finds_nothing_outside_the_identifiable_scope(api_as, cast, mamadou, who):
    body = {"given_names": "Mamadou", "family_name": "Diallo", "birth_date": "1994-03-12"}
    response = api_as(getattr(cast, who)).post("/persons/duplicates", body)
    assert response.status_code == 200
    assert response.json() == {"candidates": []}


def test_the_duplicate_check_needs_authentication(api_as, cast):
    assert api_as(None).post("/persons/duplicates", {"family_name": "Diallo"}).status_code == 401
