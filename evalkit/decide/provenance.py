"""Provenance of a decision: the cells the ranking *and* the scenario read.

The ranking reads the columns of the criteria set's indicators; a selection
scenario reads more: each cost category's column, the talent column, and the
columns of the screens it applies (a rule's value and its ``applies_when``
band).  :func:`decision_provenance` counts them all, so that ``evalkit
validate`` and the report can say how much of what the decision rests on is
official, estimated, assumed or unsourced (:mod:`evalkit.model.provenance`).
"""

from __future__ import annotations

from evalkit.decide.scenario import Scenario
from evalkit.errors import require
from evalkit.model.evaluation import Evaluation
from evalkit.model.provenance import Provenance, table_provenance


def scenario_columns(scenario: Scenario) -> tuple[str, ...]:
    """Every candidate-table column a scenario reads, in first-use order."""
    columns = [c.column for c in scenario.categories]
    if scenario.talent_column:
        columns.append(scenario.talent_column)
    for rule in scenario.screens:
        columns += rule.value.columns()
        if rule.applies_when is not None:
            columns += rule.applies_when.value.columns()
    return tuple(dict.fromkeys(columns))


def decision_provenance(evaluation: Evaluation, scenario: Scenario | None = None) -> Provenance:
    """The provenance of the indicators' columns and, with a scenario, of its columns too."""
    require(evaluation, Evaluation, "evaluation", "pass the result of evaluate(...)")
    if scenario is None:
        return evaluation.provenance or table_provenance(evaluation.criteria,
                                                         evaluation.candidates)
    require(scenario, Scenario, "scenario", "pass load_scenario(path)")
    return table_provenance(evaluation.criteria, evaluation.candidates,
                            scenario_columns(scenario))
