"""HTML tables as Word tables: real rows and cells, header rows repeated, three-line rules.

Each ``tr`` is a row and each ``td``/``th`` a cell (``colspan``/``rowspan``
become Word's own spans, nothing else is merged); ``thead`` rows repeat on
every page (``w:tblHeader``) and no row breaks across pages.  Column widths
come from ``colgroup``/``col`` or the first row's ``style="width:…%"``, the
rest share what is left; then a column too narrow for its header's words or
for a number (:func:`~evalkit.report.breaks.pieces`) takes width from
the columns that have room.  The rules follow the PDF's 三线表: a heavy rule
above and below, a thin one under the header.  A ``keep`` table stays on
one page, as in the PDF.

A table whose body rows are headed by labels — a row whose one cell spans
every column, as the judgment matrices' 准则层 rows — is split at them
(:func:`label_groups`): each label a paragraph, each group a table of its
own whose row of ``th`` cells repeats, so no cell is merged and every table
has its header on each page.
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

from evalkit.report.breaks import (
    HEAD_WORD,
    HEAD_WORD_ROOM,
    keep_units,
    piece_em,
    pieces,
    unbreakable,
    width_em,
)
from evalkit.report.word.markup import BLOCK_TAGS, NOWRAP_CELLS, SKIP_TAGS
from evalkit.report.word.ooxml import border, child
from evalkit.report.word.tree import SPACE, Node

_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([\d.]+)\s*%")

TWIPS_PER_MM = 1440 / 25.4
MM_PER_PT = 25.4 / 72
CELL_PADDING_MM = 2 * 1.4 + 1.0
"""A cell's left and right margins (``tblCellMar``) and a little room to spare."""
SOURCE_PT = 8.0


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


_NUMERIC = re.compile(r"^[^A-Za-z]*\d[^A-Za-z]*$")
"""A number (with its unit, or a range): in a body cell only these stay whole; other words
may wrap anywhere there, as the PDF's ``overflow-wrap: anywhere``."""


def _widest_em(node: Node, size: float, *, head: bool, word: int, nowrap: bool = False,
               scale: float = 1.0) -> float:
    """The widest piece of ``node``'s text that must not break, in em of ``size``: a header's
    words, a number with its unit, a ``nowrap`` cell's whole text."""
    nowrap = nowrap or node.has("nowrap") or (node.tag == "td" and bool(node.classes & NOWRAP_CELLS))
    if node.has("source"):
        scale = SOURCE_PT / size
    widest, whole = 0.0, []
    for item in node.children:
        if isinstance(item, str):
            text = SPACE.sub(" ", item)
            if nowrap:
                whole.append(text)
            else:
                widest = max([widest] + [piece_em(p, head=head, word=word) * scale
                                         for p in pieces(keep_units(text), head=head)
                                         if head or _NUMERIC.search(p)])
        elif item.tag in SKIP_TAGS:
            continue
        elif nowrap and item.tag not in BLOCK_TAGS and not item.has("source"):
            whole.append(item.text())
        else:
            widest = max(widest, _widest_em(item, size, head=head, word=word, nowrap=nowrap,
                                            scale=scale))
    if whole:
        widest = max(widest, width_em(unbreakable("".join(whole).strip())) * scale)
    return widest


def fit_widths(widths: list[float], needs: list[float]) -> list[float]:
    """``widths`` with each column at least its ``need``, the difference taken from the columns
    with room in proportion to their room; when all needs do not fit, widths by need."""
    total = sum(widths)
    if sum(needs) > total:
        return [total * n / sum(needs) for n in needs]
    short = sum(max(0.0, n - w) for w, n in zip(widths, needs, strict=True))
    room = sum(max(0.0, w - n) for w, n in zip(widths, needs, strict=True))
    if short == 0 or room == 0:
        return list(widths)
    return [n if w <= n else w - short * (w - n) / room for w, n in zip(widths, needs, strict=True)]


def column_widths(table: Node, cells: list[Cell], columns: int, width_mm: float,
                  size: float) -> list[float]:
    """Each column's width in mm: the HTML's shares, widened where a header word or a number
    would otherwise break (the cover's layout table keeps the HTML's)."""
    total_mm = width_mm * (0.72 if "meta" in table.classes else 1.0)
    widths = [total_mm * s for s in column_shares(table, cells, columns)]
    if "meta" in table.classes:
        return widths
    for word in (HEAD_WORD_ROOM, HEAD_WORD):  # a long header word whole, if there is room
        needs = [0.0] * columns
        for cell in cells:
            if cell.columns == 1:
                head = cell.head or cell.node.tag == "th"
                em = _widest_em(cell.node, size, head=head, word=word)
                needs[cell.column] = max(needs[cell.column],
                                         em * size * MM_PER_PT + CELL_PADDING_MM if em else 0.0)
        if sum(needs) <= total_mm:
            break
    return fit_widths(widths, needs)


def label_groups(rows: list[tuple[Node, bool]], cells: list[Cell], columns: int
                 ) -> list[tuple[Node | None, list[tuple[Node, bool]]]]:
    """The rows split at labels (a body row whose one cell spans every column), each group with
    its label; a group's first row of ``th`` cells is its header.  One group, without label,
    for a table that has none."""
    labels = {c.row: c.node for c in cells
              if c.columns == columns > 1 and not c.head and c.column == 0}
    labels = {r: node for r, node in labels.items()
              if sum(1 for c in cells if c.row == r) == 1}
    if not labels:
        return [(None, rows)]
    groups: list[tuple[Node | None, list[tuple[Node, bool]]]] = []
    for index, (tr, head) in enumerate(rows):
        if index in labels:
            groups.append((labels[index], []))
        elif not groups:
            groups.append((None, [(tr, head)]))
        else:
            groups[-1][1].append((tr, head))
    out: list[tuple[Node | None, list[tuple[Node, bool]]]] = []
    for label, group in groups:
        cells_of = [[n for n in tr.elements() if n.tag in ("td", "th")] for tr, _ in group]
        if group and not any(h for _, h in group) and cells_of[0] and \
                all(n.tag == "th" for n in cells_of[0]):
            group = [(group[0][0], True), *group[1:]]
        out.append((label, group))
    return out


Filler = Callable[[Any, Node, Cell, float], None]
"""Fills a Word cell from an HTML cell: (word cell, html cell, its place, its width in mm)."""


def add_table(container: Any, table: Node, rows: list[tuple[Node, bool]], widths_mm: list[float],
              fill: Filler, *, rules: tuple[str, ...] = ("top", "bottom"),
              keep: bool = False) -> Any:
    """The HTML ``table``'s ``rows`` as a Word table appended to ``container``.

    ``widths_mm`` are the columns' widths (:func:`column_widths`); ``rules`` the
    heavy rules drawn (above, below); ``keep`` keeps the rows on one page.
    Spans are written as Word writes them (``w:gridSpan`` across, ``w:vMerge``
    down), straight into the XML: python-docx's cell lookup walks the whole
    grid for every cell, which made a large table take seconds.
    """
    cells, columns = layout(rows)
    if not rows:
        return None
    classes = table.classes
    total_mm = sum(widths_mm) or 1.0
    scale = 0.72 if "meta" in classes else 1.0
    shares = [w / total_mm for w in widths_mm]
    widths = [Mm(w) for w in widths_mm]
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
    _rules(word, classes, rules)

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

    if keep or "keep" in classes or "approval" in classes:
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


def _rules(word: Any, classes: frozenset[str], heavy: tuple[str, ...]) -> None:
    """The table's own rules: heavy above and below (三线表, the sides in ``heavy``), none on the
    cover's table."""
    tblpr = word._tbl.tblPr
    if "meta" in classes:
        border(tblpr, "tblBorders", ("top", "left", "bottom", "right", "insideH", "insideV"),
               val="nil")
        return
    if heavy:
        border(tblpr, "tblBorders", heavy, size=1.25)
    none = tuple(side for side in ("top", "left", "bottom", "right", "insideH", "insideV")
                 if side not in heavy)
    border(tblpr, "tblBorders", none, val="nil")


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


