"""The community and structural indicators against the hand counts of `levels_world` (read its docstring).

Q1 2026 is the period; `EMPTY` a period with nothing. The offices passed are those of the computing user:
Dakar and Tambacounda for the Dakar programme manager.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reintegra.accounts.access import access_for
from reintegra.cases.models import Case
from reintegra.monitoring import framework as fw
from reintegra.monitoring import indicators as ind
from reintegra.monitoring.forms_framework import manual_categories
from reintegra.monitoring.models import ComputedKey as K
from reintegra.monitoring.tests.levels_world import EMPTY, END, START, build_levels
from reintegra.monitoring.tests.test_framework import add_indicator, make_framework, period


@pytest.fixture
def levels(cast):
    return build_levels(cast)


def run(levels, key, by="", start=START, end=END, offices=None, **params):
    cast = levels.cast
    offices = access_for(cast.pm_dakar).case_offices if offices is None else offices
    return ind.compute(
        key,
        programme=cast.programme,
        start=start,
        end=end,
        cases=Case.objects.all(),
        by=by,
        params=params,
        offices=offices,
    )


def table(result) -> dict:
    return {row.category: row.figure.value for row in result.rows}


# ------------------------------------------------------------------ community projects


def test_projects_count_those_started_and_running_in_the_period(levels):
    # P1 (running since 2025), P2 (Feb–Mar), P8 (starts 03-31). Not P3 (ended 12-31), P4 planned,
    # P5 cancelled, P6 another programme, P7 Bamako.
    assert run(levels, K.COMMUNITY_PROJECTS).total.value == 3


def test_projects_of_an_empty_period_are_zero(levels):
    assert run(levels, K.COMMUNITY_PROJECTS, start=EMPTY[0], end=EMPTY[1]).total.value == 0


def test_projects_by_status_approach_dimension_and_office(levels):
    assert table(run(levels, K.COMMUNITY_PROJECTS, "project_status")) == {
        "planned": 0,
        "in_progress": 2,
        "completed": 1,
        "cancelled": 0,
    }
    assert table(run(levels, K.COMMUNITY_PROJECTS, "approach")) == {
        "collective": 1,
        "community_based": 1,
        "inclusion": 1,
    }
    assert table(run(levels, K.COMMUNITY_PROJECTS, "dimension")) == {"economic": 1, "social": 2, "psychosocial": 0}
    by_office = run(levels, K.COMMUNITY_PROJECTS, "office")
    assert {row.label: row.figure.value for row in by_office.rows} == {"Dakar": 2, "Tambacounda": 1}


def test_projects_filtered_by_approach_and_dimension(levels):
    assert run(levels, K.COMMUNITY_PROJECTS, approach="collective").total.value == 1  # P2
    assert run(levels, K.COMMUNITY_PROJECTS, dimension="social").total.value == 2  # P2, P8


def test_projects_count_only_the_callers_offices(levels):
    assert run(levels, K.COMMUNITY_PROJECTS, offices={levels.cast.tamba.pk}).total.value == 1  # P2
    assert run(levels, K.COMMUNITY_PROJECTS, offices=set()).total.value == 0


def test_a_bamako_project_counts_once_bamako_is_an_office_of_the_programme_and_the_callers(levels):
    cast = levels.cast
    cast.programme.offices.add(cast.bamako)
    assert run(levels, K.COMMUNITY_PROJECTS).total.value == 3  # the Dakar manager does not see Bamako
    assert run(levels, K.COMMUNITY_PROJECTS, offices=access_for(cast.me_hq).case_offices).total.value == 4  # + P7


# ------------------------------------------------------------------ participants


def test_participants_of_the_active_projects(levels):
    # P1: A, F. S., M. D.; P2: C, K.; P8: E. Not the residents of P3, P4, P6 nor X (P7, Bamako).
    assert run(levels, K.COMMUNITY_PARTICIPANTS).total.value == 6


def test_participants_by_type(levels):
    assert table(run(levels, K.COMMUNITY_PARTICIPANTS, "participant_type")) == {"returnee": 3, "resident": 3}
    assert run(levels, K.COMMUNITY_PARTICIPANTS, participant="returnee").total.value == 3
    assert run(levels, K.COMMUNITY_PARTICIPANTS, participant="resident").total.value == 3


def test_participants_by_sex_take_returnees_sex_from_their_person_record(levels):
    result = run(levels, K.COMMUNITY_PARTICIPANTS, "sex")
    # Female: A, F. S.; male: M. D., C, E; K. has none recorded.
    assert table(result) == {"female": 2, "male": 3, "other": 0, "": 1}
    assert result.rows[-1].label == "Not recorded"


def test_participants_by_age_group_returnees_at_the_day_they_were_added(levels):
    # A 25 (birthday after the day added), C 35, E no birth date; residents as recorded.
    assert table(run(levels, K.COMMUNITY_PARTICIPANTS, "participant_age")) == {
        "0-17": 0,
        "18-24": 1,
        "25-34": 1,
        "35-59": 2,
        "60+": 0,
        "": 2,
    }


def test_participants_by_project_approach(levels):
    assert table(run(levels, K.COMMUNITY_PARTICIPANTS, "approach")) == {
        "collective": 2,
        "community_based": 3,
        "inclusion": 1,
    }


def test_participants_of_an_empty_period_are_zero_in_every_category(levels):
    result = run(levels, K.COMMUNITY_PARTICIPANTS, "participant_type", start=EMPTY[0], end=EMPTY[1])
    assert result.total.value == 0
    assert table(result) == {"returnee": 0, "resident": 0}


# ------------------------------------------------------------------ agreements


def test_agreements_in_force_signed_or_since_expired_with_validity_in_the_period(levels):
    # G1 MoU (open), G2 LTA (ends 01-01), G3 LTA expired in February. Not draft, terminated, later,
    # Bamako, ended 12-31.
    assert run(levels, K.AGREEMENTS).total.value == 3


def test_agreements_by_kind_and_office(levels):
    assert table(run(levels, K.AGREEMENTS, "agreement_kind")) == {"lta": 2, "mou": 1, "other": 0}
    assert run(levels, K.AGREEMENTS, kind="mou").total.value == 1
    by_office = run(levels, K.AGREEMENTS, "office")
    assert {row.label: row.figure.value for row in by_office.rows} == {"Dakar": 2, "Tambacounda": 1}


def test_agreements_of_an_empty_period_are_zero(levels):
    assert run(levels, K.AGREEMENTS, start=EMPTY[0], end=EMPTY[1]).total.value == 0


# ------------------------------------------------------------------ capacity building and coordination


def test_capacity_activities_held_in_the_period(levels):
    # K1 (one day in February), K2 (ends 01-10), K3 (starts 03-20). Not K4 (12-31), K5 Bamako, K6.
    result = run(levels, K.CAPACITY_ACTIVITIES, "office")
    assert result.total.value == 3
    assert {row.label: row.figure.value for row in result.rows} == {"Dakar": 2, "Tambacounda": 1}


def test_capacity_participants_add_up_the_recorded_counts(levels):
    result = run(levels, K.CAPACITY_PARTICIPANTS, "office")
    assert (result.total.value, result.total.denominator) == (20, 2)  # K1 12 + K2 8; K3 has no count
    assert {row.label: (row.figure.value, row.figure.denominator) for row in result.rows} == {
        "Dakar": (12, 1),
        "Tambacounda": (8, 1),
    }


def test_capacity_of_an_empty_period_is_zero(levels):
    assert run(levels, K.CAPACITY_ACTIVITIES, start=EMPTY[0], end=EMPTY[1]).total.value == 0
    empty = run(levels, K.CAPACITY_PARTICIPANTS, start=EMPTY[0], end=EMPTY[1]).total
    assert (empty.value, empty.denominator) == (0, 0)


def test_coordination_meetings_held_in_the_period(levels):
    result = run(levels, K.MEETINGS, "office")
    assert result.total.value == 3  # Dakar 01-01 and 03-31, Tamba 02-10; not 2025-12-31 nor Bamako
    assert {row.label: row.figure.value for row in result.rows} == {"Dakar": 2, "Tambacounda": 1}
    assert run(levels, K.MEETINGS, start=EMPTY[0], end=EMPTY[1]).total.value == 0


# ------------------------------------------------------------------ rules


def test_office_scoped_indicators_need_the_callers_offices(levels):
    with pytest.raises(ValueError):
        ind.compute(K.MEETINGS, programme=levels.cast.programme, start=START, end=END, cases=Case.objects.all())


def test_parameters_and_breakdowns_are_checked(levels):
    with pytest.raises(ValidationError):
        ind.clean_params(K.COMMUNITY_PROJECTS, {"dimension": "composite"})
    with pytest.raises(ValidationError):
        ind.clean_params(K.COMMUNITY_PARTICIPANTS, {"participant": "visitor"})
    with pytest.raises(ValidationError):
        ind.clean_params(K.AGREEMENTS, {"kind": "contract"})
    with pytest.raises(ValidationError):
        run(levels, K.AGREEMENTS, "sex")
    with pytest.raises(ValidationError):
        run(levels, K.MEETINGS, "return_type")


def test_a_constant_number_of_queries_per_breakdown(levels, django_assert_max_num_queries):
    offices = {levels.cast.dakar.pk, levels.cast.tamba.pk}
    with django_assert_max_num_queries(4):  # the programme's offices (2), the total, the breakdown
        run(levels, K.COMMUNITY_PARTICIPANTS, "participant_age", offices=offices)


def test_hand_entered_breakdowns_offer_the_new_categories(cast):
    assert [code for code, _label in manual_categories("agreement_kind", cast.programme)] == ["lta", "mou", "other"]
    assert [code for code, _label in manual_categories("participant_type", cast.programme)] == [
        "returnee",
        "resident",
    ]


# ------------------------------------------------------------------ snapshots


def test_a_snapshot_counts_the_records_of_the_offices_it_covers(cast, levels):
    framework, _objective, _outcome, output = make_framework(cast)
    projects = add_indicator(
        cast.me_hq,
        output,
        "3.1a",
        computed_key=K.COMMUNITY_PROJECTS,
        disaggregations=["approach", "office"],
        target_value=Decimal("4"),
    )
    meetings = add_indicator(cast.me_hq, output, "4.1a", computed_key=K.MEETINGS)
    q1 = period(cast)
    cast.programme.offices.add(cast.bamako)
    wide = fw.snapshot_take(actor=cast.me_hq, framework=framework, period=q1)
    narrow = fw.snapshot_take(actor=cast.pm_dakar, framework=framework, period=q1)
    stored = {(v.indicator_id, v.disaggregation, v.category): v.value for v in narrow.values.all()}
    assert stored[(projects.pk, "", "")] == 3
    assert stored[(projects.pk, "approach", "inclusion")] == 1
    assert stored[(projects.pk, "office", str(cast.tamba.pk))] == 1
    assert stored[(meetings.pk, "", "")] == 3
    # The M&E officer covering Bamako too counts P7 and the Bamako meeting.
    assert wide.values.get(indicator=projects, disaggregation="").value == 4
    assert wide.values.get(indicator=meetings, disaggregation="").value == 4
    assert fw.progress(cast.sup_dakar, framework, q1).rows[projects.pk].share == 75.0  # 3 of 4
