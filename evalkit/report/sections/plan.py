"""与工作方案的衔接 / The work plan: each plan figure, the value the run used, every departure.

Built from the plan (``criteria/plan.yaml``) and the places a run refers to
it: the scenario's ``follows_plan`` and ``departs_from_plan``, the targets'
``plan:`` and the criteria set's gap targets (matched to a target or a plan
figure by the value they read).  A plan figure the run does not use is listed
as such; a target the table has no column for is listed as not assessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from evalkit.model.derive import Source
from evalkit.model.plan import Plan, PlanFigure, same_value
from evalkit.report.sections.view import View
from evalkit.report.text import breakable, fmt_num, fmt_year, is_year, label_text


def _value(v: View, value: float, unit: str) -> str:
    """A plan figure with its unit in the document's language: 120 亿元, 3个; 120 (100
    million yuan), 3 in English."""
    if is_year(value, unit):  # 完成改区的年份 2027年, not 2,027 年
        return v.quantity(fmt_year(value), unit) if unit.strip() == "年" else fmt_year(value)
    digits = 0 if float(value).is_integer() else (2 if abs(value) < 1 else 1)
    return v.quantity(fmt_num(value, digits), unit)


_NUMBER_THEN_UNIT = re.compile(r"^(.*?\d)\s+(\D.*)$")


def _figure_cell(text: str) -> Markup:
    """A figure for a narrow column: it may break between the number and its unit, never
    inside either ("≥ 500" / "(100 million yuan)")."""
    found = _NUMBER_THEN_UNIT.match(text)
    if found is None:
        return Markup('<span class="nowrap">{}</span>').format(text)
    return Markup('<span class="nowrap">{}</span> <span class="nowrap">{}</span>').format(
        found.group(1), found.group(2))


def _year_of(key: Any) -> int | None:
    text = str(key)
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2100 else None


def setting_text(v: View, key: str, value: Any) -> str:
    """A scenario setting's value in words, never as Python prints it.

    ``{2025: None, …}`` (annual limits) reads "2025—2028年各年度均不设上限",
    a spending profile ``{from: -1, shares: [0.3, 0.5, 0.2]}`` "改区前一年30%、
    当年50%、次年20%", a list of categories or sources their labels.
    """
    t = v.t
    sep = t["enum_sep"]
    if value is None:
        return t["setting_no_limit"]
    if isinstance(value, Mapping) and value and all(_year_of(k) for k in value):
        years = [_year_of(k) for k in value]
        if all(x is None for x in value.values()):
            return t("setting_years_no_limit", start=min(years), end=max(years))  # type: ignore[type-var]
        return sep.join(t("setting_year_value", year=_year_of(k),
                          value=setting_text(v, key, x)) for k, x in value.items())
    if isinstance(value, Mapping) and set(value) == {"from", "shares"}:
        start = int(value["from"])
        parts = []
        for k, share in enumerate(value["shares"]):
            offset = start + k
            when = t.get(f"setting_offset_{offset}") or t("setting_offset", n=offset)
            parts.append(t("setting_share", when=when, share=f"{float(share) * 100:g}%"))
        return sep.join(parts)
    if isinstance(value, Mapping):
        return sep.join(f"{k}{t['colon']}{setting_text(v, key, x)}" for k, x in value.items())
    if isinstance(value, list | tuple):
        return sep.join(setting_text(v, key, x) for x in value)
    if isinstance(value, bool):
        return t["answer_yes"] if value else t["answer_no"]
    if isinstance(value, int | float):
        return f"{value:g}"
    text = str(value)
    return t.get(f"setting_{text}") or v.scenario_label(text)


def _as_printed(found: float, printed: float) -> bool:
    """``found`` rounds to the plan's figure as printed (to its last decimal)."""
    text = repr(float(printed))
    decimals = 0 if float(printed).is_integer() else len(text.split(".")[1])
    return abs(found - printed) <= 0.5 * 10.0 ** -decimals + 1e-9


def _number(value: float) -> str:
    return fmt_num(value, 0 if float(value).is_integer() else (2 if abs(value) < 10 else 1))


def _gap_targets(v: View) -> list[tuple[str, Source, float]]:
    """(indicator id, value source, target) of every gap indicator with a constant target."""
    out = []
    for indicator in v.criteria.indicators:
        source = indicator.source
        value = source.operands.get("value")
        if source.kind == "gap" and isinstance(value, Source):
            target = source.params.get("target")
            if isinstance(target, int | float):
                out.append((indicator.id, value, float(target)))
    return out


def _uses(v: View, plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """For each plan figure id, where the run uses it: [{where, value, follows, why}]."""
    t = v.t
    uses: dict[str, list[dict[str, Any]]] = {f: [] for f in plan.figures}
    scenario = v.report.selection.scenario if v.report.selection is not None else None
    if scenario is not None:
        for link in scenario.plan_links:
            if link.figure is not None:
                uses[link.figure.id].append({
                    "where": Markup(escape(t("plan_in_scenario", path="\0"))).replace(
                        "\0", breakable(link.key)),
                    "value": setting_text(v, link.key, link.value),
                    "follows": link.follows, "why": label_text(link.why, v.lang, ""),
                    "declared": True})
    targets = v.report.targets
    by_source: list[tuple[Source, PlanFigure | None]] = []
    if targets is not None:
        for target in targets:
            by_source.append((target.value, target.plan))
            if target.plan is not None:
                uses[target.plan.id].append({
                    "where": t("plan_in_targets", id=target.id),
                    "value": _number(target.target), "follows": True, "why": "",
                    "declared": True})
    for indicator, source, level in _gap_targets(v):
        figure = next((f for s, f in by_source if s == source), None)
        if figure is None and source.kind == "column":
            figure = plan.by_column(source.params["name"])
        if figure is None:
            continue
        follows = same_value(level, figure.value)
        uses[figure.id].append({
            "where": t("plan_in_criteria", indicator=v.indicator_label(indicator)),
            "value": _number(level), "follows": follows,
            "why": "" if follows else t["plan_undeclared"], "declared": follows})
    table = v.evaluation.candidates
    for figure in plan:
        if figure.aggregate and figure.column in table.columns:
            try:
                values = table.numeric(figure.column, signed=True)
            except Exception:  # a bad cell: the data section reports it; nothing to compare
                continue
            found = float(getattr(values, figure.aggregate)())
            uses[figure.id].append({
                "where": t("plan_in_table", column=figure.column,
                           aggregate=t[f"aggregate_{figure.aggregate}"]),
                "value": _number(found), "follows": _as_printed(found, figure.value),
                "declared": _as_printed(found, figure.value),
                "why": "" if _as_printed(found, figure.value) else t["plan_table_differs"]})
    city = v.criteria.city.get("gdp") if isinstance(v.criteria.city, dict) else None
    if "city_gdp" in plan.figures and isinstance(city, int | float):
        follows = same_value(float(city), plan.figures["city_gdp"].value)
        uses["city_gdp"].append({"where": t["plan_in_city"], "value": fmt_num(city, 0),
                                 "follows": follows, "declared": follows,
                                 "why": "" if follows else t["plan_undeclared"]})
    return uses


def build(v: View) -> dict[str, Any] | None:
    """Plan figures with the run's use of each, local assumptions, other documents, contradictions."""
    plan = v.report.plan
    if plan is None:
        return None
    t, lang = v.t, v.lang
    uses = _uses(v, plan)
    measured = set(v.evaluation.candidates.columns)
    rows = []
    for figure in plan:
        used = uses[figure.id]
        if used:
            if all(u["follows"] for u in used):
                state = "follows"
            elif all(u["follows"] or u["declared"] for u in used):
                state = "declared"
            else:
                state = "departs"
        elif figure.kind == "target" and (figure.column is None or figure.column not in measured):
            state = "not_assessed"
        else:
            state = "unused"
        rows.append({"label": label_text(figure.label, lang, figure.id), "section": figure.section,
                     "value": _figure_cell(f"{relation_text(figure.compare)}"
                                       f"{_value(v, figure.value, figure.unit)}"),
                     "uses": used, "state": state, "state_text": t[f"plan_state_{state}"]})
    scenario = v.report.selection.scenario if v.report.selection is not None else None
    assumptions = [{"key": breakable(link.key), "value": setting_text(v, link.key, link.value),
                    "why": label_text(link.why, lang, "")}
                   for link in (scenario.plan_links if scenario is not None else ())
                   if not link.follows and link.figure is None]
    others = [{"label": label_text(x.label, lang, x.id),
               "value": _figure_cell(v.quantity(fmt_num(x.target, 2), x.unit)),
               "source": v.as_written(*x.source_in(lang)), "note": v.as_written(*x.note_in(lang))}
              for x in (v.report.targets or ()) if x.plan is None]
    contradictions = [{
        "label": label_text(c.label, lang, c.id),
        "statements": [{"value": _value(v, s.value, s.unit), "section": s.section,
                        "text": label_text(s.text, lang, ""), "chosen": s.id == c.used}
                       for s in c.statements],
        "why": label_text(c.why, lang, ""),
        "none": c.used is None,
    } for c in plan.contradictions]
    departs = sum(r["state"] == "departs" for r in rows)
    return {
        "document": label_text(plan.document, lang, ""),
        "file": plan.path.name if plan.path else "",
        "rows": rows, "assumptions": assumptions, "others": others,
        "contradictions": contradictions,
        "counts": {"figures": len(rows), "follows": sum(r["state"] == "follows" for r in rows),
                   "departs": departs, "declared": sum(r["state"] == "declared" for r in rows),
                   "assumptions": len(assumptions), "others": len(others),
                   "contradictions": len(contradictions),
                   "not_assessed": sum(r["state"] == "not_assessed" for r in rows)},
    }


def relation_text(compare: str | None) -> str:
    return {">=": "≥ ", "<=": "≤ "}.get(compare or "", "")
