"""The whole robustness analysis of an evaluation in one call: :func:`robustness`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from evalkit.decide.registry import WEIGHT_MODELS
from evalkit.decide.robustness.acceptability import (
    FULL_TABLE_MAX_TOWNS,
    rank_acceptability,
    stability_intervals,
)
from evalkit.decide.robustness.core_index import MAX_SOLVES, selection_robustness
from evalkit.decide.robustness.kernel import TopsisBatch
from evalkit.decide.robustness.result import Robustness, statement
from evalkit.decide.robustness.sampling import (
    DEFAULT_CONCENTRATION,
    JudgmentModel,
    WeightContext,
    judgment_model,
    sample_weights,
)
from evalkit.decide.scenario import Scenario
from evalkit.errors import InputError, require
from evalkit.model.evaluation import Evaluation

DEFAULT_SAMPLES = 10_000


DEFAULT_SEED = 0


DEFAULT_TOP_K = 3
"""The work plan converts three towns (brief §2)."""


DEFAULT_COST_SPREAD = 0.2


def robustness(
    evaluation: Evaluation,
    *,
    scenario: Scenario | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    weight_model: str = "dirichlet",
    concentration: float = DEFAULT_CONCENTRATION,
    cost_spread: float = DEFAULT_COST_SPREAD,
    k: int | None = None,
    judgments: JudgmentModel | None = None,
    selection_method: str = "auto",
    max_solves: int = MAX_SOLVES,
    solver: str = "cbc",
    progress: Callable[[str, int, int], None] | None = None,
) -> Robustness:
    """SMAA robustness of an evaluation, and the core index under a scenario.

    Draws ``samples`` weight vectors from ``weight_model`` (see
    :data:`WEIGHT_MODELS`; ``concentration`` is c of the Dirichlet;
    ``judgments`` overrides the AHP judgments found from the criteria set),
    ranks the towns by TOPSIS (the evaluation's normalisation) for each, and
    finds the stability interval of every weight for the top-``k`` set (``k``
    defaults to the scenario's number of towns, else 3).  With a ``scenario``
    it also scales each town's cost in each category by
    U(1 − ``cost_spread``, 1 + ``cost_spread``) and finds the optimal portfolio
    of every scenario: ``selection_method`` ``auto`` enumerates portfolios when
    there are at most :data:`ENUMERATION_MAX_TOWNS` eligible towns, else runs
    :func:`evalkit.decide.selection.select` (``solver``) on the first ``max_solves``
    scenarios.  ``progress(stage, done, total)`` is called as the work goes
    on.  One generator, ``Generator(PCG64(seed))``: weights are drawn first,
    then costs, so a seed gives the same result.
    """
    require(evaluation, Evaluation, "evaluation", "pass the result of evaluate(...)")
    if scenario is not None:
        require(scenario, Scenario, "scenario", "pass load_scenario(path)")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InputError(f"the number of samples must be a whole number ≥ 1, got {samples!r}",
                         "use e.g. --samples 10000")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"the seed must be a whole number ≥ 0, got {seed!r}", "use e.g. --seed 1")
    if not (isinstance(cost_spread, int | float) and 0 <= cost_spread < 1):
        raise InputError(f"the cost spread must be at least 0 and below 1, got {cost_spread!r}",
                         "write e.g. --cost-spread 0.2 for ±20%")
    matrix = evaluation.matrix
    n = len(matrix.ids)
    if k is None:
        k = scenario.count if scenario is not None and scenario.count else DEFAULT_TOP_K
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"k must be a whole number ≥ 1, got {k!r}", "use e.g. --top-k 3")
    k = min(k, n)
    report = progress or (lambda stage, done, total: None)

    base = np.asarray(evaluation.weights.values, dtype=float)
    if weight_model == "judgments" and judgments is None:
        judgments = judgment_model(evaluation)
    context = WeightContext(base, float(concentration), judgments)
    rng = np.random.Generator(np.random.PCG64(seed))
    report("weights", 0, samples)
    w = sample_weights(weight_model, context, rng, samples)
    report("weights", samples, samples)

    batch = TopsisBatch.from_matrix(matrix, evaluation.ranking.normalization)
    small = n <= FULL_TABLE_MAX_TOWNS
    depth = n if small else k
    tally = rank_acceptability(batch, w, depth, winning=small,
                               progress=lambda done: report("ranking", done, samples))
    report("stability", 0, 1)
    stability = stability_intervals(batch, base, k, matrix.indicator_ids)
    report("stability", 1, 1)

    selection = None
    note = None
    if scenario is None:
        note = "no selection scenario given"
    else:
        selection = selection_robustness(evaluation, scenario, batch, w, rng, cost_spread,
                                          selection_method, max_solves, solver, report)
    model_options = WEIGHT_MODELS[weight_model].describe(context)
    top_k = tally.top(k)
    return Robustness(
        ids=matrix.ids, names=matrix.names, names_en=matrix.names_en,
        indicator_ids=matrix.indicator_ids,
        samples=samples, seed=seed, weight_model=weight_model, model_options=model_options,
        weighting=evaluation.weights.label, normalization=evaluation.ranking.normalization,
        k=k, base_weights=base,
        acceptability=tally.acceptability, top_k=top_k, central_weights=tally.central_weights,
        winning=tally.winning, stability=stability, selection=selection, selection_note=note,
        statement=statement(matrix.names, top_k, k, samples, selection),
    )
