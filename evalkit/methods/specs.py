"""What a criteria set asks of the methods: how to weight and how to rank.

Plain settings, kept apart from the method modules so that the criteria
parser can build them (and check their names against
:mod:`evalkit.methods.registry`) without importing any method.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.numbers import as_number
from evalkit.io.yamlfile import line_of
from evalkit.methods.registry import (
    COMBINATION_METHODS,
    COMPLETION_METHODS,
    CRITIC_CONFLICTS,
    CRITIC_CORRELATIONS,
    ENTROPY_STANDARDIZATIONS,
    GROUP_AGGREGATIONS,
    OBJECTIVE_WEIGHTINGS,
    PRIORITY_METHODS,
    RI_TABLES,
)


@dataclass(frozen=True)
class WeightingSpec:
    """How weights are obtained: a method name and its options.

    ``options`` holds the method's own settings (``weights`` for fixed,
    ``standardization`` for entropy, judgment files for AHP); ``base_dir`` is
    where relative paths in them are resolved; ``source`` the file they came
    from (for error messages).
    """

    method: str = "entropy"
    options: Mapping[str, Any] = field(default_factory=dict)
    base_dir: Path = Path(".")
    source: Path | None = None


@dataclass(frozen=True)
class RankingSpec:
    """How towns are ranked: TOPSIS with a named normalisation and distance
    (:data:`~evalkit.methods.registry.TOPSIS_DISTANCES`)."""

    normalization: str = "vector"
    distance: str = "weighted_matrix"
    also: tuple[str, ...] = ()
    """Extra cross-checks (:data:`~evalkit.methods.registry.EXTRA_CHECKS`) to run and report."""


ENTROPY_SHIFT = 0.01
"""Shift added after min–max standardisation so that ln p is defined
(y'_ij = y_ij + 0.01, a common choice in the Chinese evaluation literature)."""


def check_weighting(options: Mapping[str, Any], method: str, *, file: Path | None,
                    indicator_ids: Sequence[str]) -> dict[str, Any]:
    """Every weighting option checked, numbers read by the numeric grammar.

    Returns the options with numbers as floats.  Every problem is an
    :class:`~evalkit.errors.InputError` at the option's line (when the
    options came from a file).  Names are checked against the registries of
    :mod:`evalkit.methods.registry`.
    """
    out = copy.copy(options)  # a MappingNode keeps its lines for the methods' own messages
    if not isinstance(out, dict):
        out = dict(options)

    def fail(what: str, hint: str, key: str, sub: Any = None) -> InputError:
        container = options if sub is None else options.get(key)
        row = line_of(container, key if sub is None else sub)
        column = f"weighting.{key}" + (f".{sub}" if sub is not None else "")
        return InputError(what, hint, file=file, row=row, column=column)

    def number(key: str, low: float, high: float, what: str, hint: str,
               low_open: bool = False) -> None:
        if key in options:
            value = as_number(options[key])
            if value is None or value < low or value > high or (low_open and value == low):
                raise fail(f"{what}, got {options[key]!r}", hint, key)
            out[key] = value

    def name(key: str, registry: Any, what: str) -> None:
        if key in options and (not isinstance(options[key], str) or options[key] not in registry):
            raise fail(f"unknown {what} {options[key]!r}", f"use one of {', '.join(registry)}", key)

    if "standardization" in options and options["standardization"] not in \
            ENTROPY_STANDARDIZATIONS:
        raise fail(f"unknown entropy standardization {options['standardization']!r}",
                   f"use {' or '.join(ENTROPY_STANDARDIZATIONS)}", "standardization")
    number("shift", 0.0, math.inf, "entropy shift must be a non-negative number",
           f"write e.g. shift: {ENTROPY_SHIFT}")
    name("priority", PRIORITY_METHODS, "AHP priority method")
    name("ri_table", RI_TABLES, "random-index table")
    name("combination", COMBINATION_METHODS, "combination")
    name("completion", COMPLETION_METHODS, "completion method")
    name("aggregation", GROUP_AGGREGATIONS, "aggregation of experts")
    name("correlation", CRITIC_CORRELATIONS, "CRITIC correlation")
    name("conflict", CRITIC_CONFLICTS, "CRITIC conflict")
    number("threshold", 0.0, 1.0, "threshold must be a number above 0 and at most 1",
           "write e.g. threshold: 0.1 (Saaty's CR ≤ 0.10)", low_open=True)
    number("alpha", 0.0, 1.0, "alpha must be a number from 0 to 1", "write e.g. alpha: 0.5")
    if "allow_inconsistent" in options and not isinstance(options["allow_inconsistent"], bool):
        raise fail(f"allow_inconsistent must be true or false, got {options['allow_inconsistent']!r}",
                   "write allow_inconsistent: true (or leave it out)", "allow_inconsistent")
    if "objective" in options and options["objective"] not in OBJECTIVE_WEIGHTINGS:
        raise fail(f"objective must be {' or '.join(OBJECTIVE_WEIGHTINGS)}, got "
                   f"{options['objective']!r}", "write objective: entropy", "objective")
    if "judgments" in options:
        given = options["judgments"]
        entries = given if isinstance(given, list) else [given]
        if not entries or not all(isinstance(e, str) and e.strip() for e in entries):
            raise fail(f"judgments must be a file, a folder or a list of them, got {given!r}",
                       "write judgments: judgments/ (relative to the criteria file)", "judgments")
    if method == "fixed" or "weights" in options:
        out["weights"] = _fixed_weights(options.get("weights"), fail, indicator_ids,
                                        complete=method == "fixed")
    return out


def _fixed_weights(given: Any, fail: Any, ids: Sequence[str], *,
                   complete: bool) -> dict[str, float]:
    if not isinstance(given, Mapping) or not given:
        raise fail("fixed weighting needs weights: {indicator_id: weight, ...}",
                   "list a weight for every indicator", "weights")
    weights: dict[str, float] = {}
    for key, value in given.items():
        if key not in ids:
            raise fail(f"weight for unknown indicator {key!r}",
                       f"use the indicator ids: {', '.join(ids)}", "weights", key)
        number = as_number(value)
        if number is None or number < 0:
            raise fail(f"weight of {key!r} must be a non-negative number, got {value!r}",
                       "write e.g. 0.2", "weights", key)
        weights[key] = number
    if complete:
        for ident in ids:
            if ident not in weights:
                raise fail(f"no weight for indicator {ident!r}",
                           "give every indicator a weight (0 to leave it out)", "weights")
    if not any(w > 0 for w in weights.values()):
        raise fail("the fixed weights are all zero", "give some indicator a weight", "weights")
    return weights
