"""``evalkit weights``: indicator weights with the judgments and checks behind them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table

from evalkit import load_criteria
from evalkit.cli import cli, warn
from evalkit.cli.options import emit, inputs, load_table, shown, weighting_options
from evalkit.decide.experts import experts_view
from evalkit.decide.scenario import load_scenario
from evalkit.io.output import json_bytes
from evalkit.methods.weighting import weights_report
from evalkit.model.evaluation import evaluate
from evalkit.paths import DEFAULT_CRITERIA


@cli.command()
@inputs
@weighting_options
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Selection scenario for each expert's own selection (default: scenario.yaml "
                   "beside the criteria set, if any).")
@click.option("--no-selection", is_flag=True, help="Leave out each expert's selection.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default="table",
              show_default=True, help="xlsx: a formatted workbook (needs --output).")
@click.option("--output", "-o", type=click.Path(),
              help="Write to this file instead of the terminal (required for xlsx).")
@click.option("--overwrite", is_flag=True, help="Replace --output if it exists.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def weights(criteria_path: Path, candidates_path: Path, sources_path: Path | None,
            weighting: dict[str, Any], scenario_path: Path | None,
            no_selection: bool, fmt: str, output: str | None, overwrite: bool,
            lang: str) -> None:
    """Show the indicator weights, each expert's consistency and suggested revisions.

    With AHP judgments, also each expert's own view: their weights alone,
    their ranking and (with a scenario) their selection, the experts'
    agreement (Kendall's W, GCCI) and which expert's weights change the
    selection. --format xlsx -o FILE.xlsx writes a workbook of the weights,
    every expert's matrices (λmax, CI, CR) and their own weights. Example:
    the experts' AHP weights alone, as JSON:

        evalkit weights --weighting ahp --format json
    """
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE.xlsx")
    if fmt == "table" and output is not None:
        raise click.UsageError("--output needs --format json or xlsx")
    criteria = load_criteria(shown(criteria_path))
    evaluation = evaluate(criteria, load_table(candidates_path, sources_path, criteria),
                          **weighting)
    matrix, result = evaluation.matrix, evaluation.weights
    report = weights_report(matrix, result)
    if scenario_path is None and (Path(criteria_path).parent / "scenario.yaml").is_file():
        scenario_path = Path(criteria_path).parent / "scenario.yaml"
    scenario = (load_scenario(shown(scenario_path))
                if scenario_path is not None and not no_selection else None)
    view = experts_view(evaluation, scenario)
    report.update(_named_paths(view.to_dict(), criteria_path, scenario) if view is not None else {
        "experts": [], "consensus": None, "dissent": [],
        "experts_note": f"the {result.method} weighting uses no experts' judgments"})
    warn(dict.fromkeys((*evaluation.candidates.warnings, *matrix.warnings, *result.warnings)))
    if fmt == "xlsx":
        from evalkit.cli.workbook import command_line, weights_workbook

        extra = [("选择情景 scenario", scenario)] if scenario is not None else []
        data = weights_workbook(evaluation, view, command_line(click.get_current_context()),
                                [(role, s.path) for role, s in extra])
    if fmt in ("json", "xlsx"):
        data = json_bytes(report) if fmt == "json" else data
        emit(data, output, overwrite)
        return
    _print(report, criteria, lang)
    from evalkit.cli.experts_table import print_experts

    print_experts(report, {f.id: f.label(lang) for f in criteria.families}, lang, _console())


def _as_named(path: str | Path, criteria_path: Path) -> str:
    """A file the criteria set leads to, as the user named it, never a machine path they
    did not type: relative as found; under the working directory, relative to it; from the
    bundled sample, as its help names it (criteria/judgments/…); else as given."""
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    shown_path = shown(path)
    if not shown_path.is_absolute():
        return shown_path.as_posix()
    if Path(criteria_path) == DEFAULT_CRITERIA:
        try:
            return path.resolve().relative_to(DEFAULT_CRITERIA.resolve().parent.parent).as_posix()
        except ValueError:
            pass
    return str(path)


def _named_paths(experts: dict[str, Any], criteria_path: Path,
                 scenario: Any) -> dict[str, Any]:
    """The experts' part of the JSON with each judgment file and the scenario as named."""
    for row in experts["experts"]:
        if row.get("file"):
            row["file"] = _as_named(row["file"], criteria_path)
    where = getattr(scenario, "path", None)
    label = experts.get("experts_scenario")
    if where is not None and isinstance(label, str) and f"({where})" in label:
        experts["experts_scenario"] = label.replace(f"({where})",
                                                    f"({_as_named(where, criteria_path)})")
    return experts


def _console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=120, color_system=None)
    return console


def _print(report: dict[str, Any], criteria: Any, lang: str) -> None:
    console = _console()
    console.print(f"[bold]{criteria.label(lang)}[/bold] — {report['description']}")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for title in ("准则层 Family", "指标 Indicator"):
        table.add_column(title)
    columns = [("weights", "权重 w")]
    if "ahp_weights" in report:
        columns = [("ahp_weights", "AHP"), ("objective_weights", "客观 objective"),
                   ("weights", "组合 combined")]
    for _, title in columns:
        table.add_column(title, justify="right")
    for family in criteria.families:
        members = criteria.members(family.id)
        for position, ind in enumerate(members):
            head = f"{family.label(lang)} {report['families'][family.id]:.3f}" if position == 0 else ""
            table.add_row(head, criteria.place(ind, lang) + ind.label(lang),
                          *(f"{report[key][ind.id]:.4f}" for key, _ in columns))
        table.add_section()
    console.print(table)
    if report["consistency"]:
        tables = sorted({c["ri_table"] for c in report["consistency"]})
        check = Table(title=f"一致性检验 Consistency (RI table: {', '.join(tables)}; "
                            "2×2 matrices are always consistent and not listed)",
                      box=box.SIMPLE_HEAD, pad_edge=False)
        for title in ("matrix", "expert", "n", "λmax", "CI", "CR", "RI", "OK", "estimated pairs"):
            check.add_column(title, justify="right" if title in ("n", "λmax", "CI", "CR", "RI")
                             else "left", no_wrap=title == "matrix")
        for c in report["consistency"]:
            if c["n"] <= 2:
                continue
            estimated = ", ".join(f"{p['pair'][0]}:{p['pair'][1]}={p['value']:.3g}"
                                  for p in c["estimated_pairs"])
            check.add_row(c["matrix"], c["expert"], str(c["n"]), f"{c['lambda_max']:.4f}",
                          f"{c['ci']:.4f}", f"{c['cr']:.4f}", f"{c['ri']:.2f}",
                          "✓" if c["acceptable"] else "✗ CR too high", estimated)
        console.print(check)
    for r in report["revisions"]:
        console.print(f"Revision: {r['matrix']} ({r['expert']}): {r['pair'][0]} vs {r['pair'][1]} "
                      f"{r['current']:.3g} → {r['suggested']:.3g}")
