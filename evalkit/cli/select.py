"""``evalkit select``: which towns to convert, in which year, paid from where."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

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
from evalkit.cli.progress import steps
from evalkit.decide.decisive import ROBUSTNESS_MAX_ELIGIBLE, decisive_margin, quick_robustness
from evalkit.decide.registry import SOLVERS
from evalkit.decide.scenario import load_scenario
from evalkit.errors import TimeLimitError
from evalkit.io.output import json_bytes
from evalkit.paths import DEFAULT_SCENARIO

DECISIVE_SAMPLES = 2000
"""Weight samples of the robustness part of the near-tie check (milliseconds on small sets)."""


@cli.command("select")
@inputs
@weighting_options
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Selection scenario YAML. [default: the bundled criteria/scenario.yaml]")
@click.option("--pick", type=click.IntRange(min=1), help="Number of towns to convert "
              "(overrides the scenario's).")
@click.option("--solver", type=click.Choice(SOLVERS), default="cbc", show_default=True,
              help="MIP solver: CBC (bundled with PuLP) or HiGHS.")
@click.option("--time-limit", type=FiniteFloat("a number of seconds above 0, e.g. 60", min=0,
                                               min_open=True),
              help="Seconds for the whole selection, explanations included; an answer not "
                   "proven optimal is reported with its gap, and what did not fit is noted.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The date the decision is made (YYYY-MM-DD): conversion years before it "
                   "are refused or flagged, as the scenario says. [default: today]")
@click.option("--alternatives", type=click.IntRange(min=0), default=3, show_default=True,
              help="How many next-best portfolios to list.")
@click.option("--explain", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many of the strongest unchosen towns to explain by a re-solve each "
                   "(the others get the LP bound).")
@click.option("--why-not", "why_not", multiple=True, metavar="TOWN",
              help="Explain this town too (an id; repeat for more).")
@click.option("--ties", type=click.IntRange(min=0), default=10, show_default=True,
              help="At most this many equally good answers of each kind to list.")
@click.option("--robust-samples", type=click.IntRange(min=0), default=DECISIVE_SAMPLES,
              show_default=True,
              help="Weight samples for the near-tie check's robustness part (0: none); skipped "
                   f"above {ROBUSTNESS_MAX_ELIGIBLE} eligible towns.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default="table",
              show_default=True, help="xlsx: a formatted workbook (needs --output).")
@click.option("--output", "-o", type=click.Path(),
              help="Write to this file instead of the terminal (required for xlsx).")
@click.option("--overwrite", is_flag=True, help="Replace --output if it exists.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--quiet", "-q", is_flag=True,
              help="No progress display (none is shown either when stderr is not a terminal).")
def select_command(criteria_path: Path, candidates_path: Path, sources_path: Path | None,
                   weighting: dict[str, Any], scenario_path: Path | None,
                   pick: int | None, solver: str, time_limit: float | None,
                   as_of: datetime | None, alternatives: int, explain: int,
                   why_not: tuple[str, ...], ties: int, robust_samples: int, fmt: str,
                   output: str | None, overwrite: bool, lang: str, quiet: bool) -> None:
    """Choose the towns to convert under budget, talent and phasing limits.

    Ranks the towns (as `evalkit rank`), screens them against the standards
    the scenario names, and maximises the chosen towns' total closeness, the
    years set by the scenario's timing rule (quoted). Shows every other set or
    schedule that reaches the same objective, the phasing year by year (years
    before the as-of date marked), every limit's use and slack, the reserve
    held back from the sources, running costs against retained revenue, why
    the strongest other towns were not chosen and the next-best portfolios,
    and the decisive margin: the weakest chosen and the strongest left-out town
    side by side under every method, set of weights and expert, with the
    near-tie verdict. --format xlsx -o FILE.xlsx writes a workbook of the
    towns, limits with their slack, financing and phasing. Example:

        evalkit select --pick 2 --solver highs --as-of 2026-06-30
    """
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE.xlsx")
    if fmt == "table" and output is not None:
        raise click.UsageError("--output needs --format json or xlsx")
    from evalkit.decide.selection import select_towns  # imports the solver

    started = time.perf_counter()
    with steps(quiet) as step:
        step("排序 ranking")
        criteria = load_criteria(shown(criteria_path))
        evaluation = evaluate(criteria, load_table(candidates_path, sources_path, criteria),
                              **weighting)
        scenario = replace(load_scenario(shown(scenario_path or DEFAULT_SCENARIO)),
                           as_of=as_of.date() if as_of is not None else date.today())
        warn(evaluation.warnings)
        step("求解 solving; explaining who is left out; alternatives")
        try:
            result = select_towns(evaluation, scenario, pick=pick, solver=solver,
                                  time_limit=_left(time_limit, started),
                                  alternatives=alternatives, explain=explain,
                                  explain_towns=why_not, ties=ties)
        except TimeLimitError as exc:
            if time_limit is None:
                raise
            # The solver was given what was left of the user's limit (at least a moment):
            # quote the limit the user gave, which covers the whole command.
            raise TimeLimitError(f"no solution found within --time-limit {time_limit:g} s "
                                 "(the whole command's, ranking included; the scenario may "
                                 "still have one)", exc.hint) from None
        step(f"稳健性 robustness ({robust_samples:,} weight samples)")
        shares, skipped = quick_robustness(evaluation, scenario, result, robust_samples,
                                           pick=pick)
        step("决定性差距 decisive margin")
        margin = decisive_margin(evaluation, result, scenario, robustness=shares, pick=pick,
                                 solver=solver, time_limit=_left(time_limit, started),
                                 skipped=(skipped,) if skipped else ())
    if fmt in ("json", "xlsx"):
        if fmt == "json":
            data = json_bytes({**result.to_dict(), "decisive": margin.to_dict()})
        else:
            from evalkit.cli.workbook import command_line, selection_workbook

            data = selection_workbook(evaluation, result, scenario,
                                      command_line(click.get_current_context()))
        emit(data, output, overwrite)
        return
    from evalkit.cli.decisive_table import print_decisive
    from evalkit.cli.selection_table import print_selection

    matrix = evaluation.matrix
    shown_names = (matrix.names if lang == "zh"
                   else tuple(en or zh for en, zh in zip(matrix.names_en, matrix.names, strict=True)))
    names = dict(zip(matrix.ids, shown_names, strict=True))
    console = _console()
    print_selection(result, names, scenario, lang, console)
    print_decisive(margin, lang, console)


def _left(limit: float | None, started: float) -> float | None:
    """What is left of ``--time-limit`` (the whole command's), at least a moment."""
    if limit is None:
        return None
    return max(0.5, limit - (time.perf_counter() - started))


def _console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=120, color_system=None)
    return console
