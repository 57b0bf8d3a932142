"""Page permission stories: the Plan tab, the plan actions, the lists, uploads and the PDF."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import Stage
from reintegra.plans import services
from reintegra.plans.models import Activity, Disbursement, Plan
from reintegra.plans.tests.world import PLAN_DATE, activity_type, add, configure_programme, new_plan, programme_case
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def awa(cast):
    configure_programme(cast)
    return programme_case(cast, given="Awa", family="Ndiaye", sex="female", assigned_to=cast.cm_dakar)


@pytest.fixture
def plan(cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "micro_business", "900", "EUR", description="Machine à coudre Singer")
    add(cast, plan, "immediate_cash", "300000", "XOF")  # over the cash threshold
    return plan


def tab(case):
    return f"{reverse('cases:case_detail', args=[case.number])}?tab=plan"


def url(name, plan, *args):
    return reverse(f"plans:{name}", args=[plan.case.number, plan.version, *args])


# ------------------------------------------------------------------ the tab


def test_the_case_manager_sees_the_plan_with_its_budget_and_actions(client, cast, plan, english_users):
    page = login(client, cast.cm_dakar).get(tab(plan.case))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Machine à coudre Singer" in text and "Ouvrir un atelier" in text
    assert "890,361.30" in text  # 590 361.30 + 300 000
    assert url("submit", plan) in text and url("activity_add", plan) in text


def test_a_case_without_plan_offers_to_create_one(client, cast, awa, english_users):
    text = login(client, cast.cm_dakar).get(tab(awa)).content.decode()
    assert reverse("plans:create", args=[awa.number]) in text
    assert "was due on" in text  # arrival 10 January + 30 days, long past


def test_me_reads_the_plan_pseudonymised_without_free_text(client, cast, plan):
    page = login(client, cast.me_hq).get(tab(plan.case))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Machine à coudre" not in text and "Ouvrir un atelier" not in text and "Awa" not in text
    assert plan.case.person.pseudonym in text
    assert url("submit", plan) not in text and url("pdf", plan) not in text


@pytest.mark.parametrize("who", ["cm_bamako", "cm_tamba", "partner_dakar", "admin", "nobody", "sup_bamako"])
def test_outsiders_get_404_on_the_tab_and_every_plan_page(client, cast, plan, who):
    login(client, getattr(cast, who))
    assert client.get(tab(plan.case)).status_code == 404
    for name in ("plan", "edit", "pdf", "activity_add", "agreement"):
        assert client.get(url(name, plan)).status_code == 404, name
    assert client.post(url("submit", plan)).status_code == 404
    assert client.get(reverse("plans:create", args=[plan.case.number])).status_code == 404


def test_me_may_not_open_write_pages_or_the_pdf(client, cast, plan):
    login(client, cast.me_hq)
    assert client.get(url("edit", plan)).status_code == 403
    assert client.post(url("submit", plan)).status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT
    assert client.get(url("pdf", plan)).status_code == 404


def test_another_case_manager_of_the_office_does_not_see_an_assigned_case(client, cast, plan):
    assert login(client, cast.cm_dakar2).get(tab(plan.case)).status_code == 404


def test_the_plan_tab_keeps_a_query_budget(client, cast, plan, django_assert_max_num_queries):
    for code in ("housing", "education", "psychosocial_family", "basic_needs"):
        add(cast, plan, code, "1000", "EUR")
    login(client, cast.cm_dakar)
    client.get(tab(plan.case))
    with django_assert_max_num_queries(40):
        assert client.get(tab(plan.case)).status_code == 200


# ------------------------------------------------------------------ the story through the pages


def test_the_story_create_submit_approve_agree_pay(client, cast, awa, english_users):
    login(client, cast.cm_dakar)
    response = client.post(
        reverse("plans:create", args=[awa.number]),
        {"plan_date": PLAN_DATE.isoformat(), "goals": "Atelier de couture", "target_economic": "0.7"},
    )
    assert response.status_code == 302
    plan = Plan.objects.get(case=awa)
    response = client.post(
        url("activity_add", plan),
        {
            "type": activity_type("micro_business").pk,
            "modality": "in_kind",
            "delivery": "direct",
            "estimated_cost": "1600",
            "currency": "EUR",
        },
    )  # 1 049 531.20 XOF: over the cap
    assert response.status_code == 302
    client.post(url("submit", plan))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AWAITING_APPROVAL
    awaiting = login(client, cast.sup_dakar).get(reverse("plans:awaiting")).content.decode()
    assert "exceeds the per-returnee cap" in client.get(tab(awa)).content.decode()
    assert awa.number in awaiting and "Awa" in awaiting
    assert client.post(url("approve", plan), {"note": "OK"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    login(client, cast.cm_dakar)
    response = client.post(
        url("agreement", plan),
        {
            "agreed_on": PLAN_DATE.isoformat(),
            "method": "signed",
            "document": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 signed"),
        },
    )
    assert response.status_code == 302
    activity = plan.activities.get()
    response = client.post(
        url("disbursement_add", plan, activity.pk),
        {
            "paid_on": "2026-03-10",
            "kind": "purchase",
            "amount": "800",
            "currency": "EUR",
            "supplier": "Quincaillerie Touba",
            "certificate": SimpleUploadedFile("remise.png", b"\x89PNG\r\n\x1a\nrest"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    row = Disbursement.objects.get()
    assert row.certificate and not row.returnee_confirmed
    assert client.post(url("confirm", plan, row.pk), {"confirmed_on": "2026-03-11"}).status_code == 302
    row.refresh_from_db()
    assert row.returnee_confirmed
    assert client.get(url("certificate", plan, row.pk)).status_code == 200
    text = client.get(tab(awa)).content.decode()
    assert "524,765.60" in text  # spent: 800 × 655.957


def test_it_suggests_moving_to_implementation_after_approval_through_the_stage_service(client, cast, awa):
    plan = new_plan(cast, awa)
    add(cast, plan, "basic_needs", "1000")
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    login(client, cast.cm_dakar)
    assert reverse("plans:implementation", args=[awa.number]) in client.get(tab(awa)).content.decode()
    assert client.post(reverse("plans:implementation", args=[awa.number])).status_code == 302
    awa.refresh_from_db()
    assert awa.stage == Stage.IMPLEMENTATION
    assert awa.stage_changes.filter(to_stage=Stage.IMPLEMENTATION, actor=cast.cm_dakar).exists()


def test_a_case_manager_cannot_approve_through_the_page(client, cast, plan):
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    assert login(client, cast.cm_dakar).post(url("approve", plan), {"note": ""}).status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.AWAITING_APPROVAL


def test_a_supervisor_of_another_country_does_not_find_the_plan(client, cast, plan):
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    assert login(client, cast.sup_bamako).post(url("approve", plan)).status_code == 404
    assert plan not in login(client, cast.sup_bamako).get(reverse("plans:awaiting")).context["plans"]


# ------------------------------------------------------------------ bad input


def test_bad_activity_input_comes_back_with_what_was_typed(client, cast, plan):
    response = login(client, cast.cm_dakar).post(
        url("activity_add", plan),
        {
            "type": activity_type("vocational_training").pk,
            "modality": "service",
            "delivery": "referral",
            "estimated_cost": "-5",
            "currency": "EURO",
            "description": "Cours du soir",
        },
    )
    assert response.status_code == 400
    assert "Cours du soir" in response.content.decode()
    assert plan.activities.count() == 2


def test_a_referral_needs_a_directory_service(client, cast, plan):
    response = login(client, cast.cm_dakar).post(
        url("activity_add", plan),
        {
            "type": activity_type("vocational_training").pk,
            "modality": "service",
            "delivery": "referral",
            "estimated_cost": "0",
            "currency": "XOF",
        },
    )
    assert response.status_code == 400
    assert "provider_service" in response.context["form"].errors


@pytest.mark.parametrize(
    ("name", "content"),
    [("remise.exe", b"MZ\x90\x00"), ("remise.pdf", b"<html>not a pdf"), ("remise.png", b"%PDF-1.4")],
)
def test_a_certificate_must_be_a_real_pdf_jpeg_or_png(client, cast, plan, name, content):
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    services.plan_approve(actor=cast.sup_dakar, plan=plan)
    activity = plan.activities.first()
    response = login(client, cast.cm_dakar).post(
        url("disbursement_add", plan, activity.pk),
        {
            "paid_on": "2026-03-10",
            "kind": "purchase",
            "amount": "10",
            "currency": "EUR",
            "supplier": "Boutique",
            "certificate": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400
    assert 'value="Boutique"' in response.content.decode()
    assert not Disbursement.objects.exists()


def test_an_oversized_certificate_is_refused(client, cast, plan, settings):
    settings.UPLOAD_MAX_BYTES = 100
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    services.plan_approve(actor=cast.sup_dakar, plan=plan)
    row = services.disbursement_record(
        actor=cast.cm_dakar,
        activity=plan.activities.first(),
        data=services.DisbursementInput(paid_on=PLAN_DATE, amount=Decimal("1"), currency="XOF", kind="purchase"),
    )
    response = login(client, cast.cm_dakar).post(
        url("certificate", plan, row.pk), {"certificate": SimpleUploadedFile("c.pdf", b"%PDF-" + b"x" * 200)}
    )
    assert response.status_code == 400
    assert not Disbursement.objects.get().certificate


@pytest.mark.parametrize(
    "data",
    [{}, {"plan_date": "not a date"}, {"plan_date": "2026-03-01", "target_social": "7"}, {"plan_date": "2999-01-01"}],
)
def test_bad_plan_input_is_a_400_not_a_500(client, cast, awa, data):
    assert login(client, cast.cm_dakar).post(reverse("plans:create", args=[awa.number]), data).status_code == 400


def test_unknown_activity_or_payment_ids_are_404(client, cast, plan):
    login(client, cast.cm_dakar)
    assert client.get(url("activity_edit", plan, 999999)).status_code == 404
    assert client.get(url("certificate", plan, 999999)).status_code == 404
    assert client.get(reverse("plans:plan", args=[plan.case.number, 9])).status_code == 404


def test_a_bad_status_change_is_refused_with_a_message(client, cast, plan):
    activity = plan.activities.first()
    response = login(client, cast.cm_dakar).post(url("activity_status", plan, activity.pk), {"status": "delivered"})
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).status == Activity.Status.PLANNED


# ------------------------------------------------------------------ versions


def test_earlier_versions_stay_readable_after_a_revision(client, cast, plan, english_users):
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    services.plan_approve(actor=cast.sup_dakar, plan=plan)
    v2 = services.plan_revise(actor=cast.cm_dakar, plan=plan, reason="Déménagement")
    login(client, cast.cm_dakar)
    text = client.get(tab(plan.case)).content.decode()
    assert url("plan", plan) in text and "Déménagement" in text
    old = client.get(url("plan", plan))
    assert old.status_code == 200 and "was replaced" in old.content.decode()
    assert url("submit", plan) not in old.content.decode()
    assert v2.activities.count() == 2


# ------------------------------------------------------------------ lists


def test_awaiting_approval_is_for_supervisors_only(client, cast, plan):
    services.plan_submit(actor=cast.cm_dakar, plan=plan)
    assert login(client, cast.cm_dakar).get(reverse("plans:awaiting")).status_code == 404
    assert login(client, cast.me_hq).get(reverse("plans:awaiting")).status_code == 404
    assert login(client, cast.partner_dakar).get(reverse("plans:awaiting")).status_code == 404
    assert login(client, cast.pm_dakar).get(reverse("plans:awaiting")).context["plans"] == [plan]


def test_late_plans_hide_names_from_me(client, cast, awa):
    me = login(client, cast.me_hq).get(reverse("plans:late")).content.decode()
    assert awa.number in me and "Awa" not in me and awa.person.pseudonym in me
    sup = login(client, cast.sup_dakar).get(reverse("plans:late")).content.decode()
    assert "Awa" in sup
    assert login(client, cast.partner_dakar).get(reverse("plans:late")).status_code == 404
    assert login(client, cast.admin).get(reverse("plans:late")).status_code == 404


def test_lists_keep_a_query_budget(client, cast, django_assert_max_num_queries):
    configure_programme(cast)
    for n in range(6):
        case = programme_case(cast, given=f"Person{n}", family="Late", arrival=date(2026, 1, 1 + n))
        plan = new_plan(cast, case, actor=cast.sup_dakar)
        add(cast, plan, "immediate_cash", "300000", actor=cast.sup_dakar)
        if n % 2:
            services.plan_submit(actor=cast.sup_dakar, plan=plan)
    login(client, cast.pm_dakar)
    for name in ("plans:late", "plans:awaiting", "plans:budget", "plans:rates", "plans:home"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name)).status_code == 200, name


def test_rates_are_entered_by_programme_managers_and_read_by_case_staff(client, cast, english_users):
    data = {"programme": cast.programme.pk, "currency": "usd", "rate": "601.25", "valid_from": "2026-04-01"}
    assert login(client, cast.cm_dakar).get(reverse("plans:rates")).context["form"] is None
    assert client.post(reverse("plans:rates"), data).status_code == 404
    assert login(client, cast.pm_dakar).post(reverse("plans:rates"), data).status_code == 302
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXCHANGE_RATE_ENTERED, actor=cast.pm_dakar).exists()
    again = client.post(reverse("plans:rates"), data)
    assert again.status_code == 400 and "already exists" in again.content.decode()
    assert login(client, cast.partner_dakar).get(reverse("plans:rates")).status_code == 404
    assert login(client, cast.admin).get(reverse("plans:rates")).context["form"] is not None
