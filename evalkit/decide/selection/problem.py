"""The data of one selection over the eligible towns, checked against the candidate table.

The scenario's facts that need the table (town ids, the number of towns, the
cost columns, the screens) are checked here, each error located in the
scenario file.  :class:`Problem` holds what the model needs per eligible
town *j* and conversion year *y* — which years are allowed (the calendar, the
profiles and the as-of date), each town's spending in each budget year *t*
and its talent need by then — and :func:`limit_rows` turns the limits into
:class:`Limit` rows (see :mod:`evalkit.decide.selection` for the model).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np

from evalkit.decide.phasing import Profile, fits
from evalkit.decide.scenario import OBJECTIVES, Scenario
from evalkit.decide.selection.inputs import SelectionInput
from evalkit.decide.selection.result import MONEY, PERSONS, TOWNS, Exclusion, SelectionInfeasible
from evalkit.decide.standards import check_columns, screen
from evalkit.decide.timing import Timing
from evalkit.errors import InputError

FlowKey = tuple[str, str, "int | None"]
"""(category, source, budget year or None): 亿元 of the category's spending that year the
source pays."""


@dataclass
class Limit:
    """One limit row: ``x`` (towns × conversion years, or one value per town for every year)
    over the conversion choices, ``flows`` and ``reserve`` over the financing variables.

    The program's row is ``x·chosen − credit·chosen + flows + reserve (sense) bound``;
    an approver reads ``used`` = the first part and ``limit`` = ``bound`` plus the credit
    the chosen towns bring (the retained revenue against running costs).
    """

    name: str
    key: str
    unit: str
    bound: float
    sense: str = "<="
    x: np.ndarray | None = None
    flows: dict[FlowKey, float] = field(default_factory=dict)
    reserve: dict[str, float] = field(default_factory=dict)
    credit: np.ndarray | None = None
    elastic: bool = True  # may the infeasibility diagnosis loosen it?
    scale: float = 1.0  # file value = bound × scale + offset (budget.total: the reserve added back)
    offset: float = 0.0
    year: int | None = None


@dataclass
class Problem:
    """The data of one selection over the eligible towns (local index j, year index y)."""

    towns: SelectionInput
    scenario: Scenario
    eligible: np.ndarray  # positions in towns of the eligible towns
    count: int | None
    mode: str
    years: tuple[int | None, ...]  # conversion years, (None,) without phasing
    calendar: tuple[int, ...]  # budget years, () without phasing
    allowed: np.ndarray  # eligible × years: may town j convert in year y?
    weights: np.ndarray  # objective numerator per eligible town
    factor: np.ndarray  # per conversion year: the timing rule's discount (1 without)
    denominators: np.ndarray | None  # ratio objectives only
    must: frozenset[int]  # local indices
    cost: np.ndarray  # eligible × categories
    talent: np.ndarray
    spend: np.ndarray  # eligible × categories × years × calendar: 亿元 in budget year t
    talent_by: np.ndarray  # eligible × years × calendar: talent needed by the end of year t
    as_of: date
    refused: tuple[int, ...]  # conversion years refused as before the as-of date
    flagged: tuple[int, ...]  # conversion years allowed though before the as-of date
    timing: Timing | None
    recurring: np.ndarray | None = None  # 亿元 a year from conversion
    retained: np.ndarray | None = None  # own revenue a converted town keeps, 亿元 a year
    picked: bool = False  # the count came from select(pick=...), not the scenario
    limits: list[Limit] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.eligible)

    @cached_property
    def total(self) -> np.ndarray:
        """Each eligible town's cost over all categories (computed once: the cost is not
        changed after the problem is built)."""
        return self.cost.sum(axis=1) if self.cost.size else np.zeros(self.n)

    @property
    def first_year(self) -> int | None:
        """The first conversion year any town may take (the timing rule counts from it)."""
        allowed = [y for k, y in enumerate(self.years) if y is not None and self.allowed[:, k].any()]
        return min(allowed) if allowed else None

    def ids(self, local: Iterable[int]) -> tuple[str, ...]:
        return tuple(self.towns.ids[self.eligible[j]] for j in sorted(local))

    def town(self, j: int) -> str:
        return self.towns.ids[self.eligible[j]]

    def value(self, chosen: Iterable[int], years: Mapping[int, int | None] | None = None) -> float:
        """The objective of a set of eligible towns (and years), computed directly."""
        chosen = list(chosen)
        index = {y: k for k, y in enumerate(self.years)}
        factor = [float(self.factor[index[years[j]]]) if years is not None and j in years
                  else 1.0 for j in chosen]
        top = math.fsum(self.weights[j] * f for j, f in zip(chosen, factor, strict=True))
        if self.denominators is None:
            return top
        bottom = math.fsum(self.denominators[j] for j in chosen)
        return top / bottom if bottom > 0 else -math.inf

    def reserve_applies(self) -> bool:
        """Is a reserve held back from the funding sources?"""
        s = self.scenario
        if not s.sources:
            return False
        if s.risk_reserve_amount is not None:
            return s.risk_reserve_amount > 0
        return s.risk_reserve_rate > 0 and (s.risk_reserve_of == "investment"
                                            or s.total_budget is not None)

    @property
    def per_year_flows(self) -> bool:
        """Must the model pay each budget year's spending separately?  Only when a source
        has an annual capacity: otherwise paying each category's spending over the whole
        calendar is the same condition (a year's share of each total pays that year), and
        the year-by-year financing is computed once the answer is known
        (:func:`evalkit.decide.selection.solve.finance`)."""
        return bool(self.calendar) and any(src.annual for src in self.scenario.sources)

    def flow_keys(self, per_year: bool | None = None) -> list[FlowKey]:
        """Every (category, source, year) a source may pay, in the scenario's order (year
        None: the whole calendar's, unless ``per_year``; default :attr:`per_year_flows`)."""
        s = self.scenario
        by_year = self.per_year_flows if per_year is None else per_year
        years: Sequence[int | None] = (self.calendar if by_year and self.calendar else (None,))
        return [(cat.id, src.id, t) for cat in s.categories for src in s.sources
                if cat.id in src.funds for t in years]


@dataclass
class Solution:
    status: str  # optimal | feasible
    chosen: frozenset[int]
    years: dict[int, int | None]
    flows: dict[FlowKey, float]
    reserve: dict[str, float]
    objective: float
    gap: float | None
    bound: float | None = None
    timing: float | None = None  # the timing rule's criterion (second-stage rules)


def check_against_table(towns: SelectionInput, scenario: Scenario, pick: int | None) -> None:
    known = set(towns.ids)
    sample = ", ".join(towns.ids[:8]) + (" …" if len(towns) > 8 else "")
    lists: list[tuple[str, Sequence[str]]] = [
        ("must_include", scenario.must_include), ("must_exclude", scenario.must_exclude),
        *((f"at_most_one_of.{g}", members) for g, members in scenario.groups.items()),
        ("tie_break.prefer", scenario.tie_break.prefer if scenario.tie_break else ()),
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
    rules = scenario.affordability
    if rules is not None and rules.checks_recurring:
        if towns.revenue is None or (rules.recurring_column and towns.recurring is None):
            raise scenario.error("the affordability check needs each town's own revenue and "
                                 "running cost", "build the SelectionInput from this scenario "
                                 "(SelectionInput.from_frame)", "affordability")
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
                  count: int | None, mode: str, picked: bool, as_of: date) -> Problem:
    objective = OBJECTIVES[scenario.objective]
    cats = scenario.categories
    cost = (np.column_stack([towns.costs[c.id][eligible] for c in cats]) if cats
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
    n = len(eligible)
    years: tuple[int | None, ...] = tuple(scenario.convert_in) if scenario.years else (None,)
    calendar = tuple(scenario.years)
    refused = tuple(y for y in years if y is not None and y < as_of.year
                    and scenario.before_as_of == "refuse")
    flagged = tuple(y for y in years if y is not None and y < as_of.year
                    and scenario.before_as_of == "flag")
    town_profiles = [towns.profiles[i] if towns.profiles is not None else None for i in eligible]
    spend = np.zeros((n, len(cats), len(years), len(calendar)))
    talent_by = np.zeros((n, len(years), len(calendar)))
    allowed = np.ones((n, len(years)), dtype=bool)
    need = np.asarray(towns.talent_need, dtype=float)[eligible]
    if calendar:
        default = scenario.profile
        groups: dict[tuple[Profile | None, ...], list[int]] = {}
        for j, own in enumerate(town_profiles):  # towns sharing profiles are filled together
            key = (own, *(c.profile for c in cats))
            groups.setdefault(key, []).append(j)
        for (own, *by_category), members in groups.items():
            rows = np.array(members)
            money = [own or c or default for c in by_category] or [own or default]
            talent_profile = scenario.talent_profile or own or default
            for k, y in enumerate(years):
                assert y is not None
                allowed[rows, k] = y not in refused and fits(y, money, calendar)
                for t, year in enumerate(calendar):
                    for c, profile in enumerate(money[:len(cats)]):
                        spend[rows, c, k, t] = cost[rows, c] * profile.share(year - y)
                    talent_by[rows, k, t] = need[rows] * talent_profile.cumulative(year - y)
    first = min((y for k, y in enumerate(years) if y is not None and allowed[:, k].any()),
                default=None)
    factor = np.ones(len(years))
    timing = scenario.timing_rule
    if timing is not None and timing.rule == "discounted" and first is not None:
        assert timing.discount is not None
        factor = np.array([timing.discount ** (y - first) if y is not None else 1.0
                           for y in years])
    recurring = retained = None
    rules = scenario.affordability
    if rules is not None and rules.checks_recurring:
        assert towns.revenue is not None and rules.retained_share is not None
        retained = rules.retained_share * towns.revenue[eligible]
        # the scenario says which: a column of the table, or a share of the capital cost
        recurring = (towns.recurring[eligible] if rules.recurring_column is not None
                     and towns.recurring is not None
                     else float(rules.recurring_share or 0.0) * total)
    problem = Problem(towns, scenario, eligible, count, mode, years, calendar, allowed, weights,
                      factor, denominators, must, cost, need, spend, talent_by, as_of, refused,
                      flagged, timing, recurring, retained, picked)
    problem.limits = limit_rows(problem, position)
    return problem


def limit_rows(p: Problem, position: Mapping[str, int]) -> list[Limit]:
    """Every limit of the scenario as a row, in the order the outputs list them."""
    s = p.scenario
    out: list[Limit] = []
    ones = np.ones(p.n)
    if p.count is not None:
        key = "pick" if p.picked else f"convert.{p.mode}"
        out.append(Limit("count", key, TOWNS, float(p.count),
                         "==" if p.mode == "exactly" else "<=", ones))
    for group, members in s.groups.items():
        coef = np.zeros(p.n)
        for town in members:
            if town in position:
                coef[position[town]] = 1.0
        out.append(Limit(f"group.{group}", f"at_most_one_of.{group}", TOWNS, 1.0, "<=", coef,
                         elastic=False))
    for k, cat in enumerate(s.categories):
        if cat.budget is not None:
            out.append(Limit(f"budget.{cat.id}", f"categories.{cat.id}.budget", MONEY,
                             cat.budget, "<=", p.cost[:, k]))
    if s.total_budget is not None:
        out.append(_total_row(p))
    for t, year in enumerate(p.calendar):
        limit = s.annual_limits.get(year)
        if limit is not None:
            out.append(Limit(f"budget.year.{year}", f"phasing.years.{year}", MONEY, limit, "<=",
                             p.spend[:, :, :, t].sum(axis=1), year=year))
    for k, cat in enumerate(s.categories):
        for t, year in enumerate(p.calendar):
            limit = cat.annual.get(year)
            if limit is not None:
                out.append(Limit(f"budget.{cat.id}.year.{year}",
                                 f"categories.{cat.id}.annual.{year}", MONEY, limit, "<=",
                                 p.spend[:, k, :, t], year=year))
    if s.talent_capacity is not None:
        out.append(Limit("talent", "talent.capacity", PERSONS, s.talent_capacity, "<=", p.talent))
    if s.talent_annual and p.calendar:
        hired = 0.0
        for t, year in enumerate(p.calendar):
            this = s.talent_annual.get(year, 0.0)
            if this is None:  # no limit from this year on
                break
            hired += this
            out.append(Limit(f"talent.by.{year}", f"talent.annual.{year}", PERSONS, hired, "<=",
                             p.talent_by[:, :, t], year=year))
    for src in s.sources:
        keys = [key for key in p.flow_keys() if key[1] == src.id]
        reserve = {src.id: 1.0} if p.reserve_applies() and src.id in s.reserve_holders() else {}
        out.append(Limit(f"source.{src.id}", f"sources.{src.id}.capacity", MONEY, src.capacity,
                         "<=", flows=dict.fromkeys(keys, 1.0), reserve=reserve))
    for src in s.sources:
        for year in p.calendar:
            limit = src.annual.get(year)
            if limit is not None:
                keys = [key for key in p.flow_keys() if key[1] == src.id and key[2] == year]
                out.append(Limit(f"source.{src.id}.year.{year}",
                                 f"sources.{src.id}.annual.{year}", MONEY, limit, "<=",
                                 flows=dict.fromkeys(keys, 1.0), year=year))
    if p.reserve_applies():
        out.append(_reserve_row(p))
    rules = s.affordability
    if rules is not None and rules.debt_sources and rules.debt_limit is not None:
        keys = [key for key in p.flow_keys() if key[1] in rules.debt_sources]
        out.append(Limit("debt", "affordability.debt.limit", MONEY, rules.debt_limit, "<=",
                         flows=dict.fromkeys(keys, 1.0)))
    if rules is not None and rules.enforced:
        out.extend(recurring_rows(p))
    return out


def _total_row(p: Problem) -> Limit:
    s = p.scenario
    assert s.total_budget is not None
    if s.risk_reserve_amount is not None:  # a fixed amount held back: added back as is
        return Limit("budget.total", "budget.total", MONEY, s.total_budget - s.risk_reserve_amount,
                     "<=", p.total, offset=s.risk_reserve_amount)
    if s.risk_reserve_of == "investment":  # the towns' cost and the reserve on it
        return Limit("budget.total", "budget.total", MONEY, s.total_budget, "<=",
                     p.total * (1.0 + s.risk_reserve_rate))
    return Limit("budget.total", "budget.total", MONEY, s.total_budget * (1 - s.risk_reserve_rate),
                 "<=", p.total, scale=1.0 / (1.0 - s.risk_reserve_rate))


def _reserve_row(p: Problem) -> Limit:
    """The reserve held back from the sources: Σ held ≥ the amount (fixed, or a rate of the
    chosen towns' investment); loosening it means a smaller reserve."""
    s = p.scenario
    held = dict.fromkeys(s.reserve_holders(), 1.0)
    if s.risk_reserve_amount is not None:
        return Limit("reserve", "budget.risk_reserve", MONEY, s.risk_reserve_amount, ">=",
                     reserve=held)
    if s.risk_reserve_of == "investment":
        return Limit("reserve", "budget.risk_reserve_rate", MONEY, 0.0, ">=",
                     -s.risk_reserve_rate * p.total, reserve=held, elastic=False)
    assert s.total_budget is not None
    if s.total_budget <= 0:  # nothing to hold yet; the diagnosis loosens the total instead
        return Limit("reserve", "budget.risk_reserve_rate", MONEY, 0.0, ">=", reserve=held,
                     elastic=False)
    return Limit("reserve", "budget.risk_reserve_rate", MONEY,
                 s.total_budget * s.risk_reserve_rate, ">=", reserve=held,
                 scale=1.0 / s.total_budget)


def recurring_rows(p: Problem) -> list[Limit]:
    """Running costs of the towns converted by each year against the revenue they keep."""
    assert p.recurring is not None and p.retained is not None
    rules = p.scenario.affordability
    assert rules is not None and rules.city_support is not None
    if not p.calendar:
        return [Limit("recurring", "affordability.city_support", MONEY, rules.city_support,
                      "<=", p.recurring, credit=p.retained)]
    out = []
    first = p.first_year
    for year in p.calendar:
        if first is None or year < first:
            continue
        by = np.array([y is not None and y <= year for y in p.years], dtype=float)
        out.append(Limit(f"recurring.{year}", "affordability.city_support", MONEY,
                         rules.city_support, "<=", np.outer(p.recurring, by),
                         credit=np.outer(p.retained, by), year=year))
    return out
