"""The RSS scoring engine: a validated profile compiled into arrays; no Django here.

Rules (docs/scoring-profiles.md):
- each answer maps to its option value in 0..1, or to MISSING (don't know, no answer, not applicable);
  an unanswered question is missing too; a negative item scores 1 - value;
- an indicator is the mean of its answered items (or its single item);
- a dimension is the weighted sum of its answered indicators, re-normalised over the answered
  weights; it is null when fewer than `min_answered` indicators (or less than `min_share` of them)
  are answered, or, under `score_null`, when any of them is missing;
- the composite has its own weights, over indicators or over dimensions, with the same rule;
- missing_count is the number of scored items unanswered or missing.

`score_one` is a plain-Python reading of these rules; `score_batch` computes the same numbers
for whole columns with numpy (the tests check that both agree).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np

DIMENSIONS = ("economic", "social", "psychosocial")
COMPOSITE = "composite"
SCORE_NULL = "score_null"
UNKNOWN = -1.0  # marks an answer code the profile does not know (values are 0..1 or NaN)
NAN = float("nan")


@dataclass(frozen=True)
class ScoreResult:
    economic: float | None
    social: float | None
    psychosocial: float | None
    composite: float | None
    missing_count: int
    indicator_values: dict[str, float | None]
    bands: dict[str, dict[str, str]] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)  # question -> answer the profile does not know

    def scores(self) -> dict[str, float | None]:
        return {
            "economic": self.economic,
            "social": self.social,
            "psychosocial": self.psychosocial,
            "composite": self.composite,
        }


@dataclass(frozen=True)
class BatchResult:
    """Scores of n rows: NaN where null; `unknown_item` is the index in `questions` of the first
    answer the profile does not know, -1 when none."""

    economic: np.ndarray
    social: np.ndarray
    psychosocial: np.ndarray
    composite: np.ndarray
    missing_count: np.ndarray
    indicators: np.ndarray  # n x len(indicator_ids)
    unknown_item: np.ndarray

    def __len__(self) -> int:
        return len(self.composite)


def normalise_answer(raw: Any) -> str | None:
    """An answer as an option code: None when unanswered; numbers as text (1.0 -> "1")."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return str(raw).lower()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int | float):
        return str(raw)
    if isinstance(raw, str):
        raw = raw.strip()
        return raw or None
    return repr(raw)  # a list or another structure: never an option code


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class CompiledProfile:
    """A profile definition (as normalised by reintegra.scoring.profile) ready to score."""

    def __init__(
        self,
        definition: Mapping[str, Any],
        *,
        accept_labels: bool = False,
        extra_labels: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    ):
        self.definition = definition
        indicators = definition["indicators"]
        self.indicator_ids: tuple[str, ...] = tuple(ind["id"] for ind in indicators)
        index = {ident: i for i, ident in enumerate(self.indicator_ids)}
        items = [item for item in definition["items"] if item["scored"]]
        self.questions: tuple[str, ...] = tuple(item["question"] for item in items)
        self.item_indicator = np.array([index[item["indicator"]] for item in items], dtype=np.intp)
        self.values = [self._values(item) for item in items]  # code -> value (NaN = missing), direction applied
        self.lookups = [
            self._lookup(item, values, accept_labels, (extra_labels or {}).get(item["question"], {}))
            for item, values in zip(items, self.values, strict=True)
        ]
        n_items, n_ind = len(items), len(indicators)
        self.item_matrix = np.zeros((n_items, n_ind))
        self.item_matrix[np.arange(n_items), self.item_indicator] = 1.0
        self.dimension_weights = np.zeros((n_ind, 3))
        self.dimension_members = np.zeros((n_ind, 3))
        for d, dimension in enumerate(DIMENSIONS):
            for ident, weight in definition["dimension_weights"].get(dimension, {}).items():
                self.dimension_weights[index[ident], d] = weight
                self.dimension_members[index[ident], d] = 1.0
        self.composite_over = definition.get("composite_over", "dimensions")
        keys = DIMENSIONS if self.composite_over == "dimensions" else self.indicator_ids
        weights = definition["composite_weights"]
        self.composite_weights = np.array([[weights.get(key, 0.0)] for key in keys])
        self.composite_members = np.array([[1.0 if key in weights else 0.0] for key in keys])
        rule = definition["missing_rule"]
        self.score_null = rule["method"] == SCORE_NULL
        self.min_answered = {scope: rule["min_answered"][scope] for scope in (*DIMENSIONS, COMPOSITE)}
        self.min_share = {scope: rule.get("min_share", {}).get(scope, 0) for scope in (*DIMENSIONS, COMPOSITE)}
        self.bands = definition.get("bands", [])

    @staticmethod
    def _values(item: Mapping[str, Any]) -> dict[str, float]:
        negative = item["direction"] == "negative"
        values = {}
        for code, value in item["options"].items():
            if value is None:
                values[code] = NAN
            else:
                values[code] = 1.0 - value if negative else float(value)
        return values

    @staticmethod
    def _lookup(
        item: Mapping[str, Any], values: dict[str, float], accept_labels: bool, extra: Mapping[str, Sequence[str]]
    ) -> dict[Any, float]:
        """Answer -> value: codes first, then (when asked) the profile's and the form's option labels."""
        lookup: dict[Any, float] = {None: NAN, "": NAN, **values}
        for code, value in values.items():
            lookup.setdefault(_fold(code), value)
        if accept_labels:
            labels = [(code, list(texts.values())) for code, texts in item.get("labels", {}).items()]
            labels += [(code, list(texts)) for code, texts in extra.items()]
            for code, texts in labels:
                if code in values:
                    for label in texts:
                        lookup.setdefault(label, values[code])
                        lookup.setdefault(_fold(label), values[code])
        return lookup

    # --- one response, in plain Python ---------------------------------------------------------

    def _value(self, j: int, raw: Any) -> tuple[float | None, bool]:
        """(value or None when missing, known?) of an answer to scored item j."""
        code = normalise_answer(raw)
        if code is None:
            return None, True
        lookup = self.lookups[j]
        value = lookup.get(code, lookup.get(_fold(code), UNKNOWN))
        if value == UNKNOWN:
            return None, False
        return (None if math.isnan(value) else value), True

    def _combine(self, values: list[float | None], weights: list[float], members: list[bool], scope: str):
        answered = [(v, w) for v, w, m in zip(values, weights, members, strict=True) if m and v is not None]
        total = sum(members)
        if self.score_null and len(answered) < total:
            return None
        if len(answered) < self.min_answered[scope] or len(answered) < self.min_share[scope] * total - 1e-9:
            return None
        weight = sum(w for _v, w in answered)
        if weight <= 0:
            return None
        return min(1.0, max(0.0, sum(v * w for v, w in answered) / weight))

    def score_one(self, answers: Mapping[str, Any]) -> ScoreResult:
        per_indicator: list[list[float]] = [[] for _ident in self.indicator_ids]
        missing, unknown = 0, {}
        for j, question in enumerate(self.questions):
            value, known = self._value(j, answers.get(question))
            if not known:
                unknown[question] = str(answers.get(question))
            if value is None:
                missing += 1
            else:
                per_indicator[self.item_indicator[j]].append(value)
        indicators = [sum(vals) / len(vals) if vals else None for vals in per_indicator]
        dimensions = {
            dimension: self._combine(
                indicators,
                self.dimension_weights[:, d].tolist(),
                [bool(m) for m in self.dimension_members[:, d]],
                dimension,
            )
            for d, dimension in enumerate(DIMENSIONS)
        }
        parts = [dimensions[d] for d in DIMENSIONS] if self.composite_over == "dimensions" else indicators
        composite = self._combine(
            parts, self.composite_weights[:, 0].tolist(), [bool(m) for m in self.composite_members[:, 0]], COMPOSITE
        )
        scores = {**dimensions, COMPOSITE: composite}
        return ScoreResult(
            **scores,
            missing_count=missing,
            indicator_values=dict(zip(self.indicator_ids, indicators, strict=True)),
            bands=self.bands_for(scores),
            unknown=unknown,
        )

    def bands_for(self, scores: Mapping[str, float | None]) -> dict[str, dict[str, str]]:
        """The band label of each score: from ≤ score < to (the top band also holds score = to = 1)."""
        found = {}
        for band in self.bands:
            score = scores.get(band["scope"])
            if score is None:
                continue
            if band["from"] <= score < band["to"] or (score == band["to"] == 1.0):
                found[band["scope"]] = dict(band["label"])
        return found

    # --- many responses, vectorised ------------------------------------------------------------

    def _column_values(self, j: int, column: Sequence[Any], n: int) -> np.ndarray:
        lookup = self.lookups[j]
        try:
            values = np.fromiter(map(lookup.get, column, repeat(UNKNOWN, n)), dtype=np.float64, count=n)
        except TypeError:  # unhashable answers (lists): compare them as text, never as codes
            column = [normalise_answer(answer) for answer in column]
            values = np.fromiter(map(lookup.get, column, repeat(UNKNOWN, n)), dtype=np.float64, count=n)
        retry = np.flatnonzero(values == UNKNOWN)
        for row in retry:  # rare: numbers, stray spaces, other capitals
            code = normalise_answer(column[row])
            values[row] = NAN if code is None else lookup.get(code, lookup.get(_fold(code), UNKNOWN))
        return values

    def _combine_batch(self, values: np.ndarray, weights: np.ndarray, members: np.ndarray, scopes) -> np.ndarray:
        answered = ~np.isnan(values)
        filled = np.where(answered, values, 0.0)
        numerator = filled @ weights
        denominator = answered @ weights
        count = answered @ members
        total = members.sum(axis=0)
        minimum = np.array([self.min_answered[s] for s in scopes])
        share = np.array([self.min_share[s] for s in scopes]) * total - 1e-9
        null = (count < minimum) | (count < share) | (denominator <= 0)
        if self.score_null:
            null |= count < total
        with np.errstate(invalid="ignore", divide="ignore"):
            result = np.clip(numerator / np.where(denominator > 0, denominator, 1.0), 0.0, 1.0)
        result[null] = np.nan
        return result

    def score_batch(self, columns: Mapping[str, Sequence[Any]], n: int | None = None) -> BatchResult:
        """Scores of n rows given as columns of answer codes keyed by question name (absent = unanswered)."""
        if n is None:
            n = len(next(iter(columns.values()))) if columns else 0
        values = np.full((n, len(self.questions)), np.nan)
        unknown_item = np.full(n, -1, dtype=np.int32)
        for j, question in enumerate(self.questions):
            column = columns.get(question)
            if column is None:
                continue
            col = self._column_values(j, column, n)
            bad = col == UNKNOWN
            if bad.any():
                unknown_item[bad & (unknown_item < 0)] = j
                col[bad] = np.nan
            values[:, j] = col
        answered = ~np.isnan(values)
        counts = answered @ self.item_matrix
        with np.errstate(invalid="ignore", divide="ignore"):
            indicators = np.where(answered, values, 0.0) @ self.item_matrix / counts
        indicators[counts == 0] = np.nan
        dimensions = self._combine_batch(indicators, self.dimension_weights, self.dimension_members, DIMENSIONS)
        parts = dimensions if self.composite_over == "dimensions" else indicators
        composite = self._combine_batch(parts, self.composite_weights, self.composite_members, (COMPOSITE,))[:, 0]
        return BatchResult(
            economic=dimensions[:, 0],
            social=dimensions[:, 1],
            psychosocial=dimensions[:, 2],
            composite=composite,
            missing_count=len(self.questions) - answered.sum(axis=1),
            indicators=indicators,
            unknown_item=unknown_item,
        )


def compile_profile(
    definition: Mapping[str, Any],
    *,
    accept_labels: bool = False,
    extra_labels: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> CompiledProfile:
    """`accept_labels`: answers may also be option labels (Kobo "labels" exports), from the profile
    and from `extra_labels` (question -> code -> labels, e.g. the form's choice labels)."""
    return CompiledProfile(definition, accept_labels=accept_labels, extra_labels=extra_labels)
