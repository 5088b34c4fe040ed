"""Suggesting the smallest revisions that make an inconsistent matrix acceptable."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from evalkit.methods.ahp.completion import complete
from evalkit.methods.ahp.consistency import (
    DEFAULT_METHOD,
    DEFAULT_RI_TABLE,
    DEFAULT_THRESHOLD,
    consistency,
    priorities,
)
from evalkit.methods.ahp.scale import (
    _RECIPROCAL_TOL,
    SAATY_SCALE,
    Matrix,
    item_ids,
    validate_matrix,
)


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
    ids = item_ids(n, items)
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
