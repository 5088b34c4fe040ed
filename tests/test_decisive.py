"""The decisive margin: the pair of towns whose order decides a selection, side by side.

Tests on the bundled sample do not depend on which of the sample's two states (the plan's old
or new targets) it is in: they read the pair from the output and check the numbers against an
independent computation.  The near-tie rule and the α-flip are also checked on tiny fixtures
whose answers are known.
"""

from __future__ import annotations

import itertools
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from foundation_support import assert_error, run_cli

import evalkit.decide.decisive.margin as margin_module
import evalkit.decide.selection.choose as choose
from evalkit import evaluate, load_candidates, load_criteria
from evalkit.decide.decisive import NEAR_TIE_RULE, decisive_margin, quick_robustness
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import SelectionInfeasible, select, select_towns, selection_input
from evalkit.errors import InputError
from evalkit.methods.ranking import topsis
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO

# --------------------------------------------------------------------------
# Tiny fixtures
# --------------------------------------------------------------------------

CRITERIA = """name: tiny
version: "1"
families:
  - id: all
indicators:
  - {{id: x1, family: all, direction: max, column: x1}}
  - {{id: x2, family: all, direction: max, column: x2}}
weighting: {weighting}
ranking: {{normalization: vector}}
"""


def tiny(tmp_path: Path, rows: str, *, convert: int, weighting: str,
         scenario_extra: str = "", judgments: dict[str, str] | None = None):
    (tmp_path / "criteria.yaml").write_text(CRITERIA.format(weighting=weighting),
                                            encoding="utf-8")
    (tmp_path / "towns.csv").write_text("id,name,x1,x2,cost\n" + rows, encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text(
        f"convert: {{exactly: {convert}}}\ncategories:\n  all: {{column: cost}}\n"
        + scenario_extra, encoding="utf-8")
    for name, text in (judgments or {}).items():
        (tmp_path / "judgments").mkdir(exist_ok=True)
        (tmp_path / "judgments" / name).write_text(text, encoding="utf-8")
    evaluation = evaluate(load_criteria(tmp_path / "criteria.yaml"),
                          load_candidates(tmp_path / "towns.csv"))
    scenario = load_scenario(tmp_path / "scenario.yaml")
    selection = select_towns(evaluation, scenario)
    return evaluation, scenario, selection


FIXED = "{method: fixed, weights: {x1: 0.9, x2: 0.1}}"


def test_a_clear_case_is_not_a_near_tie(tmp_path: Path) -> None:
    """甲 dominates every other town on both indicators: every method, every weight variant
    and every robustness sample puts it first, so choosing it over 乙 is no near tie."""
    evaluation, scenario, selection = tiny(
        tmp_path, "A,甲镇,10,9,5\nB,乙镇,6,5,5\nC,丙镇,4,6,5\nD,丁镇,1,2,5\n", convert=1,
        weighting=FIXED)
    shares, note = quick_robustness(evaluation, scenario, selection, 1000)
    assert note == ""
    result = decisive_margin(evaluation, selection, scenario, robustness=shares)
    pair = result.pairs[0]
    assert pair.pair == ("A", "B") and pair.decided_by == "order"
    assert not result.near_tie and not pair.near_tie and pair.triggers == ()
    assert not any(m.reverses for m in pair.methods) and not any(w.reverses for w in pair.weights)
    assert pair.decision.settled_by == "data"
    assert "the data settle this choice" in result.statement["en"]
    # the AHP variant needs judgment files this criteria set does not have: left out, said so
    assert any("ahp weights left out" in n for n in result.notes)
    assert {w.variant for w in pair.weights} == {"evaluation", "entropy", "critic"}


def test_the_near_tie_rule_fires_when_a_variant_reverses_the_order(tmp_path: Path) -> None:
    """乙 leads 丙 under the fixed weights (0.9 on x1) but 丙 leads under entropy and CRITIC."""
    evaluation, scenario, selection = tiny(
        tmp_path, "A,甲镇,10,9,5\nB,乙镇,8,1,5\nC,丙镇,7,8,5\nD,丁镇,1,2,5\n", convert=2,
        weighting=FIXED)
    result = decisive_margin(evaluation, selection, scenario)
    pair = result.pairs[0]
    assert pair.pair == ("B", "C") and pair.margin > 0
    reversed_rows = {w.variant for w in pair.weights if w.reverses}
    assert reversed_rows == {"entropy", "critic"}
    # each reversal is confirmed by a full TOPSIS under that variant's weights
    for variant in reversed_rows:
        full = evaluate(evaluation.criteria, evaluation.candidates, weighting=variant)
        assert full.ranking.closeness[2] > full.ranking.closeness[1]
    assert pair.near_tie and result.near_tie
    assert sorted(t.name for t in pair.triggers) == ["critic", "entropy"]
    assert all(t.kind == "weights" for t in pair.triggers)
    assert pair.decision.settled_by == "needs_decision"
    assert "The data do not settle the choice between 乙镇 B and 丙镇 C" in result.statement["en"]
    assert "数据不足以在乙镇与丙镇之间作出取舍，需要决策者作出决定" in result.statement["zh"]
    assert result.to_dict()["rule"] == NEAR_TIE_RULE.to_dict()


def test_a_pair_the_limits_decide_is_not_called_a_tie(tmp_path: Path) -> None:
    """甲 scores highest but costs more than the budget: the limits, not the order, keep it out."""
    evaluation, scenario, selection = tiny(
        tmp_path, "A,甲镇,10,9,50\nB,乙镇,6,5,5\nC,丙镇,4,6,5\nD,丁镇,1,2,5\n", convert=1,
        weighting=FIXED, scenario_extra="budget: {total: 10}\n")
    assert selection.selected_ids == ("B",)
    pair = decisive_margin(evaluation, selection, scenario).pairs[0]
    assert pair.pair == ("B", "A") and pair.decided_by == "limits" and not pair.near_tie
    assert pair.decision.settled_by == "limits"
    assert pair.swap is not None and pair.swap.status == "infeasible"
    assert "budget.total" in pair.swap.reason
    assert "the scenario's limits, not the order, decide this pair" in pair.decision.text["en"]


def test_no_pair_when_every_chosen_town_is_required(tmp_path: Path) -> None:
    evaluation, scenario, selection = tiny(
        tmp_path, "A,甲镇,10,9,5\nB,乙镇,6,5,5\nC,丙镇,4,6,5\nD,丁镇,1,2,5\n", convert=1,
        weighting=FIXED, scenario_extra="must_include: [C]\n")
    result = decisive_margin(evaluation, selection, scenario)
    assert selection.selected_ids == ("C",)
    assert result.pairs == () and not result.near_tie
    assert result.statement["en"].startswith("No pair of towns decides this selection")


def _judgment(value: str) -> str:
    return ("expert: {name: E" + value + ", role: 测试, unit: 测试单位, date: 2024-01-02, "
            "method: meeting}\nindicators:\n  all:\n    reason: 测试\n    pairs:\n"
            "      - {a: x1, b: x2, value: " + value + "}\n")


def test_alpha_flip_is_where_the_order_changes(tmp_path: Path) -> None:
    """Combined weights α·AHP + (1 − α)·entropy: the experts weigh x1 (乙's strength), entropy
    weighs x2 (丙's); the flip found by bisection is checked by full TOPSIS runs just below
    and above it."""
    weighting = ("{method: combined, alpha: 0.5, objective: entropy, standardization: minmax, "
                 "judgments: judgments}")
    evaluation, scenario, selection = tiny(
        tmp_path, "A,甲镇,10,9,5\nB,乙镇,8,1,5\nC,丙镇,7,8,5\nD,丁镇,1,2,5\n", convert=2,
        weighting=weighting, judgments={"e1.yaml": _judgment("5"), "e2.yaml": _judgment("3")})
    result = decisive_margin(evaluation, selection, scenario)
    pair = result.pairs[0]
    assert set(pair.pair) == {"B", "C"}
    flips = pair.alpha.flips
    assert len(flips) == 1 and 0 < flips[0] < 1 and pair.alpha.current == 0.5
    i, j = (evaluation.matrix.ids.index(t) for t in pair.pair)

    def margin(alpha: float) -> float:
        c = evaluate(evaluation.criteria, evaluation.candidates,
                     weighting_options={"alpha": alpha}).ranking.closeness
        return float(c[i] - c[j])

    below, above = margin(flips[0] - 1e-6), margin(flips[0] + 1e-6)
    assert below * above < 0
    assert abs(margin(flips[0])) < 1e-9
    # the ends of the α range are the AHP-alone and entropy-alone rows
    rows = {w.variant: w for w in pair.weights}
    assert (margin(1.0) > 0) == (rows["ahp"].closeness[0] > rows["ahp"].closeness[1])
    assert (margin(0.0) > 0) == (rows["entropy"].closeness[0] > rows["entropy"].closeness[1])
    # each expert appears with their own AHP weights, alone and combined
    assert {(w.variant, w.expert) for w in pair.weights if w.expert} == {
        ("expert", "E5"), ("expert_ahp", "E5"), ("expert", "E3"), ("expert_ahp", "E3")}


# --------------------------------------------------------------------------
# The bundled sample (whichever state its targets are in)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    scenario = load_scenario(DEFAULT_SCENARIO)
    selection = select_towns(evaluation, scenario)
    shares, _ = quick_robustness(evaluation, scenario, selection, 1000)
    return evaluation, scenario, selection, decisive_margin(evaluation, selection, scenario,
                                                            robustness=shares)


def test_the_sample_boundary_pair_is_the_weakest_chosen_and_the_strongest_left_out(sample):
    evaluation, _, selection, result = sample
    closeness = dict(zip(evaluation.matrix.ids, evaluation.ranking.closeness, strict=True))
    excluded = {e.id for e in selection.excluded}
    chosen = set(selection.selected_ids)
    pair = next(p for p in result.pairs if "boundary" in p.why)
    assert pair.chosen == min(chosen, key=closeness.__getitem__)
    assert pair.unchosen == max((t for t in closeness if t not in chosen | excluded),
                                key=closeness.__getitem__)
    assert pair.closeness == pytest.approx((closeness[pair.chosen], closeness[pair.unchosen]))


def test_the_pair_rows_agree_with_full_runs(sample):
    evaluation, _, _, result = sample
    pair = result.pairs[0]
    i, j = (evaluation.matrix.ids.index(t) for t in pair.pair)
    rows = {m.method: m for m in pair.methods}
    assert set(rows) == {"topsis_vector", "topsis_minmax", "wsm", "vikor", "promethee_ii"}
    for name, a in evaluation.agreement.items():
        assert rows[name].scores == (a.scores[i], a.scores[j])
        assert rows[name].ranks == (a.ranks[i], a.ranks[j])
    weights = {w.variant: w for w in pair.weights if w.expert is None}
    assert set(weights) == {"evaluation", "ahp", "entropy", "critic"}
    for variant in ("entropy", "critic", "ahp"):
        full = evaluate(evaluation.criteria, evaluation.candidates, weighting=variant)
        expected = (full.ranking.closeness[i], full.ranking.closeness[j])
        assert weights[variant].closeness == pytest.approx(expected, abs=1e-12)
    assert weights["evaluation"].closeness == pytest.approx(pair.closeness, abs=1e-12)
    experts = [w for w in pair.weights if w.variant == "expert"]
    assert len(experts) == 3
    for w in experts:
        alone = topsis(evaluation.matrix, replace(evaluation.weights, values=np.array(
            [dict(_expert_weights(evaluation, w.expert))[x]
             for x in evaluation.matrix.indicator_ids])))
        assert w.closeness == pytest.approx((alone.closeness[i], alone.closeness[j]), abs=1e-12)


def _expert_weights(evaluation, name: str) -> dict[str, float]:
    from evalkit.methods.panel import expert_panel

    panel = expert_panel(evaluation.matrix, evaluation.weights, evaluation.ranking.normalization)
    assert panel is not None
    return panel.expert(name).weights.as_dict()


def test_the_near_tie_verdict_lists_exactly_the_rows_that_reverse(sample):
    _, _, _, result = sample
    for pair in result.pairs:
        if pair.decided_by != "order":
            continue
        reversing = ({("method", m.method) for m in pair.methods if m.reverses}
                     | {("expert" if w.expert else "weights", w.expert or w.variant)
                        for w in pair.weights if w.reverses})
        triggered = {(t.kind, t.name) for t in pair.triggers if t.kind != "robustness"}
        assert triggered == reversing
        r = pair.robustness
        assert r is not None
        robust = {t.name for t in pair.triggers if t.kind == "robustness"}
        # the closeness spread counts; the core index (which moves with costs too) does not
        assert robust == ({"winning_index"} if r.out_beats_in >= NEAR_TIE_RULE.robustness_share
                          else set())
        assert pair.near_tie == bool(pair.triggers)
    assert result.near_tie == any(p.near_tie for p in result.pairs)


def test_the_swap_loss_equals_brute_force_over_every_set(sample):
    """The best set with the left-out town in and the chosen one out, found by trying every
    k-subset through the selection model itself (must_include = the subset)."""
    evaluation, scenario, selection, result = sample
    towns = selection_input(evaluation, scenario)
    excluded = {e.id for e in selection.excluded}
    k = len(selection.selected_ids)
    for pair in result.pairs:
        best = None
        for subset in itertools.combinations(sorted(towns.ids), k):
            if pair.unchosen not in subset or pair.chosen in subset or excluded & set(subset):
                continue
            try:
                found = select(towns, replace(scenario, must_include=subset), alternatives=0,
                               why_not=False)
            except SelectionInfeasible:
                continue
            if best is None or found.objective > best[0]:
                best = (found.objective, subset)
        swap = pair.swap
        assert swap is not None
        if best is None:
            assert swap.status == "infeasible" and swap.selected is None
        else:
            assert swap.selected == best[1]
            assert swap.loss == pytest.approx(selection.objective - best[0], abs=1e-9)


def test_the_comparison_costs_one_solve_per_pair(sample, monkeypatch):
    evaluation, scenario, selection, _ = sample
    calls = []
    real = choose.select

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(choose, "select", counting)
    result = decisive_margin(evaluation, selection, scenario)
    assert len(calls) == len(result.pairs) <= 2
    # above the size where a forced swap costs more than the selection, it is skipped and said
    calls.clear()
    monkeypatch.setattr(margin_module, "SWAP_MAX_ELIGIBLE", 2)
    result = decisive_margin(evaluation, selection, scenario)
    assert calls == [] and all(p.swap is None for p in result.pairs)
    assert any(s.startswith("swap re-solve skipped") for s in result.skipped)


def test_robustness_is_skipped_above_the_enumeration_size(sample, monkeypatch):
    evaluation, scenario, selection, _ = sample
    import evalkit.decide.decisive.robust as robust

    monkeypatch.setattr(robust, "ROBUSTNESS_MAX_ELIGIBLE", 2)
    shares, note = quick_robustness(evaluation, scenario, selection, 1000)
    assert shares is None and note.startswith("robustness skipped: 4 eligible towns (over 2)")
    assert quick_robustness(evaluation, scenario, selection, 0) == (
        None, "robustness not run (no samples asked for)")


# --------------------------------------------------------------------------
# The CLI and the scenario's tie-break rule
# --------------------------------------------------------------------------


def _scenario_copy(tmp_path: Path, extra: str) -> tuple[Path, int]:
    """The bundled scenario with ``extra`` appended; returns its path and extra's first line."""
    folder = tmp_path / "criteria"
    folder.mkdir(exist_ok=True)
    shutil.copy(DEFAULT_SCENARIO.parent / "standards.yaml", folder / "standards.yaml")
    for name in ("plan.yaml", "targets.yaml"):
        if (DEFAULT_SCENARIO.parent / name).exists():
            shutil.copy(DEFAULT_SCENARIO.parent / name, folder / name)
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path = folder / "scenario.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path, len(text.splitlines()) + 1


def _decisive_json(*args: str | Path) -> dict:
    result = run_cli("select", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_select_json_has_the_decisive_block():
    data = _decisive_json()
    d = data["decisive"]
    assert {"selected", "near_tie", "rule", "tie_break", "pairs", "statement", "skipped",
            "notes"} <= set(d)
    assert d["rule"]["reversal_by"] == ["method", "weights", "expert"]
    assert d["rule"]["robustness_share"] == 0.05 and d["rule"]["text"]["zh"]
    assert sorted(d["selected"]) == sorted(t["id"] for t in data["selected"])
    pair = d["pairs"][0]
    assert {"chosen", "unchosen", "names", "why", "decided_by", "closeness", "margin", "methods",
            "weights", "alpha", "robustness", "swap", "near_tie", "triggers",
            "decision"} <= set(pair)
    assert pair["chosen"] in d["selected"] and pair["unchosen"] not in d["selected"]
    assert pair["robustness"]["samples"] == 2000
    assert d["near_tie"] == any(p["near_tie"] for p in d["pairs"])
    if d["near_tie"] and d["tie_break"] is None:
        assert "it needs a decision" in d["statement"]["en"]


def test_the_tie_break_rule_is_quoted_and_applied(tmp_path: Path):
    pair = _decisive_json()["decisive"]["pairs"][0]
    assert pair["near_tie"]  # the sample's third pick is a near tie in either state
    reason = "近期建设计划已列入该镇的污水管网工程"
    scenario, _ = _scenario_copy(
        tmp_path, f"tie_break:\n  prefer: [{pair['unchosen']}, {pair['chosen']}]\n"
                  f"  reason: {reason}\n")
    d = _decisive_json("--scenario", scenario)["decisive"]
    assert d["tie_break"] == {"prefer": [pair["unchosen"], pair["chosen"]], "rule": None,
                              "reason": reason}
    decision = d["pairs"][0]["decision"]
    assert decision["settled_by"] == "tie_break"
    assert decision["prefers"] == pair["unchosen"] and decision["follows_selection"] is False
    assert reason in decision["text"]["en"] and reason in decision["text"]["zh"]
    assert "objective" in decision["text"]["en"]  # what taking it instead would cost
    table = run_cli("select", "--scenario", scenario, "--lang", "en").stdout
    assert reason in table and "scenario tie_break: prefer" in table


def test_a_named_tie_break_rule(tmp_path: Path):
    pair = _decisive_json()["decisive"]["pairs"][0]
    scenario, _ = _scenario_copy(
        tmp_path, "tie_break: {prefer: lower_talent_need, reason: 人才缺口小的镇更易起步}\n")
    d = _decisive_json("--scenario", scenario)["decisive"]
    need = {"T1": 62, "T2": 58, "T3": 66, "T4": 60, "T5": 71}  # candidates/towns.csv
    expected = min((pair["chosen"], pair["unchosen"]), key=need.__getitem__)
    decision = d["pairs"][0]["decision"]
    assert d["tie_break"]["rule"] == "lower_talent_need"
    assert decision["settled_by"] == "tie_break" and decision["prefers"] == expected
    assert decision["follows_selection"] == (expected == pair["chosen"])


@pytest.mark.parametrize(("extra", "at", "message"), [
    ("tie_break: {prefer: cheapest, reason: x}\n", 0,
     "tie_break.prefer: unknown tie-break rule 'cheapest' — use one of lower_cost, "
     "lower_talent_need, expert_majority, higher_core_index, or list town ids, e.g. "
     "prefer: [T3, T4]"),
    ("tie_break:\n  prefer: [T3]\n", 0,
     "tie_break: tie_break needs a reason: why this preference, in words an approver can check "
     "— add  reason: <text>"),
    ("tie_break:\n  prefer: [T3]\n  reason: 3\n", 2,
     "tie_break.reason: tie_break needs a reason: why this preference, in words an approver can "
     "check — add  reason: <text>"),
    ("tie_break:\n  prefer: [T3, T4, T3]\n  reason: x\n", 1,
     "tie_break.prefer[2]: town T3 is listed twice in tie_break.prefer — list each town once"),
    ("tie_break:\n  prefer: []\n  reason: x\n", 1,
     "tie_break.prefer: tie_break.prefer must list town ids or name a rule — write  prefer: "
     "[T3, T4]  or  use one of lower_cost, lower_talent_need, expert_majority, "
     "higher_core_index"),
    ("tie_break: [T3, T4]\n", 0,
     "tie_break: tie_break must be a mapping with prefer and reason — write  tie_break: "
     "{prefer: [T3, T4], reason: ...}"),
    ("tie_break:\n  prefer: [T3]\n  reason: x\n  why: y\n", 3,
     "tie_break.why: unknown key 'why' — use one of: prefer, reason"),
    ("tie_break:\n  prefer: [T3, T9]\n  reason: x\n", 1,
     "tie_break.prefer[1]: unknown town id 'T9' — use ids of the candidate table: T1, T2, T3, "
     "T4, T5"),
])
def test_a_bad_tie_break_is_one_error_line(tmp_path: Path, extra: str, at: int,
                                           message: str) -> None:
    scenario, first = _scenario_copy(tmp_path, extra)
    assert_error(run_cli("select", "--scenario", scenario),
                 f"Error: {scenario}:{first + at}:{message}")


def test_the_tie_break_reader_in_the_library(tmp_path: Path) -> None:
    scenario, first = _scenario_copy(tmp_path, "tie_break:\n  prefer: lower_cost\n  reason: 省钱\n")
    loaded = load_scenario(scenario)
    assert loaded.tie_break is not None
    assert (loaded.tie_break.rule, loaded.tie_break.reason) == ("lower_cost", "省钱")
    bad, first = _scenario_copy(tmp_path, "tie_break: {prefer: [1.5], reason: x}\n")
    with pytest.raises(InputError) as e:
        load_scenario(bad)
    assert e.value.row == first and e.value.column == "tie_break.prefer[0]"


def test_select_table_shows_the_comparison_in_both_languages():
    zh = run_cli("select").stdout
    assert "决定性比较" in zh and "判定规则" in zh and "仅熵值法" in zh
    en = run_cli("select", "--lang", "en").stdout
    assert "Decisive margin" in en and "entropy alone" in en and "Rule: Near tie when" in en
