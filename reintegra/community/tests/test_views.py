"""Pages as permission stories: own office, sub-office, other office, each role."""

from datetime import date

import pytest
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.community import services
from reintegra.community.models import Community, CommunityProject

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_it_lists_own_and_sub_office_communities_to_a_supervisor(client, cast, place):
    response = _get(client, cast.sup_dakar, reverse("community:list"))
    assert response.status_code == 200
    names = [c.name for c in response.context["communities"]]
    assert names == ["Gouloumbou", "Pikine"]


def test_it_lists_only_own_office_communities_to_a_sub_office_case_manager(client, cast, place):
    response = _get(client, cast.cm_tamba, reverse("community:list"))
    assert [c.name for c in response.context["communities"]] == ["Gouloumbou"]


def test_it_filters_by_office_and_text(client, cast, place):
    client.force_login(cast.me_hq)
    response = client.get(reverse("community:list"), {"office": cast.bamako.pk})
    assert [c.name for c in response.context["communities"]] == ["Kati"]
    response = client.get(reverse("community:list"), {"q": "herd"})
    assert [c.name for c in response.context["communities"]] == ["Gouloumbou"]


@pytest.mark.parametrize("who", ["partner_dakar", "admin", "nobody"])
def test_it_hides_the_pages_from_roles_without_case_work(client, cast, place, who):
    user = getattr(cast, who)
    for url in (
        reverse("community:list"),
        reverse("community:community", args=[place.community.pk]),
        reverse("community:project", args=[place.project.pk]),
    ):
        assert _get(client, user, url).status_code == 404


def test_it_hides_community_from_other_office(client, cast, place):
    assert _get(client, cast.sup_bamako, reverse("community:community", args=[place.community.pk])).status_code == 404
    assert _get(client, cast.cm_bamako, reverse("community:project", args=[place.project.pk])).status_code == 404
    assert _get(client, cast.cm_tamba, reverse("community:community", args=[place.community.pk])).status_code == 404


def test_it_shows_the_community_with_profile_volume_and_projects(client, cast, place):
    response = _get(client, cast.cm_dakar, reverse("community:community", args=[place.community.pk]))
    assert response.status_code == 200
    assert response.context["may_edit"]
    assert response.context["volume"].total == 0
    assert b"Youth unemployment" in response.content
    assert b"Fish drying cooperative" in response.content


def test_me_reads_without_edit_links(client, cast, place):
    response = _get(client, cast.me_hq, reverse("community:community", args=[place.community.pk]))
    assert response.status_code == 200
    assert not response.context["may_edit"]
    assert reverse("community:community_edit", args=[place.community.pk]).encode() not in response.content


def test_me_cannot_open_the_edit_form(client, cast, place):
    response = _get(client, cast.me_hq, reverse("community:community_edit", args=[place.community.pk]))
    assert response.status_code == 403


def test_case_manager_creates_a_community(client, cast):
    client.force_login(cast.cm_dakar)
    data = {"office": cast.dakar.pk, "name": "Rufisque", "country": "sn", "region": "Dakar"}
    response = client.post(reverse("community:community_create"), data)
    community = Community.objects.get(name="Rufisque")
    assert response.status_code == 302
    assert community.country == "SN"
    assert AuditEvent.objects.filter(event_type="community.saved", subject_id=str(community.pk)).exists()


def test_it_keeps_what_was_typed_on_error(client, cast, place):
    client.force_login(cast.cm_dakar)
    data = {"office": cast.dakar.pk, "name": "pikine", "description": "Typed text", "country": "SN"}
    response = client.post(reverse("community:community_create"), data)
    assert response.status_code == 400
    assert b"Typed text" in response.content
    assert response.context["form"].errors


def test_it_refuses_an_office_outside_the_user_scope(client, cast):
    client.force_login(cast.cm_dakar)
    data = {"office": cast.bamako.pk, "name": "Kayes", "country": "ML"}
    assert client.post(reverse("community:community_create"), data).status_code == 400
    assert not Community.objects.filter(name="Kayes").exists()


def test_profile_form_starts_from_the_current_profile_and_validates(client, cast, place):
    client.force_login(cast.sup_dakar)
    url = reverse("community:profile_create", args=[place.community.pk])
    response = client.get(url)
    assert response.context["form"]["drivers"].value() == "Youth unemployment"
    response = client.post(url, {"profiled_on": "2026-02-01", "barriers": "Land access", "rating_1": "met"})
    assert response.status_code == 400
    assert b"Land access" in response.content
    data = {"profiled_on": "2026-02-01", **{f"rating_{n}": "partly" for n in range(1, 8)}, "note_3": "Youth keen"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert place.community.profiles.count() == 2


def test_older_profiles_stay_readable(client, cast, place):
    profile = place.community.profiles.get()
    assert _get(client, cast.me_hq, reverse("community:profile", args=[profile.pk])).status_code == 200
    assert _get(client, cast.sup_bamako, reverse("community:profile", args=[profile.pk])).status_code == 404


def test_programme_manager_adds_and_edits_a_project(client, cast, place):
    client.force_login(cast.pm_dakar)
    data = {
        "programme": cast.programme.pk,
        "title": "Youth centre",
        "approach": "inclusion",
        "dimension": "psychosocial",
        "status": "planned",
        "budget": "150000",
        "start_date": "2026-03-01",
        "end_date": "2026-02-01",
    }
    response = client.post(reverse("community:project_create", args=[place.community.pk]), data)
    assert response.status_code == 400
    assert b"Youth centre" in response.content
    data["end_date"] = "2026-12-31"
    response = client.post(reverse("community:project_create", args=[place.community.pk]), data)
    assert response.status_code == 302
    project = CommunityProject.objects.get(title="Youth centre")
    data["status"] = "in_progress"
    response = client.post(reverse("community:project_edit", args=[project.pk]), data)
    project.refresh_from_db()
    assert project.status == "in_progress"
    assert AuditEvent.objects.filter(event_type="community.project_saved", subject_id=str(project.pk)).count() == 2


def test_case_manager_adds_returnee_and_resident_then_removes_one(client, cast, place):
    case = cast.case(cast.dakar)
    client.force_login(cast.cm_dakar)
    response = client.post(reverse("community:returnee_add", args=[place.project.pk]), {"case_number": case.number})
    assert response.status_code == 302
    response = client.post(reverse("community:resident_add", args=[place.project.pk]), {"label": "", "sex": "male"})
    assert response.status_code == 400
    response = client.post(
        reverse("community:resident_add", args=[place.project.pk]), {"label": "F. S.", "sex": "female"}
    )
    assert response.status_code == 302
    page = client.get(reverse("community:project", args=[place.project.pk]))
    assert page.context["counts"].ratio == "1:1"
    assert b"Mamadou Diallo" in page.content and b"F. S." in page.content
    resident = place.project.participants.get(case__isnull=True)
    response = client.post(reverse("community:participant_remove", args=[place.project.pk, resident.pk]))
    assert response.status_code == 302
    assert place.project.participants.count() == 1


def test_it_refuses_a_case_outside_the_caseload(client, cast, place):
    other = cast.case(cast.bamako, given="Seydou", family="Keita")
    client.force_login(cast.cm_dakar)
    response = client.post(reverse("community:returnee_add", args=[place.project.pk]), {"case_number": other.number})
    assert response.status_code == 400
    assert other.number.encode() in response.content  # what was typed stays
    assert not place.project.participants.exists()


def test_me_sees_pseudonyms_and_no_resident_names(client, cast, place):
    case = cast.case(cast.dakar)
    services.returnee_add(actor=cast.sup_dakar, project=place.project, case_number=case.number)
    services.resident_add(actor=cast.sup_dakar, project=place.project, label="Fatou Sow", sex="female")
    response = _get(client, cast.me_hq, reverse("community:project", args=[place.project.pk]))
    assert response.status_code == 200
    assert b"Mamadou" not in response.content and b"Fatou" not in response.content
    assert case.person.pseudonym.encode() in response.content
    assert response.context["returnee_form"] is None


def test_me_cannot_add_participants(client, cast, place):
    client.force_login(cast.me_hq)
    response = client.post(reverse("community:resident_add", args=[place.project.pk]), {"label": "X"})
    assert response.status_code == 403
    assert not place.project.participants.exists()


def test_the_case_file_lists_the_community_projects(client, cast, place):
    case = cast.case(cast.dakar)
    services.returnee_add(actor=cast.sup_dakar, project=place.project, case_number=case.number)
    client.force_login(cast.sup_dakar)
    response = client.get(reverse("cases:case_detail", args=[case.number]), {"tab": "community"})
    assert response.status_code == 200
    assert b"Fish drying cooperative" in response.content


def test_the_community_list_keeps_a_query_budget(client, cast, place, django_assert_max_num_queries):
    for n in range(5):
        services.community_save(
            actor=cast.sup_dakar, office=cast.dakar, data=services.CommunityInput(name=f"C{n}", social_group="g")
        )
    client.force_login(cast.sup_dakar)
    client.get(reverse("community:list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("community:list")).status_code == 200


def test_the_project_page_keeps_a_query_budget(client, cast, place, django_assert_max_num_queries):
    for given in ("Awa", "Binta", "Coumba"):
        case = cast.case(cast.dakar, given=given, birth=date(1990, 1, 1))
        services.returnee_add(actor=cast.sup_dakar, project=place.project, case_number=case.number)
    client.force_login(cast.sup_dakar)
    client.get(reverse("community:project", args=[place.project.pk]))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("community:project", args=[place.project.pk])).status_code == 200


def test_pages_render_in_french(client, cast, place):
    cast.sup_dakar.language = "fr"
    cast.sup_dakar.save()
    client.force_login(cast.sup_dakar)
    assert (
        "Volume des retours" in client.get(reverse("community:community", args=[place.community.pk])).content.decode()
    )
    assert (
        "Résidents non migrants"
        not in client.get(reverse("community:project", args=[place.project.pk])).content.decode()
    )
    assert (
        "Ajouter un résident non migrant"
        in client.get(reverse("community:project", args=[place.project.pk])).content.decode()
    )
