"""八、改区方案优选: the chosen towns, every limit's use, the financing, why not the others."""

from __future__ import annotations

import math
from typing import Any

import evalkit.report.charts as charts
from evalkit.report.sections.view import View
from evalkit.report.text import digits_for, fmt_num, fmt_pct


def constraint_label(v: View, name: str) -> str:
    """A selection limit's name in words (``budget.year.2025`` → 2025年度预算)."""
    t = v.t
    head, _, rest = name.partition(".")
    if name == "budget.total":
        return t["c_budget_total"]
    if name.startswith("budget.year."):
        return t("c_budget_year", year=name.rsplit(".", 1)[1])
    if head == "budget" and rest:
        return t("c_budget_category", category=v.scenario_label(rest))
    if head == "source" and rest:
        return t("c_source", source=v.scenario_label(rest))
    if head == "group" and rest:
        return t("c_group", group=rest)
    return t.get(f"c_{name}", name)


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
    for c in s.constraints:
        kind, _, rest = c.name.partition(".")
        used, limit = float(c.used), float(c.limit)
        digits = digits_for([used, limit, c.slack]) if c.name in (
            "count", "talent") else 1  # towns and people are counted: 186, not 186.0
        constraints.append({
            "name": constraint_label(v, c.name),
            "source": v.scenario_label(rest) if kind == "source" else None,
            "unit": v.unit_label(c.unit),
            "talent": c.name == "talent",
            "used": fmt_num(used, digits), "limit": fmt_num(limit, digits),
            "slack": fmt_num(c.slack, digits),
            "share": fmt_pct(used / limit, 0) if limit and math.isfinite(limit) else "—",
            # The number of towns is a target, not a resource: using all of it is no risk.
            "binding": c.name != "count" and bool(
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
        years = sorted({str(f.year) for f in financing if f.town == town})
        grid.append({"name": v.name(town),
                     "years": ("、" if v.lang == "zh" else ", ").join(years),
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
        "chart": chart, "sources": [v.scenario_label(x) for x in sources],
        "financing": grid, "financing_by_source": by_source,
        "financing_totals": [fmt_num(row["amount"], 1) for row in by_source],
        "alternatives": alternatives, "why_not": why_not,
        "total_cost": total_cost, "total_financed": total_financed,
        "total_cost_text": fmt_num(total_cost, 1),
        "total_financed_text": fmt_num(total_financed, 1),
    }
