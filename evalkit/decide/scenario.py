"""Selection scenarios: how many towns to convert, and under which limits.

A scenario file (YAML, ``--scenario F``) states the decision the city faces:

* ``convert``: ``{exactly: k}`` or ``{at_most: k}`` towns;
* ``objective``: a name from :data:`OBJECTIVES` (default ``closeness``), or
  ``{name: ..., <parameter>: <number>}``;
* ``categories``: each cost category, the candidate-table column holding each
  town's cost in it (亿元), its label and optionally its ``budget``;
* ``budget``: the programme ``total`` and the risk reserve held back from it
  and from the funding sources: a fixed ``risk_reserve`` (亿元) or a
  ``risk_reserve_rate`` of the total (``risk_reserve_of: total``, the default)
  or of the chosen towns' investment (``risk_reserve_of: investment``);
  ``reserve_from`` lists the sources that may hold it (default: any);
* ``talent``: the table ``column`` with each town's talent gap, the
  ``capacity`` (recruits available in all), the ``annual`` recruiting
  capacity by budget year (recruits hired early count later: the need by the
  end of each year is set against the recruits that can be hired by then) and
  the ``profile`` spreading a town's need over its years (default: the
  spending profile);
* ``sources``: funding sources, each with a ``capacity`` (亿元), the
  categories it ``funds`` (default: all) and optionally an ``annual``
  capacity by budget year; every cost must be paid by sources allowed to fund
  its category, and when several could pay they are drawn in the order listed;
* ``phasing``: the budget calendar, spending profiles, conversion years and
  what a year before the as-of date means (:mod:`evalkit.decide.phasing`); a
  category may have its own ``annual`` limits and ``profile``;
* ``timing``: how the years are valued (:mod:`evalkit.decide.timing`);
* ``affordability``: running costs, retained revenue and debt
  (:mod:`evalkit.decide.affordability`);
* ``must_include``, ``must_exclude``, ``at_most_one_of`` (named groups);
* ``standards`` (a standards file, default ``standards.yaml`` beside the
  scenario) and ``screens`` (rule or rule-set ids from it);
* ``tie_break``: which town to prefer in a near tie, and why
  (:mod:`evalkit.decide.tiebreak`).

Every problem is an :class:`~evalkit.errors.InputError` naming the file, the
line, the key path and what to do.  Facts that need the candidate table (town
ids, the number of towns, the cost columns) are checked by
:func:`evalkit.decide.selection.select` against the same file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from evalkit.decide.affordability import KEYS as AFFORDABILITY_KEYS
from evalkit.decide.affordability import Affordability, read_affordability
from evalkit.decide.objectives import OBJECTIVES
from evalkit.decide.phasing import Profile, read_annual, read_phasing, read_profile
from evalkit.decide.planlinks import KEYS as PLAN_KEYS
from evalkit.decide.planlinks import PlanLink, read_plan_links
from evalkit.decide.standards import Rule, Standards, load_standards
from evalkit.decide.tiebreak import KEYS as TIE_BREAK_KEYS
from evalkit.decide.tiebreak import TieBreak, read_tie_break
from evalkit.decide.timing import DEFAULT_TIMING, Timing, read_timing
from evalkit.decide.timing import KEYS as TIMING_KEYS
from evalkit.errors import InputError
from evalkit.io.numbers import as_number
from evalkit.io.yamlfile import (
    MappingNode,
    check_keys,
    line_of,
    load_yaml,
    mapping_node,
    read_label,
    record_lines,
)
from evalkit.model.plan import Plan

CountMode = Literal["exactly", "at_most"]


@dataclass(frozen=True)
class Category:
    """A cost category, the table column of each town's cost in it, its budget, its annual
    limits (budget year → 亿元) and its own spending profile (None: the scenario's)."""

    id: str
    column: str
    label: Mapping[str, str]
    budget: float | None = None
    annual: Mapping[int, float | None] = field(default_factory=dict)
    profile: Profile | None = None


@dataclass(frozen=True)
class FundingSource:
    """A source of money with its capacity (亿元), the categories it may fund and its annual
    capacity (budget year → 亿元; none given: no annual limit)."""

    id: str
    capacity: float
    funds: tuple[str, ...]
    label: Mapping[str, str] = field(default_factory=dict)
    annual: Mapping[int, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario; ``lines`` maps key paths to their line in ``path``.

    :func:`load_scenario` checks everything it can without the candidate
    table; a scenario built in code (tests, other tools) is taken as given.
    Without ``years`` there is no phasing: towns get no conversion year.
    ``spread`` holds the spending profile's shares from offset ``spread_from``
    (−1: the year before conversion).  ``as_of`` is the day the decision is
    made (None: today, when the selection runs); ``before_as_of`` says whether
    a conversion year before it is refused or allowed and flagged.
    """

    path: Path | None = None
    name: str = "scenario"
    label: Mapping[str, str] = field(default_factory=dict)
    count: int | None = None
    count_mode: CountMode = "at_most"
    objective: str = "closeness"
    objective_params: Mapping[str, float] = field(default_factory=dict)
    categories: tuple[Category, ...] = ()
    total_budget: float | None = None
    risk_reserve_rate: float = 0.0
    risk_reserve_amount: float | None = None
    risk_reserve_of: str = "total"
    reserve_from: tuple[str, ...] = ()
    talent_column: str | None = None
    talent_capacity: float | None = None
    talent_annual: Mapping[int, float | None] = field(default_factory=dict)
    talent_profile: Profile | None = None
    sources: tuple[FundingSource, ...] = ()
    years: tuple[int, ...] = ()
    annual_limits: Mapping[int, float | None] = field(default_factory=dict)
    convert_in: tuple[int, ...] = ()
    spread: tuple[float, ...] = (1.0,)
    spread_from: int = 0
    profile_column: str | None = None
    before_as_of: str = "refuse"
    as_of: date | None = None
    must_include: tuple[str, ...] = ()
    must_exclude: tuple[str, ...] = ()
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    screens: tuple[Rule, ...] = ()
    standards: Standards | None = None
    tie_break: TieBreak | None = None
    plan: Plan | None = None
    plan_links: tuple[PlanLink, ...] = ()
    timing: Timing | None = None
    affordability: Affordability | None = None
    lines: Mapping[str, int] = field(default_factory=dict, repr=False)

    @property
    def profile(self) -> Profile:
        """The default spending profile: ``spread`` from offset ``spread_from``."""
        return Profile(self.spread_from, tuple(self.spread))

    @property
    def timing_rule(self) -> Timing | None:
        """The timing rule in force: the scenario's, the default with phasing, else None."""
        if self.timing is not None:
            return self.timing
        return DEFAULT_TIMING if self.years else None

    @property
    def spendable_total(self) -> float | None:
        """The total that may be spent once a fixed reserve, or a reserve rate of the total,
        is set aside (a rate of investment is held back in the limit itself)."""
        if self.total_budget is None:
            return None
        if self.risk_reserve_amount is not None:
            return self.total_budget - self.risk_reserve_amount
        if self.risk_reserve_of == "investment":
            return self.total_budget
        return self.total_budget * (1.0 - self.risk_reserve_rate)

    @property
    def risk_reserve(self) -> float | None:
        """The fixed amount set aside (亿元); None when it is a rate of the investment (the
        selection reports the amount its towns need held back)."""
        if self.risk_reserve_amount is not None:
            return self.risk_reserve_amount
        if self.risk_reserve_of == "investment":
            return None
        if self.total_budget is None:
            return None
        return self.total_budget * self.risk_reserve_rate

    def reserve_holders(self) -> tuple[str, ...]:
        """The sources that may hold the reserve (every source unless listed)."""
        return self.reserve_from or tuple(s.id for s in self.sources)

    def line(self, key: str) -> int | None:
        """Line of a key path such as ``budget.total`` or ``must_include[1]``.

        A key that is not in the file (a default) gives the line of the
        nearest enclosing key that is, or ``None``.
        """
        while key:
            if key in self.lines:
                return self.lines[key]
            cut = max(key.rfind("."), key.rfind("["))
            key = key[:cut] if cut > 0 else ""
        return None

    def error(self, what: str, hint: str, key: str | None = None) -> InputError:
        """An :class:`InputError` located at ``key`` of this scenario file."""
        return InputError(what, hint, file=self.path, row=self.line(key) if key else None,
                          column=key)


_TOP_KEYS = (
    "name", "label", "description", "convert", "objective", "categories", "budget", "talent",
    "sources", "phasing", "must_include", "must_exclude", "at_most_one_of", "standards",
    "screens", *PLAN_KEYS, *TIE_BREAK_KEYS, *TIMING_KEYS, *AFFORDABILITY_KEYS,
)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; every problem names file, line and key path."""
    return _Reader(Path(path)).read()


class _Reader:
    """One pass over a scenario file; ``fail`` locates errors by key path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[str, int] = {}
        self.calendar: tuple[int, ...] = ()

    def fail(self, what: str, hint: str, key: str, node: Any = None, sub: Any = None) -> InputError:
        row = line_of(node, sub) if node is not None else self.lines.get(key)
        return InputError(what, hint, file=self.path, row=row, column=key)

    def label(self, node: Any, key: str, default: dict[str, str]) -> dict[str, str]:
        """``node``'s label (``key`` names the node in errors), or ``default`` if it has none."""
        if "label" not in node:
            return default
        return read_label(node["label"], file=self.path, row=line_of(node, "label"),
                          column=f"{key}.label" if key else "label")

    def read(self) -> Scenario:
        data = load_yaml(self.path, what="scenario file")
        if data is None:
            data = mapping_node(line=1)
        if not isinstance(data, MappingNode):
            raise InputError("a scenario file must be a mapping of keys such as convert, budget",
                             "see criteria/scenario.yaml for an example", file=self.path, row=1)
        record_lines(data, "", self.lines)
        check_keys(data, _TOP_KEYS, "", self.path)
        phasing_node = data.get("phasing")
        if phasing_node is not None and not isinstance(phasing_node, MappingNode):
            raise self.fail("phasing must be a mapping", "write  phasing: {years: {2026: null}}",
                            "phasing")
        phasing = read_phasing(phasing_node, self.fail, self.number, self.path)
        self.calendar = phasing.years if phasing else ()
        categories = self.categories(data)
        ids = [c.id for c in categories]
        count, mode = self.count(data)
        objective, params = self.objective(data)
        sources = self.sources(data, ids)
        total, rate, amount, basis, holders = self.budget(data, [s.id for s in sources])
        talent_column, talent_capacity, talent_annual, talent_profile = self.talent(data)
        include = self.id_list(data, "must_include")
        exclude = self.id_list(data, "must_exclude")
        for i, town in enumerate(include):
            if town in exclude:
                raise self.fail(f"town {town!r} is in both must_include and must_exclude",
                                "keep it in one of the two lists", f"must_include[{i}]")
        groups = self.groups(data)
        standards, screens = self.screens(data)
        label = self.label(data, "", {})
        plan, links = read_plan_links(data, self.path)
        tie_break = read_tie_break(data, self.path)
        timing = read_timing(data, self.path)
        if timing is not None and phasing is None:
            raise self.fail("a timing rule needs phasing: without conversion years there is "
                            "no schedule to value", "add  phasing: {years: {...}}, or remove "
                            "timing", "timing")
        affordability = read_affordability(data, [s.id for s in sources], self.fail, self.number,
                                           self.path)
        return Scenario(
            path=self.path, name=str(data.get("name", self.path.stem)), label=dict(label),
            count=count, count_mode=mode, objective=objective, objective_params=params,
            categories=categories, total_budget=total, risk_reserve_rate=rate,
            risk_reserve_amount=amount, risk_reserve_of=basis, reserve_from=holders,
            plan=plan, plan_links=links,
            talent_column=talent_column, talent_capacity=talent_capacity,
            talent_annual=talent_annual, talent_profile=talent_profile, sources=sources,
            years=phasing.years if phasing else (),
            annual_limits=phasing.limits if phasing else {},
            convert_in=phasing.convert_in if phasing else (),
            spread=phasing.profile.shares if phasing else (1.0,),
            spread_from=phasing.profile.start if phasing else 0,
            profile_column=phasing.profile_column if phasing else None,
            before_as_of=phasing.before_as_of if phasing else "refuse",
            must_include=include, must_exclude=exclude, groups=groups, screens=screens,
            standards=standards, tie_break=tie_break, timing=timing,
            affordability=affordability, lines=dict(self.lines),
        )

    # --- sections -------------------------------------------------------------

    def number(self, value: Any, key: str, *, what: str, unit: str = "", minimum: float = 0.0,
               allow_none: bool = False) -> float | None:
        """A finite number ≥ ``minimum``; ``None`` allowed when ``allow_none``."""
        if value is None and allow_none:
            return None
        number = as_number(value)
        if number is None:
            none = " or null for no limit" if allow_none else ""
            raise self.fail(f"{what} must be a number, got {value!r}",
                            f"write a number{' in ' + unit if unit else ''}{none}", key)
        if number < minimum:
            adjective = "negative" if minimum == 0 else f"below {minimum:g}"
            raise self.fail(f"{what} must not be {adjective} (got {number:g})",
                            f"give a number ≥ {minimum:g}{' ' + unit if unit else ''}"
                            + (", or null for no limit" if allow_none else ""), key)
        return number

    def mapping(self, data: MappingNode, key: str, allowed: tuple[str, ...]) -> MappingNode | None:
        node = data.get(key.rpartition(".")[2])
        if node is None:
            return None
        if not isinstance(node, MappingNode):
            raise self.fail(f"{key} must be a mapping", f"write  {key.rpartition('.')[2]}: "
                            f"{{{', '.join(allowed[:2])}, ...}}", key)
        check_keys(node, allowed, key, self.path)
        return node

    def categories(self, data: MappingNode) -> tuple[Category, ...]:
        node = data.get("categories")
        if node is None:
            raise self.fail("the scenario has no 'categories'",
                            "map each cost category to its column, e.g.  categories: "
                            "{infrastructure: {column: cost_infrastructure}}", "categories",
                            data, "categories")
        if not isinstance(node, MappingNode) or not node:
            raise self.fail("categories must map each category id to its column",
                            "write  infrastructure: {column: cost_infrastructure, budget: 90}",
                            "categories")
        out = []
        for cat_id, spec in node.items():
            key = f"categories.{cat_id}"
            if not isinstance(spec, MappingNode):
                raise self.fail(f"category {cat_id!r} must be a mapping with its column",
                                f"write  {cat_id}: {{column: cost_{cat_id}}}", key)
            check_keys(spec, ("column", "label", "budget", "annual", "profile"), key, self.path)
            column = spec.get("column")
            if not isinstance(column, str) or not column:
                raise self.fail(f"category {cat_id!r} needs the column of its costs",
                                f"add  column: cost_{cat_id}", f"{key}.column" if "column" in spec
                                else key)
            label = self.label(spec, key, {"en": str(cat_id)})
            budget = self.number(spec.get("budget"), f"{key}.budget", what=f"the {cat_id} budget",
                                 unit="亿元", allow_none=True)
            annual = read_annual(spec.get("annual"), f"{key}.annual", self.calendar, self.fail,
                                 self.number, "亿元")
            profile = (read_profile(spec["profile"], f"{key}.profile", self.fail, self.number)
                       if "profile" in spec else None)
            if profile is not None and not self.calendar:
                raise self.fail("a category profile needs phasing", "add  phasing: {years: ...}",
                                f"{key}.profile")
            out.append(Category(str(cat_id), column, dict(label), budget, annual, profile))
        return tuple(out)

    def count(self, data: MappingNode) -> tuple[int | None, CountMode]:
        node = self.mapping(data, "convert", ("exactly", "at_most"))
        if node is None:
            return None, "at_most"
        if len(node) != 1:
            raise self.fail("convert needs exactly one of 'exactly' and 'at_most'",
                            "write  convert: {exactly: 3}  or  convert: {at_most: 3}", "convert")
        mode, k = next(iter(node.items()))
        key = f"convert.{mode}"
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise self.fail(f"the number of towns to convert must be a whole number ≥ 1, got {k!r}",
                            f"write e.g.  {mode}: 3", key)
        return k, mode

    def objective(self, data: MappingNode) -> tuple[str, dict[str, float]]:
        spec = data.get("objective", next(iter(OBJECTIVES)))
        if isinstance(spec, MappingNode):
            name, key = spec.get("name"), "objective.name" if "name" in spec else "objective"
        else:
            name, key = spec, "objective"
        if not isinstance(name, str) or name not in OBJECTIVES:
            raise self.fail(f"unknown objective {name!r}", f"use one of: {', '.join(OBJECTIVES)}",
                            key)
        wanted = OBJECTIVES[name].params
        given = spec if isinstance(spec, MappingNode) else {}
        if isinstance(spec, MappingNode):
            check_keys(spec, ("name", *wanted), "objective", self.path)
        params: dict[str, float] = {}
        for param, meaning in wanted.items():
            if param not in given:
                raise self.fail(f"objective {name!r} needs {param!r} ({meaning})",
                                f"write  objective: {{name: {name}, {param}: <number>}}",
                                "objective")
            value = self.number(given[param], f"objective.{param}", what=param)
            params[param] = float(value)  # type: ignore[arg-type]
        return str(name), params

    def budget(self, data: MappingNode, sources: list[str]
               ) -> tuple[float | None, float, float | None, str, tuple[str, ...]]:
        node = self.mapping(data, "budget", ("total", "risk_reserve_rate", "risk_reserve",
                                             "risk_reserve_of", "reserve_from"))
        if node is None:
            return None, 0.0, None, "total", ()
        total = self.number(node.get("total"), "budget.total", what="the total budget",
                            unit="亿元", allow_none=True)
        if "risk_reserve" in node and "risk_reserve_rate" in node:
            raise self.fail("give the risk reserve either as an amount or as a rate, not both",
                            "keep  risk_reserve: <亿元>  or  risk_reserve_rate: <share>",
                            "budget.risk_reserve")
        basis = node.get("risk_reserve_of", "total")
        if basis not in ("total", "investment"):
            raise self.fail(f"risk_reserve_of must be total or investment, got {basis!r}",
                            "total: a rate of the programme total; investment: a rate of what "
                            "the chosen towns cost", "budget.risk_reserve_of")
        if "risk_reserve_of" in node and "risk_reserve_rate" not in node:
            raise self.fail("risk_reserve_of applies to a risk_reserve_rate",
                            "add  risk_reserve_rate: <share>, or remove risk_reserve_of",
                            "budget.risk_reserve_of")
        holders = self.id_list(node, "reserve_from")
        for i, source in enumerate(holders):
            if source not in sources:
                raise self.fail(f"reserve_from names unknown source {source!r}",
                                f"use one of the sources: {', '.join(sources) or '(none given)'}",
                                f"budget.reserve_from[{i}]")
        amount: float | None = None
        if "risk_reserve" in node:
            amount = self.number(node["risk_reserve"], "budget.risk_reserve",
                                 what="the risk reserve", unit="亿元")
            if total is None:
                raise self.fail("a risk reserve needs a total budget to be set aside from",
                                "add  total: <亿元>  under budget", "budget.risk_reserve")
            assert amount is not None
            if amount >= total:
                raise self.fail(f"the risk reserve {amount:g} leaves nothing of the total "
                                f"{total:g} to spend", "make the reserve smaller than the total",
                                "budget.risk_reserve")
            return total, 0.0, amount, "total", holders
        given = node.get("risk_reserve_rate", 0.0)
        rate = as_number(given)
        if rate is None or not 0 <= rate < 1:
            raise self.fail(f"risk_reserve_rate must be at least 0 and below 1, got {given!r}",
                            "write a share such as 0.05 for 5%", "budget.risk_reserve_rate")
        if rate > 0 and total is None and basis == "total":
            raise self.fail("a risk reserve needs a total budget to be set aside from",
                            "add  total: <亿元>  under budget", "budget.risk_reserve_rate")
        return total, float(rate), None, str(basis), holders

    def talent(self, data: MappingNode) -> tuple[str | None, float | None,
                                                  dict[int, float | None], Profile | None]:
        node = self.mapping(data, "talent", ("column", "capacity", "annual", "profile"))
        if node is None:
            return None, None, {}, None
        column = node.get("column", "talent_need")
        if not isinstance(column, str) or not column:
            raise self.fail(f"talent.column must be a column name, got {column!r}",
                            "write  column: talent_need", "talent.column")
        if "capacity" not in node:
            raise self.fail("talent needs a capacity (recruits available)",
                            "add  capacity: 200", "talent")
        capacity = self.number(node["capacity"], "talent.capacity", what="the talent capacity",
                               unit="persons")
        annual = read_annual(node.get("annual"), "talent.annual", self.calendar, self.fail,
                             self.number, "persons")
        profile = (read_profile(node["profile"], "talent.profile", self.fail, self.number)
                   if "profile" in node else None)
        if profile is not None and not self.calendar:
            raise self.fail("a talent profile needs phasing", "add  phasing: {years: ...}",
                            "talent.profile")
        return column, capacity, annual, profile

    def sources(self, data: MappingNode, categories: list[str]) -> tuple[FundingSource, ...]:
        node = data.get("sources")
        if node is None:
            return ()
        if not isinstance(node, MappingNode):
            raise self.fail("sources must map each source id to its capacity and categories",
                            "write  grants: {capacity: 40, funds: [infrastructure]}", "sources")
        out = []
        for source_id, spec in node.items():
            key = f"sources.{source_id}"
            if not isinstance(spec, MappingNode):
                raise self.fail(f"source {source_id!r} must be a mapping",
                                "write  {capacity: 40, funds: [infrastructure]}", key)
            check_keys(spec, ("capacity", "funds", "label", "annual"), key, self.path)
            if "capacity" not in spec:
                raise self.fail(f"source {source_id!r} has no capacity", "add  capacity: <亿元>",
                                key)
            capacity = self.number(spec["capacity"], f"{key}.capacity",
                                   what=f"the capacity of {source_id}", unit="亿元")
            funds = spec.get("funds", categories)
            if not isinstance(funds, list) or not funds:
                raise self.fail(f"source {source_id!r}: funds must list categories",
                                f"write  funds: [{', '.join(categories)}]", f"{key}.funds")
            for i, cat in enumerate(funds):
                if cat not in categories:
                    raise self.fail(f"source {source_id!r} may fund unknown category {cat!r}",
                                    f"use one of the categories: {', '.join(categories)}",
                                    f"{key}.funds[{i}]")
            label = self.label(spec, key, {"en": str(source_id)})
            annual = read_annual(spec.get("annual"), f"{key}.annual", self.calendar, self.fail,
                                 self.number, "亿元")
            out.append(FundingSource(str(source_id), float(capacity),  # type: ignore[arg-type]
                                     tuple(dict.fromkeys(str(c) for c in funds)), dict(label),
                                     annual))
        for cat in categories:
            if out and not any(cat in s.funds for s in out):
                raise self.fail(f"no source may fund category {cat!r}",
                                f"add {cat} to the funds of at least one source", "sources")
        return tuple(out)

    def id_list(self, data: MappingNode, key: str) -> tuple[str, ...]:
        node = data.get(key, [])
        if node is None:
            return ()
        if not isinstance(node, list):
            raise self.fail(f"{key} must be a list of town ids", f"write  {key}: [T1, T2]", key)
        out = []
        for i, town in enumerate(node):
            if not isinstance(town, str | int) or isinstance(town, bool):
                raise self.fail(f"{key} must hold town ids, got {town!r}",
                                "write the ids as in the candidate table's id column",
                                f"{key}[{i}]")
            out.append(str(town))
        return tuple(out)

    def groups(self, data: MappingNode) -> dict[str, tuple[str, ...]]:
        node = data.get("at_most_one_of")
        if node is None:
            return {}
        if not isinstance(node, MappingNode):
            raise self.fail("at_most_one_of must map a group name to its towns",
                            "write  at_most_one_of: {river_towns: [T2, T4]}", "at_most_one_of")
        out = {}
        for name in node:
            members = self.id_list(node, str(name)) if isinstance(node[name], list) else None
            key = f"at_most_one_of.{name}"
            if members is None or len(members) < 2:
                raise self.fail(f"group {name!r} must list at least two town ids",
                                "write  [T2, T4]", key)
            out[str(name)] = members
        return out

    def screens(self, data: MappingNode) -> tuple[Standards | None, tuple[Rule, ...]]:
        names = data.get("screens", [])
        if names is None:
            names = []
        if not isinstance(names, list):
            raise self.fail("screens must list rule or rule-set ids from the standards file",
                            "write  screens: [local_district_readiness]", "screens")
        file = data.get("standards")
        if file is None and not names:
            return None, ()
        if file is not None and (not isinstance(file, str) or not file):
            raise self.fail(f"standards must be a file name, got {file!r}",
                            "write  standards: standards.yaml", "standards")
        standards_path = self.path.parent / (file or "standards.yaml")
        standards = load_standards(standards_path)
        for i, name in enumerate(names):
            if not isinstance(name, str) or (name not in standards.rules
                                             and name not in standards.rule_sets):
                raise self.fail(f"screen {name!r} is not a rule or rule set of {standards_path}",
                                f"use one of: {', '.join(standards.names())}", f"screens[{i}]")
        return standards, standards.resolve([str(n) for n in names])
