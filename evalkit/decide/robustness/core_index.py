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

import numpy as np

import evalkit.decide.robustness.kernel as kernel
from evalkit.decide.robustness.kernel import TopsisBatch
from evalkit.decide.scenario import OBJECTIVES, Scenario
from evalkit.decide.selection.inputs import SelectionInput
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
    categories × limits: limit q sums the categories with a 1 over the chosen
    towns and must stay ≤ ``cost_limits[q]`` (category budgets, the total and
    Gale's financing condition for every set of categories).
    """

    eligible: np.ndarray
    members: np.ndarray
    sets: tuple[tuple[int, ...], ...]
    cost_rows: np.ndarray
    cost_limits: np.ndarray
    years: tuple[int, ...]
    year_limits: np.ndarray  # per budget year, inf when none
    spread: tuple[float, ...]


def _excluded(towns: SelectionInput, scenario: Scenario) -> set[str]:
    """Towns screened out or listed in must_exclude (as :func:`evalkit.decide.selection.select`)."""
    out: set[str] = set()
    if scenario.screens:
        out |= set(screen(towns.table.reindex(list(towns.ids)), scenario.screens))
    return out | set(scenario.must_exclude)


def _enumerate_portfolios(towns: SelectionInput, scenario: Scenario) -> _Portfolios | None:
    """The enumerable form of the selection model, or None when it is too large."""
    excluded = _excluded(towns, scenario)
    eligible = np.array([i for i, t in enumerate(towns.ids) if t not in excluded], dtype=int)
    e = len(eligible)
    if e > ENUMERATION_MAX_TOWNS:
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
    must = {local[t] for t in scenario.must_include if t in local}
    groups = [{local[t] for t in members if t in local} for members in scenario.groups.values()]
    talent = np.asarray(towns.talent_need, dtype=float)[eligible]
    sets = []
    for k in sizes:
        for combo in itertools.combinations(range(e), k):
            chosen = set(combo)
            if not must <= chosen or any(len(chosen & g) > 1 for g in groups):
                continue
            if scenario.talent_capacity is not None and \
                    math.fsum(talent[list(combo)]) > scenario.talent_capacity + _slack(
                        scenario.talent_capacity):
                continue
            sets.append(combo)
    members = np.zeros((e, len(sets)))
    for p, combo in enumerate(sets):
        members[list(combo), p] = 1.0
    cats = [c.id for c in scenario.categories]
    rows, limits = [], []
    for k, cat in enumerate(scenario.categories):
        if cat.budget is not None:
            rows.append(np.eye(len(cats))[k])
            limits.append(cat.budget)
    if scenario.spendable_total is not None:
        rows.append(np.ones(len(cats)))
        limits.append(scenario.spendable_total)
    if scenario.sources:
        # Gale (1957): demands D_k can be paid from sources of capacity F_s that may
        # fund them iff every set K of categories needs no more than its sources hold.
        for r in range(1, len(cats) + 1):
            for group in itertools.combinations(range(len(cats)), r):
                row = np.zeros(len(cats))
                row[list(group)] = 1.0
                rows.append(row)
                limits.append(math.fsum(s.capacity for s in scenario.sources
                                        if any(cats[g] in s.funds for g in group)))
    year_limits = np.array([np.inf if scenario.annual_limits.get(y) is None
                            else float(scenario.annual_limits[y])  # type: ignore[arg-type]
                            for y in scenario.years])
    return _Portfolios(eligible, members, tuple(sets),
                       np.array(rows).T if rows else np.zeros((len(cats), 0)),
                       np.array(limits, dtype=float), years, year_limits,
                       tuple(scenario.spread))


def _slack(limit: float) -> float:
    return _FEASIBILITY_TOLERANCE * max(1.0, abs(limit))


def _phasing_feasible(table: _Portfolios, scenario: Scenario, combo: tuple[int, ...],
                      totals: np.ndarray) -> np.ndarray:
    """Can the towns of ``combo`` (costs ``totals``: scenarios × towns) be given
    conversion years within the annual limits?  Every assignment is tried:
    year t carries Σ_i p_{t − y_i} A_i for the spread p."""
    if not table.years or not combo or not np.isfinite(table.year_limits).any():
        return np.ones(totals.shape[0], dtype=bool)
    budget_years = scenario.years
    assignments = np.array(list(itertools.product(table.years, repeat=len(combo))))
    offset = np.array(budget_years)[None, None, :] - assignments[:, :, None]
    spread = np.array(table.spread)
    share = np.where((offset >= 0) & (offset < len(spread)),
                     spread[np.clip(offset, 0, len(spread) - 1)], 0.0)
    loads = np.einsum("sk,akt->sat", totals[:, list(combo)], share)
    limit = table.year_limits
    fits = (loads <= limit + np.where(np.isfinite(limit), _FEASIBILITY_TOLERANCE
                                      * np.maximum(1.0, np.abs(limit)), 0.0)).all(axis=2)
    return fits.any(axis=1)


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
                ok[at] = _phasing_feasible(table, scenario, table.sets[p], total[pending[at]])
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
            towns.talent_need, towns.table)
        try:
            result = select(scenario_towns, scenario, solver=solver, alternatives=0, why_not=False)
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
