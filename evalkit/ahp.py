"""Analytic Hierarchy Process (AHP, 层次分析法): the mathematics, no I/O.

A pairwise-comparison matrix A (n × n) holds a_ij = how many times item i is
as important as item j, on Saaty's 1–9 scale, with a_ji = 1/a_ij and a_ii = 1.
From A this module derives

* the priority vector w (Σ w_i = 1) — principal right eigenvector
  (default) or row geometric mean, see :data:`PRIORITY_METHODS`;
* λmax, CI = (λmax − n)/(n − 1) and CR = CI/RI with a named random-index
  table, see :data:`RI_TABLES`;
* completions of incomplete matrices (logarithmic least squares),
* suggestions for revising the judgments of an inconsistent matrix,
* aggregation of several experts' matrices (AIJ), global weights of a
  two-level hierarchy, and combinations of AHP with objective weights.

Missing judgments are NaN.  Problems with a matrix are :class:`MatrixError`
(an :class:`~evalkit.errors.InputError`) naming the offending cell by item id.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from evalkit.errors import InputError

__all__ = [
    "COMBINATION_METHODS",
    "PRIORITY_METHODS",
    "RI_TABLES",
    "SAATY_SCALE",
    "AhpResult",
    "MatrixError",
    "Repair",
    "Revision",
    "aggregate",
    "analyse",
    "combine",
    "comparison_groups",
    "complete",
    "consistency",
    "global_weights",
    "nearest_scale_value",
    "on_saaty_scale",
    "priorities",
    "random_index",
    "saaty_label",
    "suggest_revisions",
    "validate_matrix",
]

Matrix = NDArray[np.float64]

# --------------------------------------------------------------------------
# Registries
# --------------------------------------------------------------------------

#: Random consistency index RI(n): the mean CI of random reciprocal matrices
#: on the Saaty scale.  Each table is named in every result, because CR
#: depends on which one is used.
RI_TABLES: dict[str, dict[int, float]] = {
    # Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
    # The table most software and Chinese textbooks use; evalkit's default.
    "saaty1980": {
        1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12,
        6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    },
    # Alonso, J. A. & Lamata, M. T. (2006). Consistency in the analytic
    # hierarchy process: a new approach. Int. J. Uncertainty, Fuzziness and
    # Knowledge-Based Systems 14(4), 445–459 (100,000 random matrices per n).
    # A fresh Monte Carlo run (10^5 matrices per n) agrees to within its
    # sampling error (≤ 0.004) for every n.
    "alonso_lamata2006": {
        1: 0.0, 2: 0.0, 3: 0.5245, 4: 0.8815, 5: 1.1086, 6: 1.2479,
        7: 1.3417, 8: 1.4056, 9: 1.4499, 10: 1.4854, 11: 1.5141,
        12: 1.5365, 13: 1.5551, 14: 1.5713, 15: 1.5838,
    },
}

DEFAULT_RI_TABLE = "saaty1980"
DEFAULT_METHOD = "eigenvector"
DEFAULT_THRESHOLD = 0.10

#: Saaty's fundamental scale: 1/9, 1/8, …, 1/2, 1, 2, …, 9 (ascending).
SAATY_SCALE: tuple[float, ...] = tuple(
    [1.0 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)]
)

# Relative tolerance for "a_ij · a_ji = 1" and "a_ij is on the scale": loose
# enough for 1/3 typed as 0.3333333333, tight enough to catch 0.33.
_RECIPROCAL_TOL = 1e-6


def _eigenvector(matrix: Matrix) -> Matrix:
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


def _geometric_mean(matrix: Matrix) -> Matrix:
    """Row geometric mean w_i ∝ (Π_j a_ij)^(1/n), normalised to Σ w_i = 1.

    Computed in logarithms so that long rows of large values cannot overflow.
    """
    w = np.exp(np.log(matrix).mean(axis=1))
    return w / w.sum()


#: Ways to derive a priority vector from a complete reciprocal matrix.
PRIORITY_METHODS: dict[str, Callable[[Matrix], Matrix]] = {
    "eigenvector": _eigenvector,
    "geometric_mean": _geometric_mean,
}


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass(eq=False)
class MatrixError(InputError):
    """A pairwise-comparison matrix that cannot be used.

    ``cell`` is the offending (row, column) index pair when there is one, so a
    file loader can point at the line the value came from.
    """

    cell: tuple[int, int] | None = None


@dataclass(frozen=True)
class AhpResult:
    """Priorities and consistency of one pairwise-comparison matrix.

    ``matrix`` is the complete matrix the figures were computed from (missing
    judgments filled in by :func:`complete`); ``estimated_pairs`` lists the
    filled-in judgments as (item_i, item_j, a_ij) with i before j in
    ``items``.  ``lambda_max`` is the Perron root of ``matrix`` whatever the
    priority ``method``; ``ci`` = (λmax − n)/(n − 1); ``cr`` = CI/RI, 0 for
    n ≤ 2; ``acceptable`` = CR ≤ ``threshold``.
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


@dataclass(frozen=True)
class Revision:
    """Change judgment a[pair[0], pair[1]] from ``current`` to ``suggested``."""

    pair: tuple[str, str]
    current: float
    suggested: float


@dataclass(frozen=True)
class Repair:
    """Revisions that, applied together in order, lower CR to ``cr_after``.

    ``acceptable`` tells whether ``cr_after`` ≤ the threshold; it can be False
    only when even revising every judgment once cannot reach the threshold.
    Both CRs use the RI table ``ri_table``.
    """

    revisions: tuple[Revision, ...]
    cr_before: float
    cr_after: float
    acceptable: bool
    ri_table: str


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def saaty_label(value: float) -> str:
    """Write a judgment the way an expert would: "3", "1/3", or 4 significant digits."""
    if value > 0 and math.isfinite(value):
        if value >= 1 and abs(value - round(value)) <= _RECIPROCAL_TOL * value:
            return str(round(value))
        inverse = 1.0 / value
        if inverse > 1 and abs(inverse - round(inverse)) <= _RECIPROCAL_TOL * inverse:
            return f"1/{round(inverse)}"
    return f"{value:.4g}"


def on_saaty_scale(value: float) -> bool:
    """True when ``value`` is one of 1/9, …, 1/2, 1, 2, …, 9 (within 1e-6 relative)."""
    return any(abs(value - s) <= _RECIPROCAL_TOL * s for s in SAATY_SCALE)


def nearest_scale_value(value: float) -> float:
    """The Saaty-scale value closest to ``value`` in log terms."""
    return min(SAATY_SCALE, key=lambda s: abs(math.log(s) - math.log(value)))


def _item_ids(n: int, items: Sequence[str] | None) -> tuple[str, ...]:
    if items is None:
        return tuple(str(i + 1) for i in range(n))
    ids = tuple(items)
    if len(ids) != n:
        raise MatrixError(
            f"{len(ids)} item ids for a {n} × {n} matrix",
            "give one id per row of the matrix",
        )
    if len(set(ids)) != n:
        raise MatrixError("item ids repeat", "give each row of the matrix its own id")
    return ids


def validate_matrix(
    matrix: ArrayLike,
    items: Sequence[str] | None = None,
    *,
    aggregated: bool = False,
) -> Matrix:
    """Check a pairwise-comparison matrix and return it as a float array.

    Requires a square matrix of positive values, a_ii = 1 and
    a_ij · a_ji = 1 (relative tolerance 1e-6); unless ``aggregated`` every
    value must be on the Saaty scale.  Missing judgments are NaN (or None);
    when only one of a_ij, a_ji is given the other is filled in as its
    reciprocal, and a missing diagonal is 1.  Raises :class:`MatrixError`
    naming the first offending cell by item id.
    """
    try:
        a = np.array(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise MatrixError(
            "the matrix is not a table of numbers", "write every judgment as a number"
        ) from exc
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise MatrixError(
            f"the matrix has shape {' × '.join(map(str, a.shape))}; it must be square",
            "give one row and one column per item",
        )
    n = a.shape[0]
    ids = _item_ids(n, items)

    def cell(i: int, j: int) -> str:
        return f"a[{ids[i]}, {ids[j]}]"

    for i in range(n):
        for j in range(n):
            v = a[i, j]
            if math.isnan(v):
                continue
            if not math.isfinite(v) or v <= 0:
                raise MatrixError(
                    f"{cell(i, j)} = {v:g} is not a positive number",
                    "judgments are ratios such as 3 or 1/3",
                    cell=(i, j),
                )
            if i == j and abs(v - 1) > _RECIPROCAL_TOL:
                raise MatrixError(
                    f"{cell(i, j)} = {saaty_label(v)} but an item compares to itself as 1",
                    "set the diagonal to 1",
                    cell=(i, j),
                )
            if not aggregated and not on_saaty_scale(v):
                raise MatrixError(
                    f"{cell(i, j)} = {v:g} is not on the Saaty scale",
                    f"use 1–9 or 1/2–1/9; the nearest is {saaty_label(nearest_scale_value(v))}",
                    cell=(i, j),
                )
    for i in range(n):
        a[i, i] = 1.0
        for j in range(i + 1, n):
            upper, lower = a[i, j], a[j, i]
            if math.isnan(upper) and not math.isnan(lower):
                a[i, j] = 1.0 / lower
            elif math.isnan(lower) and not math.isnan(upper):
                a[j, i] = 1.0 / upper
            elif not math.isnan(upper) and abs(upper * lower - 1) > _RECIPROCAL_TOL:
                raise MatrixError(
                    f"{cell(j, i)} = {saaty_label(lower)} but {cell(i, j)} = "
                    f"{saaty_label(upper)}; the matrix is not reciprocal",
                    f"set {cell(j, i)} = {saaty_label(1.0 / upper)} (a_ji = 1/a_ij)",
                    cell=(j, i),
                )
    return a


# --------------------------------------------------------------------------
# Completion of incomplete matrices
# --------------------------------------------------------------------------


def _components(known: NDArray[np.bool_]) -> list[list[int]]:
    """Connected components of the comparison graph (edge i–j: a_ij known)."""
    n = known.shape[0]
    seen = [False] * n
    components = []
    for start in range(n):
        if seen[start]:
            continue
        stack, component = [start], []
        seen[start] = True
        while stack:
            i = stack.pop()
            component.append(i)
            for j in np.flatnonzero(known[i]):
                if not seen[j]:
                    seen[j] = True
                    stack.append(int(j))
        components.append(sorted(component))
    return components


def comparison_groups(
    matrix: ArrayLike, items: Sequence[str] | None = None
) -> tuple[tuple[str, ...], ...]:
    """Groups of items linked by given judgments (NaN = not given).

    These are the connected components of the comparison graph, whose edges
    are the known pairs; a matrix can be completed only when there is one.
    """
    a = np.array(matrix, dtype=float)
    ids = _item_ids(a.shape[0], items)
    known = ~np.isnan(a) | ~np.isnan(a.T)
    np.fill_diagonal(known, False)
    return tuple(tuple(ids[i] for i in c) for c in _components(known))


def complete(
    matrix: ArrayLike, items: Sequence[str] | None = None
) -> tuple[Matrix, tuple[tuple[str, str, float], ...]]:
    """Fill in missing judgments by logarithmic least squares (LLSM).

    Bozóki, Fülöp & Rónyai (2010), "On optimal completion of incomplete
    pairwise comparison matrices", Math. Comput. Modelling 52, 318–333: with
    G the graph of known pairs, y = ln w minimises
    Σ_{(i,j)∈G} (ln a_ij − y_i + y_j)², i.e. solves L y = r, where L is the
    Laplacian of G and r_i = Σ_{j:(i,j)∈G} ln a_ij.  The solution is unique up
    to a constant iff G is connected; missing a_ij are then w_i / w_j.

    ``matrix`` must already be reciprocal in its known cells (see
    :func:`validate_matrix`).  Returns the complete matrix and the estimated
    pairs as (item_i, item_j, a_ij) with i < j.  Raises :class:`MatrixError`
    when G is disconnected, naming the groups of items that are never
    compared with each other.
    """
    a = np.array(matrix, dtype=float)
    n = a.shape[0]
    ids = _item_ids(n, items)
    known = ~np.isnan(a)
    np.fill_diagonal(known, False)
    if known.sum() == n * (n - 1):
        return a, ()
    components = _components(known)
    if len(components) > 1:
        groups = " | ".join(", ".join(ids[i] for i in c) for c in components)
        first, second = components[0][0], components[1][0]
        raise MatrixError(
            f"the comparisons do not connect all items; groups never compared "
            f"with each other: {groups}",
            f"compare at least one item of each group with another group, "
            f"e.g. {ids[first]} with {ids[second]}",
        )
    laplacian = np.diag(known.sum(axis=1).astype(float)) - known.astype(float)
    r = np.where(known, np.log(np.where(known, a, 1.0)), 0.0).sum(axis=1)
    # L is singular (L·1 = 0); adding the all-ones matrix J makes it regular,
    # and because Σ r_i = 0 the solution of (L + J) y = r also has Σ y_i = 0
    # and solves L y = r.
    y = np.linalg.solve(laplacian + np.ones((n, n)), r)
    completed = a.copy()
    estimated = []
    for i in range(n):
        for j in range(i + 1, n):
            if not known[i, j]:
                value = float(np.exp(y[i] - y[j]))
                completed[i, j], completed[j, i] = value, 1.0 / value
                estimated.append((ids[i], ids[j], value))
    np.fill_diagonal(completed, 1.0)
    return completed, tuple(estimated)


# --------------------------------------------------------------------------
# Priorities and consistency
# --------------------------------------------------------------------------


def random_index(n: int, ri_table: str = DEFAULT_RI_TABLE) -> float:
    """RI(n) from the named table of :data:`RI_TABLES`."""
    if ri_table not in RI_TABLES:
        raise InputError(
            f"unknown RI table {ri_table!r}",
            f"use one of {', '.join(RI_TABLES)}",
        )
    table = RI_TABLES[ri_table]
    if n not in table:
        larger = [name for name, t in RI_TABLES.items() if n in t]
        hint = (
            f"use the RI table {larger[0]}" if larger
            else f"no RI table covers n = {n}; split the items into smaller groups"
        )
        raise InputError(f"the RI table {ri_table} has no value for n = {n}", hint)
    return table[n]


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
    ri = random_index(n, ri_table)
    v = _eigenvector(a)
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
) -> AhpResult:
    """Validate, complete and evaluate one pairwise-comparison matrix.

    See :func:`validate_matrix` (``aggregated`` lifts the Saaty-scale check),
    :func:`complete`, :func:`priorities` and :func:`consistency`.
    """
    a = validate_matrix(matrix, items, aggregated=aggregated)
    ids = _item_ids(a.shape[0], items)
    completed, estimated = complete(a, ids)
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
        ri_table=ri_table,
        n=len(ids),
        method=method,
        threshold=threshold,
        acceptable=cr <= threshold,
        estimated_pairs=estimated,
    )


# --------------------------------------------------------------------------
# Consistency repair
# --------------------------------------------------------------------------


def _cr_of(partial: Matrix, ri_table: str) -> float:
    return consistency(complete(partial)[0], ri_table)[2]


def _with_judgment(partial: Matrix, i: int, j: int, value: float) -> Matrix:
    trial = partial.copy()
    trial[i, j], trial[j, i] = value, 1.0 / value
    return trial


def suggest_revisions(
    matrix: ArrayLike,
    items: Sequence[str] | None = None,
    *,
    method: str = DEFAULT_METHOD,
    ri_table: str = DEFAULT_RI_TABLE,
    threshold: float = DEFAULT_THRESHOLD,
    aggregated: bool = False,
) -> Repair:
    """Saaty-scale revisions of the judgments that make a matrix inconsistent.

    A judgment's responsibility is its deviation from the ratio the priority
    vector implies, |ln(a_ij · w_j / w_i)| (Saaty 2003, "Decision-making with
    the AHP: why is the principal eigenvector necessary", EJOR 145; Harker
    1987).  Each step looks, most responsible judgment first, for one whose
    replacement by a value s of :data:`SAATY_SCALE` (and a_ji by 1/s) brings
    CR ≤ ``threshold``, and takes the s closest to a_ij in log terms.  When no
    single change suffices, the most responsible judgment is set to the scale
    value that lowers CR most, and the search repeats on the revised matrix
    (greedy, each judgment revised at most once).  Only given judgments are
    revised; missing ones are re-estimated by :func:`complete` after every
    change.  Returns no revisions when CR is already acceptable.
    """
    a = validate_matrix(matrix, items, aggregated=aggregated)
    n = a.shape[0]
    ids = _item_ids(n, items)
    cr_before = _cr_of(a, ri_table)
    revisions: list[Revision] = []
    cr = cr_before
    revised: set[tuple[int, int]] = set()
    while cr > threshold:
        completed, _ = complete(a, ids)
        w = priorities(completed, method)
        deviation = np.abs(np.log(completed * w[np.newaxis, :] / w[:, np.newaxis]))
        pairs = sorted(
            (
                (i, j)
                for i in range(n)
                for j in range(i + 1, n)
                if not math.isnan(a[i, j]) and (i, j) not in revised
            ),
            key=lambda p: -deviation[p],
        )
        if not pairs:
            break
        fix = _single_fix(a, pairs, [float(deviation[p]) for p in pairs], ri_table, threshold)
        if fix is not None:
            i, j, value, cr = fix
        else:
            i, j = pairs[0]
            value, cr = min(
                ((s, _cr_of(_with_judgment(a, i, j, s), ri_table)) for s in SAATY_SCALE),
                key=lambda sc: (sc[1], abs(math.log(sc[0] / a[i, j]))),
            )
        revisions.append(Revision((ids[i], ids[j]), float(a[i, j]), value))
        revised.add((i, j))
        a = _with_judgment(a, i, j, value)
    return Repair(tuple(revisions), cr_before, cr, cr <= threshold, ri_table)


def _single_fix(
    a: Matrix,
    pairs: Sequence[tuple[int, int]],
    deviations: Sequence[float],
    ri_table: str,
    threshold: float,
) -> tuple[int, int, float, float] | None:
    """The most responsible pair that one scale value makes acceptable.

    ``pairs`` come in decreasing ``deviations``.  Pairs equally responsible
    (in a 3 × 3 matrix all three always are) are told apart by the smaller
    change, then by the lower CR.
    """
    best: tuple[float, float, int, int, float] | None = None
    best_deviation = math.inf
    for (i, j), d in zip(pairs, deviations, strict=True):
        if d < best_deviation - 1e-9 * max(1.0, best_deviation):
            break
        current = a[i, j]
        for s in SAATY_SCALE:
            if abs(s - current) <= _RECIPROCAL_TOL * s:
                continue
            cr = _cr_of(_with_judgment(a, i, j, s), ri_table)
            # Closest to the expert's own judgment; equally close (e.g. 2 and
            # 1/2 around 1) → the more consistent one.
            key = (abs(math.log(s / current)), cr, i, j, s)
            if cr <= threshold and (best is None or key < best):
                best_deviation = min(best_deviation, d)
                best = key
    if best is None:
        return None
    _, cr, i, j, s = best
    return i, j, s, cr


# --------------------------------------------------------------------------
# Several experts, hierarchies, combinations
# --------------------------------------------------------------------------


def aggregate(
    matrices: Sequence[ArrayLike], expert_weights: Sequence[float] | None = None
) -> Matrix:
    """Aggregate individual judgments (AIJ): element-wise weighted geometric mean.

    a_ij = Π_k (a_ij^(k))^(λ_k / Σ_{k answered} λ_k), over the experts k who
    answered cell (i, j), so a missing judgment is skipped rather than
    counted as 1; a cell nobody answered stays NaN.  ``expert_weights`` λ_k ≥
    0 default to equal and are normalised; an expert with weight 0 does not
    count.  The result is reciprocal when every input is (validate them first
    with :func:`validate_matrix`).
    """
    if not matrices:
        raise InputError("no matrices to aggregate", "give at least one expert's judgments")
    stack = np.array([np.asarray(m, dtype=float) for m in matrices])
    if stack.ndim != 3 or stack.shape[1] != stack.shape[2]:
        raise InputError(
            "the matrices to aggregate are not all square and of one size",
            "compare the same items in every expert's matrix",
        )
    k = stack.shape[0]
    lam = np.ones(k) if expert_weights is None else np.asarray(expert_weights, dtype=float)
    if lam.shape != (k,) or not np.all(np.isfinite(lam)) or np.any(lam < 0) or lam.sum() <= 0:
        raise InputError(
            f"expert weights {[float(x) for x in np.ravel(lam)]} do not fit {k} experts",
            "give one non-negative weight per expert, not all zero",
        )
    answered = ~np.isnan(stack) & (lam[:, None, None] > 0)
    weight = np.where(answered, lam[:, None, None], 0.0)
    total = weight.sum(axis=0)
    logs = np.where(answered, np.log(np.where(answered, stack, 1.0)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.exp((weight * logs).sum(axis=0) / total)
    result[total == 0] = np.nan
    np.fill_diagonal(result, 1.0)
    return result


def global_weights(
    family_weights: Mapping[str, float],
    local_weights: Mapping[str, Mapping[str, float]],
) -> dict[str, float]:
    """Global indicator weights of a two-level hierarchy.

    g_i = W_f · w_i|f for indicator i in family f, where W are the family
    weights and w_·|f the local weights within f (each set summing to 1).  A
    family with one indicator gives it local weight 1 whatever is passed.
    """
    if set(family_weights) != set(local_weights):
        raise InputError(
            "family weights and local weights cover different families: "
            f"{sorted(set(family_weights) ^ set(local_weights))}",
            "give local weights for exactly the weighted families",
        )
    result: dict[str, float] = {}
    for family, big_w in family_weights.items():
        local = local_weights[family]
        if len(local) == 1:
            local = dict.fromkeys(local, 1.0)
        if abs(sum(local.values()) - 1) > 1e-9:
            raise InputError(
                f"the local weights of family {family} sum to {sum(local.values()):.6g}",
                "normalise them to sum to 1",
            )
        for indicator, w in local.items():
            if indicator in result:
                raise InputError(
                    f"indicator {indicator} appears in more than one family",
                    "give each indicator one family",
                )
            result[indicator] = big_w * w
    return result


def _linear(a: Matrix, b: Matrix, alpha: float) -> Matrix:
    return alpha * a + (1 - alpha) * b


def _multiplicative(a: Matrix, b: Matrix, alpha: float) -> Matrix:
    return a * b


#: Ways to combine subjective (AHP) weights a with objective weights b.
COMBINATION_METHODS: dict[str, Callable[[Matrix, Matrix, float], Matrix]] = {
    "linear": _linear,
    "multiplicative": _multiplicative,
}


def combine(
    ahp_weights: Mapping[str, float],
    objective_weights: Mapping[str, float],
    method: str = "linear",
    alpha: float = 0.5,
) -> dict[str, float]:
    """Combine AHP weights a with objective (e.g. entropy) weights b.

    ``linear``: w_j = α a_j + (1 − α) b_j; ``multiplicative``:
    w_j = a_j b_j / Σ_k a_k b_k (α is ignored).  Both inputs are keyed by
    indicator id, must cover the same ids, and are normalised to sum to 1
    first.  The result sums to 1.
    """
    if method not in COMBINATION_METHODS:
        raise InputError(
            f"unknown combination method {method!r}",
            f"use one of {', '.join(COMBINATION_METHODS)}",
        )
    if not 0 <= alpha <= 1:
        raise InputError(f"alpha = {alpha} is outside [0, 1]", "give the AHP share α in [0, 1]")
    if set(ahp_weights) != set(objective_weights):
        raise InputError(
            "AHP and objective weights cover different indicators: "
            f"{sorted(set(ahp_weights) ^ set(objective_weights))}",
            "weight the same indicators both ways",
        )
    ids = list(ahp_weights)
    vectors = []
    for name, weights in (("AHP", ahp_weights), ("objective", objective_weights)):
        v = np.array([weights[i] for i in ids], dtype=float)
        if not np.all(np.isfinite(v)) or np.any(v < 0) or v.sum() <= 0:
            raise InputError(
                f"the {name} weights are not non-negative numbers with a positive sum",
                "check how they were computed",
            )
        vectors.append(v / v.sum())
    combined = COMBINATION_METHODS[method](vectors[0], vectors[1], alpha)
    if combined.sum() <= 0:
        raise InputError(
            "every indicator has weight 0 under one of the two methods, so their "
            "product is 0 everywhere",
            "use the linear combination instead",
        )
    combined = combined / combined.sum()
    return {i: float(x) for i, x in zip(ids, combined, strict=True)}

