"""Editable Word copies (``.docx``) of the reports, made from the same HTML as the PDF.

>>> from evalkit.report.word import html_to_docx
>>> data = html_to_docx(html, {"charts/chart-01.svg": png_bytes})

The HTML the templates make from the section views is walked element by
element (:mod:`~evalkit.report.word.build`) into python-docx objects, so the
content logic exists once, and a section added to a template comes out in
Word without a change here.  The frame — A4 with government-document
margins, styles with Chinese fonts, running header with the watermark,
page numbers — is :mod:`~evalkit.report.word.page`; tables are
:mod:`~evalkit.report.word.tables`, footnotes :mod:`~evalkit.report.word.notes`.

Safety, as for the PDF: every piece of input text is written as text (never
as a field code or a hyperlink), pictures come only from ``images`` (never
from a file or URL named in the HTML), and the same HTML and images give the
same bytes (times from the report, not the clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from evalkit.report.text import strings
from evalkit.report.word.build import Writer, texts
from evalkit.report.word.page import finish, new_document, running_header_footer
from evalkit.report.word.tree import Node, parse

FALLBACK_TIME = datetime(1980, 1, 1, tzinfo=UTC)
"""The time of a document whose HTML names none (the zip format's first date)."""


def _meta(root: Node, name: str) -> str:
    for node in root.iter("meta"):
        if node.attrs.get("name") == name:
            return node.attrs.get("content", "")
    return ""


def _time(root: Node) -> datetime:
    try:
        return datetime.fromisoformat(_meta(root, "dcterms.created"))
    except ValueError:
        return FALLBACK_TIME


def html_to_docx(html: str, images: Mapping[str, bytes] | None = None, *,
                 now: datetime | None = None) -> bytes:
    """A report's HTML as ``.docx`` bytes.

    ``images`` maps an ``img`` element's ``src`` (``charts/chart-01.svg``) to
    the PNG shown in its place; an image not given is shown by its alt text.
    ``now`` is the document's time (default: the HTML's ``dcterms.created``).
    """
    root = parse(html)
    page = root.find("html")
    lang = "zh" if (page.attrs.get("lang", "zh") if page else "zh").lower().startswith("zh") \
        else "en"
    t = strings(lang)
    document = new_document(lang)
    body = root.find("body") or root
    Writer(document, dict(images or {}), lang).write(body)
    title_node = root.find("title")
    title = title_node.text() if title_node is not None else ""
    if not title:
        heading = body.find("h1")
        title = heading.text() if heading is not None else ""
    running_header_footer(document, title=title, watermark=" ".join(texts(body, "watermark")),
                          page=(t["page_before"], t["page_middle"], t["page_after"]),
                          cover=any(True for _ in texts(body, "cover")))
    return finish(document, title=title, when=now or _time(root), lang=lang,
                  generator=_meta(root, "generator"))


__all__ = ["html_to_docx"]
