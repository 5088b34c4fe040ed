"""The decisive margin of a selection: the pairs of towns whose order decides it, and whether
the data settle that order.

For a selection of k towns, the *boundary pair* is the weakest chosen town
(by its contribution to the objective: closeness, closeness − λ·cost, or
closeness ÷ cost; towns in ``must_include`` are not candidates) and the
strongest eligible town left out; when the next-best portfolio differs from
the selection by one swap, that pair is compared too (``runner_up``).  Each
pair is compared under every ranking method, every set of weights and every
expert's own weights; along the combination share α; in the robustness
scenarios, when a robustness result is given; and by the objective lost if
the left-out town were taken instead (one re-solve with the swap forced).

The near-tie rule (:data:`NEAR_TIE_RULE`) is stated in every output, as text
and as the fields it tests, and every finding that triggered it is listed.
A scenario's ``tie_break`` then settles a near tie; without one the outputs
say that the data do not settle the choice and that it needs a decision.

Cost: a handful of solves (one swap per pair) and O(n·m) arithmetic; the
per-pair comparisons are O(m) per set of weights (:mod:`.compare`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from evalkit.decide.decisive.compare import (
    PairTopsis,
    alpha_flips,
    experts_of,
    leader,
    method_orders,
    weight_orders,
    weight_variants,
)
from evalkit.decide.decisive.result import (
    Decision,
    DecisiveMargin,
    NearTieRule,
    PairComparison,
    RobustShares,
    Swap,
    Trigger,
)
from evalkit.decide.decisive.text import decision_text, describe_trigger, robustness_texts
from evalkit.decide.scenario import OBJECTIVES, Scenario
from evalkit.decide.selection.inputs import SelectionInput, selection_input
from evalkit.decide.selection.result import SelectionInfeasible, SelectionResult
from evalkit.decide.tiebreak import TieFacts, decide
from evalkit.errors import TimeLimitError, require
from evalkit.methods.panel import ExpertPanel
from evalkit.methods.ranking import TIE_TOLERANCE
from evalkit.model.evaluation import Evaluation

if TYPE_CHECKING:
    from evalkit.decide.robustness.result import Robustness

SWAP_MAX_ELIGIBLE = 1_000
"""Above this many eligible towns the swap re-solve is skipped unless asked for: with the
swap forced (and, when it is infeasible, the diagnosis of which limits block it) it costs
more than the selection itself (1.5× at 2,000 towns; over 20 minutes at 40,000)."""

ROBUSTNESS_SHARE = 0.05
"""A left-out town whose closeness beats the chosen one's in at least this share of the
robustness run's weight samples makes a near tie: the closeness margin is within the spread
the weights' uncertainty gives it.  (The core index, which also moves with the costs, is
reported beside it but does not count.)"""

NEAR_TIE_RULE = NearTieRule(
    reversal_by=("method", "weights", "expert"),
    robustness_share=ROBUSTNESS_SHARE,
    text={
        "en": ("Near tie when the left-out town is put ahead of the chosen one by any "
               "cross-check method (WSM, VIKOR, PROMETHEE II, TOPSIS with the other "
               "normalisation), by any weight variant (AHP alone, entropy alone, CRITIC), or by "
               "any expert's own weights (alone, or combined as the group's are); or, with a "
               "robustness run, when the left-out town's closeness beats the chosen one's in at "
               f"least {ROBUSTNESS_SHARE:.0%} of the weight samples (the margin is within the "
               "spread the weights' uncertainty gives it)."),
        "zh": ("若任一校验方法（WSM、VIKOR、PROMETHEE II、另一种归一化的 TOPSIS）、任一权重方案"
               "（仅 AHP、仅熵值法、CRITIC）或任一专家本人的权重（单独使用，或按组合规则与客观权重"
               "组合）把未入选镇排在入选镇之前；或在稳健性分析中，未入选镇的贴近度在至少 "
               f"{ROBUSTNESS_SHARE:.0%} 的权重抽样中高于入选镇（贴近度差在权重不确定性的波动"
               "范围之内），即判为接近并列。"),
    },
)
"""The rule, in words and as fields (``reversal_by``: the kinds of finding that count)."""


def decisive_margin(
    evaluation: Evaluation,
    selection: SelectionResult,
    scenario: Scenario,
    *,
    robustness: Robustness | None = None,
    pick: int | None = None,
    solver: str | None = None,
    time_limit: float | None = None,
    swap: bool | None = None,
    skipped: tuple[str, ...] = (),
) -> DecisiveMargin:
    """Compare the pairs of towns whose order decides ``selection`` (made from ``evaluation``
    under ``scenario``; ``pick`` as given to the selection).

    ``robustness`` adds each town's core index and winning index.  ``swap``:
    re-solve with each pair swapped (one solve per pair); by default only up
    to :data:`SWAP_MAX_ELIGIBLE` eligible towns, above which it is skipped
    and the result says so.  ``skipped`` notes parts the caller left out,
    quoted in the result.
    """
    require(evaluation, Evaluation, "evaluation", "pass the result of evaluate(...)")
    require(selection, SelectionResult, "selection", "pass the result of select_towns(...)")
    require(scenario, Scenario, "scenario", "pass load_scenario(path)")
    towns = selection_input(evaluation, scenario)
    ids = evaluation.matrix.ids
    names = dict(zip(ids, evaluation.matrix.names, strict=True))
    pairs = _pairs(towns, scenario, selection)
    if not pairs:
        text = ("No pair of towns decides this selection: every chosen town is required "
                "(must_include) or no eligible town was left out.")
        return DecisiveMargin(selection.selected_ids, (), NEAR_TIE_RULE, scenario.tie_break, False,
                              {"en": text, "zh": "本方案不存在决定性的镇对：入选镇均为必选，或没有"
                               "落选的合格镇。"}, skipped)
    eligible = len(ids) - len(selection.excluded)
    if swap is None:
        swap = eligible <= SWAP_MAX_ELIGIBLE
        if not swap:
            skipped = (*skipped, f"swap re-solve skipped: {eligible:,} eligible towns (over "
                       f"{SWAP_MAX_ELIGIBLE:,}), where forcing the swap costs more than the "
                       "selection itself; pass swap=True to run it")
    variants, notes = weight_variants(evaluation)
    panel = experts_of(evaluation, variants)
    index = {t: k for k, t in enumerate(ids)}
    out = []
    value = dict(zip(towns.ids, _contribution(towns, scenario).tolist(), strict=True))
    for (chosen, unchosen), why in pairs.items():
        i, j = index[chosen], index[unchosen]
        pair_topsis = PairTopsis(evaluation, i, j)
        ahead = leader(evaluation, i, j)
        comparison = PairComparison(
            chosen, unchosen, {t: names[t] for t in (chosen, unchosen)}, why,
            (float(evaluation.ranking.closeness[i]), float(evaluation.ranking.closeness[j])),
            method_orders(evaluation, i, j),
            weight_orders(pair_topsis, (chosen, unchosen), ahead, variants, panel),
            alpha_flips(pair_topsis, evaluation),
            _shares(robustness, chosen, unchosen),
            _swap(towns, scenario, selection, chosen, unchosen, pick, solver, time_limit)
            if swap else None,
            False, (), Decision("data", chosen, True, {}),
            "limits" if value[unchosen] > value[chosen] + TIE_TOLERANCE else "order",
        )
        out.append(_judge(comparison, scenario, towns, panel))
    near = any(p.near_tie for p in out)
    shown = [p for p in out if p.near_tie] or out[:1]
    statement = {lang: " ".join(p.decision.text[lang] for p in shown) for lang in ("en", "zh")}
    return DecisiveMargin(selection.selected_ids, tuple(out), NEAR_TIE_RULE, scenario.tie_break,
                          near, statement, skipped, tuple(notes))


def _contribution(towns: SelectionInput, scenario: Scenario) -> np.ndarray:
    """Each town's own share of the objective: its term, or its ratio for a ratio objective."""
    objective = OBJECTIVES[scenario.objective]
    top = np.asarray(objective.numerator(towns.closeness, towns.total_cost,
                                         scenario.objective_params), dtype=float)
    if objective.denominator is None:
        return top
    bottom = np.asarray(objective.denominator(towns.closeness, towns.total_cost,
                                              scenario.objective_params), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), -math.inf)


def _pairs(towns: SelectionInput, scenario: Scenario,
           selection: SelectionResult) -> dict[tuple[str, str], tuple[str, ...]]:
    """The boundary pair and the runner-up swap, each with why it is compared."""
    chosen = set(selection.selected_ids)
    excluded = {e.id for e in selection.excluded}
    value = dict(zip(towns.ids, _contribution(towns, scenario).tolist(), strict=True))
    free = [t for t in towns.ids if t in chosen and t not in scenario.must_include]
    left = [t for t in towns.ids if t not in chosen and t not in excluded]
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    if free and left:
        weakest = min(free, key=lambda t: (value[t], t))
        strongest = max(left, key=lambda t: (value[t], t))
        out[(weakest, strongest)] = ("boundary",)
    if selection.alternatives:
        runner = set(selection.alternatives[0].selected)
        gone, new = sorted(chosen - runner), sorted(runner - chosen)
        if len(gone) == 1 and len(new) == 1:
            key = (gone[0], new[0])
            out[key] = (*out.get(key, ()), "runner_up")
    return out


def _shares(robustness: Robustness | None, chosen: str, unchosen: str) -> RobustShares | None:
    if robustness is None:
        return None
    i, j = robustness.ids.index(chosen), robustness.ids.index(unchosen)
    core = None
    scenarios = None
    if robustness.selection is not None:
        core = (float(robustness.selection.core_index[i]), float(robustness.selection.core_index[j]))
        scenarios = robustness.selection.scenarios
    beats = None if robustness.winning is None else float(robustness.winning[j, i])
    return RobustShares(core, beats, robustness.samples, scenarios)


def _swap(towns: SelectionInput, scenario: Scenario, selection: SelectionResult, chosen: str,
          unchosen: str, pick: int | None, solver: str | None,
          time_limit: float | None) -> Swap:
    """The best set with ``unchosen`` in and ``chosen`` out: one solve, the rest unchanged."""
    from evalkit.decide.selection import select  # imports the solver

    swapped = replace(scenario, must_include=(*scenario.must_include, unchosen),
                      must_exclude=(*scenario.must_exclude, chosen))
    try:
        result = select(towns, swapped, pick=pick, solver=solver or selection.solver,
                        time_limit=time_limit, alternatives=0, why_not=False, ties=0)
    except SelectionInfeasible as exc:
        return Swap(None, None, None, "infeasible", exc.what)
    except TimeLimitError as exc:
        return Swap(None, None, None, "stopped", exc.what)
    loss = selection.objective - result.objective
    if -1e-9 < loss < 0:
        loss = 0.0
    return Swap(tuple(sorted(result.selected_ids)), result.objective, loss, result.status)


def _triggers(p: PairComparison) -> list[Trigger]:
    """Every finding of the near-tie rule (:data:`NEAR_TIE_RULE`) for an order-decided pair."""
    out = []
    if abs(p.margin) <= TIE_TOLERANCE:
        chosen, unchosen = (f"{p.names.get(t, t)} {t}" for t in p.pair)
        out.append(Trigger("method", p.methods[0].method,
                           f"{chosen} and {unchosen} have equal closeness", 0.0,
                           f"{p.names.get(p.chosen)}与{p.names.get(p.unchosen)}贴近度相同"))
    for m in p.methods:
        if m.reverses:
            en, zh = describe_trigger(p, m)
            out.append(Trigger("method", m.method, en, m.scores[1] - m.scores[0], zh))
    for w in p.weights:
        if w.reverses:
            en, zh = describe_trigger(p, w)
            kind = "expert" if w.expert is not None else "weights"
            out.append(Trigger(kind, w.expert or w.variant, en, w.closeness[1] - w.closeness[0],
                               zh))
    r = p.robustness
    if r is not None:
        if r.out_beats_in is not None and r.out_beats_in >= ROBUSTNESS_SHARE:
            en, zh = robustness_texts(p, r.out_beats_in)
            out.append(Trigger("robustness", "winning_index", en, r.out_beats_in, zh))
    return out


def _facts(p: PairComparison, towns: SelectionInput, panel: ExpertPanel | None) -> TieFacts:
    index = {t: k for k, t in enumerate(towns.ids)}
    cost = {t: float(towns.total_cost[index[t]]) for t in p.pair}
    talent = {t: float(towns.talent_need[index[t]]) for t in p.pair}
    votes = dict.fromkeys(p.pair, 0)
    experts = [w for w in p.weights if w.variant == "expert"] or [
        w for w in p.weights if w.variant == "expert_ahp"]
    for w in experts:
        if w.prefers is not None:
            votes[w.prefers] += 1
    core = ({} if p.robustness is None or p.robustness.core_index is None
            else dict(zip(p.pair, p.robustness.core_index, strict=True)))
    return TieFacts(cost, talent, votes if panel is not None else {}, core)


def _judge(p: PairComparison, scenario: Scenario, towns: SelectionInput,
           panel: ExpertPanel | None) -> PairComparison:
    if p.decided_by == "limits":
        return replace(p, decision=Decision("limits", p.chosen, True, decision_text(p, "limits",
                                                                                    None, "")))
    triggers = tuple(_triggers(p))
    near = bool(triggers)
    p = replace(p, near_tie=near, triggers=triggers)
    rule = scenario.tie_break
    if not near:
        decision = Decision("data", p.chosen, True, decision_text(p, "data", None, ""))
    elif rule is None:
        decision = Decision("needs_decision", None, None, decision_text(p, "needs_decision", None,
                                                                        ""))
    else:
        winner, why = decide(rule, p.pair, _facts(p, towns, panel))
        if winner is None:
            decision = Decision("needs_decision", None, None,
                                decision_text(p, "needs_decision", rule, why), why)
        else:
            decision = Decision("tie_break", winner, winner == p.chosen,
                                decision_text(p, "tie_break", rule, why, winner), why)
    return replace(p, decision=decision)
