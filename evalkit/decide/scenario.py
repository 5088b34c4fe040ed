"""Selection scenarios: how many towns to convert, and under which limits.

A scenario file (YAML, ``--scenario F``) states the decision the city faces:

* ``convert``: ``{exactly: k}`` or ``{at_most: k}`` towns;
* ``objective``: a name from :data:`OBJECTIVES` (default ``closeness``), or
  ``{name: ..., <parameter>: <number>}``;
* ``categories``: each cost category, the candidate-table column holding each
  town's cost in it (亿元), its label and optionally its ``budget``;
* ``budget``: the programme ``total`` and the ``risk_reserve_rate`` set aside
  from it (the total that may be spent is ``total × (1 − rate)``);
* ``talent``: the table ``column`` with each town's talent gap and the
  ``capacity`` (recruits available);
* ``sources``: funding sources, each with a ``capacity`` (亿元) and the
  categories it ``funds`` (default: all); every cost must be paid by sources
  allowed to fund its category, and when several could pay they are drawn in
  the order listed;
* ``phasing``: the budget calendar ``years`` (year → annual limit, ``null`` for
  none), the ``spread`` of each town's cost over its conversion year and the
  years after it (shares summing to 1) and the years a town may be converted
  in (``convert_in``, default every year whose spread fits the calendar);
* ``must_include``, ``must_exclude``, ``at_most_one_of`` (named groups);
* ``standards`` (a standards file, default ``standards.yaml`` beside the
  scenario) and ``screens`` (rule or rule-set ids from it).

Every problem is an :class:`~evalkit.errors.InputError` naming the file, the
line, the key path and what to do.  Facts that need the candidate table (town
ids, the number of towns, the cost columns) are checked by
:func:`evalkit.decide.selection.select` against the same file and line.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from evalkit.decide.standards import Rule, Standards, load_standards
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

CountMode = Literal["exactly", "at_most"]


@dataclass(frozen=True)
class Objective:
    """One way to score a portfolio of towns.

    ``numerator(closeness, cost, params)`` gives each town's contribution; a
    *ratio* objective also has a ``denominator`` and is maximised exactly by
    Dinkelbach's method (a sequence of linear 0-1 problems), not linearised.
    """

    label: Mapping[str, str]
    formula: str
    numerator: Callable[[np.ndarray, np.ndarray, Mapping[str, float]], np.ndarray]
    denominator: Callable[[np.ndarray, np.ndarray, Mapping[str, float]], np.ndarray] | None = None
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None


OBJECTIVES: dict[str, Objective] = {
    "closeness": Objective(
        {"zh": "入选镇贴近度之和", "en": "Total closeness of the chosen towns"},
        "Σ C_i z_i",
        lambda closeness, cost, params: closeness,
    ),
    "closeness_per_cost": Objective(
        {"zh": "每亿元投入的贴近度", "en": "Closeness per 亿元 spent"},
        "Σ C_i z_i ÷ Σ cost_i z_i  (exact, by Dinkelbach's method)",
        lambda closeness, cost, params: closeness,
        lambda closeness, cost, params: cost,
    ),
    "closeness_minus_cost": Objective(
        {"zh": "贴近度减成本惩罚", "en": "Closeness minus λ × cost"},
        "Σ (C_i − λ cost_i) z_i",
        lambda closeness, cost, params: closeness - params["cost_weight"] * cost,
        params={"cost_weight": "λ, the closeness one 亿元 of cost is worth (≥ 0)"},
    ),
}
"""Registry of objectives a scenario may name; the first is the default."""


@dataclass(frozen=True)
class Category:
    """A cost category, the table column of each town's cost in it, and its budget."""

    id: str
    column: str
    label: Mapping[str, str]
    budget: float | None = None


@dataclass(frozen=True)
class FundingSource:
    """A source of money with its capacity (亿元) and the categories it may fund."""

    id: str
    capacity: float
    funds: tuple[str, ...]
    label: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario; ``lines`` maps key paths to their line in ``path``.

    :func:`load_scenario` checks everything it can without the candidate
    table; a scenario built in code (tests, other tools) is taken as given.
    Without ``years`` there is no phasing: towns get no conversion year.
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
    talent_column: str | None = None
    talent_capacity: float | None = None
    sources: tuple[FundingSource, ...] = ()
    years: tuple[int, ...] = ()
    annual_limits: Mapping[int, float | None] = field(default_factory=dict)
    convert_in: tuple[int, ...] = ()
    spread: tuple[float, ...] = (1.0,)
    must_include: tuple[str, ...] = ()
    must_exclude: tuple[str, ...] = ()
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    screens: tuple[Rule, ...] = ()
    standards: Standards | None = None
    lines: Mapping[str, int] = field(default_factory=dict, repr=False)

    @property
    def spendable_total(self) -> float | None:
        """The total that may be spent once the risk reserve is set aside."""
        if self.total_budget is None:
            return None
        return self.total_budget * (1.0 - self.risk_reserve_rate)

    @property
    def risk_reserve(self) -> float | None:
        """The amount set aside (亿元)."""
        if self.total_budget is None:
            return None
        return self.total_budget * self.risk_reserve_rate

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
    "screens",
)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; every problem names file, line and key path."""
    return _Reader(Path(path)).read()


class _Reader:
    """One pass over a scenario file; ``fail`` locates errors by key path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[str, int] = {}

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
        categories = self.categories(data)
        ids = [c.id for c in categories]
        count, mode = self.count(data)
        objective, params = self.objective(data)
        total, rate = self.budget(data)
        talent_column, talent_capacity = self.talent(data)
        sources = self.sources(data, ids)
        years, limits, convert_in, spread = self.phasing(data)
        include = self.id_list(data, "must_include")
        exclude = self.id_list(data, "must_exclude")
        for i, town in enumerate(include):
            if town in exclude:
                raise self.fail(f"town {town!r} is in both must_include and must_exclude",
                                "keep it in one of the two lists", f"must_include[{i}]")
        groups = self.groups(data)
        standards, screens = self.screens(data)
        label = self.label(data, "", {})
        return Scenario(
            path=self.path, name=str(data.get("name", self.path.stem)), label=dict(label),
            count=count, count_mode=mode, objective=objective, objective_params=params,
            categories=categories, total_budget=total, risk_reserve_rate=rate,
            talent_column=talent_column, talent_capacity=talent_capacity, sources=sources,
            years=years, annual_limits=limits, convert_in=convert_in, spread=spread,
            must_include=include, must_exclude=exclude, groups=groups, screens=screens,
            standards=standards, lines=dict(self.lines),
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
            check_keys(spec, ("column", "label", "budget"), key, self.path)
            column = spec.get("column")
            if not isinstance(column, str) or not column:
                raise self.fail(f"category {cat_id!r} needs the column of its costs",
                                f"add  column: cost_{cat_id}", f"{key}.column" if "column" in spec
                                else key)
            label = self.label(spec, key, {"en": str(cat_id)})
            budget = self.number(spec.get("budget"), f"{key}.budget", what=f"the {cat_id} budget",
                                 unit="亿元", allow_none=True)
            out.append(Category(str(cat_id), column, dict(label), budget))
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

    def budget(self, data: MappingNode) -> tuple[float | None, float]:
        node = self.mapping(data, "budget", ("total", "risk_reserve_rate"))
        if node is None:
            return None, 0.0
        total = self.number(node.get("total"), "budget.total", what="the total budget",
                            unit="亿元", allow_none=True)
        given = node.get("risk_reserve_rate", 0.0)
        rate = as_number(given)
        if rate is None or not 0 <= rate < 1:
            raise self.fail(f"risk_reserve_rate must be at least 0 and below 1, got {given!r}",
                            "write a share such as 0.05 for 5%", "budget.risk_reserve_rate")
        if rate > 0 and total is None:
            raise self.fail("a risk reserve needs a total budget to be set aside from",
                            "add  total: <亿元>  under budget", "budget.risk_reserve_rate")
        return total, float(rate)

    def talent(self, data: MappingNode) -> tuple[str | None, float | None]:
        node = self.mapping(data, "talent", ("column", "capacity"))
        if node is None:
            return None, None
        column = node.get("column", "talent_need")
        if not isinstance(column, str) or not column:
            raise self.fail(f"talent.column must be a column name, got {column!r}",
                            "write  column: talent_need", "talent.column")
        if "capacity" not in node:
            raise self.fail("talent needs a capacity (recruits available)",
                            "add  capacity: 200", "talent")
        capacity = self.number(node["capacity"], "talent.capacity", what="the talent capacity",
                               unit="persons")
        return column, capacity

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
            check_keys(spec, ("capacity", "funds", "label"), key, self.path)
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
            out.append(FundingSource(str(source_id), float(capacity),  # type: ignore[arg-type]
                                     tuple(dict.fromkeys(str(c) for c in funds)), dict(label)))
        for cat in categories:
            if out and not any(cat in s.funds for s in out):
                raise self.fail(f"no source may fund category {cat!r}",
                                f"add {cat} to the funds of at least one source", "sources")
        return tuple(out)

    def phasing(
        self, data: MappingNode
    ) -> tuple[tuple[int, ...], dict[int, float | None], tuple[int, ...], tuple[float, ...]]:
        node = self.mapping(data, "phasing", ("years", "spread", "convert_in"))
        if node is None:
            return (), {}, (), (1.0,)
        years_node = node.get("years")
        if not isinstance(years_node, MappingNode) or not years_node:
            raise self.fail("phasing needs years: each budget year and its annual limit",
                            "write  years: {2025: 50, 2026: 60}  (null for no limit)",
                            "phasing.years" if "years" in node else "phasing")
        limits: dict[int, float | None] = {}
        for year, limit in years_node.items():
            key = f"phasing.years.{year}"
            if isinstance(year, bool) or not isinstance(year, int):
                raise self.fail(f"a budget year must be a whole year such as 2025, got {year!r}",
                                "write the year without quotes", key)
            limits[year] = self.number(limit, key, what=f"the {year} limit", unit="亿元",
                                       allow_none=True)
        years = tuple(sorted(limits))
        for before, after in itertools.pairwise(years):
            if after != before + 1:
                raise self.fail(f"budget years must follow each other; {before + 1} is missing",
                                f"add  {before + 1}: null  (no limit) or a limit",
                                "phasing.years")
        spread_node = node.get("spread", [1.0])
        if not isinstance(spread_node, list) or not spread_node:
            raise self.fail("spread must list the share of a town's cost in its conversion year "
                            "and each year after it", "write e.g.  spread: [0.6, 0.4]",
                            "phasing.spread")
        spread = []
        for i, share in enumerate(spread_node):
            spread.append(self.number(share, f"phasing.spread[{i}]", what="a spread share"))
        total = math.fsum(spread)  # type: ignore[arg-type]
        if abs(total - 1.0) > 1e-9:
            raise self.fail(f"spread shares sum to {total:g}, not 1",
                            "make the shares of each year add up to 1 (e.g. [0.6, 0.4])",
                            "phasing.spread")
        fits = [y for y in years if y + len(spread) - 1 <= years[-1]]
        convert_node = node.get("convert_in")
        if convert_node is None:
            convert_in = fits
        else:
            if not isinstance(convert_node, list) or not convert_node:
                raise self.fail("convert_in must list conversion years",
                                f"write e.g.  convert_in: [{years[0]}]", "phasing.convert_in")
            convert_in = []
            for i, year in enumerate(convert_node):
                key = f"phasing.convert_in[{i}]"
                if not isinstance(year, int) or isinstance(year, bool) or year not in limits:
                    raise self.fail(f"conversion year {year!r} is not a budget year",
                                    f"use one of {', '.join(map(str, years))}, or add it to "
                                    "phasing.years", key)
                if year not in fits:
                    last = year + len(spread) - 1
                    raise self.fail(f"a town converted in {year} spends until {last}, after the "
                                    f"last budget year {years[-1]}",
                                    f"add the years up to {last} to phasing.years, or drop {year}",
                                    key)
                convert_in.append(year)
        if not convert_in:
            raise self.fail(f"no conversion year fits: a spread of {len(spread)} years does not "
                            f"fit in {years[0]}–{years[-1]}",
                            "add budget years or shorten the spread", "phasing.spread")
        return years, limits, tuple(dict.fromkeys(convert_in)), tuple(
            float(s) for s in spread  # type: ignore[arg-type]
        )

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
