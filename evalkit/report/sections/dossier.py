"""The dossier's sections: checklist, narratives, change plan, panel, risk register, survey.

Each builder turns the :class:`~evalkit.decide.dossier.Dossier` of the report
into a view model; what the dossier lacks becomes a placeholder text naming
the file and field to fill (rendered as a boxed 待补充, ``class="placeholder"``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evalkit.decide.dossier import PANEL_FILE, RISKS_FILE, SURVEY_FILE, Dossier
from evalkit.decide.dossier.narrative import PLAN_FIELDS, PLAN_TEXT_FIELDS
from evalkit.decide.dossier.plan import PlanCheck, check_plan
from evalkit.decide.dossier.risks import LEVELS, SCALE, Risk, risk_level
from evalkit.errors import InputError
from evalkit.report.sections.view import View
from evalkit.report.text import fmt_num, fmt_pct, has_cjk, label_text
from evalkit.report.text import sub_number as heading_number


def _dossier(v: View) -> Dossier | None:
    return v.report.dossier


def shown_folder(v: View) -> str:
    """The dossier folder as the documents name it, never an absolute path of the machine.

    Relative to the working directory when it is under it; else from the criteria
    file's folder (``criteria/dossier``); else its own name.
    """
    d = _dossier(v)
    if d is None:
        return "dossier"
    folder = Path(d.folder)
    if not folder.is_absolute():
        return folder.as_posix()
    folder = Path(_resolved(folder))
    bases = [Path.cwd()]
    criteria = getattr(v.criteria, "path", None)
    if criteria is not None:
        bases.append(Path(_resolved(Path(criteria).absolute().parent)).parent)
    for base in bases:
        try:
            shown = folder.relative_to(_resolved(base))
        except ValueError:
            continue
        return shown.as_posix() if shown.parts else "."
    return folder.name


def _resolved(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path)


def placeholder(v: View, file: str, field: str = "") -> str:
    """The 待补充 text: which file (and field) of the dossier folder to fill."""
    where = f"{shown_folder(v)}/{file}"
    if field:
        return v.t("dz_placeholder_field", file=where, field=v.t[f"dz_field_{field}"])
    return v.t("dz_placeholder", file=where)


def sub_number(v: View, k: int) -> str:
    """（一）（二）… in Chinese, (a) (b) … in English: the second level of headings."""
    return heading_number(v.lang, k)


def item_number(v: View, k: int) -> str:
    """1. 2. …: the third level (a space after it in English)."""
    return f"{k}." if v.lang == "zh" else f"{k}. "


def checklist(v: View) -> dict[str, Any]:
    """Every dossier input, filled or 待补充, in document order."""
    d = _dossier(v)
    if d is None:
        return {"items": [], "missing": 1, "folder": ""}
    items = [{"label": v.t[f"dz_check_{i.key.replace('.', '_')}"],
              "file": i.file, "field": v.t[f"dz_field_{i.field}"] if i.field else "",
              "filled": i.filled} for i in d.checklist()]
    return {"items": items, "missing": sum(not i["filled"] for i in items),
            "folder": shown_folder(v), "cover_notice": cover_notice(v)}


def cover_notice(v: View) -> dict[str, str]:
    """The cover's notice on the data, citing only what this document holds.

    The summary's notice points to its appendix of base data; the 论证报告 has no
    such appendix and the risk report uses no base data of its own.
    """
    found = v.evidence()
    if found is None:
        return {"argument": "", "risk": ""}
    reason, counts = found
    return {"argument": v.t(f"dz_evidence_notice_{reason}", **counts),
            "risk": v.t["dz_evidence_notice_risk"]}


def narratives(v: View) -> dict[str, Any]:
    """Each narrative section's blocks, numbered, or its placeholder."""
    d = _dossier(v)
    out: dict[str, Any] = {}
    from evalkit.decide.dossier.narrative import SECTIONS

    for key in SECTIONS:
        n = d.narrative(key) if d is not None else None
        if n is None:
            out[key] = {"blocks": [], "placeholder": placeholder(v, f"{key}.md"),
                        "next": sub_number(v, 1),
                        "translated": True, "english_file": f"{key}.en.md"}
            continue
        blocks = []
        heading = item = 0
        for b in n.text(v.lang):
            if b.kind == "h":
                heading += 1
                item = 0
                blocks.append({"kind": "h", "text": sub_number(v, heading) + b.text})
            elif b.kind == "li":
                item += 1
                blocks.append({"kind": "li", "text": b.text, "n": item_number(v, item)})
            else:
                item = 0
                blocks.append({"kind": "p", "text": b.text})
        # An English document shows <key>.en.md; without it, the Chinese text under a note
        # naming the file to add (never Chinese passed off as the English text).
        out[key] = {"blocks": blocks, "placeholder": "", "next": sub_number(v, heading + 1),
                    "translated": v.lang == "zh" or "en" in n.blocks,
                    "english_file": f"{key}.en.md"}
    return out


def change_plan(v: View) -> dict[str, Any]:
    """The change plan's fields (名称, 类型, 隶属, 所涉镇, 四至, 驻地, 面积, 人口), their
    placeholders, and a notice of what disagrees with the selection and the data."""
    d = _dossier(v)
    n = d.narrative("change_plan") if d is not None else None
    fields = n.fields if n is not None else {}
    check = _plan_check(v, fields) if fields.get("towns") else None
    rows = []
    for f in PLAN_FIELDS:
        value, translated = fields.get(f, ""), True
        if value and f in PLAN_TEXT_FIELDS and v.lang != "zh":
            translated = f"{f}_en" in fields
            value = fields.get(f"{f}_en", value)
        if value and f == "area":
            value = v.t("dz_area", value=value)
        elif value and f == "population":
            value = _population(v, value)
        elif value and f == "towns" and check is not None:
            value = _joined(v, [v.name(town) for town in check.listed] + list(check.unknown))
        rows.append({"label": v.t[f"dz_field_{f}"], "value": value,
                     "untranslated": "" if translated else v.t("dz_untranslated_field",
                                                               field=f"{f}_en"),
                     "placeholder": "" if value else placeholder(v, "change_plan.md", f)})
    return {"rows": rows, "notices": _plan_notices(v, check) if check is not None else []}


def _joined(v: View, names: list[str]) -> str:
    return ("、" if v.lang == "zh" else ", ").join(names)


def _population(v: View, value: str) -> str:
    """万人 in Chinese; whole persons in English (31.2 万人 → 312,000 persons)."""
    if v.lang == "zh":
        return v.t("dz_population", value=value)
    try:
        persons = float(value.replace(",", "")) * 10_000
    except ValueError:
        return v.t("dz_population", value=value)
    return v.t("dz_population", value=f"{persons:,.0f}")


def _data_column(v: View, pattern: str) -> dict[str, float] | None:
    """Each town's value of the latest column named like ``pattern`` (pop_2022, area_km2)."""
    candidates = v.evaluation.candidates
    columns = sorted(c for c in candidates.columns if re.fullmatch(pattern, c))
    if not columns:
        return None
    try:
        values = candidates.numeric(columns[-1])
    except InputError:  # a column the data cannot give as numbers: no comparison
        return None
    return {town: float(x) for town, x in zip(candidates.ids, values, strict=True)
            if x == x}


def _plan_check(v: View, fields: dict[str, str]) -> PlanCheck:
    c = v.evaluation.candidates
    selection = v.report.selection
    selected = [row.id for row in selection.selected] if selection is not None else []
    return check_plan(fields, c.ids, c.names, c.names_en, selected,
                      _data_column(v, r"pop_\d{4}"), _data_column(v, r"area(_km2)?"))


def _plan_notices(v: View, c: PlanCheck) -> list[str]:
    """What the plan says that the selection or the data do not (boxed at the plan)."""
    t, out = v.t, []
    if c.unknown:
        out.append(t("dz_plan_unknown", towns=_joined(v, list(c.unknown))))
    if c.towns_differ:
        out.append(t("dz_plan_towns_differ", plan=_joined(v, [v.name(x) for x in c.listed]),
                     selected=_joined(v, [v.name(x) for x in c.selected])))
    if c.population_differs and c.population is not None:
        out.append(t("dz_plan_population_differ", stated=fmt_num(c.stated_population, 1),
                     data=fmt_num(c.population, 1)))
    if c.area_differs and c.area is not None:
        out.append(t("dz_plan_area_differ", stated=fmt_num(c.stated_area, 1),
                     data=fmt_num(c.area, 1)))
    return out


def panel(v: View) -> dict[str, Any] | None:
    """The panel: members, dates, method, opinions, dissent, conclusion and signature lines."""
    d = _dossier(v)
    p = d.panel if d is not None else None
    if p is None:
        return None
    lang = v.lang
    english = lang == "en"
    members = [{"name": v.as_written(m.name_en, translated=True) if english and m.name_en
                else v.as_written(m.name),
                "title": label_text(m.title, lang),
                "unit": label_text(m.unit, lang),
                "independent": v.t["answer_yes"] if m.independent else v.t["answer_no"],
                "role": v.t[f"dz_role_{m.role}"], "opinion": label_text(m.opinion, lang),
                "n": item_number(v, k)} for k, m in enumerate(p.members, start=1)]
    independent = sum(m.independent for m in p.members)
    return {"start": p.start, "end": p.end, "method": label_text(p.method, lang),
            "members": members,
            # A name with no English: an English document shows it as written, noted.
            "names_note": v.t["dz_names_as_written"] if english and any(
                not m.name_en and has_cjk(m.name) for m in p.members) else "",
            "summary": v.t("dz_panel_summary", n=len(members), independent=independent,
                           start=_date(p.start, lang), end=_date(p.end, lang),
                           method=label_text(p.method, lang)),
            "dissent": label_text(p.dissent, lang) if p.dissent else "",
            "conclusion": label_text(p.conclusion, lang)}


def _date(iso: str, lang: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{year}年{month}月{day}日" if lang == "zh" else iso


def risks(v: View) -> dict[str, Any] | None:
    """The register with levels, the heat matrix (counts per cell), and the conclusion."""
    d = _dossier(v)
    r = d.risks if d is not None else None
    if r is None:
        return None
    t = v.t
    rows = [{"id": x.id, "category": t[f"dz_cat_{x.category}"],
             **_risk_texts(v, x),
             "likelihood": x.likelihood, "impact": x.impact, "score": x.likelihood * x.impact,
             "level": t[f"dz_level_{x.level}"], "level_key": x.level,
             "deadline": _date(x.deadline, v.lang),
             "residual": t[f"dz_level_{x.residual_level}"], "residual_key": x.residual_level,
             "residual_score": x.residual_likelihood * x.residual_impact}
            for x in r.risks]
    grid = []
    for likelihood in reversed(SCALE):
        cells = []
        for impact in SCALE:
            ids = [x.id for x in r.risks if (x.likelihood, x.impact) == (likelihood, impact)]
            later = [x.id for x in r.risks
                     if (x.residual_likelihood, x.residual_impact) == (likelihood, impact)]
            cells.append({"level": risk_level(likelihood, impact), "ids": "、".join(ids)
                          if v.lang == "zh" else ", ".join(ids),
                          "after": ("、" if v.lang == "zh" else ", ").join(later)})
        grid.append({"likelihood": likelihood, "cells": cells})
    by_level: list[dict[str, Any]] = []
    for lvl in reversed(LEVELS):
        chosen = [row for row in rows if row["level_key"] == lvl]
        if chosen:
            by_level.append({"title": item_number(v, len(by_level) + 1) + t(
                "dz_level_group", level=t[f"dz_level_{lvl}"], n=len(chosen)),
                "items": [{"n": f"（{k}）" if v.lang == "zh" else f"({k}) ", **row}
                          for k, row in enumerate(chosen, start=1)]})
    before, after = r.counts(), r.counts(residual=True)
    counts = [{"level": t[f"dz_level_{lvl}"], "before": before[lvl], "after": after[lvl]}
              for lvl in reversed(LEVELS)]
    decision = r.conclusion
    untranslated = sorted({f"{k}_en" for row in rows
                           for k in ("description", "mitigation", "responsible")
                           if row[f"{k}_zh"]})
    return {"untranslated": v.t("dz_untranslated_risks", fields=", ".join(untranslated),
                                file=RISKS_FILE) if untranslated else "",
            "rows": rows, "by_level": by_level, "grid": grid, "impacts": list(SCALE), "counts": counts,
            "decision": t[f"dz_decision_{decision}"] if decision else "",
            "decision_key": decision or "",
            "decision_text": t(f"dz_decision_text_{decision}", high=after["high"],
                               medium=after["medium"], low=after["low"]) if decision else ""}


def _risk_texts(v: View, x: Risk) -> dict[str, Any]:
    """description, mitigation, responsible in the document's language; a Chinese one in an
    English document is marked (``<key>_zh`` true) and noted once under the table."""
    out: dict[str, Any] = {}
    for key in ("description", "mitigation", "responsible"):
        text, translated = x.text(key, v.lang)
        out[key], out[f"{key}_zh"] = text, not translated
    return out


def survey(v: View) -> dict[str, Any] | None:
    """Each town's support, neutral and oppose rates with their 95% intervals."""
    d = _dossier(v)
    s = d.survey if d is not None else None
    if s is None:
        return None

    def rate(x: Any) -> dict[str, str]:
        return {"rate": fmt_pct(x.rate), "ci": v.t("dz_ci", low=fmt_pct(x.low),
                                                      high=fmt_pct(x.high))}

    rows: list[dict[str, Any]] = [
        {"name": v.name(x.town), "sample": v.count(x.sample), "support": rate(x.support),
         "neutral": rate(x.neutral), "oppose": rate(x.oppose),
         "half": fmt_num(x.half_width * 100, 1), "small": x.small_sample}
        for x in s.towns]
    small = [r["name"] for r in rows if r["small"]]
    return {"rows": rows, "margin": fmt_num(s.margin * 100, 0),
            "small": ("、" if v.lang == "zh" else ", ").join(small)}


def files(v: View) -> dict[str, str]:
    """The dossier's file names, for placeholders of whole chapters."""
    return {"panel": placeholder(v, PANEL_FILE), "risks": placeholder(v, RISKS_FILE),
            "survey": placeholder(v, SURVEY_FILE)}


def _limit_label(v: View, name: str, shown: str) -> str:
    """A limit's words: the summary's label, else the dossier's own (reserve → 风险准备金)."""
    return shown if shown != name else v.t.get(f"dz_limit_{name}", name)


def feasibility(v: View) -> dict[str, Any] | None:
    """What the selection gives for feasibility: the towns, the money, the binding limits."""
    s = v["selection"]
    if s is None:
        return None
    # c["name"] is the summary's constraint_label (evalkit.report.sections.selection).
    raw = v.report.selection.constraints if v.report.selection is not None else ()
    binding = [c["source"] or _limit_label(v, limit.name, c["name"])
               for c, limit in zip(s["constraints"], raw, strict=False) if c["binding"]]
    joiner = "、" if v.lang == "zh" else ", "
    return {"towns": joiner.join(row["name"] for row in s["selected"]),
            # A no-break space: the unit never goes to the next line without its number.
            "cost": v.money(s["total_cost"]).replace(" ", "\u00a0") if v.lang == "zh"
            else v.money(s["total_cost"]),
            "financed": v.money(s["total_financed"]).replace(" ", "\u00a0") if v.lang == "zh"
            else v.money(s["total_financed"]),
            "binding": joiner.join(dict.fromkeys(binding))}
