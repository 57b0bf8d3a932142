"""Case facts and dashboard cells: how they are computed, rebuilt and kept up to date.

`compute_facts` reads the case data of a set of cases in a constant number of queries and returns
one `CaseFact` per case. `contributions(fact)` lists what one fact adds to the cells; a cell is a
plain sum of contributions, so a change of one case is applied exactly by subtracting its old
contributions and adding its new ones (`refresh_cases`). `rebuild` recomputes everything (after a
bulk load or a change of scoring profile) with the same two functions, so both paths agree.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from reintegra.accounts.models import Programme
from reintegra.cases.models import Case, Stage, Task
from reintegra.dashboards.models import NO_DATE, SCORES, CaseFact, DashboardCell, DashboardState
from reintegra.instruments.models import Occasion, Response
from reintegra.plans.budget import MissingRate, RateTable, cents, grouped_sum
from reintegra.plans.models import Activity, Disbursement, Plan, PlanDelayException
from reintegra.plans.selectors import DEFAULT_DUE_DAYS
from reintegra.scoring.models import Score, ScoringProfile

logger = logging.getLogger(__name__)

AGE_GROUPS = (("0-17", 0, 17), ("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45+", 45, 200))
UNKNOWN = "unknown"
ASSISTED = (Plan.Status.APPROVED, Plan.Status.AGREED)  # plans whose activities count as assistance
FOLLOW_UPS = (Occasion.FOLLOW_UP, Occasion.ENDLINE)
HIST_BINS = 10
# Breakdowns offered on the RSS page, besides office, return type and sex (filter columns of every cell).
RSS_KINDS = ("all", "type", "level", "acts", "delivery", "age")
CASE_KINDS = ("stage", "plan")
KEY_FIELDS = ("kind", "key", "basis", "office_id", "programme_id", "month", "return_type", "sex", "day")
CHUNK = 5000


# --- small derivations ---------------------------------------------------------------------------


def age_group(birth: date | None, on: date | None) -> str:
    if birth is None or on is None:
        return UNKNOWN
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    for label, low, high in AGE_GROUPS:
        if low <= age <= high:
            return label
    return UNKNOWN


def month_of(day: date | None) -> date:
    return day.replace(day=1) if day else NO_DATE


def activities_bucket(count: int) -> str:
    return "3+" if count >= 3 else str(count)


def mix(first: bool, second: bool, names: tuple[str, str]) -> str:
    if first and second:
        return "both"
    if first:
        return names[0]
    return names[1] if second else "none"


def hist_bin(value: float) -> int:
    return min(HIST_BINS - 1, max(0, int(value * HIST_BINS)))


# --- computing facts -----------------------------------------------------------------------------


@dataclass
class Context:
    """What a refresh run loads once: the scoring profile, programmes, their rates, today."""

    profile_id: int | None
    today: date
    now: object
    due_days: dict[int, int]
    rates: dict[int, RateTable]

    @classmethod
    def load(cls, profile_id: int | None = None) -> "Context":
        if profile_id is None:
            profile_id = dashboard_profile_id()
        programmes = list(Programme.objects.all())
        return cls(
            profile_id=profile_id,
            today=timezone.localdate(),
            now=timezone.now(),
            due_days={p.pk: p.plan_due_days for p in programmes},
            rates={p.pk: RateTable(p) for p in programmes},
        )

    def rate_table(self, programme_id: int) -> RateTable:
        return self.rates.get(programme_id) or RateTable(None)


def dashboard_profile_id() -> int | None:
    """The profile the facts use: the one they were built with, else the RSS default profile."""
    state = DashboardState.objects.first()
    if state is not None and state.score_profile_id:
        return state.score_profile_id
    default = ScoringProfile.objects.filter(instrument__code="rss", is_default=True).values_list("pk", flat=True)
    return default.first()


def _money(rows, rates: RateTable) -> tuple[int | None, bool]:
    """(cents, missing rate?) of (currency, date, amount) rows in the programme currency."""
    try:
        return int(cents(grouped_sum(rows, rates)) * 100), False
    except MissingRate:
        return None, True


def _latest(rows: list[tuple]) -> tuple | None:
    return max(rows, key=lambda row: (row[0], row[1])) if rows else None


def compute_facts(selection: dict, ctx: Context) -> list[CaseFact]:
    """Facts of the cases matching `selection` (a filter on case ids: {"pk__in": …} or {"pk__range": …})."""
    by_case = {key.replace("pk", "case__id", 1): value for key, value in selection.items()}
    cases = list(
        Case.objects.filter(**selection).values_list(
            "pk",
            "office_id",
            "programme_id",
            "stage",
            "assigned_to_id",
            "return_type",
            "arrival_date",
            "opened_at",
            "person__sex",
            "person__birth_date",
        )
    )
    if not cases:
        return []
    current = {}
    for case_id, pk, status, plan_date in (
        Plan.objects.filter(**by_case)
        .exclude(status=Plan.Status.SUPERSEDED)
        .values_list("case_id", "pk", "status", "plan_date")
    ):
        current[case_id] = (pk, status, plan_date)
    approved = set(
        Plan.objects.filter(**by_case, approved_at__isnull=False).values_list("case_id", flat=True).distinct()
    )
    excused = dict(
        PlanDelayException.objects.filter(**by_case, until__isnull=False)
        .values_list("case_id")
        .annotate(last=Max("until"))
        .order_by()
    )
    plan_case = {pk: case_id for case_id, (pk, _s, _d) in current.items()}
    activities: dict[int, list[tuple]] = {}
    for plan_id, code, level, delivery, cost, currency in (
        Activity.objects.filter(plan_id__in=list(plan_case))
        .exclude(status=Activity.Status.CANCELLED)
        .values_list("plan_id", "type__code", "level", "delivery", "estimated_cost", "currency")
    ):
        activities.setdefault(plan_case[plan_id], []).append((code, level, delivery, cost, currency))
    paid: dict[int, list[tuple]] = {}
    for case_id, currency, on, amount in Disbursement.objects.filter(
        **{key.replace("pk", "activity__plan__case__id", 1): v for key, v in selection.items()}
    ).values_list("activity__plan__case_id", "currency", "paid_on", "amount"):
        paid.setdefault(case_id, []).append((currency, on, amount))
    scores: dict[int, dict[str, list[tuple]]] = {}
    if ctx.profile_id:
        for case_id, occasion, on, response_id, *values in Score.objects.filter(
            **by_case,
            profile_id=ctx.profile_id,
            response__status=Response.Status.SUBMITTED,
            response__occasion__in=[Occasion.BASELINE, *FOLLOW_UPS],
        ).values_list("case_id", "response__occasion", "response__interview_date", "response_id", *SCORES):
            group = "baseline" if occasion == Occasion.BASELINE else "follow_up"
            scores.setdefault(case_id, {}).setdefault(group, []).append((on, response_id, *values))
    tasks: dict[int, list[list]] = {}
    for case_id, assignee, due in Task.objects.filter(**by_case, status=Task.Status.OPEN).values_list(
        "case_id", "assignee_id", "due_date"
    ):
        tasks.setdefault(case_id, []).append([assignee, due.isoformat()])
    facts = []
    for row in cases:
        pk, office, programme, stage, assignee, return_type, arrival, opened, sex, birth = row
        programme = programme or 0
        plan = current.get(pk)
        rates = ctx.rate_table(programme)
        acts = activities.get(pk, []) if plan and plan[1] in ASSISTED else []
        planned, missing_planned = None, False
        if plan and plan[1] != Plan.Status.DRAFT:
            rows = [(currency, plan[2], cost) for _c, _l, _d, cost, currency in activities.get(pk, [])]
            planned, missing_planned = _money(rows, rates)
        spent, missing_spent = _money(paid.get(pk, []), rates)
        deadline = None
        if stage != Stage.CLOSED and pk not in approved and arrival is not None:
            deadline = arrival + timedelta(days=ctx.due_days.get(programme, DEFAULT_DUE_DAYS))
            if pk in excused:
                deadline = max(deadline, excused[pk])
        levels = {level for _c, level, _d, _x, _y in acts}
        deliveries = {delivery for _c, _l, delivery, _x, _y in acts}
        fact = CaseFact(
            case_id=pk,
            office_id=office,
            programme_id=programme,
            stage=stage,
            assigned_to_id=assignee,
            sex=sex or UNKNOWN,
            age_group=age_group(birth, arrival or timezone.localdate(opened)),
            return_type=return_type,
            arrival_month=month_of(arrival),
            plan_status=plan[1] if plan else "none",
            planned_cents=planned,
            spent_cents=spent or 0,
            budget_missing=missing_planned or missing_spent,
            plan_deadline=deadline,
            activity_count=len(acts),
            activity_types=" ".join(sorted({code for code, *_rest in acts}))[:500],
            delivery_mix=mix("direct" in deliveries, "referral" in deliveries, ("direct", "referral")),
            level_mix=mix("individual" in levels, bool(levels - {"individual"}), ("individual", "community")),
            open_tasks=tasks.get(pk, []),
            score_profile_id=ctx.profile_id,
            refreshed_at=ctx.now,
        )
        for group, rows in scores.get(pk, {}).items():
            on, _response, *values = _latest(rows)
            setattr(fact, f"{group}_on", on)
            for name, value in zip(SCORES, values, strict=True):
                setattr(fact, f"{group}_{name}", value)
        facts.append(fact)
    return facts


# --- contributions of one fact to the cells ------------------------------------------------------


def _score_measures(fact: CaseFact) -> tuple[dict, dict]:
    base, follow = {}, {}
    for name in SCORES:
        b, f = fact.score("baseline", name), fact.score("follow_up", name)
        if b is not None:
            base[f"base_n_{name}"] = 1
            base[f"base_sum_{name}"] = b
        if f is not None:
            follow[f"follow_n_{name}"] = 1
            follow[f"follow_sum_{name}"] = f
            if b is not None:
                follow[f"change_n_{name}"] = 1
                follow[f"change_sum_{name}"] = f - b
    return base, follow


def breakdown_keys(fact: CaseFact) -> dict[str, list[str]]:
    return {
        "all": [""],
        "stage": [fact.stage],
        "plan": [fact.plan_status],
        "age": [fact.age_group],
        "acts": [activities_bucket(fact.activity_count)],
        "delivery": [fact.delivery_mix],
        "level": [fact.level_mix],
        "type": fact.activity_types.split() or ["none"],
    }


def contributions(fact: CaseFact) -> Iterator[tuple[tuple, dict]]:
    """(cell key, measures) pairs: what this fact adds to the cells. Keys follow KEY_FIELDS."""
    common = (fact.office_id, fact.programme_id)
    month = fact.arrival_month
    rt, sex = fact.return_type, fact.sex
    base, follow = _score_measures(fact)
    money = {
        "n": 1,
        "planned_cents": fact.planned_cents or 0,
        "planned_n": 0 if fact.planned_cents is None else 1,
        "spent_cents": fact.spent_cents,
        "budget_missing": int(fact.budget_missing),
    }
    whole = money | base | follow
    b_month, f_month = month_of(fact.baseline_on), month_of(fact.follow_up_on)
    for kind, keys in breakdown_keys(fact).items():
        for key in keys:
            yield (kind, key, "a", *common, month, rt, sex, NO_DATE), whole
            if kind in RSS_KINDS:
                if base:
                    yield (kind, key, "i", *common, b_month, rt, sex, NO_DATE), base
                if follow:
                    yield (kind, key, "i", *common, f_month, rt, sex, NO_DATE), follow
    for occasion, on in (("baseline", b_month), ("follow_up", f_month)):
        for name in SCORES:
            value = fact.score(occasion, name)
            if value is not None:
                key = f"{occasion[0]}:{name}:{hist_bin(value)}"
                yield ("hist", key, "a", *common, month, rt, sex, NO_DATE), {"n": 1}
                yield ("hist", key, "i", *common, on, rt, sex, NO_DATE), {"n": 1}
    if fact.stage != Stage.CLOSED:
        yield ("cm", str(fact.assigned_to_id or ""), "a", *common, month, rt, sex, NO_DATE), {"n": 1}
    for assignee, due in fact.open_tasks:  # by office and programme only: a few thousand cells in all
        yield ("due", str(assignee or ""), "a", *common, NO_DATE, "", "", date.fromisoformat(due)), {"n": 1}
    if fact.plan_deadline is not None:
        yield ("late", "", "a", *common, month, rt, sex, fact.plan_deadline), {"n": 1}


def accumulate(totals: dict[tuple, dict], facts: Iterable[CaseFact], sign: int = 1) -> None:
    for fact in facts:
        for key, measures in contributions(fact):
            cell = totals.get(key)
            if cell is None:
                cell = totals[key] = {}
            for name, value in measures.items():
                cell[name] = cell.get(name, 0) + sign * value


def _cell(key: tuple, measures: dict) -> DashboardCell:
    return DashboardCell(**dict(zip(KEY_FIELDS, key, strict=True)), **measures)


# --- full rebuild and case-by-case refresh -------------------------------------------------------


def _state() -> DashboardState:
    state = DashboardState.objects.select_for_update().first()
    return state or DashboardState.objects.create()


@transaction.atomic
def rebuild(*, chunk: int = CHUNK, profile_id: int | None = None, progress=None) -> int:
    """Recompute every fact and cell (one transaction: readers see the old figures until it commits).

    `profile_id`: the scoring profile for the RSS columns; default: the RSS default profile now.
    Returns the number of facts.
    """
    if profile_id is None:
        profile_id = (
            ScoringProfile.objects.filter(instrument__code="rss", is_default=True).values_list("pk", flat=True).first()
        )
    ctx = Context.load(profile_id)
    state = _state()
    CaseFact.objects.all().delete()
    DashboardCell.objects.all().delete()
    totals: dict[tuple, dict] = {}
    done, last = 0, Case.objects.aggregate(last=Max("pk"))["last"] or 0
    for low in range(1, last + 1, chunk):
        facts = compute_facts({"pk__range": (low, low + chunk - 1)}, ctx)
        CaseFact.objects.bulk_create(facts, batch_size=1000)
        accumulate(totals, facts)
        done += len(facts)
        if progress:
            progress(done)
    cells = (_cell(key, measures) for key, measures in totals.items())
    _bulk(cells)
    state.score_profile_id = profile_id
    state.built_at = state.updated_at = ctx.now
    state.stale_since, state.stale_reason = None, ""
    state.save()
    return done


def _bulk(cells: Iterator[DashboardCell], size: int = 2000) -> None:
    batch = []
    for cell in cells:
        batch.append(cell)
        if len(batch) >= size:
            DashboardCell.objects.bulk_create(batch)
            batch = []
    if batch:
        DashboardCell.objects.bulk_create(batch)


def _apply(key: tuple, measures: dict) -> None:
    """Add `measures` to one cell (created when missing)."""
    lookup = dict(zip(KEY_FIELDS, key, strict=True))
    changed = {name: value for name, value in measures.items() if abs(value) > 1e-12}
    if not changed:
        return
    updated = DashboardCell.objects.filter(**lookup).update(**{n: F(n) + v for n, v in changed.items()})
    if not updated:
        try:
            with transaction.atomic():
                DashboardCell.objects.create(**lookup, **changed)
        except IntegrityError:  # created meanwhile by another refresh
            DashboardCell.objects.filter(**lookup).update(**{n: F(n) + v for n, v in changed.items()})


def refresh_cases(case_ids: Iterable[int]) -> None:
    """Recompute the facts of these cases and move their contributions in the cells."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    with transaction.atomic():
        state = DashboardState.objects.select_for_update().first()
        if state is None or state.built_at is None:  # never built: the first `refresh_facts` will count everything
            return
        ctx = Context.load(state.score_profile_id)
        old = list(CaseFact.objects.select_for_update().filter(case_id__in=ids))
        new = compute_facts({"pk__in": ids}, ctx)
        delta: dict[tuple, dict] = {}
        accumulate(delta, old, -1)
        accumulate(delta, new, +1)
        for key, measures in delta.items():
            _apply(key, measures)
        CaseFact.objects.filter(case_id__in=ids).delete()
        CaseFact.objects.bulk_create(new)
        state.updated_at = ctx.now
        state.save(update_fields=["updated_at"])


AUTO_BUILD_LIMIT = 20_000  # below this many cases, the first dashboard view builds the facts itself


def ensure_built() -> bool:
    """Build the facts on first use when the database is small (a demo, a new office); True if built.

    A large database is built by `manage.py refresh_facts` (the page says so), never during a request.
    """
    state = DashboardState.objects.first()
    if state is not None and state.built_at is not None:
        return True
    if Case.objects.count() > AUTO_BUILD_LIMIT:
        return False
    rebuild()
    return True


def mark_stale(reason: str) -> None:
    """Something changed that case-by-case updates do not follow (default profile, exchange rates)."""
    state = DashboardState.objects.first()
    if state is not None and state.built_at is not None and state.stale_since is None:
        DashboardState.objects.filter(pk=state.pk).update(stale_since=timezone.now(), stale_reason=reason[:200])
