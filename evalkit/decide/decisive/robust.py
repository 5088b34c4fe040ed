"""A robustness run small enough to go with every selection, or the reason it is skipped."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from evalkit.decide.robustness.core_index import ENUMERATION_MAX_TOWNS
from evalkit.decide.scenario import Scenario
from evalkit.decide.selection.result import SelectionResult
from evalkit.model.evaluation import Evaluation

if TYPE_CHECKING:
    from evalkit.decide.robustness.result import Robustness

ROBUSTNESS_MAX_ELIGIBLE = ENUMERATION_MAX_TOWNS
"""Up to this many eligible towns the selection scenarios are enumerated (milliseconds);
beyond, each scenario needs its own solve, more than the selection itself costs."""


def quick_robustness(evaluation: Evaluation, scenario: Scenario, selection: SelectionResult,
                     samples: int, seed: int = 0,
                     pick: int | None = None) -> tuple[Robustness | None, str]:
    """:func:`~evalkit.decide.robustness.robustness` with ``samples`` draws, or None and why not.

    Skipped when ``samples`` is 0 or when more than :data:`ROBUSTNESS_MAX_ELIGIBLE`
    towns are eligible (``evalkit robust`` runs it at any size).
    """
    if samples <= 0:
        return None, "robustness not run (no samples asked for)"
    eligible = len(evaluation.matrix.ids) - len(selection.excluded)
    if eligible > ROBUSTNESS_MAX_ELIGIBLE:
        return None, (f"robustness skipped: {eligible:,} eligible towns (over "
                      f"{ROBUSTNESS_MAX_ELIGIBLE}) would need a solve per scenario, more than the "
                      "selection itself; run evalkit robust for it")
    from evalkit.decide.robustness import robustness

    if pick is not None:  # as select(pick=...) does: the scenario's mode, else exactly
        scenario = replace(scenario, count=pick, count_mode=(
            scenario.count_mode if scenario.count is not None else "exactly"))
    return robustness(evaluation, scenario=scenario, samples=samples, seed=seed, k=pick), ""
