"""The decision matrix: towns × criteria, with directions and families.

The data object every method works on.  It is built once, from a criteria set
and a candidate table (:func:`evalkit.model.derive.build_matrix`) or from bare
arrays (:meth:`DecisionMatrix.from_arrays`), and never changed afterwards.
A column is described by anything with an ``id``, a ``family`` and a
``direction`` (:class:`CriterionLike`): the methods need no more, and the
criteria set's indicators carry labels, units and sources besides.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

DIRECTIONS = {"max": 1, "min": -1}
"""Criterion directions: benefit (more is better) and cost (less is better)."""


class CriterionLike(Protocol):
    """What a method needs to know about a column."""

    @property
    def id(self) -> str: ...

    @property
    def family(self) -> str: ...

    @property
    def direction(self) -> str: ...

    @property
    def groups(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Criterion:
    """A bare column: an id, a family and a direction (``max`` or ``min``)."""

    id: str
    family: str
    direction: str
    groups: tuple[str, ...] = ()
    """The families from the first level down to the column's sub-family, if it is in one."""


def hierarchy(indicators: Sequence[CriterionLike],
              families: Sequence[str] = ()) -> dict[str, tuple[str, ...]]:
    """The tree of a weighting hierarchy: each family or sub-family → what is weighted
    within it (its sub-families and indicators, in the indicators' order).

    Families come in the order ``families`` gives (default: first use), each followed
    by its sub-families, depth first, so a parent always comes before its children.
    """
    children: dict[str, dict[str, None]] = {}
    for indicator in indicators:
        line = (*(indicator.groups or (indicator.family,)), indicator.id)
        for group, child in itertools.pairwise(line):
            children.setdefault(group, {})[child] = None
    tree: dict[str, tuple[str, ...]] = {}

    def visit(group: str) -> None:
        tree[group] = tuple(children[group])
        for child in tree[group]:
            if child in children and child not in tree and child != group:
                visit(child)

    for family in (*families, *(i.family for i in indicators)):
        if family in children and family not in tree:
            visit(family)
    return tree


@dataclass(frozen=True, eq=False)
class DecisionMatrix:
    """Values x_ij of town i on indicator j, and what each column means."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    indicators: tuple[CriterionLike, ...]
    values: np.ndarray
    names_en: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        values = np.array(self.values, dtype=float)
        if values.shape != (len(self.ids), len(self.indicators)):
            raise ValueError(f"values have shape {values.shape}, expected "
                             f"{(len(self.ids), len(self.indicators))}")
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        if not self.names_en:
            object.__setattr__(self, "names_en", tuple("" for _ in self.ids))

    @classmethod
    def from_arrays(cls, values: np.ndarray, directions: list[str] | tuple[str, ...],
                    ids: list[str] | None = None,
                    indicator_ids: list[str] | None = None) -> DecisionMatrix:
        """A bare matrix for notebooks and tests: directions are ``max``/``min``."""
        values = np.asarray(values, dtype=float)
        n, m = values.shape
        ids = ids or [f"A{i + 1}" for i in range(n)]
        indicator_ids = indicator_ids or [f"C{j + 1}" for j in range(m)]
        indicators = tuple(Criterion(ident, "all", direction)
                           for ident, direction in zip(indicator_ids, directions, strict=True))
        return cls(tuple(ids), tuple(ids), indicators, values)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    @property
    def signs(self) -> np.ndarray:
        """+1 for benefit columns, −1 for cost columns (pymcdm's ``types``)."""
        return np.array([DIRECTIONS[i.direction] for i in self.indicators])

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(i.family for i in self.indicators)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape  # type: ignore[return-value]

    def constant_columns(self) -> np.ndarray:
        """Indices of indicators that take the same value for every town.

        Relative to the column's largest magnitude, so that a column of values
        near 1e-200 that differ is not called constant (nor one near 1e300 that
        differs in rounding only called varying); ``ptp`` of the scaled column
        cannot overflow.
        """
        if not self.values.size:
            return np.flatnonzero(np.zeros(self.values.shape[1], dtype=bool))
        largest = np.abs(self.values).max(axis=0)
        scaled = self.values / np.where(largest > 0, largest, 1.0)
        return np.flatnonzero(np.ptp(scaled, axis=0) <= 1e-12)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, index=pd.Index(self.ids, name="id"),
                            columns=list(self.indicator_ids))
