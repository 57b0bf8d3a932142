"""Stratified random sampling: allocation and a draw that is exactly reproducible from its seed.

Pure functions (no database): the services give them the frame and store what they return.

**Allocation.** Each stratum first gets the minimum per stratum (or all its cases when it has
fewer). The rest of the sample size is shared between the strata in proportion to their frame
sizes (proportional allocation) or equally (equal allocation), rounded by the largest-remainder
method: every stratum gets the whole part of its exact share, and the units left over go to the
strata with the largest fractional parts (ties: the larger stratum, then the stratum key). A
stratum cannot get more cases than it has: it is then taken whole and the surplus is shared
again between the others, the same way. When the size is at least the frame, every case is taken.
Arithmetic is exact (fractions), so the result is the same on every machine.

**Draw.** The frame is sorted by case id. Within each stratum, a Python `random.Random` seeded
with the text `"<seed>:<stratum key>"` gives each case, in case-id order, one number
`random()`; the stratum's allocated number of cases with the smallest numbers are drawn (ties by
case id). This is a uniform random sample without replacement in each stratum (sequential
random sorting). We use only `random()`, whose sequence Python guarantees for a given seed across
versions (string seeds are hashed with SHA-512), rather than `sample()` or numpy's `Generator`,
whose algorithms may change between releases: an old sample can be re-drawn exactly years later.
A stratum's draw depends only on the seed and that stratum's cases, so a change in another
stratum does not change it. Members are numbered in stratum-key order, then by their random
number: that is also the order in which to contact them.
"""

import random
from dataclasses import dataclass, field
from fractions import Fraction
from math import floor

PROPORTIONAL = "proportional"
EQUAL = "equal"


@dataclass
class Stratum:
    key: str
    label: str
    case_ids: list[int] = field(default_factory=list)
    allocated: int = 0

    @property
    def size(self) -> int:
        return len(self.case_ids)


def _share(total: int, weights: dict[str, Fraction], sizes: dict[str, int]) -> dict[str, int]:
    """Largest-remainder apportionment of `total` by `weights`, capped at `sizes` (surplus shared again)."""
    given = dict.fromkeys(weights, 0)
    open_keys = [k for k in weights if sizes[k] > 0]
    remaining = total
    while remaining > 0 and open_keys:
        weight_sum = sum(weights[k] for k in open_keys)
        quotas = {k: Fraction(remaining) * weights[k] / weight_sum for k in open_keys}
        shares = {k: floor(q) for k, q in quotas.items()}
        left = remaining - sum(shares.values())
        by_remainder = sorted(open_keys, key=lambda k: (-(quotas[k] - shares[k]), -sizes[k], k))
        for k in by_remainder[:left]:
            shares[k] += 1
        full = [k for k in open_keys if given[k] + shares[k] >= sizes[k]]
        if not full:
            for k in open_keys:
                given[k] += shares[k]
            return given
        for k in full:  # taken whole; share what they cannot hold between the others
            remaining -= sizes[k] - given[k]
            given[k] = sizes[k]
        open_keys = [k for k in open_keys if k not in full]
    return given


def allocate(sizes: dict[str, int], *, total: int, method: str, minimum: int = 0) -> dict[str, int]:
    """How many cases to draw per stratum. Raises ValueError when the minimums exceed the total."""
    keys = sorted(sizes)
    if total >= sum(sizes.values()):
        return {k: sizes[k] for k in keys}
    base = {k: min(minimum, sizes[k]) for k in keys}
    rest = total - sum(base.values())
    if rest < 0:
        raise ValueError(sum(base.values()))
    weights = {k: Fraction(sizes[k]) if method == PROPORTIONAL else Fraction(1) for k in keys}
    extra = _share(rest, weights, {k: sizes[k] - base[k] for k in keys})
    return {k: base[k] + extra[k] for k in keys}


def draw_stratum(case_ids: list[int], count: int, *, seed: int, key: str) -> list[int]:
    """`count` case ids from one stratum, in draw order (see the module text)."""
    rng = random.Random(f"{seed}:{key}")
    numbered = [(rng.random(), case_id) for case_id in sorted(case_ids)]
    numbered.sort()
    return [case_id for _, case_id in numbered[:count]]


def draw(strata: list[Stratum], *, seed: int) -> list[tuple[Stratum, int, int]]:
    """(stratum, case id, order) for every drawn case; `allocated` must be set on each stratum."""
    drawn = []
    order = 0
    for stratum in sorted(strata, key=lambda s: s.key):
        for case_id in draw_stratum(stratum.case_ids, stratum.allocated, seed=seed, key=stratum.key):
            order += 1
            drawn.append((stratum, case_id, order))
    return drawn
