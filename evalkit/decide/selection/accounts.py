"""The chosen plan's accounts: each limit's use, the financing, the phasing, reserve and
running costs.

The model pays each category's spending of a year as one sum; here it is split
over the towns in proportion to their share of that sum, so each town's cost
in a category is paid by the same mix of sources as the category's total that
year (exact: the parts add up to every town's cost and every source's total).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from evalkit.decide.selection.model import Model
from evalkit.decide.selection.problem import FlowKey, Limit, Problem, Solution
from evalkit.decide.selection.result import (
    AffordabilityYear,
    CategoryFinancing,
    ConstraintUse,
    Financing,
    PhasingYear,
    ReserveHeld,
    SelectedTown,
)


def selected_town(p: Problem, j: int, year: int | None) -> SelectedTown:
    i = int(p.eligible[j])
    costs = {c.id: float(p.cost[j, k]) for k, c in enumerate(p.scenario.categories)}
    return SelectedTown(p.towns.ids[i], p.towns.names[i], year, float(p.towns.closeness[i]),
                        float(p.total[j]), costs, float(p.towns.talent_need[i]),
                        year is not None and year in p.flagged)


def _year_index(p: Problem, best: Solution) -> dict[int, int]:
    index = {y: k for k, y in enumerate(p.years)}
    return {j: index[best.years[j]] for j in best.chosen}


def _x_sum(coef: np.ndarray | None, p: Problem, best: Solution) -> float:
    if coef is None:
        return 0.0
    at = _year_index(p, best)
    return math.fsum(float(coef[j] if coef.ndim == 1 else coef[j, at[j]]) for j in best.chosen)


def constraint_rows(p: Problem, best: Solution) -> list[ConstraintUse]:
    """Every limit: used, limit and slack, recomputed from the answer."""
    rows = []
    for limit in p.limits:
        used = _used(limit, p, best)
        bound = limit.bound + _x_sum(limit.credit, p, best)
        if limit.name == "reserve":  # held ≥ required: the required amount is the limit
            held = math.fsum(best.reserve.get(s, 0.0) * c for s, c in limit.reserve.items())
            required = limit.bound - _x_sum(limit.x, p, best)
            rows.append(ConstraintUse(limit.name, held, required, limit.unit, ">=", limit.key))
            continue
        rows.append(ConstraintUse(limit.name, used, bound, limit.unit, limit.sense, limit.key,
                                  limit.year))
    return rows


def _used(limit: Limit, p: Problem, best: Solution) -> float:
    used = _x_sum(limit.x, p, best)
    used += math.fsum(flow_sum(best.flows, k) * c for k, c in limit.flows.items())
    used += math.fsum(best.reserve.get(k, 0.0) * c for k, c in limit.reserve.items())
    return used


def flow_sum(flows: Mapping[FlowKey, float], key: FlowKey) -> float:
    """A flow of the model in the financing (year None: the whole calendar's, which
    :func:`~.solve.finance` pays year by year)."""
    cat, src, year = key
    if year is not None or key in flows:
        return flows.get(key, 0.0)
    return math.fsum(v for (c, s, _), v in flows.items() if c == cat and s == src)


def town_spending(p: Problem, best: Solution) -> dict[tuple[int, int, int | None], float]:
    """亿元 each chosen town spends in each category and budget year (year None: no phasing)."""
    at = _year_index(p, best)
    out: dict[tuple[int, int, int | None], float] = {}
    for j in best.chosen:
        for k in range(len(p.scenario.categories)):
            if p.calendar:
                for t, year in enumerate(p.calendar):
                    amount = float(p.spend[j, k, at[j], t])
                    if amount > 0:
                        out[j, k, year] = amount
            elif p.cost[j, k] > 0:
                out[j, k, None] = float(p.cost[j, k])
    return out


def financing_rows(p: Problem, best: Solution) -> tuple[list[Financing], list[CategoryFinancing]]:
    """Each town's amount per source and year, and per category and source (programme)."""
    spending = town_spending(p, best)
    cats = [c.id for c in p.scenario.categories]
    demand: dict[tuple[str, int | None], float] = {}
    for (_, k, year), amount in spending.items():
        demand[cats[k], year] = demand.get((cats[k], year), 0.0) + amount
    by_year: dict[tuple[str, str, int | None], float] = {}
    by_category: dict[tuple[str, str, str], float] = {}
    for (j, k, year), amount in spending.items():
        total = demand[cats[k], year]
        paid = {src: value for (cat, src, y), value in best.flows.items()
                if cat == cats[k] and y == year and value > 0}
        paid_total = math.fsum(paid.values())
        for src, value in paid.items():
            share = amount * value / paid_total if paid_total > 0 else 0.0
            if total <= 0 or share <= 1e-12:
                continue
            town = p.town(j)
            by_year[town, src, year] = by_year.get((town, src, year), 0.0) + share
            by_category[town, cats[k], src] = by_category.get((town, cats[k], src), 0.0) + share
    order = {s.id: r for r, s in enumerate(p.scenario.sources)}
    rows = [Financing(t, s, y, a) for (t, s, y), a in sorted(
        by_year.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], kv[0][2] or 0))]
    by_cat = [CategoryFinancing(t, c, s, a) for (t, c, s), a in sorted(by_category.items())]
    return rows, by_cat


def phasing_rows(p: Problem, best: Solution) -> list[PhasingYear]:
    """Per budget year: spending by category and source, recruits, conversions, as-of flag."""
    if not p.calendar:
        return []
    at = _year_index(p, best)
    cats = [c.id for c in p.scenario.categories]
    out = []
    for t, year in enumerate(p.calendar):
        spending = {cat: math.fsum(float(p.spend[j, k, at[j], t]) for j in best.chosen)
                    for k, cat in enumerate(cats)}
        by_source: dict[str, float] = {}
        for (_, src, y), value in best.flows.items():
            if y == year and value > 1e-12:
                by_source[src] = by_source.get(src, 0.0) + value
        talent_by = math.fsum(float(p.talent_by[j, at[j], t]) for j in best.chosen)
        before = math.fsum(float(p.talent_by[j, at[j], t - 1]) for j in best.chosen) if t else 0.0
        converting = tuple(sorted(p.town(j) for j in best.chosen if best.years[j] == year))
        out.append(PhasingYear(year, spending, by_source, math.fsum(spending.values()),
                               talent_by - before, talent_by, converting, year < p.as_of.year))
    return out


def reserve_held(p: Problem, best: Solution, plan: Mapping[str, object] | None) -> ReserveHeld | None:
    """The reserve: what must be held, what each source holds, what is left unallocated."""
    s = p.scenario
    if not p.reserve_applies():
        return None
    investment = math.fsum(float(p.total[j]) for j in best.chosen)
    if s.risk_reserve_amount is not None:
        amount, basis, rate = s.risk_reserve_amount, "fixed", None
    elif s.risk_reserve_of == "investment":
        amount, basis, rate = s.risk_reserve_rate * investment, "investment", s.risk_reserve_rate
    else:
        assert s.total_budget is not None
        amount, basis, rate = s.risk_reserve_rate * s.total_budget, "total", s.risk_reserve_rate
    capacity = math.fsum(src.capacity for src in s.sources)
    spent = math.fsum(best.flows.values())
    held = {src: value for src, value in best.reserve.items() if value > 1e-9}
    return ReserveHeld(amount, basis, rate, held, capacity, spent,
                       capacity - spent - math.fsum(held.values()), plan)


def affordability_rows(p: Problem, best: Solution) -> list[AffordabilityYear]:
    """Running costs against retained revenue, each year from the first conversion."""
    rules = p.scenario.affordability
    if rules is None or p.recurring is None or p.retained is None:
        return []
    support = rules.city_support
    years: list[int | None] = list(p.calendar) if p.calendar else [None]
    first = min((y for j in best.chosen if (y := best.years[j]) is not None), default=None)
    out = []
    for year in years:
        if year is not None and (first is None or year < first):
            continue
        towns = [j for j in best.chosen if year is None or (best.years[j] or 0) <= year]
        recurring = math.fsum(float(p.recurring[j]) for j in towns)
        retained = math.fsum(float(p.retained[j]) for j in towns)
        margin = retained + (support or 0.0) - recurring
        out.append(AffordabilityYear(year, recurring, retained, support, margin, rules.enforced,
                                     tuple(sorted(p.town(j) for j in towns))))
    return out


def model_check(model: Model, best: Solution) -> str | None:
    """The answer as read back, checked against every row of the model (None: all hold)."""
    values = model.assignment(best.chosen, best.years)
    for key, c in model.flow.items():
        values[c] = flow_sum(best.flows, key)
    for src, c in model.reserve.items():
        values[c] = best.reserve.get(src, 0.0)
    return model.program.violation(values)
