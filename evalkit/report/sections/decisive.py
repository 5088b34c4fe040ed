"""决定性比较 / How close the call is: the pairs of towns whose order decides the selection.

Built from :class:`~evalkit.decide.decisive.DecisiveMargin`: each pair's
scores under every ranking method, its closeness under every set of weights
and every expert's, the combination share α at which the order flips, the
robustness shares, the objective a swap costs, the near-tie verdict with its
rule, and the scenario's tie-break rule or the plain statement that the
choice needs a decision.
"""

from __future__ import annotations

import re
from typing import Any

from evalkit.decide.tiebreak import TieBreak
from evalkit.report.sections.view import View
from evalkit.report.text import METHOD_NAMES, fmt_num, fmt_pct, label_text


def _method(v: View, name: str) -> str:
    return v.t.get(f"crosscheck_{name}", METHOD_NAMES.get(name, name))


def _variant(v: View, variant: str, label: str, expert: str | None) -> str:
    if expert:
        return v.t(f"variant_{variant}", expert=v.expert(expert))
    return v.t.get(f"variant_{variant}", label)


def _prefers(v: View, town: str | None) -> str:
    return v.name(town, short=True) if town else v.t["equal"]


_TIE_BREAK_KEY = re.compile(r"情景文件的? ?tie_break ?(?:规则)?")
"""The library's Chinese sentences name the scenario key: 情景文件 tie_break 中."""


def _localised(v: View, text: str, towns: dict[str, str]) -> str:
    """The library's sentence with each town written as this document writes it."""
    if v.lang == "zh":  # the scenario key in words, the key itself in brackets
        return _TIE_BREAK_KEY.sub(v.t["tie_break_words"], text)
    # One pass: a name just written ("Yunxi (云溪镇)") holds the Chinese name, which a
    # second replacement would wrap again ("Yunxi (Yunxi (云溪镇))").  Experts are named
    # as the English document names them ("Wang Jianguo's own weights").
    written = {name: shown for name, shown in v.expert_names().items() if name != shown}
    for town, zh in towns.items():
        written[f"{zh} {town}"] = written[zh] = v.name(town)
    if not written:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(written, key=len, reverse=True)))
    return pattern.sub(lambda match: written[match.group(0)], text)


def build(v: View) -> dict[str, Any] | None:
    """One block per pair: methods, weights, α, robustness, swap, verdict, decision."""
    margin = v.report.decisive
    if margin is None:
        return None
    t, lang = v.t, v.lang
    pairs = []
    for pair in margin.pairs:
        a, b = pair.chosen, pair.unchosen
        methods = [{"name": _method(v, m.method),
                    "a": fmt_num(m.scores[0], 4), "b": fmt_num(m.scores[1], 4),
                    "ranks": f"{m.ranks[0]} / {m.ranks[1]}",
                    "direction": t["higher_better" if m.higher_is_better else "lower_better"],
                    "prefers": _prefers(v, m.prefers), "reverses": m.reverses}
                   for m in pair.methods]
        weights = [{"name": _variant(v, w.variant, w.label, w.expert),
                    "a": fmt_num(w.closeness[0], 4), "b": fmt_num(w.closeness[1], 4),
                    "margin": fmt_num(w.closeness[0] - w.closeness[1], 4),
                    "prefers": _prefers(v, w.prefers), "reverses": w.reverses}
                   for w in pair.weights]
        alpha = pair.alpha
        if alpha.flips:
            alpha_text = t("alpha_flips", current=fmt_num(alpha.current, 2),
                           flips="、".join(fmt_num(x, 4) for x in alpha.flips)
                           if lang == "zh" else ", ".join(fmt_num(x, 4) for x in alpha.flips),
                           a=v.name(a), b=v.name(b))
        elif alpha.current is not None:
            alpha_text = t("alpha_no_flip", current=fmt_num(alpha.current, 2))
        else:
            alpha_text = alpha.note
        rb = pair.robustness
        robust_text = ""
        if rb is not None:
            parts = []
            if rb.core_index is not None:
                parts.append(t("pair_core", a=v.name(a), b=v.name(b),
                               ca=fmt_pct(rb.core_index[0], 1), cb=fmt_pct(rb.core_index[1], 1),
                               scenarios=v.count(rb.scenarios or 0)))
            if rb.out_beats_in is not None:
                parts.append(t("pair_beats", a=v.name(a), b=v.name(b),
                               share=fmt_pct(rb.out_beats_in, 1), samples=v.count(rb.samples)))
            robust_text = t["list_sep"].join(parts)
        swap = pair.swap
        swap_text = ""
        if swap is not None:
            if swap.selected is not None and swap.loss is not None:
                swap_text = t("pair_swap", b=v.name(b), towns=v.names(swap.selected),
                              objective=fmt_num(swap.objective, 4), loss=fmt_num(swap.loss, 4))
            else:
                swap_text = t("pair_swap_none", b=v.name(b), reason=swap.reason)
        names = dict(pair.names)
        triggers = [(x.detail_zh or x.detail) if lang == "zh"
                    else _localised(v, x.detail, names) for x in pair.triggers]
        pairs.append({
            "title": t("pair_title", a=v.name(a), b=v.name(b)),
            "a": v.name(a, short=True), "b": v.name(b, short=True),
            "margin": fmt_num(pair.margin, 4),
            "methods": methods, "weights": weights,
            "alpha": alpha_text, "robustness": robust_text, "swap": swap_text,
            "near_tie": pair.near_tie, "triggers": triggers,
            "decision": _localised(v, label_text(pair.decision.text, lang, ""), names),
            "settled_by": pair.decision.settled_by,
        })
    tie_break = margin.tie_break
    return {
        "pairs": pairs,
        "near_tie": margin.near_tie,
        "rule": label_text(margin.rule.text, lang, ""),
        "statement": _localised(v, label_text(margin.statement, lang, ""),
                                {k: n for p in margin.pairs for k, n in p.names.items()}),
        "tie_break": (t("tie_break_quoted", rule=_tie_rule(tie_break), reason=tie_break.reason)
                      if tie_break is not None else ""),
        "skipped": list(margin.skipped),
    }


def _tie_rule(tie_break: TieBreak) -> str:
    return tie_break.rule or "、".join(tie_break.prefer)
