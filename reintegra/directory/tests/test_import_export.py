"""XLSX import (row-level report, re-import without duplicates) and export (round trip, formula injection)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reintegra.audit.models import AuditEvent
from reintegra.directory.imports import directory_import
from reintegra.directory.models import Organisation, Service
from reintegra.directory.tests.test_pages import login
from reintegra.directory.xlsx import COLUMNS

HEADER = [
    "organisation",
    "organisation_kind",
    "organisation_country",
    "service",
    "categories",
    "coverage",
    "cost",
    "response_days",
    "contact_phone",
]


def workbook(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("directory.xlsx", buffer.getvalue())


GOOD = [
    ["Agence Emploi", "government", "SN", "Placement", "job_placement", "SN/Dakar; SN/Thiès", "free", 5, "+221 33 000"],
    ["Agence Emploi", "government", "SN", "Orientation", "Counselling", "SN", "", "", ""],
    [
        "Banque Sahel",
        "Private sector",
        "SN",
        "Microcrédit",
        "financial_services, business_development",
        "SN",
        "paid",
        "",
        "",
    ],
]
BAD = [
    ["", "ngo", "SN", "Sans nom", "tvet", "SN", "", "", ""],
    ["ONG Nouvelle", "charity", "SN", "Cours", "tvet", "SN", "", "", ""],
    ["ONG Nouvelle 2", "ngo", "SN", "Cours", "knitting", "SN", "", "", ""],
    ["ONG Nouvelle 3", "ngo", "SN", "Cours", "tvet", "SN//Pikine", "", "", ""],
    ["ONG Nouvelle 4", "ngo", "SN", "Cours", "tvet", "SN", "", "soon", ""],
    ["Agence Emploi", "government", "SN", "Placement", "job_placement", "SN", "", "", ""],
    ["Agence Emploi", "ngo", "SN", "Autre", "tvet", "SN", "", "", ""],
    ["ONG Nouvelle 5", "ngo", "SN", "Cours", "", "SN", "", "", ""],
]


@pytest.fixture
def report(cast, directory, english_users):
    record = directory_import(actor=cast.pm_dakar, upload=workbook(GOOD + BAD), office=cast.dakar)
    return {r["row"]: r for r in record.report["rows"]}, record


def test_good_rows_are_created(report):
    rows, record = report
    assert [rows[n]["status"] for n in (2, 3, 4)] == ["created", "created", "created"]
    assert record.created_count == 3
    placement = Service.objects.get(name="Placement")
    assert [a.as_line() for a in placement.areas.all()] == ["SN/Dakar", "SN/Thiès"]
    assert placement.contact_phone == "+221 33 000" and placement.response_days == 5
    assert Organisation.objects.get(name="Banque Sahel").kind == "private"
    assert Organisation.objects.get(name="Agence Emploi").office.code == "DKR"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (5, "organisation: this column is required."),
        (6, "organisation_kind: “charity” is not one of"),
        (7, "categories: “knitting” is not a known category code."),
        (8, "a district needs its region"),
        (9, "response_days: write a whole number of days between 1 and 365."),
        (10, "This service already appears in row 2."),
        (11, "The organisation's details differ from row 2."),
        (12, "categories: Choose at least one category."),
    ],
)
def test_bad_rows_are_rejected_with_their_reasons(report, row, reason):
    rows, record = report
    assert rows[row]["status"] == "rejected"
    assert any(reason in message for message in rows[row]["errors"]), rows[row]["errors"]
    assert record.rejected_count == len(BAD)


def test_nothing_of_a_rejected_row_is_kept(report):
    assert not Organisation.objects.filter(name__startswith="ONG Nouvelle").exists()


def test_reimporting_the_same_file_updates_instead_of_duplicating(cast, directory, report):
    again = directory_import(actor=cast.pm_dakar, upload=workbook(GOOD), office=cast.dakar)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert Service.objects.filter(name="Placement").count() == 1
    changed = [row[:] for row in GOOD]
    changed[0][7] = 8
    third = directory_import(actor=cast.pm_dakar, upload=workbook(changed), office=cast.dakar)
    assert third.updated_count == 1 and Service.objects.get(name="Placement").response_days == 8


def test_an_import_is_audited_with_its_counts(cast, directory, report):
    _rows, record = report
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.DIRECTORY_IMPORTED)
    assert (event.actor, event.office, event.subject_id) == (cast.pm_dakar, cast.dakar, str(record.pk))
    assert event.changes["created"] == 3 and event.changes["rejected"] == len(BAD)


def test_a_check_only_import_saves_nothing_but_the_report(cast, directory):
    record = directory_import(actor=cast.pm_dakar, upload=workbook(GOOD), office=cast.dakar, dry_run=True)
    assert record.created_count == 3
    assert not Organisation.objects.filter(name="Agence Emploi").exists()


def test_rows_of_another_office_are_rejected(cast, directory, english_users):
    row = ["Clinique du Fleuve", "private", "ML", "Soins de santé mentale", "health", "ML", "", "", ""]
    record = directory_import(actor=cast.pm_dakar, upload=workbook([row]), office=cast.dakar)
    assert record.report["rows"][0]["errors"] == ["You may not change this organisation's entries."]


def test_unknown_columns_are_reported_not_silently_dropped(cast, directory):
    upload = workbook(
        [["X Org", "ngo", "Cours", "tvet", "free"]],
        header=["organisation", "organisation_kind", "service", "categories", "colour"],
    )
    record = directory_import(actor=cast.pm_dakar, upload=upload, office=cast.dakar)
    assert record.report["ignored_columns"] == ["colour"]


def test_the_import_page_shows_the_row_report(client, cast, directory, english_users):
    login(client, cast.pm_dakar)
    response = client.post(reverse("directory:import"), {"file": workbook(GOOD + BAD[:2]), "office": cast.dakar.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Created" in page and "Rejected" in page and "is not one of" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("directory.csv", b"a,b"), "Upload an Excel workbook (.xlsx)."),
        (SimpleUploadedFile("directory.xlsx", b"not a zip"), "This file is not a valid Excel workbook (.xlsx)."),
        (SimpleUploadedFile("directory.xlsx", b"PK\x03\x04broken"), "This file is not a valid Excel workbook (.xlsx)."),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(client, cast, directory, english_users, upload, message):
    login(client, cast.pm_dakar)
    response = client.post(reverse("directory:import"), {"file": upload, "office": cast.dakar.pk})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_file_without_the_required_columns_is_refused(client, cast, directory, english_users):
    login(client, cast.pm_dakar)
    response = client.post(
        reverse("directory:import"), {"file": workbook([["x"]], header=["name"]), "office": cast.dakar.pk}
    )
    assert response.status_code == 400
    assert "missing: organisation, service" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("pm_dakar", 200),
        ("admin", 200),
        ("sup_dakar", 403),
        ("cm_dakar", 403),
        ("me_hq", 403),
        ("partner_dakar", 403),
        ("nobody", 403),
    ],
)
def test_who_may_open_the_import_page(client, cast, directory, who, status):
    login(client, getattr(cast, who))
    assert client.get(reverse("directory:import")).status_code == status


def test_an_import_report_is_hidden_from_other_offices(client, cast, directory, report):
    _rows, record = report
    url = reverse("directory:import_report", args=[record.pk])
    assert login(client, cast.pm_dakar).get(url).status_code == 200
    assert login(client, cast.admin).get(url).status_code == 200
    assert login(client, cast.sup_bamako).get(url).status_code == 404
    assert login(client, cast.cm_dakar).get(url).status_code == 404


def export_rows(client, user, params=None):
    response = login(client, user).get(reverse("directory:export"), params or {})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)], response


def test_the_export_has_the_import_columns_and_is_audited(client, cast, directory):
    rows, _response = export_rows(client, cast.cm_dakar)
    assert rows[0] == COLUMNS
    assert len(rows) == 1 + 4
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, actor=cast.cm_dakar).exists()


def test_a_partner_exports_only_their_organisation(client, cast, directory):
    rows, _response = export_rows(client, cast.partner_dakar)
    assert {row[0] for row in rows[1:]} == {"ONG Jappo"}


def test_export_then_import_round_trips_without_changes(client, cast, directory):
    _rows, response = export_rows(client, cast.admin)
    upload = SimpleUploadedFile("export.xlsx", response.content)
    record = directory_import(actor=cast.admin, upload=upload, office=None)
    assert (record.created_count, record.updated_count, record.rejected_count) == (0, 0, 0)
    assert record.unchanged_count == 4


def test_export_neutralises_formulas_and_import_restores_the_text(client, cast, directory):
    tailoring = directory.tailoring
    tailoring.description = '=HYPERLINK("http://evil.example","click")'
    tailoring.cost_note = "@SUM(A1)"
    tailoring.save()
    rows, response = export_rows(client, cast.admin, {"category": "tvet"})
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["description"] == "'" + tailoring.description
    assert row["cost_note"] == "'@SUM(A1)"
    assert row["contact_phone"] == "'+221 77"
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in rows[1])
    record = directory_import(actor=cast.admin, upload=SimpleUploadedFile("e.xlsx", response.content), office=None)
    assert record.unchanged_count == 1
    tailoring.refresh_from_db()
    assert tailoring.description.startswith("=HYPERLINK") and tailoring.contact_phone == "+221 77"
