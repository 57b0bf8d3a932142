"""`rss_score` on Kobo-style exports (group prefixes, labels, bad rows) and `load_profile`."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from reintegra.scoring.models import ScoringProfile
from reintegra.scoring.services import PROVISIONAL_PROFILE

pytestmark = pytest.mark.django_db

HEADER = [
    "start",
    "economic/e1_economic_satisfaction",
    "grp-x/e3_can_borrow",
    "group_x:s4_children_in_school",
    "psychosocial-p7_anger",
    "psychosocial/p7_fear",
    "_uuid",
]
ROWS = [
    # e1 .75, e3 yes 1 -> economic .875; s4 no_school_age_children -> social null; distress = mean(1-.75, 1-0) = .625
    ["2026-02-01", "satisfied", "yes", "no_school_age_children", "often", "never", "u1"],
    # labels (French and English): e1 1, e3 0 -> .5; s4 yes 1; distress = mean(1, 1) = 1;
    # composite = (.5 + 1 + 1) / 3 = .833333
    ["2026-02-02", "Très satisfait(e)", "No", "Oui, tous", "Jamais", "never", "u2"],
    ["2026-02-03", "splendid", "yes", "yes", "never", "never", "u3"],  # unknown answer
    ["@SUM(A1)", "", "", "", "", "", "u4"],  # nothing answered; a formula in a cell
]


def run(tmp_path, name: str, *extra) -> tuple[list[dict], str]:
    out = tmp_path / "out.csv"
    stdout = StringIO()
    call_command(
        "rss_score", str(tmp_path / name), "--profile", "rss-provisional", "--output", str(out), *extra, stdout=stdout
    )
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle)), stdout.getvalue()


def write_csv(path, rows, delimiter=";"):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)


def check_rows(rows):
    assert [r["_uuid"] for r in rows] == ["u1", "u2", "u3", "u4"]
    first, second, third, fourth = rows
    assert (first["economic"], first["social"], first["psychosocial"], first["composite"]) == (
        "0.875",
        "",
        "0.625",
        "0.75",
    )
    assert first["status"] == "insufficient_answers" and first["reason"] == "Not enough answers for: social."
    assert first["missing_count"] == "26"
    assert (second["economic"], second["social"], second["psychosocial"], second["composite"]) == (
        "0.5",
        "1",
        "1",
        "0.833333",
    )
    assert second["status"] == "ok" and second["reason"] == ""
    assert third["status"] == "error"
    assert third["reason"] == "Unknown answer “splendid” to e1_economic_satisfaction."
    assert third["composite"] == ""
    assert fourth["status"] == "insufficient_answers" and fourth["missing_count"] == "30"
    assert fourth["start"] == "'@SUM(A1)"
    assert list(rows[0])[: len(HEADER)] == HEADER


def test_it_scores_a_kobo_csv_with_group_prefixes_labels_and_bad_rows(tmp_path):
    write_csv(tmp_path / "export.csv", [HEADER, *ROWS])
    rows, said = run(tmp_path, "export.csv")
    check_rows(rows)
    assert "Scored 4 rows" in said and "1 ok, 2 insufficient_answers, 1 error" in said


def test_it_scores_an_xlsx_export_in_small_chunks(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    workbook.save(tmp_path / "export.xlsx")
    rows, _said = run(tmp_path, "export.xlsx", "--chunk", "3")
    check_rows(rows)


def test_a_row_with_extra_cells_is_an_error_not_a_crash(tmp_path):
    write_csv(tmp_path / "export.csv", [HEADER, ROWS[0] + ["surplus"], ROWS[1][:3]], delimiter=",")
    rows, _said = run(tmp_path, "export.csv")
    assert rows[0]["status"] == "error" and rows[0]["reason"] == "The row has 8 cells; the header has 7."
    assert rows[1]["status"] == "insufficient_answers"  # a short row: the cells it lacks are unanswered


def test_it_accepts_a_profile_file_and_names_columns_that_collide(tmp_path):
    write_csv(tmp_path / "export.csv", [["e1_economic_satisfaction", "status"], ["very_satisfied", "done"]])
    out = tmp_path / "out.csv"
    call_command(
        "rss_score",
        str(tmp_path / "export.csv"),
        "--profile",
        str(PROVISIONAL_PROFILE),
        "--output",
        str(out),
        stdout=StringIO(),
    )
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert row["status"] == "done" and row["score_status"] == "insufficient_answers" and row["economic"] == "1"


@pytest.mark.parametrize(
    ("content", "profile", "message"),
    [
        ("a,b\n1,2\n", "rss-provisional", "No column of the file matches a scored question"),
        ("e1_economic_satisfaction,x/e1_economic_satisfaction\n", "rss-provisional", "both hold question"),
        ("e1_economic_satisfaction\nsatisfied\n", "nope:1", "No profile file or loaded profile"),
    ],
)
def test_file_problems_are_clear_command_errors(tmp_path, content, profile, message):
    (tmp_path / "export.csv").write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command(
            "rss_score", str(tmp_path / "export.csv"), "--profile", profile, "--output", str(tmp_path / "o.csv")
        )


def test_load_profile_is_idempotent_and_refuses_changed_content(tmp_path):
    stdout = StringIO()
    call_command("load_profile", str(PROVISIONAL_PROFILE), stdout=stdout)
    assert "rss-provisional v2026.1 already loaded (default)." in stdout.getvalue()
    changed = tmp_path / "changed.yaml"
    changed.write_text(PROVISIONAL_PROFILE.read_text(encoding="utf-8").replace("min_answered: 1", "min_answered: 2"))
    with pytest.raises(CommandError, match="already loaded with different content"):
        call_command("load_profile", str(changed))
    renamed = tmp_path / "v2.yaml"
    renamed.write_text(changed.read_text().replace('version: "2026.1"', 'version: "2026.2"'))
    call_command("load_profile", str(renamed), "--default", stdout=StringIO())
    assert ScoringProfile.objects.get(is_default=True).version == "2026.2"
