"""专家意见 / Each expert's view: who they are, their own weights, ranking and selection, the consensus.

Built from :class:`~evalkit.decide.experts.ExpertsView`: the panel (role,
unit, date, how the judgments were given, reasons), each expert's own family
weights beside the group's, each expert's ranking and selection under the
scenario, Kendall's W of their rankings, the geometric cardinal consensus
index of every matrix, and the dissent (whose weights change the selection,
and how).
"""

from __future__ import annotations

from typing import Any

from evalkit.report.sections.view import View
from evalkit.report.text import fmt_num


def build(v: View) -> dict[str, Any] | None:
    """The panel table, weights side by side, rankings and selections, consensus, dissent."""
    view = v.report.experts
    if view is None:
        return None
    t, lang = v.t, v.lang
    panel = view.panel
    people = []
    for e in panel.experts:
        x = e.expert
        name, role, unit = x.shown(lang)
        people.append({
            "name": v.as_written(name), "role": v.as_written(role) if role else "—",
            "unit": v.as_written(unit) if unit else "—",
            "date": x.date or "—",
            "method": t.get(f"elicitation_{x.method}", x.method or "—") if x.method else "—",
            "share": fmt_num(e.share * 100, 0) + "%",
            "reasons": [{"matrix": v.matrix_label(m), "text": v.as_written(r, r != e.reasons[m])}
                        for m, r in e.reasons_in(lang).items()],
        })
    group = v.evaluation.weights.details.get("ahp")
    families = list(dict.fromkeys(v.matrix.families))
    family_rows = []
    for f in families:
        row = {"label": v.family_label(f),
               "experts": [fmt_num(e.families.get(f), 3) for e in panel.experts],
               "group": fmt_num(group.families.get(f) if group is not None else None, 3)}
        family_rows.append(row)
    ids = list(panel.ids)
    selected = set(v.selected_ids())
    rank_rows = []
    group_ranks = v.evaluation.ranking.ranks.tolist()
    for i, town in enumerate(ids):
        rank_rows.append({
            "name": v.name(town, short=True),
            "experts": [str(int(e.ranking.ranks[i])) for e in panel.experts],
            "group": str(group_ranks[v.matrix.ids.index(town)]),
            "chosen": town in selected,
        })
    selections = []
    if view.selections is not None:
        for e in panel.experts:
            s = view.selections[e.name]
            selections.append({"name": v.expert(e.name),
                               "towns": v.names(s.selected, short=True) if s.selected else
                               t("expert_no_selection", status=s.status),
                               "same": s.selected is not None
                               and set(s.selected) == selected})
    kendall = panel.kendall
    above = [r for r in panel.consensus if r.acceptable is False]
    consensus = [{"expert": v.expert(r.expert), "matrix": v.matrix_label(r.matrix),
                  "gcci": fmt_num(r.gcci, 3), "threshold": fmt_num(r.threshold, 2),
                  "ok": r.acceptable}
                 for r in panel.consensus if r.gcci is not None]
    dissent = [t("dissent_line", expert=v.expert(d.expert),
                 towns_in=v.names(d.towns_in, short=True),
                 towns_out=v.names(d.towns_out, short=True), loss=fmt_num(d.loss, 4))
               for d in view.dissent]
    return {
        "people": people,
        "headers": [v.expert(e.name) for e in panel.experts],
        "families": family_rows,
        "ranks": rank_rows,
        "selections": selections,
        "kendall": t("kendall_text", w=fmt_num(kendall.w, 3), m=kendall.m, n=kendall.n),
        "consensus": consensus,
        "consensus_summary": (t("gcci_above", count=len(above), total=len(consensus))
                              if above else t("gcci_all_ok", total=len(consensus))),
        "dissent": dissent,
        "no_dissent": t["no_dissent"] if view.selections is not None and not view.dissent else "",
        "description": panel.description if lang == "en" else "",
        "note": view.note,
    }
