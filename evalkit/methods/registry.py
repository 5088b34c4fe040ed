"""The methods' registries: every name a criteria set or an option may choose.

Each entry names where it is implemented; nothing is imported until an entry
is used (:class:`~evalkit.registry.Registry`), so the criteria parser checks
a name here without importing the method modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from evalkit.methods.matrix import DecisionMatrix
from evalkit.registry import Registry

# (typed loosely where the signature names a class of a module that reads this registry)
WEIGHTING_METHODS: Registry[Callable[..., Any]] = Registry(
    "weighting method", {
        "entropy": "evalkit.methods.weighting:weigh_entropy",
        "critic": "evalkit.methods.weighting:weigh_critic",
        "fixed": "evalkit.methods.weighting:weigh_fixed",
        "ahp": "evalkit.methods.weighting:weigh_ahp",
        "combined": "evalkit.methods.weighting:weigh_combined",
    })
"""Weighting methods: ``(matrix, spec) -> Weights`` (the CLI's choices come from here)."""

OBJECTIVE_WEIGHTINGS = ("entropy", "critic")
"""Weighting methods that may be the objective side of ``combined``."""

ENTROPY_STANDARDIZATIONS = ("raw", "minmax")
"""How the entropy method standardises values before taking proportions."""

NORMALIZATIONS: Registry[Callable[[np.ndarray, bool], np.ndarray]] = Registry(
    "normalization", {
        "vector": "evalkit.methods.ranking:normalize_vector",
        "minmax": "evalkit.methods.ranking:normalize_minmax",
    })
"""TOPSIS normalisations: ``(column, cost) -> r``; ``vector`` is the textbook one."""

CROSS_CHECKS: Registry[Callable[[DecisionMatrix, np.ndarray], tuple[np.ndarray, bool]]] = Registry(
    "cross-check", {
        "wsm": "evalkit.methods.crosscheck:wsm",
        "vikor": "evalkit.methods.crosscheck:vikor",
        "promethee_ii": "evalkit.methods.crosscheck:promethee_ii",
    })
"""Methods whose orders are compared with TOPSIS's: ``(matrix, w) -> (scores, higher_is_better)``."""

PRIORITY_METHODS: Registry[Callable[[np.ndarray], np.ndarray]] = Registry(
    "AHP priority method", {
        "eigenvector": "evalkit.methods.ahp.consistency:eigenvector",
        "geometric_mean": "evalkit.methods.ahp.consistency:geometric_mean",
    })
"""Ways to derive a priority vector from a complete reciprocal matrix."""

RI_TABLES: Registry[dict[int, float]] = Registry(
    "random-index table", {
        "saaty1980": "evalkit.methods.ahp.consistency:RI_SAATY_1980",
        "alonso_lamata2006": "evalkit.methods.ahp.consistency:RI_ALONSO_LAMATA_2006",
    })
"""Random consistency indices RI(n), each with its source (the first is the default)."""

COMBINATION_METHODS: Registry[Callable[[np.ndarray, np.ndarray, float], np.ndarray]] = Registry(
    "combination", {
        "linear": "evalkit.methods.ahp.group:linear",
        "multiplicative": "evalkit.methods.ahp.group:multiplicative",
    })
"""Ways to combine subjective (AHP) weights a with objective weights b."""

__all__ = [
    "COMBINATION_METHODS",
    "CROSS_CHECKS",
    "ENTROPY_STANDARDIZATIONS",
    "NORMALIZATIONS",
    "OBJECTIVE_WEIGHTINGS",
    "PRIORITY_METHODS",
    "RI_TABLES",
    "WEIGHTING_METHODS",
]

