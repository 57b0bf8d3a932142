"""The shipped instruments work end to end: the page renders in both languages, a full answer set is
accepted, and the rapid screening's flags add the follow-up assessment tasks."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from reintegra.cases.models import Task
from reintegra.instruments import services
from reintegra.instruments.engine import FormModel, validate_answers
from reintegra.instruments.models import Flag, InstrumentVersion
from reintegra.instruments.registry import SHIPPED
from reintegra.tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
LOADED = [s.code for s in SHIPPED if s.source_path.exists()]


def _default(question):
    names = [c.name for c in question.choices]
    if question.type == "select_one":
        return "no" if "no" in names else names[0]
    if question.type == "select_multiple":
        return ["none"] if "none" in names else [names[0]]
    return {"integer": "30", "decimal": "1", "date": "2026-01-01"}.get(question.type, "A sensible answer here")


def complete_answers(form: FormModel, overrides: dict) -> dict:
    """Answer whatever the form still requires, with neutral answers, until it validates."""
    answers = dict(overrides)
    errors = {}
    for _attempt in range(10):
        errors = validate_answers(form, answers)[1]
        if not errors:
            return answers
        for key in errors:
            if key in form.by_name and key not in overrides:
                answers[key] = _default(form.by_name[key])
    raise AssertionError(errors)


def current(code: str) -> InstrumentVersion:
    return InstrumentVersion.objects.select_related("instrument").get(instrument__code=code, is_current=True)


@pytest.mark.parametrize("code", LOADED)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_shipped_form_renders_in_both_languages(client, cast, code, language):
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = services.response_start(
        actor=cast.cm_dakar, case=case, version=current(code), occasion="baseline", interview_date=date(2026, 2, 1)
    )
    cast.cm_dakar.language = language
    cast.cm_dakar.save()
    client.login(username=cast.cm_dakar.username, password=PASSWORD)
    page = client.get(reverse("instruments:response", args=[response.pk]))
    html = page.content.decode()
    labelled = [q for q in services.form_for(response.instrument_version).walk() if q.type != "note" and q.labels]
    assert page.status_code == 200 and 'id="questionnaire"' in html
    assert escape(labelled[0].label(language)) in html


@pytest.mark.parametrize("code", LOADED)
def test_each_shipped_form_accepts_a_complete_submission(cast, code):
    version = current(code)
    answers = complete_answers(services.form_for(version), {})
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = services.response_record(
        actor=cast.cm_dakar,
        case=case,
        version=version,
        answers=answers,
        occasion="baseline",
        interview_date=date(2026, 2, 1),
    )
    assert response.status == "submitted"


def test_a_screening_with_an_urgent_medical_need_adds_the_vulnerability_and_risk_assessment_tasks(cast):
    version = current("rapid_screening")
    answers = complete_answers(services.form_for(version), {"h1_urgent_medical": "yes"})
    case = cast.case(cast.dakar, assigned_to=cast.cm_dakar)
    response = services.response_record(
        actor=cast.cm_dakar,
        case=case,
        version=version,
        answers=answers,
        occasion="screening",
        interview_date=date(2026, 2, 1),
    )
    assert Flag.objects.filter(response=response, code="urgent_medical_need").exists()
    assert Task.objects.filter(case=case, kind=Task.Kind.ASSESSMENT).count() >= 2
