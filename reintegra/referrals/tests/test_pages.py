"""Referral pages as permission stories: the case tab, sending with a preview, the referral page, the
partner inbox and answers, the overdue list, the desk, the referral form PDF, the user form flag."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import ConsentPurpose, Task
from reintegra.cases.services import task_create
from reintegra.referrals import services
from reintegra.referrals.models import Referral, Status
from reintegra.referrals.tests.conftest import AMINATA_PHONE, NOW, TODAY, give_sharing_consent, send
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.usefixtures("english_users")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def create_url(case, activity=None) -> str:
    url = reverse("referrals:create", args=[case.number])
    return f"{url}?activity={activity.pk}" if activity else url


def form_data(world, **extra) -> dict:
    data = {
        "service": world.directory.tailoring.pk,
        "activity": world.activity.pk,
        "need_summary": "Formation couture de six mois.",
        "shared_fields": ["name", "phone", "need_summary"],
        "action": "preview",
    }
    data.update(extra)
    return data


# ------------------------------------------------------------------ case tab and sending


def test_the_case_tab_lists_referrals_and_offers_the_plan_activity(cast, world, english_users):
    referral = send(cast.cm_dakar, world.awa, world.directory.counselling)
    response = client_for(cast.cm_dakar).get(world.awa.get_absolute_url() + "?tab=referrals")
    assert response.status_code == 200
    body = response.content.decode()
    assert referral.reference in body and "Écoute et conseil" in body
    assert create_url(world.awa, world.activity).replace("&", "&amp;") in body


def test_pseudonymised_roles_see_the_tab_without_the_send_button(cast, world):
    send(cast.cm_dakar, world.awa, world.directory.counselling)
    response = client_for(cast.me_hq).get(world.awa.get_absolute_url() + "?tab=referrals")
    assert response.status_code == 200
    assert reverse("referrals:create", args=[world.awa.number]) not in response.content.decode()


def test_the_form_suggests_the_activitys_provider_filtered_by_area_and_category(cast, world):
    response = client_for(cast.cm_dakar).get(create_url(world.awa, world.activity))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Formation couture" in body  # tvet in SN/Dakar
    assert "Écoute et conseil" not in body  # counselling: another category
    assert f'value="{world.directory.tailoring.pk}" id="service-{world.directory.tailoring.pk}" checked' in body


def test_preview_shows_the_exact_package_then_send_freezes_it(cast, world):
    client = client_for(cast.cm_dakar)
    preview = client.post(create_url(world.awa), form_data(world))
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Awa Ndiaye" in body and "+221 77 111 22 33" in body and "Pikine" not in body
    digest = preview.context["digest"]
    assert not Referral.objects.filter(case=world.awa).exists()
    sent = client.post(create_url(world.awa), form_data(world, action="send", digest=digest))
    referral = Referral.objects.get(case=world.awa)
    assert sent.status_code == 302 and sent["Location"] == referral.get_absolute_url()
    assert referral.activity == world.activity and referral.shared_fields == ["name", "phone", "need_summary"]


def test_a_changed_case_after_the_preview_sends_nothing_and_says_so(cast, world):
    client = client_for(cast.cm_dakar)
    response = client.post(create_url(world.awa), form_data(world, action="send", digest="0" * 32))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Referral.objects.filter(case=world.awa).exists()


def test_without_consent_the_form_explains_and_refuses(cast, world, english_users):
    case = cast.case(cast.dakar, given="Khady", family="Fall", assigned_to=cast.cm_dakar)
    client = client_for(cast.cm_dakar)
    page = client.get(create_url(case))
    assert "Only a mental-health professional" in page.content.decode()
    assert "override_reason" not in page.content.decode()
    response = client.post(create_url(case), form_data(world, activity="", action="send"))
    assert response.status_code == 400
    assert "consent" in response.content.decode()
    # Posting an exception as an ordinary case manager is ignored: the form has no such fields.
    response = client.post(
        create_url(case),
        form_data(world, activity="", action="send", override_reason="life_at_risk", override_justification="x" * 40),
    )
    assert response.status_code == 400
    assert not Referral.objects.filter(case=case).exists()


def test_a_professional_sends_without_consent_from_the_page(cast, world):
    cast.cm_dakar.is_mental_health_professional = True
    cast.cm_dakar.professional_qualification = "Psychiatre"
    cast.cm_dakar.save()
    case = cast.case(cast.dakar, given="Khady", family="Fall", assigned_to=cast.cm_dakar)
    data = form_data(
        world,
        service=world.directory.counselling.pk,
        activity="",
        action="send",
        override_reason="mental_disability",
        override_justification="Trouble psychotique aigu; ne peut pas consentir aujourd'hui.",
    )
    response = client_for(cast.cm_dakar).post(create_url(case), data)
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert referral.override_reason == "mental_disability" and referral.override_qualification == "Psychiatre"


@pytest.mark.parametrize(
    "data",
    [
        {"service": "abc"},
        {"service": "999999"},
        {"service": ""},
        {"shared_fields": ["ssn"]},
        {"shared_fields": []},
        {"need_summary": ""},
        {"need_summary": "x" * 2001},
        {"activity": "999999"},
        {"activity": "abc"},
    ],
)
def test_bad_input_keeps_what_was_typed_and_answers_400(cast, world, data):
    response = client_for(cast.cm_dakar).post(create_url(world.awa), form_data(world, **data))
    assert response.status_code == 400
    assert not Referral.objects.filter(case=world.awa).exists()


def test_a_service_of_the_search_can_be_another_organisations(cast, world):
    response = client_for(cast.cm_dakar).post(
        create_url(world.awa), form_data(world, activity="", service=world.directory.id_cards.pk, action="send")
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["cm_bamako", "partner_dakar", "admin", "nobody"])
def test_outsiders_cannot_open_the_referral_form(cast, world, who):
    assert client_for(getattr(cast, who)).get(create_url(world.awa)).status_code == 404


def test_pseudonymised_roles_may_not_refer(cast, world):
    assert client_for(cast.me_hq).get(create_url(world.awa)).status_code == 403


# ------------------------------------------------------------------ the referral page


def test_the_referring_office_reads_the_package_basis_and_history(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    services.referral_accept(actor=cast.partner_dakar, referral=referral, note="Bienvenue.")
    response = client_for(cast.sup_dakar).get(referral.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Awa Ndiaye" in body and "Bienvenue." in body and reverse("referrals:pdf", args=[referral.pk]) in body


def test_pseudonymised_roles_see_the_referral_without_the_package(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    response = client_for(cast.me_hq).get(referral.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Awa" not in body and "+221" not in body and world.awa.person.pseudonym in body
    assert client_for(cast.me_hq).get(reverse("referrals:pdf", args=[referral.pk])).status_code == 404


@pytest.mark.parametrize("who", ["cm_bamako", "sup_bamako", "partner_dakar", "admin", "nobody", "cm_tamba"])
def test_others_get_404_on_the_referral_page(cast, world, who):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    assert client_for(getattr(cast, who)).get(referral.get_absolute_url()).status_code == 404


def test_the_office_marks_no_response_after_the_deadline(cast, world, time_machine):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    client = client_for(cast.cm_dakar)
    url = reverse("referrals:move", args=[referral.pk])
    assert client.post(url, {"status": "no_response"}).status_code == 400
    time_machine.move_to(TODAY + timedelta(days=4), tick=False)
    client = client_for(cast.cm_dakar)  # the session of four days ago has expired
    assert client.post(url, {"status": "no_response", "note": "Deux appels."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.NO_RESPONSE
    assert client.post(url, {"status": "accepted"}).status_code == 400
    assert client_for(cast.cm_bamako).post(url, {"status": "cancelled", "note": "x"}).status_code == 404


def test_the_office_cancels_with_a_reason(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    client = client_for(cast.cm_dakar)
    url = reverse("referrals:move", args=[referral.pk])
    assert client.post(url, {"status": "cancelled"}).status_code == 400
    assert client.post(url, {"status": "cancelled", "note": "A déménagé."}).status_code == 302
    assert client_for(cast.me_hq).post(url, {"status": "cancelled", "note": "x"}).status_code == 403


# ------------------------------------------------------------------ partner inbox


def test_partners_land_on_their_inbox_after_signing_in(cast, world):
    response = Client().post(reverse("accounts:login"), {"username": "partner.dakar", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("referrals:inbox")


def test_the_inbox_shows_only_referrals_to_the_partners_organisation(cast, world, django_assert_max_num_queries):
    for _ in range(5):
        send(cast.cm_dakar, world.awa, world.directory.tailoring)
    client = client_for(cast.partner_dakar)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("referrals:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Formation couture") == 5
    assert world.secret_referral.reference not in body
    assert "Aminata" not in body and "Awa" not in body and world.awa.number not in body


@pytest.mark.parametrize("who", ["cm_dakar", "sup_dakar", "admin", "me_hq", "nobody"])
def test_staff_have_no_inbox(cast, world, who):
    assert client_for(getattr(cast, who)).get(reverse("referrals:inbox")).status_code == 404


def test_the_partner_reads_only_the_package_and_it_is_audited(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring, fields=["name", "need_summary"])
    response = client_for(cast.partner_dakar).get(reverse("referrals:partner_detail", args=[referral.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Awa Ndiaye" in body
    assert "+221" not in body and world.awa.number not in body and "Pikine" not in body
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.REFERRAL_VIEWED, actor=cast.partner_dakar).count() == 1


def test_the_partner_cannot_open_another_organisations_referral(cast, world):
    client = client_for(cast.partner_dakar)
    pk = world.secret_referral.pk
    assert client.get(reverse("referrals:partner_detail", args=[pk])).status_code == 404
    assert client.post(reverse("referrals:partner_action", args=[pk, "accept"])).status_code == 404
    assert client.get(reverse("referrals:partner_pdf", args=[pk])).status_code == 404


def test_the_partner_accepts_updates_and_completes_from_the_page(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    client = client_for(cast.partner_dakar)

    def act(action, note=""):
        return client.post(reverse("referrals:partner_action", args=[referral.pk, action]), {f"{action}-note": note})

    assert act("complete", "Trop tôt").status_code == 400
    assert act("accept").status_code == 302
    assert act("update").status_code == 400  # a note is needed
    assert act("update", "Inscrite.").status_code == 302
    assert act("complete", "Formation terminée avec succès.").status_code == 302
    assert act("dance", "x").status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED


def test_the_partner_declines_with_a_reason(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    client = client_for(cast.partner_dakar)
    url = reverse("referrals:partner_action", args=[referral.pk, "decline"])
    response = client.post(url, {"decline-note": ""})
    assert response.status_code == 400
    assert client.post(url, {"decline-note": "Session complète."}).status_code == 302
    assert client.get(url).status_code == 405


# ------------------------------------------------------------------ PDF


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_referral_form_pdf_holds_only_the_package(cast, world, lang):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring, fields=["name", "sex", "need_summary"])
    from reintegra.referrals import pdf

    html = pdf.referral_html(None, referral, lang)
    assert f'<html lang="{lang}">' in html and "Awa Ndiaye" in html and referral.reference in html
    assert "+221" not in html and world.awa.number not in html
    response = client_for(cast.cm_dakar).get(reverse("referrals:pdf", args=[referral.pk]) + f"?lang={lang}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(pdf.render_document(html).pages) == 1
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.REFERRAL_PRINTED).count() == 1


def test_the_partner_downloads_the_form_too(cast, world):
    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    response = client_for(cast.partner_dakar).get(reverse("referrals:partner_pdf", args=[referral.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# ------------------------------------------------------------------ overdue and desk


def test_the_overdue_page_lists_late_referrals_of_my_scope(cast, world, time_machine, django_assert_max_num_queries):
    for _ in range(4):
        send(cast.cm_dakar, world.awa, world.directory.tailoring)
    time_machine.move_to(TODAY + timedelta(days=4), tick=False)
    client = client_for(cast.cm_dakar)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("referrals:overdue"))
    assert response.status_code == 200
    assert response.content.decode().count("Formation couture") == 4
    assert client_for(cast.cm_bamako).get(reverse("referrals:overdue")).context["unanswered"] == []
    assert client_for(cast.partner_dakar).get(reverse("referrals:overdue")).status_code == 404


def test_the_desk_gathers_what_needs_doing(cast, world, time_machine, django_assert_max_num_queries):
    give_sharing_consent(cast, world.awa, purpose=ConsentPurpose.MONITORING)
    for days in (-2, 3, 30):
        task_create(actor=cast.cm_dakar, case=world.awa, title=f"Tâche {days}", due_date=TODAY + timedelta(days=days))
    task_create(
        actor=cast.cm_dakar,
        case=world.awa,
        title="Appel de suivi",
        due_date=TODAY + timedelta(days=10),
        kind=Task.Kind.FOLLOW_UP_CONTACT,
    )
    late = send(cast.cm_dakar, world.awa, world.directory.tailoring)
    time_machine.move_to(TODAY + timedelta(days=4), tick=False)
    client = client_for(cast.cm_dakar)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("referrals:desk"))
    assert response.status_code == 200
    desk = response.context["desk"]
    assert [t.title for t in desk.tasks] == ["Tâche -2", "Tâche 3"]
    assert [t.title for t in desk.follow_ups] == ["Appel de suivi"]
    assert late in desk.referrals
    assert "My desk" in response.content.decode() or "Mon bureau" in response.content.decode()


def test_the_desk_lists_plans_awaiting_approval_for_supervisors(cast, world):
    from reintegra.plans.models import Plan

    Plan.objects.filter(pk=world.activity.plan_id).update(status=Plan.Status.AWAITING_APPROVAL, submitted_at=NOW)
    response = client_for(cast.sup_dakar).get(reverse("referrals:desk"))
    assert [p.pk for p in response.context["desk"].plans_awaiting] == [world.activity.plan_id]
    assert client_for(cast.cm_dakar).get(reverse("referrals:desk")).context["supervises"] is False


@pytest.mark.parametrize("who", ["me_hq", "partner_dakar", "admin", "nobody"])
def test_the_desk_is_for_casework_roles(cast, world, who):
    assert client_for(getattr(cast, who)).get(reverse("referrals:desk")).status_code == 404


def test_the_desk_never_names_cases_outside_my_scope(cast, world):
    task_create(
        actor=cast.sup_bamako, case=cast.case(cast.bamako, given="Seydou", family="Keita"), title="x", due_date=TODAY
    )
    body = client_for(cast.cm_dakar).get(reverse("referrals:desk")).content.decode()
    assert "Seydou" not in body and AMINATA_PHONE not in body


# ------------------------------------------------------------------ the user form flag


def test_an_administrator_flags_a_mental_health_professional(cast, world):
    client = client_for(cast.admin)
    url = reverse("accounts:user_edit", args=[cast.cm_dakar.pk])
    data = {
        "first_name": "Cm",
        "last_name": "Dakar",
        "email": "",
        "language": "",
        "organisation": "",
        "is_active": "on",
        "is_mental_health_professional": "on",
        "professional_qualification": "",
        "memberships": [f"{cast.dakar.pk}:case_manager"],
    }
    assert client.post(url, data).status_code == 400
    data["professional_qualification"] = "Psychologue clinicien"
    assert client.post(url, data).status_code == 302
    cast.cm_dakar.refresh_from_db()
    assert cast.cm_dakar.is_mental_health_professional
    event = AuditEvent.objects.filter(event_type=AuditEvent.Type.USER_UPDATED, subject_id=str(cast.cm_dakar.pk)).last()
    assert event.changes["is_mental_health_professional"] == [False, True]


def test_sending_from_the_preview_page_posts_back_exactly_what_was_previewed(cast, world):
    import html
    import re

    client = client_for(cast.cm_dakar)
    preview = client.post(create_url(world.awa), form_data(world, shared_fields=["name", "languages", "need_summary"]))
    inputs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', preview.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in inputs:
        data.setdefault(name, []).append(html.unescape(value))
    data["action"] = ["send"]
    response = client.post(create_url(world.awa), data)
    assert response.status_code == 302
    referral = Referral.objects.get(case=world.awa)
    assert referral.shared_fields == ["name", "need_summary", "languages"]
    assert referral.shared_snapshot == preview.context["package"]


@pytest.mark.parametrize(
    "url",
    [
        "/referrals/99999999999999999999999/",
        "/referrals/99999999999999999999999/status/",
        "/referrals/99999999999999999999999/form.pdf",
        "/partner/referrals/99999999999999999999999/",
        "/partner/referrals/99999999999999999999999/accept/",
        "/partner/referrals/?status=zzz&page=abc",
        "/partner/referrals/?page=999",
        "/referrals/case/NO-SUCH-CASE/new/",
    ],
)
@pytest.mark.parametrize("who", ["cm_dakar", "partner_dakar"])
def test_odd_urls_are_4xx_never_500(cast, world, url, who):
    client = Client(raise_request_exception=False)
    client.force_login(getattr(cast, who))
    for response in (client.get(url), client.post(url, {"status": "zzz", "accept-note": "x" * 5000})):
        assert response.status_code < 500
