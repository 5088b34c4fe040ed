"""A fast reader for plain CSV tables: pandas' C reader, only where it reads what ``csv`` reads.

:func:`evalkit.io.sheets.csv_rows` reads a table row by row with Python's
``csv`` module, which knows each row's line number, so every message can
point at ``file:row:column``.  At 40,000 towns that loop, turning 1.2 million
cells into Python text and each number into a float one ``float()`` call at a
time cost over a second.

:func:`plain_csv` reads the same text with pandas' C reader instead, but only
a *plain* table, where both readers provably see the same cells:

- no quote character anywhere (so no cell spans lines, holds a separator or
  needs unquoting), no line ending but ``\\n`` and ``\\r\\n``, no line longer
  than ``csv``'s field limit, and ``csv.Sniffer`` did not ask for leading
  spaces to be skipped;
- the header has no empty trailing names and no name twice, and every
  non-blank line has exactly as many cells as the header.

Then each data row is one physical line, so its row number is its line number
(blank lines are skipped by both readers, and numbered here from the text).
Anything else — a quoted cell, a short or long row, a lone ``\\r`` — returns
``None`` and the caller uses the ``csv`` path, whose messages are unchanged.

What is read at once is only what ranking needs: the text of the id and name
columns, and the columns that are all **plain numbers**.  A column counts as
such when pandas (3.1 and later, whose converter, ``fast_float``, rounds
correctly as ``float()`` does) read every cell as a finite number *and* every
cell's bytes are a number of :mod:`evalkit.io.numbers`' grammar without spaces
(:func:`plain_number_cells`) — pandas alone also reads text evalkit refuses,
such as ``+1e 1`` or ``inf``.  Every other column, and the text of all cells
(:attr:`CandidateTable.cells <evalkit.io.candidates.CandidateTable.cells>`),
is read when first asked for (:class:`TextCells`), with the same reader.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

MIN_PANDAS = (3, 1)
"""pandas from which ``read_csv`` converts every number with ``fast_float`` (correctly
rounded, as ``float()`` is); before it no column is taken as plain numbers."""

_NUMBER_BYTES = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
"""One cell of a plain-number column: the grammar of :mod:`evalkit.io.numbers`, ASCII
digits, without the spaces, thousands separators and full-width forms it also allows."""


def _pandas_version() -> tuple[int, int]:
    parts = pd.__version__.split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return (0, 0)


EXACT_FLOATS = _pandas_version() >= MIN_PANDAS


def _options(delimiter: str, width: int) -> dict[str, Any]:
    """``read_csv``'s options for the rows of a plain table (no header line, no NA)."""
    return {"sep": delimiter, "header": None, "names": list(range(width)), "index_col": False,
            "na_filter": False, "quoting": csv.QUOTE_NONE, "skip_blank_lines": False,
            "engine": "c", "encoding": "utf-8", "lineterminator": "\n",
            "low_memory": False}  # types inferred over whole columns: no DtypeWarning


@dataclass(frozen=True, eq=False)
class TextCells:
    """Every cell of a plain table as text, read when asked for: its rows (UTF-8, one line
    each, blank lines left out), their separator and the column names."""

    body: bytes
    delimiter: str
    header: tuple[str, ...]

    def frame(self) -> pd.DataFrame:
        """The cells as the ``csv`` path keeps them: text, ``None`` for a blank cell."""
        frame = pd.read_csv(io.BytesIO(self.body), dtype=object,
                            **_options(self.delimiter, len(self.header)))
        for j in range(len(self.header)):
            cells = frame[j].to_numpy()
            if min(map(len, map(str.strip, cells))) == 0:
                blank = np.array([not c.strip() for c in cells])
                cells = cells.copy()
                cells[blank] = None
                # a Series of dtype object stays one (an array or a list would become "str")
                frame.isetitem(j, pd.Series(cells, index=frame.index, dtype=object))
        frame.columns = pd.Index(self.header)
        return frame


@dataclass(frozen=True, eq=False)
class PlainTable:
    """A plain CSV table: its header (names stripped), the header's line, each row's
    line, the text of the columns asked for (``None`` for a blank cell), the columns that
    are all plain numbers (float64) and the way to every cell's text."""

    header: list[str]
    header_row: int
    rows: list[int]
    texts: dict[str, list[str | None]]
    numbers: dict[str, np.ndarray]
    cells: TextCells


def plain_csv(text: str, dialect: Any, text_columns: tuple[str, ...] = ()) -> PlainTable | None:
    """The table in ``text`` (decoded, with the ``csv`` dialect sniffed for it) if it is
    plain in the sense of this module, else ``None``; ``text_columns`` are read as text
    at once (those of them the header has)."""
    delimiter = getattr(dialect, "delimiter", ",")
    quotechar = getattr(dialect, "quotechar", '"') or '"'
    escapechar = getattr(dialect, "escapechar", None)
    if (len(delimiter) != 1 or delimiter in "\r\n" or not delimiter.isascii()
            or quotechar in text or (escapechar and escapechar in text)
            or getattr(dialect, "skipinitialspace", False)):
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None  # a lone carriage return: csv reads it as a line break, or refuses it
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if max(map(len, lines)) > csv.field_size_limit():
        return None  # csv refuses such a field, with its own message
    kept = _not_blank(lines, delimiter)
    if len(kept) < 2:
        return None
    raw_header = lines[kept[0]].split(delimiter)
    width = len(raw_header)
    header = [name.strip() for name in raw_header]
    if not header[-1] or len(set(header)) != width:
        return None  # trailing empty names or a repeated name: the csv path says which
    body_lines = [lines[i] for i in kept[1:]]
    if set(map(str.count, body_lines, repeat(delimiter))) != {width - 1}:
        return None  # a short or a long row
    if kept[-1] - kept[0] == len(kept) - 1:  # no blank line among the rows: the text as it is
        start = sum(map(len, lines[:kept[1]])) + kept[1]  # each line and its \n
        end = start + sum(map(len, body_lines)) + len(body_lines) - 1
        body = text[start:end].encode("utf-8")
    else:
        body = "\n".join(body_lines).encode("utf-8")  # pandas reads bytes faster than text
    del lines, body_lines
    wanted = {header.index(name): name for name in text_columns if name in header}
    try:
        typed = pd.read_csv(io.BytesIO(body), dtype={j: object for j in wanted},
                            **_options(delimiter, width))
    except (ValueError, pd.errors.ParserError, OverflowError):
        return None
    rows = len(kept) - 1
    if typed.shape != (rows, width):
        return None
    texts: dict[str, list[str | None]] = {}
    for j, name in wanted.items():
        cells = typed[j].tolist()
        if set(map(type, cells)) != {str}:
            return None
        texts[name] = [c if c.strip() else None for c in cells] \
            if min(map(len, map(str.strip, cells))) == 0 else cells
    numbers: dict[str, np.ndarray] = {}
    candidates = [j for j in range(width) if j not in wanted and typed[j].dtype.kind in "fiu"]
    if EXACT_FLOATS and candidates:
        starts, valid = plain_number_cells(body, delimiter, rows, width, candidates)
        for j in candidates:
            values = typed[j].to_numpy(dtype=np.float64, copy=True)
            if not valid[:, j].all() or not np.isfinite(values).all():
                continue
            for i in np.flatnonzero(values == 0).tolist():  # the sign of a zero is its text's:
                values[i] = -0.0 if body[starts[i, j]] == ord("-") else 0.0  # float("-0") is -0.0
            numbers[header[j]] = values
    return PlainTable(header, kept[0] + 1, [i + 1 for i in kept[1:]], texts, numbers,
                      TextCells(body, delimiter, tuple(header)))


def plain_number_cells(body: bytes, delimiter: str, rows: int, width: int,
                       columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's first byte and whether the cell is a plain number (rows × width each;
    the second is only worked out for ``columns``).

    ``body`` holds the rows, one line each, ``width`` cells a line.  A cell of
    digits and at most one point is a number unless it is empty or a lone
    point; a cell with any other byte is one if it matches the grammar
    (:data:`_NUMBER_BYTES`).  Found for all cells at once with numpy, from
    which cell each byte belongs to; only cells with a sign, an exponent or any
    other byte are matched one by one.
    """
    data = np.frombuffer(body + b"\n", dtype=np.uint8)
    separator = (data == ord(delimiter)) | (data == ord("\n"))
    ends = np.flatnonzero(separator)
    cells = rows * width
    if len(ends) != cells:
        raise ValueError("the rows do not have the cells the header says")
    starts = np.empty(cells, dtype=np.intp)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    # The cell each byte belongs to: the separators before it (a separator counts itself,
    # so at a separator this is the index of the cell after it).
    cell = np.cumsum(separator, dtype=np.int32)
    digit = (data >= ord("0")) & (data <= ord("9"))
    point = data == ord(".")
    bad = np.zeros(cells, dtype=bool)
    in_point = cell[point]  # nondecreasing: a repeat is a second point in one cell
    bad[in_point[1:][in_point[1:] == in_point[:-1]]] = True
    bad[cell[:-1][separator[:-1] & separator[1:]]] = True  # an empty cell: two separators
    bad[0] |= bool(separator[0])
    lone = point[:-1] & separator[1:]  # a point just before a separator…
    lone[1:] &= separator[:-2]  # …and just after one (or first)
    bad[cell[:-1][lone]] = True
    valid = ~bad
    other = ~(digit | point | separator)
    in_other = cell[other]
    if in_other.size:
        first = np.empty(in_other.size, dtype=bool)
        first[0] = True
        np.not_equal(in_other[1:], in_other[:-1], out=first[1:])
        impure = in_other[first]
        asked = np.zeros(width, dtype=bool)
        asked[columns] = True
        for k in impure[asked[impure % width]].tolist():  # a sign, an exponent, anything else
            valid[k] = _NUMBER_BYTES.fullmatch(body, starts[k], ends[k]) is not None
    return starts.reshape(rows, width), valid.reshape(rows, width)


def _not_blank(lines: list[str], delimiter: str) -> list[int]:
    """The positions of the lines that are not blank (only spaces and separators): those
    both readers skip.  Looked at one by one only when some line could be blank."""
    firsts = set(map(itemgetter(slice(None, 1)), lines))
    if not any(not c or c == delimiter or c.isspace() for c in firsts):
        return list(range(len(lines)))
    if lines[-1] == "" and lines.count("") == 1 and not any(
            c == delimiter or c.isspace() for c in firsts if c):
        return list(range(len(lines) - 1))  # only the end of the last line
    return [i for i, line in enumerate(lines) if line.replace(delimiter, "").strip()]
