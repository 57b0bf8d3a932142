"""The plan pages and API read plan data through the scoped selectors, like the rest of the app."""

import re
from pathlib import Path

PLANS = Path(__file__).resolve().parent.parent
DIRECT = re.compile(r"\b(Plan|Activity|Disbursement|PlanDelayException)\.objects\b")


def test_plan_views_and_api_read_plan_data_only_through_selectors():
    offenders = [
        f"{path.name}:{n}"
        for path in (PLANS / "views.py", PLANS / "api.py", PLANS / "case_tab.py", PLANS / "pdf.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if DIRECT.search(line)
    ]
    assert offenders == []


def test_weasyprint_is_imported_lazily():
    """The application starts without Pango: only pdf.render_document imports WeasyPrint."""
    for path in PLANS.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for line in path.read_text().splitlines():
            if "import weasyprint" in line or "from weasyprint" in line:
                assert line.startswith("    "), f"{path.name}: top-level WeasyPrint import"
