"""A town's own report: its profile, gaps to the targets, strengths, obstacles and cost."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import evalkit.report.charts as charts
from evalkit.methods.weighting import minmax_standardize
from evalkit.model.targets import Target, target_values
from evalkit.report.sections.view import View
from evalkit.report.text import digits_for, fmt_num, fmt_pct, label_text, position_of, relation


def header(v: View) -> dict[str, Any]:
    """The town's name, rank and closeness for the title block."""
    i, r = v.town_index, v.evaluation.ranking
    return {"id": v.town, "name": v.name(str(v.town)), "rank": int(r.ranks[i]),
            "of": len(v.matrix.ids), "closeness": fmt_num(r.closeness[i], 4),
            "tied": bool(r.tied[i])}


def profile(v: View) -> list[dict[str, Any]]:
    """Every indicator: the town's value, the mean, its place and its standardised score."""
    i, values = v.town_index, v.matrix.values
    y = minmax_standardize(values, v.matrix.signs)
    mean = values.mean(axis=0)
    rows = []
    for j, ind in enumerate(v.criteria.indicators):
        digits = digits_for(values[:, j])
        rows.append({"family": v.family_label(ind.family), "label": ind.label(v.lang),
                     "unit": v.unit(ind.unit), "value": fmt_num(values[i, j], digits),
                     "mean": fmt_num(mean[j], digits),
                     "position": position_of(values[:, j], i, ind.sign),
                     "score": fmt_num(y[i, j], 2)})
    return rows


def _item(v: View, j: int) -> dict[str, Any]:
    i, values = v.town_index, v.matrix.values
    ind = v.criteria.indicators[j]
    return {"label": ind.label(v.lang), "value": fmt_num(values[i, j], digits_for(values[:, j])),
            "unit": v.unit_after_number(ind.unit),
            "position": position_of(values[:, j], i, ind.sign), "of": len(v.matrix.ids)}


def strengths(v: View) -> list[dict[str, Any]]:
    """Up to three indicators where the town is near the best and that weigh most."""
    i = v.town_index
    y = minmax_standardize(v.matrix.values, v.matrix.signs)
    w = v.evaluation.weights.values
    best = [j for j in np.argsort(-(w * y[i]), kind="stable") if y[i, j] >= 0.75][:3]
    return [_item(v, int(j)) for j in best]


def weaknesses(v: View) -> list[dict[str, Any]]:
    """Up to three indicators where the town is near the worst and that weigh most."""
    i = v.town_index
    y = minmax_standardize(v.matrix.values, v.matrix.signs)
    w = v.evaluation.weights.values
    worst = [j for j in np.argsort(-(w * (1 - y[i])), kind="stable") if y[i, j] <= 0.25][:3]
    return [_item(v, int(j)) for j in worst]


def obstacles(v: View) -> list[dict[str, Any]]:
    """The town's five largest obstacle indicators."""
    return [{"label": v.indicator_label(ind), "degree": fmt_pct(deg),
             "family": v.family_label(v.criteria.indicator(ind).family)}
            for ind, deg in v.evaluation.obstacles.top(v.town_index, 5)]


def families(v: View) -> list[dict[str, Any]]:
    """The obstacle degree of each indicator family."""
    o = v.evaluation.obstacles
    return [{"label": v.family_label(f), "degree": fmt_pct(d)}
            for f, d in zip(o.family_ids, o.family_degree[v.town_index], strict=True)]


def targets(v: View) -> dict[str, Any] | None:
    """The town against each target of the plan, with a radar chart."""
    plan = v.report.targets
    if not plan:
        return None
    t, i = v.t, v.town_index
    values = target_values(plan, v.evaluation.candidates)
    rows, axes, town_ratio, city_ratio, mean_ratio = [], [], [], [], []
    for target in plan:
        x = float(values[target.id][i])
        finite = np.isfinite(values[target.id])
        mean = float(np.nanmean(values[target.id])) if finite.any() else float("nan")

        def ratio(value: float | None, target: Target = target) -> float:
            if value is None or not math.isfinite(value):
                return float("nan")
            if target.compare == ">=":
                return value / target.target
            return target.target / value if value > 0 else 1.5

        if target.compare == ">=":
            gap = max(0.0, target.target - x) if math.isfinite(x) else float("nan")
        else:
            gap = max(0.0, x - target.target) if math.isfinite(x) else float("nan")
        met = math.isfinite(gap) and gap <= 0
        rows.append({"label": label_text(target.label, v.lang), "unit": v.unit(target.unit),
                     "value": fmt_num(x, 1),
                     "target": f"{relation(target.compare)} {fmt_num(target.target, 1)}",
                     "city": fmt_num(target.city, 1) if target.city is not None else "—",
                     "gap": "—" if met else fmt_num(gap, 1),
                     "relative": "—" if met else fmt_pct(gap / target.target, 0),
                     "met": met, "known": math.isfinite(x)})
        axes.append(label_text(target.label, v.lang))
        town_ratio.append(ratio(x))
        city_ratio.append(ratio(target.city))
        mean_ratio.append(ratio(mean))
    series = {v.name(str(v.town), short=True): town_ratio, t["radar_mean"]: mean_ratio}
    if any(math.isfinite(x) for x in city_ratio):
        series[t["radar_city"]] = city_ratio
    chart = v.chart(charts.radar, axes, series, fonts=v.fonts, ring=(1.0, t["radar_target"]))
    return {"rows": rows, "chart": chart, "source": plan.source,
            "met": sum(1 for row in rows if row["met"]), "total": len(rows)}


def selection(v: View) -> dict[str, Any] | None:
    """Whether the town is chosen, when and paid from where; or why it is not."""
    s = v.report.selection
    if s is None:
        return None
    town = v.town
    chosen = next((row for row in s.selected if row.id == town), None)
    paid = [f for f in s.financing if f.town == town]
    excluded = next((x for x in s.excluded if x.id == town), None)
    why_not = next((w for w in s.why_not if w.id == town and w.best_portfolio), None)
    return {
        "selected": chosen is not None,
        "year": chosen.year if chosen else None,
        "cost": v.money(chosen.cost) if chosen else None,
        "financing": [{"source": v.scenario_label(f.source), "year": f.year,
                       "amount": fmt_num(f.amount, 1)} for f in paid],
        "financing_total": fmt_num(sum(f.amount for f in paid), 1),
        "excluded": None if excluded is None else v.reason(excluded.reason, excluded.reason_zh),
        "why_not": None if why_not is None else {
            "portfolio": v.names(why_not.best_portfolio or (), short=True),
            "loss": fmt_num(why_not.objective_loss, 4)},
    }
