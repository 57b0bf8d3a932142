"""Scoped reads of referrals. Staff reach them through their cases; partners through their organisation."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reintegra.accounts.access import access_for
from reintegra.cases.models import Case, Stage, Task
from reintegra.cases.selectors import cases_for
from reintegra.referrals.access import partner_organisation_id
from reintegra.referrals.models import Referral, ReferralEvent, Status

# Accepted or in-progress referrals with no news for this many days are listed as overdue.
STALE_AFTER_DAYS = 30
# The desk lists tasks due within this many days, and follow-up contacts due within FOLLOW_UP_DAYS.
TASK_DAYS = 7
FOLLOW_UP_DAYS = 14

LIST_RELATED = ("case__person", "case__office", "service", "organisation", "created_by")


def referrals_for(user) -> QuerySet[Referral]:
    """Referrals of the cases the user may see (staff only; partners use `partner_referrals`)."""
    return Referral.objects.filter(case__in=cases_for(user).values("pk"))


def case_referrals(case: Case) -> list[Referral]:
    """The referrals of a case already in the user's scope, newest first."""
    return list(case.referrals.select_related("service", "organisation", "created_by", "activity__type"))


def referral_for(user, pk: int) -> Referral:
    referral = referrals_for(user).select_related(*LIST_RELATED, "consent", "override_decided_by").filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def partner_referrals(user, *, status: str = "") -> QuerySet[Referral]:
    """The inbox: only referrals addressed to the partner's organisation; nothing for anyone else."""
    organisation_id = partner_organisation_id(user)
    if organisation_id is None:
        return Referral.objects.none()
    qs = Referral.objects.filter(organisation_id=organisation_id)
    if status:
        qs = qs.filter(status=status)
    # No case, no person: partners read the package only.
    return qs.select_related("service", "organisation", "consent", "override_decided_by").order_by("-sent_at", "-id")


def partner_referral_for(user, pk: int) -> Referral:
    referral = partner_referrals(user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def events_of(referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("actor"))


def _unanswered(today: date) -> Q:
    return Q(status=Status.SENT, response_due__lt=today)


def _stale(now) -> Q:
    return Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS), last_event_at__lt=now - timedelta(days=STALE_AFTER_DAYS))


def overdue_referrals(user, today: date | None = None) -> QuerySet[Referral]:
    """Sent without an answer past the deadline, or accepted / in progress with no news for STALE_AFTER_DAYS."""
    today = today or timezone.localdate()
    now = timezone.now()
    return (
        referrals_for(user)
        .filter(_unanswered(today) | _stale(now))
        .select_related(*LIST_RELATED)
        .order_by("response_due", "id")
    )


def overdue_referrals_to_sweep(today: date) -> QuerySet[Referral]:
    """For the deadline sweep (a system job, no user scope)."""
    return Referral.objects.filter(_unanswered(today)).select_related("case__office")


@dataclass
class Desk:
    tasks: list[Task]
    tasks_more: int
    follow_ups: list[Task]
    follow_ups_more: int
    plans_awaiting: list
    plans_awaiting_more: int
    late_plans: list[Case]
    late_plans_more: int
    referrals: list[Referral]
    referrals_more: int


def _my_tasks(user, today: date) -> QuerySet[Task]:
    offices = access_for(user).identifying
    cases = cases_for(user).filter(office_id__in=offices).exclude(stage=Stage.CLOSED)
    return (
        Task.objects.filter(case__in=cases.values("pk"), status=Task.Status.OPEN)
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .select_related("case__person", "case__office", "assignee")
        .order_by("due_date", "id")
    )


def tasks_due(user, today: date) -> QuerySet[Task]:
    """Open tasks (other than follow-up contacts) overdue or due within TASK_DAYS."""
    return (
        _my_tasks(user, today)
        .exclude(kind=Task.Kind.FOLLOW_UP_CONTACT)
        .filter(due_date__lte=today + timedelta(days=TASK_DAYS))
    )


def follow_ups_due(user, today: date) -> QuerySet[Task]:
    """Open follow-up contacts overdue or due within FOLLOW_UP_DAYS."""
    return _my_tasks(user, today).filter(
        kind=Task.Kind.FOLLOW_UP_CONTACT, due_date__lte=today + timedelta(days=FOLLOW_UP_DAYS)
    )


def _head(qs, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many more there are, without a COUNT when the list is short."""
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, 0
    return rows[:limit], qs.count() - limit


def desk(user, *, today: date | None = None, limit: int = 20) -> Desk:
    """The case manager's desk: what needs doing, in a fixed number of queries."""
    from reintegra.plans.selectors import late_plans, plans_awaiting_approval

    today = today or timezone.localdate()
    access = access_for(user)
    offices = access.identifying
    tasks = _head(tasks_due(user, today), limit)
    follow_ups = _head(follow_ups_due(user, today), limit)
    awaiting = _head(plans_awaiting_approval(user).filter(case__office_id__in=offices), limit)
    late = _head(late_plans(user, today).filter(office_id__in=offices), limit)
    referrals = _head(overdue_referrals(user, today).filter(case__office_id__in=offices), limit)
    return Desk(*tasks, *follow_ups, *awaiting, *late, *referrals)


def referral_activities(case: Case) -> list:
    """Activities of the case's current plan delivered by referral (not cancelled), for the referral form."""
    from reintegra.plans.models import Activity, Delivery
    from reintegra.plans.selectors import current_plan

    plan = current_plan(case)
    if plan is None:
        return []
    activities = (
        plan.activities.filter(delivery=Delivery.REFERRAL)
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("type__service_category", "provider_service__organisation")
    )
    return list(activities)
