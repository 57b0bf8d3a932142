"""Every export is audited; CSV streams; queries grow with chunks of rows, never with rows."""

import pytest
from django.core.management import CommandError, call_command
from django.http import FileResponse, StreamingHttpResponse

from reintegra.audit.models import AuditEvent
from reintegra.exports.tests.conftest import body, csv_rows, download, returnee
from reintegra.scoring.models import ScoringProfile

pytestmark = pytest.mark.usefixtures("english_users")


def export_events():
    return list(AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).order_by("id"))


def test_each_download_records_one_export_event(client, cast, world):
    download(client, cast.sup_dakar, dataset="cases", identifiable="on", office=cast.tamba.pk)
    (event,) = export_events()
    assert event.actor == cast.sup_dakar
    assert event.office_id == cast.tamba.pk
    assert event.changes == {
        "export": "cases",
        "dataset": "cases",
        "format": "csv",
        "filters": {"office": cast.tamba.pk},
        "rows": 1,
        "identifiable": True,
        "channel": "page",
    }


def test_refused_and_invalid_exports_record_nothing(client, cast, world):
    download(client, cast.me_hq, dataset="cases", identifiable="on")
    download(client, cast.sup_dakar, dataset="cases", date_from="2026-03-02", date_to="2026-01-01")
    assert export_events() == []


def test_api_exports_are_audited_as_api(api_as, cast, world):
    response = api_as(cast.me_hq).get("/exports/assessments.csv", {"instrument_version": world.household.pk})
    assert response.status_code == 200
    body(response)
    (event,) = export_events()
    assert event.changes["channel"] == "api"
    assert event.changes["rows"] == 5
    assert event.changes["identifiable"] is False
    assert event.changes["filters"] == {"instrument_version": world.household.pk}


def test_csv_streams_and_xlsx_comes_from_a_file(client, cast, world):
    csv_response = download(client, cast.sup_dakar, dataset="cases")
    assert isinstance(csv_response, StreamingHttpResponse)
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="reintegra-cases-pseudonymised-' in csv_response["Content-Disposition"]
    assert body(csv_response).startswith("\ufeffcase_id,pseudonym,".encode())
    xlsx_response = download(client, cast.sup_dakar, dataset="cases", format="xlsx")
    assert isinstance(xlsx_response, FileResponse)
    assert body(xlsx_response).startswith(b"PK")


def test_the_page_tells_how_many_rows_the_filters_give(client, cast, world):
    client.force_login(cast.sup_dakar)
    page = client.get("/exports/")
    assert page.status_code == 200 and b'action="/exports/download/"' in page.content
    partial = client.get(
        "/exports/", {"dataset": "cases", "format": "csv", "office": cast.tamba.pk}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    assert b"This export has 1 row." in partial.content
    assert b"<form" not in partial.content
    assert export_events() == []  # counting is not exporting


def more_cases(cast, world, count: int) -> None:
    household, private = world.household, world.private
    profile = ScoringProfile.objects.get(code="mini")
    for i in range(count):
        returnee(cast, (household, private, world.directory, profile), cast.tamba, f"extra{i}")


@pytest.mark.parametrize("dataset", ["cases", "assessments", "plans", "referrals", "scores"])
def test_queries_do_not_grow_with_the_rows(client, cast, world, dataset):
    params = {"dataset": dataset, "identifiable": "on"}
    if dataset == "assessments":
        params["instrument_version"] = world.household.pk
    client.force_login(cast.sup_dakar)

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get("/exports/download/", {"format": "csv", **params})
            rows = csv_rows(response)
        return len(captured), len(rows)

    few, few_rows = queries()
    more_cases(cast, world, 6)
    many, many_rows = queries()
    assert many_rows == few_rows + 6
    assert many == few
    assert few <= 25


def test_the_command_writes_the_file_and_audits_it(cast, world, tmp_path):
    out = tmp_path / "cases.csv"
    call_command("export_dataset", "cases", "--user", "sup.dakar", "--output", str(out), "--identifiable")
    text = out.read_text(encoding="utf-8")
    assert "Dakargiven" in text and not text.startswith("\ufeff")
    (event,) = export_events()
    assert event.changes["channel"] == "command" and event.changes["rows"] == 4


def test_the_command_writes_a_workbook_of_one_office(cast, world, tmp_path):
    out = tmp_path / "a.xlsx"
    call_command(
        "export_dataset", "assessments", "--format", "xlsx", "--user", "me.hq", "--office", "BKO", "--output", str(out)
    )
    assert out.read_bytes().startswith(b"PK")
    assert export_events()[0].changes["rows"] == 1  # Bamako's public questionnaire only


def test_the_command_refuses_identities_to_an_me_officer(cast, world, tmp_path):
    with pytest.raises(CommandError, match="pseudonymised exports only"):
        call_command(
            "export_dataset", "cases", "--user", "me.hq", "--identifiable", "--output", str(tmp_path / "x.csv")
        )
    assert export_events() == []
