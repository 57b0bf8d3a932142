"""Monitoring API: /api/v1/monitoring/... — the same selectors, services and rights as the pages.

Pseudonymised roles (M&E) get `identified: false`, no names and no free-text notes.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema

from reintegra.accounts.access import access_for
from reintegra.api import schemas as s
from reintegra.api.common import actor
from reintegra.monitoring import framework as fw
from reintegra.monitoring import selectors, services
from reintegra.monitoring.models import CertificateCheck, Outcome, Sample, SampleMember

router = Router(tags=["monitoring"])
ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
OutcomeIn = Literal[tuple(Outcome.values)]  # type: ignore[valid-type]
CheckIn = Literal[tuple(CertificateCheck.values)]  # type: ignore[valid-type]
Note = Annotated[str, Field(max_length=2000), s.Printable]


class FollowUpFilters(Schema):
    programme: s.Id | None = None
    office: s.Id | None = None
    state: Literal["", "overdue", "due", "upcoming"] = ""
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(100, ge=1, le=500)


class FollowUpOut(Schema):
    case: str
    pseudonym: str
    identified: bool
    name: str | None = None
    office: str
    programme: str
    instrument: str
    occasion: str
    occasion_number: int
    state: str
    due_on: date | None
    open_task: int | None
    monitoring_consent_recorded: bool


class FollowUpPage(Schema):
    count: int
    page: int
    pages: int
    results: list[FollowUpOut]


class SampleOut(Schema):
    id: int
    name: str
    programme: str
    purpose: str
    instrument: str | None
    occasion: str
    occasion_number: int
    size: int
    members: int
    allocation: str
    minimum_per_stratum: int
    seed: str  # a 63-bit integer: a string so that JavaScript clients keep every digit
    strata: list[str]
    frame: dict
    frame_sizes: dict
    frame_total: int
    excluded_no_consent: int
    redraw_of: int | None
    drawn_by: str
    drawn_at: datetime


class RatesOut(Schema):
    size: int
    counts: dict[str, int]
    response_rate: float | None
    refusal_rate: float | None
    unreachable_rate: float | None
    moved_rate: float | None
    with_baseline: int | None
    without_follow_up: int | None
    attrition: float | None
    certificates: dict[str, int]


class MemberOut(Schema):
    id: int
    order: int
    stratum: str
    case: str
    pseudonym: str
    identified: bool
    name: str | None = None
    office: str
    outcome: str
    outcome_on: date | None
    certificate_check: str
    note: str | None = None
    certificate_note: str | None = None
    editable: bool


class SampleDetailOut(SampleOut):
    rates: RatesOut
    member_list: list[MemberOut]


class OutcomeIn_(s.In):
    outcome: OutcomeIn
    outcome_on: s.IsoDate | None = None
    certificate_check: CheckIn = ""
    note: Note | None = None
    certificate_note: Note | None = None


def _require_cases(request) -> None:
    if not access_for(actor(request)).sees_cases:
        raise Http404


@router.get("/follow-ups", response={200: FollowUpPage, **ERRORS}, summary="Follow-ups due")
def follow_up_list(request, filters: Query[FollowUpFilters]):
    """Occasions due (or overdue, or upcoming) under the follow-up rules, for the user's cases."""
    _require_cases(request)
    user = actor(request)
    programme = None
    if filters.programme:
        programme = selectors.programme_for(selectors.seen_programmes(user), filters.programme)
    listing = selectors.due_list(
        user,
        programme=programme,
        office_id=filters.office,
        states=(filters.state,) if filters.state else ("overdue", "due"),
        page=filters.page,
        per_page=filters.per_page,
    )
    return {
        "count": listing.page.paginator.count,
        "page": listing.page.number,
        "pages": listing.page.paginator.num_pages,
        "results": [
            {
                "case": row.case.number,
                "pseudonym": row.case.person.pseudonym,
                "identified": row.show_identity,
                "name": row.case.person.full_name if row.show_identity else None,
                "office": row.case.office.name,
                "programme": row.case.programme.code,
                "instrument": row.rule.instrument.code,
                "occasion": row.rule.occasion,
                "occasion_number": row.rule.occasion_number,
                "state": row.state,
                "due_on": row.due_on,
                "open_task": row.task.pk if row.task else None,
                "monitoring_consent_recorded": not row.consent_missing,
            }
            for row in listing.rows
        ],
    }


def _sample_out(sample: Sample) -> dict:
    return {
        "id": sample.pk,
        "name": sample.name,
        "programme": sample.programme.code,
        "purpose": sample.purpose,
        "instrument": sample.instrument.code if sample.instrument_id else None,
        "occasion": sample.occasion,
        "occasion_number": sample.occasion_number,
        "size": sample.size,
        "members": getattr(sample, "member_count", 0),
        "allocation": sample.allocation,
        "minimum_per_stratum": sample.minimum_per_stratum,
        "seed": str(sample.seed),
        "strata": sample.strata,
        "frame": sample.frame,
        "frame_sizes": sample.frame_sizes,
        "frame_total": sample.frame_total,
        "excluded_no_consent": sample.excluded_no_consent,
        "redraw_of": sample.redraw_of_id,
        "drawn_by": str(sample.drawn_by),
        "drawn_at": sample.drawn_at,
    }


def _member_out(request, member: SampleMember, labels: dict[str, str]) -> dict:
    identified = access_for(actor(request)).may_identify(member.case.office_id)
    return {
        "id": member.pk,
        "order": member.order,
        "stratum": labels.get(member.stratum, member.stratum),
        "case": member.case.number,
        "pseudonym": member.case.person.pseudonym,
        "identified": identified,
        "name": member.case.person.full_name if identified else None,
        "office": member.case.office.name,
        "outcome": member.outcome,
        "outcome_on": member.outcome_on,
        "certificate_check": member.certificate_check,
        "note": member.note if identified else None,
        "certificate_note": member.certificate_note if identified else None,
        "editable": selectors.may_record_outcome(actor(request), member),
    }


@router.get("/samples", response={200: list[SampleOut], **ERRORS}, summary="List samples")
def sample_list(request, page: Query[s.ListFilters]):
    _require_cases(request)
    samples = selectors.samples_for(actor(request))[page.offset : page.offset + page.limit]
    return [_sample_out(sample) for sample in samples]


@router.get("/samples/{sample_id}", response={200: SampleDetailOut, **ERRORS}, summary="A sample with its members")
def sample_detail(request, sample_id: s.Id):
    """The members the user sees (case managers: their cases), their outcomes and the rates."""
    sample = selectors.sample_for(actor(request), sample_id)
    members = selectors.sample_members(actor(request), sample)
    rates = selectors.sample_rates(members, sample)
    out = _sample_out(sample)
    out["rates"] = rates.__dict__ | {"attrition": rates.attrition}
    labels = selectors.stratum_labels(sample)
    out["member_list"] = [_member_out(request, member, labels) for member in members]
    return out


@router.patch(
    "/samples/{sample_id}/members/{member_id}", response={200: MemberOut, **ERRORS}, summary="Record a contact outcome"
)
def member_update(request, sample_id: s.Id, member_id: s.Id, payload: OutcomeIn_):
    """M&E officers and programme managers of the case's office, and its case managers on their cases.
    Pseudonymised roles cannot write notes (they are free text that may name people)."""
    sample = selectors.sample_for(actor(request), sample_id)
    member = selectors.member_for(actor(request), sample, member_id)
    identified = access_for(actor(request)).may_identify(member.case.office_id)
    member = services.member_outcome_record(
        actor=actor(request),
        member=member,
        outcome=payload.outcome,
        outcome_on=payload.outcome_on,
        certificate_check=payload.certificate_check,
        note=payload.note if identified else None,
        certificate_note=payload.certificate_note if identified else None,
    )
    return _member_out(request, member, selectors.stratum_labels(sample))


# ------------------------------------------------------------------ results framework


class FigureOut(Schema):
    category: str
    label: str
    value: float | None
    numerator: float | None
    denominator: float | None


class IndicatorProgressOut(Schema):
    id: int
    code: str
    name: str
    result: str
    level: str
    unit: str
    kind: str
    computed_key: str
    parameters: dict
    cumulative: bool
    value: float | None
    numerator: float | None
    denominator: float | None
    source: str | None
    baseline: float | None
    target: float | None
    achievement: float | None
    status: str
    disaggregations: dict[str, list[FigureOut]]


class SnapshotOut(Schema):
    id: int
    computed_at: datetime
    computed_by: str
    offices: list[int]


class PeriodOut(Schema):
    id: int
    label: str
    start: date
    end: date


class ProgressOut(Schema):
    framework: int
    title: str
    programme: str
    period: PeriodOut
    snapshot: SnapshotOut | None
    indicators: list[IndicatorProgressOut]


class ProgressFilters(Schema):
    period: s.Id | None = None
    snapshot: s.Id | None = None


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _figure_out(value) -> dict:
    return {
        "category": value.category,
        "label": value.category_label or value.category,
        "value": _number(value.value),
        "numerator": _number(value.numerator),
        "denominator": _number(value.denominator),
    }


@router.get(
    "/frameworks/{framework_id}/progress",
    response={200: ProgressOut, **ERRORS},
    summary="Progress of a results framework in a reporting period",
)
def framework_progress(request, framework_id: s.Id, filters: Query[ProgressFilters]):
    """Each indicator's value for the period (the latest snapshot the user may see, or `snapshot`, and the
    values entered by hand), against baseline and target, with the disaggregated figures. Programme
    managers, M&E officers and supervisors of the programme's offices; 404 for everyone else. `period`
    defaults to the latest period of the programme."""
    user = actor(request)
    framework = fw.framework_for(user, framework_id)
    if filters.period:
        period = fw.period_for(framework.programme, filters.period)
    else:
        period = next(iter(fw.periods_of(framework.programme)), None)
        if period is None:
            raise Http404
    progress = fw.progress(user, framework, period, filters.snapshot)
    details = fw.all_breakdowns(framework, period, progress.snapshot)
    snap = progress.snapshot
    indicators = []
    for node, rows in progress.lines:
        for row in rows:
            indicator, value = row.indicator, row.value
            indicators.append(
                {
                    "id": indicator.pk,
                    "code": indicator.code,
                    "name": indicator.name,
                    "result": node.result.code,
                    "level": node.result.level,
                    "unit": indicator.unit,
                    "kind": indicator.kind,
                    "computed_key": indicator.computed_key,
                    "parameters": indicator.parameters,
                    "cumulative": indicator.cumulative,
                    "value": _number(value.value) if value else None,
                    "numerator": _number(value.numerator) if value else None,
                    "denominator": _number(value.denominator) if value else None,
                    "source": value.source if value else None,
                    "baseline": _number(indicator.baseline_value),
                    "target": _number(indicator.target_value),
                    "achievement": row.share,
                    "status": row.light,
                    "disaggregations": {
                        by: [_figure_out(v) for v in values] for by, values in details.get(indicator.pk, {}).items()
                    },
                }
            )
    return {
        "framework": framework.pk,
        "title": framework.title,
        "programme": framework.programme.code,
        "period": {"id": period.pk, "label": period.label, "start": period.start, "end": period.end},
        "snapshot": {
            "id": snap.pk,
            "computed_at": snap.computed_at,
            "computed_by": str(snap.computed_by),
            "offices": snap.offices,
        }
        if snap
        else None,
        "indicators": indicators,
    }
