"""``evalkit report``: the assessment report (评估报告) as PDF and/or Word, summary and one per town."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from evalkit import evaluate, load_criteria
from evalkit.cli import cli, warn
from evalkit.cli.options import inputs, load_table, shown, weighting_options
from evalkit.cli.progress import steps
from evalkit.decide.robustness import robustness
from evalkit.decide.scenario import load_scenario
from evalkit.decide.standards import screen_table
from evalkit.errors import InputError
from evalkit.paths import OUT


@cli.command()
@inputs
@weighting_options
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
              show_default="out", help="Directory for the run directory (relative to the working "
                   "directory).")
@click.option("--towns/--no-towns", default=True, show_default=True,
              help="Also write one report per town.")
@click.option("--html", is_flag=True, help="Also write the HTML sources (html/ in the run).")
@click.option("--format", "output_format", type=click.Choice(["pdf", "docx", "both"]),
              default="pdf", show_default=True,
              help="PDF, an editable Word copy (.docx) of each document, or both.")
@click.option("--document-number", default="", help="Document number (文号) for the cover.")
@click.option("--document", "document_kinds", multiple=True, show_default=True,
              type=click.Choice(["summary", "argument", "risk", "all"]), default=("summary",),
              help="Which document: the summary (评估报告), the 论证报告 (argument), the "
                   "社会稳定风险评估报告 (risk), or all three; repeat for several.")
@click.option("--issuer", default="", help="Issuing unit (编制单位) for the covers (default: "
              "city.issuer of the criteria set, else a blank line).")
@click.option("--dossier", "dossier_path", type=click.Path(file_okay=False, path_type=Path),
              help="The dossier folder for argument/risk (default: dossier/ beside the "
                   "criteria set).")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress display (none is shown either when stderr is not a terminal).")
@click.option("--time", "time_text", metavar="ISO-TIME",
              help="Report time, e.g. 2025-03-01T10:00:00+08:00 (default: now, or "
                   "SOURCE_DATE_EPOCH); fix it for reproducible output.")
def report(criteria_path: Path, candidates_path: Path, sources_path: Path | None,
           weighting: dict[str, Any], scenario_path: Path | None,
           no_selection: bool, no_robustness: bool, samples: int | None, seed: int,
           targets_path: Path | None, langs: tuple[str, ...], out_dir: Path, towns: bool,
           html: bool, output_format: str, document_number: str,
           document_kinds: tuple[str, ...], issuer: str, dossier_path: Path | None,
           quiet: bool, time_text: str | None) -> None:
    """Write the assessment report as PDF (or Word): a summary and one report per town.

    Each run goes into a new directory under --out, named by time and input
    hash; an earlier run is never touched.  Selection and robustness are
    included when their modules and a scenario are available.  Example, the
    summary in both languages, as PDF and as an editable Word copy:

        evalkit report --lang zh --lang en --no-towns --format both
    """
    from evalkit.report.fonts import find_cjk_fonts

    with steps(quiet) as step:
        step("评估 evaluating")
        find_cjk_fonts()  # no CJK font: stop before any work, with the install hint
        criteria = load_criteria(shown(criteria_path))
        candidates = load_table(candidates_path, sources_path, criteria)
        evaluation = evaluate(criteria, candidates, **weighting)
        warn(evaluation.warnings)
        base = Path(criteria.path or criteria_path).parent
        inputs_used: dict[str, Path] = {"criteria": Path(criteria_path),
                                        "candidates": Path(candidates_path)}
        judgments = evaluation.criteria.weighting.options.get("judgments")
        if evaluation.weights.method in ("ahp", "combined") and isinstance(judgments, str):
            inputs_used["judgments"] = base / judgments
        if candidates.sources is not None and candidates.sources.sheet is None:
            inputs_used["sources"] = candidates.sources.path
        if targets_path is None and (base / "targets.yaml").is_file():
            targets_path = base / "targets.yaml"
        if scenario_path is None and not no_selection and (base / "scenario.yaml").is_file():
            scenario_path = base / "scenario.yaml"

        analyses: dict[str, Any] = {}
        parameters: dict[str, Any] = {"lang": ", ".join(dict.fromkeys(langs))}
        if scenario_path is not None and not no_selection:
            scenario = load_scenario(shown(scenario_path))
            inputs_used["scenario"] = Path(scenario_path)
            if scenario.plan is not None and scenario.plan.path is not None:
                inputs_used["plan"] = scenario.plan.path
            standards = scenario.standards
            if standards is not None and standards.path:
                inputs_used["standards"] = Path(standards.path)
            parameters["scenario"] = scenario.name
            if standards is not None:
                analyses["screen"] = screen_table(standards, evaluation.candidates.cells,
                                                  [rule.id for rule in scenario.screens])
            from evalkit.decide.selection import select_towns  # imports the solver

            step("求解 selecting")
            analyses["selection"] = select_towns(evaluation, scenario)
            if scenario.screens and analyses["selection"].excluded:
                # What the screens alone decide: the same choice without them.
                from dataclasses import replace

                analyses["unscreened"] = select_towns(evaluation, replace(scenario, screens=()))
            if not no_robustness:
                options: dict[str, Any] = {} if samples is None else {"samples": samples}
                step("稳健性 robustness")
                analyses["robustness"] = robustness(evaluation, scenario=scenario, seed=seed,
                                                    **options)
            from evalkit.decide.decisive import decisive_margin
            from evalkit.decide.experts import experts_view

            if analyses["selection"].selected:
                analyses["decisive"] = decisive_margin(evaluation, analyses["selection"], scenario,
                                                       robustness=analyses.get("robustness"))
            analyses["experts"] = experts_view(evaluation, scenario)

        if "experts" not in analyses:
            from evalkit.decide.experts import experts_view

            analyses["experts"] = experts_view(evaluation)
        kinds = (("summary", "argument", "risk") if "all" in document_kinds
                 else tuple(dict.fromkeys(document_kinds)))
        if set(kinds) & {"argument", "risk"}:
            from evalkit.decide.dossier import load_dossier

            folder = dossier_path or base / "dossier"
            analyses["dossier"] = load_dossier(shown(folder))
            if folder.is_dir():
                inputs_used["dossier"] = folder
        from evalkit.report import build_report, render_reports

        step("组装 building the report")
        built = build_report(evaluation, targets=shown(targets_path) if targets_path else None,
                             inputs=inputs_used, parameters=parameters, now=_when(time_text),
                             document_number=document_number, issuer=issuer, **analyses)
        formats = ("pdf", "docx") if output_format == "both" else (output_format,)
        run = render_reports(built, langs=tuple(dict.fromkeys(langs)), out=out_dir, towns=towns,
                             html=html, formats=formats, documents=kinds,
                             progress=lambda done, total: step(
                                 f"渲染 rendering documents {done}/{total}"))
    count = len(run.files)
    click.echo(f"Wrote {count} file{'' if count == 1 else 's'} to {shown(run.directory)} "
               f"(rendered in {run.timings['render_wall']:.1f} s)", err=True)
    for path in run.documents:
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
