"""Every computed indicator against the hand counts of `framework_world` (read its docstring first).

Each test names the cases that make each figure. Q1 2026 is the period; `EMPTY` a period with nothing.
"""

import pytest
from django.core.exceptions import ValidationError

from reintegra.cases.models import Case
from reintegra.cases.selectors import cases_for
from reintegra.monitoring import indicators as ind
from reintegra.monitoring.models import ComputedKey as K
from reintegra.monitoring.tests.framework_world import EMPTY, END, START, build_world
from reintegra.scoring.selectors import default_profile


@pytest.fixture
def world(cast):
    return build_world(cast)


def run(world, key, by="", start=START, end=END, user=None, **params):
    cases = cases_for(user) if user else Case.objects.all()
    return ind.compute(key, programme=world.cast.programme, start=start, end=end, cases=cases, by=by, params=params)


def table(result) -> dict:
    return {row.category: row.figure.value for row in result.rows}


def counts(result) -> dict:
    return {row.category: row.figure.denominator for row in result.rows}


# ------------------------------------------------------------------ returnees registered


def test_registered_counts_cases_opened_in_the_period(world):
    # A 01-12, B 02-02, C 02-16, E 03-30; D opened in 2025; X (Bamako) and Y (no programme) never.
    assert run(world, K.REGISTERED).total.value == 4


def test_registered_by_sex(world):
    assert table(run(world, K.REGISTERED, "sex")) == {"female": 1, "male": 3, "other": 0}


def test_registered_by_age_group_at_arrival(world):
    # A 25 (birthday after arrival), B 22, C 35, E no birth date.
    assert table(run(world, K.REGISTERED, "age_group")) == {
        "under_18": 0,
        "18_24": 1,
        "25_34": 1,
        "35_49": 1,
        "50_plus": 0,
        "unknown": 1,
    }


def test_registered_by_office_names_the_offices(world):
    result = run(world, K.REGISTERED, "office")
    assert {row.label: row.figure.value for row in result.rows} == {"Dakar": 3, "Tambacounda": 1}


def test_registered_by_return_type(world):
    assert table(run(world, K.REGISTERED, "return_type")) == {
        "assisted_voluntary": 2,
        "spontaneous": 1,
        "forced": 1,
        "internal_displacement": 0,
    }


def test_registered_by_assistance_type_counts_a_case_under_each_planned_type(world):
    # Current plans: A micro_business, psychosocial_individual, vocational_training; B housing;
    # C (v2) micro_business (its training is cancelled); E none.
    assert table(run(world, K.REGISTERED, "assistance_type")) == {
        "micro_business": 2,
        "psychosocial_individual": 1,
        "vocational_training": 1,
        "housing": 1,
    }


def test_registered_by_direct_or_referral(world):
    # A direct + referral, B referral only, C direct only, E nothing planned.
    assert table(run(world, K.REGISTERED, "delivery")) == {
        "direct_only": 1,
        "referral_only": 1,
        "both": 1,
        "none": 1,
    }


def test_an_empty_period_gives_zero_and_zero_rows(world):
    result = run(world, K.REGISTERED, "sex", *EMPTY)
    assert result.total.value == 0
    assert table(result) == {"female": 0, "male": 0, "other": 0}
    assert run(world, K.REGISTERED, "office", *EMPTY).rows == []


# ------------------------------------------------------------------ returnees assisted


def test_assisted_counts_delivery_or_payment_in_the_period(world):
    # A (a1 delivered 02-20), B (paid 03-15), C (c1 delivered 03-02), D (paid 01-05); not E.
    assert run(world, K.ASSISTED).total.value == 4
    assert table(run(world, K.ASSISTED, "sex")) == {"female": 2, "male": 2, "other": 0}
    assert table(run(world, K.ASSISTED, "office")) == {str(world.cast.dakar.pk): 3, str(world.cast.tamba.pk): 1}


def test_assisted_in_an_empty_period_is_zero(world):
    assert run(world, K.ASSISTED, "", *EMPTY).total.value == 0


# ------------------------------------------------------------------ plans on time


def test_plan_on_time_among_cases_due_in_the_period(world):
    # Due in Q1 (arrival + 30 days): A 02-09, B 03-03, C 03-17. A approved on its due day, C first approved
    # 03-01 (its later version does not matter), B approved 03-10: late. 2 / 3.
    total = run(world, K.PLAN_ON_TIME).total
    assert (total.numerator, total.denominator) == (2, 3)
    assert total.value == pytest.approx(66.6667, abs=1e-4)


def test_plan_on_time_by_sex_and_type(world):
    result = run(world, K.PLAN_ON_TIME, "sex")
    assert table(result) == {"female": 100.0, "male": 50.0, "other": None}
    assert table(run(world, K.PLAN_ON_TIME, "return_type"))["forced"] == 0.0
    by_type = run(world, K.PLAN_ON_TIME, "assistance_type")
    assert table(by_type) == {
        "micro_business": 100.0,
        "psychosocial_individual": 100.0,
        "vocational_training": 100.0,
        "housing": 0.0,
    }


def test_plan_on_time_in_an_empty_period_has_no_value(world):
    total = run(world, K.PLAN_ON_TIME, "", *EMPTY).total
    assert (total.value, total.numerator, total.denominator) == (None, 0, 0)


# ------------------------------------------------------------------ activities


def test_activities_delivered_in_the_period_by_type_dimension_delivery_and_level(world):
    # a1 (micro_business, economic, direct, individual), a2 (psychosocial_individual, psychosocial, referral,
    # individual), c1 (micro_business, economic, direct, community). Not c1' (copy), d1 (December), x1.
    assert run(world, K.ACTIVITIES).total.value == 3
    assert table(run(world, K.ACTIVITIES, "assistance_type")) == {"micro_business": 2, "psychosocial_individual": 1}
    assert table(run(world, K.ACTIVITIES, "dimension")) == {
        "economic": 2,
        "social": 0,
        "psychosocial": 1,
        "immediate": 0,
    }
    assert table(run(world, K.ACTIVITIES, "delivery")) == {"direct": 2, "referral": 1}
    assert table(run(world, K.ACTIVITIES, "level")) == {"individual": 2, "community": 1, "structural": 0}
    assert table(run(world, K.ACTIVITIES, "sex")) == {"female": 2, "male": 1, "other": 0}
    assert table(run(world, K.ACTIVITIES, "age_group"))["35_49"] == 1


def test_activities_filtered_by_type_and_dimension(world):
    assert run(world, K.ACTIVITIES, type="micro_business").total.value == 2
    assert run(world, K.ACTIVITIES, dimension="psychosocial").total.value == 1
    assert run(world, K.ACTIVITIES, dimension="social").total.value == 0


def test_activities_planned_in_plans_approved_in_the_period(world):
    # A v1 (a1, a2, a3), B v1 (b1), C v2 (c1'; c2 cancelled). C v1 is superseded, D approved in 2025.
    assert run(world, K.ACTIVITIES, basis="planned").total.value == 5


def test_activities_in_an_empty_period(world):
    assert run(world, K.ACTIVITIES, "dimension", *EMPTY).total.value == 0


# ------------------------------------------------------------------ share through referral


def test_referral_share_of_delivered_and_planned_activities(world):
    delivered = run(world, K.REFERRAL_SHARE).total  # a2 of a1, a2, c1
    assert (delivered.numerator, delivered.denominator) == (1, 3)
    assert delivered.value == pytest.approx(33.3333, abs=1e-4)
    planned = run(world, K.REFERRAL_SHARE, basis="planned").total  # a2, b1 of 5
    assert (planned.numerator, planned.denominator, planned.value) == (2, 5, 40.0)


def test_referral_share_by_office_and_type(world):
    by_office = run(world, K.REFERRAL_SHARE, "office")
    assert table(by_office) == {str(world.cast.dakar.pk): 50.0, str(world.cast.tamba.pk): 0.0}
    assert table(run(world, K.REFERRAL_SHARE, "assistance_type")) == {
        "micro_business": 0.0,
        "psychosocial_individual": 100.0,
    }


def test_referral_share_in_an_empty_period_has_no_value(world):
    assert run(world, K.REFERRAL_SHARE, "", *EMPTY).total.value is None


# ------------------------------------------------------------------ referrals


def test_referrals_completed_and_median_days(world):
    # r1 10 days, r2 4 days, r3 80 days; r4 not completed, r5 in 2025, rX Bamako.
    assert run(world, K.REFERRALS_COMPLETED).total.value == 3
    days = run(world, K.REFERRAL_DAYS).total
    assert (days.value, days.denominator) == (10, 3)


def test_referral_days_by_sex_and_by_type(world):
    # Female: r1 (10). Male: r2 (4), r3 (80) → median 42.
    assert table(run(world, K.REFERRAL_DAYS, "sex")) == {"female": 10, "male": 42, "other": None}
    by_type = run(world, K.REFERRAL_DAYS, "assistance_type")
    assert table(by_type) == {"psychosocial_individual": 10, "housing": 4, "": 80}
    assert {row.category: row.label for row in by_type.rows}[""] == "Ad hoc (no plan activity)"
    assert table(run(world, K.REFERRALS_COMPLETED, "assistance_type")) == {
        "psychosocial_individual": 1,
        "housing": 1,
        "": 1,
    }


def test_referrals_in_an_empty_period(world):
    assert run(world, K.REFERRALS_COMPLETED, "", *EMPTY).total.value == 0
    days = run(world, K.REFERRAL_DAYS, "sex", *EMPTY)
    assert (days.total.value, days.total.denominator) == (None, 0)
    assert table(days) == {"female": None, "male": None, "other": None}


# ------------------------------------------------------------------ RSS scores


def test_mean_composite_at_baseline(world):
    # A 0.40, B 0.50 (C's baseline is in December; D's is a draft; X is Bamako).
    total = run(world, K.RSS_MEAN).total
    assert (total.value, total.denominator) == (pytest.approx(0.45), 2)


def test_mean_economic_at_baseline_leaves_out_missing_scores(world):
    total = run(world, K.RSS_MEAN, dimension="economic").total  # A 0.30; B has no economic score
    assert (total.value, total.denominator) == (pytest.approx(0.30), 1)


def test_mean_composite_at_follow_up_takes_each_case_latest(world):
    # A 0.60, C 0.70 (its latest follow-up), E 0.80 (end-line); D's follow-up has another profile.
    total = run(world, K.RSS_MEAN, occasion="follow_up").total
    assert (total.value, total.denominator) == (pytest.approx(0.70), 3)


def test_mean_at_follow_up_by_sex_delivery_and_type(world):
    assert table(run(world, K.RSS_MEAN, "sex", occasion="follow_up")) == {
        "female": pytest.approx(0.60),
        "male": pytest.approx(0.75),
        "other": None,
    }
    assert table(run(world, K.RSS_MEAN, "delivery", occasion="follow_up")) == {
        "direct_only": pytest.approx(0.70),
        "referral_only": None,
        "both": pytest.approx(0.60),
        "none": pytest.approx(0.80),
    }
    by_type = run(world, K.RSS_MEAN, "assistance_type", occasion="follow_up")
    assert table(by_type) == {
        "micro_business": pytest.approx(0.65),
        "psychosocial_individual": pytest.approx(0.60),
        "vocational_training": pytest.approx(0.60),
    }
    assert counts(by_type)["micro_business"] == 2


def test_mean_change_pairs_latest_follow_up_with_baseline(world):
    # A 0.60 − 0.40, C 0.70 − 0.30; E has no baseline.
    total = run(world, K.RSS_CHANGE).total
    assert (total.value, total.denominator) == (pytest.approx(0.30), 2)
    assert table(run(world, K.RSS_CHANGE, "office")) == {
        str(world.cast.dakar.pk): pytest.approx(0.20),
        str(world.cast.tamba.pk): pytest.approx(0.40),
    }


def test_share_at_or_above_a_threshold(world):
    # Follow-ups A 0.60, C 0.70, E 0.80; at or above 0.70: C and E.
    total = run(world, K.RSS_ABOVE, threshold=0.7).total
    assert (total.numerator, total.denominator) == (2, 3)
    assert table(run(world, K.RSS_ABOVE, "sex", threshold=0.7)) == {"female": 0.0, "male": 100.0, "other": None}


def test_share_above_a_band_of_the_profile(world):
    profile = default_profile("rss")
    bands = [
        {"scope": "composite", "from": 0, "to": 0.65, "label": {"en": "Fragile", "fr": "Fragile"}},
        {"scope": "composite", "from": 0.65, "to": 1, "label": {"en": "Sustainable", "fr": "Durable"}},
    ]
    type(profile).objects.filter(pk=profile.pk).update(definition=profile.definition | {"bands": bands})
    assert run(world, K.RSS_ABOVE, band="Sustainable").total.numerator == 2
    assert run(world, K.RSS_ABOVE, band="durable").total.numerator == 2


def test_share_above_an_unknown_band_has_no_value(world):
    assert run(world, K.RSS_ABOVE, band="Nowhere").total.value is None


def test_scores_in_an_empty_period(world):
    for key, params in ((K.RSS_MEAN, {}), (K.RSS_CHANGE, {}), (K.RSS_ABOVE, {"threshold": 0.5})):
        result = run(world, key, "age_group", *EMPTY, **params)
        assert result.total.value is None
        assert all(row.figure.value is None for row in result.rows)


# ------------------------------------------------------------------ satisfaction


def test_satisfaction_pools_applicable_answers(world):
    # A: 5, 4 (psychosocial not applicable); C: 2, 3. The overall question is separate.
    total = run(world, K.SATISFACTION).total
    assert (total.value, total.numerator, total.denominator) == (3.5, 14, 4)
    assert run(world, K.SATISFACTION, item="overall").total.value == 4.5
    assert run(world, K.SATISFACTION, item="business").total.value == 3.5


def test_satisfaction_by_assistance_type_and_by_sex(world):
    by_item = run(world, K.SATISFACTION, "assistance_type")
    values = table(by_item)
    assert (values["business"], values["counselling"], values["training"]) == (3.5, 4.0, 3.0)
    assert values["psychosocial"] is None and counts(by_item)["psychosocial"] == 0
    assert table(run(world, K.SATISFACTION, "sex")) == {"female": 4.5, "male": 2.5, "other": None}
    assert table(run(world, K.SATISFACTION, "delivery"))["both"] == 4.5  # A


def test_satisfaction_in_an_empty_period(world):
    assert run(world, K.SATISFACTION, "assistance_type", *EMPTY).total.value is None


# ------------------------------------------------------------------ closures


def test_closures_by_group_and_reason(world):
    # D support completed (planned), E re-migrated (abrupt); Y has no programme.
    assert run(world, K.CLOSURES).total.value == 2
    groups = table(run(world, K.CLOSURES, "closure_group"))
    assert groups == {"planned": 1, "abrupt": 1, "death": 0, "involuntary": 0}
    reasons = table(run(world, K.CLOSURES, "closure_reason"))
    assert (reasons["support_completed"], reasons["remigrated"], reasons["lost_contact"]) == (1, 1, 0)
    assert run(world, K.CLOSURES, group="abrupt").total.value == 1
    assert run(world, K.CLOSURES, reason="support_completed").total.value == 1
    assert run(world, K.CLOSURES, "", *EMPTY).total.value == 0


# ------------------------------------------------------------------ scope and parameters


def test_figures_follow_the_callers_scope(world):
    # The programme manager of Dakar sees Dakar and Tambacounda; the Bamako supervisor sees none of them.
    assert run(world, K.REGISTERED, user=world.cast.pm_dakar).total.value == 4
    assert run(world, K.REGISTERED, user=world.cast.sup_bamako).total.value == 0
    # A Dakar case manager sees only their own and unassigned cases: here the unassigned Dakar ones.
    assert run(world, K.REGISTERED, user=world.cast.cm_dakar).total.value == 3


def test_cumulative_counts_from_the_programme_start(world):
    start = world.cast.programme.start_date  # 2026-01-01: same as the period here
    assert run(world, K.REGISTERED, start=start).total.value == 4


def test_bad_parameters_are_refused_with_their_names(world):
    with pytest.raises(ValidationError) as error:
        ind.clean_params(K.ACTIVITIES, {"basis": "someday", "colour": "red"})
    text = " ".join(error.value.messages)
    assert "colour" in text and "someday" in text
    with pytest.raises(ValidationError):
        ind.clean_params(K.RSS_ABOVE, {})
    with pytest.raises(ValidationError):
        ind.clean_params(K.RSS_ABOVE, {"threshold": 2})


def test_an_unsupported_disaggregation_is_refused(world):
    with pytest.raises(ValidationError):
        run(world, K.REFERRALS_COMPLETED, "level")


def test_every_library_key_computes_every_disaggregation_it_supports(world):
    for key, definition in ind.LIBRARY.items():
        params = {"threshold": 0.5} if key == K.RSS_ABOVE else {}
        offices = ind.programme_office_ids(world.cast.programme)  # used by the office-scoped keys only
        for by in ("", *definition.supports):
            ind.compute(
                key,
                programme=world.cast.programme,
                start=START,
                end=END,
                cases=Case.objects.all(),
                by=by,
                params=params,
                offices=offices,
            )
