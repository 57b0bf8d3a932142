"""Reads of the best-interests procedure. Views and the API use these, never Model.objects.

Two levels of reading (DESIGN.md §3, children brief): child-protection specialists and supervisors or
programme managers of the case's office read everything (`FULL`); the case manager assigned to the
child case reads only the status and the decision (`SUMMARY`). Everyone else gets 404.
"""

from django.db.models import Prefetch
from django.http import Http404

from reintegra.accounts.access import access_for
from reintegra.cases.models import Case
from reintegra.cases.selectors import case_for
from reintegra.children.models import Determination, Procedure

FULL = "full"
SUMMARY = "summary"


def bip_level(user, case: Case) -> str | None:
    """How much of the case's best-interests procedure the user may read: FULL, SUMMARY or None."""
    if not case.is_child:
        return None
    access = access_for(user)
    if case.office_id in access.child or access.may_supervise(case.office_id):
        return FULL
    if case.office_id in access.casework and case.assigned_to_id == user.pk:
        return SUMMARY
    return None


def bip_case(user, number: str) -> tuple[Case, str]:
    """The child case and the user's reading level; 404 when the case or its procedure is out of reach."""
    case = case_for(user, number)
    level = bip_level(user, case)
    if level is None:
        raise Http404
    return case, level


def _procedures(case: Case):
    """The case's procedures with what the page shows."""
    return (
        Procedure.objects.filter(case=case)
        .select_related("assessment", "opened_by", "closed_by")
        .prefetch_related(
            "steps",
            Prefetch("determinations", queryset=Determination.objects.select_related("recorded_by", "superseded_by")),
        )
    )


def current_procedure(case: Case) -> Procedure | None:
    """The open procedure, else the latest closed one (still readable), with what the page shows."""
    base = _procedures(case)
    return base.filter(closed_at__isnull=True).first() or base.order_by("-closed_at", "-id").first()


def procedure_of(case: Case, pk: int) -> Procedure:
    """One procedure of the case (an earlier one stays readable); 404 when it belongs elsewhere."""
    procedure = _procedures(case).filter(pk=pk).first()
    if procedure is None:
        raise Http404
    return procedure


def case_procedures(case: Case) -> list[dict]:
    """All the case's procedures, newest first, each with its determination in force."""
    rows = (
        Procedure.objects.filter(case=case)
        .select_related("closed_by")
        .prefetch_related(
            Prefetch("determinations", queryset=Determination.objects.select_related("superseded_by")),
        )
    )
    return [{"procedure": p, "determination": current_determination(p)} for p in rows]


def open_procedure(case: Case) -> Procedure | None:
    return Procedure.objects.filter(case=case, closed_at__isnull=True).first()


def current_determination(procedure: Procedure | None) -> Determination | None:
    """The determination in force: the latest one not superseded by a review."""
    if procedure is None:
        return None
    rows = [d for d in procedure.determinations.all() if not _superseded(d)]
    return max(rows, key=lambda d: d.pk, default=None)


def _superseded(determination: Determination) -> bool:
    try:
        determination.superseded_by  # noqa: B018 -- the reverse one-to-one raises when absent
    except Determination.DoesNotExist:
        return False
    return True


def latest_case_determination(case: Case) -> Determination | None:
    """The case's determination in force across its procedures (for the transfer rule)."""
    return (
        Determination.objects.filter(procedure__case=case, superseded_by__isnull=True)
        .order_by("-recorded_at", "-id")
        .first()
    )
