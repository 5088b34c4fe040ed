"""Options shared by several commands, defined once."""

from __future__ import annotations

import functools
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

    @functools.wraps(func)
    def with_defaults(*args: Any, criteria_path: Path | None, candidates_path: Path | None,
                      **kwargs: Any) -> Any:
        return func(*args, criteria_path=criteria_path or DEFAULT_CRITERIA,
                    candidates_path=candidates_path or DEFAULT_CANDIDATES, **kwargs)

    wrapped: Callable[..., Any] = click.option(
        "--candidates", "candidates_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Candidate table (.csv in UTF-8 or GBK, or .xlsx). "
             "[default: the bundled candidates/towns.csv]")(with_defaults)
    return click.option(
        "--criteria", "criteria_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Criteria-set YAML file. [default: the bundled criteria/default.yaml]")(wrapped)


def shown(path: Path) -> Path:
    """A path as the user would like to read it: relative to the working directory."""
    return Path(_relative(path.resolve())) if path.is_absolute() else path
