"""The follow-up schedule: due, overdue and done per anchor, consent, baseline before the plan, task creation."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from reintegra.audit.models import AuditEvent
from reintegra.cases.models import ConsentStatus, Stage, Task
from reintegra.cases.services import case_close, task_set_status
from reintegra.monitoring import services
from reintegra.monitoring.models import MonitoringRule, ScheduledFollowUp
from reintegra.monitoring.schedule import add_months, latest_anchor
from reintegra.monitoring.selectors import due_list
from reintegra.monitoring.tests.world import monitor, programme_case, respond, rule
from reintegra.plans.models import Activity, ActivityType, Disbursement, Plan

pytestmark = pytest.mark.django_db


def states(user, **kwargs):
    listing = due_list(user, **({"states": ("overdue", "due", "upcoming")} | kwargs))
    return {(row.case.pk, row.rule.pk): row.state for row in listing.rows}, listing


# ------------------------------------------------------------------ date arithmetic


def test_months_clamp_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_latest_anchor_inverts_the_due_date_exactly():
    # 29, 30 and 31 January + 1 month all fall due on 28 February.
    assert latest_anchor(date(2026, 2, 28), offset=1, unit="months") == date(2026, 1, 31)
    assert latest_anchor(date(2026, 3, 1), offset=1, unit="months") == date(2026, 2, 1)
    assert latest_anchor(date(2026, 3, 10), offset=10, unit="days") == date(2026, 2, 28)


# ------------------------------------------------------------------ states per anchor


@pytest.mark.parametrize(
    "today, expected",
    [
        ("2026-06-25", "upcoming"),  # due 10 July, window opens 14 days before: 26 June
        ("2026-06-26", "due"),
        ("2026-08-09", "due"),  # closes 30 days after: 9 August
        ("2026-08-10", "overdue"),
    ],
)
def test_an_arrival_rule_is_upcoming_due_then_overdue(cast, today, expected):
    follow_up = rule(cast)
    case = programme_case(cast, arrival=date(2026, 1, 10))
    with time_machine.travel(today, tick=False):
        found, _ = states(cast.sup_dakar)
    assert found == {(case.pk, follow_up.pk): expected}


def test_a_submitted_response_makes_the_occasion_done(cast):
    follow_up = rule(cast)
    done, draft = programme_case(cast), programme_case(cast, given="Awa", family="Ndiaye")
    respond(cast, done, "follow_up", 1, on=date(2026, 7, 12))
    respond(cast, draft, "follow_up", 1, status="draft")
    respond(cast, draft, "follow_up", 2)  # another round does not count
    with time_machine.travel("2026-08-20", tick=False):
        found, listing = states(cast.sup_dakar)
    assert found == {(draft.pk, follow_up.pk): "overdue"}
    counts = listing.counts[0]
    assert (counts.done, counts.overdue, counts.due, counts.upcoming) == (1, 1, 0, 0)


def _deliver(cast, case, *, paid_on=None, delivered_at=None, approved_at=datetime(2026, 2, 1, 10, tzinfo=UTC)):
    plan = Plan.objects.create(
        case=case,
        plan_date=date(2026, 2, 1),
        status=Plan.Status.APPROVED,
        approved_at=approved_at,
        created_by=cast.cm_dakar,
    )
    kind = ActivityType.objects.get(code="micro_business")
    activity = Activity.objects.create(
        plan=plan, type=kind, dimension=kind.dimension, modality="in_kind", currency="XOF", status="in_progress"
    )
    if paid_on:
        Disbursement.objects.create(
            activity=activity, paid_on=paid_on, amount=1000, currency="XOF", kind="purchase", recorded_by=cast.cm_dakar
        )
    if delivered_at:
        with time_machine.travel(delivered_at, tick=False):
            activity.status = Activity.Status.DELIVERED
            activity.save()
    return plan


def test_a_last_assistance_rule_counts_from_the_latest_payment_or_delivery(cast):
    after_assistance = rule(
        cast, anchor=MonitoringRule.Anchor.LAST_ASSISTANCE, offset=3, window_before=0, window_after=10
    )
    paid = programme_case(cast, given="Awa", family="Ndiaye")
    _deliver(cast, paid, paid_on=date(2026, 3, 5))
    both = programme_case(cast, given="Ousmane", family="Ba")
    _deliver(cast, both, paid_on=date(2026, 2, 20), delivered_at="2026-04-02 12:00")
    nothing = programme_case(cast, given="Binta", family="Sow")
    with time_machine.travel("2026-06-06", tick=False):
        found, listing = states(cast.sup_dakar)
    # paid 5 March -> due 5 June (due until 15 June); delivered 2 April -> due 2 July: upcoming.
    assert found == {(paid.pk, after_assistance.pk): "due", (both.pk, after_assistance.pk): "upcoming"}
    assert listing.counts[0].waiting == 1  # no assistance yet: no date to count from
    assert nothing.pk not in {pk for pk, _ in found}
    with time_machine.travel("2026-06-16", tick=False):
        found, _ = states(cast.sup_dakar)
    assert found[(paid.pk, after_assistance.pk)] == "overdue"


def test_a_plan_approval_rule_counts_from_the_first_approval(cast):
    after_approval = rule(cast, "endline", anchor=MonitoringRule.Anchor.PLAN_APPROVAL, offset=120, unit="days")
    case = programme_case(cast)
    _deliver(cast, case, approved_at=datetime(2026, 2, 1, 10, tzinfo=UTC))
    with time_machine.travel("2026-05-31", tick=False):  # 1 February + 120 days = 1 June
        found, listing = states(cast.sup_dakar, states=("due",))
    assert found == {(case.pk, after_approval.pk): "due"}
    assert listing.rows[0].due_on == date(2026, 6, 1)


# ------------------------------------------------------------------ consent and closure


@pytest.mark.parametrize("status", [ConsentStatus.WITHDRAWN, ConsentStatus.REFUSED])
def test_cases_without_monitoring_consent_are_counted_apart_never_due(cast, status):
    rule(cast)
    kept = programme_case(cast)
    if status == ConsentStatus.WITHDRAWN:
        gone = programme_case(cast, given="Awa", family="Ndiaye", monitoring=status)
    else:
        gone = programme_case(cast, given="Awa", family="Ndiaye", monitoring=False)
        monitor(cast, gone, status)
    with time_machine.travel("2026-08-20", tick=False):
        found, listing = states(cast.sup_dakar)
    assert {pk for pk, _ in found} == {kept.pk}
    assert list(listing.excluded.values()) == [1]
    assert listing.counts[0].overdue == 1


def test_closed_cases_and_inactive_rules_are_left_out(cast):
    rule(cast)
    rule(cast, number=2, active=False)
    closed = programme_case(cast)
    case_close(actor=cast.sup_dakar, case=closed, reason="support_completed")
    with time_machine.travel("2026-08-20", tick=False):
        found, listing = states(cast.sup_dakar)
    assert found == {} and len(listing.counts) == 1


# ------------------------------------------------------------------ baseline before the plan


def test_a_baseline_is_due_when_the_case_reaches_planning_without_one(cast):
    baseline = rule(cast, "baseline", kind=MonitoringRule.Kind.BEFORE_PLAN)
    planning = programme_case(cast, stage=Stage.PLANNING)
    late = programme_case(cast, given="Awa", family="Ndiaye", stage=Stage.IMPLEMENTATION)
    early = programme_case(cast, given="Ousmane", family="Ba", stage=Stage.ASSESSMENT)
    done = programme_case(cast, given="Binta", family="Sow", stage=Stage.PLANNING)
    respond(cast, done, "baseline")
    with time_machine.travel("2026-03-01", tick=False):
        found, listing = states(cast.sup_dakar)
    assert found == {
        (planning.pk, baseline.pk): "due",
        (late.pk, baseline.pk): "overdue",
        (early.pk, baseline.pk): "upcoming",
    }
    assert listing.counts[0].done == 1


# ------------------------------------------------------------------ scopes


def test_a_case_manager_sees_only_their_own_cases_and_me_sees_the_office(cast):
    rule(cast)
    mine = programme_case(cast, assigned_to=cast.cm_dakar)
    theirs = programme_case(cast, given="Awa", family="Ndiaye", assigned_to=cast.cm_dakar2)
    unassigned = programme_case(cast, given="Ousmane", family="Ba")
    tamba = programme_case(cast, cast.tamba, given="Binta", family="Sow")
    with time_machine.travel("2026-08-20", tick=False):
        assert {pk for pk, _ in states(cast.cm_dakar)[0]} == {mine.pk}
        assert {pk for pk, _ in states(cast.me_hq)[0]} == {mine.pk, theirs.pk, unassigned.pk, tamba.pk}
        assert {pk for pk, _ in states(cast.cm_tamba)[0]} == set()
        assert states(cast.cm_bamako)[0] == {} and states(cast.partner_dakar)[0] == {}
        assert states(cast.admin)[0] == {}


# ------------------------------------------------------------------ tasks


def test_scheduling_creates_one_task_per_due_occasion_and_is_idempotent(cast):
    follow_up = rule(cast)
    baseline = rule(cast, "baseline", kind=MonitoringRule.Kind.BEFORE_PLAN)
    case = programme_case(cast, assigned_to=cast.cm_dakar, stage=Stage.IMPLEMENTATION)
    no_consent = programme_case(cast, given="Awa", family="Ndiaye", monitoring=False)
    with time_machine.travel("2026-08-20", tick=False):
        first = services.schedule_follow_ups(actor=cast.pm_dakar, programme=cast.programme)
        again = services.schedule_follow_ups(actor=cast.pm_dakar, programme=cast.programme)
    # case: follow-up 1 (contact) and the missing baseline (assessment); no_consent: only the baseline
    assert len(first.created) == 3 and first.no_consent == 1
    assert again.created == [] and again.already_open == 3
    contact = Task.objects.get(case=case, kind=Task.Kind.FOLLOW_UP_CONTACT)
    assert contact.due_date == date(2026, 7, 10) and contact.assignee == cast.cm_dakar
    assert ScheduledFollowUp.objects.get(task=contact).rule == follow_up
    assert ScheduledFollowUp.objects.filter(case=no_consent, rule=baseline).count() == 1
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.FOLLOW_UPS_SCHEDULED).count() == 2


def test_a_done_task_without_interview_is_scheduled_again_but_withdrawal_cancels(cast):
    rule(cast)
    case = programme_case(cast)
    with time_machine.travel("2026-08-20", tick=False):
        services.schedule_follow_ups(actor=cast.pm_dakar, programme=cast.programme)
        task = Task.objects.get(case=case)
        task_set_status(actor=cast.sup_dakar, task=task, status=Task.Status.DONE)
        assert len(services.schedule_follow_ups(actor=cast.pm_dakar, programme=cast.programme).created) == 1
        monitor(cast, case, ConsentStatus.WITHDRAWN, on=date(2026, 8, 20))
        assert not Task.objects.filter(case=case, status=Task.Status.OPEN).exists()
        result = services.schedule_follow_ups(actor=cast.pm_dakar, programme=cast.programme)
    assert result.created == [] and result.no_consent == 0  # excluded from the list altogether


@pytest.mark.parametrize("who", ["sup_dakar", "me_hq", "cm_dakar", "partner_dakar", "admin", "nobody"])
def test_only_programme_managers_schedule(cast, who):
    rule(cast)
    with pytest.raises(PermissionDenied):
        services.schedule_follow_ups(actor=getattr(cast, who), programme=cast.programme)


def test_the_command_schedules_as_the_named_programme_manager(cast):
    from io import StringIO

    from django.core.management import call_command

    rule(cast)
    programme_case(cast)
    out = StringIO()
    with time_machine.travel("2026-08-20", tick=False):
        call_command("schedule_follow_ups", "--programme", cast.programme.code, "--as", "pm.dakar", stdout=out)
        call_command("schedule_follow_ups", "--programme", cast.programme.code, "--as", "pm.dakar", stdout=out)
    assert Task.objects.count() == 1
    assert "1" in out.getvalue()


def test_query_budget_of_the_due_list_does_not_grow_with_cases(cast, django_assert_max_num_queries):
    rule(cast)
    rule(cast, number=2, offset=12)
    rule(cast, "baseline", kind=MonitoringRule.Kind.BEFORE_PLAN)
    rule(cast, "endline", anchor=MonitoringRule.Anchor.LAST_ASSISTANCE, offset=12)
    for i in range(12):
        programme_case(cast, given=f"Awa{i}", family="Ndiaye", stage=Stage.PLANNING)
    with time_machine.travel("2026-08-20", tick=False), django_assert_max_num_queries(12):
        listing = due_list(cast.sup_dakar, per_page=10)
        assert len(listing.rows) == 10 and listing.page.paginator.count == 24
