"""Every input a run will use, checked at once: what ``evalkit validate`` reports.

:func:`check_inputs` reads the criteria set, the candidate table, every
expert's judgment file (their consistency included), the weighting options,
the scenario with its standards, and the plan's targets, and runs the checks
``rank``, ``weights``, ``select`` and ``report`` would run on them — short of
solving.  Files that do not depend on each other are all checked, so one run
lists every problem, each an :class:`~evalkit.errors.InputError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from evalkit.decide.provenance import decision_provenance
from evalkit.decide.scenario import Scenario, load_scenario
from evalkit.decide.selection.inputs import selection_input
from evalkit.decide.selection.problem import check_against_table
from evalkit.errors import InputError
from evalkit.io.candidates import CandidateTable, load_candidates
from evalkit.io.sources import table_sources
from evalkit.methods.ahp.consistency import DEFAULT_METHOD, DEFAULT_RI_TABLE, DEFAULT_THRESHOLD
from evalkit.methods.ahp.experts import consistency_problems
from evalkit.methods.ahp.judgments import load_judgments
from evalkit.methods.specs import check_weighting
from evalkit.methods.weighting import judgment_files
from evalkit.model.criteria import CriteriaSet, load_criteria
from evalkit.model.evaluation import Evaluation, evaluate
from evalkit.model.indicators import build_matrix
from evalkit.model.provenance import Provenance
from evalkit.model.targets import Targets, load_targets

T = TypeVar("T")


@dataclass(frozen=True)
class InputCheck:
    """What :func:`check_inputs` found: the problems, and what could be read."""

    problems: tuple[InputError, ...]
    criteria: CriteriaSet | None = None
    candidates: CandidateTable | None = None
    evaluation: Evaluation | None = None
    scenario: Scenario | None = None
    targets: Targets | None = None
    experts: int = 0
    provenance: Provenance | None = None
    """The status of the cells the criteria set and the scenario read (when both could be read)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.evaluation.warnings if self.evaluation is not None else ()


class _Problems(list[InputError]):
    """The problems found so far; :meth:`attempt` runs one step and keeps its error."""

    def attempt(self, step: Callable[[], T]) -> T | None:
        try:
            return step()
        except InputError as error:
            self.append(error)
            return None


def check_inputs(criteria: str | Path, candidates: str | Path, *,
                 scenario: str | Path | None = None,
                 targets: str | Path | None = None,
                 sources: str | Path | None = None) -> InputCheck:
    """Read and check every input; collect every problem rather than stop at the first.

    ``sources`` is the candidate table's sources file; without it, the
    table's own (a ``sources`` sheet, or ``<stem>.sources.csv`` beside it).
    """
    problems = _Problems()
    attempt = problems.attempt
    criteria_set = attempt(lambda: load_criteria(criteria))
    table = attempt(lambda: load_candidates(
        candidates, sources=False, headers=criteria_set.headers if criteria_set else None))
    if table is not None:  # a bad sources file is one more problem, the table is still checked
        read = table
        found = attempt(lambda: table_sources(read, sources))
        table = replace(table, sources=found) if found is not None else table
    scenario_read = attempt(lambda: load_scenario(scenario)) if scenario is not None else None
    targets_read = attempt(lambda: load_targets(targets)) if targets is not None else None
    if targets_read is not None and table is not None:
        problems += _target_columns(targets_read, table)
    evaluation = None
    experts = 0
    if criteria_set is not None and table is not None:
        matrix = attempt(lambda: build_matrix(criteria_set, table))
        spec = criteria_set.weighting
        judged = matrix is not None and spec.method in ("ahp", "combined")
        before = len(problems)
        if judged and matrix is not None:
            experts = _check_judgments(criteria_set, matrix.indicator_ids, problems)
        if matrix is not None and len(problems) == before:
            # The experts' files read and consistent: the rest needs the whole evaluation.
            evaluation = attempt(lambda: evaluate(criteria_set, table))
    provenance = None
    if scenario_read is not None and evaluation is not None:
        attempt(lambda: check_against_table(selection_input(evaluation, scenario_read),
                                            scenario_read, None))
    if evaluation is not None:
        provenance = decision_provenance(evaluation, scenario_read)
    return InputCheck(_distinct(problems), criteria_set, table, evaluation, scenario_read,
                      targets_read, experts, provenance)


def _distinct(problems: list[InputError]) -> tuple[InputError, ...]:
    """Each problem once: a file read by two routes (the plan, through the scenario and
    through the targets) gives the same error twice."""
    first: dict[tuple[str, tuple[str, ...]], InputError] = {}
    for problem in problems:
        first.setdefault((problem.message, problem.details), problem)
    return tuple(first.values())


def _check_judgments(criteria: CriteriaSet, indicator_ids: tuple[str, ...],
                     problems: _Problems) -> int:
    """Each expert's file read on its own, and every inconsistent matrix of each reported."""
    attempt = problems.attempt
    spec = criteria.weighting
    options = attempt(lambda: check_weighting(spec.options, spec.method, file=spec.source,
                                              indicator_ids=indicator_ids))
    if options is None:
        return 0
    files = attempt(lambda: judgment_files(spec))
    families = tuple(f.id for f in criteria.families)
    members = criteria.judgment_groups()
    loaded = [problems.attempt(partial(load_judgments, path, families, members))
              for path in files or ()]
    if not options.get("allow_inconsistent", False):
        for expert in loaded:
            if expert is not None:
                problems += consistency_problems(
                    expert, method=str(options.get("priority", DEFAULT_METHOD)),
                    ri_table=str(options.get("ri_table", DEFAULT_RI_TABLE)),
                    threshold=float(options.get("threshold", DEFAULT_THRESHOLD)))
    return sum(1 for expert in loaded if expert is not None)


def _target_columns(targets: Targets, table: CandidateTable) -> list[InputError]:
    """A target reading a column the table does not have (it would show no value at all)."""
    out = []
    for index, target in enumerate(targets):
        for column in target.value.columns():
            if column not in table.columns:
                out.append(InputError(
                    f"target {target.id!r} reads column {column!r}, which the candidate table "
                    "does not have", "add the column to the table, or correct the target",
                    file=targets.path, row=target.line, column=f"targets[{index}].value"))
    return out
