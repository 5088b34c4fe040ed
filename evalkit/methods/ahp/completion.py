"""Completing an incomplete pairwise-comparison matrix.

Two optimal completions of Bozóki, Fülöp & Rónyai (2010), named in
:data:`~evalkit.methods.registry.COMPLETION_METHODS`: logarithmic least squares
(``llsm``, the default) and λmax minimisation (``lambda_max``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from evalkit.methods.ahp.scale import Matrix, MatrixError, item_ids


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
    ids = item_ids(a.shape[0], items)
    known = ~np.isnan(a) | ~np.isnan(a.T)
    np.fill_diagonal(known, False)
    return tuple(tuple(ids[i] for i in c) for c in _components(known))


def complete(
    matrix: ArrayLike, items: Sequence[str] | None = None, method: str = "llsm"
) -> tuple[Matrix, tuple[tuple[str, str, float], ...]]:
    """Fill in missing judgments by the completion ``method`` names (``llsm`` or ``lambda_max``)."""
    if method == "lambda_max":
        return complete_lambda_max(matrix, items)
    if method != "llsm":
        raise MatrixError(f"unknown completion method {method!r}", "use llsm or lambda_max")
    return complete_llsm(matrix, items)


def complete_llsm(
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
    ids = item_ids(n, items)
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


def complete_lambda_max(
    matrix: ArrayLike, items: Sequence[str] | None = None
) -> tuple[Matrix, tuple[tuple[str, str, float], ...]]:
    """Fill in missing judgments so that λmax of the completed matrix is least.

    Bozóki, Fülöp & Rónyai (2010), §3: written in x = ln a_ij of the missing
    cells (i < j; a_ji = 1/a_ij), λmax(A(x)) is a convex function, so a local
    minimum is the global one (unique when the graph of known pairs is
    connected).  Started from the LLSM completion and minimised by BFGS with the
    exact gradient ∂λ/∂x_ij = (u_i v_j a_ij − u_j v_i a_ji) / (u·v), u and v the
    left and right Perron vectors.  Same inputs, outputs and errors as
    :func:`complete_llsm`.
    """
    from scipy.optimize import minimize  # heavy; only needed for this completion

    start, estimated = complete_llsm(matrix, items)
    if not estimated:
        return start, ()
    ids = item_ids(start.shape[0], items)
    index = {item: k for k, item in enumerate(ids)}
    cells = [(index[i], index[j]) for i, j, _ in estimated]
    rows = np.array([c[0] for c in cells])
    cols = np.array([c[1] for c in cells])

    def build(x: Matrix) -> Matrix:
        a = start.copy()
        a[rows, cols] = np.exp(x)
        a[cols, rows] = np.exp(-x)
        return a

    def objective(x: Matrix) -> tuple[float, Matrix]:
        a = build(x)
        values, right = np.linalg.eig(a)
        k = int(np.argmax(values.real))
        v = np.abs(right[:, k].real)
        values_t, left = np.linalg.eig(a.T)
        u = np.abs(left[:, int(np.argmax(values_t.real))].real)
        grad = (u[rows] * v[cols] * a[rows, cols] - u[cols] * v[rows] * a[cols, rows]) / (u @ v)
        return float(values[k].real), grad

    x0 = np.log(start[rows, cols])
    result = minimize(objective, x0, jac=True, method="BFGS", options={"gtol": 1e-12})
    completed = build(result.x)
    return completed, tuple((ids[i], ids[j], float(completed[i, j])) for i, j in cells)
