"""The decisive margin in words, Chinese and English: each trigger and each pair's decision."""

from __future__ import annotations

from collections.abc import Mapping

from evalkit.decide.decisive.result import MethodOrder, PairComparison, WeightOrder
from evalkit.decide.tiebreak import TieBreak

METHOD_LABELS: Mapping[str, str] = {
    "topsis_vector": "TOPSIS (vector)", "topsis_minmax": "TOPSIS (min–max)", "wsm": "WSM",
    "vikor": "VIKOR", "promethee_ii": "PROMETHEE II",
}
"""How each ranking method is named in text and tables."""

VARIANT_LABELS: Mapping[str, Mapping[str, str]] = {
    "evaluation": {"zh": "本次权重", "en": "the weights used"},
    "ahp": {"zh": "仅 AHP（专家综合）", "en": "AHP alone (the experts' aggregate)"},
    "entropy": {"zh": "仅熵值法", "en": "entropy alone"},
    "critic": {"zh": "CRITIC", "en": "CRITIC"},
    "expert": {"zh": "{expert} 本人权重（组合）", "en": "{expert}'s own weights (combined)"},
    "expert_ahp": {"zh": "{expert} 本人 AHP 权重", "en": "{expert}'s own AHP weights alone"},
}
"""How each set of weights is named, in both languages (``{expert}`` is filled in)."""


def variant_label(row: WeightOrder, lang: str) -> str:
    return VARIANT_LABELS[row.variant][lang].format(expert=row.expert or "")


def _town(p: PairComparison, town: str) -> str:
    return f"{p.names.get(town, town)} {town}"


def describe_trigger(p: PairComparison, row: MethodOrder | WeightOrder) -> tuple[str, str]:
    """One finding that reverses the order, with its numbers, in English and Chinese."""
    ahead, behind = (p.unchosen, p.chosen) if row.prefers == p.unchosen else (p.chosen, p.unchosen)
    ahead_en, behind_en = _town(p, ahead), _town(p, behind)
    ahead_zh, behind_zh = p.names.get(ahead, ahead), p.names.get(behind, behind)
    index = p.pair.index
    if isinstance(row, MethodOrder):
        a, b = row.scores[index(ahead)], row.scores[index(behind)]
        name = METHOD_LABELS.get(row.method, row.method)
        better = ("higher", "越大越好") if row.higher_is_better else ("lower", "越小越好")
        return (f"{name} puts {ahead_en} ahead of {behind_en} ({a:.4f} vs {b:.4f}, "
                f"{better[0]} is better)",
                f"{name}把{ahead_zh}排在{behind_zh}之前（{a:.4f} 对 {b:.4f}，{better[1]}）")
    a, b = row.closeness[index(ahead)], row.closeness[index(behind)]
    return (f"under {variant_label(row, 'en')} {ahead_en} is ahead of {behind_en} "
            f"(closeness {a:.4f} vs {b:.4f})",
            f"按{variant_label(row, 'zh')}，{ahead_zh}领先{behind_zh}（贴近度 {a:.4f} 对 {b:.4f}）")


def robustness_texts(p: PairComparison, share: float) -> tuple[str, str]:
    """The robustness finding: the left-out town's closeness is higher in ``share`` of the samples."""
    out_en, chosen_en = _town(p, p.unchosen), _town(p, p.chosen)
    out_zh, chosen_zh = p.names.get(p.unchosen, p.unchosen), p.names.get(p.chosen, p.chosen)
    return (f"{out_en}'s closeness beats {chosen_en}'s in {share:.1%} of the weight samples",
            f"在 {share:.1%} 的权重抽样中{out_zh}的贴近度高于{chosen_zh}")


def _summary(p: PairComparison) -> tuple[str, str]:
    """How many findings of each kind reverse the order: "2 weight variants, 1 expert"."""
    kinds = {"method": ("cross-check method", "cross-check methods", "项校验方法"),
             "weights": ("weight variant", "weight variants", "项权重方案"),
             "expert": ("expert's own weights", "experts' own weights", "位专家本人的权重"),
             "robustness": ("robustness finding", "robustness findings", "项稳健性结果")}
    counts: dict[str, int] = {}
    for t in p.triggers:
        counts[t.kind] = counts.get(t.kind, 0) + 1
    en = ", ".join(f"{n} {kinds[k][0] if n == 1 else kinds[k][1]}" for k, n in counts.items())
    zh = "、".join(f"{n} {kinds[k][2]}" for k, n in counts.items())
    return en, zh


def decision_text(p: PairComparison, settled_by: str, rule: TieBreak | None, why: str,
                  winner: str | None = None) -> dict[str, str]:
    """What the pair's comparison means for the choice, in both languages."""
    chosen_en, out_en = _town(p, p.chosen), _town(p, p.unchosen)
    chosen_zh, out_zh = p.names.get(p.chosen, p.chosen), p.names.get(p.unchosen, p.unchosen)
    margin = p.margin
    if settled_by == "limits":
        swap = p.swap
        if swap is not None and swap.selected is not None and swap.loss is not None:
            cost_en = (f"taking it instead gives {', '.join(swap.selected)}, an objective "
                       f"{swap.loss:.4f} lower")
            cost_zh = f"若以其替换，方案为 {'、'.join(swap.selected)}，目标值低 {swap.loss:.4f}"
        elif swap is not None:
            cost_en, cost_zh = f"no set takes it instead: {swap.reason}", f"无法替换：{swap.reason}"
        else:
            cost_en, cost_zh = "the swap was not re-solved", "未重新求解替换方案"
        return {
            "en": (f"{out_en} scores higher than {chosen_en} ({-margin:.4f}) but is left out: the "
                   f"scenario's limits, not the order, decide this pair; {cost_en}."),
            "zh": (f"{out_zh}得分高于{chosen_zh}（高 {-margin:.4f}）但未入选：决定这一对的是情景的"
                   f"约束条件而非排序；{cost_zh}。"),
        }
    if settled_by == "data":
        return {
            "en": (f"{chosen_en} leads {out_en} under every method, weight variant and expert "
                   f"checked (closeness margin {margin:.4f}): the data settle this choice."),
            "zh": (f"在所有校验方法、权重方案和专家权重下，{chosen_zh}均领先{out_zh}"
                   f"（贴近度差 {margin:.4f}）：数据足以支持这一取舍。"),
        }
    en_count, zh_count = _summary(p)
    head_en = (f"{chosen_en} (chosen) and {out_en} (left out) are a near tie: closeness margin "
               f"{margin:.4f}, and {en_count} put {out_en} ahead.")
    head_zh = (f"{chosen_zh}（入选）与{out_zh}（未入选）接近并列：贴近度仅差 {margin:.4f}，"
               f"且有 {zh_count}把{out_zh}排在前面。")
    swap = p.swap
    if settled_by == "needs_decision":
        unsettled_en = (f" The data do not settle the choice between {chosen_en} and {out_en}; "
                        "it needs a decision")
        unsettled_zh = f"数据不足以在{chosen_zh}与{out_zh}之间作出取舍，需要决策者作出决定"
        if rule is None:
            unsettled_en += " (state it in the scenario as tie_break, with its reason)."
            unsettled_zh += "（可在情景文件 tie_break 中写明偏好及理由）。"
        else:
            unsettled_en += (f": the scenario's tie-break ({rule.describe()}) does not decide "
                             f"it ({why}).")
            unsettled_zh += f"：情景文件的 tie_break 规则（{rule.describe()}）对这两个镇不适用（{why}）。"
        return {"en": head_en + unsettled_en, "zh": head_zh + unsettled_zh}
    assert rule is not None and winner is not None
    win_en, win_zh = _town(p, winner), p.names.get(winner, winner)
    en = f" The scenario's tie-break ({rule.describe()}) prefers {win_en}: {why}."
    zh = f"情景文件的 tie_break 规则（{rule.describe()}）倾向{win_zh}。"
    if winner == p.chosen:
        en += " The selection already chose it."
        zh += "本方案已选择该镇。"
    elif swap is not None and swap.selected is not None and swap.loss is not None:
        towns = ", ".join(swap.selected)
        en += (f" Taking it instead of {chosen_en} gives {towns}, an objective {swap.loss:.4f} "
               "lower than the optimum.")
        zh += f"若以其替换{chosen_zh}，方案为 {towns}，目标值比最优低 {swap.loss:.4f}。"
    elif swap is not None:
        en += f" But no set takes it instead of {chosen_en}: {swap.reason}."
        zh += f"但无法以其替换{chosen_zh}：{swap.reason}。"
    return {"en": head_en + en, "zh": head_zh + zh}
