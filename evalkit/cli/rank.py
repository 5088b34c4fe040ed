"""``evalkit rank``: weight the indicators and rank the towns by TOPSIS."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.cli import cli, warn
from evalkit.cli.options import inputs, shown
from evalkit.io.output import csv_bytes, json_bytes, write_atomic, xlsx_bytes
from evalkit.methods.registry import ENTROPY_STANDARDIZATIONS, NORMALIZATIONS, WEIGHTING_METHODS
from evalkit.model.evaluation import Evaluation

FORMATS = ("table", "csv", "json", "xlsx")


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
def rank(criteria_path: Path, candidates_path: Path, weighting: str | None,
         standardization: str | None, normalization: str | None, allow_inconsistent: bool, fmt: str,
         output: str | None, overwrite: bool, lang: str) -> None:
    """Rank the candidate towns by TOPSIS closeness, with weights and obstacles.

    Example: rank the sample with CRITIC weights and save a spreadsheet:

        evalkit rank --weighting critic --format xlsx -o ranking.xlsx
    """
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE.xlsx")
    result = evaluate(load_criteria(shown(criteria_path)), load_candidates(shown(candidates_path)),
                      weighting=weighting, normalization=normalization,
                      standardization=standardization,
                      weighting_options={"allow_inconsistent": True} if allow_inconsistent else None)
    warn(result.warnings)
    if fmt == "table" and output is None:
        from evalkit.cli.tables import print_ranking

        print_ranking(result, lang)
        return
    data = render(result, fmt, lang)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        written = write_atomic(output, lambda handle: handle.write(data), overwrite=overwrite)
        click.echo(f"Wrote {written}", err=True)


def render(result: Evaluation, fmt: str, lang: str = "zh") -> bytes:
    """The ranking as bytes in one of the file formats."""
    if fmt == "json":
        return json_bytes(result.to_dict())
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
                 [[a.method, a.spearman, a.weighted_spearman] for a in result.agreement.values()])
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
