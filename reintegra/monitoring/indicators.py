"""The built-in library of computed indicators (results framework; definitions in docs/monitoring.md).

Each indicator is computed by `compute(key, programme=…, start=…, end=…, cases=…, by=…, params=…)`:

- `cases` is the caller's scoped case queryset (`cases.selectors.cases_for(user)`); it is narrowed here to
  the programme's cases in the programme's offices (and their sub-offices), so a figure never includes a
  case the caller may not see nor a case of another office;
- `start`/`end` are the first and last day of the period (both included);
- `by` is "" for the total only, or a disaggregation (`models.Disaggregation`);
- the answer is a `Computed`: the total `Figure` (value, numerator, denominator) and, when `by` is given,
  one `Row` per category.

Everything is aggregated in the database (`aggregate`, `values().annotate()`, conditional aggregates,
subqueries): a constant number of queries per indicator and disaggregation, whatever the number of cases.
The one exception is the median number of days of referrals, computed in Python over the list of the
period's completed referrals (a bounded list: one period of one programme).

The community and structural indicators count records of those levels (community projects and their
participants, agreements, capacity-building activities, coordination meetings), not cases: they are scoped
by office instead, to the programme's offices (and sub-offices) among `offices`, the caller's offices
(`access_for(user).case_offices`), which they require.

These functions read, never write, and do not check rights: callers pass a scoped queryset and offices.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.models import Office, Programme
from reintegra.cases.models import Case, ClosureGroup, ClosureReason, ReturnType, Sex, Stage
from reintegra.community.models import PROJECT_DIMENSIONS, Approach, CommunityProject, Participant
from reintegra.community.models import AgeGroup as ParticipantAge
from reintegra.directory.models import Dimension, Level
from reintegra.instruments.models import Occasion, Response
from reintegra.monitoring.models import ComputedKey, Disaggregation
from reintegra.plans.models import Activity, ActivityType, Delivery, Disbursement, Plan
from reintegra.referrals.models import Referral
from reintegra.referrals.models import Status as ReferralStatus
from reintegra.scoring.models import Score, ScoringProfile
from reintegra.structural.models import Agreement, CapacityActivity, Meeting

D = Disaggregation
SCORES = ("economic", "social", "psychosocial", "composite")
SCORE_LABELS = {
    "economic": _("Economic"),
    "social": _("Social"),
    "psychosocial": _("Psychosocial"),
    "composite": _("Composite"),
}
FOLLOW_UP_OCCASIONS = (Occasion.FOLLOW_UP, Occasion.ENDLINE)
SATISFACTION_CODE = "satisfaction"
# Answers of the satisfaction instrument (instruments/definitions/satisfaction.md) on the 5-point scale;
# "not_applicable" (and anything else) is left out.
SATISFACTION_POINTS = {"very_satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very_dissatisfied": 1}
SATISFACTION_ITEMS = {
    "return_journey": _("Help with the return journey"),
    "immediate": _("Immediate assistance on arrival"),
    "counselling": _("Counselling and case management"),
    "business": _("Income-generating activity or micro-business support"),
    "job_placement": _("Job placement, apprenticeship or internship"),
    "training": _("Vocational or skills training"),
    "housing": _("Housing support"),
    "health": _("Medical assistance"),
    "education": _("Education support"),
    "documentation_legal": _("Documents or legal assistance"),
    "psychosocial": _("Psychosocial support"),
    "community": _("Community-level activities or projects"),
    "other": _("Other assistance"),
}
OVERALL_ITEM = "overall"
# Age at arrival (or at registration when the arrival date is missing), in whole years.
AGE_GROUPS = [
    ("under_18", _("Under 18"), 18),
    ("18_24", _("18–24"), 25),
    ("25_34", _("25–34"), 35),
    ("35_49", _("35–49"), 50),
    ("50_plus", _("50 and over"), None),
]
UNKNOWN = "unknown"
MIX = {
    "direct_only": _("Direct assistance only"),
    "referral_only": _("Referrals only"),
    "both": _("Direct assistance and referrals"),
    "none": _("No assistance planned"),
}
BASES = {"delivered": _("delivered in the period"), "planned": _("in plans approved in the period")}


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class Row:
    category: str
    label: str
    figure: Figure


@dataclass
class Computed:
    key: str
    total: Figure
    by: str = ""
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    programme: Programme
    start: date
    end: date
    cases: QuerySet[Case]
    offices: frozenset[int] = frozenset()  # office-scoped families: the programme's offices within the caller's


def programme_office_ids(programme: Programme) -> set[int]:
    """The programme's offices and every office below them."""
    ids = set(programme.offices.values_list("pk", flat=True))
    frontier = set(ids)
    while frontier:
        frontier = set(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def programme_cases(programme: Programme, cases: QuerySet[Case]) -> QuerySet[Case]:
    """The programme's cases among `cases` (the caller's scope), in the programme's offices only."""
    return cases.filter(programme=programme, office_id__in=programme_office_ids(programme))


# ------------------------------------------------------------------ building blocks


def _ref(prefix: str):
    """OuterRef to the case of a row (prefix "" for Case rows, "case__" or "plan__case__" otherwise)."""
    return OuterRef(f"{prefix}id") if prefix else OuterRef("pk")


def _both(q: Q | None, where: Q | None) -> Q | None:
    if q is None:
        return where
    return q if where is None else q & where


def current_activities() -> QuerySet[Activity]:
    """Activities of current plan versions that are not cancelled (what a case is planned to receive)."""
    return Activity.objects.exclude(plan__status=Plan.Status.SUPERSEDED).exclude(status=Activity.Status.CANCELLED)


def delivered_activities(start: date, end: date) -> QuerySet[Activity]:
    """Activities that became delivered in the period, once per activity across plan versions.

    Activities have no delivery-date column: the day a delivered row was last changed stands for it (the
    status change to "delivered" sets it); copies made by a revision of an already delivered activity
    are left out, so a revision neither counts it again nor moves its date (as the follow-up schedule).
    """
    return Activity.objects.filter(status=Activity.Status.DELIVERED, updated_at__date__range=(start, end)).exclude(
        copied_from__status=Activity.Status.DELIVERED
    )


def planned_activities(start: date, end: date) -> QuerySet[Activity]:
    """Non-cancelled activities of current plan versions approved (or agreed) in the period."""
    return Activity.objects.filter(
        plan__status__in=[Plan.Status.APPROVED, Plan.Status.AGREED], plan__approved_at__date__range=(start, end)
    ).exclude(status=Activity.Status.CANCELLED)


def _age_annotations(on, birth) -> dict:
    """`_age`: whole years from `birth` to `on` (null when either is missing), in the database."""
    before_birthday = CaseWhen(
        When(
            condition=Q(_on_md__lt=F("_birth_md")),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    annotations = {
        "_on_md": ExtractMonth(on) * 100 + ExtractDay(on),
        "_birth_md": ExtractMonth(birth) * 100 + ExtractDay(birth),
    }
    annotations["_age"] = ExtractYear(on) - ExtractYear(birth) - before_birthday
    return annotations


def _age_group(prefix: str):
    on = Coalesce(F(f"{prefix}arrival_date"), TruncDate(f"{prefix}opened_at"), output_field=DateField())
    annotations = _age_annotations(on, F(f"{prefix}person__birth_date"))
    whens = [When(_age__isnull=True, then=Value(UNKNOWN))]
    whens += [When(_age__lt=limit, then=Value(code)) for code, _label, limit in AGE_GROUPS if limit]
    return annotations, CaseWhen(*whens, default=Value(AGE_GROUPS[-1][0]))


def _case_mix(prefix: str):
    """Direct assistance only, referrals only, both, or none: over the case's current activities."""
    direct = Exists(current_activities().filter(plan__case=_ref(prefix), delivery=Delivery.DIRECT))
    referral = Exists(current_activities().filter(plan__case=_ref(prefix), delivery=Delivery.REFERRAL))
    annotations = {"_direct": direct, "_referral": referral}
    return annotations, CaseWhen(
        When(_direct=True, _referral=True, then=Value("both")),
        When(_referral=True, then=Value("referral_only")),
        When(_direct=True, then=Value("direct_only")),
        default=Value("none"),
    )


def _choice_labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


# A single-valued disaggregation: (annotations, group expression, fixed category labels or None).
SingleDim = Callable[[str], tuple[dict, object, dict[str, str] | None]]


def _field(name: str, labels: Callable[[], dict[str, str]] | None = None) -> SingleDim:
    def build(prefix: str):
        return {}, Coalesce(F(f"{prefix}{name}"), Value("")), labels() if labels else None

    return build


CASE_SINGLE: dict[str, SingleDim] = {
    D.SEX: _field("person__sex", lambda: _choice_labels(Sex.choices)),
    D.AGE_GROUP: lambda p: (*_age_group(p), {c: str(lb) for c, lb, _x in AGE_GROUPS} | {UNKNOWN: gettext("Unknown")}),
    D.OFFICE: lambda p: ({}, F(f"{p}office_id"), None),
    D.RETURN_TYPE: _field("return_type", lambda: _choice_labels(ReturnType.choices)),
    D.DELIVERY: lambda p: (*_case_mix(p), {k: str(v) for k, v in MIX.items()}),
    D.CLOSURE_GROUP: _field("closure_group", lambda: _choice_labels(ClosureGroup.choices)),
    D.CLOSURE_REASON: _field("closure_reason", lambda: _choice_labels(ClosureReason.choices)),
}
ACTIVITY_SINGLE: dict[str, SingleDim] = {
    D.ASSISTANCE_TYPE: lambda p: ({}, F("type__code"), None),
    D.DELIVERY: lambda p: ({}, F("delivery"), _choice_labels(Delivery.choices)),
    D.LEVEL: lambda p: ({}, F("level"), _choice_labels(Level.choices)),
    D.DIMENSION: lambda p: ({}, F("dimension"), _choice_labels(Dimension.choices)),
}
REFERRAL_SINGLE: dict[str, SingleDim] = {
    D.ASSISTANCE_TYPE: lambda p: ({}, Coalesce(F("activity__type__code"), Value("")), None),
}


# --- community and structural records (office-scoped families)

PARTICIPANT_TYPES = {"returnee": _("Returnees"), "resident": _("Non-migrant residents")}
# The community app's age groups (residents are recorded in them); the last bound has no limit.
PARTICIPANT_AGES = [
    (ParticipantAge.CHILD, 18),
    (ParticipantAge.YOUTH, 25),
    (ParticipantAge.YOUNG_ADULT, 35),
    (ParticipantAge.ADULT, 60),
]


def _participant_age(prefix: str):
    """A resident's recorded age group; a returnee's from their date of birth, at the day they were added."""
    annotations = _age_annotations(TruncDate("added_at"), F("case__person__birth_date"))
    whens = [
        When(case__isnull=True, then=F("age_group")),
        When(_age__isnull=True, then=Value(ParticipantAge.UNKNOWN.value)),
    ]
    whens += [When(_age__lt=limit, then=Value(code.value)) for code, limit in PARTICIPANT_AGES]
    return (
        annotations,
        CaseWhen(*whens, default=Value(ParticipantAge.SENIOR.value)),
        _choice_labels(ParticipantAge.choices),
    )


def _participant_sex(prefix: str):
    """A resident's recorded sex; a returnee's from their person record."""
    sex = CaseWhen(When(case__isnull=True, then=F("sex")), default=F("case__person__sex"))
    return {}, Coalesce(sex, Value("")), _choice_labels(Sex.choices)


def _participant_type(prefix: str):
    kind = CaseWhen(When(case__isnull=True, then=Value("resident")), default=Value("returnee"))
    return {}, kind, {k: str(v) for k, v in PARTICIPANT_TYPES.items()}


def _project_dims(to_project: str) -> dict[str, SingleDim]:
    return {
        D.OFFICE: lambda p: ({}, F(f"{to_project}community__office_id"), None),
        D.PROJECT_STATUS: _field(f"{to_project}status", lambda: _choice_labels(CommunityProject.Status.choices)),
        D.APPROACH: _field(f"{to_project}approach", lambda: _choice_labels(Approach.choices)),
        D.DIMENSION: _field(f"{to_project}dimension", lambda: _choice_labels(PROJECT_DIMENSIONS)),
    }


OFFICE_SINGLE: dict[str, dict[str, SingleDim]] = {
    "project": _project_dims(""),
    "participant": _project_dims("project__")
    | {D.PARTICIPANT_TYPE: _participant_type, D.SEX: _participant_sex, D.PARTICIPANT_AGE: _participant_age},
    "agreement": {
        D.OFFICE: lambda p: ({}, F("office_id"), None),
        D.AGREEMENT_KIND: _field("kind", lambda: _choice_labels(Agreement.Kind.choices)),
    },
    "capacity": {D.OFFICE: lambda p: ({}, F("office_id"), None)},
    "meeting": {D.OFFICE: lambda p: ({}, F("body__office_id"), None)},
}


def _office_labels(ids) -> dict[str, str]:
    return {str(pk): name for pk, name in Office.objects.filter(pk__in=ids).values_list("pk", "name")}


def _type_labels(codes) -> dict[str, str]:
    labels = {t.code: t.name for t in ActivityType.objects.filter(code__in=[c for c in codes if c])}
    if "" in codes:
        labels[""] = gettext("Ad hoc (no plan activity)")
    return labels


# ------------------------------------------------------------------ the definitions


@dataclass(frozen=True)
class Definition:
    """One indicator of the library: its rows, aggregates and how they make a figure."""

    key: str
    unit: str
    family: str  # case | activity | referral | response, or office-scoped (OFFICE_SINGLE): what a row is
    supports: tuple[str, ...]
    params: dict[str, object]  # name -> default
    rows: Callable[[Scope, dict], QuerySet]
    aggregates: Callable[[dict, Q | None], dict] | None = None
    finish: Callable[[dict, dict], Figure] | None = None
    collect: Callable[[list], Figure] | None = None  # medians: a figure from a list of values
    collect_fields: tuple[str, ...] = ()

    @property
    def prefix(self) -> str:
        prefixes = {"activity": "plan__case__", "referral": "case__", "response": "case__"}
        return prefixes.get(self.family, "")

    @property
    def office_scoped(self) -> bool:
        return self.family in OFFICE_SINGLE

    def single_dims(self) -> dict[str, SingleDim]:
        if self.office_scoped:
            return OFFICE_SINGLE[self.family]
        dims = dict(CASE_SINGLE)  # the prefix to the case is passed when building the expression
        if self.family == "activity":
            dims |= ACTIVITY_SINGLE
        if self.family == "referral":
            dims |= REFERRAL_SINGLE
        return dims


def _count(params, where):
    return {"n": Count("pk", filter=where)}


def _count_figure(agg, params) -> Figure:
    return Figure(float(agg["n"] or 0))


def _share(q: Q):
    def aggregates(params, where):
        return {"num": Count("pk", filter=_both(q, where)), "den": Count("pk", filter=where)}

    return aggregates


def _share_figure(agg, params) -> Figure:
    num, den = agg["num"] or 0, agg["den"] or 0
    return Figure(round(100.0 * num / den, 4) if den else None, float(num), float(den))


def _mean(expression_name: str):
    def aggregates(params, where):
        return {"mean": Avg(expression_name, filter=where), "den": Count("pk", filter=where)}

    return aggregates


def _mean_figure(agg, params) -> Figure:
    den = agg["den"] or 0
    return Figure(round(agg["mean"], 6) if den and agg["mean"] is not None else None, None, float(den))


# --- returnees registered, assisted, plans on time, closures


def _registered(scope: Scope, params) -> QuerySet:
    return scope.cases.filter(opened_at__date__range=(scope.start, scope.end))


def _assisted(scope: Scope, params) -> QuerySet:
    delivered = delivered_activities(scope.start, scope.end).filter(plan__case=OuterRef("pk"))
    paid = Disbursement.objects.filter(activity__plan__case=OuterRef("pk"), paid_on__range=(scope.start, scope.end))
    return scope.cases.filter(Q(Exists(delivered)) | Q(Exists(paid)))


def _plan_due(scope: Scope, params) -> QuerySet:
    """Cases whose plan fell due in the period (arrival + plan_due_days), with their first approval date."""
    days = timedelta(days=scope.programme.plan_due_days)
    first = Plan.objects.filter(case=OuterRef("pk"), approved_at__isnull=False).order_by("approved_at")
    return scope.cases.filter(arrival_date__range=(scope.start - days, scope.end - days)).annotate(
        _approved_on=TruncDate(Subquery(first.values("approved_at")[:1])),
        _due_on=F("arrival_date") + Value(days),
    )


def _closures(scope: Scope, params) -> QuerySet:
    qs = scope.cases.filter(stage=Stage.CLOSED, closed_at__date__range=(scope.start, scope.end))
    if params.get("group"):
        qs = qs.filter(closure_group=params["group"])
    if params.get("reason"):
        qs = qs.filter(closure_reason=params["reason"])
    return qs


# --- activities and referrals


def _activities(scope: Scope, params, *, filtered: bool = True) -> QuerySet:
    if params.get("basis") == "planned":
        qs = planned_activities(scope.start, scope.end)
    else:
        qs = delivered_activities(scope.start, scope.end)
    qs = qs.filter(plan__case__in=scope.cases.values("pk"))
    if filtered:
        for name in ("type", "dimension", "level", "delivery"):
            if params.get(name):
                qs = qs.filter(**{"type__code" if name == "type" else name: params[name]})
    return qs


def _referral_share_rows(scope: Scope, params) -> QuerySet:
    return _activities(scope, params | {"delivery": ""})


def _referrals_completed(scope: Scope, params) -> QuerySet:
    return Referral.objects.filter(
        case__in=scope.cases.values("pk"),
        status=ReferralStatus.COMPLETED,
        completed_at__date__range=(scope.start, scope.end),
    )


def _median_days(values: list) -> Figure:
    days = [(timezone.localdate(done) - timezone.localdate(sent)).days for sent, done in values]
    if not days:
        return Figure(None, None, 0.0)
    return Figure(float(statistics.median(days)), None, float(len(days)))


# --- RSS scores


def default_rss_profile() -> ScoringProfile | None:
    return ScoringProfile.objects.filter(is_default=True, instrument__code="rss").first()


def _scores(profile, case_ref, dimension: str, occasions, start: date | None, end: date) -> QuerySet[Score]:
    qs = Score.objects.filter(
        case=case_ref,
        profile=profile,
        response__status=Response.Status.SUBMITTED,
        response__occasion__in=list(occasions),
        response__interview_date__lte=end,
        **{f"{dimension}__isnull": False},
    )
    if start is not None:
        qs = qs.filter(response__interview_date__gte=start)
    return qs.order_by("-response__interview_date", "-response_id").values(dimension)[:1]


def _occasions(params) -> tuple[str, ...]:
    return (Occasion.BASELINE,) if params.get("occasion") == "baseline" else FOLLOW_UP_OCCASIONS


def _scored_cases(scope: Scope, params) -> QuerySet:
    """Each case's latest score of the occasion interviewed in the period (default profile, submitted)."""
    profile = params["_profile"]
    if profile is None:
        return scope.cases.none()
    latest = _scores(profile, OuterRef("pk"), params["dimension"], _occasions(params), scope.start, scope.end)
    return scope.cases.annotate(_score=Subquery(latest, output_field=FloatField())).filter(_score__isnull=False)


def _paired_cases(scope: Scope, params) -> QuerySet:
    """Cases with a follow-up in the period and a baseline: latest follow-up minus latest baseline."""
    profile = params["_profile"]
    if profile is None:
        return scope.cases.none()
    dimension = params["dimension"]
    follow_up = _scores(profile, OuterRef("pk"), dimension, FOLLOW_UP_OCCASIONS, scope.start, scope.end)
    baseline = _scores(profile, OuterRef("pk"), dimension, (Occasion.BASELINE,), None, scope.end)
    return (
        scope.cases.annotate(
            _follow_up=Subquery(follow_up, output_field=FloatField()),
            _baseline=Subquery(baseline, output_field=FloatField()),
        )
        .filter(_follow_up__isnull=False, _baseline__isnull=False)
        .annotate(_change=F("_follow_up") - F("_baseline"))
    )


def band_threshold(profile: ScoringProfile | None, dimension: str, band: str) -> float | None:
    """The lower bound of the profile's band named `band` (English or French label) for `dimension`."""
    if profile is None:
        return None
    for entry in profile.definition.get("bands", []):
        labels = {str(v).strip().lower() for v in (entry.get("label") or {}).values()}
        if entry.get("scope") == dimension and band.strip().lower() in labels:
            return float(entry["from"])
    return None


def _above_aggregates(params, where):
    threshold = params["_threshold"]
    if threshold is None:
        return {"num": Count("pk", filter=Q(pk__in=[])), "den": Count("pk", filter=Q(pk__in=[]))}
    return {"num": Count("pk", filter=_both(Q(_score__gte=threshold), where)), "den": Count("pk", filter=where)}


# --- satisfaction


def _satisfaction_rows(scope: Scope, params) -> QuerySet:
    return Response.objects.filter(
        case__in=scope.cases.values("pk"),
        instrument_version__instrument__code=SATISFACTION_CODE,
        status=Response.Status.SUBMITTED,
        interview_date__range=(scope.start, scope.end),
    )


def satisfaction_items(params) -> list[str]:
    item = params.get("item") or ""
    if item:
        return [item]
    return list(SATISFACTION_ITEMS)


def _points(item: str):
    """The answer to `sat_<item>` on the 5-point scale; None for "not applicable", unanswered or other."""
    answer = KT(f"answers__sat_{item}")
    whens = [When(Exact(answer, Value(code)), then=Value(float(p))) for code, p in SATISFACTION_POINTS.items()]
    return CaseWhen(*whens, default=Value(None), output_field=FloatField())


def _satisfaction_aggregates(params, where):
    aggregates = {}
    for item in satisfaction_items(params):
        aggregates[f"sum_{item}"] = Sum(_points(item), filter=where)
        aggregates[f"n_{item}"] = Count(_points(item), filter=where)
    return aggregates


def _satisfaction_figure(agg, params, items: list[str] | None = None) -> Figure:
    items = items or satisfaction_items(params)
    total = sum(agg.get(f"sum_{i}") or 0 for i in items)
    count = sum(agg.get(f"n_{i}") or 0 for i in items)
    return Figure(round(total / count, 6) if count else None, float(total), float(count))


# --- community and structural levels (records of the programme's offices, not cases)

# A project has started when it is in progress or completed; planned and cancelled ones are left out.
STARTED = (CommunityProject.Status.IN_PROGRESS, CommunityProject.Status.COMPLETED)
# An agreement was in force while signed; an expired one was signed until its end of validity.
IN_FORCE = (Agreement.Status.SIGNED, Agreement.Status.EXPIRED)
PARTICIPANT_KINDS = {"returnee": Q(case__isnull=False), "resident": Q(case__isnull=True)}


def _overlaps(scope: Scope, first: str, last: str) -> Q:
    """Dated from `first` to `last` (empty: still running) with at least one day in the period."""
    return Q(**{f"{first}__lte": scope.end}) & (Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__gte": scope.start}))


def _projects(scope: Scope, params) -> QuerySet:
    """The programme's community projects in its offices, started and running for a day of the period."""
    qs = CommunityProject.objects.filter(
        _overlaps(scope, "start_date", "end_date"),
        programme=scope.programme,
        community__office_id__in=scope.offices,
        status__in=STARTED,
    )
    for name in ("approach", "dimension"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    return qs


def _participants(scope: Scope, params) -> QuerySet:
    """Participants (returnees and residents) of the projects of `_projects`: one row per participation."""
    qs = Participant.objects.filter(project__in=_projects(scope, params).values("pk"))
    if params.get("participant"):
        qs = qs.filter(PARTICIPANT_KINDS[params["participant"]])
    return qs


def _agreements(scope: Scope, params) -> QuerySet:
    """Agreements of the offices signed (or since expired) whose validity has a day in the period."""
    qs = Agreement.objects.filter(
        _overlaps(scope, "valid_from", "valid_to"), office_id__in=scope.offices, status__in=IN_FORCE
    )
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    return qs


def _capacity(scope: Scope, params) -> QuerySet:
    """Capacity-building activities of the offices held for a day of the period (no end date: one day)."""
    held = Q(start_date__lte=scope.end) & (
        Q(end_date__gte=scope.start) | Q(end_date__isnull=True, start_date__gte=scope.start)
    )
    return CapacityActivity.objects.filter(held, office_id__in=scope.offices)


def _meetings(scope: Scope, params) -> QuerySet:
    return Meeting.objects.filter(body__office_id__in=scope.offices, held_on__range=(scope.start, scope.end))


def _sum_participants(params, where):
    return {"n": Sum("participants", filter=where), "den": Count("participants", filter=where)}


def _sum_figure(agg, params) -> Figure:
    """The sum of the recorded counts (0 without any); the denominator: the activities with a count."""
    return Figure(float(agg["n"] or 0), None, float(agg["den"] or 0))


# ------------------------------------------------------------------ the library

CASE_DIMS = (D.SEX, D.AGE_GROUP, D.OFFICE, D.RETURN_TYPE)
CASE_LEVEL = (*CASE_DIMS, D.ASSISTANCE_TYPE, D.DELIVERY)
ACTIVITY_DIMS = (*CASE_DIMS, D.ASSISTANCE_TYPE, D.DELIVERY, D.LEVEL, D.DIMENSION)
SCORE_PARAMS = {"dimension": "composite"}
PROJECT_DIMS = (D.OFFICE, D.PROJECT_STATUS, D.APPROACH, D.DIMENSION)
PROJECT_PARAMS = {"approach": "", "dimension": ""}

LIBRARY: dict[str, Definition] = {
    ComputedKey.REGISTERED: Definition(
        ComputedKey.REGISTERED, "number", "case", CASE_LEVEL, {}, _registered, _count, _count_figure
    ),
    ComputedKey.ASSISTED: Definition(
        ComputedKey.ASSISTED, "number", "case", CASE_LEVEL, {}, _assisted, _count, _count_figure
    ),
    ComputedKey.PLAN_ON_TIME: Definition(
        ComputedKey.PLAN_ON_TIME,
        "percentage",
        "case",
        CASE_LEVEL,
        {},
        _plan_due,
        _share(Q(_approved_on__lte=F("_due_on"))),
        _share_figure,
    ),
    ComputedKey.ACTIVITIES: Definition(
        ComputedKey.ACTIVITIES,
        "number",
        "activity",
        ACTIVITY_DIMS,
        {"basis": "delivered", "type": "", "dimension": "", "level": "", "delivery": ""},
        _activities,
        _count,
        _count_figure,
    ),
    ComputedKey.REFERRAL_SHARE: Definition(
        ComputedKey.REFERRAL_SHARE,
        "percentage",
        "activity",
        (*CASE_DIMS, D.ASSISTANCE_TYPE, D.LEVEL, D.DIMENSION),
        {"basis": "delivered"},
        _referral_share_rows,
        _share(Q(delivery=Delivery.REFERRAL)),
        _share_figure,
    ),
    ComputedKey.REFERRALS_COMPLETED: Definition(
        ComputedKey.REFERRALS_COMPLETED,
        "number",
        "referral",
        (*CASE_DIMS, D.ASSISTANCE_TYPE),
        {},
        _referrals_completed,
        _count,
        _count_figure,
    ),
    ComputedKey.REFERRAL_DAYS: Definition(
        ComputedKey.REFERRAL_DAYS,
        "days",
        "referral",
        (*CASE_DIMS, D.ASSISTANCE_TYPE),
        {},
        _referrals_completed,
        collect=_median_days,
        collect_fields=("sent_at", "completed_at"),
    ),
    ComputedKey.RSS_MEAN: Definition(
        ComputedKey.RSS_MEAN,
        "score",
        "case",
        CASE_LEVEL,
        SCORE_PARAMS | {"occasion": "baseline"},
        _scored_cases,
        _mean("_score"),
        _mean_figure,
    ),
    ComputedKey.RSS_CHANGE: Definition(
        ComputedKey.RSS_CHANGE, "score", "case", CASE_LEVEL, SCORE_PARAMS, _paired_cases, _mean("_change"), _mean_figure
    ),
    ComputedKey.RSS_ABOVE: Definition(
        ComputedKey.RSS_ABOVE,
        "percentage",
        "case",
        CASE_LEVEL,
        SCORE_PARAMS | {"occasion": "follow_up", "threshold": None, "band": ""},
        _scored_cases,
        _above_aggregates,
        _share_figure,
    ),
    ComputedKey.SATISFACTION: Definition(
        ComputedKey.SATISFACTION,
        "score",
        "response",
        (*CASE_DIMS, D.ASSISTANCE_TYPE, D.DELIVERY),
        {"item": ""},
        _satisfaction_rows,
        _satisfaction_aggregates,
        _satisfaction_figure,
    ),
    ComputedKey.CLOSURES: Definition(
        ComputedKey.CLOSURES,
        "number",
        "case",
        (*CASE_LEVEL, D.CLOSURE_GROUP, D.CLOSURE_REASON),
        {"group": "", "reason": ""},
        _closures,
        _count,
        _count_figure,
    ),
    ComputedKey.COMMUNITY_PROJECTS: Definition(
        ComputedKey.COMMUNITY_PROJECTS,
        "number",
        "project",
        PROJECT_DIMS,
        PROJECT_PARAMS,
        _projects,
        _count,
        _count_figure,
    ),
    ComputedKey.COMMUNITY_PARTICIPANTS: Definition(
        ComputedKey.COMMUNITY_PARTICIPANTS,
        "number",
        "participant",
        (D.PARTICIPANT_TYPE, D.SEX, D.PARTICIPANT_AGE, *PROJECT_DIMS),
        PROJECT_PARAMS | {"participant": ""},
        _participants,
        _count,
        _count_figure,
    ),
    ComputedKey.AGREEMENTS: Definition(
        ComputedKey.AGREEMENTS,
        "number",
        "agreement",
        (D.AGREEMENT_KIND, D.OFFICE),
        {"kind": ""},
        _agreements,
        _count,
        _count_figure,
    ),
    ComputedKey.CAPACITY_ACTIVITIES: Definition(
        ComputedKey.CAPACITY_ACTIVITIES, "number", "capacity", (D.OFFICE,), {}, _capacity, _count, _count_figure
    ),
    ComputedKey.CAPACITY_PARTICIPANTS: Definition(
        ComputedKey.CAPACITY_PARTICIPANTS,
        "number",
        "capacity",
        (D.OFFICE,),
        {},
        _capacity,
        _sum_participants,
        _sum_figure,
    ),
    ComputedKey.MEETINGS: Definition(
        ComputedKey.MEETINGS, "number", "meeting", (D.OFFICE,), {}, _meetings, _count, _count_figure
    ),
}


# ------------------------------------------------------------------ parameters


def clean_params(key: str, raw: dict | None) -> dict:
    """The indicator's parameters with defaults filled in; ValidationError naming each bad one."""
    definition = LIBRARY[key]
    raw = dict(raw or {})
    unknown = sorted(set(raw) - set(definition.params))
    errors = []
    if unknown:
        errors.append(gettext("Unknown parameters: %(names)s.") % {"names": ", ".join(unknown)})
    params = {name: raw.get(name, default) for name, default in definition.params.items()}
    for name, value in params.items():
        message = _check_param(name, value)
        if message:
            errors.append(message)
    if key == ComputedKey.RSS_ABOVE and params.get("threshold") in (None, "") and not params.get("band"):
        errors.append(gettext("Give a threshold between 0 and 1, or the name of a band of the scoring profile."))
    if definition.office_scoped and "dimension" in params:
        errors.append(_choices_check(params["dimension"], {code for code, _label in PROJECT_DIMENSIONS}, "dimension"))
    errors = [error for error in errors if error]
    if errors:
        raise ValidationError(errors)
    return params


def _choices_check(value, allowed, name) -> str:
    if value in ("", None) or value in allowed:
        return ""
    return gettext("%(name)s: “%(value)s” is not one of %(allowed)s.") % {
        "name": name,
        "value": value,
        "allowed": ", ".join(sorted(str(a) for a in allowed)),
    }


def _check_param(name: str, value) -> str:
    allowed = {
        "basis": set(BASES),
        "dimension": set(SCORES) | set(Dimension.values),
        "level": set(Level.values),
        "delivery": set(Delivery.values),
        "occasion": {"baseline", "follow_up"},
        "group": set(ClosureGroup.values),
        "reason": set(ClosureReason.values),
        "item": set(SATISFACTION_ITEMS) | {OVERALL_ITEM},
        "approach": set(Approach.values),
        "participant": set(PARTICIPANT_KINDS),
        "kind": set(Agreement.Kind.values),
    }
    if name in allowed:
        return _choices_check(value, allowed[name], name)
    if name == "threshold" and value not in (None, ""):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if not 0 <= number <= 1:
            return gettext("threshold: give a number between 0 and 1.")
    if name in ("type", "band") and not isinstance(value, str):
        return gettext("%(name)s: give a text.") % {"name": name}
    return ""


def _prepare(key: str, params: dict) -> dict:
    """Parameters plus what the computation needs from the database (the default RSS profile)."""
    params = dict(params)
    if key in (ComputedKey.RSS_MEAN, ComputedKey.RSS_CHANGE, ComputedKey.RSS_ABOVE):
        if params["dimension"] not in SCORES:
            raise ValidationError(gettext("dimension: choose economic, social, psychosocial or composite."))
        params["_profile"] = default_rss_profile()
    if key == ComputedKey.RSS_ABOVE:
        threshold = params.get("threshold")
        if threshold in (None, ""):
            threshold = band_threshold(params["_profile"], params["dimension"], params.get("band") or "")
        params["_threshold"] = float(threshold) if threshold is not None else None
    if key == ComputedKey.SATISFACTION and params.get("item") == OVERALL_ITEM:
        params["item"] = OVERALL_ITEM
    return params


# ------------------------------------------------------------------ computing


def compute(
    key: str,
    *,
    programme: Programme,
    start: date,
    end: date,
    cases: QuerySet[Case],
    by: str = "",
    params: dict | None = None,
    offices: Iterable[int] | None = None,
) -> Computed:
    """One indicator over the programme's cases among `cases`, for the period start..end (both included).

    Community and structural indicators count records of the programme's offices among `offices` (the
    caller's offices: required for them, ignored by the others)."""
    definition = LIBRARY[key]
    if by and by not in definition.supports:
        raise ValidationError(gettext("This indicator cannot be disaggregated by %(by)s.") % {"by": by})
    params = _prepare(key, clean_params(key, params))
    if definition.office_scoped:
        if offices is None:
            raise ValueError(f"{key} counts records by office: pass the caller's offices.")
        scope = Scope(programme, start, end, cases.none(), frozenset(programme_office_ids(programme) & set(offices)))
    else:
        scope = Scope(programme, start, end, programme_cases(programme, cases))
    rows = definition.rows(scope, params)
    total = _figure(definition, rows, params, None)
    if not by:
        return Computed(key, total)
    if definition.family == "response" and by == D.ASSISTANCE_TYPE:
        return Computed(key, total, by, _satisfaction_by_item(rows, params))
    if by == D.ASSISTANCE_TYPE and definition.family == "case":
        return Computed(key, total, by, _by_activity_type(definition, scope, rows, params))
    return Computed(key, total, by, _by_single(definition, rows, params, by))


def _figure(definition: Definition, rows: QuerySet, params: dict, where: Q | None) -> Figure:
    if definition.collect:
        return definition.collect(list(rows.values_list(*definition.collect_fields)))
    return definition.finish(rows.aggregate(**definition.aggregates(params, where)), params)


def _by_single(definition: Definition, rows: QuerySet, params: dict, by: str) -> list[Row]:
    annotations, group, labels = definition.single_dims()[by](definition.prefix)
    grouped = rows.annotate(**annotations).annotate(_group=group)
    figures: dict[str, Figure] = {}
    if definition.collect:
        values: dict[str, list] = {}
        for group_value, *pair in grouped.values_list("_group", *definition.collect_fields).order_by():
            values.setdefault(str(group_value), []).append(pair)
        figures = {g: definition.collect(v) for g, v in values.items()}
    else:
        aggregates = definition.aggregates(params, None)
        for entry in grouped.values("_group").annotate(**aggregates).order_by("_group"):
            figures[str(entry["_group"])] = definition.finish(entry, params)
    if labels is None:
        labels = _office_labels(figures) if by == D.OFFICE else _type_labels(set(figures))
    else:  # fixed categories: every one is shown, zero (or no value) when nothing fell in it
        empty = _empty_figure(definition, params)
        figures = {code: figures.get(code, empty) for code in labels} | figures
    ordered = list(labels) + sorted(set(figures) - set(labels))
    return [
        Row(code, labels.get(code) or code or gettext("Not recorded"), figures[code])
        for code in ordered
        if code in figures
    ]


def _empty_figure(definition: Definition, params: dict) -> Figure:
    if definition.collect:
        return definition.collect([])
    aggregates = definition.aggregates(params, None)
    return definition.finish({name: 0 if isinstance(agg, Count) else None for name, agg in aggregates.items()}, params)


def _by_activity_type(definition: Definition, scope: Scope, rows: QuerySet, params: dict) -> list[Row]:
    """Case-level indicators by type of assistance: a case counts under every type planned for it (current
    plan, not cancelled), so the categories overlap and do not add up to the total. One query for the
    types in use, one conditional aggregate for all of them."""
    planned = current_activities().filter(plan__case__in=rows.values("pk"))
    codes = sorted(set(planned.values_list("type__code", flat=True).distinct()))
    if not codes:
        return []
    flags, aggregates = {}, {}
    for index, code in enumerate(codes):
        flags[f"_has{index}"] = Exists(current_activities().filter(plan__case=OuterRef("pk"), type__code=code))
        for name, aggregate in definition.aggregates(params, Q(**{f"_has{index}": True})).items():
            aggregates[f"t{index}_{name}"] = aggregate
    result = rows.annotate(**flags).aggregate(**aggregates)
    labels = _type_labels(set(codes))
    out = []
    for index, code in enumerate(codes):
        prefix = f"t{index}_"
        entry = {name[len(prefix) :]: value for name, value in result.items() if name.startswith(prefix)}
        out.append(Row(code, labels.get(code, code), definition.finish(entry, params)))
    return sorted(out, key=lambda row: row.label)


def _satisfaction_by_item(rows: QuerySet, params: dict) -> list[Row]:
    """Satisfaction per assistance type of the survey: each item's mean over the answers that apply."""
    result = rows.aggregate(**_satisfaction_aggregates(params, None))
    out = []
    for item in satisfaction_items(params):
        label = SATISFACTION_ITEMS.get(item, _("Overall"))
        out.append(Row(item, str(label), _satisfaction_figure(result, params, [item])))
    return out


def supported(key: str) -> tuple[str, ...]:
    return LIBRARY[key].supports
