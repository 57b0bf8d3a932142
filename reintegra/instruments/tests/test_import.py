"""Importing Kobo/ODK exports: file formats, column matching, row reasons, no duplicates, check only, CLI."""

import csv
import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from reintegra.audit.models import AuditEvent
from reintegra.instruments import importer
from reintegra.instruments.engine import FormModel
from reintegra.instruments.models import Flag, ImportBatch, InstrumentVersion, Response
from reintegra.instruments.tests.conftest import give_monitoring_consent
from reintegra.scoring.models import Score

pytestmark = pytest.mark.django_db

KOBO_META = ["start", "end", "today", "username", "deviceid"]
KOBO_TAIL = ["_id", "_uuid", "_submission_time", "_validation_status", "__version__", "_index"]


def current(code: str) -> InstrumentVersion:
    return InstrumentVersion.objects.select_related("instrument").get(instrument__code=code, is_current=True)


def form_of(version: InstrumentVersion) -> FormModel:
    return FormModel.from_definition(version.definition)


def column(question, separator: str = "/") -> str:
    """The question's export column: its groups joined by the separator, as Kobo and ODK write them."""
    return separator.join(question.path[1:])


def rss_answers(**overrides) -> dict:
    """A complete RSS: middle-of-the-scale answers, no flag unless asked for."""
    form = form_of(current("rss"))
    answers = {}
    for question in form.top_level():
        if question.type == "select_one":
            names = [c.name for c in question.choices]
            answers[question.name] = "no" if "no" in names else names[1]
    answers.update({"s6a_has_id_document": "yes", "s4_children_in_school": "yes", "p4_feels_safe": "safe"})
    answers.update(overrides)
    return answers


def rss_header(separator: str = "/") -> tuple[list[str], list[str]]:
    form = form_of(current("rss"))
    questions = [q for q in form.top_level() if q.type == "select_one"]
    return [column(q, separator) for q in questions], [q.name for q in questions]


def write_csv(tmp_path, header, rows, *, delimiter=",", bom=False, name="export.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def kobo_rss_file(tmp_path, rows, *, delimiter=";", name="rss-kobo.csv"):
    """rows: (case number, uuid, answers) -> a Kobo CSV export (semicolons, group prefixes, metadata)."""
    columns, names = rss_header()
    header = KOBO_META + ["identification/case_number"] + columns + KOBO_TAIL
    lines = []
    for index, (number, uuid, answers) in enumerate(rows, 1):
        meta = ["2026-02-01T09:00:00.000+00:00", "2026-02-01T09:40:00.000+00:00", "2026-02-01", "enum.awa", "dev1"]
        tail = [str(index), uuid, "2026-02-02T10:00:00", "", "vXYZ", str(index)]
        lines.append(meta + [number] + [answers.get(n, "") for n in names] + tail)
    return write_csv(tmp_path, header, lines, delimiter=delimiter, name=name)


def run(cast, path, *, user=None, code="rss", occasion="baseline", **options):
    return importer.responses_import(
        actor=user or cast.cm_dakar, version=current(code), path=path, occasion=occasion, **options
    )


def rows_by_number(batch) -> dict[int, dict]:
    return {row["row"]: row for row in batch.report["rows"]}


# --- Formats ------------------------------------------------------------------------------------


def test_a_kobo_csv_export_of_the_rss_goes_into_the_cases_with_scores_and_flags(cast, tmp_path):
    first = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    second = cast.case(cast.dakar, given="Awa", family="Ndiaye")
    path = kobo_rss_file(
        tmp_path,
        [
            (first.number, "a1b2c3", rss_answers(p8_wants_psych_support="yes")),
            (second.number.lower(), "d4e5f6", rss_answers()),
        ],
    )
    batch = run(cast, path)
    assert (batch.row_count, batch.accepted_count, batch.rejected_count) == (2, 2, 0), batch.report["rows"]
    response = Response.objects.get(case=first)
    assert response.source == "import" and response.external_id == "a1b2c3"
    assert response.status == "submitted" and response.interview_date == date(2026, 2, 1)
    assert response.interviewer_name == "enum.awa" and response.answers["e1_economic_satisfaction"] == "satisfied"
    assert Score.objects.filter(response__case__in=[first, second]).count() == 2
    assert list(Flag.objects.filter(case=first).values_list("code", flat=True)) == ["psych_support_requested"]
    assert not Flag.objects.filter(case=second).exists()
    ignored = {item["column"] for item in batch.report["ignored_columns"]}
    assert {"end", "_id", "_validation_status", "__version__", "_index"} <= ignored
    assert batch.report["columns"]["external_id"] == "_uuid"
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.RESPONSES_IMPORTED)
    assert event.actor == cast.cm_dakar and event.changes["accepted"] == 2 and event.changes["check_only"] is False


def test_an_odk_central_export_with_instance_id_and_key_is_read(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    columns, names = rss_header(separator="-")
    header = ["SubmissionDate", "case_no", *columns, "meta-instanceID", "SubmitterName", "KEY", "ReviewState"]
    answers = rss_answers()
    row = ["2026-02-03T08:00:00.000Z", case.number, *[answers[n] for n in names]]
    row += ["uuid:0f0e-11", "Enumerator 2", "uuid:0f0e-11", ""]
    batch = run(cast, write_csv(tmp_path, header, [row]))
    assert batch.accepted_count == 1, batch.report["rows"]
    response = Response.objects.get(case=case)
    assert response.external_id == "0f0e-11" and response.interview_date == date(2026, 2, 3)
    assert response.interviewer_name == "Enumerator 2"
    assert batch.report["columns"]["external_id"] == "meta-instanceID"


def test_an_odk_export_with_key_only_uses_it_as_the_submission_id(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    columns, names = rss_header(separator=":")
    answers = rss_answers()
    path = write_csv(tmp_path, ["KEY", "numero_dossier", *columns], [["uuid:k-1", case.number, *answers.values()]])
    batch = run(cast, path)
    assert batch.accepted_count == 1 and Response.objects.get(case=case).external_id == "k-1"


def test_an_xlsx_export_is_read_with_date_cells(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    columns, names = rss_header()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["today", "case_number", *columns, "_uuid"])
    answers = rss_answers()
    sheet.append([datetime(2026, 1, 20), case.number, *[answers[n] for n in names], "x-1"])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    batch = run(cast, path)
    assert batch.accepted_count == 1, batch.report["rows"]
    assert Response.objects.get(case=case).interview_date == date(2026, 1, 20)


def test_a_tab_separated_file_with_a_byte_order_mark_is_read(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    columns, names = rss_header()
    answers = rss_answers()
    path = write_csv(
        tmp_path,
        ["case_number", *columns, "_uuid"],
        [[case.number, *answers.values(), "t-1"]],
        delimiter="\t",
        bom=True,
    )
    batch = run(cast, path)
    assert batch.accepted_count == 1 and batch.report["columns"]["case"] == "case_number"


def test_kobo_separate_columns_of_a_multiple_choice_are_put_back_together(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    version = current("rapid_screening")
    form = form_of(version)
    answers = {}
    for question in form.top_level():
        if question.type == "select_one":
            answers[question.name] = "no" if "no" in question.choice_names else question.choices[0].name
    answers.update(h3_disability="yes", m2_observed_signs="none")
    disability = form.by_name["h3_disability_types"]
    option_columns = [f"{column(disability)}/{c.name}" for c in disability.choices]
    plain = [q for q in form.top_level() if q.name in answers]
    header = ["case_number", "_uuid", *[column(q) for q in plain], *option_columns]
    ticked = {"walking": "1", "hearing": "1"}
    row = [
        case.number,
        "rs-1",
        *[answers[q.name] for q in plain],
        *[ticked.get(c.name, "0") for c in disability.choices],
    ]
    batch = run(cast, write_csv(tmp_path, header, [row]), code="rapid_screening", occasion="screening")
    assert batch.accepted_count == 1, batch.report["rows"]
    assert Response.objects.get(case=case).answers["h3_disability_types"] == ["hearing", "walking"]


def test_when_kobo_exports_both_forms_of_a_multiple_choice_the_single_column_is_read(cast, tmp_path, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    header = ["case_number", "about/age", "about/works", "needs", "needs/food", "needs/health", "needs/other"]
    batch = run(cast, write_csv(tmp_path, header, [[case.number, "30", "no", "food", "1", "0", "0"]]), code="household")
    assert batch.accepted_count == 1, batch.report["rows"]
    assert Response.objects.get(case=case).answers["needs"] == ["food"]
    reasons = {item["column"]: item["reason"] for item in batch.report["ignored_columns"]}
    assert "needs" in reasons["needs/food"]


def test_repeat_and_calculated_columns_are_listed_as_ignored_not_dropped_silently(cast, tmp_path, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    header = ["case_number", "about/age", "about/works", "members/member_name", "members", "needs_count", "colour"]
    batch = run(
        cast, write_csv(tmp_path, header, [[case.number, "30", "no", "Awa", "1", "0", "blue"]]), code="household"
    )
    assert batch.accepted_count == 1
    reasons = {item["column"]: item["reason"] for item in batch.report["ignored_columns"]}
    assert "repeat" in reasons["members/member_name"] and "repeat" in reasons["members"]
    assert "Calculated" in reasons["needs_count"] and "Not a question" in reasons["colour"]


# --- Rows that are refused ------------------------------------------------------------------------


def test_bad_rows_are_rejected_with_their_reasons_and_good_rows_still_go_in(cast, tmp_path):
    good = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    other_office = cast.case(cast.bamako, given="Fatou", family="Keita")
    colleague = cast.case(cast.dakar, given="Ibou", family="Sarr", assigned_to=cast.cm_dakar2)
    missing = rss_answers()
    del missing["p9_able_to_stay"]
    path = kobo_rss_file(
        tmp_path,
        [
            ("SN-DKR-2026-999999", "u1", rss_answers()),
            (other_office.number, "u2", rss_answers()),
            (colleague.number, "u3", rss_answers()),
            (good.number, "u4", rss_answers(e1_economic_satisfaction="happy")),
            (good.number, "u5", missing),
            ("", "u6", rss_answers()),
            (good.number, "u7", rss_answers()),
        ],
    )
    batch = run(cast, path)
    rows = rows_by_number(batch)
    assert (batch.accepted_count, batch.rejected_count) == (1, 6)
    assert rows[2]["errors"] == ["Case SN-DKR-2026-999999 not found."]
    assert rows[3]["errors"] == [f"Case {other_office.number} not found."]  # no hint that it exists elsewhere
    assert rows[4]["errors"] == [f"Case {colleague.number} not found."]
    assert rows[5]["errors"] == ["e1_economic_satisfaction: Choose one of the options. (answer: “happy”)"]
    assert rows[6]["errors"][0].startswith("p9_able_to_stay: Choose an answer")
    assert rows[7]["errors"] == ["The row has no case number."]
    assert rows[8]["status"] == "accepted" and Response.objects.filter(case=good).count() == 1
    assert not Response.objects.filter(case__in=[other_office, colleague]).exists()


def test_a_violated_constraint_is_a_reason_with_the_forms_message(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    form = form_of(current("rapid_screening"))
    plain = [q for q in form.top_level() if q.type == "select_one"]
    answers = {q.name: "no" if "no" in q.choice_names else q.choices[0].name for q in plain}
    answers.update(pregnancy="yes", m2_observed_signs="none", pregnancy_months="12")
    questions = [*plain, form.by_name["pregnancy_months"], form.by_name["m2_observed_signs"]]
    header = ["case_number", *[column(q) for q in questions]]
    path = write_csv(tmp_path, header, [[case.number, *[answers[q.name] for q in questions]]])
    batch = run(cast, path, code="rapid_screening", occasion="screening")
    assert batch.report["rows"][0]["errors"] == [
        "pregnancy_months: Enter a number of months between 1 and 10. (answer: “12”)"
    ]


def test_a_follow_up_without_monitoring_consent_is_rejected_with_the_reason(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    consented = cast.case(cast.dakar, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar)
    give_monitoring_consent(consented, cast.sup_dakar)
    path = kobo_rss_file(tmp_path, [(case.number, "f1", rss_answers()), (consented.number, "f2", rss_answers())])
    batch = run(cast, path, occasion="follow_up", occasion_number=2)
    rows = rows_by_number(batch)
    assert rows[2]["status"] == "rejected" and "monitoring" in rows[2]["errors"][0]
    assert rows[3]["status"] == "accepted"
    assert Response.objects.get(case=consented).occasion_number == 2


def test_an_unreadable_interview_date_is_a_reason_and_a_missing_one_a_note(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    columns, names = rss_header()
    answers = rss_answers()
    header = ["interview_date", "case_number", *columns]
    rows = [["15/01/2026", case.number, *answers.values()], ["", case.number, *answers.values()]]
    batch = run(cast, write_csv(tmp_path, header, rows))
    first, second = batch.report["rows"]
    assert "not a date" in first["errors"][0]
    assert second["status"] == "accepted" and "import date" in second["notes"][0]


def test_a_file_without_a_case_number_column_says_which_columns_it_has(cast, tmp_path):
    columns, _names = rss_header()
    path = write_csv(tmp_path, ["dossier", *columns], [["SN-1", *rss_answers().values()]])
    with pytest.raises(importer.ImportProblem, match="No case-number column.*dossier"):
        run(cast, path)
    batch = run(cast, path, case_column="dossier")
    assert batch.report["rows"][0]["errors"] == ["Case SN-1 not found."]


def test_a_file_of_labels_instead_of_names_is_refused_as_a_whole(cast, tmp_path):
    path = write_csv(tmp_path, ["case_number", "How satisfied are you?"], [["SN-1", "Satisfied"]])
    with pytest.raises(importer.ImportProblem, match="XML values"):
        run(cast, path)


# --- Duplicates and check only --------------------------------------------------------------------


def test_importing_the_same_file_again_creates_no_duplicates(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    path = kobo_rss_file(tmp_path, [(case.number, "same-1", rss_answers()), (case.number, "same-1", rss_answers())])
    first = run(cast, path)
    assert (first.accepted_count, first.already_imported_count) == (1, 1)
    assert "row 2" in first.report["rows"][1]["notes"][0]
    again = run(cast, path)
    assert (again.accepted_count, again.already_imported_count, again.rejected_count) == (0, 2, 0)
    assert Response.objects.filter(case=case).count() == 1


def test_rows_without_a_submission_id_get_a_stable_fingerprint(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    columns, _names = rss_header()
    answers = rss_answers()
    other = rss_answers(e1_economic_satisfaction="very_satisfied")
    rows = [[case.number, *answers.values()], [case.number, *other.values()]]
    path = write_csv(tmp_path, ["case_number", *columns], rows)
    assert run(cast, path).accepted_count == 2
    again = run(cast, path)
    assert again.already_imported_count == 2 and Response.objects.filter(case=case).count() == 2
    assert all(r.external_id.startswith("row-sha256:") for r in Response.objects.filter(case=case))


def test_check_only_reports_every_row_and_saves_nothing(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    path = kobo_rss_file(
        tmp_path, [(case.number, "c1", rss_answers(p8_wants_psych_support="yes")), ("SN-X", "c2", rss_answers())]
    )
    events = AuditEvent.objects.count()
    batch = run(cast, path, check_only=True)
    assert batch.check_only and (batch.accepted_count, batch.rejected_count) == (1, 1)
    assert "response" not in batch.report["rows"][0]
    assert not Response.objects.exists() and not Flag.objects.exists() and not Score.objects.exists()
    assert AuditEvent.objects.count() == events + 1  # only the import itself
    assert run(cast, path).accepted_count == 1  # the real import still takes the row


# --- Who may import -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["me_hq", "partner_dakar", "admin", "nobody"])
def test_users_without_casework_rights_cannot_import(cast, tmp_path, who):
    case = cast.case(cast.dakar)
    path = kobo_rss_file(tmp_path, [(case.number, "p1", rss_answers())])
    with pytest.raises(importer.PermissionDenied):
        run(cast, path, user=getattr(cast, who))
    assert not ImportBatch.objects.exists()


def test_a_supervisor_imports_into_the_cases_of_the_office_tree(cast, tmp_path):
    tamba = cast.case(cast.tamba, assigned_to=cast.cm_tamba)
    path = kobo_rss_file(tmp_path, [(tamba.number, "s1", rss_answers())])
    assert run(cast, path, user=cast.sup_dakar).accepted_count == 1
    assert Response.objects.get(case=tamba).created_by == cast.sup_dakar


def test_the_sub_office_case_is_not_found_for_a_case_manager_of_the_parent_office(cast, tmp_path):
    tamba = cast.case(cast.tamba, assigned_to=cast.cm_tamba)
    batch = run(cast, kobo_rss_file(tmp_path, [(tamba.number, "s2", rss_answers())]))
    assert batch.report["rows"][0]["errors"] == [f"Case {tamba.number} not found."]


# --- Report CSV and queries -----------------------------------------------------------------------


def test_the_csv_report_neutralises_formulas(cast, tmp_path):
    path = kobo_rss_file(tmp_path, [('=HYPERLINK("http://x")', "@u1", rss_answers())])
    batch = run(cast, path)
    out = io.StringIO()
    importer.write_report(batch, out)
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines[0] == list(importer.REPORT_HEADER)
    assert lines[1][2].startswith("'=") and lines[1][3] == "'@u1" and lines[1][1] == "rejected"
    assert any(line[1] == "ignored_column" for line in lines)


def _queries(cast, tmp_path, count: int, extra_columns: int = 0) -> int:
    cases = [cast.case(cast.dakar, given=f"P{count}{i}", assigned_to=cast.cm_dakar) for i in range(count)]
    columns, names = rss_header()
    answers = rss_answers(p8_wants_psych_support="yes")
    header = ["case_number", "_uuid", *columns, *[f"extra_{i}" for i in range(extra_columns)]]
    rows = [[c.number, f"q{count}-{extra_columns}-{i}", *[answers[n] for n in names]] for i, c in enumerate(cases)]
    path = write_csv(tmp_path, header, [r + ["x"] * extra_columns for r in rows], name=f"q{count}-{extra_columns}.csv")
    with CaptureQueriesContext(connection) as captured:
        batch = run(cast, path)
    assert batch.accepted_count == count, batch.report["rows"]
    return len(captured)


def test_queries_grow_with_rows_not_with_columns(cast, tmp_path):
    _queries(cast, tmp_path, 1)  # warm the per-process caches (content types, profiles)
    two, four = _queries(cast, tmp_path, 2), _queries(cast, tmp_path, 4)
    per_row = (four - two) / 2
    assert per_row <= 25, per_row
    assert _queries(cast, tmp_path, 2, extra_columns=80) == two


# --- The command ----------------------------------------------------------------------------------


def test_the_command_imports_and_prints_the_summary(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    path = kobo_rss_file(tmp_path, [(case.number, "cli-1", rss_answers())])
    out = io.StringIO()
    call_command(
        "import_responses", str(path), "--instrument", "rss", "--occasion", "baseline", "--user", "cm.dakar", stdout=out
    )
    assert "1 accepted, 0 rejected" in out.getvalue()
    assert Response.objects.filter(case=case, external_id="cli-1").exists()


def test_the_command_exits_with_1_when_a_row_is_rejected_and_checks_without_saving(cast, tmp_path):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    path = kobo_rss_file(tmp_path, [(case.number, "cli-2", rss_answers()), ("SN-NOPE", "cli-3", rss_answers())])
    out = io.StringIO()
    report = tmp_path / "report.csv"
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_responses",
            str(path),
            "--instrument=rss",
            "--version=2026.1",
            "--occasion=baseline",
            "--user=cm.dakar",
            "--check",
            f"--report={report}",
            stdout=out,
        )
    assert raised.value.returncode == 1
    assert "Checked (nothing saved)" in out.getvalue() and "Row 3 (SN-NOPE): rejected: Case SN-NOPE not found." in (
        out.getvalue()
    )
    assert not Response.objects.exists() and "SN-NOPE" in report.read_text()


def test_the_command_refuses_an_m_and_e_officer(cast, tmp_path):
    path = kobo_rss_file(tmp_path, [("SN-1", "m-1", rss_answers())])
    with pytest.raises(CommandError, match="casework"):
        call_command("import_responses", str(path), "--instrument=rss", "--occasion=baseline", "--user=me.hq")


def test_answers_to_questions_that_do_not_apply_are_reported_as_not_kept(cast, tmp_path, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    header = ["case_number", "about/age", "about/works", "about/job", "", "needs"]
    batch = run(cast, write_csv(tmp_path, header, [[case.number, "30", "no", "Tailor", "?", ""]]), code="household")
    row = batch.report["rows"][0]
    assert row["status"] == "accepted" and "were not kept: job" in row["notes"][0]
    assert "job" not in Response.objects.get(case=case).answers
    assert {"column": "column 5", "reason": "The column has no name."} in batch.report["ignored_columns"]


def test_a_bounded_import_stops_with_a_note_and_the_same_file_continues(cast, tmp_path):
    cases = [cast.case(cast.dakar, given=f"P{i}", assigned_to=cast.cm_dakar) for i in range(3)]
    path = kobo_rss_file(tmp_path, [(c.number, f"b-{i}", rss_answers()) for i, c in enumerate(cases)])
    first = run(cast, path, max_new_rows=2)
    assert (first.row_count, first.accepted_count) == (2, 2) and "stopped at row 3" in first.report["notes"][-1]
    second = run(cast, path, max_new_rows=2)
    assert (second.accepted_count, second.already_imported_count) == (1, 2) and not second.report["notes"]
    assert Response.objects.count() == 3
