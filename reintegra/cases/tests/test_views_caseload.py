"""Permission stories of the caseload and overdue-task pages."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reintegra.cases.models import Stage, Task
from reintegra.cases.services import case_change_stage, task_create, task_set_status

CASELOAD = reverse("cases:caseload")
OVERDUE = reverse("cases:tasks_overdue")

pytestmark = pytest.mark.usefixtures("english_users")


@pytest.fixture
def world(cast):
    return {
        "mine": cast.case(
            cast.dakar, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar, phones=["+221 77 123 45 67"]
        ),
        "colleague": cast.case(cast.dakar, given="Binta", family="Sow", assigned_to=cast.cm_dakar2),
        "unassigned": cast.case(cast.dakar, given="Cheikh", family="Fall"),
        "tamba": cast.case(cast.tamba, given="Demba", family="Kane", assigned_to=cast.cm_tamba),
        "bamako": cast.case(cast.bamako, given="Fatoumata", family="Keita", assigned_to=cast.cm_bamako),
    }


def listed(client, user, world, **params):
    client.force_login(user)
    response = client.get(CASELOAD, params)
    assert response.status_code == 200
    html = response.content.decode()
    return {name for name, case in world.items() if f'href="{case.get_absolute_url()}"' in html}


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    for url in (CASELOAD, OVERDUE):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_case_manager_sees_her_cases_and_unassigned_ones_of_her_office(client, cast, world):
    assert listed(client, cast.cm_dakar, world) == {"mine", "unassigned"}


def test_colleague_does_not_see_a_case_assigned_to_someone_else(client, cast, world):
    assert listed(client, cast.cm_dakar2, world) == {"colleague", "unassigned"}


def test_sub_office_case_manager_sees_only_her_sub_office(client, cast, world):
    assert listed(client, cast.cm_tamba, world) == {"tamba"}


def test_bamako_sees_nothing_of_senegal(client, cast, world):
    assert listed(client, cast.cm_bamako, world) == {"bamako"}


def test_supervisor_and_programme_manager_see_office_and_sub_office(client, cast, world):
    expected = {"mine", "colleague", "unassigned", "tamba"}
    assert listed(client, cast.sup_dakar, world) == expected
    assert listed(client, cast.pm_dakar, world) == expected


def test_partner_administrator_and_stranger_see_an_empty_caseload(client, cast, world):
    for user in (cast.partner_dakar, cast.admin, cast.nobody):
        assert listed(client, user, world) == set()


def test_me_officer_sees_pseudonyms_and_never_names(client, cast, world):
    client.force_login(cast.me_hq)
    html = client.get(CASELOAD).content.decode()
    for case in world.values():
        assert case.number in html
        assert case.person.pseudonym in html
        assert case.person.family_name not in html
        assert case.person.given_names not in html


def test_case_manager_sees_names_not_pseudonyms(client, cast, world):
    client.force_login(cast.cm_dakar)
    html = client.get(CASELOAD).content.decode()
    assert "Awa Ndiaye" in html
    assert world["mine"].person.pseudonym not in html


def test_stage_filter(client, cast, world):
    case_change_stage(actor=cast.sup_dakar, case=world["unassigned"], to_stage=Stage.ASSESSMENT)
    assert listed(client, cast.cm_dakar, world, stage=Stage.ASSESSMENT) == {"unassigned"}
    assert listed(client, cast.cm_dakar, world, stage=Stage.INTAKE) == {"mine"}


def test_office_filter_narrows_to_a_sub_office(client, cast, world):
    assert listed(client, cast.sup_dakar, world, office=cast.tamba.pk) == {"tamba"}


def test_office_filter_offers_only_offices_in_scope_and_ignores_others(client, cast, world):
    client.force_login(cast.cm_dakar)
    response = client.get(CASELOAD, {"office": cast.bamako.pk})
    html = response.content.decode()
    assert f'value="{cast.bamako.pk}"' not in html
    assert world["bamako"].number not in html
    assert world["mine"].number in html


def test_mine_only(client, cast, world):
    assert listed(client, cast.cm_dakar, world, mine="on") == {"mine"}


def test_overdue_only_and_the_overdue_badge(client, cast, world):
    task_create(actor=cast.sup_dakar, case=world["unassigned"], title="Call back", due_date=date(2026, 1, 2))
    assert listed(client, cast.cm_dakar, world, overdue="on") == {"unassigned"}
    html = client.get(CASELOAD).content.decode()
    assert html.count('class="badge overdue"') == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Awa Ndiaye", {"mine"}), ("aoua ndiaye", {"mine"}), ("Cheik Fal", {"unassigned"}), ("77 123 45 67", {"mine"})],
)
def test_tolerant_search_by_name_and_phone(client, cast, world, text, expected):
    assert listed(client, cast.cm_dakar, world, q=text) == expected


def test_search_by_case_number(client, cast, world):
    assert listed(client, cast.cm_dakar, world, q=world["mine"].number) == {"mine"}


def test_search_never_reaches_outside_the_scope(client, cast, world):
    assert listed(client, cast.cm_dakar, world, q="Fatoumata Keita") == set()
    assert listed(client, cast.cm_dakar, world, q=world["bamako"].number) == set()


def test_me_officer_finds_by_pseudonym_not_by_name(client, cast, world):
    assert listed(client, cast.me_hq, world, q="Awa Ndiaye") == set()
    assert listed(client, cast.me_hq, world, q=world["mine"].person.pseudonym) == {"mine"}


def test_htmx_request_gets_only_the_results(client, cast, world):
    client.force_login(cast.cm_dakar)
    response = client.get(CASELOAD, {"q": "Awa"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    html = response.content.decode()
    assert "<html" not in html
    assert world["mine"].number in html


def test_filter_form_submits_with_get_and_htmx(client, cast):
    client.force_login(cast.cm_dakar)
    html = client.get(CASELOAD).content.decode()
    assert 'method="get"' in html
    assert f'hx-get="{CASELOAD}"' in html
    assert 'hx-push-url="true"' in html


def test_pages_without_count_keep_the_filters(client, cast, settings):
    settings.CASES_PAGE_SIZE = 2
    cases = [cast.case(cast.dakar, given=f"Awa{i}", family="Ndiaye", birth=date(1990, 1, i + 1)) for i in range(5)]
    newest_first = [c.number for c in reversed(cases)]
    client.force_login(cast.cm_dakar)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(CASELOAD, {"stage": "intake"})
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    html = first.content.decode()
    assert [n for n in newest_first if n in html] == newest_first[:2]
    next_url = f"?stage=intake&amp;after={cases[3].pk}"
    assert next_url in html
    assert "Previous page" not in html

    second = client.get(CASELOAD, {"stage": "intake", "after": cases[3].pk}).content.decode()
    assert [n for n in newest_first if n in second] == newest_first[2:4]
    assert f"?stage=intake&amp;before={cases[2].pk}" in second

    back = client.get(CASELOAD, {"stage": "intake", "before": cases[2].pk}).content.decode()
    assert [n for n in newest_first if n in back] == newest_first[:2]

    last = client.get(CASELOAD, {"stage": "intake", "after": cases[1].pk}).content.decode()
    assert [n for n in newest_first if n in last] == newest_first[4:]
    assert "Next page" not in last


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_caseload_costs_the_same_number_of_queries_for_any_number_of_rows(client, cast, django_assert_max_num_queries):
    cast.case(cast.dakar, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar)
    client.force_login(cast.sup_dakar)
    few = _count_queries(client, CASELOAD)
    for i in range(12):
        case = cast.case(cast.tamba if i % 2 else cast.dakar, given=f"Awa{i}", family="Sow", assigned_to=None)
        task_create(actor=cast.sup_dakar, case=case, title="Call", due_date=date(2026, 1, 2))
    many = _count_queries(client, CASELOAD)
    assert many == few
    with django_assert_max_num_queries(12):
        client.get(CASELOAD, {"q": "Awa Sow", "overdue": "on"})


def test_overdue_tasks_are_grouped_by_due_date_and_link_to_the_case(client, cast, world):
    today = timezone.localdate()
    for days, case in ((3, world["mine"]), (3, world["unassigned"]), (10, world["mine"])):
        task_create(actor=cast.sup_dakar, case=case, title=f"Visit {days}", due_date=today - timedelta(days=days))
    task_create(actor=cast.sup_bamako, case=world["bamako"], title="Bamako visit", due_date=today - timedelta(days=3))
    client.force_login(cast.cm_dakar)
    html = client.get(OVERDUE).content.decode()
    assert html.count("<section") == 2
    assert reverse("cases:case_detail", args=[world["mine"].number]) in html
    assert "Awa Ndiaye" in html
    assert "Bamako visit" not in html


def test_overdue_tasks_for_me_officer_are_pseudonymised(client, cast, world):
    task_create(actor=cast.sup_dakar, case=world["unassigned"], title="Visit Cheikh at home", due_date=date(2026, 1, 2))
    client.force_login(cast.me_hq)
    html = client.get(OVERDUE).content.decode()
    assert world["unassigned"].person.pseudonym in html
    assert "Cheikh" not in html


def test_overdue_page_is_empty_for_a_partner(client, cast, world):
    task_create(actor=cast.sup_dakar, case=world["unassigned"], title="Visit", due_date=date(2026, 1, 2))
    client.force_login(cast.partner_dakar)
    response = client.get(OVERDUE)
    assert response.status_code == 200
    assert world["unassigned"].number not in response.content.decode()


def test_the_page_speaks_the_users_language(client, cast):
    cast.cm_dakar.language = "fr"
    cast.cm_dakar.save()
    client.force_login(cast.cm_dakar)
    assert '<html lang="fr">' in client.get(CASELOAD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cast.cm_dakar.language = "en"
    cast.cm_dakar.save()
    assert '<html lang="en">' in client.get(CASELOAD).content.decode()


def test_without_a_preference_the_office_language_wins(client, cast):
    cast.cm_dakar.language = ""
    cast.cm_dakar.save()
    client.force_login(cast.cm_dakar)
    assert '<html lang="fr">' in client.get(CASELOAD, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_task_states_other_than_open_are_not_overdue(client, cast, world):
    task = task_create(actor=cast.sup_dakar, case=world["mine"], title="Old", due_date=date(2026, 1, 2))
    task_set_status(actor=cast.sup_dakar, task=task, status=Task.Status.DONE)
    client.force_login(cast.cm_dakar)
    assert world["mine"].number not in client.get(OVERDUE).content.decode()
