"""Directory pages: search, organisations, services, agreements, expiry list, XLSX import and export.

Each view: access helper -> form -> service -> render/redirect. Reads go through selectors;
entries outside the reader's scope are 404; refused writes show a translated 403 page.
"""

import os
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from reintegra.cases.views.common import form_page
from reintegra.directory import selectors, services, xlsx
from reintegra.directory.access import directory_access
from reintegra.directory.forms import (
    AgreementForm,
    ImportForm,
    OrganisationForm,
    SearchForm,
    ServiceForm,
    add_service_errors,
)
from reintegra.directory.imports import directory_import
from reintegra.directory.models import EXPIRY_WARNING_DAYS, Service

PAGE_SIZE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def directory_page(view):
    """Signed-in readers of the directory only; a refusal is a translated 403 page, never a 500."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            if not directory_access(request.user).can_read:
                raise PermissionDenied(gettext("Your roles give you no access to the service directory."))
            return view(request, *args, **kwargs)
        except PermissionDenied as refusal:
            message = str(refusal) or gettext("You are not allowed to do this.")
            return render(request, "directory/forbidden.html", {"message": message}, status=403)

    return wrapped


def _render(request, template: str, context: dict, status: int = 200):
    """Render a directory page; the menu shows the import link to managers."""
    return render(request, template, {"can_manage": _can_manage(request), **context}, status=status)


def _require_manager_of(request, organisation) -> None:
    if not directory_access(request.user).may_manage(organisation):
        raise PermissionDenied(gettext("You may not change this organisation's entries."))


def _save(request, form, action, success, *, template, context):
    """A directory create/edit page (the menu needs `can_manage`)."""
    return form_page(request, form, action, success, template=template, context=context, render_page=_render)


@directory_page
def search(request):
    form = SearchForm(request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.search_services(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {"form": form, "page": page, "filter_query": kept.urlencode()}
    template = "directory/search.html#results" if request.htmx and not request.htmx.boosted else "directory/search.html"
    return _render(request, template, context)


def _can_manage(request) -> bool:
    return directory_access(request.user).can_manage


@directory_page
def organisation_list(request):
    organisations = (
        selectors.organisations_for(request.user)
        .select_related("office")
        .annotate(service_count=Count("services"))
        .order_by("name")
    )
    return _render(request, "directory/organisation_list.html", {"organisations": organisations})


@directory_page
def organisation_detail(request, pk):
    organisation = selectors.organisation_for(request.user, pk)
    context = {
        "organisation": organisation,
        "services": selectors.with_details(organisation.services.order_by("name")),
        "agreements": organisation.agreements.prefetch_related("services").order_by("-start_date"),
        "may_manage": directory_access(request.user).may_manage(organisation),
    }
    return _render(request, "directory/organisation_detail.html", context)


@directory_page
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    if not _can_manage(request):
        raise PermissionDenied(gettext("You may not add organisations to the directory."))
    form = OrganisationForm(request.POST or None, user=request.user)
    return _save(
        request,
        form,
        lambda f: services.organisation_create(actor=request.user, data=f.to_input()),
        gettext("The organisation was added."),
        template="directory/organisation_form.html",
        context={"organisation": None},
    )


@directory_page
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = selectors.organisation_for(request.user, pk)
    _require_manager_of(request, organisation)
    form = OrganisationForm(request.POST or None, user=request.user, instance=organisation)
    return _save(
        request,
        form,
        lambda f: services.organisation_update(actor=request.user, organisation=organisation, data=f.to_input()),
        gettext("The organisation was updated."),
        template="directory/organisation_form.html",
        context={"organisation": organisation},
    )


@directory_page
def service_detail(request, pk):
    service = selectors.service_for(request.user, pk)
    context = {
        "service": service,
        "agreements": service.organisation.agreements.order_by("-start_date"),
        "response_days": selectors.first_response_days(service),
        "may_manage": directory_access(request.user).may_manage(service.organisation),
    }
    return _render(request, "directory/service_detail.html", context)


@directory_page
@require_http_methods(["GET", "POST"])
def service_create(request, pk):
    organisation = selectors.organisation_for(request.user, pk)
    _require_manager_of(request, organisation)
    form = ServiceForm(request.POST or None, instance=Service(organisation=organisation))
    return _save(
        request,
        form,
        lambda f: services.service_create(actor=request.user, organisation=organisation, data=f.to_input()),
        gettext("The service was added."),
        template="directory/service_form.html",
        context={"organisation": organisation, "service": None},
    )


@directory_page
@require_http_methods(["GET", "POST"])
def service_edit(request, pk):
    service = selectors.service_for(request.user, pk)
    _require_manager_of(request, service.organisation)
    form = ServiceForm(request.POST or None, instance=service)
    return _save(
        request,
        form,
        lambda f: services.service_update(actor=request.user, service=service, data=f.to_input()),
        gettext("The service was updated."),
        template="directory/service_form.html",
        context={"organisation": service.organisation, "service": service},
    )


@directory_page
@require_http_methods(["GET", "POST"])
def agreement_create(request, pk):
    organisation = selectors.organisation_for(request.user, pk)
    _require_manager_of(request, organisation)
    form = AgreementForm(request.POST or None, request.FILES or None, organisation=organisation)
    return _save(
        request,
        form,
        lambda f: services.agreement_create(actor=request.user, organisation=organisation, data=f.to_input()),
        gettext("The agreement was added."),
        template="directory/agreement_form.html",
        context={"organisation": organisation, "agreement": None},
    )


@directory_page
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    organisation = agreement.organisation
    _require_manager_of(request, organisation)
    form = AgreementForm(request.POST or None, request.FILES or None, organisation=organisation, instance=agreement)
    return _save(
        request,
        form,
        lambda f: services.agreement_update(actor=request.user, agreement=agreement, data=f.to_input()),
        gettext("The agreement was updated."),
        template="directory/agreement_form.html",
        context={"organisation": organisation, "agreement": agreement},
    )


@directory_page
def agreement_document(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    if not agreement.document:
        raise Http404
    try:
        handle = agreement.document.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(agreement.document.name))


@directory_page
def agreements_expiring(request):
    today = timezone.localdate()
    agreements = list(selectors.agreements_expiring(request.user, today=today))
    for agreement in agreements:
        agreement.days_left = (agreement.end_date - today).days
    context = {"agreements": agreements, "days": EXPIRY_WARNING_DAYS}
    return _render(request, "directory/agreements_expiring.html", context)


@directory_page
@require_http_methods(["GET", "POST"])
def import_upload(request):
    if not _can_manage(request):
        raise PermissionDenied(gettext("You may not import into the directory."))
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            record = directory_import(actor=request.user, upload=form.cleaned_data["file"], **_import_options(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("directory:import_report", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "directory/import.html", {"form": form, "columns": xlsx.COLUMNS}, status=status)


def _import_options(form) -> dict:
    return {"office": form.cleaned_data["office"], "dry_run": form.cleaned_data["dry_run"]}


@directory_page
def import_report(request, pk):
    record = selectors.import_for(request.user, pk)
    return _render(request, "directory/import_report.html", {"record": record, "rows": record.report.get("rows", [])})


@directory_page
def export(request):
    filters = SearchForm(request.GET or None).filters()
    services_qs = selectors.search_services(request.user, filters)
    rows = [(service.organisation, service) for service in services_qs]
    if filters == selectors.ServiceFilters(include_inactive=filters.include_inactive):
        bare = selectors.organisations_for(request.user).filter(services__isnull=True).order_by("name")
        rows += [(organisation, None) for organisation in bare]
    services.record_directory_export(actor=request.user, rows=len(rows), filters=request.GET.urlencode())
    response = HttpResponse(xlsx.write_workbook(rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="directory-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response
