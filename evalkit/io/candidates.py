"""Candidate tables: one row per town, read from CSV or XLSX.

CSV files may be UTF-8, UTF-8 with a byte-order mark, or GB18030/GBK (the
default of Chinese Excel); the encoding is detected and reported when it had
to be guessed.  Cells are kept as text until a column is asked for as numbers,
so every problem can be reported with its spreadsheet row and column.

The import is forgiving, never silent: each fix is a note in
:attr:`CandidateTable.warnings`.

- The header is the first row holding the id column (by name or alias, within
  the first :data:`HEADER_SEARCH` rows); title rows above it are skipped.
  Note rows (注：…, 说明, 资料来源, 数据来源, Note…) after the last town are
  skipped; one between the towns is an error.
- The id and name columns may be headed by a common alias (:data:`ID_ALIASES`,
  :data:`NAME_ALIASES`), case, spaces and full-width spaces ignored; two
  columns claiming one role are an error.
- ``72.4%``, ``72.4％`` and ``7.24‰`` are read by the unit the criteria set
  gives the column (:class:`ColumnUnit`); a workbook cell formatted as a
  percentage (stored 0.724, shown 72.4%) is read as the percentage shown.
- Every bad cell of the columns read is listed in one error (the first
  :data:`MAX_LISTED`, then a count).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from evalkit.errors import InputError, invisible, visible
from evalkit.io.cells import BadCell, BadLine, ColumnUnit, cells_error, unit_key
from evalkit.io.csvfast import PlainTable, TextCells, plain_csv
from evalkit.io.files import check_input_file
from evalkit.io.layout import (
    ID_COLUMN,
    NAME_COLUMN,
    NAME_EN_COLUMN,
    ROLES,
    TEXT_COLUMNS,
    cell_texts,
    check_header,
    find_layout,
    percent_cells,
    role_key,
    roles_with,
)
from evalkit.io.numbers import PERMILLE, all_plain, parse_number, parse_percent
from evalkit.io.sheets import (
    Encoding,
    csv_rows,
    decode_text,
    open_workbook,
    read_csv_text,
    read_xlsx_rows,
)
from evalkit.io.sources import Sources, is_sources_sheet, table_sources

__all__ = ["CandidateTable", "ColumnUnit", "Encoding", "decode_text", "formula_without_value",
           "load_candidates"]

MAX_TOWNS = 200_000
"""Most towns a table may hold."""
MAX_TEXT = 100
"""Longest id or name, in characters (the longest town names are about 15)."""
MAX_BYTES = 256 * 2**20
"""Largest candidate file read (a table of 40,000 towns is about 10 MiB)."""


_NON_FINITE = re.compile(r"[+-]?(inf|infinity|nan|\d*\.?\d+e\+?\d{3,})", re.IGNORECASE)
"""Text that names a non-finite value, or a number too large to hold (1e400)."""


@dataclass(frozen=True, eq=False)
class CandidateTable:
    """The towns and their raw statistics, as read from one file.

    :attr:`cells` holds every cell as text (``None`` for an empty one),
    indexed by town id; ``rows`` gives each town's row number in the file,
    ``header_row`` that of the header (1 unless blank rows come first).
    ``sources`` says where each value comes from (:mod:`evalkit.io.sources`),
    ``None`` when the table has no sources file.

    A plain CSV table (:mod:`evalkit.io.csvfast`) is read without its cells'
    text: its columns of plain numbers come already converted, and
    :attr:`cells` is read from the file's rows when first asked for.
    """

    path: Path
    ids: tuple[str, ...]
    names: tuple[str, ...]
    names_en: tuple[str, ...]
    rows: tuple[int, ...]
    _cells: pd.DataFrame | None
    encoding: Encoding | None = None
    header_row: int = 1
    sources: Sources | None = None
    _numeric: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    """Columns already read as numbers (a plain CSV table's come with it)."""
    _text: TextCells | None = field(default=None, repr=False)
    """Where :attr:`cells` comes from when ``_cells`` is ``None``."""
    _header: tuple[str, ...] = field(default=(), repr=False)
    notes: tuple[str, ...] = ()
    """What the import fixed (title and note rows skipped, aliased headers, percentage
    formats): reported with :attr:`warnings`, never silent."""
    _excel_percent: frozenset[str] = field(default=frozenset(), repr=False)
    """Columns holding workbook cells formatted as percentages (read as the percentage shown)."""
    _later: list[str] = field(default_factory=list, repr=False)
    """Notes made when a column is read (percent cells, a column in fractions)."""
    _percent_read: dict[str, str] = field(default_factory=dict, repr=False)
    """Columns holding percentage cells, and the unit they were read in."""

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def cells(self) -> pd.DataFrame:
        """Every cell as text (``None`` for an empty one), one row per town, indexed by id."""
        if self._cells is None:
            assert self._text is not None
            frame = self._text.frame()
            frame.index = pd.Index(self.ids, name=ID_COLUMN)
            object.__setattr__(self, "_cells", frame)  # read once, then kept
        assert self._cells is not None
        return self._cells

    @property
    def columns(self) -> tuple[str, ...]:
        return self._header or tuple(self.cells.columns)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Things the user should know about how the file was read."""
        own = (f"{self.path} was read as {self.encoding}",) \
            if self.encoding is not None and self.encoding.guessed else ()
        return (own + self.notes + tuple(self._later)
                + (self.sources.warnings if self.sources is not None else ()))

    def name_of(self, town_id: str, lang: str = "zh") -> str:
        i = self.ids.index(town_id)
        return self.names[i] if lang == "zh" or not self.names_en[i] else self.names_en[i]

    def numeric(self, column: str, *, signed: bool = False,
                unit: ColumnUnit | None = None) -> np.ndarray:
        """One column as floats; every bad cell is an :class:`InputError` (all of them
        listed in one, :meth:`read_columns`).

        Negative values are refused unless ``signed`` (a population, a GDP or
        a rate cannot be below zero).  ``unit`` says how a percentage cell
        reads (:class:`ColumnUnit`; without it, as the column was read before,
        else in percent points).
        """
        self.read_columns((column,), signed=(column,) if signed else (),
                          units={column: unit} if unit is not None else None)
        return self._numeric[column].copy()

    def numeric_frame(self, columns: Iterable[str], *, signed: Iterable[str] = ()) -> pd.DataFrame:
        """Several columns as a float DataFrame indexed by town id."""
        signed = set(signed)
        data = {c: self.numeric(c, signed=c in signed) for c in columns}
        return pd.DataFrame(data, index=pd.Index(self.ids, name=ID_COLUMN))

    def read_columns(self, columns: Iterable[str], *, signed: Iterable[str] = (),
                     units: Mapping[str, ColumnUnit] | None = None) -> None:
        """Read ``columns`` as numbers, by the criteria set's ``units``; every bad cell of
        them is listed in one :class:`InputError` (one cell: its own message).

        A missing column is an error of its own, the first one found.  A column
        expected in percent points whose every value is at most 1 is a warning.
        """
        columns = tuple(dict.fromkeys(columns))
        signed = set(signed)
        units = units or {}
        for column in columns:
            if column not in self.columns:
                raise InputError(
                    f"missing column {column!r}",
                    f"add it, or correct the criteria set; the file has: {', '.join(self.columns)}",
                    file=self.path, row=self.header_row, column=column)
        bad: list[BadLine] = []
        for column in columns:
            unit = units.get(column)
            values = self._numeric.get(column)
            if values is None or (unit is not None and column in self._percent_read
                                  and self._percent_read[column] != unit_key(unit)):
                values = self._parse_column(column, unit, bad)
            if column not in signed:
                for i in np.flatnonzero(values < 0).tolist():
                    bad.append(self._bad(i, column, f"negative value {values[i]:g}",
                                         "this statistic cannot be negative; correct the value",
                                         f"{values[i]:g}", "negative value"))
        if bad:
            raise cells_error(self.path, bad)
        for column in columns:
            unit = units.get(column)
            if unit is not None and unit.expects:
                self._warn_fractions(column, unit)

    def _warn_fractions(self, column: str, unit: ColumnUnit) -> None:
        values = self._numeric[column]
        if values.size and np.abs(values).max() <= 1 and values.any():
            self._note(f"{self.path}: column {column!r}: every value is at most 1, but "
                       f"{unit.expects} — if the column holds fractions (0.724 for 72.4%), "
                       "write them as percentages (72.4, or 72.4%)")

    def _note(self, note: str) -> None:
        if note not in self._later:
            self._later.append(note)

    def _parse_column(self, column: str, unit: ColumnUnit | None, bad: list[BadLine]) -> np.ndarray:
        """The column as floats (NaN for a bad cell, each added to ``bad``); kept when no
        cell was bad."""
        cells = self.cells[column].tolist()
        fast = _parse_plain(cells)
        if fast is not None:
            self._numeric[column] = fast
            return fast
        # Something needs care (an empty cell, 1,234, 72.4%, a full-width digit, a bool…):
        # cell by cell, so that every bad cell is reported.
        out = np.empty(len(self.ids))
        before = len(bad)
        example: tuple[str, float] | None = None
        for i, cell in enumerate(cells):
            try:
                value, percent = self._cell_value(i, column, cell, unit)
            except BadCell as problem:
                bad.append(problem.bad)
                out[i] = math.nan
                continue
            out[i] = value
            if percent and example is None:
                example = (str(cell).strip(), value)
        if len(bad) == before:
            self._numeric[column] = out
            if example is not None:
                self._percent_read[column] = unit_key(unit)
                if (unit is None or unit.kind == "") and column not in self._excel_percent:
                    self._note(f"{self.path}: column {column!r}: values written as percentages "
                               f"('{example[0]}') read in percent points ({example[1]:g}); the "
                               "criteria set gives this column no unit")
        return out

    def _parse_cell(self, i: int, column: str, cell: object,
                    unit: ColumnUnit | None = None) -> float:
        """A cell's value; a bad cell is its :class:`InputError`."""
        try:
            return self._cell_value(i, column, cell, unit)[0]
        except BadCell as problem:
            raise problem.bad.error from None

    def _cell_value(self, i: int, column: str, cell: object,
                    unit: ColumnUnit | None) -> tuple[float, bool]:
        """A cell's value, and whether it was written as a percentage."""
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            formula = self._formula(self.rows[i], column)
            if formula is not None:
                raise self._bad_cell(i, column, f"a formula with no saved value: {formula!r}",
                                     "open the workbook in Excel and save it, or paste the "
                                     "values in place of the formulas", repr(formula),
                                     "a formula with no saved value")
            raise self._bad_cell(i, column, "empty cell", "fill in the value", "(empty)",
                                 "empty cell")
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            value = float(cell)
        else:
            text = str(cell)
            parsed = parse_number(text)
            if parsed is None:
                percent = parse_percent(text)
                if percent is not None:
                    return self._percent_value(i, column, text, *percent, unit), True
                kind = ("not a finite number" if _NON_FINITE.fullmatch(text.strip())
                        else "text in a number")
                raise self._bad_cell(i, column, f"{kind}: {text!r}",
                                     "write a plain number such as 12.5", repr(text), kind)
            value = parsed
        if not math.isfinite(value):
            raise self._bad_cell(i, column, f"not a finite number: {str(cell)!r}",
                                 "write a plain number such as 12.5", repr(str(cell)),
                                 "not a finite number")
        return value, False

    def _percent_value(self, i: int, column: str, text: str, number: float, sign: str,
                       unit: ColumnUnit | None) -> float:
        """A percentage cell in the column's unit: ``%`` and ``‰`` converted (and an
        indicator's scale undone), percent points when the unit is not known; a column
        in another unit refuses it."""
        points = number / 10 if sign == PERMILLE else number
        kind = unit.kind if unit is not None else ""
        if kind == "":
            return points
        assert unit is not None
        if kind == "%":
            return points / unit.scale
        if kind == PERMILLE:
            return points * 10 / unit.scale
        raise self._bad_cell(i, column, f"a percentage in a column in {unit.unit}: {text!r}",
                             f"{unit.reader} reads this column in {unit.unit}; write the value "
                             f"in {unit.unit}, without {sign}", repr(text),
                             f"a percentage, but {unit.reader} reads this column in {unit.unit}")

    def _formula(self, row: int, column: str) -> str | None:
        """The formula of an empty workbook cell, if it has one (the workbook read once)."""
        if self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            return None
        formulas = self.__dict__.get("_formulas")
        if formulas is None:
            formulas = _workbook_formulas(self.path, self.header_row)
            object.__setattr__(self, "_formulas", formulas)
        return formulas.get((row, column))

    def _bad(self, i: int, column: str, what: str, hint: str, shown: str, reason: str) -> BadLine:
        error = self._cell_error(i, column, what, hint)
        position = self.columns.index(column) if column in self.columns else 0
        line = f"{self.path}:{self.rows[i]}:{column}: {shown} — {reason} (town {self.ids[i]}): {hint}"
        return BadLine(error, line, (self.rows[i], position))

    def _bad_cell(self, i: int, column: str, what: str, hint: str, shown: str,
                  reason: str) -> BadCell:
        return BadCell(self._bad(i, column, what, hint, shown, reason))

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


def load_candidates(path: str | Path, *,
                    sources: str | os.PathLike[str] | bool = True,
                    headers: Mapping[str, str] | None = None) -> CandidateTable:
    """Read a candidate table from CSV (any common Chinese encoding) or XLSX.

    ``sources``: ``True`` (the default) reads the table's own sources if it
    has any — a ``sources`` sheet of the workbook, else ``<stem>.sources.csv``
    beside the file (:func:`evalkit.io.sources.table_sources`); a path reads
    that sources file instead; ``False`` reads none.  ``headers`` (a criteria
    set's ``columns:``) maps evalkit's column names to the table's own headers,
    each renaming reported in :attr:`CandidateTable.notes`.
    """
    path = Path(path)
    check_input_file(path, "candidate file", MAX_BYTES)
    suffix = path.suffix.lower()
    percent: set[tuple[int, int]] = set()
    if suffix in (".xlsx", ".xlsm"):
        read = read_xlsx_rows(path, _table_sheet, percent=percent)
        encoding = None
    elif suffix in (".csv", ".txt", ""):
        text, encoding, dialect = read_csv_text(path)
        plain = plain_csv(text, dialect, TEXT_COLUMNS)
        if (plain is not None and not headers
                and ID_COLUMN in plain.header and NAME_COLUMN in plain.header
                and None not in plain.texts[ID_COLUMN] and None not in plain.texts[NAME_COLUMN]):
            # the same cells as the csv path, read in C.  Title rows and aliased headers
            # (the header is not the first row, or not named id and name) and note rows
            # (a row without id or name) are the csv path's, which finds them.
            return _with_sources(_build_plain(path, plain, encoding), sources)
        read = csv_rows(text, dialect, path)
        del text
    else:
        raise InputError(f"unsupported file type {path.suffix!r}",
                         "save the table as .csv (UTF-8 or GBK) or .xlsx", file=path)
    header, header_row, body, rows = read or (None, 0, [], [])
    if header is None:
        if suffix in (".xlsx", ".xlsm"):
            raise InputError("the first sheet is empty", "put the table on the first sheet",
                             file=path)
        raise InputError("the file is empty", "add a header row and one row per town",
                         file=path)
    return _with_sources(_build(path, header, header_row, body, rows, encoding, percent,
                                roles_with(headers)), sources)


def _with_sources(table: CandidateTable,
                  sources: str | os.PathLike[str] | bool) -> CandidateTable:
    if sources is False:
        return table
    found = table_sources(table, None if sources is True else sources)
    return table if found is None else replace(table, sources=found)


def _table_sheet(workbook: Any, path: Path) -> Any:
    """The sheet named ``candidates``, else the first worksheet that does not hold sources.

    A chart sheet has no cells; a sheet named ``sources`` (or ``来源``) holds
    the table's sources (:mod:`evalkit.io.sources`), never its towns.
    """
    if "candidates" in workbook.sheetnames:
        sheet = workbook["candidates"]
        if hasattr(sheet, "iter_rows"):
            return sheet
        raise InputError("the sheet 'candidates' is a chart, not a table",
                         "put the table on a worksheet named candidates", file=path)
    if not workbook.worksheets:
        raise InputError("the workbook has no worksheet (only charts)",
                         "put the table on the first sheet", file=path)
    tables = [sheet for sheet in workbook.worksheets if not is_sources_sheet(sheet.title)]
    if not tables:
        raise InputError("the workbook's only sheet holds sources, not towns",
                         "put the towns on a sheet named candidates", file=path)
    return tables[0]


def formula_without_value(path: Path, row: int, column: str,
                          header_row: int | None = None) -> str | None:
    """The formula of a workbook cell that has no saved value, if it has one.

    A workbook written by a program other than Excel (or never saved by it)
    may hold formulas without their results; read for values only, such a
    cell is empty.  The header is the row ``header_row`` (default: the first
    row that is not blank); the id and name columns may be headed by an alias.
    """
    return _workbook_formulas(path, header_row).get((row, column))


def _workbook_formulas(path: Path, header_row: int | None) -> dict[tuple[int, str], str]:
    """Every formula of the table's sheet, by ``(row, column)``; empty if it cannot be read."""
    found: dict[tuple[int, str], str] = {}
    try:
        workbook = open_workbook(path, data_only=False)
    except Exception:
        return found
    try:
        sheet = _table_sheet(workbook, path)
        header: list[str] | None = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if header is None:
                blank = not any(c is not None and str(c).strip() for c in cells)
                if (header_row is None and not blank) or number == header_row:
                    header = [ROLES.get(role_key(name), name) for name in
                              ("" if c is None else str(c).strip() for c in cells)]
                continue
            for name, value in zip(header, cells, strict=False):
                if isinstance(value, str) and value.startswith("="):
                    found[(number, name)] = value
    except Exception:
        return found
    finally:
        workbook.close()
    return found


def _build(path: Path, header: list[str], header_row: int, body: list[list[object]],
           rows: list[int], encoding: Encoding | None,
           percent: set[tuple[int, int]] | None = None,
           roles: Mapping[str, str] = ROLES) -> CandidateTable:
    """The table from its first row and the rows after it as read (blank rows left out):
    the header found, title and note rows skipped, aliases, mapped headers and percentage
    formats read."""
    header, header_row, body, rows, notes = find_layout(path, header, header_row, body, rows,
                                                        roles)
    notes += check_header(path, header, header_row, roles)
    excel_percent, percent_notes = percent_cells(path, header, body, rows, percent or set())
    notes += percent_notes
    cells = _cells(path, header, body, rows)
    if len(cells) > MAX_TOWNS:
        raise InputError(f"the table has {len(cells):,} towns, more than {MAX_TOWNS:,}",
                         "split the table, or evaluate a shortlist", file=path)
    ids, names, names_en = _towns(path, rows, cells[ID_COLUMN].tolist(),
                                  cells[NAME_COLUMN].tolist(),
                                  cells[NAME_EN_COLUMN].tolist() if NAME_EN_COLUMN in cells else None)
    cells.index = pd.Index(ids, name=ID_COLUMN)
    return CandidateTable(path, tuple(ids), tuple(names), tuple(names_en), tuple(rows), cells,
                          encoding, header_row, notes=tuple(notes),
                          _excel_percent=frozenset(excel_percent))


def _build_plain(path: Path, plain: PlainTable, encoding: Encoding | None) -> CandidateTable:
    """The table from what the fast reader read: the same checks, in the same order, as
    :func:`_build`; the cells' text is read when first asked for."""
    notes = check_header(path, plain.header, plain.header_row)
    if len(plain.rows) > MAX_TOWNS:
        raise InputError(f"the table has {len(plain.rows):,} towns, more than {MAX_TOWNS:,}",
                         "split the table, or evaluate a shortlist", file=path)
    ids, names, names_en = _towns(path, plain.rows, plain.texts[ID_COLUMN], plain.texts[NAME_COLUMN],
                                  plain.texts.get(NAME_EN_COLUMN))
    return CandidateTable(path, tuple(ids), tuple(names), tuple(names_en), tuple(plain.rows), None,
                          encoding, plain.header_row, _numeric=dict(plain.numbers),
                          _text=plain.cells, _header=tuple(plain.header), notes=tuple(notes))


def _towns(path: Path, rows: list[int], id_cells: list[Any], name_cells: list[Any],
           name_en_cells: list[Any] | None) -> tuple[list[str], list[str], list[str]]:
    """Ids, names and English names, checked; the first bad one is the error."""
    ids = _ids(path, id_cells, rows)
    names = cell_texts(name_cells)
    if not _plain_texts(names) or "" in names:
        for i, name in enumerate(names):  # find the first bad one, as it is reported
            _check_text(name, path, rows[i], NAME_COLUMN, "name")
            if not name:
                raise InputError(f"empty name (town {ids[i]})", "give every town a name",
                                 file=path, row=rows[i], column=NAME_COLUMN)
    names_en = [""] * len(ids)
    if name_en_cells is not None:
        names_en = cell_texts(name_en_cells)
        if not _plain_texts(names_en):
            for i, name in enumerate(names_en):
                _check_text(name, path, rows[i], NAME_EN_COLUMN, "English name")
    if len(ids) < 2:
        raise InputError(f"only {len(ids)} candidate town(s)",
                         "a ranking needs at least two towns", file=path)
    return ids, names, names_en


def _cells(path: Path, header: list[str], body: list[list[object]],
           rows: list[int]) -> pd.DataFrame:
    """Rows as read (any length, blank cells as ``""`` or ``None``) as a frame of cells:
    blank cells ``None``, short rows padded, a row with extra non-blank cells refused."""
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
    return pd.DataFrame(cleaned, columns=header, dtype=object)


def _ids(path: Path, cells: list[object], rows: list[int]) -> list[str]:
    """The towns' ids; the first empty, malformed or repeated one is an error."""
    ids = cell_texts(cells)
    if _plain_texts(ids) and "" not in ids and len(set(ids)) == len(ids):
        return ids  # the common case, checked at C speed
    first_row: dict[str, int] = {}  # id → its row; a dict, so checking duplicates stays O(n)
    for i, ident in enumerate(ids):
        _check_text(ident, path, rows[i], ID_COLUMN, "id")
        if not ident:
            raise InputError("empty id", "give every town an id", file=path, row=rows[i],
                             column=ID_COLUMN)
        if ident in first_row:
            raise InputError(f"duplicate id {ident!r} (first on row {first_row[ident]})",
                             "give every town its own id", file=path, row=rows[i],
                             column=ID_COLUMN)
        first_row[ident] = rows[i]
    return ids


def _plain_texts(texts: list[str]) -> bool:
    """True when no text holds an invisible character or is longer than :data:`MAX_TEXT`:
    one C-speed test for the whole column (``isprintable`` is False for every character
    :func:`~evalkit.errors.invisible` finds, and for a few visible spaces as well)."""
    return "".join(texts).isprintable() and max(map(len, texts), default=0) <= MAX_TEXT


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
