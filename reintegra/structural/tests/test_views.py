"""Pages as permission stories: own office, sub-office, other office, each role."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reintegra.audit.models import AuditEvent
from reintegra.structural import services
from reintegra.structural.models import Agreement, Stakeholder
from reintegra.structural.tests.conftest import stakeholder

pytestmark = pytest.mark.django_db

LISTS = ["structural:stakeholders", "structural:agreements", "structural:capacity_list", "structural:bodies"]


def _get(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data or {})


def _details(register) -> list[str]:
    return [
        reverse("structural:stakeholder", args=[register.ministry.pk]),
        reverse("structural:agreement", args=[register.agreement.pk]),
        reverse("structural:capacity", args=[register.activity.pk]),
        reverse("structural:body", args=[register.body.pk]),
    ]


def _edits(register) -> list[str]:
    return [
        reverse("structural:stakeholder_edit", args=[register.ministry.pk]),
        reverse("structural:agreement_edit", args=[register.agreement.pk]),
        reverse("structural:capacity_edit", args=[register.activity.pk]),
        reverse("structural:body_edit", args=[register.body.pk]),
    ]


@pytest.mark.parametrize("who", ["sup_dakar", "pm_dakar", "cm_dakar", "me_hq", "cp_dakar"])
def test_the_office_roles_read_every_tab_and_record(client, cast, register, who):
    for name in LISTS:
        assert _get(client, getattr(cast, who), reverse(name)).status_code == 200
    for url in _details(register):
        assert _get(client, getattr(cast, who), url).status_code == 200


@pytest.mark.parametrize("who", ["partner_dakar", "admin", "nobody"])
def test_it_hides_the_pages_from_roles_without_case_work(client, cast, register, who):
    user = getattr(cast, who)
    for url in [reverse(name) for name in LISTS] + _details(register) + _edits(register):
        assert _get(client, user, url).status_code == 404
    assert _get(client, user, reverse("structural:stakeholder_create")).status_code == 404


def test_it_hides_records_from_other_offices(client, cast, register):
    for url in _details(register) + _edits(register):
        assert _get(client, cast.sup_bamako, url).status_code == 404
        assert _get(client, cast.cm_tamba, url).status_code == 404
        assert _get(client, cast.cm_bamako, url).status_code == 404


def test_a_supervisor_lists_own_and_sub_office_stakeholders(client, cast, register):
    response = _get(client, cast.sup_dakar, reverse("structural:stakeholders"))
    names = [s.name for s in response.context["rows"]]
    assert names == ["Centre de formation Jappo", "Mairie de Tambacounda", "Ministère des Sénégalais de l'extérieur"]


def test_a_sub_office_case_manager_lists_only_own_office(client, cast, register):
    response = _get(client, cast.cm_tamba, reverse("structural:stakeholders"))
    assert [s.name for s in response.context["rows"]] == ["Mairie de Tambacounda"]
    assert not response.context["may_create"]


def test_it_filters_by_office_and_text(client, cast, register):
    response = _get(client, cast.me_hq, reverse("structural:stakeholders"), {"office": cast.bamako.pk})
    assert [s.name for s in response.context["rows"]] == ["Direction des Maliens de l'extérieur"]
    response = _get(client, cast.me_hq, reverse("structural:agreements"), {"q": "jappo"})
    assert [a.title for a in response.context["rows"]] == ["LTA formation professionnelle"]
    response = _get(client, cast.me_hq, reverse("structural:bodies"), {"q": "nothing like it"})
    assert response.context["rows"] == []


def test_a_stakeholder_due_for_review_shows_on_the_list(client, cast, register, english_users):
    stakeholder(cast.sup_dakar, cast.dakar, "Chambre de commerce", next_review=timezone.localdate() - timedelta(days=1))
    response = _get(client, cast.cm_dakar, reverse("structural:stakeholders"))
    assert response.context["reviews_due"] == 1
    assert "review due" in response.content.decode()


def test_a_signed_agreement_ending_soon_shows_as_expiring(client, cast, register, english_users):
    today = timezone.localdate()
    data = services.AgreementInput(
        kind="mou",
        title="MoU Mairie",
        valid_from=today - timedelta(days=300),
        valid_to=today + timedelta(days=30),
        parties=[register.ministry],
        status="signed",
    )
    services.agreement_save(actor=cast.sup_dakar, office=cast.dakar, data=data)
    response = _get(client, cast.cm_dakar, reverse("structural:agreements"))
    assert response.content.decode().count("expiring within 60 days") == 1


@pytest.mark.parametrize("who", ["cm_dakar", "me_hq", "cp_dakar"])
def test_readers_see_no_edit_links_and_cannot_edit(client, cast, register, who):
    user = getattr(cast, who)
    response = _get(client, user, reverse("structural:stakeholder", args=[register.ministry.pk]))
    assert response.context["discussion_form"] is None
    assert reverse("structural:stakeholder_edit", args=[register.ministry.pk]).encode() not in response.content
    for url in _edits(register):
        assert _get(client, user, url).status_code == 403
    assert _get(client, user, reverse("structural:agreement_create")).status_code == 404
    client.force_login(user)
    post = client.post(reverse("structural:discussion_add", args=[register.ministry.pk]), {"summary": "x"})
    assert post.status_code == 403


def test_a_programme_manager_adds_a_stakeholder(client, cast):
    client.force_login(cast.pm_dakar)
    data = {
        "office": cast.dakar.pk,
        "name": "Chambre de métiers",
        "type": "private_sector",
        "level": "regional",
        "interest": "high",
        "influence": "medium",
    }
    response = client.post(reverse("structural:stakeholder_create"), data)
    created = Stakeholder.objects.get(name="Chambre de métiers")
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert created.tier == "manage_closely"


def test_nothing_typed_is_lost_on_error(client, cast, register):
    client.force_login(cast.sup_dakar)
    data = {
        "office": cast.dakar.pk,
        "kind": "mou",
        "title": "MoU Ministère",
        "scope": "Référencement des cas",
        "valid_from": "2026-06-01",
        "valid_to": "2026-05-01",
        "status": "draft",
    }
    response = client.post(reverse("structural:agreement_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "valid_to" in form.errors and "parties" in form.errors
    assert "Référencement des cas" in response.content.decode()
    assert not Agreement.objects.filter(title="MoU Ministère").exists()


def test_a_party_from_another_office_is_refused_on_the_form(client, cast, register):
    client.force_login(cast.sup_dakar)
    data = {
        "office": cast.dakar.pk,
        "kind": "mou",
        "title": "MoU Mairie",
        "valid_from": "2026-06-01",
        "status": "draft",
        "parties": [register.tamba.pk],
    }
    response = client.post(reverse("structural:agreement_create"), data)
    assert response.status_code == 400
    assert "parties" in response.context["form"].errors


def test_a_supervisor_edits_an_agreement(client, cast, register):
    client.force_login(cast.sup_dakar)
    data = {
        "kind": "lta",
        "title": "LTA formation professionnelle",
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
        "status": "signed",
        "parties": [register.provider.pk],
    }
    response = client.post(reverse("structural:agreement_edit", args=[register.agreement.pk]), data)
    assert response.status_code == 302
    register.agreement.refresh_from_db()
    assert register.agreement.status == "signed"


def test_a_discussion_is_added_from_the_stakeholder_page(client, cast, register):
    client.force_login(cast.pm_dakar)
    url = reverse("structural:discussion_add", args=[register.ministry.pk])
    response = client.post(url, {"held_on": "2026-03-01", "summary": "Réunion de cadrage", "outputs": "Note"})
    assert response.status_code == 302
    page = client.get(register.ministry.get_absolute_url())
    assert "Réunion de cadrage" in page.content.decode()


def test_a_future_discussion_keeps_what_was_typed(client, cast, register):
    client.force_login(cast.pm_dakar)
    url = reverse("structural:discussion_add", args=[register.ministry.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(url, {"held_on": future, "summary": "Compte rendu à garder"})
    assert response.status_code == 400
    assert "Compte rendu à garder" in response.content.decode()


def test_a_meeting_is_added_and_audited(client, cast, register):
    client.force_login(cast.sup_dakar)
    url = reverse("structural:meeting_add", args=[register.body.pk])
    response = client.post(url, {"held_on": "2026-03-05", "attendees": "MSE, Jappo", "decisions": "Valider les SOP"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.STRUCTURAL_MEETING_ADDED).count() == 1
    assert "Valider les SOP" in client.get(register.body.get_absolute_url()).content.decode()


def test_capacity_activity_and_body_are_created_through_the_pages(client, cast, register):
    client.force_login(cast.sup_dakar)
    data = {
        "office": cast.dakar.pk,
        "institution": register.ministry.pk,
        "level": "national",
        "target": "tangible",
        "activity": "Équipement du guichet",
        "start_date": "2026-04-01",
        "participants": "12",
    }
    assert client.post(reverse("structural:capacity_create"), data).status_code == 302
    data = {
        "office": cast.dakar.pk,
        "name": "GT réintégration",
        "kind": "working_group",
        "members": [register.provider.pk],
    }
    assert client.post(reverse("structural:body_create"), data).status_code == 302


def test_lists_keep_to_a_query_budget(client, cast, register, django_assert_max_num_queries):
    for index in range(5):
        extra = stakeholder(cast.sup_dakar, cast.dakar, f"Acteur {index}")
        services.agreement_save(
            actor=cast.sup_dakar,
            office=cast.dakar,
            data=services.AgreementInput(kind="other", title=f"A{index}", valid_from=date(2026, 1, 1), parties=[extra]),
        )
        services.body_save(
            actor=cast.sup_dakar,
            office=cast.dakar,
            data=services.BodyInput(name=f"B{index}", kind="other", chair=extra, members=[extra]),
        )
        services.capacity_save(
            actor=cast.sup_dakar,
            office=cast.dakar,
            data=services.CapacityInput(
                institution=extra, level="local", target="tangible", activity=f"C{index}", start_date=date(2026, 1, 1)
            ),
        )
    client.force_login(cast.sup_dakar)
    for name in LISTS:
        client.get(reverse(name))  # warm the session and access caches
        with django_assert_max_num_queries(10):
            response = client.get(reverse(name))
        assert response.status_code == 200
        assert len(response.context["rows"]) >= 6


def test_the_pages_speak_french(client, cast, register):
    cast.cm_dakar.language = "fr"
    cast.cm_dakar.save(update_fields=["language"])
    page = _get(client, cast.cm_dakar, reverse("structural:stakeholder", args=[register.ministry.pk])).content.decode()
    assert "Journal des échanges" in page
    assert "Gérer de près" in page
    client.force_login(cast.pm_dakar)
    cast.pm_dakar.language = "fr"
    cast.pm_dakar.save(update_fields=["language"])
    response = client.post(reverse("structural:meeting_add", args=[register.body.pk]), {"held_on": "2026-03-05"})
    assert "Ce champ est obligatoire." in response.content.decode()
