"""Scores against hand-computed vectors; the vectorised engine agrees with the plain one."""

import random

import numpy as np
import pytest

from reintegra.scoring.engine import compile_profile
from reintegra.scoring.profile import load_profile_text
from reintegra.scoring.tests.factories import mini_definition, provisional_text

ALL_ANSWERED = {"a1": "good", "a2": "yes", "a3": "ok", "s1": "bad", "p1": "ok", "p2": "good", "p3": "bad", "x9": "?"}
SOME_MISSING = {"a1": "dont_know", "a2": "no", "p1": "good", "p2": "dont_know", "p3": "ok"}


def test_all_answered_vector():
    result = compile_profile(mini_definition()).score_one(ALL_ANSWERED)
    # A = good = 1; B = mean(1 - yes, ok) = mean(0, .5) = .25 (a2 is negative: 1 - 1 = 0)
    # economic = .25 * 1 + .75 * .25 = .4375
    assert result.indicator_values["A"] == 1
    assert result.indicator_values["B"] == pytest.approx(0.25)
    assert result.economic == pytest.approx(0.4375)
    # social = S = bad = 0
    assert result.social == 0
    # P = mean(ok, good) = .75; Q = bad = 0; psychosocial = .5 * .75 + .5 * 0 = .375
    assert result.psychosocial == pytest.approx(0.375)
    # composite = .5 * .4375 + .25 * 0 + .25 * .375 = .21875 + .09375 = .3125
    assert result.composite == pytest.approx(0.3125)
    # x9 is not scored: neither missing nor unknown
    assert result.missing_count == 0
    assert result.unknown == {}


def test_missing_and_dont_know_are_left_out_and_weights_renormalised():
    result = compile_profile(mini_definition()).score_one(SOME_MISSING)
    # a1 don't know -> A missing; a3 unanswered; B = 1 - no = 1 -> economic = .75 * 1 / .75 = 1
    assert result.indicator_values["A"] is None
    assert result.economic == pytest.approx(1.0)
    # s1 unanswered -> S missing -> social null (fewer than min_answered = 1 indicators)
    assert result.social is None
    # P = mean(good) = 1 (p2 don't know left out); Q = ok = .5 -> psychosocial = .5 * 1 + .5 * .5 = .75
    assert result.psychosocial == pytest.approx(0.75)
    # composite over answered dimensions: (.5 * 1 + .25 * .75) / (.5 + .25) = .6875 / .75 = .91666…
    assert result.composite == pytest.approx(0.6875 / 0.75)
    # missing: a1 (don't know), a3, s1 (unanswered), p2 (don't know) = 4
    assert result.missing_count == 4


def test_composite_over_indicators_has_its_own_weights():
    over_indicators = {"A": 0.2, "B": 0.2, "S": 0.2, "P": 0.2, "Q": 0.2}
    profile = compile_profile(mini_definition(composite_weights=over_indicators))
    # all answered: .2 * (1 + .25 + 0 + .75 + 0) = .4 (not the mean of the dimensions, .27083…)
    assert profile.score_one(ALL_ANSWERED).composite == pytest.approx(0.4)
    # some missing: answered B = 1, P = 1, Q = .5 -> (.2 + .2 + .1) / .6 = .8333…
    assert profile.score_one(SOME_MISSING).composite == pytest.approx(0.5 / 0.6)


def test_min_answered_makes_a_dimension_null():
    rule = {"method": "exclude_and_renormalise", "min_answered": {"psychosocial": 2, "composite": 2}}
    profile = compile_profile(mini_definition(missing_rule=rule))
    # P and Q both answered: 2 >= 2
    assert profile.score_one(SOME_MISSING).psychosocial == pytest.approx(0.75)
    # only P answered: 1 < 2 -> null; economic from a1 = good -> 1; composite has 1 dimension < 2 -> null
    result = profile.score_one({"a1": "good", "p1": "good"})
    assert result.psychosocial is None
    assert result.economic == 1
    assert result.composite is None


def test_min_share_makes_a_dimension_null():
    rule = {"method": "exclude_and_renormalise", "min_answered": 1, "min_share": {"economic": 0.6}}
    profile = compile_profile(mini_definition(missing_rule=rule))
    # economic: 1 of 2 indicators answered = .5 < .6 -> null
    assert profile.score_one(SOME_MISSING).economic is None
    assert profile.score_one(ALL_ANSWERED).economic == pytest.approx(0.4375)


def test_score_null_rule_needs_every_part():
    profile = compile_profile(mini_definition(missing_rule={"method": "score_null", "min_answered": 1}))
    result = profile.score_one(SOME_MISSING)
    # economic misses A -> null; psychosocial has P and Q -> .75; composite misses two dimensions -> null
    assert result.economic is None
    assert result.psychosocial == pytest.approx(0.75)
    assert result.composite is None
    assert profile.score_one(ALL_ANSWERED).composite == pytest.approx(0.3125)


def test_bands_are_looked_up_top_band_includes_one():
    bands = [
        {"scope": "composite", "from": 0, "to": 0.5, "label": {"en": "Low", "fr": "Bas"}},
        {"scope": "composite", "from": 0.5, "to": 1, "label": {"en": "High", "fr": "Élevé"}},
        {"scope": "social", "from": 0.9, "to": 1, "label": {"en": "Settled", "fr": "Installé"}},
    ]
    profile = compile_profile(mini_definition(bands=bands))
    assert profile.score_one(ALL_ANSWERED).bands == {"composite": {"en": "Low", "fr": "Bas"}}  # .3125; social 0
    assert profile.score_one(SOME_MISSING).bands == {"composite": {"en": "High", "fr": "Élevé"}}  # .9166…
    best = dict.fromkeys(("a1", "a3", "s1", "p1", "p2", "p3"), "good") | {"a2": "no"}
    assert profile.score_one(best).bands == {
        "composite": {"en": "High", "fr": "Élevé"},
        "social": {"en": "Settled", "fr": "Installé"},
    }


def test_unknown_answers_are_reported_and_count_as_missing():
    result = compile_profile(mini_definition()).score_one({"a1": "excellent", "a2": ["yes"]})
    assert result.unknown == {"a1": "excellent", "a2": "['yes']"}
    assert result.missing_count == 7


def test_provisional_profile_vector():
    profile = compile_profile(load_profile_text(provisional_text()))
    answers = {
        # economic: e1 .75; e2 rarely = .25 -> 1 - .25 = .75; e3 don't know (missing);
        # debt = mean(e4a never 0 -> 1, e4b no_debt 0 -> 1) = 1; e5 fair .5; e6 no 0; e7 yes 1
        "e1_economic_satisfaction": "satisfied",
        "e2_meals_reduced": "rarely",
        "e3_can_borrow": "dont_know",
        "e4a_borrow_frequency": "never",
        "e4b_debt_exceeds_spending": "no_debt",
        "e5_access_employment": "fair",
        "e6_has_income": "no",
        "e7_productive_assets": "yes",
        "e8_looking_for_work": "yes",  # not scored
        # social: .75, .25, 1, s4 no_school_age_children (missing), s5 no_answer (missing),
        # documentation = mean(yes 1, fair .5) = .75, water .75, health 0
        "s1_access_housing": "good",
        "s2_housing_standard": "poor",
        "s3_access_education": "very_good",
        "s4_children_in_school": "no_school_age_children",
        "s5_access_justice": "no_answer",
        "s6a_has_id_document": "yes",
        "s6b_access_documents": "fair",
        "s7_access_water": "good",
        "s8_access_health": "very_poor",
        # psychosocial: p1 often .75 (positive); p2 .75; p3 .75; p4 unsafe .25; p5 never -> 1; p6 yes -> 0;
        # distress = mean(1-.75, 1-.5, 1-0, 1-1, 1-.25) = mean(.25, .5, 1, 0, .75) = .5
        # (low self-esteem don't know, concentration unanswered)
        "p1_social_events": "often",
        "p2_support_network": "good",
        "p3_belonging": "agree",
        "p4_feels_safe": "unsafe",
        "p5_family_tension": "never",
        "p6_discrimination": "yes",
        "p7_anger": "often",
        "p7_sadness": "sometimes",
        "p7_fear": "never",
        "p7_stress": "very_often",
        "p7_loneliness": "rarely",
        "p7_low_self_esteem": "dont_know",
        "p8_wants_psych_support": "yes",  # not scored
    }
    result = profile.score_one(answers)
    assert result.indicator_values["debt"] == 1
    assert result.indicator_values["school_attendance"] is None
    assert result.indicator_values["distress"] == pytest.approx(0.5)
    # economic = (.75 + .75 + 1 + .5 + 0 + 1) / 6 answered = 4 / 6
    assert result.economic == pytest.approx(4 / 6)
    # social = (.75 + .25 + 1 + .75 + .75 + 0) / 6 answered = 3.5 / 6
    assert result.social == pytest.approx(3.5 / 6)
    # psychosocial = (.75 + .75 + .75 + .25 + 1 + 0 + .5) / 7 = 4 / 7
    assert result.psychosocial == pytest.approx(4 / 7)
    # composite = (4/6 + 3.5/6 + 4/7) / 3 = 153 / 252
    assert result.composite == pytest.approx(153 / 252)
    # missing: e3, s4, s5, p7_low_self_esteem, p7_concentration
    assert result.missing_count == 5


def test_provisional_profile_extremes():
    profile = compile_profile(load_profile_text(provisional_text()))
    best, worst = {}, {}
    for item in profile.definition["items"]:
        if not item["scored"]:
            continue
        values = profile.values[profile.questions.index(item["question"])]
        scored = {code: v for code, v in values.items() if not np.isnan(v)}
        best[item["question"]] = max(scored, key=scored.get)
        worst[item["question"]] = min(scored, key=scored.get)
    assert best["p1_social_events"] == "very_often" and best["e2_meals_reduced"] == "never"
    assert profile.score_one(best).scores() == {"economic": 1, "social": 1, "psychosocial": 1, "composite": 1}
    assert profile.score_one(worst).scores() == {"economic": 0, "social": 0, "psychosocial": 0, "composite": 0}


@pytest.mark.parametrize("profile_name", ["mini", "mini-over-indicators", "mini-score-null", "provisional"])
def test_score_batch_equals_score_one_on_random_answers(profile_name):
    definitions = {
        "mini": lambda: mini_definition(
            missing_rule={"method": "exclude_and_renormalise", "min_answered": {"economic": 2, "composite": 2}}
        ),
        "mini-over-indicators": lambda: mini_definition(
            composite_weights={"A": 0.1, "B": 0.2, "S": 0.3, "P": 0.25, "Q": 0.15}
        ),
        "mini-score-null": lambda: mini_definition(missing_rule={"method": "score_null", "min_answered": 1}),
        "provisional": lambda: load_profile_text(provisional_text()),
    }
    profile = compile_profile(definitions[profile_name]())
    rng = random.Random(7)
    rows = []
    for _i in range(500):
        answers = {}
        for j, question in enumerate(profile.questions):
            codes = [*profile.values[j], None, "", "not-a-code", " Good "]
            answers[question] = rng.choice(codes)
        rows.append(answers)
    batch = profile.score_batch({q: [row[q] for row in rows] for q in profile.questions})
    for i, answers in enumerate(rows):
        one = profile.score_one(answers)
        for name, value in one.scores().items():
            got = getattr(batch, name)[i]
            assert (value is None and np.isnan(got)) or got == pytest.approx(value, abs=1e-12), (i, name)
        assert batch.missing_count[i] == one.missing_count
        assert (batch.unknown_item[i] >= 0) == bool(one.unknown)
        expected = [np.nan if v is None else v for v in one.indicator_values.values()]
        np.testing.assert_allclose(batch.indicators[i], expected, atol=1e-12)


def test_score_batch_without_a_column_treats_it_as_unanswered():
    profile = compile_profile(mini_definition())
    batch = profile.score_batch({"a1": ["good", "bad"]})
    assert list(batch.economic) == [1.0, 0.0]
    assert np.isnan(batch.social).all()
    assert list(batch.missing_count) == [6, 6]
