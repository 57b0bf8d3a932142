"""Results framework: who may do what, the writes (each audited) and the progress table.

Rights (docs/monitoring.md, "Results framework"):
- programme managers and M&E officers of one of the programme's offices (or a parent office) edit the
  framework, the periods and the manual values, and compute snapshots;
- supervisors of those offices read;
- everyone else (case managers, child-protection specialists, partners, administrators without a case
  role, other offices) gets 404.

Computed values are taken as **snapshots**: `snapshot_take` computes every computed indicator of the
framework (total and each declared disaggregation) over the actor's cases of the programme and stores
them; snapshots are never changed, a new computation adds one, pages show the latest one the reader
may see (its offices within the reader's), and a printed report names its snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from reintegra.accounts.access import access_for
from reintegra.accounts.models import Membership, Office, Programme, Role, User
from reintegra.audit.models import AuditEvent
from reintegra.audit.services import audit_record, diff_fields, snapshot
from reintegra.cases.selectors import cases_for
from reintegra.monitoring import indicators
from reintegra.monitoring.models import (
    PARENT_LEVEL,
    Indicator,
    IndicatorValue,
    ReportingPeriod,
    Result,
    ResultLevel,
    ResultsFramework,
    Snapshot,
)

EDIT_ROLES = (Role.PROGRAMME_MANAGER, Role.ME_OFFICER)
READ_ROLES = (Role.PROGRAMME_MANAGER, Role.ME_OFFICER, Role.SUPERVISOR)
# Traffic light from the share of the target reached (see `achievement`).
GREEN_FROM, AMBER_FROM = 90.0, 60.0

# ------------------------------------------------------------------ rights


def _offices_by_role(user) -> dict[str, frozenset[int]]:
    """Offices (with their sub-offices) where the user holds each framework role: two queries, cached on
    the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = user.__dict__.get("_framework_offices")
    if cached is None:
        roots = list(Membership.objects.filter(user=user, role__in=READ_ROLES).values_list("office_id", "role"))
        children: dict[int, list[int]] = {}
        if roots:
            for pk, parent in Office.objects.values_list("pk", "parent_id"):
                children.setdefault(parent, []).append(pk)
        cached = {}
        for office_id, role in roots:
            found, frontier = set(cached.get(role, ())), [office_id]
            while frontier:
                current = frontier.pop()
                if current not in found:
                    found.add(current)
                    frontier.extend(children.get(current, []))
            cached[role] = frozenset(found)
        user.__dict__["_framework_offices"] = cached
    return cached


def _programmes(user, roles) -> list[Programme]:
    by_role = _offices_by_role(user)
    offices = set().union(*(by_role.get(role, frozenset()) for role in roles))
    if not offices:
        return []
    cache = user.__dict__.setdefault("_framework_programmes", {})
    key = tuple(sorted(offices))
    if key not in cache:
        cache[key] = list(Programme.objects.filter(offices__in=offices).distinct().order_by("name"))
    return cache[key]


def edit_programmes(user) -> list[Programme]:
    return _programmes(user, EDIT_ROLES)


def read_programmes(user) -> list[Programme]:
    return _programmes(user, READ_ROLES)


def may_edit(user, programme: Programme) -> bool:
    return programme.pk in {p.pk for p in edit_programmes(user)}


def programme_for(user, pk, *, edit: bool = False) -> Programme:
    for programme in read_programmes(user):
        if str(programme.pk) == str(pk):
            if edit and not may_edit(user, programme):
                raise PermissionDenied(_("Only programme managers and M&E officers change the results framework."))
            return programme
    raise Http404


def frameworks_for(user) -> QuerySet[ResultsFramework]:
    return ResultsFramework.objects.filter(programme__in=read_programmes(user)).select_related("programme")


def framework_for(user, pk, *, edit: bool = False) -> ResultsFramework:
    framework = frameworks_for(user).filter(pk=pk).first()
    if framework is None:
        raise Http404
    if edit and not may_edit(user, framework.programme):
        raise PermissionDenied(_("Only programme managers and M&E officers change the results framework."))
    return framework


def result_for(user, pk, *, edit: bool = False) -> Result:
    result = Result.objects.select_related("framework__programme", "parent").filter(pk=pk).first()
    if result is None:
        raise Http404
    framework_for(user, result.framework_id, edit=edit)
    return result


def indicator_for(user, pk, *, edit: bool = False) -> Indicator:
    indicator = Indicator.objects.select_related("result__framework__programme").filter(pk=pk).first()
    if indicator is None:
        raise Http404
    framework_for(user, indicator.result.framework_id, edit=edit)
    return indicator


def periods_of(programme: Programme) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(programme=programme).order_by("-start", "id"))


def period_for(programme: Programme, pk) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(programme=programme, pk=pk).first() if str(pk).isdigit() else None
    if period is None:
        raise Http404
    return period


# ------------------------------------------------------------------ the tree


@dataclass
class Node:
    result: Result
    indicators: list[Indicator] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    depth: int = 0


def tree(framework: ResultsFramework) -> list[Node]:
    """Objectives with their outcomes and outputs, each with its indicators: two queries."""
    results = list(framework.results.order_by("order", "code", "id"))
    nodes = {r.pk: Node(r) for r in results}
    for indicator in Indicator.objects.filter(result__framework=framework).order_by("order", "code", "id"):
        nodes[indicator.result_id].indicators.append(indicator)
    roots = []
    for result in results:
        node = nodes[result.pk]
        if result.parent_id and result.parent_id in nodes:
            nodes[result.parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


def flatten(nodes: list[Node], depth: int = 0) -> list[Node]:
    out = []
    for node in nodes:
        node.depth = depth
        out.append(node)
        out.extend(flatten(node.children, depth + 1))
    return out


# ------------------------------------------------------------------ writes

FRAMEWORK_FIELDS = ["title", "theory_of_change", "assumptions", "risks"]
RESULT_FIELDS = ["level", "parent_id", "code", "statement", "statement_fr", "order"]
INDICATOR_FIELDS = [
    "code",
    "name",
    "definition",
    "unit",
    "kind",
    "computed_key",
    "parameters",
    "cumulative",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "disaggregations",
    "frequency",
    "means_of_verification",
    "responsible",
    "order",
]


def _require_editor(actor: User, programme: Programme) -> None:
    if not may_edit(actor, programme):
        raise PermissionDenied(_("Only programme managers and M&E officers change the results framework."))


def _save(instance, message: str) -> None:
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(message) from error


def _audit(actor, subject, programme: Programme, changes: dict) -> None:
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.FRAMEWORK_CHANGED,
        subject=subject,
        office=programme.offices.order_by("pk").first(),
        changes=changes,
    )


@transaction.atomic
def framework_save(*, actor: User, programme: Programme, framework: ResultsFramework | None = None, **fields):
    _require_editor(actor, programme)
    framework = framework or ResultsFramework(programme=programme, created_by=actor)
    before = snapshot(framework, FRAMEWORK_FIELDS)
    for name in FRAMEWORK_FIELDS:
        setattr(framework, name, (fields.get(name) or "").strip())
    _save(framework, _("This programme already has a framework with this title."))
    _audit(
        actor, framework, programme, {"framework": framework.title} | diff_fields(framework, before, FRAMEWORK_FIELDS)
    )
    return framework


def _check_parent(framework: ResultsFramework, level: str, parent: Result | None, result: Result | None) -> None:
    wanted = PARENT_LEVEL.get(level)
    if wanted is None and parent is not None:
        raise ValidationError({"parent": _("An objective does not contribute to another result.")})
    if wanted is not None:
        if parent is None:
            raise ValidationError({"parent": _("Choose the result this one contributes to.")})
        if parent.framework_id != framework.pk or parent.level != wanted:
            label = ResultLevel(wanted).label
            raise ValidationError(
                {"parent": _("It must contribute to a result of level “%(level)s”.") % {"level": label}}
            )
    if result is not None and result.pk and level != result.level and result.children.exists():
        raise ValidationError({"level": _("Move or remove the results under this one before changing its level.")})


@transaction.atomic
def result_save(
    *, actor: User, framework: ResultsFramework, result: Result | None = None, parent: Result | None = None, **fields
) -> Result:
    _require_editor(actor, framework.programme)
    result = result or Result(framework=framework)
    before = snapshot(result, RESULT_FIELDS)
    _check_parent(framework, fields["level"], parent, result)
    result.level, result.parent = fields["level"], parent
    result.code = fields["code"].strip()
    result.statement, result.statement_fr = fields["statement"].strip(), (fields.get("statement_fr") or "").strip()
    result.order = fields.get("order") or 0
    _save(result, _("Another result of this framework has this code."))
    _audit(actor, result, framework.programme, {"result": result.code} | diff_fields(result, before, RESULT_FIELDS))
    return result


@transaction.atomic
def result_delete(*, actor: User, result: Result) -> None:
    _require_editor(actor, result.framework.programme)
    if result.children.exists() or result.indicators.exists():
        raise ValidationError(_("Remove the results and indicators under this result first."))
    _audit(actor, result.framework, result.framework.programme, {"result_deleted": result.code})
    result.delete()


def _clean_indicator(indicator: Indicator) -> None:
    errors = {}
    if indicator.kind == Indicator.Kind.COMPUTED:
        if not indicator.computed_key:
            errors["computed_key"] = _("Choose what the indicator is computed from.")
        else:
            try:
                indicator.parameters = {
                    k: v
                    for k, v in indicators.clean_params(indicator.computed_key, indicator.parameters).items()
                    if v not in ("", None)
                }
            except ValidationError as error:
                errors["parameters"] = error.messages
            unsupported = set(indicator.disaggregations) - set(indicators.supported(indicator.computed_key))
            if unsupported:
                errors["disaggregations"] = _("This indicator cannot be disaggregated by: %(names)s.") % {
                    "names": ", ".join(sorted(unsupported))
                }
    else:
        indicator.computed_key, indicator.parameters = "", {}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indicator_save(*, actor: User, result: Result, indicator: Indicator | None = None, **fields) -> Indicator:
    _require_editor(actor, result.framework.programme)
    indicator = indicator or Indicator(result=result)
    before = snapshot(indicator, INDICATOR_FIELDS)
    for name in INDICATOR_FIELDS:
        if name in fields:
            setattr(indicator, name, fields[name])
    indicator.disaggregations = list(dict.fromkeys(indicator.disaggregations or []))
    indicator.order = indicator.order or 0
    _clean_indicator(indicator)
    _save(indicator, _("Another indicator of this result has this code."))
    changes = {"indicator": indicator.code} | diff_fields(indicator, before, INDICATOR_FIELDS)
    _audit(actor, indicator, result.framework.programme, changes)
    return indicator


@transaction.atomic
def indicator_delete(*, actor: User, indicator: Indicator) -> None:
    programme = indicator.result.framework.programme
    _require_editor(actor, programme)
    if indicator.values.exists():
        raise ValidationError(_("This indicator has values already; it cannot be removed."))
    _audit(actor, indicator.result.framework, programme, {"indicator_deleted": indicator.code})
    indicator.delete()


@transaction.atomic
def period_save(*, actor: User, programme: Programme, label: str, start: date, end: date) -> ReportingPeriod:
    _require_editor(actor, programme)
    if end < start:
        raise ValidationError({"end": _("The last day comes before the first day.")})
    period = ReportingPeriod(programme=programme, label=label.strip(), start=start, end=end)
    _save(period, _("This programme already has a period with this label."))
    _audit(actor, period, programme, {"period": period.label, "start": start, "end": end})
    return period


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 4)))


@dataclass(frozen=True)
class ManualFigure:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@transaction.atomic
def manual_values_save(
    *,
    actor: User,
    indicator: Indicator,
    period: ReportingPeriod,
    figures: dict[tuple[str, str], ManualFigure],
    labels: dict[tuple[str, str], str] | None = None,
    note: str = "",
) -> list[IndicatorValue]:
    """Enter (or replace) the hand-entered figures of an indicator for a period; a blank figure removes one.

    `figures` maps (disaggregation, category) to a figure; ("", "") is the total.
    """
    programme = indicator.result.framework.programme
    _require_editor(actor, programme)
    if indicator.is_computed:
        raise ValidationError(_("This indicator is computed from case data; its values are not entered by hand."))
    if period.programme_id != programme.pk:
        raise Http404
    allowed = {""} | set(indicator.disaggregations)
    existing = {
        (v.disaggregation, v.category): v
        for v in IndicatorValue.objects.filter(indicator=indicator, period=period, source=IndicatorValue.Source.MANUAL)
    }
    changes, saved = {}, []
    for (by, category), figure in figures.items():
        if by not in allowed:
            raise ValidationError(_("This indicator is not disaggregated by %(by)s.") % {"by": by})
        current = existing.get((by, category))
        old = str(current.value) if current and current.value is not None else None
        if figure.value is None:
            if current:
                current.delete()
                changes[f"{by}:{category}" if by else "total"] = [old, None]
            continue
        value = current or IndicatorValue(
            indicator=indicator, period=period, disaggregation=by, category=category, source="manual"
        )
        value.value, value.numerator, value.denominator = figure.value, figure.numerator, figure.denominator
        value.category_label = (labels or {}).get((by, category), category)
        value.entered_by, value.note = actor, note.strip()
        value.save()
        saved.append(value)
        if old != str(figure.value):
            changes[f"{by}:{category}" if by else "total"] = [old, str(figure.value)]
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.INDICATOR_VALUES_ENTERED,
        subject=indicator,
        office=programme.offices.order_by("pk").first(),
        changes={"indicator": indicator.code, "period": period.label} | changes,
    )
    return saved


def computing_window(indicator: Indicator, period: ReportingPeriod) -> tuple[date, date]:
    """The dates an indicator is computed over: the period, or from the programme's start when cumulative."""
    if indicator.cumulative:
        return min(indicator.result.framework.programme.start_date, period.start), period.end
    return period.start, period.end


@transaction.atomic
def snapshot_take(*, actor: User, framework: ResultsFramework, period: ReportingPeriod) -> Snapshot:
    """Compute every computed indicator of the framework for the period, over the actor's cases of the
    programme, and store the figures (total and each declared disaggregation) as a new snapshot."""
    programme = framework.programme
    _require_editor(actor, programme)
    if period.programme_id != programme.pk:
        raise Http404
    offices = sorted(indicators.programme_office_ids(programme) & access_for(actor).case_offices)
    snap = Snapshot.objects.create(
        framework=framework, period=period, offices=offices, profile=indicators.default_rss_profile(), computed_by=actor
    )
    cases = cases_for(actor)
    rows = []
    computed = Indicator.objects.filter(result__framework=framework, kind=Indicator.Kind.COMPUTED).select_related(
        "result__framework__programme"
    )
    for indicator in computed:
        start, end = computing_window(indicator, period)
        for by in ["", *indicator.disaggregations]:
            outcome = indicators.compute(
                indicator.computed_key,
                programme=programme,
                start=start,
                end=end,
                cases=cases,
                by=by,
                params=indicator.parameters,
                offices=offices,
            )
            entries = (
                [("", "", "", outcome.total)] if not by else [(by, r.category, r.label, r.figure) for r in outcome.rows]
            )
            for disaggregation, category, label, figure in entries:
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        period=period,
                        snapshot=snap,
                        disaggregation=disaggregation,
                        category=str(category)[:60],
                        category_label=str(label)[:200],
                        value=_decimal(figure.value),
                        numerator=_decimal(figure.numerator),
                        denominator=_decimal(figure.denominator),
                        source=IndicatorValue.Source.COMPUTED,
                        entered_by=actor,
                    )
                )
    IndicatorValue.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.INDICATORS_COMPUTED,
        subject=snap,
        office=programme.offices.order_by("pk").first(),
        changes={"framework": framework.title, "period": period.label, "offices": offices, "values": len(rows)},
    )
    return snap


# ------------------------------------------------------------------ reading values


def snapshots_of(user, framework: ResultsFramework, period: ReportingPeriod) -> list[Snapshot]:
    """The period's snapshots whose offices are all within the user's (newest first): a reader never sees
    figures that include another office's cases. A handful of rows per period: filtered here."""
    mine = access_for(user).case_offices
    snapshots = Snapshot.objects.filter(framework=framework, period=period).select_related("computed_by", "profile")
    return [s for s in snapshots.order_by("-id") if set(s.offices) <= mine]


def visible_snapshot(
    user, framework: ResultsFramework, period: ReportingPeriod, pk=None, snapshots: list[Snapshot] | None = None
) -> Snapshot | None:
    """The latest snapshot the user may see, or snapshot `pk` if they may see it."""
    for snap in snapshots if snapshots is not None else snapshots_of(user, framework, period):
        if pk is None or str(snap.pk) == str(pk):
            return snap
    return None


def achievement(value, target, direction: str) -> float | None:
    """Share of the target reached, in %: value / target (lower-is-better: target / value)."""
    if value is None or target is None:
        return None
    value, target = float(value), float(target)
    if direction == Indicator.Direction.DECREASE:
        if value == 0:
            return 100.0 if target >= 0 else None
        return round(100.0 * target / value, 1)
    if target == 0:
        return None
    return round(100.0 * value / target, 1)


def light(share: float | None) -> str:
    if share is None:
        return "none"
    if share >= GREEN_FROM:
        return "green"
    return "amber" if share >= AMBER_FROM else "red"


@dataclass
class ProgressRow:
    indicator: Indicator
    value: IndicatorValue | None
    share: float | None
    light: str


@dataclass
class Progress:
    framework: ResultsFramework
    period: ReportingPeriod
    snapshot: Snapshot | None
    nodes: list[Node]
    rows: dict[int, ProgressRow]

    @property
    def lines(self):
        """(node, [rows]) in tree order, for the table."""
        return [(node, [self.rows[i.pk] for i in node.indicators]) for node in flatten(self.nodes)]


def progress(
    user, framework: ResultsFramework, period: ReportingPeriod, snapshot_pk=None, snapshots: list | None = None
) -> Progress:
    """Each indicator's total for the period against its target. A constant number of queries: the
    tree (2), the snapshots (1), the snapshot's totals (1) and the manual totals (1)."""
    nodes = tree(framework)
    snap = visible_snapshot(user, framework, period, snapshot_pk, snapshots)
    totals = {}
    if snap is not None:
        totals = {v.indicator_id: v for v in snap.values.filter(disaggregation="").order_by()}
    manual = (
        IndicatorValue.objects.filter(
            indicator__result__framework=framework,
            period=period,
            source=IndicatorValue.Source.MANUAL,
            disaggregation="",
        )
        .select_related("entered_by")
        .order_by()
    )
    totals |= {v.indicator_id: v for v in manual}
    rows = {}
    for node in flatten(nodes):
        for indicator in node.indicators:
            value = totals.get(indicator.pk)
            if value is not None and (value.source == IndicatorValue.Source.COMPUTED) != indicator.is_computed:
                value = None  # the indicator changed kind since: its old figures do not count
            share = achievement(value.value if value else None, indicator.target_value, indicator.direction)
            rows[indicator.pk] = ProgressRow(indicator, value, share, light(share))
    return Progress(framework, period, snap, nodes, rows)


@dataclass
class Breakdown:
    by: str
    label: str
    values: list[IndicatorValue]


def breakdowns(user, indicator: Indicator, period: ReportingPeriod, snap: Snapshot | None) -> list[Breakdown]:
    """The disaggregated figures of an indicator for a period (from the snapshot, or entered by hand)."""
    from reintegra.monitoring.models import Disaggregation

    if indicator.is_computed:
        values = list(snap.values.filter(indicator=indicator).exclude(disaggregation="")) if snap else []
    else:
        values = list(
            IndicatorValue.objects.filter(indicator=indicator, period=period, source="manual").exclude(
                disaggregation=""
            )
        )
    labels = dict(Disaggregation.choices)
    out = []
    for by in indicator.disaggregations:
        mine = [v for v in values if v.disaggregation == by]
        out.append(Breakdown(by, str(labels.get(by, by)), mine))
    return out


@transaction.atomic
def report_printed(
    *, actor: User, framework: ResultsFramework, period: ReportingPeriod, snap: Snapshot | None, narrative: dict
) -> None:
    """Record the printing of the PDF programme report (an export) and keep its narrative with the snapshot."""
    if not may_edit(actor, framework.programme) and narrative:
        narrative = {}
    if snap is not None and narrative and may_edit(actor, framework.programme):
        Snapshot.objects.filter(pk=snap.pk).update(narrative=narrative)
    audit_record(
        actor=actor,
        event_type=AuditEvent.Type.EXPORT,
        subject=snap or framework,
        office=framework.programme.offices.order_by("pk").first(),
        changes={
            "format": "pdf",
            "report": "programme progress",
            "framework": framework.title,
            "period": period.label,
            "snapshot": snap.pk if snap else None,
        },
    )


def all_breakdowns(framework: ResultsFramework, period: ReportingPeriod, snap: Snapshot | None) -> dict[int, dict]:
    """Every disaggregated figure of the framework for the period, by indicator and disaggregation: two
    queries (the snapshot's computed figures, the hand-entered ones)."""
    found: dict[int, dict[str, list[IndicatorValue]]] = {}
    computed = snap.values.exclude(disaggregation="") if snap else IndicatorValue.objects.none()
    manual = IndicatorValue.objects.filter(
        indicator__result__framework=framework, period=period, source=IndicatorValue.Source.MANUAL
    ).exclude(disaggregation="")
    for value in [*computed.order_by("id"), *manual.order_by("disaggregation", "category")]:
        found.setdefault(value.indicator_id, {}).setdefault(value.disaggregation, []).append(value)
    return found
