"""Saaty's scale and the checks every pairwise-comparison matrix passes.

A pairwise-comparison matrix A (n × n) holds a_ij = how many times item i is
as important as item j, on Saaty's 1–9 scale, with a_ji = 1/a_ij and
a_ii = 1.  Missing judgments are NaN.  Problems are :class:`MatrixError` (an
:class:`~evalkit.errors.InputError`) naming the offending cell by item id.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from evalkit.errors import InputError

Matrix = NDArray[np.float64]

#: Saaty's fundamental scale: 1/9, 1/8, …, 1/2, 1, 2, …, 9 (ascending).
SAATY_SCALE: tuple[float, ...] = tuple(
    [1.0 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)]
)

# Relative tolerance for "a_ij · a_ji = 1" and "a_ij is on the scale": loose
# enough for 1/3 typed as 0.3333333333, tight enough to catch 0.33.
_RECIPROCAL_TOL = 1e-6


@dataclass(eq=False)
class MatrixError(InputError):
    """A pairwise-comparison matrix that cannot be used.

    ``cell`` is the offending (row, column) index pair when there is one, so a
    file loader can point at the line the value came from.
    """

    cell: tuple[int, int] | None = None


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
    """True when ``value`` is a judgment on the 1/9…9 scale: any ratio from 1/9 to 9
    (1.5 and 2.5 as yaahp and many questionnaires allow, and their reciprocals), except
    a rounded reciprocal such as 0.33 or 0.14 — within 2% of 1/3 or 1/7 but not equal
    to it — which is taken for a typing slip (write 1/3) rather than 1/3.03."""
    low, high = SAATY_SCALE[0], SAATY_SCALE[-1]
    if not (low * (1 - _RECIPROCAL_TOL) <= value <= high * (1 + _RECIPROCAL_TOL)):
        return False
    if value >= 1:
        return True
    nearest = nearest_scale_value(value)
    return abs(value - nearest) <= _RECIPROCAL_TOL * nearest or \
        abs(value - nearest) > 0.02 * nearest


def scale_hint(value: float) -> str:
    """What to write instead of a value :func:`on_saaty_scale` refuses."""
    nearest = saaty_label(nearest_scale_value(value))
    if SAATY_SCALE[0] <= value < 1:
        return f"write a reciprocal as a fraction: {nearest}"
    return f"use a number from 1 to 9 or its reciprocal; the nearest is {nearest}"


def nearest_scale_value(value: float) -> float:
    """The Saaty-scale value closest to ``value`` in log terms."""
    return min(SAATY_SCALE, key=lambda s: abs(math.log(s) - math.log(value)))


def item_ids(n: int, items: Sequence[str] | None) -> tuple[str, ...]:
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
    ids = item_ids(n, items)

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
                    f"{cell(i, j)} = {v:g} is not on the Saaty scale (1/9 to 9)",
                    scale_hint(v),
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
