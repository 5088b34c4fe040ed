"""``evalkit report``: the assessment report (评估报告) as PDF, summary and one per town."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.cli import cli, warn
from evalkit.cli.options import inputs, shown
from evalkit.decide.robustness import robustness
from evalkit.decide.scenario import load_scenario
from evalkit.decide.standards import screen_table
from evalkit.errors import InputError
from evalkit.paths import OUT


@cli.command()
@inputs
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Selection scenario (default: scenario.yaml beside the criteria set, if any).")
@click.option("--no-selection", is_flag=True, help="Leave out selection and robustness.")
@click.option("--no-robustness", is_flag=True, help="Leave out the robustness analysis.")
@click.option("--samples", type=click.IntRange(min=100), help="Robustness: weight samples.")
@click.option("--seed", type=int, default=0, show_default=True, help="Robustness: random seed.")
@click.option("--targets", "targets_path", type=click.Path(dir_okay=False, path_type=Path),
              help="2027 targets for the town reports (default: targets.yaml beside the "
                   "criteria set, if any).")
@click.option("--lang", "langs", type=click.Choice(["zh", "en"]), multiple=True,
              default=("zh",), show_default=True, help="Report language; repeat for both.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=OUT,
              show_default="out", help="Directory for the run directory.")
@click.option("--towns/--no-towns", default=True, show_default=True,
              help="Also write one report per town.")
@click.option("--html", is_flag=True, help="Also write the HTML sources (html/ in the run).")
@click.option("--document-number", default="", help="Document number (文号) for the cover.")
@click.option("--time", "time_text", metavar="ISO-TIME",
              help="Report time, e.g. 2025-03-01T10:00:00+08:00 (default: now, or "
                   "SOURCE_DATE_EPOCH); fix it for reproducible output.")
def report(criteria_path: Path, candidates_path: Path, scenario_path: Path | None,
           no_selection: bool, no_robustness: bool, samples: int | None, seed: int,
           targets_path: Path | None, langs: tuple[str, ...], out_dir: Path, towns: bool,
           html: bool, document_number: str, time_text: str | None) -> None:
    """Write the assessment report as PDF: a summary and one report per town.

    Each run goes into a new directory under --out, named by time and input
    hash; an earlier run is never touched.  Selection and robustness are
    included when their modules and a scenario are available.  Example, the
    summary in both languages:

        evalkit report --lang zh --lang en --no-towns
    """
    from evalkit.report.fonts import find_cjk_fonts

    find_cjk_fonts()  # no CJK font: stop before any work, with the install hint
    criteria = load_criteria(shown(criteria_path))
    candidates = load_candidates(shown(candidates_path))
    evaluation = evaluate(criteria, candidates)
    warn(evaluation.warnings)
    base = Path(criteria.path or criteria_path).parent
    inputs_used: dict[str, Path] = {"criteria": Path(criteria_path),
                                    "candidates": Path(candidates_path)}
    judgments = evaluation.criteria.weighting.options.get("judgments")
    if evaluation.weights.method in ("ahp", "combined") and isinstance(judgments, str):
        inputs_used["judgments"] = base / judgments
    if targets_path is None and (base / "targets.yaml").is_file():
        targets_path = base / "targets.yaml"
    if scenario_path is None and not no_selection and (base / "scenario.yaml").is_file():
        scenario_path = base / "scenario.yaml"

    analyses: dict[str, Any] = {}
    parameters: dict[str, Any] = {"lang": ", ".join(dict.fromkeys(langs))}
    if scenario_path is not None and not no_selection:
        scenario = load_scenario(shown(scenario_path))
        inputs_used["scenario"] = Path(scenario_path)
        standards = scenario.standards
        if standards is not None and standards.path:
            inputs_used["standards"] = Path(standards.path)
        parameters["scenario"] = scenario.name
        if standards is not None:
            analyses["screen"] = screen_table(standards, evaluation.candidates.cells,
                                              [rule.id for rule in scenario.screens])
        from evalkit.decide.selection import select_towns  # imports the solver

        analyses["selection"] = select_towns(evaluation, scenario)
        if not no_robustness:
            options: dict[str, Any] = {} if samples is None else {"samples": samples}
            analyses["robustness"] = robustness(evaluation, scenario=scenario, seed=seed,
                                                **options)

    from evalkit.report import build_report, render_reports

    built = build_report(evaluation, targets=shown(targets_path) if targets_path else None,
                         inputs=inputs_used, parameters=parameters, now=_when(time_text),
                         document_number=document_number, **analyses)
    run = render_reports(built, langs=tuple(dict.fromkeys(langs)), out=out_dir, towns=towns,
                         html=html)
    count = len(run.files)
    click.echo(f"Wrote {count} file{'' if count == 1 else 's'} to {shown(run.directory)} "
               f"(rendered in {run.timings['render_wall']:.1f} s)", err=True)
    for path in run.pdfs:
        click.echo(str(shown(path)))


def _when(text: str | None) -> datetime | None:
    if text:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InputError(f"--time {text!r} is not an ISO time",
                             "write e.g. 2025-03-01T10:00:00+08:00", column="--time") from None
        return moment if moment.tzinfo else moment.astimezone()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (OverflowError, OSError, ValueError):
            raise InputError(f"{epoch.strip()[:20]!r} is not a time this "
                             "machine can represent", "give seconds since 1970, e.g. "
                             "1740794400, or unset it", column="SOURCE_DATE_EPOCH") from None
    return None
