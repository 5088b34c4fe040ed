"""Options shared by several commands, defined once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def inputs(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--criteria`` and ``--candidates``, defaulting to the bundled sample."""
    func = click.option(
        "--candidates", "candidates_path", type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_CANDIDATES, show_default=_relative(DEFAULT_CANDIDATES),
        help="Candidate table (.csv in UTF-8 or GBK, or .xlsx).")(func)
    func = click.option(
        "--criteria", "criteria_path", type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_CRITERIA, show_default=_relative(DEFAULT_CRITERIA),
        help="Criteria-set YAML file.")(func)
    return func


def shown(path: Path) -> Path:
    """A path as the user would like to read it: relative to the working directory."""
    return Path(_relative(path.resolve())) if path.is_absolute() else path
