"""The entry points: :func:`select` on a :class:`SelectionInput`, :func:`select_towns` on an evaluation."""

from __future__ import annotations

from typing import Any

import numpy as np

from evalkit.decide.registry import SOLVERS
from evalkit.decide.scenario import OBJECTIVES, Scenario
from evalkit.decide.selection.accounts import (
    clean_financing,
    constraint_rows,
    financing_rows,
    selected_town,
)
from evalkit.decide.selection.explain import diagnose_infeasible, next_best, why_not_chosen
from evalkit.decide.selection.inputs import SelectionInput, selection_input
from evalkit.decide.selection.problem import (
    build_problem,
    check_against_table,
    check_groups,
    exclusions,
)
from evalkit.decide.selection.result import CategoryFinancing, SelectionInfeasible, SelectionResult
from evalkit.decide.selection.solve import Infeasible, Stopped, optimise, tie_break
from evalkit.errors import InputError, TimeLimitError, require
from evalkit.model.evaluation import Evaluation


def select(
    towns: SelectionInput,
    scenario: Scenario,
    *,
    pick: int | None = None,
    solver: str = "cbc",
    time_limit: float | None = None,
    alternatives: int = 3,
    why_not: bool = True,
) -> SelectionResult:
    """Choose the towns to convert under the scenario's limits.

    ``pick`` overrides the scenario's number of towns (keeping its
    ``exactly``/``at_most``; ``exactly`` if the scenario has none).
    ``time_limit`` (seconds) applies to each solve.  ``alternatives`` is the
    number of next-best portfolios to list; ``why_not=False`` skips the
    re-solves that explain each town left out (one per town).

    Raises :class:`SelectionInfeasible` (an
    :class:`~evalkit.errors.InfeasibleError`) naming the limits that conflict
    and by how much each must loosen, and :class:`~evalkit.errors.InputError`
    for scenario facts that do not fit the table.
    """
    require(towns, SelectionInput, "towns", "build it with SelectionInput.from_frame, or call "
            "select_towns(evaluation, scenario)")
    require(scenario, Scenario, "scenario", "pass load_scenario(path)")
    if solver not in SOLVERS:
        raise InputError(f"unknown solver {solver!r}", f"use one of: {', '.join(SOLVERS)}",
                         column="solver")
    if time_limit is not None and not time_limit > 0:
        raise InputError(f"time limit must be positive, got {time_limit!r}",
                         "give seconds, e.g. 60", column="time_limit")
    check_against_table(towns, scenario, pick)
    count, mode = scenario.count, scenario.count_mode
    if pick is not None:
        count, mode = pick, (scenario.count_mode if scenario.count is not None else "exactly")

    excluded = exclusions(towns, scenario)
    eligible = np.array([i for i, t in enumerate(towns.ids) if t not in excluded], dtype=int)
    for i, town in enumerate(scenario.must_include):
        if town in excluded:
            raise SelectionInfeasible(
                f"must_include names {town}, which is excluded: {excluded[town].reason}",
                f"take {town} out of must_include, or change the screens",
                file=scenario.path, row=scenario.line(f"must_include[{i}]"),
                column=f"must_include[{i}]")
    check_groups(scenario, scenario.must_include, "must_include")
    problem = build_problem(towns, scenario, eligible, count, mode, pick is not None)
    if problem.n == 0 and (OBJECTIVES[scenario.objective].is_ratio
                           or (mode == "exactly" and count)):
        raise SelectionInfeasible(
            "no town is eligible: every town is excluded by the screens or must_exclude",
            "relax the screens or the exclusions",
            file=scenario.path, row=scenario.line("screens"), column="screens")

    try:
        best = optimise(problem, solver, time_limit)
    except Infeasible:
        raise diagnose_infeasible(problem, solver, time_limit) from None
    except Stopped:
        raise TimeLimitError(
            f"no solution found within the time limit of {time_limit:g} s (the scenario may "
            "still have one)", "allow more time (--time-limit), or try --solver highs",
            column="time_limit",
        ) from None
    best = tie_break(problem, best, solver, time_limit)
    best.financing = clean_financing(problem, best)

    constraints = constraint_rows(problem, best)
    financing = financing_rows(problem, best)
    selected = sorted(
        (selected_town(problem, j, best.years[j]) for j in best.chosen),
        key=lambda t: (t.year if t.year is not None else 0, -t.closeness, t.id))
    why = why_not_chosen(problem, best, excluded, solver, time_limit) if why_not else ()
    alts = next_best(problem, best, alternatives, solver, time_limit)
    return SelectionResult(
        status=best.status,
        objective=best.objective,
        gap=best.gap,
        objective_name=scenario.objective,
        solver=solver,
        selected=tuple(selected),
        constraints=tuple(constraints),
        financing=tuple(financing),
        financing_by_category=tuple(
            CategoryFinancing(problem.towns.ids[problem.eligible[j]], cat, src, amount)
            for (j, cat, src), amount in sorted(best.financing.items()) if amount > 1e-9),
        excluded=tuple(excluded[t] for t in towns.ids if t in excluded),
        why_not=tuple(why),
        alternatives=tuple(alts),
        risk_reserve=scenario.risk_reserve,
        scenario=scenario,
    )


def select_towns(evaluation: Evaluation, scenario: Scenario, **options: Any) -> SelectionResult:
    """:func:`select` on an evaluation's towns and closeness (the CLI's call).

    The towns are prepared by :func:`selection_input`; ``options`` are those
    of :func:`select`.
    """
    return select(selection_input(evaluation, scenario), scenario, **options)
