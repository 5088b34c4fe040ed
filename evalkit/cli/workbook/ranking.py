"""The ranking workbook (``evalkit rank --format xlsx``): the tables an SPSSAU user expects.

排序结果 (C, D+, D−, rank), 指标权重, 熵权法 (e, d, w: when entropy weights are used,
alone or combined), 原始数据, 标准化矩阵 (TOPSIS's r_ij), 正负理想解 (A+, A−),
障碍度 and 方法一致性, after the cover sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from evalkit.cli.workbook.book import (
    CLOSENESS,
    COUNT,
    PERCENT,
    VALUE,
    WEIGHT,
    Column,
    Cover,
    Sheet,
    Table,
    build,
)
from evalkit.cli.workbook.cover import (
    DIRECTIONS,
    evaluation_inputs,
    evaluation_methods,
    indicator_header,
    input_rows,
)
from evalkit.methods.registry import NORMALIZATIONS
from evalkit.methods.weighting import Weights
from evalkit.model.evaluation import Evaluation
from evalkit.version import __version__

METHOD_NAMES = {"wsm": "加权和法 WSM", "vikor": "VIKOR", "promethee_ii": "PROMETHEE II",
                "topsis_vector": "TOPSIS（向量归一化）", "topsis_minmax": "TOPSIS（极差归一化）"}


def ranking_workbook(evaluation: Evaluation, command: str,
                     extra_inputs: Iterable[tuple[str, Path | str | None]] = ()) -> bytes:
    """The ranking workbook's bytes (the same evaluation and command, the same bytes)."""
    sheets = ranking_sheets(evaluation)
    cover = Cover(title=f"{evaluation.criteria.label('zh')} — TOPSIS 综合评价排序",
                  command=command, version=__version__,
                  inputs=input_rows([*evaluation_inputs(evaluation), *extra_inputs]),
                  methods=evaluation_methods(evaluation),
                  sheets=[(s.name, s.notes[0] if s.notes else "") for s in sheets],
                  warnings=evaluation.warnings)
    return build(cover, sheets)


def town_columns() -> list[Column]:
    return [Column("编号"), Column("候选镇")]


def ranking_sheets(evaluation: Evaluation) -> list[Sheet]:
    """Every sheet of the ranking workbook but the cover."""
    sheets = [_ranking(evaluation), weights_sheet(evaluation)]
    entropy = entropy_part(evaluation.weights)
    if entropy is not None:
        sheets.append(entropy_sheet(evaluation, entropy))
    sheets.append(_values(evaluation))
    normalised = _normalised(evaluation)
    if normalised is not None:
        sheets.append(normalised)
    sheets += [_ideal(evaluation), _obstacles(evaluation)]
    if evaluation.agreement:
        sheets.append(_agreement(evaluation))
    return sheets


def _ranking(evaluation: Evaluation) -> Sheet:
    r, m = evaluation.ranking, evaluation.matrix
    labels = {ind.id: ind.label("zh") for ind in evaluation.criteria.indicators}
    top_all = evaluation.obstacles.top_all(3)
    columns = [Column("排名", COUNT), *town_columns(), Column("英文名"),
               Column("贴近度 C", CLOSENESS), Column("D+（距正理想解）", CLOSENESS),
               Column("D−（距负理想解）", CLOSENESS), Column("并列"),
               Column("主要障碍因子 1"), Column("主要障碍因子 2"), Column("主要障碍因子 3")]
    rows = []
    for i in r.order.tolist():
        top = [f"{labels.get(ind, ind)} {deg:.1%}" for ind, deg in top_all[i]]
        rows.append([int(r.ranks[i]), m.ids[i], m.names[i], m.names_en[i] or None,
                     float(r.closeness[i]), float(r.d_plus[i]), float(r.d_minus[i]),
                     "是" if r.tied[i] else "", *(top + [None] * (3 - len(top)))])
    return Sheet("排序结果", [Table(columns, rows)], frozen_columns=3,
                 notes=("按贴近度 C 从高到低排序；C = D− / (D+ + D−)",))


def weights_sheet(evaluation: Evaluation) -> Sheet:
    criteria, weights = evaluation.criteria, evaluation.weights
    extra: list[tuple[str, np.ndarray]] = []
    if weights.method == "combined":
        objective = weights.details.get("objective")
        ahp = weights.details.get("ahp_weights")
        if ahp is not None:
            extra.append(("AHP 主观权重", np.asarray(ahp)))
        if isinstance(objective, Weights):
            extra.append((f"客观权重（{objective.method}）", objective.values))
    columns = [Column("准则层"), Column("准则层权重", WEIGHT), Column("指标"), Column("单位"),
               Column("方向"), *(Column(title, WEIGHT) for title, _ in extra),
               Column("权重 w", WEIGHT), Column("权重 %", PERCENT)]
    family_weight: dict[str, float] = {}
    for ind, w in zip(criteria.indicators, weights.values, strict=True):
        family_weight[ind.family] = family_weight.get(ind.family, 0.0) + float(w)
    rows = []
    for j, ind in enumerate(criteria.indicators):
        w = float(weights.values[j])
        rows.append([criteria.family(ind.family).label("zh"), family_weight[ind.family],
                     ind.label("zh"), ind.unit or None, DIRECTIONS.get(ind.direction,
                                                                     ind.direction),
                     *(float(values[j]) for _, values in extra), w, w])
    return Sheet("指标权重", [Table(columns, rows)], frozen_columns=0,
                 notes=(f"赋权：{weights.label}",))


def entropy_part(weights: Weights) -> Weights | None:
    """The entropy weights behind ``weights``: themselves, or the objective half of a combination."""
    if weights.method == "entropy":
        return weights
    objective = weights.details.get("objective")
    if isinstance(objective, Weights) and objective.method == "entropy":
        return objective
    return None


def entropy_sheet(evaluation: Evaluation, entropy: Weights) -> Sheet:
    e = np.asarray(entropy.details["entropy"])
    d = np.asarray(entropy.details["divergence"])
    columns = [Column("指标"), Column("单位"), Column("信息熵值 e", CLOSENESS),
               Column("信息效用值 d", CLOSENESS), Column("权重 w（熵权）", WEIGHT),
               Column("权重 %", PERCENT)]
    rows = []
    for j, ind_id in enumerate(entropy.indicator_ids):
        ind = evaluation.criteria.indicator(ind_id)
        rows.append([ind.label("zh"), ind.unit or None, float(e[j]), float(d[j]),
                     float(entropy.values[j]), float(entropy.values[j])])
    table = Table(columns, rows)
    note = f"熵值法（{entropy.label}）：e_j = −(1/ln n) Σ p_ij ln p_ij，d_j = 1 − e_j，w_j = d_j / Σ d_k"
    if entropy is not evaluation.weights:
        note += "；此为组合赋权中的客观部分，最终权重见“指标权重”"
    return Sheet("熵权法", [table], notes=(note,))


def _values(evaluation: Evaluation) -> Sheet:
    m, criteria = evaluation.matrix, evaluation.criteria
    columns = [*town_columns(), *(Column(indicator_header(criteria, i), VALUE)
                                  for i in m.indicator_ids)]
    rows = [[m.ids[i], m.names[i], *m.values[i].tolist()] for i in range(len(m.ids))]
    return Sheet("原始数据", [Table(columns, rows)], frozen_columns=2,
                 notes=("由候选镇数据按指标体系计算的指标值（各自单位）",))


def normalised_matrix(evaluation: Evaluation) -> np.ndarray | None:
    """TOPSIS's normalised matrix r_ij, by the ranking's own normalisation (``None`` for a
    normalisation without a column function, such as fixed reference points)."""
    name = evaluation.ranking.normalization
    if name not in NORMALIZATIONS:
        return None
    normalize = NORMALIZATIONS[name]
    values, signs = evaluation.matrix.values, evaluation.matrix.signs
    columns = [np.asarray(normalize(values[:, j], bool(signs[j] < 0)), dtype=float)
               for j in range(values.shape[1])]
    return np.column_stack(columns) if columns else np.empty_like(values, dtype=float)


def _normalised(evaluation: Evaluation) -> Sheet | None:
    r = normalised_matrix(evaluation)
    if r is None:
        return None
    m, criteria = evaluation.matrix, evaluation.criteria
    columns = [*town_columns(), *(Column(criteria.indicator(i).label("zh"), CLOSENESS)
                                  for i in m.indicator_ids)]
    rows = [[m.ids[i], m.names[i], *r[i].tolist()] for i in range(len(m.ids))]
    how = evaluation.ranking.normalization
    return Sheet("标准化矩阵", [Table(columns, rows)], frozen_columns=2,
                 notes=(f"TOPSIS 标准化矩阵 r_ij（{how}；逆向指标已转为越大越好）",))


def _ideal(evaluation: Evaluation) -> Sheet:
    r, criteria = evaluation.ranking, evaluation.criteria
    columns = [Column("指标"), Column("方向"), Column("权重 w", WEIGHT),
               Column("正理想解 A+", CLOSENESS), Column("负理想解 A−", CLOSENESS)]
    rows = []
    for j, ind_id in enumerate(evaluation.matrix.indicator_ids):
        ind = criteria.indicator(ind_id)
        rows.append([ind.label("zh"), DIRECTIONS.get(ind.direction, ind.direction),
                     float(evaluation.weights.values[j]), float(r.ideal[j]),
                     float(r.anti_ideal[j])])
    space = "√w·r" if r.distance == "weighted_distance" else "v = w·r"
    return Sheet("正负理想解", [Table(columns, rows)],
                 notes=(f"加权标准化空间（{space}）中的正理想解 A+ 与负理想解 A−",))


def _obstacles(evaluation: Evaluation) -> Sheet:
    m, o, criteria = evaluation.matrix, evaluation.obstacles, evaluation.criteria
    order = evaluation.ranking.order.tolist()
    indicator_columns = [Column(criteria.indicator(i).label("zh"), PERCENT)
                         for i in o.indicator_ids]
    family_columns = [Column(criteria.family(f).label("zh"), PERCENT) for f in o.family_ids]
    by_indicator = Table([Column("排名", COUNT), *town_columns(), *indicator_columns],
                         [[int(evaluation.ranking.ranks[i]), m.ids[i], m.names[i],
                           *o.degree[i].tolist()] for i in order],
                         title="指标障碍度 O_ij")
    by_family = Table([Column("排名", COUNT), *town_columns(), *family_columns],
                      [[int(evaluation.ranking.ranks[i]), m.ids[i], m.names[i],
                        *o.family_degree[i].tolist()] for i in order],
                      title="准则层障碍度")
    return Sheet("障碍度", [by_indicator, by_family], frozen_columns=3,
                 notes=("障碍度：各指标（准则层）对候选镇与最优水平差距的贡献，每行合计 100%",))


def _agreement(evaluation: Evaluation) -> Sheet:
    columns = [Column("方法"), Column("Spearman ρ", CLOSENESS), Column("加权相关 r_w", CLOSENESS)]
    rows = [[METHOD_NAMES.get(name, name), a.spearman, a.weighted_spearman]
            for name, a in evaluation.agreement.items()]
    return Sheet("方法一致性", [Table(columns, rows)],
                 notes=("其他方法的排序与 TOPSIS 排序的一致性（空白：无定义）",))
