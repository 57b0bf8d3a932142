"""Scoring pages: M&E officers and administrators manage; case managers read; partners and others get 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reintegra.scoring import selectors
from reintegra.scoring.models import Score, ScoringProfile
from reintegra.scoring.tests.factories import provisional_text, rss_response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_users")]
LIST = reverse("scoring:profile_list")
UPLOAD = reverse("scoring:profile_upload")


@pytest.fixture
def default(cast):
    return selectors.default_profile("rss")


def second_version_file(text: str | None = None, name: str = "profile.yaml") -> SimpleUploadedFile:
    text = text or provisional_text().replace('version: "2026.1"', 'version: "2026.2"')
    return SimpleUploadedFile(name, text.encode(), content_type="application/yaml")


@pytest.mark.parametrize("who", ["me_hq", "admin", "cm_dakar", "sup_dakar", "cm_bamako"])
def test_case_roles_and_managers_see_the_profiles(client, cast, default, who, django_assert_max_num_queries):
    client.force_login(getattr(cast, who))
    with django_assert_max_num_queries(8):
        page = client.get(LIST)
    assert page.status_code == 200
    assert b"rss-provisional" in page.content and b"Provisional" in page.content
    detail = client.get(reverse("scoring:profile_detail", args=[default.pk]))
    assert detail.status_code == 200
    assert b"not IOM&#x27;s official scoring" in detail.content
    assert b"e1_economic_satisfaction" in detail.content


@pytest.mark.parametrize("who", ["partner_dakar", "nobody"])
def test_partners_and_users_without_a_role_get_404(client, cast, default, who):
    client.force_login(getattr(cast, who))
    assert client.get(LIST).status_code == 404
    assert client.get(reverse("scoring:profile_detail", args=[default.pk])).status_code == 404
    assert client.get(reverse("scoring:profile_source", args=[default.pk])).status_code == 404
    assert client.post(reverse("scoring:profile_rescore", args=[default.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, default):
    assert client.get(LIST).status_code == 302


@pytest.mark.parametrize("who", ["cm_dakar", "sup_dakar"])
def test_case_managers_and_supervisors_may_not_upload_set_default_or_rescore(client, cast, default, who):
    client.force_login(getattr(cast, who))
    assert client.get(UPLOAD).status_code == 404
    assert client.post(UPLOAD, {"file": second_version_file()}).status_code == 404
    assert client.post(reverse("scoring:profile_make_default", args=[default.pk])).status_code == 404
    assert client.post(reverse("scoring:profile_rescore", args=[default.pk])).status_code == 404
    assert ScoringProfile.objects.count() == 1
    assert b"Load a profile" not in client.get(LIST).content


def test_nav_link_is_for_me_officers_and_administrators(client, cast, default):
    client.force_login(cast.me_hq)
    assert LIST.encode() in client.get(LIST).content
    client.force_login(cast.cm_dakar)
    assert f'href="{LIST}"'.encode() not in client.get(reverse("cases:caseload")).content


def test_me_officer_uploads_a_profile_and_makes_it_default(client, cast, default):
    client.force_login(cast.me_hq)
    response = client.post(UPLOAD, {"file": second_version_file(), "make_default": "on"})
    profile = ScoringProfile.objects.get(version="2026.2")
    assert response.status_code == 302 and response["Location"] == reverse("scoring:profile_detail", args=[profile.pk])
    assert profile.is_default and profile.created_by == cast.me_hq


def test_an_invalid_upload_shows_every_error_and_keeps_the_form(client, cast, default):
    client.force_login(cast.admin)
    text = (
        provisional_text()
        .replace('version: "2026.1"', 'version: "9"')
        .replace("economic: 0.3333333333333333", "economic: 0.5")
    )
    response = client.post(UPLOAD, {"file": second_version_file(text)})
    assert response.status_code == 400
    assert "composite_weights: weights add up to 1.166666667; they must add up to 1." in response.content.decode()
    assert ScoringProfile.objects.count() == 1


def test_upload_refuses_other_file_types(client, cast, default):
    client.force_login(cast.me_hq)
    response = client.post(UPLOAD, {"file": second_version_file(name="profile.exe")})
    assert response.status_code == 400
    assert b"This type of file is not accepted" in response.content


def test_admin_sets_the_default_from_the_detail_page(client, cast, default):
    client.force_login(cast.me_hq)
    client.post(UPLOAD, {"file": second_version_file()})
    new = ScoringProfile.objects.get(version="2026.2")
    client.force_login(cast.admin)
    response = client.post(reverse("scoring:profile_make_default", args=[new.pk]))
    assert response.status_code == 302
    assert selectors.default_profile("rss") == new


def test_rescore_button_scores_responses_in_chunks_and_shows_the_count(client, cast, default, monkeypatch):
    from reintegra.scoring import views

    monkeypatch.setattr(views, "RESCORE_PER_REQUEST", 2)
    case = cast.case(cast.bamako)
    for day in ("2026-02-01", "2026-02-02", "2026-02-03"):
        rss_response(case, cast.sup_bamako, {"e1_economic_satisfaction": "satisfied"}, day=day)
    client.force_login(cast.me_hq)
    url = reverse("scoring:profile_rescore", args=[default.pk])
    first = client.post(url)
    assert first.status_code == 200
    assert "2 responses scored with this profile so far." in first.content.decode()
    assert "1 response still to score." in first.content.decode()
    second = client.post(url, {"done": "2"}, headers={"HX-Request": "true"})
    assert "3 responses scored with this profile so far." in second.content.decode()
    assert "<html" not in second.content.decode()  # the partial only
    assert Score.objects.filter(profile=default).count() == 3


def test_profile_source_downloads_the_file(client, cast, default):
    client.force_login(cast.cm_dakar)
    response = client.get(reverse("scoring:profile_source", args=[default.pk]))
    assert response.status_code == 200 and response.content.decode() == provisional_text()
