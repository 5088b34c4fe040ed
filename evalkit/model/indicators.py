"""The decision matrix of a criteria set on a candidate table: every indicator, every town."""

from __future__ import annotations

import numpy as np

from evalkit.io.candidates import CandidateTable
from evalkit.methods.matrix import DecisionMatrix
from evalkit.model.criteria import CriteriaSet
from evalkit.model.derive import evaluate_source


def build_matrix(criteria: CriteriaSet, table: CandidateTable) -> DecisionMatrix:
    """Compute every indicator of ``criteria`` for every town of ``table``.

    Raw columns must be non-negative unless listed in the criteria set's
    ``signed_columns``.  An indicator that is the same for every town is kept
    (it cannot separate towns) and reported in ``warnings``.
    """
    for column in criteria.columns():
        table.numeric(column, signed=column in criteria.signed_columns)
    columns = [evaluate_source(ind.source, table, ind.id, criteria.signed_columns)
               for ind in criteria.indicators]
    values = np.column_stack(columns) if columns else np.empty((len(table), 0))
    matrix = DecisionMatrix(table.ids, table.names, criteria.indicators, values, table.names_en)
    warnings = tuple(
        f"indicator {criteria.indicators[j].id!r} has the same value for every town: "
        "it cannot separate them (weight 0 under entropy and CRITIC)"
        for j in matrix.constant_columns())
    return DecisionMatrix(matrix.ids, matrix.names, matrix.indicators, matrix.values,
                          matrix.names_en, warnings)
