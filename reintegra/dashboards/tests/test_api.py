"""API stories: each panel's figures as JSON, with the pages' scope, suppression and audit."""

import pytest

from reintegra.audit.models import AuditEvent

PANELS = ["stages", "caseload", "plans", "budget", "distributions", "change"]


@pytest.mark.parametrize("who", ["pm_dakar", "sup_dakar", "me_hq", "sup_bamako"])
def test_dashboard_roles_read_every_panel(api_as, cast, world, who):
    client = api_as(getattr(cast, who))
    listed = client.get("/dashboards/panels").json()
    assert [panel["name"] for panel in listed] == PANELS
    for name in PANELS:
        response = client.get(f"/dashboards/panels/{name}")
        assert response.status_code == 200, (name, response.json())
        body = response.json()
        assert body["name"] == name and body["title"] and body["columns"]
        assert all(len(row) == len(body["columns"]) for row in body["rows"])


@pytest.mark.parametrize("who", ["cm_dakar", "partner_dakar", "admin", "nobody", "cp_dakar"])
@pytest.mark.parametrize("path", ["/dashboards/panels", "/dashboards/panels/stages"])
def test_other_roles_get_404(api_as, cast, world, who, path):
    response = api_as(getattr(cast, who)).get(path)
    assert response.status_code == 404 and response.json()["detail"]


def test_anonymous_callers_must_authenticate(api_as, world):
    assert api_as(None).get("/dashboards/panels/stages").status_code == 401


def test_the_figures_are_those_of_the_csv(api_as, cast, world):
    body = api_as(cast.sup_bamako).get("/dashboards/panels/stages").json()
    assert body["columns"] == ["Office", "Stage", "Cases"]
    assert body["rows"] == [["Bamako", "Monitoring", 1]]
    dakar = api_as(cast.pm_dakar).get("/dashboards/panels/stages").json()
    assert dakar["rows"] == [["Dakar", "Planning", 1], ["Dakar", "Implementation", 1], ["Tambacounda", "Intake", 1]]
    assert dakar["small_cells_suppressed"] is False


def test_me_officers_get_small_counts_suppressed(api_as, cast, world):
    body = api_as(cast.me_hq).get("/dashboards/panels/stages").json()
    assert body["small_cells_suppressed"] is True and body["min_cell"] == 5
    assert {row[2] for row in body["rows"]} == {"<5"}


def test_filters_are_checked_with_field_errors(api_as, cast, world):
    response = api_as(cast.pm_dakar).get("/dashboards/panels/stages", {"start": "2026-13", "sex": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"start", "sex"}
    outside = api_as(cast.sup_bamako).get("/dashboards/panels/stages", {"office": cast.dakar.pk})
    assert outside.status_code == 400 and "office" in outside.json()["errors"]


def test_an_unknown_panel_is_404(api_as, cast, world):
    assert api_as(cast.pm_dakar).get("/dashboards/panels/nothing").status_code == 404


def test_each_read_is_audited_as_an_export(api_as, cast, world):
    api_as(cast.me_hq).get("/dashboards/panels/change", {"by": "delivery", "office": cast.dakar.pk})
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.EXPORT, actor=cast.me_hq)
    assert event.changes["export"] == "dashboard.change" and event.changes["channel"] == "api"
    assert event.changes["filters"] == {"by": "delivery", "office": str(cast.dakar.pk)}
    assert event.changes["format"] == "json"


def test_the_panels_are_in_the_openapi_document(api_as, cast, world):
    paths = api_as(cast.pm_dakar).get("/openapi.json").json()["paths"]
    assert "/api/v1/dashboards/panels/{name}" in paths
