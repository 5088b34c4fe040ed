"""Errors a user can act on.

Every problem with the user's input is an :class:`InputError` that knows the
file, row and column it concerns, what is wrong and what to do about it.  The
CLI prints ``Error: <file>:<row>:<column>: <what> — <what to do>`` and exits
with code 2; library users catch the exception and read its fields.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from os import PathLike


def invisible(ch: str) -> bool:
    """A control, format (zero-width, bidi override), separator or unassigned character.

    Such characters cannot be seen, can reorder text (U+202E) or drive a
    terminal (ESC); ids may not hold them, names may not either.
    """
    category = unicodedata.category(ch)
    return category[0] == "C" or category in ("Zl", "Zp")


def visible(text: str) -> str:
    """``text`` with every invisible character written as an escape (``\\n``, ``\\u202e``).

    Used for every message, so that an error is one line, quotes what the
    file holds, and cannot move the terminal's cursor.
    """
    if not any(invisible(ch) for ch in text):
        return text
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(named.get(ch) or (f"\\u{ord(ch):04x}" if invisible(ch) else ch) for ch in text)


class EvalkitError(Exception):
    """Base class of every error evalkit raises on purpose."""


@dataclass(eq=False)
class InputError(EvalkitError):
    """A problem in a file or parameter given by the user.

    ``row`` is the line of a YAML file or the spreadsheet row of a table
    (header = row 1), ``column`` a column name or a key path.  Either may be
    ``None`` when the problem concerns the whole file.  ``details`` are further
    lines printed after the message (every bad cell of a table, one a line);
    the message itself stays one line.
    """

    what: str
    hint: str = ""
    file: str | PathLike[str] | None = None
    row: int | None = None
    column: str | None = None
    details: tuple[str, ...] = ()

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
        """``file:row:column: what — hint`` on one line, invisible characters escaped."""
        text = self.what if not self.location else f"{self.location}: {self.what}"
        return visible(f"{text} — {self.hint}" if self.hint else text)

    def __str__(self) -> str:
        return self.message


class InfeasibleError(InputError):
    """A scenario whose limits cannot all be met at once: the data are fine, no selection fits."""


class TimeLimitError(InputError):
    """The solver stopped at its time limit before finding any selection (none was proven
    impossible either)."""


EXIT_CODES: tuple[tuple[type[Exception], int], ...] = (
    (InfeasibleError, 3),
    (TimeLimitError, 4),
    (InputError, 2),
)
"""The command line's exit codes, most specific first: 2 the input is wrong (a file, a
value, an option); 3 the input is fine but no selection meets every limit; 4 the solver
found no selection within the time limit.  Anything else evalkit raises on purpose is 2."""


def exit_code(error: Exception) -> int:
    """The exit code for an error evalkit raised on purpose (see :data:`EXIT_CODES`)."""
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), 2)


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
