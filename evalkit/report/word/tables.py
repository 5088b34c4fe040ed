"""HTML tables as Word tables: real rows and cells, header rows repeated, three-line rules.

Each ``tr`` is a row and each ``td``/``th`` a cell (``colspan``/``rowspan``
become Word's own spans, nothing else is merged); ``thead`` rows repeat on
every page (``w:tblHeader``) and no row breaks across pages.  Column widths
come from ``colgroup``/``col`` or the first row's ``style="width:…%"``, the
rest share what is left.  The rules follow the PDF's 三线表: a heavy rule
above and below, a thin one under the header.  A ``keep`` table stays on
one page, as in the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import _Cell, _Row

from evalkit.report.word.ooxml import border, child
from evalkit.report.word.tree import Node

_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([\d.]+)\s*%")

TWIPS_PER_MM = 1440 / 25.4


@dataclass(frozen=True)
class Cell:
    """An HTML cell placed in the table's grid."""

    node: Node
    tr: Node
    row: int
    column: int
    rows: int
    columns: int
    head: bool  # in thead


def _span(node: Node, name: str) -> int:
    try:
        return max(1, min(int(node.attrs.get(name, "1")), 1000))
    except ValueError:
        return 1


def rows_of(table: Node) -> list[tuple[Node, bool]]:
    """The table's rows in order, each with whether it is a header row (``thead``)."""
    out: list[tuple[Node, bool]] = []
    for part in table.elements():
        if part.tag == "tr":
            out.append((part, False))
        elif part.tag in ("thead", "tbody", "tfoot"):
            out += [(row, part.tag == "thead") for row in part.elements() if row.tag == "tr"]
    return out


def layout(rows: list[tuple[Node, bool]]) -> tuple[list[Cell], int]:
    """Cells in grid positions (row and column spans honoured) and the number of columns."""
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    width = 0
    for r, (row, head) in enumerate(rows):
        c = 0
        for node in row.elements():
            if node.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            down = min(_span(node, "rowspan"), len(rows) - r)
            across = _span(node, "colspan")
            cells.append(Cell(node, row, r, c, down, across, head))
            taken.update((r + i, c + j) for i in range(down) for j in range(across))
            c += across
        width = max([width, c] + [j + 1 for (i, j) in taken if i == r])
    return cells, max(width, 1)


def column_shares(table: Node, cells: list[Cell], columns: int) -> list[float]:
    """Each column's share of the table width, from ``col`` or the first row's cell widths."""
    given: list[float | None] = [None] * columns
    group = table.find("colgroup")
    if group is not None:
        index = 0
        for col in group.elements():
            if col.tag != "col":
                continue
            match = _WIDTH.search(col.attrs.get("style", ""))
            for _ in range(_span(col, "span")):
                if index < columns and match:
                    given[index] = float(match.group(1))
                index += 1
    for cell in cells:
        if cell.row == 0 and cell.columns == 1 and given[cell.column] is None:
            match = _WIDTH.search(cell.node.attrs.get("style", ""))
            if match:
                given[cell.column] = float(match.group(1))
    known = sum(w for w in given if w is not None)
    missing = [i for i, w in enumerate(given) if w is None]
    rest = max(100.0 - known, 6.0 * len(missing)) / len(missing) if missing else 0.0
    shares = [w if w is not None else rest for w in given]
    total = sum(shares) or 1.0
    return [s / total for s in shares]


Filler = Callable[[Any, Node, Cell, float], None]
"""Fills a Word cell from an HTML cell: (word cell, html cell, its place, its width in mm)."""


def add_table(container: Any, table: Node, width_mm: float, fill: Filler) -> Any:
    """The HTML ``table`` (without its caption) as a Word table appended to ``container``.

    Spans are written as Word writes them (``w:gridSpan`` across, ``w:vMerge``
    down), straight into the XML: python-docx's cell lookup walks the whole
    grid for every cell, which made a large table take seconds.
    """
    rows = rows_of(table)
    cells, columns = layout(rows)
    if not rows:
        return None
    classes = table.classes
    scale = 0.72 if "meta" in classes else 1.0
    total_mm = width_mm * scale
    shares = column_shares(table, cells, columns)
    widths = [Mm(total_mm * s) for s in shares]
    word = container.add_table(rows=len(rows), cols=columns, width=Mm(total_mm))
    word.autofit = False
    word.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblpr = word._tbl.tblPr
    child(tblpr, "tblW", w=round(5000 * scale), type="pct")
    child(tblpr, "tblLayout", type="fixed")
    margins = child(tblpr, "tblCellMar")
    for side, mm in (("top", 0.6), ("left", 1.4), ("bottom", 0.6), ("right", 1.4)):
        child(margins, side, w=round(mm * TWIPS_PER_MM), type="dxa")
    for index, grid_column in enumerate(word._tbl.tblGrid.gridCol_lst):
        grid_column.w = widths[index]
    _rules(word, classes)

    trs = list(word._tbl.tr_lst)
    grid = [list(tr.tc_lst) for tr in trs]
    for tcs in grid:
        for c, tc in enumerate(tcs):
            tc.width = widths[c]
    head_rows = {c.row for c in cells if c.head}
    for index in range(len(rows)):
        row = _Row(trs[index], word)
        trpr = trs[index].get_or_add_trPr()
        child(trpr, "cantSplit")
        if index in head_rows:
            child(trpr, "tblHeader")
        if "approval" in classes and index not in head_rows:
            row.height, row.height_rule = Mm(17), WD_ROW_HEIGHT_RULE.AT_LEAST

    for cell in cells:
        span_mm = total_mm * sum(shares[cell.column:cell.column + cell.columns])
        for r in range(cell.row, cell.row + cell.rows):
            tc = grid[r][cell.column]
            if cell.columns > 1:
                child(tc.get_or_add_tcPr(), "gridSpan", val=cell.columns)
                for extra in grid[r][cell.column + 1:cell.column + cell.columns]:
                    if extra.getparent() is not None:
                        extra.getparent().remove(extra)
            if cell.rows > 1:
                child(tc.get_or_add_tcPr(), "vMerge")
                if r == cell.row:
                    child(tc.get_or_add_tcPr(), "vMerge", val="restart")
            tc.width = Mm(span_mm)
        target = _Cell(grid[cell.row][cell.column], word)
        target.vertical_alignment = _valign(cell, classes)
        _cell_rules(target, cell, classes, rows[cell.row][0], len(head_rows))
        fill(target, cell.node, cell, span_mm)

    if "keep" in classes or "approval" in classes:
        for tr in trs[:-1]:
            for paragraph in tr.iter(qn("w:p")):
                child(paragraph.get_or_add_pPr(), "keepNext")
    return word


def _valign(cell: Cell, classes: frozenset[str]) -> Any:
    if "approval" in classes and not cell.head:
        return WD_CELL_VERTICAL_ALIGNMENT.BOTTOM if cell.node.tag == "td" \
            else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if cell.head:
        return WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    return WD_CELL_VERTICAL_ALIGNMENT.TOP


def _rules(word: Any, classes: frozenset[str]) -> None:
    """The table's own rules: heavy above and below (三线表), none on the cover's table."""
    tblpr = word._tbl.tblPr
    if "meta" in classes:
        border(tblpr, "tblBorders", ("top", "left", "bottom", "right", "insideH", "insideV"),
               val="nil")
        return
    border(tblpr, "tblBorders", ("top", "bottom"), size=1.25)
    border(tblpr, "tblBorders", ("left", "right", "insideH", "insideV"), val="nil")


def _cell_rules(target: Any, cell: Cell, classes: frozenset[str], tr: Node,
                head_rows: int) -> None:
    """Rules of one cell: under the header, above totals and groups, the lines to sign on."""
    rules: list[tuple[str, float, str]] = []
    last_row = cell.row + cell.rows - 1
    if cell.head and last_row == head_rows - 1:
        rules.append(("bottom", 0.75, "000000"))
    if "total" in tr.classes:
        rules.append(("top", 0.75, "000000"))
    elif ("group" in tr.classes or "mtitle" in tr.classes) and cell.row > head_rows:
        rules.append(("top", 0.5, "999999"))
    if "mhead" in tr.classes:
        rules.append(("bottom", 0.5, "999999"))
    if cell.node.tag == "td" and ("meta" in classes or ("approval" in classes and not cell.head)):
        rules.append(("bottom", 0.5, "999999"))
    for side, size, color in rules:
        border(target._tc.get_or_add_tcPr(), "tcBorders", (side,), size=size, color=color)


def font_size(columns: int, classes: frozenset[str]) -> float:
    """Type size in a table: 五号 (10.5 pt) for narrow tables, smaller for wide ones."""
    if "matrices" in classes:
        return 8.0
    if "meta" in classes or "approval" in classes:
        return 12.0 if "meta" in classes else 10.5
    return 10.5 if columns <= 4 else 9.0 if columns <= 7 else 8.0


def box(container: Any, width_mm: float, *, color: str, size: float,
        height_mm: float | None = None) -> Any:
    """A one-cell bordered table: a box around blocks (summary box, notice, opinion field)."""
    word = container.add_table(rows=1, cols=1, width=Mm(width_mm))
    word.autofit = False
    tblpr = word._tbl.tblPr
    child(tblpr, "tblW", w=5000, type="pct")
    child(tblpr, "tblLayout", type="fixed")
    border(tblpr, "tblBorders", ("top", "left", "bottom", "right"), size=size, color=color)
    margins = child(tblpr, "tblCellMar")
    for side, mm in (("top", 1.5), ("left", 2.5), ("bottom", 1.0), ("right", 2.5)):
        child(margins, side, w=round(mm * TWIPS_PER_MM), type="dxa")
    word.cell(0, 0).width = Mm(width_mm)
    if height_mm is not None:
        word.rows[0].height, word.rows[0].height_rule = Mm(height_mm), WD_ROW_HEIGHT_RULE.AT_LEAST
    return word.cell(0, 0)


