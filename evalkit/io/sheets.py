"""Tables as users save them: text rows from a CSV file or one sheet of a workbook.

The candidate table (:mod:`evalkit.io.candidates`) and its sources file
(:mod:`evalkit.io.sources`) are both read here, so both accept the same
encodings (UTF-8, UTF-8 with a byte-order mark, GB18030/GBK), skip blank rows
the same way and open workbooks with the same guards.  A reader returns the
header, the header's row number, the body rows and each body row's number in
the file (header = row 1 unless blank rows come first); what the cells mean is
the caller's business.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import InputError

Rows = tuple[list[str] | None, int, list[list[object]], list[int]]
"""``(header, header_row, body, rows)``; ``header`` is ``None`` for an empty table."""


@dataclass(frozen=True)
class Encoding:
    """How a text file was decoded."""

    name: str
    guessed: bool = False

    def __str__(self) -> str:
        return f"{self.name} (guessed)" if self.guessed else self.name


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


def read_csv_rows(path: Path) -> tuple[Rows, Encoding]:
    """The rows of a CSV file (``,``, ``;`` or tab separated), blank lines skipped."""
    text, encoding, dialect = read_csv_text(path)
    return csv_rows(text, dialect, path), encoding


def read_csv_text(path: Path) -> tuple[str, Encoding, Any]:
    """A CSV file's text, how it was decoded and its dialect (the separator is guessed
    from the first 4 KiB: ``,``, ``;`` or tab)."""
    text, encoding = decode_text(path)
    if "\x00" in text:
        raise InputError("this is not a text table (it contains NUL bytes)",
                         "give a .csv or .xlsx file", file=path)
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    return text, encoding, dialect


def csv_rows(text: str, dialect: Any, path: Path) -> Rows:
    """The rows of a CSV text read by :func:`read_csv_text`, blank lines skipped."""
    reader = csv.reader(io.StringIO(text), dialect)
    header: list[str] | None = None
    header_row = 0
    body: list[list[object]] = []
    rows: list[int] = []
    try:
        for row in reader:
            if not "".join(row).strip():
                continue  # blank lines are neither the header nor data
            if header is None:
                header = [h.strip() for h in row]
                header_row = reader.line_num
                continue
            body.append(list(row))
            rows.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(f"not a valid CSV table: {exc}", "check quoting on that line",
                         file=path, row=reader.line_num) from None
    return header, header_row, body, rows


def read_xlsx_rows(path: Path, choose: Callable[[Any, Path], Any], *,
                   percent: set[tuple[int, int]] | None = None) -> Rows | None:
    """The rows of the sheet ``choose(workbook, path)`` picks; ``None`` if it picks none.

    The workbook is opened read-only for its saved values; a damaged or
    hostile file (entity expansion, a zip that is not a workbook) is one
    :class:`InputError`, whatever openpyxl raised.

    ``percent``, when given, receives ``(row, index)`` of every number cell whose
    number format shows it as a percentage (stored 0.724, shown 72.4%): read for
    its value alone, such a cell would be a hundred times too small.
    """
    try:
        workbook = open_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        if type(exc).__name__ == "BadZipFile":  # not a workbook at all (text named .xlsx)
            raise InputError(f"cannot open as an Excel workbook ({type(exc).__name__})",
                             "save it again from Excel as .xlsx", file=path) from None
        if has_chart_sheets(path):
            raise InputError("the workbook has a chart sheet that cannot be opened",
                             "copy the table into a workbook without chart sheets (a sheet "
                             "named candidates)", file=path) from None
        raise InputError(f"the workbook cannot be read ({type(exc).__name__}: damaged or "
                         "unsafe XML, or not a workbook)", "open it in Excel and save it again "
                         "as .xlsx", file=path) from None
    header: list[str] | None = None
    header_row = 0
    body: list[list[object]] = []
    rows: list[int] = []
    try:
        sheet = choose(workbook, path)
        if sheet is None:
            return None
        # The used range comes from the cells read, not from the sheet's declared
        # dimension: one stray cell at XFD1048576 must not mean a million rows of 16,384.
        sheet.reset_dimensions()
        for number, row in enumerate(_values(sheet, percent), start=1):
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
    return header, header_row, body, rows


def _values(sheet: Any, percent: set[tuple[int, int]] | None) -> Any:
    """The sheet's rows of values; with ``percent``, the number cells formatted as
    percentages are noted there as well (their cells, not only values, are read)."""
    if percent is None:
        yield from sheet.iter_rows(values_only=True)
        return
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = tuple(getattr(cell, "value", None) for cell in cells)
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            if (isinstance(value, int | float) and not isinstance(value, bool)
                    and "%" in str(getattr(cell, "number_format", None) or "")):
                percent.add((number, index))
        yield values


def open_workbook(path: Path, *, data_only: bool) -> Any:
    """A workbook opened read-only, its chart sheets kept as sheets without cells.

    openpyxl 3.1 fails (``AttributeError``) on a chart sheet with no drawing;
    such a sheet is kept, without its (absent) chart, so that the reader can
    choose a worksheet beside it.
    """
    from openpyxl.reader.excel import ExcelReader

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_chartsheet(self, sheet: Any, rel: Any) -> None:
            count = len(self.wb._sheets)
            try:
                super().read_chartsheet(sheet, rel)
            except AttributeError:
                if len(self.wb._sheets) == count:  # the sheet itself was not read
                    raise

    reader = Reader(path, read_only=True, data_only=data_only)
    reader.read()
    return reader.wb


def has_chart_sheets(path: Path) -> bool:
    """Whether a workbook holds chart sheets (which openpyxl may fail to open)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith("xl/chartsheets/") for n in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def named_sheet(workbook: Any, names: tuple[str, ...]) -> Any | None:
    """The first sheet whose name is one of ``names`` (ignoring case and spaces), if any."""
    wanted = {n.casefold() for n in names}
    for title in workbook.sheetnames:
        if title.strip().casefold() in wanted:
            return workbook[title]
    return None
