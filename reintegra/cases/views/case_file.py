"""The case file: header with actions, and one tab at a time (profile, household, consent, ...)."""

import os

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reintegra.accounts.access import access_for
from reintegra.audit.models import AuditEvent
from reintegra.cases import forms as case_forms
from reintegra.cases.models import ConsentPurpose, ConsentStatus, Stage, Task
from reintegra.cases.selectors import case_for, cases_for, current_consents
from reintegra.cases.services import allowed_stage_moves, case_viewed
from reintegra.cases.views.common import case_page
from reintegra.children.case_tab import best_interests_tab, may_see_tab
from reintegra.community.case_tab import community_tab
from reintegra.instruments.case_tab import assessments_tab
from reintegra.plans.case_tab import plan_tab
from reintegra.referrals.case_tab import referrals_tab

TABS = [
    ("profile", _("Profile")),
    ("household", _("Household")),
    ("consent", _("Consent")),
    ("notes", _("Notes")),
    ("tasks", _("Tasks")),
    ("assessments", _("Assessments")),
    ("plan", _("Plan")),
    ("referrals", _("Referrals")),
    ("best_interests", _("Best interests")),
    ("community", _("Community projects")),
    ("history", _("History")),
]
ALERT_PURPOSES = (ConsentPurpose.PROCESSING, ConsentPurpose.SHARING, ConsentPurpose.MONITORING)
HISTORY_LIMIT = 200


@case_page
def case_detail(request, number):
    case = case_for(request.user, number)
    case_viewed(actor=request.user, case=case)
    tab = request.GET.get("tab", "profile")
    return render_case_file(request, case, tab=tab if tab in dict(TABS) else "profile")


@case_page
def consent_document(request, number, pk):
    case = case_for(request.user, number)
    if not access_for(request.user).may_identify(case.office_id):
        raise Http404
    consent = case.consents.filter(pk=pk).exclude(document="").first()
    if consent is None:
        raise Http404
    try:
        handle = consent.document.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(consent.document.name))


def render_case_file(request, case, *, tab="profile", status=200, bound=None):
    """The case file page; `bound` replaces default forms with submitted ones that carry errors."""
    access = access_for(request.user)
    rights = {
        "identify": access.may_identify(case.office_id),
        "writable": access.may_work_on(case.office_id),
        "supervise": access.may_supervise(case.office_id),
    }
    consents = current_consents(case)
    tabs = [(key, label) for key, label in TABS if key != "best_interests" or may_see_tab(request.user, case)]
    tab = tab if tab in dict(tabs) else "profile"
    context = {
        "case": case,
        "person": case.person,
        "tab": tab,
        "tabs": tabs,
        "closed": case.stage == Stage.CLOSED,
        "consent_rows": [(ConsentPurpose(purpose).label, consent) for purpose, consent in consents.items()],
        "consent_alerts": consent_alerts(consents),
        "stage_moves": _stage_moves(case) if rights["writable"] else [],
        "forms": {**default_forms(case, tab, **rights), **(bound or {})},
        **rights,
        **TAB_CONTEXT[tab](request, case, rights["identify"]),
    }
    partial = request.htmx and request.htmx.target == "case-section"
    template = "cases/case_detail.html#section" if partial else "cases/case_detail.html"
    return render(request, template, context, status=status)


def _stage_moves(case) -> list[dict]:
    order = Stage.values
    return [
        {"stage": stage, "label": Stage(stage).label, "back": order.index(stage) < order.index(case.stage)}
        for stage in allowed_stage_moves(case)
    ]


def consent_alerts(consents) -> list[str]:
    alerts = []
    for purpose in ALERT_PURPOSES:
        consent = consents.get(purpose)
        if consent is None:
            continue
        values = {
            "purpose": ConsentPurpose(purpose).label,
            "date": date_format(consent.decided_on, "SHORT_DATE_FORMAT"),
        }
        if consent.status == ConsentStatus.REFUSED:
            alerts.append(gettext("Consent refused on %(date)s: %(purpose)s.") % values)
        elif consent.status == ConsentStatus.WITHDRAWN:
            alerts.append(gettext("Consent withdrawn on %(date)s: %(purpose)s.") % values)
    if consents.get(ConsentPurpose.PROCESSING) is None:
        alerts.append(gettext("No consent to processing for case management has been recorded yet."))
    return alerts


def default_forms(case, tab, *, identify, writable, supervise) -> dict:
    """Unbound forms for what this user may do now (only those the page will show)."""
    open_case = case.stage != Stage.CLOSED
    forms = {}
    if writable and open_case:
        forms["stage"] = case_forms.StageMoveForm()
        forms["transfer"] = case_forms.TransferForm(case=case)
        forms["close"] = case_forms.CloseForm()
    if supervise:
        forms["assign"] = case_forms.AssignForm(case=case)
        if not open_case:
            forms["reopen"] = case_forms.ReopenForm()
    if writable:
        tab_forms = {
            "household": lambda: case_forms.HouseholdMemberForm(),
            "consent": lambda: case_forms.ConsentForm(),
            "notes": lambda: case_forms.NoteForm(),
            "tasks": lambda: case_forms.TaskForm(case=case) if open_case else None,
        }
        if tab in tab_forms:
            forms[tab] = tab_forms[tab]()
    return forms


def _profile(request, case, identify):
    person = case.person
    other_cases = cases_for(request.user).filter(person_id=person.pk).exclude(pk=case.pk).select_related("office")
    return {
        "phones": list(person.phones.all()) if identify else [],
        "documents": list(person.documents.all()) if identify else [],
        "other_cases": list(other_cases.order_by("-id")[:20]),
    }


def _household(request, case, identify):
    person = case.person
    members = person.household.members.exclude(pk=person.pk).order_by("id") if person.household_id else []
    return {"members": list(members)}


def _consent(request, case, identify):
    return {"consent_history": list(case.consents.select_related("recorded_by"))}


def _notes(request, case, identify):
    return {"notes": list(case.notes.select_related("author"))}


def _tasks(request, case, identify):
    tasks = list(case.tasks.select_related("assignee"))
    today = timezone.localdate()
    for task in tasks:
        task.overdue = task.status == Task.Status.OPEN and task.due_date < today
    return {
        "open_tasks": [t for t in tasks if t.status == Task.Status.OPEN],
        "other_tasks": [t for t in tasks if t.status != Task.Status.OPEN],
    }


def _history(request, case, identify):
    events = case.audit_events.exclude(event_type=AuditEvent.Type.CASE_VIEWED).select_related("actor")
    return {
        "stage_changes": list(case.stage_changes.select_related("actor")),
        "events": list(events[:HISTORY_LIMIT]),
        "history_limit": HISTORY_LIMIT,
    }


TAB_CONTEXT = {
    "profile": _profile,
    "household": _household,
    "consent": _consent,
    "notes": _notes,
    "tasks": _tasks,
    "assessments": assessments_tab,
    "plan": plan_tab,
    "referrals": referrals_tab,
    "best_interests": best_interests_tab,
    "community": community_tab,
    "history": _history,
}
