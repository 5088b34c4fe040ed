"""Optimising: the best answer, the timing rule's second stage, the financing, and every tie.

* :func:`optimise` — the best set and schedule under the objective (a ratio by
  Dinkelbach's method); large programs through :mod:`.reduce`;
* :func:`timing_stage` — for a rule of the ``second`` kind, among the answers
  within the tie band of the best, the one the rule prefers;
* :func:`finance` — with the answer fixed, the sources in the listed order
  (and the reserve in the first listed source with money left);
* :func:`find_ties` — every other set or schedule within the tie band (and,
  for a second-stage rule, whether the rule decides against it), up to a
  number, by no-good cuts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from evalkit.decide.selection.backends import Outcome, Tolerances, run
from evalkit.decide.selection.model import SENSES, Model, category_demand
from evalkit.decide.selection.problem import Solution
from evalkit.decide.selection.program import EQ, GE, LE, Program, Rows, build, without_dominated_years
from evalkit.decide.selection.reduce import (
    CORE_MIN,
    Bounds,
    Core,
    completed,
    relax,
    solve_core,
    with_core,
)


class Infeasible(Exception):
    pass


class Stopped(Exception):
    pass


class Clock:
    """The time left of a whole selection (``None``: no limit)."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self.start = time.perf_counter()
        self.held = 0.0

    def remaining(self) -> float | None:
        """Seconds a solve may take: the time left less what is :meth:`hold`-ed back."""
        if self.limit is None:
            return None
        return max(0.05, self.limit - self.held - (time.perf_counter() - self.start))

    def hold(self, on: bool = True) -> None:
        """Hold back time for the stages after the main solve: 5% of the limit, at least
        1 s and at most a quarter of it.  A solver runs a little past its own limit (CBC
        writes and reads its files, HiGHS finishes presolve), and the answer still has to
        be financed and checked."""
        if self.limit is None or not on:
            self.held = 0.0
            return
        self.held = min(max(1.0, 0.05 * self.limit), 0.25 * self.limit)

    def out(self) -> bool:
        """No time left at all."""
        return self.limit is not None and self.spent() >= self.limit - self.held

    def spent(self) -> float:
        return time.perf_counter() - self.start

    def low(self, share: float = 0.02) -> bool:
        """Little time is left: explanations are skipped rather than run past the limit."""
        return self.limit is not None and (self.limit - self.spent()) < max(0.5,
                                                                              share * self.limit)


@dataclass
class Context:
    """One selection's model, solver, tolerances and clock; the reduction once computed."""

    model: Model
    solver: str
    tolerances: Tolerances
    clock: Clock
    bounds: Bounds | None = None
    core: Core | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def large(self) -> bool:
        return self.model.n_x > CORE_MIN

    def run(self, program: Program, start: np.ndarray | None = None) -> Outcome:
        return run(program, self.solver, self.clock.remaining(), self.tolerances, start=start)


def _checked(outcome: Outcome) -> Outcome:
    if outcome.status == "infeasible":
        raise Infeasible
    if outcome.status == "stopped" or outcome.values is None:
        raise Stopped
    return outcome


def _program(ctx: Context, objective: np.ndarray, forced: Iterable[int],
             cuts: Sequence[Rows]) -> Program:
    model = ctx.model
    program = model.program.with_objective(objective)
    forced = sorted(set(forced) - model.problem.must)
    if forced:
        program = program.with_rows(model.town_rows(forced, 0, 1.0, "forced"))
    for cut in cuts:
        program = program.with_rows(cut)
    return program


def _solve_linear(ctx: Context, objective: np.ndarray, forced: Iterable[int] = (),
                  cuts: Sequence[Rows] = (), *, main: bool = False) -> Outcome:
    forced = list(forced)
    program = _program(ctx, objective, forced, cuts)
    if not ctx.large:
        if main:  # the best value only: a town's dominated years need not be tried
            return _checked(ctx.run(without_dominated_years(ctx.model.xcol, program)))
        return _checked(ctx.run(program))
    if main or ctx.bounds is None:
        found = relax(program, ctx.clock.remaining())
        if isinstance(found, str):
            if found == "infeasible":
                raise Infeasible
            return _checked(ctx.run(program))  # LP stopped: solve whole
        bounds = found
        outcome, core = solve_core(program, bounds, ctx.solver, ctx.tolerances,
                                   ctx.clock.remaining, years=ctx.model.xcol if main else None)
        if main:
            ctx.bounds, ctx.core = bounds, core
            if outcome.detail:
                ctx.notes.append(outcome.detail)
        return _checked(outcome)
    # A variant of the main program (a town forced in, sets cut off): the main bound holds.
    bounds = ctx.bounds
    keep = np.zeros(program.n_cols, dtype=bool)
    base = bounds.value
    for j in forced:
        cols = ctx.model.xcol[j][ctx.model.xcol[j] >= 0]
        keep[cols] = True
        d = bounds.reduced[cols]
        base -= float(np.maximum(d, 0).sum()) - float(d.max())
    outcome, _ = solve_core(program, bounds, ctx.solver, ctx.tolerances, ctx.clock.remaining,
                            base=base, keep=keep, band=False)
    return _checked(outcome)


def optimise(ctx: Context, *, forced: Iterable[int] = (), cuts: Sequence[Rows] = (),
             main: bool = False) -> Solution:
    """The best answer (linear objective, or a ratio by Dinkelbach's method).

    Raises :class:`Infeasible` when no answer exists and :class:`Stopped` when
    the solver stops without finding one.
    """
    model = ctx.model
    p = model.problem
    forced = list(forced)
    if p.denominators is None:
        outcome = _solve_linear(ctx, model.objective(p.weights), forced, cuts, main=main)
        assert outcome.values is not None and outcome.objective is not None
        return model.solution(outcome.values, outcome.status, outcome.objective, outcome.gap,
                              outcome.bound)
    # Dinkelbach.  λ starts at the lowest single-town ratio, a lower bound on every
    # portfolio's ratio (a portfolio's ratio is a cost-weighted mean of its towns'), so
    # F(λ) ≥ 0 throughout and λ rises to the optimum.
    weights, costs = p.weights, p.denominators
    level = float(np.min(weights / costs)) if p.n else 0.0
    scale = max(1.0, math.fsum(np.abs(weights)))
    proven = True
    incumbent: Solution | None = None
    for _ in range(100):
        objective = model.x_vector(np.outer(weights, p.factor) - level * costs[:, None])
        outcome = _solve_linear(ctx, objective, forced, cuts, main=main)
        assert outcome.values is not None
        proven = proven and outcome.status == "optimal"
        found = model.solution(outcome.values, outcome.status, 0.0, None)
        value = p.value(found.chosen, found.years)
        found.objective = value
        if incumbent is None or value > incumbent.objective:
            incumbent = found
        gain = float(objective @ outcome.values)
        if gain <= 1e-9 * scale or value <= level + 1e-12:
            break
        level = value
    else:  # pragma: no cover - Dinkelbach converges in a few steps on 0-1 problems
        proven = False
    assert incumbent is not None
    # The ratio's bound is not tracked through the iterations: unknown unless proven.
    incumbent.status = "optimal" if proven else "feasible"
    incumbent.gap = 0.0 if proven else None
    incumbent.bound = incumbent.objective if proven else None
    return incumbent


def band_row(ctx: Context, best: Solution, name: str = "objective_band") -> Rows:
    """Answers within the tie band of ``best``: primary objective ≥ best − band."""
    model = ctx.model
    p = model.problem
    floor = best.objective - ctx.tolerances.band(best.objective)
    if p.denominators is None:
        cols, coefs = model.x_entries(np.outer(p.weights, p.factor))
        return Rows([(cols, coefs)], [GE], [floor], [name])
    cols, coefs = model.x_entries(np.outer(p.weights, p.factor) - floor * p.denominators[:, None])
    return Rows([(cols, coefs)], [GE], [0.0], [name])


def timing_criterion(ctx: Context) -> tuple[Program, np.ndarray] | None:
    """The second-stage rule as (program with its extra columns and rows, cost to minimise);
    None when the rule is not a second-stage one or there is one conversion year."""
    model = ctx.model
    p = model.problem
    timing = p.timing
    if timing is None or timing.definition.kind != "second" or len(p.years) < 2:
        return None
    first = p.first_year or 0
    waited = np.array([(y or first) - first for y in p.years], dtype=float)
    base = model.program
    if timing.rule == "readiness":
        closeness = p.towns.closeness[p.eligible]
        return base, model.x_vector(np.outer(closeness, waited))
    if timing.rule == "earliest":
        return base, model.x_vector(np.outer(np.ones(p.n), waited))
    # balanced: a column M ≥ each budget year's spending, minimised
    import scipy.sparse as sp

    rows = []
    for t in range(len(p.calendar)):
        cols, coefs = model.x_entries(p.spend[:, :, :, t].sum(axis=1))
        rows.append((np.append(cols, base.n_cols), np.append(coefs, -1.0)))
    program = base.with_columns(np.zeros(1), np.zeros(1), np.full(1, np.inf),
                                np.zeros(1, dtype=bool), sp.csr_matrix((base.n_rows, 1)),
                                ["M[largest annual spending]"])
    program = program.with_rows(Rows(rows, [LE] * len(rows), [0.0] * len(rows),
                                     [f"balance.{year}" for year in p.calendar]))
    cost = np.zeros(program.n_cols)
    cost[-1] = 1.0
    return program, cost


def _stage_program(ctx: Context, best: Solution, extra: Sequence[Rows]) -> tuple[Program, np.ndarray] | None:
    criterion = timing_criterion(ctx)
    if criterion is None:
        return None
    program, cost = criterion
    program = program.with_rows(band_row(ctx, best))
    for rows in extra:
        program = program.with_rows(rows)
    return program.with_objective(cost, maximize=False), cost


def _core_for(ctx: Context, program: Program) -> Core | None:
    if ctx.core is None or ctx.core.valid_above == np.inf:  # fixings not proven: none used
        return None
    extra = program.n_cols - len(ctx.core.fixed)
    if extra == 0:
        return ctx.core
    return Core(np.concatenate([ctx.core.fixed, np.zeros(extra, dtype=bool)]),
                np.concatenate([ctx.core.prefer, np.zeros(extra)]), ctx.core.valid_above)


def _solve_stage(ctx: Context, program: Program, best: Solution | None = None) -> Outcome:
    """A stage's program, started (at scale) from ``best``'s towns and years with the other
    columns completed by an LP, so that the solver has the first answer in hand."""
    start = None
    if best is not None and ctx.large:
        x = ctx.model.assignment(best.chosen, best.years)
        held = np.zeros(program.n_cols, dtype=bool)
        held[ctx.model.xcol[ctx.model.xcol >= 0]] = True
        values = np.zeros(program.n_cols)
        values[: len(x)] = x
        start = completed(program, held, values, ctx.clock.remaining())
    core = _core_for(ctx, program)
    if core is not None:
        return with_core(program, core, ctx.solver, ctx.tolerances, ctx.clock.remaining(),
                         start)
    return ctx.run(program, start)


def timing_stage(ctx: Context, best: Solution, cuts: Sequence[Rows] = ()) -> Solution:
    """For a second-stage rule: among the answers within the tie band, the one it prefers
    (``cuts`` exclude answers, for the next-best sets)."""
    staged = _stage_program(ctx, best, cuts)
    if staged is None:
        return best
    if ctx.clock.low():
        ctx.notes.append("the timing rule's stage was skipped: the time limit was reached; "
                         "the schedule shown is the first solve's, not checked against the rule")
        best.timing = timing_value(ctx, best)
        if best.status == "optimal":
            best.status = "feasible"
        return best
    program, _cost = staged
    outcome = _solve_stage(ctx, program, best)
    if outcome.values is None:
        # The first solve's answer is in the stage's band, so no answer means the solver
        # stopped (a time limit can make CBC call it infeasible): say so, not "infeasible".
        ctx.notes.append("the timing rule's stage found no answer in the time left (the "
                         f"solver reported {outcome.status}); the schedule shown is the first "
                         "solve's, not checked against the rule")
        best.timing = timing_value(ctx, best)
        if best.status == "optimal":
            best.status = "feasible"
        return best
    values = outcome.values[: ctx.model.program.n_cols]
    p = ctx.model.problem
    found = ctx.model.solution(values, best.status, 0.0, best.gap, best.bound)
    found.objective = p.value(found.chosen, found.years)
    if outcome.status != "optimal":
        found.status = "feasible" if best.status == "optimal" else best.status
        ctx.notes.append("the timing rule's stage stopped before proving its schedule best")
    found.timing = float(outcome.objective) if outcome.objective is not None else None
    return found


def timing_value(ctx: Context, solution: Solution) -> float | None:
    """The second-stage rule's criterion of an answer (None without such a rule)."""
    criterion = timing_criterion(ctx)
    if criterion is None:
        return None
    p = ctx.model.problem
    timing = p.timing
    assert timing is not None
    if timing.rule == "balanced":
        spent = [math.fsum(float(p.spend[j, :, p.years.index(solution.years[j]), t].sum())
                           for j in solution.chosen) for t in range(len(p.calendar))]
        return max(spent, default=0.0)
    _program, cost = criterion
    return float(cost @ ctx.model.assignment(solution.chosen, solution.years))


def finance(ctx: Context, best: Solution) -> Solution:
    """With the answer fixed: sources drawn in the listed order (within a source's share, a
    later-listed source as late as possible), the reserve held in the first listed source
    with money left (an LP over the flows).  When the model pays each category's spending
    over the whole calendar (:attr:`~.problem.Problem.per_year_flows`), the LP pays it year
    by year (:func:`_finance_by_year`)."""
    model = ctx.model
    p = model.problem
    if not model.flow and not model.reserve:
        return best
    if p.calendar and not p.per_year_flows:
        return _finance_by_year(ctx, best)
    rank = {src.id: r for r, src in enumerate(p.scenario.sources, start=1)}
    late: dict[int | None, int] = {year: t for t, year in enumerate(p.calendar)}
    cost = np.zeros(model.program.n_cols)
    for (_, src, year), c in model.flow.items():
        # listed order first; then a later-listed source (debt last) as late as possible
        cost[c] = rank[src] * (1.0 - 0.01 * late.get(year, 0) / max(1, len(p.calendar)))
    for src, c in model.reserve.items():
        cost[c] = 1e-3 * rank[src]
    fixed = np.zeros(model.program.n_cols, dtype=bool)
    fixed[model.xcol[model.xcol >= 0]] = True
    values = model.assignment(best.chosen, best.years)
    program, free = model.program.with_objective(cost, maximize=False).restricted(fixed, values)
    outcome = run(program, ctx.solver, ctx.clock.remaining(), ctx.tolerances)
    if outcome.values is None:  # cannot happen for a feasible answer; keep the first financing
        return best
    values[free] = outcome.values
    found = model.solution(values, best.status, best.objective, best.gap, best.bound)
    found.timing = best.timing
    return found


def _finance_by_year(ctx: Context, best: Solution) -> Solution:
    """:func:`finance` for a model whose flows are the whole calendar's: every flow split
    into one per budget year, each limit's row over the flows (its part over the towns moved
    to the right side) and a balance row per category and year."""

    model = ctx.model
    p = model.problem
    s = p.scenario
    keys = p.flow_keys(per_year=True)
    holders = list(model.reserve)
    column = {key: i for i, key in enumerate(keys)}
    held = {src: len(keys) + i for i, src in enumerate(holders)}
    n = len(keys) + len(holders)
    capacity = {src.id: src.capacity for src in s.sources}
    rank = {src.id: r for r, src in enumerate(s.sources, start=1)}
    late: dict[int | None, int] = {year: t for t, year in enumerate(p.calendar)}
    cost = np.zeros(n)
    upper = np.zeros(n)
    for (_, src, year), i in column.items():
        cost[i] = rank[src] * (1.0 - 0.01 * late.get(year, 0) / max(1, len(p.calendar)))
        upper[i] = capacity[src]
    for src, i in held.items():
        cost[i] = 1e-3 * rank[src]
        upper[i] = model.program.upper[model.reserve[src]]
    values = model.assignment(best.chosen, best.years)
    entries: list[tuple[np.ndarray, np.ndarray]] = []
    sense: list[int] = []
    rhs: list[float] = []
    names: list[str] = []
    for limit in p.limits:
        if not limit.flows and not limit.reserve:
            continue
        cols: list[int] = []
        coefs: list[float] = []
        for (cat, src, _), coef in limit.flows.items():
            for year in p.calendar:
                cols.append(column[cat, src, year])
                coefs.append(coef)
        for src, coef in limit.reserve.items():
            cols.append(held[src])
            coefs.append(coef)
        towns = 0.0
        for part, sign in ((limit.x, 1.0), (limit.credit, -1.0)):
            if part is not None:
                towns += sign * float(model.x_vector(part) @ values)
        entries.append((np.array(cols, dtype=np.int64), np.array(coefs)))
        sense.append(SENSES[limit.sense])
        rhs.append(limit.bound - towns)
        names.append(limit.name)
    demands: dict[tuple[str, int], float] = {}
    for k, category in enumerate(s.categories):
        for t, year in enumerate(p.calendar):
            demand = float(model.x_vector(category_demand(p, k, t)) @ values)
            demands[category.id, year] = demand
            cols = [i for (c, _, y), i in column.items() if c == category.id and y == year]
            entries.append((np.array(cols, dtype=np.int64), np.ones(len(cols))))
            sense.append(EQ)
            rhs.append(demand)
            names.append(f"finance.{category.id}.{year}")
    program = build(cost, np.zeros(n), upper, np.zeros(n, dtype=bool),
                    Rows(entries, sense, rhs, names)).with_objective(cost, maximize=False)
    outcome = run(program, ctx.solver, ctx.clock.remaining(), ctx.tolerances)
    if outcome.values is None:  # cannot happen for a feasible answer; keep the first financing
        return best
    flows = {key: max(0.0, float(outcome.values[i])) for key, i in column.items()}
    for (category_id, year), amount in demands.items():
        # a solver's values are rounded (CBC writes 8 digits): the largest flow takes the
        # rounding, so that the flows pay each category and year exactly
        group = [key for key in flows if key[0] == category_id and key[2] == year]
        if group:
            top = max(group, key=lambda key: flows[key])
            flows[top] = max(0.0, flows[top] + amount - math.fsum(flows[k] for k in group))
    reserve = {src: max(0.0, float(outcome.values[i])) for src, i in held.items()}
    return Solution(best.status, best.chosen, best.years, flows, reserve, best.objective,
                    best.gap, best.bound, best.timing)


@dataclass(frozen=True)
class FoundTie:
    """An answer within the tie band: its towns, years, objective and timing criterion."""

    solution: Solution
    decided: bool  # the second-stage rule prefers the shown answer to it


def find_ties(ctx: Context, best: Solution, limit: int) -> tuple[list[FoundTie], bool]:
    """Other answers within the tie band of ``best``; True when the search was complete.

    With a second-stage rule, answers equal under the rule as well are found
    first (they are ties the rule does not decide), then those it decides.
    """
    model = ctx.model
    p = model.problem
    phased = len(p.years) > 1
    found: list[FoundTie] = []
    cuts = [model.cut(best.chosen, best.years if phased else None, "tie_cut_0")]
    complete = True
    criterion = timing_criterion(ctx)
    stages: list[tuple[bool, Rows | None]] = []
    if criterion is not None and best.timing is not None:
        program, cost = criterion
        band = ctx.tolerances.band(best.timing)
        cols = np.flatnonzero(cost[: model.program.n_cols])
        if p.timing is not None and p.timing.rule == "balanced":
            stages.append((False, None))  # enumerated without the rule, classified after
        else:
            stages.append((False, Rows([(cols, cost[cols])], [LE], [best.timing + band],
                                       ["timing_band"])))
            stages.append((True, None))
    else:
        stages.append((False, None))
    objective = model.objective(p.weights) if p.denominators is None else None
    for decided, extra in stages:
        count = 0
        while True:
            if count >= (2 * limit if extra is None and not decided and criterion is not None
                         else limit):
                complete = False
                break
            if ctx.clock.low():
                complete = False
                ctx.notes.append("the search for ties stopped at the time limit")
                break
            program = model.program.with_objective(
                objective if objective is not None else np.zeros(model.program.n_cols))
            program = program.with_rows(band_row(ctx, best))
            if extra is not None:
                program = program.with_rows(extra)
            for cut in cuts:
                program = program.with_rows(cut)
            outcome = _solve_stage(ctx, program)
            if outcome.status == "infeasible" or outcome.values is None:
                if outcome.status != "infeasible":
                    complete = False
                break
            tie = model.solution(outcome.values, outcome.status, 0.0, None)
            tie.objective = p.value(tie.chosen, tie.years)
            tie.timing = timing_value(ctx, tie)
            is_decided = decided
            if best.timing is not None and tie.timing is not None:
                # by its own criterion: the first stage may stop at its limit before every
                # answer the rule leaves undecided is found, and the rest turn up here
                is_decided = tie.timing > best.timing + ctx.tolerances.band(best.timing)
            found.append(FoundTie(tie, is_decided))
            count += 1
            cuts.append(model.cut(tie.chosen, tie.years if phased else None,
                                  f"tie_cut_{len(cuts)}"))
    undecided = [t for t in found if not t.decided][:limit]
    decided_ties = [t for t in found if t.decided][:limit]
    return undecided + decided_ties, complete
