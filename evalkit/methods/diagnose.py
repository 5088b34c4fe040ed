"""Obstacle diagnosis (障碍度): what holds each town back.

With direction-aware min–max standardised values y_ij in [0, 1] and weights
w_j, the obstacle degree of indicator j for town i is

    O_ij = w_j (1 − y_ij) / Σ_k w_k (1 − y_ik),

and a family's obstacle is the sum over its indicators.  A town that is best
on every weighted indicator has no obstacle (all O_ij = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.weighting import Weights, minmax_standardize


@dataclass(frozen=True, eq=False)
class Obstacles:
    """Obstacle degrees of every town (rows) on every indicator and family."""

    ids: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    family_ids: tuple[str, ...]
    degree: np.ndarray  # towns × indicators, each row sums to 1 (or 0)
    family_degree: np.ndarray  # towns × families

    def top(self, town: int, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` largest obstacles of one town, largest first (ties by file order)."""
        row = self.degree[town]
        order = np.lexsort((np.arange(len(row)), -row))[:k]
        return [(self.indicator_ids[j], float(row[j])) for j in order if row[j] > 0]

    def top_all(self, k: int = 3) -> list[list[tuple[str, float]]]:
        """:meth:`top` for every town, in town order, with one sort for all of them."""
        # A stable sort on −O breaks ties by file order, as ``top``'s lexsort does.
        columns = np.argsort(-self.degree, axis=1, kind="stable")[:, :k]
        degrees = np.take_along_axis(self.degree, columns, axis=1)
        ids = self.indicator_ids
        return [[(ids[j], d) for j, d in zip(row_j, row_d, strict=True) if d > 0]
                for row_j, row_d in zip(columns.tolist(), degrees.tolist(), strict=True)]


def obstacle_degrees(matrix: DecisionMatrix, weights: Weights) -> Obstacles:
    """Obstacle degree O_ij for every town, indicator and family."""
    y = minmax_standardize(matrix.values, matrix.signs)
    deviation = weights.values[None, :] * (1.0 - y)
    totals = deviation.sum(axis=1, keepdims=True)
    degree = np.divide(deviation, totals, out=np.zeros_like(deviation), where=totals > 0)
    families = tuple(dict.fromkeys(matrix.families))
    membership = np.array([[f == g for g in families] for f in matrix.families], dtype=float)
    return Obstacles(matrix.ids, matrix.indicator_ids, families, degree, degree @ membership)
