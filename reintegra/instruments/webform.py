"""The questionnaire as a web form: posted fields -> raw answers, and answers -> nodes to render.

Field names are the question names; inside a repeat, `repeat.index.name`. A repeat posts its
number of entries in `repeat.count`; "Add another" posts `add=repeat` and the page comes back
with one more empty entry (nothing is lost, nothing is saved).
"""

from dataclasses import dataclass, field

from reintegra.instruments.engine import FormModel, Question, field_key

MAX_ENTRIES = 50


def _is_blank(value) -> bool:
    return value in (None, "", [])


def _read(question: Question, post, key: str):
    if question.type == "select_multiple":
        return post.getlist(key)
    return post.get(key, "")


def raw_from_post(form: FormModel, post) -> tuple[dict, dict]:
    """(raw answers, repeat entry counts) from a POST; entirely blank repeat entries are left out."""
    raw: dict = {}
    for question in form.top_level():
        if question.type in ("note", "calculate"):
            continue
        value = _read(question, post, question.name)
        if not _is_blank(value):
            raw[question.name] = value
    counts = {}
    for repeat in form.repeats():
        try:
            count = min(max(int(post.get(f"{repeat.name}.count", 0)), 0), MAX_ENTRIES)
        except ValueError:
            count = 0
        questions = [q for q in form.repeat_questions(repeat) if q.type not in ("note", "calculate")]
        entries = []
        for index in range(count):
            entry = {q.name: _read(q, post, f"{repeat.name}.{index}.{q.name}") for q in questions}
            entry = {k: v for k, v in entry.items() if not _is_blank(v)}
            if entry:
                entries.append(entry)
        if entries:
            raw[repeat.name] = entries
        counts[repeat.name] = len(entries)
    if post.get("add") in counts and counts[post["add"]] < MAX_ENTRIES:
        counts[post["add"]] += 1
    return raw, counts


@dataclass
class Node:
    kind: str  # group, repeat, question, note
    question: Question
    key: str = ""
    value: str = ""
    values: list = field(default_factory=list)
    error: str = ""
    children: list = field(default_factory=list)
    entries: list = field(default_factory=list)  # repeat: [(index, [Node])]
    count: int = 0
    label: str = ""
    hint: str = ""
    required: bool = False
    choices: list = field(default_factory=list)  # [(name, label, checked)]
    relevant: str = ""


def nodes(form: FormModel, answers: dict, errors: dict, language: str, counts: dict | None = None) -> list[Node]:
    """Render nodes for the whole form; `answers` may be raw (typed by the user) or clean."""
    counts = counts or {}
    return [_node(q, answers, None, errors, language, counts) for q in form.children]


def _node(question: Question, scope: dict, index, errors: dict, language: str, counts: dict) -> Node:
    node = Node(
        kind=question.type if question.type in ("group", "repeat", "note") else "question",
        question=question,
        key=field_key(question, index),
        label=question.label(language) or question.name,
        hint=question.hint(language),
        required=bool(question.required),
        relevant=question.relevant,
    )
    node.error = errors.get(node.key, "")
    if question.type == "group":
        node.children = [_node(c, scope, index, errors, language, counts) for c in question.children]
    elif question.type == "repeat":
        entries = scope.get(question.name) or []
        node.count = max(counts.get(question.name, len(entries)), len(entries))
        node.entries = [
            (
                i,
                [
                    _node(c, entries[i] if i < len(entries) else {}, i, errors, language, counts)
                    for c in question.children
                ],
            )
            for i in range(node.count)
        ]
    elif question.type != "note":
        value = scope.get(question.name)
        if question.type == "select_multiple":
            node.values = [str(v) for v in (value.split() if isinstance(value, str) else value or [])]
        else:
            node.value = "" if value is None else str(value)
        chosen = set(node.values) if question.type == "select_multiple" else {node.value}
        node.choices = [(c.name, c.label(language), c.name in chosen) for c in question.choices]
    return node
