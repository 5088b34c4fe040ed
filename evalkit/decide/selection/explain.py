"""Explanations: why a limit set is infeasible, why each town is not chosen, the next-best sets."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from evalkit.decide.selection.model import Model
from evalkit.decide.selection.problem import Problem, Solution
from evalkit.decide.selection.result import (
    TOWNS,
    Alternative,
    Exclusion,
    Relaxation,
    SelectionInfeasible,
    WhyNot,
    fmt_amount,
)
from evalkit.decide.selection.solve import Infeasible, Stopped, optimise, tie_break


def diagnose_infeasible(p: Problem, solver: str, time_limit: float | None,
              forced: Iterable[int] = ()) -> SelectionInfeasible:
    """Solve the elastic model; name each limit that must loosen and by how much."""
    model = Model(p, forced=frozenset(forced) | p.must, elastic=True,
                   at_least_one=p.denominators is not None)
    status, _ = model.solve(solver, time_limit)
    relaxations = []
    if status in ("optimal", "feasible"):
        for limit in p.limits:
            if limit.name not in model.slacks:
                continue
            up, down = model.slacks[limit.name]
            extra = (up.varValue or 0.0) - ((down.varValue or 0.0) if down is not None else 0.0)
            extra *= limit.scale
            current = limit.bound * limit.scale
            if abs(extra) <= 1e-7 * max(1.0, abs(current)):
                continue
            if limit.unit == TOWNS:
                needed = current + round(extra)
            else:  # rounded up to 0.01 so that loosening by the amount shown suffices
                step = math.ceil(abs(extra) * 100 - 1e-6) / 100
                needed = current + math.copysign(step, extra)
            relaxations.append(Relaxation(limit.name, limit.key, limit.unit, current, needed))
    s = p.scenario
    what_count = (f"{s.count_mode.replace('_', ' ')} {p.count} towns" if p.count is not None
                  else "any towns")
    if relaxations:
        what = (f"no selection of {what_count} meets every limit: "
                + "; ".join(r.describe() for r in relaxations))
        first = relaxations[0].key
        hint = ("loosen these limits by at least the amounts shown (together they suffice), "
                "or change convert, must_include or the screens")
    else:
        what = f"no selection of {what_count} meets every limit"
        first = "convert"
        hint = "check must_include, the screens and the phasing years"
    if any(r.limit == "count" and r.needed < r.current for r in relaxations):
        what += f" (only {p.n} towns are eligible)"
    if first == "pick":  # the count came from the caller, not the file
        return SelectionInfeasible(what, hint, column=first, relaxations=tuple(relaxations))
    return SelectionInfeasible(what, hint, file=s.path, row=s.line(first), column=first,
                               relaxations=tuple(relaxations))


def why_not_chosen(p: Problem, best: Solution, excluded: Mapping[str, Exclusion], solver: str,
             time_limit: float | None) -> list[WhyNot]:
    out = []
    local = {p.towns.ids[i]: j for j, i in enumerate(p.eligible)}
    chosen_ids = set(p.ids(best.chosen))
    for town in p.towns.ids:
        if town in chosen_ids:
            continue
        if town in excluded:
            out.append(WhyNot(town, None, None, excluded[town].reason))
            continue
        j = local[town]
        clash = [(group, other) for group, members in p.scenario.groups.items()
                 if town in members for other in p.scenario.must_include if other in members]
        if clash:
            group, other = clash[0]
            out.append(WhyNot(town, None, None, f"cannot be included: group.{group} allows at "
                              f"most one of {', '.join(p.scenario.groups[group])}, and {other} "
                              "is in must_include"))
            continue
        try:
            forced = optimise(p, solver, time_limit, forced=[j])
        except Stopped:
            out.append(WhyNot(town, None, None, "not settled: the re-solve with it included "
                              "found nothing within the time limit", "stopped"))
            continue
        except Infeasible:
            error = diagnose_infeasible(p, solver, time_limit, forced=[j])
            reasons = "; ".join(r.describe() for r in error.relaxations) or error.what
            out.append(WhyNot(town, None, None, f"cannot be included: {reasons}"))
            continue
        portfolio = p.ids(forced.chosen)
        loss = best.objective - forced.objective
        # Round-off aside, a negative loss can only follow a main solve stopped early
        # (status "feasible"); it is reported as it is.
        if -1e-9 < loss < 0:
            loss = 0.0
        dropped = sorted(chosen_ids - set(portfolio))
        added = sorted(set(portfolio) - chosen_ids - {town})
        change = f"dropping {', '.join(dropped)}" if dropped else ""
        if added:
            change += f"{' and ' if change else ''}adding {', '.join(added)}"
        reason = (f"including {town} means {change}, which lowers the objective by {fmt_amount(loss)}"
                  if change else f"adding {town} lowers the objective by {fmt_amount(loss)}")
        out.append(WhyNot(town, portfolio, loss, reason, forced.status))
    return out


def next_best(p: Problem, best: Solution, count: int, solver: str,
                  time_limit: float | None) -> list[Alternative]:
    cuts = [best.chosen]
    out = []
    for _ in range(max(0, count)):
        try:
            found = optimise(p, solver, time_limit, cuts=cuts)
        except (Infeasible, Stopped):
            break
        if found.chosen in cuts:  # pragma: no cover - the cut forbids it
            break
        cuts.append(found.chosen)
        found = tie_break(p, found, solver, time_limit)
        years = {p.towns.ids[p.eligible[j]]: found.years[j] for j in sorted(found.chosen)}
        out.append(Alternative(p.ids(found.chosen), found.objective, years, found.status))
    return out
