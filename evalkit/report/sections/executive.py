"""一、评估结论摘要 / Executive summary: the ranking, the recommendation and its robustness."""

from __future__ import annotations

from typing import Any

from evalkit.report.sections.view import View
from evalkit.report.text import fmt_num


def build(v: View) -> dict[str, Any]:
    """The conclusions in a few sentences, and the recommended towns' table."""
    t = v.t
    ranking, selection, robustness = v["ranking"], v["selection"], v["robustness"]
    order = [row["id"] for row in ranking["rows"]]
    points = [t("exec_ranking", n=len(order), method=v.method_text(),
                order=" > ".join(v.name(i, short=True) for i in order))]
    first = ranking["rows"][0]
    points.append(t("exec_first", town=v.name(first["id"]),
                    closeness=fmt_num(first["closeness"], 3)))
    recommended: list[dict[str, Any]] = []
    if selection is not None:
        recommended = selection["selected"]
        if recommended:
            towns = t["list_sep"].join(
                t("exec_town_year", town=row["name"], year=row["year"], cost=row["cost_text"])
                for row in recommended)
            points.append(t("exec_selected", n=len(recommended), towns=towns))
            points.append(t("exec_cost", total=v.money(selection["total_cost"]),
                            financed=v.money(selection["total_financed"])))
            if selection["financing_by_source"]:
                parts = [f"{row['source']} {v.money(row['amount'])}"
                         for row in selection["financing_by_source"]]
                points.append(t("exec_financing", sources=("、" if v.lang == "zh"
                                                           else ", ").join(parts)))
        else:
            points.append(t("exec_none_selected", status=selection["status"]))
    decisive, experts = v["decisive"], v["experts"]
    if decisive is not None:
        points.append(decisive["statement"])
    if robustness is not None:
        points.extend(robustness["plain"])
    if experts is not None:
        points.extend(experts["dissent"])
    plan = v["plan"]
    if plan is not None:
        c = plan["counts"]
        points.append(t("exec_plan", follows=c["follows"], departs=c["departs"],
                        declared=c["declared"],
                        assumptions=c["assumptions"], others=c["others"],
                        contradictions=c["contradictions"], not_assessed=c["not_assessed"]))
    return {"points": points, "recommended": recommended,
            "not_run": [t[k] for k, value in (("not_run_selection", selection),
                                              ("not_run_robustness", robustness))
                        if value is None]}
