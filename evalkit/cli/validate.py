"""``evalkit validate``: check every input a run will use, and report every problem."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from evalkit.cli import cli, warn
from evalkit.cli.options import inputs, shown
from evalkit.errors import InputError, exit_code, visible

if TYPE_CHECKING:
    from evalkit.decide.checks import InputCheck


@cli.command()
@inputs
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Selection scenario to check as well (default: scenario.yaml beside the "
                   "criteria set, if any).")
@click.option("--targets", "targets_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Targets file to check as well (default: targets.yaml beside the criteria "
                   "set, if any).")
def validate(criteria_path: Path, candidates_path: Path, sources_path: Path | None,
             scenario_path: Path | None,
             targets_path: Path | None) -> None:
    """Check the criteria set, the candidate table, the experts' judgments (their
    consistency too), the weighting options, the scenario and its standards, and
    the targets: everything rank, weights, select and report would read.

    Every problem is listed, one line each, with its file, row and column; the
    exit code is 2 if there is any.  Example:

        evalkit validate --candidates candidates/my_towns.xlsx
    """
    from evalkit.decide.checks import check_inputs

    base = criteria_path.parent
    if scenario_path is None and (base / "scenario.yaml").is_file():
        scenario_path = base / "scenario.yaml"
    if targets_path is None and (base / "targets.yaml").is_file():
        targets_path = base / "targets.yaml"
    result = check_inputs(shown(criteria_path), shown(candidates_path),
                          scenario=shown(scenario_path) if scenario_path else None,
                          targets=shown(targets_path) if targets_path else None,
                          sources=shown(sources_path) if sources_path else None)
    if result.problems:
        result = replace(result, problems=(*result.problems, *_unchecked_judgments(result)))
    # the table's own warnings (how it was read, what the import fixed), once each
    warn(dict.fromkeys((*(result.candidates.warnings if result.candidates is not None else ()),
                        *result.warnings)))
    if result.problems:
        for problem in result.problems:
            click.echo(f"Error: {problem.message}", err=True)
            for line in problem.details:
                click.echo(visible(line), err=True)
        count = len(result.problems)
        if count > 1:
            click.echo(f"{count} problems found.", err=True)
        raise SystemExit(max(exit_code(p) for p in result.problems))
    criteria, table = result.criteria, result.candidates
    assert criteria is not None and table is not None
    encoding = f", read as {table.encoding}" if table.encoding else ""
    lines = [f"OK: {criteria.name} {criteria.version} — {len(criteria.indicators)} indicators "
             f"in {len(criteria.families)} families; {table.path}: {len(table)} towns{encoding}."]
    if result.experts:
        lines.append(f"judgments: {result.experts} experts, every matrix consistent.")
    if result.scenario is not None:
        screens = len(result.scenario.screens)
        lines.append(f"scenario: {result.scenario.path} ({screens} screen rule"
                     f"{'' if screens == 1 else 's'}) fits the table.")
        plan = result.scenario.plan
        if plan is not None:
            links = result.scenario.plan_links
            follows = sum(link.follows for link in links)
            lines.append(f"plan: {shown(plan.path) if plan.path else 'plan'}: {len(plan)} figures, "
                         f"{len(plan.contradictions)} contradictions recorded; the scenario "
                         f"follows {follows} figures and departs in {len(links) - follows} "
                         f"places, each with its reason.")
    if result.targets is not None:
        lines.append(f"targets: {result.targets.path}: {len(result.targets)} targets.")
    if result.provenance is not None:
        lines.append(result.provenance.summary())
    click.echo("\n".join(lines))


def _unchecked_judgments(result: InputCheck) -> list[InputError]:
    """The experts' judgment files (YAML or questionnaire workbooks), each read on its own,
    when a problem elsewhere (the candidate table) kept the checks from reaching them."""
    from evalkit.methods.ahp.judgments import load_judgments
    from evalkit.methods.weighting import judgment_files

    criteria = result.criteria
    if criteria is None or result.experts or criteria.weighting.method not in ("ahp", "combined"):
        return []
    try:
        files = judgment_files(criteria.weighting)
    except InputError:
        return []  # a weighting problem: reported with the criteria set once the table reads
    named = {str(problem.file) for problem in result.problems}
    if any(str(path) in named for path in files):
        return []  # read already
    families = tuple(f.id for f in criteria.families)
    members = {f: [i.id for i in criteria.members(f)] for f in families}
    found = []
    for path in files:
        try:
            load_judgments(path, families, members)
        except InputError as problem:
            found.append(problem)
    return found
