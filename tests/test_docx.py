"""Editable Word copies of the reports (issue 18): read back with python-docx.

The Word copy is made from the same HTML as the PDF, so it is checked
against that HTML, parsed here with tinyhtml5 (the parser WeasyPrint itself
uses for the PDF): the same headings in the same order, the same table cells,
the charts, the sources as footnotes.  Then the Word structure: heading
styles, repeating header rows, A4 with GB/T 9704-2012 margins, East-Asian
fonts in the styles, fields only where the report puts them, input text kept
literal, equal bytes for equal inputs, runs never overwritten.  Tests do not
depend on the sample's current figures: they compare the Word copy with the
HTML of the same report.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest
import tinyhtml5
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image

import evalkit.report.render as render
from evalkit import evaluate, load_candidates, load_criteria
from evalkit import report as rep
from evalkit.cli import cli
from evalkit.decide.robustness import robustness as robustness_of
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select_towns
from evalkit.errors import InputError
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO, PROJECT_ROOT
from evalkit.report import charts
from evalkit.report.fonts import find_cjk_fonts
from evalkit.report.raster import PngCharts, draw_svg_and_png
from evalkit.report.word import html_to_docx
from evalkit.report.word.notes import footnote_texts

TARGETS = PROJECT_ROOT / "criteria" / "targets.yaml"
NOW = datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=8)))
XHTML = "{http://www.w3.org/1999/xhtml}"
EMU_PER_INCH = 914400
HOSTILE = '{ HYPERLINK "file:///etc/passwd" }'


def flat(text: str) -> str:
    """Text without white space or the word joiners that keep a number with its unit."""
    return re.sub(r"[\s\u2060]+", "", text)


# --- the HTML side, parsed as WeasyPrint parses it --------------------------------------------


def html_tree(html: str) -> ElementTree.Element:
    return tinyhtml5.parse(html)


def classes(element: ElementTree.Element) -> set[str]:
    return set(element.get("class", "").split())


def inside(root: ElementTree.Element, cls: str | None = None, tag: str | None = None) -> set[int]:
    """ids of the elements below any element of class ``cls`` (or tag ``tag``)."""
    found: set[int] = set()
    for element in root.iter():
        if (cls and cls in classes(element)) or (tag and element.tag == XHTML + tag):
            found.update(id(e) for e in element.iter() if e is not element)
    return found


def html_headings(html: str) -> list[tuple[int, str]]:
    root = html_tree(html)
    toc = inside(root, "toc")
    return [(int(e.tag[-1]) - 1, flat("".join(e.itertext()))) for e in root.iter()
            if e.tag in (XHTML + "h2", XHTML + "h3") and id(e) not in toc]


def html_tables(html: str) -> list[tuple[list[list[str]], int]]:
    """Each table's cell texts by row (caption left out) and its number of header rows.

    A table with label rows (one cell spanning every column: the judgment matrices' 准则层)
    is one table per label in Word, the label a paragraph and the group's row of ``th``
    cells its header; so here too.
    """
    out = []
    for table in html_tree(html).iter(XHTML + "table"):
        rows, head, labelled = [], 0, False
        for part in table:
            for tr in part.iter(XHTML + "tr") if part.tag != XHTML + "caption" else ():
                cells = [c for c in tr if c.tag in (XHTML + "td", XHTML + "th")]
                if len(cells) == 1 and int(cells[0].get("colspan", "1")) > 1 \
                        and part.tag != XHTML + "thead":
                    if rows:
                        out.append((rows, head))
                    rows, head, labelled = [], 0, True
                    continue
                rows.append([flat("".join(c.itertext())) for c in cells])
                head += part.tag == XHTML + "thead" or (
                    labelled and len(rows) == 1 and all(c.tag == XHTML + "th" for c in cells))
        out.append((rows, head))
    return out


def html_sources(html: str) -> list[str]:
    """Texts of the source notes outside tables (the Word copy's footnotes)."""
    root = html_tree(html)
    in_table = inside(root, tag="table")
    return [flat("".join(e.itertext())) for e in root.iter()
            if "source" in classes(e) and id(e) not in in_table]


# --- the Word side ------------------------------------------------------------------------------


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def part_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name).decode("utf-8")


def word_headings(document) -> list[tuple[int, str]]:
    """(level, text) of every Heading 1/2 paragraph, in document order (tables included)."""
    out = []
    for paragraph in document.element.body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        level = {"Heading1": 1, "Heading2": 2}.get(style.get(qn("w:val")) if style is not None
                                                    else "")
        if level:
            out.append((level, flat("".join(t.text or "" for t in paragraph.iter(qn("w:t"))))))
    return out


def word_tables(document) -> list[tuple[list[list[str]], list[bool]]]:
    """Each Word table's cell texts by row (spanned cells once) and which rows repeat."""
    out = []
    for table in document.element.body.iter(qn("w:tbl")):
        rows, header = [], []
        for tr in table.findall(qn("w:tr")):
            cells = []
            for tc in tr.findall(qn("w:tc")):
                merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if merge is not None and merge.get(qn("w:val")) != "restart":
                    continue
                cells.append(flat("".join(t.text or "" for t in tc.iter(qn("w:t")))))
            rows.append(cells)
            header.append(tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None)
        out.append((rows, header))
    return out


def style_of(document, style_id: str):
    for style in document.styles.element.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            return style
    raise KeyError(style_id)


def east_asian_font(element) -> str | None:
    fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))


@pytest.fixture(scope="module")
def report(evaluation):
    scenario = load_scenario(DEFAULT_SCENARIO)
    return rep.build_report(evaluation, selection=select_towns(evaluation, scenario),
                            robustness=robustness_of(evaluation, scenario=scenario, seed=0,
                                                     samples=300),
                            targets=TARGETS, now=NOW)


@pytest.fixture(scope="module")
def summary(report):
    """The summary in Chinese: its HTML (as the PDF is made from) and its Word copy."""
    return rep.summary_html(report, "zh"), rep.render_summary_docx(report, "zh")


@pytest.fixture(scope="module")
def town(report):
    town_id = report.town_ids[0]
    return rep.town_html(report, town_id, "zh"), rep.render_town_docx(report, town_id, "zh")


# --- the same content as the PDF ----------------------------------------------------------------


@pytest.mark.parametrize("which", ["summary", "town"])
def test_same_headings_in_the_same_order_with_heading_styles(which, request):
    html, data = request.getfixturevalue(which)
    expected = html_headings(html)
    assert len(expected) >= (12 if which == "summary" else 5)
    assert word_headings(open_docx(data)) == expected
    # Heading styles carry outline levels, so the navigation pane and a TOC field see them.
    document = open_docx(data)
    for level in (1, 2, 3):
        outline = style_of(document, f"Heading{level}").find(
            f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        assert outline is not None and outline.get(qn("w:val")) == str(level - 1)


@pytest.mark.parametrize("which", ["summary", "town"])
def test_tables_hold_the_html_cells_and_repeat_their_header_rows(which, request):
    html, data = request.getfixturevalue(which)
    expected = html_tables(html)
    found = word_tables(open_docx(data))
    # Boxes (summary box, evidence notice) are one-cell tables of their own; the empty
    # opinion field is a bordered paragraph.
    boxes = sum(1 for e in html_tree(html).iter()
                if classes(e) & {"summary-box", "evidence-notice"}
                or ("opinion" in classes(e) and "".join(e.itertext()).strip()))
    assert len(found) == len(expected) + boxes
    position = 0
    for rows, head in expected:
        while found[position][0] != rows:
            position += 1
            assert position < len(found), f"no Word table holds {rows[:2]}"
        header = found[position][1]
        assert header == [True] * head + [False] * (len(rows) - head), rows[:1]
        position += 1
    assert sum(head > 0 for _, head in expected) >= (10 if which == "summary" else 3)


def test_no_merged_cells_and_every_table_repeats_a_header(summary):
    """The judgment matrices' label rows (colspan) are paragraphs before a table each."""
    html, data = summary
    assert any(int(c.get("colspan", "1")) > 1 for c in html_tree(html).iter(XHTML + "td"))
    xml = part_xml(data, "word/document.xml")
    assert "<w:gridSpan" not in xml and "<w:vMerge" not in xml and "<w:hMerge" not in xml
    document = open_docx(data)
    cover_tables = 0
    for table in document.element.body.iter(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if len(rows) < 2:
            continue  # a box
        width = table.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
        if width.get(qn("w:w")) == "3600":
            cover_tables += 1  # the cover's layout table (评估对象 …, 72 % wide) has no header
            continue
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None, \
            flat("".join(t.text or "" for t in rows[0].iter(qn("w:t"))))
    assert cover_tables == 1
    # Each matrix keeps its label: a paragraph kept with the table after it.
    labels = [p for p in document.paragraphs if flat(p.text).startswith("准则层λ")]
    assert labels and all(p.paragraph_format.keep_with_next for p in labels)


@pytest.mark.parametrize("which", ["summary", "town"])
def test_charts_are_png_at_print_resolution_with_captions(which, request):
    html, data = request.getfixturevalue(which)
    figures = list(html_tree(html).iter(XHTML + "figure"))
    document = open_docx(data)
    pictures = document.inline_shapes
    assert len(pictures) == len(figures) > 0
    for shape, figure in zip(pictures, figures, strict=True):
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = document.part.related_parts[blip.embed]
        assert image.content_type == "image/png"
        width_px, _ = Image.open(io.BytesIO(image.blob)).size
        shown_inches = shape.width / EMU_PER_INCH
        assert width_px / shown_inches >= 200, (width_px, shown_inches)
        caption = flat("".join(figure.find(XHTML + "figcaption").itertext()))
        assert flat(shape._inline.docPr.get("descr")) in caption
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    for figure in figures:
        title = flat("".join(figure.find(XHTML + "figcaption").text or ""))
        assert any(flat(c) == title for c in captions), title


@pytest.mark.parametrize("which", ["summary", "town"])
def test_sources_are_footnotes(which, request):
    html, data = request.getfixturevalue(which)
    expected = html_sources(html)
    assert expected, "the sample's figures carry notes"
    notes = footnote_texts(open_docx(data))
    assert [flat(text) for _, text in sorted(notes.items())] == expected
    xml = part_xml(data, "word/document.xml")
    assert xml.count("<w:footnoteReference ") == len(expected)
    assert 'w:type="separator"' in part_xml(data, "word/footnotes.xml")
    content_types = part_xml(data, "[Content_Types].xml")
    assert "wordprocessingml.footnotes+xml" in content_types


# --- Word structure -------------------------------------------------------------------------------


def test_a4_with_government_document_margins(summary):
    section = open_docx(summary[1]).sections[0]
    tolerance = Mm(0.1)
    for value, mm in ((section.page_width, 210), (section.page_height, 297),
                      (section.top_margin, 37), (section.bottom_margin, 35),
                      (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(value - Mm(mm)) <= tolerance, (value, mm)


def test_styles_name_chinese_fonts_with_a_latin_font(summary):
    document = open_docx(summary[1])
    styles = document.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    assert east_asian_font(defaults) == "仿宋"
    assert east_asian_font(style_of(document, "Normal")) == "仿宋"
    for heading in ("Heading1", "Heading2", "Heading3", "Title", "Caption"):
        assert east_asian_font(style_of(document, heading)) == "黑体", heading
    assert east_asian_font(style_of(document, "TableText")) == "宋体"
    normal_fonts = style_of(document, "Normal").find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert normal_fonts.get(qn("w:ascii")) == "Times New Roman"
    assert normal_fonts.get(qn("w:asciiTheme")) is None  # a theme font would override ours
    table = part_xml(summary[1], "word/fontTable.xml")
    for english in ("SimSun", "FangSong", "SimHei"):
        assert f'w:val="{english}"' in table


def test_fields_only_the_toc_and_page_numbers(summary):
    html, data = summary
    body = part_xml(data, "word/document.xml")
    assert "fldSimple" not in body and "<w:hyperlink" not in body
    assert re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", body) == [
        ' TOC \\o "1-2" \\h \\z \\u ']
    # The TOC field's result lists the HTML table of contents until Word updates it.
    toc = [flat("".join(li.itertext())) for li in html_tree(html).iter(XHTML + "li")
           if li.find(XHTML + "a") is not None]
    document = open_docx(data)
    entries = [flat(p.text) for p in document.paragraphs if p.style.name == "toc 1"][1:]
    assert entries == toc
    footer = "".join(part_xml(data, n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                     if n.startswith("word/footer"))
    assert set(re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", footer)) == {
        " PAGE ", " NUMPAGES "}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".rels"))
    assert "External" not in rels and "file:" not in rels


def test_hostile_town_name_stays_literal_text(evaluation, tmp_path):
    table = DEFAULT_CANDIDATES.read_text(encoding="utf-8").replace(
        "青山镇", '"' + HOSTILE.replace('"', '""') + ' { PAGE }"', 1)
    csv = tmp_path / "towns.csv"
    csv.write_text(table, encoding="utf-8")
    hostile = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(csv))
    data = rep.render_summary_docx(rep.build_report(hostile, now=NOW), "zh")
    body = part_xml(data, "word/document.xml")
    texts = [t.text for t in open_docx(data).element.body.iter(qn("w:t"))]
    assert any(HOSTILE + " { PAGE }" in (text or "") for text in texts)
    assert re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", body) == [
        ' TOC \\o "1-2" \\h \\z \\u ']
    assert "fldSimple" not in body and "<w:hyperlink" not in body
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = "".join(package.read(n).decode() for n in package.namelist() if n.endswith(".rels"))
    assert "passwd" not in rels and "External" not in rels


def test_cover_watermark_and_page_numbers():
    html = ('<html lang="zh-CN"><head><title>某市评估报告</title></head><body>'
            '<div class="watermark">示例数据，不作审批依据</div>'
            '<section class="cover"><div class="docno">文号：＿＿</div><h1>某市评估报告</h1>'
            '<div class="subtitle">评估报告</div></section>'
            '<h2 class="section first">一、结论</h2><p class="indent">正文。</p></body></html>')
    document = open_docx(html_to_docx(html))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = "".join(p.text for p in section.header.paragraphs)
    assert "某市评估报告" in header and "示例数据，不作审批依据" in header
    assert "示例数据，不作审批依据" in "".join(p.text for p in section.first_page_header.paragraphs)
    assert "示例数据" not in "".join(p.text for p in document.paragraphs)  # not in the text
    assert "第" in "".join(p.text for p in section.footer.paragraphs)
    title = next(p for p in document.paragraphs if p.text == "某市评估报告")
    assert title.style.name == "Title"
    body = [p for p in document.paragraphs if p.text == "一、结论"]
    assert body and body[0].paragraph_format.page_break_before


def test_a_new_section_with_unknown_classes_comes_out():
    """Sections added to the templates later need no change in the Word writer."""
    html = ('<html lang="zh-CN"><body><h2 class="section" id="sec-new">十二、新增章节</h2>'
            '<div class="brand-new-box"><h3>（一）小节</h3><p class="mystery">说明文字'
            '<span class="whatever">强调</span>。</p>'
            '<table class="fresh"><caption>表 9　新表</caption><colgroup><col style="width:30%">'
            '<col></colgroup><thead><tr><th>项目</th><th>数值</th></tr></thead>'
            '<tbody><tr><td>甲<div class="source">年鉴</div></td><td class="num">1.0</td></tr>'
            '</tbody></table>'
            '<ul class="points"><li>要点一</li><li>要点二</li></ul>'
            '<p>待补充：资料来源。</p><p><span class="placeholder">（请填写）</span></p></div>'
            '</body></html>')
    document = open_docx(html_to_docx(html))
    assert word_headings(document) == [(1, "十二、新增章节"), (2, "（一）小节")]
    assert word_tables(document) == [([["项目", "数值"], ["甲年鉴", "1.0"]], [True, False])]
    table = document.tables[0]
    source = table.cell(1, 0).paragraphs[1].runs[0]  # a source in a cell stays there, small
    assert source.text == "年鉴" and source.font.size == Pt(8)
    assert table.cell(1, 1).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    widths = [c.width for c in table.rows[0].cells]
    assert abs(widths[0] / (widths[0] + widths[1]) - 0.30) < 0.01
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["要点一", "要点二"]
    highlighted = [r.text for p in document.paragraphs for r in p.runs
                   if r.font.highlight_color is not None]
    assert highlighted == ["待补充：资料来源。", "（请填写）"]
    assert "说明文字强调。" in [p.text for p in document.paragraphs]


def test_sources_in_running_text_definitions_and_a_checklist():
    html = ('<html lang="zh-CN"><body><p>人口数据<span class="source">市统计年鉴2023，表3-1</span>'
            '见下表。</p><p>无来源段落。</p><div class="source">全市GDP：市统计公报</div>'
            '<dl class="where"><dt><i>K</i></dt><dd>计划改区镇数</dd></dl>'
            '<ul class="checklist"><li><input type="checkbox" checked>请示文件</li>'
            '<li><input type="checkbox">听证材料</li></ul></body></html>')
    data = html_to_docx(html)
    document = open_docx(data)
    assert footnote_texts(document) == {1: "市统计年鉴2023，表3-1", 2: "全市GDP：市统计公报"}
    paragraphs = document.paragraphs
    first = paragraphs[0]._p
    runs = [r for r in first.iter(qn("w:r"))]
    marks = [i for i, r in enumerate(runs) if r.find(qn("w:footnoteReference")) is not None]
    texts = ["".join(t.text for t in r.iter(qn("w:t"))) for r in runs]
    assert texts[:marks[0]] == ["人口数据"] and texts[marks[0] + 1:] == ["见下表。"]
    # A source standing alone is noted on the paragraph before it.
    assert paragraphs[1]._p.find(f"{qn('w:r')}/{qn('w:footnoteReference')}") is not None
    assert "K\t计划改区镇数" in [p.text for p in paragraphs]
    assert [p.text for p in paragraphs if p.style.name == "List Bullet"] == [
        "☑ 请示文件", "☐ 听证材料"]


def test_every_document_of_a_run_gets_its_word_copy(evaluation, tmp_path):
    report = rep.build_report(evaluation, targets=TARGETS, now=NOW)  # no selection: quicker
    run = rep.render_reports(report, out=tmp_path, formats=("docx",))
    stems = ["summary_zh"] + [f"town_{t}_zh" for t in report.town_ids]
    assert [p.name for p in run.files] == sorted(f"{stem}.docx" for stem in stems)
    assert run.docx == run.documents == run.files and run.pdfs == ()
    assert all(f"{stem}.docx" in run.timings for stem in stems)
    for path in run.docx:
        assert word_headings(open_docx(path.read_bytes())), path.name


def test_the_same_report_gives_the_same_bytes(report):
    first = rep.render_town_docx(report, report.town_ids[1], "en")
    second = rep.render_town_docx(report, report.town_ids[1], "en")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(2025, 3, 1, 2, 0, 0)}
    core = open_docx(first).core_properties
    assert core.created == core.modified == NOW
    assert core.author == "" and "python-docx" not in (core.comments or "")


# --- charts as PNG ------------------------------------------------------------------------------


def test_png_copy_leaves_the_svg_unchanged():
    fonts = find_cjk_fonts()
    args, kwargs = (["青山镇", "临河镇"], [0.8, 0.4]), {"fonts": fonts, "xlabel": "贴近度"}
    svg, png = draw_svg_and_png(charts.ranked_bars, args, kwargs, dpi=200)
    assert svg == charts.ranked_bars(*args, **kwargs)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] == round(charts.WIDTH_IN * 200)
    assert charts._svg.__name__ == "_svg"  # the chart module is left as it was


def test_png_charts_through_another_executor_and_errors():
    fonts = find_cjk_fonts()
    with ThreadPoolExecutor(2) as pool:
        pngs = PngCharts(pool)
        made = [rep.Chart(f"chart-0{i}.svg", charts.ranked_bars, (["甲", "乙"], [i, 1.0]),
                          {"fonts": fonts, "xlabel": "x"}, pngs) for i in (1, 2)]
        images = pngs.images(made)
    assert set(images) == {"charts/chart-01.svg", "charts/chart-02.svg"}
    assert images["charts/chart-01.svg"] != images["charts/chart-02.svg"]
    broken = rep.Chart("chart-09.svg", charts.ranked_bars, ([], []), {"fonts": None,
                                                                      "xlabel": "x"}, PngCharts())
    with pytest.raises(AttributeError):
        _ = broken.svg


# --- run directories and the command ----------------------------------------------------------


def test_unknown_format_is_refused_before_anything_is_written(report, tmp_path):
    with pytest.raises(InputError, match="unknown report format 'odt'"):
        rep.render_reports(report, out=tmp_path, formats=("odt",))
    assert list(tmp_path.iterdir()) == []


def test_cli_format_both_never_overwrites_and_repeats_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "html_to_pdf", lambda html, charts=(), **_: b"%PDF-1.7 stub")
    command = ["report", "--format", "both", "--no-towns", "--samples", "200",
               "--out", str(tmp_path), "--time", "2025-03-01T10:00:00+08:00"]
    first = CliRunner().invoke(cli, command)
    assert first.exit_code == 0, first.output
    printed = [Path(line) for line in first.stdout.splitlines() if line.strip()]
    assert sorted(p.name for p in printed) == ["summary_zh.docx", "summary_zh.pdf"]
    run = printed[0].parent
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in run.iterdir()}
    second = CliRunner().invoke(cli, command)
    assert second.exit_code == 0, second.output
    again = [Path(line) for line in second.stdout.splitlines() if line.strip()]
    assert again[0].parent != run and again[0].parent.name == run.name + "-2"
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in run.iterdir()} == before
    docx = next(p for p in again if p.suffix == ".docx")
    assert docx.read_bytes() == (run / "summary_zh.docx").read_bytes()
    assert part_xml(docx.read_bytes(), "word/document.xml") == part_xml(
        (run / "summary_zh.docx").read_bytes(), "word/document.xml")


def test_cli_help_lists_the_format_option():
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert result.exit_code == 0 and "--format [pdf|docx|both]" in result.output


def test_the_command_line_and_the_report_package_start_without_python_docx():
    for package, modules in (("evalkit.cli", ("docx", "lxml", "evalkit.report.word")),
                             ("evalkit.report", ("docx", "evalkit.report.word"))):
        code = (f"import sys, {package}; "
                f"print(sorted(m for m in {modules!r} if m in sys.modules))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=PROJECT_ROOT, check=True)
        assert done.stdout.strip() == "[]", package


def test_makefile_run_writes_the_chinese_summary_as_docx():
    run = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1]
    command = next(line for line in run.splitlines() if "evalkit report" in line)
    assert "--format both" in command and "--lang zh" in command


# --- LibreOffice (optional) -----------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler is not installed")
def test_libreoffice_opens_it_with_every_heading_and_table_cell(summary, tmp_path):
    html, data = summary
    (tmp_path / "summary.docx").write_bytes(data)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "summary.docx")], capture_output=True, timeout=300, check=True)
    raw, layout = (flat(subprocess.run(["pdftotext", *option, str(tmp_path / "summary.pdf"), "-"],
                                       capture_output=True, text=True, check=True).stdout)
                   for option in ([], ["-layout"]))
    for _, heading in html_headings(html):  # "A.2　熵值法": a wide gap may split raw text
        assert heading in raw or heading in layout, heading
    text = raw
    # Numbers and short words, which fit on one line: a cell wrapped in the Word table has its
    # lines interleaved with its neighbours' in the text layer.  A number split over two
    # lines means a column too narrow.  Superscript marks (†, *) are set apart from their
    # number in the text layer.
    marks = re.compile(r"[†‡*]")
    cells = {marks.sub("", cell) for rows, _ in html_tables(html) for row in rows for cell in row
             if 0 < len(cell) <= 4 or re.fullmatch(r"[-−+]?[\d.,]+%?[†*]?", cell)}
    assert len(cells) > 100
    text = marks.sub("", text)
    missing = [cell for cell in cells if cell and cell not in text]
    assert not missing, missing[:10]


# --- line breaks, column widths, page breaks (the LibreOffice audit) ------------------------------

JOINER = "\u2060"


def wide(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" or "\u3000" <= char <= "\u303f"


def break_positions(text: str) -> list[int]:
    """Where a line may break inside ``text`` by the Unicode rules: beside a Chinese character,
    unless a word joiner or a no-break space stands there (spaces break too)."""
    out = []
    for index in range(1, len(text)):
        before, char = text[index - 1], text[index]
        if " " in (before, char):
            out.append(index)
        elif JOINER not in (before, char) and "\u00a0" not in (before, char) \
                and (wide(before) or wide(char)):
            out.append(index)
    return out


def runs_with(data: bytes, shown: str):
    """(text, run element) of every body run whose text, as shown, holds ``shown``."""
    document = open_docx(data)
    for run in document.element.body.iter(qn("w:r")):
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        if shown in flat(text):
            yield text, run


UNITS_HTML = ('<html lang="zh-CN"><body><p class="indent">所需投入共计 154.0 亿元，'
              '2026年撤销青山镇，人口约 32.5万人，比例 4.2%。</p>'
              '<table><thead><tr><th>年份</th><th class="num">投资</th></tr></thead><tbody>'
              '<tr><td class="mid">2025—2027</td><td class="num">15.0 亿元</td></tr>'
              '<tr><td class="mid nowrap">中（低）</td><td class="num">1 234</td></tr>'
              '</tbody></table></body></html>')


def test_latin_text_is_english_and_chinese_is_the_east_asian_language(summary):
    """With zh-CN as the Latin language LibreOffice broke "20/26年", "PROMETHE/E II"."""
    for data in (summary[1], html_to_docx(UNITS_HTML.replace('lang="zh-CN"', 'lang="en"'))):
        defaults = open_docx(data).styles.element.find(
            f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        assert defaults.get(qn("w:val")) == "en-US"
        assert defaults.get(qn("w:eastAsia")) == "zh-CN"


@pytest.mark.parametrize("number", ["154.0亿元", "2026年", "32.5万人", "15.0亿元", "2025—2027",
                                    "中（低）", "1234"])
def test_a_number_and_its_unit_have_no_place_to_break(number):
    data = html_to_docx(UNITS_HTML)
    found = list(runs_with(data, number))
    assert found, number
    for text, run in found:
        start = flat(text).index(number)
        # positions in the run's text of the number's first and last character
        visible = [i for i, c in enumerate(text) if not c.isspace() and c != JOINER]
        first, last = visible[start], visible[start + len(number) - 1]
        assert not [i for i in break_positions(text) if first < i <= last], repr(text)
        if any(wide(c) for c in number):  # LibreOffice breaks Chinese by the Unicode rules
            lang = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")  # only outside zh (joiner honoured)
            assert lang is not None and not lang.get(qn("w:eastAsia")).startswith("zh"), text


def needed_mm(text: str, size_pt: float) -> float:
    """A header word's width: 1 em a Chinese character, 0.55 em any other, plus cell margins."""
    words = re.split(r"(?<=[＼、/])|(?=[（(])|\s+", text)
    em = max(sum(1.0 if wide(c) else 0.55 for c in word) for word in words if word)
    return em * size_pt * 25.4 / 72 + 2 * 1.4


def column_widths_mm(table) -> list[float]:
    return [int(c.get(qn("w:w"))) / 1440 * 25.4 for c in table.iter(qn("w:gridCol"))]


def test_header_columns_are_as_wide_as_their_words():
    """The risk register's narrow columns (7 %, 10 % of 156 mm) once broke 可能性, 影响程/度;
    the year column (7 %) broke 2025—2027."""
    heads = ["编号", "类别", "风险描述", "可能性", "影响程度", "分值", "土地出让收益"]
    widths = ["7%", "15%", None, "10%", "11%", "7%", "9%"]
    html = ('<html lang="zh-CN"><body><table><thead><tr>'
            + "".join(f'<th style="width:{w}">{h}</th>' if w else f"<th>{h}</th>"
                      for h, w in zip(heads, widths, strict=True))
            + '</tr></thead><tbody><tr><td>R1</td><td>征地拆迁</td><td>'
            + "城郊结合部征地补偿标准调整，可能引发群众上访" * 3
            + '</td><td>3</td><td>4</td><td class="mid">2025—2027</td><td>中</td></tr>'
            + "</tbody></table></body></html>")
    table = next(open_docx(html_to_docx(html)).element.body.iter(qn("w:tbl")))
    sizes = {int(s.get(qn("w:val"))) / 2 for s in table.iter(qn("w:sz"))}
    assert len(sizes) == 1
    size = sizes.pop()
    found = column_widths_mm(table)
    for head, width in zip(heads, found, strict=True):
        assert width >= needed_mm(head, size), (head, width)
    assert found[5] >= needed_mm("2025—2027", size)
    assert abs(sum(found) - 156) < 0.5  # the room came from the description column
    assert found[2] == max(found)


def test_summary_header_words_fit_their_columns(summary):
    """Every header word of up to six characters fits its column, in each summary table
    whose header words fit the page together."""
    checked = 0
    for table in open_docx(summary[1]).element.body.iter(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if not rows or rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None:
            continue
        cells = rows[0].findall(qn("w:tc"))
        widths = column_widths_mm(table)
        if len(cells) != len(widths):
            continue
        sizes = [int(s.get(qn("w:val"))) / 2 for s in rows[0].iter(qn("w:sz"))] or [10.5]
        texts = ["".join(t.text or "" for t in c.iter(qn("w:t"))).replace(JOINER, "")
                 for c in cells]
        needs = [needed_mm(t, max(sizes)) if t.strip() else 0 for t in texts]
        if sum(needs) > sum(widths):
            continue
        for text, need, width in zip(texts, needs, widths, strict=True):
            if all(len(w) <= 6 for w in re.split(r"(?<=[＼、/])|(?=[（(])|\s+", text)):
                assert width >= need - 0.1, (text, width, need)
        checked += 1
    assert checked >= 10


@pytest.fixture(scope="module")
def argument(evaluation):
    """The 论证报告 in Chinese: its HTML and its Word copy."""
    from evalkit.decide.dossier import load_dossier
    from evalkit.report.render import document_html

    report = rep.build_report(evaluation, now=NOW,
                              dossier=load_dossier(DEFAULT_CRITERIA.parent / "dossier"))
    html = document_html(report, "argument", "zh")
    return html, html_to_docx(html)


def html_page_breaks(html: str) -> int:
    """New pages by templates/base.css: after .cover and before h2.section.first (sections
    run on); a break with nothing written since the last one is none."""
    count, since = 0, True  # since: text written since the last break (the first page counts)

    def walk(element) -> None:
        nonlocal count, since
        names = classes(element)
        if element.tag == XHTML + "h2" and "section" in names and "first" in names and since:
            count, since = count + 1, False
        if element.tag not in (XHTML + "head", XHTML + "style") and (element.text or "").strip():
            since = True
        for item in element:
            walk(item)
            if (item.tail or "").strip():
                since = True
        if "cover" in names and since:
            count, since = count + 1, False

    walk(html_tree(html))
    return count


def test_pages_break_where_the_pdf_breaks(argument, summary):
    for html, data in (argument, summary):
        xml = part_xml(data, "word/document.xml")
        found = xml.count('<w:br w:type="page"/>') + len(
            re.findall(r'<w:pageBreakBefore(?: w:val="(?:1|true|on)")?/>', xml))
        assert found == html_page_breaks(html)
    assert html_page_breaks(argument[0]) == 1  # after the cover; the chapters run on
    assert html_page_breaks(summary[0]) == 3  # the cover; the summary after the contents;
    # the appendices


def test_third_level_headings_and_the_seal_block(argument):
    document = open_docx(argument[1])
    level3 = [flat(p.text) for p in document.paragraphs if p.style.name == "Heading 3"]
    assert any(re.fullmatch(r"1\.中风险（\d+项）", t) for t in level3), level3
    seal = [p for p in document.paragraphs if flat(p.text).startswith("编制单位")]
    assert seal and all(p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
                        and p.paragraph_format.left_indent > Mm(80) for p in seal[-1:])
