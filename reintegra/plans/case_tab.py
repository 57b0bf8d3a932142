"""The "Plan" tab of the case file and the plan-version page share this context."""

from django.utils import timezone
from django.utils.translation import get_language

from reintegra.accounts.access import access_for
from reintegra.cases.models import Stage
from reintegra.community.access import readable_offices
from reintegra.directory.models import Dimension
from reintegra.instruments.models import Flag, Occasion
from reintegra.instruments.selectors import case_responses, may_see_answers
from reintegra.plans import forms as plan_forms
from reintegra.plans.models import SCORE_DIMENSIONS, Plan
from reintegra.plans.selectors import (
    case_budget,
    delay_exceptions,
    due_date,
    plan_activities,
    plans_of,
)
from reintegra.plans.services import approval_reasons
from reintegra.scoring.selectors import latest_scores_by_occasion

SHOWN_FLAGS = (Flag.Status.SUGGESTED, Flag.Status.CONFIRMED)


def baseline_score(case):
    """The baseline RSS score (or the earliest one when no baseline was taken)."""
    scores = latest_scores_by_occasion(case)
    baseline = [s for s in scores if s.response.occasion == Occasion.BASELINE]
    return (baseline or scores or [None])[0]


def suggestion_flags(request, case) -> list[Flag]:
    """Open (suggested) and confirmed flags of the assessments the user may read."""
    access = access_for(request.user)
    flags = []
    for response in case_responses(case):
        if may_see_answers(access, response):
            flags += [f for f in response.flags.all() if f.status in SHOWN_FLAGS]
    return flags


def plan_rights(request, case, plan: Plan | None) -> dict:
    access = access_for(request.user)
    open_case = case.stage != Stage.CLOSED
    writable = access.may_work_on(case.office_id) and open_case
    status = plan.status if plan else None
    return {
        "can_create": writable and plan is None,
        "can_edit": writable and status == Plan.Status.DRAFT,
        "can_submit": writable and status == Plan.Status.DRAFT,
        "can_decide": access.may_supervise(case.office_id)
        and open_case
        and status == Plan.Status.AWAITING_APPROVAL
        and plan.submitted_by_id != request.user.pk,
        "can_agree": writable and status == Plan.Status.APPROVED,
        "can_revise": writable and status in (Plan.Status.APPROVED, Plan.Status.AGREED),
        "can_deliver": writable and status in (Plan.Status.APPROVED, Plan.Status.AGREED),
        "can_track": writable and status not in (None, Plan.Status.SUPERSEDED, Plan.Status.AWAITING_APPROVAL),
        "can_print": access.may_identify(case.office_id) and plan is not None,
        "identify": access.may_identify(case.office_id),
        "community_offices": readable_offices(request.user),  # where the user reads community projects
    }


def dimension_rows(activities, budget) -> list[dict]:
    rows = []
    for value, label in Dimension.choices:
        items = [a for a in activities if a.dimension == value]
        if items:
            rows.append(
                {"dimension": value, "label": label, "activities": items, "total": budget.by_dimension.get(value)}
            )
    return rows


def plan_context(request, case, plan: Plan | None, *, versions=None) -> dict:
    activities = plan_activities(plan) if plan else []
    budget = case_budget(case, plan, activities)
    for activity in activities:
        activity.converted = budget.by_activity.get(activity.pk)
        activity.spent = budget.spent_by_lineage.get(str(activity.lineage))
    rights = plan_rights(request, case, plan)
    score = baseline_score(case)
    due = due_date(case)
    approved_once = any(v.approved_at for v in versions or [])
    return {
        "plan": plan,
        "versions": versions if versions is not None else plans_of(case),
        "activity_rows": dimension_rows(activities, budget),
        "budget": budget,
        "baseline": score,
        "score_rows": [
            {
                "dimension": d,
                "baseline": getattr(score, d, None) if score else None,
                "target": plan.target_for(d) if plan else None,
            }
            for d in SCORE_DIMENSIONS
        ],
        "suggestions": suggestion_flags(request, case),
        "plan_due": due,
        "plan_late": bool(due and due < timezone.localdate() and not approved_once and case.stage != Stage.CLOSED),
        "delay_exceptions": delay_exceptions(case),
        "language": (get_language() or "en")[:2],
        "plan_forms": _forms(rights, case),
        "rights": rights,
        "approval_reasons": approval_reasons(plan, plan.submitted_total, plan.submitted_cash)
        if plan is not None and plan.status == Plan.Status.AWAITING_APPROVAL
        else [],
        "can_move_to_implementation": rights["can_track"]
        and plan is not None
        and plan.status in (Plan.Status.APPROVED, Plan.Status.AGREED)
        and case.stage == Stage.PLANNING,
    }


def _forms(rights, case) -> dict:
    forms = {}
    if rights["can_decide"]:
        forms["decide"] = plan_forms.NoteForm()
    if rights["can_create"] or rights["can_edit"] or rights["can_track"]:
        forms["delay"] = plan_forms.DelayExceptionForm()
    return forms


def plan_tab(request, case, identify) -> dict:
    versions = plans_of(case)
    current = next((v for v in versions if v.is_current), None)
    return plan_context(request, case, current, versions=versions)
