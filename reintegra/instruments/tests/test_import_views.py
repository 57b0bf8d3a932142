"""Import pages as permission stories: who may import, who reads a report, the CSV download."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from reintegra.audit.models import AuditEvent
from reintegra.instruments.models import ImportBatch, Response
from reintegra.instruments.tests.test_import import current, kobo_rss_file, rss_answers
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("instruments:import")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/csv")


def post_import(client, path, **extra):
    data = {"version": current("rss").pk, "occasion": "baseline", "mode": "in_person", "file": upload(path), **extra}
    return client.post(IMPORT_URL, data)


def test_the_case_manager_imports_a_kobo_file_and_reads_the_report(client, cast, tmp_path, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    path = kobo_rss_file(tmp_path, [(case.number, "w-1", rss_answers()), ("SN-NOPE", "w-2", rss_answers())])
    login(client, cast.cm_dakar)
    page = client.get(IMPORT_URL + "?instrument=rss")
    assert page.status_code == 200 and page.context["form"]["version"].value() == current("rss").pk
    done = post_import(client, path)
    batch = ImportBatch.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("instruments:import_report", args=[batch.pk])
    report = client.get(done["Location"])
    html = report.content.decode()
    assert report.status_code == 200 and "Case SN-NOPE not found." in html and case.number in html
    assert Response.objects.get(case=case).source == "import"
    rejected = client.get(done["Location"] + "?status=rejected").content.decode()
    assert "SN-NOPE" in rejected and case.number not in rejected


def test_check_only_from_the_page_saves_nothing(client, cast, tmp_path, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    path = kobo_rss_file(tmp_path, [(case.number, "w-3", rss_answers())])
    done = post_import(login(client, cast.cm_dakar), path, check_only="on")
    assert done.status_code == 302 and not Response.objects.exists()
    assert "Check only: nothing was saved." in client.get(done["Location"]).content.decode()


def test_a_file_without_a_case_number_column_is_refused_on_the_form(client, cast, tmp_path, english_users):
    path = tmp_path / "nocase.csv"
    path.write_text("a,b\n1,2\n")
    page = post_import(login(client, cast.cm_dakar), path)
    assert page.status_code == 400 and "No case-number column" in page.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_of_another_type_or_too_large_is_refused(client, cast, tmp_path, english_users):
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")
    page = post_import(login(client, cast.cm_dakar), path)
    assert page.status_code == 400 and "CSV (.csv) or Excel (.xlsx)" in page.content.decode()
    fake = tmp_path / "fake.xlsx"
    fake.write_text("case_number\n")
    assert "not a valid Excel workbook" in post_import(client, fake).content.decode()
    with override_settings(UPLOAD_MAX_BYTES=10):
        big = kobo_rss_file(tmp_path, [("SN-1", "b-1", rss_answers())])
        assert "too large" in post_import(client, big).content.decode()
    assert not ImportBatch.objects.exists()


def test_a_follow_up_without_its_number_is_refused_on_the_form(client, cast, tmp_path, english_users):
    path = kobo_rss_file(tmp_path, [("SN-1", "n-1", rss_answers())])
    page = post_import(login(client, cast.cm_dakar), path, occasion="follow_up")
    assert page.status_code == 400 and "Give the follow-up number" in page.content.decode()


@pytest.mark.parametrize("who", ["cm_dakar", "sup_dakar", "cp_dakar"])
def test_users_with_casework_rights_see_the_import_page(client, cast, who):
    assert login(client, getattr(cast, who)).get(IMPORT_URL).status_code == 200


@pytest.mark.parametrize("who", ["me_hq", "partner_dakar", "admin", "nobody"])
def test_the_import_page_does_not_exist_for_users_without_casework_rights(client, cast, tmp_path, who):
    login(client, getattr(cast, who))
    assert client.get(IMPORT_URL).status_code == 404
    path = kobo_rss_file(tmp_path, [("SN-1", "x-1", rss_answers())])
    assert post_import(client, path).status_code == 404
    assert not ImportBatch.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, cast):
    page = client.get(IMPORT_URL)
    assert page.status_code == 302 and reverse("accounts:login") in page["Location"]


def _batch(client, cast, tmp_path, rows):
    done = post_import(login(client, cast.cm_dakar), kobo_rss_file(tmp_path, rows))
    client.logout()
    return done["Location"]


def test_a_report_is_read_by_its_author_only(client, cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    url = _batch(client, cast, tmp_path, [(case.number, "r-1", rss_answers())])
    for other in (cast.cm_dakar2, cast.sup_dakar, cast.me_hq, cast.admin):
        login(client, other)
        assert client.get(url).status_code == 404
        assert client.get(url + "report.csv").status_code == 404
        client.logout()


def test_the_report_downloads_as_csv_neutralised_and_audited(client, cast, tmp_path):
    url = _batch(client, cast, tmp_path, [("=SUM(1)", "+r-2", rss_answers())])
    download = login(client, cast.cm_dakar).get(url + "report.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[1][2] == "'=SUM(1)" and lines[1][3] == "'+r-2"
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, actor=cast.cm_dakar).exists()


def test_the_instruments_page_links_to_the_import_for_case_workers_only(client, cast):
    html = login(client, cast.cm_dakar).get(reverse("instruments:list")).content.decode()
    assert f'href="{IMPORT_URL}?instrument=rss"' in html
    client.logout()
    html = login(client, cast.me_hq).get(reverse("instruments:list")).content.decode()
    assert IMPORT_URL not in html


def test_the_import_page_renders_in_french(client, cast):
    cast.cm_dakar.language = "fr"
    cast.cm_dakar.save()
    page = login(client, cast.cm_dakar).get(IMPORT_URL)
    assert page.status_code == 200
