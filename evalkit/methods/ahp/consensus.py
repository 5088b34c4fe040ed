"""How close each expert's judgments are to the group's: the geometric cardinal consensus index.

Dong, Y., Zhang, G., Hong, W.-C. & Xu, Y. (2010). Consensus models for AHP
group decision making under row geometric mean prioritization method.
*Decision Support Systems* 49, 281–289.  For expert k's n × n judgment
matrix A⁽ᵏ⁾ and the collective priority vector w⁽ᶜ⁾ — the row geometric mean
(RGMM) of the group matrix aggregated by the weighted geometric mean of the
judgments (AIJ) —

    GCCI(A⁽ᵏ⁾) = 2 / ((n − 1)(n − 2)) · Σ_{i<j} ( ln a⁽ᵏ⁾_ij − ln w⁽ᶜ⁾_i + ln w⁽ᶜ⁾_j )²

the geometric consistency index (GCI, Crawford & Williams 1985; Aguarón &
Moreno-Jiménez 2003) of the expert's judgments measured against the group's
priorities instead of the expert's own.  Expert k has acceptable consensus
on the matrix when GCCI ≤ the GCI threshold of Aguarón & Moreno-Jiménez
(2003), the values Dong et al. adopt: 0.31 for n = 3, 0.35 for n = 4 and 0.37
for n > 4 (:data:`GCCI_THRESHOLDS`).  For n = 2 the factor 2/((n−1)(n−2)) is
undefined and no threshold is published: GCCI is reported as ``None`` then.

evalkit measures each expert's *completed* matrix (a left-out judgment is
the logarithmic-least-squares estimate from the expert's other judgments,
:func:`~evalkit.methods.ahp.complete`), against the RGMM of the completed AIJ
aggregate, whatever priority method the criteria set uses for the weights:
GCCI is defined with the RGMM.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from evalkit.methods.ahp.consistency import geometric_mean

__all__ = ["GCCI_THRESHOLDS", "MatrixConsensus", "gcci", "gcci_threshold", "panel_consensus"]

GCCI_THRESHOLDS: Mapping[int, float] = {3: 0.31, 4: 0.35}
"""GCI thresholds of Aguarón & Moreno-Jiménez (2003) by n; n > 4: :data:`GCCI_THRESHOLD_LARGE`."""

GCCI_THRESHOLD_LARGE = 0.37
"""The threshold for n > 4."""


def gcci_threshold(n: int) -> float | None:
    """The acceptable-consensus threshold for an n × n matrix (None for n ≤ 2)."""
    if n <= 2:
        return None
    return GCCI_THRESHOLDS.get(n, GCCI_THRESHOLD_LARGE)


def gcci(matrix: ArrayLike, collective: ArrayLike) -> float:
    """GCCI of one complete judgment matrix against the collective priorities (NaN for n ≤ 2)."""
    a = np.asarray(matrix, dtype=float)
    w = np.asarray(collective, dtype=float)
    n = a.shape[0]
    if n <= 2:
        return math.nan
    upper = np.triu_indices(n, k=1)
    logs = np.log(a[upper]) - np.log(w[upper[0]]) + np.log(w[upper[1]])
    return float(2.0 * np.sum(logs ** 2) / ((n - 1) * (n - 2)))


@dataclass(frozen=True)
class MatrixConsensus:
    """One expert's GCCI on one matrix, its threshold and the verdict (``None`` for n = 2)."""

    matrix: str
    expert: str
    n: int
    gcci: float | None
    threshold: float | None
    acceptable: bool | None

    def to_dict(self) -> dict[str, object]:
        return {"matrix": self.matrix, "expert": self.expert, "n": self.n, "gcci": self.gcci,
                "threshold": self.threshold, "acceptable": self.acceptable}


def panel_consensus(experts: Mapping[str, Mapping[str, ArrayLike]],
                    aggregates: Mapping[str, ArrayLike]) -> tuple[MatrixConsensus, ...]:
    """GCCI of every expert's matrix against the RGMM of the group's matrix of the same name.

    ``experts`` maps each expert to their complete matrices by name;
    ``aggregates`` the complete AIJ aggregates by name.
    """
    rows = []
    for name, group in aggregates.items():
        collective = geometric_mean(np.asarray(group, dtype=float))
        for expert, matrices in experts.items():
            if name not in matrices:
                continue
            a = np.asarray(matrices[name], dtype=float)
            n = a.shape[0]
            value = gcci(a, collective)
            limit = gcci_threshold(n)
            if math.isnan(value) or limit is None:
                rows.append(MatrixConsensus(name, expert, n, None, None, None))
            else:
                rows.append(MatrixConsensus(name, expert, n, value, limit, value <= limit))
    return tuple(rows)
