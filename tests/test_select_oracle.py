"""The selection model against an exhaustive selector (issue 14), on random instances.

The oracle (:mod:`select_oracle`) tries every set and every schedule with its
own checks.  The instances draw spending profiles (the scenario's, a
category's, a town's own), annual limits per year and per category, annual
source capacities, talent needed by the end of each year against annual
recruiting, the reserve (fixed, a rate of the total or of the investment,
held by some sources), a debt limit, running costs against retained revenue,
every timing rule and an as-of date that refuses or flags early years.  For
each: the optimum, the schedule the timing rule picks, every tie within the
band, every limit's use and slack, the financing, the reserve held, and —
when nothing fits — that loosening the limits named suffices.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from select_oracle import Answer, Town, answers, count_of, reserve_amount, share

from evalkit.decide.affordability import Affordability
from evalkit.decide.phasing import Profile
from evalkit.decide.scenario import Category, FundingSource, Scenario
from evalkit.decide.selection import SelectionInfeasible, SelectionInput, SelectionResult, select
from evalkit.decide.timing import Timing
from evalkit.errors import InfeasibleError

CATEGORIES = ("infrastructure", "public_services", "industrial")
SHARES = [(1.0,), (0.5, 0.5), (0.6, 0.4), (0.3, 0.5, 0.2)]


def band(value: float) -> float:
    return max(1e-9, 1e-6 * abs(value))


@st.composite
def instances(draw: st.DrawFn, max_towns: int = 6, phased_up_to: int = 5,
              objectives: tuple[str, ...] = ("closeness", "closeness", "closeness",
                                             "closeness_minus_cost", "closeness_per_cost"),
              ) -> tuple[SelectionInput, Scenario, int | None]:
    n = draw(st.integers(1, max_towns))
    ids = tuple(f"T{i + 1}" for i in range(n))
    cats = CATEGORIES[: draw(st.integers(1, 3))]
    tenths = st.integers(1, 400).map(lambda v: v / 10)
    closeness = np.array(draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))) / 20
    costs = {c: np.array(draw(st.lists(tenths, min_size=n, max_size=n))) for c in cats}
    talent = np.array(draw(st.lists(st.integers(0, 80), min_size=n, max_size=n)), dtype=float)
    total = sum(costs.values())

    def limit_of(amount: float, low: int = 5) -> float | None:
        part = draw(st.one_of(st.none(), st.integers(low, 110)))
        return None if part is None else round(amount * part / 100, 1)

    phased = n <= phased_up_to and draw(st.booleans())
    years: tuple[int, ...] = ()
    convert_in: tuple[int, ...] = ()
    spread, start = (1.0,), 0
    annual: dict[int, float | None] = {}
    cat_annual: dict[str, dict[int, float | None]] = {c: {} for c in cats}
    cat_profile: dict[str, Profile | None] = dict.fromkeys(cats)
    profiles = None
    talent_annual: dict[int, float | None] = {}
    timing = None
    as_of = date(2025, 1, 1)
    policy = "refuse"
    if phased:
        years = tuple(range(2025, 2025 + draw(st.integers(1, 4))))
        spread = draw(st.sampled_from(SHARES))
        start = draw(st.sampled_from([0, -1]))
        if start + len(spread) - 1 - start >= len(years):
            spread, start = (1.0,), 0
        convert_in = tuple(y for y in years if y + start >= years[0]
                           and y + start + len(spread) - 1 <= years[-1])
        if not convert_in:
            spread, start = (1.0,), 0
            convert_in = years
        annual = {y: limit_of(total.sum() / 2) for y in years}
        if draw(st.booleans()):
            c = draw(st.sampled_from(cats))
            cat_annual[c] = {draw(st.sampled_from(years)): limit_of(costs[c].sum())}
        if draw(st.booleans()) and len(spread) > 1:
            cat_profile[draw(st.sampled_from(cats))] = Profile(start, tuple(reversed(spread)))
        if draw(st.booleans()):
            choice = [None, Profile(start, tuple(reversed(spread))), Profile(start, spread)]
            profiles = tuple(draw(st.sampled_from(choice)) for _ in range(n))
        if draw(st.booleans()):
            talent_annual = {y: float(draw(st.integers(0, 120))) for y in years}
        rule = draw(st.sampled_from([None, "readiness", "earliest", "balanced", "discounted"]))
        if rule is not None:
            timing = Timing(rule, 0.9 if rule == "discounted" else None)
        as_of = date(draw(st.integers(2024, 2026)), 6, 30)
        policy = draw(st.sampled_from(["refuse", "flag"]))
    categories = tuple(Category(c, f"cost_{c}", {"en": c}, limit_of(costs[c].sum()),
                                cat_annual[c], cat_profile[c]) for c in cats)
    sources: list[FundingSource] = []
    for s in range(draw(st.integers(0, 3))):
        funds = draw(st.lists(st.sampled_from(cats), min_size=1, max_size=len(cats), unique=True))
        capacity = round(total.sum() * draw(st.integers(5, 80)) / 100, 1)
        yearly = ({y: limit_of(capacity, 20) for y in years}
                  if years and draw(st.integers(0, 3)) == 0 else {})
        sources.append(FundingSource(f"s{s}", capacity, tuple(funds), {}, yearly))
    for c in cats:  # every category must be fundable when there are sources
        if sources and not any(c in s.funds for s in sources):
            sources[0] = dataclasses.replace(sources[0], funds=(*sources[0].funds, c))
    total_budget = limit_of(total.sum())
    reserve_kind = draw(st.sampled_from(["none", "fixed", "total", "investment"]))
    amount, rate, basis = None, 0.0, "total"
    if reserve_kind == "fixed" and total_budget:
        amount = round(total_budget * draw(st.integers(0, 20)) / 100, 1)
    elif reserve_kind == "total" and total_budget is not None:
        rate = draw(st.sampled_from([0.05, 0.1]))
    elif reserve_kind == "investment":
        rate, basis = draw(st.sampled_from([0.05, 0.1])), "investment"
    holders: tuple[str, ...] = ()
    if sources and draw(st.booleans()):
        holders = tuple(draw(st.lists(st.sampled_from([s.id for s in sources]), min_size=1,
                                      unique=True)))
    revenue = recurring = None
    rules = None
    if draw(st.booleans()):
        debt = ()
        if sources and draw(st.booleans()):
            debt = tuple(draw(st.lists(st.sampled_from([s.id for s in sources]), min_size=1,
                                       unique=True)))
        with_running = draw(st.booleans())
        if with_running:
            revenue = np.array(draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))) / 10
            recurring = np.array(draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))) / 10
        by_column = with_running and draw(st.booleans())
        rules = Affordability(
            "revenue" if with_running else None, 0.8 if with_running else None,
            "recurring" if by_column else None,
            0.03 if with_running and not by_column else None,
            draw(st.sampled_from([None, 0.0, 0.5])) if with_running else None,
            debt, limit_of(total.sum()) if debt else None)
        if rules.debt_limit is None:
            rules = dataclasses.replace(rules, debt_sources=())
    count_mode = draw(st.sampled_from(["none", "exactly", "at_most"]))
    count = None if count_mode == "none" else draw(st.integers(1, n))
    pick = draw(st.integers(1, n)) if count is not None and n > 1 and draw(st.booleans()) else None
    pool = list(ids)
    must_include = tuple(draw(st.lists(st.sampled_from(pool), max_size=min(2, n), unique=True)))
    rest = [t for t in pool if t not in must_include]
    must_exclude = tuple(draw(st.lists(st.sampled_from(rest), max_size=min(1, len(rest)),
                                       unique=True))) if rest else ()
    groups = {}
    if n >= 2 and draw(st.booleans()):
        groups["g0"] = tuple(draw(st.lists(st.sampled_from(pool), min_size=2, max_size=min(3, n),
                                           unique=True)))
    objective = draw(st.sampled_from(list(objectives)))
    params = {"cost_weight": draw(st.sampled_from([0.001, 0.01]))} if (
        objective == "closeness_minus_cost") else {}
    towns = SelectionInput(ids, ids, closeness, costs, talent, pd.DataFrame(index=list(ids)),
                           revenue, recurring, profiles)
    scenario = Scenario(
        count=count, count_mode="exactly" if count_mode == "exactly" else "at_most",
        objective=objective, objective_params=params, categories=categories,
        total_budget=total_budget, risk_reserve_rate=rate, risk_reserve_amount=amount,
        risk_reserve_of=basis, reserve_from=holders, talent_column="talent_need",
        talent_capacity=limit_of(talent.sum() + 1), talent_annual=talent_annual,
        sources=tuple(sources), years=years, annual_limits=annual, convert_in=convert_in,
        spread=spread, spread_from=start, before_as_of=policy, as_of=as_of,
        must_include=must_include, must_exclude=must_exclude, groups=groups, timing=timing,
        affordability=rules)
    return towns, scenario, pick


# --- checks of a result against the data, recomputed here --------------------------------


def check_result(result: SelectionResult, towns: SelectionInput, scenario: Scenario,
                 pick: int | None) -> None:
    """Every limit's used and limit recomputed; the financing pays every cost by the rules."""
    data = {t.id: t for t in (Town(towns, scenario, i) for i in range(len(towns.ids)))}
    chosen = [data[t.id] for t in result.selected]
    year = {t.id: t.year for t in result.selected}
    investment = math.fsum(t.total for t in chosen)
    paid: dict[str, float] = {}
    for row in result.financing:
        paid[row.source] = paid.get(row.source, 0.0) + row.amount
    held = dict(result.reserve.held) if result.reserve is not None else {}
    count, _ = count_of(scenario, pick)
    expected: dict[str, tuple[float, float]] = {}
    if count is not None:
        expected["count"] = (len(chosen), count)
    for name, members in scenario.groups.items():
        expected[f"group.{name}"] = (sum(t.id in members for t in chosen), 1)
    for cat in scenario.categories:
        if cat.budget is not None:
            expected[f"budget.{cat.id}"] = (math.fsum(t.cost[cat.id] for t in chosen), cat.budget)
    if scenario.total_budget is not None:
        if scenario.risk_reserve_amount is not None:
            expected["budget.total"] = (investment,
                                        scenario.total_budget - scenario.risk_reserve_amount)
        elif scenario.risk_reserve_of == "investment":
            expected["budget.total"] = (investment * (1 + scenario.risk_reserve_rate),
                                        scenario.total_budget)
        else:
            expected["budget.total"] = (investment,
                                        scenario.total_budget * (1 - scenario.risk_reserve_rate))

    def spent(t: int, cats: list[str]) -> float:
        return math.fsum(town.cost[c] * share(town.money[c], t - year[town.id])
                         for town in chosen for c in cats)

    everything = [c.id for c in scenario.categories]
    for t in scenario.years:
        if scenario.annual_limits.get(t) is not None:
            expected[f"budget.year.{t}"] = (spent(t, everything), scenario.annual_limits[t])
    for cat in scenario.categories:
        for t in scenario.years:
            if cat.annual.get(t) is not None:
                expected[f"budget.{cat.id}.year.{t}"] = (spent(t, [cat.id]), cat.annual[t])
    if scenario.talent_capacity is not None:
        expected["talent"] = (math.fsum(t.talent for t in chosen), scenario.talent_capacity)
    hired = 0.0
    for t in scenario.years if scenario.talent_annual else ():
        if scenario.talent_annual.get(t, 0.0) is None:
            break
        hired += scenario.talent_annual.get(t, 0.0) or 0.0
        need = math.fsum(town.talent * sum(share(town.people, o) for o in
                                           range(town.people.start, t - year[town.id] + 1))
                         for town in chosen)
        expected[f"talent.by.{t}"] = (need, hired)
    for source in scenario.sources:
        expected[f"source.{source.id}"] = (paid.get(source.id, 0.0) + held.get(source.id, 0.0),
                                           source.capacity)
    for source in scenario.sources:
        for t in scenario.years:
            if source.annual.get(t) is not None:
                expected[f"source.{source.id}.year.{t}"] = (
                    math.fsum(f.amount for f in result.financing
                              if f.source == source.id and f.year == t), source.annual[t])
    need = reserve_amount(scenario, investment)
    if _holds_reserve(scenario):
        expected["reserve"] = (math.fsum(held.values()), need)
        assert math.fsum(held.values()) >= need - 1e-6
        assert set(held) <= set(scenario.reserve_from or [s.id for s in scenario.sources])
    rules = scenario.affordability
    if rules is not None and rules.debt_sources and rules.debt_limit is not None:
        expected["debt"] = (math.fsum(paid.get(s, 0.0) for s in rules.debt_sources),
                            rules.debt_limit)
    if rules is not None and rules.city_support is not None and rules.revenue_column:
        first = result.timing["first_year"] if result.timing is not None else None
        for t in (scenario.years or (None,)):
            if t is not None and (first is None or t < first):
                continue  # no row before the first year any town may convert
            by = [town for town in chosen if t is None or year[town.id] <= t]
            name = "recurring" if t is None else f"recurring.{t}"
            expected[name] = (math.fsum(town.running for town in by),
                              rules.city_support + math.fsum(town.kept for town in by))
    names = [c.name for c in result.constraints]
    assert names == list(expected), (names, list(expected))
    for row in result.constraints:
        used, limit = expected[row.name]
        assert row.used == pytest.approx(used, abs=1e-6), row.name
        assert row.limit == pytest.approx(limit, abs=1e-6), row.name
        if row.sense == ">=":
            assert row.used >= row.limit - 1e-6, row.name
        elif row.sense == "==":
            assert row.used == pytest.approx(row.limit, abs=1e-6), row.name
        else:
            assert row.used <= row.limit + 1e-6, row.name
    # Financing: each cost paid in full, by sources allowed to fund its category, in each
    # year what the profile spends there.
    if scenario.sources:
        funds = {s.id: set(s.funds) for s in scenario.sources}
        by_cat: dict[tuple[str, str], float] = {}
        for row in result.financing_by_category:
            assert row.category in funds[row.source], (row.source, row.category)
            by_cat[row.town, row.category] = by_cat.get((row.town, row.category), 0.0) + row.amount
        for town in chosen:
            for cat in scenario.categories:
                assert by_cat.get((town.id, cat.id), 0.0) == pytest.approx(town.cost[cat.id],
                                                                            abs=1e-6)
            for t in scenario.years:
                want = math.fsum(town.cost[c.id] * share(town.money[c.id], t - year[town.id])
                                 for c in scenario.categories)
                got = math.fsum(f.amount for f in result.financing
                                if f.town == town.id and f.year == t)
                assert got == pytest.approx(want, abs=1e-6), (town.id, t)
    else:
        assert result.financing == ()


def _holds_reserve(s: Scenario) -> bool:
    """The model holds a reserve back from the sources (README: the reserve)."""
    if not s.sources:
        return False
    if s.risk_reserve_amount is not None:
        return s.risk_reserve_amount > 0
    return s.risk_reserve_rate > 0 and (s.risk_reserve_of == "investment"
                                        or s.total_budget is not None)


def relaxed(scenario: Scenario, error: SelectionInfeasible,
            pick: int | None) -> tuple[Scenario, int | None]:
    """The scenario with every limit the diagnosis names moved to its stated value."""
    changes: dict[str, object] = {}
    annual = dict(scenario.annual_limits)
    talent = dict(scenario.talent_annual)
    categories = {c.id: c for c in scenario.categories}
    sources = {s.id: s for s in scenario.sources}
    rules = scenario.affordability
    for r in error.relaxations:
        parts = r.limit.split(".")
        if r.limit == "count":
            if r.key == "pick":
                pick = int(r.needed)
            else:
                changes["count"] = int(r.needed)
        elif r.limit == "budget.total":
            changes["total_budget"] = r.needed
        elif parts[:2] == ["budget", "year"]:
            annual[int(parts[2])] = r.needed
        elif parts[0] == "budget" and len(parts) == 4:
            cat = categories[parts[1]]
            categories[cat.id] = dataclasses.replace(cat, annual={**cat.annual,
                                                                   int(parts[3]): r.needed})
        elif parts[0] == "budget":
            categories[parts[1]] = dataclasses.replace(categories[parts[1]], budget=r.needed)
        elif r.limit == "talent":
            changes["talent_capacity"] = r.needed
        elif parts[:2] == ["talent", "by"]:
            t = int(parts[2])
            talent[t] = (talent.get(t) or 0.0) + (r.needed - r.current)
        elif parts[0] == "source" and len(parts) == 4:
            src = sources[parts[1]]
            sources[src.id] = dataclasses.replace(src, annual={**src.annual,
                                                               int(parts[3]): r.needed})
        elif parts[0] == "source":
            sources[parts[1]] = dataclasses.replace(sources[parts[1]], capacity=r.needed)
        elif r.limit == "reserve":
            if scenario.risk_reserve_amount is not None:
                changes["risk_reserve_amount"] = r.needed
            else:
                changes["risk_reserve_rate"] = r.needed
        elif r.limit == "debt":
            assert rules is not None
            rules = dataclasses.replace(rules, debt_limit=r.needed)
        elif parts[0] == "recurring":
            assert rules is not None and rules.city_support is not None
            rules = dataclasses.replace(rules, city_support=max(rules.city_support, r.needed))
        else:  # pragma: no cover - every elastic limit is handled above
            raise AssertionError(r.limit)
        assert r.amount > 0
    return dataclasses.replace(scenario, annual_limits=annual, talent_annual=talent,
                               categories=tuple(categories.values()),
                               sources=tuple(sources.values()), affordability=rules,
                               **changes), pick


def _key(answer: Answer, phased: bool) -> tuple:
    return (answer.towns, answer.years if phased else None)


def _agrees(towns: SelectionInput, scenario: Scenario, pick: int | None, solver: str) -> None:
    assert scenario.as_of is not None
    found = answers(towns, scenario, pick=pick, as_of=scenario.as_of)
    event(f"objective {scenario.objective}")
    event("phasing" if scenario.years else "no phasing")
    event(f"timing {scenario.timing.rule if scenario.timing else None}")
    event("feasible" if found else "infeasible")
    if not found:
        with pytest.raises(InfeasibleError) as caught:
            select(towns, scenario, pick=pick, solver=solver, alternatives=0, why_not=False,
                   ties=0)
        error = caught.value
        assert isinstance(error, SelectionInfeasible)
        if not error.relaxations:  # a conflict no limit can fix
            return
        loosened, new_pick = relaxed(scenario, error, pick)
        assert answers(towns, loosened, pick=new_pick, as_of=scenario.as_of), str(error)
        result = select(towns, loosened, pick=new_pick, solver=solver, alternatives=0,
                        why_not=False, ties=0)
        check_result(result, towns, loosened, new_pick)
        return
    result = select(towns, scenario, pick=pick, solver=solver, alternatives=0, why_not=False)
    assert result.status == "optimal"
    best = max(a.objective for a in found)
    assert result.objective >= best - band(best) - 1e-9
    assert result.objective <= best + 1e-9
    phased = len(scenario.convert_in) > 1 or bool(scenario.years)
    mine = next((a for a in found if a.towns == tuple(sorted(result.selected_ids))
                 and a.schedule == {t.id: t.year for t in result.selected}), None)
    assert mine is not None, "the optimiser's answer breaks a limit"
    assert mine.objective == pytest.approx(result.objective, abs=1e-9)
    check_result(result, towns, scenario, pick)
    in_band = [a for a in found if a.objective >= best - band(best) - 1e-12]
    rule = result.timing["rule"] if result.timing is not None else None
    timed = [a.timing for a in in_band if a.timing is not None]
    if rule in ("readiness", "earliest", "balanced") and result.timing["value"] is not None \
            and timed:  # (no answer has a timing when no town is chosen)
        least = min(timed)
        assert mine.timing == pytest.approx(least, abs=band(least) + 1e-9), rule
    # Every other answer in the band is listed as a tie, with the rule's verdict.
    others = {_key(a, phased): a for a in in_band if a is not mine}
    listed = {(t.selected, tuple(t.years[x] for x in t.selected) if phased else None): t
              for t in result.ties}
    assert set(listed) <= set(others)
    if result.ties_complete:
        assert set(listed) == set(others)
    for key, tie in listed.items():
        answer = others[key]
        assert tie.objective == pytest.approx(answer.objective, abs=1e-9)
        if rule in ("readiness", "earliest", "balanced") and mine.timing is not None \
                and answer.timing is not None and result.timing["value"] is not None:
            worse = answer.timing > mine.timing + band(mine.timing) + 1e-9
            assert tie.decided_by_rule == worse, (tie, mine)
        else:
            assert not tie.decided_by_rule


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@_settings(150)
@given(instances())
def test_optimum_schedule_and_ties_match_brute_force_cbc(instance) -> None:
    _agrees(*instance, solver="cbc")


@_settings(80)
@given(instances())
def test_optimum_schedule_and_ties_match_brute_force_highs(instance) -> None:
    _agrees(*instance, solver="highs")


@_settings(40)
@given(instances(max_towns=6, phased_up_to=4))
def test_why_not_and_alternatives_match_brute_force(instance) -> None:
    towns, scenario, pick = instance
    assert scenario.as_of is not None
    found = answers(towns, scenario, pick=pick, as_of=scenario.as_of)
    if not found:
        return
    result = select(towns, scenario, pick=pick, solver="highs", alternatives=3, ties=0)
    value: dict[tuple[str, ...], float] = {}
    for a in found:
        value[a.towns] = max(value.get(a.towns, -math.inf), a.objective)
    ranked = sorted(value.values(), reverse=True)
    assert len(result.alternatives) == min(3, len(ranked) - 1)
    seen = {tuple(sorted(result.selected_ids))}
    for rank, alternative in enumerate(result.alternatives, start=1):
        assert alternative.objective == pytest.approx(ranked[rank], abs=1e-6)
        portfolio = tuple(sorted(alternative.selected))
        assert portfolio in value and portfolio not in seen
        assert value[portfolio] == pytest.approx(alternative.objective, abs=1e-6)
        seen.add(portfolio)
    why = {w.id: w for w in result.why_not}
    assert set(why) == set(towns.ids) - set(result.selected_ids)  # six towns: all explained
    best = max(value.values())
    for town, entry in why.items():
        if town in scenario.must_exclude:
            assert entry.best_portfolio is None and entry.method == "screen"
            continue
        with_town = [v for s, v in value.items() if town in s]
        if not with_town:
            assert entry.best_portfolio is None
            assert entry.reason.startswith("cannot be included"), entry.reason
            continue
        assert entry.objective_loss == pytest.approx(best - max(with_town), abs=1e-6)
        portfolio = tuple(sorted(entry.best_portfolio or ()))
        assert town in portfolio and portfolio in value
        assert value[portfolio] == pytest.approx(max(with_town), abs=1e-6)
