"""Scoped reads of assessments. Views and the API read responses and flags only through these.

Who sees what: users who see a case see that its assessments exist. Identifying roles read the
answers and flags. Pseudonymised roles (M&E) read coded answers (choices and numbers, never
free text or dates) of non-sensitive instruments only; of a sensitive instrument they see only
that a response exists.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from reintegra.accounts.access import Access, access_for
from reintegra.cases.models import Case
from reintegra.cases.selectors import cases_for
from reintegra.instruments.engine import FormModel, Question, coded
from reintegra.instruments.models import Flag, Instrument, InstrumentVersion, Response


def responses_for(user) -> QuerySet[Response]:
    """Responses of the cases the user may see."""
    return Response.objects.filter(case__in=cases_for(user).values("pk"))


def response_for(user, pk: int) -> Response:
    """One response, or 404 outside the user's scope."""
    response = (
        responses_for(user)
        .select_related("case__person", "case__office", "instrument_version__instrument", "interviewer", "created_by")
        .filter(pk=pk)
        .first()
    )
    if response is None:
        raise Http404
    return response


def case_responses(case: Case) -> list[Response]:
    """The responses of a case already in the user's scope, newest first, with their flags."""
    return list(
        case.responses.select_related("instrument_version__instrument", "interviewer").prefetch_related(
            Prefetch("flags", queryset=Flag.objects.order_by("code"))
        )
    )


def flags_of(response: Response) -> list[Flag]:
    return list(Flag.objects.filter(response=response).select_related("decided_by").order_by("code"))


def flag_for(user, response: Response, pk: int) -> Flag:
    """A flag of a response the user may see (the response comes from response_for)."""
    flag = Flag.objects.filter(response=response, pk=pk).select_related("case__office").first()
    if flag is None or not cases_for(user).filter(pk=flag.case_id).exists():
        raise Http404
    return flag


def may_see_answers(access: Access, response: Response) -> bool:
    """Identifying roles: yes. Pseudonymised roles: coded answers of non-sensitive instruments only."""
    office_id = response.case.office_id
    if access.may_identify(office_id):
        return True
    return office_id in access.pseudonymised and not response.instrument_version.instrument.sensitive


def may_see_free_text(access: Access, response: Response) -> bool:
    return access.may_identify(response.case.office_id)


def may_view_instruments(access: Access) -> bool:
    return bool(access.administer or access.sees_cases)


def instruments() -> list[Instrument]:
    return list(
        Instrument.objects.prefetch_related(
            Prefetch(
                "versions",
                queryset=InstrumentVersion.objects.defer("source", "definition", "xform").order_by("-created_at"),
            )
        )
    )


def current_versions() -> list[InstrumentVersion]:
    """The version each instrument uses for new assessments, in page order."""
    return list(
        InstrumentVersion.objects.filter(is_current=True)
        .select_related("instrument")
        .defer("source", "xform")
        .order_by("instrument__ordering", "instrument__code")
    )


def instrument_by_code(code: str) -> Instrument:
    instrument = Instrument.objects.filter(code=code).first()
    if instrument is None:
        raise Http404
    return instrument


def version_by_code(code: str, version: str) -> InstrumentVersion:
    found = (
        InstrumentVersion.objects.select_related("instrument").filter(instrument__code=code, version=version).first()
    )
    if found is None:
        raise Http404
    return found


def current_version(code: str) -> InstrumentVersion:
    found = (
        InstrumentVersion.objects.select_related("instrument").filter(instrument__code=code, is_current=True).first()
    )
    if found is None:
        raise Http404
    return found


@dataclass
class AnswerRow:
    """One answer as shown: a heading (group), a question with its displayed value, or a repeat table."""

    kind: str  # "heading" | "answer" | "repeat"
    label: str
    value: str = ""
    name: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def display_value(question: Question, value, language: str | None = None) -> str:
    if value is None or value == "" or value == []:
        return ""
    if question.type == "select_one":
        return question.choice_label(str(value), language)
    if question.type == "select_multiple":
        return ", ".join(question.choice_label(v, language) for v in value)
    return str(value)


def answer_rows(form: FormModel, answers: dict, *, coded_only: bool, language: str | None = None) -> list[AnswerRow]:
    """The answers in document order, with labels; `coded_only` keeps choices and numbers only."""
    rows: list[AnswerRow] = []

    def shown(question: Question) -> bool:
        return not coded_only or coded(question)

    def walk(nodes) -> None:
        for node in nodes:
            if node.type == "group":
                rows.append(AnswerRow("heading", node.label(language) or node.name))
                walk(node.children)
            elif node.type == "repeat":
                questions = [q for q in form.repeat_questions(node) if q.type not in ("note",) and shown(q)]
                entries = answers.get(node.name) or []
                if questions and entries:
                    rows.append(
                        AnswerRow(
                            "repeat",
                            node.label(language) or node.name,
                            name=node.name,
                            columns=[q.label(language) or q.name for q in questions],
                            rows=[
                                [display_value(q, entry.get(q.name), language) for q in questions] for entry in entries
                            ],
                        )
                    )
            elif node.type != "note" and node.name in answers and shown(node):
                rows.append(
                    AnswerRow(
                        "answer",
                        node.label(language) or node.name,
                        display_value(node, answers[node.name], language),
                        node.name,
                    )
                )

    walk(form.children)
    return rows


def visible_answers(access: Access, response: Response, form: FormModel) -> dict | None:
    """The answers this user may read (a filtered dict), or None when they are hidden."""
    if not may_see_answers(access, response):
        return None
    if may_see_free_text(access, response):
        return dict(response.answers)
    result = {}
    for name, value in response.answers.items():
        question = form.by_name.get(name)
        if question is None:
            continue
        if question.type == "repeat":
            inner = {q.name for q in form.repeat_questions(question) if coded(q)}
            entries = [{k: v for k, v in entry.items() if k in inner} for entry in value or []]
            if any(entries):
                result[name] = entries
        elif coded(question):
            result[name] = value
    return result


def user_access(user) -> Access:
    return access_for(user)
