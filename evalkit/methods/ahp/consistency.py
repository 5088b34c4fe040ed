"""Priorities, λmax, CI and CR of a complete pairwise-comparison matrix.

From a complete reciprocal matrix A: the priority vector w (Σ w_i = 1) by a
method of :data:`~evalkit.methods.registry.PRIORITY_METHODS` (principal right
eigenvector, the default, or row geometric mean); λmax, CI = (λmax − n)/(n − 1)
and CR = CI/RI with a random-index table of
:data:`~evalkit.methods.registry.RI_TABLES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from evalkit.errors import InputError
from evalkit.methods.ahp.completion import complete
from evalkit.methods.ahp.scale import Matrix, item_ids, validate_matrix
from evalkit.methods.registry import PRIORITY_METHODS, RI_TABLES

#: Random consistency index RI(n) of Saaty, T. L. (1980). The Analytic Hierarchy
#: Process. McGraw-Hill: the table most software and Chinese textbooks use, and
#: evalkit's default.  Each table is named in every result, because CR depends on it.
RI_SAATY_1980: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12,
    6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
}

#: RI(n) of Alonso, J. A. & Lamata, M. T. (2006). Consistency in the analytic
#: hierarchy process: a new approach. Int. J. Uncertainty, Fuzziness and
#: Knowledge-Based Systems 14(4), 445–459 (100,000 random matrices per n).  A
#: fresh Monte Carlo run (10^5 matrices per n) agrees to within its sampling
#: error (≤ 0.004) for every n.
RI_ALONSO_LAMATA_2006: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.5245, 4: 0.8815, 5: 1.1086, 6: 1.2479,
    7: 1.3417, 8: 1.4056, 9: 1.4499, 10: 1.4854, 11: 1.5141,
    12: 1.5365, 13: 1.5551, 14: 1.5713, 15: 1.5838,
}

#: RI(n) as most Chinese AHP textbooks print it: 许树柏 (Xu Shubai) (1988).
#: 《实用决策方法——层次分析法原理》 (Practical decision making: the principles of the
#: AHP). 天津大学出版社 (Tianjin University Press): 1000 random matrices per n.
#: Transcribed from the table as reprinted in the regional-evaluation literature
#: (0.52, 0.89, 1.12, 1.26, 1.36, 1.41, 1.46, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59).
RI_XU_1988: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.12, 6: 1.26, 7: 1.36, 8: 1.41,
    9: 1.46, 10: 1.49, 11: 1.52, 12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59,
}

#: Beyond every table: Alonso & Lamata (2006)'s fit of the mean random λmax,
#: λ̄(n) ≈ 2.7699 n − 4.3513, so RI(n) ≈ (1.7699 n − 4.3513)/(n − 1) (1.5855 at
#: n = 15 against their table's 1.5838).  A result that uses it is labelled so.
RI_FIT = "alonso_lamata2006_fit"

DEFAULT_RI_TABLE = "saaty1980"
DEFAULT_METHOD = "eigenvector"
DEFAULT_THRESHOLD = 0.10


def eigenvector(matrix: Matrix) -> Matrix:
    """Principal right eigenvector v (A v = λmax v), normalised to Σ v_i = 1.

    A positive matrix has a real, simple Perron root with a positive
    eigenvector (Perron–Frobenius), so the eigenvalue with the largest real
    part is the one wanted; the tiny imaginary parts LAPACK may leave are
    rounding noise.
    """
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    v = np.abs(vectors[:, k].real)
    return v / v.sum()


def geometric_mean(matrix: Matrix) -> Matrix:
    """Row geometric mean w_i ∝ (Π_j a_ij)^(1/n), normalised to Σ w_i = 1.

    Computed in logarithms so that long rows of large values cannot overflow.
    """
    w = np.exp(np.log(matrix).mean(axis=1))
    return w / w.sum()


def sum_product(matrix: Matrix) -> Matrix:
    """和积法 (sum–product method): the row means of the column-normalised matrix.

    w_i = (1/n) Σ_j a_ij / Σ_k a_kj (Saaty 1980, §1.2's first approximation of the
    eigenvector; the 和积法 of Chinese textbooks).  Exact for a consistent matrix.
    """
    a = np.asarray(matrix, dtype=float)
    w = (a / a.sum(axis=0)).mean(axis=1)
    return w / w.sum()


@dataclass(frozen=True)
class AhpResult:
    """Priorities and consistency of one pairwise-comparison matrix.

    ``matrix`` is the complete matrix the figures were computed from (missing
    judgments filled in by :func:`complete`); ``estimated_pairs`` lists the
    filled-in judgments as (item_i, item_j, a_ij) with i before j in
    ``items``.  ``lambda_max`` is the Perron root of ``matrix`` whatever the
    priority ``method``; ``ci`` = (λmax − n)/(n − 1); ``cr`` = CI/RI, 0 for
    n ≤ 2; ``acceptable`` = CR ≤ ``threshold``.  ``ri_table`` is where RI came
    from: the table asked for, or (n beyond it) :func:`ri_source`'s.
    """

    items: tuple[str, ...]
    weights: tuple[float, ...]
    matrix: tuple[tuple[float, ...], ...]
    lambda_max: float
    ci: float
    cr: float
    ri: float
    ri_table: str
    n: int
    method: str
    threshold: float
    acceptable: bool
    estimated_pairs: tuple[tuple[str, str, float], ...] = ()

    @property
    def weights_by_item(self) -> dict[str, float]:
        """The priority vector keyed by item id."""
        return dict(zip(self.items, self.weights, strict=True))


def random_index(n: int, ri_table: str = DEFAULT_RI_TABLE) -> float:
    """RI(n) from the named table of :data:`RI_TABLES` (see :func:`ri_source` for n
    beyond it)."""
    return _random_index(n, ri_table)[0]


def ri_source(n: int, ri_table: str = DEFAULT_RI_TABLE) -> str:
    """Where RI(n) comes from: ``ri_table`` when it covers n; else the first table that
    does (Alonso & Lamata's, to n = 15); beyond every table, :data:`RI_FIT`."""
    return _random_index(n, ri_table)[1]


def _random_index(n: int, ri_table: str) -> tuple[float, str]:
    if ri_table not in RI_TABLES:
        raise InputError(
            f"unknown RI table {ri_table!r}",
            f"use one of {', '.join(RI_TABLES)}",
        )
    table = RI_TABLES[ri_table]
    if n in table:
        return table[n], ri_table
    larger = [name for name, t in RI_TABLES.items() if n in t]
    if larger:
        return RI_TABLES[larger[0]][n], larger[0]
    return (1.7699 * n - 4.3513) / (n - 1), RI_FIT


def priorities(matrix: ArrayLike, method: str = DEFAULT_METHOD) -> Matrix:
    """Priority vector w (Σ w_i = 1) of a complete reciprocal matrix.

    ``method`` names an entry of :data:`PRIORITY_METHODS`.
    """
    if method not in PRIORITY_METHODS:
        raise InputError(
            f"unknown priority method {method!r}",
            f"use one of {', '.join(PRIORITY_METHODS)}",
        )
    return PRIORITY_METHODS[method](np.asarray(matrix, dtype=float))


def consistency(
    matrix: ArrayLike, ri_table: str = DEFAULT_RI_TABLE
) -> tuple[float, float, float, float]:
    """(λmax, CI, CR, RI) of a complete reciprocal matrix.

    λmax = (1/n) Σ_i (A v)_i / v_i with v the principal eigenvector, i.e. the
    Perron root, whichever priority method is used for the weights: the RI
    tables are means of (λmax − n)/(n − 1) over random matrices, so CR is only
    comparable with them — and the verdict only independent of the priority
    method — when λmax is the Perron root.  CI = (λmax − n)/(n − 1);
    CR = CI/RI, and CR = 0 for n ≤ 2, whose matrices are always consistent.
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0]
    ri, _ = _random_index(n, ri_table)
    v = eigenvector(a)
    lambda_max = float(np.mean(a @ v / v))
    if n <= 2:
        return lambda_max, 0.0, 0.0, ri
    ci = (lambda_max - n) / (n - 1)
    return lambda_max, ci, ci / ri, ri


def analyse(
    matrix: ArrayLike,
    items: Sequence[str] | None = None,
    *,
    method: str = DEFAULT_METHOD,
    ri_table: str = DEFAULT_RI_TABLE,
    threshold: float = DEFAULT_THRESHOLD,
    aggregated: bool = False,
    completion: str = "llsm",
) -> AhpResult:
    """Validate, complete and evaluate one pairwise-comparison matrix.

    See :func:`validate_matrix` (``aggregated`` lifts the Saaty-scale check),
    :func:`complete` (by the ``completion`` method of
    :data:`~evalkit.methods.registry.COMPLETION_METHODS`), :func:`priorities` and
    :func:`consistency`.
    """
    a = validate_matrix(matrix, items, aggregated=aggregated)
    ids = item_ids(a.shape[0], items)
    completed, estimated = complete(a, ids, completion)
    weights = priorities(completed, method)
    lambda_max, ci, cr, ri = consistency(completed, ri_table)
    return AhpResult(
        items=ids,
        weights=tuple(float(x) for x in weights),
        matrix=tuple(tuple(float(x) for x in row) for row in completed),
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        ri=ri,
        ri_table=ri_source(len(ids), ri_table),
        n=len(ids),
        method=method,
        threshold=threshold,
        acceptable=cr <= threshold,
        estimated_pairs=estimated,
    )
