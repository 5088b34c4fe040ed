"""Each expert's view as a short block per expert, the consensus and the dissent."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

TEXT = {
    "zh": {"title": "专家各自的观点", "families": "准则层权重", "ranking": "排序",
           "selection": "优选", "same": "与综合结果相同", "differs": "与综合结果不同",
           "reason": "理由", "kendall": "排序一致性 Kendall W", "gcci": "判断共识 GCCI",
           "acceptable": "{ok}/{all} 个矩阵达到共识阈值", "over": "未达阈值",
           "dissent": "分歧", "none": "无专家判断（权重方法为 {method}）", "group": "综合结果"},
    "en": {"title": "Each expert's view", "families": "family weights", "ranking": "ranking",
           "selection": "selection", "same": "same as the group's", "differs":
           "differs from the group's", "reason": "reason", "kendall": "Kendall's W of rankings",
           "gcci": "GCCI consensus", "acceptable": "{ok} of {all} matrices within the threshold",
           "over": "over the threshold", "dissent": "Dissent",
           "none": "no experts' judgments (weighting: {method})", "group": "group"},
}


def print_experts(report: dict[str, Any], family_labels: dict[str, str], lang: str,
                  console: Console) -> None:
    """The ``experts``, ``consensus`` and ``dissent`` parts of the weights report."""
    t = TEXT[lang]
    if not report.get("experts"):
        console.print(t["none"].format(method=report.get("weighting", "")))
        return
    console.print(f"[bold]{t['title']}[/bold] — {escape(report.get('experts_weighting', ''))}")
    group = report.get("group_selection") or {}
    for e in report["experts"]:
        who = " · ".join(x for x in (e["name"], e.get("role"), e.get("unit"), e.get("date"),
                                     e.get("method")) if x)
        console.print(f"[bold]{escape(who)}[/bold]")
        families = ", ".join(f"{family_labels.get(f, f)} {w:.3f}"
                             for f, w in sorted(e["family_weights"].items(), key=lambda x: -x[1]))
        console.print(f"  {t['families']}: {escape(families)}")
        ranking = " > ".join(f"{r['name']} {r['id']}" for r in e["ranking"][:10])
        console.print(f"  {t['ranking']}: {escape(ranking)}")
        chosen = e.get("selection")
        if chosen is not None:
            if chosen["selected"] is None:
                console.print(f"  {t['selection']}: {escape(chosen['note'])}")
            else:
                same = set(chosen["selected"]) == set(group.get("selected") or ())
                console.print(f"  {t['selection']}: {', '.join(chosen['selected'])} "
                              f"({t['same'] if same else t['differs']})")
        for matrix, reason in e.get("reasons", {}).items():
            console.print(f"  {t['reason']} ({matrix}): {escape(reason)}")
    c = report["consensus"]
    w = c["kendall_w"]
    console.print(f"{t['kendall']} = {'—' if w is None else f'{w:.3f}'}"
                  + (f" ({escape(c['note'])})" if c.get("note") else ""))
    rows = [g for g in c["gcci"] if g["gcci"] is not None]
    ok = sum(1 for g in rows if g["acceptable"])
    console.print(f"{t['gcci']}: {t['acceptable'].format(ok=ok, all=len(rows))} "
                  f"({escape(c['threshold']['rule'])})")
    for g in rows:
        if not g["acceptable"]:
            console.print(f"  {t['over']}: {escape(g['expert'])} {g['matrix']} "
                          f"GCCI {g['gcci']:.3f} > {g['threshold']:.2f}")
    for d in report.get("dissent", []):
        console.print(f"{t['dissent']}: {escape(d['text'])}")
