"""Best-interests API (read-only): the same reach as the page. Child-protection specialists and
supervisors get the whole procedure; the assigned case manager gets the status and the decision;
everyone else 404. The procedure shown is the open one, else the latest closed one (`closed_at`,
`closing_reason`). Each read is audited (`bip.viewed`)."""

from datetime import date, datetime

from ninja import Router, Schema

from reintegra.api import schemas as s
from reintegra.api.common import actor
from reintegra.children import services
from reintegra.children.selectors import FULL, bip_case, current_determination, current_procedure

router = Router(tags=["best interests"])
ERRORS = {401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}


class PanelMemberOut(Schema):
    name: str
    function: str


class SolutionOut(Schema):
    solution: str
    considered: bool
    notes: str


class DeterminationOut(Schema):
    decision: str
    decision_label: str
    determined_on: date
    reasons: str
    solutions: list[SolutionOut]
    panel: list[PanelMemberOut]
    review_reason: str
    recorded_by: str
    recorded_at: datetime
    superseded: bool


class AssessmentOut(Schema):
    care_situation: str
    interviewer: str
    assessed_on: date
    acceptance: str
    acceptance_notes: str
    attends_school: bool | None
    education_notes: str
    health_access: str
    mhpss_access: bool | None
    health_notes: str
    has_disability: bool | None
    characteristics_notes: str
    risks: list[str]
    risks_notes: str
    child_views: str
    age_when_heard: int | None
    maturity_weighing: str


class StepOut(Schema):
    id: int
    what: str
    who: str
    due_on: date
    done_on: date | None
    state: str


class BestInterestsOut(Schema):
    case: str
    level: str
    status: str | None
    status_label: str | None
    decision: str | None
    decision_label: str | None
    determined_on: date | None
    closed_at: datetime | None = None
    closing_reason: str | None = None
    closing_reason_label: str | None = None
    closing_note: str | None = None
    assessment: AssessmentOut | None = None
    steps: list[StepOut] | None = None
    determinations: list[DeterminationOut] | None = None


def determination_out(d, current) -> dict:
    return {
        "decision": d.decision,
        "decision_label": str(d.get_decision_display()),
        "determined_on": d.determined_on,
        "reasons": d.reasons,
        "solutions": [{k: o[k] for k in ("solution", "considered", "notes")} for o in d.considered()],
        "panel": d.panel,
        "review_reason": d.review_reason,
        "recorded_by": str(d.recorded_by),
        "recorded_at": d.recorded_at,
        "superseded": d != current,
    }


def _closing(procedure) -> dict:
    """Whether the procedure shown is closed, when and why (the note only at the full level)."""
    closed = procedure is not None and procedure.closed_at is not None
    return {
        "closed_at": procedure.closed_at if closed else None,
        "closing_reason": procedure.closing_reason if closed else None,
        "closing_reason_label": str(procedure.get_closing_reason_display()) if closed else None,
    }


def _details(procedure, current) -> dict:
    assessment = getattr(procedure, "assessment", None) if procedure else None
    return {
        "closing_note": procedure.closing_note if procedure and procedure.closed_at else None,
        "assessment": {name: getattr(assessment, name) for name in AssessmentOut.model_fields} if assessment else None,
        "steps": [{name: getattr(step, name) for name in StepOut.model_fields} for step in procedure.steps.all()]
        if procedure
        else [],
        "determinations": [determination_out(d, current) for d in procedure.determinations.all()] if procedure else [],
    }


@router.get(
    "/cases/{number}/best-interests",
    response={200: BestInterestsOut, **ERRORS},
    summary="The best-interests procedure of a child case",
)
def best_interests(request, number: s.CaseNumber):
    user = actor(request)
    case, level = bip_case(user, number)
    procedure = current_procedure(case)
    services.bip_viewed(actor=user, case=case, level=level, procedure=procedure)
    current = current_determination(procedure)
    summary = {
        "case": case.number,
        "level": level,
        "status": procedure.status if procedure else None,
        "status_label": str(procedure.get_status_display()) if procedure else None,
        "decision": current.decision if current else None,
        "decision_label": str(current.get_decision_display()) if current else None,
        "determined_on": current.determined_on if current else None,
        **_closing(procedure),
    }
    return {**summary, **_details(procedure, current)} if level == FULL else summary
