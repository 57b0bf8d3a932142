"""Flag rules (`<code>.flags.yaml`): read and checked when a version is loaded, evaluated on submission.

The rules are stored with the instrument version (InstrumentVersion.flag_rules) so that an old
response is always judged by the rules of its own version.
"""

import logging
import re
from dataclasses import dataclass

import yaml
from django.utils.translation import gettext as _

from reintegra.instruments import xpath
from reintegra.instruments.engine import FormModel, compile_rule, evaluate_rule

logger = logging.getLogger(__name__)
CODE = re.compile(r"^[a-z0-9_]{1,60}$")
DEFAULT_DUE_DAYS = 7


class FlagRulesError(Exception):
    """A flag rules file that cannot be used; the message names the rule."""


@dataclass
class RaisedFlag:
    code: str
    label: dict
    suggestion: dict
    tasks: list[dict]


def _texts(value, where: str, required: bool = True) -> dict:
    if not required and (not value or (isinstance(value, dict) and not any(value.values()))):
        return {"en": "", "fr": ""}
    if isinstance(value, str):
        return {"en": value, "fr": value}
    if not isinstance(value, dict) or not value.get("en") or not value.get("fr"):
        raise FlagRulesError(_("%(where)s needs an English and a French text (en, fr).") % {"where": where})
    return {"en": str(value["en"]).strip(), "fr": str(value["fr"]).strip()}


def _task(task, where: str) -> dict:
    if not isinstance(task, dict):
        raise FlagRulesError(_("%(where)s: each task is a mapping with a title.") % {"where": where})
    due_days = task.get("due_days", DEFAULT_DUE_DAYS)
    if not isinstance(due_days, int) or isinstance(due_days, bool) or not 0 <= due_days <= 365:
        raise FlagRulesError(_("%(where)s: due_days is a number of days from 0 to 365.") % {"where": where})
    return {
        "instrument": str(task.get("instrument") or ""),
        "title": _texts(task.get("title"), _("%(where)s, task title") % {"where": where}),
        "due_days": due_days,
    }


def _rule(form: FormModel, raw, index: int, seen: set) -> dict:
    where = _("Flag rule %(number)s") % {"number": index}
    if not isinstance(raw, dict):
        raise FlagRulesError(_("%(where)s is not a mapping.") % {"where": where})
    code = str(raw.get("code") or "")
    if not CODE.match(code):
        raise FlagRulesError(_("%(where)s needs a code of lower-case letters, digits and _.") % {"where": where})
    if code in seen:
        raise FlagRulesError(_("The flag code “%(code)s” is used twice.") % {"code": code})
    seen.add(code)
    where = _("Flag rule “%(code)s”") % {"code": code}
    when = str(raw.get("when") or "").strip()
    if not when:
        raise FlagRulesError(_("%(where)s needs a “when” expression.") % {"where": where})
    try:
        compile_rule(form, when)
    except xpath.ExpressionError as exc:
        raise FlagRulesError(
            _("%(where)s: the expression cannot be evaluated: %(error)s") % {"where": where, "error": exc}
        ) from exc
    tasks = raw.get("tasks") or []
    if not isinstance(tasks, list):
        raise FlagRulesError(_("%(where)s: tasks must be a list.") % {"where": where})
    return {
        "code": code,
        "when": when,
        "label": _texts(raw.get("label"), where),
        "suggestion": _texts(raw.get("suggestion"), where, required=False),
        "tasks": [_task(task, where) for task in tasks],
    }


def parse_flag_rules(text: str | bytes, form: FormModel) -> tuple[list[dict], str]:
    """The checked rules (JSON-ready) and the file's declared version ("" when absent)."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise FlagRulesError(_("The flag rules are not valid YAML: %(error)s") % {"error": exc}) from exc
    if not isinstance(data, dict) or not isinstance(data.get("flags", []), list):
        raise FlagRulesError(_("The flag rules file needs a list under “flags”."))
    return check_rules(data.get("flags") or [], form), str(data.get("version") or "")


def check_rules(raw_rules: list, form: FormModel) -> list[dict]:
    """Rules (as read from YAML or stored on a version) checked against a form."""
    seen: set = set()
    return [_rule(form, raw, index, seen) for index, raw in enumerate(raw_rules, 1)]


def raised_flags(form: FormModel, rules: list[dict], answers: dict) -> list[RaisedFlag]:
    """The rules whose expression is true for these answers (a rule that fails to evaluate is skipped)."""
    raised = []
    for rule in rules:
        try:
            hit = evaluate_rule(form, compile_rule(form, rule["when"]), answers)
        except xpath.ExpressionError:
            logger.warning("Flag rule %s of form %s could not be evaluated", rule.get("code"), form.form_id)
            hit = False
        if hit:
            raised.append(RaisedFlag(rule["code"], rule["label"], rule["suggestion"], rule.get("tasks", [])))
    return raised
