"""Weights calibration: RSS indicator weights derived from a programme's own data by PCA.

The RSS scoring system was built with weights derived statistically, by principal component
analysis, from the field data of the MEASURE research (Samuel Hall / IOM 2017, handbook rss.md).
This module repeats that kind of analysis on the responses a programme collected, so an M&E
officer can compare the result with the active profile and, after review, save it as a new,
provisional, non-default profile (docs/scoring-profiles.md, "Weights calibration").

Method, per dimension (its indicators) and for the composite (all indicators):
1. indicator values of each submitted response, computed with the active profile (option values,
   directions and indicator means: `CompiledProfile.score_batch`);
2. listwise deletion: only responses with every indicator of the analysis answered (n is shown);
   an indicator that does not vary in those responses cannot be standardised: it is left out and
   gets weight 0;
3. standardisation (z-scores), then PCA by singular value decomposition (numpy);
4. the first component's loadings, signed so that most indicators load positively (a component's
   sign is arbitrary);
5. weights = squared loadings scaled to sum 1 (the squared elements of the unit eigenvector): the
   rule of the OECD/JRC Handbook on Constructing Composite Indicators (2008, §6.1), non-negative by
   construction. An indicator loading against the others (below -0.1) is flagged for review.

Only aggregates (loadings, weights, n) leave this module; never a response.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import F, IntegerField, Q, QuerySet
from django.db.models.functions import Mod
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reintegra.accounts.access import access_for
from reintegra.cases.selectors import cases_for
from reintegra.instruments.models import Occasion, Response
from reintegra.scoring.engine import DIMENSIONS, CompiledProfile
from reintegra.scoring.models import ScoringProfile
from reintegra.scoring.profile import parse_profile_text
from reintegra.scoring.selectors import compiled_profile

MIN_N = 30  # complete responses needed per analysis
MAX_RESPONSES = 50_000  # above this, a systematic sample by id keeps memory and time bounded
COMPOSITE = "composite"
OPPOSITE = 0.1  # a loading below -0.1 is flagged (a near-zero loading of either sign is just noise)


@dataclass
class Component:
    """The first principal component of one analysis (a dimension or the composite)."""

    scope: str
    indicators: list[str]
    n: int = 0
    loadings: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    explained: float | None = None  # share of the standardised variance (0..1)
    second: float | None = None  # the second component's share, to judge how dominant the first is
    constant: list[str] = field(default_factory=list)
    opposite: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def first_component(values: np.ndarray, indicators: list[str], scope: str, minimum: int = MIN_N) -> Component:
    """PCA of the columns of `values` (rows = responses, NaN = missing), as described above."""
    result = Component(scope=scope, indicators=list(indicators))
    complete = values[~np.isnan(values).any(axis=1)] if len(values) else values.reshape(0, len(indicators))
    result.n = len(complete)
    if result.n < max(minimum, len(indicators) + 1):
        result.error = ngettext(
            "Only %(n)s response answers every indicator of this analysis; at least %(minimum)s are needed.",
            "Only %(n)s responses answer every indicator of this analysis; at least %(minimum)s are needed.",
            result.n,
        ) % {"n": result.n, "minimum": max(minimum, len(indicators) + 1)}
        return result
    spread = complete.std(axis=0, ddof=1)
    varying = spread > 1e-9
    result.constant = [ident for ident, keep in zip(indicators, varying, strict=True) if not keep]
    if varying.sum() < 2:
        result.error = _("Fewer than two indicators vary in these responses: no component can be computed.")
        return result
    kept = [ident for ident, keep in zip(indicators, varying, strict=True) if keep]
    z = (complete[:, varying] - complete[:, varying].mean(axis=0)) / spread[varying]
    _u, singular, vt = np.linalg.svd(z, full_matrices=False)
    eigen = singular**2 / (result.n - 1)
    vector = vt[0]
    if (vector > 0).sum() < (vector < 0).sum() or ((vector > 0).sum() == (vector < 0).sum() and vector.sum() < 0):
        vector = -vector
    loadings = vector * math.sqrt(eigen[0])
    squared = vector**2 / (vector**2).sum()
    result.explained = float(eigen[0] / eigen.sum())
    result.second = float(eigen[1] / eigen.sum()) if len(eigen) > 1 else None
    result.loadings = {ident: float(v) for ident, v in zip(kept, loadings, strict=True)}
    result.weights = dict.fromkeys(indicators, 0.0) | {ident: float(w) for ident, w in zip(kept, squared, strict=True)}
    result.opposite = [ident for ident, v in result.loadings.items() if v < -OPPOSITE]
    return result


@dataclass
class Calibration:
    profile: ScoringProfile
    responses: int  # responses read (after sampling)
    available: int  # responses matching the filters
    components: list[Component]

    @property
    def ok(self) -> bool:
        return bool(self.components) and all(c.ok for c in self.components)

    def component(self, scope: str) -> Component:
        return next(c for c in self.components if c.scope == scope)


def calibration_offices(user) -> frozenset[int]:
    """M&E officers: the offices they serve; administrators: the offices they administer."""
    access = access_for(user)
    return access.pseudonymised | access.administer


def responses_for(
    user,
    profile: ScoringProfile,
    *,
    programme_id=None,
    start: date | None = None,
    end: date | None = None,
    occasion: str = Occasion.BASELINE,
) -> QuerySet[Response]:
    """Submitted responses of the profile's instrument in the user's calibration scope.

    Case roles read through `cases_for`; an administrator (no case role) through the offices they
    administer, which is acceptable here because only aggregate weights are returned.
    """
    access = access_for(user)
    scope = Q(case__in=cases_for(user).values("pk")) if access.sees_cases else Q(pk__in=[])
    if access.administer:
        scope |= Q(case__office_id__in=access.administer)
    qs = Response.objects.filter(
        scope, instrument_version__instrument_id=profile.instrument_id, status=Response.Status.SUBMITTED
    )
    if occasion:
        qs = qs.filter(occasion=occasion)
    if programme_id:
        qs = qs.filter(case__programme_id=programme_id)
    if start:
        qs = qs.filter(interview_date__gte=start)
    if end:
        qs = qs.filter(interview_date__lte=end)
    return qs


def _indicator_matrix(compiled: CompiledProfile, answers: list[dict]) -> np.ndarray:
    columns = {q: [(a or {}).get(q) for a in answers] for q in compiled.questions}
    return compiled.score_batch(columns, n=len(answers)).indicators


def calibrate(user, profile: ScoringProfile, **filters) -> Calibration:
    qs = responses_for(user, profile, **filters)
    available = qs.count()
    if available > MAX_RESPONSES:
        step = math.ceil(available / MAX_RESPONSES)
        qs = qs.annotate(slot=Mod(F("pk"), step, output_field=IntegerField())).filter(slot=0)
    answers = list(qs.order_by("pk").values_list("answers", flat=True)[:MAX_RESPONSES])
    compiled = compiled_profile(profile)
    matrix = _indicator_matrix(compiled, answers) if answers else np.zeros((0, len(compiled.indicator_ids)))
    index = {ident: i for i, ident in enumerate(compiled.indicator_ids)}
    weights = profile.definition["dimension_weights"]
    components = []
    for dimension in DIMENSIONS:
        members = list(weights.get(dimension, {}))
        components.append(first_component(matrix[:, [index[m] for m in members]], members, dimension))
    everything = [m for dimension in DIMENSIONS for m in weights.get(dimension, {})]
    components.append(first_component(matrix[:, [index[m] for m in everything]], everything, COMPOSITE))
    return Calibration(profile=profile, responses=len(answers), available=available, components=components)


# --- a new profile from the result ---------------------------------------------------------------


def _exact(weights: dict[str, float]) -> dict[str, float]:
    """Rounded to 6 decimals, the remainder put on the largest weight so the sum is exactly 1."""
    rounded = {k: round(v, 6) for k, v in weights.items()}
    largest = max(rounded, key=rounded.get)
    rounded[largest] = round(rounded[largest] + 1 - sum(rounded.values()), 6)
    return rounded


def calibrated_source(
    calibration: Calibration,
    *,
    code: str,
    version: str,
    name_en: str,
    name_fr: str,
    status: str,
    composite: str,
    note: str,
) -> str:
    """The active profile's file with the PCA weights: a JSON profile for `profile_load`.

    `composite`: "pca" (weights over all indicators from the composite analysis) or "keep" (the
    active profile's composite weights). Always provisional; never the default by itself.
    """
    raw = parse_profile_text(calibration.profile.source_text)
    raw.update(
        code=code,
        version=version,
        name={"en": name_en, "fr": name_fr},
        status=status,
        provisional=True,
        source_note=note,
    )
    raw["dimension_weights"] = {d: _exact(calibration.component(d).weights) for d in DIMENSIONS}
    if composite == "pca":
        raw["composite_weights"] = _exact(calibration.component(COMPOSITE).weights)
    return json.dumps(raw, ensure_ascii=False, indent=1, default=str)
