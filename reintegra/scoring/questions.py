"""What a profile needs to know of an instrument version: its question names, choices and choice labels.

Reads pyxform's JSON of the form (`InstrumentVersion.definition`): choices are either inline
(`children` of a select) or in the top-level `choices` table named by the select's `itemset`.
"""

from collections.abc import Iterator
from typing import Any

CONTAINERS = {"group", "repeat", "survey"}


def _questions(node: dict) -> Iterator[dict]:
    for child in node.get("children", []) or []:
        if child.get("type") in CONTAINERS:
            yield from _questions(child)
        elif child.get("name"):
            yield child


def _choices(question: dict, table: dict[str, list]) -> list[dict] | None:
    if not str(question.get("type", "")).startswith("select"):
        return None
    if question.get("itemset") or question.get("list_name"):
        return table.get(question.get("itemset") or question.get("list_name"), [])
    return question.get("children") or []


def form_questions(definition: dict[str, Any]) -> dict[str, set[str] | None]:
    """Question name -> its choice names (None for questions without a choice list)."""
    table = definition.get("choices") or {}
    result = {}
    for question in _questions(definition):
        choices = _choices(question, table)
        result[question["name"]] = None if choices is None else {str(c.get("name")) for c in choices}
    return result


def form_choice_labels(definition: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Question name -> choice name -> its labels in every language of the form."""
    table = definition.get("choices") or {}
    result: dict[str, dict[str, list[str]]] = {}
    for question in _questions(definition):
        choices = _choices(question, table)
        if not choices:
            continue
        labels = {}
        for choice in choices:
            label = choice.get("label")
            texts = list(label.values()) if isinstance(label, dict) else [label] if label else []
            labels[str(choice.get("name"))] = [str(text) for text in texts if text]
        result[question["name"]] = labels
    return result
