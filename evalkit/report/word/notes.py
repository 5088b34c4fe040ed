"""Footnotes: python-docx has no API for them, so the part is built here.

A footnote needs four things (ECMA-376 Part 1, §17.11): the footnotes part
(``word/footnotes.xml``, content type ``…wordprocessingml.footnotes+xml``)
related from the document part; in it the separator and continuation
separator notes (ids −1 and 0) Word expects; each note (id 1, 2, …) starting
with a ``w:footnoteRef`` mark; and in the text a run holding
``w:footnoteReference w:id``.  The settings name the separator notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from evalkit.report.word.ooxml import child, element, run_with, text_element

_EMPTY = (f"<w:footnotes {nsdecls('w', 'r')}>"
          '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
          '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
          "<w:r><w:separator/></w:r></w:p></w:footnote>"
          '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
          '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
          "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
          "</w:footnotes>")

Segment = tuple[str, dict[str, Any]]
"""Text and its run properties (``bold``, ``italic``, ``subscript``, ``superscript``)."""


class Footnotes:
    """The document's footnotes part, made when the first note is added."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self._root: Any = None
        self.count = 0

    def _part(self) -> Any:
        if self._root is None:
            part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(_EMPTY),
                           self.document.part.package)
            self.document.part.relate_to(part, RT.FOOTNOTES)
            self._root = part.element
            settings = self.document.settings.element
            properties = child(settings, "footnotePr")
            for ident in ("-1", "0"):
                properties.append(element("footnote", id=ident))
        return self._root

    def add(self, paragraph: Any, segments: Sequence[Segment]) -> int:
        """A footnote holding ``segments``, its mark at the end of ``paragraph``; its number."""
        root = self._part()
        self.count += 1
        number = self.count
        note = element("footnote", id=number)
        body = element("p")
        body.append(_ppr("FootnoteText"))
        body.append(_reference_run(element("footnoteRef")))
        body.append(_plain_run(" "))
        for text, props in segments:
            run = _plain_run(text)
            rpr = element("rPr")
            if props.get("bold"):
                rpr.append(element("b"))
            if props.get("italic"):
                rpr.append(element("i"))
            if props.get("subscript") or props.get("superscript"):
                rpr.append(element("vertAlign",
                                   val="subscript" if props.get("subscript") else "superscript"))
            if len(rpr):
                run.insert(0, rpr)
            body.append(run)
        note.append(body)
        root.append(note)
        run_with(paragraph, element("footnoteReference", id=number), rpr=_rstyle())
        return number


def _ppr(style: str) -> Any:
    ppr = element("pPr")
    ppr.append(element("pStyle", val=style))
    return ppr


def _rstyle() -> Any:
    rpr = element("rPr")
    rpr.append(element("rStyle", val="FootnoteReference"))
    return rpr


def _reference_run(mark: Any) -> Any:
    run = element("r")
    run.append(_rstyle())
    run.append(mark)
    return run


def _plain_run(text: str) -> Any:
    run = element("r")
    run.append(text_element(text))
    return run


def footnote_texts(document: Any) -> dict[int, str]:
    """The footnotes of a saved-and-read document by number (for tests and checks)."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            root = parse_xml(rel.target_part.blob)
            return {int(n.get(qn("w:id"))): "".join(t.text or "" for t in n.iter(qn("w:t"))).strip()
                    for n in root.findall(qn("w:footnote")) if int(n.get(qn("w:id"))) > 0}
    return {}
