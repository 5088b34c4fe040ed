"""``evalkit rank``: weight the indicators and rank the towns by TOPSIS."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from evalkit import evaluate, load_criteria
from evalkit.cli import cli, quick_exit, warn
from evalkit.cli.options import inputs, load_table, shown
from evalkit.cli.progress import steps
from evalkit.io.output import csv_bytes, write_atomic, xlsx_bytes
from evalkit.methods.registry import ENTROPY_STANDARDIZATIONS, NORMALIZATIONS, WEIGHTING_METHODS
from evalkit.model.evaluation import Evaluation

FORMATS = ("table", "csv", "json", "xlsx")
COMPACT_ABOVE = 1_000
"""``--format json`` is compact (one line) for more towns than this, unless ``--indented``."""


@cli.command()
@inputs
@click.option("--weighting", type=click.Choice(list(WEIGHTING_METHODS)),
              help="Weighting method (default: the criteria set's).")
@click.option("--standardization", type=click.Choice(list(ENTROPY_STANDARDIZATIONS)),
              help="Entropy only: raw proportions or direction-aware min–max.")
@click.option("--normalization", type=click.Choice(list(NORMALIZATIONS)),
              help="TOPSIS normalisation (default: the criteria set's, usually vector).")
@click.option("--allow-inconsistent", is_flag=True,
              help="Proceed when an AHP matrix has CR above the threshold (recorded as a warning).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(),
              help="Write to this file instead of the terminal (required for xlsx).")
@click.option("--overwrite", is_flag=True, help="Replace --output if it exists.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of labels in the table.")
@click.option("--compact/--indented", "compact", default=None,
              help=f"JSON layout: one line, or indented by two spaces. [default: indented up to "
                   f"{COMPACT_ABOVE:,} towns, compact above]")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress display (none is shown either when stderr is not a terminal).")
def rank(criteria_path: Path, candidates_path: Path, sources_path: Path | None,
         weighting: str | None,
         standardization: str | None, normalization: str | None, allow_inconsistent: bool, fmt: str,
         output: str | None, overwrite: bool, lang: str, compact: bool | None,
         quiet: bool) -> None:
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
        table = load_table(candidates_path, sources_path)
        step("排序 weighting and ranking")
        result = evaluate(criteria, table, weighting=weighting, normalization=normalization,
                          standardization=standardization,
                          weighting_options={"allow_inconsistent": True} if allow_inconsistent
                          else None)
        warn(result.warnings)
        if fmt != "table" or output is not None:
            step(f"写出 writing {fmt}")
            data = render(result, fmt, lang, compact=compact)
    if fmt == "table" and output is None:
        from evalkit.cli.tables import print_ranking

        print_ranking(result, lang)
        return
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        written = write_atomic(output, lambda handle: handle.write(data), overwrite=overwrite)
        click.echo(f"Wrote {written}", err=True)


def render(result: Evaluation, fmt: str, lang: str = "zh", *, compact: bool | None = None) -> bytes:
    """The ranking as bytes in one of the file formats.

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
    header, rows = ranking_rows(result, lang)
    if fmt == "csv":
        return csv_bytes(header, rows)
    criteria = result.criteria
    weights = (["indicator", "label", "family", "direction", "unit", "weight"],
               [[ind.id, ind.label(lang), criteria.family(ind.family).label(lang), ind.direction,
                 ind.unit, w] for ind, w in zip(criteria.indicators, result.weights.values,
                                                 strict=True)])
    values = (["id", "name", *result.matrix.indicator_ids],
              [[i, n, *row] for i, n, row in zip(result.matrix.ids, result.matrix.names,
                                                  result.matrix.values.tolist(), strict=True)])
    obstacles = (["id", "name", *result.obstacles.family_ids],
                 [[i, n, *row] for i, n, row in zip(result.matrix.ids, result.matrix.names,
                                                     result.obstacles.family_degree.tolist(),
                                                     strict=True)])
    agreement = (["method", "spearman", "weighted_spearman"],
                 [[a.method, *(x if x == x else None for x in (a.spearman, a.weighted_spearman))]
                  for a in result.agreement.values()])
    return xlsx_bytes({"ranking": (header, rows), "weights": weights, "indicators": values,
                       "obstacles": obstacles, "agreement": agreement})


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
