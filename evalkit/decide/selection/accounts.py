"""The chosen plan's accounts: each limit's use and slack, the financing, the chosen towns' rows."""

from __future__ import annotations

import math

from evalkit.decide.selection.model import spread_share
from evalkit.decide.selection.problem import Problem, Solution
from evalkit.decide.selection.result import ConstraintUse, Financing, SelectedTown


def selected_town(p: Problem, j: int, year: int | None) -> SelectedTown:
    i = int(p.eligible[j])
    costs = {c.id: float(p.cost[j, k]) for k, c in enumerate(p.scenario.categories)}
    return SelectedTown(p.towns.ids[i], p.towns.names[i], year, float(p.towns.closeness[i]),
                        float(p.total[j]), costs, float(p.towns.talent_need[i]))


def clean_financing(p: Problem, best: Solution) -> dict[tuple[int, str, str], float]:
    """Scale each town's category financing to sum exactly to its cost (solver round-off)."""
    paid: dict[tuple[int, str], float] = {}
    for (j, cat, _src), value in best.financing.items():
        if j in best.chosen:
            paid[j, cat] = paid.get((j, cat), 0.0) + value
    column = {c.id: k for k, c in enumerate(p.scenario.categories)}
    out = {}
    for (j, cat, src), value in best.financing.items():
        if j in best.chosen and paid[j, cat] > 0:
            out[j, cat, src] = value * float(p.cost[j, column[cat]]) / paid[j, cat]
    return out


def constraint_rows(p: Problem, best: Solution) -> list[ConstraintUse]:
    financing = best.financing
    rows = []
    for limit in p.limits:
        if limit.kind == "towns":
            assert limit.coef is not None
            used = math.fsum(float(limit.coef[j]) for j in best.chosen)
        elif limit.kind == "year":
            used = math.fsum(spread_share(p.scenario.spread, limit.year, best.years[j]) * float(p.total[j])
                             for j in best.chosen)
        else:
            used = math.fsum(v for (_, _, src), v in financing.items() if src == limit.source)
        rows.append(ConstraintUse(limit.name, used, limit.bound, limit.unit, limit.sense))
    return rows


def financing_rows(p: Problem, best: Solution) -> list[Financing]:
    """Each town's amount per source, spread over its years by the spread profile."""
    by_source: dict[tuple[int, str], float] = {}
    for (j, _cat, src), value in best.financing.items():
        by_source[j, src] = by_source.get((j, src), 0.0) + value
    rows: list[Financing] = []
    for j in sorted(best.chosen, key=lambda j: p.towns.ids[p.eligible[j]]):
        town = p.towns.ids[p.eligible[j]]
        start = best.years[j]
        spend_years: list[tuple[int | None, float]] = (
            [(start + o, share) for o, share in enumerate(p.scenario.spread) if share]
            if start is not None else [(None, 1.0)])
        for source in p.scenario.sources:
            amount = by_source.get((j, source.id), 0.0)
            if amount > 1e-9:
                rows.extend(Financing(town, source.id, year, amount * share)
                            for year, share in spend_years)
    return rows
