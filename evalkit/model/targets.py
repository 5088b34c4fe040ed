"""Targets for converted towns (``criteria/targets.yaml``): the plan's levels for 2027.

Each target reads one value per town through the derivation grammar of
:mod:`evalkit.model.derive`, says which way is better (``>=`` or ``<=``) and
cites its source; the town reports show each town's gap to it.  Every problem
in the file is an :class:`~evalkit.errors.InputError` with its line and key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from evalkit.errors import InputError
from evalkit.io.candidates import CandidateTable
from evalkit.io.numbers import as_number
from evalkit.io.yamlfile import (
    MappingNode,
    SequenceNode,
    check_keys,
    line_of,
    load_yaml,
    read_label,
)
from evalkit.model.derive import Source, parse_source, values_or_nan
from evalkit.model.plan import Plan, PlanFigure, check_reference, load_plan

COMPARES = (">=", "<=")
_TOP_KEYS = ("source", "source_en", "label", "targets", "plan")
_TARGET_KEYS = ("id", "label", "unit", "compare", "target", "city", "value", "source", "note",
                "plan", "source_en", "note_en")


@dataclass(frozen=True)
class Target:
    """A target for converted towns: a value read from the table, a direction and a level."""

    id: str
    label: Mapping[str, str]
    unit: str
    compare: str
    target: float
    value: Source
    city: float | None = None
    source: str = ""
    line: int | None = None
    plan: PlanFigure | None = None
    note: str = ""
    source_en: str = ""
    """The source in English: the file's ``source_en``, else for a plan figure the plan's
    English title with the section; ``""`` when the file gives no English."""
    note_en: str = ""

    @property
    def from_plan(self) -> bool:
        """Whether the level is the work plan's own figure (checked against it)."""
        return self.plan is not None

    def source_in(self, lang: str) -> tuple[str, bool]:
        """The source in ``lang`` and whether it is in that language (else the Chinese)."""
        if lang == "en" and self.source_en:
            return self.source_en, True
        return self.source, lang != "en" or not self.source

    def note_in(self, lang: str) -> tuple[str, bool]:
        """The note in ``lang`` and whether it is in that language (else the Chinese)."""
        if lang == "en" and self.note_en:
            return self.note_en, True
        return self.note, lang != "en" or not self.note


@dataclass(frozen=True)
class Targets:
    """The targets of one file, with the file's own citation and label."""

    targets: tuple[Target, ...]
    source: str = ""
    label: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None
    plan: Plan | None = None
    source_en: str = ""

    def __iter__(self) -> Iterator[Target]:
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)


def load_targets(path: str | Path) -> Targets:
    """Read a targets file; every problem names the file, line and key path."""
    path = Path(path)
    data = load_yaml(path, what="targets file")
    if not isinstance(data, MappingNode) or not isinstance(data.get("targets"), SequenceNode):
        raise InputError("a targets file needs a list 'targets'", "see criteria/targets.yaml",
                         file=path, row=getattr(data, "line", None))
    check_keys(data, _TOP_KEYS, "", path)
    source = data.get("source", "")
    if not isinstance(source, str):
        raise InputError("source must be text", "write e.g.  source: 《乡镇改市区工作方案》",
                         file=path, row=line_of(data, "source"), column="source")
    source_en = data.get("source_en", "")
    if not isinstance(source_en, str):
        raise InputError("source_en must be text",
                         "write e.g.  source_en: the work plan's targets for 2027",
                         file=path, row=line_of(data, "source_en"), column="source_en")
    label: Mapping[str, str] = {}
    if "label" in data:
        label = read_label(data["label"], file=path, row=line_of(data, "label"), column="label")
    plan = None
    if "plan" in data:
        if not isinstance(data["plan"], str) or not data["plan"].strip():
            raise InputError(f"plan must be the name of a plan file, got {data['plan']!r}",
                             "write  plan: plan.yaml", file=path, row=line_of(data, "plan"),
                             column="plan")
        plan = load_plan(path.parent / data["plan"])
    items = data["targets"]
    targets = [_target(item, items, index, path, source, plan, source_en.strip())
               for index, item in enumerate(items)]
    return Targets(tuple(targets), source, label, path, plan, source_en.strip())


def _target(item: Any, items: SequenceNode, index: int, path: Path, default_source: str,
            plan: Plan | None = None, default_source_en: str = "") -> Target:
    where = f"targets[{index}]"

    def fail(what: str, hint: str, key: str | None = None) -> InputError:
        row = line_of(item, key) if key is not None else line_of(items, index)
        return InputError(what, hint, file=path, row=row,
                          column=f"{where}.{key}" if key else where)

    if not isinstance(item, MappingNode) or not isinstance(item.get("id"), str):
        raise fail("each target needs an id", "write - id: sewage")
    check_keys(item, _TARGET_KEYS, where, path)
    if item.get("compare") not in COMPARES:
        raise fail("compare must be '>=' or '<='", "write compare: '>='", "compare")
    number = as_number(item.get("target"))
    if number is None or number <= 0:
        raise fail("target must be a positive number", "write e.g. target: 90", "target")
    city = None if item.get("city") is None else as_number(item["city"])
    if item.get("city") is not None and city is None:
        raise fail(f"city must be a number, got {item['city']!r}", "write e.g. city: 80", "city")
    value = item.get("value")
    if not isinstance(value, Mapping):
        raise fail("value must be a column or a derivation", "write value: {column: x}", "value")
    parsed = parse_source(value, where=lambda what, hint: fail(what, hint, "value"))
    label = (read_label(item["label"], file=path, row=line_of(item, "label"),
                        column=f"{where}.label")
             if "label" in item else {"zh": item["id"], "en": item["id"]})
    figure = None
    if "plan" in item:
        if plan is None:
            raise fail("a target that names a plan figure needs the plan file",
                       "add  plan: plan.yaml  at the top of the targets file", "plan")
        figure = check_reference(plan, item["plan"], float(number), file=path,
                                 row=line_of(item, "plan"), column=f"{where}.plan")
        if figure.compare is not None and figure.compare != item["compare"]:
            raise fail(f"compare {item['compare']!r} is not the plan's {figure.compare!r} for "
                       f"{figure.id}", f"write compare: '{figure.compare}'", "compare")
    for key in ("note", "note_en", "source_en"):
        if not isinstance(item.get(key, ""), str):
            raise fail(f"{key} must be text, got {item[key]!r}", f"write {key}: \"...\"", key)
    note = item.get("note", "")
    source_en = item.get("source_en", "").strip()
    if figure is not None:
        source = str(item.get("source", f"{default_source} {figure.section}".strip()))
        # In English the plan is named by its own English title, with the section.
        title = (plan.document.get("en", "") if plan is not None else "") or default_source_en
        if not source_en and "source" not in item and title:
            source_en = f"{title[:1].upper()}{title[1:]}, {figure.section}"
    else:
        source = str(item.get("source", default_source))
        if not source_en and "source" not in item:
            source_en = default_source_en
    return Target(id=item["id"], label=label, unit=str(item.get("unit", "")),
                  compare=item["compare"], target=float(number), value=parsed,
                  city=city, source=source, line=line_of(items, index), plan=figure, note=note,
                  source_en=source_en, note_en=item.get("note_en", "").strip())


def target_values(targets: Sequence[Target] | Targets,
                  table: CandidateTable) -> dict[str, np.ndarray]:
    """Each target's value for every town (NaN where it cannot be computed)."""

    def column(name: str) -> np.ndarray:
        try:
            return table.numeric(name, signed=True)
        except InputError:  # a missing column or a bad cell: no value, shown as a gap
            return np.full(len(table.ids), np.nan)

    return {t.id: values_or_nan(t.value, column, len(table.ids)) for t in targets}
