"""The layout of a candidate table as people make it in Excel: the header row below title
rows, the id and name columns by common aliases, note rows after the last town, and cells
formatted as percentages.  Each fix is returned as a note; what cannot be fixed is an
:class:`~evalkit.errors.InputError` naming the row.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import cast

from evalkit.errors import InputError

ID_COLUMN = "id"
NAME_COLUMN = "name"
NAME_EN_COLUMN = "name_en"
TEXT_COLUMNS = (ID_COLUMN, NAME_COLUMN, NAME_EN_COLUMN)

ID_ALIASES = ("编号", "代码", "镇编号")
"""Headers read as the ``id`` column (case, spaces and full-width spaces ignored)."""
NAME_ALIASES = ("名称", "镇名", "乡镇", "乡镇名称", "镇")
"""Headers read as the ``name`` column."""
HEADER_SEARCH = 20
"""Rows (not blank) searched for the header; the rows above it must be titles."""
TITLE_CELLS = 2
"""Most non-empty cells a title row above the header may hold (a merged title is one)."""
_NOTE = re.compile(r"(注|说明|资料来源|数据来源|notes?\b)", re.IGNORECASE)
"""The start of a note row's first cell (注：…, 说明：…, 资料来源：…, Note: …)."""
_NOTE_IN = re.compile(r"\n\s*(?:注|说明|资料来源|数据来源|note)", re.IGNORECASE)
"""A first cell (one a line) that may start a note row: the test of all rows at once."""
_SPACES = re.compile(r"\s+")


def role_key(name: str) -> str:
    """A header as compared with the aliases: NFC, no spaces of any width, case folded."""
    return _SPACES.sub("", unicodedata.normalize("NFC", name)).casefold()


ROLES = {role_key(alias): role for role, aliases in ((ID_COLUMN, (ID_COLUMN, *ID_ALIASES)),
                                                       (NAME_COLUMN, (NAME_COLUMN, *NAME_ALIASES)))
          for alias in aliases}
"""Each alias (as :func:`role_key` gives it) and the column it heads."""


def roles_with(headers: Mapping[str, str] | None) -> dict[str, str]:
    """:data:`ROLES` and a criteria set's ``columns:`` (column → the table's header)."""
    if not headers:
        return ROLES
    return {**ROLES, **{role_key(header): column for column, header in headers.items()}}


def check_header(path: Path, header: list[str], header_row: int,
                 roles: Mapping[str, str] = ROLES) -> list[str]:
    """Every column named once (empty names at the end are dropped from ``header``), the
    id and name columns found by name or alias (renamed in ``header``), and there;
    ``roles`` (:func:`roles_with`) also renames the headers a criteria set maps.

    The notes returned say which headers were read as which column.
    """
    while header and not header[-1]:
        header.pop()
    for index, name in enumerate(header):
        if not name:
            raise InputError(f"column {index + 1} has no name", "give every column a header",
                             file=path, row=header_row, column=str(index + 1))
        if name in header[:index]:
            raise InputError(f"column {name!r} appears twice", "rename or remove one of them",
                             file=path, row=header_row, column=name)
    notes: list[str] = []
    claimed: dict[str, str] = {}
    for index, name in enumerate(header):
        role = roles.get(role_key(name))
        if role is None:
            continue
        if role in claimed or (name != role and role in header):
            other = claimed.get(role, role)
            raise InputError(f"columns {other!r} and {name!r} are both the {role} column",
                             f"keep one of them as {role!r} and rename the other",
                             file=path, row=header_row, column=name)
        claimed[role] = name
        if name != role:
            header[index] = role
            mapped = role not in (ID_COLUMN, NAME_COLUMN) or role_key(name) not in ROLES
            notes.append(f"{path}: column {name!r} read as "
                         + (f"{role} (columns: in the criteria set)" if mapped
                            else f"the {role} column"))
    for required in (ID_COLUMN, NAME_COLUMN):
        if required not in header:
            raise InputError(f"missing column {required!r}",
                             f"add an {required!r} column; the file has: {', '.join(header)}",
                             file=path, row=header_row, column=required)
    return notes


def filled_cells(values: list[object]) -> list[str]:
    """The non-empty cells of a row, as text."""
    return [text for text in (cell_text(v) for v in values) if text]


def is_note(values: list[object]) -> str | None:
    """The text of a note row (注：…, 说明, 资料来源, Note…: at most :data:`TITLE_CELLS`
    cells, the first one starting so), else ``None``."""
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str) or not _NOTE.match(value.lstrip()):
            return None  # the common case, one test a row
        return cell_text(value) if len(filled_cells(values)) <= TITLE_CELLS else None
    return None


def shorten(text: str, most: int = 30) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def find_layout(path: Path, first: list[str], first_row: int, body: list[list[object]],
                rows: list[int], roles: Mapping[str, str] = ROLES
                ) -> tuple[list[str], int, list[list[object]], list[int], list[str]]:
    """The header, its row, the towns' rows and their numbers, with the notes saying which
    title rows (above the header) and note rows (after the last town) were skipped.

    The header is the first row holding the id column by name or alias, among the
    first :data:`HEADER_SEARCH` rows; when none does, the first row (whose missing
    id column is then reported).  A row above the header with more than
    :data:`TITLE_CELLS` cells, or a note row between towns, is an error.
    """
    lines: list[list[object]] = [cast(list[object], first), *body[:HEADER_SEARCH - 1]]
    found = next((k for k, line in enumerate(lines)
                  if any(roles.get(role_key(cell_text(v))) == ID_COLUMN for v in line)), 0)
    notes: list[str] = []
    if found:
        numbers = [first_row, *rows[:found - 1]]
        header_row = rows[found - 1]
        for number, line in zip(numbers, lines[:found], strict=True):
            filled = filled_cells(line)
            if len(filled) > TITLE_CELLS:
                raise InputError(f"row {number} above the header (row {header_row}) holds "
                                 f"{len(filled)} cells, not a title",
                                 "only a title may stand above the header row: delete the row, "
                                 "or move it below the table as a note (注：…)",
                                 file=path, row=number)
            notes.append(f"{path}: row {number} is a title row "
                         f"('{shorten(' '.join(filled))}'), skipped")
        first = [cell_text(v) for v in lines[found]]
        body, rows = body[found:], rows[found:]
    else:
        header_row = first_row
    if not may_hold_notes(body):
        return first, header_row, body, rows, notes
    end = len(body)
    while end and is_note(body[end - 1]) is not None:
        end -= 1
    if end < len(body):
        for number, line in zip(rows[end:], body[end:], strict=True):
            notes.append(f"{path}: row {number} is a note ('{shorten(is_note(line) or '')}'), "
                         "skipped")
        body, rows = body[:end], rows[:end]
    for number, line in zip(rows, body, strict=True):
        note = is_note(line)
        if note is not None:
            raise InputError(f"row {number} is a note ('{shorten(note)}') between the towns",
                             "move notes below the last town, or delete the row",
                             file=path, row=number)
    return first, header_row, body, rows, notes


def may_hold_notes(body: list[list[object]]) -> bool:
    """False when no row can be a note: every first cell is text, none blank and none
    starting as a note does (one C-speed test for all rows, as a CSV table's are)."""
    try:
        firsts = cast(list[str], [line[0] for line in body])
        joined = "\n".join(firsts)
        if not firsts or min(map(len, map(str.strip, firsts))) == 0:
            return True  # a blank first cell: the row is looked at more closely
    except (IndexError, TypeError):  # an empty row, or a number from a workbook
        return True
    return _NOTE_IN.search("\n" + joined) is not None


def percent_cells(path: Path, header: list[str], body: list[list[object]], rows: list[int],
                   percent: set[tuple[int, int]]) -> tuple[set[str], list[str]]:
    """Workbook cells formatted as percentages (stored 0.724, shown 72.4%) written as the
    percentage shown (``"72.4%"``, read by the column's unit), each column reported once."""
    if not percent:
        return set(), []
    index = {number: k for k, number in enumerate(rows)}
    columns: dict[str, tuple[int, float, str]] = {}
    for number, j in sorted(percent):
        k = index.get(number)
        if k is None or j >= len(header) or header[j] in TEXT_COLUMNS or j >= len(body[k]):
            continue
        value = body[k][j]
        if not isinstance(value, int | float) or isinstance(value, bool) \
                or not math.isfinite(value):
            continue
        shown = format(Decimal(repr(float(value))).scaleb(2).normalize(), "f")
        body[k][j] = f"{shown}%"
        count, stored, example = columns.get(header[j], (0, float(value), shown))
        columns[header[j]] = (count + 1, stored, example)
    notes = [f"{path}: column {name!r}: {count} cell{'s' if count > 1 else ''} formatted as "
             f"percentages in Excel (stored {stored:g}, shown {example}%) read as the "
             f"percentage shown, not as {stored:g}"
             for name, (count, stored, example) in columns.items()]
    return set(columns), notes


_NFC = functools.partial(unicodedata.normalize, "NFC")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def cell_texts(values: list[object]) -> list[str]:
    """:func:`cell_text` of each value (mapped at C speed when all are text, as from a CSV)."""
    if set(map(type, values)) == {str}:
        return list(map(str.strip, map(_NFC, cast(list[str], values))))
    return [cell_text(v) for v in values]
