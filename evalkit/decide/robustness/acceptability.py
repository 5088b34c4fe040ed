"""Rank acceptability, central weights, winning indices and stability intervals (SMAA)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

import evalkit.decide.robustness.kernel as kernel
from evalkit.decide.robustness.kernel import TopsisBatch
from evalkit.methods.ranking import TIE_TOLERANCE

FULL_TABLE_MAX_TOWNS = 200
"""Up to this many towns: the full n × n rank-acceptability and winning tables."""


STABILITY_GRID = 100
"""Grid steps on [0, 1] scanned for changes of the top-k set before bisection."""


BISECTION_STEPS = 40
"""Halvings of a grid step (0.01 · 2⁻⁴⁰ ≈ 1e-14)."""


@dataclass(frozen=True, eq=False)
class Acceptability:
    """Counts behind the SMAA indices, over ``samples`` weight vectors.

    ``ranks[i, r − 1]`` counts the samples in which town i takes rank r (for
    r ≤ ``depth``); ``first_weights[i]`` sums the weight vectors that rank i
    first; ``wins[i, k]`` (small n only) counts the samples with C_i > C_k
    by more than the tie tolerance.
    """

    samples: int
    depth: int
    ranks: np.ndarray
    first_weights: np.ndarray
    wins: np.ndarray | None

    @property
    def acceptability(self) -> np.ndarray:
        """b_i^r = #{s : rank_i = r} / S, towns × ranks 1..depth."""
        return self.ranks / self.samples

    def top(self, k: int) -> np.ndarray:
        """a_i^k = Σ_{r ≤ k} b_i^r: the share of samples that rank town i among the best k."""
        return self.ranks[:, :k].sum(axis=1) / self.samples

    @property
    def central_weights(self) -> np.ndarray:
        """w_i^c = mean of the weight vectors ranking town i first (NaN rows if never)."""
        firsts = self.ranks[:, :1]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(firsts > 0, self.first_weights / np.maximum(firsts, 1), np.nan)

    @property
    def winning(self) -> np.ndarray | None:
        """p_ik = #{s : C_i > C_k} / S."""
        return None if self.wins is None else self.wins / self.samples


def rank_acceptability(batch: TopsisBatch, weights: np.ndarray, depth: int, *,
                       winning: bool = False,
                       progress: Callable[[int], None] | None = None) -> Acceptability:
    """Rank-acceptability counts for ranks 1..``depth`` over the weight samples (rows).

    With ``winning`` also the pairwise winning counts (n × n; for small n).
    """
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    n = batch.n
    depth = min(depth, n)
    rows, towns, ranks = batch.top_ranks(w, depth, progress)
    counts = np.bincount(towns * depth + (ranks - 1), minlength=n * depth).reshape(n, depth)
    first = ranks == 1
    first_weights = np.zeros((n, w.shape[1]))
    np.add.at(first_weights, towns[first], w[rows[first]])
    wins = None
    if winning:
        wins = np.zeros((n, n), dtype=np.int64)
        step = max(1, kernel.MEMORY_LIMIT // (8 * n * n + 8 * n * 8))
        for start in range(0, w.shape[0], step):
            close = batch.closeness(w[start:start + step])
            wins += (close[:, :, None] - close[:, None, :] > TIE_TOLERANCE).sum(axis=0)
    return Acceptability(w.shape[0], depth, counts, first_weights, wins)


@dataclass(frozen=True)
class Stability:
    """How far one weight may move, the others rescaled proportionally, before
    the top-k set changes: the set is the same for every w_j in [low, high].

    ``low_bounded``/``high_bounded`` are False when the set holds all the way
    to 0 or 1.
    """

    indicator: str
    weight: float
    low: float
    high: float
    low_bounded: bool
    high_bounded: bool


def weights_along(base: np.ndarray, j: int, t: np.ndarray | float) -> np.ndarray:
    """Weight vectors with w_j = t and the others w⁰_l (1 − t)/(1 − w⁰_j).

    If every other weight is 0, they share 1 − t equally.
    """
    t = np.atleast_1d(np.asarray(t, dtype=float))
    rest = np.asarray(base, dtype=float).copy()
    rest[j] = 0.0
    if rest.sum() <= 0:
        rest = np.ones_like(rest)
        rest[j] = 0.0
    rest = rest / rest.sum()
    out = (1.0 - t)[:, None] * rest[None, :]
    out[:, j] = t
    return out


def top_sets_equal(batch: TopsisBatch, weights: np.ndarray, depth: int,
                   reference: np.ndarray) -> np.ndarray:
    """For each weight vector (row): is the set of towns ranked ≤ ``depth`` ``reference``?"""
    w = np.atleast_2d(weights)
    rows, towns, _ = batch.top_ranks(w, depth)
    inside = np.bincount(rows[reference[towns]], minlength=w.shape[0])
    total = np.bincount(rows, minlength=w.shape[0])
    size = int(reference.sum())
    return (inside == size) & (total == size)


def stability_intervals(batch: TopsisBatch, base: np.ndarray, depth: int,
                        indicator_ids: Sequence[str], *, grid: int = STABILITY_GRID,
                        steps: int = BISECTION_STEPS) -> tuple[Stability, ...]:
    """One-at-a-time stability of the top-``depth`` set for every indicator.

    Each w_j is scanned over a grid of ``grid`` steps on [0, 1] outwards from
    w⁰_j; between the last grid point with the same set and the first with a
    different one, the edge is found by bisection (``steps`` halvings).  A
    change and change back within one grid step can be missed.
    """
    base = np.asarray(base, dtype=float)
    m = len(base)
    _, towns, _ = batch.top_ranks(base[None, :], depth)
    reference = np.zeros(batch.n, dtype=bool)
    reference[towns] = True
    ts = np.linspace(0.0, 1.0, grid + 1)
    same = top_sets_equal(batch, np.concatenate([weights_along(base, j, ts) for j in range(m)]),
                          depth, reference).reshape(m, grid + 1)
    # brackets (indicator, changed end, unchanged end); edges default to 0 and 1
    edges = np.column_stack([np.zeros(m), np.ones(m)])
    bounded = np.zeros((m, 2), dtype=bool)
    jobs: list[tuple[int, int, float, float]] = []
    for j in range(m):
        below = np.flatnonzero(ts < base[j])[::-1]
        changed = below[~same[j, below]]
        if changed.size:
            g = int(changed[0])
            jobs.append((j, 0, ts[g], min(ts[g + 1], base[j])))
        above = np.flatnonzero(ts > base[j])
        changed = above[~same[j, above]]
        if changed.size:
            g = int(changed[0])
            jobs.append((j, 1, ts[g], max(ts[g - 1], base[j])))
    if jobs:
        which = np.array([job[0] for job in jobs])
        side = np.array([job[1] for job in jobs])
        out = np.array([job[2] for job in jobs])
        inside = np.array([job[3] for job in jobs])
        for _ in range(steps):
            mid = 0.5 * (out + inside)
            w = np.concatenate([weights_along(base, int(j), t) for j, t in zip(which, mid,
                                                                                 strict=True)])
            ok = top_sets_equal(batch, w, depth, reference)
            inside = np.where(ok, mid, inside)
            out = np.where(ok, out, mid)
        edges[which, side] = inside
        bounded[which, side] = True
    return tuple(Stability(indicator_ids[j], float(base[j]), float(edges[j, 0]),
                           float(edges[j, 1]), bool(bounded[j, 0]), bool(bounded[j, 1]))
                 for j in range(m))
