"""The evaluation flow in one call: derive → weight → rank → diagnose.

>>> from evalkit import load_criteria, load_candidates, evaluate
>>> result = evaluate(load_criteria("criteria/default.yaml"),
...                   load_candidates("candidates/towns.csv"))
>>> result.to_frame()          # one row per town, by rank
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from evalkit.errors import InputError, require
from evalkit.io.candidates import CandidateTable
from evalkit.methods.crosscheck import Agreement, agreement
from evalkit.methods.diagnose import Obstacles, obstacle_degrees
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import Ranking, topsis
from evalkit.methods.registry import NORMALIZATIONS, WEIGHTING_METHODS
from evalkit.methods.specs import WeightingSpec
from evalkit.methods.weighting import Weights, compute_weights
from evalkit.model.criteria import CriteriaSet
from evalkit.model.indicators import build_matrix


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Everything one evaluation produced, in the order it was produced."""

    criteria: CriteriaSet
    candidates: CandidateTable
    matrix: DecisionMatrix
    weights: Weights
    ranking: Ranking
    obstacles: Obstacles
    agreement: dict[str, Agreement]

    @property
    def warnings(self) -> tuple[str, ...]:
        seen = dict.fromkeys((*self.candidates.warnings, *self.matrix.warnings,
                              *self.weights.warnings))
        tied = [self.matrix.ids[i] for i in range(len(self.matrix.ids)) if self.ranking.tied[i]]
        if tied:
            seen[f"equal closeness, equal rank: {', '.join(tied)}"] = None
        return tuple(seen)

    def to_dict(self, top_obstacles: int = 3) -> dict[str, Any]:
        """The ``evalkit rank --format json`` object (a documented contract)."""
        r = self.ranking
        # Plain Python lists: indexing numpy arrays town by town is slow at 40,000 towns.
        ranks, tied, closeness = r.ranks.tolist(), r.tied.tolist(), r.closeness.tolist()
        d_plus, d_minus = r.d_plus.tolist(), r.d_minus.tolist()
        with _collector_paused():
            top = self.obstacles.top_all(top_obstacles)
            ranking = [{
                "id": self.matrix.ids[i],
                "name": self.matrix.names[i],
                "rank": ranks[i],
                "tied": tied[i],
                "closeness": closeness[i],
                "d_plus": d_plus[i],
                "d_minus": d_minus[i],
                "obstacles": [{"indicator": ind, "degree": deg} for ind, deg in top[i]],
            } for i in r.order.tolist()]
        return {
            "criteria_set": {"name": self.criteria.name, "version": self.criteria.version},
            "weighting": {"method": self.weights.method, **_plain(self.weights.options)},
            "normalization": self.ranking.normalization,
            "weights": self.weights.as_dict(),
            "ranking": ranking,
            "agreement": {name: {"spearman": a.spearman, "weighted_spearman": a.weighted_spearman}
                          for name, a in self.agreement.items()},
            "warnings": list(self.warnings),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per town, sorted by rank, with the indicator values."""
        order = self.ranking.order
        frame = pd.DataFrame({
            "id": [self.matrix.ids[i] for i in order],
            "name": [self.matrix.names[i] for i in order],
            "rank": self.ranking.ranks[order],
            "closeness": self.ranking.closeness[order],
            "d_plus": self.ranking.d_plus[order],
            "d_minus": self.ranking.d_minus[order],
        })
        values = pd.DataFrame(self.matrix.values[order], columns=list(self.matrix.indicator_ids))
        return pd.concat([frame, values], axis=1).set_index("id")

    def weights_frame(self) -> pd.DataFrame:
        """One row per indicator: family, direction and weight."""
        return pd.DataFrame({
            "indicator": self.matrix.indicator_ids,
            "family": self.matrix.families,
            "direction": [i.direction for i in self.criteria.indicators],
            "weight": self.weights.values,
        }).set_index("indicator")

    def obstacles_frame(self, by: str = "indicator") -> pd.DataFrame:
        """Obstacle degrees, towns × indicators (or × families with ``by="family"``)."""
        if by == "family":
            return pd.DataFrame(self.obstacles.family_degree, index=list(self.matrix.ids),
                                columns=list(self.obstacles.family_ids))
        return pd.DataFrame(self.obstacles.degree, index=list(self.matrix.ids),
                            columns=list(self.matrix.indicator_ids))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small acyclic objects are built.

    Each full pass of the collector visits every live object, and building the
    result for 40,000 towns (some 200,000 dicts and lists) sets off several:
    about half of :meth:`Evaluation.to_dict`'s time.  Nothing built here can
    form a cycle, so nothing is left for the collector.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plain(options: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(options).items() if isinstance(v, str | int | float | bool)}


def weighting_spec(criteria: CriteriaSet, *, weighting: str | None = None,
                   standardization: str | None = None,
                   options: Mapping[str, Any] | None = None) -> WeightingSpec:
    """The criteria set's weighting, with a method, a standardisation or options overridden.

    The criteria file's lines are kept for the options it gives, so an error
    in them still points at its line.
    """
    spec = criteria.weighting
    if weighting is not None and weighting != spec.method:
        if weighting not in WEIGHTING_METHODS:
            raise InputError(f"unknown weighting method {weighting!r}",
                             f"use one of {', '.join(WEIGHTING_METHODS)}", column="weighting")
        spec = replace(spec, method=weighting)
    overrides = dict(options or {})
    if standardization is not None:
        overrides["standardization"] = standardization
    if not overrides:
        return spec
    merged = copy.copy(spec.options)  # a MappingNode keeps its lines
    if not isinstance(merged, dict):
        merged = dict(merged)
    merged.update(overrides)
    return replace(spec, options=merged)


def evaluate(criteria: CriteriaSet, candidates: CandidateTable, *,
             weighting: str | None = None, normalization: str | None = None,
             standardization: str | None = None,
             weighting_options: Mapping[str, Any] | None = None) -> Evaluation:
    """Derive the indicators, weight them, rank the towns and diagnose them.

    ``weighting``, ``normalization``, ``standardization`` (entropy only) and
    ``weighting_options`` (e.g. ``{"allow_inconsistent": True}`` or
    ``{"alpha": 0.3}``) override the criteria set's own choices.
    """
    require(criteria, CriteriaSet, "criteria", "pass load_criteria(path)")
    require(candidates, CandidateTable, "candidates", "pass load_candidates(path)")
    spec = weighting_spec(criteria, weighting=weighting, standardization=standardization,
                          options=weighting_options)
    norm = normalization or criteria.ranking.normalization
    if norm not in NORMALIZATIONS:
        raise InputError(f"unknown normalization {norm!r}", f"use one of {', '.join(NORMALIZATIONS)}")
    matrix = build_matrix(criteria, candidates)
    weights = compute_weights(matrix, spec)
    ranking = topsis(matrix, weights, norm)
    return Evaluation(criteria, candidates, matrix, weights, ranking,
                      obstacle_degrees(matrix, weights), agreement(matrix, weights, ranking))
