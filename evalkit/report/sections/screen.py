"""设置标准审查: every national or local rule against every town, and who is screened out."""

from __future__ import annotations

from typing import Any

from evalkit.io.sources import STATUS_ORDER
from evalkit.model.provenance import Provenance, table_provenance
from evalkit.report.sections.derivation import Words, number_text
from evalkit.report.sections.rawdata import mark
from evalkit.report.sections.view import View
from evalkit.report.text import MAX_TABLE_TOWNS, chunks, digits_for, fmt_num, label_text, relation


def build(v: View) -> dict[str, Any] | None:
    """The screen table (rules × towns, pass/fail/n.a.) and the towns excluded before selecting."""
    screen = v.report.screen
    selection = v.report.selection
    excluded = [] if selection is None else list(selection.excluded)
    if screen is None and not excluded:
        return None
    tables = []
    skipped = 0
    words = Words(v)
    marked = False
    if screen is not None:
        provenance = _provenance(v, screen)
        ids = list(v.matrix.ids)
        # A rule outside every town's band (e.g. another density band) says nothing here.
        checks = [c for c in screen.checks
                  if any(o.status != "n/a" for o in c.towns.values())]
        skipped = len(screen.checks) - len(checks)
        for chunk in chunks(ids, MAX_TABLE_TOWNS):
            rows = []
            last_band = None
            for check in checks:
                rule = check.rule
                digits = digits_for([o.value for o in check.towns.values() if o.value is not None])
                cells = []
                for town in chunk:
                    outcome = check.towns.get(town)
                    status = outcome.status if outcome is not None else "n/a"
                    # Marked as the raw-data appendix marks the values it is computed from.
                    sign = "" if status == "n/a" or outcome is None or outcome.value is None \
                        else mark(_weakest(provenance, town, rule.value.columns()))
                    marked = marked or bool(sign)
                    cells.append({"status": status, "mark": sign, "text": "—" if status == "n/a"
                                  else fmt_num(outcome.value if outcome else None, digits)})
                rows.append({
                    "label": v.prose(label_text(rule.label, v.lang, rule.id)),
                    "rule": f"{relation(rule.compare)} {fmt_num(rule.threshold, 2)}",
                    "source": v.as_written(v.prose(rule.source_in(v.lang))), "applied": check.applied,
                    # A band the row above states too reads "同上" (as above).
                    "band": (v.t["screen_band_same"] if rule.applies_when is not None
                             and rule.applies_when == last_band
                             else _band(v, words, rule.applies_when)),
                    "cells": cells,
                })
                last_band = rule.applies_when
            tables.append({"columns": [v.name(i, short=True) for i in chunk], "rows": rows})
    return {
        "without": _without(v, excluded),
        "tables": tables, "file": screen.file if screen is not None else "", "skipped": skipped,
        "marked": marked,
        "applied": list(screen.applied) if screen is not None else [],
        "excluded": [{"name": v.name(x.id), "reason": v.reason(x.reason, x.reason_zh),
                      "local_only": _local_only(screen, x.id)} for x in excluded],
    }


def _provenance(v: View, screen: Any) -> Provenance:
    """The decision's provenance, counting the columns of every rule shown (a rule the
    scenario does not apply reads columns the decision does not)."""
    provenance = v.decision_provenance()
    read = [c for check in screen.checks for c in check.rule.value.columns()]
    if all(c in provenance.columns for c in read):
        return provenance
    return table_provenance(v.criteria, v.evaluation.candidates, [*provenance.columns, *read])


def _weakest(provenance: Provenance, town: str, columns: Any) -> str:
    """A value's status: the weakest of the cells it is computed from (the rule of
    :mod:`evalkit.model.provenance`)."""
    statuses = [provenance.status(town, c) for c in dict.fromkeys(columns)]
    return max(statuses, key=STATUS_ORDER.index) if statuses else ""


def _band(v: View, words: Words, band: Any) -> str:
    """Where a rule applies, in words: 2022年常住人口（万人） ÷ 行政区域面积 × 10000不低于400."""
    if band is None:
        return ""
    x = words.source(band.value)
    low = None if band.at_least is None else number_text(band.at_least)
    high = None if band.below is None else number_text(band.below)
    if low is not None and high is not None:
        return v.t("screen_band_between", x=x, low=low, high=high)
    if low is not None:
        return v.t("screen_band_at_least", x=x, low=low)
    if high is not None:
        return v.t("screen_band_below", x=x, high=high)
    return x


def _local_only(screen: Any, town: str) -> bool:
    """Whether only local rules (a choice of this plan, not national law) exclude ``town``."""
    if screen is None:
        return False
    failed = [c.rule for c in screen.checks if c.applied and town in c.towns
              and c.towns[town].status == "fail"]
    return bool(failed) and all(rule.scope == "local" for rule in failed)


def _without(v: View, excluded: list[Any]) -> list[str]:
    """What the selection would be without the screens, in plain words."""
    alt, sel = v.report.unscreened, v.report.selection
    if alt is None or sel is None or not excluded:
        return []
    t = v.t
    if not alt.selected:
        return [t("screen_without_none")]
    out = [t("screen_without", towns=v.names(alt.selected_ids), objective=fmt_num(alt.objective, 4),
             current=fmt_num(sel.objective, 4))]
    for x in excluded:
        key = "screen_without_in" if x.id in alt.selected_ids else "screen_without_out"
        out.append(t(key, town=v.name(x.id)))
    return out
