"""Errors a user can act on.

Every problem with the user's input is an :class:`InputError` that knows the
file, row and column it concerns, what is wrong and what to do about it.  The
CLI prints ``Error: <file>:<row>:<column>: <what> — <what to do>`` and exits
with code 2; library users catch the exception and read its fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike


class EvalkitError(Exception):
    """Base class of every error evalkit raises on purpose."""


@dataclass(eq=False)
class InputError(EvalkitError):
    """A problem in a file or parameter given by the user.

    ``row`` is the line of a YAML file or the spreadsheet row of a table
    (header = row 1), ``column`` a column name or a key path.  Either may be
    ``None`` when the problem concerns the whole file.
    """

    what: str
    hint: str = ""
    file: str | PathLike[str] | None = None
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def location(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.row is not None:
            parts.append(str(self.row))
        if self.column is not None:
            parts.append(str(self.column))
        return ":".join(parts)

    @property
    def message(self) -> str:
        text = self.what if not self.location else f"{self.location}: {self.what}"
        return f"{text} — {self.hint}" if self.hint else text

    def __str__(self) -> str:
        return self.message


class InfeasibleError(InputError):
    """A scenario whose limits cannot all be met at once."""
