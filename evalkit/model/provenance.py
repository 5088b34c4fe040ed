"""Provenance: the status of every value an evaluation reads, cell by cell and indicator by indicator.

Each cell of the candidate table has the status its sources file gives it
(:mod:`evalkit.io.sources`): its own row if the file has one for that town,
else its column's row, else ``none``.  The statuses are ordered, strongest
first: ``official`` > ``estimate`` > ``assumed`` > ``none``.

**Weakest-status rule.**  An indicator is no better sourced than the worst
value it is computed from: for each town, an indicator's status is the
weakest status of the table columns its derivation reads
(:meth:`evalkit.model.derive.Source.columns`, nested derivations included),
that town's overrides counting for that town only.  ``column``, ``ratio``,
``share``, ``growth`` and ``gap`` are treated alike, whatever their formula.

**Constants.**  Numbers written in the criteria file — a ``share`` of the
city's GDP 850, a ``gap`` target of 90, a ``scale`` — are not cells of the
table and have no status here: they are part of the criteria set, which the
approvers read and agree as a whole (its comments cite where each figure
comes from).  They neither raise nor lower an indicator's status; every
derivation reads at least one column, so every indicator has one.

Without a sources file every cell's status is ``none``, and the result says
so (:attr:`Provenance.unsourced`, :meth:`Coverage.describe`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evalkit.io.candidates import CandidateTable
from evalkit.io.sources import COMPANION_SUFFIX, NO_SOURCE, STATUS_ORDER, Sources
from evalkit.model.criteria import CriteriaSet

_CODE = {status: code for code, status in enumerate(STATUS_ORDER)}
_NONE = _CODE[NO_SOURCE]


@dataclass(frozen=True)
class Coverage:
    """How many cells have each status."""

    cells: int
    official: int
    estimate: int
    assumed: int
    none: int

    def to_dict(self) -> dict[str, int]:
        return {"cells": self.cells, "official": self.official, "estimate": self.estimate,
                "assumed": self.assumed, "none": self.none}

    def describe(self) -> str:
        """``3 of 130 cells official, 0 estimate, 127 assumed, 0 without a source``."""
        return (f"{self.official} of {self.cells} cells official, {self.estimate} estimate, "
                f"{self.assumed} assumed, {self.none} without a source")


@dataclass(frozen=True, eq=False)
class Provenance:
    """The status of each cell (towns × columns) and each indicator (towns × indicators).

    ``columns`` are the table columns counted — those the indicators read,
    and those a scenario reads when it was given; ``indicators`` maps each
    indicator to the columns it reads.  ``cell_codes`` and
    ``indicator_codes`` hold positions in
    :data:`~evalkit.io.sources.STATUS_ORDER` (0 = official … 3 = none), one
    row per town in the order of ``ids``.
    """

    ids: tuple[str, ...]
    columns: tuple[str, ...]
    indicators: Mapping[str, tuple[str, ...]]
    cell_codes: np.ndarray
    indicator_codes: np.ndarray
    sources: Sources | None = None
    table_name: str = ""

    def status(self, town: str, column: str) -> str:
        """One cell's status: ``official``, ``estimate``, ``assumed`` or ``none``."""
        return STATUS_ORDER[int(self.cell_codes[self._town(town), self._column(column)])]

    def indicator_status(self, town: str, indicator: str) -> str:
        """One town's status for one indicator: the weakest of the cells it reads."""
        return STATUS_ORDER[int(self.indicator_codes[self._town(town),
                                                     self._indicator(indicator)])]

    def weakest(self, indicator: str) -> str:
        """The weakest status an indicator has for any town."""
        codes = self.indicator_codes[:, self._indicator(indicator)]
        return STATUS_ORDER[int(codes.max())] if codes.size else NO_SOURCE

    def coverage(self) -> Coverage:
        """Counts of the cells of :attr:`columns`, by status."""
        counts = np.bincount(self.cell_codes.ravel(), minlength=len(STATUS_ORDER)).tolist()
        return Coverage(int(self.cell_codes.size), *counts)

    @property
    def assumed(self) -> bool:
        """Whether any value counted is assumed."""
        return bool((self.cell_codes == _CODE["assumed"]).any())

    @property
    def estimated(self) -> bool:
        """Whether any value counted is an estimate."""
        return bool((self.cell_codes == _CODE["estimate"]).any())

    @property
    def unsourced(self) -> bool:
        """Whether any value counted has no source at all."""
        return bool((self.cell_codes == _NONE).any())

    @property
    def file(self) -> str | None:
        """The sources file as cited (``towns.sources.csv``), or ``None`` without one."""
        return self.sources.name if self.sources is not None else None

    def summary(self) -> str:
        """One line: the coverage and the file, or that there is none and what to add."""
        if self.sources is None:
            companion = f"{self.table_name}{COMPANION_SUFFIX}" if self.table_name \
                else f"<table>{COMPANION_SUFFIX}"
            return (f"sources: none given — every value is unsourced; add {companion} "
                    "(see README)")
        return f"sources: {self.coverage().describe()} ({self.file})"

    def cells_frame(self) -> pd.DataFrame:
        """Statuses as text, towns × columns."""
        return pd.DataFrame(np.array(STATUS_ORDER, dtype=object)[self.cell_codes],
                            index=pd.Index(self.ids, name="id"), columns=list(self.columns))

    def indicators_frame(self) -> pd.DataFrame:
        """Statuses as text, towns × indicators."""
        return pd.DataFrame(np.array(STATUS_ORDER, dtype=object)[self.indicator_codes],
                            index=pd.Index(self.ids, name="id"), columns=list(self.indicators))

    def to_dict(self) -> dict[str, Any]:
        """The ``provenance`` key of ``evalkit rank --format json``.

        ``columns``: each counted column's row of the sources file (``source``,
        ``table``, ``year``, ``definition``, ``status``; all ``null`` and
        status ``none`` without one), ``weakest`` over the towns, and
        ``towns``: the cells with a row of their own.  ``indicators``: the
        columns each reads, the ``status`` most towns have, the ``weakest``,
        and ``towns``: every town whose status differs from ``status`` — so a
        town's status for an indicator is ``towns.get(id, status)``.
        """
        columns: dict[str, Any] = {}
        for j, column in enumerate(self.columns):
            base = self.sources.columns.get(column) if self.sources is not None else None
            overrides = self.sources.overrides(column) if self.sources is not None else {}
            entry: dict[str, Any] = base.to_dict() if base is not None else {
                "source": None, "table": None, "year": None, "definition": None,
                "status": NO_SOURCE}
            codes = self.cell_codes[:, j]
            entry["weakest"] = STATUS_ORDER[int(codes.max())] if codes.size else NO_SOURCE
            entry["towns"] = {town: c.to_dict() for town, c in overrides.items()}
            columns[column] = entry
        indicators: dict[str, Any] = {}
        ids = np.array(self.ids, dtype=object)
        for k, (indicator, read) in enumerate(self.indicators.items()):
            codes = self.indicator_codes[:, k]
            counts = np.bincount(codes, minlength=len(STATUS_ORDER))
            common = int(len(counts) - 1 - np.argmax(counts[::-1]))  # ties: the weaker
            differ = np.flatnonzero(codes != common)
            indicators[indicator] = {
                "columns": list(read),
                "status": STATUS_ORDER[common],
                "weakest": STATUS_ORDER[int(codes.max())] if codes.size else NO_SOURCE,
                "towns": dict(zip(ids[differ].tolist(),
                                  [STATUS_ORDER[c] for c in codes[differ].tolist()],
                                  strict=True)),
            }
        return {
            "file": self.sources.path.name if self.sources is not None else None,
            "sheet": self.sources.sheet if self.sources is not None else None,
            "statuses": list(STATUS_ORDER),
            "columns": columns,
            "indicators": indicators,
            "coverage": self.coverage().to_dict(),
            "assumed": self.assumed,
            "estimated": self.estimated,
            "unsourced": self.unsourced,
            "summary": self.summary(),
        }

    def _town(self, town: str) -> int:
        try:
            return self.ids.index(town)
        except ValueError:
            raise KeyError(f"no town {town!r}") from None

    def _column(self, column: str) -> int:
        try:
            return self.columns.index(column)
        except ValueError:
            raise KeyError(f"column {column!r} is not counted; counted: "
                           f"{', '.join(self.columns)}") from None

    def _indicator(self, indicator: str) -> int:
        names = tuple(self.indicators)
        try:
            return names.index(indicator)
        except ValueError:
            raise KeyError(f"no indicator {indicator!r}") from None


def cell_codes(sources: Sources | None, ids: tuple[str, ...],
               columns: Iterable[str]) -> np.ndarray:
    """Status codes (positions in :data:`STATUS_ORDER`), towns × columns."""
    columns = tuple(columns)
    codes = np.full((len(ids), len(columns)), _NONE, dtype=np.int8)
    if sources is None:
        return codes
    position = {town: i for i, town in enumerate(ids)}
    for j, column in enumerate(columns):
        base = sources.columns.get(column)
        if base is not None:
            codes[:, j] = _CODE[base.status]
        for town, citation in sources.overrides(column).items():
            if town in position:
                codes[position[town], j] = _CODE[citation.status]
    return codes


def table_provenance(criteria: CriteriaSet, table: CandidateTable,
                     extra_columns: Iterable[str] = ()) -> Provenance:
    """The provenance of an evaluation of ``table`` by ``criteria``.

    The cells counted are those of the columns the indicators read, then
    ``extra_columns`` (e.g. a scenario's cost, talent and screen columns).
    """
    read = {ind.id: tuple(dict.fromkeys(ind.source.columns())) for ind in criteria.indicators}
    columns = tuple(dict.fromkeys([*criteria.columns(), *extra_columns]))
    codes = cell_codes(table.sources, table.ids, columns)
    where = {column: j for j, column in enumerate(columns)}
    by_indicator = np.full((len(table.ids), len(read)), _NONE, dtype=np.int8)
    for k, used in enumerate(read.values()):
        by_indicator[:, k] = codes[:, [where[c] for c in used]].max(axis=1)
    return Provenance(table.ids, columns, read, codes, by_indicator, table.sources,
                      table.path.stem)
