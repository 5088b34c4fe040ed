"""The entry points: :func:`select` on a :class:`SelectionInput`, :func:`select_towns` on an evaluation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from evalkit.decide.objectives import OBJECTIVES
from evalkit.decide.registry import SOLVERS
from evalkit.decide.scenario import Scenario
from evalkit.decide.selection.accounts import (
    affordability_rows,
    constraint_rows,
    financing_rows,
    model_check,
    phasing_rows,
    reserve_held,
    selected_town,
)
from evalkit.decide.selection.backends import Tolerances
from evalkit.decide.selection.explain import (
    EXPLAIN,
    diagnose_infeasible,
    next_best,
    why_not_chosen,
)
from evalkit.decide.selection.inputs import SelectionInput, selection_input
from evalkit.decide.selection.model import build_model
from evalkit.decide.selection.problem import (
    Problem,
    Solution,
    build_problem,
    check_against_table,
    check_groups,
    exclusions,
)
from evalkit.decide.selection.result import SelectionInfeasible, SelectionResult, Tie
from evalkit.decide.selection.solve import (
    Clock,
    Context,
    Infeasible,
    Stopped,
    finance,
    find_ties,
    optimise,
    timing_stage,
    timing_value,
)
from evalkit.errors import InputError, SolverError, TimeLimitError, require
from evalkit.model.evaluation import Evaluation

TIES = 10
"""At most this many ties of each kind (undecided, decided by the timing rule) are listed."""


def select(
    towns: SelectionInput,
    scenario: Scenario,
    *,
    pick: int | None = None,
    solver: str = "cbc",
    time_limit: float | None = None,
    alternatives: int = 3,
    why_not: bool = True,
    explain: int = EXPLAIN,
    explain_towns: Sequence[str] = (),
    ties: int = TIES,
    tolerances: Tolerances | None = None,
) -> SelectionResult:
    """Choose the towns to convert, and when, under the scenario's limits.

    ``pick`` overrides the scenario's number of towns (keeping its
    ``exactly``/``at_most``; ``exactly`` if the scenario has none).
    ``time_limit`` (seconds) bounds the whole selection, explanations
    included: what does not fit is skipped and said so in ``notes``.
    ``alternatives`` is the number of next-best portfolios to list;
    ``why_not=False`` skips the explanations of the towns left out; ``explain``
    is how many of the strongest unchosen towns get a re-solve each and
    ``explain_towns`` names more; ``ties`` bounds the equally good answers
    listed.  The as-of date is ``scenario.as_of`` (None: today).

    Raises :class:`SelectionInfeasible` (an
    :class:`~evalkit.errors.InfeasibleError`) naming the limits that conflict
    and by how much each must loosen, :class:`~evalkit.errors.InputError`
    for scenario facts that do not fit the table, and
    :class:`~evalkit.errors.SolverError` when a solver fails.
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
    for i, town in enumerate(explain_towns):
        if town not in set(towns.ids):
            raise InputError(f"unknown town id {town!r} to explain",
                             f"use ids of the candidate table: {', '.join(towns.ids[:8])}",
                             column=f"explain_towns[{i}]")
    clock = Clock(time_limit)
    tolerances = tolerances or Tolerances()
    check_against_table(towns, scenario, pick)
    count, mode = scenario.count, scenario.count_mode
    if pick is not None:
        count, mode = pick, (scenario.count_mode if scenario.count is not None else "exactly")
    as_of = scenario.as_of or date.today()

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
    problem = build_problem(towns, scenario, eligible, count, mode, pick is not None, as_of)
    needs_towns = OBJECTIVES[scenario.objective].is_ratio or (mode == "exactly" and bool(count))
    if problem.n == 0 and needs_towns:
        raise SelectionInfeasible(
            "no town is eligible: every town is excluded by the screens or must_exclude",
            "relax the screens or the exclusions",
            file=scenario.path, row=scenario.line("screens"), column="screens")
    _check_years(problem, needs_towns)

    ctx = Context(build_model(problem), solver, tolerances, clock)
    timings: dict[str, float] = {"model": clock.spent()}

    def lap(stage: str) -> None:
        timings[stage] = clock.spent() - math.fsum(timings.values())

    clock.hold()
    try:
        best = optimise(ctx, main=True)
    except Infeasible:
        clock.hold(False)
        raise diagnose_infeasible(ctx) from None
    except Stopped:
        raise TimeLimitError(
            f"no solution found within the time limit of {time_limit:g} s (the scenario may "
            "still have one)", "allow more time (--time-limit)" + "".join(
                f", or try --solver {other}" for other in SOLVERS if other != solver),
            column="time_limit",
        ) from None
    clock.hold(False)
    lap("main")
    best = timing_stage(ctx, best)
    if best.timing is None:
        best.timing = timing_value(ctx, best)
    lap("timing")
    best = finance(ctx, best)
    broken = model_check(ctx.model, best)
    if broken:
        raise SolverError(f"the {solver} solver's answer breaks the model's row {broken}",
                          "try the other solver (--solver highs or --solver cbc)")
    lap("finance")
    found, complete = find_ties(ctx, best, ties) if ties > 0 else ([], False)
    lap("ties")
    why, summary = (why_not_chosen(ctx, best, excluded, limit=explain, named=explain_towns)
                    if why_not else ([], None))
    lap("why_not")
    alts = next_best(ctx, best, alternatives)
    lap("alternatives")
    result = _result(problem, ctx, best, found, complete, why, summary, alts, excluded)
    return replace(result, timings=timings)


def _check_years(p: Problem, needs_towns: bool) -> None:
    """A clear error when no conversion year is left (the as-of date, the profiles)."""
    s = p.scenario
    if not s.years:
        return
    stuck = [p.town(j) for j in sorted(p.must) if not p.allowed[j].any()]
    if not p.allowed.any() and (needs_towns or stuck):
        refused = ", ".join(map(str, p.refused))
        why = (f"every conversion year is before the as-of date {p.as_of.isoformat()} "
               f"(refused: {refused})" if p.refused and len(p.refused) == len(p.years)
               else "no conversion year fits the calendar with the spending profiles")
        raise SelectionInfeasible(f"no town can be converted: {why}",
                                  "move the calendar (phasing.years, convert_in), set "
                                  "phasing.before_as_of: flag, or give --as-of",
                                  file=s.path, row=s.line("phasing"), column="phasing")
    if stuck:
        raise SelectionInfeasible(f"must_include names {stuck[0]}, which has no allowed "
                                  "conversion year (as-of date or profile)",
                                  "take it out of must_include, or change the phasing",
                                  file=s.path, row=s.line("must_include"), column="must_include")


def _result(p: Problem, ctx: Context, best: Solution, found: list[Any], complete: bool,
            why: list[Any], summary: Any, alts: list[Any], excluded: dict[str, Any]
            ) -> SelectionResult:
    s = p.scenario
    selected = sorted((selected_town(p, j, best.years[j]) for j in best.chosen),
                      key=lambda t: (t.year if t.year is not None else 0, -t.closeness, t.id))
    financing, by_category = financing_rows(p, best)
    ties = tuple(Tie(p.ids(t.solution.chosen),
                     {p.town(j): t.solution.years[j] for j in sorted(t.solution.chosen)},
                     t.solution.objective,
                     "schedule" if t.solution.chosen == best.chosen else "set", t.decided,
                     t.solution.timing) for t in found)
    timing = None
    if p.timing is not None:
        timing = {**p.timing.to_dict(), "value": best.timing, "first_year": p.first_year}
    plan = next(({"id": link.figure.id, "value": link.figure.value,
                  "section": link.figure.section}
                 for link in s.plan_links if link.key in ("budget.risk_reserve",
                                                          "budget.risk_reserve_rate")
                 and link.figure is not None), None)
    notes = list(ctx.notes)
    if p.refused:
        notes.append(f"conversion years before the as-of date {p.as_of.isoformat()} refused: "
                     + ", ".join(map(str, p.refused)))
    if p.flagged and any(t.before_as_of for t in selected):
        notes.append(f"conversion years before the as-of date {p.as_of.isoformat()} allowed "
                     "and flagged: " + ", ".join(map(str, p.flagged)))
    return SelectionResult(
        status=best.status,
        objective=best.objective,
        gap=best.gap,
        objective_name=s.objective,
        solver=ctx.solver,
        selected=tuple(selected),
        constraints=tuple(constraint_rows(p, best)),
        financing=tuple(financing),
        financing_by_category=tuple(by_category),
        excluded=tuple(excluded[t] for t in p.towns.ids if t in excluded),
        why_not=tuple(why),
        alternatives=tuple(alts),
        risk_reserve=s.risk_reserve,
        scenario=s,
        bound=best.bound,
        as_of=p.as_of.isoformat(),
        refused=p.refused,
        flagged=p.flagged,
        timing=timing,
        ties=ties,
        ties_complete=complete,
        tie_tolerance=ctx.tolerances.band(best.objective),
        tolerances=ctx.tolerances.to_dict(),
        phasing=tuple(phasing_rows(p, best)),
        reserve=reserve_held(p, best, plan),
        affordability=tuple(affordability_rows(p, best)),
        why_not_summary=summary,
        notes=tuple(dict.fromkeys(notes)),  # a stage run twice notes once
    )


def select_towns(evaluation: Evaluation, scenario: Scenario, **options: Any) -> SelectionResult:
    """:func:`select` on an evaluation's towns and closeness (the CLI's call).

    The towns are prepared by :func:`selection_input`; ``options`` are those
    of :func:`select`.
    """
    return select(selection_input(evaluation, scenario), scenario, **options)
