"""Indicator weights: objective (entropy, CRITIC), fixed, AHP and combined.

Each method is a plain function ``(matrix, spec) -> Weights`` named in the
registry :data:`~evalkit.methods.registry.WEIGHTING_METHODS`; the result keeps
the intermediate values a report needs (entropies, divergences, contrasts,
conflicts, the AHP judgments).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from evalkit.errors import InputError
from evalkit.io.yamlfile import line_of
from evalkit.methods.ahp.consistency import DEFAULT_METHOD, DEFAULT_RI_TABLE, DEFAULT_THRESHOLD
from evalkit.methods.ahp.experts import AhpWeights, ahp_weights
from evalkit.methods.ahp.group import combine
from evalkit.methods.ahp.judgments import ExpertJudgments, is_judgment_file, load_judgments
from evalkit.methods.matrix import DecisionMatrix, hierarchy
from evalkit.methods.registry import (
    WEIGHTING_METHODS,
)
from evalkit.methods.specs import ENTROPY_SHIFT, WeightingSpec, check_weighting


@dataclass(frozen=True, eq=False)
class Weights:
    """Weights w_j aligned with ``indicator_ids``, plus how they were obtained."""

    method: str
    indicator_ids: tuple[str, ...]
    values: np.ndarray
    options: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    description: str = ""

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in zip(self.indicator_ids, self.values, strict=True)}

    @property
    def label(self) -> str:
        """The method with its options, e.g. ``entropy (standardization=minmax)``."""
        if self.description:
            return self.description
        shown = {k: v for k, v in self.options.items() if isinstance(v, str | int | float)}
        if not shown:
            return self.method
        return f"{self.method} ({', '.join(f'{k}={v}' for k, v in shown.items())})"


def _unit_columns(values: np.ndarray) -> np.ndarray:
    """Each column divided by its largest magnitude (a zero column left as it is)."""
    x = np.asarray(values, dtype=float)
    if not x.size:
        return x
    largest = np.abs(x).max(axis=0)
    return x / np.where(largest > 0, largest, 1.0)


def minmax_standardize(values: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Direction-aware min–max: y_ij in [0, 1], 1 = best town on indicator j.

    A constant column gets y = 1 for every town (nobody is behind anybody).
    """
    values = _unit_columns(values)  # min–max does not change; high − low cannot overflow
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
        y = _unit_columns(x)  # p_ij does not change; Σ_i y_ij cannot overflow
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
    # Exactly 1 for a constant column: rounding in p = y / Σy must not give it a weight.
    entropy = np.where(np.ptp(y, axis=0) > 0, np.clip(entropy, 0.0, 1.0), 1.0)
    divergence = 1.0 - entropy
    total = divergence.sum()
    if total <= 0:
        raise ValueError("every indicator has the same value for every town")
    return divergence / total, {"proportions": p, "entropy": entropy, "divergence": divergence}


def critic_weights(values: np.ndarray, signs: np.ndarray, *, correlation: str = "flipped",
                   conflict: str = "one_minus_r") -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995).

    On direction-aware min–max data: contrast σ_j (sample standard deviation),
    conflict Σ_k (1 − r_jk) with Pearson r; C_j = σ_j · conflict_j,
    w_j = C_j / Σ C_k.  A constant column has σ = 0, hence weight 0, and is
    left out of the other columns' conflict sums (its correlation is undefined).

    ``correlation="unflipped"`` takes r of the columns as given (a cost column's
    correlations keep their sign; σ is the same either way, since min–max
    flipping is 1 − y); ``conflict="one_minus_abs_r"`` uses Σ_k (1 − |r_jk|), so a
    strong negative correlation counts as redundancy, not conflict.  The names are
    :data:`~evalkit.methods.registry.CRITIC_CORRELATIONS` and ``CRITIC_CONFLICTS``.
    """
    y = minmax_standardize(np.asarray(values, dtype=float), signs)
    y_corr = y if correlation == "flipped" else \
        minmax_standardize(np.asarray(values, dtype=float), np.ones_like(signs))
    varying = np.ptp(np.asarray(values, dtype=float), axis=0) > 0
    sigma = np.where(varying, y.std(axis=0, ddof=1), 0.0)
    corr = np.zeros((y.shape[1], y.shape[1]))
    if varying.sum() > 1:
        corr[np.ix_(varying, varying)] = np.corrcoef(y_corr[:, varying], rowvar=False)
    elif varying.sum() == 1:
        corr[np.ix_(varying, varying)] = 1.0
    distance = 1.0 - (np.abs(corr) if conflict == "one_minus_abs_r" else corr)
    conflicts = np.where(varying, (distance * varying[None, :]).sum(axis=1), 0.0)
    information = sigma * conflicts
    total = information.sum()
    if total <= 0:
        raise ValueError("the indicators carry no contrast or conflict")
    return information / total, {"contrast": sigma, "conflict": conflicts,
                                 "correlation": corr, "information": information}


def weigh_entropy(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    """Entropy weights with the spec's standardisation and shift (:func:`entropy_weights`)."""
    standardization = spec.options.get("standardization", "minmax")
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
    return Weights("entropy", matrix.indicator_ids, w, options, details)


def weigh_critic(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    """CRITIC weights (:func:`critic_weights`); needs three towns or more."""
    if matrix.shape[0] < 3:
        raise _spec_error(spec, "CRITIC needs at least three towns (correlations)",
                          "use entropy or fixed weights")
    options = {key: str(spec.options[key]) for key in ("correlation", "conflict")
               if key in spec.options and spec.options[key] != CRITIC_DEFAULTS[key]}
    try:
        w, details = critic_weights(matrix.values, matrix.signs,
                                    correlation=options.get("correlation", "flipped"),
                                    conflict=options.get("conflict", "one_minus_r"))
    except ValueError as exc:
        raise _spec_error(spec, str(exc), "add indicators that differ between towns") from None
    return Weights("critic", matrix.indicator_ids, w, options, details)


CRITIC_DEFAULTS = {"correlation": "flipped", "conflict": "one_minus_r"}
"""CRITIC's defaults; only options that differ from them are named in the result."""


def weigh_fixed(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    """The spec's own weights, one per indicator, divided by their sum (with a warning)."""
    given = spec.options["weights"]  # checked by check_weighting: one number ≥ 0 per indicator
    ids = matrix.indicator_ids
    w = np.array([float(given[ident]) for ident in ids])
    # Divided by the largest first: 1e308 + 1e308 would overflow to inf, and every weight to 0.
    largest = float(w.max())
    w = w / largest
    total = math.fsum(w)
    stated = total * largest  # may be inf (e.g. 1e308 twice): only the ratios are used
    warnings: tuple[str, ...] = ()
    if abs(stated - 1.0) > 1e-9:
        shown = f"{stated:g}" if math.isfinite(stated) else f"{total:g} × {largest:g}"
        warnings = (f"fixed weights summed to {shown}; they were divided by that sum",)
    return Weights("fixed", ids, w / total, {},
                   {"given": np.array([float(given[i]) for i in ids])}, warnings)


def _spec_error(spec: WeightingSpec, what: str, hint: str, column: str = "weighting",
                row: int | None = None) -> InputError:
    """An error in the criteria file's ``weighting`` block (``row``: its YAML line, if known)."""
    return InputError(what, hint, file=spec.source, row=row, column=column)


def judgment_files(spec: WeightingSpec) -> list[Path]:
    """The experts' judgment files ``spec`` names: files, or every ``*.yaml`` of a folder."""
    given = spec.options.get("judgments", "judgments")
    entries = given if isinstance(given, list) else [given]
    files: list[Path] = []
    for entry in entries:
        if not isinstance(entry, str):
            raise _spec_error(spec, f"judgments must be a file, a folder or a list of them, got {entry!r}",
                              "write judgments: judgments/ (relative to the criteria file)",
                              "weighting.judgments")
        path = spec.base_dir / entry
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if is_judgment_file(p))
        elif path.is_file():
            files.append(path)
        else:
            raise _spec_error(spec, f"judgment file or folder {entry!r} not found",
                              "give the path relative to the criteria file", "weighting.judgments",
                              line_of(spec.options, "judgments"))
    if not files:
        raise _spec_error(spec, f"no judgment files (*.yaml) found in {', '.join(map(str, entries))}",
                          "add one YAML file per expert", "weighting.judgments",
                          line_of(spec.options, "judgments"))
    return files


def expert_judgments(matrix: DecisionMatrix, spec: WeightingSpec) -> tuple[ExpertJudgments, ...]:
    """Every expert's judgment file named by ``spec``, checked against ``matrix``'s indicators."""
    families = tuple(dict.fromkeys(matrix.families))
    members = hierarchy(matrix.indicators, families)
    return tuple(load_judgments(_shown(path), families, members) for path in judgment_files(spec))


def ahp_judgments(experts: tuple[ExpertJudgments, ...], spec: WeightingSpec) -> AhpWeights:
    """AHP weights from the experts' judgments, with the settings ``spec`` names."""
    return ahp_weights(
        experts,
        method=str(spec.options.get("priority", DEFAULT_METHOD)),
        ri_table=str(spec.options.get("ri_table", DEFAULT_RI_TABLE)),
        threshold=float(spec.options.get("threshold", DEFAULT_THRESHOLD)),
        allow_inconsistent=bool(spec.options.get("allow_inconsistent", False)),
        completion=str(spec.options.get("completion", "llsm")),
        aggregation=str(spec.options.get("aggregation", "aij")),
    )


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def weigh_ahp(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    """AHP weights from the experts' judgment files the spec names."""
    experts = expert_judgments(matrix, spec)
    result = ahp_judgments(experts, spec)
    values = np.array([result.weights[i] for i in matrix.indicator_ids])
    options = {"priority": result.method, "ri_table": result.ri_table}
    for key, default in (("completion", "llsm"), ("aggregation", "aij")):
        if spec.options.get(key, default) != default:  # named only when not the default
            options[key] = str(spec.options[key])
    text = f"ahp ({result.method}, {len(result.experts)} experts, RI {result.ri_table})"
    return Weights("ahp", matrix.indicator_ids, values, options,
                   {"ahp": result, "judgments": experts}, result.warnings, text)


def weigh_combined(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    """α·AHP + (1 − α)·objective (linear) or w_j ∝ a_j·b_j (multiplicative)."""
    alpha = float(spec.options.get("alpha", 0.5))
    combination = str(spec.options.get("combination", "linear"))
    objective_method = str(spec.options.get("objective", "entropy"))
    subjective = weigh_ahp(matrix, spec)
    objective = WEIGHTING_METHODS[objective_method](matrix, spec)
    try:
        mixed = combine(subjective.as_dict(), objective.as_dict(), method=combination,
                            alpha=float(alpha))
    except InputError as exc:
        raise _spec_error(spec, exc.what, exc.hint) from None
    values = np.array([mixed[i] for i in matrix.indicator_ids])
    options: dict[str, Any] = {"alpha": float(alpha), "combination": combination,
                               "objective": objective.label, **subjective.options}
    details = {**subjective.details, "ahp_weights": subjective.values, "objective": objective}
    if combination == "linear":
        text = (f"combined = {float(alpha):g}·{subjective.label} + "
                f"{1 - float(alpha):g}·{objective.label}")
    elif combination == "multiplicative":
        text = f"combined ∝ {subjective.label} × {objective.label}"
    elif combination == "min_discrimination":
        text = f"combined ∝ √({subjective.label} × {objective.label})"
    else:
        text = f"combined = game-theory mix of {subjective.label} and {objective.label}"
    return Weights("combined", matrix.indicator_ids, values, options, details,
                   (*subjective.warnings, *objective.warnings), text)


def compute_weights(matrix: DecisionMatrix, spec: WeightingSpec) -> Weights:
    """Weights for ``matrix`` by the method ``spec`` names, its options checked first."""
    if spec.method not in WEIGHTING_METHODS:
        raise InputError(f"unknown weighting method {spec.method!r}",
                         f"use one of {', '.join(WEIGHTING_METHODS)}")
    options = check_weighting(spec.options, spec.method, file=spec.source,
                              indicator_ids=matrix.indicator_ids)
    return WEIGHTING_METHODS[spec.method](matrix, replace(spec, options=options))


def weights_report(matrix: DecisionMatrix, weights: Weights) -> dict[str, Any]:
    """The ``evalkit weights --format json`` object (a documented contract).

    ``consistency`` and ``revisions`` come from the AHP side and are empty
    for purely objective or fixed weights.
    """
    families: dict[str, float] = {}
    for family, w in zip(matrix.families, weights.values, strict=True):
        families[family] = families.get(family, 0.0) + float(w)
    judged = weights.details.get("ahp")
    report: dict[str, Any] = {
        "weighting": weights.method,
        "description": weights.label,
        "weights": weights.as_dict(),
        "families": families,
        "consistency": judged.to_dict()["consistency"] if judged else [],
        "revisions": judged.to_dict()["revisions"] if judged else [],
    }
    if weights.method == "combined" and judged is not None:
        report["ahp_weights"] = dict(judged.weights)
        report["objective_weights"] = weights.details["objective"].as_dict()
    report["warnings"] = list(weights.warnings)
    return report
