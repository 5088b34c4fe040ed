"""Criteria sets: the indicator system, read from a YAML file.

A criteria set names its indicator families and indicators (labels in
Chinese and English, unit, direction, family, value source), how they are
weighted and how towns are ranked.  See ``criteria/default.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.numbers import as_number
from evalkit.io.yamlfile import MappingNode, SequenceNode, line_of, load_yaml, read_label
from evalkit.methods.matrix import DIRECTIONS, hierarchy
from evalkit.methods.registry import (
    EXTRA_CHECKS,
    NORMALIZATIONS,
    TOPSIS_DISTANCES,
    WEIGHTING_METHODS,
)
from evalkit.methods.specs import RankingSpec, WeightingSpec, check_weighting
from evalkit.model.derive import SOURCE_KINDS, Source, parse_source

MAX_INDICATORS = 300
"""Most indicators a criteria set may have (published systems have 10 to 60)."""
MAX_FAMILIES = 30
"""Most indicator families (an AHP matrix beyond 15 items has no published RI)."""
MAX_DEPTH = 6
"""Most levels of families above an indicator (a family, its sub-families, theirs...)."""

TOP_KEYS = {
    "name", "version", "label", "city", "families", "indicators",
    "weighting", "ranking", "signed_columns", "columns",
}
FAMILY_KEYS = {"id", "label", "note", "parent"}
INDICATOR_KEYS = {"id", "label", "unit", "family", "direction", "scale", "note"}
WEIGHTING_KEYS = {
    "method", "standardization", "shift", "weights", "judgments", "priority", "ri_table",
    "threshold", "allow_inconsistent", "alpha", "combination", "objective",
    "completion", "aggregation", "correlation", "conflict",
}


@dataclass(frozen=True)
class Label:
    """A bilingual label."""

    zh: str
    en: str

    def __call__(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Family:
    """A group of indicators, such as 经济实力 (economic weight).

    ``parent`` is the family a sub-family belongs to (``None`` for a family of
    the first level): a hierarchy may have sub-families at any depth, each
    weighted within its parent.
    """

    id: str
    label: Label
    parent: str | None = None


@dataclass(frozen=True)
class Indicator:
    """One criterion: what it measures, which way is better, where it comes from."""

    id: str
    label: Label
    unit: str
    family: str
    direction: str
    source: Source
    groups: tuple[str, ...] = ()
    """The families from the first level down to the one the indicator is in, when
    that is a sub-family (``("infrastructure", "utilities")``); empty otherwise."""

    @property
    def sign(self) -> int:
        """+1 for a benefit indicator, −1 for a cost indicator."""
        return DIRECTIONS[self.direction]


@dataclass(frozen=True)
class CriteriaSet:
    """A complete, validated indicator system."""

    name: str
    version: str
    label: Label
    families: tuple[Family, ...]
    indicators: tuple[Indicator, ...]
    weighting: WeightingSpec
    ranking: RankingSpec
    city: Mapping[str, Any] = field(default_factory=dict)
    signed_columns: frozenset[str] = frozenset()
    path: Path | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    """``columns:``: the header the analyst's table uses for an evalkit column
    (``{id: 乡镇代码, pop_2022: 2022年常住人口}``), passed to the table reader."""
    subfamilies: tuple[Family, ...] = ()
    """Families below the first level, each with its ``parent``, in file order."""

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(ind.id for ind in self.indicators)

    def family(self, family_id: str) -> Family:
        """A family or a sub-family by its id."""
        return next(f for f in (*self.families, *self.subfamilies) if f.id == family_id)

    def place(self, indicator: Indicator, lang: str = "zh") -> str:
        """The sub-families an indicator sits in, as a prefix: ``"市政设施 › "`` (``""``
        when it is directly in a first-level family)."""
        return "".join(f"{self.family(g).label(lang)} › " for g in indicator.groups[1:])

    def judgment_groups(self) -> dict[str, tuple[str, ...]]:
        """What is compared within each family and sub-family: its sub-families and
        indicators, families first-level first (:func:`~evalkit.methods.matrix.hierarchy`)."""
        return hierarchy(self.indicators, tuple(f.id for f in self.families))

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def members(self, family_id: str) -> tuple[Indicator, ...]:
        """The indicators of one family, in file order."""
        return tuple(i for i in self.indicators if i.family == family_id)

    def columns(self) -> tuple[str, ...]:
        """Every candidate-table column the indicators read, in first-use order."""
        seen: dict[str, None] = {}
        for indicator in self.indicators:
            for column in indicator.source.columns():
                seen.setdefault(column, None)
        return tuple(seen)


def load_criteria(path: str | Path) -> CriteriaSet:
    """Read and validate a criteria-set YAML file."""
    path = Path(path)
    data = load_yaml(path, what="criteria file", list_limits={
        "indicators": (MAX_INDICATORS, lambda count, line: too_many_indicators(path, count, line))})
    return _Parser(path).parse(data)


def too_many_indicators(path: Path, count: int, line: int | None) -> InputError:
    """The error for a criteria file of more than :data:`MAX_INDICATORS` indicators."""
    return InputError(f"{count} indicators, more than {MAX_INDICATORS}",
                      "keep the indicators that matter for the decision", file=path, row=line,
                      column="indicators")


class _Parser:
    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, what: str, hint: str, container: Any = None, key: Any = None,
              keypath: str | None = None) -> InputError:
        row = line_of(container, key) if container is not None else None
        return InputError(what, hint, file=self.path, row=row, column=keypath)

    def parse(self, data: Any) -> CriteriaSet:
        if not isinstance(data, MappingNode):
            raise self.error("a criteria file must be a mapping with families and indicators",
                             "start from criteria/default.yaml")
        for key in data:
            if key not in TOP_KEYS:
                raise self.error(f"unknown key {key!r}", f"use one of {', '.join(sorted(TOP_KEYS))}",
                                 data, key, str(key))
        for key in ("name", "families", "indicators"):
            if key not in data:
                raise self.error(f"missing {key!r}", f"add {key}: to the file", data, None, key)
        every = self.families(data["families"], data)
        chains = _chains(every)
        indicators = self.indicators(data["indicators"], chains, data)
        used = {g for i in indicators for g in (i.groups or (i.family,))}
        for index, family in enumerate(every):
            if family.id not in used:
                raise self.error(f"family {family.id!r} has no indicators",
                                 "add indicators to it or remove it",
                                 data["families"], index, f"families[{index}]")
        for key in ("name", "version"):
            if (key in data and not isinstance(data[key], str | int | float)) \
                    or isinstance(data.get(key), bool):
                raise self.error(f"{key} must be text, got {data[key]!r}",
                                 f'write {key}: "..."', data, key, key)
        signed = data.get("signed_columns", [])
        if not isinstance(signed, list) or not all(isinstance(c, str) for c in signed):
            raise self.error("signed_columns must be a list of column names",
                             "write signed_columns: [col_a, col_b]", data, "signed_columns",
                             "signed_columns")
        return CriteriaSet(
            name=str(data["name"]),
            version=str(data.get("version", "")),
            label=self.label(data.get("label", data["name"]), data, "label", "label"),
            families=tuple(f for f in every if f.parent is None),
            indicators=indicators,
            weighting=self.weighting(data.get("weighting", {}), data, indicators),
            ranking=self.ranking(data.get("ranking", {}), data),
            city=self.city(data.get("city"), data),
            signed_columns=frozenset(signed),
            path=self.path,
            headers=self.headers(data.get("columns"), data),
            subfamilies=tuple(f for f in every if f.parent is not None),
        )

    def headers(self, block: Any, parent: Any) -> dict[str, str]:
        """``columns:``: evalkit column id → the header of the analyst's table."""
        if block is None:
            return {}
        if not isinstance(block, Mapping):
            raise self.error("columns must map evalkit's column names to your table's headers",
                             "write columns: {id: 乡镇代码, pop_2022: 2022年常住人口}", parent,
                             "columns", "columns")
        out: dict[str, str] = {}
        for key, value in block.items():
            if not isinstance(key, str) or not key.strip():
                raise self.error(f"a key of columns is {key!r}, not a column name",
                                 "write the column name evalkit uses, e.g. pop_2022", block, key,
                                 "columns")
            if not isinstance(value, str) or not value.strip():
                raise self.error(f"columns.{key} must be the header text of your table, got "
                                 f"{value!r}", f"write e.g. columns: {{{key}: 2022年常住人口}}",
                                 block, key, f"columns.{key}")
            if value.strip() in out.values():
                other = next(k for k, v in out.items() if v == value.strip())
                raise self.error(f"columns.{key} and columns.{other} both name the header "
                                 f"{value.strip()!r}", "give each column its own header", block,
                                 key, f"columns.{key}")
            out[key] = value.strip()
        return out

    def city(self, block: Any, parent: Any) -> dict[str, Any]:
        """The city block: its name as a label, and the city's own figures as numbers."""
        if block is None:
            return {}
        if not isinstance(block, Mapping):
            raise self.error("city must be a mapping such as {name: 示例市, gdp: 850}",
                             "write city: {name: {zh: 示例市, en: Sample City}}", parent, "city",
                             "city")
        out: dict[str, Any] = {}
        for key, value in block.items():
            if not isinstance(key, str):
                raise self.error(f"a key of city is {key!r}, not a word", "write keys as words",
                                 block, key, "city")
            if key == "name":
                out[key] = read_label(value, file=self.path, row=line_of(block, key),
                                      column="city.name")
            elif isinstance(value, str) and value.strip():
                out[key] = value
            elif (number := as_number(value)) is not None:
                out[key] = number
            else:
                raise self.error(f"city.{key} must be text or a number, got {value!r}",
                                 f"write e.g. city: {{{key}: 850}}", block, key, f"city.{key}")
        return out

    def label(self, value: Any, container: Any, key: Any, keypath: str) -> Label:
        text = read_label(value, file=self.path, row=line_of(container, key), column=keypath,
                          require="zh")
        return Label(text["zh"], text.get("en", text["zh"]))

    def families(self, items: Any, parent: Any) -> tuple[Family, ...]:
        if not isinstance(items, SequenceNode) or not items:
            raise self.error("families must be a non-empty list", "list the indicator families",
                             parent, "families", "families")
        top = sum(1 for item in items if not (isinstance(item, Mapping) and "parent" in item))
        if top > MAX_FAMILIES or len(items) > MAX_INDICATORS:
            raise self.error(f"{top} families of the first level and {len(items)} in all, more "
                             f"than {MAX_FAMILIES} and {MAX_INDICATORS}",
                             "group the indicators into fewer families", parent, "families",
                             "families")
        result: list[Family] = []
        for index, item in enumerate(items):
            where = f"families[{index}]"
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                raise self.error("each family needs an id", "write - id: economy", items, index,
                                 where)
            if item["id"] in {f.id for f in result}:
                raise self.error(f"family id {item['id']!r} is used twice",
                                 "give each family its own id", items, index, f"{where}.id")
            for key in item:
                if key not in FAMILY_KEYS:
                    raise self.error(f"unknown key {key!r}", f"use {', '.join(sorted(FAMILY_KEYS))}",
                                     item, key, f"{where}.{key}")
            label = self.label(item.get("label", item["id"]), item, "label", f"{where}.label")
            parent = item.get("parent")
            if parent is not None and not isinstance(parent, str):
                raise self.error(f"parent must be a family id, got {parent!r}",
                                 "write parent: infrastructure", item, "parent", f"{where}.parent")
            result.append(Family(item["id"], label, parent))
        known = {f.id for f in result}
        for index, family in enumerate(result):
            where = f"families[{index}].parent"
            if family.parent is None:
                continue
            if family.parent not in known:
                raise self.error(f"unknown parent family {family.parent!r}",
                                 f"use one of {', '.join(sorted(known - {family.id}))}",
                                 items[index], "parent", where)
            depth, seen = 1, {family.id}
            up: str | None = family.parent
            while up is not None:
                if up in seen:
                    raise self.error(f"family {family.id!r} is its own ancestor "
                                     f"(through {up!r})", "give the families a tree: a "
                                     "first-level family has no parent", items[index], "parent",
                                     where)
                seen.add(up)
                depth += 1
                up = next(f.parent for f in result if f.id == up)
            if depth > MAX_DEPTH:
                raise self.error(f"family {family.id!r} is {depth} levels deep, more than "
                                 f"{MAX_DEPTH}", "group the indicators in fewer levels",
                                 items[index], "parent", where)
        return tuple(result)

    def indicators(self, items: Any, family_ids: Mapping[str, tuple[str, ...]],
                   parent: Any) -> tuple[Indicator, ...]:
        if not isinstance(items, SequenceNode) or len(items) < 1:
            raise self.error("indicators must be a non-empty list", "list the indicators",
                             parent, "indicators", "indicators")
        if len(items) > MAX_INDICATORS:
            raise too_many_indicators(self.path, len(items), line_of(parent, "indicators"))
        result: list[Indicator] = []
        for index, item in enumerate(items):
            result.append(self.indicator(item, items, index, family_ids, {i.id for i in result}))
        return tuple(result)

    def indicator(self, item: Any, items: SequenceNode, index: int,
                  family_ids: Mapping[str, tuple[str, ...]], seen: set[str]) -> Indicator:
        where = f"indicators[{index}]"
        if not isinstance(item, MappingNode) or not isinstance(item.get("id"), str):
            raise self.error("each indicator needs an id", "write - id: gdp_share", items, index,
                             where)
        ident = item["id"]
        where = f"indicators.{ident}"
        if ident in seen:
            raise self.error(f"indicator id {ident!r} is used twice",
                             "give each indicator its own id", items, index, f"{where}.id")
        for key in item:
            if key not in INDICATOR_KEYS and key not in SOURCE_KINDS:
                raise self.error(
                    f"unknown key {key!r}",
                    f"use {', '.join(sorted(INDICATOR_KEYS))} and one of {', '.join(SOURCE_KINDS)}",
                    item, key, f"{where}.{key}")
        family = item.get("family")
        if not isinstance(family, str) or family not in family_ids:
            raise self.error(f"unknown family {family!r}",
                             f"use one of {', '.join(sorted(family_ids))}", item, "family",
                             f"{where}.family")
        chain = family_ids[family]
        if ident in family_ids and any(len(c) > 1 for c in family_ids.values()):
            raise self.error(f"indicator id {ident!r} is also the id of a family",
                             "give the indicator an id of its own", items, index, f"{where}.id")
        direction = item.get("direction")
        if not isinstance(direction, str) or direction not in DIRECTIONS:
            raise self.error(f"direction must be max or min, got {direction!r}",
                             "write direction: max (more is better) or min (less is better)",
                             item, "direction", f"{where}.direction")

        def located(what: str, hint: str) -> InputError:
            key = next((k for k in SOURCE_KINDS if k in item), None)
            return self.error(what, hint, item, key, f"{where}.{key}" if key else where)

        def origin(what: str, hint: str, container: Any, key: Any, keypath: str) -> InputError:
            return self.error(what, hint, container, key, f"{where}.{keypath}")

        source = parse_source(item, where=located, origin=origin)
        return Indicator(
            id=ident,
            label=self.label(item.get("label", ident), item, "label", f"{where}.label"),
            unit=str(item.get("unit", "")),
            family=chain[0],
            direction=direction,
            source=source,
            groups=chain if len(chain) > 1 else (),
        )

    def weighting(self, block: Any, parent: Any, indicators: tuple[Indicator, ...]) -> WeightingSpec:
        if not isinstance(block, Mapping):
            raise self.error("weighting must be a mapping", "write weighting: {method: entropy}",
                             parent, "weighting", "weighting")
        for key in block:
            if key not in WEIGHTING_KEYS:
                raise self.error(f"unknown key {key!r} in weighting",
                                 f"use {', '.join(sorted(WEIGHTING_KEYS))}", block, key,
                                 f"weighting.{key}")
        method = block.get("method", "entropy")
        if method not in WEIGHTING_METHODS:
            raise self.error(f"unknown weighting method {method!r}",
                             f"use one of {', '.join(WEIGHTING_METHODS)}", block, "method",
                             "weighting.method")
        options: dict[str, Any] = {k: v for k, v in block.items() if k != "method"}
        if isinstance(block, MappingNode):
            # Keep the YAML lines, so that a weighting method can locate its errors.
            node = MappingNode(options)
            node.line = block.line
            node.key_lines = {k: block.key_lines[k] for k in options}
            node.texts = {k: block.texts[k] for k in options}
            options = node
        check_weighting(options, method, file=self.path,
                        indicator_ids=[i.id for i in indicators])
        return WeightingSpec(method, options, self.path.parent, self.path)

    def ranking(self, block: Any, parent: Any) -> RankingSpec:
        if not isinstance(block, Mapping):
            raise self.error("ranking must be a mapping", "write ranking: {normalization: vector}",
                             parent, "ranking", "ranking")
        for key in block:
            if key not in ("normalization", "distance", "also"):
                raise self.error(f"unknown key {key!r} in ranking",
                                 "use normalization, distance or also", block, key,
                                 f"ranking.{key}")
        also = block.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) and a in EXTRA_CHECKS
                                                 for a in also):
            raise self.error(f"ranking.also must be a list of methods, got {also!r}",
                             f"use some of {', '.join(EXTRA_CHECKS)}", block, "also",
                             "ranking.also")
        distance = block.get("distance", "weighted_matrix")
        if distance not in TOPSIS_DISTANCES:
            raise self.error(f"unknown TOPSIS distance {distance!r}",
                             f"use one of {', '.join(TOPSIS_DISTANCES)}", block, "distance",
                             "ranking.distance")
        normalization = block.get("normalization", "vector")
        if normalization not in NORMALIZATIONS:
            raise self.error(f"unknown normalization {normalization!r}",
                             f"use one of {', '.join(NORMALIZATIONS)}", block, "normalization",
                             "ranking.normalization")
        return RankingSpec(normalization, distance, tuple(dict.fromkeys(also)))


def _chains(families: tuple[Family, ...]) -> dict[str, tuple[str, ...]]:
    """Each family's line from the first level down to itself (parents checked first)."""
    parent = {f.id: f.parent for f in families}
    chains: dict[str, tuple[str, ...]] = {}
    for family in families:
        line = [family.id]
        while parent[line[-1]] is not None:
            line.append(parent[line[-1]])  # type: ignore[arg-type]
        chains[family.id] = tuple(reversed(line))
    return chains
