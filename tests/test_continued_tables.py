"""续表 (issue 15): a table that breaks across pages is labelled on the page it continues on.

The caption sets a named string, ``div.table-end`` after the table clears it,
and the page's top-left margin box shows it only where a table continues
(base.css, :meth:`View.style`).  Checked through the PDF's text layer, page
by page (``pdftotext``, pages separated by form feeds).
"""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from evalkit import evaluate, load_candidates, load_criteria
from evalkit import report as rep
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, TEMPLATES
from evalkit.report.render import html_to_pdf
from evalkit.report.sections import View
from evalkit.report.text import Numbering, environment

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))

DOCUMENT = """{% extends "layout.html.j2" %}
{% from "partials/macros.html.j2" import cover %}
{% block body %}
{{ cover(meta, t, "kind") }}
<h2 class="section">A</h2>
<p>intro</p>
<table>
  <caption>{{ n.table(long_title) }}</caption>
  <thead><tr><th>{{ t.col_indicator }}</th><th class="num">value</th></tr></thead>
  <tbody>
  {% for i in range(rows) %}<tr><td>row {{ i }}</td><td class="num">{{ i * 7 }}</td></tr>{% endfor %}
  </tbody>
</table><div class="table-end"></div>
<p>between</p>
<table class="keep">
  <caption>{{ n.table(short_title) }}</caption>
  <thead><tr><th>{{ t.col_indicator }}</th><th class="num">value</th></tr></thead>
  <tbody><tr><td>only</td><td class="num">1</td></tr></tbody>
</table><div class="table-end"></div>
<h2 class="section first">B</h2>
<p>a page no table continues on</p>
{% endblock %}
"""

TITLES = {"zh": ("各镇长表", "短表"), "en": ("A long table", "A short table")}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_pages(pdf: bytes, tmp: Path) -> list[str]:
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [flat(page) for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def report():
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    return rep.build_report(evaluation, now=NOW)


def render(report, lang: str, tmp: Path, rows: int = 130) -> list[str]:
    view = View(report, lang, {})
    long_title, short_title = TITLES[lang]
    html = environment().from_string(DOCUMENT).render(
        t=view.t, n=Numbering(view.t), meta=view.meta("Title"), rows=rows,
        long_title=long_title, short_title=short_title)
    return pdf_pages(html_to_pdf(html), tmp)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_continued_table_is_labelled_on_every_page_after_the_break(report, lang, tmp_path):
    pages = render(report, lang, tmp_path)
    long_title, short_title = TITLES[lang]
    if lang == "zh":
        caption, continued = f"表1{long_title}", f"续表1{long_title}"
        short_continued = f"续表2{short_title}"
    else:
        caption = flat(f"Table 1. {long_title}")
        continued = flat(f"Table 1. {long_title} (continued)")
        short_continued = flat(f"Table 2. {short_title} (continued)")
    first = next(k for k, page in enumerate(pages) if caption in page)
    last = next(k for k, page in enumerate(pages) if "between" in page)
    assert last > first, "the long table should run over more than one page"
    # The page the table starts on carries its caption, not the continued label ...
    assert continued not in pages[first]
    assert "续表" not in pages[first] and "(continued)" not in pages[first]
    # ... every page it continues on carries 续表 with the number and title, and the header row.
    for page in pages[first + 1:last + 1]:
        assert continued in page
        assert flat(page).count(continued) == 1
    # The cover, and the page after the table (no table continues there), carry no label.
    for page in (pages[0], pages[-1]):
        assert "续表" not in page and "(continued)" not in page
    assert all(short_continued not in page for page in pages)


def test_header_row_repeats_on_the_continued_page(report, tmp_path):
    pages = render(report, "zh", tmp_path)
    first = next(k for k, page in enumerate(pages) if "表1各镇长表" in page)
    t = View(report, "zh", {}).t
    assert flat(t["col_indicator"]) in pages[first + 1]


def test_every_captioned_table_in_the_templates_clears_the_label_after_it():
    """Otherwise the label of a table that ended would show on the next page."""
    for path in sorted(TEMPLATES.rglob("*.j2")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b.*?</table>", text, re.S):
            if "<caption" not in match.group(0):
                continue
            after = text[match.end():match.end() + 40]
            assert after.startswith('<div class="table-end"></div>'), (
                f"{path.name}: a captioned table without the 续表 reset after it")
