"""九、稳健性分析: rank acceptability, top-k shares, the core index and weight stability."""

from __future__ import annotations

from typing import Any

import numpy as np

import evalkit.report.charts as charts
from evalkit.decide.robustness import Robustness
from evalkit.report.sections.view import View
from evalkit.report.text import fmt_num, fmt_pct


def build(v: View) -> dict[str, Any] | None:
    """The robustness tables and chart, from the :class:`Robustness` result."""
    rb = v.report.robustness
    if rb is None:
        return None
    t = v.t
    row_of = {town: i for i, town in enumerate(rb.ids)}
    order = [v.matrix.ids[i] for i in v.evaluation.ranking.order if v.matrix.ids[i] in row_of]
    order += [k for k in rb.ids if k not in order]
    core = rb.selection.core_index if rb.selection is not None else None
    chart = None
    table = []
    ranks_header: list[str] = []
    if order:
        shares = np.array([rb.acceptability[row_of[k]] for k in order], dtype=float)
        ranks_header = [t("rank_n", n=r + 1) for r in range(shares.shape[1])]
        chart = v.chart(charts.stacked_shares, [v.name(k, short=True) for k in order], shares,
                        ranks_header, fonts=v.fonts, xlabel=t["chart_share_pct"])
        for k, row in zip(order, shares, strict=True):
            # One decimal: 0.3% of draws is not "0%", and the columns then add up.
            table.append({"name": v.name(k), "shares": [fmt_pct(x, 1) for x in row],
                          "top_k": fmt_pct(rb.top_k[row_of[k]], 1),
                          "core": fmt_pct(core[row_of[k]] if core is not None else None, 1)})
    weights = v.evaluation.weights.as_dict()
    stability = [{"label": v.indicator_label(s.indicator),
                  "weight": fmt_num(weights.get(s.indicator), 4),
                  "low": fmt_num(round(s.low, 6), 4), "high": fmt_num(round(s.high, 6), 4)}
                 for s in rb.stability]
    selection = rb.selection
    portfolios = [] if selection is None else [
        {"towns": v.names(p.selected, short=True), "share": fmt_pct(p.share, 1)}
        for p in selection.portfolios]
    infeasible = selection.infeasible if selection is not None else 0.0
    if portfolios and infeasible > 0:
        portfolios.append({"towns": t["portfolio_infeasible"], "share": fmt_pct(infeasible, 1)})
    costs = []
    if selection is not None and selection.cost_spread > 0:
        costs.append(t("robustness_costs", spread=fmt_pct(selection.cost_spread, 0)))
    if infeasible > 0:
        costs.append(t("robustness_infeasible", share=fmt_pct(infeasible, 1)))
    return {"samples": v.count(rb.samples), "seed": rb.seed, "chart": chart,
            "ranks": ranks_header, "table": table, "stability": stability,
            "portfolios": portfolios,
            # Sentences that follow the introduction's, in the language's way.
            "costs": "".join(("" if v.lang == "zh" else " ") + c for c in costs),
            "k": rb.k, "plain": plain(v, rb), "model": weight_model(v, rb),
            "has_core": core is not None and len(rb.ids) > 0,
            "has_top_k": len(rb.ids) > 0}


def _first_not_chosen(v: View, rb: Robustness, core: dict[str, float]) -> list[str]:
    """Why a town that ranks first in nearly every draw is chosen in fewer of them."""
    selection = rb.selection
    if selection is None or not rb.acceptability.shape[1]:
        return []
    out = []
    for i, town in enumerate(rb.ids):
        first, chosen = float(rb.acceptability[i, 0]), core.get(town)
        if chosen is None or first < 0.9 or first - chosen < 0.01:
            continue
        infeasible = selection.infeasible
        other = max(0.0, 1.0 - chosen - infeasible)
        reasons = []
        if infeasible > 0:
            reasons.append(v.t("why_infeasible", share=fmt_pct(infeasible, 1)))
        if other > 0:
            reasons.append(v.t("why_costs" if selection.cost_spread > 0 else "why_limits",
                               share=fmt_pct(other, 1),
                               spread=fmt_pct(selection.cost_spread, 0)))
        out.append(v.t("plain_first_not_chosen", town=v.name(town), first=fmt_pct(first, 1),
                       chosen=fmt_pct(chosen, 1),
                       reasons=v.t["list_sep"].join(reasons)))
    return out


def weight_model(v: View, rb: Robustness) -> str:
    """What the weight draws are: the model, its spread and what it is centred on."""
    options = dict(rb.model_options)
    concentration = options.get("concentration")
    key = f"weight_model_{rb.weight_model}"
    text = v.t.get(key)
    if text is None:
        params = ", ".join(f"{k}={val}" for k, val in options.items())
        return v.t("weight_model_other", name=rb.weight_model, params=params)
    return v.t(key, concentration=fmt_num(concentration, 0) if concentration is not None else "—",
               weighting=v.method_name(v.evaluation.weights.method))


def plain(v: View, rb: Robustness) -> list[str]:
    """The robustness result in plain words, from the numbers."""
    t = v.t
    out = []
    if len(rb.ids) and rb.acceptability.shape[1]:
        first = {k: float(rb.acceptability[i, 0]) for i, k in enumerate(rb.ids)}
        best = max(first, key=lambda k: (first[k], -v.matrix.ids.index(k)
                                         if k in v.matrix.ids else 0))
        out.append(t("plain_first", samples=v.count(rb.samples), town=v.name(best),
                     share=fmt_pct(first[best], 0)))
    selection = rb.selection
    screened = ({x.id for x in v.report.selection.excluded}
                if v.report.selection is not None else set())
    if selection is not None and len(rb.ids):
        core = {k: float(x) for k, x in zip(rb.ids, selection.core_index, strict=True)
                if k not in screened}
        sure = [k for k, x in core.items() if x >= 0.9]
        zero = [k for k, x in core.items() if x == 0]
        never = [k for k, x in core.items() if 0 < x <= 0.1]
        middle = [k for k, x in core.items() if 0.1 < x < 0.9]
        drivers = t["drivers_weights_costs" if selection.cost_spread > 0 else "drivers_weights"]
        if sure:
            out.append(t(v.plural("plain_core_sure", sure), towns=v.names(sure)))
        if middle:
            out.append(t(v.plural("plain_core_middle", middle), towns=v.names(middle),
                         drivers=drivers))
        if never:
            out.append(t(v.plural("plain_core_never", never), towns=v.names(never)))
        if zero:
            out.append(t(v.plural("plain_core_zero", zero), towns=v.names(zero)))
        out += _first_not_chosen(v, rb, core)
        if screened:
            out.append(t("plain_screened", towns=v.names(sorted(screened, key=v.matrix.ids.index))))
        if selection.portfolios:
            top = max(selection.portfolios, key=lambda p: p.share)
            out.append(t("plain_portfolio", towns=v.names(top.selected),
                         share=fmt_pct(top.share, 0)))
    return out
