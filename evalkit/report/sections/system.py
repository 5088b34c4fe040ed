"""二、评价指标体系 and 三、基础数据: the indicators, their derivations, and the data."""

from __future__ import annotations

from typing import Any

from evalkit.report.sections.view import View
from evalkit.report.text import MAX_TABLE_TOWNS, chunks, digits_for, fmt_num, label_text, relation


def build(v: View) -> dict[str, Any]:
    """The indicator system by family, and the standards (targets) it is read against."""
    from evalkit.report.sections.derivation import Words

    words = Words(v)
    families = []
    for family in v.criteria.families:
        rows = [{"id": ind.id, "label": v.criteria.place(ind, v.lang) + ind.label(v.lang),
                 "unit": v.unit(ind.unit),
                 "direction": v.t[f"dir_{ind.direction}"], "derivation": words.indicator(ind)}
                for ind in v.criteria.members(family.id)]
        families.append({"label": family.label(v.lang), "rows": rows})
    targets = v.report.targets or ()
    standards = [{"label": label_text(target.label, v.lang),
                  "rule": f"{relation(target.compare)} "
                          f"{v.quantity(fmt_num(target.target, 1), target.unit)}",
                  "source": v.as_written(*target.source_in(v.lang))} for target in targets]
    return {"families": families, "targets": standards,
            "n_indicators": len(v.criteria.indicators), "n_families": len(v.criteria.families),
            "has_targets": bool(standards)}


def _mark(v: View, town: str, indicator: str) -> str:
    """The status mark of a town's indicator value (its weakest input cell)."""
    from evalkit.report.sections.rawdata import mark

    provenance = v.evaluation.provenance
    return mark(provenance.indicator_status(town, indicator)) if provenance is not None else ""


def base_year(v: View) -> int | None:
    """The data's base year: the latest year the sources file states for the columns the
    indicators read, else the work plan's ``base_year``; None when neither says (the report
    then names no year)."""
    sources = v.evaluation.candidates.sources
    year = sources.latest_year(v.criteria.columns()) if sources is not None else None
    if year is None and v.report.plan is not None:
        year = v.report.plan.base_year
    return year


def data_tables(v: View) -> list[dict[str, Any]]:
    """Every indicator's value for every town, towns split over tables of a page's width."""
    values = v.matrix.values
    mean = values.mean(axis=0)
    tables = []
    ids = list(v.matrix.ids)
    for chunk in chunks(ids, MAX_TABLE_TOWNS):
        index = [ids.index(i) for i in chunk]
        rows = []
        for j, ind in enumerate(v.criteria.indicators):
            digits = digits_for(values[:, j])
            rows.append({"label": ind.label(v.lang), "unit": v.unit(ind.unit),
                         "values": [fmt_num(values[i, j], digits) for i in index],
                         "marks": [_mark(v, ids[i], ind.id) for i in index],
                         "mean": fmt_num(mean[j], digits)})
        tables.append({"columns": [v.name(i, short=True) for i in chunk], "rows": rows})
    return tables
