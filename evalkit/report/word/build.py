"""The report's HTML, element by element, as a Word document.

The walk knows HTML's elements and the report's classes, never a section:
headings (``h1`` → Title, ``h2``…``h5`` → Heading 1…4, the number already in
the text), paragraphs, lists, tables (:mod:`~evalkit.report.word.tables`),
figures with their captions, definition lists, and containers; a class
changes style, alignment or emphasis by the tables of
:mod:`~evalkit.report.word.markup`.  So a section added to the templates comes out in Word
without a change here.  Special blocks: the cover (``.cover``), the table of
contents (``.toc``, a TOC field), boxes (``.summary-box``,
``.evidence-notice``, ``.opinion``), the watermark (``.watermark``, moved to
the header by :mod:`~evalkit.report.word`), and sources (``.source``:
footnotes, except in a table, where they stay in their cell as in the PDF).

Text is only ever text: links are not links, input text never becomes a field
code, images come only from the charts given (never a file or URL).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from evalkit.report.breaks import UNICODE_BREAKS, head_words, keep_units, spans, unbreakable
from evalkit.report.word.markup import (
    BLOCK_CLASSES,
    BLOCK_TAGS,
    BOXES,
    CLASS_HEADINGS,
    HEADINGS,
    PLACEHOLDER,
    SKIP_TAGS,
    TOC_FIELD,
    TOC_HINT,
    Ctx,
    Fmt,
    Line,
    breaks_before,
    fmt_of,
    style_run,
)
from evalkit.report.word.notes import Footnotes, Segment
from evalkit.report.word.ooxml import border, child, field_begin, field_end, xml_safe
from evalkit.report.word.tables import (
    Cell,
    add_table,
    box,
    column_widths,
    font_size,
    label_groups,
    layout,
    rows_of,
)
from evalkit.report.word.tree import Node


class Styles:
    """Paragraph styles by name, set by id (python-docx looks a name up through every style)."""

    def __init__(self, document: Any) -> None:
        self.ids = {node.find(qn("w:name")).get(qn("w:val")).lower(): node.get(qn("w:styleId"))
                    for node in document.styles.element.findall(qn("w:style"))
                    if node.find(qn("w:name")) is not None}

    def apply(self, paragraph: Any, name: str) -> None:
        ident = self.ids[name.lower()]
        ppr = paragraph._p.get_or_add_pPr()
        if ident == "Normal":
            found = ppr.find(qn("w:pStyle"))
            if found is not None:
                ppr.remove(found)
        else:
            child(ppr, "pStyle", val=ident)


class Target:
    """A block container being written: the document body or a table cell."""

    def __init__(self, container: Any, styles: Styles, fresh: Any = None) -> None:
        self.container = container
        self.styles = styles
        self.fresh = fresh  # a cell's own empty first paragraph, used first
        self.last: Any = None
        self.after_table = False
        self.lead: float | None = None  # mm before the next paragraph (a container's first)

    def paragraph(self, style: str) -> Any:
        if self.fresh is not None:
            paragraph, self.fresh = self.fresh, None
        else:
            paragraph = self.container.add_paragraph()
        self.styles.apply(paragraph, style)
        if self.after_table and not style.startswith(("Heading", "Caption", "Title", "TOC")):
            paragraph.paragraph_format.space_before = Pt(6)  # headings have their own space
        if self.lead is not None:
            paragraph.paragraph_format.space_before = Mm(self.lead)
            self.lead = None
        self.after_table = False
        self.last = paragraph
        return paragraph

    def before_table(self) -> None:
        if self.after_table:  # two tables in a row would join into one in Word
            spacer = self.paragraph("Normal")
            spacer.paragraph_format.space_after = Pt(0)
        self.fresh = None

    def table_done(self) -> None:
        self.after_table = True


class Writer:
    """Writes one HTML document into a python-docx document."""

    def __init__(self, document: Any, images: Mapping[str, bytes], lang: str) -> None:
        self.document = document
        self.images = images
        self.lang = lang
        self.notes = Footnotes(document)
        self.styles = Styles(document)
        self.pictures = 0

    # -- blocks ---------------------------------------------------------------

    def write(self, body: Node) -> None:
        self.blocks(body, Target(self.document._body, self.styles), Ctx())

    def ctx_for(self, node: Node, ctx: Ctx) -> Ctx:
        changes: dict[str, Any] = {}
        for name in sorted(node.classes):
            changes.update(BLOCK_CLASSES.get(name, {}))
        if changes.pop("first_indent", False) and self.lang == "zh":
            changes["first_indent"] = True
        if "subtitle" in node.classes and ctx.cover:
            changes.update(style="Subtitle", space_after=16.0)
        ctx = replace(ctx, **changes) if changes else ctx
        fmt = fmt_of(node, ctx.fmt)
        heading = next((style for names, style in CLASS_HEADINGS.items()
                        if names <= node.classes), None)
        if heading is not None and not ctx.in_table:
            return replace(ctx, style=heading, first_indent=False, fmt=replace(fmt, bold=None))
        return replace(ctx, fmt=fmt)

    def blocks(self, node: Node, target: Target, ctx: Ctx) -> None:
        """``node``'s children: runs of inline content become paragraphs, blocks are written."""
        line = Line()
        for item in node.children:
            if isinstance(item, str):
                line.text(item, ctx.fmt)
                continue
            if item.tag in SKIP_TAGS or item.has("watermark"):
                continue
            if item.has("source") and not ctx.in_table:
                self.footnote(item, line, target, ctx)
            elif item.tag in BLOCK_TAGS:
                self.flush(line, target, ctx)
                line = Line()
                self.block(item, target, ctx)
            else:
                self.inline(item, line, ctx.fmt, ctx)
        self.flush(line, target, ctx)

    def block(self, node: Node, target: Target, ctx: Ctx) -> None:
        tag = node.tag
        if tag in HEADINGS:
            self.heading(node, target, ctx)
        elif tag in ("ul", "ol"):
            self.listing(node, target, ctx)
        elif tag == "table":
            self.table(node, target, ctx)
        elif tag == "figure":
            self.figure(node, target, ctx)
        elif tag == "img":
            self.picture(node, target, ctx, 1.0)
        elif tag == "dl":
            self.definitions(node, target, ctx)
        elif tag == "hr":
            return
        elif node.has("toc"):
            self.contents(node, target, ctx)
        elif any(name in BOXES for name in node.classes):
            self.boxed(node, target, ctx)
        elif tag == "li":
            self.blocks(node, target, replace(self.ctx_for(node, ctx), style="List Bullet"))
        else:
            inner = self.ctx_for(node, ctx)
            if inner.lead is not None:
                target.lead, inner = inner.lead, replace(inner, lead=None)
            self.blocks(node, target, inner)
            if inner.cover and not ctx.cover:
                self.page_break(target)

    def heading(self, node: Node, target: Target, ctx: Ctx) -> None:
        inner = replace(self.ctx_for(node, ctx), style=HEADINGS[node.tag], first_indent=False)
        if ctx.in_table:
            inner = replace(inner, style="Table Text", fmt=replace(inner.fmt, bold=True))
        line = Line()
        self.inline_children(node, line, inner.fmt, inner)
        previous = target.last
        paragraph = self.flush(line, target, inner)
        if paragraph is None:
            return
        if breaks_before(node, ctx):
            if previous is not None and previous._p.getnext() is paragraph._p:
                _drop_page_break(previous)  # the cover's own break: one new page, not two
            paragraph.paragraph_format.page_break_before = True
        if node.tag == "h1" and ctx.cover:
            paragraph.paragraph_format.space_before = Mm(30)

    def listing(self, node: Node, target: Target, ctx: Ctx) -> None:
        numbered = node.tag == "ol"
        depth = min(ctx.depth + 1, 3)
        style = ("List Number" if numbered else "List Bullet") + ("" if depth == 1 else f" {depth}")
        for item in node.elements():
            if item.tag != "li":
                continue
            inner = replace(self.ctx_for(item, ctx), style=style, first_indent=False, depth=depth,
                            align=None)
            self.blocks(item, target, inner)

    def definitions(self, node: Node, target: Target, ctx: Ctx) -> None:
        """A definition list: each term, a tab, its definition (one paragraph per term)."""
        inner = replace(ctx, style="Formula", first_indent=False)
        lines: list[Line] = []
        for item in node.elements():
            if item.tag == "dt" or not lines:
                lines.append(Line())
            if item.tag == "dd":
                lines[-1].control("tab")
            self.inline_children(item, lines[-1], inner.fmt, inner)
        for line in lines:
            paragraph = self.flush(line, target, inner)
            if paragraph is not None:  # the term, then the definition hanging at 30 mm
                fmt = paragraph.paragraph_format
                fmt.left_indent, fmt.first_line_indent = Mm(30), Mm(-22)
                fmt.tab_stops.add_tab_stop(Mm(30))

    def boxed(self, node: Node, target: Target, ctx: Ctx) -> None:
        colour, size, height = next(BOXES[n] for n in sorted(node.classes) if n in BOXES)
        if height is not None and not node.text():
            # An empty field to write in (the opinion): one bordered paragraph of that height,
            # which "keep with next" holds to the signature table in Word and LibreOffice.
            paragraph = target.paragraph("Normal")
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.AT_LEAST, Mm(height)
            fmt.space_before, fmt.space_after = Pt(3), Pt(9)
            fmt.keep_with_next = ctx.keep or self.ctx_for(node, ctx).keep
            border(paragraph._p.get_or_add_pPr(), "pBdr", ("top", "left", "bottom", "right"),
                   size=size, color=colour, space=4)
            return
        target.before_table()
        cell = box(target.container, ctx.width_mm, color=colour, size=size, height_mm=height)
        inner = replace(self.ctx_for(node, ctx), width_mm=ctx.width_mm - 6, first_indent=False)
        self.blocks(node, Target(cell, self.styles, fresh=cell.paragraphs[0]), inner)
        for paragraph in cell.paragraphs:  # a kept heading would keep the box from splitting
            paragraph.paragraph_format.keep_with_next = inner.keep
        target.table_done()

    def page_break(self, target: Target) -> None:
        last = target.last if target.last is not None else target.paragraph("Normal")
        last.add_run().add_break(WD_BREAK.PAGE)

    # -- tables, figures, contents ----------------------------------------------

    def table(self, node: Node, target: Target, ctx: Ctx) -> None:
        caption = next((c for c in node.elements() if c.tag == "caption"), None)
        if caption is not None:
            inner = replace(ctx, style="Caption", first_indent=False, align=None, in_table=False)
            line = Line()
            self.inline_children(caption, line, inner.fmt, inner)
            self.flush(line, target, inner)
        rows = rows_of(node)
        cells, columns = layout(rows)
        classes = node.classes
        size = font_size(columns, classes)
        widths = column_widths(node, cells, columns, ctx.width_mm, size)

        def fill(cell: Any, html: Node, place: Cell, width_mm: float) -> None:
            head = html.tag == "th" and "meta" not in classes
            fmt = Fmt(size=size, bold=True if head else None, head=head)
            row_fmt = fmt_of(place.tr, fmt)
            if "total" in place.tr.classes or ("selected" in place.tr.classes and place.column == 0):
                row_fmt = replace(row_fmt, bold=True)
            align = WD_ALIGN_PARAGRAPH.RIGHT if "meta" in classes and html.tag == "th" else None
            inner = Ctx(style="Table Text", align=align, fmt=row_fmt, width_mm=width_mm - 3,
                        in_table=True)
            inner = self.ctx_for(html, inner)
            fresh = cell.paragraphs[0]
            self.blocks(html, Target(cell, self.styles, fresh=fresh), inner)
            if not fresh.runs:  # an empty cell
                self.styles.apply(fresh, "Table Text")

        groups = label_groups(rows, cells, columns)
        for index, (label, group) in enumerate(groups):
            if label is not None:
                self.table_label(label, target, size, first=index == 0)
            if not group:
                continue
            target.before_table()
            if len(groups) == 1:
                add_table(target.container, node, group, widths, fill)
            else:  # a labelled group stays on one page with its label, as the PDF's tbody
                heavy = (("top",) if index == 0 and label is None else ()) + \
                    (("bottom",) if index == len(groups) - 1 else ())
                add_table(target.container, node, group, widths, fill, rules=heavy, keep=True)
            target.table_done()

    def table_label(self, label: Node, target: Target, size: float, *, first: bool) -> None:
        """A label row of a table (its one cell spans every column) as a paragraph before the
        rows it heads, with the table's heavy rule above the first and a thin one above others."""
        fmt = replace(fmt_of(label, Fmt(size=size, bold=True)), bold=True)
        inner = replace(self.ctx_for(label, Ctx(style="Table Text", fmt=fmt, in_table=True)),
                        keep=True)
        before = target.last
        self.blocks(label, target, inner)
        if target.last is None or target.last is before:
            return
        paragraph = target.last
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.space_after = Pt(2)
        if first:
            border(paragraph._p.get_or_add_pPr(), "pBdr", ("top",), size=1.25, space=4)
        else:
            border(paragraph._p.get_or_add_pPr(), "pBdr", ("top",), size=0.5, color="999999",
                   space=4)

    def figure(self, node: Node, target: Target, ctx: Ctx) -> None:
        share = 0.82 if node.has("narrow") else 1.0
        for item in node.elements():
            if item.tag == "img":
                self.picture(item, target, ctx, share)
            elif item.tag == "figcaption":
                inner = replace(ctx, style="Caption", first_indent=False, align=None)
                self.blocks(item, target, inner)
                if target.last is not None:
                    target.last.paragraph_format.keep_with_next = False
            elif item.tag in BLOCK_TAGS:
                self.block(item, target, ctx)

    def picture(self, node: Node, target: Target, ctx: Ctx, share: float) -> None:
        data = self.images.get(node.attrs.get("src", ""))
        alt = node.attrs.get("alt", "")
        if data is None:  # never read a file or URL: show what the image was
            line = Line()
            line.text(f"[{alt or node.attrs.get('src', '')[:60]}]", ctx.fmt)
            self.flush(line, target, replace(ctx, align=WD_ALIGN_PARAGRAPH.CENTER))
            return
        paragraph = target.paragraph("Normal")
        fmt = paragraph.paragraph_format
        fmt.alignment, fmt.keep_with_next, fmt.line_spacing = WD_ALIGN_PARAGRAPH.CENTER, True, 1.0
        fmt.space_before, fmt.first_line_indent = Pt(6), Pt(0)
        picture = paragraph.add_run().add_picture(io.BytesIO(data), width=Mm(ctx.width_mm * share))
        self.pictures += 1
        properties = picture._inline.docPr
        properties.set("name", f"Chart {self.pictures}")
        properties.set("descr", xml_safe(alt))

    def contents(self, node: Node, target: Target, ctx: Ctx) -> None:
        """The table of contents as a TOC field; until Word updates it, the titles and a hint."""
        heading = node.find("h2") or node.find("h1")
        if heading is not None:
            title = target.paragraph("TOC Heading")
            title.add_run(xml_safe(heading.text()))
        hint = target.paragraph("toc 1")
        field_begin(hint, TOC_FIELD)
        run = hint.add_run(TOC_HINT.get(self.lang, TOC_HINT["en"]))
        run.font.size, run.font.color.rgb = Pt(9), RGBColor.from_string("666666")
        last = hint
        for item in node.iter("li"):
            last = target.paragraph("toc 1")
            last.add_run(xml_safe(item.text()))
        field_end(last)

    # -- inline -----------------------------------------------------------------

    def inline_children(self, node: Node, line: Line, fmt: Fmt, ctx: Ctx) -> None:
        for item in node.children:
            if isinstance(item, str):
                line.text(item, fmt)
            elif item.tag not in SKIP_TAGS and not item.has("watermark"):
                if item.has("source") and not ctx.in_table:
                    self.footnote(item, line, None, ctx)
                else:
                    self.inline(item, line, fmt, ctx)

    def inline(self, node: Node, line: Line, fmt: Fmt, ctx: Ctx) -> None:
        fmt = fmt_of(node, fmt)
        if node.tag == "br":
            line.control("br")
        elif node.tag == "img":
            line.text(f"[{node.attrs.get('alt', '')}]", fmt)
        elif node.tag == "input":  # a checklist's box
            if node.attrs.get("type", "").lower() == "checkbox":
                line.text("☑ " if "checked" in node.attrs else "☐ ", fmt)
        elif node.has("frac"):
            parts = list(node.elements())
            for index, part in enumerate(parts):
                if index:
                    line.text("/", fmt)
                wrap = len(part.text()) > 1 and any(ch in part.text() for ch in " +−-×·Σ")
                if wrap:
                    line.text("(", fmt)
                self.inline_children(part, line, fmt, ctx)
                if wrap:
                    line.text(")", fmt)
        elif node.has("op"):
            parts = list(node.elements())
            symbol = next((i for i, c in enumerate(parts) if c.has("sym")), 0)
            if parts:
                self.inline_children(parts[symbol], line, fmt, ctx)
            for part in parts[symbol + 1:]:
                self.inline_children(part, line, replace(fmt, vert="subscript"), ctx)
            for part in parts[:symbol]:
                self.inline_children(part, line, replace(fmt, vert="superscript"), ctx)
        elif node.has("eqno"):
            line.control("tab")
            self.inline_children(node, line, fmt, ctx)
        else:
            if node.tag in BLOCK_TAGS and line.has_text():
                line.control("br")
            self.inline_children(node, line, fmt, ctx)

    def footnote(self, node: Node, line: Line, target: Target | None, ctx: Ctx) -> None:
        """A source note: a footnote marked where it stands (or on the paragraph before)."""
        note = Line()
        self.inline_children(node, note, Fmt(), replace(ctx, in_table=True))
        segments: list[Segment] = [(keep_units(value), {"bold": bool(f.bold), "italic": f.italic,
                                            "subscript": f.vert == "subscript",
                                            "superscript": f.vert == "superscript"})
                                   for kind, value, f in note.collapsed() if kind == "text"]
        if not segments:
            return
        if line.has_text() or target is None or target.last is None:
            line.control("footnote", segments)
        else:
            self.notes.add(target.last, segments)

    def flush(self, line: Line, target: Target, ctx: Ctx) -> Any:
        """Write the collected line as a paragraph (nothing for an empty one)."""
        parts = line.collapsed()
        if not (line.has_text() or any(kind == "footnote" for kind, _, _ in parts)):
            return None
        paragraph = target.paragraph(ctx.style)
        fmt = paragraph.paragraph_format
        if ctx.align is not None:
            fmt.alignment = ctx.align
        if ctx.left_indent is not None:
            fmt.left_indent = Mm(ctx.left_indent)
        if ctx.first_indent:
            size = ctx.fmt.size or (12 if self.lang == "zh" else 11)
            child(paragraph._p.get_or_add_pPr(), "ind", firstLineChars=200,
                  firstLine=round(2 * size * 20))
        if ctx.space_before is not None:
            fmt.space_before = Mm(ctx.space_before)
        if ctx.space_after is not None:
            fmt.space_after = Mm(ctx.space_after)
        if ctx.keep:
            fmt.keep_with_next = True
        for kind, value, run_fmt in parts:
            self._emit(paragraph, kind, value, run_fmt)
        return paragraph

    def _emit(self, paragraph: Any, kind: str, value: Any, fmt: Fmt) -> None:
        if kind == "footnote":
            self.notes.add(paragraph, value)
            return
        if kind != "text":
            run = paragraph.add_run()
            if kind == "br":
                run.add_break()
            else:
                run.add_tab()
            style_run(run, fmt, highlight=fmt.highlight)
            return
        # kept whole where the PDF keeps it: nowrap, a header's words, a number with its unit
        text = unbreakable(value) if fmt.nowrap else keep_units(value)
        highlight = fmt.highlight or PLACEHOLDER in value
        for part, joined in spans(head_words(text) if fmt.head else text):
            run = paragraph.add_run()
            run.text = xml_safe(part)
            style_run(run, fmt, highlight=highlight)
            if joined:
                rpr = run._r.get_or_add_rPr()
                child(rpr, "noProof")
                child(rpr, "lang", eastAsia=UNICODE_BREAKS)


def _drop_page_break(paragraph: Any) -> None:
    """Remove the page break that ends ``paragraph`` (if it does)."""
    if paragraph is None:
        return
    runs = paragraph._p.findall(qn("w:r"))
    if runs and any(br.get(qn("w:type")) == "page" for br in runs[-1].findall(qn("w:br"))):
        paragraph._p.remove(runs[-1])


def texts(root: Node, selector: str) -> Iterator[str]:
    """Texts of elements with class ``selector`` (e.g. the watermark)."""
    for node in root.iter():
        if node.has(selector):
            yield node.text()
