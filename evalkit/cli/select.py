"""``evalkit select``: which towns to convert, in which year, paid from where."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.cli import cli, warn
from evalkit.cli.options import inputs, shown
from evalkit.decide.registry import SOLVERS
from evalkit.decide.scenario import Scenario, load_scenario
from evalkit.decide.selection.result import SelectionResult
from evalkit.io.output import json_bytes
from evalkit.paths import DEFAULT_SCENARIO


@cli.command("select")
@inputs
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Selection scenario YAML. [default: the bundled criteria/scenario.yaml]")
@click.option("--pick", type=click.IntRange(min=1), help="Number of towns to convert "
              "(overrides the scenario's).")
@click.option("--solver", type=click.Choice(SOLVERS), default="cbc", show_default=True,
              help="MIP solver: CBC (bundled with PuLP) or HiGHS.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True),
              help="Seconds per solve; a solution not proven optimal is reported with its gap.")
@click.option("--alternatives", type=click.IntRange(min=0), default=3, show_default=True,
              help="How many next-best portfolios to list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def select_command(criteria_path: Path, candidates_path: Path, scenario_path: Path | None,
                   pick: int | None, solver: str, time_limit: float | None, alternatives: int,
                   fmt: str, lang: str) -> None:
    """Choose the towns to convert under budget, talent and phasing limits.

    Ranks the towns (as `evalkit rank`), screens them against the standards
    the scenario names, and maximises the chosen towns' total closeness. Shows
    every limit's use and slack, the financing plan, why each other town was
    not chosen and the next-best portfolios. Example:

        evalkit select --pick 2 --solver highs
    """
    from evalkit.decide.selection import select_towns  # imports the solver

    evaluation = evaluate(load_criteria(shown(criteria_path)),
                          load_candidates(shown(candidates_path)))
    scenario = load_scenario(shown(scenario_path or DEFAULT_SCENARIO))
    warn(evaluation.warnings)
    result = select_towns(evaluation, scenario, pick=pick, solver=solver,
                          time_limit=time_limit, alternatives=alternatives)
    if fmt == "json":
        sys.stdout.buffer.write(json_bytes(result.to_dict()))
        return
    _print(result, evaluation.matrix.names, evaluation.matrix.ids, scenario, lang)


def _print(result: SelectionResult, names: tuple[str, ...], ids: tuple[str, ...],
           scenario: Scenario, lang: str) -> None:
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=120, color_system=None)
    name = dict(zip(ids, names, strict=True))
    zh = lang == "zh"
    gap = "" if result.gap is None else f", gap {result.gap:.2%}"
    console.print(f"[bold]{'改区方案' if zh else 'Selection'}[/bold]: {result.status}{gap} · "
                  f"{result.objective_name} = {result.objective:.4f} · solver {result.solver}")
    chosen = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for title, justify in ((("候选镇" if zh else "Town"), "left"),
                           (("改区年份" if zh else "Year"), "right"),
                           (("贴近度 C" if zh else "Closeness"), "right"),
                           (("投资 亿元" if zh else "Cost (亿元)"), "right"),
                           (("人才需求" if zh else "Talent"), "right")):
        chosen.add_column(title, justify=justify)  # type: ignore[arg-type]
    for t in result.selected:
        chosen.add_row(f"{t.name} {t.id}", "" if t.year is None else str(t.year),
                       f"{t.closeness:.4f}", f"{t.cost:.1f}", f"{t.talent_need:.0f}")
    console.print(chosen)

    limits = Table(title="约束使用 Limits" if zh else "Limits", box=box.SIMPLE_HEAD,
                   pad_edge=False)
    limits.add_column("name")
    for title in ("used", "limit", "slack"):
        limits.add_column(title, justify="right")
    limits.add_column("")
    for c in result.constraints:
        limits.add_row(c.name, f"{c.used:.2f}", f"{c.limit:.2f} {c.unit}", f"{c.slack:.2f}",
                       "binding" if c.binding else "")
    console.print(limits)

    if result.financing:
        plan: dict[tuple[str, Any], float] = {}
        for f in result.financing:
            plan[(f.source, f.year)] = plan.get((f.source, f.year), 0.0) + f.amount
        years = sorted({y for _, y in plan}, key=lambda y: (y is None, y))
        sources = list(dict.fromkeys(s for s, _ in plan))
        table = Table(title="资金来源 Financing (亿元)" if zh else "Financing (亿元)",
                      box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("source")
        for y in years:
            table.add_column("all years" if y is None else str(y), justify="right")
        labels = {src.id: src.label.get(lang) or src.id for src in scenario.sources}
        for s in sources:
            table.add_row(labels.get(s, s), *(f"{plan.get((s, y), 0.0):.2f}" for y in years))
        console.print(table)

    for e in result.excluded:
        reason = e.reason_zh if zh and e.reason_zh else e.reason
        console.print(f"{'排除' if zh else 'Excluded'}: {name.get(e.id, e.id)} {e.id} — {reason}")
    excluded = {e.id for e in result.excluded}
    for w in result.why_not:
        if w.id in excluded:
            continue  # its screen or exclusion is listed above
        if w.best_portfolio is not None and w.objective_loss is not None:
            towns = "、".join(name.get(t, t) for t in w.best_portfolio)
            text = (f"含该镇的最优组合为 {towns}，目标值减少 {w.objective_loss:.4f}" if zh else
                    f"best portfolio with it: {towns}, objective −{w.objective_loss:.4f}")
            console.print(f"{'未选' if zh else 'Not chosen'}: {name.get(w.id, w.id)} {w.id} — {text}")
        else:
            console.print(f"{'未选' if zh else 'Not chosen'}: {name.get(w.id, w.id)} {w.id} — "
                          f"{w.reason}")
    for k, a in enumerate(result.alternatives, start=1):
        towns = "、".join(name.get(t, t) for t in a.selected)
        console.print(f"{'备选方案' if zh else 'Alternative'} {k}: {towns} "
                      f"({'目标值' if zh else 'objective'} {a.objective:.4f})")
