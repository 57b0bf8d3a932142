"""No direct identifier in any pseudonymised export: every dataset, both formats, every cell."""

import pytest

from reintegra.exports.tests.conftest import all_text, csv_rows, download, workbook

DATASETS = ["cases", "plans", "referrals", "scores"]


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_supervisors_default_export_carries_no_identifier(client, cast, world, dataset, fmt):
    response = download(client, cast.sup_dakar, dataset=dataset, format=fmt)
    assert response.status_code == 200
    text = all_text(response)
    assert world.dakar.case.person.pseudonym in text
    assert leaks(text, world.secrets) == []


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_me_officers_export_carries_no_identifier(client, cast, world, dataset, fmt):
    text = all_text(download(client, cast.me_hq, dataset=dataset, format=fmt))
    assert world.bamako.case.person.pseudonym in text or dataset == "referrals"  # Bamako has no referral
    assert leaks(text, world.secrets) == []


@pytest.mark.parametrize("user", ["sup_dakar", "me_hq"])
def test_pseudonymised_assessment_workbooks_drop_free_text_dates_and_repeat_entries(client, cast, world, user):
    response = download(client, getattr(cast, user), dataset="assessments", format="xlsx")
    text = all_text(response)
    assert leaks(text, world.secrets) == []
    assert "2026-01-02" not in text  # the answer to the date question "arrived"
    codes = [cell.value for cell in workbook(response).worksheets[0][1]]
    assert {"job", "arrived", "needs_other", "needs_count", "interviewer", "case_number"}.isdisjoint(codes)
    assert {"age", "works", "needs", "members_count"} <= set(codes)


def test_pseudonymised_assessment_csv_carries_no_identifier(client, cast, world):
    params = {"dataset": "assessments", "instrument_version": world.household.pk}
    rows = csv_rows(download(client, cast.me_hq, **params))
    assert len(rows) == 5  # every case of Dakar, Tambacounda and Bamako, the child's included
    assert leaks(all_text(download(client, cast.me_hq, **params)), world.secrets) == []


def test_pseudonymised_cases_give_the_arrival_month_and_birth_year_only(client, cast, world):
    rows = csv_rows(download(client, cast.sup_dakar, dataset="cases"))
    row = next(r for r in rows if r["pseudonym"] == world.dakar.case.person.pseudonym)
    assert row["arrival_month"] == "2026-01"
    assert row["birth_year"] == "1991"
    assert row["age_group"] == "25-34"
    assert row["region"] == "Kolda" and row["district"] == "Velingara"
    assert {"arrival_date", "birth_date", "locality", "case_number", "case_manager", "phones"}.isdisjoint(row)


def test_an_identifiable_export_carries_the_identities(client, cast, world):
    """The other side of the check: the secrets do reach the files when identities are asked for."""
    text = all_text(download(client, cast.sup_dakar, dataset="cases", identifiable="on"))
    for secret in ("Dakargiven", "Dakarfamily", "+221 77 501 23 45", "DAKARDOC778899", "dakarlocality"):
        assert secret in text
    rows = csv_rows(download(client, cast.sup_dakar, dataset="cases", identifiable="on"))
    row = next(r for r in rows if r["case_number"] == world.dakar.case.number)
    assert row["arrival_date"] == "2026-01-15" and row["birth_date"] == "1991-07-19"
    assert row["documents"] == "passport:DAKARDOC778899"
    assert row["case_manager"] == "cm.dakar"
    answers = all_text(
        download(
            client, cast.sup_dakar, dataset="assessments", identifiable="on", instrument_version=world.household.pk
        )
    )
    assert "dakarjob" in answers and "dakarinterviewer" in answers and "2026-01-02" in answers
