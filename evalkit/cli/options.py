"""Options shared by several commands, defined once."""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

if TYPE_CHECKING:
    from evalkit.io.candidates import CandidateTable
    from evalkit.model.criteria import CriteriaSet


class FiniteFloat(click.FloatRange):
    """A number in a range, never ``nan`` nor ``inf`` (which ``float`` reads and a range admits).

    ``wanted`` says what to pass, e.g. ``a number of seconds such as 60``.
    """

    def __init__(self, wanted: str, **bounds: Any) -> None:
        super().__init__(**bounds)
        self.wanted = wanted

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            name = param.opts[0] if param is not None and param.opts else "the value"
            raise click.UsageError(f"{name}: {str(value).strip()[:20]!r} is not a finite number "
                                   f"— give {self.wanted}", ctx)
        return number


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def inputs(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--criteria``, ``--candidates`` and ``--sources``, defaulting to the bundled sample."""

    @functools.wraps(func)
    def with_defaults(*args: Any, criteria_path: Path | None, candidates_path: Path | None,
                      **kwargs: Any) -> Any:
        return func(*args, criteria_path=criteria_path or DEFAULT_CRITERIA,
                    candidates_path=candidates_path or DEFAULT_CANDIDATES, **kwargs)

    sourced: Callable[..., Any] = click.option(
        "--sources", "sources_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Sources of the candidate table's values (CSV, or a workbook's sources sheet). "
             "[default: the table's sources sheet, else <table>.sources.csv beside it, "
             "if any]")(with_defaults)
    wrapped: Callable[..., Any] = click.option(
        "--candidates", "candidates_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Candidate table (.csv in UTF-8 or GBK, or .xlsx). "
             "[default: the bundled candidates/towns.csv]")(sourced)
    return click.option(
        "--criteria", "criteria_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Criteria-set YAML file. [default: the bundled criteria/default.yaml]")(wrapped)


def weighting_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--weighting``, ``--standardization``, ``--normalization`` and
    ``--allow-inconsistent``: the options of :func:`evalkit.evaluate`, the same on every
    command that weights.  The command receives them as one ``weighting`` mapping, to
    pass on as ``evaluate(criteria, table, **weighting)``."""
    from evalkit.methods.registry import (
        ENTROPY_STANDARDIZATIONS,
        NORMALIZATIONS,
        WEIGHTING_METHODS,
    )

    @functools.wraps(func)
    def collected(*args: Any, weighting_method: str | None, standardization: str | None,
                  normalization: str | None, allow_inconsistent: bool, **kwargs: Any) -> Any:
        options = {"weighting": weighting_method, "standardization": standardization,
                   "normalization": normalization,
                   "weighting_options": {"allow_inconsistent": True} if allow_inconsistent
                   else None}
        return func(*args, weighting=options, **kwargs)

    wrapped: Callable[..., Any] = collected
    for option in reversed((
        click.option("--weighting", "weighting_method", type=click.Choice(list(WEIGHTING_METHODS)),
                     help="Weighting method (default: the criteria set's)."),
        click.option("--standardization", type=click.Choice(list(ENTROPY_STANDARDIZATIONS)),
                     help="Entropy only: raw proportions or direction-aware min–max."),
        click.option("--normalization", type=click.Choice(list(NORMALIZATIONS)),
                     help="TOPSIS normalisation (default: the criteria set's, usually vector)."),
        click.option("--allow-inconsistent", is_flag=True,
                     help="Proceed when an AHP matrix has CR above the threshold (recorded as "
                          "a warning)."),
    )):
        wrapped = option(wrapped)
    return wrapped


def load_table(candidates_path: Path, sources_path: Path | None,
               criteria: CriteriaSet | None = None) -> CandidateTable:
    """The candidate table with its sources: ``--sources`` if given, else its own, if any;
    its headers renamed by the criteria set's ``columns:``."""
    from evalkit.io.candidates import load_candidates

    return load_candidates(shown(candidates_path),
                           sources=shown(sources_path) if sources_path is not None else True,
                           headers=criteria.headers if criteria is not None else None)


def shown(path: Path) -> Path:
    """A path as the user would like to read it: relative to the working directory."""
    return Path(_relative(path.resolve())) if path.is_absolute() else path


def emit(data: bytes, output: str | None, overwrite: bool) -> None:
    """A command's bytes (JSON, CSV, a workbook) to the terminal, or written atomically to
    ``output`` (an existing file only with ``overwrite``), saying where."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from evalkit.io.output import write_atomic

    written = write_atomic(output, lambda handle: handle.write(data), overwrite=overwrite)
    click.echo(f"Wrote {written}", err=True)
