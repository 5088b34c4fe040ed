"""Explanations: why a limit set is infeasible, why towns are not chosen, the next-best sets.

Why-not is bounded: one exact re-solve (the best answer with the town forced
in) for each of the strongest unchosen eligible towns — :data:`EXPLAIN`
of them by default — and each town the caller names; every other eligible
town gets the LP bound on what including it would cost, summarised.  A small
problem has every unchosen town explained, as before.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from evalkit.decide.selection.model import elastic
from evalkit.decide.selection.problem import Problem, Solution
from evalkit.decide.selection.reduce import relax
from evalkit.decide.selection.result import (
    TOWNS,
    Alternative,
    Exclusion,
    Relaxation,
    SelectionInfeasible,
    WhyNot,
    WhyNotSummary,
    fmt_amount,
)
from evalkit.decide.selection.solve import Context, Infeasible, Stopped, optimise, timing_stage

EXPLAIN = 10
"""Unchosen eligible towns explained by a re-solve each, strongest first, by default."""


def diagnose_infeasible(ctx: Context, forced: Iterable[int] = ()) -> SelectionInfeasible:
    """Solve the elastic model; name each limit that must loosen and by how much."""
    model = ctx.model
    p = model.problem
    program, slots = elastic(model, p.limits)
    forced = sorted(set(forced) - p.must)
    if forced:
        program = program.with_rows(model.town_rows(forced, 0, 1.0, "forced"))
    outcome = ctx.run(program)
    relaxations = []
    if outcome.values is not None:
        for limit in p.limits:
            if limit.name not in slots:
                continue
            up, down = slots[limit.name]
            extra = (outcome.values[up] if up >= 0 else 0.0) - (
                outcome.values[down] if down >= 0 else 0.0)
            extra *= limit.scale
            current = limit.bound * limit.scale + limit.offset
            if abs(extra) <= 1e-7 * max(1.0, abs(current)):
                continue
            if limit.unit == TOWNS:
                needed = current + round(extra)
            elif limit.scale != 1.0 and limit.name == "reserve":  # a rate: four decimals
                step = math.ceil(abs(extra) * 1e4 - 1e-6) / 1e4
                needed = current + math.copysign(step, extra)
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
        hint = "check must_include, the screens, the phasing years and the as-of date"
    if any(r.limit == "count" and r.needed < r.current for r in relaxations):
        what += f" (only {p.n} towns are eligible)"
    if first == "pick":  # the count came from the caller, not the file
        return SelectionInfeasible(what, hint, column=first, relaxations=tuple(relaxations))
    return SelectionInfeasible(what, hint, file=s.path, row=s.line(first), column=first,
                               relaxations=tuple(relaxations))


def _explained(p: Problem, best: Solution, excluded: Mapping[str, Exclusion], limit: int,
               named: Sequence[str]) -> list[int]:
    """The eligible unchosen towns to explain: the strongest ``limit`` and those named."""
    local = {p.town(j): j for j in range(p.n)}
    unchosen = [j for j in range(p.n) if j not in best.chosen]
    strongest = sorted(unchosen, key=lambda j: (-float(p.weights[j]), p.town(j)))[:limit]
    wanted = [local[t] for t in named if t in local and local[t] not in best.chosen]
    return list(dict.fromkeys([*strongest, *wanted]))


def why_not_chosen(ctx: Context, best: Solution, excluded: Mapping[str, Exclusion], *,
                   limit: int = EXPLAIN, named: Sequence[str] = ()
                   ) -> tuple[list[WhyNot], WhyNotSummary]:
    """Why towns are not chosen (see the module); the summary says who was explained."""
    p = ctx.model.problem
    out = []
    chosen_ids = set(p.ids(best.chosen))
    for town in p.towns.ids:
        if town in excluded and town not in chosen_ids:
            out.append(WhyNot(town, None, None, excluded[town].reason, method="screen"))
    explain = _explained(p, best, excluded, limit, named)
    for j in explain:
        out.append(_why_one(ctx, best, j))
    others = [j for j in range(p.n) if j not in best.chosen and j not in set(explain)]
    bound = None
    if others:
        bound = _loss_bound(ctx, best, others)
    named_ids = tuple(t for t in named if t in set(p.towns.ids))
    summary = WhyNotSummary(len(explain), len(others), limit, named_ids, bound)
    order = {t: i for i, t in enumerate(p.towns.ids)}
    out.sort(key=lambda w: order[w.id])
    return out, summary


def _why_one(ctx: Context, best: Solution, j: int) -> WhyNot:
    p = ctx.model.problem
    town = p.town(j)
    clash = [(group, other) for group, members in p.scenario.groups.items()
             if town in members for other in p.scenario.must_include if other in members]
    if clash:
        group, other = clash[0]
        return WhyNot(town, None, None, f"cannot be included: group.{group} allows at most one "
                      f"of {', '.join(p.scenario.groups[group])}, and {other} is in must_include",
                      method="rule")
    if not p.allowed[j].any():
        return WhyNot(town, None, None, "cannot be included: no conversion year is allowed for it "
                      "(its spending profile does not fit the calendar, or every year is before "
                      "the as-of date)", method="rule")
    if ctx.clock.low():
        return WhyNot(town, None, None, "not explained: the time limit was reached",
                      "stopped", method="not run")
    try:
        forced = optimise(ctx, forced=[j])
    except Stopped:
        return WhyNot(town, None, None, "not settled: the re-solve with it included found "
                      "nothing within the time limit", "stopped")
    except Infeasible:
        error = diagnose_infeasible(ctx, forced=[j])
        reasons = "; ".join(r.describe() for r in error.relaxations) or error.what
        return WhyNot(town, None, None, f"cannot be included: {reasons}")
    chosen_ids = set(p.ids(best.chosen))
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
    if loss <= ctx.tolerances.band(best.objective):
        reason = (f"including {town} ({'with ' + change if change else 'as well'}) reaches the "
                  "same objective: a tie (see ties)")
    else:
        reason = (f"including {town} means {change}, which lowers the objective by "
                  f"{fmt_amount(loss)}" if change else
                  f"adding {town} lowers the objective by {fmt_amount(loss)}")
    return WhyNot(town, portfolio, loss, reason, forced.status)


def _loss_bound(ctx: Context, best: Solution, towns: Sequence[int]) -> float | None:
    """The least any of ``towns`` would cost the objective, by the LP bound with it forced."""
    p = ctx.model.problem
    if p.denominators is not None or ctx.clock.low():
        return None
    bounds = ctx.bounds
    if bounds is None:
        program = ctx.model.program.with_objective(ctx.model.objective(p.weights))
        found = relax(program, ctx.clock.remaining())
        if isinstance(found, str):
            return None
        bounds = found
    xcol = ctx.model.xcol
    worst = -np.inf
    for j in towns:
        cols = xcol[j][xcol[j] >= 0]
        if not cols.size:
            continue
        d = bounds.reduced[cols]
        worst = max(worst, bounds.value - float(np.maximum(d, 0).sum()) + float(d.max()))
    if not np.isfinite(worst):
        return None
    return max(0.0, best.objective - worst)


def next_best(ctx: Context, best: Solution, count: int) -> list[Alternative]:
    """The next-best sets of towns, each found with a no-good cut on the ones before."""
    model = ctx.model
    p = model.problem
    cuts = [model.cut(best.chosen, None, "alt_cut_0")]
    seen = [best.chosen]
    out = []
    for _ in range(max(0, count)):
        if ctx.clock.low():
            ctx.notes.append("next-best portfolios stopped at the time limit")
            break
        try:
            found = optimise(ctx, cuts=cuts)
        except (Infeasible, Stopped):
            break
        if found.chosen in seen:  # pragma: no cover - the cut forbids it
            break
        seen.append(found.chosen)
        if len(p.years) > 1 and not ctx.large:  # its schedule by the timing rule too
            sub = Context(model, ctx.solver, ctx.tolerances, ctx.clock, None, None, [])
            found = timing_stage(sub, found, list(cuts))
        cuts.append(model.cut(found.chosen, None, f"alt_cut_{len(cuts)}"))
        years = {p.town(j): found.years[j] for j in sorted(found.chosen)}
        tied = best.objective - found.objective <= ctx.tolerances.band(best.objective)
        out.append(Alternative(p.ids(found.chosen), found.objective, years, found.status, tied))
    return out
