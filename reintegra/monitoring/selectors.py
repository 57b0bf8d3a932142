"""Scoped reads of monitoring data: who may do what, the due list, samples and their rates.

Case rows are always read through `cases.selectors.cases_for`; the due list and the rates are
computed in the database in a constant number of queries (annotations and subqueries), never
case by case.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Case as When_
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.http import Http404
from django.utils import timezone

from reintegra.accounts.access import TREE_ROLES, access_for
from reintegra.accounts.models import Membership, Office, Programme, Role
from reintegra.cases.models import Case, Consent, ConsentPurpose, ConsentStatus, Stage, Task
from reintegra.cases.selectors import cases_for
from reintegra.instruments.models import Instrument, Response
from reintegra.monitoring.models import RSS_CODE, MonitoringRule, Outcome, Sample, SampleMember, ScheduledFollowUp
from reintegra.monitoring.schedule import due_from, thresholds
from reintegra.plans.models import Activity, Disbursement, Modality

# ------------------------------------------------------------------ rights


def role_offices(user, *roles: str) -> frozenset[int]:
    """Offices where the user holds one of `roles` (supervisory roles reach sub-offices), cached per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_monitoring_role_offices", {})
    key = tuple(sorted(roles))
    if key not in cache:
        roots = set(Membership.objects.filter(user=user, role__in=roles).values_list("office_id", flat=True))
        if roots and any(role in TREE_ROLES for role in roles):
            frontier = set(roots)
            while frontier:
                frontier = set(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - roots
                roots |= frontier
        cache[key] = frozenset(roots)
    return cache[key]


def _programmes_in(offices) -> list[Programme]:
    if not offices:
        return []
    return list(Programme.objects.filter(offices__in=offices).distinct().order_by("name"))


def configure_programmes(user) -> list[Programme]:
    """Programmes whose follow-up rules the user sets and schedules: programme managers."""
    return _programmes_in(role_offices(user, Role.PROGRAMME_MANAGER))


def rule_programmes(user) -> list[Programme]:
    """Programmes whose rules the user may read: programme managers, supervisors and M&E officers."""
    access = access_for(user)
    return _programmes_in(access.manage | access.pseudonymised)


def draw_programmes(user) -> list[Programme]:
    """Programmes the user draws samples for: M&E officers and programme managers."""
    return _programmes_in(draw_offices(user))


def draw_offices(user) -> frozenset[int]:
    return role_offices(user, Role.PROGRAMME_MANAGER, Role.ME_OFFICER)


def seen_programmes(user) -> list[Programme]:
    """Programmes running in offices where the user sees cases."""
    return _programmes_in(access_for(user).case_offices)


def programme_for(programmes: list[Programme], pk) -> Programme:
    """One programme of a list the user may use, or 404."""
    for programme in programmes:
        if str(programme.pk) == str(pk):
            return programme
    raise Http404


def default_instrument() -> Instrument | None:
    return Instrument.objects.filter(code=RSS_CODE).first()


# ------------------------------------------------------------------ follow-up schedule

STATES = ("overdue", "due", "upcoming", "done", "waiting")
EXCLUDED_STATUSES = [ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN]
ANCHOR_FIELD = {
    MonitoringRule.Anchor.ARRIVAL: "arrival_date",
    MonitoringRule.Anchor.LAST_ASSISTANCE: "anchor_assistance",
    MonitoringRule.Anchor.PLAN_APPROVAL: "anchor_approval",
}


def rules_of(programmes, *, active_only: bool = False) -> list[MonitoringRule]:
    qs = MonitoringRule.objects.filter(programme__in=programmes).select_related("instrument", "programme")
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("programme__name", "order", "id"))


def rule_for(user, pk: int) -> MonitoringRule:
    rule = MonitoringRule.objects.select_related("instrument", "programme").filter(pk=pk).first()
    if rule is None or rule.programme not in rule_programmes(user):
        raise Http404
    return rule


def follow_up_cases(user) -> QuerySet[Case]:
    """Open cases with a programme that the user follows up: a case manager's own cases; whole offices
    for supervisors, programme managers, M&E officers and child-protection specialists."""
    access = access_for(user)
    wide = access.manage | access.pseudonymised | access.child
    mine = Q(office_id__in=access.casework, assigned_to_id=access.user_id)
    return cases_for(user).filter(Q(office_id__in=wide) | mine, programme__isnull=False).exclude(stage=Stage.CLOSED)


def _monitoring_consent():
    latest = Consent.objects.filter(case=OuterRef("pk"), purpose=ConsentPurpose.MONITORING).order_by("-id")
    return Subquery(latest.values("status")[:1])


def _last_assistance():
    """The latest payment date or delivered-activity date of the case (None before any assistance).

    Activities have no delivery date: the day the activity was last changed while delivered stands
    for it, ignoring copies of an activity already delivered in an earlier plan version.
    """
    paid = Subquery(
        Disbursement.objects.filter(activity__plan__case=OuterRef("pk")).order_by("-paid_on").values("paid_on")[:1]
    )
    delivered = Subquery(
        Activity.objects.filter(plan__case=OuterRef("pk"), status=Activity.Status.DELIVERED)
        .exclude(copied_from__status=Activity.Status.DELIVERED)
        .annotate(day=TruncDate("updated_at"))
        .order_by("-day")
        .values("day")[:1],
        output_field=DateField(),
    )
    return Greatest(Coalesce(paid, delivered), Coalesce(delivered, paid), output_field=DateField())


def _plan_approval():
    from reintegra.plans.models import Plan

    first = Plan.objects.filter(case=OuterRef("pk"), approved_at__isnull=False).order_by("approved_at")
    return Subquery(first.annotate(day=TruncDate("approved_at")).values("day")[:1], output_field=DateField())


def _done(rule: MonitoringRule):
    return Exists(
        Response.objects.filter(
            case=OuterRef("pk"),
            instrument_version__instrument_id=rule.instrument_id,
            occasion=rule.occasion,
            occasion_number=rule.occasion_number,
            status=Response.Status.SUBMITTED,
        )
    )


def _with_aliases(cases: QuerySet[Case], rules: list[MonitoringRule]) -> QuerySet[Case]:
    anchors = {rule.anchor for rule in rules}
    aliases = {"monitoring_consent": _monitoring_consent()}
    if MonitoringRule.Anchor.LAST_ASSISTANCE in anchors:
        aliases["anchor_assistance"] = _last_assistance()
    if MonitoringRule.Anchor.PLAN_APPROVAL in anchors:
        aliases["anchor_approval"] = _plan_approval()
    aliases |= {f"done_{rule.pk}": _done(rule) for rule in rules}
    return cases.alias(**aliases)


def _included() -> Q:
    return Q(monitoring_consent__isnull=True) | ~Q(monitoring_consent__in=EXCLUDED_STATUSES)


def _state_filters(rule: MonitoringRule, today: date) -> dict[str, Q]:
    if rule.kind == MonitoringRule.Kind.BEFORE_PLAN:
        return {
            "upcoming": Q(stage__in=[Stage.INTAKE, Stage.ASSESSMENT]),
            "due": Q(stage=Stage.PLANNING),
            "overdue": Q(stage__in=[Stage.IMPLEMENTATION, Stage.MONITORING]),
        }
    limit = thresholds(today, offset=rule.offset, unit=rule.unit, before=rule.window_before, after=rule.window_after)
    anchor = ANCHOR_FIELD[rule.anchor]
    return {
        "overdue": Q(**{f"{anchor}__lte": limit.overdue_until}),
        "due": Q(**{f"{anchor}__gt": limit.overdue_until, f"{anchor}__lte": limit.due_until}),
        "upcoming": Q(**{f"{anchor}__gt": limit.due_until}),
        "waiting": Q(**{f"{anchor}__isnull": True}),
    }


@dataclass
class RuleCounts:
    rule: MonitoringRule
    overdue: int = 0
    due: int = 0
    upcoming: int = 0
    done: int = 0
    waiting: int = 0


@dataclass
class DueRow:
    case: Case
    rule: MonitoringRule
    state: str
    anchor: date | None
    due_on: date | None
    task: Task | None = None
    consent_missing: bool = False
    show_identity: bool = False


@dataclass
class DueList:
    rules: list[MonitoringRule]
    counts: list[RuleCounts]
    excluded: dict[Programme, int]
    page: Page
    rows: list[DueRow] = field(default_factory=list)
    today: date | None = None


def due_counts(cases: QuerySet[Case], rules: list[MonitoringRule], today: date) -> tuple[list[RuleCounts], dict]:
    """Per rule: cases overdue, due, upcoming, done, waiting for their anchor; per programme: cases
    excluded for want of monitoring consent. One query."""
    if not rules:
        return [], {}
    aggregates = {}
    included = _included()
    for rule in rules:
        base = Q(programme_id=rule.programme_id) & included
        done = Q(**{f"done_{rule.pk}": True})
        aggregates[f"r{rule.pk}_done"] = Count("pk", filter=base & done)
        for state, condition in _state_filters(rule, today).items():
            aggregates[f"r{rule.pk}_{state}"] = Count("pk", filter=base & ~done & condition)
        # A rule without a "waiting" state (before the plan) counts none: an always-empty filter
        # would make the database skip the whole aggregate.
    programmes = {rule.programme_id: rule.programme for rule in rules}
    for pk in programmes:
        aggregates[f"p{pk}_excluded"] = Count("pk", filter=Q(programme_id=pk, monitoring_consent__in=EXCLUDED_STATUSES))
    totals = _with_aliases(cases, rules).order_by().aggregate(**aggregates)
    counts = [RuleCounts(rule, **{state: totals.get(f"r{rule.pk}_{state}", 0) for state in STATES}) for rule in rules]
    return counts, {programme: totals[f"p{pk}_excluded"] for pk, programme in programmes.items()}


def due_pairs(cases: QuerySet[Case], rules: list[MonitoringRule], today: date, states=("overdue", "due")):
    """(case id, rule id, rank, anchor) of every case × rule in `states`, not done, consent not refused:
    overdue first, then by rule and anchor (oldest first). One query (a UNION ALL of one SELECT per rule)."""
    parts = []
    for rule in rules:
        filters = _state_filters(rule, today)
        wanted = Q()
        for state in states:
            wanted |= filters.get(state, Q(pk=None))
        anchor = (
            F(ANCHOR_FIELD[rule.anchor])
            if rule.kind == MonitoringRule.Kind.TIMED
            else Value(None, output_field=DateField())
        )
        part = (
            _with_aliases(cases.filter(programme_id=rule.programme_id), [rule])
            .filter(_included(), wanted, **{f"done_{rule.pk}": False})
            .annotate(
                rule_key=Value(rule.pk),
                rule_rank=Value(rule.order),
                state_rank=When_(
                    When(filters["overdue"], then=Value(0)), When(filters["due"], then=Value(1)), default=Value(2)
                ),
                anchor_day=anchor,
            )
            .order_by()
            .values_list("pk", "rule_key", "state_rank", "rule_rank", "anchor_day")
        )
        parts.append(part)
    if not parts:
        return Case.objects.none().values_list("pk")
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("state_rank", "rule_rank", "rule_key", "anchor_day", "pk")


def _open_tasks(case_ids) -> dict[tuple, Task]:
    rows = ScheduledFollowUp.objects.filter(case_id__in=case_ids, task__status=Task.Status.OPEN).select_related("task")
    return {(s.case_id, s.instrument_id, s.occasion, s.occasion_number): s.task for s in rows}


def _consents(case_ids) -> set[int]:
    """Cases among `case_ids` with a monitoring consent in force."""
    latest = Consent.objects.filter(case=OuterRef("case_id"), purpose=ConsentPurpose.MONITORING).order_by("-id")
    given = (
        Consent.objects.filter(case_id__in=case_ids, purpose=ConsentPurpose.MONITORING)
        .filter(pk=Subquery(latest.values("pk")[:1]), status=ConsentStatus.GIVEN)
        .values_list("case_id", flat=True)
    )
    return set(given)


def due_list(
    user,
    *,
    programme: Programme | None = None,
    rule_id: int | None = None,
    office_id: int | None = None,
    states=("overdue", "due"),
    page: int | str = 1,
    per_page: int = 50,
    today: date | None = None,
) -> DueList:
    """The follow-ups of the user's cases that are due (or in `states`), one page, in a few queries."""
    today = today or timezone.localdate()
    programmes = [programme] if programme else seen_programmes(user)
    rules = rules_of(programmes, active_only=True)
    cases = follow_up_cases(user)
    if office_id:
        cases = cases.filter(office_id=office_id)
    counts, excluded = due_counts(cases, rules, today)
    listed = [rule for rule in rules if not rule_id or rule.pk == rule_id]
    paginator = Paginator(due_pairs(cases, listed, today, states), per_page)
    current = paginator.get_page(page)
    pairs = list(current.object_list)
    ids = {row[0] for row in pairs}
    by_id = {c.pk: c for c in cases.filter(pk__in=ids).select_related("person", "office", "assigned_to", "programme")}
    tasks, consented = _open_tasks(ids), _consents(ids)
    by_rule = {rule.pk: rule for rule in rules}
    access = access_for(user)
    rows = []
    for case_id, rule_pk, rank, _order, anchor in pairs:
        rule, case = by_rule[rule_pk], by_id[case_id]
        anchor = date.fromisoformat(anchor) if isinstance(anchor, str) else anchor
        due_on = due_from(anchor, offset=rule.offset, unit=rule.unit) if anchor else None
        state = ("overdue", "due", "upcoming")[rank]
        rows.append(
            DueRow(
                case=case,
                rule=rule,
                state=state,
                anchor=anchor,
                due_on=due_on,
                task=tasks.get((case_id, rule.instrument_id, rule.occasion, rule.occasion_number)),
                consent_missing=case_id not in consented,
                show_identity=access.may_identify(case.office_id),
            )
        )
    return DueList(rules=rules, counts=counts, excluded=excluded, page=current, rows=rows, today=today)


# ------------------------------------------------------------------ sampling


@dataclass
class FrameFilter:
    """The frame definition of a sample (stored as `Sample.frame`)."""

    offices: list[int] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    arrival_from: date | None = None
    arrival_to: date | None = None
    done_occasion: str = ""
    done_number: int = 0
    in_kind: bool = False

    def as_json(self) -> dict:
        return {
            "offices": sorted(self.offices),
            "stages": sorted(self.stages),
            "arrival_from": self.arrival_from.isoformat() if self.arrival_from else None,
            "arrival_to": self.arrival_to.isoformat() if self.arrival_to else None,
            "done_occasion": self.done_occasion,
            "done_number": self.done_number,
            "in_kind": self.in_kind,
        }

    @classmethod
    def from_json(cls, data: dict) -> "FrameFilter":
        data = dict(data or {})
        for key in ("arrival_from", "arrival_to"):
            data[key] = date.fromisoformat(data[key]) if data.get(key) else None
        return cls(**data)


STRATA_FIELDS = {"office": "office_id", "sex": "person__sex", "return_type": "return_type"}


def stratum_key(values: dict[str, object]) -> str:
    """The stable key of a stratum, e.g. "office=3|sex=female" ("all" without stratification)."""
    return "|".join(f"{name}={value}" for name, value in values.items()) or "all"


def stratum_label(key: str, offices: dict[int, str]) -> str:
    """A stratum's name in the current language, e.g. "Dakar · Female" (labels are not stored)."""
    from django.utils.translation import gettext

    from reintegra.cases.models import ReturnType, Sex

    if key == "all":
        return gettext("All cases")
    names = {"sex": dict(Sex.choices), "return_type": dict(ReturnType.choices)}
    parts = []
    for part in key.split("|"):
        name, _sep, value = part.partition("=")
        if name == "office":
            parts.append(offices.get(int(value), value) if value.isdigit() else value)
        else:
            parts.append(str(names.get(name, {}).get(value, value)))
    return " · ".join(parts)


def stratum_labels(sample: Sample) -> dict[str, str]:
    offices = dict(Office.objects.filter(programmes=sample.programme_id).values_list("pk", "name"))
    return {key: stratum_label(key, offices) for key in sample.frame_sizes}


def frame_cases(
    user, programme: Programme, frame: FrameFilter, instrument: Instrument | None
) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """(frame, excluded for want of monitoring consent): the programme's cases in the user's drawing
    offices that match the frame definition."""
    offices = draw_offices(user) & set(programme.offices.values_list("pk", flat=True))
    if frame.offices:
        offices &= set(frame.offices)
    qs = cases_for(user).filter(programme=programme, office_id__in=offices)
    qs = qs.filter(stage__in=frame.stages) if frame.stages else qs.exclude(stage=Stage.CLOSED)
    if frame.arrival_from:
        qs = qs.filter(arrival_date__gte=frame.arrival_from)
    if frame.arrival_to:
        qs = qs.filter(arrival_date__lte=frame.arrival_to)
    if frame.done_occasion:
        done = Response.objects.filter(
            case=OuterRef("pk"),
            occasion=frame.done_occasion,
            occasion_number=frame.done_number,
            status=Response.Status.SUBMITTED,
        )
        if instrument is not None:
            done = done.filter(instrument_version__instrument=instrument)
        qs = qs.filter(Exists(done))
    if frame.in_kind:
        purchases = Disbursement.objects.filter(activity__plan__case=OuterRef("pk"), kind=Disbursement.Kind.PURCHASE)
        delivered = Activity.objects.filter(
            plan__case=OuterRef("pk"), modality=Modality.IN_KIND, status=Activity.Status.DELIVERED
        )
        qs = qs.filter(Exists(purchases) | Exists(delivered))
    qs = qs.alias(monitoring_consent=_monitoring_consent())
    consenting = qs.filter(monitoring_consent=ConsentStatus.GIVEN)
    return consenting, qs.exclude(pk__in=consenting.values("pk"))


def frame_rows(cases: QuerySet[Case], strata: list[str]) -> list[tuple]:
    """(case id, stratum values...) sorted by case id."""
    fields = [STRATA_FIELDS[name] for name in strata]
    return list(cases.order_by("pk").values_list("pk", *fields))


def samples_for(user) -> QuerySet[Sample]:
    """Samples of the programmes running in offices where the user sees cases."""
    offices = access_for(user).case_offices
    return (
        Sample.objects.filter(programme__offices__in=offices)
        .distinct()
        .select_related("programme", "drawn_by", "instrument")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("-drawn_at", "-id")
    )


def sample_for(user, pk: int) -> Sample:
    sample = samples_for(user).filter(pk=pk).first()
    if sample is None:
        raise Http404
    return sample


def sample_members(user, sample: Sample) -> QuerySet[SampleMember]:
    """The sample's members whose cases the user sees (case managers: their own and unassigned cases)."""
    return (
        sample.members.filter(case__in=cases_for(user).values("pk"))
        .select_related("case__person", "case__office", "case__assigned_to", "recorded_by")
        .order_by("order")
    )


def member_for(user, sample: Sample, pk: int) -> SampleMember:
    member = sample_members(user, sample).filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def may_record_outcome(user, member: SampleMember) -> bool:
    """M&E officers and programme managers of the case's office; case managers of the office on cases
    they see (the member comes from `sample_members`, so it is already in the user's scope)."""
    office = member.case.office_id
    return office in draw_offices(user) or office in role_offices(user, Role.CASE_MANAGER)


@dataclass
class Rates:
    size: int
    counts: dict[str, int]
    response_rate: float | None
    refusal_rate: float | None
    unreachable_rate: float | None
    moved_rate: float | None
    with_baseline: int | None = None
    without_follow_up: int | None = None
    certificates: dict[str, int] = field(default_factory=dict)

    @property
    def attrition(self) -> float | None:
        if not self.with_baseline:
            return None
        return self.without_follow_up / self.with_baseline


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def sample_rates(members: QuerySet[SampleMember], sample: Sample) -> Rates:
    """Response, refusal, unreachable and moved rates over the members (size = members counted);
    for RSS samples, attrition: the share of members with a baseline who have no follow-up
    (of the sample's round when it names one, else any). One query."""
    submitted = Response.objects.filter(case=OuterRef("case_id"), status=Response.Status.SUBMITTED)
    aggregates = {o: Count("pk", filter=Q(outcome=o)) for o in Outcome.values}
    aggregates |= {f"cert_{c}": Count("pk", filter=Q(certificate_check=c)) for c in ("yes", "no", "discrepancy")}
    aggregates["size"] = Count("pk")
    rss = sample.instrument_id and sample.instrument.code == RSS_CODE
    if rss:
        rss_responses = submitted.filter(instrument_version__instrument_id=sample.instrument_id)
        follow_ups = rss_responses.filter(occasion="follow_up")
        if sample.occasion == "follow_up":
            follow_ups = follow_ups.filter(occasion_number=sample.occasion_number)
        baseline = Exists(rss_responses.filter(occasion="baseline"))
        aggregates["with_baseline"] = Count("pk", filter=Q(baseline))
        aggregates["without_follow_up"] = Count("pk", filter=Q(baseline) & ~Q(Exists(follow_ups)))
    totals = members.order_by().aggregate(**aggregates)
    size = totals["size"]
    return Rates(
        size=size,
        counts={o: totals[o] for o in Outcome.values},
        response_rate=_share(totals[Outcome.REACHED], size),
        refusal_rate=_share(totals[Outcome.REFUSED], size),
        unreachable_rate=_share(totals[Outcome.UNREACHABLE], size),
        moved_rate=_share(totals[Outcome.MOVED], size),
        with_baseline=totals.get("with_baseline"),
        without_follow_up=totals.get("without_follow_up"),
        certificates={c: totals[f"cert_{c}"] for c in ("yes", "no", "discrepancy")},
    )
