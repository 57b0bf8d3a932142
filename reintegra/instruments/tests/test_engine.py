"""Server-side validation: skip logic, required only when relevant, constraints, repeats, choices, calculate."""

import pytest
import time_machine
from django.utils import translation

from reintegra.instruments.engine import validate_answers
from reintegra.instruments.tests.conftest import GOOD_ANSWERS


def test_good_answers_are_typed_and_calculates_computed(household_form):
    clean, errors = validate_answers(household_form, GOOD_ANSWERS)
    assert errors == {}
    assert clean["age"] == 34 and clean["income"] == 45000.0 and clean["job"] == "Tailor"
    assert clean["needs"] == ["food", "health"] and clean["needs_count"] == 2
    assert clean["members"] == [{"member_name": "Awa", "member_age": 9, "member_school": "yes"}]


def test_the_server_drops_answers_to_questions_skipped_by_the_skip_logic(household_form):
    clean, errors = validate_answers(household_form, {**GOOD_ANSWERS, "works": "no"})
    assert errors == {}
    assert "job" not in clean and "income" not in clean


def test_a_question_is_required_only_when_it_is_relevant(household_form):
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "job"}
    _clean, errors = validate_answers(household_form, answers)
    assert errors == {"job": "This question is required."}
    _clean, errors = validate_answers(household_form, {**answers, "works": "no"})
    assert errors == {}


def test_a_required_message_of_the_form_is_used_in_the_users_language(household_form):
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "age"}
    assert validate_answers(household_form, answers)[1]["age"] == "Give the age."
    with translation.override("fr"):
        assert validate_answers(household_form, answers)[1]["age"] == "Indiquez l'âge."


def test_a_constraint_gives_its_message_in_both_languages(household_form):
    assert validate_answers(household_form, {**GOOD_ANSWERS, "age": "130"})[1] == {"age": "Age between 0 and 110."}
    with translation.override("fr"):
        assert validate_answers(household_form, {**GOOD_ANSWERS, "age": "130"})[1] == {"age": "Âge entre 0 et 110."}


@time_machine.travel("2026-03-01 12:00", tick=False)
def test_a_date_constraint_uses_today(household_form):
    errors = validate_answers(household_form, {**GOOD_ANSWERS, "arrived": "2026-03-02"})[1]
    assert errors == {"arrived": "The date cannot be in the future."}
    assert validate_answers(household_form, {**GOOD_ANSWERS, "arrived": "2026-03-01"})[1] == {}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("age", "3.5", "Enter a whole number."),
        ("age", "abc", "Enter a whole number."),
        ("income", "lots", "Enter a number."),
        ("arrived", "02/01/2026", "Enter a valid date (YYYY-MM-DD)."),
        ("works", "maybe", "Choose one of the options."),
        ("needs", ["food", "cars"], "Choose among the options."),
    ],
)
def test_answers_of_the_wrong_type_or_outside_the_choices_are_refused(household_form, name, value, message):
    assert validate_answers(household_form, {**GOOD_ANSWERS, name: value})[1] == {name: message}


def test_a_question_in_a_repeat_sees_its_sibling_in_the_same_entry(household_form):
    members = [
        {"member_name": "Awa", "member_age": "9"},  # a child: school question required
        {"member_name": "Moussa", "member_age": "40", "member_school": "no"},  # an adult: answer dropped
    ]
    clean, errors = validate_answers(household_form, {**GOOD_ANSWERS, "members": members})
    assert errors == {"members.0.member_school": "This question is required."}
    assert clean["members"][1] == {"member_name": "Moussa", "member_age": 40}


def test_a_constraint_inside_a_repeat_is_keyed_by_entry(household_form):
    members = [{"member_name": "Awa", "member_age": "130"}]
    errors = validate_answers(household_form, {**GOOD_ANSWERS, "members": members})[1]
    assert errors == {"members.0.member_age": "Too old."}


def test_select_multiple_drives_skip_logic_with_selected(household_form):
    answers = {**GOOD_ANSWERS, "needs": ["other"]}
    assert validate_answers(household_form, answers)[1] == {"needs_other": "This question is required."}
    clean, errors = validate_answers(household_form, {**answers, "needs_other": "Tools"})
    assert errors == {} and clean["needs_other"] == "Tools" and clean["needs_count"] == 1
    clean, _errors = validate_answers(household_form, {**answers, "needs": ["food"], "needs_other": "Tools"})
    assert "needs_other" not in clean


def test_a_draft_skips_required_checks_but_still_checks_types(household_form):
    assert validate_answers(household_form, {"age": "34"}, partial=True) == ({"age": 34, "needs_count": 0}, {})
    assert validate_answers(household_form, {"age": "x"}, partial=True)[1] == {"age": "Enter a whole number."}


def test_unknown_question_names_are_reported(household_form):
    assert validate_answers(household_form, {**GOOD_ANSWERS, "nope": "1"})[1] == {
        "nope": "There is no question with this name in the form."
    }


def test_api_style_typed_answers_are_accepted(household_form):
    answers = {**GOOD_ANSWERS, "age": 34, "income": 12.5, "members": [{"member_name": "Awa", "member_age": 30}]}
    clean, errors = validate_answers(household_form, answers)
    assert errors == {} and clean["age"] == 34 and clean["income"] == 12.5
