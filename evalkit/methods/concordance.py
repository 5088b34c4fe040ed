"""How far several rankings of the same towns agree: Kendall's coefficient of concordance W.

For m rankings (judges, here the experts' own weights) of n objects (towns),
each ranking turned into average ranks r_ij (tied objects share the mean of
the positions they hold), with rank sums R_j = Σ_i r_ij and their mean
R̄ = m(n + 1)/2:

    S = Σ_j (R_j − R̄)²,
    W = 12 S / (m² (n³ − n) − m Σ_i T_i),   T_i = Σ_g (t_g³ − t_g)

where t_g runs over the sizes of the tie groups of ranking i (Kendall &
Babington Smith 1939; the correction for ties as in Siegel 1956, §9 and
Siegel & Castellan 1988, §9.4).  W = 1 when every ranking is the same, 0 when
the rank sums are all equal.  It is undefined (0/0) with fewer than two
objects, or when every ranking ties every object; it is then NaN, with the
reason in :attr:`Concordance.note`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Concordance", "average_ranks_of", "kendall_w"]


@dataclass(frozen=True)
class Concordance:
    """Kendall's W of ``m`` rankings of ``n`` objects, with what went into it.

    ``s`` is S, ``ties`` Σ_i T_i (0 without ties), ``w`` the tie-corrected W
    (NaN when undefined, see ``note``) and ``w_uncorrected`` the same without
    the correction.
    """

    w: float
    w_uncorrected: float
    m: int
    n: int
    s: float
    ties: float
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        def finite(x: float) -> float | None:
            return x if math.isfinite(x) else None

        return {"kendall_w": finite(self.w), "kendall_w_uncorrected": finite(self.w_uncorrected),
                "rankings": self.m, "towns": self.n, "s": self.s, "tie_correction": self.ties,
                "note": self.note}


def average_ranks_of(values: ArrayLike, tolerance: float = 0.0) -> np.ndarray:
    """Average ranks (1 = smallest value) of one row; values within ``tolerance`` tie."""
    x = np.asarray(values, dtype=float)
    n = x.size
    order = np.argsort(x, kind="stable")
    ranks = np.empty(n)
    start = 0
    while start < n:
        end = start + 1
        while end < n and x[order[end]] - x[order[end - 1]] <= tolerance:
            end += 1
        ranks[order[start:end]] = (start + 1 + end) / 2.0  # mean of positions start+1 … end
        start = end
    return ranks


def kendall_w(rankings: ArrayLike) -> Concordance:
    """Kendall's W (tie-corrected) of the rows of ``rankings`` (m rankings × n objects).

    Each row holds ranks or any values where smaller is better; equal values
    are ties.  Rows are turned into average ranks first, so competition ranks
    ("1224") and average ranks ("1 2.5 2.5 4") give the same W.
    """
    r = np.atleast_2d(np.asarray(rankings, dtype=float))
    m, n = r.shape
    if m == 0 or n == 0:
        return Concordance(math.nan, math.nan, m, n, 0.0, 0.0, "no rankings to compare")
    ranks = np.vstack([average_ranks_of(row) for row in r])
    sums = ranks.sum(axis=0)
    s = float(((sums - m * (n + 1) / 2.0) ** 2).sum())
    ties = 0.0
    for row in r:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts.astype(float) ** 3 - counts).sum())
    full = m * m * (n ** 3 - n)
    corrected = full - m * ties
    if n < 2:
        return Concordance(math.nan, math.nan, m, n, s, ties,
                           "fewer than two towns: W is undefined")
    uncorrected = 12.0 * s / full
    if corrected <= 0:
        return Concordance(math.nan, uncorrected, m, n, s, ties,
                           "every ranking ties every town: W is undefined")
    return Concordance(12.0 * s / corrected, uncorrected, m, n, s, ties)
