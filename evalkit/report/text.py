"""The report's words and numbers: bilingual strings, number and date formats, numbering.

Everything a section writes goes through here, so that one language reads
one way throughout: ``templates/strings.yaml`` holds the fixed text in
Chinese and English, :func:`fmt_num` and :func:`fmt_pct` the numbers,
:class:`Numbering` the section, table and figure numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import yaml
from markupsafe import Markup, escape

from evalkit.errors import InputError
from evalkit.paths import TEMPLATES

_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader through libyaml where PyYAML has it: the strings file
is read in 0.01 s instead of 0.2 s (user files needing line numbers in their
errors are read by :mod:`evalkit.io.yamlfile`)."""


LANGS = ("zh", "en")
"""Report languages; every entry of ``templates/strings.yaml`` has both."""


MAX_TABLE_TOWNS = 6
"""Towns per table before a wide table is split into several (A4 portrait)."""


def load_strings(path: Path = TEMPLATES / "strings.yaml") -> dict[str, dict[str, str]]:
    """The report's fixed text: ``{lang: {key: text}}`` from one bilingual file."""
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_YAML_LOADER)
    keys = [line.split(":", 1)[0] for line in text.splitlines()
            if line and not line[0].isspace() and not line.startswith("#") and ":" in line]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:  # a second entry would silently replace the first
        raise ValueError(f"{path.name}: keys given twice: {', '.join(twice)}")
    out: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for key, entry in data.items():
        for lang in LANGS:
            out[lang][key] = str(entry[lang])
    return out


class Text(dict[str, str]):
    """A language's strings; ``t("key", x=1)`` formats, ``t["key"]`` reads."""

    def __call__(self, key: str, **values: Any) -> str:
        return self[key].format(**values)


def fmt_num(value: Any, digits: int = 2) -> str:
    """A number with ``digits`` decimals; ``—`` for a missing or non-finite one."""
    if value is None or isinstance(value, bool):
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "—"
    text = f"{number:,.{digits}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text.replace(",", "")) == 0 else text


YEAR_UNITS = ("年", "year", "years")
"""Units that say a figure is a calendar year when it is a whole number in 1900–2100."""


def is_year(value: Any, unit: str = "") -> bool:
    """Whether ``value`` with ``unit`` is a calendar year (2025, 年), printed without grouping."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return (str(unit).strip() in YEAR_UNITS and math.isfinite(number) and number.is_integer()
            and 1900 <= number <= 2100)


def fmt_year(value: Any) -> str:
    """A calendar year as written: 2025, never 2,025."""
    try:
        return str(int(float(value)))
    except (TypeError, ValueError, OverflowError):
        return "—" if value is None else str(value)


def fmt_pct(value: Any, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage that never claims more than the data.

    A share short of 1 is never printed as 100% (0.9998 → ">99.9%"), and a
    share above 0 never as 0% ("<0.1%"): "in every draw" and "in none" are
    findings, kept for the exact values.
    """
    if value is None:
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "—"
    text = f"{number * 100:.{digits}f}"
    step = 10.0 ** -digits
    if 0 < number < 1 and float(text) >= 100:
        return f">{100 - step:.{digits}f}%"
    if 0 < number < 1 and float(text) <= 0:
        return f"<{step:.{digits}f}%"
    return f"{text}%"


BEIJING = timezone(timedelta(hours=8))
"""Beijing time (UTC+8, no daylight saving): the time every document states."""


def beijing(moment: datetime) -> datetime:
    """``moment`` in Beijing time, whatever zone it was given in (a naive time is local)."""
    return moment.astimezone(BEIJING)


def fmt_date(moment: datetime, lang: str) -> str:
    if lang == "zh":
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return moment.strftime("%-d %B %Y")


_ZH_NUMERALS = "一二三四五六七八九十"


def zh_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for section numbers)."""
    if n <= 10:
        return _ZH_NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    head = "十" if tens == 1 else _ZH_NUMERALS[tens - 1] + "十"
    return head + (_ZH_NUMERALS[units - 1] if units else "")


def sub_number(lang: str, k: int) -> str:
    """The second level of headings: （一）（二）… in Chinese, (a) (b) … in English."""
    return f"（{zh_numeral(k)}）" if lang == "zh" else f"({chr(96 + k)}) "


class Numbering:
    """Section, table and figure numbers in order of appearance (一、（一） 表 1 图 1)."""

    def __init__(self, t: Text) -> None:
        self.t = t
        self.tables = 0
        self.figures = 0
        self.numbers: dict[str, str] = {}
        """A numbered section's number by key (八 / 8), for cross-references."""
        self._subs: dict[str, int] = {}

    def sub(self, section: str) -> str:
        """The next second-level number within ``section`` (a key of :meth:`sections`):
        （一）（二）… restarting in each section, (a) (b) … in English."""
        self._subs[section] = self._subs.get(section, 0) + 1
        return sub_number("zh" if self.t["period"] == "。" else "en", self._subs[section])

    def sections(self, numbered: Sequence[str], plain: Sequence[str] = ()) -> dict[str, str]:
        """Section titles: ``numbered`` keys get 一、二、… (1. 2. …), ``plain`` keys none."""
        zh = self.t["period"] == "。"
        out = {}
        for k, key in enumerate(numbered, start=1):
            self.numbers[key] = zh_numeral(k) if zh else str(k)
            out[key] = self.t("section_number", n=zh_numeral(k) if zh else k,
                              title=self.t[f"sec_{key}"])
        for key in plain:
            out[key] = self.t[f"sec_{key}"]
        return out

    def table(self, caption: str) -> str:
        self.tables += 1
        return self.t("table_caption", n=self.tables, caption=caption)

    def figure(self, caption: str) -> str:
        self.figures += 1
        return self.t("figure_caption", n=self.figures, caption=caption)


def chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    if not items:
        return [items]
    count = math.ceil(len(items) / size)
    per = math.ceil(len(items) / count)
    return [items[k:k + per] for k in range(0, len(items), per)]


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_HAS_CJK = re.compile(f"[{_CJK}]")


def has_cjk(text: Any) -> bool:
    """Whether ``text`` holds Chinese characters or full-width punctuation."""
    return bool(_HAS_CJK.search(str(text)))


_PAREN = re.compile(r"[ \t]*\(([^()]*)\)")
_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])\s*([:;,])\s*")


def zh_punctuation(text: str) -> str:
    """Chinese text with full-width brackets, colons and semicolons: 人口（万人）：9.8；….

    A bracket pair turns full-width when it follows a Chinese character or holds
    one; a colon, semicolon or comma when it follows a Chinese character or a
    full-width bracket.  Numbers and formulas (``(n − 1)``, ``1,000``, ``3:2``)
    keep their half-width signs.
    """
    def paren(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        inner = match.group(1)
        if re.search(rf"[{_CJK}]", inner) or re.match(rf"[{_CJK}]", before):
            return f"（{inner}）"
        return match.group(0)

    text = _PAREN.sub(paren, str(text))
    return _AFTER_CJK.sub(lambda m: {":": "：", ";": "；", ",": "，"}[m.group(1)], text)


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)\s*([a-zA-Z0-9]+)")
_CELLS = ("td", "th")


def keep_names_whole(html: str, names: Iterable[str]) -> str:
    """``html`` with each Chinese name in brackets after an English one — "Qingshan (青山镇)"
    — kept on one line in table cells, where narrow columns would otherwise break it
    ("Qingshan (青山 / 镇)"): ``<span class="nowrap zh-name" lang="zh-CN">(青山镇)</span>``.

    Only the text of ``td`` and ``th`` elements changes, never a tag or an attribute, so a
    name that reached a cell through any sentence is kept whole.
    """
    wanted = sorted({f"({escape(n)})" for n in names if n}, key=len, reverse=True)
    if not wanted:
        return html
    pattern = re.compile("|".join(re.escape(w) for w in wanted))
    out, depth = [], 0
    for part in _TAG.split(html):
        if part.startswith("<"):
            tag = _TAG_NAME.match(part)
            if tag and tag.group(2).lower() in _CELLS:
                depth = max(0, depth + (-1 if tag.group(1) else 1))
            out.append(part)
        elif depth and part:
            out.append(pattern.sub(
                lambda m: f'<span class="nowrap zh-name" lang="zh-CN">{m.group(0)}</span>', part))
        else:
            out.append(part)
    return "".join(out)


def breakable(key: str) -> Markup:
    """An identifier (``affordability.recurring.share_of_cost``, ``pop_2019``) that may wrap
    after its dots and underscores, never mid-word."""
    return Markup("").join(Markup("{}<wbr>").format(part) if part in "._" else escape(part)
                           for part in re.split(r"([._])", str(key)) if part)


def label_text(value: Any, lang: str, fallback: str = "") -> str:
    """Text from a ``{zh, en}`` mapping, a label object or plain text."""
    if value is None:
        return fallback
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("zh") or value.get("en") or fallback)
    if callable(value):
        return str(value(lang))
    return str(value)


_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """The Jinja2 environment: templates from ``templates/``, autoescaping always on."""
    global _ENV
    if _ENV is None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,  # every template, whatever its file name
            undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True,
        )
        env.filters["num"] = fmt_num
        env.filters["pct"] = fmt_pct
        _ENV = env
    return _ENV


def css_string(value: str) -> str:
    """Text safe inside a CSS string in a ``<style>`` element."""
    cleaned = re.sub(r"[\x00-\x1f\\\"<>{};]", "", str(value))
    return Markup(f'"{cleaned}"')


_STRINGS: dict[str, dict[str, str]] | None = None


def strings(lang: str) -> Text:
    global _STRINGS
    if _STRINGS is None:
        _STRINGS = load_strings()
    if lang not in LANGS:
        raise InputError(f"unknown report language {lang!r}", f"use one of {', '.join(LANGS)}")
    return Text(_STRINGS[lang])


METHOD_NAMES = {"wsm": "WSM", "vikor": "VIKOR", "promethee_ii": "PROMETHEE II"}


def digits_for(values: Iterable[Any]) -> int:
    """Decimals that show a column's values sensibly (large numbers need fewer)."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    if not finite:
        return 2
    if all(v == round(v) for v in finite):  # counts (people, posts): 55, not 55.0
        return 0
    top = max(finite)
    return 0 if top >= 1000 else 1 if top >= 10 else 2 if top >= 0.1 else 3


def position_of(column: np.ndarray, i: int, sign: int) -> int:
    """Rank of town ``i`` on one indicator (1 = best), ties sharing the better rank."""
    key = column * sign
    return int(1 + np.sum(key > key[i] + 1e-12))


def relation(compare: Any) -> str:
    """A comparison as printed: ≥ and ≤, not the ASCII the data files use."""
    return {">=": "≥", "<=": "≤"}.get(str(compare), str(compare or ""))


def saaty_text(value: Any) -> str:
    """A judgment as written on Saaty's scale: 3, 1/3, or a decimal for an estimate."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(v) or v <= 0:
        return "—"
    if abs(v - round(v)) < 1e-9:
        return str(round(v))
    if abs(1 / v - round(1 / v)) < 1e-9:
        return f"1/{round(1 / v)}"
    return f"{v:.2f}"
