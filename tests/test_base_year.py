"""The report's base year comes from the data, never from a fixed string (issue 15)."""

from __future__ import annotations

from pathlib import Path

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA
from evalkit.report import build_report, summary_html


def _summary(candidates) -> str:
    return summary_html(build_report(evaluate(load_criteria(DEFAULT_CRITERIA), candidates)), "zh")


def test_the_base_year_is_the_latest_year_of_the_sources(tmp_path: Path) -> None:
    text = DEFAULT_CANDIDATES.with_suffix(".sources.csv").read_text(encoding="utf-8")
    sources = load_candidates(DEFAULT_CANDIDATES).sources
    assert sources is not None
    assert sources.latest_year(load_criteria(DEFAULT_CRITERIA).columns()) == 2022
    assert sources.latest_year() == 2027  # the costs' planning years, not statistics
    assert "（基准年2022年）" in _summary(load_candidates(DEFAULT_CANDIDATES))
    # a table whose sources state 2023 figures says 2023
    later = tmp_path / "towns.csv"
    later.write_text(DEFAULT_CANDIDATES.read_text(encoding="utf-8"), encoding="utf-8")
    later.with_suffix(".sources.csv").write_text(text.replace(",2022,", ",2023,"),
                                                 encoding="utf-8")
    assert "（基准年2023年）" in _summary(load_candidates(later))


def test_without_sources_or_plan_no_year_is_named() -> None:
    html = _summary(load_candidates(DEFAULT_CANDIDATES, sources=False))
    assert "基准年" not in html
    assert "各候选镇指标计算结果如下表。" in html
