"""The robustness workbook (``evalkit robust --format xlsx``).

排序可接受度 (b_i^r for every rank), 前k名与入选率 (top-k share and core index),
中心权重, 权重稳定区间, 入选组合 and, for a few towns, 两两胜出率, after the cover
sheet: everything the :class:`~evalkit.decide.robustness.Robustness` result carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from evalkit.cli.workbook.book import COUNT, PERCENT, WEIGHT, Column, Cover, Sheet, Table, build
from evalkit.cli.workbook.cover import evaluation_inputs, evaluation_methods, input_rows
from evalkit.cli.workbook.selection import scenario_inputs
from evalkit.decide.robustness import Robustness
from evalkit.decide.scenario import Scenario
from evalkit.model.evaluation import Evaluation
from evalkit.version import __version__

MODELS = {"dirichlet": "Dirichlet 分布，围绕指标体系的权重", "uniform": "单纯形上均匀抽样",
          "judgments": "AHP 判断各移动至多一个 Saaty 标度"}


def robustness_workbook(evaluation: Evaluation, result: Robustness, scenario: Scenario | None,
                        command: str,
                        extra_inputs: Iterable[tuple[str, Path | str | None]] = ()) -> bytes:
    """The robustness workbook's bytes (the same inputs, seed and command, the same bytes)."""
    order = sorted(range(len(result.ids)), key=lambda i: (-result.top_k[i], i))
    sheets = [_acceptability(result, order), _shares(result, order), _central(evaluation, result),
              _stability(evaluation, result)]
    if result.selection is not None and result.selection.portfolios:
        sheets.append(_portfolios(result))
    if result.winning is not None:
        sheets.append(_winning(result))
    options = "，".join(f"{k} = {v}" for k, v in result.model_options.items())
    methods = [
        *evaluation_methods(evaluation)[:6],
        ("权重抽样", f"{MODELS.get(result.weight_model, result.weight_model)}"
                     f"（{result.weight_model}{'，' + options if options else ''}）"),
        ("抽样次数", f"{result.samples}"),
        ("随机种子", f"{result.seed}"),
        ("前 k 名", f"k = {result.k}"),
    ]
    sel = result.selection
    if sel is not None:
        methods += [("优选稳健性", f"{sel.scenario} · {sel.scenarios} 个情景 · 成本 ±{sel.cost_spread:.0%}"
                                  f" · {sel.method}")]
    else:
        methods.append(("优选稳健性", f"未计算：{result.selection_note}"))
    if result.statement.get("zh"):
        methods.append(("结论", result.statement["zh"]))
    files = [*evaluation_inputs(evaluation),
             *(scenario_inputs(scenario) if scenario is not None else ()), *extra_inputs]
    cover = Cover(title=f"{evaluation.criteria.label('zh')} — 稳健性分析（SMAA、入选率）",
                  command=command, version=__version__, inputs=input_rows(files),
                  methods=methods,
                  sheets=[(s.name, s.notes[0] if s.notes else "") for s in sheets],
                  warnings=(*evaluation.warnings, *(sel.notes if sel is not None else ())))
    return build(cover, sheets)


def _town(result: Robustness, i: int) -> list[str]:
    return [result.ids[i], result.names[i]]


def _acceptability(result: Robustness, order: list[int]) -> Sheet:
    depth = result.acceptability.shape[1]
    columns = [Column("编号"), Column("候选镇"),
               *(Column(f"第{r}名 b^{r}", PERCENT) for r in range(1, depth + 1)),
               Column(f"前{result.k}名 a^{result.k}", PERCENT)]
    rows = [[*_town(result, i), *result.acceptability[i].tolist(), float(result.top_k[i])]
            for i in order]
    return Sheet("排序可接受度", [Table(columns, rows)], frozen_columns=2,
                 notes=(f"排序可接受度 b_i^r：{result.samples} 次权重抽样中候选镇排第 r 名的比例",))


def _shares(result: Robustness, order: list[int]) -> Sheet:
    sel = result.selection
    columns = [Column("编号"), Column("候选镇"), Column(f"前{result.k}名占比", PERCENT)]
    if sel is not None:
        columns.append(Column("入选率 core index", PERCENT))
    rows = [[*_town(result, i), float(result.top_k[i]),
             *([float(sel.core_index[i])] if sel is not None else [])] for i in order]
    note = f"前{result.k}名占比：进入前{result.k}名的抽样比例"
    if sel is not None:
        note += f"；入选率：{sel.scenarios} 个权重与成本情景中被选中的比例"
        if sel.infeasible:
            note += f"（{sel.infeasible:.1%} 的情景无可行方案）"
    return Sheet("前k名与入选率", [Table(columns, rows)], frozen_columns=2, notes=(note,))


def _central(evaluation: Evaluation, result: Robustness) -> Sheet:
    criteria = evaluation.criteria
    first = [i for i in range(len(result.ids)) if not np.isnan(result.central_weights[i]).any()]
    columns = [Column("指标"), Column("基准权重 w⁰", WEIGHT),
               *(Column(f"{result.names[i]} {result.ids[i]}", WEIGHT) for i in first)]
    rows = [[criteria.indicator(ind).label("zh"), float(result.base_weights[j]),
             *(float(result.central_weights[i, j]) for i in first)]
            for j, ind in enumerate(result.indicator_ids)]
    return Sheet("中心权重", [Table(columns, rows)], frozen_columns=1,
                 notes=("中心权重：候选镇排第一时的平均权重（从未排第一的镇不列）",))


def _stability(evaluation: Evaluation, result: Robustness) -> Sheet:
    criteria = evaluation.criteria
    columns = [Column("指标"), Column("权重 w⁰", WEIGHT), Column("下限", WEIGHT),
               Column("上限", WEIGHT)]
    rows = [[criteria.indicator(s.indicator).label("zh"), s.weight,
             s.low if s.low_bounded else 0.0, s.high if s.high_bounded else 1.0]
            for s in result.stability]
    return Sheet("权重稳定区间", [Table(columns, rows)], frozen_columns=1,
                 notes=(f"单个权重在此区间内变动（其余按比例调整）时前{result.k}名不变",))


def _portfolios(result: Robustness) -> Sheet:
    assert result.selection is not None
    names = dict(zip(result.ids, result.names, strict=True))
    columns = [Column("序号", COUNT), Column("入选组合"), Column("编号"), Column("占比", PERCENT)]
    rows = [[k, "、".join(names.get(t, t) for t in p.selected), " ".join(p.selected), p.share]
            for k, p in enumerate(result.selection.portfolios, start=1)]
    if result.selection.infeasible:
        rows.append([None, "（无可行方案的情景）", None, result.selection.infeasible])
    return Sheet("入选组合", [Table(columns, rows)], notes=("各入选组合在情景中出现的比例",))


def _winning(result: Robustness) -> Sheet:
    assert result.winning is not None
    n = len(result.ids)
    columns = [Column("编号"), Column("候选镇"),
               *(Column(f"胜 {result.names[k]} {result.ids[k]}", PERCENT) for k in range(n))]
    rows = [[*_town(result, i), *(None if i == k else float(result.winning[i, k])
                                  for k in range(n))] for i in range(n)]
    return Sheet("两两胜出率", [Table(columns, rows)], frozen_columns=2,
                 notes=("两两胜出率 P(C_i > C_k)：行镇的贴近度高于列镇的抽样比例",))
