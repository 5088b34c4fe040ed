"""Experts' AHP judgment files: load, check, and turn into weights.

One YAML file per expert::

    expert: {name: 王建国, role: 总工程师, unit: 市城乡规划设计研究院,
             date: 2024-03-12, method: questionnaire, weight: 1.0}
    families:                       # comparisons between indicator families
      reason: 经济实力决定设区后的财政承受能力    # optional: the expert's own words
      pairs:
        - {a: economy, b: talent, value: 5}   # economy is 5 times as important
    indicators:                     # comparisons inside each family
      economy:
        matrix:
          order: [gdp_share, gdp_per_capita, gdp_growth, tertiary_share]
          rows:
            - [1,   2,   3,   3]
            - [1/2, 1,   2,   2]
            - [1/3, 1/2, 1,   1]
            - [1/3, 1/2, 1,   1]

A comparison block is either ``pairs`` (a list of ``{a, b, value}``: a is
``value`` times as important as b) or ``matrix`` (``order`` and ``rows``;
``null`` marks a comparison left out).  Values are numbers or fractions such
as ``1/3`` on Saaty's 1–9 scale.  Pairs may be left out as long as the
comparisons still connect every item; the missing ones are estimated
(:func:`evalkit.methods.ahp.complete`).  Every problem is an
:class:`~evalkit.errors.InputError` with the file, the YAML line and the key
path (list indices count from 0).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path

import numpy as np

from evalkit.errors import InputError
from evalkit.io.questionnaire import Questionnaire, read_questionnaire
from evalkit.methods.ahp.completion import comparison_groups
from evalkit.methods.ahp.metadata import Expert, read_expert, read_reason
from evalkit.methods.ahp.reader import Node, Reader
from evalkit.methods.ahp.scale import MatrixError, saaty_label, validate_matrix

__all__ = [
    "Expert",
    "ExpertJudgments",
    "JudgmentMatrix",
    "Source",
    "is_judgment_file",
    "load_judgments",
    "load_judgments_dir",
]

# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where judgment a_ij was written: key path, YAML line, and whether the
    file states it the other way round (as a_ji = 1/a_ij)."""

    column: str
    row: int
    flipped: bool = False


@dataclass(frozen=True)
class JudgmentMatrix:
    """One expert's comparisons among ``items`` (a validated matrix).

    ``name`` is ``"families"`` or ``"indicators.<family id>"``; ``values`` is
    reciprocal, with NaN where a comparison was left out; ``sources`` maps
    each given cell (i, j) to where it was written; ``line`` is the line of
    the block's key, or None when the file has no block for it; ``reason``
    the expert's own words on the block (``""`` when not given), ``reason_en``
    the same in English, when the file gives it.
    """

    name: str
    items: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    sources: Mapping[tuple[int, int], Source] = field(default_factory=dict)
    line: int | None = None
    reason: str = ""
    reason_en: str = ""

    @property
    def array(self) -> np.ndarray:
        """``values`` as a float array (a fresh copy)."""
        return np.array(self.values, dtype=float)


@dataclass(frozen=True)
class ExpertJudgments:
    """Everything one expert's file says, validated against the criteria set.

    ``indicators`` has a matrix for every family with two or more indicators;
    ``family_ids`` and ``indicator_ids`` are the criteria the file was checked
    against (single-indicator families included).
    """

    file: str
    expert: Expert
    families: JudgmentMatrix
    indicators: Mapping[str, JudgmentMatrix]
    family_ids: tuple[str, ...]
    indicator_ids: Mapping[str, tuple[str, ...]]
    name_line: int | None = None

    def matrices(self) -> Iterator[JudgmentMatrix]:
        """The family matrix, then each family's and sub-family's matrix, parents first."""
        yield self.families
        for family in self.indicator_ids:
            if family in self.indicators:
                yield self.indicators[family]

    @property
    def subfamilies(self) -> frozenset[str]:
        """The items of a matrix that are sub-families (weighted within their parent)."""
        return frozenset(self.indicator_ids) - frozenset(self.family_ids)


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def _id_hint(kind: str, ids: Sequence[str]) -> str:
    return f"the {kind} are {', '.join(ids)}"


def load_judgments(
    path: str | PathLike[str],
    families: Sequence[str],
    indicators: Mapping[str, Sequence[str]],
    *,
    aggregated: bool = False,
) -> ExpertJudgments:
    """Load and validate one expert's judgment file.

    ``families`` are the first-level family ids in criteria order and
    ``indicators`` maps each family id to its indicator ids, or, in a deeper
    hierarchy, each family and sub-family to what is compared within it
    (:meth:`~evalkit.model.criteria.CriteriaSet.judgment_groups`); a sub-family's
    comparisons sit under ``indicators.<sub-family id>``.  ``aggregated`` accepts values off
    the Saaty scale (for matrices that are already group averages).  Raises
    :class:`~evalkit.errors.InputError` naming the file, line and key path.
    """
    family_ids = tuple(families)
    indicator_ids = _tree(family_ids, indicators)
    reader = (_WorkbookReader(read_questionnaire(Path(path)), aggregated=aggregated)
              if Path(path).suffix.lower() == ".xlsx" else Reader(Path(path), aggregated=aggregated))
    root = reader.document()
    keys = ("expert", "families", "indicators")
    if (isinstance(root.value, Mapping) and "expert" not in root.value
            and any(key not in keys for key in root.value)):
        # e.g. the criteria file itself named under weighting.judgments
        raise reader.fail("this is not a judgment file (it has no expert:)",
                          "name the experts' judgment files, or their folder, under "
                          "weighting.judgments, e.g. judgments: judgments/", root.line, None)
    top = reader.mapping(root, "", keys, required=("expert",))

    expert, line = read_expert(reader, top["expert"])
    name_line: int | None = line
    family_matrix = _matrix_block(
        reader, top.get("families"), "families", family_ids, "families", None, {}
    )
    blocks: Mapping[str, Node] = {}
    indicators_line = None
    if "indicators" in top:
        indicators_line = top["indicators"].line
        blocks = reader.mapping(
            top["indicators"], "indicators", tuple(indicator_ids),
            unknown="unknown family {key} under indicators",
            unknown_hint=_id_hint("families", tuple(indicator_ids)),
        )
    owner = {i: f for f, ids in indicator_ids.items() for i in ids}
    matrices = {}
    for family in indicator_ids:
        ids = indicator_ids[family]
        if len(ids) < 2 and family not in blocks:
            continue
        matrix = _matrix_block(
            reader, blocks.get(family), f"indicators.{family}", ids,
            f"indicators of family {family}", indicators_line, owner,
        )
        # A single indicator has local weight 1 whatever is written; keeping
        # only real comparisons makes every expert's list of matrices alike.
        if len(ids) >= 2:
            matrices[family] = matrix
    if isinstance(reader, _WorkbookReader):  # cells, not YAML lines
        family_matrix = reader.located(family_matrix)
        matrices = {f: reader.located(m) for f, m in matrices.items()}
        name_line = None
    return ExpertJudgments(
        file=str(path),
        expert=expert,
        families=family_matrix,
        indicators=matrices,
        family_ids=family_ids,
        indicator_ids=indicator_ids,
        name_line=name_line,
    )


def _tree(families: tuple[str, ...],
          groups: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """``groups`` (family or sub-family → what is compared in it) in depth-first order."""
    tree: dict[str, tuple[str, ...]] = {}

    def visit(group: str, depth: int) -> None:
        if group in tree or depth > 50:
            raise ValueError(f"{group} is reached twice: give the families a tree")
        tree[group] = tuple(groups.get(group, ()))
        if not tree[group]:
            raise ValueError(f"family {group} has nothing to compare")
        for child in tree[group]:
            if child in groups and child not in families and child != group:
                visit(child, depth + 1)

    for family in families:
        visit(family, 0)
    if set(tree) != set(groups):
        raise ValueError("every family and sub-family needs what it compares, and only those")
    return tree


def load_judgments_dir(
    directory: str | PathLike[str],
    families: Sequence[str],
    indicators: Mapping[str, Sequence[str]],
    *,
    aggregated: bool = False,
) -> list[ExpertJudgments]:
    """Load every ``*.yaml`` / ``*.yml`` / ``*.xlsx`` file of a directory (sorted by name)."""
    folder = Path(directory)
    paths = sorted(p for p in folder.iterdir() if is_judgment_file(p))
    if not paths:
        raise InputError(
            "no judgment files (*.yaml) found",
            "add one file per expert, like criteria/judgments/expert_wang.yaml",
            file=str(folder),
        )
    return [load_judgments(p, families, indicators, aggregated=aggregated) for p in paths]


def is_judgment_file(path: Path) -> bool:
    """A judgment file of a folder: ``*.yaml``, ``*.yml`` or a questionnaire ``*.xlsx``
    (not the lock file ``~$name.xlsx`` Excel keeps beside a workbook it has open)."""
    return path.suffix in (".yaml", ".yml") or (
        path.suffix.lower() == ".xlsx" and not path.name.startswith("~$"))


class _WorkbookReader(Reader):
    """A filled questionnaire (:mod:`evalkit.io.questionnaire`) read as a judgment file:
    every position is a cell, such as ``families!C5``."""

    def __init__(self, sheet: Questionnaire, *, aggregated: bool) -> None:
        super().__init__(sheet.path, aggregated=aggregated)
        self.sheet = sheet

    def document(self) -> Node:
        return Node(self.sheet.document, 1)

    def fail(self, what: str, hint: str, line: int | None, column: str | None) -> InputError:
        if "{a:" in hint:  # how to add YAML pairs: say it in the workbook's terms
            hint = ("fill in more comparisons on this sheet, so that every item is compared "
                    "with the others, directly or through another item")
        return self.sheet.fail(what, hint, line, column)

    def located(self, matrix: JudgmentMatrix) -> JudgmentMatrix:
        """The matrix with each judgment's cell (and its row) as its source."""
        cells, rows = self.sheet.cells, self.sheet.rows
        sources = {k: Source(cells.get(s.row, s.column), rows.get(s.row, 0), s.flipped)
                   for k, s in matrix.sources.items()}
        return replace(matrix, sources=sources, line=None)


def _matrix_block(
    reader: Reader,
    node: Node | None,
    name: str,
    items: tuple[str, ...],
    kind: str,
    parent_line: int | None,
    owner: Mapping[str, str],
) -> JudgmentMatrix:
    """One comparison block (``pairs`` or ``matrix``) → a validated matrix."""
    n = len(items)
    values = np.full((n, n), np.nan)
    np.fill_diagonal(values, 1.0)
    sources: dict[tuple[int, int], Source] = {}
    line = None
    reason = reason_en = ""
    if node is not None:
        line = node.line
        block = reader.mapping(node, name, ("pairs", "matrix", "reason", "reason_en"))
        if "reason" in block:
            reason = read_reason(reader, block["reason"], name)
        if "reason_en" in block:
            reason_en = read_reason(reader, block["reason_en"], name, "reason_en")
        if "pairs" in block and "matrix" in block:
            raise reader.fail("both pairs and matrix are given", "keep one of them",
                              block["matrix"].line, f"{name}.matrix")
        if "pairs" in block:
            _read_pairs(reader, block["pairs"], f"{name}.pairs", items, kind, owner,
                        values, sources)
        elif "matrix" in block:
            _read_matrix(reader, block["matrix"], f"{name}.matrix", items, kind, owner,
                         values, sources)
    matrix = JudgmentMatrix(name, items, tuple(map(tuple, values)), sources, line, reason,
                            reason_en)
    _check_connected(reader, matrix, line if line is not None else parent_line)
    return matrix


def _resolve(
    reader: Reader,
    node: Node,
    path: str,
    items: tuple[str, ...],
    kind: str,
    owner: Mapping[str, str],
) -> int:
    ident = reader.identifier(node, path)
    if ident in items:
        return items.index(ident)
    if ident in owner:
        family = owner[ident]
        raise reader.fail(
            f"{ident} is not one of the {kind}; it belongs to family {family}",
            f"compare it under indicators.{family}",
            node.line,
            path,
        )
    singular = "family" if kind == "families" else "indicator"
    raise reader.fail(f"unknown {singular} {ident}", _id_hint(kind, items), node.line, path)


def _read_pairs(
    reader: Reader,
    node: Node,
    path: str,
    items: tuple[str, ...],
    kind: str,
    owner: Mapping[str, str],
    values: np.ndarray,
    sources: dict[tuple[int, int], Source],
) -> None:
    for k, pair_node in enumerate(reader.sequence(node, path, "{a, b, value} pairs")):
        here = f"{path}[{k}]"
        pair = reader.mapping(pair_node, here, ("a", "b", "value"), required=("a", "b", "value"))
        i = _resolve(reader, pair["a"], f"{here}.a", items, kind, owner)
        j = _resolve(reader, pair["b"], f"{here}.b", items, kind, owner)
        value = reader.judgment(pair["value"], f"{here}.value")
        text = pair["value"].text
        if i == j:
            if abs(value - 1) > 1e-9:
                raise reader.fail(
                    f"{items[i]} is compared with itself with value {text}",
                    "an item compared with itself is 1; compare two different items",
                    pair["value"].line,
                    f"{here}.value",
                )
            continue
        if (i, j) in sources:
            first = sources[(i, j)]
            if not first.flipped:
                raise reader.fail(
                    f"the pair ({items[i]}, {items[j]}) is given twice (first at line {first.row})",
                    "keep one of them",
                    pair_node.line,
                    here,
                )
            if abs(value * values[j, i] - 1) > 1e-6:
                raise reader.fail(
                    f"({items[i]}, {items[j]}) = {text} contradicts ({items[j]}, {items[i]}) = "
                    f"{saaty_label(values[j, i])} at line {first.row}",
                    f"keep one of them; consistent with line {first.row} would be "
                    f"{saaty_label(1 / values[j, i])}",
                    pair["value"].line,
                    f"{here}.value",
                )
            continue
        values[i, j], values[j, i] = value, 1.0 / value
        sources[(i, j)] = Source(f"{here}.value", pair["value"].line)
        sources[(j, i)] = Source(f"{here}.value", pair["value"].line, flipped=True)


def _read_matrix(
    reader: Reader,
    node: Node,
    path: str,
    items: tuple[str, ...],
    kind: str,
    owner: Mapping[str, str],
    values: np.ndarray,
    sources: dict[tuple[int, int], Source],
) -> None:
    block = reader.mapping(node, path, ("order", "rows"), required=("order", "rows"))
    order_nodes = reader.sequence(block["order"], f"{path}.order", "ids")
    order: list[int] = []
    for k, id_node in enumerate(order_nodes):
        index = _resolve(reader, id_node, f"{path}.order[{k}]", items, kind, owner)
        if index in order:
            raise reader.fail(f"{items[index]} is listed twice in order", "list each id once",
                              id_node.line, f"{path}.order[{k}]")
        order.append(index)
    missing = [items[i] for i in range(len(items)) if i not in order]
    if missing:
        raise reader.fail(
            f"order leaves out {', '.join(missing)}",
            f"list all the {kind} once; use null for comparisons you leave out",
            block["order"].line,
            f"{path}.order",
        )
    n = len(order)
    rows = reader.sequence(block["rows"], f"{path}.rows", "rows")
    if len(rows) != n:
        raise reader.fail(
            f"the matrix has {len(rows)} rows for {n} {kind}; it must be square",
            "write one row per id in order",
            block["rows"].line,
            f"{path}.rows",
        )
    cells: dict[tuple[int, int], Source] = {}
    for r, row_node in enumerate(rows):
        row_path = f"{path}.rows[{r}]"
        row = reader.sequence(row_node, row_path, "values")
        if len(row) != n:
            raise reader.fail(
                f"row {r} ({items[order[r]]}) has {len(row)} values for {n} {kind}; "
                "the matrix must be square",
                "write one value per id in order",
                row_node.line,
                row_path,
            )
        for c, cell in enumerate(row):
            if cell.value is None:
                continue
            i, j = order[r], order[c]
            values[i, j] = reader.judgment(cell, f"{row_path}[{c}]")
            cells[(i, j)] = Source(f"{row_path}[{c}]", cell.line)
    try:
        checked = validate_matrix(values, items, aggregated=reader.aggregated)
    except MatrixError as exc:
        where = cells.get(exc.cell) if exc.cell is not None else None
        raise reader.fail(
            exc.what,
            exc.hint,
            where.row if where else block["rows"].line,
            where.column if where else f"{path}.rows",
        ) from None
    values[...] = checked
    for (i, j), source in cells.items():
        sources[(i, j)] = source
        if (j, i) not in cells:
            sources[(j, i)] = Source(source.column, source.row, flipped=True)


def _check_connected(reader: Reader, matrix: JudgmentMatrix, line: int | None) -> None:
    groups = comparison_groups(matrix.array, matrix.items)
    if len(groups) == 1:
        return
    n = len(matrix.items)
    a, b = groups[0][0], groups[1][0]
    example = f"{{a: {a}, b: {b}, value: ...}}"
    if not any(i != j for i, j in matrix.sources):
        raise reader.fail(
            f"no judgments for {matrix.name}, which has {n} items ({', '.join(matrix.items)})",
            f"add {matrix.name}.pairs with at least {n - 1} pairs that link all of them, "
            f"e.g. {example}",
            line,
            matrix.name,
        )
    listing = " | ".join(", ".join(g) for g in groups)
    raise reader.fail(
        f"the judgments in {matrix.name} do not connect all items; groups never "
        f"compared with each other: {listing}",
        f"add a pair that links the groups, e.g. {example}",
        line,
        matrix.name,
    )
