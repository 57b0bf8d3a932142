"""Who gets in: bearer tokens, the session (with CSRF on writes), nobody else."""

import json

from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from reintegra.accounts.models import ApiToken
from reintegra.api.tests.conftest import BASE, ApiClient, token_for


def test_it_refuses_anonymous_requests_with_401_json(api_as, cast):
    response = api_as(None).get("/cases")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_anonymous_writes_with_401_not_a_csrf_403(cast):
    client = ApiClient(Client(enforce_csrf_checks=True))
    assert client.post("/cases/SN-DKR-2026-000001/notes", {"text": "x"}).status_code == 401


def test_it_lets_a_token_holder_in(api_as, cast, world):
    response = api_as(cast.cm_dakar).get("/cases")
    assert response.status_code == 200
    assert [c["number"] for c in response.json()["items"]] == [world.dakar_case.number]


def test_it_records_when_a_token_was_last_used(cast):
    raw = token_for(cast.cm_dakar)
    ApiClient(Client(), {"Authorization": f"Bearer {raw}"}).get("/cases")
    assert ApiToken.objects.get(digest=ApiToken.digest_of(raw)).last_used_at is not None


def test_it_refuses_a_revoked_token(cast):
    raw = token_for(cast.cm_dakar)
    ApiToken.objects.filter(digest=ApiToken.digest_of(raw)).update(revoked_at=timezone.now())
    response = ApiClient(Client(), {"Authorization": f"Bearer {raw}"}).get("/cases")
    assert response.status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(cast):
    raw = token_for(cast.cm_dakar)
    cast.cm_dakar.is_active = False
    cast.cm_dakar.save()
    assert ApiClient(Client(), {"Authorization": f"Bearer {raw}"}).get("/cases").status_code == 401


def test_it_refuses_an_unknown_or_absurd_token(cast):
    for header in ["Bearer nope", "Bearer " + "x" * 5000, "Bearer ", "Token abc"]:
        assert ApiClient(Client(), {"Authorization": header}).get("/cases").status_code == 401


def test_a_bad_token_is_refused_even_with_a_valid_session(cast):
    client = Client()
    client.force_login(cast.cm_dakar)
    assert ApiClient(client, {"Authorization": "Bearer nope"}).get("/cases").status_code == 401


def test_it_lets_a_signed_in_browser_read(api_as, cast, world):
    assert api_as(cast.cm_dakar, session=True).get("/cases").status_code == 200


def test_it_rejects_a_session_write_without_csrf_token(api_as, cast, world):
    client = api_as(cast.sup_dakar, session=True, enforce_csrf=True)
    response = client.post(f"/cases/{world.dakar_case.number}/stage", {"to": "assessment"})
    assert response.status_code == 403
    assert response.json()["detail"]
    world.dakar_case.refresh_from_db()
    assert world.dakar_case.stage == "intake"


def test_it_accepts_a_session_write_with_the_csrf_token(api_as, cast, world):
    client = api_as(cast.sup_dakar, session=True, enforce_csrf=True)
    request = RequestFactory().get("/")
    token = get_token(request)  # what a page would put in the form and the cookie
    client.client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    response = client.post(f"/cases/{world.dakar_case.number}/stage", {"to": "assessment"}, X_CSRFToken=token)
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "assessment"


def test_token_writes_need_no_csrf_token(cast, world):
    client = ApiClient(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {token_for(cast.sup_dakar)}"})
    assert client.post(f"/cases/{world.dakar_case.number}/stage", {"to": "assessment"}).status_code == 200


def test_errors_follow_accept_language(api_as, cast):
    response = api_as(cast.cm_dakar).post("/persons/duplicates", {"given_names": 5}, **{"Accept-Language": "fr"})
    assert response.status_code == 400
    assert response["Content-Language"] == "fr"
    english = api_as(cast.cm_dakar).post("/persons/duplicates", {"given_names": 5}, **{"Accept-Language": "en"})
    assert english["Content-Language"] == "en"
    assert english.json()["errors"] == {"given_names": ["Enter a text value."]}


def test_required_field_message_is_translated_to_french(api_as, cast, world):
    response = api_as(cast.cm_dakar).post(f"/cases/{world.dakar_case.number}/notes", {}, **{"Accept-Language": "fr"})
    assert response.status_code == 400
    # Django's own catalogue already translates this sentence.
    assert response.json()["errors"]["text"] == ["Ce champ est obligatoire."]


ASSESSMENT_PATHS = {
    f"{BASE}/cases/{{number}}/responses",
    f"{BASE}/responses/{{response_id}}",
    f"{BASE}/instruments",
    f"{BASE}/instruments/{{code}}/versions/{{version}}/xlsform",
    f"{BASE}/instruments/{{code}}/versions/{{version}}/xform",
}
DIRECTORY_PATHS = {
    f"{BASE}/directory/services",
    f"{BASE}/directory/services/{{service_id}}",
    f"{BASE}/directory/organisations",
    f"{BASE}/directory/organisations/{{organisation_id}}",
}

PLAN_VERSIONS = f"{BASE}/plans/cases/{{number}}/versions"
PLAN_PATHS = {
    f"{BASE}/plans/activity-types",
    f"{BASE}/plans/awaiting",
    f"{BASE}/plans/late",
    f"{BASE}/plans/exchange-rates",
    PLAN_VERSIONS,
    f"{PLAN_VERSIONS}/{{version}}",
    f"{PLAN_VERSIONS}/{{version}}/revise",
    f"{PLAN_VERSIONS}/{{version}}/submit",
    f"{PLAN_VERSIONS}/{{version}}/approve",
    f"{PLAN_VERSIONS}/{{version}}/return",
    f"{PLAN_VERSIONS}/{{version}}/agreement",
    f"{PLAN_VERSIONS}/{{version}}/activities",
    f"{PLAN_VERSIONS}/{{version}}/activities/{{activity_id}}",
    f"{PLAN_VERSIONS}/{{version}}/activities/{{activity_id}}/status",
    f"{PLAN_VERSIONS}/{{version}}/activities/{{activity_id}}/disbursements",
    f"{PLAN_VERSIONS}/{{version}}/disbursements",
    f"{PLAN_VERSIONS}/{{version}}/disbursements/{{disbursement_id}}/confirm",
}

REFERRAL_PATHS = {
    f"{BASE}/referrals",
    f"{BASE}/referrals/fields",
    f"{BASE}/referrals/preview",
    f"{BASE}/referrals/{{referral_id}}",
    f"{BASE}/referrals/{{referral_id}}/status",
    f"{BASE}/partner/referrals",
    f"{BASE}/partner/referrals/{{referral_id}}",
    f"{BASE}/partner/referrals/{{referral_id}}/accept",
    f"{BASE}/partner/referrals/{{referral_id}}/decline",
    f"{BASE}/partner/referrals/{{referral_id}}/update",
    f"{BASE}/partner/referrals/{{referral_id}}/complete",
}

EXPORT_PATHS = {f"{BASE}/exports/{{dataset}}.csv"}
DASHBOARD_PATHS = {f"{BASE}/dashboards/panels", f"{BASE}/dashboards/panels/{{name}}"}
SETUP_PATHS = {f"{BASE}/offices", f"{BASE}/programmes"}
CHILDREN_PATHS = {f"{BASE}/cases/{{number}}/best-interests"}
COMMUNITY_PATHS = {
    f"{BASE}/community/communities",
    f"{BASE}/community/communities/{{community_id}}",
    f"{BASE}/community/projects/{{project_id}}",
}
STRUCTURAL_PATHS = {
    f"{BASE}/structural/stakeholders",
    f"{BASE}/structural/agreements",
    f"{BASE}/structural/coordination-bodies",
}


MONITORING_PATHS = {
    f"{BASE}/monitoring/follow-ups",
    f"{BASE}/monitoring/samples",
    f"{BASE}/monitoring/samples/{{sample_id}}",
    f"{BASE}/monitoring/samples/{{sample_id}}/members/{{member_id}}",
    f"{BASE}/monitoring/frameworks/{{framework_id}}/progress",
}


def test_openapi_document_is_valid_json_listing_every_path(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["info"]["title"] == "Reintegra API"
    assert document["info"]["version"] == "1"
    assert (
        set(document["paths"])
        == {
            f"{BASE}/cases",
            f"{BASE}/cases/{{number}}",
            f"{BASE}/cases/{{number}}/stage",
            f"{BASE}/cases/{{number}}/assign",
            f"{BASE}/cases/{{number}}/close",
            f"{BASE}/cases/{{number}}/reopen",
            f"{BASE}/cases/{{number}}/notes",
            f"{BASE}/cases/{{number}}/tasks",
            f"{BASE}/cases/{{number}}/tasks/{{task_id}}",
            f"{BASE}/cases/{{number}}/consents",
            f"{BASE}/persons",
            f"{BASE}/persons/duplicates",
            f"{BASE}/persons/{{pseudonym}}",
        }
        | ASSESSMENT_PATHS
        | DIRECTORY_PATHS
        | REFERRAL_PATHS
        | PLAN_PATHS
        | MONITORING_PATHS
        | EXPORT_PATHS
        | DASHBOARD_PATHS
        | SETUP_PATHS
        | CHILDREN_PATHS
        | COMMUNITY_PATHS
        | STRUCTURAL_PATHS
    )
    assert set(document["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


def test_docs_page_never_loads_assets_from_a_cdn(client):
    response = client.get(f"{BASE}/docs")
    if response.status_code == 200:
        assert b"cdn." not in response.content
        assert b"https://" not in response.content
    else:
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_unknown_paths_answer_json_404(api_as, cast):
    response = api_as(cast.cm_dakar).get("/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
