"""What the cover sheet records: the command as typed (without the output file), the input
files by name with their SHA-256, and the labels every workbook shares."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from evalkit.model.criteria import CriteriaSet
from evalkit.model.evaluation import Evaluation

LEFT_OUT = frozenset({"output", "overwrite", "quiet"})
"""Options that do not change what a workbook holds, so it does not name them: two runs
writing to two files give the same bytes."""

DIRECTIONS = {"max": "正向↑", "min": "逆向↓"}
NORMALIZATION_NAMES = {"vector": "向量归一化", "minmax": "极差（min–max）归一化",
                       "fixed": "固定理想点"}
DISTANCE_NAMES = {"weighted_matrix": "加权矩阵距离 v = w·r（Hwang & Yoon）",
                  "weighted_distance": "加权距离 D = √Σ w (r − r*)²"}
WEIGHTING_NAMES = {"entropy": "熵权法", "critic": "CRITIC 法", "fixed": "给定权重",
                   "ahp": "层次分析法（AHP）", "combined": "组合赋权（AHP + 客观）"}


def command_line(ctx: click.Context) -> str:
    """``evalkit <command>`` and the options given on the command line, paths as file names.

    The output file and options that change nothing in the workbook are left out.
    """
    words = ["evalkit", ctx.info_name or ctx.command.name or ""]
    source = click.core.ParameterSource.COMMANDLINE
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name in LEFT_OUT \
                or param.name is None or ctx.get_parameter_source(param.name) != source:
            continue
        value = ctx.params.get(param.name)
        longest = max(param.opts, key=len)
        if param.is_flag:
            if param.secondary_opts and not value:
                words.append(max(param.secondary_opts, key=len))
            elif value:
                words.append(longest)
            continue
        for item in (value or ()) if param.multiple else (value,):
            words += [longest, _word(item)]
    return " ".join(words)


def _word(value: Any) -> str:
    if isinstance(value, Path):
        text = value.name
    elif isinstance(value, datetime):
        text = value.date().isoformat()
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return text if text and " " not in text else f"'{text}'"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_rows(files: Iterable[tuple[str, Path | str | None]]) -> list[tuple[str, str, str]]:
    """(role, file name, SHA-256) for each file that exists, each file once."""
    rows, seen = [], set()
    for role, path in files:
        if path is None:
            continue
        p = Path(path)
        if not p.is_file() or p.resolve() in seen:
            continue
        seen.add(p.resolve())
        rows.append((role, p.name, sha256(p)))
    return rows


def evaluation_inputs(evaluation: Evaluation) -> list[tuple[str, Path | str | None]]:
    """The criteria set, the candidate table, its sources and the experts' judgment files."""
    files: list[tuple[str, Path | str | None]] = [
        ("指标体系 criteria", evaluation.criteria.path),
        ("候选镇数据 candidates", evaluation.candidates.path)]
    sources = evaluation.candidates.sources
    if sources is not None:
        files.append(("数据来源 sources", sources.path))
    for judged in evaluation.weights.details.get("judgments", ()):
        files.append((f"专家判断 judgments（{judged.expert.name}）", judged.file))
    return files


def evaluation_methods(evaluation: Evaluation) -> list[tuple[str, str]]:
    """The methods of an evaluation, in words."""
    weights, ranking = evaluation.weights, evaluation.ranking
    criteria = evaluation.criteria
    return [
        ("指标体系", f"{criteria.label('zh')}（{criteria.name} {criteria.version}）"),
        ("候选镇数", str(len(evaluation.matrix.ids))),
        ("赋权方法", f"{WEIGHTING_NAMES.get(weights.method, weights.method)}：{weights.label}"),
        ("排序方法", "TOPSIS（逼近理想解排序法），贴近度 C = D− / (D+ + D−)"),
        ("归一化", NORMALIZATION_NAMES.get(ranking.normalization, ranking.normalization)),
        ("距离", DISTANCE_NAMES.get(ranking.distance, ranking.distance)),
        ("障碍度", "O_ij = w_j (1 − y_ij) / Σ_k w_k (1 − y_ik)，y 为方向一致的极差标准化值"),
    ]


def indicator_header(criteria: CriteriaSet, indicator_id: str) -> str:
    """An indicator's Chinese label with its unit, e.g. ``镇区常住人口（万人）``."""
    ind = criteria.indicator(indicator_id)
    return f"{ind.label('zh')}（{ind.unit}）" if ind.unit else ind.label("zh")


def item_label(criteria: CriteriaSet, item: str) -> str:
    """A family's or an indicator's Chinese label (an AHP matrix's items are either)."""
    for family in (*criteria.families, *criteria.subfamilies):
        if family.id == item:
            return family.label("zh")
    for ind in criteria.indicators:
        if ind.id == item:
            return ind.label("zh")
    return item


def matrix_label(criteria: CriteriaSet, name: str) -> str:
    """An AHP matrix's name in words: ``families`` → 准则层, ``indicators.economy`` → 经济实力."""
    if name == "families":
        return "准则层"
    family = name.removeprefix("indicators.")
    return f"指标层：{item_label(criteria, family)}" if family != name else name
