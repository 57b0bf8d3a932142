"""Read-only API with the same rules as the pages."""

import pytest

from reintegra.api.tests.conftest import api_as  # noqa: F401 - fixture
from reintegra.community import services

pytestmark = pytest.mark.django_db


def test_it_lists_communities_in_scope(api_as, cast, place):  # noqa: F811
    response = api_as(cast.sup_dakar).get("/community/communities")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["Gouloumbou", "Pikine"]
    assert [c["name"] for c in api_as(cast.sup_bamako).get("/community/communities").json()] == ["Kati"]


@pytest.mark.parametrize("who", ["partner_dakar", "admin", "nobody"])
def test_it_answers_404_to_roles_without_case_work(api_as, cast, place, who):  # noqa: F811
    client = api_as(getattr(cast, who))
    assert client.get("/community/communities").status_code == 404
    assert client.get(f"/community/communities/{place.community.pk}").status_code == 404
    assert client.get(f"/community/projects/{place.project.pk}").status_code == 404


def test_it_hides_community_from_other_office(api_as, cast, place):  # noqa: F811
    assert api_as(cast.cm_bamako).get(f"/community/communities/{place.community.pk}").status_code == 404
    assert api_as(cast.cm_tamba).get(f"/community/projects/{place.project.pk}").status_code == 404


def test_it_reads_a_community_with_profiles_and_projects(api_as, cast, place):  # noqa: F811
    body = api_as(cast.cm_dakar).get(f"/community/communities/{place.community.pk}").json()
    assert body["return_volume"] == {"last_12_months": 0, "total": 0}
    assert body["profiles"][0]["counts"] == {"met": 7, "partly": 0, "not_met": 0}
    assert body["projects"][0]["title"] == "Fish drying cooperative"


def test_it_pseudonymises_participants_for_me(api_as, cast, place):  # noqa: F811
    case = cast.case(cast.dakar)
    services.returnee_add(actor=cast.sup_dakar, project=place.project, case_number=case.number)
    services.resident_add(actor=cast.sup_dakar, project=place.project, label="Fatou Sow", sex="female")
    identified = api_as(cast.sup_dakar).get(f"/community/projects/{place.project.pk}").json()
    assert identified["participants"][0]["case_number"] == case.number
    assert identified["participants"][1]["label"] == "Fatou Sow"
    response = api_as(cast.me_hq).get(f"/community/projects/{place.project.pk}")
    body = response.json()
    assert body["identified"] is False
    assert "Fatou" not in response.content.decode()
    assert body["participants"][0]["case_number"] is None
    assert body["participants"][0]["pseudonym"] == case.person.pseudonym
    assert body["by_sex"]["female"] == {"returnees": 0, "residents": 1}
