"""Towns over years: global weights, per-year closeness on a common scale, trends.

A panel is one candidate table per year, the same towns in each.  The weights
are computed once on every (town, year) row stacked together (global entropy
over year × town, or any other weighting method), so that a year with a small
spread does not get a weight of its own.  Each year's towns are then ranked by
TOPSIS against *fixed* ideal and anti-ideal points, each indicator's best and
worst value over all years
(:func:`~evalkit.methods.ranking.topsis_fixed`), so the closeness of 2019 and
of 2024 are on one scale and a town's rise is a rise, not a change of
reference.  A town's trend is the least-squares slope of its closeness against
the year (per year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from evalkit.errors import InputError
from evalkit.io.candidates import CandidateTable
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import DEFAULT_DISTANCE, Ranking, topsis_fixed
from evalkit.methods.weighting import Weights, compute_weights
from evalkit.model.criteria import CriteriaSet
from evalkit.model.derive import Source, evaluate_source
from evalkit.model.evaluation import weighting_spec
from evalkit.model.indicators import build_matrix

__all__ = ["PanelEvaluation", "TargetTrack", "evaluate_years", "target_tracks"]


@dataclass(frozen=True, eq=False)
class TargetTrack:
    """One target of the criteria set (an indicator derived by ``gap``) followed over years.

    ``values`` are the raw figures the gap is taken of (years × towns), ``met`` whether
    each reaches the target (≥ for ``sense: max``, ≤ for ``sense: min``).
    """

    indicator: str
    column: str
    target: float
    sense: str
    values: np.ndarray
    met: np.ndarray

    def to_dict(self, years: tuple[int, ...], ids: tuple[str, ...]) -> dict[str, Any]:
        return {
            "indicator": self.indicator, "column": self.column, "target": self.target,
            "sense": self.sense,
            "towns": {i: {str(y): {"value": float(self.values[t, k]), "met": bool(self.met[t, k])}
                          for t, y in enumerate(years)} for k, i in enumerate(ids)},
        }


def target_tracks(criteria: CriteriaSet, tables: Mapping[int, CandidateTable],
                  ids: tuple[str, ...]) -> tuple[TargetTrack, ...]:
    """Every ``gap`` indicator's raw value against its target, year by year, town by town."""
    years = tuple(sorted(tables))
    tracks = []
    for ind in criteria.indicators:
        source = ind.source
        if source.kind != "gap" or not isinstance(source.operands.get("value"), Source):
            continue
        value_source = source.operands["value"]
        assert isinstance(value_source, Source)
        rows = []
        for y in years:
            table = tables[y]
            order = [table.ids.index(i) for i in ids]
            rows.append(evaluate_source(value_source, table, ind.id,
                                        criteria.signed_columns)[order])
        values = np.array(rows)
        target, sense = float(source.params["target"]), str(source.params["sense"])
        met = values >= target if sense == "max" else values <= target
        tracks.append(TargetTrack(ind.id, value_source.describe(), target, sense, values, met))
    return tuple(tracks)


@dataclass(frozen=True, eq=False)
class PanelEvaluation:
    """Per-year TOPSIS on a common scale.

    ``closeness`` and ``ranks`` are years × towns (rows in ``years`` order,
    columns in ``ids`` order); ``ideal`` and ``anti_ideal`` are the fixed points in
    the indicators' units; ``trend`` is each town's closeness slope per year.
    """

    years: tuple[int, ...]
    ids: tuple[str, ...]
    names: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    weights: Weights
    ideal: np.ndarray
    anti_ideal: np.ndarray
    rankings: tuple[Ranking, ...]
    trend: np.ndarray
    distance: str = DEFAULT_DISTANCE
    targets: tuple[TargetTrack, ...] = ()

    @property
    def closeness(self) -> np.ndarray:
        return np.array([r.closeness for r in self.rankings])

    @property
    def ranks(self) -> np.ndarray:
        return np.array([r.ranks for r in self.rankings])

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: weights, fixed points, and per town its closeness, rank and trend."""
        return {
            "years": list(self.years),
            "weighting": {"method": self.weights.method, "global": True},
            "distance": self.distance,
            "weights": self.weights.as_dict(),
            "ideal": dict(zip(self.indicator_ids, self.ideal.tolist(), strict=True)),
            "anti_ideal": dict(zip(self.indicator_ids, self.anti_ideal.tolist(), strict=True)),
            "towns": [{
                "id": ident, "name": name,
                "closeness": {str(y): float(c) for y, c in zip(self.years, self.closeness[:, k],
                                                               strict=True)},
                "rank": {str(y): int(r) for y, r in zip(self.years, self.ranks[:, k], strict=True)},
                "trend_per_year": float(self.trend[k]),
                "targets_met": {str(y): int(sum(bool(t.met[i, k]) for t in self.targets))
                                for i, y in enumerate(self.years)},
            } for k, (ident, name) in enumerate(zip(self.ids, self.names, strict=True))],
            "targets": [t.to_dict(self.years, self.ids) for t in self.targets],
        }


def evaluate_years(criteria: CriteriaSet, tables: Mapping[int, CandidateTable], *,
                   weighting: str | None = None, distance: str = DEFAULT_DISTANCE,
                   weighting_options: Mapping[str, Any] | None = None) -> PanelEvaluation:
    """Weight the stacked (town, year) rows once, rank each year against fixed points.

    Every year's table must hold the same towns (ids); the weighting is the
    criteria set's unless ``weighting`` names another (``entropy`` gives the
    global entropy over year × town).
    """
    if len(tables) < 2:
        raise InputError("a panel needs at least two years", "give one table per year")
    years = tuple(sorted(tables))
    matrices = {y: build_matrix(criteria, tables[y]) for y in years}
    first = matrices[years[0]]
    for y in years[1:]:
        if set(matrices[y].ids) != set(first.ids):
            missing = sorted(set(first.ids) ^ set(matrices[y].ids))
            raise InputError(f"the towns of {y} differ from those of {years[0]}: {missing}",
                             "give every year the same towns", file=tables[y].path)
    order = {y: np.array([matrices[y].ids.index(i) for i in first.ids]) for y in years}
    values = {y: matrices[y].values[order[y]] for y in years}
    stacked = np.vstack([values[y] for y in years])
    stacked_ids = tuple(f"{i}@{y}" for y in years for i in first.ids)
    pooled = DecisionMatrix(stacked_ids, stacked_ids, first.indicators, stacked)
    spec = weighting_spec(criteria, weighting=weighting, options=weighting_options)
    weights = compute_weights(pooled, spec)
    signs = first.signs
    ideal = np.where(signs > 0, stacked.max(axis=0), stacked.min(axis=0))
    anti = np.where(signs > 0, stacked.min(axis=0), stacked.max(axis=0))
    # An indicator equal everywhere cannot separate anything; give it a unit width.
    anti = np.where(ideal == anti, ideal - 1.0, anti)
    rankings = tuple(
        topsis_fixed(DecisionMatrix(first.ids, first.names, first.indicators, values[y]),
                     weights, ideal, anti, distance=distance)
        for y in years)
    closeness = np.array([r.closeness for r in rankings])
    t = np.array(years, dtype=float)
    centred = t - t.mean()
    trend = centred @ (closeness - closeness.mean(axis=0)) / (centred @ centred)
    return PanelEvaluation(years, first.ids, first.names, first.indicator_ids, weights, ideal,
                           anti, rankings, trend, distance,
                           target_tracks(criteria, tables, first.ids))
