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
    executive,
    provenance,
    ranking,
    risks,
    robustness,
    screen,
    selection,
    system,
    town,
    weights,
)
from evalkit.report.sections.view import Builder, View
from evalkit.report.text import Numbering, environment, label_text


@dataclass(frozen=True)
class Section:
    """One section of a document: its title key, numbering, and the view models it fills."""

    key: str
    numbered: bool = True
    views: Mapping[str, Builder] = field(default_factory=dict)


SUMMARY_SECTIONS: tuple[Section, ...] = (
    Section("exec", views={"executive": executive.build}),
    Section("system", views={"system": system.build}),
    Section("data", views={"data": system.data_tables}),
    Section("weights", views={"weights": weights.build, "ahp": weights.ahp}),
    Section("ranking", views={"ranking": ranking.build}),
    Section("obstacles", views={"obstacles": ranking.obstacles}),
    Section("screen", views={"screen": screen.build}),
    Section("selection", views={"selection": selection.build}),
    Section("robustness", views={"robustness": robustness.build}),
    Section("risks", views={"risks": risks.build}),
    Section("methods", numbered=False),
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


def _builders(sections: tuple[Section, ...]) -> dict[str, Builder]:
    return {name: build for section in sections for name, build in section.views.items()}


def _context(view: View, sections: tuple[Section, ...], title: str) -> dict[str, Any]:
    numbering = Numbering(view.t)
    return {
        "t": view.t, "lang": view.lang, "n": numbering,
        "sec": numbering.sections([s.key for s in sections if s.numbered],
                                  [s.key for s in sections if not s.numbered]),
        "meta": view.meta(title),
        **view.models(),
    }


def summary(report: Report, lang: str,
            executor: Executor | None = None) -> tuple[str, list[Chart]]:
    """The summary report's HTML and the charts it refers to."""
    view = View(report, lang, _builders(SUMMARY_SECTIONS), executor=executor)
    city = label_text(view.criteria.city.get("name"), lang, "")
    context = _context(view, SUMMARY_SECTIONS, view.t("summary_title", city=city))
    return environment().get_template("summary.html.j2").render(**context), view.charts


def town_report(report: Report, town_id: str, lang: str,
                executor: Executor | None = None) -> tuple[str, list[Chart]]:
    """One town's report's HTML and the charts it refers to."""
    view = View(report, lang, _builders(TOWN_SECTIONS), town=town_id, executor=executor)
    context = _context(view, TOWN_SECTIONS, view.t("town_title", town=view.name(town_id)))
    return environment().get_template("town.html.j2").render(**context), view.charts


__all__ = ["SUMMARY_SECTIONS", "TOWN_SECTIONS", "Section", "View", "summary", "town_report"]
