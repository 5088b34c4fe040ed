"""Helpers shared by the foundation tests: running the CLI, editing the sample."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from evalkit.cli import cli
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_CSV = DEFAULT_CANDIDATES
SAMPLE_CRITERIA = DEFAULT_CRITERIA


def run_cli(*args: str | Path) -> Result:
    """Invoke ``evalkit`` in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def invoke(*args: str | Path) -> tuple[int, str, str]:
    """Run ``evalkit`` and return exit code, stdout and stderr; never a traceback."""
    result = run_cli(*args)
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def assert_error(result: Result, line: str) -> None:
    """The command failed as a user error: exit 2, the exact line, no traceback."""
    assert "Traceback" not in result.output
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert line in result.stderr.splitlines(), result.stderr


def rank_json(*args: str | Path) -> dict[str, Any]:
    """``evalkit rank --format json`` parsed; the command must succeed."""
    result = run_cli("rank", *args, "--format", "json")
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


def sample_rows() -> list[list[str]]:
    """The bundled sample table as rows of text cells, header first."""
    return list(csv.reader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def edited_sample(path: Path, edit: Callable[[list[list[str]]], None]) -> Path:
    """Write the sample table to ``path`` after ``edit(rows)`` changed it in place."""
    rows = sample_rows()
    edit(rows)
    return write_rows(path, rows)


def set_cell(rows: list[list[str]], town: str, column: str, value: str) -> None:
    """Set one cell of the sample rows, by town id and column name."""
    j = rows[0].index(column)
    row = next(r for r in rows[1:] if r[0] == town)
    row[j] = value


def assert_json_close(actual: Any, expected: Any, *, tol: float = 1e-9, where: str = "$") -> None:
    """Structural equality of parsed JSON, floats compared within ``tol``."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert type(actual) is type(expected) and actual == expected, \
            f"{where}: {actual!r} != {expected!r}"
    elif isinstance(expected, int | float):
        assert isinstance(actual, int | float) and not isinstance(actual, bool), \
            f"{where}: {actual!r} is not a number"
        assert math.isclose(actual, expected, rel_tol=tol, abs_tol=tol), \
            f"{where}: {actual!r} != {expected!r} (tolerance {tol})"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: {actual!r} is not an object"
        assert list(actual) == list(expected), f"{where}: keys {list(actual)} != {list(expected)}"
        for key in expected:
            assert_json_close(actual[key], expected[key], tol=tol, where=f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: {actual!r} is not an array"
        assert len(actual) == len(expected), f"{where}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_json_close(a, e, tol=tol, where=f"{where}[{i}]")
    else:  # pragma: no cover - json.loads makes nothing else
        raise TypeError(f"{where}: unexpected {type(expected).__name__}")


def same_ranking(out: dict[str, Any], reference: dict[str, Any]) -> None:
    """The same towns in the same order with the same ranks (ids, names, ranks)."""
    assert [(r["id"], r["name"], r["rank"]) for r in out["ranking"]] == \
        [(r["id"], r["name"], r["rank"]) for r in reference["ranking"]]
