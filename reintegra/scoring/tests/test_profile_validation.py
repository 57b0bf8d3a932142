"""Each validation rule gives a precise message naming the key and the item."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from reintegra.scoring.profile import load_profile_text, parse_profile_text, validate_profile
from reintegra.scoring.tests.factories import MINI, mini, provisional_text


def errors_of(raw, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_profile(raw, **kwargs)
    return caught.value.messages


def test_the_shipped_provisional_profile_is_valid_and_labelled():
    definition = load_profile_text(provisional_text())
    assert definition["provisional"] is True
    assert definition["name"]["en"].startswith("Provisional equal-weight profile — not IOM's official scoring")
    assert definition["bands"] == []
    assert definition["missing_rule"]["min_answered"]["composite"] == 1
    unscored = {item["question"] for item in definition["items"] if not item["scored"]}
    assert unscored == {"e8_looking_for_work", "p8_wants_psych_support", "p9_able_to_stay"}


def test_yes_and_no_stay_option_codes_in_yaml():
    definition = load_profile_text(provisional_text())
    e3 = next(item for item in definition["items"] if item["question"] == "e3_can_borrow")
    assert e3["options"] == {"yes": 1.0, "no": 0.0, "dont_know": None, "no_answer": None}


def test_json_is_accepted_too():
    assert load_profile_text(json.dumps(MINI))["code"] == "mini"


def test_broken_yaml_names_the_line():
    with pytest.raises(ValidationError) as caught:
        parse_profile_text("code: x\nitems: [\n  - a: b\n")
    assert "line" in caught.value.messages[0]


def test_weights_must_sum_to_one_per_dimension_and_composite():
    raw = mini(
        dimension_weights={"economic": {"A": 0.3, "B": 0.6}, "social": {"S": 1}, "psychosocial": {"P": 0.5, "Q": 0.5}},
        composite_weights={"economic": 0.5, "social": 0.5, "psychosocial": 0.5},
    )
    assert errors_of(raw) == [
        "dimension_weights.economic: weights add up to 0.9; they must add up to 1.",
        "composite_weights: weights add up to 1.5; they must add up to 1.",
    ]


def test_weights_within_the_tolerance_pass():
    raw = mini(composite_weights={"economic": 0.5, "social": 0.25, "psychosocial": 0.2500004})
    assert validate_profile(raw)["composite_weights"]["psychosocial"] == 0.2500004


def test_every_indicator_belongs_to_a_dimension_and_has_a_weight():
    raw = mini()
    raw["indicators"][1]["dimension"] = "cultural"
    raw["indicators"].append({"id": "Z", "dimension": "social"})
    raw["items"].append({"question": "z1", "indicator": "Z", "options": {"yes": 1, "no": 0}})
    errors = errors_of(raw)
    assert (
        "indicators[1] (B): belongs to no dimension (“dimension” must be one of economic, social, psychosocial)."
        in errors
    )
    assert "indicators: “Z” has no weight in dimension_weights.social." in errors
    assert "dimension_weights.economic: indicator “B” belongs to cultural." in errors


def test_scored_items_need_a_value_for_every_option():
    raw = mini()
    raw["items"][0]["options"] = {"good": 1, "ok": "half", "bad": 1.5}
    raw["items"][3]["options"] = {"dont_know": "missing"}
    errors = errors_of(raw)
    assert errors == [
        "items[0] (a1): option “ok” needs a value between 0 and 1, or “missing”.",
        "items[0] (a1): option “bad” has value 1.5, outside 0..1.",
        "items[3] (s1): every option is “missing”; a scored item needs at least one value.",
    ]


def test_items_name_declared_indicators_and_single_indicators_have_one_item():
    raw = mini()
    raw["items"][0]["indicator"] = "nope"
    raw["items"][3]["indicator"] = "Q"  # S loses its only item; Q (single) gets two
    errors = errors_of(raw)
    assert "items[0] (a1): indicator “nope” is not declared in indicators." in errors
    assert "indicators: “A” has no scored item." in errors
    assert "indicators: “S” has no scored item." in errors
    assert "indicators: “Q” is a single-item indicator but 2 scored items point to it." in errors


def test_unknown_keys_and_bad_enumerations_are_named():
    raw = mini(weights={}, status="final")
    raw["items"][1]["direction"] = "backwards"
    raw["items"][2]["indicatr"] = "B"
    errors = errors_of(raw)
    assert "Unknown key “weights” at the top level of the profile." in errors
    assert "profile: “status” is “final”; expected one of draft, active, retired." in errors
    assert "items[1] (a2): “direction” is “backwards”; expected one of positive, negative." in errors
    assert "items[2] (a3): unknown key “indicatr”." in errors


def test_composite_keys_are_dimensions_or_indicators_not_both():
    errors = errors_of(mini(composite_weights={"economic": 0.5, "A": 0.5}))
    assert errors == [
        "composite_weights: keys must be all dimensions or all declared indicators; “economic” are neither."
    ]


def test_bands_stay_within_zero_and_one_and_do_not_overlap():
    bands = [
        {"scope": "composite", "from": 0, "to": 0.6, "label": {"en": "Low", "fr": "Bas"}},
        {"scope": "composite", "from": 0.5, "to": 1, "label": {"en": "High", "fr": "Élevé"}},
        {"scope": "social", "from": 0.5, "to": 1.2, "label": {"en": "X", "fr": "X"}},
        {"scope": "economic", "from": 0, "to": 1, "label": {"en": "Only English"}},
    ]
    assert errors_of(mini(bands=bands)) == [
        "bands[2]: “from” and “to” must be numbers with 0 ≤ from < to ≤ 1.",
        "bands[3].label: “fr” is required.",
        "bands: composite bands 0.0–0.6 and 0.5–1.0 overlap.",
    ]


def test_missing_rule_values_are_checked():
    errors = errors_of(mini(missing_rule={"method": "impute", "min_answered": {"social": 3, "cultural": 1}}))
    assert "missing_rule: “method” is “impute”; expected one of exclude_and_renormalise, score_null." in errors
    assert "missing_rule.min_answered: “cultural” is not a dimension or “composite”." in errors
    assert "missing_rule.min_answered: social needs 3 answered parts but has 1." in errors


def test_questions_are_checked_against_the_instrument_version():
    form = {"a1": {"good", "ok", "bad", "dont_know", "no_answer", "refused"}, "a2": {"yes", "no", "dont_know"}}
    errors = errors_of(mini(), form_questions=form)
    assert "items (a1): form option “refused” has no value (a number or “missing”)." in errors
    assert "items (a3): the instrument version has no question with this name." in errors
    assert "items (x9): the instrument version has no question with this name." in errors


def test_required_keys_and_bilingual_name():
    errors = errors_of({"code": "bad code!", "name": {"en": "Only English"}})
    assert "profile: “version” is required." in errors
    assert "profile.name: “fr” is required." in errors
    assert "profile: “code” may hold only letters, digits, “-” and “_”." in errors
    assert "profile: “items” must be a non-empty list." in errors


def test_messages_are_translated():
    with translation.override("fr"):
        messages = errors_of(mini(version=""))
    assert messages and all(isinstance(m, str) for m in messages)
