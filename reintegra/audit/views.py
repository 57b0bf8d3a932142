"""The audit-trail browser: read-only, scoped, filtered, paginated by keyset."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reintegra.audit import selectors
from reintegra.audit.forms import AuditFilterForm


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """Supervisors, programme managers and administrators: the events of their offices; others 404."""
    selectors.require_audit_access(request.user)
    form = AuditFilterForm(request.GET or None, offices=selectors.offices_for_filter(request.user))
    if form.is_bound and not form.is_valid():
        return render(request, "audit/list.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    filters = selectors.AuditFilters(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        event_type=data.get("event_type", ""),
        actor=data.get("actor", ""),
        case_number=data.get("case", ""),
        office_id=data.get("office"),
    )
    page = selectors.audit_page(request.user, filters, cursor=request.GET.get("after", ""))
    return render(request, "audit/list.html", {"form": form, "page": page})
