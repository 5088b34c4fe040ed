"""Optimising: the best portfolio (linear objective, or a ratio by Dinkelbach) and the tie-break."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pulp

from evalkit.decide.selection.model import Model
from evalkit.decide.selection.problem import Problem, Solution


class Infeasible(Exception):
    pass


def optimise(p: Problem, solver: str, time_limit: float | None, *,
              forced: Iterable[int] = (), cuts: Sequence[frozenset[int]] = ()) -> Solution:
    """The best portfolio (linear objective, or a ratio by Dinkelbach).

    Raises :class:`Infeasible` when no portfolio exists and :class:`Stopped`
    when the solver stops without finding one.
    """
    forced = frozenset(forced) | p.must
    ratio = p.denominators is not None
    model = Model(p, forced=forced, cuts=cuts, at_least_one=ratio)
    if p.denominators is None:
        model.objective(p.weights)
        status, gap = _checked(model.solve(solver, time_limit))
        chosen, years = model.chosen()
        return Solution(status, chosen, years, model.financing(), p.value(chosen), gap)
    # Dinkelbach.  λ starts at the lowest single-town ratio, a lower bound on
    # every portfolio's ratio (a portfolio's ratio is a cost-weighted mean of its
    # towns'), so F(λ) ≥ 0 throughout and λ rises to the optimum.
    weights, costs = p.weights, p.denominators
    level = float(np.min(weights / costs)) if p.n else 0.0
    scale = max(1.0, math.fsum(np.abs(weights)))
    proven = True
    incumbent: tuple[frozenset[int], dict[int, int | None], dict[Any, float]] | None = None
    for _ in range(100):
        model.objective(weights - level * costs)
        status, _gap = _checked(model.solve(solver, time_limit))
        proven = proven and status == "optimal"
        chosen, years = model.chosen()
        if incumbent is None or p.value(chosen) > p.value(incumbent[0]):
            incumbent = (chosen, years, model.financing())
        gain = math.fsum(weights[j] - level * costs[j] for j in chosen)
        if gain <= 1e-9 * scale or p.value(chosen) <= level + 1e-12:
            break
        level = p.value(chosen)
    else:  # pragma: no cover - Dinkelbach converges in a few steps on 0-1 problems
        proven = False
    assert incumbent is not None
    chosen, years, financing = incumbent
    # The ratio's bound is not tracked through the iterations: unknown unless proven.
    return Solution("optimal" if proven else "feasible", chosen, years, financing,
                     p.value(chosen), 0.0 if proven else None)


class Stopped(Exception):
    pass


def _checked(outcome: tuple[str, float | None]) -> tuple[str, float | None]:
    status, gap = outcome
    if status == "infeasible":
        raise Infeasible
    if status == "stopped":
        raise Stopped
    return status, gap


def tie_break(p: Problem, best: Solution, solver: str, time_limit: float | None) -> Solution:
    """Among equally good plans: best towns first, sources in the listed order."""
    if not best.chosen or (len(p.years) == 1 and not p.scenario.sources):
        return best
    model = Model(p, only=best.chosen, forced=best.chosen)
    terms = [(model.x[j, y], float(p.towns.closeness[p.eligible[j]]) * index)
             for j in best.chosen for index, y in enumerate(p.years) if index]
    rank = {s.id: r for r, s in enumerate(p.scenario.sources, start=1)}
    terms += [(var, float(rank[src])) for (_, _, src), var in model.f.items()]
    model.prob.setObjective(pulp.LpAffineExpression(terms))
    status, _ = model.solve(solver, time_limit)
    if status not in ("optimal", "feasible"):
        return best
    chosen, years = model.chosen()
    if chosen != best.chosen:  # pragma: no cover - the set is fixed
        return best
    return Solution(best.status, best.chosen, years, model.financing(), best.objective, best.gap)
