"""八、改区方案优选: the chosen towns, every limit's use, the financing, why not the others."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

import evalkit.report.charts as charts
from evalkit.report.sections.view import View
from evalkit.report.text import digits_for, fmt_date, fmt_num, fmt_pct

_ANNUAL = re.compile(r"^(?P<head>budget|source)(?:\.(?P<body>.+?))?\.year\.(?P<year>\d{4})$")
"""An annual limit: ``budget.year.2025``, ``budget.<c>.year.2025``, ``source.<s>.year.2025``."""


def constraint_label(v: View, name: str) -> str:
    """A selection limit's name in words (``budget.year.2025`` → 2025年度预算).

    Every name :class:`~evalkit.decide.selection.result.ConstraintUse` may carry has
    words here; a name this function does not know reads "another limit (…)", never
    bare: ``count``, ``group.<g>``, ``budget.total``, ``budget.year.<t>``,
    ``budget.<c>``, ``budget.<c>.year.<t>``, ``talent``, ``talent.by.<t>``,
    ``source.<s>``, ``source.<s>.year.<t>``, ``reserve``, ``debt``, ``recurring.<t>``.
    """
    t = v.t
    head, _, rest = name.partition(".")
    match = _ANNUAL.match(name)
    body, year = (match["body"] or "", match["year"]) if match else (rest, "")
    if name == "budget.total":
        return t["c_budget_total"]
    if head == "budget" and year and not body:
        return t("c_budget_year", year=year)
    if head == "budget" and body and year:
        return t("c_budget_category_year", category=v.scenario_label(body), year=year)
    if head == "budget" and rest:
        return t("c_budget_category", category=v.scenario_label(rest))
    if head == "source" and body and year:
        return t("c_source_year", source=v.scenario_label(body), year=year)
    if head == "source" and rest:
        return t("c_source", source=v.scenario_label(rest))
    if head == "group" and rest:
        return t("c_group", group=rest)
    if name.startswith("talent.by."):
        return t("c_talent_by", year=rest.rsplit(".", 1)[1])
    if head == "recurring" and rest:
        return t("c_recurring_year", year=rest)
    if not rest and f"c_{name}" in t:
        return t[f"c_{name}"]
    return t("c_other", name=name)


def _years(v: View, years: list[int]) -> str:
    """The years a town's money is spent: 2025—2027 when they run on, else 2025、2027."""
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}{'—' if v.lang == 'zh' else '–'}{years[-1]}"
    return ("、" if v.lang == "zh" else ", ").join(str(year) for year in years)


def past_notes(v: View, s: Any) -> list[str]:
    """The warnings ``evalkit select`` prints about the as-of date, from the same fields of
    the :class:`SelectionResult`: money scheduled in a budget year before it (a year the
    library marks ``before_as_of``), and conversion years before it that the scenario allows."""
    if not s.as_of:
        return []
    when = fmt_date(datetime.fromisoformat(s.as_of), v.lang)
    joiner = "、" if v.lang == "zh" else ", "
    out = []
    past = [str(y.year) for y in s.phasing if y.before_as_of and y.total > 0]
    if past:
        out.append(v.t("selection_past_note", years=joiner.join(past), date=when))
    if any(town.before_as_of for town in s.selected):
        out.append(v.t("selection_flagged_note", years=joiner.join(map(str, s.flagged)),
                       date=when))
    return out


def build(v: View) -> dict[str, Any] | None:
    """The selection's tables and chart, from the :class:`SelectionResult`."""
    s = v.report.selection
    if s is None:
        return None
    t = v.t
    selected: list[dict[str, Any]] = [{"id": row.id, "name": v.name(row.id), "year": row.year,
                 "closeness": fmt_num(row.closeness, 3), "cost": float(row.cost),
                 "cost_text": v.money(row.cost)} for row in s.selected]
    constraints: list[dict[str, Any]] = []
    held = dict(s.reserve.held) if s.reserve is not None else {}
    held_notes = []
    for c in s.constraints:
        kind, _, rest = c.name.partition(".")
        used, limit = float(c.used), float(c.limit)
        digits = digits_for([used, limit, c.slack]) if c.name in (
            "count", "talent") or c.name.startswith("talent.") else 1  # people: 186, not 186.0
        reserve = float(held.get(rest, 0.0)) if kind == "source" else 0.0
        if reserve > 0:  # the source's "used" counts the reserve it holds back
            held_notes.append(t("c_reserve_held_item", source=v.scenario_label(rest),
                                amount=fmt_num(reserve, 1)))
        constraints.append({
            "name": constraint_label(v, c.name),
            "held": t("c_reserve_held", amount=fmt_num(reserve, 1)) if reserve > 0 else "",
            "source": v.scenario_label(rest) if kind == "source" else None,
            "unit": v.unit_label(c.unit),
            "talent": c.name == "talent",
            "used": fmt_num(used, digits), "limit": fmt_num(limit, digits),
            "slack": fmt_num(c.slack, digits),
            "share": fmt_pct(used / limit, 0) if limit and math.isfinite(limit) else "—",
            # The number of towns is a target, not a resource, and the reserve a floor (what
            # must be held): meeting either exactly is no risk.
            "binding": c.name != "count" and getattr(c, "sense", "<=") != ">=" and bool(
                limit and math.isfinite(limit) and c.slack <= 1e-6 * max(1.0, limit)),
            "_used": used, "_limit": limit,
        })
    chartable = [c for c in constraints if math.isfinite(c["_limit"]) and c["_limit"] > 0]
    chart = None
    if chartable:
        chart = v.chart(charts.ranked_bars, [c["name"] for c in chartable],
                        [c["_used"] / c["_limit"] * 100 for c in chartable],
                        fonts=v.fonts, xlabel=t["chart_use_pct"], digits=0,
                        reference=(100.0, t["chart_limit"]))
    financing = list(s.financing)
    sources = list(dict.fromkeys(f.source for f in financing))
    towns = list(dict.fromkeys(f.town for f in financing))
    in_table_1 = [row.id for row in s.selected]  # by year
    towns.sort(key=lambda town: in_table_1.index(town) if town in in_table_1 else len(towns))
    grid = []
    for town in towns:
        amounts = [sum(f.amount for f in financing if f.town == town and f.source == src)
                   for src in sources]
        years = sorted({int(f.year) for f in financing if f.town == town and f.year is not None})
        grid.append({"name": v.name(town), "years": _years(v, years),
                     "amounts": [fmt_num(a, 1) if a else "—" for a in amounts],
                     "total": fmt_num(sum(amounts), 1)})
    by_source: list[dict[str, Any]] = [{"source": v.scenario_label(src),
                  "amount": sum(f.amount for f in financing if f.source == src)}
                 for src in sources]
    alternatives = [{"towns": v.names(a.selected, short=True),
                     "objective": fmt_num(a.objective, 4)} for a in s.alternatives]
    excluded = {x.id: x for x in s.excluded}
    why_not = []
    for w in s.why_not:
        if w.best_portfolio:
            portfolio = v.names(w.best_portfolio, short=True)
        elif w.id in excluded:
            portfolio = t("whynot_excluded",
                          reason=v.reason(excluded[w.id].reason, excluded[w.id].reason_zh))
        else:
            portfolio = w.reason or "—"
        why_not.append({"name": v.name(w.id), "portfolio": portfolio,
                        "loss": fmt_num(w.objective_loss, 4)})
    total_cost = sum(row["cost"] for row in selected)
    total_financed = sum(row["amount"] for row in by_source)
    return {
        "status": v.solver_status(s.status),
        "objective": fmt_num(s.objective, 4),
        "gap": fmt_num(s.gap, 4), "selected": selected, "constraints": constraints,
        "reserve_note": t("c_reserve_held_note", items=t["list_sep"].join(held_notes))
                        if held_notes else "",
        "chart": chart, "sources": [v.scenario_label(x) for x in sources],
        "financing": grid, "financing_by_source": by_source,
        "financing_totals": [fmt_num(row["amount"], 1) for row in by_source],
        "alternatives": alternatives, "why_not": why_not, "past": past_notes(v, s),
        "total_cost": total_cost, "total_financed": total_financed,
        "total_cost_text": fmt_num(total_cost, 1),
        "total_financed_text": fmt_num(total_financed, 1),
    }
