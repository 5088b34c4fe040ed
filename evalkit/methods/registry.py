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

ELICITATION_METHODS = ("questionnaire", "meeting", "interview")
"""How an expert's judgments were gathered (the ``method`` of a judgment file's ``expert``)."""

NORMALIZATIONS: Registry[Callable[[np.ndarray, bool], np.ndarray]] = Registry(
    "normalization", {
        "vector": "evalkit.methods.ranking:normalize_vector",
        "minmax": "evalkit.methods.ranking:normalize_minmax",
    })
"""TOPSIS normalisations: ``(column, cost) -> r``; ``vector`` is the textbook one."""

TOPSIS_DISTANCES: Registry[Callable[[np.ndarray], np.ndarray]] = Registry(
    "TOPSIS distance", {
        "weighted_matrix": "evalkit.methods.ranking:weighted_matrix_factors",
        "weighted_distance": "evalkit.methods.ranking:weighted_distance_factors",
    })
"""Where TOPSIS puts the weights: ``w -> column factors f`` with v_ij = f_j r_ij.

``weighted_matrix`` (the default) is Hwang & Yoon's v = w·r; ``weighted_distance``
is D = √Σ w_j (r_ij − r*_j)², i.e. f = √w."""

CROSS_CHECKS: Registry[Callable[[DecisionMatrix, np.ndarray], tuple[np.ndarray, bool]]] = Registry(
    "cross-check", {
        "wsm": "evalkit.methods.crosscheck:wsm",
        "vikor": "evalkit.methods.crosscheck:vikor",
        "promethee_ii": "evalkit.methods.crosscheck:promethee_ii",
        "topsis_vector": "evalkit.methods.crosscheck:topsis_vector",
        "topsis_minmax": "evalkit.methods.crosscheck:topsis_minmax",
    })
"""Methods whose orders are compared with TOPSIS's: ``(matrix, w) -> (scores, higher_is_better)``.

The TOPSIS entry with the evaluation's own normalisation is skipped (it is the ranking itself)."""

EXTRA_CHECKS: Registry[Callable[[DecisionMatrix, np.ndarray], tuple[np.ndarray, bool]]] = Registry(
    "extra cross-check", {
        "grey_relational": "evalkit.methods.composite:grey_relational",
        "grey_topsis": "evalkit.methods.composite:grey_topsis",
        "rank_sum_ratio": "evalkit.methods.composite:rank_sum_ratio",
    })
"""Composite evaluations that a criteria set may add to the cross-checks
(``ranking: {also: [grey_relational, ...]}``); same signature as :data:`CROSS_CHECKS`.
Not run by default, so the default JSON keeps its keys."""

PRIORITY_METHODS: Registry[Callable[[np.ndarray], np.ndarray]] = Registry(
    "AHP priority method", {
        "eigenvector": "evalkit.methods.ahp.consistency:eigenvector",
        "geometric_mean": "evalkit.methods.ahp.consistency:geometric_mean",
        "sum_product": "evalkit.methods.ahp.consistency:sum_product",
    })
"""Ways to derive a priority vector from a complete reciprocal matrix."""

COMPLETION_METHODS: Registry[Callable[..., Any]] = Registry(
    "completion method", {
        "llsm": "evalkit.methods.ahp.completion:complete_llsm",
        "lambda_max": "evalkit.methods.ahp.completion:complete_lambda_max",
    })
"""Optimal completions of an incomplete judgment matrix (Bozóki, Fülöp & Rónyai 2010):
logarithmic least squares (the default) or least λmax."""

GROUP_AGGREGATIONS = ("aij", "aip")
"""How several experts are pooled (Forman & Peniwati 1998): aggregation of individual
judgments (AIJ, element-wise geometric mean, the default) or of individual priorities
(AIP, weighted geometric mean of each expert's priority vectors)."""

CRITIC_CORRELATIONS = ("flipped", "unflipped")
"""CRITIC's correlations on direction-flipped min–max data (the default) or on the
data as given (Diakoulaki et al. 1995 and Tuş & Adalı 2019 take r of the raw columns)."""

CRITIC_CONFLICTS = ("one_minus_r", "one_minus_abs_r")
"""CRITIC's conflict Σ_k (1 − r_jk) (Diakoulaki et al. 1995, the default) or Σ_k (1 − |r_jk|)."""

RI_TABLES: Registry[dict[int, float]] = Registry(
    "random-index table", {
        "saaty1980": "evalkit.methods.ahp.consistency:RI_SAATY_1980",
        "alonso_lamata2006": "evalkit.methods.ahp.consistency:RI_ALONSO_LAMATA_2006",
        "xu1988": "evalkit.methods.ahp.consistency:RI_XU_1988",
    })
"""Random consistency indices RI(n), each with its source (the first is the default)."""

COMBINATION_METHODS: Registry[Callable[[np.ndarray, np.ndarray, float], np.ndarray]] = Registry(
    "combination", {
        "linear": "evalkit.methods.ahp.group:linear",
        "multiplicative": "evalkit.methods.ahp.group:multiplicative",
        "game_theory": "evalkit.methods.ahp.group:game_theory",
        "min_discrimination": "evalkit.methods.ahp.group:min_discrimination",
    })
"""Ways to combine subjective (AHP) weights a with objective weights b."""

__all__ = [
    "COMBINATION_METHODS",
    "COMPLETION_METHODS",
    "CRITIC_CONFLICTS",
    "CRITIC_CORRELATIONS",
    "CROSS_CHECKS",
    "ELICITATION_METHODS",
    "ENTROPY_STANDARDIZATIONS",
    "EXTRA_CHECKS",
    "GROUP_AGGREGATIONS",
    "NORMALIZATIONS",
    "OBJECTIVE_WEIGHTINGS",
    "PRIORITY_METHODS",
    "RI_TABLES",
    "TOPSIS_DISTANCES",
    "WEIGHTING_METHODS",
]

