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
    from evalkit.methods.ahp.rewrite import RepairPlan
    from evalkit.model.criteria import CriteriaSet


@cli.command()
@inputs
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Selection scenario to check as well (default: scenario.yaml beside the "
                   "criteria set, if any).")
@click.option("--targets", "targets_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Targets file to check as well (default: targets.yaml beside the criteria "
                   "set, if any).")
@click.option("--repair", "repair_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write corrected copies of the experts' judgment files whose matrices are "
                   "inconsistent into this folder (created if missing; an existing file is "
                   "never replaced): the smallest revisions that bring each CR under the "
                   "threshold, marked in the copy and listed.  The originals are not touched.")
def validate(criteria_path: Path, candidates_path: Path, sources_path: Path | None,
             scenario_path: Path | None,
             targets_path: Path | None, repair_dir: Path | None = None) -> None:
    """Check the criteria set, the candidate table, the experts' judgments (their
    consistency too), the weighting options, the scenario and its standards, and
    the targets: everything rank, weights, select and report would read.

    Every problem is listed, one line each, with its file, row and column; the
    exit code is 2 if there is any.  With --repair DIR, corrected copies of the
    inconsistent judgment files are written into DIR (the exit code still tells
    whether the originals have problems).  Example, your own table, with
    corrected copies of inconsistent judgments written into fixed/:

    \b
        evalkit validate --candidates my_towns.xlsx --repair fixed
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
    # the copies first: a refusal (a copy already there) is then the one error shown
    repaired = _repair(result.criteria, repair_dir) if repair_dir is not None else None
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
        if repair_dir is not None:
            _show_repairs(repaired, repair_dir, result.criteria)
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
    if repair_dir is not None:
        _show_repairs(repaired, repair_dir, criteria)


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
    members = criteria.judgment_groups()
    found = []
    for path in files:
        try:
            load_judgments(path, families, members)
        except InputError as problem:
            found.append(problem)
    return found


def _repair(criteria: CriteriaSet | None, folder: Path) -> RepairPlan | str:
    """The corrected copies of the inconsistent judgment files, written into ``folder``;
    or why there is nothing to repair."""
    from evalkit.methods.ahp.consistency import (
        DEFAULT_METHOD,
        DEFAULT_RI_TABLE,
        DEFAULT_THRESHOLD,
    )
    from evalkit.methods.ahp.judgments import load_judgments
    from evalkit.methods.ahp.rewrite import repair_files
    from evalkit.methods.specs import check_weighting
    from evalkit.methods.weighting import judgment_files

    if criteria is None:
        return "the criteria set could not be read / 无法读取指标体系"
    spec = criteria.weighting
    if spec.method not in ("ahp", "combined"):
        return (f"weighting method {spec.method} reads no expert judgments / "
                "该赋权方法不使用专家判断")
    families = tuple(f.id for f in criteria.families)
    members = criteria.judgment_groups()
    try:
        options = check_weighting(spec.options, spec.method, file=spec.source,
                                  indicator_ids=[i.id for i in criteria.indicators])
        files = judgment_files(spec)
    except InputError:  # reported above
        return "the weighting options or the judgment files could not be read / 无法读取专家判断"
    experts = []
    for path in files:
        try:
            experts.append(load_judgments(path, families, members))
        except InputError:
            continue  # reported above; the other experts' files are still repaired
    return repair_files(experts, folder,
                        method=str(options.get("priority", DEFAULT_METHOD)),
                        ri_table=str(options.get("ri_table", DEFAULT_RI_TABLE)),
                        threshold=float(options.get("threshold", DEFAULT_THRESHOLD)))


def _show_repairs(plan: RepairPlan | str | None, folder: Path,
                  criteria: CriteriaSet | None) -> None:
    """One line per change, the matrices left as they are, and what to do with the copies."""
    from evalkit.methods.ahp.scale import saaty_label

    if plan is None or isinstance(plan, str):
        click.echo(visible(f"--repair: nothing written / 未写入任何文件: {plan}"))
        return
    if not plan.inconsistent:
        click.echo("--repair: every matrix is consistent, nothing written / "
                   "所有判断矩阵的一致性均可接受，未写入任何文件。")
        return
    families = {f.id: f.label.zh for f in criteria.families} if criteria else {}
    indicators = {i.id: i.label.zh for i in criteria.indicators} if criteria else {}
    lines = []
    if plan.changes:
        changed, copies = len(plan.changes), len(plan.written)
        lines.append(f"--repair: {changed} judgment{'' if changed == 1 else 's'} changed in "
                     f"{copies} corrected cop{'y' if copies == 1 else 'ies'} / 修正副本中改动的判断 "
                     "(CR: the matrix before → after all its changes / 矩阵修改前后的一致性比率):")
    for change in plan.changes:
        names = families if change.matrix == "families" else indicators
        a, b = (names.get(x, x) for x in change.pair)
        also = "".join(f"; 倒数格 reciprocal :{where} {saaty_label(1 / change.old)} → "
                       f"{saaty_label(1 / change.new)}" for where in change.also)
        lines.append(f"  {Path(change.file).name}:{change.where} {change.matrix} {a} vs {b}: "
                     f"{saaty_label(change.old)} → {saaty_label(change.new)} "
                     f"(CR {change.cr_before:.3f} → {change.cr_after:.3f}{also})")
    for left in plan.unrepaired:
        where = f":{left.line}" if left.line is not None else ""
        lines.append(f"  {Path(left.file).name}{where} {left.matrix}: not repaired — no revision "
                     f"brings CR {left.cr_before:.3f} to {left.threshold:.2f} (at best "
                     f"{left.cr_after:.3f}); ask {left.expert} to redo these comparisons / "
                     "未修改：仅改动个别判断无法使一致性达标，请专家重新填写该矩阵")
    if plan.written:
        lines.append(f"The corrected copies are in {folder}/; the originals are unchanged.  "
                     "Once the experts agree to the changes, replace their files in the "
                     "judgments folder with these copies and run evalkit validate again. / "
                     f"修正副本已写入 {folder}/，原文件未改动；请专家确认修改后，用副本替换 "
                     "judgments 文件夹中的原文件，再运行 evalkit validate。")
    else:
        lines.append("--repair: nothing written / 未写入任何文件.")
    for line in lines:
        click.echo(visible(line))
