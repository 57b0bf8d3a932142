"""Results-framework pages and API as permission stories; the progress page's query budget; the PDF report."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.monitoring import framework as fw
from reintegra.monitoring.models import ComputedKey, Indicator, IndicatorValue, Result, ResultsFramework, Snapshot
from reintegra.monitoring.tests.framework_world import build_world
from reintegra.monitoring.tests.test_framework import add_indicator, make_framework, period
from reintegra.tests.cast import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_users")]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def setup(cast):
    build_world(cast)
    framework, objective, outcome, output = make_framework(cast)
    registered = add_indicator(
        cast.me_hq,
        output,
        "1.1.1a",
        name="Returnees registered",
        computed_key=ComputedKey.REGISTERED,
        disaggregations=["sex"],
        target_value=Decimal("5"),
    )
    manual = add_indicator(
        cast.me_hq,
        outcome,
        "1.1b",
        name="Local committees trained",
        kind=Indicator.Kind.MANUAL,
        disaggregations=["office"],
        target_value=Decimal("4"),
    )
    q1 = period(cast)
    return framework, q1, registered, manual


def pages(framework, q1, registered, manual):
    """Every page of the framework, read-only (GET)."""
    return [
        reverse("monitoring:frameworks"),
        reverse("monitoring:framework", args=[framework.pk]),
        reverse("monitoring:progress", args=[framework.pk]) + f"?period={q1.pk}",
        reverse("monitoring:indicator", args=[registered.pk, q1.pk]),
        reverse("monitoring:periods", args=[framework.programme_id]),
        reverse("monitoring:report", args=[framework.pk, q1.pk]),
    ]


def edit_pages(framework, q1, registered, manual):
    return [
        reverse("monitoring:framework_create") + f"?programme={framework.programme_id}",
        reverse("monitoring:framework_edit", args=[framework.pk]),
        reverse("monitoring:result_create", args=[framework.pk]),
        reverse("monitoring:result_edit", args=[manual.result_id]),
        reverse("monitoring:indicator_create", args=[manual.result_id]),
        reverse("monitoring:indicator_edit", args=[manual.pk]),
        reverse("monitoring:values", args=[manual.pk, q1.pk]),
    ]


# ------------------------------------------------------------------ who sees what


@pytest.mark.parametrize("who", ["me_hq", "pm_dakar"])
def test_programme_managers_and_me_officers_read_and_edit(client, cast, setup, who):
    login(client, getattr(cast, who))
    for url in pages(*setup) + edit_pages(*setup):
        assert client.get(url).status_code == 200, url


def test_a_supervisor_reads_but_does_not_change(client, cast, setup):
    login(client, cast.sup_dakar)
    for url in pages(*setup):
        assert client.get(url).status_code == 200, url
    for url in edit_pages(*setup):
        assert client.get(url).status_code == 403, url
    framework, q1, *_ = setup
    assert client.post(reverse("monitoring:compute", args=[framework.pk, q1.pk])).status_code == 403
    text = client.get(reverse("monitoring:progress", args=[framework.pk])).content.decode()
    assert "Compute the indicators now" not in text and "Enter values" not in text


@pytest.mark.parametrize("who", ["cm_dakar", "cp_dakar", "partner_dakar", "admin", "nobody", "sup_bamako", "cm_bamako"])
def test_everyone_else_gets_404(client, cast, setup, who):
    login(client, getattr(cast, who))
    framework, q1, *_ = setup
    for url in pages(*setup)[1:] + edit_pages(*setup):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("monitoring:compute", args=[framework.pk, q1.pk])).status_code == 404
    assert client.post(reverse("monitoring:report", args=[framework.pk, q1.pk])).status_code == 404
    listing = client.get(reverse("monitoring:frameworks"))
    if who == "sup_bamako":  # a supervisor elsewhere has the (empty) list, without Senegal's framework
        assert listing.status_code == 200 and framework.title.encode() not in listing.content
    else:
        assert listing.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, setup):
    response = client.get(reverse("monitoring:frameworks"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# ------------------------------------------------------------------ editing through the pages


def test_the_me_officer_builds_a_framework_through_the_pages(client, cast):
    login(client, cast.me_hq)
    response = client.post(
        reverse("monitoring:framework_create"), {"programme": cast.programme.pk, "title": "Senegal 2026"}
    )
    framework = ResultsFramework.objects.get(title="Senegal 2026")
    assert response.status_code == 302
    url = reverse("monitoring:result_create", args=[framework.pk])
    client.post(url, {"level": "objective", "code": "1", "statement": "Sustainable reintegration", "order": 0})
    objective = Result.objects.get(framework=framework, code="1")
    # An outcome without its objective keeps what was typed and says why.
    response = client.post(url, {"level": "outcome", "code": "1.1", "statement": "Typed text stays"})
    assert response.status_code == 400 and b"Typed text stays" in response.content
    assert b"Choose the result this one contributes to." in response.content
    client.post(url, {"level": "outcome", "parent": objective.pk, "code": "1.1", "statement": "Income"})
    outcome = Result.objects.get(framework=framework, code="1.1")
    response = client.post(
        reverse("monitoring:indicator_create", args=[outcome.pk]),
        {
            "code": "1.1a",
            "name": "Mean economic score at follow-up",
            "kind": "computed",
            "computed_key": "rss_mean",
            "parameters": '{"dimension": "economic", "occasion": "follow_up"}',
            "unit": "score",
            "direction": "increase",
            "frequency": "quarterly",
            "disaggregations": ["sex", "delivery"],
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    indicator = Indicator.objects.get(code="1.1a")
    assert indicator.parameters == {"dimension": "economic", "occasion": "follow_up"}


def test_the_indicator_form_explains_bad_parameters(client, cast, setup):
    framework, q1, registered, manual = setup
    login(client, cast.me_hq)
    data = {
        "code": "x",
        "name": "X",
        "kind": "computed",
        "computed_key": "activities",
        "unit": "number",
        "direction": "increase",
        "frequency": "monthly",
        "parameters": "{not json",
    }
    response = client.post(reverse("monitoring:indicator_create", args=[manual.result_id]), data)
    assert response.status_code == 400 and b"Write the parameters as JSON" in response.content
    response = client.post(
        reverse("monitoring:indicator_create", args=[manual.result_id]), data | {"parameters": '{"basis": "soon"}'}
    )
    assert response.status_code == 400 and "“soon”".encode() in response.content


def test_manual_values_are_entered_on_their_page(client, cast, setup):
    framework, q1, registered, manual = setup
    login(client, cast.pm_dakar)
    url = reverse("monitoring:values", args=[manual.pk, q1.pk])
    response = client.post(url, {"value": "3", "d__office__" + str(cast.dakar.pk): "2", "note": "Minutes"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=manual, disaggregation="office").value == 2
    text = client.get(reverse("monitoring:indicator", args=[manual.pk, q1.pk])).content.decode()
    assert "Dakar" in text and "Minutes" in text
    response = client.post(url, {"value": "3", "denominator": "0"})
    assert response.status_code == 400 and b"cannot be zero" in response.content


def test_computing_from_the_progress_page_shows_values_and_lights(client, cast, setup):
    framework, q1, registered, manual = setup
    login(client, cast.me_hq)
    response = client.post(reverse("monitoring:compute", args=[framework.pk, q1.pk]))
    assert response.status_code == 302
    text = client.get(reverse("monitoring:progress", args=[framework.pk]) + f"?period={q1.pk}").content.decode()
    assert "Returnees registered" in text and "80 %" in text and "Needs attention" in text
    detail = client.get(reverse("monitoring:indicator", args=[registered.pk, q1.pk])).content.decode()
    assert "Female" in detail and "Male" in detail


# ------------------------------------------------------------------ query budget


def test_the_progress_page_reads_a_constant_number_of_queries(client, cast, setup, django_assert_max_num_queries):
    """Budget, 16 whatever the number of indicators: session and user (2); framework rights: memberships,
    offices, programmes (3); the framework (1); periods and the chosen period (2); case offices for the
    snapshots' scope: memberships and the office walk (3); snapshots (1); results (1); indicators (1);
    the snapshot's totals (1); hand-entered totals (1)."""
    framework, q1, registered, manual = setup
    login(client, cast.me_hq)
    url = reverse("monitoring:progress", args=[framework.pk]) + f"?period={q1.pk}"
    fw.snapshot_take(actor=cast.me_hq, framework=framework, period=q1)
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for number in range(12):
        add_indicator(cast.me_hq, manual.result, f"extra{number}", computed_key=ComputedKey.ASSISTED)
    fw.snapshot_take(actor=cast.me_hq, framework=framework, period=q1)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
    assert response.status_code == 200 and b"extra11" in response.content
    assert len(many.captured_queries) == len(few.captured_queries)


# ------------------------------------------------------------------ PDF report


def test_the_pdf_report_renders_and_is_audited_as_an_export(client, cast, setup):
    pytest.importorskip("weasyprint", reason="WeasyPrint needs Pango (libpango-1.0-0, libpangoft2-1.0-0)")
    from reintegra.monitoring.report import render_document, report_html

    framework, q1, registered, manual = setup
    fw.snapshot_take(actor=cast.me_hq, framework=framework, period=q1)
    login(client, cast.me_hq)
    response = client.post(
        reverse("monitoring:report", args=[framework.pk, q1.pk]), {"summary": "A good quarter", "next_steps": "More"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.EXPORT, actor=cast.me_hq)
    assert event.changes["format"] == "pdf" and event.changes["period"] == "2026-Q1"
    snap = Snapshot.objects.get(framework=framework)
    assert snap.narrative == {"summary": "A good quarter", "next_steps": "More"}
    request = client.get(reverse("monitoring:frameworks")).wsgi_request
    html = report_html(request, fw.progress(cast.me_hq, framework, q1), snap.narrative)
    assert "A good quarter" in html and "<svg" in html and "Returnees registered by sex" in html
    assert len(render_document(html).pages) >= 1


def test_a_supervisor_prints_with_the_stored_narrative_only(client, cast, setup):
    pytest.importorskip("weasyprint", reason="WeasyPrint needs Pango (libpango-1.0-0, libpangoft2-1.0-0)")
    framework, q1, *_ = setup
    snap = fw.snapshot_take(actor=cast.me_hq, framework=framework, period=q1)
    Snapshot.objects.filter(pk=snap.pk).update(narrative={"summary": "Kept"})
    login(client, cast.sup_dakar)
    response = client.post(reverse("monitoring:report", args=[framework.pk, q1.pk]), {"summary": "Changed"})
    assert response.content.startswith(b"%PDF")
    assert Snapshot.objects.get(pk=snap.pk).narrative == {"summary": "Kept"}


# ------------------------------------------------------------------ API


def test_the_api_gives_progress_with_breakdowns(api_as, cast, setup):
    framework, q1, registered, manual = setup
    fw.snapshot_take(actor=cast.me_hq, framework=framework, period=q1)
    response = api_as(cast.sup_dakar).get(f"/monitoring/frameworks/{framework.pk}/progress", {"period": q1.pk})
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["period"]["label"] == "2026-Q1" and body["snapshot"]["offices"] == sorted(
        [cast.dakar.pk, cast.tamba.pk]
    )
    found = {i["code"]: i for i in body["indicators"]}
    assert (
        found["1.1.1a"]["value"] == 4
        and found["1.1.1a"]["achievement"] == 80.0
        and found["1.1.1a"]["status"] == "amber"
    )
    assert {f["category"]: f["value"] for f in found["1.1.1a"]["disaggregations"]["sex"]} == {
        "female": 1,
        "male": 3,
        "other": 0,
    }
    assert found["1.1b"]["value"] is None and found["1.1b"]["status"] == "none"


def test_the_api_defaults_to_the_latest_period_and_hides_the_framework_from_outsiders(api_as, cast, setup):
    framework, q1, *_ = setup
    assert api_as(cast.me_hq).get(f"/monitoring/frameworks/{framework.pk}/progress").status_code == 200
    for user in (cast.cm_dakar, cast.partner_dakar, cast.admin, cast.sup_bamako):
        assert api_as(user).get(f"/monitoring/frameworks/{framework.pk}/progress").status_code == 404
    assert api_as(cast.me_hq).get(f"/monitoring/frameworks/{framework.pk}/progress", {"period": 999}).status_code == 404
    assert api_as(None).get(f"/monitoring/frameworks/{framework.pk}/progress").status_code == 401
