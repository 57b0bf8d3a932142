"""Dashboard figures against the hand-counted world (reintegra/dashboards/tests/world.py)."""

from decimal import Decimal

import pytest

from reintegra.dashboards import panels, selectors
from reintegra.dashboards.selectors import Filters
from reintegra.dashboards.tests.world import TODAY

pytestmark = pytest.mark.usefixtures("means_of_one")


def scope(*offices, **filters) -> Filters:
    return Filters(offices=frozenset(o.pk for o in offices), suppress=False, **filters)


def groups(filters, breakdown) -> dict:
    return {g.key: g for g in selectors.score_groups(filters, breakdown)}


def test_cases_by_stage_per_office(cast, world):
    counts = selectors.counts_by(scope(cast.dakar, cast.tamba), "stage", "office_id")
    assert counts == {
        ("planning", cast.dakar.pk): 1,
        ("implementation", cast.dakar.pk): 1,
        ("intake", cast.tamba.pk): 1,
    }


def test_caseload_counts_open_cases_and_overdue_tasks_per_case_manager(cast, world):
    filters = scope(cast.dakar, cast.tamba)
    assert selectors.counts_by(filters, "cm", "office_id") == {
        (str(cast.cm_dakar.pk), cast.dakar.pk): 1,
        (str(cast.cm_dakar2.pk), cast.dakar.pk): 1,
        ("", cast.tamba.pk): 1,
    }
    assert selectors.overdue_by_assignee(filters, TODAY) == {(str(cast.cm_tamba.pk), cast.tamba.pk): 1}
    assert selectors.overdue_by_assignee(filters, TODAY.replace(month=7)) == {}


def test_plans_by_status_late_plans_and_money(cast, world):
    filters = scope(cast.dakar, cast.tamba)
    assert selectors.counts_by(filters, "plan") == {("approved",): 1, ("none",): 2}
    # Aminata (arrival 5 Feb + 30 days) and Ousmane (15 Mar + 30) are late on 1 September, not on 1 March.
    assert selectors.late_by_office(filters, TODAY) == {cast.dakar.pk: 1, cast.tamba.pk: 1}
    assert selectors.late_by_office(filters, TODAY.replace(month=3, day=1)) == {}
    panel = panels.budget(filters, panels.Labels.load())
    assert panel.rows == [["Programme Sénégal", "XOF", 1, Decimal("400000"), Decimal("50000"), 0.125]]


def test_scores_breakdown_by_assistance_type_counts_a_case_in_each_of_its_types(cast, world):
    by_type = groups(scope(cast.dakar, cast.tamba), "type")
    assert set(by_type) == {"micro_business", "community_project", "none"}
    for code in ("micro_business", "community_project"):
        assert by_type[code].cases == 1
        assert by_type[code].mean("change", "economic", 1) == pytest.approx(0.3)
        assert by_type[code].mean("change", "composite", 1) == pytest.approx(0.13)
    none = by_type["none"]  # Aminata (baseline only) and Ousmane (no RSS)
    assert none.cases == 2
    assert none.n("base", "economic") == 1 and none.mean("base", "economic", 1) == pytest.approx(0.2)
    assert none.n("base", "psychosocial") == 0
    assert none.n("change", "economic") == 0


@pytest.mark.parametrize(
    ("breakdown", "expected"),
    [
        ("level", {"both": 1, "none": 2}),
        ("delivery", {"both": 1, "none": 2}),
        ("acts", {"2": 1, "0": 2}),
        ("age", {"25-34": 2, "45+": 1}),
        ("sex", {"female": 1, "male": 2}),
        ("return_type", {"assisted_voluntary": 3}),
    ],
)
def test_each_breakdown_counts_the_cases_of_its_groups(cast, world, breakdown, expected):
    found = {key: g.cases for key, g in groups(scope(cast.dakar, cast.tamba), breakdown).items()}
    assert found == expected


def test_breakdown_by_office_and_filters(cast, world):
    by_office = groups(scope(cast.dakar, cast.tamba, cast.bamako), "office")
    assert {k: g.cases for k, g in by_office.items()} == {
        str(cast.dakar.pk): 2,
        str(cast.tamba.pk): 1,
        str(cast.bamako.pk): 1,
    }
    assert by_office[str(cast.bamako.pk)].mean("change", "social", 1) == pytest.approx(0.2)
    women = groups(scope(cast.dakar, cast.tamba, cast.bamako, sex="female"), "office")
    assert {k: g.cases for k, g in women.items()} == {str(cast.dakar.pk): 1, str(cast.bamako.pk): 1}


def test_the_period_counts_cases_by_arrival_month(cast, world):
    february = scope(
        cast.dakar, cast.tamba, month_from=TODAY.replace(month=2, day=1), month_to=TODAY.replace(month=2, day=1)
    )
    assert selectors.counts_by(february, "stage") == {("planning",): 1}
    assert selectors.counts_by(scope(cast.dakar, month_from=TODAY.replace(month=5, day=1)), "stage") == {}


def test_the_interview_period_counts_each_score_in_the_month_it_was_taken(cast, world):
    july = scope(
        cast.dakar,
        cast.tamba,
        basis="interview",
        month_from=TODAY.replace(month=7, day=1),
        month_to=TODAY.replace(month=7, day=1),
    )
    everyone = groups(july, "office")[str(cast.dakar.pk)]
    assert everyone.n("follow", "economic") == 1 and everyone.n("base", "economic") == 0
    assert everyone.mean("change", "economic", 1) == pytest.approx(0.3)
    january = scope(
        cast.dakar, basis="interview", month_from=TODAY.replace(month=1, day=1), month_to=TODAY.replace(month=1, day=1)
    )
    assert groups(january, "office")[str(cast.dakar.pk)].n("base", "economic") == 1


def test_histograms_count_scores_per_band_of_a_tenth(cast, world):
    counts = selectors.histograms(scope(cast.dakar, cast.tamba))
    assert counts["b:economic:4"] == 1  # Moussa 0.4
    assert counts["b:economic:2"] == 1  # Aminata 0.2
    assert counts["f:economic:7"] == 1  # Moussa 0.7
    assert "b:psychosocial:2" not in counts  # Aminata has no psychosocial score
    assert sum(v for k, v in counts.items() if k.startswith("b:composite")) == 2


def test_empty_filters_give_empty_panels(cast, world):
    nothing = scope(cast.dakar, return_type="forced")
    labels = panels.Labels.load()
    for panel in (
        panels.stages(nothing, labels),
        panels.plans(nothing, labels, TODAY),
        panels.budget(nothing, labels),
        panels.change(nothing, labels, "type", "Assistance type", "p"),
    ):
        assert panel.rows == [] or all(row[-1] in (0, None) for row in panel.rows), panel.slug
    assert selectors.histograms(nothing) == {}


def test_other_offices_are_never_counted(cast, world):
    dakar = scope(cast.dakar, cast.tamba)
    assert sum(selectors.counts_by(dakar, "stage").values()) == 3
    assert str(cast.bamako.pk) not in groups(dakar, "office")
    bamako = scope(cast.bamako)
    assert selectors.counts_by(bamako, "stage") == {("monitoring",): 1}


def test_quantiles_are_read_from_the_bands():
    assert panels.binned_quantile([0, 0, 10, 0, 0, 0, 0, 0, 0, 0], 0.5) == pytest.approx(0.25)
    assert panels.binned_quantile([5, 0, 0, 0, 0, 0, 0, 0, 0, 5], 0.25) == pytest.approx(0.05)
    assert panels.binned_quantile([5, 0, 0, 0, 0, 0, 0, 0, 0, 5], 0.75) == pytest.approx(0.95)
