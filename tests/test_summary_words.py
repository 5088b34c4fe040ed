"""The summary says its limits, settings, years and columns in words, never as code.

Every limit of the selection has a label in both languages; a scenario setting
reads "不设上限", not "None"; a year is 2025, not 2,025; a standards rule's band
and a cross-reference to another section are words computed from the data;
Chinese text from the data files takes full-width brackets and colons.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from evalkit import evaluate, load_candidates, load_criteria
from evalkit import report as rep
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select_towns
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO
from evalkit.report.sections import View
from evalkit.report.sections import selection as selection_section
from evalkit.report.sections.decisive import _localised
from evalkit.report.sections.plan import _value, setting_text
from evalkit.report.text import Numbering, breakable, fmt_year, strings, zh_punctuation

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))

RAW = re.compile(r"^[a-z_]+(\.[\w]+)*$")
"""A name as the solver writes it: ``talent.by.2025``, ``reserve``, ``debt``."""


@pytest.fixture(scope="module")
def report():
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    chosen = select_towns(evaluation, load_scenario(DEFAULT_SCENARIO))
    return rep.build_report(evaluation, selection=chosen, now=NOW)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_limit_of_the_sample_has_a_label(report, lang):
    view = View(report, lang, {})
    names = [c.name for c in report.selection.constraints]
    assert {"reserve", "debt"} <= set(names)
    assert any(n.startswith("talent.by.") for n in names)
    for name in names:
        label = selection_section.constraint_label(view, name)
        assert label and label != name and not RAW.match(label), (name, label)
        assert "." not in name or name not in label, (name, label)
        if lang == "zh":
            assert re.search(r"[\u4e00-\u9fff]", label), (name, label)


@pytest.mark.parametrize("name", ["budget.year.2026", "budget.infrastructure.year.2026",
                                  "source.special_bonds.year.2026", "recurring.2027",
                                  "talent.by.2027", "count", "talent", "group.east"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kind_of_limit_has_words(report, name, lang):
    label = selection_section.constraint_label(View(report, lang, {}), name)
    assert not RAW.match(label) and ".year." not in label and "special_bonds" not in label


def test_the_reserve_held_in_a_source_is_said(report):
    held = report.selection.reserve.held
    source = next(s for s, amount in held.items() if amount > 0)
    for lang, word in (("zh", "风险准备金"), ("en", "risk reserve")):
        model = selection_section.build(View(report, lang, {}))
        row = next(c for c in model["constraints"] if c["source"] and c["held"])
        assert word in row["held"] and word in model["reserve_note"]
        assert View(report, lang, {}).scenario_label(source) in model["reserve_note"]
        reserve = next(c for c in model["constraints"]
                       if c["name"] == selection_section.constraint_label(
                           View(report, lang, {}), "reserve"))
        assert not reserve["binding"]  # a floor met exactly is not a resource used up


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scenario_settings_read_as_words(report, lang):
    view = View(report, lang, {})
    years = setting_text(view, "phasing.years", {2025: None, 2026: None, 2027: None})
    profile = setting_text(view, "phasing.profile", {"from": -1, "shares": [0.3, 0.5, 0.2]})
    for text in (years, profile):
        assert "None" not in text and "shares" not in text and "[" not in text
    assert "2025" in years and "2,025" not in years
    if lang == "zh":
        assert years == "2025—2027年各年度均不设上限"
        assert profile == "改区前一年30%、当年50%、次年20%"
    else:
        assert "no limit" in years and "30% the year before conversion" in profile


def test_scenario_keys_wrap_at_dots_and_underscores():
    assert str(breakable("affordability.recurring.share_of_cost")) == (
        "affordability.<wbr>recurring.<wbr>share_<wbr>of_<wbr>cost")
    assert str(breakable("<b>")) == "&lt;b&gt;"


def test_years_print_without_grouping(report):
    zh, en = View(report, "zh", {}), View(report, "en", {})
    assert fmt_year(2025) == "2025" and fmt_year(2027.0) == "2027"
    assert _value(zh, 2025, "年") == "2025年" and _value(zh, 2025.0, "year") == "2025"
    assert _value(en, 2025, "年") == "2025"
    assert _value(zh, 1500, "亿元") == "1,500 亿元"  # an amount keeps its grouping
    assert _value(en, 1500, "亿元") == "1,500 (100 million yuan)"


def test_section_numbers_for_cross_references():
    numbering = Numbering(strings("zh"))
    numbering.sections(["exec", "system", "data", "weights", "experts", "ranking",
                        "obstacles", "screen"])
    assert numbering.numbers["screen"] == "八"
    english = Numbering(strings("en"))
    english.sections(["exec", "screen"])
    assert english.numbers["screen"] == "2"


def test_chinese_text_takes_full_width_punctuation():
    assert zh_punctuation("驻地镇非农产业人口(万人)") == "驻地镇非农产业人口（万人）"
    assert zh_punctuation("自来水普及率(%): 88 < 90 (本地假设); 道路铺装率(%): 79 < 80") == (
        "自来水普及率（%）：88 < 90（本地假设）；道路铺装率（%）：79 < 80")
    assert zh_punctuation("民政部市辖区设置标准(征求意见稿)") == "民政部市辖区设置标准（征求意见稿）"
    formula = "RI(n) = (1.7699n − 4.3513)/(n − 1)"
    assert zh_punctuation(formula) == formula
    assert zh_punctuation("1,000 人") == "1,000 人"


def test_english_town_names_are_wrapped_once(report):
    view = View(report, "en", {})
    town = report.selection.selected[0].id
    zh = view.matrix.names[view.matrix.ids.index(town)]
    text = _localised(view, f"{zh} {town} (chosen) and {zh} again", {town: zh})
    assert text == f"{view.name(town)} (chosen) and {view.name(town)} again"
    assert text.count(zh) == 2


def test_chinese_tie_break_key_is_named_in_words(report):
    text = _localised(View(report, "zh", {}), "（可在情景文件 tie_break 中写明偏好及理由）。", {})
    assert text == "（可在情景文件的并列取舍规则（tie_break）中写明偏好及理由）。"


def test_screen_band_in_words(report):
    from evalkit.decide.standards import load_standards
    from evalkit.report.sections.derivation import Words
    from evalkit.report.sections.screen import _band

    rules = load_standards(DEFAULT_CRITERIA.parent / "standards.yaml").rules.values()
    band = next(r.applies_when for r in rules if r.applies_when is not None)
    for lang in ("zh", "en"):
        view = View(report, lang, {})
        text = _band(view, Words(view), band)
        assert "ratio(" not in text and "pop_2022" not in text and "400" in text
