"""``evalkit years``: towns over years — global weights, per-year closeness, trends."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from evalkit.cli import cli
from evalkit.errors import InputError
from evalkit.methods.registry import TOPSIS_DISTANCES, WEIGHTING_METHODS
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

DEFAULT_PANEL = DEFAULT_CANDIDATES.parent / "panel"
"""The bundled sample panel: one table per year, towns_2019.csv … towns_2024.csv."""

YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def year_of(path: Path) -> int:
    """The year a table is for: the last 19xx/20xx number in its file name."""
    found = YEAR_IN_NAME.findall(path.stem)
    if not found:
        raise InputError(f"no year in the file name {path.name!r}",
                         "name each year's table with its year, e.g. towns_2021.csv", file=path)
    return int(found[-1])


@cli.command()
@click.argument("tables", nargs=-1, type=click.Path(path_type=Path))
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_CRITERIA, help="Criteria-set YAML file. [default: the bundled one]")
@click.option("--weighting", type=click.Choice(list(WEIGHTING_METHODS)),
              help="Weighting method over all (town, year) rows (default: the criteria set's).")
@click.option("--distance", type=click.Choice(list(TOPSIS_DISTANCES)), default="weighted_matrix",
              show_default=True, help="Where TOPSIS puts the weights.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def years(tables: tuple[Path, ...], criteria_path: Path, weighting: str | None, distance: str,
          fmt: str) -> None:
    """Rank towns year by year on one scale and show each town's trend.

    TABLES are one candidate table per year (the year is read from each file
    name); a folder stands for its *.csv files.  Weights are computed once on all
    (town, year) rows; each year is ranked by TOPSIS against fixed ideal and
    anti-ideal points (each indicator's best and worst over all years).  Then, for
    every target of the criteria set (indicators derived by ``gap``), how many each
    town meets, year by year (all figures in the JSON).  Example, the bundled
    sample panel 2019–2024:

        evalkit years
    """
    from evalkit.io.candidates import load_candidates
    from evalkit.io.output import json_bytes
    from evalkit.model.criteria import load_criteria
    from evalkit.model.years import evaluate_years

    paths: list[Path] = []
    for given in tables or (DEFAULT_PANEL,):
        paths += sorted(given.glob("*.csv")) if given.is_dir() else [given]
    by_year: dict[int, Path] = {}
    for path in paths:
        year = year_of(path)
        if year in by_year:
            raise InputError(f"two tables for {year}: {by_year[year].name} and {path.name}",
                             "give one table per year", file=path)
        by_year[year] = path
    criteria = load_criteria(criteria_path)
    panel = evaluate_years(criteria,
                           {y: load_candidates(p, headers=criteria.headers)
                            for y, p in by_year.items()},
                           weighting=weighting, distance=distance)
    if fmt == "json":
        sys.stdout.buffer.write(json_bytes(panel.to_dict()))
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"TOPSIS closeness/rank by year (global {panel.weights.method} "
                        "weights, fixed ideal points)", box=box.SIMPLE, pad_edge=False)
    table.add_column("town", no_wrap=True)
    for y in panel.years:
        table.add_column(str(y), justify="right", no_wrap=True, min_width=7)
    table.add_column("trend", justify="right", no_wrap=True, min_width=7)
    order = sorted(range(len(panel.ids)), key=lambda k: panel.ranks[-1][k])
    for k in order:
        cells = [f"{panel.closeness[t, k]:.3f}/{panel.ranks[t, k]}"
                 for t in range(len(panel.years))]
        table.add_row(f"{panel.ids[k]} {panel.names[k]}", *cells, f"{panel.trend[k]:+.4f}")
    console = Console()
    console.print(table)
    if not panel.targets:
        return
    first, last = panel.years[0], panel.years[-1]
    met = Table(title=f"Targets: each town's value {first} → {last} (✓ met in {last})",
                box=box.SIMPLE, pad_edge=False)
    met.add_column("target", no_wrap=True)
    for k in order:
        met.add_column(panel.ids[k], justify="right", no_wrap=True)
    for t in panel.targets:
        met.add_row(f"{t.indicator} {'≥' if t.sense == 'max' else '≤'} {t.target:g}",
                    *(f"{t.values[0, k]:.3g}→{t.values[-1, k]:.3g}{' ✓' if t.met[-1, k] else ''}"
                      for k in order))
    console.print(met)
