"""What the report's HTML means in Word: elements, classes, and how a run of text is set.

The Word writer (:mod:`~evalkit.report.word.build`) knows no section; it
knows HTML's elements and the report's classes (``templates/base.css``), as
these tables say: :data:`BLOCK_CLASSES` for a paragraph's style, alignment
and spacing, :data:`RUN_CLASSES` and :data:`RUN_TAGS` for emphasis, colour
and size, :data:`BOXES` for the containers drawn as a box.  A class not
listed changes nothing, so new markup comes out as plain paragraphs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.shared import Pt, RGBColor

from evalkit.report.word.ooxml import fonts
from evalkit.report.word.page import MONO, RED, SONG, TEXT_WIDTH_MM
from evalkit.report.word.tree import SPACE, Node

BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "caption", "dd", "details",
                        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
                        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main",
                        "nav", "ol", "p", "pre", "section", "summary", "table", "ul"})
SKIP_TAGS = frozenset({"head", "script", "style", "template", "noscript", "title", "meta", "link",
                       "colgroup", "col", "button", "svg", "object", "iframe", "embed"})
HEADINGS = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3",
            "h5": "Heading 4", "h6": "Heading 4"}

PLACEHOLDER = "待补充"
"""Text still to be supplied: highlighted wherever it appears (and any ``.placeholder``)."""

TOC_FIELD = r'TOC \o "1-2" \h \z \u'
TOC_HINT = {
    "zh": "（本目录为域：在 Word 中右键单击目录并选择“更新域”，或全选后按 F9，即生成页码。）",
    "en": "(This table of contents is a field: right-click it in Word and choose Update Field, "
          "or select all and press F9, to fill in the page numbers.)",
}


@dataclass(frozen=True)
class Fmt:
    """How a run of text is set."""

    bold: bool | None = None
    italic: bool = False
    vert: str | None = None  # "subscript" or "superscript"
    mono: bool = False
    size: float | None = None
    color: str | None = None
    highlight: bool = False
    nowrap: bool = False  # the HTML's white-space: nowrap (:mod:`~evalkit.report.breaks`)
    head: bool = False  # in a table's header cell: words kept whole


RUN_TAGS: Mapping[str, Mapping[str, Any]] = {
    "b": {"bold": True}, "strong": {"bold": True},
    "i": {"italic": True}, "em": {"italic": True}, "var": {"italic": True},
    "sub": {"vert": "subscript"}, "sup": {"vert": "superscript"},
    "code": {"mono": True}, "kbd": {"mono": True}, "samp": {"mono": True},
    "mark": {"highlight": True},
}
RUN_CLASSES: Mapping[str, Mapping[str, Any]] = {
    "strong": {"bold": True}, "bad": {"bold": True, "color": "B00020"}, "ok": {"color": "0B6E2E"},
    "na": {"color": "888888"}, "code": {"mono": True}, "hash": {"mono": True},
    "mstat": {"bold": False}, "placeholder": {"highlight": True},
    "evidence-notice": {"bold": True, "color": RED}, "mtitle": {"bold": True},
    "source": {"size": 8.0, "color": "333333", "bold": None},  # in a table; elsewhere a footnote
    "nowrap": {"nowrap": True},
}
NOWRAP_CELLS = frozenset({"num"})
"""Classes of a ``td`` that the CSS sets ``white-space: nowrap`` (``td.num``)."""
BLOCK_CLASSES: Mapping[str, Mapping[str, Any]] = {
    "indent": {"first_indent": True}, "note": {"style": "Note"}, "not-run": {"style": "Not Run"},
    "eq": {"style": "Formula"}, "docno": {"align": WD_ALIGN_PARAGRAPH.RIGHT},
    "subtitle": {"align": WD_ALIGN_PARAGRAPH.CENTER},
    "issuer": {"align": WD_ALIGN_PARAGRAPH.CENTER, "space_before": 24.0},
    "cover": {"align": WD_ALIGN_PARAGRAPH.CENTER, "cover": True},
    "town-head": {"align": WD_ALIGN_PARAGRAPH.CENTER},
    "evidence-notice": {"align": WD_ALIGN_PARAGRAPH.JUSTIFY},
    "num": {"align": WD_ALIGN_PARAGRAPH.RIGHT}, "mid": {"align": WD_ALIGN_PARAGRAPH.CENTER},
    "approval-block": {"keep": True}, "keep": {"keep": True},
    "item": {"left_indent": 8.5}, "sub": {"left_indent": 17.0},  # 2em, 4em
    "seal-block": {"align": WD_ALIGN_PARAGRAPH.CENTER, "left_indent": 0.55 * TEXT_WIDTH_MM,
                   "lead": 18.0, "keep": True},
}
CLASS_HEADINGS: Mapping[frozenset[str], str] = {frozenset({"item", "strong"}): "Heading 3"}
"""Paragraphs that are headings by their classes: a bold numbered item (1. 中风险) heads the
items under it, the third level after 一、 and （一）."""


def breaks_before(node: Node, ctx: Ctx) -> bool:
    """Whether a heading starts a new page, as ``templates/base.css`` says: sections run
    on, and only ``h2.section.first`` (the first after the contents, the appendices) does."""
    return node.tag == "h2" and node.has("section") and node.has("first")
BOXES: Mapping[str, tuple[str, float, float | None]] = {
    "summary-box": ("333333", 0.75, None), "evidence-notice": (RED, 1.25, None),
    "opinion": ("999999", 0.5, 28.0),
}
"""Containers drawn as a one-cell bordered table: border colour, width (pt), height (mm)."""


@dataclass(frozen=True)
class Ctx:
    """Where blocks are being written: paragraph style, alignment, run format, width."""

    style: str = "Normal"
    align: Any = None
    first_indent: bool = False
    fmt: Fmt = Fmt()
    width_mm: float = TEXT_WIDTH_MM
    in_table: bool = False
    cover: bool = False
    space_before: float | None = None  # mm
    space_after: float | None = None  # mm
    depth: int = 0
    keep: bool = False  # kept on one page with what follows (``.approval-block``)
    left_indent: float | None = None  # mm
    lead: float | None = None  # mm before the container's first paragraph only


@dataclass
class Line:
    """One paragraph's content as it is collected: text runs, breaks, tabs and footnotes."""

    parts: list[tuple[str, Any, Fmt]] = field(default_factory=list)

    def text(self, text: str, fmt: Fmt) -> None:
        self.parts.append(("text", text, fmt))

    def control(self, kind: str, value: Any = None, fmt: Fmt = Fmt()) -> None:
        self.parts.append((kind, value, fmt))

    def has_text(self) -> bool:
        return any(kind == "text" and SPACE.sub("", value) for kind, value, _ in self.parts)

    def collapsed(self) -> list[tuple[str, Any, Fmt]]:
        """White space collapsed as HTML does: runs of spaces to one, none at the ends."""
        out: list[tuple[str, Any, Fmt]] = []
        after_space = True
        for kind, value, fmt in self.parts:
            if kind != "text":
                out.append((kind, value, fmt))
                after_space = kind in ("br", "tab")
                continue
            text = SPACE.sub(" ", value)
            if after_space and text.startswith(" "):
                text = text[1:]
            if text:
                out.append(("text", text, fmt))
                after_space = text.endswith(" ")
        while out and out[-1][0] == "text" and out[-1][1].endswith(" "):
            kind, text, fmt = out.pop()
            if text.rstrip(" "):
                out.append((kind, text.rstrip(" "), fmt))
                break
        return out


def merged(fmt: Fmt, changes: Mapping[str, Any]) -> Fmt:
    return replace(fmt, **changes) if changes else fmt


def fmt_of(node: Node, fmt: Fmt) -> Fmt:
    fmt = merged(fmt, RUN_TAGS.get(node.tag, {}))
    for name in sorted(node.classes):
        fmt = merged(fmt, RUN_CLASSES.get(name, {}))
    if node.tag == "td" and node.classes & NOWRAP_CELLS:
        fmt = replace(fmt, nowrap=True)
    return fmt


def style_run(run: Any, fmt: Fmt, *, highlight: bool) -> None:
    font = run.font
    if fmt.bold is not None:
        font.bold = fmt.bold
    if fmt.italic:
        font.italic = True
    if fmt.vert == "subscript":
        font.subscript = True
    elif fmt.vert == "superscript":
        font.superscript = True
    if fmt.mono:
        fonts(run._r.get_or_add_rPr(), SONG, MONO, hint=False)
    if fmt.size is not None:
        font.size = Pt(fmt.size)
    if fmt.color is not None:
        font.color.rgb = RGBColor.from_string(fmt.color)
    if highlight:
        font.highlight_color = WD_COLOR_INDEX.YELLOW
