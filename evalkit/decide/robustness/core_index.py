"""Selection under uncertainty: the core index (Liesiö, Mild & Salo 2007, RPM).

For every scenario (a weight sample, and each town's cost in each category
scaled by U(1 − s, 1 + s)) the optimal portfolio is found, by enumerating
every portfolio when the candidate set is small, else by running the
selection model; the core index of a town is the share of scenarios whose
optimum contains it."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

import evalkit.decide.robustness.kernel as kernel
from evalkit.decide.robustness.kernel import TopsisBatch
from evalkit.decide.scenario import OBJECTIVES, Scenario
from evalkit.decide.selection.inputs import SelectionInput
from evalkit.decide.selection.problem import Problem, build_problem
from evalkit.decide.selection.result import SelectionInfeasible
from evalkit.decide.standards import screen
from evalkit.errors import InputError
from evalkit.model.evaluation import Evaluation

ENUMERATION_MAX_TOWNS = 20
"""Up to this many towns, portfolios are enumerated once and scored vectorised."""


@dataclass(frozen=True)
class PortfolioShare:
    """A set of towns and the share of scenarios in which it is the optimum."""

    selected: tuple[str, ...]
    share: float


@dataclass(frozen=True, eq=False)
class SelectionRobustness:
    """Which towns the optimiser picks across scenarios (core index, RPM).

    ``core_index[i]`` = share of the ``scenarios`` whose optimal portfolio
    contains town i; ``portfolios`` the most frequent optima; ``infeasible``
    the share of scenarios with no feasible portfolio.  ``method`` is
    ``enumerated`` (every portfolio scored for every scenario, exactly) or
    ``solved`` (the optimiser run per scenario).
    """

    scenario: str
    method: str
    scenarios: int
    cost_spread: float
    count: int | None
    count_mode: str
    core_index: np.ndarray
    portfolios: tuple[PortfolioShare, ...]
    infeasible: float
    notes: tuple[str, ...] = ()


MAX_PORTFOLIOS = 200_000
"""At most this many candidate portfolios are enumerated; beyond, solve per scenario."""


MAX_YEAR_ASSIGNMENTS = 20_000
"""At most this many conversion-year assignments of one portfolio are enumerated."""


MAX_SOLVES = 200
"""Scenarios solved one by one when portfolios cannot be enumerated (the first ones)."""


_FEASIBILITY_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class _Portfolios:
    """Every portfolio that meets the limits not touched by the cost uncertainty.

    ``members`` is eligible-towns × portfolios (0/1); ``cost_rows`` is
    categories × limits: limit q sums the categories with the given weights over
    the chosen towns and must stay ≤ ``cost_limits[q]`` (category budgets, the
    total and Gale's financing condition for every set of categories and the
    reserve).  The phasing data come from the selection model's own problem:
    ``share`` (towns × categories × conversion years × budget years: the part of
    a town's cost in a category spent that year), ``talent_by`` (the talent
    needed by the end of each year), ``allowed`` (the conversion years each town
    may take) and the annual rows.
    """

    eligible: np.ndarray
    members: np.ndarray
    sets: tuple[tuple[int, ...], ...]
    cost_rows: np.ndarray
    cost_limits: np.ndarray
    years: tuple[int | None, ...]
    calendar: tuple[int, ...]
    year_limits: np.ndarray  # per budget year, inf when none
    category_limits: np.ndarray  # categories × budget years, inf when none
    talent_limits: np.ndarray  # per budget year: recruits hired by its end, inf when none
    share: np.ndarray
    talent_by: np.ndarray
    allowed: np.ndarray
    recurring: tuple[np.ndarray, float, np.ndarray | None, float] | None
    """(retained revenue, running cost's share of the capital cost, running costs from a
    column or None, the city's support) when running costs are a limit."""


def _excluded(towns: SelectionInput, scenario: Scenario) -> set[str]:
    """Towns screened out or listed in must_exclude (as :func:`evalkit.decide.selection.select`)."""
    out: set[str] = set()
    if scenario.screens:
        out |= set(screen(towns.table.reindex(list(towns.ids)), scenario.screens))
    return out | set(scenario.must_exclude)


def _enumerable(scenario: Scenario) -> bool:
    """Can every limit be checked by enumeration?  Not annual source capacities (the
    financing then couples the years), a debt limit below what its sources hold, or the
    discounted timing rule (the value then depends on the years): those are solved."""
    if any(src.annual for src in scenario.sources):
        return False
    timing = scenario.timing_rule
    if timing is not None and timing.rule == "discounted":
        return False
    rules = scenario.affordability
    if rules is not None and rules.debt_limit is not None:
        held = math.fsum(src.capacity for src in scenario.sources if src.id in rules.debt_sources)
        if rules.debt_limit < held:
            return False
    return True


def _enumerate_portfolios(towns: SelectionInput, scenario: Scenario) -> _Portfolios | None:
    """The enumerable form of the selection model, or None when it is too large."""
    excluded = _excluded(towns, scenario)
    eligible = np.array([i for i, t in enumerate(towns.ids) if t not in excluded], dtype=int)
    e = len(eligible)
    if e > ENUMERATION_MAX_TOWNS or not _enumerable(scenario):
        return None
    local = {towns.ids[i]: j for j, i in enumerate(eligible)}
    if any(t not in local for t in scenario.must_include):
        sizes: list[int] = []
    elif scenario.count is None:
        sizes = list(range(e + 1))
    elif scenario.count_mode == "exactly":
        sizes = [scenario.count] if scenario.count <= e else []
    else:
        sizes = list(range(min(scenario.count, e) + 1))
    if OBJECTIVES[scenario.objective].is_ratio:
        sizes = [k for k in sizes if k >= 1]
    if sum(math.comb(e, k) for k in sizes) > MAX_PORTFOLIOS:
        return None
    years = tuple(scenario.convert_in) if scenario.years else ()
    if years and sizes and len(years) ** max(sizes) > MAX_YEAR_ASSIGNMENTS:
        return None
    problem = build_problem(towns, scenario, eligible, scenario.count, scenario.count_mode,
                            False, scenario.as_of or date.today())
    can_convert = np.asarray(problem.allowed.any(axis=1), dtype=bool)
    must = {local[t] for t in scenario.must_include if t in local}
    groups = [{local[t] for t in members if t in local} for members in scenario.groups.values()]
    talent = np.asarray(towns.talent_need, dtype=float)[eligible]
    sets = []
    for k in sizes:
        for combo in itertools.combinations(range(e), k):
            chosen = set(combo)
            if not must <= chosen or any(len(chosen & g) > 1 for g in groups):
                continue
            if not all(can_convert[list(combo)]):
                continue
            if scenario.talent_capacity is not None and \
                    math.fsum(talent[list(combo)]) > scenario.talent_capacity + _slack(
                        scenario.talent_capacity):
                continue
            sets.append(combo)
    members = np.zeros((e, len(sets)))
    for p, combo in enumerate(sets):
        members[list(combo), p] = 1.0
    rows, limits = _cost_rows(scenario, problem)
    return _Portfolios(eligible, members, tuple(sets),
                       np.array(rows).T if rows else np.zeros((len(scenario.categories), 0)),
                       np.array(limits, dtype=float), *_phasing_data(scenario, problem))


def _cost_rows(scenario: Scenario, problem: Problem) -> tuple[list[np.ndarray], list[float]]:
    """Rows over the categories' totals: budgets, the total, and Gale's financing condition."""
    cats = [c.id for c in scenario.categories]
    rows, limits = [], []
    for k, cat in enumerate(scenario.categories):
        if cat.budget is not None:
            rows.append(np.eye(len(cats))[k])
            limits.append(cat.budget)
    total_row = next((limit for limit in problem.limits if limit.name == "budget.total"), None)
    if total_row is not None:
        grossed = (1.0 + scenario.risk_reserve_rate
                   if scenario.risk_reserve_amount is None
                   and scenario.risk_reserve_of == "investment" else 1.0)
        rows.append(np.full(len(cats), grossed))
        limits.append(total_row.bound)
    if scenario.sources:
        # Gale (1957): demands D_q can be paid from sources of capacity F_s that may
        # fund them iff every set Q of demands needs no more than its sources hold.  The
        # reserve held back from the sources is one more demand, met by its holders.
        reserve = problem.reserve_applies()
        holders = set(scenario.reserve_holders()) if reserve else set()
        fixed = scenario.risk_reserve_amount if scenario.risk_reserve_amount is not None else (
            (scenario.total_budget or 0.0) * scenario.risk_reserve_rate
            if scenario.risk_reserve_of == "total" else 0.0)
        rate = (scenario.risk_reserve_rate if scenario.risk_reserve_amount is None
                and scenario.risk_reserve_of == "investment" else 0.0)
        nodes = list(range(len(cats))) + ([len(cats)] if reserve else [])
        for r in range(1, len(nodes) + 1):
            for group in itertools.combinations(nodes, r):
                row = np.zeros(len(cats))
                with_reserve = reserve and len(cats) in group
                row[[g for g in group if g < len(cats)]] = 1.0
                if with_reserve:
                    row += rate
                supply = math.fsum(s.capacity for s in scenario.sources
                                   if any(g < len(cats) and cats[g] in s.funds for g in group)
                                   or (with_reserve and s.id in holders))
                rows.append(row)
                limits.append(supply - (fixed if with_reserve else 0.0))
    return rows, limits


def _phasing_data(scenario: Scenario, problem: Problem) -> tuple[Any, ...]:
    """The conversion years, calendar and annual rows of the selection model."""
    calendar = problem.calendar
    cats = scenario.categories
    cost = problem.cost
    share = np.divide(problem.spend, cost[:, :, None, None], out=np.zeros_like(problem.spend),
                      where=cost[:, :, None, None] > 0)
    year_limits = np.array([np.inf if scenario.annual_limits.get(y) is None
                            else float(scenario.annual_limits[y])  # type: ignore[arg-type]
                            for y in calendar])
    category_limits = np.array([[np.inf if c.annual.get(y) is None else float(c.annual[y])  # type: ignore[arg-type]
                                 for y in calendar] for c in cats]).reshape(len(cats), len(calendar))
    talent_limits = np.full(len(calendar), np.inf)
    for limit in problem.limits:
        if limit.name.startswith("talent.by.") and limit.year is not None:
            talent_limits[calendar.index(limit.year)] = limit.bound
    recurring = None
    rules = scenario.affordability
    if rules is not None and rules.enforced and problem.retained is not None:
        assert rules.city_support is not None
        column = None if rules.recurring_column is None else problem.recurring
        recurring = (problem.retained, float(rules.recurring_share or 0.0), column,
                     rules.city_support)
    return (problem.years, calendar, year_limits, category_limits, talent_limits, share,
            problem.talent_by, problem.allowed, recurring)


def _slack(limit: float) -> float:
    return _FEASIBILITY_TOLERANCE * max(1.0, abs(limit))


def _phasing_feasible(table: _Portfolios, scenario: Scenario, combo: tuple[int, ...],
                      costs: np.ndarray) -> np.ndarray:
    """Can the towns of ``combo`` (costs ``costs``: scenarios × towns × categories) be given
    conversion years within every annual row?  Every assignment of allowed years is
    tried: year t carries Σ_i a_ik p_ik(t − y_i) in category k, the talent needed by its
    end and, when they are a limit, the running costs of the towns converted by then."""
    samples = costs.shape[0]
    if not table.calendar or not combo:
        return np.ones(samples, dtype=bool)
    has_rows = (np.isfinite(table.year_limits).any() or np.isfinite(table.category_limits).any()
                or np.isfinite(table.talent_limits).any() or table.recurring is not None)
    if not has_rows:
        return np.ones(samples, dtype=bool)
    towns = list(combo)
    choices = [np.flatnonzero(table.allowed[j]) for j in towns]
    assignments = np.array(list(itertools.product(*choices)))  # assignments × towns (year index)
    a = costs[:, towns, :]  # samples × towns × categories
    share = table.share[towns][:, :, :, :]  # towns × categories × years × budget years
    picked = share[np.arange(len(towns))[None, :], :, assignments, :]  # assign × towns × cats × t
    loads = np.einsum("sik,aikt->sakt", a, picked)  # samples × assignments × categories × t
    ok = np.ones((samples, len(assignments)), dtype=bool)
    tol = _FEASIBILITY_TOLERANCE
    total = loads.sum(axis=2)
    limit = table.year_limits
    ok &= (total <= limit + tol * np.maximum(1.0, np.abs(np.where(np.isfinite(limit), limit, 0)))
           ).all(axis=2)
    climit = table.category_limits
    ok &= (loads <= climit + tol * np.maximum(1.0, np.abs(np.where(np.isfinite(climit), climit,
                                                                       0)))).all(axis=(2, 3))
    need = table.talent_by[np.array(towns)[None, :], assignments, :].sum(axis=1)  # assign × t
    tlimit = table.talent_limits
    ok &= (need <= tlimit + tol * np.maximum(1.0, np.abs(np.where(np.isfinite(tlimit), tlimit,
                                                                      0)))).all(axis=1)[None, :]
    if table.recurring is not None:
        retained, rate, column, support = table.recurring
        running = (np.broadcast_to(column[towns], (samples, len(towns))) if column is not None
                   else rate * a.sum(axis=2))  # samples × towns
        years = np.array([y if y is not None else 0 for y in table.years])
        first = years[assignments].min(axis=1)  # the first conversion of each assignment
        for year in table.calendar:
            by = (years[assignments] <= year).astype(float)  # assign × towns
            net = running @ by.T - (retained[towns] @ by.T)[None, :]
            counted = (year >= first)[None, :]
            ok &= ~counted | (net <= support + tol * max(1.0, abs(support)))
    return np.asarray(ok.any(axis=1), dtype=bool)


def choose_portfolios(towns: SelectionInput, scenario: Scenario, closeness: np.ndarray, costs: np.ndarray,
                      *, method: str = "auto", solver: str = "cbc",
                      progress: Callable[[int], None] | None = None
                      ) -> tuple[list[tuple[str, ...] | None], str]:
    """The optimal portfolio of every scenario (None where none is feasible).

    ``towns`` is a :class:`evalkit.decide.selection.SelectionInput` (ids, talent, the
    table for the screens); ``closeness`` is scenarios × towns and ``costs``
    scenarios × towns × the scenario's categories.  ``method``: ``enumerate``
    scores every portfolio for every scenario at once (small candidate sets;
    every limit of :func:`evalkit.decide.selection.select` is evaluated exactly: sums
    over the chosen towns, the financing by Gale's condition and the phasing
    by trying every assignment of conversion years to the best portfolio);
    ``solve`` runs :func:`evalkit.decide.selection.select` per scenario; ``auto``
    enumerates when it can.  Returns the choices and the method used.
    """
    if method not in ("auto", "enumerate", "solve"):
        raise ValueError(f"unknown method {method!r}")
    table = None if method == "solve" else _enumerate_portfolios(towns, scenario)
    if table is None:
        if method == "enumerate":
            raise ValueError("this selection problem is too large to enumerate")
        return _solve_each(towns, scenario, closeness, costs, solver, progress), "solved"
    return _enumerated(table, towns, scenario, closeness, costs, progress), "enumerated"


def _enumerated(table: _Portfolios, towns: SelectionInput, scenario: Scenario, closeness: np.ndarray,
                costs: np.ndarray, progress: Callable[[int], None] | None
                ) -> list[tuple[str, ...] | None]:
    objective = OBJECTIVES[scenario.objective]
    el = table.eligible
    p_count = table.members.shape[1]
    choices: list[tuple[str, ...] | None] = []
    s_total = closeness.shape[0]
    step = max(1, kernel.MEMORY_LIMIT // (8 * max(1, p_count) * (4 + table.cost_rows.shape[1])))
    for start in range(0, s_total, step):
        c = closeness[start:start + step][:, el]
        a = costs[start:start + step][:, el, :]
        total = a.sum(axis=2)
        value = objective.numerator(c, total, scenario.objective_params) @ table.members
        if objective.denominator is not None:
            value = value / (objective.denominator(c, total, scenario.objective_params)
                             @ table.members)
        feasible = np.ones(value.shape, dtype=bool)
        for q in range(table.cost_rows.shape[1]):
            load = (a @ table.cost_rows[:, q]) @ table.members
            feasible &= load <= table.cost_limits[q] + _slack(table.cost_limits[q])
        value = np.where(feasible, value, -np.inf)
        best = np.full(value.shape[0], -1)
        pending = np.arange(value.shape[0])
        while pending.size:
            candidate = np.argmax(value[pending], axis=1)
            alive = np.isfinite(value[pending, candidate])
            best[pending[~alive]] = -1
            pending, candidate = pending[alive], candidate[alive]
            ok = np.ones(pending.size, dtype=bool)
            for p in np.unique(candidate):
                at = candidate == p
                ok[at] = _phasing_feasible(table, scenario, table.sets[p], a[pending[at]])
            best[pending[ok]] = candidate[ok]
            value[pending[~ok], candidate[~ok]] = -np.inf
            pending = pending[~ok]
        for b in best:
            choices.append(None if b < 0 else tuple(towns.ids[el[j]] for j in table.sets[b]))
        if progress is not None:
            progress(min(start + step, s_total))
    return choices


def _solve_each(towns: SelectionInput, scenario: Scenario, closeness: np.ndarray, costs: np.ndarray,
                solver: str, progress: Callable[[int], None] | None
                ) -> list[tuple[str, ...] | None]:
    from evalkit.decide.selection.choose import select  # PuLP, only when solving

    cats = [c.id for c in scenario.categories]
    choices: list[tuple[str, ...] | None] = []
    for s in range(closeness.shape[0]):
        scenario_towns = SelectionInput(
            towns.ids, towns.names, closeness[s], {cat: costs[s, :, k] for k, cat in enumerate(cats)},
            towns.talent_need, towns.table, towns.revenue, towns.recurring, towns.profiles)
        try:
            result = select(scenario_towns, scenario, solver=solver, alternatives=0, why_not=False,
                            ties=0)
        except SelectionInfeasible:
            choices.append(None)
        else:
            order = {t: i for i, t in enumerate(towns.ids)}
            choices.append(tuple(sorted(result.selected_ids, key=order.__getitem__)))
        if progress is not None:
            progress(s + 1)
    return choices


def _selection_summary(scenario: Scenario, ids: Sequence[str], choices: Sequence[
        tuple[str, ...] | None], method: str, cost_spread: float, notes: tuple[str, ...],
                       top: int = 10) -> SelectionRobustness:
    total = len(choices)
    position = {t: i for i, t in enumerate(ids)}
    chosen = np.zeros(len(ids))
    counter: Counter[tuple[str, ...]] = Counter()
    infeasible = 0
    for choice in choices:
        if choice is None:
            infeasible += 1
            continue
        counter[choice] += 1
        for t in choice:
            chosen[position[t]] += 1
    # most frequent first; equal counts in the order of the towns
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], [position[t] for t in kv[0]]))
    portfolios = tuple(PortfolioShare(sel, n / total) for sel, n in ranked[:top])
    return SelectionRobustness(scenario.name, method, total, cost_spread, scenario.count,
                               scenario.count_mode, chosen / total, portfolios,
                               infeasible / total, notes)


def selection_robustness(evaluation: Evaluation, scenario: Scenario, batch: TopsisBatch,
                          w: np.ndarray, rng: np.random.Generator, cost_spread: float,
                          method: str, max_solves: int, solver: str,
                          report: Callable[[str, int, int], None]) -> SelectionRobustness:
    matrix = evaluation.matrix
    base_closeness = dict(zip(matrix.ids, evaluation.ranking.closeness, strict=True))
    towns = SelectionInput.from_frame(evaluation.candidates.cells, base_closeness, scenario,
                                      file=evaluation.candidates.path)
    cats = [c.id for c in scenario.categories]
    base_costs = np.column_stack([towns.costs[c] for c in cats]) if cats else np.zeros((len(towns), 0))
    samples = w.shape[0]
    if method not in ("auto", "enumerate", "solve"):
        raise InputError(f"unknown selection method {method!r}", "use auto, enumerate or solve")
    table = None if method == "solve" else _enumerate_portfolios(towns, scenario)
    notes: list[str] = []
    used = samples
    if table is None:
        if method == "enumerate":
            raise InputError("the selection problem is too large to enumerate",
                             "let evalkit solve each scenario instead")
        used = min(samples, max_solves)
        if used < samples:
            notes.append(f"the optimiser was run for the first {used} of {samples} scenarios")
    else:
        if scenario.years:
            notes.append("phasing checked by trying every assignment of conversion years")
        if scenario.sources:
            notes.append("financing checked by Gale's supply-demand condition")
    choices: list[tuple[str, ...] | None] = []
    # closeness, costs and multipliers of one chunk of scenarios stay under the memory limit
    step = max(1, min(1024, kernel.MEMORY_LIMIT // (8 * len(towns) * (4 + 2 * len(cats)))))
    for start in range(0, used, step):
        stop = min(start + step, used)
        closeness = batch.closeness(w[start:stop])
        # drawn chunk by chunk, in scenario order: the same numbers as one draw of all
        costs = base_costs[None, :, :] * rng.uniform(1.0 - cost_spread, 1.0 + cost_spread,
                                                     size=(stop - start, *base_costs.shape))

        def done(count: int, start: int = start) -> None:
            report("selection", start + count, used)

        if table is not None:
            choices += _enumerated(table, towns, scenario, closeness, costs, done)
        else:
            choices += _solve_each(towns, scenario, closeness, costs, solver, done)
    return _selection_summary(scenario, towns.ids, choices,
                              "enumerated" if table is not None else "solved",
                              float(cost_spread), tuple(notes))
