"""The 0-1 program in PuLP: variables, limit rows, objective (see :mod:`evalkit.decide.selection`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pulp

from evalkit.decide.selection.problem import Limit, Problem
from evalkit.decide.selection.solvers import run_solver


class Model:
    """One PuLP problem over some eligible towns.

    ``only`` restricts the towns (the tie-break solve over a chosen set);
    ``forced`` fixes :math:`z_i = 1`; ``cuts`` are sets to exclude (no-good
    cuts); ``elastic`` adds a slack to every limit and minimises their
    relative total; ``at_least_one`` adds :math:`Σ z_i ≥ 1` (ratio objectives).
    """

    def __init__(self, p: Problem, *, only: Iterable[int] | None = None,
                 forced: Iterable[int] = (), cuts: Sequence[frozenset[int]] = (),
                 elastic: bool = False, at_least_one: bool = False) -> None:
        self.p = p
        towns = sorted(only) if only is not None else list(range(p.n))
        self.towns = towns
        sense = pulp.LpMinimize if (elastic or only is not None) else pulp.LpMaximize
        prob = pulp.LpProblem("town_selection", sense)
        self.prob = prob
        self.x: dict[tuple[int, int | None], pulp.LpVariable] = {}
        for j in towns:
            for y in p.years:
                self.x[j, y] = prob.add_variable(f"x_{j}_{y}", cat=pulp.LpBinary)
        if len(p.years) == 1:
            self.z: dict[int, Any] = {j: self.x[j, p.years[0]] for j in towns}
        else:
            self.z = {j: self._sum([(self.x[j, y], 1.0) for y in p.years]) for j in towns}
        if len(p.years) > 1:
            for j in towns:
                prob += self.z[j] <= 1, f"one_year_{j}"
        for j in forced:
            prob += self.z[j] == 1, f"forced_{j}"
        for m, cut in enumerate(cuts):
            terms = [(self.x[j, y], -1.0 if j in cut else 1.0) for j in towns for y in p.years]
            prob += self._sum(terms) >= 1 - len(cut), f"cut_{m}"
        if at_least_one:
            prob += self._sum([(self.x[j, y], 1.0) for j in towns for y in p.years]) >= 1, "one"
        self.f: dict[tuple[int, str, str], pulp.LpVariable] = {}
        for j in towns:
            for k, cat in enumerate(p.scenario.categories):
                allowed = [s.id for s in p.scenario.sources if cat.id in s.funds]
                if not allowed or p.cost[j, k] <= 0:
                    continue
                for src in allowed:
                    self.f[j, cat.id, src] = prob.add_variable(f"f_{j}_{k}_{src}", lowBound=0)
                prob += (self._sum([(self.f[j, cat.id, s], 1.0) for s in allowed])
                         - float(p.cost[j, k]) * self.z[j] == 0), f"finance_{j}_{k}"
        self.slacks: dict[str, tuple[pulp.LpVariable, pulp.LpVariable | None]] = {}
        penalty = []
        for m, limit in enumerate(p.limits):
            expr = self._limit_expr(limit)
            if elastic and limit.elastic:
                up = prob.add_variable(f"relax_up_{m}", lowBound=0)
                down = (prob.add_variable(f"relax_down_{m}", lowBound=0)
                        if limit.sense == "==" else None)
                self.slacks[limit.name] = (up, down)
                # Relative loosening; the number of towns gives way only when no
                # amount of money or talent would do (too few eligible towns).
                weight = 1e4 if limit.name == "count" else 1.0 / max(1.0, abs(limit.bound))
                penalty.append((up, weight))
                if down is not None:
                    penalty.append((down, weight))
                    expr = expr - up + down
                else:
                    expr = expr - up
            if limit.sense == "==":
                prob += expr == limit.bound, f"limit_{m}"
            else:
                prob += expr <= limit.bound, f"limit_{m}"
        if elastic:
            prob.setObjective(pulp.LpAffineExpression(penalty))

    @staticmethod
    def _sum(terms: list[tuple[pulp.LpVariable, float]]) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression(terms)

    def _limit_expr(self, limit: Limit) -> pulp.LpAffineExpression:
        p = self.p
        if limit.kind == "towns":
            assert limit.coef is not None
            coefs = limit.coef[self.towns].tolist()
            return pulp.LpAffineExpression(
                [(self.x[j, y], c) for j, c in zip(self.towns, coefs, strict=True) if c
                 for y in p.years])
        if limit.kind == "year":
            terms = []
            for j in self.towns:
                for y in p.years:
                    share = spread_share(p.scenario.spread, limit.year, y)
                    if share and p.total[j]:
                        terms.append((self.x[j, y], share * float(p.total[j])))
            return pulp.LpAffineExpression(terms)
        return pulp.LpAffineExpression(
            [(v, 1.0) for (_, _, src), v in self.f.items() if src == limit.source])

    def objective(self, weights: np.ndarray) -> None:
        coefs = weights[self.towns].tolist()
        self.prob.setObjective(pulp.LpAffineExpression(
            [(self.x[j, y], c) for j, c in zip(self.towns, coefs, strict=True) if c
             for y in self.p.years]))

    def solve(self, solver: str, time_limit: float | None) -> tuple[str, float | None]:
        """Solve; return (``optimal`` | ``feasible`` | ``infeasible`` | ``stopped``, gap)."""
        return run_solver(self.prob, solver, time_limit)

    def chosen(self) -> tuple[frozenset[int], dict[int, int | None]]:
        chosen, years = set(), {}
        for (j, y), var in self.x.items():
            if (var.varValue or 0.0) > 0.5:
                chosen.add(j)
                years[j] = y
        return frozenset(chosen), years

    def financing(self) -> dict[tuple[int, str, str], float]:
        return {key: max(0.0, var.varValue or 0.0) for key, var in self.f.items()}


def spread_share(spread: Sequence[float], year: int | None, start: int | None) -> float:
    if year is None or start is None:
        return 0.0
    offset = year - start
    return float(spread[offset]) if 0 <= offset < len(spread) else 0.0
