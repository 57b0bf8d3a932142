"""The form model walked from pyxform's definition, and server-side validation of answers.

`FormModel.from_definition(definition)` gives questions in document order with labels per
language, binds and choices. `validate_answers(form, raw, partial=False)` coerces types, applies
skip logic again (answers to questions that are not relevant are dropped), enforces required and
constraints with their messages, checks choices and computes calculates. Expressions are XPath,
evaluated by `reintegra.instruments.xpath` over the answers as an XML instance.
"""

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reintegra.instruments import xpath
from reintegra.instruments.xlsform import XLSFormError

ROOT = "data"
TYPE_MAP = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "select one": "select_one",
    "select_one": "select_one",
    "select all that apply": "select_multiple",
    "select_multiple": "select_multiple",
    "note": "note",
    "calculate": "calculate",
    "group": "group",
    "repeat": "repeat",
}
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
}
CODED_TYPES = {"select_one", "select_multiple", "integer", "decimal"}
INPUT_TYPES = {"text", "integer", "decimal", "date", "select_one", "select_multiple"}
LANGUAGE_CODE = re.compile(r"\(([a-z]{2,3})(?:[-_][A-Za-z]+)?\)\s*$")
LANGUAGE_NAMES = {"english": "en", "french": "fr", "français": "fr", "francais": "fr"}
TRUE_WORDS = {"yes", "true", "true()"}
FALSE_WORDS = {"no", "false", "false()", ""}
EXPRESSION_COLUMNS = (("relevant", "relevant"), ("constraint", "constraint"), ("calculate", "calculate"))


def language_key(name: str) -> str:
    """'French (fr)' -> 'fr'; 'English' -> 'en'; 'default' stays."""
    match = LANGUAGE_CODE.search(name or "")
    if match:
        return match.group(1).lower()
    return LANGUAGE_NAMES.get((name or "").strip().lower(), (name or "default").strip().lower())


def translations(value, default_language: str = "default") -> dict[str, str]:
    """pyxform's label/hint/message (a string or {language: text}) as {code: text}."""
    if not value:
        return {}
    if isinstance(value, str):
        return {language_key(default_language): value}
    return {language_key(lang): str(text) for lang, text in value.items() if text and str(text).strip() != "-"}


def pick(texts: dict[str, str], language: str | None = None) -> str:
    """The text in the active language, falling back to English, the default, then any."""
    language = (language or get_language() or "en")[:2]
    for key in (language, "en", "default"):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


@dataclass
class Choice:
    name: str
    labels: dict[str, str]

    def label(self, language: str | None = None) -> str:
        return pick(self.labels, language) or self.name


@dataclass
class Question:
    name: str
    type: str
    path: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    required: str = ""  # "" (optional), "true()" or an XPath expression
    required_messages: dict[str, str] = field(default_factory=dict)
    constraint: str = ""
    constraint_messages: dict[str, str] = field(default_factory=dict)
    relevant: str = ""
    calculate: str = ""
    choices: list[Choice] = field(default_factory=list)
    children: list["Question"] = field(default_factory=list)
    repeat: "Question | None" = None  # nearest enclosing repeat
    parent: "Question | None" = None
    appearance: str = ""

    def label(self, language: str | None = None) -> str:
        return pick(self.labels, language)

    def hint(self, language: str | None = None) -> str:
        return pick(self.hints, language)

    def required_message(self, language: str | None = None) -> str:
        return pick(self.required_messages, language) or _("This question is required.")

    def constraint_message(self, language: str | None = None) -> str:
        return pick(self.constraint_messages, language) or _("This answer is not valid.")

    @property
    def is_container(self) -> bool:
        return self.type in ("group", "repeat")

    @property
    def choice_names(self) -> set[str]:
        return {c.name for c in self.choices}

    def choice_label(self, name: str, language: str | None = None) -> str:
        for choice in self.choices:
            if choice.name == name:
                return choice.label(language)
        return name

    def walk(self):
        for child in self.children:
            yield child
            if child.type == "group":
                yield from child.walk()


@dataclass
class FormModel:
    title: str
    form_id: str
    version: str
    children: list[Question]
    by_name: dict[str, Question]
    default_language: str = ""

    @classmethod
    def from_definition(cls, definition: dict) -> "FormModel":
        default_language = definition.get("default_language") or "default"
        by_name: dict[str, Question] = {}
        children = _build_children(definition.get("children", []), (ROOT,), None, None, default_language, by_name)
        return cls(
            title=str(definition.get("title") or ""),
            form_id=str(definition.get("id_string") or ""),
            version=str(definition.get("version") or ""),
            children=children,
            by_name=by_name,
            default_language=default_language,
        )

    def walk(self):
        """Every question, group and repeat in document order (repeat children included)."""

        def _walk(nodes):
            for node in nodes:
                yield node
                if node.is_container:
                    yield from _walk(node.children)

        yield from _walk(self.children)

    def top_level(self):
        """Questions answered once (outside repeats), in document order."""
        return [q for q in self.walk() if q.repeat is None and not q.is_container]

    def repeats(self):
        return [q for q in self.walk() if q.type == "repeat"]

    def repeat_questions(self, repeat: Question) -> list[Question]:
        return [q for q in self.walk() if q.repeat is repeat and not q.is_container]


def _build_children(nodes, path, repeat, parent, default_language, by_name) -> list[Question]:
    result = []
    for node in nodes:
        node_type = node.get("type", "")
        if node_type == "group" and (node.get("control") or {}).get("bodyless"):
            continue  # the meta group (instanceID)
        if node_type in METADATA_TYPES:
            continue
        question = _question(node, path, repeat, parent, default_language)
        if question.name in by_name:
            raise XLSFormError(
                _("The name “%(name)s” is used twice; answers are keyed by name, so names must be unique.")
                % {"name": question.name},
                sheet="survey",
                column="name",
            )
        by_name[question.name] = question
        if question.type == "repeat" and repeat is not None:
            raise XLSFormError(
                _("The repeat “%(name)s” is inside another repeat; the web form supports one level of repeats.")
                % {"name": question.name},
                sheet="survey",
                column="type",
            )
        if question.is_container:
            inner_repeat = question if question.type == "repeat" else repeat
            question.children = _build_children(
                node.get("children", []), question.path, inner_repeat, question, default_language, by_name
            )
        result.append(question)
    return result


def _question(node, path, repeat, parent, default_language) -> Question:
    node_type = node.get("type", "")
    mapped = TYPE_MAP.get(node_type)
    if mapped is None:
        raise XLSFormError(
            _(
                "The question “%(name)s” has the type “%(type)s”, which the web form does not support. "
                "Use text, integer, decimal, date, select_one, select_multiple, note, calculate, group or repeat."
            )
            % {"name": node.get("name", ""), "type": node_type},
            sheet="survey",
            column="type",
        )
    bind = node.get("bind") or {}
    required = str(bind.get("required", "")).strip()
    required = "true()" if required.lower() in TRUE_WORDS else "" if required.lower() in FALSE_WORDS else required
    return Question(
        name=node["name"],
        type=mapped,
        path=(*path, node["name"]),
        labels=translations(node.get("label"), default_language),
        hints=translations(node.get("hint"), default_language),
        required=required,
        required_messages=translations(bind.get("jr:requiredMsg"), default_language),
        constraint=str(bind.get("constraint", "") or ""),
        constraint_messages=translations(bind.get("jr:constraintMsg"), default_language),
        relevant=str(bind.get("relevant", "") or ""),
        calculate=str(bind.get("calculate", "") or ""),
        choices=[Choice(c["name"], translations(c.get("label"), default_language)) for c in node.get("choices", [])],
        repeat=repeat,
        parent=parent,
        appearance=str((node.get("control") or {}).get("appearance", "") or ""),
    )


# --- Expressions -------------------------------------------------------------------------------


def resolve(form: FormModel, expression: str, context: Question | None = None) -> str:
    """Replace ${name} by a path: absolute, or relative to the same repeat instance."""

    def replace(match: re.Match) -> str:
        target = form.by_name.get(match.group(1))
        if target is None:
            raise xpath.ExpressionError(_("There is no question named “%(name)s”.") % {"name": match.group(1)})
        shared = _shared_repeat(target, context)
        if shared is None:
            return "/" + "/".join(target.path)
        inner = "/".join(target.path[len(shared.path) :])
        return f"ancestor-or-self::{shared.name}[1]" + (f"/{inner}" if inner else "")

    return xpath.REFERENCE.sub(replace, expression)


def _shared_repeat(target: Question, context: Question | None) -> Question | None:
    """The innermost repeat enclosing both the target and the context question."""
    if context is None:
        return None
    context_repeats = []
    node = context if context.type == "repeat" else context.repeat
    while node is not None:
        context_repeats.append(node)
        node = node.repeat
    node = target.repeat
    while node is not None:
        if node in context_repeats:
            return node
        node = node.repeat
    return None


def check_expressions(form: FormModel, survey_rows: list[dict] | None = None) -> None:
    """Compile every expression of the form; the first that fails raises XLSFormError with its place."""
    rows = {(row.get("name") or "").strip(): index for index, row in enumerate(survey_rows or [], 2)}
    for question in form.walk():
        for attribute, column in (*EXPRESSION_COLUMNS, ("required", "required")):
            expression = getattr(question, attribute)
            if not expression or expression == "true()":
                continue
            try:
                xpath.compile_expression(resolve(form, expression, question))
            except xpath.ExpressionError as exc:
                raise XLSFormError(
                    _("The expression “%(expression)s” cannot be evaluated: %(error)s")
                    % {"expression": expression, "error": exc},
                    sheet="survey",
                    row=rows.get(question.name),
                    column=column,
                ) from exc


def compile_rule(form: FormModel, expression: str) -> str:
    """A flag rule's expression resolved and compiled; raises ExpressionError."""
    resolved = resolve(form, expression)
    xpath.compile_expression(resolved)
    return resolved


# --- The answers as an XML instance ------------------------------------------------------------


def serialise(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def build_instance(form: FormModel, answers: dict) -> tuple[ET.Element, dict]:
    """The instance tree, and {(question name, repeat index or None): element} for evaluation."""
    root = ET.Element(ROOT)
    elements: dict = {}
    _fill(root, form.children, answers, None, elements)
    return root, elements


def _fill(parent_element, nodes, values: dict, index, elements) -> None:
    for node in nodes:
        if node.type == "repeat":
            items = values.get(node.name) or []
            for item_index, item in enumerate(items if isinstance(items, list) else []):
                element = ET.SubElement(parent_element, node.name)
                elements[(node.name, item_index)] = element
                _fill(element, node.children, item if isinstance(item, dict) else {}, item_index, elements)
            continue
        element = ET.SubElement(parent_element, node.name)
        elements[(node.name, index)] = element
        if node.type == "group":
            _fill(element, node.children, values, index, elements)
        else:
            element.text = serialise(values.get(node.name))


def evaluate_rule(form: FormModel, resolved_expression: str, answers: dict) -> bool:
    root, _elements = build_instance(form, answers)
    return xpath.evaluate_boolean(resolved_expression, root)


# --- Validation --------------------------------------------------------------------------------


def _coerce(question: Question, raw):
    """(value, error): the typed value or None when empty; an error message when it cannot be read."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None, None
    kind = question.type
    if kind == "text":
        return (str(raw).strip(), None) if not isinstance(raw, (dict, list)) else (None, _("Enter a text answer."))
    if kind == "integer":
        return _integer(raw)
    if kind == "decimal":
        return _decimal(raw)
    if kind == "date":
        try:
            return date.fromisoformat(str(raw).strip()).isoformat(), None
        except ValueError:
            return None, _("Enter a valid date (YYYY-MM-DD).")
    if kind == "select_one":
        value = str(raw).strip() if isinstance(raw, (str, int)) else None
        return (value, None) if value in question.choice_names else (None, _("Choose one of the options."))
    if kind == "select_multiple":
        values = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else None
        if values is None or any(not isinstance(v, str) or v not in question.choice_names for v in values):
            return None, _("Choose among the options.")
        return list(dict.fromkeys(values)) or None, None
    return None, None


def _integer(raw):
    if isinstance(raw, bool):
        return None, _("Enter a whole number.")
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw), None
    text = str(raw).strip().replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,15}", text):
        return int(text), None
    return None, _("Enter a whole number.")


def _decimal(raw):
    if isinstance(raw, bool):
        return None, _("Enter a number.")
    try:
        value = float(raw) if isinstance(raw, (int, float)) else float(str(raw).strip().replace(",", "."))
    except ValueError:
        return None, _("Enter a number.")
    if math.isnan(value) or math.isinf(value):
        return None, _("Enter a number.")
    return value, None


def field_key(question: Question, index: int | None) -> str:
    """The key of an answer in forms and error dicts: the name, or repeat.index.name inside a repeat."""
    if index is None or question.repeat is None:
        return question.name
    return f"{question.repeat.name}.{index}.{question.name}"


def _coerce_scope(questions, raw: dict, index, errors) -> dict:
    clean = {}
    for question in questions:
        if question.type in ("note", "calculate"):
            continue
        value, error = _coerce(question, raw.get(question.name))
        if error:
            errors[field_key(question, index)] = error
        elif value is not None:
            clean[question.name] = value
    return clean


def _coerce_all(form: FormModel, raw: dict, errors: dict) -> dict:
    clean = _coerce_scope(form.top_level(), raw, None, errors)
    for repeat in form.repeats():
        items = raw.get(repeat.name)
        if items in (None, "", []):
            continue
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            errors[repeat.name] = _("Send a list of entries.")
            continue
        questions = form.repeat_questions(repeat)
        entries = [_coerce_scope(questions, item, i, errors) for i, item in enumerate(items)]
        if repeat.repeat is None:
            clean[repeat.name] = entries
    known = {q.name for q in form.walk()}
    for name in raw:
        if name not in known:
            errors[name] = _("There is no question with this name in the form.")
    return clean


@dataclass
class _Pass:
    form: FormModel
    clean: dict
    errors: dict
    partial: bool
    root: ET.Element = None
    elements: dict = None
    irrelevant: set = field(default_factory=set)


def validate_answers(form: FormModel, raw_answers: dict, partial: bool = False) -> tuple[dict, dict]:
    """Typed, skip-logic-checked answers and {field key: message}; drafts (partial) skip required checks."""
    errors: dict[str, str] = {}
    clean = _coerce_all(form, raw_answers or {}, errors)
    state = _Pass(form=form, clean=clean, errors=errors, partial=partial)
    state.root, state.elements = build_instance(form, clean)
    for node in form.children:
        _visit(state, node, clean, None, parent_relevant=True)
    return clean, errors


def _is_true(state: _Pass, expression: str, question: Question, element) -> bool:
    return xpath.evaluate_boolean(resolve(state.form, expression, question), state.root, element)


def _visit(state: _Pass, node: Question, scope: dict, index, parent_relevant: bool) -> None:
    """Evaluate relevance, calculates, required and constraints in document order."""
    element = state.elements.get((node.name, index))
    if node.type == "repeat":
        _visit_repeat(state, node, scope, parent_relevant)
        return
    key = field_key(node, index)
    try:
        relevant = parent_relevant and (not node.relevant or _is_true(state, node.relevant, node, element))
    except xpath.ExpressionError as exc:
        state.errors[key] = _("This question's skip rule could not be evaluated: %(error)s") % {"error": exc}
        return
    if not relevant:
        _drop(state, node, scope, index)
        return
    if node.type == "group":
        for child in node.children:
            _visit(state, child, scope, index, parent_relevant=True)
        return
    if node.type == "calculate":
        _calculate(state, node, scope, element)
        return
    _check(state, node, scope, element, key)


def _visit_repeat(state: _Pass, node: Question, scope: dict, parent_relevant: bool) -> None:
    items = scope.get(node.name) or []
    kept = []
    for item_index, item in enumerate(items):
        element = state.elements.get((node.name, item_index))
        try:
            relevant = parent_relevant and (not node.relevant or _is_true(state, node.relevant, node, element))
        except xpath.ExpressionError:
            relevant = parent_relevant
        for child in node.children:
            _visit(state, child, item, item_index, parent_relevant=relevant)
        if relevant and item:
            kept.append(item)
    if kept:
        scope[node.name] = kept
    else:
        scope.pop(node.name, None)


def _drop(state: _Pass, node: Question, scope: dict, index) -> None:
    """A question that is not relevant: its answer (and its children's) goes, errors too."""
    targets = [node, *node.walk()] if node.type == "group" else [node]
    for question in targets:
        if question.type == "repeat":
            scope.pop(question.name, None)
            continue
        scope.pop(question.name, None)
        state.errors.pop(field_key(question, index), None)
        element = state.elements.get((question.name, index))
        if element is not None and not question.is_container:
            element.text = ""


def _calculate(state: _Pass, node: Question, scope: dict, element) -> None:
    if not node.calculate:
        return
    try:
        value = xpath.evaluate_value(resolve(state.form, node.calculate, node), state.root, element)
    except xpath.ExpressionError:
        value = None
    if value is None:
        scope.pop(node.name, None)
    else:
        scope[node.name] = value
    if element is not None:
        element.text = serialise(value)


def _check(state: _Pass, node: Question, scope: dict, element, key: str) -> None:
    if node.type == "note" or key in state.errors:
        return
    value = scope.get(node.name)
    if value is None:
        if not state.partial and node.required and _required(state, node, element):
            state.errors[key] = node.required_message()
        return
    if node.constraint and not state.partial:
        try:
            ok = _is_true(state, node.constraint, node, element)
        except xpath.ExpressionError as exc:
            state.errors[key] = _("This answer could not be checked: %(error)s") % {"error": exc}
            return
        if not ok:
            state.errors[key] = node.constraint_message()


def _required(state: _Pass, node: Question, element) -> bool:
    if node.required == "true()":
        return True
    try:
        return _is_true(state, node.required, node, element)
    except xpath.ExpressionError:
        return True


def coded(question: Question) -> bool:
    """Answers a pseudonymised reader may see: choices and numbers, never free text or dates."""
    return question.type in CODED_TYPES
