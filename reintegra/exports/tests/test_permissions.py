"""Permission stories: each role exports its own scope only; identities only where allowed."""

import pytest

from reintegra.accounts.models import Membership, Role
from reintegra.exports.tests.conftest import body, csv_rows, download

pytestmark = pytest.mark.usefixtures("english_users")


def pseudonyms(rows) -> set[str]:
    return {row["pseudonym"] for row in rows}


def of(*returnees) -> set[str]:
    return {r.case.person.pseudonym for r in returnees}


@pytest.mark.parametrize("user", ["partner_dakar", "admin", "nobody"])
def test_users_without_a_case_role_get_404_everywhere(client, cast, world, user, api_as):
    client.force_login(getattr(cast, user))
    assert client.get("/exports/").status_code == 404
    assert client.get("/exports/download/", {"dataset": "cases", "format": "csv"}).status_code == 404
    response = api_as(getattr(cast, user)).get("/exports/cases.csv")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get("/exports/download/", {"dataset": "cases", "format": "csv"})
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.mark.parametrize("dataset", ["cases", "plans", "scores", "assessments"])
def test_a_case_manager_exports_their_own_and_unassigned_adult_cases_only(client, cast, world, dataset):
    params = {"instrument_version": world.household.pk} if dataset == "assessments" else {}
    rows = csv_rows(download(client, cast.cm_dakar, dataset=dataset, **params))
    # Not cm_dakar2's case, not the (unassigned) child's case, nothing of Tambacounda or Bamako.
    assert pseudonyms(rows) == of(world.dakar)


def test_a_case_manager_in_another_country_sees_no_row_of_dakar(client, cast, world):
    rows = csv_rows(download(client, cast.cm_bamako, dataset="cases", identifiable="on"))
    assert pseudonyms(rows) == of(world.bamako)  # unassigned adult case of their office
    assert [row["given_names"] for row in rows] == ["Bamakogiven"]


def test_a_supervisor_reaches_the_sub_office_but_not_another_country(client, cast, world):
    rows = csv_rows(download(client, cast.sup_dakar, dataset="cases"))
    assert pseudonyms(rows) == of(world.dakar, world.tamba, world.child, world.others)
    rows = csv_rows(download(client, cast.sup_bamako, dataset="cases"))
    assert pseudonyms(rows) == of(world.bamako)


def test_a_child_protection_specialist_exports_child_cases(client, cast, world):
    rows = csv_rows(download(client, cast.cp_dakar, dataset="cases"))
    assert pseudonyms(rows) == of(world.child)
    assert rows[0]["child_case"] == "1" and rows[0]["age_group"] == "0-17"


def test_an_me_officer_exports_all_offices_pseudonymised(client, cast, world):
    rows = csv_rows(download(client, cast.me_hq, dataset="cases"))
    assert pseudonyms(rows) == of(world.dakar, world.tamba, world.bamako, world.child, world.others)


def test_an_me_officer_is_not_offered_identities_and_is_refused_them(client, cast, world):
    client.force_login(cast.me_hq)
    page = client.get("/exports/")
    assert page.status_code == 200
    assert b'name="identifiable"' not in page.content
    response = download(client, cast.me_hq, dataset="cases", identifiable="on")
    assert response.status_code == 400
    assert b"pseudonymised exports only" in response.content
    assert not hasattr(response, "streaming_content")


def test_the_me_officer_is_refused_identities_through_the_api_too(api_as, cast, world):
    response = api_as(cast.me_hq).get("/exports/cases.csv", {"identifiable": "true"})
    assert response.status_code == 403


def test_a_supervisor_is_offered_identities(client, cast, world):
    client.force_login(cast.sup_dakar)
    assert b'name="identifiable"' in client.get("/exports/").content
    response = download(client, cast.sup_dakar, dataset="cases", identifiable="on")
    assert response.status_code == 200
    assert "identifiable" in response["Content-Disposition"]


def test_identities_only_when_every_case_is_in_an_office_the_user_may_identify(client, cast, world):
    """Supervisor in Bamako and M&E officer for Dakar: identities for Bamako only, never for Dakar."""
    Membership.objects.create(user=cast.sup_bamako, office=cast.dakar, role=Role.ME_OFFICER)
    refused = download(client, cast.sup_bamako, dataset="cases", identifiable="on")
    assert refused.status_code == 400
    assert b"where you may not see identities" in refused.content
    allowed = download(client, cast.sup_bamako, dataset="cases", identifiable="on", office=cast.bamako.pk)
    rows = csv_rows(allowed)
    assert [row["given_names"] for row in rows] == ["Bamakogiven"]
    dakar = download(client, cast.sup_bamako, dataset="cases", identifiable="on", office=cast.dakar.pk)
    assert dakar.status_code == 400


def test_an_office_filter_outside_the_scope_is_refused_as_an_unknown_choice(client, cast, world):
    response = download(client, cast.cm_dakar, dataset="cases", office=cast.bamako.pk)
    assert response.status_code == 400
    assert b"Bamakogiven" not in response.content


def test_the_api_streams_the_same_rows_as_the_page(api_as, cast, world):
    response = api_as(cast.sup_dakar).get("/exports/cases.csv", {"office": cast.tamba.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = body(response).decode()
    assert not text.startswith("\ufeff")
    assert world.tamba.case.person.pseudonym in text
    assert world.dakar.case.person.pseudonym not in text


def test_the_api_refuses_unknown_datasets_and_a_csv_of_all_questionnaires(api_as, cast, world):
    client = api_as(cast.sup_dakar)
    assert client.get("/exports/people.csv").status_code == 404
    response = client.get("/exports/assessments.csv")
    assert response.status_code == 400
    assert "instrument_version" in response.json()["errors"]
