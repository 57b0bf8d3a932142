"""The caseload list and the overdue-task list."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from reintegra.accounts.access import access_for
from reintegra.cases.forms import CaseloadFilterForm
from reintegra.cases.selectors import caseload as caseload_query
from reintegra.cases.selectors import tasks_overdue_for
from reintegra.cases.views.common import case_page

OVERDUE_LIMIT = 300


def keyset_page(qs, params, size: int) -> dict:
    """One page of a newest-first list without COUNT: fetch size + 1 rows after or before a case id."""
    after, before = _int(params.get("after")), _int(params.get("before"))
    if before is not None:
        rows = list(qs.filter(pk__gt=before).order_by("pk")[: size + 1])
        has_previous, has_next = len(rows) > size, True
        rows = list(reversed(rows[:size]))
    else:
        if after is not None:
            qs = qs.filter(pk__lt=after)
        rows = list(qs.order_by("-pk")[: size + 1])
        has_previous, has_next = after is not None, len(rows) > size
        rows = rows[:size]
    return {
        "rows": rows,
        "next_after": rows[-1].pk if rows and has_next else None,
        "previous_before": rows[0].pk if rows and has_previous else None,
    }


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filter_query(params) -> str:
    """The current filters as a query string, without the page position (for pager links)."""
    kept = params.copy()
    for name in ("after", "before"):
        kept.pop(name, None)
    return kept.urlencode()


@case_page
def caseload(request):
    access = access_for(request.user)
    form = CaseloadFilterForm(request.GET or None, access=access)
    page = keyset_page(caseload_query(request.user, **form.filters()), request.GET, settings.CASES_PAGE_SIZE)
    for case in page["rows"]:
        case.show_identity = access.may_identify(case.office_id)
    context = {"form": form, "page": page, "filter_query": _filter_query(request.GET), "today": timezone.localdate()}
    template = "cases/caseload.html#results" if request.htmx and not request.htmx.boosted else "cases/caseload.html"
    return render(request, template, context)


@case_page
def tasks_overdue(request):
    access = access_for(request.user)
    tasks = list(tasks_overdue_for(request.user)[: OVERDUE_LIMIT + 1])
    for task in tasks:
        task.show_identity = access.may_identify(task.case.office_id)
    context = {"tasks": tasks[:OVERDUE_LIMIT], "truncated": len(tasks) > OVERDUE_LIMIT, "limit": OVERDUE_LIMIT}
    return render(request, "cases/tasks_overdue.html", context)
