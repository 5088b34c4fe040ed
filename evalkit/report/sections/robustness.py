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
            "intro": intro(v, rb),
            "has_core": core is not None and len(rb.ids) > 0,
            "has_top_k": len(rb.ids) > 0}


def _every_draw(share: float, samples: int) -> bool:
    """Whether a share of ``samples`` draws is all of them (a share is a count ÷ samples)."""
    return share >= 1.0 - 0.5 / max(samples, 1)


def always_placed(rb: Robustness) -> dict[str, str]:
    """The towns whose place no weight draw changes: ``first`` (ranked first in every
    draw) or ``top_k`` (inside the top k in every draw), by id."""
    out: dict[str, str] = {}
    for i, town in enumerate(rb.ids):
        if rb.acceptability.shape[1] and _every_draw(float(rb.acceptability[i, 0]), rb.samples):
            out[town] = "first"
        elif _every_draw(float(rb.top_k[i]), rb.samples):
            out[town] = "top_k"
    return out


def _first_not_chosen(v: View, rb: Robustness, core: dict[str, float]) -> dict[str, str]:
    """Why a town that ranks first (or inside the top k) in (nearly) every draw is chosen
    in fewer scenarios: no feasible set, or costs and limits, with the shares; by town."""
    selection = rb.selection
    if selection is None or not rb.acceptability.shape[1]:
        return {}
    always = always_placed(rb)
    out = {}
    for i, town in enumerate(rb.ids):
        first, chosen = float(rb.acceptability[i, 0]), core.get(town)
        placed = always.get(town)
        if chosen is None or (placed is None and first < 0.9):
            continue
        if (first if placed != "top_k" else 1.0) - chosen < 0.01:
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
        if placed is not None:
            # No weight draw moves it: only the costs and the limits can keep it out.
            drivers = v.t["drivers_costs_limits" if selection.cost_spread > 0
                          else "drivers_limits"]
            out[town] = v.t(f"plain_always_{placed}", town=v.name(town),
                            samples=v.count(rb.samples), k=rb.k, chosen=fmt_pct(chosen, 1),
                            drivers=drivers, reasons=v.t["list_sep"].join(reasons))
            continue
        out[town] = v.t("plain_first_not_chosen", town=v.name(town), first=fmt_pct(first, 1),
                        chosen=fmt_pct(chosen, 1), reasons=v.t["list_sep"].join(reasons))
    return out


def weights_used(v: View) -> str:
    """The weights the run used, as a noun phrase that names its method once
    (组合权重, never 组合权重权重): 层次分析法与熵值法组合权重, entropy weights."""
    t, weights = v.t, v.evaluation.weights
    method = weights.method
    if method == "combined":
        objective = getattr(weights.details.get("objective"), "method", None) or "entropy"
        return t("weights_of_combined", ahp=t["weights_part_ahp"],
                 objective=t.get(f"weights_part_{objective}", v.method_name(objective)))
    known = t.get(f"weights_of_{method}")
    if known is not None:
        return known
    name = v.method_name(method)
    # A method named as weights already (给定权重, "Fixed weights") is not named twice.
    if name.endswith("权重") or name.lower().endswith("weights"):
        return name
    return t("weights_of_other", method=name)


def intro(v: View, rb: Robustness) -> str:
    """The section's opening sentence: how many weight vectors, drawn around what."""
    key = f"robustness_draws_{rb.weight_model}"
    draws = v.t(key if key in v.t else "robustness_draws_other", samples=v.count(rb.samples),
                seed=rb.seed, weights=weights_used(v), name=rb.weight_model)
    return v.t("robustness_intro", draws=draws)


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
               weights=weights_used(v))


def plain(v: View, rb: Robustness) -> list[str]:
    """The robustness result in plain words, from the numbers."""
    t = v.t
    out = []
    best = None
    if len(rb.ids) and rb.acceptability.shape[1]:
        first = {k: float(rb.acceptability[i, 0]) for i, k in enumerate(rb.ids)}
        best = max(first, key=lambda k: (first[k], -v.matrix.ids.index(k)
                                         if k in v.matrix.ids else 0))
        out.append(t("plain_first", samples=v.count(rb.samples), town=v.name(best),
                     share=fmt_pct(first[best], 0)))
    always = always_placed(rb)
    selection = rb.selection
    screened = ({x.id for x in v.report.selection.excluded}
                if v.report.selection is not None else set())
    if selection is not None and len(rb.ids):
        core = {k: float(x) for k, x in zip(rb.ids, selection.core_index, strict=True)
                if k not in screened}
        sure = [k for k, x in core.items() if x >= 0.9]
        zero = [k for k, x in core.items() if x == 0]
        never = [k for k, x in core.items() if 0 < x <= 0.1]
        # A town no weight draw moves does not depend on the weights: _first_not_chosen
        # says what keeps it out instead.
        middle = [k for k, x in core.items() if 0.1 < x < 0.9 and k not in always]
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
        explained = _first_not_chosen(v, rb, core)
        if best in explained and always.get(best) == "first":
            del out[0]  # its own sentence says it ranks first in every draw, and more
        out += explained.values()
        if screened:
            out.append(t("plain_screened", towns=v.names(sorted(screened, key=v.matrix.ids.index)),
                         section=v.section_title("screen")))
        if selection.portfolios:
            top = max(selection.portfolios, key=lambda p: p.share)
            out.append(_portfolio_differs(v, rb, top)
                       or t("plain_portfolio", towns=v.names(top.selected),
                            share=fmt_pct(top.share, 1)))
    return out


def _portfolio_differs(v: View, rb: Robustness, top: Any) -> str:
    """When the most frequent set of the draws is not the recommended one: both shares,
    the towns they differ in, and where the near tie is discussed."""
    chosen_result, selection = v.report.selection, rb.selection
    if chosen_result is None or selection is None or not chosen_result.selected:
        return ""
    chosen = tuple(row.id for row in chosen_result.selected)
    if set(chosen) == set(top.selected):
        return ""
    share = next((p.share for p in selection.portfolios if set(p.selected) == set(chosen)), 0.0)
    order = v.matrix.ids.index
    chosen_only = sorted(set(chosen) - set(top.selected), key=order)
    top_only = sorted(set(top.selected) - set(chosen), key=order)
    ref = ""
    margin = v.report.decisive
    if margin is not None:
        pairs = {(p.chosen, p.unchosen) for p in margin.pairs if p.near_tie}
        tie = any((a, b) in pairs for a in chosen_only for b in top_only)
        ref = v.t("plain_portfolio_ref_tie" if tie else "plain_portfolio_ref",
                  section=v.section_title("decisive"))
    return v.t("plain_portfolio_differs", top=v.names(top.selected),
               top_share=fmt_pct(top.share, 1), chosen=v.names(chosen),
               chosen_share=fmt_pct(share, 1), chosen_only=v.names(chosen_only),
               top_only=v.names(top_only), ref=ref)
