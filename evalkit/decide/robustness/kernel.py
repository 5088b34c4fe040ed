"""Vectorised TOPSIS: closeness and top ranks for many weight vectors at once.

Vectorised TOPSIS.  With the normalised matrix R fixed (pymcdm's, so a cost
column is reflected to 1 − r), v_ij = w_j r_ij and w ≥ 0, the ideal and the
anti-ideal are v⁺_j = w_j max_i r_ij and v⁻_j = w_j min_i r_ij, so

    (D⁺_i)² = Σ_j w_j² (r_ij − r⁺_j)²,     (D⁻_i)² = Σ_j w_j² (r_ij − r⁻_j)²,

i.e. one matrix product [D⁺² | D⁻²] = (W ∘ W) · [(R − R⁺)² | (R − R⁻)²]ᵀ per
chunk of samples, and C_i = D⁻_i / (D⁺_i + D⁻_i) (½ when both are 0, as in
:func:`evalkit.methods.ranking.topsis`).  Ranks are competition ranks with the tie
tolerance of :func:`evalkit.methods.ranking.competition_ranks`.  For many towns only the
ranks ≤ k are needed (top-k acceptability, central weights): C is decreasing
in q = (D⁺)²/(D⁻)², and the (k+1)-th smallest q of any subset of towns bounds
the (k+1)-th smallest q of all.  With the towns best at the mean weights as
the subset the bound is tight; one single-precision product finds the few
towns near or above it, and only those are ranked, exactly, in double
precision (samples where ties may reach past them are ranked in full)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from evalkit.errors import InputError
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import TIE_TOLERANCE
from evalkit.methods.registry import NORMALIZATIONS

MEMORY_LIMIT = 512 * 2**20
"""Bytes the per-chunk work arrays may take (samples are processed in chunks)."""


_PREFILTER_SUBSET = 1024  # towns whose q bounds the others'


_PREFILTER_SLACK = 1e-5  # closeness margin, ≫ the single-precision error (≈1e-6)


_PREFILTER_CHUNK_BYTES = 32 * 2**20  # work arrays per chunk, sized for the processor's cache


@dataclass(frozen=True, eq=False)
class TopsisBatch:
    """TOPSIS for many weight vectors at once, on a fixed normalised matrix.

    ``gaps`` is the 2n × m matrix [(R − R⁺)²; (R − R⁻)²]; its product with
    W ∘ W gives [(D⁺)² | (D⁻)²] for a chunk of samples.
    """

    n: int
    m: int
    gaps: np.ndarray
    memory_limit: int = MEMORY_LIMIT
    _t64: np.ndarray = field(init=False, repr=False)
    _stacked32: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = self.n
        object.__setattr__(self, "_t64", np.ascontiguousarray(self.gaps.T))
        # [(R − R⁺)²ᵀ; (R − R⁻)²ᵀ] stacked along the inner dimension, for the prefilter
        stacked = np.concatenate([self.gaps[:n].T, self.gaps[n:].T], axis=0)
        object.__setattr__(self, "_stacked32", np.ascontiguousarray(stacked, dtype=np.float32))

    @classmethod
    def from_arrays(cls, values: np.ndarray, signs: np.ndarray, normalization: str = "vector",
                    memory_limit: int = MEMORY_LIMIT) -> TopsisBatch:
        """Normalise column by column exactly as pymcdm's TOPSIS does (r = 1 − x/‖x‖
        for a cost column under vector normalisation, (max − x)/(max − min) under min–max)."""
        if normalization not in NORMALIZATIONS:
            raise InputError(f"unknown normalization {normalization!r}",
                             f"use one of {', '.join(NORMALIZATIONS)}")
        x = np.asarray(values, dtype=float)
        norm = NORMALIZATIONS[normalization]
        r = np.column_stack([norm(x[:, j], bool(signs[j] < 0)) for j in range(x.shape[1])])
        gaps = np.concatenate([(r - r.max(axis=0)) ** 2, (r - r.min(axis=0)) ** 2], axis=0)
        return cls(x.shape[0], x.shape[1], gaps, memory_limit)

    @classmethod
    def from_matrix(cls, matrix: DecisionMatrix, normalization: str = "vector",
                    memory_limit: int = MEMORY_LIMIT) -> TopsisBatch:
        return cls.from_arrays(matrix.values, matrix.signs, normalization, memory_limit)

    def _chunk(self, bytes_per_town: int) -> int:
        return max(1, min(4096, self.memory_limit // (bytes_per_town * self.n + 1024)))

    def squared_distances(self, weights: np.ndarray) -> np.ndarray:
        """[(D⁺)² | (D⁻)²], samples × 2n, by one matrix product."""
        w = np.asarray(weights, dtype=float)
        return np.matmul(w * w, self._t64)

    def closeness(self, weights: np.ndarray) -> np.ndarray:
        """C = D⁻ / (D⁺ + D⁻) for each sample (rows) and town (columns)."""
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        out = np.empty((w.shape[0], self.n))
        step = self._chunk(8 * 5)
        for start in range(0, w.shape[0], step):
            p = self.squared_distances(w[start:start + step])
            out[start:start + step] = _closeness(p[:, :self.n], p[:, self.n:])
        return out

    def top_ranks(self, weights: np.ndarray, depth: int,
                  progress: Callable[[int], None] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sample, town, rank) for every town whose competition rank is ≤ ``depth``.

        Ranks equal :func:`evalkit.methods.ranking.competition_ranks` of each sample's
        closeness.  Samples are processed in chunks that keep the work arrays
        under ``memory_limit``; ``progress(done)`` is called after each chunk.
        """
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        prefilter = self.n > 2 * _PREFILTER_SUBSET and depth < _PREFILTER_SUBSET // 4
        # the prefilter's work arrays are sized to stay in the processor's cache
        step = (max(1, min(4096, _PREFILTER_CHUNK_BYTES // (5 * self.n))) if prefilter
                else self._chunk(8 * 8))
        buffers = _Buffers(min(step, w.shape[0]), self.n) if prefilter else None
        if prefilter:
            # Any subset of towns gives a valid bound; the best towns at the mean weights
            # give a tight one, so few towns pass the filter.
            mean = self.closeness(w.mean(axis=0))[0]
            pool = np.sort(np.argpartition(-mean, _PREFILTER_SUBSET)[:_PREFILTER_SUBSET])
            subset = np.ascontiguousarray(self._t64[:, np.concatenate([pool, self.n + pool])],
                                          dtype=np.float32)
        rows, towns, ranks = [], [], []
        for start in range(0, w.shape[0], step):
            chunk = w[start:start + step]
            if buffers is None:
                p = self.squared_distances(chunk)
                r, t, k = _row_ranks(_closeness(p[:, :self.n], p[:, self.n:]), depth)
            else:
                r, t, k = self._prefiltered_ranks(chunk, depth, buffers, subset)
            rows.append(r + start)
            towns.append(t)
            ranks.append(k)
            if progress is not None:
                progress(min(start + step, w.shape[0]))
        return np.concatenate(rows), np.concatenate(towns), np.concatenate(ranks)

    def _prefiltered_ranks(self, w: np.ndarray, depth: int, buffers: _Buffers,
                           subset: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rank only the towns that can be among the best ``depth``.

        C = 1/(1 + √q) with q = (D⁺)²/(D⁻)².  The (depth+1)-th smallest q of a
        subset of towns (``subset``: their gap columns) gives a closeness C_b
        that at least depth + 1 towns reach.  Every town with C ≥ C_b − 10⁻⁵, i.e. with
        z = (D⁺)² − q_h (D⁻)² ≤ 0 where √q_h = (1 − C_b + 10⁻⁵)/(C_b − 10⁻⁵), is a
        candidate; z for all towns is one single-precision product
        [w², −q_h w²] · [(R − R⁺)²; (R − R⁻)²]ᵀ (error in C well under 10⁻⁵).
        The candidates are then ranked exactly, in double precision.
        """
        n, s = self.n, w.shape[0]
        w2 = w * w
        w2_32 = w2.astype(np.float32)
        p_sub = (w2_32 @ subset).astype(float)
        half = subset.shape[1] // 2
        with np.errstate(divide="ignore", invalid="ignore"):
            q_sub = p_sub[:, :half] / p_sub[:, half:]
            q_bound = np.partition(q_sub, depth, axis=1)[:, depth]
            c_low = 1.0 / (1.0 + np.sqrt(q_bound)) - _PREFILTER_SLACK
            usable = c_low > 0
            q_high = np.where(usable, ((1.0 - c_low) / np.where(usable, c_low, 1.0)) ** 2, 0.0)
        a = np.concatenate([w2, -q_high[:, None] * w2], axis=1).astype(np.float32)
        z = np.matmul(a, self._stacked32, out=buffers.product[:s])
        mask = np.less_equal(z, 0.0, out=buffers.mask[:s])
        flat = np.flatnonzero(mask)
        rows, towns = flat // n, flat % n
        # Ranked again from the whole row: samples without a usable bound, samples with so
        # many candidates that the bound is loose (many near-equal towns), and samples whose
        # last candidate is still within the best ``depth`` (a tie chain may go on).
        crowded = np.bincount(rows, minlength=s) > max(64, 8 * (depth + 1))
        redo = ~usable | crowded
        if redo.any():
            keep = ~redo[rows]
            rows, towns = rows[keep], towns[keep]
        w2r = w2[rows]
        close = _closeness(np.einsum("ej,ej->e", w2r, self.gaps[towns]),
                           np.einsum("ej,ej->e", w2r, self.gaps[n + towns]))
        ranks, last_rank = _candidate_ranks(close, rows, towns, s)
        redo |= (last_rank <= depth) & ~redo
        again = np.flatnonzero(redo)
        keep = ranks <= depth
        if again.size:
            keep &= ~redo[rows]
        rows, towns, ranks = rows[keep], towns[keep], ranks[keep]
        if again.size:
            p = self.squared_distances(w[again])
            r, t, k = _row_ranks(_closeness(p[:, :n], p[:, n:]), depth)
            rows = np.concatenate([rows, again[r]])
            towns = np.concatenate([towns, t])
            ranks = np.concatenate([ranks, k])
        return rows, towns, ranks


class _Buffers:
    """Work arrays reused across chunks (fresh pages cost more than the arithmetic)."""

    def __init__(self, samples: int, n: int) -> None:
        self.product = np.empty((samples, n), dtype=np.float32)
        self.mask = np.empty((samples, n), dtype=bool)


def _closeness(dp2: np.ndarray, dm2: np.ndarray) -> np.ndarray:
    """C = D⁻/(D⁺ + D⁻) from squared distances; ½ when a town is at both ideals."""
    d_plus, d_minus = np.sqrt(dp2), np.sqrt(dm2)
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        c = d_minus / total
    return np.where(total > 0, c, 0.5)


def _row_ranks(close: np.ndarray, depth: int,
               tolerance: float = TIE_TOLERANCE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sample, town, rank) with rank ≤ ``depth`` from a samples × towns closeness table.

    Competition ranks exactly as :func:`evalkit.methods.ranking.competition_ranks`:
    towns sorted best first (stable by index); a town within ``tolerance`` of
    the one before it shares that one's rank.  For a shallow depth only the
    best few towns of each row are sorted (more when a tie chain runs on).
    """
    s, n = close.shape
    width = 2 * depth + 8
    rows_out, towns_out, ranks_out = [], [], []
    pending = np.arange(s)
    while pending.size:
        if 4 * width >= n:
            r, t, k = _sorted_ranks(close[pending], depth, tolerance)
            rows_out.append(pending[r])
            towns_out.append(t)
            ranks_out.append(k)
            break
        best = np.argpartition(-close[pending], width - 1, axis=1)[:, :width]
        rows = np.repeat(np.arange(pending.size), width)
        towns = best.ravel()
        ranks, last_rank = _candidate_ranks(close[pending][rows, towns], rows, towns, pending.size)
        done = last_rank > depth
        keep = done[rows] & (ranks <= depth)
        rows_out.append(pending[rows[keep]])
        towns_out.append(towns[keep])
        ranks_out.append(ranks[keep])
        pending = pending[~done]
        width *= 4
    return np.concatenate(rows_out), np.concatenate(towns_out), np.concatenate(ranks_out)


def _sorted_ranks(close: np.ndarray, depth: int,
                  tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_row_ranks` by sorting every row in full."""
    s, n = close.shape
    order = np.argsort(-close, axis=1, kind="stable")
    ordered = np.take_along_axis(close, order, axis=1)
    new = np.ones((s, n), dtype=bool)
    new[:, 1:] = ordered[:, :-1] - ordered[:, 1:] > tolerance
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=1)
    keep = first < depth
    return np.nonzero(keep)[0], order[keep], first[keep] + 1


def _candidate_ranks(close: np.ndarray, rows: np.ndarray, towns: np.ndarray, samples: int,
                     tolerance: float = TIE_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks of entries (sample, town, closeness), within each sample.

    The entries of a sample must be its best towns.  Returns each entry's rank
    and, per sample, the rank of its last (worst) entry (a large number for a
    sample with none).
    """
    order = np.lexsort((towns, -close, rows))
    r, c = rows[order], close[order]
    index = np.arange(len(order))
    starts_row = np.r_[True, r[1:] != r[:-1]]
    new = starts_row | np.r_[True, c[:-1] - c[1:] > tolerance]
    first_of_group = np.maximum.accumulate(np.where(new, index, 0))
    row_start = np.maximum.accumulate(np.where(starts_row, index, 0))
    sorted_ranks = first_of_group - row_start + 1
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = sorted_ranks
    last = np.full(samples, np.iinfo(np.int64).max)
    ends = np.r_[r[1:] != r[:-1], True] if len(r) else np.zeros(0, dtype=bool)
    last[r[ends]] = sorted_ranks[ends]
    return ranks, last
