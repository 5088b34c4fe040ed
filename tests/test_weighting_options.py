"""The weighting options are the same on every command that weights (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from evalkit.cli import cli
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

CRITERIA = DEFAULT_CRITERIA.parent
OPTIONS = ("--weighting", "--standardization", "--normalization", "--allow-inconsistent")
COMMANDS = ("rank", "weights", "select", "robust", "report")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_that_weights_has_the_weighting_options(command: str) -> None:
    text = CliRunner().invoke(cli, [command, "--help"]).output
    missing = [option for option in OPTIONS if option not in text]
    assert not missing, f"evalkit {command} lacks {missing}"


@pytest.fixture
def inconsistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled criteria with one expert's family matrix made inconsistent."""
    shutil.copytree(CRITERIA, tmp_path / "c")
    shutil.copy(DEFAULT_CANDIDATES, tmp_path / "towns.csv")
    path = tmp_path / "c" / "judgments" / "expert_li.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("      - [3,   1,   2,   2,   1,   3]", "      - [3,   1,   1/9, 9,   1,   3]"),
                     ("      - [2,   1/2, 1,   1,   1/2, 2]", "      - [2,   9,   1,   1,   1/2, 2]"),
                     ("      - [2,   1/2, 1,   1,   1,   2]", "      - [2,   1/9, 1,   1,   1,   2]")):
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["select", "robust", "report"])
def test_an_inconsistent_matrix_stops_the_command_and_the_option_names_the_way_on(
        inconsistent: Path, command: str) -> None:
    args = [command, "--criteria", "c/default.yaml", "--candidates", "towns.csv"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "is inconsistent: CR = " in result.stderr
    assert "--allow-inconsistent" in result.stderr


def test_select_proceeds_with_allow_inconsistent_and_warns(inconsistent: Path) -> None:
    result = CliRunner().invoke(cli, ["select", "--criteria", "c/default.yaml",
                                      "--candidates", "towns.csv", "--allow-inconsistent",
                                      "--format", "json", "--robust-samples", "0",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    assert "inconsistent" in result.stderr  # the warning is shown, not swallowed


def test_report_weighting_override_reaches_the_evaluation(inconsistent: Path) -> None:
    """--weighting entropy needs no judgments: the inconsistent file is not read."""
    result = CliRunner().invoke(cli, ["report", "--criteria", "c/default.yaml",
                                      "--candidates", "towns.csv", "--weighting", "entropy",
                                      "--no-selection", "--no-towns", "--format", "docx",
                                      "--out", "out", "--quiet"])
    assert result.exit_code == 0, result.output
    assert list(Path("out").rglob("*.docx"))
