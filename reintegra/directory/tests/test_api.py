"""Permission stories for /api/v1/directory: each role, partners, anonymous; writes for managers only."""

import pytest

from reintegra.audit.models import AuditEvent
from reintegra.directory.models import Service

READERS = ["admin", "cm_dakar", "cm_tamba", "cm_bamako", "sup_dakar", "pm_dakar", "me_hq", "cp_dakar"]


@pytest.mark.parametrize("who", READERS)
def test_staff_list_every_service(api_as, cast, directory, who):
    response = api_as(getattr(cast, who)).get("/directory/services")
    assert response.status_code == 200
    assert response.json()["count"] == 4


def test_a_partner_lists_only_their_organisation(api_as, cast, directory):
    client = api_as(cast.partner_dakar)
    body = client.get("/directory/services").json()
    assert {item["organisation"]["name"] for item in body["items"]} == {"ONG Jappo"}
    assert client.get(f"/directory/services/{directory.clinic_care.pk}").status_code == 404
    assert client.get(f"/directory/organisations/{directory.clinic.pk}").status_code == 404
    assert [o["name"] for o in client.get("/directory/organisations").json()] == ["ONG Jappo"]


def test_a_user_without_membership_is_refused(api_as, cast, directory):
    client = api_as(cast.nobody)
    assert client.get("/directory/services").status_code == 403
    assert client.get("/directory/organisations").status_code == 403


@pytest.mark.parametrize("path", ["/directory/services", "/directory/services/1", "/directory/organisations"])
def test_anonymous_requests_get_401(api_as, directory, path):
    assert api_as(None).get(path).status_code == 401


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "SN", "region": "Thiès"}, {"Cartes d'identité", "Écoute et conseil"}),
        ({"category": "tvet"}, {"Formation couture"}),
        ({"dimension": "psychosocial"}, {"Soins de santé mentale", "Écoute et conseil"}),
        ({"q": "clinique"}, {"Soins de santé mentale"}),
    ],
)
def test_the_service_list_takes_the_page_filters(api_as, cast, directory, params, expected):
    body = api_as(cast.cm_dakar).get("/directory/services", params).json()
    assert {item["name"] for item in body["items"]} == expected


def test_a_bad_filter_is_a_400_with_the_field(api_as, cast, directory):
    response = api_as(cast.cm_dakar).get("/directory/services", {"dimension": "spiritual"})
    assert response.status_code == 400
    assert [key.rsplit(".", 1)[-1] for key in response.json()["errors"]] == ["dimension"]


def test_a_service_reads_with_its_first_response_deadline(api_as, cast, directory):
    body = api_as(cast.cm_dakar).get(f"/directory/services/{directory.tailoring.pk}").json()
    assert body["first_response_days"] == 3 and body["response_days"] == 10
    assert body["dimensions"] == ["economic"]
    assert body["areas"] == [{"country": "SN", "region": "Dakar", "district": ""}]


def new_service(organisation_id, **changes):
    data = {
        "organisation": organisation_id,
        "name": "Logement social",
        "categories": ["housing"],
        "areas": [{"country": "SN"}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("who", "entry", "status"),
    [
        ("pm_dakar", "jappo", 201),
        ("admin", "clinic", 201),
        ("admin", "ministry", 201),
        ("pm_dakar", "clinic", 403),
        ("pm_dakar", "ministry", 403),
        ("sup_dakar", "jappo", 403),
        ("cm_dakar", "jappo", 403),
        ("partner_dakar", "jappo", 403),
        ("partner_dakar", "clinic", 404),
    ],
)
def test_who_may_add_a_service(api_as, cast, directory, who, entry, status):
    response = api_as(getattr(cast, who)).post("/directory/services", new_service(getattr(directory, entry).pk))
    assert response.status_code == status, response.json()


def test_adding_a_service_is_audited(api_as, cast, directory):
    body = api_as(cast.pm_dakar).post("/directory/services", new_service(directory.jappo.pk)).json()
    assert AuditEvent.objects.filter(subject_type="directory.service", subject_id=str(body["id"])).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"categories": ["knitting"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"areas": [{"country": "SN", "district": "Pikine"}]}, "areas"),
        ({"name": "FORMATION couture"}, "name"),
        ({"response_days": 0}, "response_days"),
        ({"cost": "cheap"}, "cost"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_service_input_is_a_400_with_the_field(api_as, cast, directory, changes, field):
    response = api_as(cast.pm_dakar).post("/directory/services", new_service(directory.jappo.pk, **changes))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_manager_patches_a_service(api_as, cast, directory):
    client = api_as(cast.pm_dakar)
    response = client.patch(
        f"/directory/services/{directory.tailoring.pk}", {"cost": "paid", "categories": ["tvet", "job_placement"]}
    )
    assert response.status_code == 200
    assert response.json()["cost"] == "paid"
    assert Service.objects.get(pk=directory.tailoring.pk).categories.count() == 2
    assert client.patch(f"/directory/services/{directory.tailoring.pk}", {"name": None}).status_code == 400


@pytest.mark.parametrize(
    ("who", "status"), [("pm_dakar", 200), ("admin", 200), ("sup_dakar", 403), ("pm_dakar_on_clinic", 403)]
)
def test_who_may_patch_an_organisation(api_as, cast, directory, who, status):
    user, organisation = (
        (cast.pm_dakar, directory.clinic) if who == "pm_dakar_on_clinic" else (getattr(cast, who), directory.jappo)
    )
    response = api_as(user).patch(f"/directory/organisations/{organisation.pk}", {"phone": "+221 33 821 00 00"})
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "office", "status"),
    [
        ("pm_dakar", "dakar", 201),
        ("pm_dakar", "tamba", 201),
        ("pm_dakar", "bamako", 403),
        ("pm_dakar", None, 403),
        ("admin", None, 201),
        ("cm_dakar", "dakar", 403),
    ],
)
def test_who_may_add_an_organisation(api_as, cast, directory, who, office, status):
    payload = {"name": "Caisse Solidaire", "kind": "community", "office": getattr(cast, office).pk if office else None}
    assert api_as(getattr(cast, who)).post("/directory/organisations", payload).status_code == status


def test_an_organisation_reads_with_its_agreements(api_as, cast, directory):
    body = api_as(cast.sup_dakar).get(f"/directory/organisations/{directory.jappo.pk}").json()
    assert body["agreements"][0]["reference"] == "LTA-2025-01"
    assert body["agreements"][0]["status"] == "expiring"
    assert body["agreements"][0]["services"] == [directory.tailoring.pk]


def test_the_service_list_stays_within_its_query_budget(api_as, cast, directory, django_assert_max_num_queries):
    from reintegra.directory.tests.conftest import make_service

    for n in range(30):
        make_service(cast.pm_dakar, directory.jappo, f"Service {n}", ["tvet", "housing"], [("SN", f"R{n}")])
    client = api_as(cast.cm_dakar)
    with django_assert_max_num_queries(10):
        assert client.get("/directory/services", {"limit": 50}).status_code == 200
