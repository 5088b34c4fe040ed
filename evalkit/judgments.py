"""Experts' AHP judgment files: load, check, and turn into weights.

One YAML file per expert::

    expert: {name: 王建国, role: 规划院总工程师, weight: 1.0}
    families:                       # comparisons between indicator families
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
(:func:`evalkit.ahp.complete`).  Every problem is an
:class:`~evalkit.errors.InputError` with the file, the YAML line and the key
path (list indices count from 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from evalkit import ahp
from evalkit.errors import InputError

__all__ = [
    "AhpWeights",
    "Expert",
    "ExpertJudgments",
    "JudgmentMatrix",
    "MatrixConsistency",
    "MatrixRevision",
    "Source",
    "ahp_weights",
    "check_consistency",
    "load_judgments",
    "load_judgments_dir",
]

AGGREGATE = "aggregate"


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Expert:
    """Who gave the judgments, and how much their judgments count (AIJ weight)."""

    name: str
    role: str = ""
    weight: float = 1.0


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
    the block's key, or None when the file has no block for it.
    """

    name: str
    items: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    sources: Mapping[tuple[int, int], Source] = field(default_factory=dict)
    line: int | None = None

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
        """The family matrix, then each family's indicator matrix, in criteria order."""
        yield self.families
        for family in self.family_ids:
            if family in self.indicators:
                yield self.indicators[family]


@dataclass(frozen=True)
class MatrixConsistency:
    """Consistency of one matrix of one expert (or of the aggregate)."""

    matrix: str
    expert: str
    result: ahp.AhpResult

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "matrix": self.matrix,
            "expert": self.expert,
            "n": r.n,
            "lambda_max": r.lambda_max,
            "ci": r.ci,
            "cr": r.cr,
            "ri": r.ri,
            "ri_table": r.ri_table,
            "acceptable": r.acceptable,
            "estimated_pairs": [
                {"pair": [a, b], "value": value} for a, b, value in r.estimated_pairs
            ],
        }


@dataclass(frozen=True)
class MatrixRevision:
    """A suggested change of one judgment: a[pair] from ``current`` to ``suggested``.

    For an expert's matrix the pair is oriented as the expert wrote it.
    """

    matrix: str
    expert: str
    pair: tuple[str, str]
    current: float
    suggested: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "matrix": self.matrix,
            "expert": self.expert,
            "pair": list(self.pair),
            "current": self.current,
            "suggested": self.suggested,
        }


@dataclass(frozen=True)
class AhpWeights:
    """AHP weights from several experts' judgments, with everything behind them.

    ``weights`` are global indicator weights g_i = W_f · w_i|f (Σ g_i = 1);
    ``families`` the family weights W_f; ``local`` the weights w_i|f within
    each family — all from the AIJ-aggregated matrices in ``aggregated``
    (keyed by matrix name).  ``consistency`` lists every expert's matrices,
    then the aggregates; ``revisions`` the suggested changes for each
    inconsistent one; ``warnings`` the inconsistencies that were allowed.
    """

    weights: Mapping[str, float]
    families: Mapping[str, float]
    local: Mapping[str, Mapping[str, float]]
    consistency: tuple[MatrixConsistency, ...]
    revisions: tuple[MatrixRevision, ...]
    aggregated: Mapping[str, ahp.AhpResult]
    experts: tuple[Expert, ...]
    warnings: tuple[str, ...]
    method: str
    ri_table: str
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (a contract with the CLI and the report)."""
        return {
            "weighting": "ahp",
            "weights": dict(self.weights),
            "families": dict(self.families),
            "consistency": [c.to_dict() for c in self.consistency],
            "revisions": [r.to_dict() for r in self.revisions],
        }


# --------------------------------------------------------------------------
# YAML with line numbers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """A YAML value with its line; ``text`` is a scalar's text as written."""

    value: Any  # dict[str, _Node] | list[_Node] | scalar
    line: int
    text: str = ""


class _Reader:
    """Reads one judgment file; knows the file name for every error."""

    def __init__(self, path: Path, *, aggregated: bool) -> None:
        self.path = path
        self.aggregated = aggregated

    def fail(self, what: str, hint: str, line: int | None, column: str | None) -> InputError:
        return InputError(what, hint, file=str(self.path), row=line, column=column)

    # -- document ---------------------------------------------------------

    def document(self) -> _Node:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise self.fail(
                "the judgment file does not exist", "check the path", None, None
            ) from None
        except UnicodeDecodeError as exc:
            raise self.fail(
                "the judgment file is not UTF-8 text", "save it as UTF-8", None, None
            ) from exc
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise self.fail(
                    "the judgment file is empty",
                    "start from criteria/judgments/expert_wang.yaml",
                    None,
                    None,
                )
            return self._tree(root, loader, "", root.start_mark.line + 1)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context
            if exc.problem and exc.context and exc.context_mark:
                problem += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
            raise self.fail(
                f"not valid YAML: {problem}",
                "check indentation, colons and brackets on this line",
                mark.line + 1 if mark else None,
                None,
            ) from None
        except yaml.YAMLError as exc:
            raise self.fail(f"not valid YAML: {exc}", "save the file as plain UTF-8 text",
                            None, None) from None
        finally:
            loader.dispose()

    def _tree(self, node: yaml.Node, loader: yaml.SafeLoader, path: str, line: int) -> _Node:
        """Convert a composed node; ``line`` is its key's line for a mapping value
        (where a reader looks for ``economy:``), else where the node starts."""
        if isinstance(node, yaml.MappingNode):
            out: dict[str, _Node] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, str):
                    raise self.fail("a key is not plain text", "write keys as words", line, path)
                key_path = f"{path}.{key}" if path else key
                if key in out:
                    raise self.fail(
                        f"key {key} is given twice (first at line {out[key].line})",
                        "merge the two blocks into one",
                        key_node.start_mark.line + 1,
                        key_path,
                    )
                out[key] = self._tree(value_node, loader, key_path,
                                      key_node.start_mark.line + 1)
            return _Node(out, line)
        if isinstance(node, yaml.SequenceNode):
            return _Node(
                [
                    self._tree(v, loader, f"{path}[{k}]", v.start_mark.line + 1)
                    for k, v in enumerate(node.value)
                ],
                line,
            )
        return _Node(loader.construct_object(node), line, str(node.value))

    # -- shapes -----------------------------------------------------------

    def mapping(
        self,
        node: _Node,
        path: str,
        allowed: Sequence[str],
        required: Sequence[str] = (),
        *,
        unknown: str = "unknown key {key}",
        unknown_hint: str = "",
    ) -> dict[str, _Node]:
        if not isinstance(node.value, dict):
            raise self.fail(
                f"expected a mapping with keys {', '.join(allowed)}",
                "write key: value lines under this key",
                node.line,
                path,
            )
        for key, child in node.value.items():
            if key not in allowed:
                raise self.fail(
                    unknown.format(key=key),
                    unknown_hint or f"the keys here are {', '.join(allowed)}",
                    child.line,
                    f"{path}.{key}" if path else key,
                )
        for key in required:
            if key not in node.value:
                raise self.fail(
                    f"key {key} is missing", f"add {key}: under {path or 'the top level'}",
                    node.line, path or None,
                )
        return node.value

    def sequence(self, node: _Node, path: str, what: str) -> list[_Node]:
        if not isinstance(node.value, list):
            raise self.fail(f"expected a list of {what}", "write it as [...] or - lines",
                            node.line, path)
        return node.value

    def identifier(self, node: _Node, path: str) -> str:
        if not isinstance(node.value, str) or not node.value:
            shown = "an empty value" if node.value in (None, "") else f"{node.text!r}"
            raise self.fail(f"{shown} is not an id", "write the id as plain text",
                            node.line, path)
        return node.value

    def number(self, node: _Node, path: str, what: str, hint: str) -> float:
        """A positive number written as 3, 0.5 or "1/3" — never evaluated as code."""
        raw, text = node.value, node.text
        value: float | None = None
        if isinstance(raw, bool) or raw is None:
            value = None
        elif isinstance(raw, int | float):
            value = float(raw)
        elif isinstance(raw, str):
            try:
                value = float(Fraction(raw))
            except (ValueError, ZeroDivisionError):
                value = None
        if value is None or not math.isfinite(value):
            if raw is None:
                problem = f"{what} is empty"
            elif isinstance(raw, list | dict):
                problem = f"{what} is a {'list' if isinstance(raw, list) else 'mapping'}"
            else:
                problem = f"{what} {text!r} is not a number"
            raise self.fail(
                problem,
                "write a number such as 3 or a fraction such as 1/3",
                node.line,
                path,
            )
        if value <= 0:
            raise self.fail(f"{what} {text} is not positive", hint, node.line, path)
        return value

    def judgment(self, node: _Node, path: str) -> float:
        value = self.number(
            node, path, "value",
            "judgments are ratios: 1 = equally important, 3 or 1/3 = moderately more or less",
        )
        if not self.aggregated and not ahp.on_saaty_scale(value):
            nearest = ahp.saaty_label(ahp.nearest_scale_value(value))
            raise self.fail(
                f"value {node.text} is not on the Saaty scale (1–9 and 1/2–1/9)",
                f"use a whole number from 1 to 9 or its reciprocal; the nearest is {nearest}",
                node.line,
                path,
            )
        return value


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

    ``families`` are the family ids in criteria order and ``indicators`` maps
    each family id to its indicator ids.  ``aggregated`` accepts values off
    the Saaty scale (for matrices that are already group averages).  Raises
    :class:`~evalkit.errors.InputError` naming the file, line and key path.
    """
    family_ids = tuple(families)
    indicator_ids = {f: tuple(indicators.get(f, ())) for f in family_ids}
    if set(indicators) != set(family_ids) or not all(indicator_ids.values()):
        raise ValueError("every family needs a non-empty list of indicators, and only families")
    reader = _Reader(Path(path), aggregated=aggregated)
    root = reader.document()
    top = reader.mapping(root, "", ("expert", "families", "indicators"), required=("expert",))

    expert, name_line = _expert(reader, top["expert"])
    family_matrix = _matrix_block(
        reader, top.get("families"), "families", family_ids, "families", None, {}
    )
    blocks: dict[str, _Node] = {}
    indicators_line = None
    if "indicators" in top:
        indicators_line = top["indicators"].line
        blocks = reader.mapping(
            top["indicators"], "indicators", family_ids,
            unknown="unknown family {key} under indicators",
            unknown_hint=_id_hint("families", family_ids),
        )
    owner = {i: f for f, ids in indicator_ids.items() for i in ids}
    matrices = {}
    for family in family_ids:
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
    return ExpertJudgments(
        file=str(path),
        expert=expert,
        families=family_matrix,
        indicators=matrices,
        family_ids=family_ids,
        indicator_ids=indicator_ids,
        name_line=name_line,
    )


def load_judgments_dir(
    directory: str | PathLike[str],
    families: Sequence[str],
    indicators: Mapping[str, Sequence[str]],
    *,
    aggregated: bool = False,
) -> list[ExpertJudgments]:
    """Load every ``*.yaml`` / ``*.yml`` file of a directory (sorted by name)."""
    folder = Path(directory)
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not paths:
        raise InputError(
            "no judgment files (*.yaml) found",
            "add one file per expert, like criteria/judgments/expert_wang.yaml",
            file=str(folder),
        )
    return [load_judgments(p, families, indicators, aggregated=aggregated) for p in paths]


def _expert(reader: _Reader, node: _Node) -> tuple[Expert, int]:
    fields = reader.mapping(node, "expert", ("name", "role", "weight"), required=("name",))
    name_node = fields["name"]
    name = name_node.value
    if not isinstance(name, str) or not name.strip():
        raise reader.fail("the expert has no name", "write expert: {name: 王建国, ...}",
                          name_node.line, "expert.name")
    role = ""
    if "role" in fields:
        role_node = fields["role"]
        if not isinstance(role_node.value, str):
            raise reader.fail("the role is not text", "write the expert's post, e.g. 规划院总工",
                              role_node.line, "expert.role")
        role = role_node.value
    weight = 1.0
    if "weight" in fields:
        weight = reader.number(
            fields["weight"], "expert.weight", "weight",
            "give the expert's weight as a positive number, e.g. 1; leave the file out "
            "to leave the expert out",
        )
    return Expert(name.strip(), role, weight), name_node.line


def _matrix_block(
    reader: _Reader,
    node: _Node | None,
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
    if node is not None:
        line = node.line
        block = reader.mapping(node, name, ("pairs", "matrix"))
        if "pairs" in block and "matrix" in block:
            raise reader.fail("both pairs and matrix are given", "keep one of them",
                              block["matrix"].line, f"{name}.matrix")
        if "pairs" in block:
            _read_pairs(reader, block["pairs"], f"{name}.pairs", items, kind, owner,
                        values, sources)
        elif "matrix" in block:
            _read_matrix(reader, block["matrix"], f"{name}.matrix", items, kind, owner,
                         values, sources)
    matrix = JudgmentMatrix(name, items, tuple(map(tuple, values)), sources, line)
    _check_connected(reader, matrix, line if line is not None else parent_line)
    return matrix


def _resolve(
    reader: _Reader,
    node: _Node,
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
    reader: _Reader,
    node: _Node,
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
                    f"{ahp.saaty_label(values[j, i])} at line {first.row}",
                    f"keep one of them; consistent with line {first.row} would be "
                    f"{ahp.saaty_label(1 / values[j, i])}",
                    pair["value"].line,
                    f"{here}.value",
                )
            continue
        values[i, j], values[j, i] = value, 1.0 / value
        sources[(i, j)] = Source(f"{here}.value", pair["value"].line)
        sources[(j, i)] = Source(f"{here}.value", pair["value"].line, flipped=True)


def _read_matrix(
    reader: _Reader,
    node: _Node,
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
        checked = ahp.validate_matrix(values, items, aggregated=reader.aggregated)
    except ahp.MatrixError as exc:
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


def _check_connected(reader: _Reader, matrix: JudgmentMatrix, line: int | None) -> None:
    groups = ahp.comparison_groups(matrix.array, matrix.items)
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


# --------------------------------------------------------------------------
# Consistency and weights
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Assessment:
    matrix: JudgmentMatrix
    result: ahp.AhpResult
    repair: ahp.Repair | None


def _assess(
    matrix: JudgmentMatrix, method: str, ri_table: str, threshold: float
) -> _Assessment:
    # Values were validated on loading (or are aggregates), so the scale
    # check is not repeated here.
    values = matrix.array
    result = ahp.analyse(values, matrix.items, method=method, ri_table=ri_table,
                         threshold=threshold, aggregated=True)
    repair = None
    if not result.acceptable:
        repair = ahp.suggest_revisions(values, matrix.items, method=method, ri_table=ri_table,
                                       threshold=threshold, aggregated=True)
    return _Assessment(matrix, result, repair)


def _as_written(
    matrix: JudgmentMatrix, revision: ahp.Revision
) -> tuple[ahp.Revision, Source | None]:
    """Orient a revision the way the expert wrote the judgment."""
    i, j = (matrix.items.index(x) for x in revision.pair)
    source = matrix.sources.get((i, j))
    if source is not None and source.flipped:
        flipped = ahp.Revision((revision.pair[1], revision.pair[0]), 1 / revision.current,
                               1 / revision.suggested)
        return flipped, matrix.sources.get((j, i))
    return revision, source


def _inconsistency(a: _Assessment, expert: str, threshold: float) -> tuple[str, str]:
    """(what, hint) for an inconsistent matrix, naming the judgments to revise."""
    r = a.result
    what = (
        f"{a.matrix.name} of {expert} is inconsistent: CR = {r.cr:.3f} > {threshold:.2f} "
        f"(λmax = {r.lambda_max:.4f}, n = {r.n}, RI table {r.ri_table})"
    )
    repair = a.repair or ahp.Repair((), r.cr, r.cr, False, r.ri_table)
    steps = []
    for revision in repair.revisions:
        shown, source = _as_written(a.matrix, revision)
        where = f" ({source.column}, line {source.row})" if source else ""
        steps.append(
            f"{shown.pair[0]} vs {shown.pair[1]}{where} from "
            f"{ahp.saaty_label(shown.current)} to {ahp.saaty_label(shown.suggested)}"
        )
    if repair.acceptable:
        hint = f"revise {'; then '.join(steps)} (CR becomes {repair.cr_after:.3f})"
    else:
        hint = (
            f"even revising {'; '.join(steps) or 'nothing'} leaves CR = {repair.cr_after:.3f}; "
            "ask the expert to redo these comparisons"
        )
    return what, hint + (", or pass --allow-inconsistent (allow_inconsistent: true in the "
                         "criteria set) to keep it")


def _expert_assessments(
    judgments: ExpertJudgments, method: str, ri_table: str, threshold: float
) -> list[_Assessment]:
    return [_assess(m, method, ri_table, threshold) for m in judgments.matrices()]


def _consistency_errors(
    judgments: ExpertJudgments, assessments: Sequence[_Assessment], threshold: float
) -> list[InputError]:
    errors = []
    for a in assessments:
        if not a.result.acceptable:
            what, hint = _inconsistency(a, f"expert {judgments.expert.name}", threshold)
            errors.append(InputError(what, hint, file=judgments.file, row=a.matrix.line,
                                     column=a.matrix.name))
    return errors


def _raise_first(errors: Sequence[InputError]) -> None:
    if not errors:
        return
    first = errors[0]
    if len(errors) > 1:
        others = ", ".join(str(e.column) for e in errors[1:])
        first = InputError(f"{first.what} (also inconsistent: {others})", first.hint,
                           file=first.file, row=first.row, column=first.column)
    raise first


def check_consistency(
    judgments: ExpertJudgments,
    *,
    method: str = ahp.DEFAULT_METHOD,
    ri_table: str = ahp.DEFAULT_RI_TABLE,
    threshold: float = ahp.DEFAULT_THRESHOLD,
    allow_inconsistent: bool = False,
) -> tuple[str, ...]:
    """Check CR ≤ ``threshold`` for every matrix of one expert.

    Raises :class:`~evalkit.errors.InputError` for the first inconsistent
    matrix (listing the others), naming the matrix, the expert, the
    judgments most responsible and the Saaty-scale values that would make it
    consistent (:func:`evalkit.ahp.suggest_revisions`).  With
    ``allow_inconsistent`` returns those messages as warnings instead.
    """
    assessments = _expert_assessments(judgments, method, ri_table, threshold)
    errors = _consistency_errors(judgments, assessments, threshold)
    if not allow_inconsistent:
        _raise_first(errors)
    return tuple(str(e) for e in errors)


def ahp_weights(
    experts: Sequence[ExpertJudgments],
    *,
    method: str = ahp.DEFAULT_METHOD,
    ri_table: str = ahp.DEFAULT_RI_TABLE,
    threshold: float = ahp.DEFAULT_THRESHOLD,
    allow_inconsistent: bool = False,
) -> AhpWeights:
    """Global indicator weights from several experts' judgments.

    Per matrix: each expert's consistency, then the AIJ aggregate (weighted
    geometric mean with the experts' weights, :func:`evalkit.ahp.aggregate`)
    and its consistency.  Family weights W_f and local weights w_i|f come from
    the aggregates; global weights are W_f · w_i|f.  An inconsistent matrix
    raises :class:`~evalkit.errors.InputError` unless ``allow_inconsistent``,
    in which case it is reported in ``warnings`` and ``revisions``.
    """
    if not experts:
        raise InputError("no experts' judgments", "give at least one judgment file")
    first = experts[0]
    seen: dict[str, str] = {}
    for e in experts:
        if e.family_ids != first.family_ids or dict(e.indicator_ids) != dict(first.indicator_ids):
            raise InputError(
                "the judgment files were checked against different criteria sets",
                "load every file with the same families and indicators",
                file=e.file,
            )
        if e.expert.name in seen:
            raise InputError(
                f"expert {e.expert.name} also gave the judgments in {seen[e.expert.name]}",
                "give each expert one file, or tell two experts apart by name",
                file=e.file, row=e.name_line, column="expert.name",
            )
        seen[e.expert.name] = e.file

    consistency: list[MatrixConsistency] = []
    revisions: list[MatrixRevision] = []
    errors: list[InputError] = []
    per_expert = [_expert_assessments(e, method, ri_table, threshold) for e in experts]
    for e, assessments in zip(experts, per_expert, strict=True):
        errors += _consistency_errors(e, assessments, threshold)
        for a in assessments:
            consistency.append(MatrixConsistency(a.matrix.name, e.expert.name, a.result))
            for revision in a.repair.revisions if a.repair else ():
                shown, _ = _as_written(a.matrix, revision)
                revisions.append(MatrixRevision(a.matrix.name, e.expert.name, shown.pair,
                                                shown.current, shown.suggested))
    if not allow_inconsistent:
        _raise_first(errors)

    expert_weights = [e.expert.weight for e in experts]
    aggregated: dict[str, ahp.AhpResult] = {}
    for k, template in enumerate(first.matrices()):
        combined = ahp.aggregate([per_expert[x][k].matrix.array for x in range(len(experts))],
                                 expert_weights)
        matrix = JudgmentMatrix(template.name, template.items, tuple(map(tuple, combined)))
        a = _assess(matrix, method, ri_table, threshold)
        aggregated[matrix.name] = a.result
        consistency.append(MatrixConsistency(matrix.name, AGGREGATE, a.result))
        if a.repair is not None:
            what, hint = _inconsistency(a, "the experts' aggregate", threshold)
            errors.append(InputError(what, hint, column=matrix.name))
            revisions += [
                MatrixRevision(matrix.name, AGGREGATE, r.pair, r.current, r.suggested)
                for r in a.repair.revisions
            ]
    if not allow_inconsistent:
        _raise_first(errors)

    families = aggregated["families"].weights_by_item
    local = {
        f: (aggregated[f"indicators.{f}"].weights_by_item
            if f"indicators.{f}" in aggregated else {first.indicator_ids[f][0]: 1.0})
        for f in first.family_ids
    }
    return AhpWeights(
        weights=ahp.global_weights(families, local),
        families=families,
        local=local,
        consistency=tuple(consistency),
        revisions=tuple(revisions),
        aggregated=aggregated,
        experts=tuple(e.expert for e in experts),
        warnings=tuple(str(e) for e in errors),
        method=method,
        ri_table=ri_table,
        threshold=threshold,
    )
