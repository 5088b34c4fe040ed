"""The Word document's frame: A4 page, styles and fonts, running header and footer, package.

Page and type follow the usual government-document layout (GB/T 9704-2012
§5.2.1 and §7.3): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right
26 mm; body in 仿宋, headings in 黑体, tables in 宋体.  Fonts are named as a
Chinese Word installation has them, with the East-Asian font set in each
style (``w:rFonts w:eastAsia``), Times New Roman for Latin text, and the
font table giving the English names (SimSun, FangSong, SimHei, KaiTi) as
alternatives, so the file opens right without the Noto fonts the PDF uses.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from evalkit.report.word.ooxml import border, child, element, field, fonts, xml_safe

SONG, FANG, HEI, KAI = "宋体", "仿宋", "黑体", "楷体"
LATIN, SANS_LATIN, MONO = "Times New Roman", "Arial", "Courier New"

FONT_TABLE: Mapping[str, tuple[str, str]] = {
    SONG: ("SimSun", "02010600030101010101"),
    FANG: ("FangSong", "02010609060101010101"),
    HEI: ("SimHei", "02010609060101010101"),
    KAI: ("KaiTi", "02010609060101010101"),
}
"""Chinese font names with their English names and PANOSE numbers (Windows' fonts)."""

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
"""GB/T 9704-2012 §5.2.1: A4, 37 mm top, 35 mm bottom, 28 mm left, 26 mm right."""

TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
"""The text block's width (156 mm)."""

GRAY, RED = "444444", "B22222"


def new_document(lang: str) -> Any:
    """An empty document: page set up, styles defined, nothing in the body."""
    document = Document()
    _drop_template_extras(document)
    body = document.element.body
    for block in list(body):
        if block.tag != qn("w:sectPr"):
            body.remove(block)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(20), Mm(24)
    section.gutter = Mm(0)
    _styles(document, lang)
    _settings(document, lang)
    _font_table(document)
    return document


def _drop_template_extras(document: Any) -> None:
    """python-docx's template carries a thumbnail of another document, customXml and a
    Word 2010 styles copy; none belongs in ours."""
    unwanted = {RT.THUMBNAIL, RT.CUSTOM_XML,
                "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}
    package = document.part.package
    for rels in (package.rels, document.part.rels):
        for rId in [rId for rId, rel in rels.items() if rel.reltype in unwanted]:
            del rels[rId]
    for part in package.iter_parts():  # the template's says "Microsoft Macintosh Word", 1 page
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_XML


_APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'extended-properties"><Application>evalkit</Application><DocSecurity>0</DocSecurity>'
            b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
            b"<HyperlinksChanged>false</HyperlinksChanged></Properties>")


def _rpr(style: Any) -> Any:
    return child(style.element, "rPr")


def _font(style: Any, east_asia: str, latin: str, size: float, *, bold: bool | None = None,
          color: str | None = "000000") -> None:
    rpr = _rpr(style)
    fonts(rpr, east_asia, latin)
    style.font.size = Pt(size)
    rpr_font = style.font
    rpr_font.bold = bold
    rpr_font.italic = None if bold is None else False
    colour = rpr.find(qn("w:color"))
    if colour is not None:
        rpr.remove(colour)
    if color is not None:
        rpr_font.color.rgb = RGBColor.from_string(color)


def _paragraph(style: Any, *, before: float = 0, after: float = 0, line: float | None = 1.0,
               align: Any = None, keep_next: bool | None = None) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if align is not None:
        fmt.alignment = align
    if keep_next is not None:
        fmt.keep_with_next = keep_next


def _style(document: Any, name: str, kind: Any = WD_STYLE_TYPE.PARAGRAPH, *,
           builtin: bool = False, base: str | None = "Normal") -> Any:
    """A new style ``name``; a Word built-in one (``builtin``) gets Word's own name and id."""
    styles = document.styles
    style = styles.add_style(name, kind)
    if builtin:
        style.element.set(qn("w:styleId"), name.replace(" ", ""))
        style.element.find(qn("w:name")).set(qn("w:val"), name.lower())
        style.element.attrib.pop(qn("w:customStyle"), None)
    if base is not None:
        style.base_style = styles[base]
    style.quick_style = True
    return style


def _styles(document: Any, lang: str) -> None:
    zh = lang == "zh"
    body_font, body_size = (FANG, 12) if zh else (SONG, 11)
    head_latin = LATIN if zh else SANS_LATIN
    head_bold = not zh  # 黑体 is already heavy; English headings are set bold

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts(rpr, body_font, LATIN)
    # Latin text is English in both reports: with zh-CN here LibreOffice breaks Latin words and
    # numbers anywhere ("20/26", "PROMETHE/E").  Chinese is the East-Asian language.
    child(rpr, "lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    child(ppr, "spacing", after=0, line=240, lineRule="auto")

    normal = document.styles["Normal"]
    _font(normal, body_font, LATIN, body_size)
    _paragraph(normal, line=1.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    normal.paragraph_format.widow_control = True

    sizes = {1: 16, 2: 14, 3: 12, 4: 12}
    space = {1: (18, 12), 2: (12, 6), 3: (9, 3), 4: (6, 3)}
    for level, size in sizes.items():
        heading = document.styles[f"Heading {level}"]
        _font(heading, HEI, head_latin, size, bold=head_bold)
        _paragraph(heading, before=space[level][0], after=space[level][1], line=1.25,
                   align=WD_ALIGN_PARAGRAPH.LEFT, keep_next=True)
        heading.paragraph_format.keep_together = True
        rpr = _rpr(heading)
        for tag in ("bCs", "iCs"):
            found = rpr.find(qn(f"w:{tag}"))
            if found is not None:
                rpr.remove(found)

    title = document.styles["Title"]
    _font(title, HEI, head_latin, 22, bold=head_bold)
    _paragraph(title, before=0, after=12, line=1.3, align=WD_ALIGN_PARAGRAPH.CENTER)
    ppr = title.element.find(qn("w:pPr"))
    for tag in ("pBdr", "contextualSpacing"):
        found = ppr.find(qn(f"w:{tag}"))
        if found is not None:
            ppr.remove(found)
    _rpr(title).remove(_rpr(title).find(qn("w:spacing")))
    subtitle = document.styles["Subtitle"]
    _font(subtitle, KAI, LATIN, 16, bold=False)
    numpr = subtitle.element.find(qn("w:pPr")).find(qn("w:numPr"))
    if numpr is not None:
        numpr.getparent().remove(numpr)
    _rpr(subtitle).remove(_rpr(subtitle).find(qn("w:spacing")))
    _paragraph(subtitle, before=0, after=6, line=1.3, align=WD_ALIGN_PARAGRAPH.CENTER)

    caption = document.styles["Caption"]
    _font(caption, HEI, head_latin, 10.5, bold=head_bold)
    _paragraph(caption, before=6, after=3, line=1.2, align=WD_ALIGN_PARAGRAPH.CENTER,
               keep_next=True)

    toc_heading = document.styles["TOC Heading"]
    _font(toc_heading, HEI, head_latin, 16, bold=head_bold)
    _paragraph(toc_heading, before=0, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    toc_heading.paragraph_format.page_break_before = False
    for level in (1, 2):
        toc = _style(document, f"TOC {level}", builtin=True)
        _font(toc, body_font, LATIN, body_size, color=None)
        _paragraph(toc, before=3 if level == 1 else 0, after=0, line=1.3,
                   align=WD_ALIGN_PARAGRAPH.LEFT)
        toc.paragraph_format.left_indent = Pt(0 if level == 1 else 2 * body_size)
        toc.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT,
                                                  WD_TAB_LEADER.DOTS)

    table_text = _style(document, "Table Text")
    _font(table_text, SONG, LATIN, 10.5, color=None)
    _paragraph(table_text, line=1.15, align=WD_ALIGN_PARAGRAPH.LEFT)

    note = _style(document, "Note")
    _font(note, body_font, LATIN, 10.5, color="333333")
    _paragraph(note, before=3, after=6, line=1.3, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    note.paragraph_format.left_indent = Mm(2.5)
    border(note.element.get_or_add_pPr(), "pBdr", ("left",), size=2, color="999999", space=6)

    not_run = _style(document, "Not Run")
    _font(not_run, body_font, LATIN, 10.5, color="333333")
    _paragraph(not_run, before=3, after=6, line=1.3)
    border(not_run.element.get_or_add_pPr(), "pBdr", ("top", "left", "bottom", "right"),
           val="dashed", size=0.5, color="888888", space=4)

    formula = _style(document, "Formula")
    _font(formula, body_font, LATIN, body_size, color=None)
    _paragraph(formula, before=3, after=3, line=1.5, align=WD_ALIGN_PARAGRAPH.LEFT)
    formula.paragraph_format.left_indent = Mm(8)
    formula.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM - 8), WD_TAB_ALIGNMENT.RIGHT)

    footnote_text = _style(document, "Footnote Text", builtin=True)
    _font(footnote_text, SONG, LATIN, 9, color=None)
    _paragraph(footnote_text, line=1.1, align=WD_ALIGN_PARAGRAPH.LEFT)
    reference = _style(document, "Footnote Reference", WD_STYLE_TYPE.CHARACTER,
                       builtin=True, base=None)
    reference.font.superscript = True

    for name in ("Header", "Footer"):
        frame = document.styles[name]
        _font(frame, SONG, LATIN, 9, color=GRAY)
        _paragraph(frame, line=1.0, align=WD_ALIGN_PARAGRAPH.CENTER)

    bullet = document.styles["List Bullet"]
    _paragraph(bullet, before=0, after=2, line=1.5)


def _settings(document: Any, lang: str) -> None:
    settings = document.settings.element
    for tag in ("savePreviewPicture", "rsids"):
        found = settings.find(qn(f"w:{tag}"))
        if found is not None:
            settings.remove(found)
    language = settings.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")
    document.settings.odd_and_even_pages_header_footer = False


def _font_table(document: Any) -> None:
    part = document.part.part_related_by(RT.FONT_TABLE)
    table = parse_xml(part.blob)
    named = {f.get(qn("w:name")) for f in table.findall(qn("w:font"))}
    for name, (english, panose) in FONT_TABLE.items():
        if name in named:
            continue
        font = element("font", name=name)
        font.append(element("altName", val=english))
        font.append(element("panose1", val=panose))
        font.append(element("charset", val="86"))
        font.append(element("family", val="modern" if name != SONG else "auto"))
        font.append(element("pitch", val="fixed" if name != SONG else "variable"))
        table.append(font)
    from lxml import etree

    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def running_header_footer(document: Any, *, title: str, watermark: str, page: tuple[str, str, str],
                          cover: bool) -> None:
    """Running title and watermark in the header, page numbers in the footer.

    The first page (the cover, or a town report's own title) has no running
    title, as in the PDF; the watermark is on every page.  ``page`` is the
    text before the page number, between it and the page count, and after.
    """
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    first = header.paragraphs[0]
    first.text = xml_safe(title)
    border(first._p.get_or_add_pPr(), "pBdr", ("bottom",), size=0.5, color="888888", space=2)
    for target in (header, section.first_page_header):
        if watermark:
            mark = target.add_paragraph() if target is header else target.paragraphs[0]
            run = mark.add_run(xml_safe(watermark))
            run.font.bold, run.font.size = True, Pt(10.5)
            run.font.color.rgb = RGBColor.from_string(RED)
    footers = [section.footer] + ([] if cover else [section.first_page_footer])
    for footer in footers:
        line = footer.paragraphs[0]
        line.add_run(page[0])
        field(line, "PAGE", "1")
        line.add_run(page[1])
        field(line, "NUMPAGES", "1")
        if page[2]:
            line.add_run(page[2])


def finish(document: Any, *, title: str, when: datetime, lang: str, generator: str) -> bytes:
    """The ``.docx`` bytes: document properties from the report, every zip entry dated the same.

    Equal reports give equal bytes: the created and modified times are the
    report's time (UTC), and each zip entry carries that time (1980 at the
    earliest, the zip format's first date) instead of the moment of saving.
    """
    moment = (when if when.tzinfo else when.astimezone()).astimezone(UTC).replace(tzinfo=None)
    core = document.core_properties
    core.title = xml_safe(title)[:255]
    core.author = ""
    core.comments = generator[:255]
    core.last_modified_by = ""
    core.revision = 1
    core.language = "zh-CN" if lang == "zh" else "en-US"
    core.created = core.modified = moment
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), moment)


def stable_zip(data: bytes, when: datetime) -> bytes:
    """The zip ``data`` rewritten with every entry dated ``when`` and no host details."""
    stamp = max((when.year, when.month, when.day, when.hour, when.minute, when.second),
                (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info))
    return out.getvalue()
