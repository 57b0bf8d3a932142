"""API permission stories for plans, activities, disbursements and exchange rates."""

from decimal import Decimal

import pytest

from reintegra.audit.models import AuditEvent
from reintegra.directory.models import Organisation, Service
from reintegra.plans import services
from reintegra.plans.models import Plan
from reintegra.plans.tests.world import add, configure_programme, new_plan, programme_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def awa(cast):
    configure_programme(cast)
    return programme_case(cast, given="Awa", family="Ndiaye", sex="female", assigned_to=cast.cm_dakar)


@pytest.fixture
def plan(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "micro_business", "900", "EUR", description="Machine à coudre")
    return plan


def base(case):
    return f"/plans/cases/{case.number}/versions"


def test_the_story_through_the_api(api_as, cast, awa):
    cm = api_as(cast.cm_dakar)
    created = cm.post(base(awa), {"plan_date": "2026-03-02", "goals": "Atelier", "target_economic": "0.65"})
    assert created.status_code == 201, created.json()
    org = Organisation.objects.create(name="ONG Jappo", kind="ngo")
    service = Service.objects.create(organisation=org, name="Couture")
    activity = cm.post(
        f"{base(awa)}/1/activities",
        {"type": "micro_business", "modality": "in_kind", "estimated_cost": "1600", "currency": "eur"},
    )
    assert activity.status_code == 201, activity.json()
    assert activity.json()["dimension"] == "economic" and activity.json()["currency"] == "EUR"
    referral = cm.post(
        f"{base(awa)}/1/activities",
        {
            "type": "vocational_training",
            "modality": "service",
            "delivery": "referral",
            "provider_service": service.pk,
            "estimated_cost": "0",
            "currency": "XOF",
        },
    )
    assert referral.json()["is_referral"] is True
    submitted = cm.post(f"{base(awa)}/1/submit")
    assert submitted.json()["status"] == "awaiting_approval"
    assert submitted.json()["budget"]["planned"] == "1049531.20"
    assert api_as(cast.sup_dakar).get("/plans/awaiting").json()[0]["case"] == awa.number
    assert api_as(cast.cm_dakar).post(f"{base(awa)}/1/approve", {}).status_code == 403
    approved = api_as(cast.sup_dakar).post(f"{base(awa)}/1/approve", {"note": "Validé"})
    assert approved.json()["status"] == "approved"
    agreed = cm.post(f"{base(awa)}/1/agreement", {"agreed_on": "2026-03-03", "witness": "Moussa Diop"})
    assert agreed.json()["status"] == "agreed"
    paid = cm.post(
        f"{base(awa)}/1/activities/{activity.json()['id']}/disbursements",
        {"paid_on": "2026-03-04", "amount": "100", "currency": "EUR", "kind": "purchase", "supplier": "Touba"},
    )
    assert paid.status_code == 201, paid.json()
    confirmed = cm.post(f"{base(awa)}/1/disbursements/{paid.json()['id']}/confirm", {"confirmed_on": "2026-03-05"})
    assert confirmed.json()["returnee_confirmed"] is True
    assert cm.get(f"{base(awa)}/1").json()["budget"]["spent"] == "65595.70"
    revised = cm.post(f"{base(awa)}/1/revise", {"reason": "Nouveau local"})
    assert revised.status_code == 201 and revised.json()["version"] == 2
    assert [p["version"] for p in cm.get(base(awa)).json()] == [2, 1]


def test_me_reads_plans_without_free_text(api_as, cast, plan):
    body = api_as(cast.me_hq).get(f"{base(plan.case)}/1").json()
    assert body["identified"] is False and body["goals"] == ""
    assert body["activities"][0]["description"] == "" and body["activities"][0]["estimated_cost"] == "900.00"
    assert api_as(cast.me_hq).post(f"{base(plan.case)}/1/submit").status_code == 403


@pytest.mark.parametrize("who", ["cm_bamako", "cm_tamba", "partner_dakar", "admin", "nobody", "cm_dakar2"])
def test_outsiders_get_404(api_as, cast, plan, who):
    client = api_as(getattr(cast, who))
    assert client.get(base(plan.case)).status_code == 404
    assert client.get(f"{base(plan.case)}/1").status_code == 404
    assert client.post(f"{base(plan.case)}/1/submit").status_code == 404
    assert client.get(f"{base(plan.case)}/1/disbursements").status_code == 404


def test_anonymous_gets_401(api_as, plan):
    assert api_as(None).get(f"{base(plan.case)}/1").status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "nope", "modality": "cash", "estimated_cost": "1", "currency": "XOF"},
        {"type": "immediate_cash", "modality": "gold", "estimated_cost": "1", "currency": "XOF"},
        {"type": "immediate_cash", "modality": "cash", "estimated_cost": "-1", "currency": "XOF"},
        {"type": "immediate_cash", "modality": "cash", "estimated_cost": "1e400", "currency": "XOF"},
        {"type": "immediate_cash", "modality": "cash", "estimated_cost": "abc", "currency": "XOF"},
        {"type": "immediate_cash", "modality": "cash", "estimated_cost": "1", "currency": "EURO"},
        {"type": "immediate_cash", "modality": "cash", "estimated_cost": "1", "currency": "12€"},
        {"type": "immediate_cash", "modality": "cash", "estimated_cost": "1", "currency": "XOF", "extra": 1},
        {
            "type": "immediate_cash",
            "modality": "cash",
            "estimated_cost": "1",
            "currency": "XOF",
            "provider_service": 99,
        },
        {
            "type": "immediate_cash",
            "modality": "cash",
            "estimated_cost": "1",
            "currency": "XOF",
            "responsible": "ghost",
        },
        {
            "type": "immediate_cash",
            "modality": "cash",
            "estimated_cost": "1",
            "currency": "XOF",
            "target_start": "2026-05-01",
            "target_end": "2026-04-01",
        },
        {
            "type": "vocational_training",
            "modality": "service",
            "delivery": "referral",
            "estimated_cost": "1",
            "currency": "XOF",
        },
        {"type": "immediate_cash\x00", "modality": "cash", "estimated_cost": "1", "currency": "XOF"},
    ],
)
def test_bad_activity_input_is_a_400(api_as, cast, plan, payload):
    response = api_as(cast.cm_dakar).post(f"{base(plan.case)}/1/activities", payload)
    assert response.status_code == 400, response.json()
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "payload",
    [{}, {"plan_date": 20260302}, {"plan_date": "2026-02-30"}, {"plan_date": "2026-03-02", "target_social": "1.5"}],
)
def test_bad_plan_input_is_a_400(api_as, cast, awa, payload):
    assert api_as(cast.cm_dakar).post(base(awa), payload).status_code == 400


def test_a_missing_rate_is_a_clear_400(api_as, cast, plan):
    add(cast, plan, "basic_needs", "10", "GHS")
    response = api_as(cast.cm_dakar).post(f"{base(plan.case)}/1/submit")
    assert response.status_code == 400 and "GHS" in response.json()["detail"]


def test_wrong_states_are_400s(api_as, cast, plan):
    cm = api_as(cast.cm_dakar)
    assert cm.post(f"{base(plan.case)}/1/revise", {"reason": "x"}).status_code == 400
    assert cm.post(f"{base(plan.case)}/1/agreement", {"agreed_on": "2026-03-03", "witness": "M"}).status_code == 400
    assert cm.post(base(plan.case), {"plan_date": "2026-03-02"}).status_code == 400
    activity = plan.activities.first()
    paid = cm.post(
        f"{base(plan.case)}/1/activities/{activity.pk}/disbursements",
        {"paid_on": "2026-03-04", "amount": "1", "currency": "EUR", "kind": "purchase"},
    )
    assert paid.status_code == 400
    assert cm.get(f"{base(plan.case)}/7").status_code == 404
    assert cm.post(f"{base(plan.case)}/1/activities/999999/status", {"status": "delivered"}).status_code == 404


def test_rates_through_the_api(api_as, cast):
    payload = {"programme": cast.programme.code, "currency": "GBP", "rate": "770.5", "valid_from": "2026-03-01"}
    assert api_as(cast.sup_dakar).post("/plans/exchange-rates", payload).status_code == 403
    created = api_as(cast.pm_dakar).post("/plans/exchange-rates", payload)
    assert created.status_code == 201 and Decimal(created.json()["rate"]) == Decimal("770.5")
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXCHANGE_RATE_ENTERED).count() == 1
    assert api_as(cast.pm_dakar).post("/plans/exchange-rates", payload).status_code == 400
    assert api_as(cast.pm_dakar).post("/plans/exchange-rates", {**payload, "programme": "nope"}).status_code == 400
    assert api_as(cast.pm_dakar).post("/plans/exchange-rates", {**payload, "rate": "0"}).status_code == 400
    assert [r["currency"] for r in api_as(cast.cm_dakar).get("/plans/exchange-rates").json()] == ["GBP"]
    assert api_as(cast.partner_dakar).get("/plans/exchange-rates").json() == []


def test_late_and_awaiting_lists_are_scoped(api_as, cast, plan):
    assert [c["case"] for c in api_as(cast.me_hq).get("/plans/late").json()] == [plan.case.number]
    assert "Awa" not in str(api_as(cast.me_hq).get("/plans/late").json())
    assert api_as(cast.cm_bamako).get("/plans/late").json() == []
    assert api_as(cast.cm_dakar).get("/plans/awaiting").status_code == 404
    services.plan_submit(actor=cast.cm_dakar, plan=plan)  # within the cap: approved at once
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED
    assert api_as(cast.sup_dakar).get("/plans/awaiting").json() == []


def test_activity_types_are_listed_for_case_staff(api_as, cast):
    codes = [t["code"] for t in api_as(cast.cm_dakar).get("/plans/activity-types").json()]
    assert "micro_business" in codes and "psychosocial_community" in codes
    assert api_as(cast.partner_dakar).get("/plans/activity-types").status_code == 404


def test_the_plan_api_keeps_a_query_budget(api_as, cast, plan, django_assert_max_num_queries):
    for code in ("housing", "education", "basic_needs"):
        add(cast, plan, code, "10", "USD")
    client = api_as(cast.cm_dakar)
    client.get(f"{base(plan.case)}/1")
    with django_assert_max_num_queries(20):
        assert client.get(f"{base(plan.case)}/1").status_code == 200
    assert Decimal(client.get(f"{base(plan.case)}/1").json()["budget"]["planned"]) == Decimal(
        "608676.30"
    )  # 590 361.30 + 3 × 10 × 610.5
