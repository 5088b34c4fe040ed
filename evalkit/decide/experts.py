"""What each expert's weights would choose, and where an expert's choice departs from the group's.

:func:`experts_view` takes an evaluation with AHP or combined weights, works
out every expert's own weights and ranking
(:func:`~evalkit.methods.panel.expert_panel`) and, with a scenario, runs the
selection (:func:`~evalkit.decide.selection.select`) once for the group and
once per expert, on the same towns, costs and limits, with that expert's
closeness.  *Dissent* lists every expert whose own choice differs from the
group's: the towns in and out, the expert's own objective, and the objective
the expert's set scores under the group's closeness (so its loss against the
group's optimum).  ``to_dict()`` is the ``experts`` / ``consensus`` /
``dissent`` part of ``evalkit weights --format json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from evalkit.decide.scenario import OBJECTIVES, Scenario
from evalkit.decide.selection.inputs import SelectionInput, selection_input
from evalkit.errors import InfeasibleError, TimeLimitError, require
from evalkit.methods.panel import ExpertPanel, expert_panel
from evalkit.model.evaluation import Evaluation

__all__ = ["Dissent", "ExpertSelection", "ExpertsView", "experts_view", "portfolio_objective"]


@dataclass(frozen=True)
class ExpertSelection:
    """The towns one set of weights chooses under the scenario (``None`` and why, if none)."""

    selected: tuple[str, ...] | None
    objective: float | None
    status: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"selected": None if self.selected is None else list(self.selected),
                "objective": self.objective, "status": self.status, "note": self.note}


@dataclass(frozen=True)
class Dissent:
    """An expert whose own weights choose other towns than the group's weights.

    ``towns_in`` are chosen by the expert but not the group, ``towns_out`` the
    reverse; ``objective`` is the expert's optimum under their own closeness,
    ``objective_under_group`` what the expert's set scores with the group's
    closeness, and ``loss`` the group's optimum minus that.
    """

    expert: str
    towns_in: tuple[str, ...]
    towns_out: tuple[str, ...]
    objective: float | None
    objective_under_group: float
    loss: float

    def describe(self, names: dict[str, str]) -> str:
        def towns(ids: tuple[str, ...]) -> str:
            return ", ".join(f"{names.get(t, t)} {t}" for t in ids)

        return (f"{self.expert}'s weights choose {towns(self.towns_in)} instead of "
                f"{towns(self.towns_out)}; under the group's weights that set scores "
                f"{self.loss:.4f} less")

    def to_dict(self, names: dict[str, str]) -> dict[str, Any]:
        return {"expert": self.expert, "towns_in": list(self.towns_in),
                "towns_out": list(self.towns_out), "objective": self.objective,
                "objective_under_group": self.objective_under_group, "loss": self.loss,
                "text": self.describe(names)}


@dataclass(frozen=True, eq=False)
class ExpertsView:
    """Every expert's view (:class:`~evalkit.methods.panel.ExpertPanel`), their selections and dissent.

    ``selections`` maps each expert's name to their choice, and
    ``group_selection`` is the group's, both ``None`` without a scenario
    (``note`` says why).
    """

    panel: ExpertPanel
    scenario: str | None
    group_selection: ExpertSelection | None
    selections: dict[str, ExpertSelection] | None
    dissent: tuple[Dissent, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        names = dict(zip(self.panel.ids, self.panel.names, strict=True))
        experts = []
        for view in self.panel.experts:
            row = view.to_dict(self.panel.ids, self.panel.names)
            row["selection"] = (self.selections[view.name].to_dict()
                                if self.selections is not None else None)
            experts.append(row)
        return {
            "experts": experts,
            "experts_weighting": self.panel.description,
            "experts_scenario": self.scenario,
            "experts_note": self.note,
            "group_selection": (self.group_selection.to_dict()
                                if self.group_selection is not None else None),
            "consensus": self.panel.consensus_dict(),
            "dissent": [d.to_dict(names) for d in self.dissent],
        }


def portfolio_objective(towns: SelectionInput, scenario: Scenario, ids: tuple[str, ...]) -> float:
    """The scenario's objective of a set of towns, computed directly from their closeness and costs."""
    objective = OBJECTIVES[scenario.objective]
    index = [towns.ids.index(t) for t in ids]
    closeness, cost = towns.closeness[index], towns.total_cost[index]
    top = math.fsum(objective.numerator(closeness, cost, scenario.objective_params))
    if objective.denominator is None:
        return top
    bottom = math.fsum(objective.denominator(closeness, cost, scenario.objective_params))
    return top / bottom if bottom > 0 else -math.inf


def _choose(towns: SelectionInput, scenario: Scenario, solver: str,
            time_limit: float | None) -> ExpertSelection:
    from evalkit.decide.selection import select  # imports the solver

    try:
        result = select(towns, scenario, solver=solver, time_limit=time_limit, alternatives=0,
                        why_not=False, ties=0)
    except InfeasibleError as exc:
        return ExpertSelection(None, None, "infeasible", exc.what)
    except TimeLimitError as exc:
        return ExpertSelection(None, None, "stopped", exc.what)
    return ExpertSelection(tuple(sorted(result.selected_ids)), result.objective, result.status)


def experts_view(evaluation: Evaluation, scenario: Scenario | None = None, *,
                 solver: str = "cbc", time_limit: float | None = None) -> ExpertsView | None:
    """Each expert's weights, ranking and (with a scenario) selection, and the dissent.

    None when the evaluation's weights use no experts' judgments (entropy,
    CRITIC, fixed).  Each selection is one solve with no why-not re-solves
    and no alternatives: 1 + (number of experts) solves in all.
    """
    require(evaluation, Evaluation, "evaluation", "pass the result of evaluate(...)")
    panel = expert_panel(evaluation.matrix, evaluation.weights, evaluation.ranking.normalization)
    if panel is None:
        return None
    if scenario is None:
        return ExpertsView(panel, None, None, None, (), "no scenario: selections not made")
    require(scenario, Scenario, "scenario", "pass load_scenario(path)")
    towns = selection_input(evaluation, scenario)
    group = _choose(towns, scenario, solver, time_limit)
    selections: dict[str, ExpertSelection] = {}
    dissent = []
    for view in panel.experts:
        own = replace(towns, closeness=view.ranking.closeness)
        chosen = _choose(own, scenario, solver, time_limit)
        selections[view.name] = chosen
        if chosen.selected is None or group.selected is None or group.objective is None:
            continue
        if set(chosen.selected) != set(group.selected):
            under_group = portfolio_objective(towns, scenario, chosen.selected)
            dissent.append(Dissent(
                view.name,
                tuple(t for t in chosen.selected if t not in group.selected),
                tuple(t for t in group.selected if t not in chosen.selected),
                chosen.objective, under_group, group.objective - under_group))
    label = scenario.name if scenario.path is None else f"{scenario.name} ({scenario.path})"
    return ExpertsView(panel, label, group, selections, tuple(dissent))
