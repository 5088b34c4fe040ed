"""Rendering: HTML from the section views, PDF through WeasyPrint, in worker processes.

>>> from evalkit.report import build_report, render_reports, summary_html
>>> report = build_report(evaluation, selection=selection, robustness=result)
>>> summary_html(report, "zh")          # the summary as HTML (for a notebook)
>>> run = render_reports(report, langs=("zh", "en"))
>>> run.directory, run.files
>>> render_reports(report, formats=("pdf", "docx"))   # and editable Word copies

Each run is written into a new directory under ``out/``, rendered beside it
first and renamed into place (:mod:`evalkit.report.publish`).  A Word copy
(:mod:`evalkit.report.word`) is made from the very HTML the PDF is made
from, its charts drawn once more as PNG (:mod:`evalkit.report.raster`).
"""

from __future__ import annotations

import base64
import contextlib
import gc
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import evalkit.report.charts as charts
from evalkit.errors import InputError, require
from evalkit.io.output import signals_held
from evalkit.model.evaluation import Evaluation
from evalkit.paths import OUT, TEMPLATES
from evalkit.report.breaks import head_words
from evalkit.report.document import Report, build_report
from evalkit.report.fetcher import CHART_DIR, Chart, TemplateFetcher
from evalkit.report.publish import ReportRun, publish, town_stems
from evalkit.report.raster import PngCharts
from evalkit.report.sections import DOCUMENTS, argument, risk_report, summary, town_report
from evalkit.report.text import environment, strings

TOWN_WORKERS = 2
"""Processes that render town reports in parallel."""

FORMATS = ("pdf", "docx")
"""The formats a document can be written in: PDF, and an editable Word copy."""


def _inline_charts(html: str, made: Sequence[Chart]) -> str:
    for chart in made:
        uri = "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode()).decode()
        html = html.replace(f'src="{chart.href}"', f'src="{uri}"')
    return html


_HEADER_TEXT = re.compile(r"(<th\b[^>]*>)([^<]+)(</th>)")
"""A table header cell holding text only: its Chinese words are joined (word joiners), so a
narrow column's header breaks between words, never inside one (集结权重, not 集结权 / 重)."""


def html_to_pdf(html: str, charts: Mapping[str, str | Chart] | Iterable[Chart] = (), *,
                fetcher: TemplateFetcher | None = None) -> bytes:
    """Render HTML to PDF bytes; resources come only from :class:`TemplateFetcher`.

    ``charts`` are the SVG charts the HTML refers to (``charts/<name>``).
    """
    import weasyprint

    if not isinstance(charts, Mapping):
        charts = {c.name: c for c in charts}
    fetcher = fetcher or TemplateFetcher(TEMPLATES, charts)
    html = _HEADER_TEXT.sub(lambda m: m.group(1) + head_words(m.group(2)) + m.group(3), html)
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
    kind: str  # "summary", "argument", "risk" or "town"
    lang: str
    town: str | None
    stem: str  # the file name without its suffix, e.g. summary_zh
    formats: tuple[str, ...] = ("pdf",)


@dataclass(frozen=True)
class _Rendered:
    stem: str
    seconds: Mapping[str, float]  # by file name
    html: str
    charts: Mapping[str, str]


def _write(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:  # never over an existing file
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _html(report: Report, document: _Document,
          executor: Executor | None) -> tuple[str, list[Chart]]:
    if document.kind == "summary":
        return summary(report, document.lang, executor)
    if document.kind == "argument":
        return argument(report, document.lang, executor)
    if document.kind == "risk":
        return risk_report(report, document.lang, executor)
    return town_report(report, str(document.town), document.lang, executor)


def _render_document(report: Report, document: _Document, folder: Path,
                     executor: Executor | None = None) -> _Rendered:
    """Build one document's HTML and render it to ``folder/<stem>.pdf`` and/or ``.docx``.

    With an ``executor`` (a single document: its workers draw the charts),
    the Word copy is made by a worker as soon as the charts are drawn, while
    this process lays out the PDF.
    """
    start = time.perf_counter()
    pngs = PngCharts(executor) if "docx" in document.formats else None
    text, made = _html(report, document, pngs if pngs is not None else executor)
    word: Future[bytes] | None = None
    if pngs is not None and executor is not None and "pdf" in document.formats:
        word = _docx_when_drawn(executor, text, made, pngs, report.now)
    seconds: dict[str, float] = {}
    if "pdf" in document.formats:
        _write(folder / f"{document.stem}.pdf", html_to_pdf(text, made))
        seconds[f"{document.stem}.pdf"] = time.perf_counter() - start
    if pngs is not None:
        begun = start if word is not None or not seconds else time.perf_counter()
        data = word.result() if word is not None else html_to_docx(
            text, pngs.images(made), now=report.now)
        _write(folder / f"{document.stem}.docx", data)
        seconds[f"{document.stem}.docx"] = time.perf_counter() - begun
    return _Rendered(document.stem, seconds, text, {c.name: c.svg for c in made})


def _docx_when_drawn(executor: Executor, text: str, made: Sequence[Chart], pngs: PngCharts,
                     now: datetime) -> Future[bytes]:
    """The Word copy, converted by ``executor`` once every chart's PNG is there.

    A helper thread waits for the charts, so this process can go on with the PDF.
    """
    result: Future[bytes] = Future()

    def relay(job: Future[bytes]) -> None:
        error = job.exception()
        if error is not None:
            result.set_exception(error)
        else:
            result.set_result(job.result())

    def submit() -> None:
        try:
            job = executor.submit(html_to_docx, text, pngs.images(list(made)), now=now)
        except BaseException as error:
            result.set_exception(error)
        else:
            job.add_done_callback(relay)

    threading.Thread(target=submit, name="evalkit-docx", daemon=True).start()
    return result


def html_to_docx(html: str, images: Mapping[str, bytes] | None = None, *,
                 now: datetime | None = None) -> bytes:
    """Render HTML to ``.docx`` bytes (:func:`evalkit.report.word.html_to_docx`).

    ``images`` maps each chart's address in the HTML (``charts/<name>``) to
    its PNG; python-docx is imported on the first call.
    """
    from evalkit.report.word import html_to_docx as convert

    return convert(html, images, now=now)


def _worker_job(job: tuple[_Document, str]) -> _Rendered:
    """Worker process: render one document of the report inherited at fork."""
    assert _SHARED is not None, "workers are forked after the report is shared"
    document, folder = job
    return _render_document(_SHARED, document, Path(folder))


def _warm_up(report: Report, formats: Sequence[str]) -> None:
    """Compile the templates and load the chart fonts once, before the workers fork."""
    for name in ("summary.html.j2", "town.html.j2", "argument.html.j2", "risk.html.j2"):
        environment().get_template(name)
    charts.ranked_bars(["镇"], [1.0], fonts=report.cjk_fonts(), xlabel="C")
    if "docx" in formats:
        import evalkit.report.word  # noqa: F401  (python-docx and lxml, once for all workers)


def _fork_context() -> Any:
    import multiprocessing

    # fork shares the parent's imported WeasyPrint, fonts and the report itself.
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def render_reports(report: Report | Evaluation, *, langs: Sequence[str] = ("zh",),
                   out: str | Path = OUT, towns: bool = True, html: bool = False,
                   workers: int = TOWN_WORKERS, formats: Sequence[str] = ("pdf",),
                   documents: Sequence[str] = ("summary",),
                   progress: Callable[[int, int], None] | None = None,
                   **analyses: Any) -> ReportRun:
    """Render the summary (and each town's report) into a new run directory.

    ``report`` is a :class:`Report` or an :class:`Evaluation` (then
    ``analyses`` go to :func:`build_report`).  The run directory under
    ``out`` is named ``<YYYYmmdd-HHMMSS>-<input hash>[-<n>]``; it is rendered
    under a temporary name beside it and renamed into place when complete,
    so an earlier run is never touched and a half-written run never seen.
    Documents are rendered by ``workers`` forked processes; a single document
    is rendered here while the workers draw its charts.  With ``html`` the
    HTML sources are written too (``html/``).  ``formats`` are
    :data:`FORMATS`: ``("pdf", "docx")`` writes each document as PDF and as
    an editable Word copy beside it (``summary_zh.docx``), from the same HTML.
    ``documents`` are among :data:`~evalkit.report.sections.DOCUMENTS`: the
    summary, the 论证报告 (``argument_zh``) and the 社会稳定风险评估报告
    (``risk_zh``), the latter two from the report's dossier.  ``progress(done, total)`` is
    called as each document (with its Word copy) is finished.
    """
    global _SHARED
    require(report, (Report, Evaluation), "report", "pass build_report(...) or an evaluation")
    if isinstance(report, Evaluation):
        report = build_report(report, **analyses)
    elif analyses:
        raise TypeError("pass analyses to build_report, not with a built Report")
    for lang in langs:
        strings(lang)  # an unknown language fails before anything is written
    chosen = tuple(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError(f"unknown report format {unknown[0]!r}" if unknown else "no report format",
                         f"use {' and/or '.join(FORMATS)}", column="formats")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    name = f"{report.now.strftime('%Y%m%d-%H%M%S')}-{report.input_hash()}"
    stems = town_stems(report.town_ids)
    kinds = tuple(dict.fromkeys(documents))
    wrong = [k for k in kinds if k not in DOCUMENTS]
    if wrong or not kinds:
        raise InputError(f"unknown document {wrong[0]!r}" if wrong else "no document",
                         f"use {', '.join(DOCUMENTS)}", column="documents")
    planned = [_Document(kind, lang, None, f"{kind}_{lang}", chosen)
              for kind in kinds for lang in langs]
    if towns:
        planned += [_Document("town", lang, town, f"town_{stems[town]}_{lang}", chosen)
                for lang in langs for town in report.town_ids]
    context = _fork_context() if workers > 1 else None
    staging: Path | None = None
    try:
        with signals_held():  # a stop between making the folder and naming it leaves it behind
            staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out))
        if context is not None and len(planned) > 1:
            _warm_up(report, chosen)
        tick = progress or (lambda finished, total: None)
        tick(0, len(planned))
        done: list[_Rendered] = []
        with _long_lived_objects_frozen():
            if context is None:
                for d in planned:
                    done.append(_render_document(report, d, staging))
                    tick(len(done), len(planned))
            elif len(planned) == 1:
                with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                    done = [_render_document(report, planned[0], staging, pool)]
                tick(1, 1)
            else:
                _SHARED = report
                try:
                    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                        for rendered in pool.map(_worker_job,
                                                 [(d, str(staging)) for d in planned]):
                            done.append(rendered)
                            tick(len(done), len(planned))
                finally:
                    _SHARED = None
        timings = {file: seconds for r in done for file, seconds in r.seconds.items()}
        timings["render_wall"] = time.perf_counter() - start
        if html:
            _write_html(staging / "html", done)
        directory = publish(staging, out, name)
    except BaseException:
        if staging is not None:
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
        stem = rendered.stem
        for chart, svg in rendered.charts.items():
            (folder / CHART_DIR / f"{stem}-{chart}").write_text(svg, encoding="utf-8")
        page = rendered.html.replace(f'src="{CHART_DIR}/', f'src="{CHART_DIR}/{stem}-')
        (folder / f"{stem}.html").write_text(page, encoding="utf-8")


def render_summary_pdf(report: Report, lang: str = "zh") -> bytes:
    """The summary report as PDF bytes (no files written)."""
    text, made = summary(report, lang)
    return html_to_pdf(text, made)


def render_document_pdf(report: Report, kind: str, lang: str = "zh") -> bytes:
    """One of :data:`~evalkit.report.sections.DOCUMENTS` as PDF bytes (no files written)."""
    require(report, Report, "report", "pass build_report(...)")
    text, made = _html(report, _Document(kind, lang, None, f"{kind}_{lang}"), None)
    return html_to_pdf(text, made)


def document_html(report: Report, kind: str, lang: str = "zh") -> str:
    """One of :data:`~evalkit.report.sections.DOCUMENTS` as one HTML document (charts inline)."""
    require(report, Report, "report", "pass build_report(...)")
    return _inline_charts(*_html(report, _Document(kind, lang, None, f"{kind}_{lang}"), None))


def render_town_pdf(report: Report, town_id: str, lang: str = "zh") -> bytes:
    """One town's report as PDF bytes (no files written)."""
    text, made = town_report(report, town_id, lang)
    return html_to_pdf(text, made)


def render_summary_docx(report: Report, lang: str = "zh") -> bytes:
    """The summary report as an editable Word document (``.docx`` bytes; no files written)."""
    require(report, Report, "report", "pass build_report(...)")
    pngs = PngCharts()
    text, made = summary(report, lang, pngs)
    return html_to_docx(text, pngs.images(made), now=report.now)


def render_town_docx(report: Report, town_id: str, lang: str = "zh") -> bytes:
    """One town's report as an editable Word document (``.docx`` bytes; no files written)."""
    require(report, Report, "report", "pass build_report(...)")
    pngs = PngCharts()
    text, made = town_report(report, town_id, lang, pngs)
    return html_to_docx(text, pngs.images(made), now=report.now)


def summary_html(report: Report, lang: str = "zh") -> str:
    """The summary report as one HTML document (charts inline, for a notebook)."""
    require(report, Report, "report", "pass build_report(...)")
    return _inline_charts(*summary(report, lang))


def town_html(report: Report, town_id: str, lang: str = "zh") -> str:
    """One town's report as one HTML document (charts inline)."""
    require(report, Report, "report", "pass build_report(...)")
    return _inline_charts(*town_report(report, town_id, lang))
