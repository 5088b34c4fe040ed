"""The decisive margin as terminal tables: the pair side by side, the near-tie verdict."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from evalkit.decide.decisive import DecisiveMargin, PairComparison
from evalkit.decide.decisive.text import METHOD_LABELS, variant_label

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "决定性比较", "chosen": "入选", "unchosen": "未入选", "margin": "贴近度差",
        "method": "方法", "weights": "权重", "ahead": "领先", "reverses": "次序反转",
        "alpha": "组合系数 α = {current:g}；α = {flips} 时两镇次序互换",
        "alpha_none": "组合系数 α：{note}", "core": "入选率 (core index)",
        "beats": "{out} 的贴近度高于 {chosen} 的抽样比例：{share}",
        "swap": "以 {out} 替换 {chosen} 的最优方案：{towns}，目标值 {objective:.4f}（减少 {loss:.4f}）",
        "swap_none": "以 {out} 替换 {chosen}：{reason}", "rule": "判定规则",
        "tie_break": "情景文件的 tie_break：{rule}", "near": "接近并列", "clear": "差距明确",
        "triggers": "触发项", "skipped": "略去", "why": {"boundary": "边界镇对",
                                                        "runner_up": "次优方案的替换"},
    },
    "en": {
        "title": "Decisive margin", "chosen": "chosen", "unchosen": "left out",
        "margin": "closeness margin", "method": "Method", "weights": "Weights",
        "ahead": "Ahead", "reverses": "reversed",
        "alpha": "combination share α = {current:g}; the order flips at α = {flips}",
        "alpha_none": "combination share α: {note}", "core": "core index",
        "beats": "{out} beats {chosen} in {share} of the weight samples",
        "swap": "best set with {out} instead of {chosen}: {towns}, objective {objective:.4f} "
                "({loss:.4f} lower)",
        "swap_none": "{out} instead of {chosen}: {reason}", "rule": "Rule",
        "tie_break": "scenario tie_break: {rule}", "near": "NEAR TIE", "clear": "clear",
        "triggers": "Triggers", "skipped": "Skipped",
        "why": {"boundary": "boundary pair", "runner_up": "runner-up swap"},
    },
}


def print_decisive(margin: DecisiveMargin, lang: str, console: Console) -> None:
    """Each pair's comparison, the rule, and the statement."""
    t = TEXT[lang]
    for pair in margin.pairs:
        _pair(pair, lang, console)
    if margin.pairs:
        console.print(f"{t['rule']}: {margin.rule.text[lang]}")
    if margin.tie_break is not None:
        console.print(t["tie_break"].format(rule=margin.tie_break.describe()))
    for note in (*margin.skipped, *margin.notes):
        console.print(f"{t['skipped']}: {note}")
    console.print(f"[bold]{escape(margin.statement[lang])}[/bold]")


def _town(p: PairComparison, town: str) -> str:
    return f"{p.names.get(town, town)} {town}"


def _pair(p: PairComparison, lang: str, console: Console) -> None:
    t = TEXT[lang]
    chosen, out = _town(p, p.chosen), _town(p, p.unchosen)
    why = "、".join(t["why"][w] for w in p.why) if lang == "zh" else ", ".join(
        t["why"][w] for w in p.why)
    verdict = t["near"] if p.near_tie else t["clear"]
    console.print(f"[bold]{t['title']}[/bold] ({why}): {chosen} ({t['chosen']}) vs {out} "
                  f"({t['unchosen']}) · {t['margin']} {p.margin:.4f} · {verdict}")
    methods = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for title, justify in ((t["method"], "left"), (chosen, "right"), (out, "right"),
                           (t["ahead"], "left")):
        methods.add_column(title, justify=justify)  # type: ignore[arg-type]
    for m in p.methods:
        arrow = "↑" if m.higher_is_better else "↓"
        ahead = "—" if m.prefers is None else m.prefers
        methods.add_row(f"{METHOD_LABELS.get(m.method, m.method)} {arrow}",
                        f"{m.scores[0]:.4f} (#{m.ranks[0]})", f"{m.scores[1]:.4f} (#{m.ranks[1]})",
                        ahead + (f" ✗ {t['reverses']}" if m.reverses else ""))
    console.print(methods)
    weights = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for title, justify in ((t["weights"], "left"), (chosen, "right"), (out, "right"),
                           (t["ahead"], "left")):
        weights.add_column(title, justify=justify)  # type: ignore[arg-type]
    for w in p.weights:
        ahead = "—" if w.prefers is None else w.prefers
        weights.add_row(variant_label(w, lang), f"{w.closeness[0]:.4f}", f"{w.closeness[1]:.4f}",
                        ahead + (f" ✗ {t['reverses']}" if w.reverses else ""))
    console.print(weights)
    a = p.alpha
    if a.flips:
        console.print(t["alpha"].format(current=a.current, flips=", ".join(f"{x:.4f}"
                                                                            for x in a.flips)))
    else:
        console.print(t["alpha_none"].format(note=a.note))
    r = p.robustness
    if r is not None:
        if r.core_index is not None:
            console.print(f"{t['core']}: {chosen} {r.core_index[0]:.1%} · {out} "
                          f"{r.core_index[1]:.1%}")
        if r.out_beats_in is not None:
            console.print(t["beats"].format(out=out, chosen=chosen, share=f"{r.out_beats_in:.1%}"))
    s = p.swap
    if s is not None:
        if s.selected is not None and s.objective is not None and s.loss is not None:
            towns = ("、" if lang == "zh" else ", ").join(s.selected)
            console.print(t["swap"].format(out=out, chosen=chosen, towns=towns,
                                           objective=s.objective, loss=s.loss))
        else:
            console.print(t["swap_none"].format(out=out, chosen=chosen, reason=s.reason))
    if p.triggers:
        console.print(f"{t['triggers']}:")
        for trigger in p.triggers:
            detail = trigger.detail_zh if lang == "zh" and trigger.detail_zh else trigger.detail
            console.print(escape(f"  · [{trigger.kind}] {detail}"))
