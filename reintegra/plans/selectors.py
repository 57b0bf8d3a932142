"""Scoped reads of plans, activities and disbursements (through `cases_for` / `case_for`).

Who sees what: users who see a case see its plans. Identifying roles read everything;
pseudonymised roles (M&E) read the structure and the money (types, modalities, costs, statuses,
dates) without free text (goals, summaries, descriptions, supplier names, notes) and without the
attachments. Partners and administrators see no plan (404, like the case).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Programme
from reintegra.cases.models import Case, Stage
from reintegra.cases.selectors import case_for, cases_for
from reintegra.plans.budget import MissingRate, PlanTotals, RateTable, cents, grouped_sum, plan_totals, spent_total
from reintegra.plans.models import Activity, ActivityType, Disbursement, ExchangeRate, Plan, PlanDelayException

DEFAULT_DUE_DAYS = 30  # a case without a programme: the handbook's "about one month"
CURRENT = ~Q(status=Plan.Status.SUPERSEDED)


def plans_of(case: Case) -> list[Plan]:
    """Every version of a case's plan, newest first (the case comes from `case_for`)."""
    return list(case.plans.select_related("created_by", "approved_by").order_by("-version"))


def current_plan(case: Case) -> Plan | None:
    return case.plans.filter(CURRENT).first()


def plan_for(user, number: str, version: int) -> Plan:
    """One version of the plan of a case the user may see, or 404."""
    case = case_for(user, number)
    plan = case.plans.filter(version=version).select_related("created_by", "approved_by", "submitted_by").first()
    if plan is None:
        raise Http404
    plan.case = case
    return plan


def plan_activities(plan: Plan) -> list[Activity]:
    return list(
        plan.activities.select_related(
            "type", "provider_service__organisation", "responsible", "community_project__community"
        ).prefetch_related(Prefetch("disbursements", queryset=Disbursement.objects.select_related("recorded_by")))
    )


def activity_of(plan: Plan, pk: int) -> Activity:
    activity = plan.activities.select_related("type", "plan").filter(pk=pk).first()
    if activity is None:
        raise Http404
    activity.plan = plan
    return activity


def disbursement_of(plan: Plan, pk: int) -> Disbursement:
    row = Disbursement.objects.filter(activity__plan=plan, pk=pk).select_related("activity").first()
    if row is None:
        raise Http404
    row.activity.plan = plan
    return row


def plan_disbursements(plan: Plan) -> QuerySet[Disbursement]:
    return Disbursement.objects.filter(activity__plan=plan).order_by("paid_on", "id")


def activity_types(include_inactive: bool = False) -> list[ActivityType]:
    qs = ActivityType.objects.all() if include_inactive else ActivityType.objects.filter(active=True)
    return list(qs.select_related("service_category"))


def case_disbursements(case: Case) -> QuerySet[Disbursement]:
    """Every disbursement of every plan version of the case."""
    return Disbursement.objects.filter(activity__plan__case=case).select_related("activity")


@dataclass
class CaseBudget:
    """A case's budget in the programme currency: planned (current plan), spent, cap and what remains."""

    currency: str
    planned: Decimal | None
    spent: Decimal
    cap: Decimal | None
    cash: Decimal | None = None
    cash_threshold: Decimal | None = None
    by_dimension: dict[str, Decimal] = field(default_factory=dict)
    by_activity: dict[int, Decimal] = field(default_factory=dict)
    spent_by_lineage: dict[str, Decimal] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal | None:
        """The cap minus what is planned (what may still be planned)."""
        return None if self.cap is None or self.planned is None else cents(self.cap - self.planned)

    @property
    def over_cap(self) -> bool:
        return self.cap is not None and self.planned is not None and self.planned > self.cap

    @property
    def left_to_spend(self) -> Decimal | None:
        return None if self.planned is None else cents(self.planned - self.spent)


def case_budget(case: Case, plan: Plan | None, activities: list[Activity] | None = None) -> CaseBudget:
    programme = case.programme
    currencies = {a.currency for a in activities or []}
    disbursements = list(case_disbursements(case))
    currencies |= {d.currency for d in disbursements}
    rates = RateTable(programme, currencies)
    totals = plan_totals(plan, activities or [], rates) if plan else PlanTotals(currency=rates.currency)
    spent, by_lineage, spent_error = spent_total(disbursements, rates)
    no_programme = programme is None and (activities or disbursements)
    return CaseBudget(
        currency=rates.currency,
        planned=cents(totals.total) if plan and totals.ok and not no_programme else None,
        cash=cents(totals.cash) if plan and totals.ok and not no_programme else None,
        spent=cents(spent),
        cap=programme.per_returnee_cap if programme else None,
        cash_threshold=programme.cash_approval_threshold if programme else None,
        by_dimension={k: cents(v) for k, v in totals.by_dimension.items()},
        by_activity={k: cents(v) for k, v in totals.by_activity.items()},
        spent_by_lineage={k: cents(v) for k, v in by_lineage.items()},
        errors=[e for e in (totals.error, spent_error) if e and not no_programme],
    )


# ------------------------------------------------------------------ lists


def plans_awaiting_approval(user) -> QuerySet[Plan]:
    """Plans submitted for approval in the offices the user supervises, oldest submission first."""
    access = access_for(user)
    cases = cases_for(user).filter(office_id__in=access.manage)
    return (
        Plan.objects.filter(status=Plan.Status.AWAITING_APPROVAL, case__in=cases.values("pk"))
        .select_related("case__person", "case__office", "case__programme", "submitted_by")
        .order_by("submitted_at", "id")
    )


def _late_filter(today: date) -> Q:
    """Cases whose plan is due before today: arrival + the programme's delay (one term per delay value)."""
    by_days: dict[int, list[int]] = {}
    for pk, days in Programme.objects.values_list("pk", "plan_due_days"):
        by_days.setdefault(days, []).append(pk)
    q = Q(programme__isnull=True, arrival_date__lt=today - timedelta(days=DEFAULT_DUE_DAYS))
    for days, ids in by_days.items():
        q |= Q(programme_id__in=ids, arrival_date__lt=today - timedelta(days=days))
    return q


def due_date(case: Case) -> date | None:
    if case.arrival_date is None:
        return None
    days = case.programme.plan_due_days if case.programme_id else DEFAULT_DUE_DAYS
    return case.arrival_date + timedelta(days=days)


def late_plans(user, today: date | None = None) -> QuerySet[Case]:
    """Open cases past their plan due date with no approved plan and no exception in force."""
    today = today or timezone.localdate()
    approved = Plan.objects.filter(case=OuterRef("pk"), approved_at__isnull=False)
    excused = PlanDelayException.objects.filter(case=OuterRef("pk"), until__gte=today)
    return (
        cases_for(user)
        .exclude(stage=Stage.CLOSED)
        .filter(_late_filter(today))
        .filter(~Exists(approved), ~Exists(excused))
        .select_related("person", "office", "programme", "assigned_to")
        .order_by("arrival_date", "id")
    )


def delay_exceptions(case: Case) -> list[PlanDelayException]:
    return list(case.plan_delay_exceptions.select_related("recorded_by"))


# ------------------------------------------------------------------ programme budget


@dataclass
class ProgrammeBudget:
    programme: Programme
    cases: int
    planned: Decimal | None
    spent: Decimal | None
    error: str = ""


def programme_budget(user, programme: Programme) -> ProgrammeBudget:
    """Planned (current, non-draft plans) and spent over the programme's cases the user may see.

    Sums are grouped by (currency, date) in the database, then converted: a constant number of
    queries whatever the number of cases.
    """
    cases = cases_for(user).filter(programme=programme).values("pk")
    activities = (
        Activity.objects.filter(plan__case__in=cases)
        .filter(CURRENT, ~Q(plan__status__in=[Plan.Status.DRAFT, Plan.Status.SUPERSEDED]))
        .exclude(status=Activity.Status.CANCELLED)
        .values_list("currency", "plan__plan_date")
        .annotate(amount=Sum("estimated_cost"))
        .order_by()
    )
    paid = (
        Disbursement.objects.filter(activity__plan__case__in=cases)
        .values_list("currency", "paid_on")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    activities, paid = list(activities), list(paid)
    rates = RateTable(programme, {row[0] for row in activities + paid})
    count = cases_for(user).filter(programme=programme).count()
    try:
        return ProgrammeBudget(programme, count, cents(grouped_sum(activities, rates)), cents(grouped_sum(paid, rates)))
    except MissingRate as missing:
        return ProgrammeBudget(programme, count, None, None, missing.messages[0])


def budget_programmes(user) -> list[Programme]:
    """Programmes running in offices where the user sees cases."""
    offices = access_for(user).case_offices
    return list(Programme.objects.filter(offices__in=offices).distinct().order_by("name"))


def exchange_rates(programme: Programme | None = None) -> QuerySet[ExchangeRate]:
    qs = ExchangeRate.objects.select_related("programme", "entered_by")
    return qs.filter(programme=programme) if programme else qs
