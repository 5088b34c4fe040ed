"""The summary report as evidence (issue 13): watermark, raw data with sources, the decisive
margin, the experts' views, the plan section, and words that claim no more than the data."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

from evalkit import evaluate, load_candidates, load_criteria
from evalkit import report as rep
from evalkit.decide.decisive import decisive_margin
from evalkit.decide.experts import experts_view
from evalkit.decide.robustness import robustness
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select_towns
from evalkit.decide.standards import screen_table
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO
from evalkit.report.text import fmt_pct

TARGETS = DEFAULT_SCENARIO.parent / "targets.yaml"


@pytest.fixture(scope="module")
def built():
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    scenario = load_scenario(DEFAULT_SCENARIO)
    selection = select_towns(evaluation, scenario)
    robust = robustness(evaluation, scenario=scenario, seed=0, samples=2000)
    screen = screen_table(scenario.standards, evaluation.candidates.cells,
                          [rule.id for rule in scenario.screens])
    return rep.build_report(
        evaluation, selection=selection, robustness=robust, targets=TARGETS, screen=screen,
        unscreened=select_towns(evaluation, dataclasses.replace(scenario, screens=())),
        decisive=decisive_margin(evaluation, selection, scenario, robustness=robust),
        experts=experts_view(evaluation, scenario))


def _text(html: str) -> str:
    html = html.replace("<wbr>", "")  # a break opportunity inside an identifier, not a space
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def zh(built) -> str:
    return _text(rep.summary_html(built, "zh"))


@pytest.fixture(scope="module")
def en(built) -> str:
    return _text(rep.summary_html(built, "en"))


def test_sample_is_watermarked_and_the_cover_says_why(zh, en) -> None:
    assert "示例数据 · 含假设数据，不作审批依据" in zh
    assert re.search(r"本报告所用\d+个基础数据中，\d+个为假设值", zh)
    assert "Sample data · Contains assumed values — not for approval" in en


def test_a_fully_official_table_carries_no_watermark(built, tmp_path: Path) -> None:
    table = tmp_path / "towns.csv"
    table.write_bytes(DEFAULT_CANDIDATES.read_bytes())
    columns = DEFAULT_CANDIDATES.read_text(encoding="utf-8").splitlines()[0].split(",")[3:]
    (tmp_path / "towns.sources.csv").write_text(
        "column,source,table,year,status\n"
        + "".join(f"{c},市统计年鉴2023,表3-1,2022,official\n" for c in columns),
        encoding="utf-8")
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(table))
    text = _text(rep.summary_html(rep.build_report(evaluation), "zh"))
    assert "不作审批依据" not in text
    assert "watermark" not in rep.summary_html(rep.build_report(evaluation), "zh")


def test_no_sources_file_is_watermarked_as_unsourced(tmp_path: Path) -> None:
    table = tmp_path / "towns.csv"
    table.write_bytes(DEFAULT_CANDIDATES.read_bytes())
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(table))
    text = _text(rep.summary_html(rep.build_report(evaluation), "zh"))
    assert "数据未注明来源，不作审批依据" in text
    assert "未提供数据来源文件" in text


def test_raw_data_and_sources_are_in_the_appendix(zh) -> None:
    assert "附录C 基础数据及来源" in zh
    assert "基础数据（候选镇数据表原值）" in zh and "基础数据来源与口径" in zh
    # the raw statistic, with its mark (assumed), and the cost columns of the scenario too
    assert "cost_infrastructure" in zh and "talent_need" in zh
    assert "改区人才需求（人） talent_need" in zh  # the column's words, its id beneath
    assert "13.9 †" in zh  # pop_2019 of 青山镇, assumed
    assert "120.0 " in zh and "120.0 †" not in zh  # 青山镇's GDP: the plan's own figure
    assert "“†”者为假设值" in zh


def test_the_decisive_margin_is_shown_and_called_a_near_tie(zh, built) -> None:
    pair = built.decisive.pairs[0]
    assert {pair.chosen, pair.unchosen} == {"T3", "T4"}
    assert built.decisive.near_tie
    assert "边界候选镇比较" in zh
    assert "云溪镇（入选）与石桥镇（未入选）" in zh or "石桥镇（入选）与云溪镇（未入选）" in zh
    assert "需要决策者作出决定" in zh
    for method in ("WSM", "VIKOR", "PROMETHEE II", "TOPSIS（极差归一化）"):
        assert method in zh
    assert "仅熵值法" in zh and "王建国本人权重（与客观权重组合）" in zh
    assert "两镇次序互换" in zh


def test_each_experts_view_is_in_the_body_and_matrices_in_the_appendix(zh) -> None:
    assert "五、专家意见" in zh
    for who in ("陈立", "李秀梅", "王建国"):
        assert who in zh
    assert "省城市发展研究院" in zh and "教授" in zh
    assert "肯德尔和谐系数 W = 0.956" in zh
    assert "按王建国本人的权重，改区方案将选石桥镇而不选云溪镇" in zh
    body, appendix = zh.rsplit("附录B 专家判断矩阵", 1)
    assert "判断矩阵原文见附录B" in body
    assert "λ max" in appendix or "λmax" in appendix


def test_the_plan_section_lists_departures_and_contradictions(zh) -> None:
    assert "与工作方案的衔接" in zh
    assert "方案自身有9处前后不一致" in zh
    assert "工作方案未规定改区资格门槛" in zh


def test_words_claim_no_more_than_the_data(zh, en, built) -> None:
    assert "已落实" not in zh and "拟筹措" in zh and "尚未落实" in zh
    assert "has been assigned" not in en and "not yet secured" in en
    # the screened-out town: said as a screen, never as a robustness finding
    assert "柳塘镇未通过本情景的资格审查" in zh
    assert "柳塘镇在所有情景中均未入选" not in zh
    # the local screen labelled as the user's own assumption, and what happens without it
    assert "本地假设，工作方案未规定" in zh
    assert "该镇仅因本地假设门槛" in zh and "若不采用上述资格审查门槛" in zh
    # the robustness section states the weight model and its spread
    assert "狄利克雷分布（集中度参数 c = 100" in zh
    # a town first in every draw but not always chosen: the reason, with numbers
    core = built.robustness.selection.core_index
    first = built.robustness.acceptability[:, 0]
    names = dict(zip(built.evaluation.matrix.ids, built.evaluation.matrix.names, strict=True))
    explained = 0
    for i, town in enumerate(built.robustness.ids):
        if first[i] == 1.0 and first[i] - core[i] >= 0.01:  # no draw moves it: costs, limits
            assert f"{names[town]}在{built.robustness.samples}组权重抽样中均排名第一，入选比例" \
                   f"{fmt_pct(core[i], 1)}只取决于投资估算和约束条件" in zh
            explained += 1
        elif first[i] >= 0.9 and first[i] - core[i] >= 0.01:
            assert f"{names[town]}在{fmt_pct(first[i], 1)}的抽样中排名第一，但仅在" \
                   f"{fmt_pct(core[i], 1)}的情景中入选，原因是" in zh
            explained += 1
    assert explained >= 1  # the sample's 青山镇: first in every draw, not chosen in every one


@pytest.mark.parametrize(("share", "text"), [
    (0.9998, ">99.9%"), (1.0, "100.0%"), (0.0001, "<0.1%"), (0.0, "0.0%"), (0.5, "50.0%")])
def test_shares_never_round_to_all_or_none(share: float, text: str) -> None:
    assert fmt_pct(share, 1) == text


def _pink_pixels(ppm: bytes) -> int:
    """Pixels of the watermark's light red (drawn at 13% opacity over white)."""
    import numpy as np

    parts = ppm.split(maxsplit=4)  # P6, width, height, maxval, data
    width, height = int(parts[1]), int(parts[2])
    rgb = np.frombuffer(parts[4][: width * height * 3], dtype=np.uint8).reshape(-1, 3)
    r, g, b = (rgb[:, k].astype(int) for k in range(3))
    return int(((r > 225) & (r - g >= 8) & (r - g <= 40) & (abs(g - b) <= 6)).sum())


def test_every_page_of_the_pdf_carries_the_watermark(built, tmp_path: Path) -> None:
    """WeasyPrint draws the fixed watermark on every page, as outlines: it is seen on every
    page and never enters the text layer (a search for a phrase of the report finds it whole)."""
    pdf = rep.render_summary_pdf(built, "zh")
    path = tmp_path / "s.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(info.stdout.split("Pages:")[1].split()[0])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "据依批审" not in text and "示例数据 · 含假设数据" not in text
    assert "未通过设置标准审查" in text.replace("\n", "").replace(" ", "")
    for page in range(1, pages + 1):
        ppm = subprocess.run(["pdftoppm", "-r", "30", "-f", str(page), "-l", str(page),
                              str(path)], capture_output=True, check=True).stdout
        assert _pink_pixels(ppm) > 50, page
