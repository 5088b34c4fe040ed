"""Other composite evaluations common in Chinese regional-evaluation papers.

* Grey relational analysis (灰色关联分析; Deng Julong 1982, "Control problems of grey
  systems", Systems & Control Letters 1(5), 288–294): on direction-aware min–max
  data y, Δ_ij = |1 − y_ij| (the reference sequence is the best value of every
  column), ξ_ij = (Δmin + ρ Δmax) / (Δ_ij + ρ Δmax) with the global Δmin and Δmax and
  ρ = 0.5; the grade is γ_i = Σ_j w_j ξ_ij.
* Grey-relational TOPSIS (灰色关联 TOPSIS): grades γ⁺ to the ideal sequence and γ⁻ to the
  anti-ideal one (Δ = y − 0), closeness γ⁺ / (γ⁺ + γ⁻).
* Rank-sum ratio (秩和比法; 田凤调 1988): each column ranked 1..n from worst to best
  (ties share the mean rank), WRSR_i = Σ_j w_j R_ij / n; graded by the probit of
  the towns' cumulative frequency (:func:`rsr_grades`).
* Coupling coordination degree between families (耦合协调度; corrected form of
  王淑佳, 孔伟, 任亮 et al. 2021, 自然资源学报 36(3): 793–810):
  C = (Π_k U_k)^(1/K) / ((1/K) Σ_k U_k), T = Σ_k β_k U_k, D = √(C T).

The first three share the cross-checks' signature ``(matrix, w) -> (scores,
higher_is_better)`` and are named in
:data:`~evalkit.methods.registry.EXTRA_CHECKS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.weighting import minmax_standardize

GREY_RHO = 0.5
"""The distinguishing coefficient ρ (Deng's customary 0.5)."""


def grey_coefficients(deltas: np.ndarray, rho: float = GREY_RHO) -> np.ndarray:
    """ξ_ij = (Δmin + ρ Δmax) / (Δ_ij + ρ Δmax); all ones when every Δ is 0."""
    d = np.asarray(deltas, dtype=float)
    low, high = float(d.min()), float(d.max())
    if high == 0:
        return np.ones_like(d)
    return (low + rho * high) / (d + rho * high)


def grey_relational(matrix: DecisionMatrix, w: np.ndarray) -> tuple[np.ndarray, bool]:
    """Grey relational grade to the ideal sequence, γ_i = Σ_j w_j ξ_ij (higher is better)."""
    y = minmax_standardize(matrix.values, matrix.signs)
    return grey_coefficients(1.0 - y) @ w, True


def grey_topsis(matrix: DecisionMatrix, w: np.ndarray) -> tuple[np.ndarray, bool]:
    """Grey-relational closeness γ⁺ / (γ⁺ + γ⁻) (higher is better)."""
    y = minmax_standardize(matrix.values, matrix.signs)
    plus = grey_coefficients(1.0 - y) @ w
    minus = grey_coefficients(y) @ w
    total = plus + minus
    return np.where(total > 0, plus / np.where(total > 0, total, 1.0), 0.5), True


def column_ranks(values: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Rank of every town on every column, 1 = worst, n = best, ties sharing the mean rank."""
    x = np.asarray(values, dtype=float) * np.asarray(signs, dtype=float)
    n, m = x.shape
    ranks = np.empty((n, m))
    for j in range(m):
        order = np.argsort(x[:, j], kind="stable")
        ordinal = np.empty(n)
        ordinal[order] = np.arange(1, n + 1)
        uniq, inverse = np.unique(x[:, j], return_inverse=True)
        sums = np.bincount(inverse, weights=ordinal, minlength=len(uniq))
        counts = np.bincount(inverse, minlength=len(uniq))
        ranks[:, j] = (sums / counts)[inverse]
    return ranks


def rank_sum_ratio(matrix: DecisionMatrix, w: np.ndarray) -> tuple[np.ndarray, bool]:
    """Weighted rank-sum ratio WRSR_i = Σ_j w_j R_ij / n (higher is better)."""
    n = matrix.shape[0]
    return column_ranks(matrix.values, matrix.signs) @ (w / w.sum()) / n, True


RSR_CUTS: dict[int, tuple[float, ...]] = {
    3: (4.0, 6.0),
    4: (3.5, 5.0, 6.5),
    5: (3.2, 4.4, 5.6, 6.8),
}
"""Probit cut-offs of the customary RSR grading tables (田凤调 1993, 秩和比法及其应用):
3 grades at probit 4 and 6 (15.87 % and 84.13 %), 4 grades at 3.5, 5, 6.5 and 5 grades
at 3.2, 4.4, 5.6, 6.8.  Grade 1 is the lowest."""


@dataclass(frozen=True, eq=False)
class RsrGrading:
    """RSR grading: each town's probit, fitted RSR and grade (1 = lowest).

    ``intercept`` and ``slope`` are the least-squares line RSR = a + b · probit.
    """

    scores: np.ndarray
    probits: np.ndarray
    fitted: np.ndarray
    grades: np.ndarray
    intercept: float
    slope: float
    levels: int

    def to_dict(self, ids: Sequence[str]) -> dict[str, Any]:
        return {
            "levels": self.levels, "intercept": self.intercept, "slope": self.slope,
            "towns": {i: {"rsr": float(s), "probit": float(p), "fitted": float(f), "grade": int(g)}
                      for i, s, p, f, g in zip(ids, self.scores, self.probits, self.fitted,
                                               self.grades, strict=True)},
        }


def rsr_grades(scores: np.ndarray, levels: int = 3) -> RsrGrading:
    """Grade RSR values by the probit of their cumulative frequency (田凤调).

    The distinct values are sorted; a value held by f towns with cumulative
    frequency c (towns at or below it) has the mean rank c − (f − 1)/2 and the
    percentage p = (c − (f − 1)/2) / n, except that the largest value takes
    1 − 1/(4n); probit = 5 + Φ⁻¹(p).  RSR is regressed on the probit, and the
    towns are graded by their fitted RSR at the cut-offs of :data:`RSR_CUTS`.
    """
    if levels not in RSR_CUTS:
        raise ValueError(f"RSR grading has {', '.join(map(str, RSR_CUTS))} levels")
    s = np.asarray(scores, dtype=float)
    n = len(s)
    values, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    cumulative = np.cumsum(counts)
    percent = (cumulative - (counts - 1) / 2.0) / n
    percent[-1] = 1.0 - 1.0 / (4.0 * n)
    normal = NormalDist()
    probit_values = np.array([5.0 + normal.inv_cdf(float(p)) for p in percent])
    probits = probit_values[inverse]
    if len(values) > 1:
        slope, intercept = np.polyfit(probit_values, values, 1)
    else:
        slope, intercept = 0.0, float(values[0])
    fitted = intercept + slope * probits
    cuts = np.array([intercept + slope * c for c in RSR_CUTS[levels]])
    grades = np.searchsorted(cuts, fitted, side="right") + 1
    return RsrGrading(s, probits, fitted, grades, float(intercept), float(slope), levels)


COORDINATION_GRADES = (
    (0.1, "极度失调"), (0.2, "严重失调"), (0.3, "中度失调"), (0.4, "轻度失调"),
    (0.5, "濒临失调"), (0.6, "勉强协调"), (0.7, "初级协调"), (0.8, "中级协调"),
    (0.9, "良好协调"), (np.inf, "优质协调"),
)
"""The customary ten grades of D (upper bounds, exclusive), from extreme imbalance
(极度失调, D < 0.1) to high-quality coordination (优质协调, D ≥ 0.9)."""


@dataclass(frozen=True, eq=False)
class Coordination:
    """Coupling C, comprehensive T and coordination D per town, with D's grade.

    ``subsystems`` are the families' scores U_k (towns × families, in [0, 1]).
    """

    families: tuple[str, ...]
    subsystems: np.ndarray
    coupling: np.ndarray
    comprehensive: np.ndarray
    coordination: np.ndarray
    grades: tuple[str, ...]

    def to_dict(self, ids: Sequence[str]) -> dict[str, Any]:
        return {i: {"U": dict(zip(self.families, map(float, u), strict=True)), "C": float(c),
                    "T": float(t), "D": float(d), "grade": g}
                for i, u, c, t, d, g in zip(ids, self.subsystems, self.coupling,
                                            self.comprehensive, self.coordination, self.grades,
                                            strict=True)}


def coupling_coordination(subsystems: np.ndarray, families: Sequence[str],
                          betas: Sequence[float] | None = None) -> Coordination:
    """C = (Π U_k)^(1/K) / mean(U), T = Σ β_k U_k (β equal by default), D = √(C T).

    ``subsystems`` holds U (towns × K families, each in [0, 1]).  C is 0 when a
    subsystem is 0 and 1 when all are equal; with all U = 0, C is taken as 0.
    """
    u = np.asarray(subsystems, dtype=float)
    k = u.shape[1]
    beta = np.full(k, 1.0 / k) if betas is None else np.asarray(betas, dtype=float)
    mean = u.mean(axis=1)
    with np.errstate(divide="ignore"):
        geometric = np.exp(np.log(u).mean(axis=1))
    coupling = np.where(mean > 0, geometric / np.where(mean > 0, mean, 1.0), 0.0)
    comprehensive = u @ beta
    coordination = np.sqrt(coupling * comprehensive)
    grades = tuple(next(name for bound, name in COORDINATION_GRADES if d < bound)
                   for d in coordination)
    return Coordination(tuple(families), u, coupling, comprehensive, coordination, grades)


def family_scores(matrix: DecisionMatrix, w: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """Each family's score U_ik = Σ_{j∈k} w_j y_ij / Σ_{j∈k} w_j on direction-aware min–max y."""
    y = minmax_standardize(matrix.values, matrix.signs)
    families = tuple(dict.fromkeys(matrix.families))
    u = np.zeros((matrix.shape[0], len(families)))
    for k, family in enumerate(families):
        cols = np.array([f == family for f in matrix.families])
        total = w[cols].sum()
        u[:, k] = y[:, cols] @ w[cols] / total if total > 0 else y[:, cols].mean(axis=1)
    return families, u
