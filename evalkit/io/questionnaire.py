"""The experts' AHP questionnaire as an Excel workbook: written blank, read back filled.

One workbook per expert.  It holds an instructions sheet (说明), the expert's
particulars (专家信息: name, role, unit, date, method, weight) and one sheet
per comparison matrix: ``families`` (the indicator families) and one sheet
per family with two or more indicators, named by the family id.  Each matrix
sheet lists every pair of its items, one a row, as "A 与 B 相比", with the
judgment chosen from a drop-down list (9 … 2, 1, 1/2 … 1/9: how many times
A is as important as B) and one reason cell for the whole matrix.

Every sheet says what it is in cell B2 (``expert``, ``families`` or
``indicators.<family id>``), and every pair row carries the ids of its two
items (columns D and E), so a workbook is read by what it says, not by the
order of its sheets or rows.

:func:`read_questionnaire` turns a filled workbook into the document a YAML
judgment file would give (:mod:`evalkit.methods.ahp.judgments` reads both):
a blank judgment cell is a comparison left out.  Each value of the document
carries a position number; :attr:`Questionnaire.cells` maps it to its cell
(``families!C5``), so every problem names the file, the sheet and the cell.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.files import check_input_file
from evalkit.io.output import escape_formula, reproducible_zip
from evalkit.io.sheets import open_workbook
from evalkit.io.yamlfile import MappingNode, SequenceNode

__all__ = ["SCALE", "MatrixSpec", "Questionnaire", "questionnaire_bytes", "read_questionnaire"]

SCALE = ("9", "8", "7", "6", "5", "4", "3", "2", "1",
         "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9")
"""The judgments offered in each drop-down list, A far more important first."""
MEANINGS = {"9": "A 比 B 极端重要", "7": "A 比 B 强烈重要", "5": "A 比 B 明显重要",
            "3": "A 比 B 稍微重要", "1": "A 与 B 同等重要", "1/3": "B 比 A 稍微重要",
            "1/5": "B 比 A 明显重要", "1/7": "B 比 A 强烈重要", "1/9": "B 比 A 极端重要"}
"""What the odd judgments mean (2, 4, 6, 8 and their reciprocals lie between)."""
EXPERT_SHEET = "专家信息"
INSTRUCTIONS_SHEET = "说明"
KEY_CELL = "B2"
"""The cell of every sheet that says what the sheet holds."""
FIRST_PAIR_ROW = 5
"""The row of a matrix sheet's first pair (header on the row above)."""
JUDGMENT, A_ID, B_ID = 3, 4, 5
"""Columns (1-based) of a pair row: the judgment and the two items' ids."""
REASON_ROW = 3
EXPERT_FIELDS = (("name", "姓名 Name"), ("role", "职务/职称 Title"), ("unit", "单位 Unit"),
                 ("date", "日期 Date (YYYY-MM-DD)"), ("method", "方式 Method"),
                 ("weight", "权重 Weight (项目组填写, 默认 1)"),
                 ("name_en", "英文姓名 Name in English (可选)"),
                 ("role_en", "英文职务 Title in English (可选)"),
                 ("unit_en", "英文单位 Unit in English (可选)"))
"""The expert's particulars, each on its own row: key (column C) and label (column A)."""
METHODS = {"问卷": "questionnaire", "会议": "meeting", "访谈": "interview"}
"""Elicitation methods as offered in Chinese, and the word a judgment file uses."""
MAX_BYTES = 16 * 2**20
"""Largest questionnaire read (a filled one is some 20 KiB)."""
MAX_ROWS, MAX_COLUMNS = 2000, 12
"""Rows and columns of a sheet read: a matrix of 60 items has 1,770 pairs."""


@dataclass(frozen=True)
class MatrixSpec:
    """One comparison matrix: its name (``families`` or ``indicators.<family>``), its title
    (Chinese, English) and its items as ``(id, Chinese label, English label)``."""

    name: str
    title: tuple[str, str]
    items: tuple[tuple[str, str, str], ...]

    @property
    def sheet(self) -> str:
        """The sheet's name: ``families``, or the family id (cut to Excel's 31 characters)."""
        return self.name.removeprefix("indicators.")[:31]


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def questionnaire_bytes(matrices: Sequence[MatrixSpec], *, title: str, number: int) -> bytes:
    """A blank questionnaire for expert ``number`` over ``matrices`` (families first)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold, grey = Font(bold=True), Font(color="808080", size=9)
    fill = PatternFill("solid", fgColor="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    book = Workbook()
    intro = book.active
    intro.title = INSTRUCTIONS_SHEET
    _instructions(intro, title, matrices, bold, wrap)

    expert = book.create_sheet(EXPERT_SHEET)
    expert["A1"] = f"专家信息 / The expert — 专家 {number}"
    expert["A1"].font = Font(bold=True, size=13)
    expert["A2"], expert[KEY_CELL] = "表 / Sheet", "expert"
    for row, (key, label) in enumerate(EXPERT_FIELDS, start=3):
        expert.cell(row, 1, label).font = bold
        cell = expert.cell(row, 2)
        cell.fill = fill
        expert.cell(row, 3, key).font = grey
        if key == "date":
            cell.number_format = "yyyy-mm-dd"
        elif key == "method":
            cell.value = "问卷"
            methods = DataValidation(type="list", formula1=f'"{",".join(METHODS)}"',
                                     allow_blank=True)
            methods.add(cell)
            expert.add_data_validation(methods)
        elif key == "weight":
            cell.value = 1
    expert.column_dimensions["A"].width = 30
    expert.column_dimensions["B"].width = 36

    for spec in matrices:
        _matrix_sheet(book.create_sheet(spec.sheet), spec, bold, grey, fill, wrap)
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible_zip(buffer.getvalue())


def _instructions(sheet: Any, title: str, matrices: Sequence[MatrixSpec], bold: Any,
                  wrap: Any) -> None:
    pairs = sum(len(m.items) * (len(m.items) - 1) // 2 for m in matrices)
    lines = [
        f"{title} — 专家判断问卷（层次分析法 AHP）",
        "",
        f"1. 在“{EXPERT_SHEET}”表填写姓名、职务/职称、单位、日期和方式。",
        f"2. 每个比较表（共 {len(matrices)} 张，{pairs} 组比较）的每一行是“A 与 B 相比”："
        "在“判断值”列的下拉列表中选择一个数。",
        "   9、7、5、3：A 比 B 极端、强烈、明显、稍微重要；1：同等重要；",
        "   1/3、1/5、1/7、1/9：B 比 A 稍微、明显、强烈、极端重要；2、4、6、8 及其倒数介于其间。",
        "3. 拿不准的比较可以留空：留空的比较由其余判断估计，但每张表留空不宜过多。",
        "4. 在每张表的“判断理由”格写下您这样判断的主要理由（可选）。",
        "5. 请不要修改 B2 格、D 列和 E 列的编号，也不要改动表名。",
        "6. 填好后保存为 .xlsx，交回项目组；项目组把它放入 judgments 文件夹即可计算权重。",
        "",
        "English: pick one value per row from the drop-down list (how many times A is as "
        "important as B; 1/3 means B is moderately more important), leave a row blank if "
        "unsure, write a reason per sheet, fill in the expert sheet, and return the file.",
    ]
    for row, text in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, text)
        cell.alignment = wrap
    sheet["A1"].font = bold
    sheet.column_dimensions["A"].width = 110


def _matrix_sheet(sheet: Any, spec: MatrixSpec, bold: Any, grey: Any, fill: Any,
                  wrap: Any) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet["A1"] = f"{spec.title[0]} / {spec.title[1]}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells("A1:E1")
    sheet["A2"], sheet[KEY_CELL] = "比较组编号（请勿修改）/ Matrix id", spec.name
    sheet[KEY_CELL].font = grey
    sheet.cell(REASON_ROW, 1, "判断理由 / Reason").font = bold
    sheet.merge_cells(start_row=REASON_ROW, start_column=2, end_row=REASON_ROW, end_column=5)
    reason = sheet.cell(REASON_ROW, 2)
    reason.fill, reason.alignment = fill, wrap
    sheet.row_dimensions[REASON_ROW].height = 45
    header = ("序号 No.", "比较（A 与 B 相比）/ A compared with B", "判断值 Judgment",
              "A 编号 id", "B 编号 id")
    for column, text in enumerate(header, start=1):
        sheet.cell(FIRST_PAIR_ROW - 1, column, text).font = bold
    choices = DataValidation(
        type="list", formula1=f'"{",".join(SCALE)}"', allow_blank=True, showErrorMessage=True,
        errorTitle="请从列表中选择", error="请选择 9、8…2、1、1/2…1/9 中的一个值，或留空。",
        promptTitle="A 与 B 相比", prompt="9 = A 极端重要 … 1 = 同等 … 1/9 = B 极端重要")
    sheet.add_data_validation(choices)
    row = FIRST_PAIR_ROW
    for i, (a_id, a_zh, _) in enumerate(spec.items):
        for b_id, b_zh, _ in spec.items[i + 1:]:
            sheet.cell(row, 1, row - FIRST_PAIR_ROW + 1)
            sheet.cell(row, 2, escape_formula(f"{a_zh} 与 {b_zh} 相比"))
            judgment = sheet.cell(row, JUDGMENT)
            judgment.number_format = "@"  # 1/3 stays 1/3, never a date
            judgment.fill = fill
            choices.add(judgment)
            sheet.cell(row, A_ID, escape_formula(a_id)).font = grey
            sheet.cell(row, B_ID, escape_formula(b_id)).font = grey
            row += 1
    sheet.cell(FIRST_PAIR_ROW - 1, 7, "判断值").font = bold
    sheet.cell(FIRST_PAIR_ROW - 1, 8, "含义 Meaning").font = bold
    for k, step in enumerate(SCALE):
        sheet.cell(FIRST_PAIR_ROW + k, 7, step)
        sheet.cell(FIRST_PAIR_ROW + k, 8, MEANINGS.get(step, "介于相邻两者之间"))
    for letter, width in zip("ABCDEFGH", (8, 44, 16, 18, 18, 3, 8, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(FIRST_PAIR_ROW, 1)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


@dataclass
class Questionnaire:
    """A filled questionnaire as a judgment document.

    ``document`` is what a YAML judgment file would give (``expert``,
    ``families``, ``indicators``); the "line" of each value is a position
    number, which ``cells`` maps to the cell it was read from (``families!C5``)
    and ``rows`` to that cell's row.
    """

    path: Path
    document: MappingNode = field(default_factory=MappingNode)
    cells: dict[int, str] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    _formulas: dict[tuple[str, int, int], str] | None = field(default=None, repr=False)

    def formula(self, sheet: str, row: int, column: int) -> str | None:
        """The formula of a cell read as empty: one with no saved value, if it is that.

        A workbook written by a program other than Excel (or never saved by it)
        may hold formulas without their results; read for values, such a cell
        is empty.  The formulas are read once, when first asked for.
        """
        if self._formulas is None:
            self._formulas = _formulas(self.path)
        return self._formulas.get((sheet, row, column))

    def check_formula(self, sheet: str, row: int, column: int, position: int) -> None:
        """Refuse an empty cell that holds a formula with no saved value."""
        formula = self.formula(sheet, row, column)
        if formula is not None:
            raise self.fail(f"a formula with no saved value: {formula!r}",
                            "open the workbook in Excel and save it, or paste the values in "
                            "place of the formulas", position)

    def at(self, sheet: str, row: int, column: int) -> int:
        """A new position number for a cell."""
        from openpyxl.utils import get_column_letter

        number = len(self.cells) + 2  # 1 is the document's own position: no cell
        self.cells[number] = f"{sheet}!{get_column_letter(column)}{row}"
        self.rows[number] = row
        return number

    def fail(self, what: str, hint: str, position: int | None,
             column: str | None = None) -> InputError:
        """An error at the cell of ``position`` (else at ``column``: a matrix with no sheet)."""
        return InputError(what, hint, file=str(self.path),
                          column=self.cells.get(position or 0) or column)


def read_questionnaire(path: str | Path) -> Questionnaire:
    """Read a filled questionnaire; a problem of the workbook itself is an InputError."""
    found = Questionnaire(Path(path))
    check_input_file(found.path, "questionnaire", MAX_BYTES)
    sheets = _sheets(found.path)
    expert = next((s for s in sheets if _key(s[1]) == "expert"), None)
    if expert is None:
        raise found.fail(f"no sheet says 'expert' in {KEY_CELL}: not an evalkit questionnaire",
                         "start from a questionnaire written by evalkit init", None)
    blocks: list[tuple[str, Any, int, str]] = []
    indicators: list[tuple[str, Any, int, str]] = []
    filled = False
    seen: dict[str, str] = {}
    for title, rows in sheets:
        key = _key(rows)
        if key is None or key == "expert":
            continue
        where = found.at(title, 2, 2)
        if key in seen:
            raise found.fail(f"matrix {key!r} is also on sheet {seen[key]!r}",
                             "keep one sheet per matrix", where)
        seen[key] = title
        block, given = _matrix(found, title, rows)
        filled = filled or given
        if key == "families":
            blocks.append(("families", block, block.line, ""))
        elif key.startswith("indicators.") and key != "indicators.":
            indicators.append((key.removeprefix("indicators."), block, block.line, ""))
        else:
            raise found.fail(f"unknown matrix id {key!r}",
                             "do not edit cell B2; it names the matrix of the sheet", where)
    root_items = [("expert", _expert(found, *expert, filled), 1, "")]
    root_items += blocks
    if indicators:
        root_items.append(("indicators", _mapping(1, indicators), 1, ""))
    found.document = _mapping(1, root_items)
    return found


def _sheets(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every worksheet's title and rows of values (at most :data:`MAX_ROWS`)."""
    try:
        book = open_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"cannot open as an Excel workbook ({type(exc).__name__})",
                         "save it again from Excel as .xlsx", file=str(path)) from None
    try:
        out = []
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append(tuple(row[:MAX_COLUMNS]))
                if len(rows) >= MAX_ROWS:
                    break
            out.append((sheet.title, rows))
        return out
    except Exception as exc:  # damaged or hostile sheet XML
        raise InputError(f"the workbook cannot be read ({type(exc).__name__})",
                         "open it in Excel and save it again as .xlsx", file=str(path)) from None
    finally:
        book.close()


def _formulas(path: Path) -> dict[tuple[str, int, int], str]:
    """Every formula of the workbook's worksheets by ``(sheet, row, column)``; empty if unreadable."""
    found: dict[tuple[str, int, int], str] = {}
    try:
        book = open_workbook(path, data_only=False)
    except Exception:  # already read once for its values: nothing more to report
        return found
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    break
                for column, value in enumerate(row[:MAX_COLUMNS], start=1):
                    text = getattr(value, "text", value)  # an array formula keeps it in .text
                    if isinstance(text, str) and text.startswith("="):
                        found[(sheet.title, number, column)] = text
    except Exception:
        return found
    finally:
        book.close()
    return found


_FULL_WIDTH_FORMS = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
"""Full-width ASCII forms (``１／３``, typed by Chinese input methods) and the ideographic
space, as ASCII.  Only these: NFKC would also read superscripts (``⁹``, ``²``) as digits,
which the numeric grammar refuses (:mod:`evalkit.io.numbers`)."""


def _cell(rows: list[tuple[Any, ...]], row: int, column: int) -> Any:
    """The value at a 1-based row and column; ``None`` beyond the sheet."""
    if row > len(rows) or column > len(rows[row - 1]):
        return None
    value = rows[row - 1][column - 1]
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip()
        return value or None
    return value


def _key(rows: list[tuple[Any, ...]]) -> str | None:
    value = _cell(rows, 2, 2)
    return value if isinstance(value, str) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _mapping(line: int, items: list[tuple[str, Any, int, str]]) -> MappingNode:
    node = MappingNode({key: value for key, value, _, _ in items})
    node.line = line
    node.key_lines = {key: at for key, _, at, _ in items}
    node.texts = {key: text for key, _, _, text in items}
    return node


def _sequence(line: int, items: list[tuple[Any, int, str]]) -> SequenceNode:
    node = SequenceNode(value for value, _, _ in items)
    node.line = line
    node.item_lines = [at for _, at, _ in items]
    node.texts = [text for _, _, text in items]
    return node


def _expert(found: Questionnaire, title: str, rows: list[tuple[Any, ...]],
            filled: bool) -> MappingNode:
    """The expert's particulars, by the key in column C of each row."""
    items: list[tuple[str, Any, int, str]] = []
    keys = {key for key, _ in EXPERT_FIELDS}
    name_at = found.at(title, 3, 2)
    for row in range(3, min(len(rows), 40) + 1):
        key = _cell(rows, row, 3)
        if key not in keys:
            continue
        at = found.at(title, row, 2)
        value = _cell(rows, row, 2)
        if key == "name":
            name_at = at
        if value is None:
            found.check_formula(title, row, 2, at)
            continue
        text = _text(value)
        if key == "date" and isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()  # a date cell, read with its midnight
        elif key == "method" and isinstance(value, str):
            value = METHODS.get(value, value)
        items.append((str(key), value, at, text))
    if not any(key == "name" for key, *_ in items):
        if not filled:
            raise found.fail("the questionnaire is not filled in yet (no name, no judgments)",
                             "have the expert fill it in, or move it out of the judgments "
                             "folder", name_at)
        raise found.fail("the expert's name is empty", f"write the name on sheet {title}",
                         name_at)
    return _mapping(name_at, items)


def _matrix(found: Questionnaire, title: str,
            rows: list[tuple[Any, ...]]) -> tuple[MappingNode, bool]:
    """One matrix sheet as a ``{reason, pairs}`` block; whether any judgment is given."""
    items: list[tuple[str, Any, int, str]] = []
    reason = _cell(rows, REASON_ROW, 2)
    if reason is not None:
        items.append(("reason", reason, found.at(title, REASON_ROW, 2), _text(reason)))
    pairs: list[tuple[Any, int, str]] = []
    first: dict[frozenset[str], int] = {}
    block_at = found.at(title, FIRST_PAIR_ROW, JUDGMENT)
    for row, a, b, value in _pair_rows(rows):
        value_at = found.at(title, row, JUDGMENT)
        if value is None:
            found.check_formula(title, row, JUDGMENT, value_at)
            continue  # left blank: a comparison left out
        if isinstance(value, str):
            value = value.translate(_FULL_WIDTH_FORMS).strip()  # full-width １／３ is 1/3
        if isinstance(value, dt.date | dt.time):
            raise found.fail(f"the judgment is a date ({value})",
                             "Excel took a fraction for a date: format the cell as text and "
                             "write 1/3, or pick the value from the drop-down list", value_at)
        for ident, column in ((a, A_ID), (b, B_ID)):
            if ident is None:
                raise found.fail("the judgment has no item id beside it",
                                 "do not edit columns D and E; they name the two items compared",
                                 found.at(title, row, column))
        pair = frozenset((_text(a), _text(b)))
        if pair in first:
            raise found.fail(f"the pair ({a}, {b}) is judged twice (first on row {first[pair]})",
                             "keep one of the two rows", value_at)
        first[pair] = row
        pair_items = [("a", _text(a), found.at(title, row, A_ID), _text(a)),
                      ("b", _text(b), found.at(title, row, B_ID), _text(b)),
                      ("value", value, value_at, _text(value))]
        pairs.append((_mapping(value_at, pair_items), value_at, ""))
    items.append(("pairs", _sequence(block_at, pairs), block_at, ""))
    return _mapping(block_at, items), bool(pairs)


def _pair_rows(rows: list[tuple[Any, ...]]) -> Iterator[tuple[int, Any, Any, Any]]:
    """``(row, a, b, judgment)`` of every row below the header holding anything."""
    for row in range(FIRST_PAIR_ROW, len(rows) + 1):
        a, b, value = (_cell(rows, row, c) for c in (A_ID, B_ID, JUDGMENT))
        if a is None and b is None and value is None:
            continue
        yield row, a, b, value
