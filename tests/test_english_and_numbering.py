"""The English documents in English, headings numbered 一、（一）, the time in Beijing time.

An English document may hold Chinese in two ways only: a town's Chinese name in
brackets after its English one, and a text the input files give only in Chinese,
marked as the original (``lang="zh-CN"``, noted).  Everything else — units,
sources, experts, the plan's figures, the screens — is English.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser

import pytest

from evalkit import evaluate, load_candidates, load_criteria
from evalkit import report as rep
from evalkit.decide.decisive import decisive_margin
from evalkit.decide.dossier import load_dossier
from evalkit.decide.experts import experts_view
from evalkit.decide.robustness import robustness
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select_towns
from evalkit.decide.standards import screen_table
from evalkit.model.targets import load_targets
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO
from evalkit.report.sections import ARGUMENT_SECTIONS, SUMMARY_SECTIONS
from evalkit.report.text import keep_names_whole

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
TARGETS = DEFAULT_SCENARIO.parent / "targets.yaml"
VOID = {"br", "img", "meta", "link", "wbr", "col", "hr", "input", "source"}


class _Unmarked(HTMLParser):
    """The page's text outside elements marked Chinese (``lang="zh-CN"``), title and style."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(dict(attrs).get("lang") == "zh-CN" or tag in ("style", "title"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(self.stack):
            self.text.append(data)


def _unmarked(html: str, names: list[str]) -> str:
    parser = _Unmarked()
    parser.feed(html)
    text = re.sub(r"\s+", " ", " ".join(parser.text))
    for zh in names:  # a town's Chinese name in brackets after its English name
        text = re.sub(rf"[A-Z][a-z]+ \({zh}\)", "", text)
    return text


@pytest.fixture(scope="module")
def sample():
    """The bundled sample with experts, screens, targets, plan and dossier (few draws)."""
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    scenario = load_scenario(DEFAULT_SCENARIO)
    selection = select_towns(evaluation, scenario)
    robust = robustness(evaluation, scenario=scenario, seed=0, samples=300)
    screen = screen_table(scenario.standards, evaluation.candidates.cells,
                          [rule.id for rule in scenario.screens])
    return rep.build_report(
        evaluation, selection=selection, robustness=robust, screen=screen, targets=TARGETS,
        decisive=decisive_margin(evaluation, selection, scenario, robustness=robust),
        experts=experts_view(evaluation, scenario),
        dossier=load_dossier(DEFAULT_CRITERIA.parent / "dossier"),
        now=datetime(2025, 3, 1, 2, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def summary_en(sample) -> str:
    return rep.summary_html(sample, "en")


@pytest.fixture(scope="module")
def summary_zh(sample) -> str:
    return rep.summary_html(sample, "zh")


def _names(report) -> list[str]:
    return list(report.evaluation.matrix.names)


def _cells(html: str) -> list[str]:
    """Each table cell's text, tags removed."""
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip())
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, flags=re.S)]


def test_english_summary_has_no_chinese_but_town_names_and_marked_originals(sample, summary_en):
    left = CJK.findall(_unmarked(summary_en, _names(sample)))
    assert not left, "".join(left)
    # The sample's sources file gives its texts in English too (source_en, …): no note.
    assert "it has no English version" not in summary_en
    assert "The Sample City work plan for converting towns into districts" in summary_en


def test_a_sources_file_without_english_is_shown_as_written_and_marked(tmp_path):
    """Without source_en, table_en and definition_en the English report shows the Chinese
    texts of the sources file, marked as the original, with a note saying why."""
    import csv
    import shutil

    shutil.copy(DEFAULT_CANDIDATES, tmp_path / "towns.csv")
    with open(DEFAULT_CANDIDATES.with_name("towns.sources.csv"), encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    keep = [k for k, name in enumerate(rows[0]) if not name.endswith("_en")]
    with open(tmp_path / "towns.sources.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[row[k] for k in keep] for row in rows])
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(tmp_path / "towns.csv"))
    html = rep.document_html(rep.build_report(evaluation, now=datetime(2025, 3, 1, 2, 0, tzinfo=UTC)),
                             "summary", "en")
    assert 'lang="zh-CN" class="zh-original"' in html
    assert "it has no English version" in html


@pytest.mark.parametrize("kind", ["argument", "risk"])
def test_english_dossier_documents_have_no_unmarked_chinese(sample, kind):
    html = rep.document_html(sample, kind, "en")
    left = CJK.findall(_unmarked(html, _names(sample)))
    assert not left, "".join(left)


def test_units_in_english_in_a_plan_row_and_a_raw_data_header(summary_en, summary_zh):
    cells = _cells(summary_en)
    # The plan's figures: 180 亿元, 200 名, 3个 in English units
    assert "180 (100 million yuan)" in cells and "200 people" in cells and "3" in cells
    assert "≥ 3.5 per 1,000" in cells and "≤ 30 min" in cells
    english = _cells(re.sub(r'<span lang="zh-CN" class="zh-original">.*?</span>', "", summary_en))
    assert not any(re.search(r"\d\s*(亿元|万元|万人|名|个|家|张|分钟)", c) for c in english)
    assert "180 亿元" in _cells(summary_zh) and "200名" in _cells(summary_zh)
    # A raw-data row header: resident population in 10,000 people, not 万人
    assert any(c.startswith("Resident population, 2022 (10,000 people)") for c in cells)
    # The standards screen and the targets table
    assert any("Own budget revenue (10,000 yuan)" in c for c in cells)
    assert "≥ 15.0 10,000 yuan" not in cells and "≥ 15.0 (10,000 yuan)" in cells
    # The plan's contradictions: figures and texts in English
    assert any("▶ 180 (100 million yuan), §7.2: the programme total is CNY 18" in c
               for c in cells)


def test_experts_named_in_english_everywhere(sample, summary_en):
    summary_en = unescape(summary_en)
    for zh, en in (("王建国", "Wang Jianguo"), ("李秀梅", "Li Xiumei"), ("陈立", "Chen Li")):
        assert zh not in summary_en
        assert en in summary_en
    assert "Under Wang Jianguo's own weights the selection takes" in summary_en
    assert "Judgment matrices of Wang Jianguo" in summary_en
    assert "City Urban and Rural Planning and Design Institute" in summary_en
    assert "Economic weight decides" in summary_en or "Economic weight and public services" \
        in summary_en  # the reasons in English


def test_target_sources_in_english(sample, summary_en):
    targets = {t.id: t for t in load_targets(TARGETS)}
    assert targets["sewage"].source_in("en") == (
        "The Sample City work plan for converting towns into districts, §3.4, §5.3", True)
    assert targets["beds"].source_in("en")[0].startswith("Jieshou City pilot plan")
    assert targets["beds"].source_in("zh") == ("界首市试点方案（其他文件，非本市工作方案）", True)
    cells = _cells(summary_en)
    assert "The Sample City work plan for converting towns into districts, §5.3" in cells
    assert any(c.startswith("Jieshou City pilot plan") for c in cells)
    # Standards: the citation and the local assumption in English
    assert "local assumption, not set by the work plan" in summary_en
    assert "State Council Guofa [1993] No. 38" in summary_en


def test_town_names_kept_whole_in_table_cells(summary_en):
    assert '<span class="nowrap zh-name" lang="zh-CN">(青山镇)</span>' in summary_en
    html = "<p>Qingshan (青山镇)</p><td>Qingshan (青山镇)</td><td title='(青山镇)'>x</td>"
    kept = keep_names_whole(html, ["青山镇"])
    assert kept.count("zh-name") == 1  # in the cell, not in prose nor in an attribute
    assert "<p>Qingshan (青山镇)</p>" in kept and "title='(青山镇)'" in kept


def _h3_within_sections(html: str) -> dict[str, list[str]]:
    """Each h2 section's id → the text of its h3 headings, in order."""
    out: dict[str, list[str]] = {}
    current = ""
    for tag, attrs, text in re.findall(r"<(h2|h3)([^>]*)>(.*?)</\1>", html, flags=re.S):
        if tag == "h2":
            found = re.search(r'id="sec-(\w+)"', attrs)
            current = found.group(1) if found else ""
        else:
            out.setdefault(current, []).append(re.sub(r"<[^>]+>", "", text).strip())
    return out


ZH_NUMBERS = "一二三四五六七八九十"


def test_second_level_headings_numbered_in_order_within_each_section(summary_zh, summary_en):
    zh = _h3_within_sections(summary_zh)
    numbered = {s.key for s in SUMMARY_SECTIONS if s.numbered}
    assert zh["system"][0] == "（一）采用的标准与目标"
    assert zh["weights"][0].startswith("（一）") and zh["weights"][1].startswith("（二）")
    for key, headings in zh.items():
        if key in numbered:
            assert [h[:3] for h in headings] == [f"（{ZH_NUMBERS[k]}）"
                                                  for k in range(len(headings))], key
    en = _h3_within_sections(summary_en)
    for key, headings in en.items():
        if key in numbered:
            assert [h[:4] for h in headings] == [f"({chr(97 + k)}) "
                                                  for k in range(len(headings))], key


def test_argument_keeps_its_numbering(sample):
    html = rep.document_html(sample, "argument", "zh")
    found = _h3_within_sections(html)
    assert [h[:3] for h in found["dz_evaluation"]] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert "dz_evaluation" in {s.key for s in ARGUMENT_SECTIONS}


def test_cross_reference_names_the_numbered_section(summary_zh):
    numbered = [s.key for s in SUMMARY_SECTIONS if s.numbered]
    number = ZH_NUMBERS[numbered.index("screen")]
    assert f"见“{number}、设置标准符合性审查”一节" in summary_zh


def test_time_in_beijing_time_without_a_given_time(sample, summary_zh, summary_en):
    # A time given in UTC (02:00Z) is stated as 10:00 Beijing time.
    assert "2025-03-01T10:00:00+08:00（北京时间）" in summary_zh
    assert "2025-03-01T10:00:00+08:00 (Beijing time)" in summary_en
    # No time given: now, in Beijing time, whatever the machine's zone.
    now = rep.build_report(sample.evaluation, targets=TARGETS)
    html = rep.summary_html(now, "zh")
    stamp = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)（北京时间）", html)
    assert stamp is not None and stamp.group(1).endswith("+08:00")
    assert re.search(r'dcterms.created" content="[^"]*\+08:00"', html)


def test_rule_sets_and_weighting_are_named_in_words(summary_zh, summary_en):
    """The plan section names a screen's rules, not the rule set's id; the run record says
    how the weights were made in words, not as the library's label."""
    assert "local_district_readiness" not in summary_zh + summary_en
    assert "RI saaty1980" not in summary_zh + summary_en
    assert "主客观组合赋权（0.5×层次分析法" in summary_zh


def test_panel_names_in_the_language_of_the_document(sample):
    """A member written {zh: 张明, en: Zhang Ming} is 张明 in Chinese, Zhang Ming in English."""
    zh = rep.document_html(sample, "argument", "zh")
    en = rep.document_html(sample, "argument", "en")
    assert "张明" in zh and "Zhang Ming" not in zh
    assert "Zhang Ming" in en and "张明" not in en
