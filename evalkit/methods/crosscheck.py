"""Cross-checks: other methods' orders compared with TOPSIS's.

Each method of the registry :data:`~evalkit.methods.registry.CROSS_CHECKS`
returns every town's score and whether a higher score is better: WSM, VIKOR,
PROMETHEE II and TOPSIS with the other normalisation (the one the evaluation
did not use).  The orders are compared with TOPSIS's by Spearman's ρ and the
weighted rank correlation r_w of Pinto da Costa & Soares (2005); every
method's scores and ranks are kept, so a report can show them side by side.

Spearman's ρ is the Pearson correlation of *average* ranks (tied towns share
the mean of the positions they hold, "1, 2.5, 2.5, 4"), the tie-corrected
coefficient of Kendall & Gibbons (1990, §3.8).  The competition ranks shown
to users ("1, 2, 2, 4") are not average ranks and would bias ρ when there are
ties.  When one order ties every town, ρ has no value (0/0): it is NaN (JSON
``null``) and ``note`` says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evalkit.methods._pymcdm import correlations, methods
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import Ranking, competition_ranks, topsis
from evalkit.methods.registry import CROSS_CHECKS, EXTRA_CHECKS
from evalkit.methods.weighting import Weights, minmax_standardize


def wsm(matrix: DecisionMatrix, w: np.ndarray) -> tuple[np.ndarray, bool]:
    return minmax_standardize(matrix.values, matrix.signs) @ w, True


def vikor(matrix: DecisionMatrix, w: np.ndarray) -> tuple[np.ndarray, bool]:
    varying = np.ptp(matrix.values, axis=0) > 0
    if not varying.any():
        return np.zeros(matrix.shape[0]), False
    # VIKOR divides by each column's range; constant columns cannot separate towns anyway.
    sub_w = w[varying] / w[varying].sum() if w[varying].sum() > 0 else w[varying]
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 when the varying columns weigh 0
        scores = methods.VIKOR(v=0.5)(matrix.values[:, varying], sub_w, matrix.signs[varying],
                                      validation=False)
    return np.nan_to_num(np.asarray(scores, dtype=float), nan=0.0), False


def promethee_ii_usual(values: np.ndarray, weights: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """PROMETHEE II net flows with the usual preference function, by sorting.

    φ(a) = Σ_j w_j (#{b: a better than b on j} − #{b: b better than a on j}) / (n − 1)
    is pymcdm's ``PROMETHEE_II("usual")`` (Brans & Vincke 1985) without its n × n
    tables per indicator: O(m·n log n) time and O(n) extra memory instead of O(m·n²)
    (at 40,000 towns each pairwise difference table alone would need 12.8 GB).

    In each indicator's sorted values, the towns strictly behind a town are
    those before the first of its equals, and those strictly ahead are those
    after the last: both read off the runs of equal values in one pass each.
    """
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    net = np.zeros(n)
    columns = np.ascontiguousarray((values * signs).T)  # one row per indicator, larger is better
    orders = np.argsort(columns, axis=1)
    ordered = np.take_along_axis(columns, orders, axis=1)
    index = np.arange(n)
    first = np.ones(n, dtype=bool)  # the first of a run of equal values
    last = np.ones(n, dtype=bool)  # the last of one
    for j in range(values.shape[1]):
        row = ordered[j]
        np.not_equal(row[1:], row[:-1], out=first[1:])
        last[:-1] = first[1:]
        worse = np.maximum.accumulate(np.where(first, index, 0))  # towns strictly behind
        better = n - 1 - np.minimum.accumulate(np.where(last, index, n - 1)[::-1])[::-1]
        net[orders[j]] += weights[j] * (worse - better)
    return net / (n - 1)


def promethee_ii(matrix: DecisionMatrix, w: np.ndarray) -> tuple[np.ndarray, bool]:
    return promethee_ii_usual(matrix.values, w, matrix.signs), True


def topsis_vector(matrix: DecisionMatrix, w: np.ndarray) -> tuple[np.ndarray, bool]:
    """TOPSIS closeness with vector normalisation (Hwang & Yoon 1981)."""
    return topsis(matrix, Weights("cross-check", matrix.indicator_ids, w), "vector").closeness, True


def topsis_minmax(matrix: DecisionMatrix, w: np.ndarray) -> tuple[np.ndarray, bool]:
    """TOPSIS closeness with min–max normalisation (pymcdm's default)."""
    return topsis(matrix, Weights("cross-check", matrix.indicator_ids, w), "minmax").closeness, True


TOPSIS_CHECKS = {"vector": "topsis_vector", "minmax": "topsis_minmax"}
"""The cross-check that is TOPSIS itself with a given normalisation (skipped for the
normalisation the evaluation used: it would compare TOPSIS with itself)."""


@dataclass(frozen=True, eq=False)
class Agreement:
    """Another method's scores and order, and how far the order agrees with TOPSIS's.

    ``scores`` and ``ranks`` (competition ranks, "1224") are aligned with the
    matrix's towns; ``higher_is_better`` says which way ``scores`` run (VIKOR's
    Q: lower is better).  ``spearman`` is NaN when one order ties every town,
    with the reason in ``note``.
    """

    method: str
    ranks: np.ndarray
    spearman: float
    weighted_spearman: float
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    higher_is_better: bool = True
    note: str = ""

    def to_dict(self, ids: Sequence[str]) -> dict[str, Any]:
        """The JSON form: ρ and r_w (``null`` when undefined), scores and ranks by town id."""
        return {
            "spearman": _finite(self.spearman),
            "weighted_spearman": _finite(self.weighted_spearman),
            "higher_is_better": self.higher_is_better,
            "scores": dict(zip(ids, self.scores.tolist(), strict=True)),
            "ranks": dict(zip(ids, self.ranks.tolist(), strict=True)),
            "note": self.note,
        }


def agreement(matrix: DecisionMatrix, weights: Weights, ranking: Ranking,
              extra: Sequence[str] = ()) -> dict[str, Agreement]:
    """Spearman and weighted-Spearman (Pinto da Costa & Soares 2005) agreement
    of each cross-check method's ranks with the TOPSIS ranks; ``extra`` names
    methods of :data:`~evalkit.methods.registry.EXTRA_CHECKS` to add."""
    out: dict[str, Agreement] = {}
    reference = average_ranks(ranking.ranks)
    itself = TOPSIS_CHECKS.get(ranking.normalization)
    chosen = [*CROSS_CHECKS.items(), *((name, EXTRA_CHECKS[name]) for name in extra)]
    for name, method in chosen:
        if name == itself:
            continue
        scores, higher = method(matrix, weights.values)
        scores = np.asarray(scores, dtype=float)
        ranks, _ = competition_ranks(scores, higher_is_better=higher)
        other = average_ranks(ranks)
        rho = spearman(reference, other)
        note = ""
        if math.isnan(rho):
            tied = "TOPSIS" if np.ptp(reference) == 0 else name
            note = (f"the {tied} order ties every town: Spearman's rho is undefined"
                    if len(other) > 1 else "fewer than two towns: no order to compare")
        out[name] = Agreement(name, ranks, rho,
                              float(correlations.weighted_spearman(reference, other)),
                              scores, higher, note)
    return out


def average_ranks(ranks: np.ndarray) -> np.ndarray:
    """Average ranks from competition ranks: a tie group of t towns sharing
    competition rank r holds positions r … r + t − 1, so each gets r + (t − 1)/2."""
    r = np.asarray(ranks)
    if r.size == 0:
        return r.astype(float)
    values, inverse, counts = np.unique(r, return_inverse=True, return_counts=True)
    return (values + (counts - 1) / 2.0)[inverse].astype(float)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's ρ of two average-rank vectors; NaN when it is undefined.

    ρ = Σ (x_i − x̄)(y_i − ȳ) / √(Σ (x_i − x̄)² Σ (y_i − ȳ)²): with average ranks
    this is the tie-corrected coefficient.  An order that ties every town (or
    fewer than two towns) has no variance, and ρ is 0/0.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    return float(np.clip((dx @ dy) / math.sqrt((dx @ dx) * (dy @ dy)), -1.0, 1.0))


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
