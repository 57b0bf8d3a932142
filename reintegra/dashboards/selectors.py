"""Dashboard reads: who may see them, which offices they count, and the figures from the cells.

Scope: programme managers and supervisors (their offices and sub-offices: they see every case
there) and M&E officers (their offices, pseudonymised). Those offices are exactly the ones where
`cases_for` returns every case, so a dashboard counts a subset of `cases_for(user)` and never a
case from another office. Case managers, partners and administrators get 404.

Every figure is one aggregate query over `DashboardCell` rows (a constant number of queries per
page, whatever the number of cases).
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Office, Programme
from reintegra.dashboards.models import NO_DATE, SCORES, DashboardCell, DashboardState
from reintegra.scoring.models import ScoringProfile

ARRIVAL, INTERVIEW = "arrival", "interview"


def min_cell() -> int:
    """Smallest count shown (small-cell suppression); means of fewer cases are not shown either."""
    return getattr(settings, "DASHBOARD_MIN_CELL", 5)


def dashboard_offices(user) -> frozenset[int]:
    access = access_for(user)
    return access.manage | access.pseudonymised


def require_dashboards(user) -> frozenset[int]:
    offices = dashboard_offices(user)
    if not offices:
        raise Http404
    return offices


@dataclass(frozen=True)
class Filters:
    """The page's filters, already checked against the user's scope (see forms.FilterForm)."""

    offices: frozenset[int]
    programme_id: int | None = None
    month_from: date | None = None
    month_to: date | None = None
    basis: str = ARRIVAL
    return_type: str = ""
    sex: str = ""
    suppress: bool = True  # counts under min_cell() shown as "<5"

    def q(self, *, basis: str = "a") -> Q:
        q = Q(office_id__in=self.offices, basis=basis)
        if self.programme_id:
            q &= Q(programme_id=self.programme_id)
        if self.month_from:
            q &= Q(month__gte=self.month_from)
        if self.month_to:
            q &= Q(month__lte=self.month_to)
        if self.month_to and not self.month_from:  # cases without a date are outside any period
            q &= ~Q(month=NO_DATE)
        if self.return_type:
            q &= Q(return_type=self.return_type)
        if self.sex:
            q &= Q(sex=self.sex)
        return q

    @property
    def rss_basis(self) -> str:
        return "i" if self.basis == INTERVIEW else "a"


def cells(filters: Filters, kind: str, *, basis: str = "a") -> QuerySet[DashboardCell]:
    return DashboardCell.objects.filter(filters.q(basis=basis), kind=kind)


def scope_offices(user) -> list[Office]:
    return list(Office.objects.filter(pk__in=dashboard_offices(user)).order_by("country", "name"))


def scope_programmes(user) -> list[Programme]:
    return list(Programme.objects.filter(offices__in=dashboard_offices(user)).distinct().order_by("name"))


def suppressed_for(user, offices: frozenset[int]) -> bool:
    """Counts are suppressed for pseudonymised viewers (M&E); means of small groups for everyone."""
    return bool(offices & access_for(user).pseudonymised)


# --- freshness -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    built_at: object
    updated_at: object
    stale_since: object
    stale_reason: str
    profile: ScoringProfile | None
    default_profile: ScoringProfile | None

    @property
    def built(self) -> bool:
        return self.built_at is not None

    @property
    def profile_differs(self) -> bool:
        return bool(self.profile and self.default_profile and self.profile.pk != self.default_profile.pk)


def freshness() -> Freshness:
    state = DashboardState.objects.first()
    profiles = {
        p.pk: p
        for p in ScoringProfile.objects.filter(
            Q(is_default=True, instrument__code="rss") | Q(pk=getattr(state, "score_profile_id", None) or 0)
        )
    }
    default = next((p for p in profiles.values() if p.is_default), None)
    return Freshness(
        built_at=getattr(state, "built_at", None),
        updated_at=getattr(state, "updated_at", None),
        stale_since=getattr(state, "stale_since", None),
        stale_reason=getattr(state, "stale_reason", ""),
        profile=profiles.get(getattr(state, "score_profile_id", None)),
        default_profile=default,
    )


# --- figures -------------------------------------------------------------------------------------


def counts_by(filters: Filters, kind: str, *by: str) -> dict[tuple, int]:
    """{(key, *by values): number of cases} for one kind of cell."""
    rows = cells(filters, kind).values("key", *by).annotate(total=Sum("n")).order_by()
    return {(row["key"], *(row[b] for b in by)): row["total"] for row in rows if row["total"]}


def overdue_by_assignee(filters: Filters, today: date | None = None) -> dict[tuple, int]:
    """{(assignee key, office id): open tasks due before today}, by office and programme only.

    Task cells are not split by month, return type or sex (that would multiply them by the due
    dates); the page says so beside the caseload.
    """
    today = today or timezone.localdate()
    scope = Q(office_id__in=filters.offices, kind="due", day__lt=today)
    if filters.programme_id:
        scope &= Q(programme_id=filters.programme_id)
    rows = DashboardCell.objects.filter(scope).values("key", "office_id").annotate(total=Sum("n")).order_by()
    return {(row["key"], row["office_id"]): row["total"] for row in rows if row["total"]}


def late_by_office(filters: Filters, today: date | None = None) -> dict[int, int]:
    today = today or timezone.localdate()
    rows = cells(filters, "late").filter(day__lt=today).values("office_id").annotate(total=Sum("n")).order_by()
    return {row["office_id"]: row["total"] for row in rows if row["total"]}


def money_by(filters: Filters) -> list[dict]:
    """Per programme and plan status: cases, planned and spent (cents), cases with a missing rate."""
    rows = (
        cells(filters, "plan")
        .values("programme_id", "key")
        .annotate(
            cases=Sum("n"),
            planned=Sum("planned_cents"),
            planned_n=Sum("planned_n"),
            spent=Sum("spent_cents"),
            missing=Sum("budget_missing"),
        )
        .order_by()
    )
    return [row for row in rows if row["cases"]]


SCORE_SUMS = [
    f"{prefix}_{kind}_{name}" for prefix in ("base", "follow", "change") for kind in ("n", "sum") for name in SCORES
]


@dataclass
class ScoreGroup:
    """Baseline, follow-up and change sums of one group of cases (one bar of a breakdown)."""

    key: str
    cases: int = 0
    sums: dict[str, float] = field(default_factory=dict)

    def n(self, prefix: str, name: str) -> int:
        return int(self.sums.get(f"{prefix}_n_{name}") or 0)

    def mean(self, prefix: str, name: str, minimum: int) -> float | None:
        n = self.n(prefix, name)
        if n < max(1, minimum):
            return None
        return (self.sums.get(f"{prefix}_sum_{name}") or 0.0) / n


BREAKDOWN_COLUMNS = {"office": "office_id", "return_type": "return_type", "sex": "sex"}


def score_groups(filters: Filters, breakdown: str) -> list[ScoreGroup]:
    """Sums per group of `breakdown` (a cell kind, or office / return_type / sex)."""
    basis = filters.rss_basis
    if breakdown in BREAKDOWN_COLUMNS:
        column = BREAKDOWN_COLUMNS[breakdown]
        qs = cells(filters, "all", basis=basis).values(column)
    else:
        column = "key"
        qs = cells(filters, breakdown, basis=basis).values("key")
    rows = qs.annotate(cases=Sum("n"), **{name: Sum(name) for name in SCORE_SUMS}).order_by()
    groups = []
    for row in rows:
        group = ScoreGroup(key=str(row[column]), cases=row["cases"] or 0, sums={n: row[n] for n in SCORE_SUMS})
        if group.cases or any(group.n(p, s) for p in ("base", "follow") for s in SCORES):
            groups.append(group)
    return groups


def histograms(filters: Filters) -> dict[str, int]:
    """{"b:economic:3": count, …}: scores per occasion, score and bin of 0.1."""
    rows = cells(filters, "hist", basis=filters.rss_basis).values("key").annotate(total=Sum("n")).order_by()
    return {row["key"]: row["total"] for row in rows if row["total"]}
