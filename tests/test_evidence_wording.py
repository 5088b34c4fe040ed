"""Words of the summary that must say what the numbers say (an approver's audit).

The robustness section names what the weight draws are centred on, without a doubled
word; a town no weight draw moves is said to depend on the costs and limits only; a
most frequent set of the draws that is not the recommended one is said so, with both
shares; the standards screen marks assumed values as the raw-data appendix does;
money scheduled before the as-of date carries the warning ``evalkit select`` prints;
the sample plan is named after the criteria set's city; ``evalkit weights`` names
the experts' files as the user would, never by a machine path.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from foundation_support import invoke

from evalkit import evaluate, load_candidates, load_criteria
from evalkit import report as rep
from evalkit.decide.decisive import decisive_margin
from evalkit.decide.robustness import robustness
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select_towns
from evalkit.decide.standards import screen_table
from evalkit.errors import InputError
from evalkit.methods.registry import WEIGHTING_METHODS
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO
from evalkit.report.sections import SUMMARY_SECTIONS, View
from evalkit.report.sections import plan as plan_section
from evalkit.report.sections import robustness as robustness_section
from evalkit.report.sections import screen as screen_section
from evalkit.report.sections import selection as selection_section
from evalkit.report.text import fmt_pct

AS_OF = date(2026, 12, 1)
"""A report date after the sample's first budget year (2025): that year has passed."""


def _text(html: str) -> str:
    html = html.replace("<wbr>", "")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def sample():
    """The bundled sample as ``evalkit report`` runs it (10,000 draws, seed 0)."""
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    scenario = dataclasses.replace(load_scenario(DEFAULT_SCENARIO), as_of=AS_OF)
    selection = select_towns(evaluation, scenario)
    robust = robustness(evaluation, scenario=scenario, seed=0, samples=10000)
    screen = screen_table(scenario.standards, evaluation.candidates.cells,
                          [rule.id for rule in scenario.screens])
    report = rep.build_report(
        evaluation, selection=selection, robustness=robust, screen=screen,
        decisive=decisive_margin(evaluation, selection, scenario, robustness=robust))
    return report


def _view(report, lang: str) -> View:
    return View(report, lang, {})


# -- 1. what the weight draws are centred on ------------------------------------------


def test_robustness_intro_names_the_weights_the_draws_are_centred_on(sample) -> None:
    zh = robustness_section.build(_view(sample, "zh"))
    en = robustness_section.build(_view(sample, "en"))
    assert sample.evaluation.weights.method == "combined"
    assert "专家权重附近" not in zh["intro"]
    assert "以本次采用的层次分析法与熵值法组合权重为中心随机抽取10000组权重" in zh["intro"]
    assert "around the combined AHP and entropy weights used in this run" in en["intro"]
    assert "elicited" not in en["intro"]
    assert "以本次采用的层次分析法与熵值法组合权重为中心的狄利克雷分布" in zh["model"]
    assert "权重权重" not in zh["intro"] + zh["model"]
    html = _text(rep.summary_html(sample, "zh"))
    assert zh["intro"] in html and "专家权重附近" not in html


@pytest.mark.parametrize("method", list(WEIGHTING_METHODS))
def test_no_weighting_method_is_named_with_a_doubled_word(method: str) -> None:
    try:
        evaluation = evaluate(load_criteria(DEFAULT_CRITERIA),
                              load_candidates(DEFAULT_CANDIDATES), weighting=method)
    except InputError:
        pytest.skip(f"the sample cannot be weighted by {method}")
    report = rep.build_report(evaluation, robustness=robustness(evaluation, samples=50))
    for lang in ("zh", "en"):
        built = robustness_section.build(_view(report, lang))
        words = built["intro"] + built["model"]
        assert "权重权重" not in words
        assert not re.search(r"\bweights weights\b", words, re.IGNORECASE), words
        assert "{" not in words


def test_uniform_draws_are_not_said_to_be_centred(sample) -> None:
    evaluation = sample.evaluation
    uniform = robustness(evaluation, samples=50, weight_model="uniform")
    report = rep.build_report(evaluation, robustness=uniform)
    zh = robustness_section.build(_view(report, "zh"))["intro"]
    en = robustness_section.build(_view(report, "en"))["intro"]
    assert "均匀随机抽取50组权重" in zh and "为中心随机" not in zh
    assert "uniformly" in en and "around the" not in en


# -- 2. a town no weight draw moves -----------------------------------------------------


def test_a_town_first_in_every_draw_depends_on_costs_and_limits_only(sample) -> None:
    rb = sample.robustness
    row = rb.ids.index("T1")
    assert rb.acceptability[row, 0] == 1.0, "the sample's 青山镇 ranks first in every draw"
    chosen = float(rb.selection.core_index[row])
    assert 0.1 < chosen < 0.9, "…but is not chosen in every scenario"
    for lang, town, depends, only in (
            ("zh", "青山镇", "取决于权重取值", "只取决于投资估算和约束条件"),
            ("en", "Qingshan", "depends on the weights",
             "depends only on the cost estimates and the limits")):
        plain = robustness_section.build(_view(sample, lang))["plain"]
        weighted = [p for p in plain if depends in p]
        assert weighted and all(town not in p for p in weighted), weighted
        about = [p for p in plain if town in p.split("，")[0] and only in p]
        assert len(about) == 1, plain
        assert fmt_pct(chosen, 1) in about[0]
        assert fmt_pct(rb.selection.infeasible, 1) in about[0]
    executive = _text(rep.summary_html(sample, "zh"))
    assert not re.search(r"青山镇[^。]*是否入选取决于权重取值", executive)


# -- 3. the most frequent set of the draws and the recommended one -----------------------


def _zh(report, ids) -> list[str]:
    names = dict(zip(report.evaluation.matrix.ids, report.evaluation.matrix.names, strict=True))
    return [names[i] for i in ids]


def _portfolio_sentence(plain: list[str], marker: str) -> list[str]:
    return [p for p in plain if marker in p]


def test_a_most_frequent_set_other_than_the_recommended_one_is_said(sample) -> None:
    rb, chosen = sample.robustness, {row.id for row in sample.selection.selected}
    top = max(rb.selection.portfolios, key=lambda p: p.share)
    assert set(top.selected) != chosen, "the sample's draws favour another set"
    share = next(p.share for p in rb.selection.portfolios if set(p.selected) == chosen)
    zh = robustness_section.build(_view(sample, "zh"))["plain"]
    said = _portfolio_sentence(zh, "推荐方案（")
    assert len(said) == 1, zh
    assert fmt_pct(share, 1) in said[0] and fmt_pct(top.share, 1) in said[0]
    assert said[0].startswith(f"出现最多的改区组合为{'、'.join(_zh(sample, top.selected))}")
    assert "以云溪镇代替石桥镇" in said[0] and "接近并列" in said[0]
    assert "边界候选镇比较" in said[0]
    en = robustness_section.build(_view(sample, "en"))["plain"]
    said = _portfolio_sentence(en, "the recommended set (")
    assert len(said) == 1 and fmt_pct(share, 1) in said[0] and fmt_pct(top.share, 1) in said[0]
    assert "How close the call is" in said[0]
    # In the document the cross-reference carries the section's number (10. How close …).
    numbered = [s.key for s in SUMMARY_SECTIONS if s.numbered]
    section = f"“{numbered.index('decisive') + 1}. How close the call is”"
    assert said[0].replace("“How close the call is”", section) in _text(
        rep.summary_html(sample, "en"))


def test_no_sentence_when_the_most_frequent_set_is_the_recommended_one(sample) -> None:
    rb = sample.robustness
    chosen = {row.id for row in sample.selection.selected}
    portfolios = tuple(dataclasses.replace(p, share=0.9 if set(p.selected) == chosen else 0.01)
                       for p in rb.selection.portfolios)
    same = dataclasses.replace(rb, selection=dataclasses.replace(rb.selection,
                                                                  portfolios=portfolios))
    report = dataclasses.replace(sample, robustness=same)
    plain = robustness_section.build(_view(report, "zh"))["plain"]
    assert not _portfolio_sentence(plain, "推荐方案（")
    assert any(p.startswith("出现最多的改区组合为") for p in plain)


# -- 4. the standards screen marks values as the raw-data appendix does ------------------


def test_screen_values_carry_the_status_mark(sample) -> None:
    built = screen_section.build(_view(sample, "zh"))
    marks = {cell["mark"] for table in built["tables"] for row in table["rows"]
             for cell in row["cells"]}
    assert "†" in marks and built["marked"]
    html = rep.summary_html(sample, "zh")
    screen = html[html.index('id="sec-screen"'):html.index('id="sec-selection"')]
    assert '<sup class="mark">†</sup>' in screen and "“†”者为假设值" in _text(screen)


# -- 5. money scheduled before the as-of date --------------------------------------------


def test_money_before_the_as_of_date_is_warned_as_select_warns(sample) -> None:
    assert sample.selection.as_of == AS_OF.isoformat()
    zh = selection_section.build(_view(sample, "zh"))["past"]
    en = selection_section.build(_view(sample, "en"))["past"]
    assert zh == ["注意：2025年的资金安排早于评估基准日（2026年12月1日）：该年份已过去，"
                  "方案在该年的支出和招聘须已实际发生，请核实。"]
    assert en and "2025" in en[0] and "before the as-of date (1 December 2026)" in en[0]
    assert zh[0] in _text(rep.summary_html(sample, "zh"))
    code, out, _ = invoke("select", "--as-of", AS_OF.isoformat())
    assert code == 0 and "早于评估基准日" in out  # the command warns on the same result


def test_no_warning_when_every_year_is_ahead(sample) -> None:
    scenario = dataclasses.replace(load_scenario(DEFAULT_SCENARIO), as_of=date(2024, 6, 30))
    report = rep.build_report(sample.evaluation,
                              selection=select_towns(sample.evaluation, scenario))
    assert selection_section.build(_view(report, "zh"))["past"] == []


# -- 6. the sample plan is named after the criteria set's city ---------------------------


def test_the_sample_plan_is_named_after_the_city(sample) -> None:
    city = sample.evaluation.criteria.city["name"]
    for lang in ("zh", "en"):
        document = plan_section.build(_view(sample, lang))["document"]
        assert "XX" not in document
        assert (city["zh"] if lang == "zh" else city["en"]) in document


# -- 7. evalkit weights names files as the user would ------------------------------------


def _files(out: str) -> list[str]:
    report = json.loads(out)
    assert report["experts"]
    return [row["file"] for row in report["experts"]]


def test_weights_json_names_expert_files_without_machine_paths(tmp_path: Path,
                                                                monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # not the project: the bundled sample is elsewhere
    code, out, _ = invoke("weights", "--format", "json", "--no-selection")
    assert code == 0
    files = _files(out)
    assert all(not Path(f).is_absolute() for f in files), files
    assert "criteria/judgments/expert_chen.yaml" in files

    shutil.copytree(DEFAULT_CRITERIA.parent, tmp_path / "mine")
    named = str(tmp_path / "mine" / DEFAULT_CRITERIA.name)  # absolute, under the cwd
    code, out, _ = invoke("weights", "--format", "json", "--criteria", named)
    assert code == 0
    report = json.loads(out)
    assert "mine/judgments/expert_chen.yaml" in _files(out)
    assert str(tmp_path) not in out
    assert report["experts_scenario"].endswith("(mine/scenario.yaml)")
