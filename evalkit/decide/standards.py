"""Eligibility screens: thresholds from national standards or local rules, as data.

A standards file (``criteria/standards.yaml``) lists *rules*.  Each rule reads
one value per town through the closed grammar of :mod:`evalkit.model.derive` (a
column, or a ratio of two columns, times a ``scale``), compares it with a
threshold (``>=`` or ``<=``) and cites its source.  A rule may apply only to
towns in a band of another value (``applies_when``), which is how the 1993
city standard's three population-density bands are written.  *Rule sets* name
groups of rules so a scenario can say ``screens: [city_1993]``.

A town that fails a rule is excluded with the reason
``"<label>: <value> < <threshold> (<source>)"``; nothing in the file is ever
evaluated as code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evalkit.errors import InputError
from evalkit.io.numbers import as_number, cells_as_numbers
from evalkit.io.yamlfile import (
    MappingNode,
    SequenceNode,
    check_keys,
    line_of,
    load_yaml,
    read_label,
)
from evalkit.model.derive import Source, parse_source, values_or_nan

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda value, threshold: value >= threshold,
    "<=": lambda value, threshold: value <= threshold,
}
"""Comparisons a rule may use; a town passes when ``value <op> threshold``."""

_FAILED = {">=": "<", "<=": ">"}
SCOPES = ("national", "local")
_RULE_KEYS = (
    "id", "scope", "label", "source", "value", "compare", "threshold", "applies_when", "note",
    "source_en",
)
_BAND_KEYS = ("value", "at_least", "below")


@dataclass(frozen=True)
class Band:
    """``at_least <= value < below`` (either end may be open)."""

    value: Source
    at_least: float | None = None
    below: float | None = None

    def contains(self, value: float) -> bool:
        if self.at_least is not None and not value >= self.at_least:
            return False
        return self.below is None or value < self.below

    def describe(self) -> str:
        low = "" if self.at_least is None else f"{_number(self.at_least)} ≤ "
        high = "" if self.below is None else f" < {_number(self.below)}"
        return f"{low}{self.value.describe()}{high}"


@dataclass(frozen=True)
class Rule:
    """One eligibility threshold with its citation."""

    id: str
    label: Mapping[str, str]
    source: str
    scope: str
    value: Source
    compare: str
    threshold: float
    applies_when: Band | None = None
    note: str = ""
    source_en: str = ""
    """The citation in English (an English title beside a document number); ``""`` when the
    file gives none, and English text then cites ``source`` as written."""

    def source_in(self, lang: str) -> str:
        """The citation in ``lang``: ``source_en`` in English where given, else ``source``."""
        return self.source_en if lang == "en" and self.source_en else self.source

    def check(self, frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
        """Towns of ``frame`` (indexed by id) that fail: id → (reason in English, in Chinese).

        A town outside the rule's ``applies_when`` band is not judged by it; a
        town whose value cannot be computed (empty cell, zero denominator)
        fails, with a reason that says so.
        """
        values = source_values(self.value, frame)
        inside = np.ones(len(frame), dtype=bool)
        band_values = None
        if self.applies_when is not None:
            band_values = source_values(self.applies_when.value, frame)
            inside = np.array([np.isfinite(v) and self.applies_when.contains(v)
                               for v in band_values])
        failures: dict[str, tuple[str, str]] = {}
        for i, town in enumerate(frame.index):
            if band_values is not None and not np.isfinite(band_values[i]):
                failures[str(town)] = self._reasons(
                    f"no value for {self.applies_when.value.describe()}"  # type: ignore[union-attr]
                )
                continue
            if not inside[i]:
                continue
            value = float(values[i])
            if not np.isfinite(value):
                failures[str(town)] = self._reasons(f"no value for {self.value.describe()}")
            elif not COMPARISONS[self.compare](value, self.threshold):
                failed = _FAILED[self.compare]
                failures[str(town)] = self._reasons(
                    f"{_number(value)} {failed} {_number(self.threshold)}"
                )
        return failures

    def _reasons(self, body: str) -> tuple[str, str]:
        english = self.label.get("en") or self.label.get("zh") or self.id
        chinese = self.label.get("zh") or english
        return (f"{english}: {body} ({self.source_in('en')})",
                f"{chinese}: {body} ({self.source})")


@dataclass(frozen=True)
class Standards:
    """The rules and rule sets of one standards file."""

    path: Path | None
    rules: Mapping[str, Rule]
    rule_sets: Mapping[str, tuple[str, ...]]
    lines: Mapping[str, int]

    def resolve(self, names: Sequence[str]) -> tuple[Rule, ...]:
        """Rules named directly or through a rule set, in order, each once."""
        out: dict[str, Rule] = {}
        for name in names:
            for rule_id in self.rule_sets.get(name, (name,)):
                out.setdefault(rule_id, self.rules[rule_id])
        return tuple(out.values())

    def names(self) -> list[str]:
        return [*self.rule_sets, *self.rules]


def screen(frame: pd.DataFrame, rules: Sequence[Rule]) -> dict[str, tuple[str, str]]:
    """Towns that fail at least one rule: id → (reasons in English, in Chinese), ``; ``-joined."""
    english: dict[str, list[str]] = {}
    chinese: dict[str, list[str]] = {}
    for rule in rules:
        for town, (en, zh) in rule.check(frame).items():
            english.setdefault(town, []).append(en)
            chinese.setdefault(town, []).append(zh)
    return {town: ("; ".join(english[town]), "; ".join(chinese[town])) for town in english}


def source_values(source: Source, frame: pd.DataFrame) -> np.ndarray:
    """Evaluate a :class:`~evalkit.model.derive.Source` on a frame; NaN where it cannot be computed."""
    def column(name: str) -> np.ndarray:
        if name not in frame.columns:  # a rule the scenario does not apply may read any column
            return np.full(len(frame), np.nan)
        return cells_as_numbers(frame[name].tolist())

    return values_or_nan(source, column, len(frame))


def check_columns(rules: Sequence[Rule], frame: pd.DataFrame, standards: Standards) -> None:
    """Every column the rules read must be in the table; else an error at the rule."""
    for rule in rules:
        sources = [rule.value] + ([rule.applies_when.value] if rule.applies_when else [])
        for source in sources:
            for column in source.columns():
                if column not in frame.columns:
                    raise InputError(
                        f"rule {rule.id!r} reads column {column!r}, which the candidate "
                        "table does not have",
                        "add the column to the table, or take the rule out of the "
                        "scenario's screens",
                        file=standards.path,
                        row=standards.lines.get(f"rules.{rule.id}"),
                        column=f"rules.{rule.id}.value",
                    )


def load_standards(path: str | Path) -> Standards:
    """Read a standards file; every problem is an :class:`InputError` with file, line and key."""
    path = Path(path)
    data = load_yaml(path, what="standards file")
    if not isinstance(data, MappingNode):
        raise InputError("a standards file must be a mapping with 'rules'",
                         "start the file with  rules:", file=path, row=1)
    check_keys(data, ("rules", "rule_sets", "name", "label", "version"), "", path)
    rules_node = data.get("rules")
    if not isinstance(rules_node, SequenceNode) or not rules_node:
        raise InputError("'rules' must be a non-empty list of rules", "add  rules: [- id: ...]",
                         file=path, row=line_of(data, "rules"), column="rules")
    rules: dict[str, Rule] = {}
    lines: dict[str, int] = {}
    for index, node in enumerate(rules_node):
        where_line = line_of(rules_node, index)
        rule = _parse_rule(node, f"rules[{index}]", where_line, path)
        if rule.id in rules:
            raise InputError(f"rule id {rule.id!r} is used twice", "give each rule its own id",
                             file=path, row=where_line, column=f"rules[{index}].id")
        rules[rule.id] = rule
        lines[f"rules.{rule.id}"] = where_line or 0
    rule_sets: dict[str, tuple[str, ...]] = {}
    sets_node = data.get("rule_sets", MappingNode())
    if not isinstance(sets_node, Mapping):
        raise InputError("'rule_sets' must map a set name to a list of rule ids",
                         "write e.g.  rule_sets: {city_1993: [rule ids]}", file=path,
                         row=line_of(data, "rule_sets"), column="rule_sets")
    for name, members in sets_node.items():
        key = f"rule_sets.{name}"
        row = line_of(sets_node, name)
        if name in rules:
            raise InputError(f"rule set {name!r} has the same name as a rule",
                             "rename the set", file=path, row=row, column=key)
        if not isinstance(members, list) or not members:
            raise InputError(f"rule set {name!r} must be a non-empty list of rule ids",
                             "write e.g.  [rule_a, rule_b]", file=path, row=row, column=key)
        for i, member in enumerate(members):
            if not isinstance(member, str) or member not in rules:
                raise InputError(f"rule set {name!r} names unknown rule {member!r}",
                                 f"use one of: {', '.join(rules)}", file=path,
                                 row=line_of(members, i), column=f"{key}[{i}]")
        rule_sets[str(name)] = tuple(str(m) for m in members)
        lines[key] = row or 0
    return Standards(path, rules, rule_sets, lines)


def _parse_rule(node: Any, key: str, row: int | None, path: Path) -> Rule:
    def fail(what: str, hint: str, sub: str | None = None, at: Any = None) -> InputError:
        line = line_of(node, sub) if sub is not None and isinstance(node, Mapping) else row
        return InputError(what, hint, file=path, row=line if at is None else at,
                          column=f"{key}.{sub}" if sub else key)

    if not isinstance(node, MappingNode):
        raise fail("a rule must be a mapping", "write  - id: ... label: ... value: ...")
    check_keys(node, _RULE_KEYS, key, path)
    for required in ("id", "label", "source", "value", "compare", "threshold"):
        if required not in node:
            raise fail(f"rule is missing {required!r}", f"add  {required}: ...")
    rule_id = node["id"]
    if not isinstance(rule_id, str) or not rule_id:
        raise fail(f"rule id must be text, got {rule_id!r}", "write e.g.  id: tap_water", "id")
    label = read_label(node["label"], file=path, row=line_of(node, "label"),
                       column=f"{key}.label" if key else "label")
    source = node["source"]
    if not isinstance(source, str) or not source.strip():
        raise fail("source must cite where the threshold comes from",
                   "write e.g.  source: 国发〔1993〕38号", "source")
    scope = node.get("scope", "national")
    if scope not in SCOPES:
        raise fail(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}",
                   "write  scope: national  or  scope: local", "scope")
    value = _parse_value(node["value"], f"{key}.value", line_of(node, "value"), path)
    compare = node["compare"]
    if not isinstance(compare, str) or compare not in COMPARISONS:
        raise fail(f"compare must be one of {', '.join(COMPARISONS)}, got {compare!r}",
                   'write  compare: ">="', "compare")
    threshold = as_number(node["threshold"])
    if threshold is None:
        raise fail(f"threshold must be a number, got {node['threshold']!r}",
                   "write e.g.  threshold: 65", "threshold")
    band = None
    if "applies_when" in node:
        band = _parse_band(node["applies_when"], f"{key}.applies_when",
                           line_of(node, "applies_when"), path)
    note = node.get("note", "")
    source_en = node.get("source_en", "")
    if not isinstance(source_en, str):
        raise fail(f"source_en must be text, got {source_en!r}",
                   'write e.g.  source_en: "Guofa [1993] No. 38 (State Council)"', "source_en")
    return Rule(rule_id, dict(label), source.strip(), scope, value, compare, float(threshold),
                band, str(note or ""), source_en.strip())


def _parse_value(spec: Any, key: str, row: int | None, path: Path) -> Source:
    def where(what: str, hint: str) -> InputError:
        return InputError(what, hint, file=path, row=row, column=key)

    if not isinstance(spec, Mapping):
        raise where("value must be a mapping such as {column: urban_pop}",
                    "write  value: {column: NAME}  or  value: {ratio: {numerator: A, "
                    "denominator: B}, scale: 100}")
    return parse_source(spec, where=where)


def _parse_band(spec: Any, key: str, row: int | None, path: Path) -> Band:
    if not isinstance(spec, MappingNode):
        raise InputError("applies_when must be a mapping with value and at_least and/or below",
                         "write  applies_when: {value: {...}, at_least: 100, below: 400}",
                         file=path, row=row, column=key)
    check_keys(spec, _BAND_KEYS, key, path)
    if "value" not in spec:
        raise InputError("applies_when is missing 'value'", "add  value: {column: NAME}",
                         file=path, row=row, column=key)
    value = _parse_value(spec["value"], f"{key}.value", line_of(spec, "value"), path)
    ends: dict[str, float | None] = {}
    for end in ("at_least", "below"):
        bound = spec.get(end)
        number = None if bound is None else as_number(bound)
        if bound is not None and number is None:
            raise InputError(f"{end} must be a number, got {bound!r}", f"write  {end}: 400",
                             file=path, row=line_of(spec, end), column=f"{key}.{end}")
        ends[end] = number
    if ends["at_least"] is None and ends["below"] is None:
        raise InputError("applies_when needs at_least and/or below",
                         "write e.g.  at_least: 400", file=path, row=row, column=key)
    return Band(value, ends["at_least"], ends["below"])


def _number(value: float) -> str:
    """A threshold or value as people write it: 65, 0.5, 12.5, 68000."""
    text = f"{value:.6g}"
    return f"{value:.0f}" if "e" in text else text


# --------------------------------------------------------------------------
# Every rule against every town (the report's screen table)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleOutcome:
    """One town on one rule: the value compared and ``pass``, ``fail`` or ``n/a``
    (outside the rule's band, so the rule does not judge it)."""

    value: float | None
    status: str


@dataclass(frozen=True)
class RuleCheck:
    """One rule against every town, and whether the scenario applies it."""

    rule: Rule
    applied: bool
    towns: Mapping[str, RuleOutcome]


@dataclass(frozen=True)
class ScreenTable:
    """Every rule of a standards file against every town of a candidate table.

    ``applied`` names the rules or rule sets the scenario screens with; the
    other rules are shown for information.
    """

    standards: Standards
    applied: tuple[str, ...]
    checks: tuple[RuleCheck, ...]

    @property
    def file(self) -> str:
        """The standards file's name, as cited in the report."""
        return self.standards.path.name if self.standards.path else ""

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly form (rules, their citations and every town's outcome)."""
        return {"file": self.file, "applied": list(self.applied), "rules": [{
            "id": c.rule.id, "label": dict(c.rule.label), "source": c.rule.source,
            **({"source_en": c.rule.source_en} if c.rule.source_en else {}),
            "scope": c.rule.scope, "compare": c.rule.compare, "threshold": c.rule.threshold,
            "band": c.rule.applies_when.describe() if c.rule.applies_when else None,
            "applied": c.applied,
            "towns": {t: {"value": o.value, "status": o.status} for t, o in c.towns.items()},
        } for c in self.checks]}


def screen_table(standards: Standards, frame: pd.DataFrame,
                 applied: Sequence[str] = ()) -> ScreenTable:
    """Every rule of ``standards`` against every town of ``frame`` (indexed by town id).

    ``applied`` names the rules (or rule sets) the scenario applies.
    """
    applied_ids = {r.id for r in standards.resolve(list(applied))} if applied else set()
    checks = []
    for rule in standards.rules.values():
        values = source_values(rule.value, frame)
        failures = rule.check(frame)
        band = source_values(rule.applies_when.value, frame) if rule.applies_when else None
        towns = {}
        for i, town in enumerate(frame.index):
            inside = band is None or (np.isfinite(band[i])
                                      and rule.applies_when.contains(band[i]))  # type: ignore[union-attr]
            status = "n/a" if not inside else ("fail" if str(town) in failures else "pass")
            towns[str(town)] = RuleOutcome(float(values[i]) if np.isfinite(values[i]) else None,
                                           status)
        checks.append(RuleCheck(rule, rule.id in applied_ids, towns))
    return ScreenTable(standards, tuple(applied), tuple(checks))
