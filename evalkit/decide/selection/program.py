"""A mixed 0-1 program in matrix form: the one representation every solver and check reads.

:class:`Program` is ``max (or min) c·v + offset`` subject to ``A v (≤ | = | ≥) b``
and ``l ≤ v ≤ u`` with some columns integer.  The selection model
(:mod:`.model`) builds it with numpy and scipy.sparse, so a 40,000-town model
is built in well under a second; the solver back ends (:mod:`.backends`) pass
the arrays to HiGHS or write them to CBC as MPS.  A solution is accepted only
after :meth:`Program.violation` finds no row, bound or integrality it breaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

LE, EQ, GE = -1, 0, 1
"""Row senses: ``≤``, ``=``, ``≥``."""

FEASIBILITY = 1e-6
"""A row or bound holds when broken by at most this much, relative to max(1, |rhs|) and,
for a row, to the size of its terms Σ|a_j·x_j| (a solver's printed values carry about
eight significant digits, so 0.88888889 + 100.01111 misses 100.9 by 1e-6 with every
figure right)."""

INTEGRALITY = 1e-6
"""An integer column holds an integer when within this of one."""


@dataclass(frozen=True)
class Rows:
    """Rows to add: each a (columns, coefficients) pair, with its sense, right side and name."""

    entries: Sequence[tuple[np.ndarray, np.ndarray]]
    sense: Sequence[int]
    rhs: Sequence[float]
    names: Sequence[str]


@dataclass(frozen=True, eq=False)
class Program:
    """``max c·v + offset`` (``maximize``; else min) s.t. ``A v (sense) rhs``, ``lower ≤ v ≤ upper``.

    ``names`` names the rows, ``columns`` the columns (lazily, for messages).
    """

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    matrix: sp.csr_matrix
    sense: np.ndarray
    rhs: np.ndarray
    names: tuple[str, ...]
    columns: tuple[str, ...] = ()
    maximize: bool = True
    offset: float = 0.0
    meta: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def n_cols(self) -> int:
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        return len(self.rhs)

    @property
    def n_integer(self) -> int:
        return int(np.count_nonzero(self.integer))

    def column_name(self, j: int) -> str:
        return self.columns[j] if j < len(self.columns) else f"column {j}"

    def objective(self, values: np.ndarray) -> float:
        return float(self.cost @ values) + self.offset

    def with_objective(self, cost: np.ndarray, *, maximize: bool = True,
                       offset: float = 0.0) -> Program:
        return replace(self, cost=np.asarray(cost, dtype=float), maximize=maximize,
                       offset=offset)

    def with_rows(self, rows: Rows) -> Program:
        """This program with ``rows`` added below its own."""
        if not rows.entries:
            return self
        data, indices, indptr = [], [], [0]
        for cols, coefs in rows.entries:
            cols = np.asarray(cols, dtype=np.int64)
            coefs = np.asarray(coefs, dtype=float)
            keep = coefs != 0
            indices.append(cols[keep])
            data.append(coefs[keep])
            indptr.append(indptr[-1] + int(keep.sum()))
        extra = sp.csr_matrix((np.concatenate(data) if data else np.zeros(0),
                               np.concatenate(indices) if indices else np.zeros(0, np.int64),
                               np.array(indptr)), shape=(len(rows.entries), self.n_cols))
        # A row may name a column twice (a town's cost and its credit): summed here, since
        # HiGHS 1.12–1.15 accept duplicate entries and can then loop in presolve past the
        # time limit (1.16 refuses them), and CBC reads an MPS with duplicates differently.
        extra.sum_duplicates()
        extra.eliminate_zeros()
        return replace(self, matrix=sp.vstack([self.matrix, extra], format="csr"),
                       sense=np.concatenate([self.sense, np.asarray(rows.sense, dtype=np.int8)]),
                       rhs=np.concatenate([self.rhs, np.asarray(rows.rhs, dtype=float)]),
                       names=(*self.names, *rows.names))

    def with_columns(self, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                     integer: np.ndarray, block: sp.spmatrix, names: Sequence[str]) -> Program:
        """This program with columns added (``block``: rows × new columns)."""
        return replace(
            self, cost=np.concatenate([self.cost, cost]),
            lower=np.concatenate([self.lower, lower]), upper=np.concatenate([self.upper, upper]),
            integer=np.concatenate([self.integer, integer]),
            matrix=sp.hstack([self.matrix, block], format="csr"),
            columns=(*self.columns, *names) if self.columns else ())

    def restricted(self, fixed: np.ndarray, values: np.ndarray) -> tuple[Program, np.ndarray]:
        """The program over the columns not ``fixed`` (a boolean mask), the fixed ones held at
        ``values``: their terms move to the right sides and the objective's offset.  Returns
        it and the positions (in this program) of its columns."""
        free = np.flatnonzero(~fixed)
        held = np.where(fixed, values, 0.0)
        moved = self.matrix @ held
        columns = tuple(self.columns[j] for j in free) if self.columns else ()
        return replace(self, cost=self.cost[free], lower=self.lower[free], upper=self.upper[free],
                       integer=self.integer[free], matrix=self.matrix[:, free].tocsr(),
                       rhs=self.rhs - moved, columns=columns,
                       offset=self.offset + float(self.cost @ held)), free

    def violation(self, values: np.ndarray) -> str | None:
        """The first row, bound or integrality ``values`` breaks (None: all hold)."""
        v = np.asarray(values, dtype=float)
        if v.shape != (self.n_cols,) or not np.all(np.isfinite(v)):
            return "the solution (missing or not finite values)"
        scale_l = FEASIBILITY * np.maximum(1.0, np.abs(self.lower))
        scale_u = FEASIBILITY * np.maximum(1.0, np.abs(np.where(np.isfinite(self.upper),
                                                                self.upper, 0.0)))
        low = np.flatnonzero(v < self.lower - scale_l)
        high = np.flatnonzero(v > self.upper + scale_u)
        fractional = np.flatnonzero(self.integer & (np.abs(v - np.round(v)) > INTEGRALITY))
        for bad in (low, high, fractional):
            if bad.size:
                return self.column_name(int(bad[0]))
        activity = self.matrix @ v
        excess = activity - self.rhs
        terms = abs(self.matrix) @ np.abs(v)
        tolerance = FEASIBILITY * np.maximum(np.maximum(1.0, np.abs(self.rhs)), terms)
        broken = ((self.sense == LE) & (excess > tolerance)) | \
            ((self.sense == GE) & (excess < -tolerance)) | \
            ((self.sense == EQ) & (np.abs(excess) > tolerance))
        rows = np.flatnonzero(broken)
        return self.names[int(rows[0])] if rows.size else None


def build(cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, integer: np.ndarray,
          rows: Rows, columns: Sequence[str] = ()) -> Program:
    """A program from its columns and rows."""
    base = Program(np.asarray(cost, dtype=float), np.asarray(lower, dtype=float),
                   np.asarray(upper, dtype=float), np.asarray(integer, dtype=bool),
                   sp.csr_matrix((0, len(cost))), np.zeros(0, dtype=np.int8), np.zeros(0), (),
                   tuple(columns))
    return base.with_rows(rows)


def without_dominated_years(xcol: np.ndarray, program: Program) -> Program:
    """``program`` with x_jy held at 0 where another year y' of town *j* is as good in the
    objective and in every row (a coefficient no larger in a ≤ row, no smaller in a ≥ row,
    equal in an = row): moving a town from y to y' keeps every answer feasible and no worse,
    so the best value is the same (of two years alike in everything, the later is kept
    open).  The answer found is one of the best; the stages after choose among them.
    ``xcol``: each town's column in ``program`` per year (−1: none)."""
    if xcol.shape[1] < 2 or not program.integer.any():
        return program
    matrix = program.matrix.tocsc()
    sign = 1.0 if program.maximize else -1.0
    upper = program.upper.copy()
    closed = np.zeros(len(upper), dtype=bool)
    for k in range(xcol.shape[1]):
        for other in range(xcol.shape[1]):
            if other == k:
                continue
            both = (xcol[:, k] >= 0) & (xcol[:, other] >= 0)
            a, b = xcol[both, k], xcol[both, other]
            if not a.size:
                continue
            diff = (matrix[:, a] - matrix[:, b]).tocsr()  # x_jk's coefficients less x_j,other's
            diff.eliminate_zeros()
            worse = np.zeros(len(a), dtype=bool)
            for sense, sign_bad in ((LE, -1.0), (GE, 1.0), (EQ, 0.0)):
                rows = diff[np.flatnonzero(program.sense == sense)].tocsr()
                rows.data = (rows.data != 0 if sign_bad == 0.0
                             else sign_bad * rows.data > 0).astype(float)
                rows.eliminate_zeros()
                worse |= rows.getnnz(axis=0) > 0
            worse |= sign * program.cost[a] > sign * program.cost[b]
            worse |= (program.lower[a] != program.lower[b]) | (program.upper[a] != program.upper[b])
            same = diff.getnnz(axis=0) == 0
            same &= program.cost[a] == program.cost[b]
            # dominated by another year; of two alike, the earlier closes
            close = ~worse & (~same | (k < other)) & ~closed[b]
            closed[a[close]] = True
    if not closed.any():
        return program
    upper[closed] = np.minimum(upper[closed], 0.0)
    return replace(program, upper=upper)
