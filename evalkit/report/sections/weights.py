"""四、指标权重: the weights used, the methods beside them, and the experts' AHP matrices."""

from __future__ import annotations

from typing import Any

import numpy as np

import evalkit.report.charts as charts
from evalkit.methods.ahp.experts import AGGREGATE
from evalkit.methods.registry import RI_TABLES
from evalkit.methods.weighting import entropy_weights
from evalkit.report.sections.view import View
from evalkit.report.text import fmt_num, saaty_text


def build(v: View) -> dict[str, Any]:
    """The weights used, with AHP and the objective method beside them when they differ."""
    t = v.t
    used = v.evaluation.weights
    ids = v.matrix.indicator_ids
    columns: list[tuple[str, np.ndarray]] = []
    ahp = v.report.ahp
    if used.method != "ahp" and ahp is not None:
        columns.append((t["method_ahp"], np.array([float(ahp.weights.get(i, np.nan))
                                                   for i in ids])))
    # The objective side: the combined weights' own, the used ones, or entropy for comparison.
    objective: Any = used.details.get("objective") if used.method == "combined" else None
    if objective is None and used.method in ("entropy", "critic"):
        objective = used
    if objective is None:
        values, details = entropy_weights(v.matrix.values, v.matrix.signs,
                                          standardization="minmax")
        objective_name, objective_values = "entropy", values
        entropy_detail: np.ndarray | None = details["entropy"]
    else:
        objective_name, objective_values = objective.method, objective.values
        entropy_detail = objective.details.get("entropy")
    if objective is not used:
        columns.append((v.method_name(objective_name), np.asarray(objective_values)))
    columns.append((t("w_used", method=v.method_name(used.method)), used.values))
    indicators = v.criteria.indicators
    rows, family_rows = [], []
    for family in v.criteria.families:
        members = [j for j, ind in enumerate(indicators) if ind.family == family.id]
        for position, j in enumerate(members):
            rows.append({
                "family": family.label(v.lang) if position == 0 else "",
                "label": indicators[j].label(v.lang),
                "entropy": fmt_num(entropy_detail[j], 4) if entropy_detail is not None else "—",
                "values": [fmt_num(values[j], 4) for _, values in columns],
            })
        family_rows.append({"label": family.label(v.lang),
                            "values": [fmt_num(np.nansum(w[members]), 4) for _, w in columns]})
    chart = v.chart(charts.grouped_bars, [ind.label(v.lang) for ind in indicators],
                    dict(columns), fonts=v.fonts, xlabel=t["chart_weight_pct"])
    return {"columns": [name for name, _ in columns], "rows": rows, "families": family_rows,
            "chart": chart, "used": v.method_text(), "method": used.method,
            "has_entropy_detail": entropy_detail is not None}


def ahp(v: View) -> dict[str, Any] | None:
    """Every expert's matrices, every matrix's consistency, and the suggested revisions."""
    judged = v.report.ahp
    if judged is None:
        return None
    t = v.t
    rows = []
    matrices: dict[str, dict[str, Any]] = {}
    tables: list[str] = []
    for c in judged.consistency:
        r = c.result
        expert = t["ahp_aggregate"] if c.expert == AGGREGATE else v.expert(c.expert)
        name = v.matrix_label(c.matrix)
        rows.append({
            "expert": expert, "matrix": name, "n": r.n,
            "lambda_max": fmt_num(r.lambda_max, 4), "ci": fmt_num(r.ci, 4),
            "ri": fmt_num(r.ri, 2), "cr": fmt_num(r.cr, 4), "ri_table": r.ri_table,
            "ok": bool(r.acceptable), "estimated": len(r.estimated_pairs),
        })
        if r.ri_table not in tables:
            tables.append(r.ri_table)
        if c.expert == AGGREGATE:
            continue
        items = [v.item_label(i) for i in r.items]
        group = matrices.setdefault(expert, {"blocks": [], "width": 0})
        group["width"] = max(group["width"], len(items))
        position = {item: k for k, item in enumerate(r.items)}
        estimated = {tuple(sorted((position[a], position[b]))) for a, b, _ in r.estimated_pairs}
        group["blocks"].append({
            "title": name, "items": items,
            # Only the upper triangle is shown; a filled-in judgment is starred there.
            "rows": [[{"text": saaty_text(x), "estimated": (i, k) in estimated}
                      for k, x in enumerate(row)] for i, row in enumerate(r.matrix)],
            "cr": fmt_num(r.cr, 4), "ok": bool(r.acceptable),
            "lambda_max": fmt_num(r.lambda_max, 4),
        })
    ri = [{"name": v.ri_table_name(name), "values": ", ".join(f"{n}: {fmt_num(x, 2)}"
                                              for n, x in sorted(RI_TABLES[name].items())
                                              if n >= 3)}
          for name in sorted(tables) if name in RI_TABLES]
    revisions = [{"expert": t["ahp_aggregate"] if r.expert == AGGREGATE else v.expert(r.expert),
                  "matrix": v.matrix_label(r.matrix),
                  "pair": " : ".join(v.item_label(p) for p in r.pair),
                  "current": saaty_text(r.current), "suggested": saaty_text(r.suggested)}
                 for r in judged.revisions]
    return {"rows": rows, "matrices": matrices, "ri": ri, "revisions": revisions,
            "families": [{"label": v.family_label(f), "weight": fmt_num(w, 4)}
                         for f, w in judged.families.items()],
            "ri_names": ", ".join(v.ri_table_name(x) for x in sorted(tables)) or "—",
            "all_ok": all(row["ok"] for row in rows)}
