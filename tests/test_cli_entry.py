"""The command itself: ``python -m evalkit``, help texts, version."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import click
import pytest
from foundation_support import run_cli

from evalkit import __version__
from evalkit.cli import cli
from evalkit.paths import PROJECT_ROOT


def walk(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``group``, with its path of names (loading lazy ones, as ``--help`` does)."""
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


COMMANDS = list(walk(cli))


def test_python_dash_m_runs_rank(tmp_path) -> None:
    """``python -m evalkit rank`` works from any directory, on the bundled sample."""
    done = subprocess.run([sys.executable, "-m", "evalkit", "rank", "--format", "json"],
                          capture_output=True, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout.decode("utf-8"))
    assert data["ranking"][0]["rank"] == 1
    assert len(data["ranking"]) == 5


def test_python_dash_m_reports_errors_without_traceback(tmp_path) -> None:
    done = subprocess.run([sys.executable, "-m", "evalkit", "rank", "--candidates", "nowhere.csv"],
                          capture_output=True, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 2
    stderr = done.stderr.decode()
    assert "Traceback" not in stderr
    assert stderr.splitlines() == ["Error: nowhere.csv: candidate file not found — check the path"]


def test_python_dash_m_table_output() -> None:
    done = subprocess.run([sys.executable, "-m", "evalkit", "rank", "--lang", "en"],
                          capture_output=True, cwd=PROJECT_ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode("utf-8")
    assert "Qingshan T1" in out
    assert "Closeness C" in out


def test_top_level_help_ends_with_an_example() -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    assert cli.help and cli.help.strip().splitlines()[-1].strip().startswith("evalkit ")
    for path, _ in COMMANDS:
        if len(path) == 1:
            assert f"  {path[0]} " in result.output


def test_there_are_commands() -> None:
    assert {"rank", "validate"} <= {path[0] for path, _ in COMMANDS}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_ending_in_an_example(path, command) -> None:
    assert command.help, f"evalkit {' '.join(path)} has no help text"
    last = command.help.strip().splitlines()[-1].strip()
    assert last.startswith(f"evalkit {' '.join(path)}"), \
        f"the help of evalkit {' '.join(path)} should end with an example, not {last!r}"
    assert command.short_help or command.help.strip().splitlines()[0].strip()
    result = run_cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert last in result.output  # the example survives click's re-wrapping


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"evalkit, version {__version__}"
