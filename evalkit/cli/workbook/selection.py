"""The selection workbook (``evalkit select --format xlsx``).

入选镇 (towns, years, closeness, costs), 约束与余量 (every limit, its use and
slack), 资金安排 (the financing rows, by year and by category), 分年安排 (the
phasing), 未入选说明 (screens and why the others were left out) and 备选方案,
after the cover sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from evalkit.cli.selection_table import limit_label
from evalkit.cli.workbook.book import (
    CLOSENESS,
    COUNT,
    MONEY,
    Column,
    Cover,
    Num,
    Sheet,
    Table,
    build,
)
from evalkit.cli.workbook.cover import evaluation_inputs, evaluation_methods, input_rows
from evalkit.decide.scenario import Scenario
from evalkit.decide.selection.result import SelectionResult
from evalkit.model.evaluation import Evaluation
from evalkit.version import __version__

UNITS = {"towns": "个", "persons": "人", "亿元": "亿元"}
STATUS = {"optimal": "最优", "feasible": "可行（未证明最优）"}


def scenario_inputs(scenario: Scenario) -> list[tuple[str, Path | str | None]]:
    """The scenario file and the standards and work-plan files it names."""
    files: list[tuple[str, Path | str | None]] = [("选择情景 scenario", scenario.path)]
    standards = getattr(scenario.standards, "path", None)
    plan = getattr(scenario.plan, "path", None)
    files += [("达标标准 standards", standards), ("工作方案 plan", plan)]
    return files


def selection_workbook(evaluation: Evaluation, result: SelectionResult, scenario: Scenario,
                       command: str,
                       extra_inputs: Iterable[tuple[str, Path | str | None]] = ()) -> bytes:
    """The selection workbook's bytes (the same inputs and command, the same bytes)."""
    names = dict(zip(evaluation.matrix.ids, evaluation.matrix.names, strict=True))
    labels = {c.id: c.label.get("zh") or c.id for c in scenario.categories}
    labels.update({s.id: s.label.get("zh") or s.id for s in scenario.sources})
    sheets = [_chosen(result, labels), _limits(result, scenario),
              _financing(result, names, labels)]
    if result.phasing:
        sheets.append(_phasing(result, labels))
    sheets.append(_left_out(result, names))
    if result.alternatives:
        sheets.append(_alternatives(result, names))
    methods = [
        *evaluation_methods(evaluation)[:6],
        ("情景", f"{scenario.label.get('zh') or scenario.name}"),
        ("优化目标", f"最大化入选镇的 {result.objective_name} 之和"),
        ("求解器", result.solver.upper()),
        ("求解状态", STATUS.get(result.status, result.status)),
        ("目标值", f"{result.objective:.4f}"),
        ("评估基准日", str(result.as_of or "")),
    ]
    if result.timing is not None:
        methods.append(("时序规则", f"{result.timing.get('rule')}：{result.timing['text']['zh']}"))
    cover = Cover(title=f"{evaluation.criteria.label('zh')} — 改区方案优选",
                  command=command, version=__version__,
                  inputs=input_rows([*evaluation_inputs(evaluation), *scenario_inputs(scenario),
                                     *extra_inputs]),
                  methods=methods,
                  sheets=[(s.name, s.notes[0] if s.notes else "") for s in sheets],
                  warnings=(*evaluation.warnings, *result.notes))
    return build(cover, sheets)


def _chosen(result: SelectionResult, labels: Mapping[str, str]) -> Sheet:
    categories = list(dict.fromkeys(c for town in result.selected for c in town.costs))
    columns = [Column("编号"), Column("候选镇"), Column("改区年份", COUNT),
               Column("贴近度 C", CLOSENESS), Column("投资合计（亿元）", MONEY),
               *(Column(f"{labels.get(c, c)}（亿元）", MONEY) for c in categories),
               Column("人才需求（人）", COUNT), Column("早于基准日")]
    rows = [[town.id, town.name, town.year, town.closeness, town.cost,
             *(town.costs.get(c) for c in categories), town.talent_need,
             "是" if town.before_as_of else ""] for town in result.selected]
    total = ["合计", None, None, sum(t.closeness for t in result.selected),
             sum(t.cost for t in result.selected),
             *(sum(t.costs.get(c, 0.0) for t in result.selected) for c in categories),
             sum(t.talent_need for t in result.selected), None]
    return Sheet("入选镇", [Table(columns, [*rows, total])], frozen_columns=2,
                 notes=(f"入选 {len(result.selected)} 个镇，目标值 {result.objective:.4f}",))


def _limits(result: SelectionResult, scenario: Scenario) -> Sheet:
    columns = [Column("约束"), Column("代码"), Column("使用"), Column("上限"), Column("余量"),
               Column("单位"), Column("已到上限")]
    rows = []
    for c in result.constraints:
        fmt = COUNT if c.unit in ("towns", "persons") else MONEY
        bound = "下限" if c.sense == ">=" else "上限"
        rows.append([limit_label(c.name, scenario, "zh"), c.name, Num(c.used, fmt),
                     Num(c.limit, fmt), Num(c.slack, fmt), UNITS.get(c.unit, c.unit),
                     (f"是（{bound}）" if c.binding and c.name != "count" else "")])
    return Sheet("约束与余量", [Table(columns, rows)], frozen_columns=1,
                 notes=("余量 = 上限 − 使用（风险储备为下限：使用 − 下限）",))


def _financing(result: SelectionResult, names: Mapping[str, str],
               labels: Mapping[str, str]) -> Sheet:
    by_year = Table([Column("编号"), Column("候选镇"), Column("资金来源"), Column("年份", COUNT),
                     Column("金额（亿元）", MONEY)],
                    [[f.town, names.get(f.town, f.town), labels.get(f.source, f.source), f.year,
                      f.amount] for f in result.financing],
                    title="按年份")
    tables = [by_year]
    if result.financing_by_category:
        tables.append(Table([Column("编号"), Column("候选镇"), Column("投资类别"),
                             Column("资金来源"), Column("金额（亿元）", MONEY)],
                            [[f.town, names.get(f.town, f.town), labels.get(f.category, f.category),
                              labels.get(f.source, f.source), f.amount]
                             for f in result.financing_by_category],
                            title="按投资类别（方案合计）"))
    totals: dict[str, float] = {}
    for f in result.financing:
        totals[f.source] = totals.get(f.source, 0.0) + f.amount
    tables.append(Table([Column("资金来源"), Column("合计（亿元）", MONEY)],
                        [[labels.get(s, s), v] for s, v in totals.items()], title="按来源合计"))
    return Sheet("资金安排", tables, frozen_columns=2,
                 notes=("各资金来源为入选镇支付的金额（亿元）",))


def _phasing(result: SelectionResult, labels: Mapping[str, str]) -> Sheet:
    categories = list(dict.fromkeys(c for y in result.phasing for c in y.spending))
    sources = list(dict.fromkeys(s for y in result.phasing for s in y.by_source))
    columns = [Column("年份", COUNT),
               *(Column(f"{labels.get(c, c)}（亿元）", MONEY) for c in categories),
               Column("支出合计（亿元）", MONEY),
               *(Column(f"{labels.get(s, s)}（亿元）", MONEY) for s in sources),
               Column("当年所需人才（人）", COUNT), Column("年底前累计所需人才（人）", COUNT),
               Column("当年改区"), Column("早于基准日")]
    rows: list[list[Any]] = [
        [y.year, *(y.spending.get(c, 0.0) for c in categories), y.total,
         *(y.by_source.get(s, 0.0) for s in sources), y.talent, y.talent_by,
         " ".join(y.converting) or None, "是" if y.before_as_of else ""]
        for y in result.phasing]
    return Sheet("分年安排", [Table(columns, rows)], frozen_columns=1,
                 notes=("逐年支出、资金来源与人才需求（改区前一年起按支出比例）",))


def _left_out(result: SelectionResult, names: Mapping[str, str]) -> Sheet:
    rows: list[list[Any]] = [[e.id, names.get(e.id, e.id), "排除", e.reason_zh or e.reason,
                              None, None] for e in result.excluded]
    excluded = {e.id for e in result.excluded}
    for w in result.why_not:
        if w.id in excluded:
            continue
        portfolio = "、".join(names.get(t, t) for t in w.best_portfolio or ()) or None
        loss = w.objective_loss if w.objective_loss is not None else w.loss_bound
        if w.best_portfolio is not None and w.objective_loss is not None:
            reason = f"含该镇的最优组合为 {portfolio}，目标值减少 {w.objective_loss:.4f}"
        elif w.method == "bound" and w.loss_bound is not None:
            reason = f"未逐一求解：计入该镇至少使目标值减少 {w.loss_bound:.4f}（线性松弛界）"
        else:
            reason = w.reason
        rows.append([w.id, names.get(w.id, w.id), "未选", reason, portfolio, loss])
    columns = [Column("编号"), Column("候选镇"), Column("结论"), Column("原因"),
               Column("含该镇的最优组合"), Column("目标值减少", CLOSENESS)]
    return Sheet("未入选说明", [Table(columns, rows)], frozen_columns=2,
                 notes=("未达标而排除的镇，以及其他镇为何未入选",))


def _alternatives(result: SelectionResult, names: Mapping[str, str]) -> Sheet:
    columns = [Column("序号", COUNT), Column("组合"), Column("改区年份"),
               Column("目标值", CLOSENESS), Column("求解状态")]
    rows = [[k, "、".join(names.get(t, t) for t in a.selected),
             " ".join(f"{t} {y}" for t, y in a.years.items() if y is not None) or None,
             a.objective, STATUS.get(a.status, a.status)]
            for k, a in enumerate(result.alternatives, start=1)]
    return Sheet("备选方案", [Table(columns, rows)], notes=("次优组合，按目标值从高到低",))
