"""The assessments API as permission stories: list, read, record (with 400 errors keyed by question), downloads."""

import pytest

from reintegra.api.tests.conftest import ApiClient, token_for
from reintegra.instruments.models import Flag, Response
from reintegra.instruments.tests.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as():
    from django.test import Client

    def make(user) -> ApiClient:
        return ApiClient(Client(), {"Authorization": f"Bearer {token_for(user)}"})

    return make


def body(**extra):
    return {
        "instrument": "household",
        "occasion": "baseline",
        "interview_date": "2026-02-01",
        "answers": GOOD_ANSWERS,
        "submit": True,
        **extra,
    }


def test_a_case_manager_records_an_assessment_and_reads_it_back(cast, household, api_as):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    api = api_as(cast.cm_dakar)
    created = api.post(f"/cases/{case.number}/responses", body())
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "submitted" and data["version"] == "2026.1" and data["answers"]["job"] == "Tailor"
    assert {f["code"] for f in data["flags"]} == {"support_requested", "many_needs"}
    listed = api.get(f"/cases/{case.number}/responses").json()
    assert [r["id"] for r in listed] == [data["id"]]
    assert api.get(f"/responses/{data['id']}").json()["answers"]["age"] == 34


def test_answers_that_fail_validation_give_400_keyed_by_question_name(cast, household, api_as):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    answers = {**GOOD_ANSWERS, "age": 130, "job": ""}
    reply = api_as(cast.cm_dakar).post(f"/cases/{case.number}/responses", body(answers=answers))
    assert reply.status_code == 400
    assert reply.json()["errors"] == {"age": ["Age between 0 and 110."], "job": ["This question is required."]}
    assert not Response.objects.filter(case=case).exists()


def test_a_draft_can_be_created_without_required_answers(cast, household, api_as):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    reply = api_as(cast.cm_dakar).post(f"/cases/{case.number}/responses", body(answers={"age": 3}, submit=False))
    assert reply.status_code == 201 and reply.json()["status"] == "draft"
    assert not Flag.objects.exists()


def test_an_unknown_instrument_or_version_is_404(cast, household, api_as):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    api = api_as(cast.cm_dakar)
    assert api.post(f"/cases/{case.number}/responses", body(instrument="nope")).status_code == 404
    assert api.post(f"/cases/{case.number}/responses", body(version="9.9")).status_code == 404


def test_me_reads_coded_answers_and_cannot_record(cast, household, api_as):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    created = api_as(cast.cm_dakar).post(f"/cases/{case.number}/responses", body()).json()
    api = api_as(cast.me_hq)
    data = api.get(f"/responses/{created['id']}").json()
    assert data["coded_only"] and data["answers"]["age"] == 34 and data["answers"]["needs"] == ["food", "health"]
    assert "job" not in data["answers"] and "arrived" not in data["answers"]
    assert data["answers"]["members"] == [{"member_age": 9, "member_school": "yes"}]
    assert api.post(f"/cases/{case.number}/responses", body()).status_code == 403


def test_me_sees_only_that_a_sensitive_response_exists(cast, private_household, api_as):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    created = api_as(cast.cm_dakar).post(f"/cases/{case.number}/responses", body(instrument="household_private"))
    data = api_as(cast.me_hq).get(f"/responses/{created.json()['id']}").json()
    assert data["answers_hidden"] and data["answers"] is None and data["flags"] == []


@pytest.mark.parametrize("who", ["cm_bamako", "partner_dakar", "admin", "cm_dakar2"])
def test_outsiders_get_404(cast, household, api_as, who):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    created = api_as(cast.cm_dakar).post(f"/cases/{case.number}/responses", body()).json()
    api = api_as(getattr(cast, who))
    assert api.get(f"/responses/{created['id']}").status_code == 404
    assert api.get(f"/cases/{case.number}/responses").status_code == 404
    assert api.post(f"/cases/{case.number}/responses", body()).status_code == 404


def test_instruments_and_downloads(cast, household, api_as):
    api = api_as(cast.me_hq)
    listed = {i["code"]: i for i in api.get("/instruments").json()}
    assert listed["household"]["current_version"] == "2026.1"
    assert api.get("/instruments/household/versions/2026.1/xlsform").content.startswith(b"PK")
    assert b"<bind" in api.get("/instruments/household/versions/2026.1/xform").content
    assert api.get("/instruments/household/versions/0/xform").status_code == 404
    assert api_as(cast.partner_dakar).get("/instruments").status_code == 404


def test_listing_responses_keeps_a_query_budget(cast, household, api_as, django_assert_max_num_queries):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    api = api_as(cast.cm_dakar)
    for _ in range(4):
        api.post(f"/cases/{case.number}/responses", body())
    with django_assert_max_num_queries(20):
        assert len(api.get(f"/cases/{case.number}/responses").json()) == 4
