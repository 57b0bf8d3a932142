"""Small display helpers for the case pages."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext

from reintegra.cases.models import Case, Consent, Person, Stage, Task

register = template.Library()

_MODELS_FOR_LABELS = (Case, Person, Consent, Task)
_STAGE_LABELS = dict(Stage.choices)


@register.filter
def age(person) -> int | None:
    """The person's age today in whole years, or None when the date of birth is unknown."""
    return person.age_on(timezone.localdate()) if person else None


@register.filter
def stage_label(value: str) -> str:
    return _STAGE_LABELS.get(value, value or "")


def _label(name: str) -> str:
    for model in _MODELS_FOR_LABELS:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name.replace("_", " ")


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and value in _STAGE_LABELS:
        return str(_STAGE_LABELS[value])
    return str(value)


@register.simple_tag
def change_rows(event, identify: bool) -> list[tuple[str, str]]:
    """An audit event's changes as readable (field label, "old → new") rows.

    Changes may hold names (profile corrections, the typed name of a linked duplicate), so
    pseudonymised readers get none of them.
    """
    if not identify:
        return []
    rows = []
    for name, value in (event.changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            text = gettext("%(old)s → %(new)s") % {"old": _text(value[0]), "new": _text(value[1])}
        else:
            text = _text(value)
        rows.append((_label(name), text))
    return rows
