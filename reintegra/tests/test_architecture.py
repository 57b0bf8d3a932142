"""House rules that keep access control in one place (DESIGN.md §1)."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
CASE_MODELS = (
    r"(Case|Person|Household|Phone|IdentityDocument|NameKey|Consent|CaseNote|Task|StageChange|CaseTransfer"
    r"|Response|Flag|Score)"
)
DIRECT_ACCESS = re.compile(rf"\b{CASE_MODELS}\.objects\b")


def edge_modules():
    """HTML views and API modules: the edges that must go through selectors and services."""
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        if path.stem.startswith("views") or "views" in parts or path.stem == "api" or parts[0] == "api":
            yield path


def test_views_and_api_read_case_data_only_through_selectors():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in edge_modules()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if DIRECT_ACCESS.search(line)
    ]
    assert offenders == [], "Use reintegra.cases.selectors (scoped) instead of Model.objects in: " + ", ".join(
        offenders
    )


def test_the_guard_finds_a_direct_read():
    assert DIRECT_ACCESS.search("qs = Case.objects.filter(office=office)")
    assert not DIRECT_ACCESS.search("qs = cases_for(request.user)")


AUDIT_WRITE = re.compile(r"\b(audit_record|AuditEvent\.objects\.create)\b")


def test_views_and_api_write_audit_events_only_through_services():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in edge_modules()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if AUDIT_WRITE.search(line)
    ]
    assert offenders == [], "Write through a service that records the audit event, not from: " + ", ".join(offenders)
