"""The decision matrix of a criteria set on a candidate table: every indicator, every town."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from evalkit.io.candidates import CandidateTable, ColumnUnit
from evalkit.methods.matrix import DecisionMatrix
from evalkit.model.criteria import CriteriaSet
from evalkit.model.derive import Source, evaluate_source


def build_matrix(criteria: CriteriaSet, table: CandidateTable) -> DecisionMatrix:
    """Compute every indicator of ``criteria`` for every town of ``table``.

    Raw columns must be non-negative unless listed in the criteria set's
    ``signed_columns``.  An indicator that is the same for every town is kept
    (it cannot separate towns) and reported in ``warnings``.
    """
    table.read_columns(criteria.columns(), signed=criteria.signed_columns,
                       units=column_units(criteria))
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


def column_units(criteria: CriteriaSet) -> dict[str, ColumnUnit]:
    """What the criteria set says of each raw column's unit (:class:`ColumnUnit`).

    A column an indicator reads directly has that indicator's unit and scale
    (the first such indicator's); a column only derivations read has no unit.
    A column is expected in percent points (or at least in numbers above 1) when
    an indicator in ``%`` reads it directly (scale 1) or a ``gap`` compares it,
    as it is, with a target above 1.
    """
    units: dict[str, ColumnUnit] = {}
    for indicator in criteria.indicators:
        source = indicator.source
        if source.kind == "column" and not (units.get(source.params["name"]) or
                                            ColumnUnit()).unit:
            percent = source.scale == 1 and indicator.unit.strip() in ("%", "％")
            units[source.params["name"]] = ColumnUnit(
                indicator.unit, source.scale, f"indicator {indicator.id!r}",
                f"indicator {indicator.id!r} reads it in %" if percent else "")
    for indicator in criteria.indicators:
        for column, target in _gap_columns(indicator.source):
            unit = units.get(column) or ColumnUnit()
            if target > 1 and not unit.expects:
                units[column] = replace(
                    unit, reader=unit.reader or f"indicator {indicator.id!r}",
                    expects=f"indicator {indicator.id!r} compares it with the target {target:g}")
    return units


def _gap_columns(source: Source) -> Iterator[tuple[str, float]]:
    """Each column a ``gap`` compares as it is (scale 1) with its target, at any depth."""
    if source.kind == "gap":
        value = source.operands.get("value")
        if isinstance(value, Source) and value.kind == "column" and value.scale == 1:
            yield value.params["name"], float(source.params["target"])
    for operand in source.operands.values():
        if isinstance(operand, Source):
            yield from _gap_columns(operand)
