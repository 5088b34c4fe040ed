"""The 论证报告 and risk report: paths shown, the change plan checked, English fields, labels.

Renders HTML only (no PDF), so it is quick; tests/test_dossier.py checks the PDFs.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.decide.dossier import load_dossier
from evalkit.decide.dossier.narrative import plan_towns
from evalkit.decide.dossier.plan import check_plan
from evalkit.decide.dossier.risks import load_risks
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select_towns
from evalkit.errors import InputError
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO, PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "criteria" / "dossier"
NOW = datetime(2026, 10, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
DOCUMENTS = [(doc, lang) for doc in ("argument", "risk") for lang in ("zh", "en")]


@pytest.fixture(scope="module")
def evaluation():  # type: ignore[no-untyped-def]
    return evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))


@pytest.fixture(scope="module")
def selection(evaluation):  # type: ignore[no-untyped-def]
    return select_towns(evaluation, load_scenario(DEFAULT_SCENARIO))


def _html(evaluation, selection, folder: Path, doc: str, lang: str) -> str:  # type: ignore[no-untyped-def]
    from evalkit.report import build_report
    from evalkit.report.render import document_html

    report = build_report(evaluation, selection=selection, now=NOW, dossier=load_dossier(folder))
    return document_html(report, doc, lang)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- no path of the machine ---------------------------------------------------------

def _machine_paths(html: str, *roots: Path) -> list[str]:
    """Absolute paths: '/' then a component of a root's path (``/work/…``, ``/tmp/…``)."""
    found = []
    for root in roots:
        first = root.resolve().parts[1]
        found += re.findall(rf"(?<![\w.:/])/{re.escape(first)}/[^\s<\"']*", html)
    return found


@pytest.mark.parametrize(("doc", "lang"), DOCUMENTS)
def test_no_absolute_path_from_another_working_directory(evaluation, selection, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         doc: str, lang: str) -> None:
    monkeypatch.chdir(tmp_path)  # the dossier folder is not under the working directory
    html = _html(evaluation, selection, SAMPLE.resolve(), doc, lang)
    assert str(PROJECT_ROOT.resolve()) not in html
    assert not _machine_paths(html, PROJECT_ROOT), _machine_paths(html, PROJECT_ROOT)[:3]
    # shown from the criteria file's folder instead
    assert "criteria/dossier" in _text(html)
    if doc == "argument":
        assert "criteria/dossier/benefits.md" in _text(html)


def test_paths_are_relative_to_the_working_directory_when_under_it(
        evaluation, selection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE.parent)
    text = _text(_html(evaluation, selection, SAMPLE.resolve(), "argument", "zh"))
    assert "请在 dossier/benefits.md 中填写" in text
    assert "材料存放于 dossier。" in text


def test_a_folder_elsewhere_is_shown_by_its_name(evaluation, selection, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "elsewhere" / "mydossier"
    folder.mkdir(parents=True)
    monkeypatch.chdir(SAMPLE)
    html = _html(evaluation, selection, folder, "argument", "zh")
    assert str(tmp_path.resolve()) not in html and str(tmp_path) not in html
    assert not _machine_paths(html, tmp_path)
    assert "mydossier/overview.md" in _text(html)


# -- the change plan against the selection and the data ------------------------------

IDS, NAMES, NAMES_EN = ("T1", "T2", "T4"), ("青山镇", "临河镇", "云溪镇"), ("Qingshan", "Linhe", "Yunxi")
POP = {"T1": 16.5, "T2": 9.8, "T4": 6.2}


def test_plan_towns_accept_names_ids_and_separators() -> None:
    assert plan_towns("青山镇、临河镇") == ("青山镇", "临河镇")
    assert plan_towns("T1, T2，Yunxi") == ("T1", "T2", "Yunxi")
    check = check_plan({"towns": "T1、临河镇, yunxi"}, IDS, NAMES, NAMES_EN, ("T1", "T2", "T4"))
    assert check.listed == ("T1", "T2", "T4") and not check.unknown and not check.towns_differ


def test_plan_check_finds_missing_towns_and_wrong_population() -> None:
    check = check_plan({"towns": "青山镇、临河镇、石门镇", "population": "31.2"}, IDS, NAMES,
                       NAMES_EN, ("T1", "T2", "T4"), POP)
    assert check.unknown == ("石门镇",)
    assert check.towns_differ
    assert check.population == pytest.approx(26.3)
    assert check.population_differs
    # a figure rounded as stated agrees: 32.5 for 32.5, 33 for 32.5 (whole 万)
    ok = check_plan({"towns": "T1 T2 T4", "population": "32.5"}, IDS, NAMES, NAMES_EN, (), POP)
    assert not ok.population_differs and not ok.towns_differ
    assert not check_plan({"towns": "T1 T2 T4", "population": "33"}, IDS, NAMES, NAMES_EN, (),
                          POP).population_differs


def _plan_folder(tmp_path: Path, front: str) -> Path:
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "change_plan.md").write_text(f"---\n{front}---\n撤销青山镇、临河镇设区。\n",
                                           encoding="utf-8")
    return folder


def test_a_plan_that_differs_from_the_selection_is_boxed(evaluation, selection,
                                                         tmp_path: Path) -> None:
    folder = _plan_folder(tmp_path, "name: 示例市青山区\ntowns: 青山镇、临河镇\npopulation: 31.2\n")
    text = _text(_html(evaluation, selection, folder, "argument", "zh"))
    assert "变更方案所列镇（青山镇、临河镇）与遴选结果（青山镇、临河镇、云溪镇）不一致：请核对" in text
    assert "变更方案所列人口为31.2万人，而基础数据中所列镇常住人口合计26.3万人" in text
    html = _html(evaluation, selection, folder, "argument", "zh")
    assert 'class="placeholder plan-check"' in html


def test_a_plan_without_towns_is_a_gap(evaluation, selection, tmp_path: Path) -> None:
    folder = _plan_folder(tmp_path, "name: 示例市青山区\n")
    dossier = load_dossier(folder)
    assert [i.field for i in dossier.checklist() if i.file == "change_plan.md" and not i.filled
            ].count("towns") == 1
    text = _text(_html(evaluation, selection, folder, "argument", "zh"))
    assert "change_plan.md 中填写“所涉镇”" in text


def test_the_sample_plan_agrees_with_the_selection_and_the_data(evaluation, selection) -> None:
    assert [r.id for r in selection.selected] == ["T1", "T2", "T4"]
    for lang in ("zh", "en"):
        html = _html(evaluation, selection, SAMPLE, "argument", lang)
        assert "plan-check" not in html
    text = _text(_html(evaluation, selection, SAMPLE, "argument", "zh"))
    assert "32.5万人" in text and "青山镇、临河镇、云溪镇" in text
    assert "31.2万人" not in text and "两镇常住人口合计" not in text
    conclusion = (SAMPLE / "conclusion.md").read_text(encoding="utf-8")
    assert "青山镇、临河镇、云溪镇" in conclusion


# -- funding, limits, cover, numbering, subtitle ------------------------------------

def test_funding_is_planned_and_limits_are_labelled(evaluation, selection) -> None:
    zh = _text(_html(evaluation, selection, SAMPLE, "argument", "zh"))
    assert "计划资金来源154.0 亿元（尚未落实）" in zh.replace("\u00a0", " ")
    assert "已落实" not in zh
    # every binding limit by its label, never its raw name (reserve, source.grants, …)
    limits = re.search(r"约束：(.*?)已达上限", zh)
    assert limits is not None and "中央和省级补助" in limits.group(1)
    assert not re.search(r"\b[a-z_.]{3,}\b", limits.group(1)), limits.group(1)
    en = _text(_html(evaluation, selection, SAMPLE, "argument", "en"))
    assert "planned funding (not yet secured)" in en
    assert "Central and provincial grants" in en


@pytest.mark.parametrize(("doc", "lang"), DOCUMENTS)
def test_cover_cites_nothing_the_document_lacks(evaluation, selection, doc: str,
                                                lang: str) -> None:
    text = _text(_html(evaluation, selection, SAMPLE, doc, lang))
    assert "基础数据及来源" not in text and "appendix" not in text.lower()
    if doc == "risk":
        assert "130" not in text.split("材料完整性核对")[0].split("Inputs")[0]


def test_risk_cover_does_not_repeat_its_title(evaluation, selection) -> None:
    html = _html(evaluation, selection, SAMPLE, "risk", "zh")
    assert '<div class="subtitle"></div>' in html
    assert html.count("社会稳定风险评估报告</div>") == 0


def test_risk_chapter_of_the_argument_numbers_every_level(evaluation, selection) -> None:
    text = _text(_html(evaluation, selection, SAMPLE, "argument", "zh"))
    chapter = text[text.index("八、风险分析"):]
    assert chapter.index("（一）主要风险及防范措施") < chapter.index("1.中风险") \
        < chapter.index("（1）R1") < chapter.index("（二）风险登记")


# -- English fields ------------------------------------------------------------------

def test_english_fields_of_the_plan_and_register(evaluation, selection) -> None:
    text = _text(_html(evaluation, selection, SAMPLE, "argument", "en"))
    assert "Qingshan District, Sample City" in text and "325,000 persons" in text
    assert "示例市青山区" not in text and "ten-thousand" not in text
    risk = _text(_html(evaluation, selection, SAMPLE, "risk", "en"))
    assert "Changes to compensation standards for land" in risk
    assert "City Finance Bureau" in risk
    assert "城郊结合部" not in risk and "市财政局" not in risk


def test_missing_english_fields_show_the_chinese_marked(evaluation, selection,
                                                        tmp_path: Path) -> None:
    folder = _plan_folder(tmp_path, "name: 示例市青山区\ntowns: T1\n")
    shutil.copy(SAMPLE / "risks.yaml", folder / "risks.yaml")
    text = (folder / "risks.yaml").read_text(encoding="utf-8")
    (folder / "risks.yaml").write_text(re.sub(r"\n\s*(description|mitigation|responsible)_en:.*",
                                              "", text), encoding="utf-8")
    html = _html(evaluation, selection, folder, "argument", "en")
    assert '<span lang="zh-CN">示例市青山区</span>' in html
    assert "add name_en to change_plan.md" in html
    assert 'class="zh-original">城郊结合部' in html
    assert "add description_en, mitigation_en, responsible_en in risks.yaml" in _text(html)


def test_an_empty_english_risk_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "risks.yaml"
    path.write_text((SAMPLE / "risks.yaml").read_text(encoding="utf-8").replace(
        "    description_en: Changes to compensation", "    description_en: ''\n    x_: Changes",
        1).replace("    x_: Changes", "    # Changes"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_risks(path)
    assert "description_en" in str(info.value)
