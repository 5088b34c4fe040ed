"""十、风险提示: fiscal and talent risks, computed from the data and the selection."""

from __future__ import annotations

from typing import Any

from evalkit.report.sections.view import View
from evalkit.report.text import digits_for, fmt_num, fmt_pct


def build(v: View) -> dict[str, Any]:
    """The chosen towns' weakest fiscal and talent figures, the financing and its limits."""
    t = v.t
    fiscal: list[str] = []
    talent: list[str] = []
    ids = v.matrix.ids
    chosen = v.selected_ids() or list(ids)
    scope = t["risk_scope_selected"] if v.selected_ids() else t["risk_scope_all"]
    for family, bucket in (("fiscal", fiscal), ("talent", talent)):
        for j, ind in enumerate(v.criteria.indicators):
            if ind.family != family:
                continue
            values = [(town, v.matrix.values[ids.index(town), j]) for town in chosen
                      if town in ids]
            if not values:
                continue
            worst = min(values, key=lambda kv: kv[1] * ind.sign)
            digits = digits_for([x for _, x in values])
            if ind.direction == "min" and ind.unit in ("人", "persons"):
                bucket.append(t("risk_sum", scope=scope, label=ind.label(v.lang),
                                total=fmt_num(sum(x for _, x in values), 0),
                                unit=v.unit(ind.unit, "")))
            bucket.append(t("risk_worst", scope=scope, label=ind.label(v.lang),
                            town=v.name(worst[0]), value=fmt_num(worst[1], digits),
                            unit=v.unit(ind.unit, "")))
    selection = v["selection"]
    if selection is not None:
        gap = selection["total_cost"] - selection["total_financed"]
        fiscal.append(t("risk_financing", cost=v.money(selection["total_cost"]),
                        financed=v.money(selection["total_financed"]),
                        gap=v.money(max(gap, 0.0))))
        by_source = {row["source"]: row["amount"] for row in selection["financing_by_source"]}
        total = sum(by_source.values())
        if total > 0:
            largest = max(by_source, key=lambda k: by_source[k])
            fiscal.append(t("risk_dependence", source=largest,
                            share=fmt_pct(by_source[largest] / total, 0)))
        binding = [c["name"] for c in selection["constraints"]
                   if c["binding"] and not c["talent"] and not c["source"]]
        # Sources by their own names: the sentence already says "budgets or sources".
        binding += [c["source"] for c in selection["constraints"] if c["binding"] and c["source"]]
        if binding:
            fiscal.append(t("risk_binding", names=t["list_sep"].join(binding)))
        for c in selection["constraints"]:
            if c["talent"]:
                key = "risk_talent_binding" if c["binding"] else "risk_capacity"
                talent.append(t(key, name=c["name"], used=c["used"], limit=c["limit"],
                                share=c["share"]))
    else:
        fiscal.append(t["not_run_selection"])
    return {"fiscal": fiscal, "talent": talent}
