"""``evalkit rank``: weight the indicators and rank the towns by TOPSIS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from evalkit import evaluate, load_criteria
from evalkit.cli import cli, quick_exit, warn
from evalkit.cli.options import emit, inputs, load_table, shown, weighting_options
from evalkit.cli.progress import steps
from evalkit.io.output import csv_bytes
from evalkit.model.evaluation import Evaluation

FORMATS = ("table", "csv", "json", "xlsx")
COMPACT_ABOVE = 1_000
"""``--format json`` is compact (one line) for more towns than this, unless ``--indented``."""


@cli.command()
@inputs
@weighting_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(),
              help="Write to this file instead of the terminal (required for xlsx).")
@click.option("--overwrite", is_flag=True, help="Replace --output if it exists.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of labels in the table (the xlsx workbook is in Chinese).")
@click.option("--compact/--indented", "compact", default=None,
              help=f"JSON layout: one line, or indented by two spaces. [default: indented up to "
                   f"{COMPACT_ABOVE:,} towns, compact above]")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress display (none is shown either when stderr is not a terminal).")
def rank(criteria_path: Path, candidates_path: Path, sources_path: Path | None,
         weighting: dict[str, Any], fmt: str, output: str | None, overwrite: bool, lang: str,
         compact: bool | None, quiet: bool) -> None:
    """Rank the candidate towns by TOPSIS closeness, with weights and obstacles.

    Example: rank the sample with CRITIC weights and save a spreadsheet:

        evalkit rank --weighting critic --format xlsx -o ranking.xlsx
    """
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE.xlsx")
    quick_exit()  # nothing to clean up at exit; 40,000 towns take long to tear down
    with steps(quiet) as step:
        step("读表 reading the tables")
        criteria = load_criteria(shown(criteria_path))
        table = load_table(candidates_path, sources_path, criteria)
        step("排序 weighting and ranking")
        result = evaluate(criteria, table, **weighting)
        warn(result.warnings)
        if fmt != "table" or output is not None:
            step(f"写出 writing {fmt}")
            data = render(result, fmt, lang, compact=compact)
    if fmt == "table" and output is None:
        from evalkit.cli.tables import print_ranking

        print_ranking(result, lang)
        return
    emit(data, output, overwrite)


def render(result: Evaluation, fmt: str, lang: str = "zh", *, compact: bool | None = None) -> bytes:
    """The ranking as bytes in one of the file formats.

    XLSX is the formatted workbook of :func:`evalkit.cli.workbook.ranking_workbook`
    (it needs the running command's context, for the cover sheet).

    JSON is indented (byte for byte ``json.dumps(indent=2)``) up to
    :data:`COMPACT_ABOVE` towns and compact above, unless ``compact`` says.
    """
    if fmt == "json":
        if compact is None:
            compact = len(result.matrix.ids) > COMPACT_ABOVE
        return result.to_json(compact=compact)
    if fmt == "table":
        from evalkit.cli.tables import ranking_text

        return ranking_text(result, lang).encode("utf-8")
    if fmt == "xlsx":
        from evalkit.cli.workbook import command_line, ranking_workbook

        return ranking_workbook(result, command_line(click.get_current_context()))
    header, rows = ranking_rows(result, lang)
    return csv_bytes(header, rows)


def ranking_rows(result: Evaluation, lang: str = "zh") -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the ranking table for CSV and XLSX."""
    header = ["rank", "id", "name", "name_en", "closeness", "d_plus", "d_minus", "tied",
              "obstacle_1", "obstacle_2", "obstacle_3"]
    rows = []
    r = result.ranking
    top_all = result.obstacles.top_all(3)
    for i in r.order:
        top = top_all[i]
        obstacles = [f"{ind} ({deg:.1%})" for ind, deg in top] + [""] * (3 - len(top))
        rows.append([int(r.ranks[i]), result.matrix.ids[i], result.matrix.names[i],
                     result.matrix.names_en[i], float(r.closeness[i]), float(r.d_plus[i]),
                     float(r.d_minus[i]), bool(r.tied[i]), *obstacles])
    return header, rows
