"""The facts follow the writes made through the application, and match a full rebuild."""

from datetime import date
from decimal import Decimal

import pytest

from reintegra.cases.models import Stage
from reintegra.cases.services import allowed_stage_moves, case_assign, case_change_stage
from reintegra.dashboards import facts
from reintegra.dashboards.models import CaseFact, DashboardCell, DashboardState
from reintegra.dashboards.tests.world import activity, score
from reintegra.instruments.models import Occasion
from reintegra.plans import services as plan_services
from reintegra.plans.models import ExchangeRate
from reintegra.scoring import services as scoring_services

KEYS = ["kind", "key", "basis", "office_id", "programme_id", "month", "return_type", "sex", "day"]


def snapshot() -> dict:
    """Every non-empty cell, its measures rounded (float sums moved by deltas may differ in the last bits)."""
    result = {}
    for cell in DashboardCell.objects.all():
        measures = {
            f.name: round(getattr(cell, f.name), 9)
            for f in DashboardCell._meta.concrete_fields
            if f.name not in KEYS and f.name != "id" and getattr(cell, f.name)
        }
        measures = {k: v for k, v in measures.items() if v}
        if measures:
            result[tuple(getattr(cell, k) for k in KEYS)] = measures
    return result


def fact(case) -> CaseFact:
    return CaseFact.objects.get(case_id=case.pk)


def test_a_stage_change_moves_the_case_between_stages(cast, world, django_capture_on_commit_callbacks):
    target = allowed_stage_moves(world.aminata)[0]
    with django_capture_on_commit_callbacks(execute=True):
        case_change_stage(actor=cast.cm_dakar2, case=world.aminata, to_stage=target)
    assert fact(world.aminata).stage == target
    before = snapshot()
    facts.rebuild()
    assert snapshot() == before


def test_a_new_score_shows_at_once(cast, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        score(cast, world.aminata, Occasion.FOLLOW_UP, date(2026, 8, 20), (0.5, 0.5, 0.5, 0.5), number=1)
    assert fact(world.aminata).follow_up_economic == 0.5
    before = snapshot()
    facts.rebuild()
    assert snapshot() == before


def test_plan_approval_counts_the_activities_and_the_money(cast, world, django_capture_on_commit_callbacks):
    programme = cast.programme
    programme.per_returnee_cap = Decimal("1000")
    programme.save()
    with django_capture_on_commit_callbacks(execute=True):
        plan = plan_services.plan_create(
            actor=cast.cm_dakar2, case=world.aminata, data=plan_services.PlanInput(plan_date=date(2026, 3, 1))
        )
        activity(cast, plan, "vocational_training", "5000", "referral", actor=cast.cm_dakar2)
        plan = plan_services.plan_submit(actor=cast.cm_dakar2, plan=plan)
    waiting = fact(world.aminata)
    assert (waiting.plan_status, waiting.planned_cents, waiting.activity_count) == ("awaiting_approval", 500000, 0)
    assert waiting.plan_deadline is not None
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_approve(actor=cast.sup_dakar, plan=plan)
    approved = fact(world.aminata)
    assert (approved.plan_status, approved.activity_count, approved.delivery_mix) == ("approved", 1, "referral")
    assert approved.plan_deadline is None  # no longer late
    before = snapshot()
    facts.rebuild()
    assert snapshot() == before


def test_reassigning_and_closing_keep_the_cells_exact(cast, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_assign(actor=cast.sup_dakar, case=world.moussa, assignee=cast.cm_dakar2)
    assert fact(world.moussa).assigned_to_id == cast.cm_dakar2.pk
    before = snapshot()
    facts.rebuild()
    assert snapshot() == before


def test_nothing_is_refreshed_before_the_first_build(cast, frozen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cast.case(cast.dakar)
    assert not CaseFact.objects.exists()


def test_a_new_exchange_rate_marks_the_figures_stale_until_the_next_rebuild(
    cast, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ExchangeRate.objects.create(
            programme=cast.programme,
            currency="EUR",
            rate=Decimal("655.957"),
            valid_from=date(2026, 1, 1),
            entered_by=cast.pm_dakar,
        )
    state = DashboardState.objects.get()
    assert state.stale_since is not None and "exchange" in state.stale_reason
    facts.rebuild()
    assert DashboardState.objects.get().stale_since is None


def test_a_change_of_default_profile_is_flagged_and_rss_figures_keep_their_profile(
    cast, world, django_capture_on_commit_callbacks
):
    from reintegra.scoring.models import ScoringProfile

    default = ScoringProfile.objects.get(is_default=True)
    text = default.source_text.replace('version: "2026.1"', 'version: "2026.9"')
    with django_capture_on_commit_callbacks(execute=True):
        scoring_services.profile_load(actor=cast.me_hq, source_text=text, make_default=True)
    state = DashboardState.objects.get()
    assert state.stale_since is not None and state.score_profile_id == default.pk
    assert fact(world.moussa).score_profile_id == default.pk


@pytest.mark.parametrize("stage", [Stage.CLOSED])
def test_the_refresh_command_rebuilds(cast, world, stage):
    from django.core.management import call_command

    CaseFact.objects.all().delete()
    call_command("refresh_facts", stdout=__import__("io").StringIO())
    assert CaseFact.objects.count() == 4
