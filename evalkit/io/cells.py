"""What a cell of a candidate table reads as, and how bad cells are reported: every one of
them in one error (the first :data:`MAX_LISTED`, then a count)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from evalkit.errors import InputError
from evalkit.io.numbers import PERMILLE

MAX_LISTED = 50
"""Bad cells listed one by one in an error; the rest are counted."""


@dataclass(frozen=True)
class ColumnUnit:
    """What the criteria set says about a raw column: how a cell such as ``72.4%`` reads.

    ``unit`` is the unit of the indicator reading the column directly (``""``
    when none does: the column only feeds derivations), ``scale`` that
    indicator's scale (100: the column holds fractions of the percentage);
    ``reader`` names that indicator, for messages.  ``expects``, when not
    empty, says why the column is expected in percent points or in numbers
    above 1 (an indicator in ``%`` reads it as it is, or a ``gap`` compares it
    with a target above 1): a column whose every value is at most 1 is then
    probably in fractions, and is warned about.
    """

    unit: str = ""
    scale: float = 1.0
    reader: str = ""
    expects: str = ""

    @property
    def kind(self) -> str:
        """``%``, ``‰``, ``""`` (not known) or ``other``."""
        unit = self.unit.strip()
        if unit in ("%", "％", "百分比"):
            return "%"
        if unit == PERMILLE:
            return PERMILLE
        return "" if not unit else "other"


class BadLine(NamedTuple):
    """One bad cell: the error for it alone, and its line in a list of many."""

    error: InputError
    line: str
    order: tuple[int, int]


class BadCell(Exception):
    """A bad cell, raised while a column is read and listed with the others."""

    def __init__(self, bad: BadLine) -> None:
        super().__init__(bad.line)
        self.bad = bad


def unit_key(unit: ColumnUnit | None) -> str:
    return "" if unit is None or unit.kind in ("", "other") else f"{unit.kind}/{unit.scale:g}"


def cells_error(path: Path, bad: list[BadLine]) -> InputError:
    """One bad cell's own error, or one error listing them all (the first :data:`MAX_LISTED`)."""
    if len(bad) == 1:
        return bad[0].error
    bad = sorted(bad, key=lambda b: b.order)
    columns = len({b.error.column for b in bad})
    lines = [b.line for b in bad[:MAX_LISTED]]
    if len(bad) > MAX_LISTED:
        lines.append(f"… and {len(bad) - MAX_LISTED} more")
    return InputError(f"{len(bad)} bad cells in {columns} column{'s' if columns > 1 else ''}",
                      "correct each cell listed below", file=path, details=tuple(lines))
