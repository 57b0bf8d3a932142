"""Read-only API with the same rules as the pages."""

import pytest

from reintegra.api.tests.conftest import api_as  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

PATHS = ["/structural/stakeholders", "/structural/agreements", "/structural/coordination-bodies"]


def test_it_lists_stakeholders_in_scope_with_their_tier(api_as, cast, register):  # noqa: F811
    body = api_as(cast.sup_dakar).get("/structural/stakeholders").json()
    assert [s["name"] for s in body] == [
        "Centre de formation Jappo",
        "Mairie de Tambacounda",
        "Ministère des Sénégalais de l'extérieur",
    ]
    assert body[2]["tier"] == "manage_closely"
    assert [s["office"] for s in api_as(cast.cm_tamba).get("/structural/stakeholders").json()] == ["TBA"]


def test_it_filters_by_office_code_and_text(api_as, cast, register):  # noqa: F811
    client = api_as(cast.me_hq)
    assert len(client.get("/structural/stakeholders", {"office": "bko"}).json()) == 1
    assert [a["title"] for a in client.get("/structural/agreements", {"q": "jappo"}).json()] == [
        "LTA formation professionnelle"
    ]


def test_it_lists_agreements_and_bodies_with_their_stakeholders(api_as, cast, register):  # noqa: F811
    agreement = api_as(cast.cm_dakar).get("/structural/agreements").json()[0]
    assert agreement["parties"] == [{"id": register.provider.pk, "name": "Centre de formation Jappo"}]
    assert agreement["expiring_soon"] is False
    body = api_as(cast.cp_dakar).get("/structural/coordination-bodies").json()[0]
    assert body["chair"]["id"] == register.ministry.pk
    assert body["member_count"] == 2


def test_other_offices_see_none_of_it(api_as, cast, register):  # noqa: F811
    client = api_as(cast.cm_bamako)
    assert client.get("/structural/agreements").json() == []
    assert client.get("/structural/coordination-bodies").json() == []
    assert [s["office"] for s in client.get("/structural/stakeholders").json()] == ["BKO"]


@pytest.mark.parametrize("who", ["partner_dakar", "admin", "nobody"])
def test_it_answers_404_to_roles_without_case_work(api_as, cast, register, who):  # noqa: F811
    for path in PATHS:
        assert api_as(getattr(cast, who)).get(path).status_code == 404
