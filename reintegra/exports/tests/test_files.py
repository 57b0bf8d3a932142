"""What is in the files: sheets per questionnaire, code and label rows, codebooks per language,
sensitive questionnaires, formula neutralisation, filters and money."""

from datetime import date

import pytest
from django.utils import timezone, translation

from reintegra.accounts.models import User
from reintegra.cases.models import Case, Person, Stage
from reintegra.exports.tests.conftest import csv_rows, download, workbook

pytestmark = pytest.mark.usefixtures("english_users")


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_an_me_officer_never_gets_a_sensitive_questionnaire(client, cast, world):
    book = workbook(download(client, cast.me_hq, dataset="assessments", format="xlsx"))
    assert book.sheetnames == ["household 2026.1", "household 2026.1 codebook"]
    response = download(client, cast.me_hq, dataset="assessments", instrument_version=world.private.pk)
    assert csv_rows(response) == []


def test_a_supervisor_gets_each_questionnaire_on_its_own_sheet_with_its_codebook(client, cast, world):
    book = workbook(download(client, cast.sup_dakar, dataset="assessments", format="xlsx"))
    assert book.sheetnames == [
        "household 2026.1",
        "household 2026.1 codebook",
        "household_private 2026.1",
        "household_private 2026.1 codebo",  # 31 characters at most
    ]


def test_the_sensitive_scores_are_hidden_from_me_too(client, cast, world):
    from reintegra.scoring.models import Score

    private = world.dakar.case.responses.get(instrument_version=world.private)
    Score.objects.create(response=private, profile=Score.objects.first().profile, case=world.dakar.case)
    me_rows = csv_rows(download(client, cast.me_hq, dataset="scores"))
    assert {row["instrument"] for row in me_rows} == {"household"}
    sup_rows = csv_rows(download(client, cast.sup_dakar, dataset="scores"))
    assert {row["instrument"] for row in sup_rows} == {"household", "household_private"}


def test_questions_come_in_form_order_with_codes_then_labels_in_the_users_language(client, cast, world):
    User.objects.filter(pk=cast.sup_dakar.pk).update(language="fr")
    book = workbook(download(client, cast.sup_dakar, dataset="assessments", format="xlsx", identifiable="on"))
    rows = sheet_rows(book["household 2026.1"])
    codes, labels = rows[0], rows[1]
    questions = codes[codes.index("age") :]
    assert questions == [
        "age",
        "works",
        "job",
        "income",
        "arrived",
        "members_count",
        "needs",
        "needs_other",
        "needs_count",
        "wants_support",
    ]
    assert labels[codes.index("works")] == "Travaillez-vous ?"
    assert labels[codes.index("needs")] == "Besoins"
    data = dict(zip(codes, rows[2], strict=True))
    assert data["works"] == "yes"  # values are codes
    assert data["needs"] == "food other"  # select_multiple: space-separated codes
    assert data["members_count"] == 1


def test_the_codebook_gives_choice_labels_in_english_for_an_english_user(client, cast, world):
    User.objects.filter(pk=cast.sup_dakar.pk).update(language="en")
    book = workbook(download(client, cast.sup_dakar, dataset="assessments", format="xlsx"))
    codebook = sheet_rows(book["household 2026.1 codebook"])
    assert codebook[0] == ["sheet", "column", "label", "kind", "value", "value_label"]
    assert ["household 2026.1", "needs", None, None, "health", "Health"] in codebook
    assert ["household 2026.1", "works", "Do you work?", "select_one", None, None] in codebook


def test_the_cases_codebook_translates_stages_for_a_french_user(client, cast, world):
    User.objects.filter(pk=cast.me_hq.pk).update(language="fr")
    book = workbook(download(client, cast.me_hq, dataset="cases", format="xlsx"))
    assert book.sheetnames == ["cases", "codebook"]
    codebook = sheet_rows(book["codebook"])
    with translation.override("fr"):
        intake = str(Stage.INTAKE.label)
    assert ["cases", "stage", None, None, "intake", intake] in codebook
    assert ["cases", "office", None, None, "DKR", "Dakar"] in codebook
    codes, labels = sheet_rows(book["cases"])[:2]
    assert labels[codes.index("office")] == "Bureau"


def test_formulas_are_neutralised_in_csv_and_xlsx(client, cast, world):
    Person.objects.filter(pk=world.dakar.case.person_id).update(family_name='=HYPERLINK("http://x")')
    Case.objects.filter(pk=world.dakar.case.pk).update(return_region="+Kolda", return_district="@SUM(A1)")
    Case.objects.filter(pk=world.tamba.case.pk).update(return_region="-1+2", return_district="\t=1")
    rows = csv_rows(download(client, cast.sup_dakar, dataset="cases", identifiable="on"))
    dakar = next(r for r in rows if r["case_number"] == world.dakar.case.number)
    tamba = next(r for r in rows if r["case_number"] == world.tamba.case.number)
    assert dakar["family_name"] == """'=HYPERLINK("http://x")"""
    assert (dakar["region"], dakar["district"]) == ("'+Kolda", "'@SUM(A1)")
    assert (tamba["region"], tamba["district"]) == ("'-1+2", "'\t=1")
    book = workbook(download(client, cast.sup_dakar, dataset="cases", format="xlsx", identifiable="on"))
    cells = [v for row in sheet_rows(book["cases"])[2:] for v in row if isinstance(v, str)]
    assert """'=HYPERLINK("http://x")""" in cells and "'@SUM(A1)" in cells
    assert not [v for v in cells if v.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_numbers_and_dates_stay_numbers_and_dates_in_a_workbook(client, cast, world):
    book = workbook(download(client, cast.sup_dakar, dataset="plans", format="xlsx"))
    rows = sheet_rows(book["activities"])
    data = dict(zip(rows[0], rows[2], strict=True))
    assert data["plan_date"].date() == date(2026, 2, 10)
    assert float(data["estimated_cost"]) == 100.0
    assert data["currency"] == "EUR"


def test_activities_carry_converted_costs_and_disbursed_amounts(client, cast, world):
    rows = csv_rows(download(client, cast.sup_dakar, dataset="plans", office=cast.tamba.pk))
    assert len(rows) == 1
    row = rows[0]
    assert (row["estimated_cost"], row["currency"]) == ("100.00", "EUR")
    assert (row["converted_cost"], row["programme_currency"]) == ("65595.70", "XOF")
    assert (row["disbursed"], row["disbursements"]) == ("32797.85", "1")
    assert (row["activity_type"], row["delivery"], row["provider_organisation"]) == (
        "vocational_training",
        "referral",
        "ONG Jappo",
    )


def test_referrals_carry_categories_status_and_days(client, cast, world):
    referral = world.tamba.case.referrals.get()
    accepted = timezone.now() + timezone.timedelta(days=2)
    type(referral).objects.filter(pk=referral.pk).update(
        status="completed", accepted_at=accepted, completed_at=accepted + timezone.timedelta(days=10)
    )
    rows = csv_rows(download(client, cast.sup_dakar, dataset="referrals", office=cast.tamba.pk))
    assert len(rows) == 1
    row = rows[0]
    assert (row["service_categories"], row["organisation"], row["status"]) == ("tvet", "ONG Jappo", "completed")
    assert (row["days_to_response"], row["days_to_completion"], row["from_plan"]) == ("2", "12", "1")
    assert "need" not in " ".join(row)  # no package content


def test_filters_narrow_the_cases(client, cast, world):
    Case.objects.filter(pk=world.tamba.case.pk).update(stage="assessment", arrival_date=date(2025, 6, 1))
    by_stage = csv_rows(download(client, cast.sup_dakar, dataset="cases", stage="assessment"))
    assert [r["pseudonym"] for r in by_stage] == [world.tamba.case.person.pseudonym]
    by_arrival = csv_rows(
        download(
            client, cast.sup_dakar, dataset="cases", date_field="arrival", date_from="2025-01-01", date_to="2025-12-31"
        )
    )
    assert [r["pseudonym"] for r in by_arrival] == [world.tamba.case.person.pseudonym]
    opened_today = csv_rows(
        download(client, cast.sup_dakar, dataset="cases", date_from="2026-03-02", date_to="2026-03-02")
    )
    assert len(opened_today) == 4
    assert csv_rows(download(client, cast.sup_dakar, dataset="cases", date_to="2026-03-01")) == []
    by_programme = csv_rows(download(client, cast.me_hq, dataset="cases", programme=cast.programme.pk))
    assert world.bamako.case.person.pseudonym not in {r["pseudonym"] for r in by_programme}
    scores = csv_rows(download(client, cast.sup_dakar, dataset="scores", stage="assessment"))
    assert [r["pseudonym"] for r in scores] == [world.tamba.case.person.pseudonym]


def test_a_reversed_date_range_is_a_form_error(client, cast, world):
    response = download(client, cast.sup_dakar, dataset="cases", date_from="2026-03-02", date_to="2026-01-01")
    assert response.status_code == 400
    assert b"The end date is before the start date." in response.content
