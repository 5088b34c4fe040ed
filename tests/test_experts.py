"""Each expert's view: metadata in the judgment files, own weights, rankings, selections,
Kendall's W, the GCCI consensus index, dissent; and the cross-checks' scores and Spearman."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from foundation_support import assert_error, run_cli
from scipy.stats import spearmanr

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.decide.experts import experts_view, portfolio_objective
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select_towns, selection_input
from evalkit.errors import InputError
from evalkit.methods.ahp.consensus import gcci, gcci_threshold, panel_consensus
from evalkit.methods.ahp.judgments import load_judgments
from evalkit.methods.concordance import kendall_w
from evalkit.methods.crosscheck import agreement, average_ranks, spearman
from evalkit.methods.matrix import Criterion, DecisionMatrix
from evalkit.methods.ranking import topsis
from evalkit.methods.weighting import Weights
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO

JUDGMENTS = DEFAULT_CRITERIA.parent / "judgments"


# --------------------------------------------------------------------------
# Kendall's W
# --------------------------------------------------------------------------


def test_kendall_w_reproduces_siegel_1956_with_ties() -> None:
    """Siegel (1956), Nonparametric Statistics, the worked example of Kendall's W with tied
    ranks (3 rankings of 10 objects), as reproduced in the NAG Library's g08daf example:
    W = 0.828 corrected for ties."""
    rankings = [
        [1.0, 4.5, 2.0, 4.5, 3.0, 7.5, 6.0, 9.0, 7.5, 10.0],
        [2.5, 1.0, 2.5, 4.5, 4.5, 8.0, 9.0, 6.5, 10.0, 6.5],
        [2.0, 1.0, 4.5, 4.5, 4.5, 4.5, 8.0, 8.0, 8.0, 10.0],
    ]
    c = kendall_w(rankings)
    assert c.w == pytest.approx(0.828, abs=5e-4)
    # by hand: rank sums 5.5 6.5 9 13.5 12 20 23 23.5 25.5 26.5 (mean 16.5), S = 591;
    # tie groups (t³ − t): 6+6 | 6+6+6 | 6+60+24 = 114; W = 12·591 / (9·990 − 3·114)
    assert c.s == pytest.approx(591.0)
    assert c.ties == pytest.approx(114.0)
    assert c.w == pytest.approx(12 * 591 / (9 * 990 - 3 * 114), rel=1e-12)
    assert c.w_uncorrected == pytest.approx(12 * 591 / (9 * 990), rel=1e-12)
    assert c.w > c.w_uncorrected  # the correction raises W when there are ties


def test_kendall_w_bounds_and_rank_conventions() -> None:
    same = [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]
    assert kendall_w(same).w == pytest.approx(1.0)
    opposed = [[1, 2, 3, 4], [4, 3, 2, 1]]  # every rank sum is 5: no concordance
    assert kendall_w(opposed).w == pytest.approx(0.0, abs=1e-15)
    # competition ranks "1224" and average ranks "1 2.5 2.5 4" are the same ranking
    a = kendall_w([[1, 2, 2, 4], [1, 3, 2, 4]])
    b = kendall_w([[1, 2.5, 2.5, 4], [1, 3, 2, 4]])
    assert a.w == pytest.approx(b.w, rel=1e-12)
    tied = kendall_w([[1, 1, 1], [1, 1, 1]])
    assert math.isnan(tied.w) and "ties every town" in tied.note
    assert tied.to_dict()["kendall_w"] is None


# --------------------------------------------------------------------------
# GCCI
# --------------------------------------------------------------------------


def test_gcci_small_case_by_hand() -> None:
    """Against the collective w = (4, 2, 1)/7 the only deviating judgment is a12 = 3 instead of
    2, so GCCI = 2/((3−1)(3−2)) · (ln 3 − ln 2)² = (ln 1.5)²  (Dong et al. 2010)."""
    w = np.array([4.0, 2.0, 1.0]) / 7
    expert = np.array([[1, 3, 4], [1 / 3, 1, 2], [1 / 4, 1 / 2, 1]])
    assert gcci(expert, w) == pytest.approx(math.log(1.5) ** 2, rel=1e-12)
    consistent = np.array([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    assert gcci(consistent, w) == pytest.approx(0.0, abs=1e-15)
    assert math.isnan(gcci(np.array([[1, 3], [1 / 3, 1]]), np.array([0.75, 0.25])))
    assert [gcci_threshold(n) for n in (2, 3, 4, 5, 9)] == [None, 0.31, 0.35, 0.37, 0.37]


def test_panel_consensus_uses_the_rgmm_of_the_aggregate() -> None:
    a = np.array([[1, 3, 4], [1 / 3, 1, 2], [1 / 4, 1 / 2, 1]])
    b = np.array([[1, 1, 1], [1, 1, 1], [1, 1, 1]])
    group = np.sqrt(a * b)  # AIJ of the two, equal weights
    rows = panel_consensus({"x": {"m": a}, "y": {"m": b}}, {"m": group})
    collective = np.exp(np.log(group).mean(axis=1))
    collective /= collective.sum()
    assert [r.expert for r in rows] == ["x", "y"]
    assert rows[0].gcci == pytest.approx(gcci(a, collective))
    assert rows[0].threshold == 0.31 and rows[0].acceptable == (rows[0].gcci <= 0.31)


# --------------------------------------------------------------------------
# Judgment files: who, when, how, why
# --------------------------------------------------------------------------


def _families_and_members() -> tuple[list[str], dict[str, list[str]]]:
    criteria = load_criteria(DEFAULT_CRITERIA)
    families = [f.id for f in criteria.families]
    return families, {f: [i.id for i in criteria.indicators if i.family == f] for f in families}


def test_sample_experts_carry_role_unit_date_method_and_reasons() -> None:
    families, members = _families_and_members()
    seen = {}
    for path in sorted(JUDGMENTS.glob("*.yaml")):
        j = load_judgments(path, families, members)
        e = j.expert
        assert e.role and e.unit and e.method in ("questionnaire", "meeting", "interview")
        assert e.date is not None and len(e.date) == 10 and e.date.startswith("2024-")
        assert any(m.reason for m in j.matrices())
        seen[e.name] = e
    assert set(seen) == {"王建国", "李秀梅", "陈立"}
    assert seen["陈立"].unit == "省城市发展研究院"


EXPERT = """expert:
  name: 张三
  role: 测试专家
  unit: 测试单位
  date: 2024-03-12
  method: meeting
families:
  reason: 测试
  pairs:
    - {a: f1, b: f2, value: 3}
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("date: 2024-03-12", 'date: "12/03/2024"',
     "5:expert.date: the date is '12/03/2024', not an ISO date — write it as YYYY-MM-DD, "
     "e.g. date: 2024-03-12"),
    ("date: 2024-03-12", "date: 2024-02-30",
     "5:expert.date: '2024-02-30' looks like a date but is not one — write an existing date "
     "as YYYY-MM-DD, or put the text in quotes"),
    ("date: 2024-03-12", "date: 2024-03-12 10:30:00",
     "5:expert.date: the date 2024-03-12 10:30:00 has a time of day — write the day only, "
     "e.g. date: 2024-03-12"),
    ("method: meeting", "method: survey",
     "6:expert.method: unknown elicitation method 'survey' — use one of questionnaire, meeting, "
     "interview"),
    ("role: 测试专家", "role: 3",
     "3:expert.role: the role is not text (3) — write it as text, e.g. role: 总工程师"),
    ("unit: 测试单位", "unit: [a, b]",
     "4:expert.unit: the unit is not text (['a', 'b']) — write it as text, e.g. unit: "
     "市城乡规划设计研究院"),
    ("  reason: 测试", "  reason: 12",
     "8:families.reason: the reason is not text (12) — write it as text, e.g. reason: "
     "镇区人口规模决定能否达到设区门槛"),
    ("  method: meeting", "  method: meeting\n  email: a@b",
     "7:expert.email: unknown key email — the keys here are name, role, unit, date, method, "
     "weight, name_en, role_en, unit_en"),
])
def test_metadata_errors_name_the_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in EXPERT
    path = tmp_path / "e.yaml"
    path.write_text(EXPERT.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_judgments(path, ["f1", "f2"], {"f1": ["a"], "f2": ["b"]})
    assert str(e.value) == f"{path}:{expected}"


def test_metadata_is_read_and_optional(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(EXPERT, encoding="utf-8")
    j = load_judgments(path, ["f1", "f2"], {"f1": ["a"], "f2": ["b"]})
    assert (j.expert.unit, j.expert.date, j.expert.method) == ("测试单位", "2024-03-12", "meeting")
    assert j.families.reason == "测试"
    path.write_text("expert: {name: 李四}\nfamilies:\n  pairs: [{a: f1, b: f2, value: 2}]\n",
                    encoding="utf-8")
    j = load_judgments(path, ["f1", "f2"], {"f1": ["a"], "f2": ["b"]})
    assert (j.expert.role, j.expert.unit, j.expert.date, j.expert.method) == ("", "", None, None)
    assert j.families.reason == ""


def test_a_bad_metadata_value_is_one_cli_error_line(tmp_path: Path) -> None:
    folder = tmp_path / "criteria"
    shutil.copytree(JUDGMENTS, folder / "judgments")
    shutil.copy(DEFAULT_CRITERIA, folder / "default.yaml")
    wang = folder / "judgments" / "expert_wang.yaml"
    text = wang.read_text(encoding="utf-8")
    line = text.splitlines().index("  method: questionnaire     # questionnaire | meeting | interview") + 1
    wang.write_text(text.replace("  method: questionnaire ", "  method: email         "),
                    encoding="utf-8")
    result = run_cli("weights", "--criteria", folder / "default.yaml")
    assert_error(result, f"Error: {wang}:{line}:expert.method: unknown elicitation method "
                         "'email' — use one of questionnaire, meeting, interview")


# --------------------------------------------------------------------------
# Each expert's own weights, ranking and selection
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    scenario = load_scenario(DEFAULT_SCENARIO)
    return evaluation, scenario, experts_view(evaluation, scenario)


def _single_expert_criteria(tmp_path: Path, file: str) -> Path:
    folder = tmp_path / "criteria"
    shutil.copytree(DEFAULT_CRITERIA.parent, folder)
    criteria = folder / "default.yaml"
    text = criteria.read_text(encoding="utf-8")
    assert "  judgments: judgments " in text
    criteria.write_text(text.replace("  judgments: judgments ", f"  judgments: judgments/{file} "),
                        encoding="utf-8")
    return criteria


@pytest.mark.parametrize("file", ["expert_wang.yaml", "expert_li.yaml", "expert_chen.yaml"])
def test_each_experts_selection_equals_a_run_with_that_file_alone(sample, tmp_path, file) -> None:
    _, scenario, view = sample
    alone = evaluate(load_criteria(_single_expert_criteria(tmp_path, file)),
                     load_candidates(DEFAULT_CANDIDATES))
    name = alone.weights.details["ahp"].experts[0].name
    own = view.panel.expert(name)
    # the same weights (the expert's AHP combined with the same entropy weights, α = 0.5) …
    np.testing.assert_allclose(own.weights.values, alone.weights.values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(own.ranking.closeness, alone.ranking.closeness, rtol=0, atol=1e-12)
    assert own.families == pytest.approx(dict(alone.weights.details["ahp"].families), abs=1e-12)
    # … so the same selection under the same scenario
    chosen = select_towns(alone, scenario, alternatives=0, why_not=False)
    mine = view.selections[name]
    assert mine.selected == tuple(sorted(chosen.selected_ids))
    assert mine.objective == pytest.approx(chosen.objective, abs=1e-9)


def test_kendall_w_and_dissent_agree_with_the_experts_own_rows(sample) -> None:
    evaluation, scenario, view = sample
    ranks = np.vstack([v.ranking.ranks for v in view.panel.experts])
    assert view.panel.kendall.w == pytest.approx(kendall_w(ranks).w, rel=1e-12)
    assert 0 <= view.panel.kendall.w <= 1
    group = view.group_selection
    assert group is not None and group.selected is not None
    towns = selection_input(evaluation, scenario)
    dissenting = {d.expert: d for d in view.dissent}
    for v in view.panel.experts:
        mine = view.selections[v.name].selected
        assert (set(mine) != set(group.selected)) == (v.name in dissenting)
        if v.name in dissenting:
            d = dissenting[v.name]
            assert set(d.towns_in) == set(mine) - set(group.selected)
            assert set(d.towns_out) == set(group.selected) - set(mine)
            assert d.objective_under_group == pytest.approx(
                portfolio_objective(towns, scenario, mine), abs=1e-12)
            assert d.loss >= -1e-9  # the group's set is optimal under the group's weights


def test_weights_json_lists_each_expert(tmp_path: Path) -> None:
    result = run_cli("weights", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"experts", "consensus", "dissent"} <= set(data)
    assert [e["name"] for e in data["experts"]] == ["陈立", "李秀梅", "王建国"]
    for e in data["experts"]:
        assert {"name", "role", "unit", "date", "method", "reasons", "family_weights",
                "ahp_weights", "weights", "ranking", "selection"} <= set(e)
        assert math.isclose(sum(e["family_weights"].values()), 1.0, abs_tol=1e-12)
        assert math.isclose(sum(e["weights"].values()), 1.0, abs_tol=1e-12)
        assert [r["rank"] for r in e["ranking"]] == sorted(r["rank"] for r in e["ranking"])
        assert e["selection"]["status"] == "optimal" and len(e["selection"]["selected"]) == 3
    c = data["consensus"]
    assert 0 <= c["kendall_w"] <= 1
    assert c["threshold"]["by_n"] == {"3": 0.31, "4": 0.35, "6": 0.37}
    for row in c["gcci"]:
        assert (row["gcci"] is None) == (row["n"] == 2)
        if row["gcci"] is not None:
            assert row["acceptable"] == (row["gcci"] <= row["threshold"])
    # without AHP judgments there are no experts
    data = json.loads(run_cli("weights", "--weighting", "entropy", "--format", "json").stdout)
    assert data["experts"] == [] and data["consensus"] is None
    table = run_cli("weights", "--lang", "en").stdout
    assert "王建国 · 总工程师 · 市城乡规划设计研究院 · 2024-03-12 · questionnaire" in table
    assert "Kendall's W of rankings" in table


def test_weights_without_a_scenario_makes_no_selections(tmp_path: Path) -> None:
    folder = tmp_path / "criteria"
    shutil.copytree(JUDGMENTS, folder / "judgments")
    shutil.copy(DEFAULT_CRITERIA, folder / "default.yaml")  # no scenario.yaml beside it
    data = json.loads(run_cli("weights", "--criteria", folder / "default.yaml",
                              "--format", "json").stdout)
    assert len(data["experts"]) == 3
    assert all(e["selection"] is None for e in data["experts"])
    assert data["group_selection"] is None and data["dissent"] == []
    data = json.loads(run_cli("weights", "--no-selection", "--format", "json").stdout)
    assert all(e["selection"] is None for e in data["experts"])
    assert data["experts_note"] == "no scenario: selections not made"


# --------------------------------------------------------------------------
# Cross-checks: scores kept, Spearman tie-corrected
# --------------------------------------------------------------------------


def test_average_ranks_and_tie_corrected_spearman() -> None:
    np.testing.assert_array_equal(average_ranks(np.array([1, 2, 2, 4])), [1, 2.5, 2.5, 4])
    np.testing.assert_array_equal(average_ranks(np.array([1, 1, 1])), [2, 2, 2])
    x = np.array([1, 2, 2, 4, 5])
    y = np.array([2, 1, 3, 3, 5])
    rho = spearman(average_ranks(x), average_ranks(y))
    assert rho == pytest.approx(spearmanr(x, y).statistic, rel=1e-12)
    # on competition ranks the Pearson coefficient would differ: ties would bias it
    assert rho != pytest.approx(float(np.corrcoef(x, y)[0, 1]), rel=1e-6)
    assert math.isnan(spearman(np.array([2.0, 2.0, 2.0]), np.array([1.0, 2.0, 3.0])))


def test_a_method_that_ties_every_town_has_no_spearman() -> None:
    # identical towns on the one varying column: VIKOR finds no column that varies
    matrix = DecisionMatrix(("A", "B", "C"), ("A", "B", "C"),
                            (Criterion("x", "f", "max"), Criterion("y", "f", "max")),
                            np.array([[1.0, 5.0], [1.0, 3.0], [1.0, 1.0]]))
    w = Weights("fixed", ("x", "y"), np.array([1.0, 0.0]))
    ranking = topsis(matrix, w)
    result = agreement(matrix, w, ranking)
    assert set(result) == {"wsm", "vikor", "promethee_ii", "topsis_minmax"}
    for a in result.values():
        assert math.isnan(a.spearman) and "ties every town" in a.note
        assert a.to_dict(matrix.ids)["spearman"] is None


def test_rank_json_keeps_every_methods_scores_and_ranks() -> None:
    data = json.loads(run_cli("rank", "--format", "json").stdout)
    a = data["agreement"]
    assert set(a) == {"wsm", "vikor", "promethee_ii", "topsis_minmax"}
    assert a["vikor"]["higher_is_better"] is False and a["wsm"]["higher_is_better"] is True
    minmax = json.loads(run_cli("rank", "--normalization", "minmax", "--format", "json").stdout)
    # the other normalisation's TOPSIS scores are the minmax ranking's closeness, and back
    closeness = {r["id"]: r["closeness"] for r in minmax["ranking"]}
    assert a["topsis_minmax"]["scores"] == pytest.approx(closeness, abs=1e-12)
    vector = {r["id"]: r["closeness"] for r in data["ranking"]}
    assert minmax["agreement"]["topsis_vector"]["scores"] == pytest.approx(vector, abs=1e-12)
    for name, row in a.items():
        order = sorted(row["scores"], key=lambda t: row["scores"][t],
                       reverse=row["higher_is_better"])
        assert [row["ranks"][t] for t in order] == list(range(1, len(order) + 1)), name
