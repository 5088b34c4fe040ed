"""The work plan as data (``criteria/plan.yaml``): its figures, its sections, its contradictions.

A run refers to the plan's figures by id: the scenario names the figure each
of its values follows (``follows_plan``) or states why it departs
(``departs_from_plan``), a target names its figure (``plan:``).  Every
reference is checked here: an unknown id, or a value that is not the plan's,
is an :class:`~evalkit.errors.InputError` with the referring file's line.  The
plan's own contradictions are records with every figure, the section that
states it, the one the run follows and why, so that the report can list them
rather than silently pick one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.numbers import as_number
from evalkit.io.yamlfile import MappingNode, SequenceNode, check_keys, line_of, load_yaml, read_label

COMPARES = (">=", "<=")
_TOP_KEYS = ("document", "base_year", "figures", "contradictions")
_FIGURE_KEYS = ("id", "label", "value", "unit", "section", "column", "compare", "kind", "note",
                "aggregate")
AGGREGATES = ("max", "min", "sum", "mean")
_CONTRADICTION_KEYS = ("id", "label", "statements", "used", "why")
_STATEMENT_KEYS = ("id", "value", "unit", "section", "text")
MAX_FIGURES = 2000


@dataclass(frozen=True)
class PlanFigure:
    """One figure of the plan and the section that states it."""

    id: str
    label: Mapping[str, str]
    value: float
    unit: str
    section: str
    kind: str = ""
    column: str | None = None
    compare: str | None = None
    note: str = ""
    aggregate: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": dict(self.label), "value": self.value, "unit": self.unit,
                "section": self.section, "kind": self.kind, "column": self.column,
                "compare": self.compare, "aggregate": self.aggregate, "note": self.note}


@dataclass(frozen=True)
class Statement:
    """One of the plan's figures in a contradiction."""

    id: str
    value: float
    unit: str
    section: str
    text: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "value": self.value, "unit": self.unit, "section": self.section,
                "text": dict(self.text)}


@dataclass(frozen=True)
class Contradiction:
    """Where the plan disagrees with itself: every figure, and the one the run follows."""

    id: str
    label: Mapping[str, str]
    statements: tuple[Statement, ...]
    used: str | None
    why: Mapping[str, str]

    @property
    def chosen(self) -> Statement | None:
        return next((s for s in self.statements if s.id == self.used), None)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": dict(self.label),
                "statements": [s.to_dict() for s in self.statements],
                "used": self.used, "why": dict(self.why)}


@dataclass(frozen=True)
class Plan:
    """The work plan's figures by id, and its contradictions."""

    document: Mapping[str, str]
    figures: Mapping[str, PlanFigure]
    contradictions: tuple[Contradiction, ...]
    base_year: int | None = None
    path: Path | None = None

    def __iter__(self) -> Iterator[PlanFigure]:
        return iter(self.figures.values())

    def __len__(self) -> int:
        return len(self.figures)

    def by_column(self, column: str) -> PlanFigure | None:
        """The plan's target for a table column, if it states one."""
        return next((f for f in self.figures.values()
                     if f.column == column and f.kind == "target"), None)

    def to_dict(self) -> dict[str, Any]:
        return {"document": dict(self.document), "base_year": self.base_year,
                "figures": [f.to_dict() for f in self.figures.values()],
                "contradictions": [c.to_dict() for c in self.contradictions]}


def same_value(a: float, b: float) -> bool:
    """Equal as the plan and a run state them (to 1e-9, relative)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def check_reference(plan: Plan, figure_id: Any, value: float | None, *, file: str | Path | None,
                    row: int | None, column: str) -> PlanFigure:
    """The figure ``figure_id`` names; an error when it is unknown or ``value`` is not its value."""
    if not isinstance(figure_id, str) or figure_id not in plan.figures:
        known = ", ".join(list(plan.figures)[:8])
        raise InputError(f"{figure_id!r} is not a figure of the plan "
                         f"{plan.path.name if plan.path else ''}".rstrip(),
                         f"use one of its ids, e.g. {known}", file=file, row=row, column=column)
    figure = plan.figures[figure_id]
    if value is not None and not same_value(value, figure.value):
        raise InputError(
            f"{value:g} is not the plan's {figure.id} ({figure.value:g} {figure.unit}, "
            f"{figure.section})".replace(" ,", ","),
            "use the plan's figure, or move the key to departs_from_plan with the reason",
            file=file, row=row, column=column)
    return figure


def load_plan(path: str | Path) -> Plan:
    """Read a plan file; every problem names the file, line and key path."""
    path = Path(path)
    data = load_yaml(path, what="plan file")
    if not isinstance(data, MappingNode) or not isinstance(data.get("figures"), SequenceNode):
        raise InputError("a plan file needs a list 'figures'", "see criteria/plan.yaml",
                         file=path, row=getattr(data, "line", None))
    check_keys(data, _TOP_KEYS, "", path)
    document = (read_label(data["document"], file=path, row=line_of(data, "document"),
                           column="document") if "document" in data else {})
    base_year = data.get("base_year")
    if base_year is not None and (not isinstance(base_year, int) or isinstance(base_year, bool)):
        raise InputError(f"base_year must be a year, got {base_year!r}", "write base_year: 2022",
                         file=path, row=line_of(data, "base_year"), column="base_year")
    items = data["figures"]
    if len(items) > MAX_FIGURES:
        raise InputError(f"{len(items)} figures; at most {MAX_FIGURES} are read",
                         "split the plan", file=path, row=line_of(data, "figures"),
                         column="figures")
    figures: dict[str, PlanFigure] = {}
    for index, item in enumerate(items):
        figure = _figure(item, items, index, path)
        if figure.id in figures:
            raise InputError(f"figure id {figure.id!r} appears twice (first on line "
                             f"{figures[figure.id].line})", "give each figure its own id",
                             file=path, row=figure.line, column=f"figures[{index}].id")
        figures[figure.id] = figure
    raw = data.get("contradictions", SequenceNode())
    if not isinstance(raw, SequenceNode):
        raise InputError("contradictions must be a list", "write contradictions: [- id: ...]",
                         file=path, row=line_of(data, "contradictions"), column="contradictions")
    contradictions = tuple(_contradiction(item, raw, index, path)
                           for index, item in enumerate(raw))
    seen: set[str] = set()
    for index, c in enumerate(contradictions):
        if c.id in seen:
            raise InputError(f"contradiction id {c.id!r} appears twice", "give each its own id",
                             file=path, row=line_of(raw, index),
                             column=f"contradictions[{index}].id")
        seen.add(c.id)
    return Plan(document, figures, contradictions, base_year, path)


def _failer(item: Any, items: SequenceNode, index: int, path: Path, where: str) -> Any:
    def fail(what: str, hint: str, key: str | None = None) -> InputError:
        row = line_of(item, key) if key is not None and isinstance(item, Mapping) else None
        return InputError(what, hint, file=path, row=row or line_of(items, index),
                          column=f"{where}.{key}" if key else where)
    return fail


def _number(item: MappingNode, key: str, fail: Any, hint: str) -> float:
    number = as_number(item.get(key))
    if number is None or not math.isfinite(number):
        raise fail(f"{key} must be a number, got {item.get(key)!r}", hint, key)
    return float(number)


def _text(item: MappingNode, key: str, fail: Any, hint: str, *, required: bool = False) -> str:
    value = item.get(key, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or (required and not value.strip()):
        raise fail(f"{key} must be text, got {value!r}", hint, key)
    return value


def _figure(item: Any, items: SequenceNode, index: int, path: Path) -> PlanFigure:
    where = f"figures[{index}]"
    fail = _failer(item, items, index, path, where)
    if not isinstance(item, MappingNode) or not isinstance(item.get("id"), str):
        raise fail("each figure needs an id", "write - {id: programme_total, value: 180, ...}")
    check_keys(item, _FIGURE_KEYS, where, path)
    label = (read_label(item["label"], file=path, row=line_of(item, "label"),
                        column=f"{where}.label") if "label" in item
             else {"zh": item["id"], "en": item["id"]})
    compare = item.get("compare")
    if compare is not None and compare not in COMPARES:
        raise fail(f"compare must be '>=' or '<=', got {compare!r}", "write compare: '>='",
                   "compare")
    column = item.get("column")
    if column is not None and not isinstance(column, str):
        raise fail(f"column must be a column name, got {column!r}", "write column: sewage_rate",
                   "column")
    aggregate = item.get("aggregate")
    if aggregate is not None and (aggregate not in AGGREGATES or column is None):
        raise fail(f"aggregate must be one of {', '.join(AGGREGATES)} over a column, got "
                   f"{aggregate!r}", "write e.g.  column: gdp_2022, aggregate: max", "aggregate")
    return PlanFigure(
        id=item["id"], label=label, aggregate=aggregate,
        value=_number(item, "value", fail, "write the plan's figure, e.g. value: 180"),
        unit=_text(item, "unit", fail, "write e.g. unit: 亿元"),
        section=_text(item, "section", fail, "write the section, e.g. section: '§7.2'",
                      required=True),
        kind=_text(item, "kind", fail, "write e.g. kind: money"),
        column=column, compare=compare,
        note=_text(item, "note", fail, "write the note as text"),
        line=line_of(items, index))


def _contradiction(item: Any, items: SequenceNode, index: int, path: Path) -> Contradiction:
    where = f"contradictions[{index}]"
    fail = _failer(item, items, index, path, where)
    if not isinstance(item, MappingNode) or not isinstance(item.get("id"), str):
        raise fail("each contradiction needs an id", "write - id: reserve_rule")
    check_keys(item, _CONTRADICTION_KEYS, where, path)
    raw = item.get("statements")
    if not isinstance(raw, SequenceNode) or len(raw) < 2:
        raise fail("a contradiction needs at least two statements",
                   "list each figure with its section under statements", "statements")
    statements: list[Statement] = []
    for k, s in enumerate(raw):
        at = f"{where}.statements[{k}]"
        sfail = _failer(s, raw, k, path, at)
        if not isinstance(s, MappingNode) or not isinstance(s.get("id"), str):
            raise sfail("each statement needs an id", "write - {id: s7_2, value: 165, ...}")
        check_keys(s, _STATEMENT_KEYS, at, path)
        text = (read_label(s["text"], file=path, row=line_of(s, "text"), column=f"{at}.text")
                if "text" in s else {})
        statements.append(Statement(
            s["id"], _number(s, "value", sfail, "write the figure, e.g. value: 165"),
            _text(s, "unit", sfail, "write e.g. unit: 亿元"),
            _text(s, "section", sfail, "write e.g. section: '§7.2'", required=True), text))
    ids = [s.id for s in statements]
    used = item.get("used")
    if used == "none":
        used = None
    elif used not in ids:
        raise fail(f"used must name one of the statements ({', '.join(ids)}) or 'none', "
                   f"got {used!r}", "say which figure the run follows", "used")
    if "why" not in item:
        raise fail("a contradiction needs 'why': the reason for the figure the run follows",
                   "write why: {zh: ..., en: ...}")
    why = read_label(item["why"], file=path, row=line_of(item, "why"), column=f"{where}.why")
    label = (read_label(item["label"], file=path, row=line_of(item, "label"),
                        column=f"{where}.label") if "label" in item
             else {"zh": item["id"], "en": item["id"]})
    return Contradiction(item["id"], label, tuple(statements), used, why)
