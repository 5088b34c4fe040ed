"""The dossier's sections: checklist, narratives, change plan, panel, risk register, survey.

Each builder turns the :class:`~evalkit.decide.dossier.Dossier` of the report
into a view model; what the dossier lacks becomes a placeholder text naming
the file and field to fill (rendered as a boxed 待补充, ``class="placeholder"``).
"""

from __future__ import annotations

from typing import Any

from evalkit.decide.dossier import PANEL_FILE, RISKS_FILE, SURVEY_FILE, Dossier
from evalkit.decide.dossier.narrative import PLAN_FIELDS
from evalkit.decide.dossier.risks import LEVELS, SCALE, risk_level
from evalkit.report.sections.view import View
from evalkit.report.text import fmt_num, fmt_pct, label_text, zh_numeral


def _dossier(v: View) -> Dossier | None:
    return v.report.dossier


def placeholder(v: View, file: str, field: str = "") -> str:
    """The 待补充 text: which file (and field) of the dossier folder to fill."""
    folder = _dossier(v)
    where = f"{folder.folder}/{file}" if folder is not None else file
    if field:
        return v.t("dz_placeholder_field", file=where, field=v.t[f"dz_field_{field}"])
    return v.t("dz_placeholder", file=where)


def sub_number(v: View, k: int) -> str:
    """（一）（二）… in Chinese, (a) (b) … in English: the second level of headings."""
    return f"（{zh_numeral(k)}）" if v.lang == "zh" else f"({chr(96 + k)}) "


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
    return {"items": items, "missing": sum(not i["filled"] for i in items), "folder": d.folder}


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
    """The change plan's fields (名称, 类型, 隶属, 四至, 驻地, 面积, 人口) or their placeholders."""
    d = _dossier(v)
    n = d.narrative("change_plan") if d is not None else None
    fields = n.fields if n is not None else {}
    rows = []
    for f in PLAN_FIELDS:
        value = fields.get(f, "")
        if value and f == "area":
            value = v.t("dz_area", value=value)
        elif value and f == "population":
            value = v.t("dz_population", value=value)
        rows.append({"label": v.t[f"dz_field_{f}"], "value": value,
                     "placeholder": "" if value else placeholder(v, "change_plan.md", f)})
    return {"rows": rows}


def panel(v: View) -> dict[str, Any] | None:
    """The panel: members, dates, method, opinions, dissent, conclusion and signature lines."""
    d = _dossier(v)
    p = d.panel if d is not None else None
    if p is None:
        return None
    lang = v.lang
    members = [{"name": m.name, "title": label_text(m.title, lang),
                "unit": label_text(m.unit, lang),
                "independent": v.t["answer_yes"] if m.independent else v.t["answer_no"],
                "role": v.t[f"dz_role_{m.role}"], "opinion": label_text(m.opinion, lang),
                "n": item_number(v, k)} for k, m in enumerate(p.members, start=1)]
    independent = sum(m.independent for m in p.members)
    return {"start": p.start, "end": p.end, "method": label_text(p.method, lang),
            "members": members,
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
    rows = [{"id": x.id, "category": t[f"dz_cat_{x.category}"], "description": x.description,
             "likelihood": x.likelihood, "impact": x.impact, "score": x.likelihood * x.impact,
             "level": t[f"dz_level_{x.level}"], "level_key": x.level,
             "mitigation": x.mitigation, "responsible": x.responsible,
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
    return {"rows": rows, "by_level": by_level, "grid": grid, "impacts": list(SCALE), "counts": counts,
            "decision": t[f"dz_decision_{decision}"] if decision else "",
            "decision_key": decision or "",
            "decision_text": t(f"dz_decision_text_{decision}", high=after["high"],
                               medium=after["medium"], low=after["low"]) if decision else ""}


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


def feasibility(v: View) -> dict[str, Any] | None:
    """What the selection gives for feasibility: the towns, the money, the binding limits."""
    s = v["selection"]
    if s is None:
        return None
    binding = [c["source"] or c["name"] for c in s["constraints"] if c["binding"]]
    joiner = "、" if v.lang == "zh" else ", "
    return {"towns": joiner.join(row["name"] for row in s["selected"]),
            # A no-break space: the unit never goes to the next line without its number.
            "cost": v.money(s["total_cost"]).replace(" ", "\u00a0") if v.lang == "zh"
            else v.money(s["total_cost"]),
            "financed": v.money(s["total_financed"]).replace(" ", "\u00a0") if v.lang == "zh"
            else v.money(s["total_financed"]),
            "binding": joiner.join(dict.fromkeys(binding))}
