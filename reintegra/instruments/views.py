"""Assessment pages (start, fill in, read, decide flags) and instrument administration (versions, downloads)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from reintegra.cases.selectors import case_for
from reintegra.cases.views.case_file import render_case_file
from reintegra.cases.views.common import case_page
from reintegra.instruments import selectors, services, webform
from reintegra.instruments.forms import FlagDecisionForm, StartForm, UploadForm, add_service_errors
from reintegra.instruments.models import Response
from reintegra.instruments.xlsform import source_to_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language() -> str:
    return (get_language() or "en")[:2]


def _response_url(response) -> str:
    return reverse("instruments:response", args=[response.pk])


# --- Assessments of a case ---------------------------------------------------------------------


@case_page
@require_POST
def response_start(request, number):
    case = case_for(request.user, number)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            response = services.response_start(actor=request.user, case=case, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_response_url(response))
    return render_case_file(request, case, tab="assessments", status=400, bound={"start": form})


@case_page
def response_page(request, pk):
    response = selectors.response_for(request.user, pk)
    access = selectors.user_access(request.user)
    editable = response.status == Response.Status.DRAFT and access.may_work_on(response.case.office_id)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(gettext("This assessment cannot be changed."))
        return _save(request, response)
    if editable:
        return _render_form(request, response, response.answers, {})
    return _render_read_only(request, response)


def _save(request, response):
    form = services.form_for(response.instrument_version)
    raw, counts = webform.raw_from_post(form, request.POST)
    if request.POST.get("add"):
        return _render_form(request, response, raw, {}, counts=counts)
    submit = "submit" in request.POST
    try:
        services.response_save(actor=request.user, response=response, answers=raw, submit=submit)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return _render_form(request, response, raw, errors, counts=counts, status=400)
    messages.success(request, gettext("The assessment was submitted.") if submit else gettext("The draft was saved."))
    return redirect(_response_url(response))


def _render_form(request, response, answers, errors, *, counts=None, status=200):
    form = services.form_for(response.instrument_version)
    flat_errors = {key: " ".join(value) if isinstance(value, list) else value for key, value in errors.items()}
    context = {
        "response": response,
        "case": response.case,
        "nodes": webform.nodes(form, answers, flat_errors, _language(), counts),
        "form_errors": flat_errors.get("__all__", ""),
        "error_count": len(flat_errors),
        "title": response.instrument_version.instrument.title(_language()),
    }
    return render(request, "instruments/response_form.html", context, status=status)


def _render_read_only(request, response, *, flag_forms=None, status=200):
    access = selectors.user_access(request.user)
    form = services.form_for(response.instrument_version)
    visible = selectors.visible_answers(access, response, form)
    rows = None
    if visible is not None:
        rows = selectors.answer_rows(form, visible, coded_only=False, language=_language())
    writable = access.may_work_on(response.case.office_id)
    flags = selectors.flags_of(response) if visible is not None else []
    context = {
        "response": response,
        "case": response.case,
        "identify": access.may_identify(response.case.office_id),
        "rows": rows,
        "coded_only": visible is not None and not selectors.may_see_free_text(access, response),
        "flags": flags,
        "writable": writable,
        "flag_forms": flag_forms or {},
        "title": response.instrument_version.instrument.title(_language()),
        "language": _language(),
    }
    return render(request, "instruments/response_detail.html", context, status=status)


@case_page
@require_POST
def flag_decide(request, pk, flag_pk):
    response = selectors.response_for(request.user, pk)
    flag = selectors.flag_for(request.user, response, flag_pk)
    form = FlagDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.flag_decide(actor=request.user, flag=flag, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The decision on the flag was recorded."))
            return redirect(_response_url(response))
    return _render_read_only(request, response, flag_forms={flag.pk: form}, status=400)


# --- Instruments and versions -------------------------------------------------------------------


def _require_viewer(request) -> None:
    if not selectors.may_view_instruments(selectors.user_access(request.user)):
        raise Http404


def _require_administrator(request) -> None:
    if not selectors.user_access(request.user).administer:
        raise PermissionDenied(gettext("Only an administrator may change instruments."))


@case_page
def instrument_list(request):
    _require_viewer(request)
    context = {
        "instruments": selectors.instruments(),
        "administer": bool(selectors.user_access(request.user).administer),
        "language": _language(),
    }
    return render(request, "instruments/instrument_list.html", context)


@case_page
def instrument_upload(request, code):
    _require_viewer(request)
    _require_administrator(request)
    instrument = selectors.instrument_by_code(code)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_create(
                actor=request.user,
                instrument=instrument,
                source=form.cleaned_data["source"],
                source_format="xlsx",
                flags_text=form.cleaned_data["flags"],
                note=form.cleaned_data["note"],
                make_current=form.cleaned_data["make_current"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Version %(version)s was added.") % {"version": version.version})
            return redirect("instruments:list")
    status = 400 if request.method == "POST" else 200
    context = {"instrument": instrument, "form": form, "language": _language()}
    return render(request, "instruments/instrument_upload.html", context, status=status)


@case_page
@require_POST
def version_make_current(request, code, version):
    _require_viewer(request)
    _require_administrator(request)
    found = selectors.version_by_code(code, version)
    services.version_set_current(actor=request.user, version=found)
    messages.success(request, gettext("Version %(version)s is now used for new assessments.") % {"version": version})
    return redirect("instruments:list")


@case_page
def version_xlsform(request, code, version):
    _require_viewer(request)
    found = selectors.version_by_code(code, version)
    content = source_to_xlsx(found.source, found.source_format)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{code}-{found.version}.xlsx"'
    return response


@case_page
def version_xform(request, code, version):
    _require_viewer(request)
    found = selectors.version_by_code(code, version)
    response = HttpResponse(found.xform, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-{found.version}.xml"'
    return response
