"""HTML pages of the cases app (server-rendered, htmx where it helps)."""

from reintegra.cases.views.actions import (
    case_assign,
    case_close,
    case_reopen,
    case_stage,
    case_transfer,
    consent_add,
    household_add,
    note_add,
    task_add,
    task_status,
)
from reintegra.cases.views.case_file import case_detail, consent_document
from reintegra.cases.views.caseload import caseload, tasks_overdue
from reintegra.cases.views.edit import case_edit, person_edit
from reintegra.cases.views.registration import register

__all__ = [
    "case_assign",
    "case_close",
    "case_detail",
    "case_edit",
    "case_reopen",
    "case_stage",
    "case_transfer",
    "caseload",
    "consent_add",
    "consent_document",
    "household_add",
    "note_add",
    "person_edit",
    "register",
    "task_add",
    "task_status",
    "tasks_overdue",
]
