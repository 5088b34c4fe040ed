"""The application dossier (issue 15): inputs, survey intervals, risk matrix, conclusion, documents.

The Wilson score interval is checked against the worked examples of
R. G. Newcombe (1998), "Two-sided confidence intervals for the single
proportion: comparison of seven methods", Statistics in Medicine 17:857–872,
Table I, method 3 (81/263, 15/148, 0/20, 1/29), to four decimals as printed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.cli import cli
from evalkit.decide.dossier import load_dossier
from evalkit.decide.dossier.narrative import load_narrative
from evalkit.decide.dossier.panel import load_panel
from evalkit.decide.dossier.risks import conclusion, load_risks, risk_level
from evalkit.decide.dossier.survey import load_survey, survey_town, wilson_interval
from evalkit.errors import InputError
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "criteria" / "dossier"
NOW = datetime(2026, 10, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))


# -- survey -------------------------------------------------------------------

@pytest.mark.parametrize(("count", "n", "low", "high"), [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_reproduces_newcombe_1998_table_1(count: int, n: int, low: float,
                                                           high: float) -> None:
    got = wilson_interval(count, n)
    assert got[0] == pytest.approx(low, abs=5e-5)
    assert got[1] == pytest.approx(high, abs=5e-5)


def test_small_sample_flag_is_half_width_over_the_margin() -> None:
    # p = 0.5: half-width 1.96·sqrt(0.25/n) ≈ 0.049 at n = 400, 0.0693 at n = 200.
    assert not survey_town("T1", 400, 200, 100, 100, margin=0.05).small_sample
    flagged = survey_town("T1", 200, 100, 50, 50, margin=0.05)
    assert flagged.small_sample
    assert flagged.half_width == pytest.approx(0.0689, abs=5e-4)
    assert flagged.support.rate == 0.5
    assert flagged.oppose.rate == 0.25


def test_sample_survey_flags_the_smallest_town() -> None:
    survey = load_survey(SAMPLE / "survey.yaml")
    flags = {t.town: t.small_sample for t in survey.towns}
    assert flags == {"T1": False, "T2": False, "T3": True, "T4": False}
    t1 = survey.to_dict()["towns"][0]
    assert t1["support"]["rate"] == pytest.approx(498 / 612)
    assert t1["support"]["low"] < t1["support"]["rate"] < t1["support"]["high"]


# -- risk matrix and conclusion ---------------------------------------------------

def test_risk_levels_follow_the_stated_matrix() -> None:
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            want = "low" if score <= 6 else "medium" if score <= 12 else "high"
            assert risk_level(likelihood, impact) == want
    assert risk_level(2, 3) == "low"
    assert risk_level(3, 4) == "medium"
    assert risk_level(3, 5) == "high"
    with pytest.raises(ValueError):
        risk_level(0, 3)


def test_conclusion_rule_from_residual_levels() -> None:
    assert conclusion(["low", "low"]) == "implement"
    assert conclusion(["low", "medium"]) == "defer"
    assert conclusion(["medium", "high", "low"]) == "reject"
    assert conclusion([]) is None


def test_sample_register_levels_and_conclusion() -> None:
    register = load_risks(SAMPLE / "risks.yaml")
    r1 = register.risks[0]
    assert (r1.likelihood, r1.impact, r1.level, r1.residual_level) == (3, 4, "medium", "low")
    assert register.conclusion == "implement"
    assert register.to_dict()["risks"][0]["score"] == 12


# -- the checklist ------------------------------------------------------------------

def test_sample_dossier_leaves_out_exactly_the_benefits_section() -> None:
    dossier = load_dossier(SAMPLE)
    missing = [item.file for item in dossier.checklist() if not item.filled]
    assert missing == ["benefits.md"]
    assert not dossier.complete
    fields = dossier.narrative("change_plan").fields  # type: ignore[union-attr]
    assert set(fields) == {"name", "type", "affiliation", "towns", "boundaries", "seat", "area",
                           "population", "name_en", "type_en", "affiliation_en",
                           "boundaries_en", "seat_en"}


def test_empty_folder_is_an_empty_dossier_with_everything_missing(tmp_path: Path) -> None:
    dossier = load_dossier(tmp_path / "nothing")
    assert all(not item.filled for item in dossier.checklist())
    assert dossier.to_dict()["panel"] is None


def test_missing_change_plan_field_is_a_gap(tmp_path: Path) -> None:
    (tmp_path / "change_plan.md").write_text("---\nname: 青山区\n---\n正文。\n", encoding="utf-8")
    dossier = load_dossier(tmp_path)
    gaps = {i.key for i in dossier.checklist() if not i.filled}
    assert "change_plan.seat" in gaps and "change_plan.name" not in gaps


# -- every input file's error lines ---------------------------------------------------

def _error(call, *args) -> InputError:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        call(*args)
    return caught.value


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


SURVEY_OK = "margin: 0.05\ntowns:\n  - {town: T1, sample: 100, support: 60, neutral: 20, oppose: 20}\n"


@pytest.mark.parametrize(("text", "row", "column", "words"), [
    (SURVEY_OK.replace("oppose: 20", "oppose: 21"), 3, "towns[0].sample", "not the sample"),
    (SURVEY_OK.replace("0.05", "5"), 1, "margin", "share"),
    (SURVEY_OK.replace("support: 60", "support: -1"), 3, "towns[0].support", "whole number"),
    (SURVEY_OK.replace("neutral: 20, ", ""), 3, "towns[0].neutral", "no neutral"),
    (SURVEY_OK + "extra: 1\n", 4, "extra", "unknown key"),
])
def test_survey_errors(tmp_path: Path, text: str, row: int, column: str, words: str) -> None:
    error = _error(load_survey, _write(tmp_path, "survey.yaml", text))
    assert (error.row, error.column) == (row, column)
    assert words in error.what
    assert str(error).startswith(f"{tmp_path / 'survey.yaml'}:{row}:{column}: ")
    assert "\n" not in str(error)


RISK_OK = """risks:
  - id: R1
    category: land
    description: 征地补偿
    likelihood: 3
    impact: 4
    mitigation: 公示
    responsible: 市自然资源局
    deadline: 2027-06-30
    residual: {likelihood: 2, impact: 3}
"""


@pytest.mark.parametrize(("old", "new", "row", "column", "words"), [
    ("category: land", "category: flood", 3, "risks[0].category", "unknown risk category"),
    ("likelihood: 3", "likelihood: 6", 5, "risks[0].likelihood", "scale 1–5"),
    ("deadline: 2027-06-30", "deadline: soon", 9, "risks[0].deadline", "not a date"),
    ("impact: 3}", "impact: 3, level: 1}", 10, "risks[0].residual.level", "unknown key"),
    ("    mitigation: 公示\n", "", 2, "risks[0].mitigation", "no mitigation"),
])
def test_risk_register_errors(tmp_path: Path, old: str, new: str, row: int, column: str,
                              words: str) -> None:
    assert old in RISK_OK
    error = _error(load_risks, _write(tmp_path, "risks.yaml", RISK_OK.replace(old, new, 1)))
    assert (error.row, error.column) == (row, column)
    assert words in error.what


PANEL_OK = """start: 2026-09-10
end: 2026-09-12
method: 座谈
members:
  - name: 张明
    title: 教授
    unit: 示例大学
    independent: true
    role: chair
    opinion: 同意
conclusion: 同意
"""


@pytest.mark.parametrize(("old", "new", "row", "column", "words"), [
    ("independent: true", "independent: yes please", 8, "members[0].independent",
     "true or false"),
    ("end: 2026-09-12", "end: 2026-09-01", 2, "end", "before it starts"),
    ("role: chair", "role: boss", 9, "members[0].role", "unknown role"),
    ("unit: 示例大学", "unit: {zh: 示例大学, en: A, B}", 7, "members[0].unit", "stray key"),
])
def test_panel_errors(tmp_path: Path, old: str, new: str, row: int, column: str,
                      words: str) -> None:
    error = _error(load_panel, _write(tmp_path, "panel.yaml", PANEL_OK.replace(old, new, 1)))
    assert (error.row, error.column) == (row, column)
    assert words in error.what


@pytest.mark.parametrize(("name", "text", "row", "words"), [
    ("change_plan.md", "---\nname: 青山区\ncolour: 红\n---\n正文\n", 3, "unknown field"),
    ("change_plan.md", "---\nname: 青山区\n正文\n", 3, "not key: value"),
    ("change_plan.md", "---\nname: 青山区\n", 1, "not closed"),
    ("necessity.md", "第一段。\n\n# 必要性\n", 3, "top-level heading"),
    ("overview.md", "\n\n", 1, "no text"),
])
def test_narrative_errors(tmp_path: Path, name: str, text: str, row: int, words: str) -> None:
    _write(tmp_path, name, text)
    error = _error(load_narrative, tmp_path, name.removesuffix(".md"))
    assert error.row == row
    assert words in error.what


def test_cli_prints_one_error_line_for_a_bad_dossier(tmp_path: Path) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    _write(folder, "risks.yaml", RISK_OK.replace("likelihood: 3", "likelihood: 9", 1))
    result = CliRunner().invoke(cli, ["report", "--no-selection", "--no-towns",
                                      "--document", "risk", "--dossier", str(folder),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1
    assert "risks.yaml:5:risks[0].likelihood: " in lines[0]
    assert "Traceback" not in result.output


# -- the documents ----------------------------------------------------------------------

CJK = "\u4e00-\u9fff"
HALF_WIDTH_NEXT_TO_CJK = re.compile(f"[{CJK}][,;:()!?]|[,;:()!?][{CJK}]")


@pytest.fixture(scope="module")
def dossier_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("pdftotext") is None:  # pragma: no cover - make test installs poppler
        pytest.skip("pdftotext missing")
    from evalkit.report import build_report, render_reports

    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    report = build_report(evaluation, now=NOW, dossier=load_dossier(SAMPLE))
    out = tmp_path_factory.mktemp("dossier")
    run = render_reports(report, langs=("zh", "en"), out=out, towns=False, workers=1,
                         documents=("argument", "risk"))
    texts = {}
    for path in run.documents:
        texts[path.stem] = subprocess.run(["pdftotext", "-layout", str(path), "-"],
                                          capture_output=True, text=True, check=True).stdout
    return texts


def test_documents_written(dossier_pdfs: dict[str, str]) -> None:
    assert set(dossier_pdfs) == {"argument_zh", "argument_en", "risk_zh", "risk_en"}


@pytest.mark.parametrize("stem", ["argument_zh", "risk_zh"])
def test_cover_says_draft_and_checklist_comes_first(dossier_pdfs: dict[str, str],
                                                    stem: str) -> None:
    pages = dossier_pdfs[stem].split("\f")
    assert "征求意见稿" in pages[0].replace(" ", "")
    assert "（北京时间）" in pages[0]
    assert "（未注明）" not in dossier_pdfs[stem]
    first_heading = re.search(r"^\s*(一、|材料完整性核对)", "\n".join(pages[1:]), re.M)
    assert first_heading is not None and first_heading.group(1) == "材料完整性核对"
    assert "benefits.md" in dossier_pdfs[stem]
    assert "待补充" in dossier_pdfs[stem]


def test_missing_section_is_a_placeholder_naming_file(dossier_pdfs: dict[str, str]) -> None:
    text = dossier_pdfs["argument_zh"]
    assert re.search(r"待补充：请在\s*\S*criteria/dossier/benefits\.md\s*中填写本节内容", text)
    assert "To be supplied: write this section in" in dossier_pdfs["argument_en"]


def test_heading_numbering_four_levels(dossier_pdfs: dict[str, str]) -> None:
    text = dossier_pdfs["argument_zh"]
    for pattern in (r"^\s*一、论证工作概况", r"^\s*三、变更方案", r"^\s*（一）历史沿革",
                    r"^\s*1\.三镇常住人口", r"^\s*1\.中风险（4 项）",
                    r"^\s*（1）R1\s+征地拆迁："):
        assert re.search(pattern, text, re.M), pattern
    risk = dossier_pdfs["risk_zh"]
    assert re.search(r"^\s*六、评估结论", risk, re.M)
    assert "评估结论：实施" in risk.replace(" ", "")


@pytest.mark.parametrize("stem", ["argument_zh", "risk_zh"])
def test_full_width_punctuation_in_chinese_text(dossier_pdfs: dict[str, str],
                                                stem: str) -> None:
    bad = HALF_WIDTH_NEXT_TO_CJK.findall(dossier_pdfs[stem])
    assert not bad, bad[:10]


def test_survey_rates_and_intervals_in_the_risk_report(dossier_pdfs: dict[str, str]) -> None:
    text = dossier_pdfs["risk_zh"]
    low, high = wilson_interval(498, 612)
    assert f"{498 / 612 * 100:.1f}%" in text
    assert f"{low * 100:.1f}%～{high * 100:.1f}%" in text
    assert "样本不足" in text and "Wilson" in text


# -- English versions of the narratives ----------------------------------------------

def test_english_narratives_are_used_in_the_english_document(dossier_pdfs: dict[str, str]) -> None:
    text = re.sub(r"\s+", " ", dossier_pdfs["argument_en"])
    assert "Sample City lies in the centre of Sample Province" in text
    assert "Chinese original" not in text
    assert "示例市位于示例省中部" not in text  # the Chinese overview is not shown beside it
    risk = re.sub(r"\s+", " ", dossier_pdfs["risk_en"])
    assert "leading group for the adjustment of administrative divisions" in risk
    assert "Chinese original" not in risk
    # the Chinese documents keep the Chinese text
    assert "示例市位于示例省中部" in dossier_pdfs["argument_zh"].replace(" ", "")


def test_every_sample_narrative_has_an_english_version() -> None:
    for path in sorted(SAMPLE.glob("*.md")):
        if path.name.endswith(".en.md"):
            continue
        english = path.with_name(path.stem + ".en.md")
        assert english.exists(), english.name
        narrative = load_narrative(SAMPLE, path.stem)
        assert narrative is not None and "en" in narrative.blocks
        # the same shape: as many subheadings and list items as the Chinese text
        kinds = [[b.kind for b in narrative.blocks[lang] if b.kind != "p"] for lang in ("zh", "en")]
        assert kinds[0] == kinds[1], path.name


def test_a_narrative_without_english_is_shown_in_chinese_under_a_marked_note(
        tmp_path: Path) -> None:
    from evalkit.report import build_report
    from evalkit.report.render import document_html

    folder = tmp_path / "dossier"
    folder.mkdir()
    _write(folder, "overview.md", "本市位于示例省中部。\n")
    _write(folder, "necessity.md", "## 发展空间不足\n\n中心城区用地已基本用尽。\n")
    _write(folder, "necessity.en.md", "## Insufficient room\n\nThe central city's land is used up.\n")
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    report = build_report(evaluation, now=NOW, dossier=load_dossier(folder))
    html = document_html(report, "argument", "en")
    note = "(Chinese original; no English version supplied — add overview.en.md)"
    assert html.count(note) == 1
    assert "add necessity.en.md" not in html
    overview = html[html.index(note):]
    assert '<p class="indent" lang="zh-CN">本市位于示例省中部。</p>' in overview
    assert "The central city&#39;s land is used up." in html or \
        "The central city's land is used up." in html
    assert "中心城区用地已基本用尽" not in html
    zh = document_html(report, "argument", "zh")
    assert "Chinese original" not in zh and "中文原文" not in zh
