"""Ranking: TOPSIS (Hwang & Yoon 1981) through pymcdm, and competition ranks.

The normalisation is always passed to pymcdm explicitly (its TOPSIS default is
min–max, not the textbook vector normalisation); the choices are the registry
:data:`~evalkit.methods.registry.NORMALIZATIONS`.  Results keep D+, D−, the
closeness and the ideal and anti-ideal points, so a report can explain them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from evalkit.methods._pymcdm import methods, normalizations
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.registry import NORMALIZATIONS, TOPSIS_DISTANCES
from evalkit.methods.weighting import Weights

TIE_TOLERANCE = 1e-9
"""Closeness values closer than this are treated as equal (same rank, flagged)."""


def unit_scaled(x: np.ndarray) -> np.ndarray:
    """``x`` divided by its largest magnitude, so that every value lies in [−1, 1].

    Vector and min–max normalisation do not change when a column is scaled, so
    they are computed on this: squares and sums of values near 1.8e308
    overflow, and squares of values near 1e-200 underflow to zero.
    """
    x = np.asarray(x, dtype=float)
    largest = np.max(np.abs(x)) if x.size else 0.0
    return x / largest if largest > 0 else x.astype(float)


def normalize_vector(x: np.ndarray, cost: bool = False) -> np.ndarray:
    """Vector normalisation r_ij = x_ij / √Σ_i x_ij² (pymcdm's), safe for a zero column.

    For a cost column pymcdm uses 1 − r, a reflection that leaves every
    distance, and so the closeness, as in Hwang & Yoon.  An all-zero column
    carries no information and is normalised to zeros.  The column is first
    divided by its largest magnitude (:func:`unit_scaled`), which leaves r as it
    is and keeps the squares finite and non-zero for any finite column.
    """
    if not np.any(x):
        return np.zeros_like(x, dtype=float)
    return normalizations.vector_normalization(unit_scaled(x), cost)


def normalize_minmax(x: np.ndarray, cost: bool = False) -> np.ndarray:
    """Min–max normalisation to [0, 1], 1 = best (pymcdm's), on :func:`unit_scaled` values."""
    return normalizations.minmax_normalization(unit_scaled(x), cost)


def competition_ranks(scores: np.ndarray, *, higher_is_better: bool = True,
                      tolerance: float = TIE_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """Ranks 1..n ("1224" on ties) and a flag per alternative that is tied."""
    s = np.asarray(scores, dtype=float)
    key = -s if higher_is_better else s
    order = np.argsort(key, kind="stable")
    n = len(s)
    ranks = np.empty(n, dtype=int)
    tied = np.zeros(n, dtype=bool)
    if n == 0:
        return ranks, tied
    # A town within the tolerance of the one before it (in score order) shares its rank,
    # so a chain of near-equal scores is one tie group ranked at its first position.
    with_previous = np.abs(np.diff(key[order])) <= tolerance
    position = np.arange(n)
    first = np.maximum.accumulate(np.where(np.r_[True, ~with_previous], position, 0))
    ranks[order] = first + 1
    tied[order] = np.r_[with_previous, False] | np.r_[False, with_previous]
    return ranks, tied


@dataclass(frozen=True, eq=False)
class Ranking:
    """TOPSIS result aligned with the matrix's towns.

    ``ideal`` and ``anti_ideal`` are v⁺_j and v⁻_j in pymcdm's weighted
    normalised space, where larger is better for every column.
    """

    ids: tuple[str, ...]
    normalization: str
    closeness: np.ndarray
    d_plus: np.ndarray
    d_minus: np.ndarray
    ideal: np.ndarray
    anti_ideal: np.ndarray
    weighted: np.ndarray
    ranks: np.ndarray
    tied: np.ndarray
    distance: str = "weighted_matrix"

    @property
    def order(self) -> np.ndarray:
        """Town indices from first to last."""
        return np.lexsort((np.arange(len(self.ids)), self.ranks))


DEFAULT_DISTANCE = "weighted_matrix"
"""Hwang & Yoon's TOPSIS: v_ij = w_j r_ij, D = √Σ_j (v_ij − v*_j)²."""


def topsis(matrix: DecisionMatrix, weights: Weights, normalization: str = "vector", *,
           distance: str = DEFAULT_DISTANCE) -> Ranking:
    """Rank towns by TOPSIS closeness C_i = D⁻_i / (D⁺_i + D⁻_i).

    ``distance`` names an entry of :data:`~evalkit.methods.registry.TOPSIS_DISTANCES`:
    ``weighted_matrix`` (Hwang & Yoon 1981: the matrix is weighted, v = w·r, so the
    squared distance carries w²) or ``weighted_distance`` (the weights inside the
    distance, D_i = √Σ_j w_j (r_ij − r*_j)², common in Chinese regional-evaluation
    papers).  The second is the first with weights √w_j, exactly, since
    w_j (r − r*)² = (√w_j r − √w_j r*)²; it is computed that way, so D±, ideal and
    anti-ideal are then in the space of √w_j · r_ij.
    """
    if distance not in TOPSIS_DISTANCES:
        raise ValueError(f"unknown TOPSIS distance {distance!r}")
    if distance == "weighted_distance":
        root = Weights(weights.method, weights.indicator_ids, np.sqrt(weights.values))
        return replace(topsis(matrix, root, normalization), distance=distance)
    method = methods.TOPSIS(NORMALIZATIONS[normalization])
    # ``_method`` is the step every pymcdm method implements (pinned 1.4.0); ``verbose=True``
    # would wrap each step in a pandas table with one column per town: seconds at 40,000 towns.
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 when all towns are equal; see below
        steps = method._method(matrix.values, weights.values, matrix.signs)
    tables = {desc.label: np.asarray(data) for desc, data in zip(method._tables, steps, strict=True)}
    d_plus, d_minus = tables["dpis"], tables["dnis"]
    total = d_plus + d_minus
    # Every town equal on every weighted indicator: nobody is closer to the ideal.
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    ranks, tied = competition_ranks(closeness)
    return Ranking(matrix.ids, normalization, closeness, d_plus, d_minus, tables["pis"],
                   tables["nis"], tables["wnmatrix"], ranks, tied)


def weighted_matrix_factors(w: np.ndarray) -> np.ndarray:
    """Column factors of the ``weighted_matrix`` distance: v_ij = w_j r_ij."""
    return np.asarray(w, dtype=float)


def weighted_distance_factors(w: np.ndarray) -> np.ndarray:
    """Column factors of the ``weighted_distance`` distance: √w_j (so that D² = Σ w_j Δr²)."""
    return np.sqrt(np.asarray(w, dtype=float))


def topsis_fixed(matrix: DecisionMatrix, weights: Weights, ideal: np.ndarray,
                 anti_ideal: np.ndarray, *, distance: str = DEFAULT_DISTANCE) -> Ranking:
    """TOPSIS against fixed ideal and anti-ideal points given in the indicators' own units.

    For comparisons across years (or across separate tables) the reference points
    must not move with the towns: each column is normalised between the given
    points, r_ij = (x_ij − x⁻_j) / (x⁺_j − x⁻_j), so the ideal is r = 1 and the
    anti-ideal r = 0 on every column whatever its direction (for a cost column
    x⁺_j < x⁻_j).  A value beyond a point gives r outside [0, 1] and is kept (a town
    better than the ideal is not clipped).  Then v_ij = f_j r_ij with f_j = w_j
    (``weighted_matrix``) or √w_j (``weighted_distance``), D⁺_i = ‖v_i − f‖,
    D⁻_i = ‖v_i‖ and C_i = D⁻_i / (D⁺_i + D⁻_i).  ``normalization`` is ``fixed``.
    """
    if distance not in TOPSIS_DISTANCES:
        raise ValueError(f"unknown TOPSIS distance {distance!r}")
    top = np.asarray(ideal, dtype=float)
    bottom = np.asarray(anti_ideal, dtype=float)
    width = top - bottom
    if top.shape != (matrix.shape[1],) or bottom.shape != top.shape:
        raise ValueError("give one ideal and one anti-ideal value per indicator")
    if np.any(width == 0):
        raise ValueError("an indicator's ideal equals its anti-ideal")
    r = (matrix.values - bottom) / width
    factors = TOPSIS_DISTANCES[distance](weights.values)
    v = r * factors
    d_plus = np.sqrt(((v - factors) ** 2).sum(axis=1))
    d_minus = np.sqrt((v ** 2).sum(axis=1))
    total = d_plus + d_minus
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    ranks, tied = competition_ranks(closeness)
    return Ranking(matrix.ids, "fixed", closeness, d_plus, d_minus, factors.copy(),
                   np.zeros_like(factors), v, ranks, tied, distance)
