"""Assessment pages as permission stories: the tab, starting, filling in, reading, flags, instruments."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reintegra.accounts.models import User
from reintegra.instruments import services
from reintegra.instruments.models import Flag, Response
from reintegra.instruments.tests.conftest import GOOD_ANSWERS, household_source
from reintegra.instruments.xlsform import source_to_xlsx
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def tab_url(case):
    return reverse("cases:case_detail", args=[case.number]) + "?tab=assessments"


def response_url(response):
    return reverse("instruments:response", args=[response.pk])


def submitted(cast, case, version, answers=None):
    return services.response_record(
        actor=cast.cm_dakar,
        case=case,
        version=version,
        answers=answers or GOOD_ANSWERS,
        occasion="baseline",
        interview_date=date(2026, 2, 1),
    )


def draft(cast, case, version):
    return services.response_start(
        actor=cast.cm_dakar, case=case, version=version, occasion="baseline", interview_date=date(2026, 2, 1)
    )


def form_post(**values):
    data = {"members.count": "1"}
    for key, value in values.items():
        data[key] = value
    return data


# --- The tab -------------------------------------------------------------------------------------


def test_the_case_manager_sees_responses_flags_and_the_start_form(client, cast, household, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    submitted(cast, case, household)
    page = login(client, cast.cm_dakar).get(tab_url(case))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Household test" in html and "Wishes support" in html and 'id="start-assessment"' in html


def test_the_tab_renders_in_french(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    submitted(cast, case, household)
    cast.cm_dakar.language = "fr"
    cast.cm_dakar.save()
    html = login(client, cast.cm_dakar).get(tab_url(case)).content.decode()
    assert "Test ménage" in html and "Souhaite un soutien" in html


def test_the_assessments_tab_keeps_a_query_budget(client, cast, household, django_assert_max_num_queries):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    for _ in range(5):
        submitted(cast, case, household)
    login(client, cast.cm_dakar)
    client.get(tab_url(case))
    with django_assert_max_num_queries(14):
        assert client.get(tab_url(case)).status_code == 200


def test_me_sees_that_a_sensitive_assessment_exists_but_not_its_flags(client, cast, private_household, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    submitted(cast, case, private_household)
    html = login(client, cast.me_hq).get(tab_url(case)).content.decode()
    assert "Household test" in html and "Wishes support" not in html and 'id="start-assessment"' not in html


@pytest.mark.parametrize("who", ["cm_bamako", "partner_dakar", "admin", "nobody"])
def test_outsiders_get_404_on_the_case_and_its_responses(client, cast, household, who):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = submitted(cast, case, household)
    login(client, getattr(cast, who))
    assert client.get(tab_url(case)).status_code == 404
    assert client.get(response_url(response)).status_code == 404


# --- Starting and filling in ---------------------------------------------------------------------


def test_starting_an_assessment_opens_a_draft(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    page = login(client, cast.cm_dakar).post(
        reverse("instruments:start", args=[case.number]),
        {"version": household.pk, "occasion": "baseline", "interview_date": "2026-02-01", "mode": "in_person"},
    )
    response = Response.objects.get(case=case)
    assert page.status_code == 302 and page["Location"] == response_url(response)
    assert response.status == Response.Status.DRAFT and response.interviewer == cast.cm_dakar


def test_a_start_with_errors_comes_back_with_the_message(client, cast, household, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    page = login(client, cast.cm_dakar).post(
        reverse("instruments:start", args=[case.number]),
        {"version": household.pk, "occasion": "follow_up", "interview_date": "2026-02-01", "mode": "in_person"},
    )
    assert page.status_code == 400 and "consented to monitoring" in page.content.decode()


def test_the_form_renders_labels_hints_required_marks_choices_groups_and_repeats(
    client, cast, household, english_users
):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    html = login(client, cast.cm_dakar).get(response_url(draft(cast, case, household))).content.decode()
    assert "<legend>About you</legend>" in html and "In years" in html
    assert 'type="radio" name="works" value="yes"' in html and 'type="checkbox" name="needs"' in html
    assert 'name="members.count"' in html and "Add another" in html and "Household questions" in html
    assert 'data-relevant="${works} = &#x27;yes&#x27;"' in html


def test_the_form_renders_in_french(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    cast.cm_dakar.language = "fr"
    cast.cm_dakar.save()
    html = login(client, cast.cm_dakar).get(response_url(draft(cast, case, household))).content.decode()
    assert "À propos de vous" in html and "En années" in html and "Travaillez-vous ?" in html


def test_nothing_typed_is_lost_when_the_submission_has_errors(client, cast, household, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = draft(cast, case, household)
    data = form_post(
        **{"age": "130", "works": "yes", "job": "Tailor", "needs": ["food", "other"], "members.0.member_name": "Awa"}
    )
    data["members.0.member_age"] = "9"
    data["submit"] = "1"
    page = login(client, cast.cm_dakar).post(response_url(response), data)
    html = page.content.decode()
    assert page.status_code == 400
    assert 'value="130"' in html and "Age between 0 and 110." in html and ">Tailor</textarea>" in html
    assert 'value="other" checked' in html and 'value="Awa"' in html
    assert html.count("This question is required.") == 2  # needs_other, and the child's school question
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT and response.answers == {}


def test_a_draft_is_saved_and_resumed(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = draft(cast, case, household)
    login(client, cast.cm_dakar)
    page = client.post(response_url(response), form_post(age="34", save="1", members_count="0"))
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.answers["age"] == 34 and response.status == Response.Status.DRAFT
    assert 'value="34"' in client.get(response_url(response)).content.decode()


def test_add_another_gives_one_more_entry_without_saving(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = draft(cast, case, household)
    data = form_post(**{"members.0.member_name": "Awa", "add": "members"})
    html = login(client, cast.cm_dakar).post(response_url(response), data).content.decode()
    assert 'name="members.1.member_name"' in html and 'value="Awa"' in html
    response.refresh_from_db()
    assert response.answers == {}


def test_submitting_from_the_web_form_raises_flags_and_shows_the_read_only_answers(
    client, cast, household, english_users
):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = draft(cast, case, household)
    data = form_post(
        age="34",
        works="no",
        job="ignored",
        needs=["food"],
        wants_support="yes",
        submit="1",
        **{"members.0.member_name": "Awa", "members.0.member_age": "30"},
    )
    login(client, cast.cm_dakar)
    assert client.post(response_url(response), data).status_code == 302
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED and "job" not in response.answers
    html = client.get(response_url(response)).content.decode()
    assert "Wishes support" in html and "Confirm" in html and ">Awa<" in html
    assert client.post(response_url(response), data).status_code == 403


def test_another_case_manager_of_the_office_cannot_see_an_assigned_case(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = draft(cast, case, household)
    assert login(client, cast.cm_dakar2).get(response_url(response)).status_code == 404


def test_a_supervisor_reads_and_may_fill_in_a_draft_of_the_office(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = draft(cast, case, household)
    html = login(client, cast.sup_dakar).get(response_url(response)).content.decode()
    assert 'id="questionnaire"' in html


# --- Reading as M&E -------------------------------------------------------------------------------


def test_me_reads_coded_answers_only(client, cast, household, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = submitted(cast, case, household)
    html = login(client, cast.me_hq).get(response_url(response)).content.decode()
    assert 'data-name="age">34<' in html and "Food" in html
    assert "Tailor" not in html and "Awa" not in html and "2026-01-02" not in html
    assert case.person.given_names not in html and "Confirm" not in html


def test_me_sees_nothing_of_a_sensitive_instruments_answers(client, cast, private_household, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = submitted(cast, case, private_household)
    html = login(client, cast.me_hq).get(response_url(response)).content.decode()
    assert 'id="answers-hidden"' in html and "Wishes support" not in html and 'data-name="age"' not in html


def test_me_cannot_post_answers(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = draft(cast, case, household)
    assert login(client, cast.me_hq).post(response_url(response), form_post(age="3", save="1")).status_code == 403


# --- Flags ----------------------------------------------------------------------------------------


def test_dismissing_a_flag_without_a_reason_comes_back_with_the_message(client, cast, household, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = submitted(cast, case, household)
    flag = Flag.objects.get(response=response, code="support_requested")
    url = reverse("instruments:flag_decide", args=[response.pk, flag.pk])
    login(client, cast.cm_dakar)
    page = client.post(url, {"status": "dismissed", "reason": ""})
    assert page.status_code == 400 and "Say why the flag is dismissed." in page.content.decode()
    assert client.post(url, {"status": "dismissed", "reason": "Seen by a counsellor"}).status_code == 302
    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED and flag.reason == "Seen by a counsellor"


def test_me_cannot_decide_flags(client, cast, household):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = submitted(cast, case, household)
    flag = Flag.objects.get(response=response, code="support_requested")
    url = reverse("instruments:flag_decide", args=[response.pk, flag.pk])
    assert login(client, cast.me_hq).post(url, {"status": "confirmed"}).status_code == 403


# --- Instruments and versions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("admin", 200), ("me_hq", 200), ("cm_dakar", 200), ("partner_dakar", 404), ("nobody", 404)]
)
def test_who_may_see_the_instrument_list(client, cast, household, who, status):
    assert login(client, getattr(cast, who)).get(reverse("instruments:list")).status_code == status


def test_downloads_give_an_xlsform_workbook_and_an_xform(client, cast, household):
    login(client, cast.me_hq)
    xlsx = client.get(reverse("instruments:xlsform", args=["household", "2026.1"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    xform = client.get(reverse("instruments:xform", args=["household", "2026.1"]))
    assert xform.status_code == 200 and b"<bind" in xform.content


def test_an_administrator_uploads_a_new_version_as_xlsx(client, cast, household):
    workbook = source_to_xlsx(household_source("household", "2026.2"), "md")
    upload = SimpleUploadedFile("household.xlsx", workbook)
    page = login(client, cast.admin).post(
        reverse("instruments:upload", args=["household"]), {"source": upload, "make_current": "on"}
    )
    assert page.status_code == 302
    assert household.instrument.versions.get(is_current=True).version == "2026.2"


def test_a_malformed_upload_names_sheet_row_and_column(client, cast, household, english_users):
    broken = household_source("household", "2026.3").replace(b"| | integer | age |", b"| | integr | age |")
    upload = SimpleUploadedFile("household.xlsx", source_to_xlsx(broken, "md"))
    page = login(client, cast.admin).post(reverse("instruments:upload", args=["household"]), {"source": upload})
    html = page.content.decode()
    assert page.status_code == 400 and "Sheet “survey”, row 4, column “type”" in html and "integr" in html


def test_an_upload_that_is_not_xlsx_is_refused(client, cast, household):
    upload = SimpleUploadedFile("household.md", household_source("household", "2026.4"))
    page = login(client, cast.admin).post(reverse("instruments:upload", args=["household"]), {"source": upload})
    assert page.status_code == 400


@pytest.mark.parametrize("who", ["me_hq", "cm_dakar", "sup_dakar"])
def test_only_administrators_upload_or_switch_versions(client, cast, household, who):
    login(client, getattr(cast, who))
    assert client.get(reverse("instruments:upload", args=["household"])).status_code == 403
    url = reverse("instruments:make_current", args=["household", "2026.1"])
    assert client.post(url).status_code == 403


def test_the_old_version_stays_readable_after_a_new_one(client, cast, household, english_users):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = submitted(cast, case, household)
    services.version_create(
        actor=cast.admin,
        instrument=household.instrument,
        source=household_source("household", "2026.2"),
        source_format="md",
    )
    html = login(client, cast.cm_dakar).get(response_url(response)).content.decode()
    assert "2026.1" in html and "Tailor" in html
    assert User.objects.filter(pk=cast.admin.pk).exists()
