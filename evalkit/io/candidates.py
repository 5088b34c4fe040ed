"""Candidate tables: one row per town, read from CSV or XLSX.

CSV files may be UTF-8, UTF-8 with a byte-order mark, or GB18030/GBK (the
default of Chinese Excel); the encoding is detected and reported when it had
to be guessed.  Cells are kept as text until a column is asked for as numbers,
so every problem can be reported with its spreadsheet row and column.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from evalkit.errors import InputError, invisible, visible
from evalkit.io.files import check_input_file
from evalkit.io.numbers import all_plain, parse_number

ID_COLUMN = "id"
NAME_COLUMN = "name"
NAME_EN_COLUMN = "name_en"
TEXT_COLUMNS = (ID_COLUMN, NAME_COLUMN, NAME_EN_COLUMN)

MAX_TOWNS = 200_000
"""Most towns a table may hold."""
MAX_TEXT = 100
"""Longest id or name, in characters (the longest town names are about 15)."""
MAX_BYTES = 256 * 2**20
"""Largest candidate file read (a table of 40,000 towns is about 10 MiB)."""

_NON_FINITE = re.compile(r"[+-]?(inf|infinity|nan|\d*\.?\d+e\+?\d{3,})", re.IGNORECASE)
"""Text that names a non-finite value, or a number too large to hold (1e400)."""


@dataclass(frozen=True)
class Encoding:
    """How a text file was decoded."""

    name: str
    guessed: bool = False

    def __str__(self) -> str:
        return f"{self.name} (guessed)" if self.guessed else self.name


@dataclass(frozen=True, eq=False)
class CandidateTable:
    """The towns and their raw statistics, as read from one file.

    ``cells`` holds every cell as text (``None`` for an empty one), indexed by
    town id; ``rows`` gives each town's row number in the file, ``header_row``
    that of the header (1 unless blank rows come first).
    """

    path: Path
    ids: tuple[str, ...]
    names: tuple[str, ...]
    names_en: tuple[str, ...]
    rows: tuple[int, ...]
    cells: pd.DataFrame
    encoding: Encoding | None = None
    header_row: int = 1
    _numeric: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.cells.columns)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Things the user should know about how the file was read."""
        if self.encoding is not None and self.encoding.guessed:
            return (f"{self.path} was read as {self.encoding}",)
        return ()

    def name_of(self, town_id: str, lang: str = "zh") -> str:
        i = self.ids.index(town_id)
        return self.names[i] if lang == "zh" or not self.names_en[i] else self.names_en[i]

    def numeric(self, column: str, *, signed: bool = False) -> np.ndarray:
        """One column as floats; every bad cell is an :class:`InputError`.

        Negative values are refused unless ``signed`` (a population, a GDP or
        a rate cannot be below zero).
        """
        if column not in self._numeric:
            self._numeric[column] = self._parse_column(column)
        values = self._numeric[column]
        if not signed:
            negative = np.flatnonzero(values < 0)
            if negative.size:
                i = int(negative[0])
                raise self._cell_error(i, column, f"negative value {values[i]:g}",
                                       "this statistic cannot be negative; correct the value")
        return values.copy()

    def numeric_frame(self, columns: Iterable[str], *, signed: Iterable[str] = ()) -> pd.DataFrame:
        """Several columns as a float DataFrame indexed by town id."""
        signed = set(signed)
        data = {c: self.numeric(c, signed=c in signed) for c in columns}
        return pd.DataFrame(data, index=pd.Index(self.ids, name=ID_COLUMN))

    def _parse_column(self, column: str) -> np.ndarray:
        if column not in self.cells.columns:
            raise InputError(
                f"missing column {column!r}",
                f"add it, or correct the criteria set; the file has: {', '.join(self.columns)}",
                file=self.path, row=self.header_row, column=column)
        cells = self.cells[column].tolist()
        fast = _parse_plain(cells)
        if fast is not None:
            return fast
        # Something needs care (an empty cell, 1,234, a full-width digit, a bool…):
        # cell by cell, so that the first bad cell is the one reported.
        out = np.empty(len(self.ids))
        for i, cell in enumerate(cells):
            out[i] = self._parse_cell(i, column, cell)
        return out

    def _parse_cell(self, i: int, column: str, cell: object) -> float:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            formula = (formula_without_value(self.path, self.rows[i], column)
                       if self.path.suffix.lower() in (".xlsx", ".xlsm") else None)
            if formula is not None:
                raise self._cell_error(i, column, f"a formula with no saved value: {formula!r}",
                                       "open the workbook in Excel and save it, or paste the "
                                       "values in place of the formulas")
            raise self._cell_error(i, column, "empty cell", "fill in the value")
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            value = float(cell)
        else:
            parsed = parse_number(str(cell))
            if parsed is None:
                if _NON_FINITE.fullmatch(str(cell).strip()):
                    raise self._cell_error(i, column, f"not a finite number: {str(cell)!r}",
                                           "write a plain number such as 12.5")
                raise self._cell_error(i, column, f"text in a number: {str(cell)!r}",
                                       "write a plain number such as 12.5")
            value = parsed
        if not math.isfinite(value):
            raise self._cell_error(i, column, f"not a finite number: {str(cell)!r}",
                                   "write a plain number such as 12.5")
        return value

    def _cell_error(self, i: int, column: str, what: str, hint: str) -> InputError:
        return InputError(f"{what} (town {self.ids[i]})", hint, file=self.path,
                          row=self.rows[i], column=column)


def _parse_plain(cells: list[Any]) -> np.ndarray | None:
    """A column parsed in one pass when every cell is a plain finite number, else ``None``.

    Only text or numbers qualify (``float(True)`` would hide a bad cell), and
    only text that ``float`` reads as :func:`~evalkit.io.numbers.parse_number`
    does (:func:`~evalkit.io.numbers.all_plain`), so the result never differs
    from the careful path.
    """
    if not set(map(type, cells)) <= {str, float, int} or not all_plain(cells):
        return None
    try:
        values = np.fromiter(map(float, cells), dtype=np.float64, count=len(cells))
    except (TypeError, ValueError, OverflowError):
        return None
    return values if np.isfinite(values).all() else None


def load_candidates(path: str | Path) -> CandidateTable:
    """Read a candidate table from CSV (any common Chinese encoding) or XLSX."""
    path = Path(path)
    check_input_file(path, "candidate file", MAX_BYTES)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, header_row, body, rows = _read_xlsx(path)
        encoding = None
    elif suffix in (".csv", ".txt", ""):
        header, header_row, body, rows, encoding = _read_csv(path)
    else:
        raise InputError(f"unsupported file type {path.suffix!r}",
                         "save the table as .csv (UTF-8 or GBK) or .xlsx", file=path)
    return _build(path, header, header_row, body, rows, encoding)


def decode_text(path: Path) -> tuple[str, Encoding]:
    """Decode a text file as UTF-8 (with or without BOM) or GB18030."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8", errors="strict"), Encoding("UTF-8 with BOM")
        except UnicodeDecodeError as exc:
            raise InputError(f"the file starts with a UTF-8 mark but byte {exc.start + 4} is "
                             "not UTF-8 (GBK text after the mark?)",
                             "save it from Excel again as 'CSV UTF-8'", file=path) from None
    try:
        return raw.decode("utf-8"), Encoding("UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312, the encodings Chinese Excel writes.
        return raw.decode("gb18030"), Encoding("GB18030/GBK", guessed=True)
    except UnicodeDecodeError:
        raise InputError("cannot decode the file as UTF-8 or GBK",
                         "save it from Excel as 'CSV UTF-8' and try again", file=path) from None


def _read_csv(path: Path) -> tuple[list[str], int, list[list[object]], list[int], Encoding]:
    text, encoding = decode_text(path)
    if "\x00" in text:
        raise InputError("this is not a text table (it contains NUL bytes)",
                         "give a .csv or .xlsx file", file=path)
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header: list[str] | None = None
    header_row = 0
    body: list[list[object]] = []
    rows: list[int] = []
    try:
        for row in reader:
            if not "".join(row).strip():
                continue  # blank lines are neither the header nor towns
            if header is None:
                header = [h.strip() for h in row]
                header_row = reader.line_num
                continue
            body.append(list(row))
            rows.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(f"not a valid CSV table: {exc}", "check quoting on that line",
                         file=path, row=reader.line_num) from None
    if header is None:
        raise InputError("the file is empty", "add a header row and one row per town", file=path)
    return header, header_row, body, rows, encoding


def _read_xlsx(path: Path) -> tuple[list[str], int, list[list[object]], list[int]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        if type(exc).__name__ == "BadZipFile":  # not a workbook at all (text named .xlsx)
            raise InputError(f"cannot open as an Excel workbook ({type(exc).__name__})",
                             "save it again from Excel as .xlsx", file=path) from None
        if _has_chart_sheets(path):
            raise InputError(f"the workbook has a chart sheet this reader cannot open "
                             f"({type(exc).__name__})", "copy the table into a workbook "
                             "without chart sheets (a sheet named candidates)", file=path) from None
        raise InputError(f"the workbook cannot be read ({type(exc).__name__}: damaged or "
                         "unsafe XML, or not a workbook)", "open it in Excel and save it again "
                         "as .xlsx", file=path) from None
    header: list[str] | None = None
    header_row = 0
    body: list[list[object]] = []
    rows: list[int] = []
    try:
        sheet = _table_sheet(workbook, path)
        # The used range comes from the cells read, not from the sheet's declared
        # dimension: one stray cell at XFD1048576 must not mean a million rows of 16,384.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if header is None:
                if not any(c is not None and str(c).strip() for c in row):
                    continue
                header = ["" if c is None else str(c).strip() for c in row]
                header_row = number
                continue
            if not any(c is not None and str(c).strip() for c in row):
                continue
            body.append(list(row))
            rows.append(number)
    except InputError:
        raise
    except Exception as exc:  # damaged or hostile sheet XML: openpyxl raises many types
        raise InputError(f"the workbook cannot be read ({type(exc).__name__}: damaged or "
                         "unsafe XML, or not a workbook)", "open it in Excel and save it again "
                         "as .xlsx", file=path) from None
    finally:
        workbook.close()
    if header is None:
        raise InputError("the first sheet is empty", "put the table on the first sheet", file=path)
    return header, header_row, body, rows


def _has_chart_sheets(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith("xl/chartsheets/") for n in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _table_sheet(workbook: Any, path: Path) -> Any:
    """The sheet named ``candidates``, else the first worksheet (a chart sheet has no cells)."""
    if "candidates" in workbook.sheetnames:
        sheet = workbook["candidates"]
        if hasattr(sheet, "iter_rows"):
            return sheet
        raise InputError("the sheet 'candidates' is a chart, not a table",
                         "put the table on a worksheet named candidates", file=path)
    if not workbook.worksheets:
        raise InputError("the workbook has no worksheet (only charts)",
                         "put the table on the first sheet", file=path)
    return workbook.worksheets[0]


def formula_without_value(path: Path, row: int, column: str) -> str | None:
    """The formula of a workbook cell that has no saved value, if it has one.

    A workbook written by a program other than Excel (or never saved by it)
    may hold formulas without their results; read for values only, such a
    cell is empty.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception:
        return None
    try:
        sheet = _table_sheet(workbook, path)
        header: list[str] | None = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if header is None and any(c is not None and str(c).strip() for c in cells):
                header = ["" if c is None else str(c).strip() for c in cells]
            if number == row and header is not None and column in header:
                index = header.index(column)
                value = cells[index] if index < len(cells) else None
                return value if isinstance(value, str) and value.startswith("=") else None
    except Exception:
        return None
    finally:
        workbook.close()
    return None


def _build(path: Path, header: list[str], header_row: int, body: list[list[object]],
           rows: list[int], encoding: Encoding | None) -> CandidateTable:
    while header and not header[-1]:
        header.pop()
    for index, name in enumerate(header):
        if not name:
            raise InputError(f"column {index + 1} has no name", "give every column a header",
                             file=path, row=header_row, column=str(index + 1))
        if name in header[:index]:
            raise InputError(f"column {name!r} appears twice", "rename or remove one of them",
                             file=path, row=header_row, column=name)
    for required in (ID_COLUMN, NAME_COLUMN):
        if required not in header:
            raise InputError(f"missing column {required!r}",
                             f"add an {required!r} column; the file has: {', '.join(header)}",
                             file=path, row=header_row, column=required)
    width = len(header)
    cleaned: list[list[object]] = []
    for row_number, values in zip(rows, body, strict=True):
        if len(values) == width:
            try:
                if "" not in map(str.strip, cast(list[str], values)):  # the common case, at C speed
                    cleaned.append(values)
                    continue
            except TypeError:  # a number or an empty cell from a workbook: look closer
                pass
        extra = [v for v in values[width:] if v is not None and str(v).strip()]
        if extra:
            raise InputError(f"row has {len(values)} cells but the header has {width}",
                             "remove the extra cells or add a header for them",
                             file=path, row=row_number)
        values = list(values[:width]) + [None] * (width - len(values))
        cleaned.append([None if isinstance(v, str) and not v.strip() else v for v in values])
    cells = pd.DataFrame(cleaned, columns=header, dtype=object)
    if len(cleaned) > MAX_TOWNS:
        raise InputError(f"the table has {len(cleaned):,} towns, more than {MAX_TOWNS:,}",
                         "split the table, or evaluate a shortlist", file=path)
    first_row: dict[str, int] = {}  # id → its row; a dict, so checking duplicates stays O(n)
    for i, value in enumerate(cells[ID_COLUMN]):
        ident = _text(value)
        _check_text(ident, path, rows[i], ID_COLUMN, "id")
        if not ident:
            raise InputError("empty id", "give every town an id", file=path, row=rows[i],
                             column=ID_COLUMN)
        if ident in first_row:
            raise InputError(f"duplicate id {ident!r} (first on row {first_row[ident]})",
                             "give every town its own id", file=path, row=rows[i],
                             column=ID_COLUMN)
        first_row[ident] = rows[i]
    ids = list(first_row)
    names = []
    for i, value in enumerate(cells[NAME_COLUMN]):
        name = _text(value)
        _check_text(name, path, rows[i], NAME_COLUMN, "name")
        if not name:
            raise InputError(f"empty name (town {ids[i]})", "give every town a name",
                             file=path, row=rows[i], column=NAME_COLUMN)
        names.append(name)
    names_en = [""] * len(ids)
    if NAME_EN_COLUMN in cells:
        names_en = [_text(v) for v in cells[NAME_EN_COLUMN]]
        for i, name in enumerate(names_en):
            _check_text(name, path, rows[i], NAME_EN_COLUMN, "English name")
    if len(ids) < 2:
        raise InputError(f"only {len(ids)} candidate town(s)",
                         "a ranking needs at least two towns", file=path)
    cells.index = pd.Index(ids, name=ID_COLUMN)
    return CandidateTable(path, tuple(ids), tuple(names), tuple(names_en), tuple(rows), cells,
                          encoding, header_row)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _check_text(text: str, path: Path, row: int, column: str, what: str) -> None:
    """An id or a name: visible characters only, and not longer than :data:`MAX_TEXT`.

    Control characters (a newline, ESC), zero-width and bidi-override
    characters (U+200B, U+202E) would make an id that cannot be seen, break a
    message over two lines, drive the terminal or reorder a name in the PDF.
    """
    hidden = [ch for ch in text if invisible(ch)]
    if hidden:
        raise InputError(f"the {what} '{visible(text)}' holds an invisible or control character "
                         f"(U+{ord(hidden[0]):04X})", f"retype the {what} with visible characters "
                         "only", file=path, row=row, column=column)
    if len(text) > MAX_TEXT:
        raise InputError(f"the {what} is {len(text)} characters long, more than {MAX_TEXT}",
                         f"shorten the {what}", file=path, row=row, column=column)
