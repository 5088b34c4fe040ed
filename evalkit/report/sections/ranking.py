"""五、综合排名 and 六、障碍因子诊断: TOPSIS closeness, the cross-checks, the obstacles."""

from __future__ import annotations

from typing import Any

import numpy as np

import evalkit.report.charts as charts
from evalkit.report.sections.view import View
from evalkit.report.text import METHOD_NAMES, fmt_num, fmt_pct


def build(v: View) -> dict[str, Any]:
    """Towns by closeness (chosen towns marked), and how other methods order them."""
    r = v.evaluation.ranking
    ids = v.matrix.ids
    selected = set(v.selected_ids())
    rows = [{"id": ids[i], "name": v.name(ids[i]), "rank": int(r.ranks[i]),
             "tied": bool(r.tied[i]), "closeness": float(r.closeness[i]),
             "d_plus": fmt_num(r.d_plus[i], 4), "d_minus": fmt_num(r.d_minus[i], 4),
             "selected": ids[i] in selected} for i in r.order]
    flags = [row["selected"] for row in rows] if selected else []
    chart = v.chart(charts.ranked_bars, [v.name(row["id"], short=True) for row in rows],
                    [row["closeness"] for row in rows], fonts=v.fonts,
                    xlabel=v.t["chart_closeness"], highlight=flags,
                    legend=(v.t["legend_selected"], v.t["legend_not_selected"]))
    agreement = [{"method": v.t.get(f"crosscheck_{name}", METHOD_NAMES.get(name, name)),
                  "spearman": fmt_num(a.spearman, 3),
                  "weighted": fmt_num(a.weighted_spearman, 3),
                  "order": " > ".join(v.name(ids[i], short=True)
                                      for i in np.lexsort((np.arange(len(a.ranks)), a.ranks)))}
                 for name, a in v.evaluation.agreement.items()]
    return {"rows": rows, "chart": chart, "agreement": agreement,
            "normalization": v.normalization_name(r.normalization)}


def obstacles(v: View) -> dict[str, Any]:
    """Each family's obstacle degree per town (a heat map), and each town's largest three."""
    o = v.evaluation.obstacles
    order = v.evaluation.ranking.order
    ids = v.matrix.ids
    chart = v.chart(charts.heatmap, [v.name(ids[i], short=True) for i in order],
                    [v.family_label(f) for f in o.family_ids], o.family_degree[order],
                    fonts=v.fonts, colorbar=v.t["chart_obstacle_pct"])
    rows = [{"name": v.name(ids[i]),
             "top": [{"label": v.indicator_label(ind), "degree": fmt_pct(deg)}
                     for ind, deg in o.top(int(i), 3)]} for i in order]
    return {"chart": chart, "rows": rows}
