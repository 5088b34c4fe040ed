"""The documents' sections: a registry of each document's sections, in their order.

Each section is an entry: its key (the title is ``sec_<key>`` in
``templates/strings.yaml`` and the anchor ``#sec-<key>``), whether its title
is numbered (一、二、… or 1. 2. …), and the view models it fills, each built
by a function of one module here from the library's result objects.  Adding a
section is one entry and one block of the template.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from evalkit.report.document import Report
from evalkit.report.fetcher import Chart
from evalkit.report.sections import (
    decisive,
    dossier,
    executive,
    experts,
    plan,
    provenance,
    ranking,
    rawdata,
    risks,
    robustness,
    screen,
    selection,
    system,
    town,
    weights,
)
from evalkit.report.sections.view import Builder, View
from evalkit.report.text import (
    Numbering,
    beijing,
    environment,
    fmt_date,
    keep_names_whole,
    label_text,
)


@dataclass(frozen=True)
class Section:
    """One section of a document: its title key, numbering, and the view models it fills."""

    key: str
    numbered: bool = True
    views: Mapping[str, Builder] = field(default_factory=dict)


SUMMARY_SECTIONS: tuple[Section, ...] = (
    Section("exec", views={"executive": executive.build, "plan": plan.build,
                           "decisive": decisive.build, "experts": experts.build}),
    Section("system", views={"system": system.build}),
    Section("data", views={"data": system.data_tables, "base_year": system.base_year}),
    Section("weights", views={"weights": weights.build, "ahp": weights.ahp}),
    Section("experts"),
    Section("ranking", views={"ranking": ranking.build}),
    Section("obstacles", views={"obstacles": ranking.obstacles}),
    Section("screen", views={"screen": screen.build}),
    Section("selection", views={"selection": selection.build}),
    Section("decisive"),
    Section("robustness", views={"robustness": robustness.build}),
    Section("plan"),
    Section("risks", views={"risks": risks.build}),
    Section("methods", numbered=False),
    Section("matrices", numbered=False),
    Section("rawdata", numbered=False, views={"rawdata": rawdata.build}),
    Section("provenance", numbered=False, views={"provenance": provenance.build}),
    Section("approval", numbered=False),
)
"""The summary report (评估报告), in the order of its template ``summary.html.j2``."""

TOWN_SECTIONS: tuple[Section, ...] = (
    Section("profile", views={"town": town.header, "profile": town.profile}),
    Section("targets", views={"targets": town.targets}),
    Section("sw", views={"strengths": town.strengths, "weaknesses": town.weaknesses}),
    Section("town_obstacles", views={"obstacles": town.obstacles, "families": town.families}),
    Section("cost", views={"selection": town.selection}),
    Section("town_provenance", views={"provenance": provenance.build}),
)
"""A town's report, in the order of its template ``town.html.j2``."""

_DOSSIER_VIEWS: dict[str, Builder] = {
    "checklist": dossier.checklist, "narratives": dossier.narratives, "files": dossier.files}

ARGUMENT_SECTIONS: tuple[Section, ...] = (
    Section("dz_checklist", numbered=False, views=_DOSSIER_VIEWS),
    Section("dz_work", views={"panel": dossier.panel}),
    Section("dz_overview"),
    Section("dz_change_plan", views={"change_plan": dossier.change_plan}),
    Section("dz_necessity"),
    Section("dz_feasibility", views={"selection": selection.build,
                                     "feasibility": dossier.feasibility}),
    Section("dz_benefits"),
    Section("dz_evaluation", views={"system": system.build, "weights": weights.build,
                                    "ranking": ranking.build, "decisive": decisive.build,
                                    "robustness": robustness.build}),
    Section("dz_risks", views={"risks": dossier.risks}),
    Section("dz_panel"),
    Section("dz_conclusion"),
)
"""The 论证报告, in the order of its template ``argument.html.j2``; the quantitative
chapter uses the summary's own view models."""

RISK_SECTIONS: tuple[Section, ...] = (
    Section("dz_checklist", numbered=False, views=_DOSSIER_VIEWS),
    Section("dz_basis"),
    Section("dz_method"),
    Section("dz_survey", views={"survey": dossier.survey}),
    Section("dz_register", views={"risks": dossier.risks}),
    Section("dz_measures"),
    Section("dz_verdict"),
    Section("dz_emergency"),
)
"""The 社会稳定风险评估报告, in the order of its template ``risk.html.j2``."""

DOCUMENTS = ("summary", "argument", "risk")
"""The documents ``evalkit report --document`` writes (besides the town reports)."""


def _builders(sections: tuple[Section, ...]) -> dict[str, Builder]:
    return {name: build for section in sections for name, build in section.views.items()}


def _context(view: View, sections: tuple[Section, ...], title: str) -> dict[str, Any]:
    numbering = Numbering(view.t)
    titles = numbering.sections([s.key for s in sections if s.numbered],
                                [s.key for s in sections if not s.numbered])
    view.section_numbers = numbering.numbers  # for the builders' cross-references
    return {
        "t": view.t, "lang": view.lang, "n": numbering,
        "sec": titles,
        "secno": numbering.numbers,  # filled by sections() above: 八 for 设置标准审查
        "meta": view.meta(title),
        **view.models(),
    }


def _title(view: View, key: str) -> str:
    """A document's title with the city's name (``city.name`` of the criteria set); without
    one, the title alone ("Assessment of …", never ": Assessment of …")."""
    city = label_text(view.criteria.city.get("name"), view.lang, "")
    title = view.t(key, city=city)
    return title if city else title.lstrip(":： ")


def summary(report: Report, lang: str,
            executor: Executor | None = None) -> tuple[str, list[Chart]]:
    """The summary report's HTML and the charts it refers to."""
    view = View(report, lang, _builders(SUMMARY_SECTIONS), executor=executor)
    context = _context(view, SUMMARY_SECTIONS, _title(view, "summary_title"))
    return _page(view, "summary.html.j2", context), view.charts


def _page(view: View, template: str, context: dict[str, Any]) -> str:
    """The document's HTML; in English each town's Chinese name after its English one is
    kept whole on its line ("Qingshan (青山镇)" never wraps inside the brackets)."""
    html = environment().get_template(template).render(**context)
    if view.lang == "zh":
        return html
    return keep_names_whole(html, [zh for zh, en in zip(view.matrix.names, view.matrix.names_en,
                                                       strict=True) if en])


def _dossier_document(report: Report, lang: str, executor: Executor | None,
                      sections: tuple[Section, ...], title: str,
                      template: str) -> tuple[str, list[Chart]]:
    view = View(report, lang, _builders(sections), executor=executor)
    context = _context(view, sections, _title(view, title))
    context["meta"].update(dossier_meta(view, context["checklist"]["missing"]))
    return _page(view, template, context), view.charts


def dossier_meta(view: View, missing: int) -> dict[str, Any]:
    """The cover's draft mark (征求意见稿 while anything is 待补充) and the date in Beijing time."""
    issuer = view.report.issuer or str(view.criteria.city.get("issuer") or "")
    return {"draft": view.t["dz_draft"] if missing else "", "issuer": issuer,
            "draft_note": view.t("dz_draft_note", n=missing) if missing else "",
            "date": fmt_date(beijing(view.report.now), view.lang),
            "date_note": view.t["dz_beijing_time"]}


def argument(report: Report, lang: str,
             executor: Executor | None = None) -> tuple[str, list[Chart]]:
    """The 论证报告's HTML and the charts it refers to."""
    return _dossier_document(report, lang, executor, ARGUMENT_SECTIONS, "dz_argument_title",
                             "argument.html.j2")


def risk_report(report: Report, lang: str,
                executor: Executor | None = None) -> tuple[str, list[Chart]]:
    """The 社会稳定风险评估报告's HTML and the charts it refers to."""
    return _dossier_document(report, lang, executor, RISK_SECTIONS, "dz_risk_title",
                             "risk.html.j2")


def town_report(report: Report, town_id: str, lang: str,
                executor: Executor | None = None) -> tuple[str, list[Chart]]:
    """One town's report's HTML and the charts it refers to."""
    view = View(report, lang, _builders(TOWN_SECTIONS), town=town_id, executor=executor)
    context = _context(view, TOWN_SECTIONS, view.t("town_title", town=view.name(town_id)))
    return _page(view, "town.html.j2", context), view.charts


__all__ = [
    "ARGUMENT_SECTIONS",
    "DOCUMENTS",
    "RISK_SECTIONS",
    "SUMMARY_SECTIONS",
    "TOWN_SECTIONS",
    "Section",
    "View",
    "argument",
    "risk_report",
    "summary",
    "town_report",
]
