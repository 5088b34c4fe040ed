"""Derivations in words (issue 15): the summary never shows an indicator's formula as code.

The 计算方法 / Derivation column of the indicator-system table says how each
indicator is computed in the report's language, columns named by their labels
and units (evalkit/report/sections/derivation.py).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from evalkit import evaluate, load_candidates, load_criteria
from evalkit import report as rep
from evalkit.model.derive import Source
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA
from evalkit.report.render import summary_html
from evalkit.report.sections import View
from evalkit.report.sections.derivation import Words

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))

CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\(")
"""An identifier followed by an opening bracket: ``growth(``, ``ratio(``, ``max(``."""


class _Cells(HTMLParser):
    """The text of every ``td.derivation`` cell."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "td" and "derivation" in (dict(attrs).get("class") or "").split():
            self._open = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.cells[-1] += data


@pytest.fixture(scope="module")
def report():
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    return rep.build_report(evaluation, now=NOW)


@pytest.fixture(scope="module", params=["zh", "en"])
def cells(request, report):
    parser = _Cells()
    parser.feed(summary_html(report, request.param))
    return request.param, parser.cells


def test_every_indicator_has_its_derivation_in_words(report, cells):
    lang, found = cells
    criteria = report.evaluation.criteria
    assert len(found) == len(criteria.indicators)
    columns = set(criteria.columns())
    for text in found:
        assert text.strip()
        assert not CODE.search(text), text
        # no raw column id (pop_2019, gdp_2022, tertiary_gdp) and no derivation keyword
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        assert not {w for w in words & columns if "_" in w}, text  # "physicians" is a word too
        assert not any("_" in w for w in words), text
        if lang == "zh":  # Chinese words only: no derivation keyword or parameter name
            assert words <= {"GDP"}, text


def test_known_indicators_read_as_expected(cells):
    lang, found = cells
    if lang == "zh":
        assert "2019—2022年常住人口年均增长率" in found
        assert "本级一般公共预算收入（亿元） ÷ 本级一般公共预算支出（亿元） × 100%" in found
    else:
        assert "Average annual growth of resident population, 2019–2022" in found
        assert ("Own general public budget revenue (100 million yuan) ÷ "
                "own general public budget expenditure (100 million yuan) × 100%") in found


def test_the_summary_shows_no_formula_code_anywhere_near_the_system_table(report):
    html = summary_html(report, "en")
    start = html.index('id="sec-system"')
    section = html[start:html.index('id="sec-data"')]
    assert "growth(" not in section and "ratio(" not in section and "share(" not in section


def test_a_column_no_one_names_falls_back_to_its_header_or_quoted_name(report):
    words = Words(View(report, "en", {}))
    text = words.source(Source("ratio", {"numerator": Source("column", {}, {"name": "xyz_col"}),
                                         "denominator": 2.0}))
    assert text == "the candidate table's column “xyz_col” ÷ 2"
    zh = Words(View(report, "zh", {}))
    # a year-suffixed column of a known quantity takes the year into its label
    assert zh.column("gdp_2021") == "2021年地区生产总值（亿元）"
