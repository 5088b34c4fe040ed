"""The weights workbook (``evalkit weights --format xlsx``).

指标权重 (the combined weights, with the AHP and objective halves), 熵权法 (e, d, w)
when entropy weights are used, 一致性检验 (λmax, CI, RI, CR of every matrix),
one 判断矩阵 sheet per expert and one for the group's aggregated matrices (each
matrix with its priorities, λmax, CI and CR), and 专家权重 (each expert's own
weights), after the cover sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit.cli.workbook.book import (
    CLOSENESS,
    COUNT,
    PERCENT,
    WEIGHT,
    Column,
    Cover,
    Sheet,
    Table,
    build,
)
from evalkit.cli.workbook.cover import (
    evaluation_inputs,
    evaluation_methods,
    input_rows,
    item_label,
    matrix_label,
)
from evalkit.cli.workbook.ranking import entropy_part, entropy_sheet, weights_sheet
from evalkit.methods.ahp.experts import AGGREGATE, AhpWeights, MatrixConsistency
from evalkit.model.criteria import CriteriaSet
from evalkit.model.evaluation import Evaluation
from evalkit.version import __version__

if TYPE_CHECKING:
    from evalkit.decide.experts import ExpertsView

GROUP = "群体（AIJ 集结）"
"""The aggregated matrices' 'expert' in words."""
SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def weights_workbook(evaluation: Evaluation, experts: ExpertsView | None, command: str,
                     extra_inputs: Iterable[tuple[str, Path | str | None]] = ()) -> bytes:
    """The weights workbook's bytes (the same inputs and command, the same bytes)."""
    criteria = evaluation.criteria
    sheets = [weights_sheet(evaluation)]
    entropy = entropy_part(evaluation.weights)
    if entropy is not None:
        sheets.append(entropy_sheet(evaluation, entropy))
    judged = evaluation.weights.details.get("ahp")
    if isinstance(judged, AhpWeights):
        sheets.append(_consistency(criteria, judged))
        sheets += _matrices(criteria, judged)
    if experts is not None:
        sheets.append(_experts(evaluation, experts))
    methods = evaluation_methods(evaluation)[:3]
    if isinstance(judged, AhpWeights):
        methods += [("AHP 排序向量", judged.method), ("RI 表", judged.ri_table),
                    ("一致性阈值", f"CR ≤ {judged.threshold:g}"),
                    ("专家数", str(len(judged.experts)))]
    cover = Cover(title=f"{criteria.label('zh')} — 指标权重",
                  command=command, version=__version__,
                  inputs=input_rows([*evaluation_inputs(evaluation), *extra_inputs]),
                  methods=methods,
                  sheets=[(s.name, s.notes[0] if s.notes else "") for s in sheets],
                  warnings=tuple(dict.fromkeys((*evaluation.candidates.warnings,
                                                *evaluation.matrix.warnings,
                                                *evaluation.weights.warnings))))
    return build(cover, sheets)


def _who(expert: str) -> str:
    return GROUP if expert == AGGREGATE else expert


def _consistency(criteria: CriteriaSet, judged: AhpWeights) -> Sheet:
    columns = [Column("专家"), Column("判断矩阵"), Column("阶数 n", COUNT),
               Column("最大特征根 λmax", CLOSENESS), Column("一致性指标 CI", CLOSENESS),
               Column("随机一致性指标 RI", CLOSENESS), Column("一致性比例 CR", CLOSENESS),
               Column("通过检验"), Column("估计的判断（缺失项补全）")]
    rows = []
    for c in judged.consistency:
        r = c.result
        estimated = "；".join(f"{item_label(criteria, a)}:{item_label(criteria, b)}={v:.3g}"
                             for a, b, v in r.estimated_pairs)
        rows.append([_who(c.expert), matrix_label(criteria, c.matrix), r.n, r.lambda_max, r.ci,
                     r.ri, r.cr, ("是" if r.acceptable else "否") if r.n > 2 else "是（2 阶恒一致）",
                     estimated or None])
    return Sheet("一致性检验", [Table(columns, rows)], frozen_columns=2,
                 notes=(f"CR = CI / RI，CR ≤ {judged.threshold:g} 通过（RI 表 {judged.ri_table}）",))


def _matrices(criteria: CriteriaSet, judged: AhpWeights) -> list[Sheet]:
    by_expert: dict[str, list[MatrixConsistency]] = {}
    for c in judged.consistency:
        by_expert.setdefault(c.expert, []).append(c)
    sheets: list[Sheet] = []
    used: set[str] = set()
    for expert, rows in by_expert.items():
        name = SHEET_UNSAFE.sub("_", f"判断矩阵-{_who(expert)}")[:31]
        while name in used:
            name = name[:29] + f"_{len(used)}"
        used.add(name)
        tables = [_matrix_table(criteria, c) for c in rows]
        note = ("群体判断矩阵（专家判断的加权几何平均，AIJ）及其排序向量" if expert == AGGREGATE
                else f"专家 {expert} 的判断矩阵（缺失判断已补全）及其排序向量")
        sheets.append(Sheet(name, tables, frozen_columns=1, notes=(note,)))
    return sheets


def _matrix_table(criteria: CriteriaSet, c: MatrixConsistency) -> Table:
    r = c.result
    labels = [item_label(criteria, item) for item in r.items]
    columns = [Column("比较项"), *(Column(label, CLOSENESS) for label in labels),
               Column("权重 w", WEIGHT)]
    width = len(columns)
    rows: list[Sequence[Any]] = [[label, *values, w] for label, values, w
                                 in zip(labels, r.matrix, r.weights, strict=True)]
    for label, value in (("λmax", r.lambda_max), ("CI", r.ci), ("CR", r.cr)):
        rows.append([label, value, *([None] * (width - 2))])
    title = f"{_who(c.expert)} · {matrix_label(criteria, c.matrix)}（n = {r.n}）"
    return Table(columns, rows, title=title)


def _experts(evaluation: Evaluation, experts: ExpertsView) -> Sheet:
    criteria, panel = evaluation.criteria, experts.panel
    views = panel.experts
    ahp_columns = [Column(f"{v.name} AHP", WEIGHT) for v in views]
    own_columns = [Column(f"{v.name} 组合", WEIGHT) for v in views] \
        if evaluation.weights.method == "combined" else []
    columns = [Column("准则层"), Column("指标"), *ahp_columns, *own_columns,
               Column("群体权重 w", WEIGHT)]
    rows = []
    for j, ind in enumerate(criteria.indicators):
        own = [float(v.weights.values[j]) for v in views] if own_columns else []
        rows.append([criteria.family(ind.family).label("zh"), ind.label("zh"),
                     *(float(v.ahp_weights[ind.id]) for v in views), *own,
                     float(evaluation.weights.values[j])])
    weights = Table(columns, rows, title="各专家的指标权重")
    people = Table([Column("专家"), Column("职务"), Column("单位"), Column("日期"),
                    Column("集结权重占比", PERCENT), Column("判断文件")],
                   [[v.name, v.expert.role or None, v.expert.unit or None, v.expert.date,
                     v.share, Path(v.file).name] for v in views], title="专家")
    return Sheet("专家权重", [weights, people], frozen_columns=2,
                 notes=(f"各专家单独的权重：{panel.description}",))
