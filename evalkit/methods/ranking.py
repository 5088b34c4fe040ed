"""Ranking: TOPSIS (Hwang & Yoon 1981) through pymcdm, and competition ranks.

The normalisation is always passed to pymcdm explicitly (its TOPSIS default is
min–max, not the textbook vector normalisation); the choices are the registry
:data:`~evalkit.methods.registry.NORMALIZATIONS`.  Results keep D+, D−, the
closeness and the ideal and anti-ideal points, so a report can explain them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evalkit.methods._pymcdm import methods, normalizations
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.registry import NORMALIZATIONS
from evalkit.methods.weighting import Weights

TIE_TOLERANCE = 1e-9
"""Closeness values closer than this are treated as equal (same rank, flagged)."""


def normalize_vector(x: np.ndarray, cost: bool = False) -> np.ndarray:
    """Vector normalisation r_ij = x_ij / √Σ_i x_ij² (pymcdm's), safe for a zero column.

    For a cost column pymcdm uses 1 − r, a reflection that leaves every
    distance, and so the closeness, as in Hwang & Yoon.  An all-zero column
    carries no information and is normalised to zeros.
    """
    if not np.any(x):
        return np.zeros_like(x, dtype=float)
    return normalizations.vector_normalization(x, cost)


def normalize_minmax(x: np.ndarray, cost: bool = False) -> np.ndarray:
    """Min–max normalisation to [0, 1], 1 = best (pymcdm's)."""
    return normalizations.minmax_normalization(x, cost)


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

    @property
    def order(self) -> np.ndarray:
        """Town indices from first to last."""
        return np.lexsort((np.arange(len(self.ids)), self.ranks))


def topsis(matrix: DecisionMatrix, weights: Weights, normalization: str = "vector") -> Ranking:
    """Rank towns by TOPSIS closeness C_i = D⁻_i / (D⁺_i + D⁻_i)."""
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
