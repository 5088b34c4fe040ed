"""`evalkit weights` and AHP/combined weighting through the criteria set and the CLI."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from foundation_support import invoke as run

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

CONTRACT = {"weighting", "weights", "families", "consistency", "revisions"}
CONSISTENCY_KEYS = {"matrix", "expert", "n", "lambda_max", "ci", "cr", "ri", "ri_table",
                    "acceptable", "estimated_pairs"}



def test_weights_json_contract_on_the_bundled_set() -> None:
    code, out, _ = run("weights", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert CONTRACT <= set(report)
    assert report["weighting"] == "combined"
    assert sum(report["weights"].values()) == pytest.approx(1.0, abs=1e-12)
    assert sum(report["families"].values()) == pytest.approx(1.0, abs=1e-12)
    experts = {c["expert"] for c in report["consistency"]}
    assert experts == {"王建国", "李秀梅", "陈立", "aggregate"}
    for c in report["consistency"]:
        assert set(c) == CONSISTENCY_KEYS
        assert c["ri_table"] == "saaty1980"
        assert c["acceptable"] is True and c["cr"] <= 0.10
    estimated = [p for c in report["consistency"] for p in c["estimated_pairs"]]
    assert estimated, "陈立's file leaves pairs out; their estimates must be reported"
    assert report["revisions"] == []


def test_combined_is_the_stated_mix_of_ahp_and_entropy() -> None:
    """w = α·AHP + (1 − α)·entropy with α = 0.5 from the criteria set."""
    _, out, _ = run("weights", "--format", "json")
    report = json.loads(out)
    for key, w in report["weights"].items():
        expected = 0.5 * report["ahp_weights"][key] + 0.5 * report["objective_weights"][key]
        assert w == pytest.approx(expected, abs=1e-12)
    _, entropy_out, _ = run("weights", "--weighting", "entropy", "--format", "json")
    assert json.loads(entropy_out)["weights"] == pytest.approx(report["objective_weights"], abs=1e-12)
    _, ahp_out, _ = run("weights", "--weighting", "ahp", "--format", "json")
    assert json.loads(ahp_out)["weights"] == pytest.approx(report["ahp_weights"], abs=1e-12)


def test_rank_uses_ahp_and_combined_weights() -> None:
    for method in ("ahp", "combined"):
        code, out, _ = run("rank", "--weighting", method, "--format", "json")
        assert code == 0
        data = json.loads(out)
        assert data["weighting"]["method"] == method
        _, weights_out, _ = run("weights", "--weighting", method, "--format", "json")
        assert data["weights"] == pytest.approx(json.loads(weights_out)["weights"], abs=1e-12)


def test_multiplicative_combination(tmp_path: Path) -> None:
    folder = _copy_criteria(tmp_path)
    text = (folder / "default.yaml").read_text(encoding="utf-8")
    (folder / "default.yaml").write_text(text.replace("combination: linear",
                                                      "combination: multiplicative"), "utf-8")
    criteria = load_criteria(folder / "default.yaml")
    result = evaluate(criteria, load_candidates(DEFAULT_CANDIDATES))
    a = result.weights.details["ahp_weights"]
    b = result.weights.details["objective"].values
    assert np.allclose(result.weights.values, a * b / (a * b).sum(), atol=1e-12)


def _copy_criteria(tmp_path: Path) -> Path:
    folder = tmp_path / "criteria"
    shutil.copytree(DEFAULT_CRITERIA.parent / "judgments", folder / "judgments")
    shutil.copy(DEFAULT_CRITERIA, folder / "default.yaml")
    return folder


def _plant_inconsistency(tmp_path: Path) -> Path:
    folder = _copy_criteria(tmp_path)
    expert = folder / "judgments" / "expert_wang.yaml"
    text = expert.read_text(encoding="utf-8")
    text = text.replace("{a: economy, b: population, value: 2}",
                        "{a: economy, b: population, value: 1/9}")
    text = text.replace("{a: fiscal, b: talent, value: 2}", "{a: fiscal, b: talent, value: 9}")
    expert.write_text(text, encoding="utf-8")
    return folder / "default.yaml"


def test_inconsistent_judgments_are_refused_with_a_revision(tmp_path: Path) -> None:
    criteria = _plant_inconsistency(tmp_path)
    code, _, err = run("rank", "--criteria", str(criteria))
    assert code == 2
    line = err.strip()
    assert line.startswith(f"Error: {criteria.parent}/judgments/expert_wang.yaml:21:families: "
                           "families of expert 王建国 is inconsistent: CR = 0.289 > 0.10")
    assert "revise economy vs population (families.pairs[0].value, line 25) from 1/9 to 1" in line
    assert line.endswith("or pass --allow-inconsistent (allow_inconsistent: true in the criteria "
                         "set) to keep it")


def test_allow_inconsistent_proceeds_with_the_warning_recorded(tmp_path: Path) -> None:
    criteria = _plant_inconsistency(tmp_path)
    code, out, err = run("rank", "--criteria", str(criteria), "--allow-inconsistent",
                         "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert any("inconsistent: CR = 0.289" in w for w in data["warnings"])
    assert "Warning:" in err
    code, out, _ = run("weights", "--criteria", str(criteria), "--allow-inconsistent",
                       "--format", "json")
    report = json.loads(out)
    revision = next(r for r in report["revisions"] if r["expert"] == "王建国")
    assert revision["matrix"] == "families" and revision["suggested"] == 1


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        ("alpha: 0.5", "alpha: 1.5"),
        ("ri_table: saaty1980", "ri_table: nobody1999"),
        ("priority: eigenvector", "priority: power"),
        ("judgments: judgments", "judgments: missing_folder"),
        ("combination: linear", "combination: average"),
    ],
)
def test_weighting_option_errors(tmp_path: Path, replace: str, message: str) -> None:
    folder = _copy_criteria(tmp_path)
    path = folder / "default.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(replace, message), "utf-8")
    code, _, err = run("weights", "--criteria", str(path))
    assert code == 2
    assert re.match(rf"Error: {re.escape(str(path))}:\d+:weighting\.", err), err
    expected = {
        "alpha: 1.5": "alpha must be a number from 0 to 1, got 1.5",
        "ri_table: nobody1999": "unknown random-index table 'nobody1999'",
        "priority: power": "unknown AHP priority method 'power'",
        "judgments: missing_folder": "judgment file or folder 'missing_folder' not found",
        "combination: average": "unknown combination 'average'",
    }[message]
    assert expected in err
