"""The data of one selection over the eligible towns, checked against the candidate table.

The scenario's facts that need the table (town ids, the number of towns, the
cost columns, the screens) are checked here, each error located in the
scenario file; the limits become rows of :class:`Limit`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from evalkit.decide.scenario import OBJECTIVES, Scenario
from evalkit.decide.selection.inputs import SelectionInput
from evalkit.decide.selection.result import MONEY, PERSONS, TOWNS, Exclusion, SelectionInfeasible
from evalkit.decide.standards import check_columns, screen
from evalkit.errors import InputError


@dataclass(frozen=True)
class Limit:
    """One limit row.  ``kind`` says what it sums: towns (z), a year (x) or a source (f)."""

    name: str
    key: str
    unit: str
    bound: float
    kind: str  # "towns" | "year" | "source"
    coef: np.ndarray | None = None  # per eligible town, kind "towns"
    year: int | None = None
    source: str | None = None
    sense: str = "<="
    elastic: bool = True  # may the infeasibility diagnosis loosen it?
    scale: float = 1.0  # file value = bound × scale (budget.total: the reserve is added back)


@dataclass
class Problem:
    """The data of one selection over the eligible towns (local index j)."""

    towns: SelectionInput
    scenario: Scenario
    eligible: np.ndarray  # positions in towns of the eligible towns
    count: int | None
    mode: str
    years: tuple[int | None, ...]
    weights: np.ndarray  # objective numerator per eligible town
    denominators: np.ndarray | None  # ratio objectives only
    must: frozenset[int]  # local indices
    cost: np.ndarray  # eligible × categories
    picked: bool = False  # the count came from select(pick=...), not the scenario
    limits: list[Limit] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.eligible)

    @cached_property
    def total(self) -> np.ndarray:
        """Each eligible town's cost over all categories."""
        return self.cost.sum(axis=1) if self.cost.size else np.zeros(self.n)

    def ids(self, local: Iterable[int]) -> tuple[str, ...]:
        return tuple(self.towns.ids[self.eligible[j]] for j in sorted(local))

    def value(self, chosen: Iterable[int]) -> float:
        """The objective of a set of eligible towns, computed directly."""
        chosen = list(chosen)
        top = math.fsum(self.weights[j] for j in chosen)
        if self.denominators is None:
            return top
        bottom = math.fsum(self.denominators[j] for j in chosen)
        return top / bottom if bottom > 0 else -math.inf


@dataclass
class Solution:
    status: str  # optimal | feasible
    chosen: frozenset[int]
    years: dict[int, int | None]
    financing: dict[tuple[int, str, str], float]
    objective: float
    gap: float | None


def check_against_table(towns: SelectionInput, scenario: Scenario, pick: int | None) -> None:
    known = set(towns.ids)
    sample = ", ".join(towns.ids[:8]) + (" …" if len(towns) > 8 else "")
    lists: list[tuple[str, Sequence[str]]] = [
        ("must_include", scenario.must_include), ("must_exclude", scenario.must_exclude),
        *((f"at_most_one_of.{g}", members) for g, members in scenario.groups.items()),
    ]
    for key, members in lists:
        for i, town in enumerate(members):
            if town not in known:
                raise scenario.error(f"unknown town id {town!r}",
                                     f"use ids of the candidate table: {sample}", f"{key}[{i}]")
    wanted = [c.id for c in scenario.categories]
    if set(wanted) != set(towns.costs):
        raise scenario.error(
            f"the scenario's cost categories ({', '.join(wanted)}) differ from the costs given "
            f"({', '.join(towns.costs)})",
            "build the SelectionInput from this scenario (SelectionInput.from_frame)", "categories")
    if pick is not None:
        if isinstance(pick, bool) or not isinstance(pick, int) or pick < 1:
            raise InputError(f"the number of towns to pick must be a whole number ≥ 1, got "
                             f"{pick!r}", "give e.g. 3", column="pick")
        if pick > len(towns):
            raise InputError(f"cannot pick {pick} towns: the table has only {len(towns)}",
                             f"pick at most {len(towns)}", column="pick")
    elif scenario.count is not None and scenario.count > len(towns):
        key = f"convert.{scenario.count_mode}"
        raise scenario.error(
            f"{key} is {scenario.count}, but the candidate table has only {len(towns)} towns",
            f"lower it to at most {len(towns)}", key)
    if scenario.screens:
        if scenario.standards is None:
            raise scenario.error("screens are given without a standards file",
                                 "add  standards: standards.yaml", "screens")
        check_columns(scenario.screens, towns.table, scenario.standards)


def check_groups(scenario: Scenario, chosen: Sequence[str], key: str) -> None:
    """Two towns that must both be chosen cannot share an at-most-one-of group."""
    for group, members in scenario.groups.items():
        both = [t for t in chosen if t in members]
        if len(both) > 1:
            raise SelectionInfeasible(
                f"{key} names {both[0]} and {both[1]}, but group.{group} allows at most one of "
                f"{', '.join(members)}",
                f"take one of them out of {key}, or out of the group",
                file=scenario.path, row=scenario.line(f"at_most_one_of.{group}"),
                column=f"at_most_one_of.{group}")


def exclusions(towns: SelectionInput, scenario: Scenario) -> dict[str, Exclusion]:
    out: dict[str, Exclusion] = {}
    if scenario.screens:
        frame = towns.table.reindex(list(towns.ids))
        for town, (english, chinese) in screen(frame, scenario.screens).items():
            out[town] = Exclusion(town, english, chinese)
    for town in scenario.must_exclude:
        if town not in out:
            where = scenario.path.name if scenario.path else "the scenario"
            out[town] = Exclusion(town, f"listed in must_exclude ({where})",
                                  f"情景文件列为必须排除 ({where})")
    return out


def build_problem(towns: SelectionInput, scenario: Scenario, eligible: np.ndarray,
             count: int | None, mode: str, picked: bool) -> Problem:
    objective = OBJECTIVES[scenario.objective]
    cats = [c.id for c in scenario.categories]
    cost = (np.column_stack([towns.costs[c][eligible] for c in cats]) if cats
            else np.zeros((len(eligible), 0)))
    total = cost.sum(axis=1) if cats else np.zeros(len(eligible))
    closeness = towns.closeness[eligible]
    weights = np.asarray(objective.numerator(closeness, total, scenario.objective_params), float)
    denominators = None
    if objective.denominator is not None:
        denominators = np.asarray(
            objective.denominator(closeness, total, scenario.objective_params), float)
        if np.any(denominators <= 0):
            j = int(np.flatnonzero(denominators <= 0)[0])
            raise scenario.error(
                f"objective {scenario.objective!r} divides by each town's cost, but town "
                f"{towns.ids[eligible[j]]} costs {total[j]:g}",
                "give every town a positive cost, or choose another objective", "objective")
    position = {t: j for j, t in enumerate(towns.ids[i] for i in eligible)}
    must = frozenset(position[t] for t in scenario.must_include)
    years: tuple[int | None, ...] = tuple(scenario.convert_in) if scenario.years else (None,)
    problem = Problem(towns, scenario, eligible, count, mode, years, weights, denominators,
                       must, cost, picked)
    problem.limits = limit_rows(problem, position)
    return problem


def limit_rows(p: Problem, position: Mapping[str, int]) -> list[Limit]:
    s = p.scenario
    out: list[Limit] = []
    ones = np.ones(p.n)
    if p.count is not None:
        key = "pick" if p.picked else f"convert.{p.mode}"
        out.append(Limit("count", key, TOWNS, float(p.count), "towns", ones,
                          sense="==" if p.mode == "exactly" else "<="))
    for group, members in s.groups.items():
        coef = np.zeros(p.n)
        for town in members:
            if town in position:
                coef[position[town]] = 1.0
        out.append(Limit(f"group.{group}", f"at_most_one_of.{group}", TOWNS, 1.0, "towns",
                          coef, elastic=False))
    for k, cat in enumerate(s.categories):
        if cat.budget is not None:
            out.append(Limit(f"budget.{cat.id}", f"categories.{cat.id}.budget", MONEY,
                              cat.budget, "towns", p.cost[:, k]))
    if s.spendable_total is not None:
        out.append(Limit("budget.total", "budget.total", MONEY, s.spendable_total, "towns",
                          p.total, scale=1.0 / (1.0 - s.risk_reserve_rate)))
    for year in s.years:
        limit = s.annual_limits.get(year)
        if limit is not None:
            out.append(Limit(f"budget.year.{year}", f"phasing.years.{year}", MONEY, limit,
                              "year", year=year))
    if s.talent_capacity is not None:
        out.append(Limit("talent", "talent.capacity", PERSONS, s.talent_capacity, "towns",
                          p.towns.talent_need[p.eligible]))
    for src in s.sources:
        out.append(Limit(f"source.{src.id}", f"sources.{src.id}.capacity", MONEY, src.capacity,
                          "source", source=src.id))
    return out
