"""Robustness of the ranking and of the selection (SMAA; brief §5).

Weight vectors w⁽ˢ⁾ (s = 1..S) are drawn from a *weight model* (a registry,
:data:`~evalkit.decide.registry.WEIGHT_MODELS`): a Dirichlet around the elicited weights w⁰, the
uniform distribution on the simplex, or AHP judgments perturbed by up to one
Saaty step.  For every sample the towns are ranked by TOPSIS, and

* the rank-acceptability index b_i^r = #{s : rank_i(w⁽ˢ⁾) = r} / S
  (Lahdelma, Hokkanen & Salminen 1998, SMAA);
* the top-k acceptability a_i^k = Σ_{r ≤ k} b_i^r;
* the central weight vector w_i^c = mean of the w⁽ˢ⁾ that rank town i first;
* the pairwise winning index p_ik = #{s : C_i(w⁽ˢ⁾) > C_k(w⁽ˢ⁾)} / S;
* one-at-a-time stability intervals: for each indicator j, the range
  [low, high] of w_j (the other weights rescaled proportionally,
  w_l = w⁰_l (1 − w_j)/(1 − w⁰_j)) over which the top-k set does not change;
* with a selection scenario, the core index: the share of scenarios
  (weight sample + costs scaled by U(1 − s, 1 + s) per town and category) in
  which the optimiser picks each town, and the most frequent portfolios
  (Liesiö, Mild & Salo 2007, Robust Portfolio Modeling).

The vectorised TOPSIS behind it is described in :mod:`.kernel`.

Everything is drawn from one ``numpy.random.Generator(PCG64(seed))`` in a
fixed order (weights, then costs), so a seed gives the same result.  This
module does no I/O; progress is reported through an optional callback.

Modules: :mod:`.sampling` (weight models), :mod:`.kernel` (vectorised
TOPSIS), :mod:`.acceptability` (SMAA indices, stability intervals),
:mod:`.core_index` (selection under uncertainty), :mod:`.result` (what is
returned, and its statement) and :mod:`.analysis` (:func:`robustness`).
"""

from evalkit.decide.registry import WEIGHT_MODELS
from evalkit.decide.robustness.acceptability import (
    FULL_TABLE_MAX_TOWNS,
    Acceptability,
    Stability,
    rank_acceptability,
    stability_intervals,
    top_sets_equal,
    weights_along,
)
from evalkit.decide.robustness.analysis import (
    DEFAULT_COST_SPREAD,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TOP_K,
    robustness,
)
from evalkit.decide.robustness.core_index import (
    ENUMERATION_MAX_TOWNS,
    MAX_SOLVES,
    PortfolioShare,
    SelectionRobustness,
    choose_portfolios,
)
from evalkit.decide.robustness.kernel import MEMORY_LIMIT, TopsisBatch
from evalkit.decide.robustness.result import Robustness, percent, statement
from evalkit.decide.robustness.sampling import (
    DEFAULT_CONCENTRATION,
    JudgmentModel,
    WeightContext,
    WeightModel,
    judgment_model,
    sample_weights,
)

__all__ = [
    "DEFAULT_CONCENTRATION",
    "DEFAULT_COST_SPREAD",
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_TOP_K",
    "ENUMERATION_MAX_TOWNS",
    "FULL_TABLE_MAX_TOWNS",
    "MAX_SOLVES",
    "MEMORY_LIMIT",
    "WEIGHT_MODELS",
    "Acceptability",
    "JudgmentModel",
    "PortfolioShare",
    "Robustness",
    "SelectionRobustness",
    "Stability",
    "TopsisBatch",
    "WeightContext",
    "WeightModel",
    "choose_portfolios",
    "judgment_model",
    "percent",
    "rank_acceptability",
    "robustness",
    "sample_weights",
    "stability_intervals",
    "statement",
    "top_sets_equal",
    "weights_along",
]
