r"""Large selections: fix towns by reduced cost, solve the small core, prove nothing was lost.

For a program :math:`\max c·v` with rows :math:`Av \ (≤,=,≥)\ b` and bounds
:math:`l ≤ v ≤ u`, any multipliers :math:`y` (≥ 0 on ≤ rows, ≤ 0 on ≥ rows)
give the Lagrangian bound

.. math:: L(y) = y·b + Σ_j \max(d_j l_j,\ d_j u_j),\qquad d = c − A^\top y,

and an answer whose column *j* is away from the value that attains the
maximum is worth at most :math:`L − |d_j|(u_j − l_j)` (Nemhauser & Wolsey
1988, reduced-cost fixing; the *core problem* of Balas & Zemel 1980).  The
multipliers are the LP relaxation's duals (HiGHS's simplex), but the bound is
recomputed here from them, with their signs enforced, so it holds whatever
the LP solver returned.

:func:`solve_core` fixes every 0-1 column outside a core of the smallest
:math:`|d_j|` at its preferred value, solves the rest with the chosen MIP
solver, and then checks: every fixed column must have :math:`L − |d_j| <
V − τ`, *V* the answer found and *τ* the tie band, so that no answer within
the band of the optimum leaves a fixed column at another value.  Columns
that fail the check join the core and the core is solved again.  The result
is exact to the solver's tolerance; the bound reported is the larger of the
core's bound and the best bound of any answer against a fixing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from evalkit.decide.selection.backends import Outcome, Tolerances, lp_relaxation, run
from evalkit.decide.selection.program import EQ, GE, LE, Program, without_dominated_years

CORE_MIN = 3_000
"""Programs with at most this many 0-1 columns are solved whole."""
CORE_START = 1_000
"""The first core: at least this many 0-1 columns (and every fractional one of the LP)."""


@dataclass(frozen=True)
class Bounds:
    """The Lagrangian bound of a maximising program and each column's cost of moving."""

    value: float
    cost: np.ndarray  # |d_j| (u_j − l_j) for 0-1 columns, 0 for the others
    prefer: np.ndarray  # the value each column takes in the Lagrangian maximum
    lp: np.ndarray  # the LP relaxation's values
    reduced: np.ndarray  # d = c − Aᵀy


@dataclass(frozen=True)
class Core:
    """Columns fixed at ``prefer`` outside the core: valid for every answer worth at least
    ``valid_above`` (program sense)."""

    fixed: np.ndarray
    prefer: np.ndarray
    valid_above: float


def lagrangian(program: Program, duals: np.ndarray, lp: np.ndarray) -> Bounds:
    """The bound :math:`L(y)` and the reduced costs, for a maximising program."""
    assert program.maximize
    y = np.asarray(duals, dtype=float).copy()
    y[(program.sense == LE) & (y < 0)] = 0.0
    y[(program.sense == GE) & (y > 0)] = 0.0
    d = program.cost - program.matrix.T @ y
    upper = np.where(np.isfinite(program.upper), program.upper, 0.0)
    at_upper = d > 0
    best = np.where(at_upper, d * upper, d * program.lower)
    infinite = at_upper & ~np.isfinite(program.upper)
    value = float(y @ program.rhs + best.sum()) + program.offset
    if infinite.any():
        value = np.inf
    prefer = np.where(at_upper, upper, program.lower)
    cost = np.where(program.integer, np.abs(d) * (upper - program.lower), 0.0)
    return Bounds(value, cost, prefer, lp, d)


def relax(program: Program, time_limit: float | None) -> Bounds | str:
    """The LP relaxation's bound, or ``infeasible``/``stopped``."""
    found = lp_relaxation(program, time_limit)
    if found.status != "optimal":
        return found.status
    assert found.duals is not None and found.values is not None
    return lagrangian(program, found.duals, found.values)


def solve_core(program: Program, bounds: Bounds, solver: str, tolerances: Tolerances,
               remaining: Callable[[], float | None], *, base: float | None = None,
               keep: np.ndarray | None = None, band: bool = True,
               years: np.ndarray | None = None) -> tuple[Outcome, Core]:
    """Solve ``program`` (maximising) with the columns outside a core fixed; see the module.

    ``base`` is a valid bound for this program when it differs from ``bounds.value`` (a town
    forced in); ``keep`` marks columns never to fix.  ``band``: fixings must hold for every
    answer within the tie band of the optimum (else only for better answers).  ``years``
    (each town's column per conversion year): the core is solved without a town's
    dominated years (only its best value and one answer are needed; the fixings are checked
    against that value, which is the core's own).
    """
    assert program.maximize
    top = bounds.value if base is None else base
    integer = program.integer
    lp = bounds.lp
    fractional = integer & (np.abs(lp - np.round(lp)) > 1e-7)
    core = ~integer | fractional | (bounds.cost <= 1e-12)
    if keep is not None:
        core |= keep
    order = np.argsort(bounds.cost[integer], kind="stable")
    size = max(CORE_START, int(0.02 * integer.sum()))
    core[np.flatnonzero(integer)[order[:size]]] = True
    while True:
        fixed = ~core
        if fixed.sum() == 0:
            whole = program if years is None else _open_years(years, program, None)
            start = _start_for(whole, lp, years is not None, remaining())
            outcome = run(whole, solver, remaining(), tolerances, start=start)
            return _within(outcome, top), Core(fixed, bounds.prefer, -np.inf)
        restricted, free = program.restricted(fixed, bounds.prefer)
        if years is not None:
            restricted = _open_years(years, restricted, free)
        start = rounded_start(restricted, lp[free], remaining())
        outcome = run(restricted, solver, remaining(), tolerances, start=start)
        out_of_time = _out_of_time(remaining)
        if outcome.status == "infeasible" and out_of_time:
            return Outcome("stopped", seconds=outcome.seconds), Core(fixed, bounds.prefer, np.inf)
        if outcome.status == "infeasible":
            grow = np.flatnonzero(fixed)[np.argsort(bounds.cost[fixed], kind="stable")]
            core[grow[:max(size, 4 * int(core[integer].sum()))]] = True
            continue
        if outcome.values is None or outcome.objective is None:
            return outcome, Core(fixed, bounds.prefer, np.inf)
        value = outcome.objective
        limit = value - (tolerances.band(value) if band else 0.0)
        against = np.where(fixed, top - bounds.cost, -np.inf)
        wrong = fixed & (against >= limit - 1e-12 * max(1.0, abs(limit)))
        full = np.where(fixed, bounds.prefer, 0.0)
        full[free] = outcome.values
        worst = float(against.max()) if fixed.any() else -np.inf
        bound = outcome.bound
        if bound is not None:
            bound = max(bound, worst)
        if bound is not None:  # never weaker than the Lagrangian bound, never below the answer
            bound = max(min(bound, top), value)
        detail = (f"{int(fixed.sum()):,} of {int(integer.sum()):,} 0-1 columns fixed by "
                  "reduced cost")
        if wrong.any() and out_of_time:
            # No time to solve a larger core: the answer stands, unproven; its bound is the
            # core's or, for an answer against a fixing, the best such answer's (``worst``).
            return (Outcome("feasible", full, value, bound, outcome.seconds,
                            detail + "; the check of the fixings stopped at the time limit"),
                    Core(fixed, bounds.prefer, np.inf))
        if wrong.any():
            core |= wrong
            continue
        return (Outcome(outcome.status, full, value, bound, outcome.seconds, detail),
                Core(fixed, bounds.prefer, limit))


def rounded_start(program: Program, lp: np.ndarray, time_limit: float | None
                  ) -> np.ndarray | None:
    """A first answer for the solver: the LP relaxation's 0-1 columns rounded down, the
    other columns re-solved as an LP with those held (None when that breaks a row).  At
    scale it spares the solver from starting with nothing (HiGHS, given little time,
    otherwise reports the empty set)."""
    integer = program.integer
    if not integer.any() or lp.shape != (program.n_cols,):
        return None
    values = np.array(lp, dtype=float)
    values[integer] = np.floor(values[integer] + 1e-9)
    return completed(program, integer, values, time_limit)


def _start_for(program: Program, lp: np.ndarray, own_lp: bool,
               time_limit: float | None) -> np.ndarray | None:
    """:func:`rounded_start` from ``program``'s own LP when ``own_lp`` (a program with its
    dominated years closed: its LP splits few towns between years, where the full
    program's splits many and rounding down drops them all), else from ``lp``."""
    if own_lp:
        found = lp_relaxation(program, time_limit)
        if found.status == "optimal" and found.values is not None:
            lp = found.values
    return rounded_start(program, lp, time_limit)


def completed(program: Program, held: np.ndarray, values: np.ndarray,
              time_limit: float | None) -> np.ndarray | None:
    """``values`` on the columns ``held`` (a mask), the others solved as an LP with those
    held: a full answer, or None when it breaks a row (or the LP finds none)."""
    values = np.minimum(np.maximum(np.array(values, dtype=float), program.lower), program.upper)
    if not held.all():
        rest, free = program.restricted(held, values)
        found = lp_relaxation(rest, time_limit)
        if found.status != "optimal" or found.values is None:
            return None
        values[free] = found.values
    return values if program.violation(values) is None else None


def _within(outcome: Outcome, top: float) -> Outcome:
    """``outcome`` with its bound no weaker than the Lagrangian bound ``top``."""
    if outcome.bound is None or not np.isfinite(top) or outcome.bound <= top:
        return outcome
    bound = top if outcome.objective is None else max(top, outcome.objective)
    return Outcome(outcome.status, outcome.values, outcome.objective, bound, outcome.seconds,
                   outcome.detail)


def _out_of_time(remaining: Callable[[], float | None]) -> bool:
    left = remaining()
    return left is not None and left <= 0.05


def _open_years(years: np.ndarray, program: Program, free: np.ndarray | None) -> Program:
    """``program`` (the columns ``free`` of the model's, None: all) without dominated years."""
    if free is not None:
        position = np.full(int(years.max(initial=-1)) + 1, -1, dtype=np.int64)
        inside = free[free < len(position)]
        position[inside] = np.flatnonzero(free < len(position))
        years = np.where(years >= 0, position[np.maximum(years, 0)], -1)
    return without_dominated_years(years, program)


def with_core(program: Program, core: Core, solver: str, tolerances: Tolerances,
              time_limit: float | None, start: np.ndarray | None = None) -> Outcome:
    """Solve ``program`` (any sense) with a core's fixings, valid for every answer it allows
    (from ``start`` when it keeps them)."""
    if not core.fixed.any():
        return run(program, solver, time_limit, tolerances, start=start)
    restricted, free = program.restricted(core.fixed, core.prefer)
    if start is not None and not np.allclose(start[core.fixed], core.prefer[core.fixed]):
        start = None
    outcome = run(restricted, solver, time_limit, tolerances,
                  start=start[free] if start is not None else None)
    if outcome.values is None:
        return outcome
    full = np.where(core.fixed, core.prefer, 0.0)
    full[free] = outcome.values
    return Outcome(outcome.status, full, outcome.objective, outcome.bound, outcome.seconds,
                   outcome.detail)


__all__ = ["CORE_MIN", "EQ", "Bounds", "Core", "completed", "lagrangian", "relax", "rounded_start",
           "solve_core", "with_core"]
