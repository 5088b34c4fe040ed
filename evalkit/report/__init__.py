"""Assessment reports (评估报告): PDF from Jinja2 templates through WeasyPrint, and Word copies.

>>> from evalkit import load_criteria, load_candidates, evaluate
>>> from evalkit.report import build_report, render_reports, summary_html
>>> result = evaluate(load_criteria("criteria/default.yaml"),
...                   load_candidates("candidates/towns.csv"))
>>> report = build_report(result)          # + selection=, robustness=, screen=, targets=
>>> summary_html(report, "zh")             # the summary as HTML (for a notebook)
>>> run = render_reports(report, langs=("zh", "en"))
>>> run.directory, run.files
>>> render_reports(report, formats=("pdf", "docx")).docx   # editable Word copies too

A report is built from the library's result objects, one section at a time:

- :mod:`~evalkit.report.document`: what a report shows (:class:`Report`, :func:`build_report`);
- :mod:`~evalkit.report.sections`: the sections' registry, one module per section;
- :mod:`~evalkit.report.text`: strings in both languages, numbers, dates, numbering;
- :mod:`~evalkit.report.charts` and :mod:`~evalkit.report.fonts`: SVG charts in the CJK font;
- :mod:`~evalkit.report.fetcher`: the only resources WeasyPrint may read;
- :mod:`~evalkit.report.render`: HTML, PDF and Word, in worker processes;
- :mod:`~evalkit.report.word` and :mod:`~evalkit.report.raster`: the Word copy of the
  same HTML, its charts as PNG;
- :mod:`~evalkit.report.publish`: run directories, never overwriting an earlier run.

A section whose analysis was not given is left out with a one-line note saying so.
May import: :mod:`evalkit.decide`, :mod:`evalkit.model`, :mod:`evalkit.methods`,
:mod:`evalkit.io` and the base modules.
"""

from evalkit.report.document import InputFile, Report, build_report
from evalkit.report.fetcher import CHART_DIR, Chart, RefusedURL, TemplateFetcher
from evalkit.report.publish import ReportRun, safe_stem
from evalkit.report.render import (
    FORMATS,
    TOWN_WORKERS,
    document_html,
    html_to_docx,
    html_to_pdf,
    render_document_pdf,
    render_reports,
    render_summary_docx,
    render_summary_pdf,
    render_town_docx,
    render_town_pdf,
    summary_html,
    town_html,
)
from evalkit.report.text import LANGS, environment, fmt_date, fmt_num, fmt_pct, strings

__all__ = [
    "CHART_DIR",
    "FORMATS",
    "LANGS",
    "TOWN_WORKERS",
    "Chart",
    "InputFile",
    "RefusedURL",
    "Report",
    "ReportRun",
    "TemplateFetcher",
    "build_report",
    "document_html",
    "environment",
    "fmt_date",
    "fmt_num",
    "fmt_pct",
    "html_to_docx",
    "html_to_pdf",
    "render_document_pdf",
    "render_reports",
    "render_summary_docx",
    "render_summary_pdf",
    "render_town_docx",
    "render_town_pdf",
    "safe_stem",
    "strings",
    "summary_html",
    "town_html",
]
