"""``evalkit validate``: check a criteria set and a candidate table."""

from __future__ import annotations

from pathlib import Path

import click

from evalkit import load_candidates, load_criteria
from evalkit.cli import cli, warn
from evalkit.cli.options import inputs, shown
from evalkit.model.indicators import build_matrix


@cli.command()
@inputs
def validate(criteria_path: Path, candidates_path: Path) -> None:
    """Check that the criteria set and the candidate table can be evaluated.

    Reads both files, computes every indicator for every town and reports the
    first problem with its file, row and column.  Example:

        evalkit validate --candidates candidates/my_towns.xlsx
    """
    criteria = load_criteria(shown(criteria_path))
    table = load_candidates(shown(candidates_path))
    matrix = build_matrix(criteria, table)
    warn((*table.warnings, *matrix.warnings))
    encoding = f", read as {table.encoding}" if table.encoding else ""
    click.echo(f"OK: {criteria.name} {criteria.version} — {len(criteria.indicators)} indicators "
               f"in {len(criteria.families)} families; {table.path}: {len(table)} towns{encoding}.")
