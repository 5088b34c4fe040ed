"""``evalkit select`` as an approver reads it: the answer, the rule, the ties, the years.

Every line says what it means in the language chosen (``--lang``): the
status with the tolerance it was proven to, the timing rule quoted, whether
another set or schedule reaches the same objective, the phasing year by year
(years before the as-of date marked), the reserve held back from the sources,
running costs against retained revenue, and why the other towns were left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich import box
from rich.console import Console
from rich.table import Table

from evalkit.decide.scenario import Scenario
from evalkit.decide.selection.result import SelectionResult, Tie

TEXT = {
    "zh": {
        "title": "改区方案", "optimal": "最优", "feasible": "可行（未证明最优）",
        "proven": "已证明与最优解之差不超过相对 {rel:g}、绝对 {abs:g}（CBC 截断增量 {inc:g}）",
        "gap": "与最优界的差距 {gap}", "objective": "目标值", "solver": "求解器",
        "as_of": "评估基准日", "town": "候选镇", "year": "改区年份", "closeness": "贴近度 C",
        "cost": "投资 亿元", "talent": "人才需求", "rule": "时序规则",
        "rule_why": "理由", "past": "早于基准日",
        "past_note": "⚠ 早于评估基准日 {date}：该年份已过去，方案在该年的支出和招聘须已实际发生，请核实。",
        "refused": "早于评估基准日 {date} 的改区年份不予安排：{years}",
        "flagged": "⚠ 改区年份 {years} 早于评估基准日 {date}（情景允许并标注）",
        "no_ties": "没有其他组合或排期达到相同目标值（容差 {tol:.2g}）。",
        "undecided": "⚠ 另有 {n} 个方案与本方案目标值相同（容差 {tol:.2g}），情景中的规则无法区分："
                     "本方案只是其中之一，须由审批方决定。",
        "decided": "另有 {n} 个方案目标值相同（容差 {tol:.2g}），按时序规则本方案更优：",
        "more": "（仅列出前 {n} 个，可能还有更多）",
        "set": "组合", "schedule": "排期",
        "phasing": "分年安排 亿元（改区前一年起按支出比例）", "total": "合计",
        "recruits": "当年所需人才", "recruits_by": "年底前累计所需人才", "converting": "当年改区",
        "limits": "约束使用", "limit": "上限", "used": "使用", "slack": "余量", "binding": "已到上限",
        "reserve": "风险储备 {amount} 亿元（{basis}{plan}）已从资金来源中预留：{held}；"
                   "来源合计 {cap}，支出 {spent}，另余 {left}。",
        "affordability": "改区后运行成本与留存收入（亿元/年，{mode}）",
        "enforced": "作为约束", "reported": "仅报告，不作约束",
        "recurring": "运行成本", "retained": "留存收入", "support": "市级补助", "margin": "余额",
        "excluded": "排除", "not_chosen": "未选", "alternative": "备选方案",
        "with": "含该镇的最优组合为 {towns}，目标值减少 {loss}",
        "bound_only": "未逐一求解：计入该镇至少使目标值减少 {loss}（线性松弛界）",
        "others": "其余 {n} 个合格镇未逐一解释；计入其中任一镇至少使目标值减少 {loss}（线性松弛界）。",
        "others_nobound": "其余 {n} 个合格镇未逐一解释（--explain 可调整数量）。",
        "notes": "说明", "financing": "资金来源 亿元", "source": "来源",
    },
    "en": {
        "title": "Selection", "optimal": "optimal", "feasible": "feasible (not proven optimal)",
        "proven": "proven within a relative gap of {rel:g} and an absolute gap of {abs:g} of the "
                  "best possible (CBC cutoff increment {inc:g})",
        "gap": "gap to the best bound {gap}", "objective": "objective", "solver": "solver",
        "as_of": "as of", "town": "Town", "year": "Year", "closeness": "Closeness",
        "cost": "Cost (亿元)", "talent": "Talent", "rule": "Timing rule", "rule_why": "why",
        "past": "before as-of",
        "past_note": "⚠ before the as-of date {date}: the year has passed; the plan's spending "
                     "and recruiting in it must already have happened — check them.",
        "refused": "conversion years before the as-of date {date} are not scheduled: {years}",
        "flagged": "⚠ conversion years {years} are before the as-of date {date} (the scenario "
                   "allows and flags them)",
        "no_ties": "No other set or schedule reaches the same objective (tolerance {tol:.2g}).",
        "undecided": "⚠ {n} other answers reach the same objective (tolerance {tol:.2g}) and "
                     "nothing in the scenario tells them apart: the answer shown is one of "
                     "several, and the approvers must choose.",
        "decided": "{n} other answers reach the same objective (tolerance {tol:.2g}); the timing "
                   "rule prefers the one shown:",
        "more": " (the first {n} are listed; there may be more)",
        "set": "set", "schedule": "schedule",
        "phasing": "Phasing, 亿元 (spending by the profile)", "total": "total",
        "recruits": "recruits needed that year", "recruits_by": "recruits needed by year end",
        "converting": "converting",
        "limits": "Limits", "limit": "limit", "used": "used", "slack": "slack",
        "binding": "binding",
        "reserve": "Risk reserve {amount} 亿元 ({basis}{plan}) held back from the sources: "
                   "{held}; sources {cap} in all, {spent} spent, {left} left over.",
        "affordability": "Running costs after conversion against retained revenue (亿元 a "
                         "year, {mode})",
        "enforced": "a limit", "reported": "reported, not a limit",
        "recurring": "running cost", "retained": "retained revenue", "support": "city support",
        "margin": "margin",
        "excluded": "Excluded", "not_chosen": "Not chosen", "alternative": "Alternative",
        "with": "best portfolio with it: {towns}, objective −{loss}",
        "bound_only": "not solved one by one: including it lowers the objective by at least "
                      "{loss} (LP bound)",
        "others": "{n} other eligible towns are not explained one by one; including any of them "
                  "lowers the objective by at least {loss} (LP bound).",
        "others_nobound": "{n} other eligible towns are not explained one by one (see "
                          "--explain).",
        "notes": "Notes", "financing": "Financing (亿元)", "source": "source",
    },
}

LIMIT_WORDS = {
    "zh": {"count": "改区镇数", "budget.total": "总预算（扣除风险储备）", "talent": "人才（合计）",
           "reserve": "风险储备（从资金来源中预留）", "debt": "债务（专项债券）"},
    "en": {"count": "towns converted", "budget.total": "total budget (less the reserve)",
           "talent": "recruits in all", "reserve": "reserve held back from sources",
           "debt": "debt"},
}


def limit_label(name: str, scenario: Scenario | None, lang: str) -> str:
    """A limit's name in words (``talent.by.2026`` → 2026年底前人才)."""
    zh = lang == "zh"
    words = LIMIT_WORDS[lang]
    if name in words:
        return words[name]
    labels: dict[str, str] = {}
    if scenario is not None:
        labels.update({c.id: c.label.get(lang) or c.id for c in scenario.categories})
        labels.update({s.id: s.label.get(lang) or s.id for s in scenario.sources})
    parts = name.split(".")
    if parts[0] == "talent" and len(parts) == 3:
        return f"{parts[2]}年底前人才（累计）" if zh else f"recruits by the end of {parts[2]}"
    if parts[0] == "recurring":
        year = parts[1] if len(parts) > 1 else ""
        return f"{year}年运行成本" if zh else f"running costs {year}".strip()
    if parts[0] == "group":
        return f"至多其一：{parts[1]}" if zh else f"at most one of {parts[1]}"
    if parts[0] in ("budget", "source"):
        if parts[1] == "year":
            return f"{parts[2]}年度预算" if zh else f"budget {parts[2]}"
        what = labels.get(parts[1], parts[1])
        if len(parts) == 4:
            return f"{what} {parts[3]}年" if zh else f"{what}, {parts[3]}"
        return what
    return name


def _names(towns: tuple[str, ...], name: Mapping[str, str], zh: bool) -> str:
    return ("、" if zh else ", ").join(name.get(t, t) for t in towns)


def _tie_text(tie: Tie, name: Mapping[str, str], t: Mapping[str, str], zh: bool) -> str:
    years = " ".join(f"{name.get(town, town)} {year}" for town, year in tie.years.items()
                     if year is not None)
    what = years or _names(tie.selected, name, zh)
    return f"  · {t[tie.kind]}: {what} ({t['objective']} {tie.objective:.4f})"


def print_selection(result: SelectionResult, name: Mapping[str, str], scenario: Scenario,
                    lang: str, console: Console) -> None:
    """Print the selection (see the module)."""
    t = TEXT[lang]
    zh = lang == "zh"
    tol = result.tolerances
    if result.status == "optimal":
        proven = t["proven"].format(rel=tol.get("rel_gap", 0), abs=tol.get("abs_gap", 0),
                                    inc=tol.get("cutoff_increment", 0))
        status = f"{t['optimal']} ({proven})"
    else:
        gap = "—" if result.gap is None else f"{result.gap:.2e}"
        status = f"{t['feasible']}, {t['gap'].format(gap=gap)}"
    console.print(f"[bold]{t['title']}[/bold]: {status}")
    console.print(f"{t['objective']} ({result.objective_name}) = {result.objective:.4f} · "
                  f"{t['solver']} {result.solver.upper()} · {t['as_of']} {result.as_of}")
    if result.timing is not None:
        text = result.timing["text"][lang]
        console.print(f"{t['rule']} ({result.timing['rule']}): {text}")
        why = result.timing.get("why") or {}
        if why.get(lang):
            console.print(f"  {t['rule_why']}: {why[lang]}")
    chosen = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for title, justify in ((t["town"], "left"), (t["year"], "right"), (t["closeness"], "right"),
                           (t["cost"], "right"), (t["talent"], "right")):
        chosen.add_column(title, justify=justify)  # type: ignore[arg-type]
    for town in result.selected:
        year = "" if town.year is None else str(town.year)
        if town.before_as_of:
            year += f" ⚠ {t['past']}"
        chosen.add_row(f"{name.get(town.id, town.name)} {town.id}", year,
                       f"{town.closeness:.4f}", f"{town.cost:.1f}", f"{town.talent_need:.0f}")
    console.print(chosen)
    if result.refused:
        console.print(t["refused"].format(date=result.as_of,
                                          years=", ".join(map(str, result.refused))))
    if any(town.before_as_of for town in result.selected):
        console.print(t["flagged"].format(date=result.as_of,
                                          years=", ".join(map(str, result.flagged))))
    _ties(result, name, t, zh, console)
    _phasing(result, scenario, t, lang, console)
    _limits(result, scenario, t, lang, console)
    _reserve(result, scenario, t, lang, console)
    _affordability(result, t, console)
    _why_not(result, name, t, zh, console)
    if result.notes:
        console.print(f"{t['notes']}: " + "; ".join(result.notes))


def _ties(result: SelectionResult, name: Mapping[str, str], t: Mapping[str, str], zh: bool,
          console: Console) -> None:
    tol = result.tie_tolerance
    undecided = [x for x in result.ties if not x.decided_by_rule]
    decided = [x for x in result.ties if x.decided_by_rule]
    more = "" if result.ties_complete else t["more"].format(n=len(result.ties))
    if not result.ties:
        console.print(t["no_ties"].format(tol=tol) + more)
        return
    if undecided:
        console.print(t["undecided"].format(n=len(undecided), tol=tol) + more)
        for tie in undecided:
            console.print(_tie_text(tie, name, t, zh))
    if decided:
        console.print(t["decided"].format(n=len(decided), tol=tol) + ("" if undecided else more))
        for tie in decided:
            console.print(_tie_text(tie, name, t, zh))


def _phasing(result: SelectionResult, scenario: Scenario, t: Mapping[str, str], lang: str,
             console: Console) -> None:
    if not result.phasing:
        if result.financing:
            _financing(result, scenario, t, lang, console)
        return
    table = Table(title=t["phasing"], box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("")
    for year in result.phasing:
        table.add_column(f"{year.year}" + (" ⚠" if year.before_as_of else ""), justify="right")
    labels = {c.id: c.label.get(lang) or c.id for c in scenario.categories}
    labels.update({s.id: s.label.get(lang) or s.id for s in scenario.sources})
    cats = list(result.phasing[0].spending)
    for cat in cats:
        table.add_row(labels.get(cat, cat), *(f"{y.spending.get(cat, 0.0):.1f}"
                                              for y in result.phasing))
    table.add_row(t["total"], *(f"{y.total:.1f}" for y in result.phasing), end_section=True)
    sources = [s.id for s in scenario.sources if any(s.id in y.by_source for y in result.phasing)]
    for src in sources:
        table.add_row(labels.get(src, src), *(f"{y.by_source.get(src, 0.0):.1f}"
                                              for y in result.phasing))
    if sources:
        table.add_section()
    if scenario.talent_column:
        table.add_row(t["recruits"], *(f"{y.talent:.1f}" for y in result.phasing))
        table.add_row(t["recruits_by"], *(f"{y.talent_by:.1f}" for y in result.phasing))
    table.add_row(t["converting"], *(" ".join(y.converting) for y in result.phasing))
    console.print(table)
    if any(y.before_as_of and y.total > 0 for y in result.phasing):
        console.print(t["past_note"].format(date=result.as_of))


def _financing(result: SelectionResult, scenario: Scenario, t: Mapping[str, str], lang: str,
               console: Console) -> None:
    plan: dict[str, float] = {}
    for f in result.financing:
        plan[f.source] = plan.get(f.source, 0.0) + f.amount
    table = Table(title=t["financing"], box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t["source"])
    table.add_column(t["total"], justify="right")
    labels = {s.id: s.label.get(lang) or s.id for s in scenario.sources}
    for src, amount in plan.items():
        table.add_row(labels.get(src, src), f"{amount:.2f}")
    console.print(table)


def _limits(result: SelectionResult, scenario: Scenario, t: Mapping[str, str], lang: str,
            console: Console) -> None:
    table = Table(title=t["limits"], box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("")
    table.add_column("", style="dim")
    for title in (t["used"], t["limit"], t["slack"]):
        table.add_column(title, justify="right")
    table.add_column("")
    for c in result.constraints:
        digits = 0 if c.unit in ("towns", "persons") else 2
        table.add_row(limit_label(c.name, scenario, lang), c.name, f"{c.used:.{digits}f}",
                      f"{c.limit:.{digits}f} {c.unit}", f"{c.slack:.{digits}f}",
                      t["binding"] if c.binding and c.name != "count" else "")
    console.print(table)


def _reserve(result: SelectionResult, scenario: Scenario, t: Mapping[str, str], lang: str,
             console: Console) -> None:
    r = result.reserve
    if r is None:
        return
    zh = lang == "zh"
    labels = {s.id: s.label.get(lang) or s.id for s in scenario.sources}
    basis = {"fixed": "固定额" if zh else "a fixed amount",
             "total": (f"总额的 {r.rate:.0%}" if zh else f"{r.rate:.0%} of the total")
             if r.rate is not None else "",
             "investment": (f"投资额的 {r.rate:.0%}" if zh else f"{r.rate:.0%} of the investment")
             if r.rate is not None else ""}[r.basis]
    plan = ""
    if r.plan is not None:
        plan = (f"，工作方案 {r.plan['section']} {r.plan['id']}" if zh
                else f", plan {r.plan['section']} {r.plan['id']}")
    held = ("、" if zh else ", ").join(f"{labels.get(s, s)} {v:.1f}" for s, v in r.held.items())
    console.print(t["reserve"].format(amount=f"{r.amount:.1f}", basis=basis, plan=plan,
                                      held=held or "—", cap=f"{r.sources_capacity:.1f}",
                                      spent=f"{r.spent:.1f}", left=f"{r.unallocated:.1f}"))


def _affordability(result: SelectionResult, t: Mapping[str, str], console: Console) -> None:
    if not result.affordability:
        return
    enforced = result.affordability[0].enforced
    table = Table(title=t["affordability"].format(mode=t["enforced" if enforced else "reported"]),
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t["year"])
    for title in (t["recurring"], t["retained"], t["support"], t["margin"]):
        table.add_column(title, justify="right")
    for a in result.affordability:
        table.add_row("" if a.year is None else str(a.year), f"{a.recurring:.2f}",
                      f"{a.retained:.2f}", "—" if a.support is None else f"{a.support:.2f}",
                      f"{a.margin:.2f}" + (" ⚠" if a.margin < 0 else ""))
    console.print(table)


def _why_not(result: SelectionResult, name: Mapping[str, str], t: Mapping[str, str], zh: bool,
             console: Console) -> None:
    for e in result.excluded:
        reason = e.reason_zh if zh and e.reason_zh else e.reason
        console.print(f"{t['excluded']}: {name.get(e.id, e.id)} {e.id} — {reason}")
    excluded = {e.id for e in result.excluded}
    for w in result.why_not:
        if w.id in excluded:
            continue  # its screen or exclusion is listed above
        if w.best_portfolio is not None and w.objective_loss is not None:
            text = t["with"].format(towns=_names(w.best_portfolio, name, zh),
                                    loss=f"{w.objective_loss:.4f}")
            if "tie" in w.reason:
                text += f" — {w.reason}"
        elif w.method == "bound" and w.loss_bound is not None:
            text = t["bound_only"].format(loss=f"{w.loss_bound:.4f}")
        else:
            text = w.reason
        console.print(f"{t['not_chosen']}: {name.get(w.id, w.id)} {w.id} — {text}")
    summary = result.why_not_summary
    if summary is not None and summary.not_explained:
        if summary.min_loss_bound is not None:
            console.print(t["others"].format(n=f"{summary.not_explained:,}",
                                             loss=f"{summary.min_loss_bound:.4f}"))
        else:
            console.print(t["others_nobound"].format(n=f"{summary.not_explained:,}"))
    for k, a in enumerate(result.alternatives, start=1):
        console.print(f"{t['alternative']} {k}: {_names(a.selected, name, zh)} "
                      f"({t['objective']} {a.objective:.4f})")
