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


class SolverError(EvalkitError):
    """The solver's answer failed evalkit's own check; no plan is reported."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(f"{what} — {hint}")
        self.what, self.hint = what, hint


def require(value: object, kind: type | tuple[type, ...], argument: str, hint: str) -> None:
    """Refuse a library argument of the wrong type with an :class:`InputError`.

    Library calls take the objects the library returns (an ``Evaluation``, a
    ``SelectionResult``…); a dict from ``to_dict()`` or a path in their place
    is named, with ``hint`` saying what to pass instead, rather than failing
    deep inside with a traceback.
    """
    if isinstance(value, kind):
        return
    kinds = kind if isinstance(kind, tuple) else (kind,)
    wanted = " or ".join(k.__name__ for k in kinds)
    article = "an" if wanted[0] in "AEIOU" else "a"
    raise InputError(f"must be {article} {wanted}, got {type(value).__name__}", hint,
                     column=argument)
