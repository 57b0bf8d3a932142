"""API for instruments and assessments (mounted on the project's NinjaAPI in reintegra/api/main.py).

Reads go through `reintegra.instruments.selectors`, writes through `reintegra.instruments.services`.
Answers follow the shared format (flat dict keyed by question name; repeats as lists of dicts).
Validation errors of answers come back as 400 with `errors` keyed by question name
(`repeat.index.name` inside a repeat).
"""

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status

from reintegra.api.common import actor
from reintegra.api.schemas import ErrorOut
from reintegra.cases.selectors import case_for
from reintegra.instruments import selectors, services
from reintegra.instruments.models import InterviewMode, Occasion, Response
from reintegra.instruments.xlsform import source_to_xlsx

router = Router(tags=["assessments"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class VersionOut(Schema):
    version: str
    is_current: bool
    created_at: datetime
    note: str


class InstrumentOut(Schema):
    code: str
    kind: str
    title: str
    sensitive: bool
    current_version: str | None
    versions: list[VersionOut]


class FlagOut(Schema):
    id: int
    code: str
    label: str
    suggestion: str
    status: str
    reason: str


class ResponseOut(Schema):
    id: int
    case: str
    instrument: str
    version: str
    occasion: str
    occasion_number: int
    interview_date: date
    mode: str
    interviewer: str | None
    interviewer_name: str
    status: str
    source: str
    submitted_at: datetime | None
    answers_hidden: bool = Field(description="True when the user's role may not read this instrument's answers.")
    coded_only: bool = Field(description="True when free text and dates are left out (pseudonymised roles).")
    answers: dict[str, Any] | None
    flags: list[FlagOut]


class ResponseIn(Schema):
    instrument: str = Field(max_length=40, description="Instrument code, e.g. rss.")
    version: str | None = Field(None, max_length=40, description="Defaults to the current version.")
    occasion: Occasion
    occasion_number: int = Field(0, ge=0, le=99)
    interview_date: date
    mode: InterviewMode = InterviewMode.IN_PERSON
    interviewer_name: str = Field("", max_length=120)
    answers: dict[str, Any] = Field(default_factory=dict)
    submit: bool = Field(False, description="Submit now (all checks, flags raised) or keep a draft.")


def _language() -> str:
    return (get_language() or "en")[:2]


def response_out(user, response: Response) -> dict:
    access = selectors.user_access(user)
    version = response.instrument_version
    answers = selectors.visible_answers(access, response, services.form_for(version))
    flags = sorted(response.flags.all(), key=lambda f: f.code) if answers is not None else []
    language = _language()
    return {
        "id": response.pk,
        "case": response.case.number,
        "instrument": version.instrument.code,
        "version": version.version,
        "occasion": response.occasion,
        "occasion_number": response.occasion_number,
        "interview_date": response.interview_date,
        "mode": response.mode,
        "interviewer": response.interviewer.username if response.interviewer else None,
        "interviewer_name": response.interviewer_name,
        "status": response.status,
        "source": response.source,
        "submitted_at": response.submitted_at,
        "answers_hidden": answers is None,
        "coded_only": answers is not None and not selectors.may_see_free_text(access, response),
        "answers": answers,
        "flags": [
            {
                "id": f.pk,
                "code": f.code,
                "label": f.label(language),
                "suggestion": f.suggestion(language),
                "status": f.status,
                "reason": f.reason if access.may_identify(response.case.office_id) else "",
            }
            for f in flags
        ],
    }


@router.get(
    "/cases/{number}/responses", response={200: list[ResponseOut], **ERRORS}, summary="List a case's assessments"
)
def case_responses(request, number: str):
    user = actor(request)
    case = case_for(user, number)
    return [response_out(user, r) for r in selectors.case_responses(case)]


@router.post("/cases/{number}/responses", response={201: ResponseOut, **ERRORS}, summary="Record an assessment")
def case_response_create(request, number: str, payload: ResponseIn):
    """Create a draft, or submit directly (`submit: true`); answers are validated on the server."""
    user = actor(request)
    case = case_for(user, number)
    found = (
        selectors.version_by_code(payload.instrument, payload.version)
        if payload.version
        else selectors.current_version(payload.instrument)
    )
    response = services.response_record(
        actor=user,
        case=case,
        version=found,
        answers=payload.answers,
        submit=payload.submit,
        occasion=payload.occasion,
        occasion_number=payload.occasion_number,
        interview_date=payload.interview_date,
        mode=payload.mode,
        interviewer_name=payload.interviewer_name,
        source=Response.Source.API,
    )
    return Status(201, response_out(user, selectors.response_for(user, response.pk)))


@router.get("/responses/{response_id}", response={200: ResponseOut, **ERRORS}, summary="Read an assessment")
def response_detail(request, response_id: int):
    user = actor(request)
    if not 0 < response_id < 2**31:
        raise Http404
    return response_out(user, selectors.response_for(user, response_id))


def _require_viewer(request) -> None:
    if not selectors.may_view_instruments(selectors.user_access(actor(request))):
        raise Http404


@router.get("/instruments", response={200: list[InstrumentOut], **ERRORS}, summary="List instruments")
def instrument_list(request):
    _require_viewer(request)
    language = _language()
    result = []
    for instrument in selectors.instruments():
        versions = list(instrument.versions.all())
        current = next((v.version for v in versions if v.is_current), None)
        result.append(
            {
                "code": instrument.code,
                "kind": instrument.kind,
                "title": instrument.title(language),
                "sensitive": instrument.sensitive,
                "current_version": current,
                "versions": versions,
            }
        )
    return result


@router.get("/instruments/{code}/versions/{version}/xlsform", response={200: None, **ERRORS}, summary="XLSForm (.xlsx)")
def version_xlsform(request, code: str, version: str):
    _require_viewer(request)
    found = selectors.version_by_code(code, version)
    response = HttpResponse(source_to_xlsx(found.source, found.source_format), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{found.instrument.code}-{found.version}.xlsx"'
    return response


@router.get("/instruments/{code}/versions/{version}/xform", response={200: None, **ERRORS}, summary="XForm (XML)")
def version_xform(request, code: str, version: str):
    _require_viewer(request)
    found = selectors.version_by_code(code, version)
    response = HttpResponse(found.xform, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.instrument.code}-{found.version}.xml"'
    return response
