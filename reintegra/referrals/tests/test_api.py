"""Referral API stories: the same rules as the pages, by token, for staff and partners."""

from datetime import timedelta

import pytest

from reintegra.audit.models import AuditEvent
from reintegra.referrals.models import Referral, Status
from reintegra.referrals.tests.conftest import TODAY, send


def body(world, **extra) -> dict:
    data = {
        "case": world.awa.number,
        "service": world.directory.tailoring.pk,
        "activity": world.activity.pk,
        "need_summary": "Formation couture de six mois.",
        "shared_fields": ["name", "phone", "need_summary"],
    }
    data.update(extra)
    return data


def test_a_case_manager_previews_then_sends_by_api(cast, world, api_as):
    api = api_as(cast.cm_dakar)
    preview = api.post("/referrals/preview", body(world))
    assert preview.status_code == 200
    values = {f["code"]: f["value"] for f in preview.json()["package"]["fields"]}
    assert values["name"] == "Awa Ndiaye"
    created = api.post("/referrals", body(world, preview_digest=preview.json()["digest"]))
    assert created.status_code == 201
    data = created.json()
    assert data["status"] == "sent" and data["case"] == world.awa.number and data["activity"] == world.activity.pk
    assert data["basis"]["kind"] == "consent" and data["response_due"] == str(TODAY + timedelta(days=3))
    assert api.get(f"/referrals/{data['id']}").json()["package"]["fields"][0]["value"] == "Awa Ndiaye"


def test_the_field_catalogue_lists_the_minimal_defaults(cast, world, api_as):
    fields = api_as(cast.cm_dakar).get("/referrals/fields").json()
    assert [f["code"] for f in fields if f["default"]] == ["name", "phone", "need_summary"]


def test_lists_are_scoped_and_filtered(cast, world, api_as, django_assert_max_num_queries):
    for _ in range(3):
        send(cast.cm_dakar, world.awa, world.directory.tailoring)
    api = api_as(cast.cm_dakar)
    with django_assert_max_num_queries(8):
        listed = api.get("/referrals", {"case": world.awa.number})
    assert listed.json()["count"] == 3
    assert api.get("/referrals", {"status": "accepted"}).json()["count"] == 0
    assert api_as(cast.cm_bamako).get("/referrals").json()["count"] == 0


def test_pseudonymised_roles_read_referrals_without_the_package(cast, world, api_as):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    data = api_as(cast.me_hq).get(f"/referrals/{referral.pk}").json()
    assert data["package"] is None and data["status"] == "sent"


def test_sending_without_consent_is_refused_and_the_exception_is_for_professionals(cast, world, api_as):
    case = cast.case(cast.dakar, given="Khady", family="Fall", assigned_to=cast.cm_dakar)
    api = api_as(cast.cm_dakar)
    refused = api.post("/referrals", body(world, case=case.number, activity=None))
    assert refused.status_code == 400 and "consent" in refused.json()["errors"]
    exception = {"reason": "life_at_risk", "justification": "Risque suicidaire élevé constaté ce jour."}
    assert api.post("/referrals", body(world, case=case.number, activity=None, exception=exception)).status_code == 403
    cast.cm_dakar.is_mental_health_professional = True
    cast.cm_dakar.professional_qualification = "Psychologue"
    cast.cm_dakar.save()
    api = api_as(cast.cm_dakar)
    sent = api.post("/referrals", body(world, case=case.number, activity=None, exception=exception))
    assert sent.status_code == 201
    assert sent.json()["basis"] == {
        "kind": "exception",
        "consent_date": None,
        "reason": "life_at_risk",
        "decided_by": "cm.dakar",
        "qualification": "Psychologue",
        "decided_on": str(TODAY),
    }
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.REFERRAL_SENT_WITHOUT_CONSENT).count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"shared_fields": ["ssn"]}, 400),
        ({"shared_fields": []}, 400),
        ({"need_summary": ""}, 400),
        ({"need_summary": "x" * 2001}, 400),
        ({"service": 0}, 400),
        ({"service": 999999}, 400),
        ({"service": "abc"}, 400),
        ({"activity": 999999}, 400),
        ({"case": "SN-XXX-0000-000000"}, 404),
        ({"extra": 1}, 400),
        ({"exception": {"reason": "boredom", "justification": "x"}}, 400),
        ({"preview_digest": "stale"}, 400),
    ],
)
def test_bad_input_is_a_4xx_never_a_500(cast, world, api_as, change, status):
    response = api_as(cast.cm_dakar).post("/referrals", body(world, **change))
    assert response.status_code == status
    assert not Referral.objects.filter(case=world.awa).exists()


def test_garbage_bodies_are_400(cast, world, api_as):
    api = api_as(cast.cm_dakar)
    assert api.post("/referrals", raw="not json").status_code == 400
    assert api.post("/referrals", raw="[]").status_code == 400
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    assert api.post(f"/referrals/{referral.pk}/status", {"status": "accepted"}).status_code == 400
    assert api.get("/referrals/99999999999999999999999").status_code in (400, 404)


@pytest.mark.parametrize("who", ["cm_bamako", "partner_dakar", "admin", "nobody"])
def test_others_cannot_send_or_read_by_api(cast, world, api_as, who):
    api = api_as(getattr(cast, who))
    assert api.post("/referrals", body(world)).status_code == 404
    assert api.get(f"/referrals/{world.secret_referral.pk}").status_code == 404


def test_the_office_marks_no_response_or_cancels_by_api(cast, world, api_as, time_machine):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    api = api_as(cast.cm_dakar)
    url = f"/referrals/{referral.pk}/status"
    assert api.post(url, {"status": "no_response"}).status_code == 400
    time_machine.move_to(TODAY + timedelta(days=4), tick=False)
    assert api.post(url, {"status": "no_response"}).json()["status"] == "no_response"
    assert api.post(url, {"status": "cancelled"}).status_code == 400  # a reason is needed
    assert api.post(url, {"status": "cancelled", "note": "Déménagée."}).json()["status"] == "cancelled"
    assert api.get("/referrals", {"overdue": True}).json()["count"] == 0


# ------------------------------------------------------------------ partner endpoints


def test_a_partner_works_through_the_inbox_by_token(cast, world, api_as):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    api = api_as(cast.partner_dakar)
    inbox = api.get("/partner/referrals")
    assert inbox.status_code == 200
    assert [item["reference"] for item in inbox.json()["items"]] == [referral.reference]
    read = api.get(f"/partner/referrals/{referral.pk}").json()
    assert "case" not in read and read["package"]["fields"][0]["value"] == "Awa Ndiaye"
    assert world.awa.number not in str(read)
    assert api.post(f"/partner/referrals/{referral.pk}/complete", {"note": "Trop tôt"}).status_code == 400
    assert api.post(f"/partner/referrals/{referral.pk}/accept", {}).json()["status"] == "accepted"
    assert api.post(f"/partner/referrals/{referral.pk}/update", {"note": ""}).status_code == 400
    assert api.post(f"/partner/referrals/{referral.pk}/update", {"note": "Inscrite."}).json()["status"] == "in_progress"
    done = api.post(f"/partner/referrals/{referral.pk}/complete", {"note": "Formation réussie."}).json()
    assert done["status"] == Status.COMPLETED
    assert [e["status"] for e in done["events"]] == ["sent", "accepted", "in_progress", "completed"]


def test_a_partner_declines_with_a_reason_by_api(cast, world, api_as):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    api = api_as(cast.partner_dakar)
    assert api.post(f"/partner/referrals/{referral.pk}/decline", {"note": ""}).status_code == 400
    assert api.post(f"/partner/referrals/{referral.pk}/decline", {"note": "Complet."}).json()["status"] == "declined"


@pytest.mark.parametrize("who", ["cm_dakar", "sup_dakar", "me_hq", "admin"])
def test_staff_have_no_partner_endpoints(cast, world, api_as, who):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    api = api_as(getattr(cast, who))
    assert api.get("/partner/referrals").status_code == 404
    assert api.post(f"/partner/referrals/{referral.pk}/accept", {}).status_code == 404


def test_the_inbox_filters_by_status_and_rejects_unknown_ones(cast, world, api_as):
    send(cast.cm_dakar, world.awa, world.directory.tailoring)
    api = api_as(cast.partner_dakar)
    assert api.get("/partner/referrals", {"status": "sent"}).json()["count"] == 1
    assert api.get("/partner/referrals", {"status": "accepted"}).json()["count"] == 0
    assert api.get("/partner/referrals", {"status": "lost"}).status_code == 400
    assert api.get("/partner/referrals", {"limit": 0}).status_code == 400
