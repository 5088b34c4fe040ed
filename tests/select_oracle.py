"""An exhaustive selector for the tests, independent of evalkit's selection code.

It reads the scenario's fields and the towns' arrays and tries every set of
towns and every assignment of conversion years, checking each limit from the
data as the README and the model's docstring state it — the spending
profiles (a town's own, else its category's, else the scenario's), annual
limits per year and per category, talent needed by the end of each year
against the recruits that can be hired by then, the reserve held back from
the sources, the debt and running-cost limits, the as-of rule — and the
financing by Gale's supply–demand condition (every set of demands fits in the
sources that may pay it; Gale 1957) or, when sources have annual capacities or
a debt limit couples them, by a transportation LP (scipy's linprog, not
evalkit's solver code).  Nothing of ``evalkit.decide.selection`` is imported.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.optimize import linprog

from evalkit.decide.phasing import Profile
from evalkit.decide.scenario import Scenario

TOL = 1e-7


@dataclass(frozen=True)
class Answer:
    """One feasible answer: towns (sorted by id), their years, objective, timing criterion."""

    towns: tuple[str, ...]
    years: tuple[int | None, ...]
    objective: float
    timing: float | None

    @property
    def schedule(self) -> dict[str, int | None]:
        return dict(zip(self.towns, self.years, strict=True))


def count_of(scenario: Scenario, pick: int | None) -> tuple[int | None, str]:
    if pick is None:
        return scenario.count, scenario.count_mode
    return pick, scenario.count_mode if scenario.count is not None else "exactly"


def reserve_amount(scenario: Scenario, investment: float) -> float:
    """What must be held back from the sources (0: no reserve)."""
    if not scenario.sources:
        return 0.0
    if scenario.risk_reserve_amount is not None:
        return scenario.risk_reserve_amount
    if scenario.risk_reserve_of == "investment":
        return scenario.risk_reserve_rate * investment
    return scenario.risk_reserve_rate * (scenario.total_budget or 0.0)


def total_ok(scenario: Scenario, investment: float) -> bool:
    if scenario.total_budget is None:
        return True
    if scenario.risk_reserve_amount is not None:
        return investment <= scenario.total_budget - scenario.risk_reserve_amount + TOL
    if scenario.risk_reserve_of == "investment":
        return investment * (1 + scenario.risk_reserve_rate) <= scenario.total_budget + TOL
    return investment <= scenario.total_budget * (1 - scenario.risk_reserve_rate) + TOL


class Town:
    """One town's data and profiles, as the scenario and the input give them."""

    def __init__(self, towns, scenario: Scenario, i: int) -> None:
        self.id = towns.ids[i]
        self.closeness = float(towns.closeness[i])
        self.cost = {c.id: float(towns.costs[c.id][i]) for c in scenario.categories}
        self.total = math.fsum(self.cost.values())
        self.talent = float(towns.talent_need[i])
        own = towns.profiles[i] if towns.profiles is not None else None
        default = Profile(scenario.spread_from, tuple(scenario.spread))
        self.money = {c.id: own or c.profile or default for c in scenario.categories}
        self.people = scenario.talent_profile or own or default
        rules = scenario.affordability
        self.running = self.kept = 0.0
        if rules is not None and rules.revenue_column is not None:
            self.kept = float(rules.retained_share or 0) * float(towns.revenue[i])
            self.running = (float(towns.recurring[i]) if rules.recurring_column
                            else float(rules.recurring_share or 0) * self.total)


def share(profile: Profile, offset: int) -> float:
    k = offset - profile.start
    return float(profile.shares[k]) if 0 <= k < len(profile.shares) else 0.0


def allowed_years(town: Town, scenario: Scenario, as_of: date) -> list[int | None]:
    if not scenario.years:
        return [None]
    first, last = scenario.years[0], scenario.years[-1]
    out: list[int | None] = []
    for y in scenario.convert_in:
        if scenario.before_as_of == "refuse" and y < as_of.year:
            continue
        if all(y + p.start >= first and y + p.start + len(p.shares) - 1 <= last
               for p in town.money.values()):
            out.append(y)
    return out


def financing_ok(scenario: Scenario, demand: Mapping[tuple[str, int | None], float],
                 reserve: float) -> bool:
    """Can the sources pay every (category, year) demand and hold the reserve?"""
    if not scenario.sources:
        return True
    holders = set(scenario.reserve_from or [s.id for s in scenario.sources])
    rules = scenario.affordability
    debt = rules.debt_limit if rules is not None and rules.debt_sources else None
    annual = any(s.annual for s in scenario.sources)
    if not annual and debt is None:  # Gale's condition over the categories and the reserve
        cats = [c.id for c in scenario.categories]
        total = {k: math.fsum(v for (c, _), v in demand.items() if c == k) for k in cats}
        nodes = [*cats, "reserve"] if reserve > TOL else cats
        for r in range(1, len(nodes) + 1):
            for group in itertools.combinations(nodes, r):
                need = math.fsum(total[g] if g != "reserve" else reserve for g in group)
                supply = math.fsum(s.capacity for s in scenario.sources
                                   if any(g in s.funds for g in group)
                                   or ("reserve" in group and s.id in holders))
                if need > supply + TOL * max(1.0, supply):
                    return False
        return True
    keys = [(k, s.id, t) for (k, t) in demand for s in scenario.sources if k in s.funds]
    held = [s.id for s in scenario.sources if s.id in holders]
    n = len(keys) + len(held)
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for (k, t), amount in demand.items():
        a_eq.append([1.0 if (kk, tt) == (k, t) else 0.0 for (kk, _, tt) in keys] + [0.0] * len(held))
        b_eq.append(amount)
    for s in scenario.sources:
        a_ub.append([1.0 if ss == s.id else 0.0 for (_, ss, _) in keys]
                    + [1.0 if h == s.id else 0.0 for h in held])
        b_ub.append(s.capacity)
        for t, cap in s.annual.items():
            if cap is not None:
                a_ub.append([1.0 if ss == s.id and tt == t else 0.0 for (_, ss, tt) in keys]
                            + [0.0] * len(held))
                b_ub.append(cap)
    if reserve > TOL:
        a_ub.append([0.0] * len(keys) + [-1.0] * len(held))
        b_ub.append(-reserve)
    if debt is not None:
        assert rules is not None
        a_ub.append([1.0 if ss in rules.debt_sources else 0.0 for (_, ss, _) in keys]
                    + [0.0] * len(held))
        b_ub.append(debt)
    if n == 0:
        return all(v <= TOL for v in demand.values()) and reserve <= TOL
    found = linprog(np.zeros(n), A_ub=np.array(a_ub) if a_ub else None,
                    b_ub=np.array(b_ub) + 1e-7 if b_ub else None,
                    A_eq=np.array(a_eq) if a_eq else None, b_eq=np.array(b_eq) if b_eq else None,
                    bounds=[(0, None)] * n, method="highs")
    return bool(found.status == 0)


def answers(towns, scenario: Scenario, *, pick: int | None = None,
            excluded: frozenset[str] = frozenset(), as_of: date) -> list[Answer]:
    """Every feasible answer, by enumeration."""
    count, mode = count_of(scenario, pick)
    data = [Town(towns, scenario, i) for i in range(len(towns.ids))]
    out_of_play = set(scenario.must_exclude) | set(excluded)
    pool = [t for t in data if t.id not in out_of_play]
    years_of = {t.id: allowed_years(t, scenario, as_of) for t in pool}
    first = min((y for t in pool for y in years_of[t.id] if y is not None), default=None)
    rule = (scenario.timing.rule if scenario.timing is not None
            else ("readiness" if scenario.years else None))
    found: list[Answer] = []
    objective_name = scenario.objective
    for r in range(len(pool) + 1):
        for members in itertools.combinations(pool, r):
            ids = {t.id for t in members}
            if not set(scenario.must_include) <= ids:
                continue
            if count is not None and (r != count if mode == "exactly" else r > count):
                continue
            if objective_name == "closeness_per_cost" and r == 0:
                continue
            if any(len(ids & set(g)) > 1 for g in scenario.groups.values()):
                continue
            if any(cat.budget is not None and math.fsum(t.cost[cat.id] for t in members)
                   > cat.budget + TOL for cat in scenario.categories):
                continue
            investment = math.fsum(t.total for t in members)
            if not total_ok(scenario, investment):
                continue
            if scenario.talent_capacity is not None and math.fsum(
                    t.talent for t in members) > scenario.talent_capacity + TOL:
                continue
            for assignment in itertools.product(*(years_of[t.id] for t in members)):
                answer = _try(scenario, members, assignment, investment, first, rule)
                if answer is not None:
                    found.append(answer)
    return found


def _try(scenario: Scenario, members: Sequence[Town], assignment: Sequence[int | None],
         investment: float, first: int | None, rule: str | None) -> Answer | None:
    calendar: Sequence[int | None] = scenario.years or (None,)
    demand: dict[tuple[str, int | None], float] = {}
    for t in calendar:
        for cat in scenario.categories:
            demand[cat.id, t] = math.fsum(
                town.cost[cat.id] * (1.0 if t is None else share(town.money[cat.id], t - y))
                for town, y in zip(members, assignment, strict=True))
    for t in scenario.years:
        spent = math.fsum(demand[c.id, t] for c in scenario.categories)
        limit = scenario.annual_limits.get(t)
        if limit is not None and spent > limit + TOL:
            return None
        for cat in scenario.categories:
            limit = cat.annual.get(t)
            if limit is not None and demand[cat.id, t] > limit + TOL:
                return None
    if scenario.talent_annual and scenario.years:
        hired = 0.0
        for t in scenario.years:
            this = scenario.talent_annual.get(t, 0.0)
            if this is None:
                break
            hired += this
            need = math.fsum(town.talent * sum(share(town.people, o)
                                               for o in range(town.people.start, t - y + 1))
                             for town, y in zip(members, assignment, strict=True))
            if need > hired + TOL:
                return None
    rules = scenario.affordability
    if rules is not None and rules.city_support is not None and rules.revenue_column:
        for t in (scenario.years or (None,)):
            converted = [town for town, y in zip(members, assignment, strict=True)
                         if t is None or (y is not None and y <= t)]
            net = math.fsum(town.running - town.kept for town in converted)
            if net > rules.city_support + TOL:
                return None
    if not financing_ok(scenario, demand, reserve_amount(scenario, investment)):
        return None
    discount = (scenario.timing.discount if scenario.timing is not None
                and scenario.timing.rule == "discounted" else None)
    weights = []
    for town, y in zip(members, assignment, strict=True):
        w = town.closeness
        if scenario.objective == "closeness_minus_cost":
            w -= scenario.objective_params["cost_weight"] * town.total
        if discount is not None and y is not None and first is not None:
            w *= discount ** (y - first)
        weights.append(w)
    value = math.fsum(weights)
    if scenario.objective == "closeness_per_cost":
        value /= investment
    timing_value = None
    if rule in ("readiness", "earliest") and first is not None:
        timing_value = math.fsum((town.closeness if rule == "readiness" else 1.0) * (y - first)
                                 for town, y in zip(members, assignment, strict=True)
                                 if y is not None)
    elif rule == "balanced":
        timing_value = max((math.fsum(demand[c.id, t] for c in scenario.categories)
                            for t in scenario.years), default=0.0)
    order = sorted(range(len(members)), key=lambda k: members[k].id)
    return Answer(tuple(members[k].id for k in order), tuple(assignment[k] for k in order),
                  value, timing_value)
