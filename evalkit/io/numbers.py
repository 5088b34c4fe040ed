"""The one numeric grammar for table cells and YAML values.

Accepted, after full-width digits and signs (Chinese input methods type
``１２．５``) are read as their ASCII forms:

- a decimal number: ``12``, ``-3.5``, ``.5``, ``+7.``;
- with an exponent: ``1e3``, ``2.5E-4`` (also in YAML, where ``1e0`` would
  otherwise be read as text);
- with thousands separators in groups of three: ``1,234``, ``12,345.6``.

Refused: anything else — ``1_000``, superscript digits (``5²``), digits of
other scripts, ``inf``, ``nan``, text around the number, a number too large
to hold (over about 1.8e308).  YAML booleans are not numbers.
"""

from __future__ import annotations

import math
import re
from typing import Any

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．＋－ｅＥ，", "0123456789.+-eE,")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", re.ASCII)


def parse_number(text: str) -> float | None:
    """The value of ``text`` under the grammar above, or ``None`` when it is not a number.

    Surrounding spaces are ignored.  A finite result is guaranteed.
    """
    cleaned = text.translate(_FULL_WIDTH).strip()
    if _GROUPED.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif not _NUMBER.fullmatch(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


_PERCENT = re.compile(r"(.*?)\s*([%％‰])", re.DOTALL)
PERMILLE = "‰"


def parse_percent(text: str) -> tuple[float, str] | None:
    """A cell such as ``72.4%`` (or ``72.4％``, ``7.24‰``): its number and its sign
    (``%`` or ``‰``; ``％`` is read as ``%``), else ``None``.

    The number follows the grammar above; the sign must be the text's last
    character (spaces around are ignored).
    """
    match = _PERCENT.fullmatch(text.strip())
    if match is None:
        return None
    number = parse_number(match.group(1))
    if number is None:
        return None
    return number, PERMILLE if match.group(2) == PERMILLE else "%"


def percent_points(text: str) -> float | None:
    """A percentage cell as percent points (``72.4%`` → 72.4, ``7.24‰`` → 0.724), else ``None``."""
    parsed = parse_percent(text)
    if parsed is None:
        return None
    number, sign = parsed
    return number / 10 if sign == PERMILLE else number


def as_number(value: Any) -> float | None:
    """A YAML value as a finite number: an int, a float or text in the grammar; else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return parse_number(value)
    return None


_NOT_PLAIN = re.compile(r"[^0-9eE+\-.\s]")


def all_plain(cells: list[Any]) -> bool:
    """True when ``float()`` reads every text cell as :func:`parse_number` would.

    ``float`` also accepts ``1_000``, ``inf``, ``nan`` and digits of other
    scripts; text made only of ASCII digits, signs, points, spaces and an
    exponent's ``e`` rules those out (what ``float`` still refuses, such as
    ``1,234``, goes the careful way).
    """
    try:
        joined = "".join(cells)  # a CSV column is all text: one C-speed join and one search
    except TypeError:
        joined = "".join(c for c in cells if isinstance(c, str))
    return _NOT_PLAIN.search(joined) is None


def cells_as_numbers(cells: Any) -> Any:
    """A column of table cells as floats by the one grammar (NaN where a cell is not a number).

    The readers of the standards screen use it, so that a cell means the same
    number there as in the decision matrix (``1,234`` is 1234 everywhere; a
    percentage such as ``72.4%`` is read in percent points, 72.4).
    """
    import numpy as np

    out = np.empty(len(cells), dtype=float)
    for i, cell in enumerate(cells):
        if isinstance(cell, float | int) and not isinstance(cell, bool):
            out[i] = float(cell)
        else:
            number = as_number(cell)
            if number is None and isinstance(cell, str):
                number = percent_points(cell)  # 72.4% is 72.4 here, as in the decision matrix
            out[i] = number if number is not None else np.nan
    return out
