"""The towns as the selection model sees them: closeness, costs, talent, the raw table."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from evalkit.decide.phasing import Profile, parse_profile
from evalkit.decide.scenario import Scenario
from evalkit.errors import InputError, require
from evalkit.model.evaluation import Evaluation


@dataclass(frozen=True, eq=False)
class SelectionInput:
    """The towns as the selection model sees them, one array entry per town.

    ``costs`` maps each cost category to each town's cost in it (亿元);
    ``table`` is the raw candidate table indexed by id, read by the screens.
    ``revenue`` (own revenue, 亿元 a year) and ``recurring`` (running cost after
    conversion, 亿元 a year) are given when the scenario's affordability reads
    them; ``profiles`` holds a town's own spending profile (None: the
    scenario's).  Arrays are copied and made read-only.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    closeness: np.ndarray
    costs: Mapping[str, np.ndarray]
    talent_need: np.ndarray
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    revenue: np.ndarray | None = None
    recurring: np.ndarray | None = None
    profiles: tuple[Profile | None, ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        if len(set(self.ids)) != n:
            raise ValueError("town ids must be unique")
        if len(self.names) != n:
            raise ValueError("names and ids differ in length")
        arrays = {"closeness": self.closeness, "talent_need": self.talent_need}
        arrays.update({f"costs[{k}]": v for k, v in self.costs.items()})
        for name in ("revenue", "recurring"):
            if getattr(self, name) is not None:
                arrays[name] = getattr(self, name)
        if self.profiles is not None and len(self.profiles) != n:
            raise ValueError(f"profiles has {len(self.profiles)} entries, expected {n}")
        frozen = {}
        for name, values in arrays.items():
            values = np.array(values, dtype=float)
            if values.shape != (n,):
                raise ValueError(f"{name} has shape {values.shape}, expected ({n},)")
            if not np.all(np.isfinite(values)):
                raise ValueError(f"{name} has a value that is not a finite number")
            values.setflags(write=False)
            frozen[name] = values
        object.__setattr__(self, "closeness", frozen["closeness"])
        object.__setattr__(self, "talent_need", frozen["talent_need"])
        for name in ("revenue", "recurring"):
            if name in frozen:
                object.__setattr__(self, name, frozen[name])
        object.__setattr__(self, "costs", MappingProxyType(
            {k: frozen[f"costs[{k}]"] for k in self.costs}))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def total_cost(self) -> np.ndarray:
        """Each town's cost over all categories (亿元)."""
        return np.sum(list(self.costs.values()), axis=0) if self.costs else np.zeros(len(self))

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        closeness: Mapping[str, float],
        cost_columns: Scenario | Mapping[str, str],
        *,
        talent_column: str | None = None,
        file: str | os.PathLike[str] | None = None,
    ) -> SelectionInput:
        """Build the input from the candidate table and each town's closeness.

        ``frame`` is indexed by town id (or has an ``id`` column) and may have a
        ``name`` column.  ``cost_columns`` is the scenario (its categories name
        the cost columns, its talent section the talent column) or a mapping
        category → column.  A missing column is an :class:`InputError` naming
        the scenario file and line; a bad cell names the table ``file``.
        """
        if "id" in frame.columns:
            frame = frame.set_index("id")
        frame = frame.copy()
        frame.index = pd.Index([str(i) for i in frame.index], name="id")
        ids = tuple(frame.index)
        names = tuple(str(v) for v in frame["name"]) if "name" in frame.columns else ids
        scenario = cost_columns if isinstance(cost_columns, Scenario) else None
        columns: dict[str, tuple[str, str | None]]
        talent: tuple[str, str | None] | None = None
        if isinstance(cost_columns, Scenario):
            columns = {c.id: (c.column, f"categories.{c.id}.column")
                       for c in cost_columns.categories}
            if cost_columns.talent_column:
                talent = (cost_columns.talent_column, "talent.column")
        else:
            columns = {str(cat): (str(col), None) for cat, col in cost_columns.items()}
        if talent_column is not None:
            talent = (talent_column, None)

        def column_values(column: str, key: str | None, what: str) -> np.ndarray:
            if column not in frame.columns:
                if scenario is not None and key is not None:
                    raise scenario.error(
                        f"{what} column {column!r} is not in the candidate table",
                        "add the column to the table, or name the right column here", key)
                raise InputError(f"missing {what} column {column!r}",
                                 "add it to the candidate table", file=file, row=1, column=column)
            values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
            bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
            if bad.size:
                i = int(bad[0])
                raise InputError(
                    f"{what} of town {ids[i]} is {frame[column].iloc[i]!r}, not a number ≥ 0",
                    "fill in the value (亿元 for costs, persons for talent)",
                    file=file, column=column)
            return values

        costs = {cat: column_values(col, key, f"{cat} cost") for cat, (col, key) in columns.items()}
        need = (column_values(talent[0], talent[1], "talent") if talent
                else np.zeros(len(ids)))
        revenue = recurring = None
        profiles = None
        if scenario is not None:
            rules = scenario.affordability
            if rules is not None and rules.revenue_column:
                revenue = column_values(rules.revenue_column,
                                        "affordability.retained_revenue.column", "own revenue")
            if rules is not None and rules.recurring_column:
                recurring = column_values(rules.recurring_column,
                                          "affordability.recurring.column", "running cost")
            if scenario.profile_column:
                profiles = _profiles(frame, ids, scenario, file)
        scores = {str(k): float(v) for k, v in closeness.items()}
        known = set(ids)
        unknown = [t for t in scores if t not in known]
        if unknown:
            raise InputError(f"closeness given for town {unknown[0]!r}, which is not in the table",
                             "rank the same table you select from", file=file)
        missing = [t for t in ids if t not in scores]
        if missing:
            raise InputError(f"no closeness for town {missing[0]!r}",
                             "rank every town of the table before selecting", file=file)
        return cls(ids, names, np.array([scores[t] for t in ids]), costs, need, frame, revenue,
                   recurring, profiles)


def _profiles(frame: pd.DataFrame, ids: tuple[str, ...], scenario: Scenario,
              file: str | os.PathLike[str] | None) -> tuple[Profile | None, ...]:
    """Each town's own spending profile from the scenario's profile column (empty: the
    scenario's), from the same start year as the scenario's profile."""
    column = scenario.profile_column
    assert column is not None
    if column not in frame.columns:
        raise scenario.error(f"profile column {column!r} is not in the candidate table",
                             "add the column to the table, or name the right column here",
                             "phasing.profile_column")
    out: list[Profile | None] = []
    for i, cell in enumerate(frame[column].tolist()):
        text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell)
        if not text.strip():
            out.append(None)
            continue
        profile = parse_profile(text, scenario.spread_from)
        if profile is None or len(profile.shares) > 10:
            raise InputError(f"spending profile of town {ids[i]} is {text!r}, not shares that "
                             "sum to 100 (or to 1)", "write e.g. 30/50/20, or leave it empty "
                             "for the scenario's profile", file=file, row=i + 2, column=column)
        out.append(profile)
    return tuple(out)


def selection_input(evaluation: Evaluation, scenario: Scenario) -> SelectionInput:
    """The towns of an evaluation as the selection model sees them, under ``scenario``.

    Every column the scenario reads (costs, talent, screens) is parsed from
    the candidate table first, so a bad cell is reported with its row and
    column; a column the scenario names but the table lacks is an error at
    the scenario's line.
    """
    require(evaluation, Evaluation, "evaluation", "pass the result of evaluate(...)")
    require(scenario, Scenario, "scenario", "pass load_scenario(path)")
    table = evaluation.candidates
    columns = [c.column for c in scenario.categories]
    if scenario.talent_column:
        columns.append(scenario.talent_column)
    if scenario.affordability is not None:
        columns += scenario.affordability.columns()
    for rule in scenario.screens:
        columns += rule.value.columns()
        if rule.applies_when is not None:
            columns += rule.applies_when.value.columns()
    frame = table.cells.copy()
    for column in dict.fromkeys(columns):
        if column in frame.columns:
            frame[column] = table.numeric(column)
    closeness = dict(zip(evaluation.matrix.ids, evaluation.ranking.closeness.tolist(), strict=True))
    return SelectionInput.from_frame(frame, closeness, scenario, file=table.path)
