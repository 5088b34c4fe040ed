"""附录 基础数据及来源 / The raw statistics behind the decision, each cell marked, each column sourced.

Built from the candidate table and :func:`evalkit.decide.provenance.decision_provenance`:
every column the indicators and the scenario read, every town's value as the
table gives it, a mark on every estimated, assumed or unsourced value, and
each column's source, section, year, definition (口径) and status, with the
cells that have a source of their own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from markupsafe import Markup, escape

from evalkit.errors import InputError
from evalkit.report.sections.derivation import Words
from evalkit.report.sections.view import View
from evalkit.report.text import MAX_TABLE_TOWNS, breakable, chunks, digits_for, fmt_num

MARKS = {"official": "", "estimate": "*", "assumed": "†", "none": "‡"}
"""The mark after a value, by its status (the legend is under every table that uses them)."""


def mark(status: str) -> str:
    return MARKS.get(status, "")


def _capital(v: View, text: str) -> str:
    """A row's label starts with a capital in English (resident population → Resident …)."""
    return text if v.lang == "zh" else text[:1].upper() + text[1:]


def build(v: View) -> dict[str, Any]:
    """The raw values (towns in tables of a page's width) and the sources table."""
    prov = v.decision_provenance()
    table = v.evaluation.candidates
    ids = list(table.ids)
    raw: dict[str, np.ndarray] = {}
    for column in prov.columns:
        try:
            raw[column] = table.numeric(column, signed=True)
        except InputError:  # a bad cell is reported where the data are read
            raw[column] = np.full(len(ids), np.nan)
    words = Words(v)
    named = {column: {"words": _capital(v, words.column(column)), "id": breakable(column)}
             for column in prov.columns}
    tables = []
    for chunk in chunks(ids, MAX_TABLE_TOWNS):
        rows = []
        for column in prov.columns:
            values = raw[column]
            digits = digits_for(values[np.isfinite(values)]) if np.isfinite(values).any() else 0
            cells = []
            for town in chunk:
                i = ids.index(town)
                cells.append({"text": fmt_num(values[i], digits),
                              "mark": mark(prov.status(town, column))})
            rows.append({"column": named[column], "cells": cells})
        tables.append({"columns": [v.name(i, short=True) for i in chunk], "rows": rows})
    sources = prov.sources
    t = v.t
    notes = []
    for column in prov.columns:
        base = sources.columns.get(column) if sources is not None else None
        overrides = sources.overrides(column) if sources is not None else {}
        # A text the sources file gives in English (source_en, …) is shown in English;
        # one it does not is shown as written, marked (and noted under the table).
        shown = base.shown(v.lang) if base else ("", "", "")
        english = base.english if base else ("", "", "")
        source, where, definition = (v.as_written(text, translated=bool(en))
                                     for text, en in zip(shown, english, strict=True))
        notes.append({
            "column": named[column],
            "source": source,
            "table": where,
            "year": base.year if base else "",
            "definition": definition,
            "status": t[f"status_{base.status if base else 'none'}"],
            "overrides": [Markup(escape(t("source_override", town=v.name(town, short=True),
                                          status=t[f"status_{c.status}"], where="\0")))
                          .replace("\0", escape(v.as_written(
                              " ".join(x for x in c.shown(v.lang)[:2] if x),
                              translated=bool(c.english[0] or c.english[1]))))
                          for town, c in overrides.items()],
        })
    coverage = prov.coverage()
    return {"tables": tables, "notes": notes, "file": prov.file or "",
            "coverage": t("source_coverage", cells=coverage.cells, official=coverage.official,
                          estimate=coverage.estimate, assumed=coverage.assumed,
                          none=coverage.none),
            "has_sources": sources is not None,
            "untranslated": t("sources_as_written", file=prov.file or "") if v.lang == "en"
            and any(isinstance(x, Markup) for n in notes
                    for x in (n["source"], n["table"], n["definition"])) else ""}
