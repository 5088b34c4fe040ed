"""The standards screen reads a cell as the same number as the decision matrix does."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalkit.decide.standards import source_values
from evalkit.io.numbers import as_number
from evalkit.model.derive import parse_source


def test_screen_cells_follow_the_one_numeric_grammar() -> None:
    frame = pd.DataFrame({"revenue": ["1,234", "56.5", "", "n/a", 7]}, index=list("ABCDE"))
    values = source_values(parse_source({"column": "revenue"}, where=None), frame)
    expected = [as_number("1,234"), 56.5, np.nan, np.nan, 7.0]
    assert values[0] == 1234.0  # pandas' to_numeric would read NaN and the screen would differ
    np.testing.assert_array_equal(values, np.array(expected, dtype=float))
