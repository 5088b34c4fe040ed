"""Indicator weights: objective (entropy, CRITIC) and fixed.

Each method is a plain function ``(matrix, spec) -> Weights`` registered in
:data:`WEIGHTING_METHODS`; the result keeps the intermediate values a report
needs (entropies, divergences, contrasts, conflicts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evalkit.criteria import WeightingSpec
from evalkit.errors import InputError
from evalkit.matrix import DecisionMatrix

ENTROPY_SHIFT = 0.01
"""Shift added after min–max standardisation so that ln p is defined
(y'_ij = y_ij + 0.01, a common choice in the Chinese evaluation literature)."""


@dataclass(frozen=True, eq=False)
class Weights:
    """Weights w_j aligned with ``indicator_ids``, plus how they were obtained."""

    method: str
    indicator_ids: tuple[str, ...]
    values: np.ndarray
    options: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in zip(self.indicator_ids, self.values, strict=True)}

    @property
    def label(self) -> str:
        """The method with its options, e.g. ``entropy (standardization=minmax)``."""
        shown = {k: v for k, v in self.options.items() if isinstance(v, str | int | float)}
        if not shown:
            return self.method
        return f"{self.method} ({', '.join(f'{k}={v}' for k, v in shown.items())})"


def minmax_standardize(values: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Direction-aware min–max: y_ij in [0, 1], 1 = best town on indicator j.

    A constant column gets y = 1 for every town (nobody is behind anybody).
    """
    low, high = values.min(axis=0), values.max(axis=0)
    spread = high - low
    safe = np.where(spread > 0, spread, 1.0)
    up = (values - low) / safe
    y = np.where(signs > 0, up, 1.0 - up)
    return np.where(spread > 0, y, 1.0)


def entropy_weights(values: np.ndarray, signs: np.ndarray | None = None, *,
                    standardization: str = "raw",
                    shift: float = ENTROPY_SHIFT) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Entropy weights (Shannon; brief §5).

    p_ij = y_ij / Σ_i y_ij; e_j = −(1/ln n) Σ_i p_ij ln p_ij with 0·ln 0 = 0;
    d_j = 1 − e_j; w_j = d_j / Σ_k d_k.  ``raw``: y = x (needs x ≥ 0);
    ``minmax``: y = direction-aware min–max + ``shift``.  A column whose
    proportions are uniform (constant, or all zero) has e_j = 1 and weight 0.
    """
    x = np.asarray(values, dtype=float)
    n = x.shape[0]
    if standardization == "raw":
        y = x
    elif standardization == "minmax":
        if signs is None:
            raise ValueError("minmax standardisation needs the indicator directions")
        y = minmax_standardize(x, signs)
        y = np.where(np.ptp(x, axis=0) > 0, y, 0.0) + shift
    else:
        raise ValueError(f"unknown standardization {standardization!r}")
    totals = y.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(totals > 0, y / np.where(totals > 0, totals, 1.0), 1.0 / n)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    entropy = -plogp.sum(axis=0) / np.log(n)
    entropy = np.clip(entropy, 0.0, 1.0)
    divergence = 1.0 - entropy
    total = divergence.sum()
    if total <= 0:
        raise ValueError("every indicator has the same value for every town")
    return divergence / total, {"proportions": p, "entropy": entropy, "divergence": divergence}


def critic_weights(values: np.ndarray, signs: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).

    On direction-aware min–max data: contrast σ_j (sample standard deviation),
    conflict Σ_k (1 − r_jk) with Pearson r; C_j = σ_j · conflict_j,
    w_j = C_j / Σ C_k.  A constant column has σ = 0, hence weight 0, and is
    left out of the other columns' conflict sums (its correlation is undefined).
    """
    y = minmax_standardize(np.asarray(values, dtype=float), signs)
    varying = np.ptp(np.asarray(values, dtype=float), axis=0) > 0
    sigma = np.where(varying, y.std(axis=0, ddof=1), 0.0)
    corr = np.zeros((y.shape[1], y.shape[1]))
    if varying.sum() > 1:
        corr[np.ix_(varying, varying)] = np.corrcoef(y[:, varying], rowvar=False)
    elif varying.sum() == 1:
        corr[np.ix_(varying, varying)] = 1.0
    conflict = np.where(varying, ((1.0 - corr) * varying[None, :]).sum(axis=1), 0.0)
    information = sigma * conflict
    total = information.sum()
    if total <= 0:
        raise ValueError("the indicators carry no contrast or conflict")
    return information / total, {"contrast": sigma, "conflict": conflict,
                                 "correlation": corr, "information": information}


def _entropy(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    standardization = spec.options.get("standardization", "minmax")
    if standardization not in ("raw", "minmax"):
        raise _spec_error(spec, f"unknown entropy standardization {standardization!r}",
                          "use raw or minmax")
    if standardization == "raw" and (matrix.values < 0).any():
        j = int(np.flatnonzero((matrix.values < 0).any(axis=0))[0])
        raise _spec_error(spec, f"raw entropy needs non-negative values; indicator "
                          f"{matrix.indicator_ids[j]!r} has negative ones",
                          "use standardization: minmax")
    shift = float(spec.options.get("shift", ENTROPY_SHIFT))
    try:
        w, details = entropy_weights(matrix.values, matrix.signs,
                                     standardization=standardization, shift=shift)
    except ValueError as exc:
        raise _spec_error(spec, str(exc), "add indicators that differ between towns") from None
    options = {"standardization": standardization}
    if standardization == "minmax":
        options["shift"] = shift  # type: ignore[assignment]
    return Weights("entropy", matrix.indicator_ids, w, options, details,
                   _zero_weight_warnings(matrix, w))


def _critic(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    if matrix.shape[0] < 3:
        raise _spec_error(spec, "CRITIC needs at least three towns (correlations)",
                          "use entropy or fixed weights")
    try:
        w, details = critic_weights(matrix.values, matrix.signs)
    except ValueError as exc:
        raise _spec_error(spec, str(exc), "add indicators that differ between towns") from None
    return Weights("critic", matrix.indicator_ids, w, {}, details,
                   _zero_weight_warnings(matrix, w))


def _fixed(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    given = spec.options.get("weights")
    if not isinstance(given, Mapping) or not given:
        raise _spec_error(spec, "fixed weighting needs weights: {indicator_id: weight, ...}",
                          "list a weight for every indicator", "weighting.weights")
    ids = matrix.indicator_ids
    for key in given:
        if key not in ids:
            raise _spec_error(spec, f"weight for unknown indicator {key!r}",
                              f"use the indicator ids: {', '.join(ids)}", f"weighting.weights.{key}")
    w = np.empty(len(ids))
    for j, ident in enumerate(ids):
        if ident not in given:
            raise _spec_error(spec, f"no weight for indicator {ident!r}",
                              "give every indicator a weight (0 to leave it out)",
                              "weighting.weights")
        value = given[ident]
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value) \
                or value < 0:
            raise _spec_error(spec, f"weight of {ident!r} must be a non-negative number, "
                              f"got {value!r}", "write e.g. 0.2", f"weighting.weights.{ident}")
        w[j] = float(value)
    total = w.sum()
    if total <= 0:
        raise _spec_error(spec, "the fixed weights are all zero", "give some indicator a weight",
                          "weighting.weights")
    warnings: tuple[str, ...] = ()
    if abs(total - 1.0) > 1e-9:
        warnings = (f"fixed weights summed to {total:g}; they were divided by that sum",)
    return Weights("fixed", ids, w / total, {}, {"given": w}, warnings)


def _zero_weight_warnings(matrix: DecisionMatrix, w: np.ndarray) -> tuple[str, ...]:
    return tuple(
        f"indicator {matrix.indicator_ids[j]!r} is the same for every town and gets weight 0"
        for j in matrix.constant_columns())


def _spec_error(spec: WeightingSpec, what: str, hint: str,
                column: str = "weighting") -> InputError:
    return InputError(what, hint, file=spec.source, column=column)


WEIGHTING_METHODS: dict[str, Callable[[DecisionMatrix, WeightingSpec], Weights]] = {
    "entropy": _entropy,
    "critic": _critic,
    "fixed": _fixed,
}
"""Weighting methods by name; AHP and combined weights register here too."""


def compute_weights(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    """Weights for ``matrix`` by the method ``spec`` names."""
    try:
        method = WEIGHTING_METHODS[spec.method]
    except KeyError:
        raise InputError(f"unknown weighting method {spec.method!r}",
                         f"use one of {', '.join(WEIGHTING_METHODS)}") from None
    return method(matrix, spec)
