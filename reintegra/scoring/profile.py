"""Scoring profiles as data: read a YAML or JSON document, validate it, normalise it.

The normalised definition (a plain, JSON-ready dict) is what `ScoringProfile.definition` stores
and what `reintegra.scoring.engine` compiles. The format is documented in docs/scoring-profiles.md.

Validation collects every problem it finds, each message naming the key and the item, so an
M&E officer fixes a profile in one round rather than error by error.
"""

import json
import math
import re
from collections import Counter
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DIMENSIONS = ("economic", "social", "psychosocial")
COMPOSITE = "composite"
SCOPES = (*DIMENSIONS, COMPOSITE)
MISSING = "missing"
TOLERANCE = 1e-6
EXCLUDE = "exclude_and_renormalise"
SCORE_NULL = "score_null"
METHODS = (EXCLUDE, SCORE_NULL)
STATUSES = ("draft", "active", "retired")
AGGREGATIONS = ("mean", "single")
DIRECTIONS = ("positive", "negative")
LANGUAGES = ("en", "fr")
SLUG = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
TOP_KEYS = {
    "code",
    "version",
    "name",
    "status",
    "provisional",
    "source_note",
    "instrument",
    "instrument_version",
    "option_sets",
    "items",
    "indicators",
    "dimension_weights",
    "composite_weights",
    "missing_rule",
    "bands",
}
ITEM_KEYS = {"question", "indicator", "scored", "options", "direction"}


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with YAML 1.2 booleans: `yes`, `no`, `on`, `off` stay strings (option codes)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_profile_text(text: str) -> Any:
    """The document in `text` (JSON or YAML); a ValidationError naming the line when it does not parse."""
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("The profile is not valid JSON (line %(line)s, column %(column)s): %(problem)s")
                % {"line": error.lineno, "column": error.colno, "problem": error.msg}
            ) from error
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 -- a SafeLoader subclass (YAML 1.2 booleans)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark is None:
            raise ValidationError(_("The profile is not valid YAML: %(problem)s") % {"problem": problem}) from error
        raise ValidationError(
            _("The profile is not valid YAML (line %(line)s, column %(column)s): %(problem)s")
            % {"line": mark.line + 1, "column": mark.column + 1, "problem": problem}
        ) from error


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Checker:
    """Walks a raw profile document, collecting errors and building the normalised definition."""

    def __init__(self, raw: Any, form_questions: dict[str, set[str] | None] | None):
        self.raw = raw
        self.form_questions = form_questions
        self.errors: list[str] = []

    def error(self, message: str, **values: Any) -> None:
        self.errors.append(message % values if values else message)

    # --- scalar fields -------------------------------------------------------------------------

    def text(self, data: dict, key: str, where: str, *, required: bool = True, limit: int = 200) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(_("%(where)s: “%(key)s” is required."), where=where, key=key)
            return ""
        if _is_number(value):
            value = str(value)
        if not isinstance(value, str):
            self.error(_("%(where)s: “%(key)s” must be text."), where=where, key=key)
            return ""
        if len(value) > limit:
            self.error(
                _("%(where)s: “%(key)s” is longer than %(limit)s characters."), where=where, key=key, limit=limit
            )
        return value.strip()

    def choice(self, data: dict, key: str, where: str, choices: tuple[str, ...], default: str) -> str:
        value = data.get(key, default)
        if value not in choices:
            self.error(
                _("%(where)s: “%(key)s” is “%(value)s”; expected one of %(choices)s."),
                where=where,
                key=key,
                value=value,
                choices=", ".join(choices),
            )
            return default
        return value

    def flag(self, data: dict, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(_("%(where)s: “%(key)s” must be true or false."), where=where, key=key)
            return default
        return value

    def bilingual(self, data: dict, key: str, where: str) -> dict[str, str]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.error(_("%(where)s: “%(key)s” needs an English and a French text (en, fr)."), where=where, key=key)
            return {"en": "", "fr": ""}
        return {lang: self.text(value, lang, f"{where}.{key}") for lang in LANGUAGES}

    def mapping(self, data: dict, key: str, where: str, *, required: bool = True) -> dict:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict) or (required and not value):
            self.error(_("%(where)s: “%(key)s” must be a non-empty mapping."), where=where, key=key)
            return {}
        return value

    def sequence(self, data: dict, key: str, where: str, *, required: bool = True) -> list:
        value = data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.error(_("%(where)s: “%(key)s” must be a non-empty list."), where=where, key=key)
            return []
        return value

    # --- the document --------------------------------------------------------------------------

    def check(self) -> dict:
        raw = self.raw
        if not isinstance(raw, dict):
            self.error(_("The profile must be a mapping of keys (code, version, items…) at its top level."))
            return {}
        for key in sorted(set(map(str, raw)) - TOP_KEYS):
            self.error(_("Unknown key “%(key)s” at the top level of the profile."), key=key)
        top = _("profile")
        out: dict[str, Any] = {
            "code": self.text(raw, "code", top, limit=60),
            "version": self.text(raw, "version", top, limit=40),
            "name": self.bilingual(raw, "name", top),
            "status": self.choice(raw, "status", top, STATUSES, "active"),
            "provisional": self.flag(raw, "provisional", top, False),
            "source_note": self.text(raw, "source_note", top, required=False, limit=4000),
            "instrument": self.text(raw, "instrument", top, limit=40),
            "instrument_version": self.text(raw, "instrument_version", top, required=False, limit=40),
        }
        if out["code"] and not SLUG.match(out["code"]):
            self.error(_("profile: “code” may hold only letters, digits, “-” and “_”."))
        indicators = self.indicators(raw)
        out["indicators"] = indicators
        known = {ind["id"]: ind for ind in indicators}
        option_sets = self.option_sets(raw)
        out["items"] = self.items(raw, known, option_sets)
        out["dimension_weights"] = self.dimension_weights(raw, known)
        out["composite_weights"], out["composite_over"] = self.composite_weights(raw, known)
        out["missing_rule"] = self.missing_rule(raw, out["dimension_weights"], out["composite_weights"])
        out["bands"] = self.bands(raw)
        if self.form_questions is not None:
            self.against_form(out["items"])
        return out

    def indicators(self, raw: dict) -> list[dict]:
        result = []
        for index, entry in enumerate(self.sequence(raw, "indicators", _("profile"))):
            where = f"indicators[{index}]"
            if not isinstance(entry, dict):
                self.error(_("%(where)s must be a mapping with id, dimension and aggregation."), where=where)
                continue
            ident = self.text(entry, "id", where, limit=60)
            if ident:
                where = f"indicators[{index}] ({ident})"
                if not NAME.match(ident):
                    self.error(_("%(where)s: “id” may hold only letters, digits and “_”."), where=where)
                if ident in SCOPES:
                    self.error(_("%(where)s: an indicator may not be called like a dimension."), where=where)
            dimension = entry.get("dimension")
            if dimension not in DIMENSIONS:
                self.error(
                    _("%(where)s: belongs to no dimension (“dimension” must be one of %(choices)s)."),
                    where=where,
                    choices=", ".join(DIMENSIONS),
                )
            aggregation = self.choice(entry, "aggregation", where, AGGREGATIONS, "mean")
            result.append({"id": ident, "dimension": dimension, "aggregation": aggregation})
        for ident, count in Counter(ind["id"] for ind in result).items():
            if ident and count > 1:
                self.error(_("indicators: “%(id)s” is declared %(count)s times."), id=ident, count=count)
        return result

    def option_sets(self, raw: dict) -> dict[str, Any]:
        sets = self.mapping(raw, "option_sets", _("profile"), required=False)
        return {str(name): options for name, options in sets.items()}

    def options(self, value: Any, where: str, option_sets: dict[str, Any], *, scored: bool) -> tuple[dict, dict]:
        if isinstance(value, str):
            if value not in option_sets:
                self.error(
                    _("%(where)s: option set “%(name)s” is not defined in option_sets."), where=where, name=value
                )
                return {}, {}
            value = option_sets[value]
        if value is None and not scored:
            return {}, {}
        if not isinstance(value, dict) or not value:
            self.error(_("%(where)s: “options” must map each option code to a value or “missing”."), where=where)
            return {}, {}
        values: dict[str, float | None] = {}
        labels: dict[str, dict[str, str]] = {}
        for code, spec in value.items():
            code = str(code)
            if isinstance(spec, dict):
                if "label" in spec:
                    label = spec.get("label")
                    if isinstance(label, dict):
                        labels[code] = {lang: str(label[lang]) for lang in LANGUAGES if label.get(lang)}
                    else:
                        self.error(
                            _("%(where)s: option “%(option)s” has a label without en/fr."), where=where, option=code
                        )
                spec = spec.get("value")
            if spec == MISSING:
                values[code] = None
            elif _is_number(spec) and 0 <= spec <= 1:
                values[code] = float(spec)
            elif _is_number(spec):
                self.error(
                    _("%(where)s: option “%(option)s” has value %(value)s, outside 0..1."),
                    where=where,
                    option=code,
                    value=spec,
                )
            else:
                self.error(
                    _("%(where)s: option “%(option)s” needs a value between 0 and 1, or “missing”."),
                    where=where,
                    option=code,
                )
        if scored and values and all(v is None for v in values.values()):
            self.error(_("%(where)s: every option is “missing”; a scored item needs at least one value."), where=where)
        return values, labels

    def items(self, raw: dict, known: dict[str, dict], option_sets: dict[str, Any]) -> list[dict]:
        result = []
        for index, entry in enumerate(self.sequence(raw, "items", _("profile"))):
            where = f"items[{index}]"
            if not isinstance(entry, dict):
                self.error(_("%(where)s must be a mapping with question, indicator, scored and options."), where=where)
                continue
            question = self.text(entry, "question", where, limit=100)
            where = f"items[{index}] ({question})" if question else where
            for key in sorted(set(map(str, entry)) - ITEM_KEYS):
                self.error(_("%(where)s: unknown key “%(key)s”."), where=where, key=key)
            scored = self.flag(entry, "scored", where, True)
            indicator = entry.get("indicator") or None
            if scored and indicator is None:
                self.error(_("%(where)s: a scored item needs an “indicator”."), where=where)
            elif indicator is not None and indicator not in known:
                self.error(_("%(where)s: indicator “%(id)s” is not declared in indicators."), where=where, id=indicator)
            values, labels = self.options(entry.get("options"), where, option_sets, scored=scored)
            result.append(
                {
                    "question": question,
                    "indicator": indicator,
                    "scored": scored,
                    "direction": self.choice(entry, "direction", where, DIRECTIONS, "positive"),
                    "options": values,
                    "labels": labels,
                }
            )
        for question, count in Counter(item["question"] for item in result).items():
            if question and count > 1:
                self.error(
                    _("items: question “%(question)s” is listed %(count)s times."), question=question, count=count
                )
        scored_per_indicator = Counter(item["indicator"] for item in result if item["scored"])
        for ident, indicator in known.items():
            count = scored_per_indicator.get(ident, 0)
            if count == 0:
                self.error(_("indicators: “%(id)s” has no scored item."), id=ident)
            elif indicator["aggregation"] == "single" and count > 1:
                self.error(
                    _("indicators: “%(id)s” is a single-item indicator but %(count)s scored items point to it."),
                    id=ident,
                    count=count,
                )
        return result

    def weights(self, value: Any, where: str) -> dict[str, float]:
        if not isinstance(value, dict) or not value:
            self.error(_("%(where)s must map names to weights."), where=where)
            return {}
        weights = {}
        for key, weight in value.items():
            if not _is_number(weight) or weight < 0:
                self.error(_("%(where)s: weight of “%(key)s” must be a number ≥ 0."), where=where, key=key)
                continue
            weights[str(key)] = float(weight)
        total = sum(weights.values())
        if weights and len(weights) == len(value) and abs(total - 1) > TOLERANCE:
            self.error(
                _("%(where)s: weights add up to %(total)s; they must add up to 1."), where=where, total=round(total, 9)
            )
        return weights

    def dimension_weights(self, raw: dict, known: dict[str, dict]) -> dict[str, dict[str, float]]:
        value = self.mapping(raw, "dimension_weights", _("profile"))
        result = {}
        for key in sorted(set(map(str, value)) - set(DIMENSIONS)):
            self.error(_("dimension_weights: “%(key)s” is not a dimension (economic, social, psychosocial)."), key=key)
        for dimension in DIMENSIONS:
            if dimension not in value:
                if value:
                    self.error(_("dimension_weights: dimension “%(dimension)s” is missing."), dimension=dimension)
                continue
            weights = self.weights(value[dimension], f"dimension_weights.{dimension}")
            for ident in weights:
                if ident not in known:
                    self.error(
                        _("dimension_weights.%(dimension)s: indicator “%(id)s” is not declared in indicators."),
                        dimension=dimension,
                        id=ident,
                    )
                elif known[ident]["dimension"] != dimension:
                    self.error(
                        _("dimension_weights.%(dimension)s: indicator “%(id)s” belongs to %(other)s."),
                        dimension=dimension,
                        id=ident,
                        other=known[ident]["dimension"],
                    )
            result[dimension] = weights
        for ident, indicator in known.items():
            if indicator["dimension"] in result and ident not in result[indicator["dimension"]]:
                self.error(
                    _("indicators: “%(id)s” has no weight in dimension_weights.%(dimension)s."),
                    id=ident,
                    dimension=indicator["dimension"],
                )
        return result

    def composite_weights(self, raw: dict, known: dict[str, dict]) -> tuple[dict[str, float], str]:
        value = self.mapping(raw, "composite_weights", _("profile"))
        weights = self.weights(value, "composite_weights") if value else {}
        keys = set(weights)
        if not keys:
            return weights, "dimensions"
        if keys <= set(DIMENSIONS):
            return weights, "dimensions"
        if keys <= set(known):
            return weights, "indicators"
        self.error(
            _("composite_weights: keys must be all dimensions or all declared indicators; “%(keys)s” are neither."),
            keys=", ".join(sorted(keys - set(DIMENSIONS) - set(known)) or sorted(keys & set(DIMENSIONS))),
        )
        return weights, "dimensions"

    def missing_rule(self, raw: dict, dimension_weights: dict, composite: dict) -> dict:
        value = self.mapping(raw, "missing_rule", _("profile"))
        method = self.choice(value, "method", "missing_rule", METHODS, EXCLUDE)
        sizes = {dimension: len(dimension_weights.get(dimension, {})) for dimension in DIMENSIONS}
        sizes[COMPOSITE] = len(composite)
        minimum = self.per_scope(value.get("min_answered", 1), "missing_rule.min_answered", integer=True)
        share = self.per_scope(value.get("min_share", 0), "missing_rule.min_share", integer=False)
        for scope, count in minimum.items():
            if sizes[scope] and count > sizes[scope]:
                self.error(
                    _("missing_rule.min_answered: %(scope)s needs %(count)s answered parts but has %(size)s."),
                    scope=scope,
                    count=count,
                    size=sizes[scope],
                )
        return {"method": method, "min_answered": minimum, "min_share": share}

    def per_scope(self, value: Any, where: str, *, integer: bool) -> dict[str, float]:
        default = 1 if integer else 0
        if not isinstance(value, dict):
            value = dict.fromkeys(SCOPES, value)
        for key in sorted(set(map(str, value)) - set(SCOPES)):
            self.error(_("%(where)s: “%(key)s” is not a dimension or “composite”."), where=where, key=key)
        result = {}
        for scope in SCOPES:
            number = value.get(scope, default)
            valid = (
                (isinstance(number, int) and not isinstance(number, bool) and number >= 0)
                if integer
                else (_is_number(number) and 0 <= number <= 1)
            )
            if not valid:
                expected = _("a whole number ≥ 0") if integer else _("a share between 0 and 1")
                self.error(_("%(where)s: %(scope)s must be %(expected)s."), where=where, scope=scope, expected=expected)
                number = default
            result[scope] = number
        return result

    def bands(self, raw: dict) -> list[dict]:
        result = []
        for index, entry in enumerate(self.sequence(raw, "bands", _("profile"), required=False)):
            where = f"bands[{index}]"
            if not isinstance(entry, dict):
                self.error(_("%(where)s must be a mapping with scope, from, to and label."), where=where)
                continue
            scope = self.choice(entry, "scope", where, SCOPES, COMPOSITE)
            low, high = entry.get("from"), entry.get("to")
            if not (_is_number(low) and _is_number(high) and 0 <= low < high <= 1):
                self.error(_("%(where)s: “from” and “to” must be numbers with 0 ≤ from < to ≤ 1."), where=where)
                continue
            result.append(
                {"scope": scope, "from": float(low), "to": float(high), "label": self.bilingual(entry, "label", where)}
            )
        for scope in SCOPES:
            ranges = sorted((band["from"], band["to"]) for band in result if band["scope"] == scope)
            for (low1, high1), (low2, high2) in zip(ranges, ranges[1:], strict=False):
                if low2 < high1:
                    self.error(
                        _("bands: %(scope)s bands %(a)s–%(b)s and %(c)s–%(d)s overlap."),
                        scope=scope,
                        a=low1,
                        b=high1,
                        c=low2,
                        d=high2,
                    )
        return result

    def against_form(self, items: list[dict]) -> None:
        for item in items:
            question = item["question"]
            if not question:
                continue
            if question not in self.form_questions:
                self.error(
                    _("items (%(question)s): the instrument version has no question with this name."), question=question
                )
                continue
            choices = self.form_questions[question]
            if item["scored"] and choices:
                for choice in sorted(choices - set(item["options"])):
                    self.error(
                        _("items (%(question)s): form option “%(option)s” has no value (a number or “missing”)."),
                        question=question,
                        option=choice,
                    )


def validate_profile(raw: Any, *, form_questions: dict[str, set[str] | None] | None = None) -> dict:
    """The normalised definition of a raw profile document, or a ValidationError listing every problem.

    `form_questions` maps the question names of the instrument version to their choice names
    (None for questions without choices); when given, each profile item is checked against it.
    """
    checker = _Checker(raw, form_questions)
    definition = checker.check()
    if checker.errors:
        raise ValidationError(checker.errors)
    return definition


def load_profile_text(text: str, *, form_questions: dict[str, set[str] | None] | None = None) -> dict:
    return validate_profile(parse_profile_text(text), form_questions=form_questions)
