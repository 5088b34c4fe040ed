"""A formatted workbook, sheet by sheet: headers in bold on a frozen row, number formats,
column widths fitted to what is shown (a CJK character counts double), a cover sheet,
and the same bytes for the same content (:func:`evalkit.io.output.workbook_bytes`).

The content modules (:mod:`.ranking`, :mod:`.weights`, :mod:`.selection`,
:mod:`.robustness`) describe their tables with :class:`Column` and :class:`Table`;
this module lays them out.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evalkit.io.output import escape_formula, workbook_bytes

CLOSENESS = "0.0000"
"""Closeness C, D+, D−, normalised values, λmax, CI, CR."""
WEIGHT = "0.0000"
PERCENT = "0.00%"
"""Shares: obstacle degrees, acceptability indices, top-k shares, core index."""
MONEY = "0.00"
"""亿元 (the unit is in the header)."""
VALUE = "0.00"
"""An indicator's value in its own unit."""
COUNT = "0"
"""Ranks, towns, persons, years."""
TEXT = "@"

MIN_WIDTH, MAX_WIDTH = 6, 60
"""Column widths, in characters of a Latin digit."""


@dataclass(frozen=True)
class Column:
    """A column: its header (Chinese, with the unit) and the number format of its cells."""

    header: str
    number_format: str | None = None


@dataclass(frozen=True)
class Num:
    """A number with its own format, for a column whose rows differ (亿元 beside persons)."""

    value: float | None
    number_format: str


@dataclass(frozen=True)
class Table:
    """A header row and its rows; ``title`` (optional) is a line in bold above the header."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    title: str = ""


@dataclass
class Sheet:
    """A sheet of one or more tables, one under the other with a blank row between.

    The first table's header row is frozen, with the first ``frozen_columns``
    columns (the town's id and name, say) beside it.
    """

    name: str
    tables: list[Table] = field(default_factory=list)
    frozen_columns: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cover:
    """What the cover sheet (封面) says: the command, its inputs, the version and the methods.

    ``inputs`` are (role, file name, SHA-256) rows; ``methods`` and ``facts``
    (label, value) rows; ``sheets`` (sheet, what it holds) rows.
    """

    title: str
    command: str
    version: str
    inputs: Sequence[tuple[str, str, str]]
    methods: Sequence[tuple[str, str]]
    sheets: Sequence[tuple[str, str]] = ()
    warnings: Sequence[str] = ()


def build(cover: Cover, sheets: Sequence[Sheet]) -> bytes:
    """The workbook: the cover sheet, then ``sheets`` in order, as reproducible bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    listed = list(cover.sheets) or [(s.name, "") for s in sheets]
    _cover(workbook.create_sheet("封面"), cover, listed)
    for sheet in sheets:
        _sheet(workbook.create_sheet(sheet.name[:31]), sheet)
    return workbook_bytes(workbook)


def _cover(ws: Any, cover: Cover, sheets: Sequence[tuple[str, str]]) -> None:
    from openpyxl.styles import Font

    rows: list[list[Any]] = [[cover.title], [],
                             ["命令", cover.command], ["evalkit 版本", cover.version], []]
    bold = [1]
    bold.append(len(rows) + 1)
    rows.append(["输入文件", "文件名", "SHA-256"])
    rows += [[role, name, digest] for role, name, digest in cover.inputs]
    rows.append([])
    bold.append(len(rows) + 1)
    rows.append(["方法", "设置"])
    rows += [[label, value] for label, value in cover.methods]
    rows.append([])
    bold.append(len(rows) + 1)
    rows.append(["工作表", "内容"])
    rows += [[name, what] for name, what in sheets]
    if cover.warnings:
        rows.append([])
        bold.append(len(rows) + 1)
        rows.append(["警告"])
        rows += [["", w] for w in cover.warnings]
    for row in rows:
        ws.append([escape_formula(v) for v in row])
    for r in bold:
        for cell in ws[r]:
            cell.font = Font(bold=True, size=14 if r == 1 else 11)
    widths = [shown_width(row[0]) for row in rows[1:] if row] + [12]
    ws.column_dimensions["A"].width = min(max(widths) + 2, 24)
    ws.column_dimensions["B"].width = min(max([shown_width(row[1]) for row in rows if len(row) > 1]
                                              + [12]) + 2, 80)
    ws.column_dimensions["C"].width = 66
    ws.freeze_panes = "A2"


def _sheet(ws: Any, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    head_border = Border(bottom=Side(style="thin"))
    widths: dict[int, int] = {}
    row = 1
    frozen: int | None = None
    for table in sheet.tables:
        if table.title:
            ws.cell(row=row, column=1, value=escape_formula(table.title)).font = head_font
            row += 1
        for j, column in enumerate(table.columns, start=1):
            cell = ws.cell(row=row, column=j, value=escape_formula(column.header))
            cell.font, cell.fill, cell.border = head_font, head_fill, head_border
            cell.alignment = Alignment(horizontal="center", vertical="center")
            widths[j] = max(widths.get(j, 0), shown_width(column.header))
        if frozen is None:
            frozen = row
        row += 1
        for values in table.rows:
            for j, (value, column) in enumerate(zip(values, table.columns, strict=True), start=1):
                number_format = column.number_format
                if isinstance(value, Num):
                    number_format = value.number_format
                    value = value.value
                value = _plain(value)
                cell = ws.cell(row=row, column=j, value=escape_formula(value))
                if number_format and isinstance(value, int | float) and not isinstance(value, bool):
                    cell.number_format = number_format
                widths[j] = max(widths.get(j, 0), shown_width(value, number_format))
            row += 1
        row += 1
    for note in sheet.notes:
        ws.cell(row=row, column=1, value=escape_formula(note))
        row += 1
    for j, width in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, MIN_WIDTH),
                                                               MAX_WIDTH)
    if frozen is not None:
        ws.freeze_panes = ws.cell(row=frozen + 1, column=sheet.frozen_columns + 1).coordinate


def _plain(value: Any) -> Any:
    """A cell value: numpy numbers as Python ones, NaN and infinities as empty cells."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def shown_width(value: Any, number_format: str | None = None) -> int:
    """How wide ``value`` is shown, in Latin-digit widths (a CJK character is two)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        text = shown_number(value, number_format)
    else:
        text = str(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.splitlines() or [""]), default=0)


def shown_number(value: float, number_format: str | None) -> str:
    """A number as a spreadsheet shows it with one of this module's formats."""
    if number_format is None or number_format == "General":
        return f"{value:.10g}"
    if number_format.endswith("%"):
        decimals = len(number_format.rstrip("%").partition(".")[2])
        return f"{100 * value:.{decimals}f}%"
    decimals = len(number_format.partition(".")[2])
    return f"{value:.{decimals}f}"
