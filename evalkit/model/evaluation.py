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

import numpy as np
import pandas as pd

from evalkit.errors import InputError, require
from evalkit.io.candidates import CandidateTable
from evalkit.io.jsontext import dumps_compact, fragment, json_numbers, json_strings
from evalkit.io.output import json_bytes
from evalkit.methods.crosscheck import Agreement, agreement
from evalkit.methods.diagnose import Obstacles, obstacle_degrees
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import Ranking, topsis
from evalkit.methods.registry import NORMALIZATIONS, WEIGHTING_METHODS
from evalkit.methods.specs import WeightingSpec
from evalkit.methods.weighting import Weights, compute_weights
from evalkit.model.criteria import CriteriaSet
from evalkit.model.indicators import build_matrix
from evalkit.model.provenance import Provenance, table_provenance


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Everything one evaluation produced, in the order it was produced.

    ``provenance`` gives the status of every cell the indicators read and of
    every indicator (:mod:`evalkit.model.provenance`); :func:`evaluate` always
    fills it (every status ``none`` when the table has no sources file).
    """

    criteria: CriteriaSet
    candidates: CandidateTable
    matrix: DecisionMatrix
    weights: Weights
    ranking: Ranking
    obstacles: Obstacles
    agreement: dict[str, Agreement]
    provenance: Provenance | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        seen = dict.fromkeys((*self.candidates.warnings, *self.matrix.warnings,
                              *self.weights.warnings))
        tied = [self.matrix.ids[i] for i in np.flatnonzero(self.ranking.tied).tolist()]
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
        return self._document(ranking)

    def to_json(self, *, compact: bool = False, top_obstacles: int = 3) -> bytes:
        """The :meth:`to_dict` object as UTF-8 JSON text with a final newline.

        Indented (the default): byte for byte ``json.dumps(self.to_dict(),
        ensure_ascii=False, indent=2)``, the documented form.  ``compact``:
        one line (:func:`evalkit.io.jsontext.dumps_compact`) that parses to the
        same object, about ten times faster at 40,000 towns because the ranking
        is written from the arrays, without a dict per town.
        """
        if not compact:
            return json_bytes(self.to_dict(top_obstacles))
        ranking = fragment(self._ranking_json(top_obstacles))
        return dumps_compact(self._document(ranking)) + b"\n"

    def _ranking_json(self, top_obstacles: int) -> bytes:
        """The ``ranking`` list of :meth:`to_dict` as compact JSON text, built from the arrays.

        Every town's record is one template (with as many obstacle slots as it
        has obstacles) and all values are rendered a column at a time, then put
        in with one ``%``: no dict per town.
        """
        r = self.ranking
        order = r.order
        n = len(order)
        where, top = _largest(self.obstacles.degree[order], top_obstacles)
        kept = top > 0  # as Obstacles.top_all, leave out obstacles of degree 0
        k = where.shape[1]
        values = np.empty((n, 7 + 2 * k), dtype=object)
        ids, names = self.matrix.ids, self.matrix.names
        values[:, 0] = json_strings([ids[i] for i in order.tolist()])
        values[:, 1] = json_strings([names[i] for i in order.tolist()])
        for column, numbers in enumerate((r.ranks, r.tied, r.closeness, r.d_plus, r.d_minus), 2):
            values[:, column] = json_numbers(numbers[order].tolist())
        indicators = np.array(json_strings(list(self.obstacles.indicator_ids)), dtype=object)
        values[:, 7::2] = indicators[where]
        values[:, 8::2] = np.array(json_numbers(top.ravel().tolist()),
                                   dtype=object).reshape(n, k)
        used = np.ones((n, 7 + 2 * k), dtype=bool)
        used[:, 7::2] = used[:, 8::2] = kept
        head = (b'{"id":"%b","name":"%b","rank":%b,"tied":%b,"closeness":%b,"d_plus":%b,'
                b'"d_minus":%b,"obstacles":[')
        obstacle = b'{"indicator":"%b","degree":%b}'
        templates = np.array([head + b",".join([obstacle] * count) + b"]}"
                              for count in range(k + 1)], dtype=object)
        template = b",".join(templates[kept.sum(axis=1)].tolist())
        return b"[" + template % tuple(values[used].tolist()) + b"]"

    def _document(self, ranking: Any) -> dict[str, Any]:
        """The :meth:`to_dict` object around a ranking given already."""
        return {
            "criteria_set": {"name": self.criteria.name, "version": self.criteria.version},
            "weighting": {"method": self.weights.method, **_plain(self.weights.options)},
            "normalization": self.ranking.normalization,
            # named only when not Hwang & Yoon's (the default's JSON stays as it was)
            **({"distance": self.ranking.distance}
               if self.ranking.distance != "weighted_matrix" else {}),
            "weights": self.weights.as_dict(),
            "ranking": ranking,
            "agreement": {name: a.to_dict(self.matrix.ids) for name, a in self.agreement.items()},
            "warnings": list(self.warnings),
            "provenance": (self.provenance or table_provenance(self.criteria,
                                                               self.candidates)).to_dict(),
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


def _largest(degree: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` largest values and their columns, largest first, ties by column:
    the first ``k`` of a stable sort on −degree, as :meth:`Obstacles.top_all` takes them.

    For a few of many columns, ``k`` passes of ``argmax`` (which takes the first of
    equal maxima) cost a fraction of sorting every row.
    """
    k = min(k, degree.shape[1])
    if k > 4 or np.isnan(degree).any():
        where = np.argsort(-degree, axis=1, kind="stable")[:, :k]
        return where, np.take_along_axis(degree, where, axis=1)
    rest = degree.copy()
    rows = np.arange(degree.shape[0])
    where = np.empty((degree.shape[0], k), dtype=np.intp)
    for i in range(k):
        where[:, i] = np.argmax(rest, axis=1)
        rest[rows, where[:, i]] = -np.inf
    return where, np.take_along_axis(degree, where, axis=1)


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
    ranking = topsis(matrix, weights, norm, distance=criteria.ranking.distance)
    return Evaluation(criteria, candidates, matrix, weights, ranking,
                      obstacle_degrees(matrix, weights),
                      agreement(matrix, weights, ranking, criteria.ranking.also),
                      table_provenance(criteria, candidates))
