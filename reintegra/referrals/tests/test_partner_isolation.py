"""A partner sees nothing of the system but the referrals addressed to their organisation.

The walk visits every URL pattern of the project (pages and API) as partner.dakar, with sample
arguments that point at Aminata's case (referred to another organisation) and at her records, by
GET and by POST, and asserts that no answer carries her name, phone, pseudonym or case number, nor
Awa's case number (partners are never told case numbers), and that nothing of Aminata's changed.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from reintegra.audit.models import AuditEvent
from reintegra.cases.services import note_add, task_create
from reintegra.plans.models import Plan
from reintegra.referrals.models import Status
from reintegra.referrals.tests.conftest import AMINATA_PHONE, TODAY, send

PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
SKIP = {"accounts/logout/"}  # would end the walk's session
ALLOWED = {200, 302, 400, 401, 403, 404, 405}


def routes() -> list[str]:
    """Every route of the project as a path template, e.g. "referrals/<int:pk>/"."""

    def walk(patterns, prefix):
        for pattern in patterns:
            part = str(pattern.pattern)
            if part.startswith("^"):  # a regex catch-all (the API's JSON 404)
                part = "no/such/page/"
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + part)
            elif isinstance(pattern, URLPattern):
                yield prefix + part

    return sorted(set(walk(get_resolver().url_patterns, "")))


def samples(name: str, converter: str | None, secrets: dict) -> list[str]:
    if name in ("number", "case_number"):
        return [secrets["aminata_number"], secrets["awa_number"]]
    if name == "pseudonym":
        return [secrets["aminata_pseudonym"]]
    if name == "action":
        return ["accept", "complete"]
    if name == "code":
        return ["rss"]
    if converter in (None, "str", "slug", "path") and not (name == "pk" or name.endswith("_id") or name == "version"):
        return [secrets["aminata_number"]]
    return [str(value) for value in secrets["ids"]]


def urls_for(route: str, secrets: dict) -> list[str]:
    params = list(PARAM.finditer(route))
    if not params:
        return ["/" + route]
    choices = [samples(m["name"], m["converter"], secrets) for m in params]
    width = max(len(c) for c in choices)
    urls = []
    for i in range(width):  # zip the samples, not their product: enough to aim at each record
        url = route
        for match, values in zip(params, choices, strict=True):
            url = url.replace(match.group(0), values[i % len(values)], 1)
        urls.append("/" + url)
    return urls


@pytest.fixture
def secret_world(cast, world):
    aminata = world.aminata
    task = task_create(actor=cast.sup_dakar, case=aminata, title="Appeler Aminata", due_date=TODAY)
    note_add(actor=cast.sup_dakar, case=aminata, text="Aminata Sow a peur de rentrer.", session_date=TODAY)
    plan = Plan.objects.create(case=aminata, plan_date=TODAY, goals="Aminata: atelier", created_by=cast.sup_dakar)
    own = send(cast.cm_dakar, world.awa, world.directory.tailoring)  # to partner.dakar's organisation
    ids = sorted(
        {1, 2, world.secret_referral.pk, own.pk, task.pk, plan.pk, world.activity.pk, aminata.pk}
        | set(aminata.consents.values_list("pk", flat=True))
    )
    return {
        "aminata_number": aminata.number,
        "awa_number": world.awa.number,
        "aminata_pseudonym": aminata.person.pseudonym,
        "ids": ids,
        "forbidden": [
            "Aminata",
            AMINATA_PHONE,
            "77 999 88 77",
            "779998877",
            aminata.number,
            aminata.person.pseudonym,
            world.awa.number,
            world.awa.person.pseudonym,
        ],
        "own": own,
    }


def leaks(response, forbidden: list[str], url: str = "") -> list[str]:
    """Forbidden texts in the body, once the echo of the requested URL (the language form's "next") is removed."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if url:
        body = body.replace(url.encode(), b"")
    return [text for text in forbidden if text.encode() in body]


def test_every_page_and_endpoint_hides_case_data_from_a_partner(cast, world, secret_world):
    client = Client()
    client.force_login(cast.partner_dakar)
    problems = []
    visited = 0
    for route in routes():
        if route in SKIP:
            continue
        for url in urls_for(route, secret_world):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                visited += 1
                found = leaks(response, secret_world["forbidden"], url)
                if response.status_code not in ALLOWED or found:
                    problems.append(f"{method.upper()} {url} -> {response.status_code} {found}")
    assert visited > 200
    assert problems == []
    # Nothing of Aminata's moved, and the partner touched none of her records.
    world.secret_referral.refresh_from_db()
    assert world.secret_referral.status == Status.SENT
    assert not AuditEvent.objects.filter(case=world.aminata, actor=cast.partner_dakar).exists()


def test_the_walk_reaches_the_partners_own_referral(cast, world, secret_world):
    """The sample ids include the partner's own referral, which they do see (the walk is not vacuous)."""
    client = Client()
    client.force_login(cast.partner_dakar)
    response = client.get(f"/partner/referrals/{secret_world['own'].pk}/")
    assert response.status_code == 200 and b"Awa Ndiaye" in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/cases/",
        "/cases/tasks/overdue/",
        "/audit/",
        "/desk/",
        "/referrals/overdue/",
        "/plans/",
        "/scoring/",
        "/instruments/",
        "/accounts/users/",
    ],
)
def test_staff_lists_give_a_partner_nothing(cast, world, secret_world, url):
    client = Client()
    client.force_login(cast.partner_dakar)
    response = client.get(url)
    assert response.status_code in (200, 302, 403, 404)
    assert leaks(response, secret_world["forbidden"] + ["Awa"]) == []


def test_the_directory_shows_a_partner_only_their_organisation(cast, world):
    client = Client()
    client.force_login(cast.partner_dakar)
    assert client.get(f"/directory/organisations/{world.directory.ministry.pk}/").status_code == 404
    assert client.get(f"/directory/services/{world.directory.id_cards.pk}/").status_code == 404


def test_api_case_endpoints_give_a_partner_nothing_by_token(cast, world, api_as):
    api = api_as(cast.partner_dakar)
    listed = api.get("/cases")
    assert listed.status_code in (200, 403)
    if listed.status_code == 200:
        assert listed.json()["items"] == []
    assert api.get(f"/cases/{world.aminata.number}").status_code == 404
    assert api.get(f"/referrals/{world.secret_referral.pk}").status_code == 404
    assert api.get("/referrals").json()["count"] == 0
    assert api.get(f"/partner/referrals/{world.secret_referral.pk}").status_code == 404
    assert api.post(f"/partner/referrals/{world.secret_referral.pk}/accept", {}).status_code == 404


def test_a_partner_of_no_organisation_sees_an_empty_world(cast, world):
    """The partner role without a PartnerProfile: no inbox at all."""
    from reintegra.directory.models import PartnerProfile

    PartnerProfile.objects.filter(user=cast.partner_dakar).delete()
    client = Client()
    client.force_login(cast.partner_dakar)
    assert client.get("/partner/referrals/").status_code == 404


def test_the_partner_never_sees_changes_made_to_the_case_after_sending(cast, world):
    from reintegra.cases.services import PersonInput, person_update

    referral = send(cast.cm_dakar, world.awa, world.directory.tailoring, fields=["name", "phone"])
    person_update(
        actor=cast.cm_dakar,
        case=world.awa,
        data=PersonInput(given_names="Awa", family_name="Ndiaye-Fall", sex="female", phones=["+221 70 555 44 33"]),
    )
    client = Client()
    client.force_login(cast.partner_dakar)
    body = client.get(f"/partner/referrals/{referral.pk}/").content.decode()
    assert "Awa Ndiaye" in body and "Ndiaye-Fall" not in body and "555 44 33" not in body
    assert "+221 77 111 22 33" in body
