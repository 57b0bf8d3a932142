"""Dashboard pages and CSV downloads: who sees them, what they show, small cells, query budgets."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from reintegra.dashboards import facts
from reintegra.dashboards.tests.world import case, score
from reintegra.instruments.models import Occasion

PAGES = ["dashboards:cases", "dashboards:plans", "dashboards:rss"]
PANELS = ["stages", "caseload", "plans", "budget", "distributions", "change"]


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["pm_dakar", "sup_dakar", "me_hq", "sup_bamako"])
def test_programme_managers_supervisors_and_me_officers_see_the_dashboards(as_user, cast, world, page, who):
    response = as_user(getattr(cast, who)).get(reverse(page))
    assert response.status_code == 200
    assert b"Download data (CSV)" in response.content


@pytest.mark.parametrize("url", [*PAGES, "csv"])
@pytest.mark.parametrize("who", ["cm_dakar", "partner_dakar", "admin", "nobody", "cp_dakar"])
def test_other_roles_get_404(as_user, cast, world, url, who):
    target = reverse("dashboards:panel_csv", args=["stages"]) if url == "csv" else reverse(url)
    assert as_user(getattr(cast, who)).get(target).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(reverse("dashboards:cases"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_nav_links_to_the_dashboards_for_those_roles_only(as_user, cast, world):
    link = reverse("dashboards:cases").encode()
    assert link in as_user(cast.pm_dakar).get(reverse("cases:caseload")).content
    assert link not in as_user(cast.cm_dakar).get(reverse("cases:caseload")).content


def test_a_supervisor_counts_only_the_cases_of_their_offices(as_user, cast, world):
    data = rows(as_user(cast.sup_bamako).get(reverse("dashboards:panel_csv", args=["stages"])))
    assert data == [["Office", "Stage", "Cases"], ["Bamako", "Monitoring", "1"]]
    data = rows(as_user(cast.pm_dakar).get(reverse("dashboards:panel_csv", args=["stages"])))
    assert ["Bamako", "Monitoring", "1"] not in data
    assert data[1:] == [["Dakar", "Planning", "1"], ["Dakar", "Implementation", "1"], ["Tambacounda", "Intake", "1"]]


def test_an_office_outside_the_scope_cannot_be_asked_for(as_user, cast, world):
    response = as_user(cast.sup_bamako).get(reverse("dashboards:cases"), {"office": cast.dakar.pk})
    assert response.status_code == 400
    response = as_user(cast.sup_bamako).get(reverse("dashboards:panel_csv", args=["stages"]), {"office": cast.dakar.pk})
    assert response.status_code == 400


def test_case_managers_are_named_for_the_programme_manager_and_numbered_for_me(as_user, cast, world):
    pm = rows(as_user(cast.pm_dakar).get(reverse("dashboards:panel_csv", args=["caseload"])))
    assert ["Tambacounda", "cm.tamba", "0", "1"] in pm
    assert any(row[1] == "cm.dakar" for row in pm)
    me = rows(as_user(cast.me_hq).get(reverse("dashboards:panel_csv", args=["caseload"])))
    names = {row[1] for row in me[1:]}
    assert not names & {"cm.dakar", "cm.dakar2", "cm.tamba", "cm.bamako"}
    assert "Case manager 1" in names


def test_counts_under_five_are_suppressed_for_me_officers_not_for_managers(as_user, cast, world):
    me = rows(as_user(cast.me_hq).get(reverse("dashboards:panel_csv", args=["stages"])))
    assert {row[2] for row in me[1:]} == {"<5"}
    pm = rows(as_user(cast.pm_dakar).get(reverse("dashboards:panel_csv", args=["stages"])))
    assert {row[2] for row in pm[1:]} == {"1"}
    page = as_user(cast.me_hq).get(reverse("dashboards:cases")).content.decode()
    assert "&lt;5" in page


def test_means_of_fewer_than_five_cases_are_not_shown_to_anyone(as_user, cast, world):
    data = rows(as_user(cast.pm_dakar).get(reverse("dashboards:panel_csv", args=["change"]), {"by": "type"}))
    header, body = data[0], data[1:]
    mean_columns = [i for i, name in enumerate(header) if "mean" in name]
    assert body and all(row[i] == "" for row in body for i in mean_columns)


def test_means_appear_once_groups_reach_five_cases(as_user, cast, world):
    for i in range(4):
        extra = case(
            cast,
            cast.dakar,
            sex="male",
            birth=None,
            arrival=world.moussa.arrival_date,
            stage="monitoring",
            given=f"A{i}",
        )
        score(cast, extra, Occasion.BASELINE, world.moussa.arrival_date, (0.5, 0.5, 0.5, 0.5))
        score(cast, extra, Occasion.FOLLOW_UP, world.moussa.arrival_date, (0.6, 0.5, 0.5, 0.5), number=1)
    facts.rebuild()
    data = rows(as_user(cast.pm_dakar).get(reverse("dashboards:panel_csv", args=["change"]), {"by": "sex"}))
    header = data[0]
    male = next(row for row in data if row[0] == "Male")
    # Moussa +0.3 and four cases +0.1: mean economic change (0.3 + 0.4) / 5 = 0.14
    assert male[header.index("Economic: mean change")] == "0.14"
    assert male[header.index("Economic: pairs n")] == "5"


@pytest.mark.parametrize("panel", PANELS)
def test_each_panel_downloads_as_csv(as_user, cast, world, panel):
    response = as_user(cast.pm_dakar).get(reverse("dashboards:panel_csv", args=[panel]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"reintegra-{panel}.csv" in response["Content-Disposition"]
    assert len(rows(response)) >= 2


def test_each_download_is_audited_as_an_export(as_user, cast, world):
    from reintegra.audit.models import AuditEvent

    response = as_user(cast.me_hq).get(
        reverse("dashboards:panel_csv", args=["change"]), {"by": "type", "sex": "female"}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.EXPORT, actor=cast.me_hq)
    assert event.changes["export"] == "dashboard.change"
    assert event.changes["channel"] == "dashboard"
    assert event.changes["filters"] == {"by": "type", "sex": "female"}
    assert event.changes["rows"] == len(rows(response)) - 1
    assert event.changes["small_cells_suppressed"] is True and event.changes["identifiable"] is False


def test_a_refused_download_writes_no_audit_event(as_user, cast, world):
    from reintegra.audit.models import AuditEvent

    assert as_user(cast.cm_dakar).get(reverse("dashboards:panel_csv", args=["change"])).status_code == 404
    assert (
        as_user(cast.pm_dakar).get(reverse("dashboards:panel_csv", args=["change"]), {"start": "2026-13"}).status_code
        == 400
    )
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).exists()


def test_an_unknown_panel_is_404(as_user, cast, world):
    assert as_user(cast.pm_dakar).get("/dashboards/data/nothing.csv").status_code == 404


def test_csv_cells_cannot_run_as_formulas(as_user, cast, world):
    from reintegra.plans.models import ActivityType

    ActivityType.objects.filter(code="micro_business").update(name_en='=HYPERLINK("http://x")')
    data = rows(as_user(cast.pm_dakar).get(reverse("dashboards:panel_csv", args=["change"]), {"by": "type"}))
    labels = [row[0] for row in data[1:]]
    assert '\'=HYPERLINK("http://x")' in labels


def test_every_chart_is_well_formed_svg(as_user, cast, world):
    for page in PAGES:
        html = as_user(cast.pm_dakar).get(reverse(page), {"by": "delivery"}).content.decode()
        charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
        assert charts, page
        for chart in charts:
            root = ET.fromstring(chart)  # noqa: S314 -- our own markup, rendered in the test
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            assert root.find("{http://www.w3.org/2000/svg}title").text


def test_pages_need_no_internet(as_user, cast, world):
    html = as_user(cast.pm_dakar).get(reverse("dashboards:rss")).content.decode()
    external = re.findall(r'(?:src|href)="(?:https?:)?//', html)
    assert not external, "the page loads something from another site"


def test_filters_are_validated_with_clear_messages(as_user, cast, world):
    response = as_user(cast.pm_dakar).get(reverse("dashboards:cases"), {"start": "2026-13", "end": "nope"})
    assert response.status_code == 400
    assert b"Enter a month as YYYY-MM" in response.content
    response = as_user(cast.pm_dakar).get(reverse("dashboards:cases"), {"start": "2026-05", "end": "2026-02"})
    assert b"The end month is before the start month." in response.content


def test_the_page_says_how_fresh_the_data_is(as_user, cast, world):
    html = as_user(cast.pm_dakar).get(reverse("dashboards:cases")).content.decode()
    assert "Data as of" in html


@pytest.mark.parametrize("page", PAGES)
def test_each_page_runs_a_constant_number_of_queries(as_user, cast, world, page, django_assert_max_num_queries):
    client = as_user(cast.me_hq)
    client.get(reverse(page))
    with django_assert_max_num_queries(20) as before:
        client.get(reverse(page))
    for i in range(6):
        extra = case(
            cast, cast.bamako, sex="female", birth=None, arrival=world.fanta.arrival_date, stage="intake", given=f"B{i}"
        )
        score(cast, extra, Occasion.BASELINE, world.fanta.arrival_date, (0.5, 0.5, 0.5, 0.5))
    facts.rebuild()
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse(page))


def test_a_small_database_builds_its_figures_on_first_view(as_user, cast, frozen, english_users):
    from reintegra.dashboards.models import DashboardState

    cast.case(cast.dakar)
    assert not DashboardState.objects.exists()
    html = as_user(cast.pm_dakar).get(reverse("dashboards:cases")).content.decode()
    assert "Data as of" in html and DashboardState.objects.get().built_at is not None
