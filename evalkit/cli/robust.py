"""``evalkit robust``: how far the ranking and the selection survive uncertain weights and costs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table

from evalkit import evaluate, load_criteria
from evalkit.cli import cli, warn
from evalkit.cli.options import (
    FiniteFloat,
    emit,
    inputs,
    load_table,
    shown,
    weighting_options,
)
from evalkit.cli.progress import bars, steps
from evalkit.decide.registry import WEIGHT_MODELS
from evalkit.decide.robustness import (
    DEFAULT_CONCENTRATION,
    DEFAULT_COST_SPREAD,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    ENUMERATION_MAX_TOWNS,
    MAX_SOLVES,
    Robustness,
    robustness,
)
from evalkit.decide.scenario import load_scenario
from evalkit.io.output import json_bytes
from evalkit.paths import DEFAULT_SCENARIO

STAGES = {"weights": "抽样权重 weights", "ranking": "排序 ranking",
          "stability": "稳定区间 stability", "selection": "优选 selection"}
SHOWN_TOWNS = 20
"""The table lists at most this many towns (by top-k share); JSON lists all."""


@cli.command()
@inputs
@weighting_options
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Selection scenario YAML [default: criteria/scenario.yaml, the bundled work "
                   "plan; the core index is skipped if it is missing].")
@click.option("--samples", type=click.IntRange(min=1), default=DEFAULT_SAMPLES, show_default=True,
              help="Number of weight (and cost) scenarios.")
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True,
              help="Random seed; the same seed gives the same output, byte for byte.")
@click.option("--weight-model", type=click.Choice(list(WEIGHT_MODELS)), default="dirichlet",
              show_default=True,
              help="dirichlet: around the criteria set's weights; judgments: AHP judgments moved "
                   "by up to one Saaty step; uniform: anywhere on the simplex.")
@click.option("--concentration", type=FiniteFloat("a number above 0, e.g. 100", min=0,
                                                  min_open=True),
              default=DEFAULT_CONCENTRATION, show_default=True,
              help="Dirichlet concentration c in w ~ Dir(c·w0); larger = closer to w0.")
@click.option("--cost-spread", type=FiniteFloat("a number from 0 up to (not including) 1, "
                                                "e.g. 0.2", min=0, max=1, max_open=True),
              default=DEFAULT_COST_SPREAD, show_default=True,
              help="Each town's cost in each category is scaled by U(1 − X, 1 + X).")
@click.option("--top-k", "k", type=click.IntRange(min=1),
              help="Size of the top set [default: the scenario's number of towns, else 3].")
@click.option("--max-solves", type=click.IntRange(min=1), default=MAX_SOLVES, show_default=True,
              help="Scenarios solved one by one when there are too many towns (over "
                   f"{ENUMERATION_MAX_TOWNS} eligible) to enumerate every portfolio.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default="table",
              show_default=True, help="xlsx: a formatted workbook (needs --output).")
@click.option("--output", "-o", type=click.Path(),
              help="Write to this file instead of the terminal (required for xlsx).")
@click.option("--overwrite", is_flag=True, help="Replace --output if it exists.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the table.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress bar (none is shown either when stderr is not a terminal).")
def robust(criteria_path: Path, candidates_path: Path, sources_path: Path | None,
           weighting: dict[str, Any], scenario_path: Path | None, samples: int,
           seed: int, weight_model: str, concentration: float, cost_spread: float,
           k: int | None, max_solves: int, fmt: str, output: str | None, overwrite: bool,
           lang: str, quiet: bool) -> None:
    """Test how robust the ranking and the selection are (SMAA, core index).

    Draws weight vectors, ranks the towns for each (rank-acceptability
    indices, top-k shares, central weights, winning indices), finds how far
    each weight may move before the top-k set changes, and, with a scenario,
    scales the costs and re-runs the selection for each draw (core index and
    most frequent portfolios).  With --format xlsx -o FILE.xlsx: a workbook of
    the same tables.  Example: weights drawn anywhere on the simplex,
    costs ±30%, as JSON:

        evalkit robust --weight-model uniform --cost-spread 0.3 --format json
    """
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE.xlsx")
    if fmt == "table" and output is not None:
        raise click.UsageError("--output needs --format json or xlsx")
    with steps(quiet) as step:
        step("排序 ranking")
        criteria = load_criteria(shown(criteria_path))
        evaluation = evaluate(criteria, load_table(candidates_path, sources_path, criteria),
                              **weighting)
        warn(evaluation.warnings)
        scenario = None
        if scenario_path is not None or DEFAULT_SCENARIO.exists():
            scenario = load_scenario(shown(scenario_path or DEFAULT_SCENARIO))
            from evalkit.decide.selection import select_towns  # imports the solver

            # As `evalkit select` does: a scenario no selection fits is exit code 3, not a
            # table of draws that are all infeasible.
            step("求解 solving the scenario once")
            select_towns(evaluation, scenario, alternatives=0, why_not=False)
    with bars(quiet, STAGES) as report:
        result = robustness(evaluation, scenario=scenario, samples=samples, seed=seed,
                            weight_model=weight_model, concentration=concentration,
                            cost_spread=cost_spread, k=k, max_solves=max_solves,
                            progress=report)
    if fmt in ("json", "xlsx"):
        if fmt == "json":
            data = json_bytes(result.to_dict())
        else:
            from evalkit.cli.workbook import command_line, robustness_workbook

            data = robustness_workbook(evaluation, result, scenario,
                                       command_line(click.get_current_context()))
        emit(data, output, overwrite)
        return
    _print(result, evaluation.criteria, lang)


TEXT = {
    "zh": {"town": "候选镇", "rank": "第{r}名", "top": "前{k}名", "indicator": "指标",
           "weight": "权重 w⁰", "low": "下限", "high": "上限", "core": "入选率 core index",
           "portfolio": "入选组合", "share": "占比", "central": "中心权重 (排第一时的平均权重)",
           "acceptability": "排序可接受度 b_i^r", "stability": "单权重稳定区间（前{k}名不变）",
           "selection": "优选稳健性", "winning": "两两胜出率 P(C_i > C_k)",
           "infeasible": "无可行方案的情景", "never_first": "从未排第一"},
    "en": {"town": "Town", "rank": "rank {r}", "top": "top {k}", "indicator": "Indicator",
           "weight": "weight w⁰", "low": "low", "high": "high", "core": "core index",
           "portfolio": "Portfolio", "share": "share",
           "central": "Central weights (mean weights when ranked first)",
           "acceptability": "Rank acceptability b_i^r",
           "stability": "One-at-a-time stability (top {k} unchanged)",
           "selection": "Selection robustness", "winning": "Winning index P(C_i > C_k)",
           "infeasible": "scenarios with no feasible portfolio", "never_first": "never first"},
}


def _print(result: Robustness, criteria: object, lang: str) -> None:
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=140, color_system=None)
    t = TEXT[lang]
    label = criteria.label(lang)  # type: ignore[attr-defined]
    labels = {ind.id: ind.label(lang) for ind in criteria.indicators}  # type: ignore[attr-defined]
    model = ", ".join(f"{key} {value}" for key, value in result.model_options.items())
    console.print(f"[bold]{label}[/bold]")
    console.print(f"{result.weighting} · {result.normalization}")
    console.print(f"{result.samples:,} samples · seed {result.seed} · {result.weight_model} "
                  f"({model})")
    names = result.names if lang == "zh" else tuple(
        en or zh for zh, en in zip(result.names, result.names_en, strict=True))
    town = {i: f"{name} {i}" for i, name in zip(result.ids, names, strict=True)}
    order = sorted(range(len(result.ids)), key=lambda i: (-result.top_k[i], i))[:SHOWN_TOWNS]

    table = Table(title=t["acceptability"], box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t["town"])
    depth = result.acceptability.shape[1]
    for r in range(1, min(depth, 10) + 1):
        table.add_column(t["rank"].format(r=r), justify="right")
    table.add_column(t["top"].format(k=result.k), justify="right")
    for i in order:
        table.add_row(town[result.ids[i]], *(_pct(b) for b in result.acceptability[i, :10]),
                      _pct(result.top_k[i]))
    console.print(table)

    if result.winning is not None and len(result.ids) <= 10:
        win = Table(title=t["winning"], box=box.SIMPLE_HEAD, pad_edge=False)
        win.add_column(t["town"])
        for i in range(len(result.ids)):
            win.add_column(result.ids[i], justify="right")
        for i in range(len(result.ids)):
            win.add_row(town[result.ids[i]], *("—" if i == j else _pct(result.winning[i, j])
                                               for j in range(len(result.ids))))
        console.print(win)

    first = [i for i in order if result.acceptability[i, 0] > 0][:6]
    central = Table(title=t["central"], box=box.SIMPLE_HEAD, pad_edge=False)
    central.add_column(t["indicator"])
    central.add_column(t["weight"], justify="right")
    for i in first:
        central.add_column(names[i], justify="right")
    for j, ind in enumerate(result.indicator_ids):
        central.add_row(labels[ind], f"{result.base_weights[j]:.4f}",
                        *(f"{result.central_weights[i, j]:.4f}" for i in first))
    console.print(central)

    stability = Table(title=t["stability"].format(k=result.k), box=box.SIMPLE_HEAD, pad_edge=False)
    for title in (t["indicator"], t["weight"], t["low"], t["high"]):
        stability.add_column(title, justify="left" if title == t["indicator"] else "right")
    for s in result.stability:
        stability.add_row(labels[s.indicator], f"{s.weight:.4f}",
                          f"{s.low:.4f}" if s.low_bounded else "0",
                          f"{s.high:.4f}" if s.high_bounded else "1")
    console.print(stability)

    sel = result.selection
    if sel is None:
        console.print(f"{t['selection']}: skipped — {result.selection_note}")
    else:
        console.print(f"[bold]{t['selection']}[/bold]: {sel.scenario} · {sel.scenarios:,} "
                      f"scenarios · costs ±{sel.cost_spread:.0%} · {sel.method}")
        core = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        core.add_column(t["town"])
        core.add_column(t["core"], justify="right")
        for i in sorted(range(len(result.ids)), key=lambda i: (-sel.core_index[i], i))[:SHOWN_TOWNS]:
            core.add_row(town[result.ids[i]], _pct(sel.core_index[i]))
        console.print(core)
        portfolios = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        portfolios.add_column(t["portfolio"])
        portfolios.add_column(t["share"], justify="right")
        by_id = dict(zip(result.ids, names, strict=True))
        for p in sel.portfolios:
            portfolios.add_row(("、" if lang == "zh" else ", ").join(by_id[x] for x in p.selected),
                               _pct(p.share))
        if sel.infeasible:
            portfolios.add_row(f"({t['infeasible']})", _pct(sel.infeasible))
        console.print(portfolios)
        for note in sel.notes:
            console.print(f"· {note}")
    console.print()
    console.print(result.statement[lang])


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"
