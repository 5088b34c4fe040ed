"""Analytic Hierarchy Process (AHP, 层次分析法): the mathematics and the experts' files.

A pairwise-comparison matrix A (n × n) holds a_ij = how many times item i is
as important as item j, on Saaty's 1–9 scale, with a_ji = 1/a_ij and a_ii = 1.

- :mod:`~evalkit.methods.ahp.scale`: the scale, and the checks of a matrix;
- :mod:`~evalkit.methods.ahp.completion`: missing judgments, by logarithmic least squares;
- :mod:`~evalkit.methods.ahp.consistency`: priorities, λmax, CI, CR and the RI tables;
- :mod:`~evalkit.methods.ahp.repair`: the revisions that make a matrix consistent;
- :mod:`~evalkit.methods.ahp.group`: several experts (AIJ), two levels, combinations;
- :mod:`~evalkit.methods.ahp.judgments`: reading one expert's judgment file;
- :mod:`~evalkit.methods.ahp.experts`: weights from several experts' files.

Missing judgments are NaN.  Problems with a matrix are :class:`MatrixError`
(an :class:`~evalkit.errors.InputError`) naming the offending cell by item id.
"""

from evalkit.methods.ahp.completion import comparison_groups, complete
from evalkit.methods.ahp.consistency import (
    DEFAULT_METHOD,
    DEFAULT_RI_TABLE,
    DEFAULT_THRESHOLD,
    AhpResult,
    analyse,
    consistency,
    priorities,
    random_index,
    ri_source,
)
from evalkit.methods.ahp.group import aggregate, combine, global_weights
from evalkit.methods.ahp.repair import Repair, Revision, suggest_revisions
from evalkit.methods.ahp.scale import (
    SAATY_SCALE,
    MatrixError,
    nearest_scale_value,
    on_saaty_scale,
    saaty_label,
    scale_hint,
    validate_matrix,
)
from evalkit.methods.registry import COMBINATION_METHODS, PRIORITY_METHODS, RI_TABLES

__all__ = [
    "COMBINATION_METHODS",
    "DEFAULT_METHOD",
    "DEFAULT_RI_TABLE",
    "DEFAULT_THRESHOLD",
    "PRIORITY_METHODS",
    "RI_TABLES",
    "SAATY_SCALE",
    "AhpResult",
    "MatrixError",
    "Repair",
    "Revision",
    "aggregate",
    "analyse",
    "combine",
    "comparison_groups",
    "complete",
    "consistency",
    "global_weights",
    "nearest_scale_value",
    "on_saaty_scale",
    "priorities",
    "random_index",
    "ri_source",
    "saaty_label",
    "scale_hint",
    "suggest_revisions",
    "validate_matrix",
]
