"""WordprocessingML details python-docx has no API for: borders, fields, fonts, element order.

Word refuses (or "repairs") a file whose property elements are out of the
schema's order, so every element added here goes through :func:`child`,
which puts it in its place by the sequences below (ECMA-376 Part 1, §17).
"""

from __future__ import annotations

import re
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
             "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
             "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
             "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
             "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
             "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
             "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
             "eastAsianLayout", "specVanish", "oMath")
TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
              "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")
TRPR_ORDER = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
              "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
               "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
BORDER_ORDER = ("top", "left", "start", "bottom", "right", "end", "between", "bar",
                "insideH", "insideV", "tl2br", "tr2bl")
SETTINGS_ORDER = ("writeProtection", "view", "zoom", "removePersonalInformation",
                  "removeDateAndTime", "doNotDisplayPageBoundaries", "displayBackgroundShape",
                  "printPostScriptOverText", "printFractionalCharacterWidth", "printFormsData",
                  "embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts", "saveFormsData",
                  "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader",
                  "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
                  "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign",
                  "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
                  "stylePaneSortMethod", "documentType", "mailMerge", "revisionView",
                  "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
                  "documentProtection", "autoFormatOverride", "styleLockTheme",
                  "styleLockQFSet", "defaultTabStop", "autoHyphenation",
                  "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
                  "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
                  "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
                  "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
                  "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
                  "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
                  "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin",
                  "doNotShadeFormData", "noPunctuationKerning", "characterSpacingControl",
                  "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
                  "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema",
                  "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
                  "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving",
                  "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace", "updateFields",
                  "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids")

_ORDERS = {"pPr": PPR_ORDER, "rPr": RPR_ORDER, "tcPr": TCPR_ORDER, "trPr": TRPR_ORDER,
           "tblPr": TBLPR_ORDER, "pBdr": BORDER_ORDER, "tcBorders": BORDER_ORDER,
           "tblBorders": BORDER_ORDER, "settings": SETTINGS_ORDER}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot hold; an input holding one is shown with U+FFFD instead."""


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def element(tag: str, **attrs: Any) -> Any:
    """A new ``w:<tag>`` element with ``w:`` attributes."""
    made = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        made.set(qn(f"w:{key}"), str(value))
    return made


def _local(node: Any) -> str:
    return str(node.tag).rpartition("}")[2]


def child(parent: Any, tag: str, **attrs: Any) -> Any:
    """The ``w:<tag>`` child of ``parent``, added in schema order if missing; ``attrs`` set on it."""
    found = parent.find(qn(f"w:{tag}"))
    if found is None:
        found = element(tag)
        order = _ORDERS.get(_local(parent), ())
        if tag in order:
            later = set(order[order.index(tag) + 1:])
            for index, sibling in enumerate(parent):
                if _local(sibling) in later:
                    parent.insert(index, found)
                    break
            else:
                parent.append(found)
        else:
            parent.append(found)
    for key, value in attrs.items():
        found.set(qn(f"w:{key}"), str(value))
    return found


def border(parent: Any, container: str, sides: tuple[str, ...], *, val: str = "single",
           size: float = 0.5, color: str = "000000", space: int = 0) -> None:
    """Borders ``sides`` in ``parent``'s ``container`` (pBdr, tcBorders, tblBorders); ``size`` in pt."""
    box = child(parent, container)
    for side in sides:
        child(box, side, val=val, sz=max(2, round(size * 8)), space=space, color=color)


def shade(parent: Any, fill: str) -> None:
    child(parent, "shd", val="clear", color="auto", fill=fill)


def fonts(rpr: Any, east_asia: str, latin: str, *, hint: bool = True) -> None:
    """Explicit fonts on a run or style: East-Asian and Latin, theme fonts removed."""
    rfonts = child(rpr, "rFonts")
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "cs"):
        rfonts.set(qn(f"w:{attribute}"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    if hint:
        rfonts.set(qn("w:hint"), "eastAsia")


def run_with(paragraph: Any, *parts: Any, rpr: Any = None) -> Any:
    """A ``w:r`` appended to ``paragraph``'s element holding ``parts``."""
    run = element("r")
    if rpr is not None:
        run.append(rpr)
    for part in parts:
        run.append(part)
    paragraph._p.append(run)
    return run


def text_element(text: str) -> Any:
    made = element("t")
    made.text = xml_safe(text)
    made.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return made


def field_begin(paragraph: Any, instruction: str) -> None:
    """Open a complex field (``w:fldChar``) with a fixed instruction of ours."""
    run_with(paragraph, element("fldChar", fldCharType="begin"))
    code = element("instrText")
    code.text = f" {instruction} "
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run_with(paragraph, code)
    run_with(paragraph, element("fldChar", fldCharType="separate"))


def field_end(paragraph: Any) -> None:
    run_with(paragraph, element("fldChar", fldCharType="end"))


def field(paragraph: Any, instruction: str, shown: str, rpr: Any = None) -> None:
    """A whole field in one paragraph, e.g. ``PAGE`` showing "1" until Word updates it."""
    field_begin(paragraph, instruction)
    run_with(paragraph, text_element(shown), rpr=rpr)
    field_end(paragraph)
