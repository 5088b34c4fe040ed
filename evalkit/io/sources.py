"""Where each value of a candidate table comes from: its sources file.

A candidate table carries its sources in one of three ways, looked for in
this order by :func:`table_sources`:

1. a path given explicitly (``load_candidates(path, sources=FILE)``, the
   CLI's ``--sources FILE``);
2. a sheet named ``sources`` (or ``来源``) in the candidate workbook;
3. a companion file beside the table named ``<stem>.sources.csv``
   (``candidates/towns.sources.csv`` for ``candidates/towns.csv``).

The sources table has one row per column of the candidate table, and
optionally one row per cell whose figure comes from somewhere else:

==========  ====  ==================================================================
header      中文  meaning
==========  ====  ==================================================================
column      列    a column of the candidate table (required)
town        镇    empty: the whole column; a town id: that one cell (an override)
source      来源  the document the figure comes from
table       表或页 the table, page or section in it (e.g. 工作方案 §2.4.1)
year        年份  the statistical year
definition  口径  what exactly is counted (the statistical definition)
status      状态  official, estimate or assumed (官方, 估算, 假设) (required)
==========  ====  ==================================================================

``source_en``, ``table_en`` and ``definition_en`` (optional) give the same in English,
for the English reports; without them an English report shows the Chinese, marked.

The statuses, strongest first (:data:`STATUSES`): ``official`` (a published
statistic or a figure an official document states for that very town),
``estimate`` (a figure estimated by an office or a model), ``assumed``
(chosen for this table, e.g. a plan's average spread across towns).  A value
with no row at all has the status ``none`` (:data:`NO_SOURCE`).

The file is read with the candidate table's own readers
(:mod:`evalkit.io.sheets`): UTF-8, UTF-8 with BOM or GBK, blank rows skipped,
workbooks opened with the same guards.  Every problem is an
:class:`~evalkit.errors.InputError` naming the file, the row, the header of the
column and the value.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from evalkit.errors import InputError, invisible, visible
from evalkit.io.files import check_input_file
from evalkit.io.sheets import Encoding, Rows, named_sheet, read_csv_rows, read_xlsx_rows

STATUSES = ("official", "estimate", "assumed")
"""The statuses a sources file may give, strongest first."""
NO_SOURCE = "none"
"""The status of a value the sources file says nothing about."""
STATUS_ORDER = (*STATUSES, NO_SOURCE)
"""Every status, strongest first: the weakest of several is the one latest in this tuple."""

STATUS_ALIASES = {"官方": "official", "估算": "estimate", "估计": "estimate", "假设": "assumed"}
"""Chinese words accepted for the statuses."""

SOURCES_SHEETS = ("sources", "来源")
"""Names of the sheet of a candidate workbook that holds its sources."""
COMPANION_SUFFIX = ".sources.csv"
"""A candidate table ``towns.csv`` (or ``towns.xlsx``) has its sources in ``towns.sources.csv``."""

FIELDS = ("column", "town", "source", "table", "year", "definition", "status",
          "source_en", "table_en", "definition_en")
"""The columns of a sources file, in the order they are documented (the last three optional:
the texts in English)."""
REQUIRED = ("column", "status")
HEADERS = {
    **{name: name for name in FIELDS},
    "列": "column", "镇": "town", "来源": "source", "表或页": "table", "年份": "year",
    "口径": "definition", "状态": "status",
}
"""Header text (English, any case, or Chinese) → field."""

MAX_BYTES = 256 * 2**20
"""Largest sources file read (as large as the largest candidate table)."""
MAX_TEXT = 500
"""Longest text in one cell of a sources file, in characters."""

_SPACE = re.compile(r"\s+")


class SourcedTable(Protocol):
    """What a sources file is checked against: a candidate table's path, columns and towns."""

    @property
    def path(self) -> Path: ...

    @property
    def ids(self) -> tuple[str, ...]: ...

    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def columns(self) -> tuple[str, ...]: ...


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
"""A four-digit year in a sources row's year cell ("2022", "2019—2022", "2022年")."""


@dataclass(frozen=True)
class Citation:
    """One row of a sources file: where a column's (or one cell's) figures come from."""

    source: str
    table: str
    year: str
    definition: str
    status: str
    row: int = 0  # the row of the sources file (0: built in code)
    english: tuple[str, str, str] = ("", "", "")
    """``source_en``, ``table_en``, ``definition_en`` (``""`` where not given)."""

    def shown(self, lang: str) -> tuple[str, str, str]:
        """Source, table and definition in ``lang``: the English ones where given, else
        as written."""
        written = (self.source, self.table, self.definition)
        if lang != "en":
            return written
        return tuple(e or w for e, w in zip(self.english, written, strict=True))  # type: ignore[return-value]

    def to_dict(self) -> dict[str, str]:
        out = {"source": self.source, "table": self.table, "year": self.year,
               "definition": self.definition, "status": self.status}
        out.update({key: value for key, value in zip(("source_en", "table_en", "definition_en"),
                                                     self.english, strict=True) if value})
        return out


@dataclass(frozen=True, eq=False)
class Sources:
    """The sources of one candidate table.

    ``columns`` maps a column to its column-level row; ``cells`` maps
    ``(column, town id)`` to a row that overrides it for that one town (an
    override needs no column-level row: the other towns then have none).
    ``sheet`` names the workbook sheet the rows were read from, if any.
    """

    path: Path
    columns: Mapping[str, Citation]
    cells: Mapping[tuple[str, str], Citation] = field(default_factory=dict)
    sheet: str | None = None
    encoding: Encoding | None = None
    _by_column: dict[str, dict[str, Citation]] = field(default_factory=dict, init=False,
                                                       repr=False)

    def __post_init__(self) -> None:
        for (column, town), citation in self.cells.items():
            self._by_column.setdefault(column, {})[town] = citation

    def latest_year(self, columns: Iterable[str] | None = None) -> int | None:
        """The latest year the rows of ``columns`` (None: all) state, if any: the base year
        of the statistics an evaluation reads (a cost column's planning years are not)."""
        wanted = None if columns is None else set(columns)
        rows = [c for k, c in self.columns.items() if wanted is None or k in wanted]
        rows += [c for (k, _), c in self.cells.items() if wanted is None or k in wanted]
        years = [int(y) for c in rows for y in _YEAR.findall(c.year or "")]
        return max(years, default=None)

    def citation(self, town: str, column: str) -> Citation | None:
        """The row that applies to one cell: its override, else its column's row."""
        return self.cells.get((column, town)) or self.columns.get(column)

    def status(self, town: str, column: str) -> str:
        """One cell's status: ``official``, ``estimate``, ``assumed`` or ``none``."""
        found = self.citation(town, column)
        return found.status if found is not None else NO_SOURCE

    def overrides(self, column: str) -> dict[str, Citation]:
        """The cells of one column that have their own row: town id → row."""
        return dict(self._by_column.get(column, {}))

    @property
    def name(self) -> str:
        """The file as a reader would cite it: ``towns.sources.csv``, ``towns.xlsx, sheet sources``."""
        return f"{self.path.name}, sheet {self.sheet}" if self.sheet else self.path.name

    @property
    def warnings(self) -> tuple[str, ...]:
        if self.encoding is not None and self.encoding.guessed:
            return (f"{self.path} was read as {self.encoding}",)
        return ()

    def to_dict(self) -> dict[str, Any]:
        """Per column its row, with ``towns``: the overrides, town id → row."""
        out: dict[str, Any] = {}
        for column in dict.fromkeys([*self.columns, *self._by_column]):
            base = self.columns.get(column)
            entry: dict[str, Any] = base.to_dict() if base else _empty()
            entry["towns"] = {t: c.to_dict() for t, c in self.overrides(column).items()}
            out[column] = entry
        return {"file": self.path.name, "sheet": self.sheet, "columns": out}


def _empty() -> dict[str, Any]:
    return {"source": None, "table": None, "year": None, "definition": None,
            "status": NO_SOURCE}


def companion_path(table_path: str | os.PathLike[str]) -> Path:
    """``towns.sources.csv`` beside ``towns.csv`` (or ``towns.xlsx``)."""
    path = Path(table_path)
    return path.with_name(path.stem + COMPANION_SUFFIX)


def is_sources_sheet(title: str) -> bool:
    """Whether a workbook sheet of this name holds sources, not towns."""
    return title.strip().casefold() in {n.casefold() for n in SOURCES_SHEETS}


def table_sources(table: SourcedTable, path: str | os.PathLike[str] | None = None) -> Sources | None:
    """The sources of a candidate table: ``path`` if given, else its own (see the module).

    A workbook with a ``sources`` sheet *and* a companion file is refused:
    which one is meant cannot be guessed.
    """
    if path is not None:
        return load_sources(path, table)
    sheet = _workbook_sources(table) if _is_workbook(table.path) else None
    companion = companion_path(table.path)
    if sheet is not None:
        if companion.exists():
            raise InputError(f"the workbook has a sheet {sheet.sheet!r} and {companion.name} "
                             "lies beside it: two sources files",
                             "remove one of them, or name one with --sources", file=table.path)
        return sheet
    if companion.exists() or companion.is_symlink():
        return load_sources(companion, table)
    return None


def load_sources(path: str | os.PathLike[str], table: SourcedTable) -> Sources:
    """Read and check a sources file (CSV, or a workbook's ``sources`` sheet) for ``table``."""
    path = Path(path)
    check_input_file(path, "sources file", MAX_BYTES)
    if _is_workbook(path):
        titles: list[str] = []

        def choose(workbook: Any, where: Path) -> Any:
            sheet = _sources_sheet_or_first(workbook, where)
            titles.append(sheet.title)
            return sheet

        read = read_xlsx_rows(path, choose)
        assert read is not None  # a sheet is always chosen, or an error raised
        return _parse(path, read, table, None, titles[0])
    if path.suffix.lower() not in (".csv", ".txt", ""):
        raise InputError(f"unsupported file type {path.suffix!r} for a sources file",
                         "save it as .csv (UTF-8 or GBK) or .xlsx", file=path)
    rows, encoding = read_csv_rows(path)
    return _parse(path, rows, table, encoding, None)


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _workbook_sources(table: SourcedTable) -> Sources | None:
    titles: list[str] = []

    def choose(workbook: Any, path: Path) -> Any:
        sheet = named_sheet(workbook, SOURCES_SHEETS)
        if sheet is not None:
            titles.append(_worksheet(sheet, path).title)
        return sheet

    read = read_xlsx_rows(table.path, choose)
    return None if read is None else _parse(table.path, read, table, None, titles[0])


def _sources_sheet_or_first(workbook: Any, path: Path) -> Any:
    sheet = named_sheet(workbook, SOURCES_SHEETS)
    if sheet is not None:
        return _worksheet(sheet, path)
    if not workbook.worksheets:
        raise InputError("the workbook has no worksheet (only charts)",
                         "put the sources on a sheet named sources", file=path)
    return workbook.worksheets[0]


def _worksheet(sheet: Any, path: Path) -> Any:
    if not hasattr(sheet, "iter_rows"):
        raise InputError(f"the sheet {sheet.title!r} is a chart, not a table",
                         "put the sources on a worksheet named sources", file=path)
    return sheet


def _parse(path: Path, read: Rows, table: SourcedTable, encoding: Encoding | None,
           sheet: str | None) -> Sources:
    header, header_row, body, rows = read
    where = f" (sheet {sheet})" if sheet else ""

    def error(what: str, hint: str, row: int | None = None, column: str | None = None
              ) -> InputError:
        return InputError(what + where, hint, file=path, row=row, column=column)

    if header is None:
        raise error("the sources file is empty",
                    f"add a header row ({', '.join(FIELDS)}) and one row per column")
    while header and not header[-1]:
        header.pop()
    fields: dict[str, int] = {}  # field → position
    written: dict[str, str] = {}  # field → its header as written, for messages
    for index, text in enumerate(header):
        if not text:
            raise error(f"column {index + 1} has no name", f"name it one of {', '.join(FIELDS)}",
                        header_row, str(index + 1))
        name = HEADERS.get(text) or HEADERS.get(text.casefold())
        if name is None:
            raise error(f"unknown header {visible(text)!r}",
                        f"use {', '.join(FIELDS)} (or 列, 镇, 来源, 表或页, 年份, 口径, 状态)",
                        header_row, text)
        if name in fields:
            raise error(f"header {text!r} repeats {written[name]!r}",
                        "keep one column for each", header_row, text)
        fields[name] = index
        written[name] = text
    for name in REQUIRED:
        if name not in fields:
            raise error(f"missing column {name!r}",
                        f"add a {name} column; the file has: {', '.join(header)}", header_row,
                        name)
    known_columns = set(table.columns)
    known_towns = set(table.ids)
    names = dict(zip(table.names, table.ids, strict=True))
    columns: dict[str, Citation] = {}
    cells: dict[tuple[str, str], Citation] = {}
    first: dict[tuple[str, str], int] = {}
    for number, values in zip(rows, body, strict=True):
        extra = [v for v in values[len(header):] if v is not None and str(v).strip()]
        if extra:
            raise error(f"row has {len(values)} cells but the header has {len(header)}",
                        "remove the extra cells or add a header for them", number)

        def cell(name: str, row: int = number, values: list[object] = values) -> str:
            index = fields.get(name)
            if index is None or index >= len(values):
                return ""
            text = _text(values[index])
            # isprintable() runs in C and is true of every text without an invisible character.
            hidden = [] if text.isprintable() else [ch for ch in text if invisible(ch)]
            if hidden:
                raise error(f"'{visible(text)}' holds an invisible or control character "
                            f"(U+{ord(hidden[0]):04X})", "retype it with visible characters "
                            "only", row, written[name])
            if len(text) > MAX_TEXT:
                raise error(f"the text is {len(text)} characters long, more than {MAX_TEXT}",
                            "shorten it; cite the document, do not copy it", row, written[name])
            return text

        column, town = cell("column"), cell("town")
        if not column:
            raise error("empty column name", "name the column of the candidate table this row "
                        "is about", number, written["column"])
        if column not in known_columns:
            raise error(f"unknown column {column!r}: {table.path.name} has no such column",
                        f"use one of: {', '.join(table.columns)}", number, written["column"])
        if town and town not in known_towns:
            hint = (f"{town!r} is a town name; write its id {names[town]!r}" if town in names
                    else f"use a town id of {table.path.name}, or leave town empty for the "
                         "whole column")
            raise error(f"unknown town id {town!r}", hint, number, written["town"])
        status = _status(cell("status"), column, town, number, written["status"], error)
        key = (column, town)
        if key in first:
            what = f"column {column!r}" + (f", town {town!r}" if town else "")
            raise error(f"a second row for {what} (first on row {first[key]})",
                        "keep one row per column (and town); delete or merge the other",
                        number, written["town"] if town else written["column"])
        first[key] = number
        citation = Citation(cell("source"), cell("table"), cell("year"), cell("definition"),
                            status, number,
                            (cell("source_en"), cell("table_en"), cell("definition_en")))
        if town:
            cells[key] = citation
        else:
            columns[column] = citation
    return Sources(path, columns, cells, sheet, encoding)


def _status(text: str, column: str, town: str, row: int, header: str, error: Any) -> str:
    allowed = ", ".join(STATUSES)
    if not text:
        at = f"column {column!r}" + (f", town {town!r}" if town else "")
        raise error(f"empty status ({at})", f"write one of {allowed}", row, header)
    status = STATUS_ALIASES.get(text, text.casefold())
    if status not in STATUSES:
        raise error(f"status {text!r} is not one of {allowed}",
                    f"write one of {allowed} (or 官方, 估算, 假设)", row, header)
    return status


def _text(value: object) -> str:
    """A cell as one line of text: numbers as written (2022, not 2022.0), spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACE.sub(" ", unicodedata.normalize("NFC", str(value))).strip()
