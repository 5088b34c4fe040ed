"""Where a line may break: numbers kept with their units, ``nowrap`` kept whole, header words.

The PDF joins the Chinese words of each table header (:func:`head_words`, applied by
:func:`evalkit.report.render.html_to_pdf`); the Word copy uses all of it.

Word and LibreOffice break lines by the Unicode rules (UAX #14): between any
two Chinese characters and between a digit and a Chinese character, so
"2026年" may end a line after "2026" and "15.0 亿元" after "亿".  The PDF
keeps such text together where the HTML says so (``white-space: nowrap`` on
``td.num`` and ``.nowrap``); Word has no such property, so the text itself
carries it: spaces become NO-BREAK SPACE (U+00A0) and a WORD JOINER (U+2060,
zero width) stands at each place a line could otherwise break (and, for
LibreOffice, such a span is marked to be broken by the Unicode rules:
:func:`spans`).  A number and
the unit after it (亿元, 万人, %, 年, km² …) are joined the same way
everywhere, since the HTML does not mark them.  :func:`pieces` gives what is
left unbreakable, which the table columns are sized by.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

JOINER = "\u2060"
"""WORD JOINER: no break here, no width."""
NBSP = "\u00a0"
UNICODE_BREAKS = "en-US"
"""The East-Asian language of a joined span (:func:`spans`)."""

UNITS = ("平方公里", "平方千米", "个百分点", "亿元", "万元", "万人", "万户", "千米", "公里",
         "小时", "km²", "km2", "m²", "%", "％", "‰", "亿", "万", "元", "年", "月", "日", "人",
         "个", "张", "项", "位", "名", "次", "倍", "户", "岁", "家", "所", "组", "份", "条",
         "页", "号", "天", "周", "镇", "km", "kg")
"""Units kept with the number before them (longest first, so 亿元 wins over 亿)."""

_NUMBER = r"\d+(?:[.,]\d+)*"
_NUMBER_UNIT = re.compile(
    rf"(?P<number>{_NUMBER}(?:[ \u00a0]?[—–~～][ \u00a0]?{_NUMBER})?)(?P<space>[ \u00a0]?)"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in UNITS)})(?![A-Za-z])")
_RANGE = re.compile(rf"(?<=\d)[ \u00a0]?[—–~～][ \u00a0]?(?={_NUMBER})")
"""A range of numbers ("2025—2027"): the dash breaks nowhere."""

DASHES = frozenset("—–~～/-‐")


def wide(char: str) -> bool:
    """A Chinese (or other East-Asian wide) character: a line may break before and after it."""
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x3000 <= code <= 0x303F or 0x20000 <= code <= 0x3FFFF)


def _joined(text: str) -> str:
    """``text`` with a joiner wherever two characters might otherwise be broken apart."""
    out: list[str] = []
    for index, char in enumerate(text):
        if index:
            before = text[index - 1]
            if (JOINER not in (before, char) and NBSP not in (before, char)
                    and (wide(before) or wide(char) or before in DASHES or char in DASHES)):
                out.append(JOINER)
        out.append(char)
    return "".join(out)


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_PIECE = rf"(?:[^ \t\n\u00a0\u2060{_WIDE}]+|[{_WIDE}])"
_JOINED = re.compile(rf"{_PIECE}(?:[\u00a0\u2060]+{_PIECE})+")


def spans(text: str) -> Iterator[tuple[str, bool]]:
    """``text`` in parts, each with whether it is a joined span holding a Chinese character
    (or punctuation a Chinese font sets, as the dash of 2025—2027).

    LibreOffice breaks Chinese text at any character, joiner or not, unless the text's
    East-Asian language is one whose lines it breaks by the Unicode rules; so the Word
    writer marks these spans' East-Asian language as English (and no proofing).
    """
    last = 0
    for match in _JOINED.finditer(text):
        if not any(wide(c) or c in FULL_WIDTH_PUNCTUATION for c in match.group()):
            continue
        if match.start() > last:
            yield text[last:match.start()], False
        yield match.group(), True
        last = match.end()
    if last < len(text):
        yield text[last:], False


def unbreakable(text: str) -> str:
    """``text`` that no line break can split (the HTML's ``white-space: nowrap``)."""
    return _joined(text.replace(" ", NBSP))


def _dash(match: re.Match[str]) -> str:
    return JOINER + match.group().replace(" ", NBSP) + JOINER


def _number_unit(match: re.Match[str]) -> str:
    number = _RANGE.sub(_dash, match["number"])
    unit = _joined(match["unit"])
    if match["space"]:
        glue = NBSP
    else:
        glue = JOINER if wide(unit[0]) else ""
    return number + glue + unit


_DATE = re.compile(r"\d{4}[ \u00a0]?年[ \u00a0]?\d{1,2}[ \u00a0]?月(?:[ \u00a0]?\d{1,2}[ \u00a0]?日)?")
"""A Chinese date (2027年12月31日), kept on one line as the PDF's table shows it."""


_BRACKETED_UNIT = re.compile(
    rf"[（(](?:{'|'.join(re.escape(u) for u in UNITS if len(u) > 1)})(?:/[^）)\s]{{1,3}})?[）)]")
"""A unit named in brackets after a quantity's name (镇区常住人口（万人）), kept whole."""


def keep_units(text: str) -> str:
    """``text`` with each number kept with its unit, a range of numbers, a date and a bracketed
    unit kept whole."""
    text = _DATE.sub(lambda m: _joined(m.group().replace(" ", NBSP)), text)
    text = _BRACKETED_UNIT.sub(lambda m: _joined(m.group()), text)
    text = _NUMBER_UNIT.sub(_number_unit, text)
    return _RANGE.sub(_dash, text)


FULL_WIDTH_PUNCTUATION = frozenset("—―…‖“”‘’·")
"""Characters of ambiguous width that a Chinese font (the runs' East-Asian hint) sets 1 em wide."""


AUTOSPACE_EM = 0.25
"""The room Word and LibreOffice put between Chinese and Latin text (``w:autoSpaceDE``)."""


def width_em(text: str) -> float:
    """A rough width in em: 1 for a wide character, 0.55 for any other, 0 for a joiner, and
    :data:`AUTOSPACE_EM` where Chinese and Latin text meet."""
    shown = [c for c in text if c != JOINER]
    kinds = [wide(c) or c in FULL_WIDTH_PUNCTUATION for c in shown]
    meets = sum(1 for a, b in pairwise(kinds) if a != b)
    return sum(1.0 if k else 0.55 for k in kinds) + AUTOSPACE_EM * meets


HEAD_BREAKS = frozenset("＼\\/、，,；;：:")
"""Where a header may break between wide characters (after these; and before an opening bracket)."""
HEAD_WORD = 6
"""A header's Chinese word of up to this many characters never breaks; a longer one may."""
HEAD_WORD_ROOM = 12
"""A longer word is given room up to this many characters when the table can afford it."""
_HEAD_RUN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2060]+")


def _head_break(before: str, char: str) -> bool:
    return before in HEAD_BREAKS or char in "（("


def head_words(text: str) -> str:
    """A header's text with each Chinese word (between breaks such as ＼ 、 or before （) of up
    to :data:`HEAD_WORD` characters joined, so a line breaks between words, not inside one."""
    def join(match: re.Match[str]) -> str:
        words, word = [], ""
        for char in match.group():
            if word and _head_break(word[-1], char):
                words.append(word)
                word = ""
            word += char
        words.append(word)
        return "".join(_joined(w) if len(w.replace(JOINER, "")) <= HEAD_WORD else w
                       for w in words)
    return _HEAD_RUN.sub(join, text)


def pieces(text: str, *, head: bool = False) -> Iterator[str]:
    """The parts of ``text`` (as written, joiners in) that no line break splits.

    Lines break at ordinary spaces and beside a wide character (unless a
    joiner or no-break space stands there).  In a header (``head``), a run of
    Chinese characters is a word and breaks only after punctuation such as
    ＼ or 、, and a word longer than :data:`HEAD_WORD` counts as that long.
    """
    for token in text.split(" "):
        piece = ""
        for char in token:
            if piece:
                before = piece[-1]
                glued = JOINER in (before, char) or NBSP in (before, char)
                if head and wide(before) and wide(char):
                    breaks = _head_break(before, char)
                else:
                    breaks = not glued and (wide(before) or wide(char))
                if breaks:
                    yield piece
                    piece = ""
            piece += char
        if piece:
            yield piece


def piece_em(piece: str, *, head: bool = False, word: int = HEAD_WORD) -> float:
    """A piece's width in em; a Chinese header word counted as at most ``word`` characters."""
    em = width_em(piece)
    if head and all(wide(c) or c == JOINER for c in piece):
        em = min(em, float(word))
    return em
