"""Assessment reports (评估报告): PDF from Jinja2 templates through WeasyPrint.

>>> from evalkit import load_criteria, load_candidates, evaluate
>>> from evalkit.report import build_report, render_reports
>>> result = evaluate(load_criteria("criteria/default.yaml"),
...                   load_candidates("candidates/towns.csv"))
>>> report = build_report(result, selection=None, robustness=None)
>>> report.summary_html("zh")        # the summary as HTML (for a notebook)
>>> run = render_reports(report, langs=("zh", "en"))
>>> run.directory, run.files

The report is built from the :class:`~evalkit.evaluate.Evaluation` and the
JSON-shaped results of the optional analyses (AHP, selection, robustness, the
standards screen, the 2027 targets).  A section whose analysis was not given
is left out with a one-line note saying so.

Safety: templates autoescape everything; WeasyPrint may read only files under
:data:`~evalkit.paths.TEMPLATES` and the ``data:`` URIs of the charts made for
this report (:class:`TemplateFetcher`), so nothing in the data can make it
read a local file or reach the network.  Each run is written into a new
directory under ``out/``, rendered beside it first and renamed into place.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import hashlib
import json
import logging
import math
import mimetypes
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
import numpy as np
import yaml
from markupsafe import Markup
from weasyprint.urls import URLFetcher, URLFetcherResponse

from evalkit import charts
from evalkit.derive import Source
from evalkit.errors import InputError
from evalkit.evaluate import Evaluation
from evalkit.fonts import CjkFonts, find_cjk_fonts
from evalkit.paths import OUT, TEMPLATES
from evalkit.weights import entropy_weights, minmax_standardize

_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader through libyaml where PyYAML has it: the strings file
is read in 0.01 s instead of 0.2 s (user files needing line numbers in their
errors are read by :mod:`evalkit.yamlio`)."""

LANGS = ("zh", "en")
"""Report languages; every entry of ``templates/strings.yaml`` has both."""

TOWN_WORKERS = 2
"""Processes that render town reports in parallel."""

MAX_TABLE_TOWNS = 6
"""Towns per table before a wide table is split into several (A4 portrait)."""

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------
# Safe resource fetching
# --------------------------------------------------------------------------


class RefusedURL(ValueError):
    """WeasyPrint asked for a resource outside the templates directory."""


CHART_DIR = "charts"
"""Charts are referred to as ``charts/<name>.svg`` and served from memory."""

_NESTED_DATA = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")


def _decode_data_uri(url: str) -> tuple[str, bytes]:
    """(media type, bytes) of a ``data:`` URI; whitespace in base64 is ignored."""
    header, _, payload = url[5:].partition(",")
    mime = header.split(";")[0].strip() or "text/plain"
    if header.endswith(";base64"):
        return mime, base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
    return mime, unquote(payload).encode("utf-8")


def _digest(mime: str, body: bytes) -> str:
    return hashlib.sha256(mime.encode("utf-8") + b"\0" + body).hexdigest()


class TemplateFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves only the templates directory.

    ``file:`` URLs are served when they resolve (symlinks and ``..``
    followed) to a file under ``root``; ``charts`` are this report's SVG
    charts, served as if they were files ``root/charts/<name>``.  A ``data:``
    URI is served only when its content is an image embedded in one of those
    charts (matplotlib embeds raster parts that way).  Everything else —
    other files, ``http:``, ``ftp:``, other data — raises :class:`RefusedURL`
    and is recorded in ``refused``.
    """

    def __init__(self, root: Path = TEMPLATES,
                 charts: Mapping[str, str | Chart] | None = None) -> None:
        super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = Path(root).resolve()
        self.charts = dict(charts or {})
        self.refused: list[str] = []
        self._allowed: set[str] = set()

    def _chart(self, name: str) -> bytes:
        value = self.charts[name]
        svg = value.svg if isinstance(value, Chart) else value
        # matplotlib embeds raster parts (a colour bar) as data: URIs; those, and only
        # those, may be fetched once the chart holding them has been.
        for nested in _NESTED_DATA.findall(svg):
            self._allowed.add(_digest(*_decode_data_uri(nested)))
        return svg.encode("utf-8")

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            try:
                mime, body = _decode_data_uri(url)
            except ValueError:
                raise self._refuse(url, "a malformed data: URI") from None
            if _digest(mime, body) not in self._allowed:
                raise self._refuse(url, "a data: URI this report did not make")
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "not a file in the templates directory")
        raw = Path(os.path.normpath(url2pathname(unquote(parts.path))))
        if raw.parent == self.root / CHART_DIR and raw.name in self.charts:
            return URLFetcherResponse(url, self._chart(raw.name), {"Content-Type": "image/svg+xml"})
        try:
            path = raw.resolve(strict=True)
        except (OSError, RuntimeError):
            raise self._refuse(url, "no such file") from None
        if not path.is_relative_to(self.root) or not path.is_file():
            raise self._refuse(url, "outside the templates directory")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    def _refuse(self, url: str, why: str) -> RefusedURL:
        shown = url if len(url) < 120 else url[:117] + "..."
        self.refused.append(shown)
        logger.warning("refused to fetch %s: %s", shown, why)
        return RefusedURL(f"refused {shown}: {why}")


# --------------------------------------------------------------------------
# Text, numbers, captions
# --------------------------------------------------------------------------


def load_strings(path: Path = TEMPLATES / "strings.yaml") -> dict[str, dict[str, str]]:
    """The report's fixed text: ``{lang: {key: text}}`` from one bilingual file."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
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


def fmt_pct(value: Any, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage."""
    if value is None:
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "—" if not math.isfinite(number) else f"{number * 100:.{digits}f}%"


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


class Numbering:
    """Section, table and figure numbers in order of appearance (一、 表 1 图 1)."""

    def __init__(self, t: Text) -> None:
        self.t = t
        self.tables = 0
        self.figures = 0

    def sections(self, numbered: Sequence[str], plain: Sequence[str] = ()) -> dict[str, str]:
        """Section titles: ``numbered`` keys get 一、二、… (1. 2. …), ``plain`` keys none."""
        zh = self.t["period"] == "。"
        out = {}
        for k, key in enumerate(numbered, start=1):
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


class Chart:
    """One SVG chart of a document, referred to from the HTML as ``charts/<name>``.

    The SVG is drawn at once, or by a worker process when the report is
    rendered with one (then ``svg`` waits for it), so charts are drawn while
    WeasyPrint parses the HTML.
    """

    def __init__(self, name: str, draw: Callable[..., str], args: tuple[Any, ...],
                 kwargs: Mapping[str, Any], executor: Executor | None = None) -> None:
        self.name = name
        self._value: str | Future[str]
        self._value = (executor.submit(draw, *args, **kwargs) if executor is not None
                       else draw(*args, **kwargs))

    @property
    def svg(self) -> str:
        if isinstance(self._value, Future):
            self._value = self._value.result()
        return self._value

    @property
    def href(self) -> str:
        return f"{CHART_DIR}/{self.name}"


def safe_stem(town_id: str) -> str:
    """A file-name part for a town id: the id itself if it is plain, else a hash."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", town_id):
        return town_id
    return "h" + hashlib.sha256(town_id.encode("utf-8")).hexdigest()[:12]


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    if not items:
        return [items]
    count = math.ceil(len(items) / size)
    per = math.ceil(len(items) / count)
    return [items[k:k + per] for k in range(0, len(items), per)]


def _label(value: Any, lang: str, fallback: str = "") -> str:
    """Text from a ``{zh, en}`` mapping, a label object or plain text."""
    if value is None:
        return fallback
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("zh") or value.get("en") or fallback)
    if callable(value):
        return str(value(lang))
    return str(value)


# --------------------------------------------------------------------------
# The 2027 targets (data file)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target for converted towns: a value read from the table, a direction and a level."""

    id: str
    label: Mapping[str, str]
    unit: str
    compare: str
    target: float
    value: Source
    city: float | None = None
    source: str = ""


def load_targets(path: str | Path) -> tuple[tuple[Target, ...], Mapping[str, Any]]:
    """Read a targets file (``criteria/targets.yaml``): the targets and their citation."""
    from evalkit.derive import parse_source

    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the targets file ({type(exc).__name__})",
                         "check the path and the YAML syntax", file=path) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("targets"), list):
        raise InputError("a targets file needs a list 'targets'", "see criteria/targets.yaml",
                         file=path)
    targets = []
    for index, item in enumerate(data["targets"]):
        where = f"targets[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise InputError("each target needs an id", "write - id: sewage", file=path,
                             column=where)
        if item.get("compare") not in (">=", "<="):
            raise InputError("compare must be '>=' or '<='", "write compare: '>='", file=path,
                             column=f"{where}.compare")
        number = item.get("target")
        if isinstance(number, bool) or not isinstance(number, int | float) or number <= 0:
            raise InputError("target must be a positive number", "write e.g. target: 90",
                             file=path, column=f"{where}.target")

        def located(what: str, hint: str, where: str = where) -> InputError:
            return InputError(what, hint, file=path, column=f"{where}.value")

        if not isinstance(item.get("value"), Mapping):
            raise located("value must be a column or a derivation", "write value: {column: x}")
        city = item.get("city")
        targets.append(Target(
            id=item["id"], label=dict(item.get("label") or {"zh": item["id"], "en": item["id"]}),
            unit=str(item.get("unit", "")), compare=item["compare"], target=float(number),
            value=parse_source(item["value"], where=located),
            city=float(city) if isinstance(city, int | float) else None,
            source=str(item.get("source", data.get("source", ""))),
        ))
    meta = {"source": data.get("source", ""), "label": data.get("label", {}), "path": str(path)}
    return tuple(targets), meta


def target_values(targets: Sequence[Target], evaluation: Evaluation) -> dict[str, np.ndarray]:
    """Each target's value for every town (NaN where it cannot be computed)."""
    from evalkit.derive import DERIVATIONS, Source

    table = evaluation.candidates

    def values(source: Any) -> np.ndarray:
        if not isinstance(source, Source):
            return np.full(len(table.ids), float(source))
        if source.kind == "column":
            try:
                out = table.numeric(source.params["name"], signed=True)
            except InputError:
                out = np.full(len(table.ids), np.nan)
        else:
            args = {name: values(op) for name, op in source.operands.items()}
            with np.errstate(all="ignore"):
                out = np.asarray(DERIVATIONS[source.kind].compute(**args, **source.params), float)
        return np.where(np.isfinite(out), out * source.scale, np.nan)

    return {t.id: values(t.value) for t in targets}


# --------------------------------------------------------------------------
# The report model
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class InputFile:
    """An input named in the provenance block, with its SHA-256."""

    role: str
    path: str
    sha256: str

    @classmethod
    def of(cls, role: str, path: str | Path) -> InputFile:
        p = Path(path)
        digest = hashlib.sha256()
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            if p.is_dir():
                digest.update(str(f.relative_to(p)).encode("utf-8") + b"\0")
            digest.update(f.read_bytes())
        return cls(role, str(path), digest.hexdigest())


@dataclass(frozen=True, eq=False)
class Report:
    """Everything a report shows, before it is rendered.

    Build it with :func:`build_report`; render it with :func:`render_reports`
    or look at it in a notebook with :meth:`summary_html` / :meth:`town_html`.
    """

    evaluation: Evaluation
    ahp: Mapping[str, Any] | None = None
    selection: Mapping[str, Any] | None = None
    robustness: Mapping[str, Any] | None = None
    screen: Mapping[str, Any] | None = None
    targets: tuple[Target, ...] = ()
    targets_meta: Mapping[str, Any] = field(default_factory=dict)
    inputs: tuple[InputFile, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC).astimezone())
    document_number: str = ""
    fonts: CjkFonts | None = None

    @property
    def town_ids(self) -> tuple[str, ...]:
        return self.evaluation.matrix.ids

    def input_hash(self) -> str:
        """A short hash of everything the report depends on except the time."""
        payload = json.dumps({
            "inputs": [(f.role, Path(f.path).name, f.sha256) for f in self.inputs],
            "parameters": _jsonable(self.parameters),
            "ahp": _jsonable(self.ahp), "selection": _jsonable(self.selection),
            "robustness": _jsonable(self.robustness), "screen": _jsonable(self.screen),
            "weights": self.evaluation.weights.as_dict(),
            "towns": list(self.town_ids),
        }, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:8]

    def _fonts(self) -> CjkFonts:
        return self.fonts or find_cjk_fonts()

    def summary_html(self, lang: str = "zh") -> str:
        """The summary report as one HTML document (charts inline, for a notebook)."""
        return _inline_charts(*_Builder(self, lang).summary())

    def town_html(self, town_id: str, lang: str = "zh") -> str:
        """One town's report as one HTML document (charts inline)."""
        return _inline_charts(*_Builder(self, lang).town(town_id))


def _inline_charts(html: str, made: Sequence[Chart]) -> str:
    for chart in made:
        uri = "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode()
        html = html.replace(f'src="{chart.href}"', f'src="{uri}"')
    return html


def ahp_dict(evaluation: Evaluation) -> dict[str, Any] | None:
    """The AHP result behind an evaluation's weights, as the report reads it.

    The AHP module's ``to_dict()`` object, plus for each consistency row the
    ``items`` and the (completed) matrix ``values``, the ``experts`` and the
    values of the named RI tables.  ``None`` when the weights did not use AHP.
    """
    judged = evaluation.weights.details.get("ahp")
    if judged is None or not hasattr(judged, "to_dict"):
        return None
    data = judged.to_dict()
    for row, entry in zip(data.get("consistency", []), getattr(judged, "consistency", ()),
                          strict=False):
        result = getattr(entry, "result", None)
        if result is not None:
            row["items"] = list(result.items)
            row["values"] = [list(r) for r in result.matrix]
    data["experts"] = [{"name": e.name, "role": e.role, "weight": e.weight}
                       for e in getattr(judged, "experts", ())]
    try:
        from evalkit.ahp import RI_TABLES
    except ImportError:  # pragma: no cover - the AHP module ships with evalkit
        RI_TABLES = {}
    names = {str(row.get("ri_table")) for row in data.get("consistency", [])}
    data["ri_tables"] = {name: {str(n): v for n, v in RI_TABLES[name].items()}
                         for name in sorted(names) if name in RI_TABLES}
    return data


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, sort_keys=True)) if value is not None else None


def build_report(evaluation: Evaluation, *, ahp: Mapping[str, Any] | None = None,
                 selection: Mapping[str, Any] | None = None,
                 robustness: Mapping[str, Any] | None = None,
                 screen: Mapping[str, Any] | None = None,
                 targets: str | Path | None = None,
                 inputs: Mapping[str, str | Path] | None = None,
                 parameters: Mapping[str, Any] | None = None,
                 now: datetime | None = None, document_number: str = "") -> Report:
    """Collect what the report shows: the evaluation and the optional analyses.

    ``ahp``, ``selection`` and ``robustness`` are those modules' ``to_dict()``
    objects; ``screen`` is a standards screen (see :func:`screen_dict`);
    ``targets`` a targets file; ``inputs`` maps a role (criteria, candidates,
    scenario...) to a file whose name and SHA-256 go in the provenance block;
    ``now`` is the report time (inject it for reproducible output).  The CJK
    font is looked up here, so a missing font stops before anything is written.
    """
    fonts = find_cjk_fonts()
    if ahp is None:
        ahp = ahp_dict(evaluation)
    files = dict(inputs or {})
    if "criteria" not in files and evaluation.criteria.path is not None:
        files["criteria"] = evaluation.criteria.path
    if "candidates" not in files:
        files["candidates"] = evaluation.candidates.path
    if targets is not None:
        files.setdefault("targets", targets)
    found: list[InputFile] = []
    for role, path in files.items():
        if path is not None and Path(path).exists():
            found.append(InputFile.of(role, path))
    loaded: tuple[Target, ...] = ()
    meta: Mapping[str, Any] = {}
    if targets is not None:
        loaded, meta = load_targets(targets)
    moment = now or datetime.now(UTC).astimezone()
    return Report(evaluation, ahp, selection, robustness, screen, loaded, meta, tuple(found),
                  dict(parameters or {}), moment, document_number, fonts)


# --------------------------------------------------------------------------
# Building the template context
# --------------------------------------------------------------------------


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


def _css_string(value: str) -> str:
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


class _Builder:
    """Turns a :class:`Report` into template contexts for one language."""

    def __init__(self, report: Report, lang: str, executor: Executor | None = None) -> None:
        self.executor = executor
        self.r = report
        self.lang = lang
        self.t = strings(lang)
        self.e = report.evaluation
        self.m = report.evaluation.matrix
        self.fonts = report._fonts()
        self.criteria = report.evaluation.criteria
        self.charts: list[Chart] = []

    # -- names ------------------------------------------------------------

    def name(self, town_id: str, *, short: bool = False) -> str:
        """A town's name: Chinese, or in English 'Qingshan (青山镇)' (Chinese kept)."""
        if town_id not in self.m.ids:
            return town_id
        i = self.m.ids.index(town_id)
        zh, en = self.m.names[i], self.m.names_en[i]
        if self.lang == "zh" or not en:
            return zh
        return en if short else f"{en} ({zh})"

    def names(self, ids: Iterable[str], *, short: bool = False) -> str:
        joiner = "、" if self.lang == "zh" else ", "
        return joiner.join(self.name(i, short=short) for i in ids)

    def family_label(self, family_id: str) -> str:
        try:
            return self.criteria.family(family_id).label(self.lang)
        except StopIteration:
            return family_id

    def indicator_label(self, indicator_id: str) -> str:
        try:
            return self.criteria.indicator(indicator_id).label(self.lang)
        except StopIteration:
            return indicator_id

    def chart(self, draw: Callable[..., str], *args: Any, **kwargs: Any) -> Chart:
        """A chart drawn by ``draw(*args, **kwargs)`` (a function of :mod:`evalkit.charts`)."""
        chart = Chart(f"chart-{len(self.charts) + 1:02d}.svg", draw, args, kwargs, self.executor)
        self.charts.append(chart)
        return chart

    def plural(self, key: str, items: Sequence[Any]) -> str:
        """``key`` or, for a single item, ``key_one`` (English verbs agree; Chinese is alike)."""
        return f"{key}_one" if len(items) == 1 and f"{key}_one" in self.t else key

    def count(self, value: Any) -> str:
        """A whole number: "10000" in Chinese prose (as 10000组 is written), "10,000" in English."""
        text = fmt_num(value, 0)
        return text.replace(",", "") if self.lang == "zh" else text

    def money(self, value: Any, digits: int = 1) -> str:
        """An amount in 亿元 as prose: "47.0 亿元", in English "CNY 4.70 billion"."""
        if self.lang == "en" and isinstance(value, (int, float)) and math.isfinite(value):
            return self.t("money", value=fmt_num(value / 10, digits + 1))  # 1 亿 = 0.1 billion
        return self.t("money", value=fmt_num(value, digits))

    # -- shared blocks ----------------------------------------------------

    def meta(self, title: str) -> dict[str, Any]:
        from evalkit import __version__

        city = _label(self.criteria.city.get("name"), self.lang, self.t["city_unknown"])
        return {
            "title": title,
            "city": city,
            "criteria_label": self.criteria.label(self.lang),
            "date": fmt_date(self.r.now, self.lang),
            "timestamp": self.r.now.isoformat(timespec="seconds"),
            "document_number": self.r.document_number,
            "version": __version__,
            "lang": "zh-CN" if self.lang == "zh" else "en",
            "style": self.style(),
            "font_name": self.fonts.sans,
        }

    def style(self) -> Markup:
        """The per-report CSS: the CJK fonts found and the page-number text."""
        t = self.t
        sans, serif = self.fonts.css(self.fonts.sans), self.fonts.css(self.fonts.serif)
        page = (f"{_css_string(t['page_before'])} counter(page) {_css_string(t['page_middle'])} "
                f"counter(pages) {_css_string(t['page_after'])}")
        return Markup(
            f"html {{ font-family: {serif}; }}\n"
            f"h1, h2, h3, h4, table, caption, figcaption, .cover, .town-head, .toc, .note, "
            f".not-run, .summary-box h4, .matrix {{ font-family: {sans}; }}\n"
            f".math {{ font-family: \"DejaVu Serif\", {serif}; }}\n"
            f"td.code, span.code, td.hash {{ font-family: \"DejaVu Sans Mono\", {sans}; }}\n"
            f"@page {{ @bottom-center {{ content: {page}; }} }}\n")

    def provenance(self) -> dict[str, Any]:
        from evalkit import __version__

        e = self.e
        params = [
            (self.t["prov_weighting"], e.weights.label),
            (self.t["prov_normalization"], self.normalization_name(e.ranking.normalization)),
            (self.t["prov_criteria_set"], f"{self.criteria.name} {self.criteria.version}"),
            (self.t["prov_towns"], str(len(self.m.ids))),
        ]
        for key, value in self.r.parameters.items():
            params.append((self.t.get(f"prov_{key}", key), str(value)))
        if self.r.robustness is not None:
            params.append((self.t["prov_seed"], str(self.r.robustness.get("seed", "—"))))
            params.append((self.t["prov_samples"], str(self.r.robustness.get("samples", "—"))))
        if self.r.ahp is not None:
            tables = sorted({str(c.get("ri_table")) for c in self.r.ahp.get("consistency", [])})
            params.append((self.t["prov_ri_table"],
                           ", ".join(self.ri_table_name(x) for x in tables) or "—"))
        return {
            "version": __version__,
            "inputs": [{"role": self.t.get(f"role_{f.role}", f.role), "name": Path(f.path).name,
                        "sha256": f.sha256} for f in self.r.inputs],
            "parameters": params,
            "time": self.r.now.isoformat(timespec="seconds"),
            "font": self.fonts.sans,
            "hash": self.r.input_hash(),
            "warnings": list(e.warnings),
        }

    # -- summary ----------------------------------------------------------

    def summary(self) -> tuple[str, list[Chart]]:
        t = self.t
        numbering = Numbering(t)
        selection = self.selection()
        robustness = self.robustness()
        ranking = self.ranking()
        context = {
            "t": t,
            "lang": self.lang,
            "n": numbering,
            "sec": numbering.sections(
                ("exec", "system", "data", "weights", "ranking", "obstacles", "screen",
                 "selection", "robustness", "risks"), ("methods", "provenance", "approval")),
            "meta": self.meta(t("summary_title", city=_label(self.criteria.city.get("name"),
                                                            self.lang, ""))),
            "executive": self.executive(ranking, selection, robustness),
            "system": self.system(),
            "data": self.data_table(),
            "weights": self.weights(),
            "ahp": self.ahp(),
            "ranking": ranking,
            "obstacles": self.obstacles(),
            "screen": self.screen(),
            "selection": selection,
            "robustness": robustness,
            "risks": self.risks(selection),
            "provenance": self.provenance(),
        }
        html = environment().get_template("summary.html.j2").render(**context)
        return html, self.charts

    def executive(self, ranking: Mapping[str, Any], selection: Mapping[str, Any] | None,
                  robustness: Mapping[str, Any] | None) -> dict[str, Any]:
        t = self.t
        order = [row["id"] for row in ranking["rows"]]
        points = [t("exec_ranking", n=len(order), method=self.method_text(),
                    order=" > ".join(self.name(i, short=True) for i in order))]
        first = ranking["rows"][0]
        points.append(t("exec_first", town=self.name(first["id"]),
                        closeness=fmt_num(first["closeness"], 3)))
        recommended: list[dict[str, Any]] = []
        if selection is not None:
            recommended = selection["selected"]
            if recommended:
                towns = t["list_sep"].join(
                    t("exec_town_year", town=row["name"], year=row["year"], cost=row["cost_text"])
                    for row in recommended)
                points.append(t("exec_selected", n=len(recommended), towns=towns))
                points.append(t("exec_cost", total=self.money(selection["total_cost"]),
                                financed=self.money(selection["total_financed"])))
                if selection["financing_by_source"]:
                    parts = [f"{row['source']} {self.money(row['amount'])}"
                             for row in selection["financing_by_source"]]
                    points.append(t("exec_financing", sources=("、" if self.lang == "zh"
                                                               else ", ").join(parts)))
            else:
                points.append(t("exec_none_selected", status=selection["status"]))
        if robustness is not None:
            points.extend(robustness["plain"])
        return {"points": points, "recommended": recommended,
                "not_run": [t[k] for k, v in (("not_run_selection", selection),
                                              ("not_run_robustness", robustness)) if v is None]}

    def system(self) -> dict[str, Any]:
        targets = {t.id: t for t in self.r.targets}
        families = []
        for family in self.criteria.families:
            rows = []
            for ind in self.criteria.members(family.id):
                rows.append({
                    "id": ind.id, "label": ind.label(self.lang), "unit": self.unit(ind.unit),
                    "direction": self.t[f"dir_{ind.direction}"],
                    "derivation": ind.source.describe(),
                })
            families.append({"label": family.label(self.lang), "rows": rows})
        standards = []
        for target in self.r.targets:
            standards.append({"label": _label(target.label, self.lang),
                              "rule": f"{_relation(target.compare)} {fmt_num(target.target, 1)} "
                                      f"{self.unit(target.unit, '')}",
                              "source": target.source})
        return {"families": families, "targets": standards, "n_indicators": len(self.m.indicators),
                "n_families": len(self.criteria.families), "has_targets": bool(targets)}

    def data_table(self) -> list[dict[str, Any]]:
        values = self.m.values
        mean = values.mean(axis=0)
        tables = []
        ids = list(self.m.ids)
        for chunk in _chunks(ids, MAX_TABLE_TOWNS):
            columns = [self.name(i, short=True) for i in chunk]
            index = [ids.index(i) for i in chunk]
            rows = []
            for j, ind in enumerate(self.m.indicators):
                digits = _digits(values[:, j])
                rows.append({"label": ind.label(self.lang), "unit": self.unit(ind.unit),
                             "values": [fmt_num(values[i, j], digits) for i in index],
                             "mean": fmt_num(mean[j], digits)})
            tables.append({"columns": columns, "rows": rows})
        return tables

    def method_text(self) -> str:
        """The weighting used for the ranking, in words."""
        t, w = self.t, self.e.weights
        options = dict(w.options)
        if w.method == "combined":
            objective = w.details.get("objective")
            objective_name = self._method_name(getattr(objective, "method", "entropy"))
            ahp_text = self._ahp_text(w.details.get("ahp"), options)
            if options.get("combination", "linear") == "linear":
                alpha = float(options.get("alpha", 0.5))
                return t("method_combined_linear", alpha=f"{alpha:g}", beta=f"{1 - alpha:g}",
                         ahp=ahp_text, objective=objective_name)
            return t("method_combined_product", ahp=ahp_text, objective=objective_name)
        if w.method == "ahp":
            return self._ahp_text(w.details.get("ahp"), options)
        return self._method_name(w.method)

    def _method_name(self, method: str) -> str:
        return self.t.get(f"method_{method}", method)

    def _ahp_text(self, judged: Any, options: Mapping[str, Any]) -> str:
        experts = len(getattr(judged, "experts", ()) or ()) or len(
            {str(c.get("expert")) for c in (self.r.ahp or {}).get("consistency", [])
             if c.get("expert") != "aggregate"})
        return self.t("method_ahp_detail", experts=experts or "—",
                      priority=self.t.get(f"priority_{options.get('priority', 'eigenvector')}",
                                          str(options.get("priority", "eigenvector"))),
                      ri=self.ri_table_name(options.get("ri_table",
                                                        getattr(judged, "ri_table", "—"))))

    def ri_table_name(self, table: Any) -> str:
        """An RI table as cited: "Saaty (1980)", not its identifier."""
        return self.t.get(f"ri_{table}", str(table))

    def normalization_name(self, name: Any) -> str:
        return self.t.get(f"normalization_{name}", str(name))

    def weights(self) -> dict[str, Any]:
        t = self.t
        used = self.e.weights
        ids = self.m.indicator_ids
        columns: list[tuple[str, np.ndarray]] = []
        ahp = self.r.ahp
        if used.method != "ahp" and ahp is not None and isinstance(ahp.get("weights"), Mapping):
            columns.append((t["method_ahp"], np.array([float(ahp["weights"].get(i, np.nan))
                                                       for i in ids])))
        # The objective side: the combined weights' own, the used ones, or entropy for comparison.
        objective: Any = used.details.get("objective") if used.method == "combined" else None
        if objective is None and used.method in ("entropy", "critic"):
            objective = used
        if objective is None:
            values, details = entropy_weights(self.m.values, self.m.signs,
                                              standardization="minmax")
            objective_name, objective_values = "entropy", values
            entropy_detail: np.ndarray | None = details["entropy"]
        else:
            objective_name, objective_values = objective.method, objective.values
            entropy_detail = objective.details.get("entropy")
        if objective is not used:
            columns.append((self._method_name(objective_name), np.asarray(objective_values)))
        columns.append((t("w_used", method=self._method_name(used.method)), used.values))
        rows = []
        for family in self.criteria.families:
            members = [j for j, ind in enumerate(self.m.indicators) if ind.family == family.id]
            for position, j in enumerate(members):
                rows.append({
                    "family": family.label(self.lang) if position == 0 else "",
                    "label": self.m.indicators[j].label(self.lang),
                    "entropy": fmt_num(entropy_detail[j], 4) if entropy_detail is not None else "—",
                    "values": [fmt_num(values[j], 4) for _, values in columns],
                })
        family_rows = []
        for family in self.criteria.families:
            members = [j for j, ind in enumerate(self.m.indicators) if ind.family == family.id]
            family_rows.append({"label": family.label(self.lang),
                                "values": [fmt_num(np.nansum(v[members]), 4) for _, v in columns]})
        labels = [ind.label(self.lang) for ind in self.m.indicators]
        chart = self.chart(charts.grouped_bars, labels, dict(columns), fonts=self.fonts,
                                               xlabel=t["chart_weight_pct"])
        return {"columns": [name for name, _ in columns], "rows": rows, "families": family_rows,
                "chart": chart, "used": self.method_text(), "method": used.method,
                "has_entropy_detail": entropy_detail is not None}

    def ahp(self) -> dict[str, Any] | None:
        ahp = self.r.ahp
        if ahp is None:
            return None
        t = self.t
        consistency = list(ahp.get("consistency", []))
        rows = []
        matrices: dict[str, dict[str, Any]] = {}
        tables: dict[str, Any] = {}
        for c in consistency:
            expert = t["ahp_aggregate"] if c.get("expert") == "aggregate" else str(c.get("expert"))
            name = self.matrix_label(str(c.get("matrix", "")))
            rows.append({
                "expert": expert, "matrix": name, "n": c.get("n"),
                "lambda_max": fmt_num(c.get("lambda_max"), 4), "ci": fmt_num(c.get("ci"), 4),
                "ri": fmt_num(c.get("ri"), 2), "cr": fmt_num(c.get("cr"), 4),
                "ri_table": c.get("ri_table"),
                "ok": bool(c.get("acceptable")),
                "estimated": len(c.get("estimated_pairs") or []),
            })
            table = c.get("ri_table")
            if table and table not in tables:
                tables[table] = (ahp.get("ri_tables") or {}).get(table)
            if c.get("items") and c.get("values") and c.get("expert") != "aggregate":
                items = [self.item_label(str(i)) for i in c["items"]]
                group = matrices.setdefault(expert, {"blocks": [], "width": 0})
                group["width"] = max(group["width"], len(items))
                position = {str(item): k for k, item in enumerate(c["items"])}
                estimated = {tuple(sorted((position[str(a)], position[str(b)])))
                             for a, b in (e["pair"] for e in c.get("estimated_pairs") or [])
                             if str(a) in position and str(b) in position}
                group["blocks"].append({
                    "title": name, "items": items,
                    # Only the upper triangle is shown; a filled-in judgment is starred there.
                    "rows": [[{"text": _saaty(v), "estimated": (r, k) in estimated}
                              for k, v in enumerate(row)] for r, row in enumerate(c["values"])],
                    "cr": fmt_num(c.get("cr"), 4), "ok": bool(c.get("acceptable")),
                    "lambda_max": fmt_num(c.get("lambda_max"), 4),
                })
        family_weights = [{"label": self.family_label(f), "weight": fmt_num(w, 4)}
                          for f, w in (ahp.get("families") or {}).items()]
        ri = [{"name": name, "values": ", ".join(f"{n}: {fmt_num(v, 2)}"
                                                  for n, v in sorted((values or {}).items(),
                                                                     key=lambda kv: int(kv[0]))
                                                  if int(n) >= 3)}
              for name, values in sorted(tables.items())]
        revisions = [{"expert": t["ahp_aggregate"] if r.get("expert") == "aggregate"
                      else r.get("expert"), "matrix": self.matrix_label(str(r.get("matrix"))),
                      "pair": " : ".join(self.item_label(str(p)) for p in r.get("pair", [])),
                      "current": _saaty(r.get("current")), "suggested": _saaty(r.get("suggested"))}
                     for r in ahp.get("revisions", [])]
        return {"rows": rows, "matrices": matrices, "families": family_weights, "ri": ri,
                "ri_names": ", ".join(self.ri_table_name(x) for x in sorted(tables)) or "—",
                "revisions": revisions, "all_ok": all(r["ok"] for r in rows),
                "experts": [e for e in ahp.get("experts", [])]}

    def matrix_label(self, name: str) -> str:
        if name == "families":
            return self.t["ahp_families_matrix"]
        if name.startswith("indicators."):
            return self.t("ahp_family_matrix", family=self.family_label(name.split(".", 1)[1]))
        return name

    def item_label(self, item: str) -> str:
        if item in self.m.indicator_ids:
            return self.indicator_label(item)
        if item in {f.id for f in self.criteria.families}:
            return self.family_label(item)
        return item

    def ranking(self) -> dict[str, Any]:
        r = self.e.ranking
        rows = []
        selected = set(self._selected_ids())
        for i in r.order:
            town = self.m.ids[i]
            rows.append({"id": town, "name": self.name(town), "rank": int(r.ranks[i]),
                         "tied": bool(r.tied[i]), "closeness": float(r.closeness[i]),
                         "d_plus": fmt_num(r.d_plus[i], 4), "d_minus": fmt_num(r.d_minus[i], 4),
                         "selected": town in selected})
        flags = [row["selected"] for row in rows] if selected else []
        chart = self.chart(charts.ranked_bars,
            [self.name(row["id"], short=True) for row in rows], [row["closeness"] for row in rows],
            fonts=self.fonts, xlabel=self.t["chart_closeness"], highlight=flags,
            legend=(self.t["legend_selected"], self.t["legend_not_selected"]))
        agreement = [{"method": _METHOD_NAMES.get(name, name), "spearman": fmt_num(a.spearman, 3),
                      "weighted": fmt_num(a.weighted_spearman, 3),
                      "order": " > ".join(self.name(self.m.ids[i], short=True)
                                          for i in np.lexsort((np.arange(len(a.ranks)), a.ranks)))}
                     for name, a in self.e.agreement.items()]
        return {"rows": rows, "chart": chart, "agreement": agreement,
                "normalization": self.normalization_name(r.normalization)}

    def _selected_ids(self) -> list[str]:
        if self.r.selection is None:
            return []
        return [str(s.get("id")) for s in self.r.selection.get("selected", [])]

    def obstacles(self) -> dict[str, Any]:
        o = self.e.obstacles
        order = self.e.ranking.order
        rows_names = [self.name(self.m.ids[i], short=True) for i in order]
        families = [self.family_label(f) for f in o.family_ids]
        chart = self.chart(charts.heatmap, rows_names, families, o.family_degree[order],
                                          fonts=self.fonts, colorbar=self.t["chart_obstacle_pct"])
        rows = []
        for i in order:
            top = o.top(int(i), 3)
            rows.append({"name": self.name(self.m.ids[i]),
                         "top": [{"label": self.indicator_label(ind), "degree": fmt_pct(deg)}
                                 for ind, deg in top]})
        return {"chart": chart, "rows": rows}

    def screen(self) -> dict[str, Any] | None:
        screen = self.r.screen
        excluded = [] if self.r.selection is None else list(self.r.selection.get("excluded", []))
        if screen is None and not excluded:
            return None
        tables = []
        if screen is not None:
            ids = list(self.m.ids)
            # A rule outside every town's band (e.g. another density band) says nothing here.
            rules = [rule for rule in screen.get("rules", [])
                     if any(c.get("status") != "n/a" for c in (rule.get("towns") or {}).values())]
            skipped = len(screen.get("rules", [])) - len(rules)
            for chunk in _chunks(ids, MAX_TABLE_TOWNS):
                rows = []
                for rule in rules:
                    towns = rule.get("towns") or {}
                    digits = _digits([c.get("value") for c in towns.values()
                                      if c.get("value") is not None])
                    cells = []
                    for town in chunk:
                        cell = towns.get(town, {})
                        status = cell.get("status", "n/a")
                        cells.append({"status": status, "text": "—" if status == "n/a"
                                      else fmt_num(cell.get("value"), digits)})
                    rows.append({
                        "label": _label(rule.get("label"), self.lang, str(rule.get("id"))),
                        "rule": f"{_relation(rule.get('compare'))} "
                                f"{fmt_num(rule.get('threshold'), 2)}",
                        "source": rule.get("source", ""), "applied": bool(rule.get("applied")),
                        "band": rule.get("band") or "", "cells": cells,
                    })
                tables.append({"columns": [self.name(i, short=True) for i in chunk],
                               "rows": rows})
        else:
            skipped = 0
        return {
            "tables": tables, "file": (screen or {}).get("file", ""), "skipped": skipped,
            "applied": [str(a) for a in (screen or {}).get("applied", [])],
            "excluded": [{"name": self.name(str(x.get("id"))), "reason": self.reason(x)}
                         for x in excluded],
        }

    def constraint_label(self, name: str, labels: Mapping[str, Any]) -> str:
        """A selection limit's name in words (``budget.year.2025`` → 2025年度预算)."""
        t = self.t
        if name in labels:
            return _label(labels[name], self.lang, name)
        head, _, rest = name.partition(".")
        if name == "budget.total":
            return t["c_budget_total"]
        if name.startswith("budget.year."):
            return t("c_budget_year", year=name.rsplit(".", 1)[1])
        if head == "budget" and rest:
            return t("c_budget_category", category=_label(labels.get(rest), self.lang, rest))
        if head == "source" and rest:
            return t("c_source", source=_label(labels.get(rest), self.lang, rest))
        if head == "group" and rest:
            return t("c_group", group=rest)
        return t.get(f"c_{name}", name)

    def unit(self, unit: str, empty: str = "—") -> str:
        """An indicator's unit as written in the criteria file, translated when known."""
        if not unit:
            return empty
        return self.t.get(f"u_{unit}", unit)

    def unit_after_number(self, unit: str) -> str:
        """A unit to follow a number in prose: "7.27 (10,000 yuan/person)", not "7.27 10,000 …"."""
        text = self.unit(unit, "")
        return f"({text})" if text[:1].isdigit() else text

    def unit_label(self, unit: Any) -> str:
        return self.t.get(f"unit_{unit}", str(unit or ""))

    def reason(self, exclusion: Mapping[str, Any]) -> str:
        """An exclusion's reason in the report's language when the result has it."""
        if self.lang == "zh" and exclusion.get("reason_zh"):
            return str(exclusion["reason_zh"])
        return str(exclusion.get("reason", ""))

    def solver_status(self, status: Any) -> str:
        return self.t.get(f"solver_status_{status}", str(status))

    def selection(self) -> dict[str, Any] | None:
        s = self.r.selection
        if s is None:
            return None
        t = self.t
        labels = s.get("labels", {}) or {}
        selected = []
        for row in s.get("selected", []):
            selected.append({"id": row.get("id"), "name": self.name(str(row.get("id"))),
                             "year": row.get("year"), "closeness": fmt_num(row.get("closeness"), 3),
                             "cost": float(row.get("cost") or 0.0),
                             "cost_text": self.money(row.get("cost"))})
        constraints: list[dict[str, Any]] = []
        for c in s.get("constraints", []):
            kind, _, rest = str(c.get("name")).partition(".")
            used, limit = float(c.get("used") or 0.0), c.get("limit")
            limit_f = float(limit) if isinstance(limit, int | float) else float("nan")
            digits = _digits([used, limit_f, c.get("slack")]) if c.get("name") in (
                "count", "talent") else 1  # towns and people are counted: 186, not 186.0
            constraints.append({
                "name": self.constraint_label(str(c.get("name")), labels),
                "source": _label(labels.get(rest), self.lang, rest) if kind == "source" else None,
                "unit": self.unit_label(c.get("unit")),
                "talent": str(c.get("name")) == "talent",
                "used": fmt_num(used, digits), "limit": fmt_num(limit_f, digits),
                "slack": fmt_num(c.get("slack"), digits),
                "share": fmt_pct(used / limit_f, 0) if limit_f and math.isfinite(limit_f) else "—",
                # The number of towns is a target, not a resource: using all of it is no risk.
                "binding": c.get("name") != "count" and bool(
                    limit_f and math.isfinite(limit_f)
                    and float(c.get("slack") or 0.0) <= 1e-6 * max(1.0, limit_f)),
                "_used": used, "_limit": limit_f,
            })
        chartable = [c for c in constraints if math.isfinite(c["_limit"]) and c["_limit"] > 0]
        chart = None
        if chartable:
            chart = self.chart(charts.ranked_bars,
                [c["name"] for c in chartable], [c["_used"] / c["_limit"] * 100 for c in chartable],
                fonts=self.fonts, xlabel=t["chart_use_pct"], digits=0,
                reference=(100.0, t["chart_limit"]))
        financing = list(s.get("financing", []))
        sources = list(dict.fromkeys(str(f.get("source")) for f in financing))
        towns = list(dict.fromkeys(str(f.get("town")) for f in financing))
        in_table_1 = [str(row.get("id")) for row in s.get("selected", [])]  # by year
        towns.sort(key=lambda town: in_table_1.index(town) if town in in_table_1 else len(towns))
        grid = []
        for town in towns:
            amounts = [sum(float(f.get("amount") or 0) for f in financing
                           if str(f.get("town")) == town and str(f.get("source")) == src)
                       for src in sources]
            years = sorted({str(f.get("year")) for f in financing if str(f.get("town")) == town})
            grid.append({"name": self.name(town), "years": "、".join(years) if self.lang == "zh"
                         else ", ".join(years), "amounts": [fmt_num(a, 1) if a else "—"
                                                           for a in amounts],
                         "total": fmt_num(sum(amounts), 1)})
        by_source = [{"source": _label(labels.get(src), self.lang, src),
                      "amount": sum(float(f.get("amount") or 0) for f in financing
                                    if str(f.get("source")) == src)} for src in sources]
        alternatives = [{"towns": self.names(a.get("selected", []), short=True),
                         "objective": fmt_num(a.get("objective"), 4)}
                        for a in s.get("alternatives", [])]
        excluded_by_id = {str(x.get("id")): x for x in s.get("excluded", [])}
        why_not = [{"name": self.name(str(w.get("id"))),
                    "portfolio": (self.names(w["best_portfolio"], short=True)
                                  if w.get("best_portfolio") else
                                  t("whynot_excluded",
                                    reason=self.reason(excluded_by_id[str(w.get("id"))]))
                                  if str(w.get("id")) in excluded_by_id
                                  else str(w.get("reason") or "—")),
                    "loss": fmt_num(w.get("objective_loss"), 4)} for w in s.get("why_not", [])]
        total_cost = sum(row["cost"] for row in selected)
        return {
            "status": self.solver_status(s.get("status", "")),
            "objective": fmt_num(s.get("objective"), 4),
            "gap": fmt_num(s.get("gap"), 4), "selected": selected, "constraints": constraints,
            "chart": chart, "sources": [_label(labels.get(x), self.lang, x) for x in sources],
            "financing": grid, "financing_by_source": by_source,
            "financing_totals": [fmt_num(row["amount"], 1) for row in by_source],
            "alternatives": alternatives, "why_not": why_not,
            "total_cost": total_cost, "total_financed": sum(r["amount"] for r in by_source),
            "total_cost_text": fmt_num(total_cost, 1),
            "total_financed_text": fmt_num(sum(r["amount"] for r in by_source), 1),
        }

    def robustness(self) -> dict[str, Any] | None:
        rb = self.r.robustness
        if rb is None:
            return None
        t = self.t
        acceptability = rb.get("rank_acceptability") or {}
        order = [self.m.ids[i] for i in self.e.ranking.order if self.m.ids[i] in acceptability]
        order += [k for k in acceptability if k not in order]
        chart = None
        table = []
        if order:
            width = max(len(acceptability[k]) for k in order)
            shares = np.array([list(acceptability[k]) + [0.0] * (width - len(acceptability[k]))
                               for k in order], dtype=float)
            parts = [t("rank_n", n=r + 1) for r in range(width)]
            chart = self.chart(charts.stacked_shares, [self.name(k, short=True) for k in order],
                                                     shares, parts, fonts=self.fonts,
                                                     xlabel=t["chart_share_pct"])
            for k, row in zip(order, shares, strict=True):
                # One decimal: 0.3% of draws is not "0%", and the columns then add up.
                table.append({"name": self.name(k), "shares": [fmt_pct(v, 1) for v in row],
                              "top_k": fmt_pct((rb.get("top_k") or {}).get(k), 1),
                              "core": fmt_pct((rb.get("core_index") or {}).get(k), 1)})
            ranks_header = parts
        else:
            ranks_header = []
        weights = self.e.weights.as_dict()
        stability = [{"label": self.indicator_label(str(s.get("indicator"))),
                      "weight": fmt_num(weights.get(str(s.get("indicator"))), 4),
                      "low": fmt_num(s.get("low"), 4), "high": fmt_num(s.get("high"), 4)}
                     for s in rb.get("stability", [])]
        portfolios = [{"towns": self.names(p.get("selected", []), short=True),
                       "share": fmt_pct(p.get("share"), 1)} for p in rb.get("portfolios", [])]
        selection = rb.get("selection") or {}
        infeasible = float(selection.get("infeasible") or 0.0)
        if portfolios and infeasible > 0:
            portfolios.append({"towns": t["portfolio_infeasible"], "share": fmt_pct(infeasible, 1)})
        costs = []
        if float(selection.get("cost_spread") or 0.0) > 0:
            costs.append(t("robustness_costs", spread=fmt_pct(selection["cost_spread"], 0)))
        if infeasible > 0:
            costs.append(t("robustness_infeasible", share=fmt_pct(infeasible, 1)))
        return {"samples": self.count(rb.get("samples")), "seed": rb.get("seed"), "chart": chart,
                "ranks": ranks_header, "table": table, "stability": stability,
                "portfolios": portfolios,
                # Sentences that follow the introduction's, in the language's way.
                "costs": "".join(("" if self.lang == "zh" else " ") + c for c in costs),
                "k": rb.get("k", "k"),
                "plain": self.robustness_plain(rb), "has_core": bool(rb.get("core_index")),
                "has_top_k": bool(rb.get("top_k"))}

    def robustness_plain(self, rb: Mapping[str, Any]) -> list[str]:
        """The robustness result in plain words, from the numbers."""
        t = self.t
        out = []
        samples = self.count(rb.get("samples"))
        first = {k: v[0] for k, v in (rb.get("rank_acceptability") or {}).items() if v}
        if first:
            best = max(first, key=lambda k: (first[k], -self.m.ids.index(k)
                                             if k in self.m.ids else 0))
            out.append(t("plain_first", samples=samples, town=self.name(best),
                         share=fmt_pct(first[best], 0)))
        core = rb.get("core_index") or {}
        if core:
            sure = [k for k, v in core.items() if v >= 0.9]
            zero = [k for k, v in core.items() if v == 0]
            never = [k for k, v in core.items() if 0 < v <= 0.1]
            middle = [k for k, v in core.items() if 0.1 < v < 0.9]
            costs_vary = float((rb.get("selection") or {}).get("cost_spread") or 0.0) > 0
            drivers = t["drivers_weights_costs" if costs_vary else "drivers_weights"]
            if sure:
                out.append(t(self.plural("plain_core_sure", sure), towns=self.names(sure)))
            if middle:
                out.append(t(self.plural("plain_core_middle", middle), towns=self.names(middle),
                             drivers=drivers))
            if never:
                out.append(t(self.plural("plain_core_never", never), towns=self.names(never)))
            if zero:
                out.append(t(self.plural("plain_core_zero", zero), towns=self.names(zero)))
        portfolios = rb.get("portfolios") or []
        if portfolios:
            top = max(portfolios, key=lambda p: p.get("share", 0))
            out.append(t("plain_portfolio", towns=self.names(top.get("selected", [])),
                         share=fmt_pct(top.get("share"), 0)))
        return out

    def risks(self, selection: Mapping[str, Any] | None) -> dict[str, Any]:
        t = self.t
        fiscal: list[str] = []
        talent: list[str] = []
        chosen = self._selected_ids() or list(self.m.ids)
        scope = t["risk_scope_selected"] if self._selected_ids() else t["risk_scope_all"]
        for family, bucket in (("fiscal", fiscal), ("talent", talent)):
            members = [j for j, ind in enumerate(self.m.indicators) if ind.family == family]
            for j in members:
                ind = self.m.indicators[j]
                values = [(town, self.m.values[self.m.ids.index(town), j]) for town in chosen
                          if town in self.m.ids]
                if not values:
                    continue
                worst = min(values, key=lambda kv: kv[1] * ind.sign)
                digits = _digits([v for _, v in values])
                if ind.direction == "min" and ind.unit in ("人", "persons"):
                    bucket.append(t("risk_sum", scope=scope, label=ind.label(self.lang),
                                    total=fmt_num(sum(v for _, v in values), 0),
                                    unit=self.unit(ind.unit, "")))
                bucket.append(t("risk_worst", scope=scope, label=ind.label(self.lang),
                                town=self.name(worst[0]), value=fmt_num(worst[1], digits),
                                unit=self.unit(ind.unit, "")))
        if selection is not None:
            gap = selection["total_cost"] - selection["total_financed"]
            fiscal.append(t("risk_financing", cost=self.money(selection["total_cost"]),
                            financed=self.money(selection["total_financed"]),
                            gap=self.money(max(gap, 0.0))))
            by_source = {row["source"]: row["amount"] for row in selection["financing_by_source"]}
            total = sum(by_source.values())
            if total > 0:
                largest = max(by_source, key=lambda k: by_source[k])
                fiscal.append(t("risk_dependence", source=largest,
                                share=fmt_pct(by_source[largest] / total, 0)))
            binding = [c["name"] for c in selection["constraints"]
                       if c["binding"] and not c["talent"] and not c["source"]]
            # Sources by their own names: the sentence already says "budgets or sources".
            binding += [c["source"] for c in selection["constraints"]
                        if c["binding"] and c["source"]]
            if binding:
                fiscal.append(t("risk_binding", names=t["list_sep"].join(binding)))
            for c in selection["constraints"]:
                if c["talent"]:
                    key = "risk_talent_binding" if c["binding"] else "risk_capacity"
                    talent.append(t(key, name=c["name"], used=c["used"], limit=c["limit"],
                                    share=c["share"]))
        else:
            fiscal.append(t["not_run_selection"])
        return {"fiscal": fiscal, "talent": talent}

    # -- town -------------------------------------------------------------

    def town(self, town_id: str) -> tuple[str, list[Chart]]:
        t = self.t
        i = self.m.ids.index(town_id)
        numbering = Numbering(t)
        r = self.e.ranking
        y = minmax_standardize(self.m.values, self.m.signs)
        w = self.e.weights.values
        mean = self.m.values.mean(axis=0)
        profile = []
        for j, ind in enumerate(self.m.indicators):
            digits = _digits(self.m.values[:, j])
            profile.append({"family": self.family_label(ind.family), "label": ind.label(self.lang),
                            "unit": self.unit(ind.unit), "value": fmt_num(self.m.values[i, j], digits),
                            "mean": fmt_num(mean[j], digits),
                            "position": _position(self.m.values[:, j], i, ind.sign),
                            "score": fmt_num(y[i, j], 2)})
        strengths = [j for j in np.argsort(-(w * y[i]), kind="stable") if y[i, j] >= 0.75][:3]
        weaknesses = [j for j in np.argsort(-(w * (1 - y[i])), kind="stable")
                      if y[i, j] <= 0.25][:3]
        n_towns = len(self.m.ids)

        def item(j: int) -> dict[str, Any]:
            ind = self.m.indicators[j]
            return {"label": ind.label(self.lang),
                    "value": fmt_num(self.m.values[i, j], _digits(self.m.values[:, j])),
                    "unit": self.unit_after_number(ind.unit),
                    "position": _position(self.m.values[:, j], i, ind.sign),
                    "of": n_towns}

        obstacles = [{"label": self.indicator_label(ind), "degree": fmt_pct(deg),
                      "family": self.family_label(self.criteria.indicator(ind).family)}
                     for ind, deg in self.e.obstacles.top(i, 5)]
        families = [{"label": self.family_label(f), "degree": fmt_pct(d)}
                    for f, d in zip(self.e.obstacles.family_ids, self.e.obstacles.family_degree[i],
                                    strict=True)]
        targets = self.town_targets(i)
        selection = self.town_selection(town_id)
        context = {
            "t": t, "lang": self.lang, "n": numbering,
            "sec": numbering.sections(("profile", "targets", "sw", "town_obstacles", "cost",
                                       "town_provenance")),
            "meta": self.meta(t("town_title", town=self.name(town_id))),
            "town": {"id": town_id, "name": self.name(town_id), "rank": int(r.ranks[i]),
                     "of": n_towns, "closeness": fmt_num(r.closeness[i], 4),
                     "tied": bool(r.tied[i])},
            "profile": profile,
            "strengths": [item(j) for j in strengths],
            "weaknesses": [item(j) for j in weaknesses],
            "obstacles": obstacles, "families": families,
            "targets": targets, "selection": selection,
            "provenance": self.provenance(),
        }
        html = environment().get_template("town.html.j2").render(**context)
        return html, self.charts

    def town_targets(self, i: int) -> dict[str, Any] | None:
        if not self.r.targets:
            return None
        t = self.t
        values = target_values(self.r.targets, self.e)
        rows, axes, town_ratio, city_ratio, mean_ratio = [], [], [], [], []
        for target in self.r.targets:
            v = float(values[target.id][i])
            mean = float(np.nanmean(values[target.id])) if np.isfinite(values[target.id]).any() \
                else float("nan")

            def ratio(x: float | None, target: Target = target) -> float:
                if x is None or not math.isfinite(x):
                    return float("nan")
                if target.compare == ">=":
                    return x / target.target
                return target.target / x if x > 0 else 1.5

            if target.compare == ">=":
                gap = max(0.0, target.target - v) if math.isfinite(v) else float("nan")
            else:
                gap = max(0.0, v - target.target) if math.isfinite(v) else float("nan")
            met = math.isfinite(gap) and gap <= 0
            rows.append({"label": _label(target.label, self.lang), "unit": self.unit(target.unit),
                         "value": fmt_num(v, 1), "target": f"{_relation(target.compare)} "
                         f"{fmt_num(target.target, 1)}",
                         "city": fmt_num(target.city, 1) if target.city is not None else "—",
                         "gap": "—" if met else fmt_num(gap, 1),
                         "relative": "—" if met else fmt_pct(gap / target.target, 0),
                         "met": met, "known": math.isfinite(v)})
            axes.append(_label(target.label, self.lang))
            town_ratio.append(ratio(v))
            city_ratio.append(ratio(target.city))
            mean_ratio.append(ratio(mean))
        series = {self.name(self.m.ids[i], short=True): town_ratio,
                  t["radar_mean"]: mean_ratio}
        if any(math.isfinite(x) for x in city_ratio):
            series[t["radar_city"]] = city_ratio
        chart = self.chart(charts.radar, axes, series, fonts=self.fonts,
                                        ring=(1.0, t["radar_target"]))
        return {"rows": rows, "chart": chart, "source": self.r.targets_meta.get("source", ""),
                "met": sum(1 for row in rows if row["met"]), "total": len(rows)}

    def town_selection(self, town_id: str) -> dict[str, Any] | None:
        s = self.r.selection
        if s is None:
            return None
        labels = s.get("labels", {}) or {}
        chosen = next((row for row in s.get("selected", []) if str(row.get("id")) == town_id), None)
        financing = [{"source": _label(labels.get(f.get("source")), self.lang,
                                       str(f.get("source"))),
                      "year": f.get("year"), "amount": fmt_num(f.get("amount"), 1)}
                     for f in s.get("financing", []) if str(f.get("town")) == town_id]
        excluded = next((self.reason(x) for x in s.get("excluded", [])
                         if str(x.get("id")) == town_id), None)
        why_not = next((w for w in s.get("why_not", []) if str(w.get("id")) == town_id
                        and w.get("best_portfolio")), None)
        return {
            "selected": chosen is not None,
            "year": chosen.get("year") if chosen else None,
            "cost": self.money(chosen.get("cost")) if chosen else None,
            "financing": financing,
            "financing_total": fmt_num(sum(float(f.get("amount") or 0) for f in s.get("financing", [])
                                           if str(f.get("town")) == town_id), 1),
            "excluded": excluded,
            "why_not": None if why_not is None else {
                "portfolio": self.names(why_not.get("best_portfolio", []), short=True),
                "loss": fmt_num(why_not.get("objective_loss"), 4)},
        }


_METHOD_NAMES = {"wsm": "WSM", "vikor": "VIKOR", "promethee_ii": "PROMETHEE II"}


def _digits(values: Iterable[Any]) -> int:
    """Decimals that show a column's values sensibly (large numbers need fewer)."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    if not finite:
        return 2
    if all(v == round(v) for v in finite):  # counts (people, posts): 55, not 55.0
        return 0
    top = max(finite)
    return 0 if top >= 1000 else 1 if top >= 10 else 2 if top >= 0.1 else 3


def _position(column: np.ndarray, i: int, sign: int) -> int:
    """Rank of town ``i`` on one indicator (1 = best), ties sharing the better rank."""
    key = column * sign
    return int(1 + np.sum(key > key[i] + 1e-12))


def _relation(compare: Any) -> str:
    """A comparison as printed: ≥ and ≤, not the ASCII the data files use."""
    return {">=": "≥", "<=": "≤"}.get(str(compare), str(compare or ""))


def _saaty(value: Any) -> str:
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


# --------------------------------------------------------------------------
# Rendering and writing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRun:
    """Where a run's files went, and how long the rendering took (seconds)."""

    directory: Path
    files: tuple[Path, ...]
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def pdfs(self) -> tuple[Path, ...]:
        return tuple(f for f in self.files if f.suffix == ".pdf")


def html_to_pdf(html: str, charts: Mapping[str, str | Chart] | Iterable[Chart] = (), *,
                fetcher: TemplateFetcher | None = None) -> bytes:
    """Render HTML to PDF bytes; resources come only from :class:`TemplateFetcher`.

    ``charts`` are the SVG charts the HTML refers to (``charts/<name>``).
    """
    import weasyprint

    if not isinstance(charts, Mapping):
        charts = {c.name: c for c in charts}
    fetcher = fetcher or TemplateFetcher(TEMPLATES, charts)
    document = weasyprint.HTML(string=html, base_url=TEMPLATES.resolve().as_uri() + "/",
                               url_fetcher=fetcher)
    return document.write_pdf()


@contextlib.contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Keep the cycle collector off what existed before rendering began.

    WeasyPrint makes millions of short-lived objects, so the collector runs
    full passes while it works, and each pass walks the whole heap: pandas,
    WeasyPrint's own modules, the evaluation.  One collection, then
    :func:`gc.freeze`, and those passes skip everything older than the run
    (the collector's share of a summary's render fell from 0.8 s to 0.25 s,
    measured with ``gc.callbacks``); what rendering makes is collected as usual.  Forked
    render workers inherit the frozen heap, which also keeps the collector
    from touching (and so copying) the pages they share with this process.
    A program that freezes objects itself is left to do so.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


_SHARED: Report | None = None
"""The report being rendered, inherited by forked worker processes (never pickled)."""


@dataclass(frozen=True)
class _Document:
    kind: str  # "summary" or "town"
    lang: str
    town: str | None
    target: str


@dataclass(frozen=True)
class _Rendered:
    target: str
    seconds: float
    html: str
    charts: Mapping[str, str]


def _render_document(report: Report, document: _Document, folder: Path,
                     executor: Executor | None = None) -> _Rendered:
    """Build one document's HTML and render it to ``folder/target``."""
    start = time.perf_counter()
    builder = _Builder(report, document.lang, executor)
    if document.kind == "summary":
        text, made = builder.summary()
    else:
        text, made = builder.town(str(document.town))
    data = html_to_pdf(text, made)
    with open(folder / document.target, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return _Rendered(document.target, time.perf_counter() - start, text,
                     {c.name: c.svg for c in made})


def _worker_job(job: tuple[_Document, str]) -> _Rendered:
    """Worker process: render one document of the report inherited at fork."""
    assert _SHARED is not None, "workers are forked after the report is shared"
    document, folder = job
    return _render_document(_SHARED, document, Path(folder))


def _warm_up(report: Report) -> None:
    """Compile the templates and load the chart fonts once, before the workers fork."""
    for name in ("summary.html.j2", "town.html.j2"):
        environment().get_template(name)
    charts.ranked_bars(["镇"], [1.0], fonts=report._fonts(), xlabel="C")


def _fork_context() -> Any:
    import multiprocessing

    # fork shares the parent's imported WeasyPrint, fonts and the report itself.
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def render_reports(report: Report | Evaluation, *, langs: Sequence[str] = ("zh",),
                   out: str | Path = OUT, towns: bool = True, html: bool = False,
                   workers: int = TOWN_WORKERS, **analyses: Any) -> ReportRun:
    """Render the summary (and each town's report) into a new run directory.

    ``report`` is a :class:`Report` or an :class:`Evaluation` (then
    ``analyses`` go to :func:`build_report`).  The run directory under
    ``out`` is named ``<YYYYmmdd-HHMMSS>-<input hash>[-<n>]``; it is rendered
    under a temporary name beside it and renamed into place when complete,
    so an earlier run is never touched and a half-written run never seen.
    Documents are rendered by ``workers`` forked processes; a single document
    is rendered here while the workers draw its charts.  With ``html`` the
    HTML sources are written too (``html/``).
    """
    global _SHARED
    if isinstance(report, Evaluation):
        report = build_report(report, **analyses)
    elif analyses:
        raise TypeError("pass analyses to build_report, not with a built Report")
    for lang in langs:
        strings(lang)  # an unknown language fails before anything is written
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    name = f"{report.now.strftime('%Y%m%d-%H%M%S')}-{report.input_hash()}"
    stems = _town_stems(report.town_ids)
    documents = [_Document("summary", lang, None, f"summary_{lang}.pdf") for lang in langs]
    if towns:
        documents += [_Document("town", lang, town, f"town_{stems[town]}_{lang}.pdf")
                      for lang in langs for town in report.town_ids]
    context = _fork_context() if workers > 1 else None
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out))
    try:
        if context is not None and len(documents) > 1:
            _warm_up(report)
        with _long_lived_objects_frozen():
            if context is None:
                done = [_render_document(report, d, staging) for d in documents]
            elif len(documents) == 1:
                with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                    done = [_render_document(report, documents[0], staging, pool)]
            else:
                _SHARED = report
                try:
                    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                        done = list(pool.map(_worker_job,
                                             [(d, str(staging)) for d in documents]))
                finally:
                    _SHARED = None
        timings = {r.target: r.seconds for r in done}
        timings["render_wall"] = time.perf_counter() - start
        if html:
            _write_html(staging / "html", done)
        directory = _publish(staging, out, name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    timings["total"] = time.perf_counter() - start
    files = tuple(sorted(p for p in directory.rglob("*") if p.is_file()))
    return ReportRun(directory, files, timings)


def _write_html(folder: Path, done: Sequence[_Rendered]) -> None:
    """The HTML sources with the stylesheet and charts beside them, viewable in a browser."""
    (folder / CHART_DIR).mkdir(parents=True)
    shutil.copyfile(TEMPLATES / "base.css", folder / "base.css")
    for rendered in done:
        # Each document names its charts chart-01.svg, …: prefix them with the document's.
        stem = Path(rendered.target).stem
        for chart, svg in rendered.charts.items():
            (folder / CHART_DIR / f"{stem}-{chart}").write_text(svg, encoding="utf-8")
        page = rendered.html.replace(f'src="{CHART_DIR}/', f'src="{CHART_DIR}/{stem}-')
        (folder / f"{stem}.html").write_text(page, encoding="utf-8")


def render_summary_pdf(report: Report, lang: str = "zh") -> bytes:
    """The summary report as PDF bytes (no files written)."""
    text, made = _Builder(report, lang).summary()
    return html_to_pdf(text, made)


def render_town_pdf(report: Report, town_id: str, lang: str = "zh") -> bytes:
    """One town's report as PDF bytes (no files written)."""
    text, made = _Builder(report, lang).town(town_id)
    return html_to_pdf(text, made)


def _town_stems(ids: Sequence[str]) -> dict[str, str]:
    """File-name parts for town ids, unique even on case-insensitive file systems."""
    stems: dict[str, str] = {}
    seen: set[str] = set()
    for town in ids:
        stem = safe_stem(town)
        if stem.lower() in seen:
            stem = "h" + hashlib.sha256(town.encode("utf-8")).hexdigest()[:12]
        seen.add(stem.lower())
        stems[town] = stem
    return stems


def _publish(staging: Path, out: Path, name: str) -> Path:
    """Rename the finished staging directory to a name no earlier run has.

    ``mkdir`` reserves the name atomically (it fails if the name exists);
    renaming a directory over the empty reserved one is atomic on POSIX.
    """
    for counter in range(1, 1000):
        candidate = out / (name if counter == 1 else f"{name}-{counter}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        try:
            os.rename(staging, candidate)
        except OSError:
            with contextlib.suppress(OSError):
                candidate.rmdir()
            raise
        return candidate
    raise InputError("too many runs with the same time stamp and inputs", "try again",
                     file=out)


# --------------------------------------------------------------------------
# Standards screen as a report section
# --------------------------------------------------------------------------


def screen_dict(standards: Any, evaluation: Evaluation,
                applied: Sequence[str] = ()) -> dict[str, Any]:
    """Every rule of a standards file against every town, for the report.

    ``standards`` is an :class:`evalkit.standards.Standards`; ``applied``
    names the rules (or rule sets) the scenario applies.  Each town gets
    ``pass``, ``fail`` or ``n/a`` (outside the rule's density band) and the
    value compared.
    """
    from evalkit.standards import source_values

    frame = evaluation.candidates.cells
    applied_ids = {r.id for r in standards.resolve(list(applied))} if applied else set()
    rules = []
    for rule in standards.rules.values():
        values = source_values(rule.value, frame)
        failures = rule.check(frame)
        band = None
        if rule.applies_when is not None:
            band = source_values(rule.applies_when.value, frame)
        towns = {}
        for i, town in enumerate(evaluation.candidates.ids):
            inside = band is None or (math.isfinite(band[i]) and rule.applies_when.contains(band[i]))
            status = "n/a" if not inside else ("fail" if town in failures else "pass")
            towns[town] = {"value": float(values[i]) if math.isfinite(values[i]) else None,
                           "status": status}
        rules.append({"id": rule.id, "label": dict(rule.label), "source": rule.source,
                      "scope": rule.scope, "compare": rule.compare, "threshold": rule.threshold,
                      "band": rule.applies_when.describe() if rule.applies_when else None,
                      "applied": rule.id in applied_ids, "towns": towns})
    return {"file": Path(str(standards.path)).name if standards.path else "",
            "applied": list(applied), "rules": rules}
