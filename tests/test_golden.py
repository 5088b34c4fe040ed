"""``evalkit rank --format json`` on the bundled sample, against a golden file.

The golden file is ``tests/data/golden/rank_sample.json``.  After a deliberate
change to the results, regenerate it and review the difference before
committing it::

    EVALKIT_REGOLD=1 .venv/bin/pytest tests/test_golden.py
    git diff tests/data/golden/
"""

from __future__ import annotations

import json
import math
import os

import pytest
from foundation_support import DATA, assert_json_close, run_cli

GOLDEN = DATA / "golden" / "rank_sample.json"


@pytest.fixture(scope="module")
def output() -> str:
    result = run_cli("rank", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # the bundled sample raises no warnings
    return result.stdout


def test_rank_json_matches_golden(output) -> None:
    if os.environ.get("EVALKIT_REGOLD") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(output, encoding="utf-8")
        pytest.skip(f"regenerated {GOLDEN}; review it with git diff")
    assert_json_close(json.loads(output), json.loads(GOLDEN.read_text(encoding="utf-8")), tol=1e-9)


def test_golden_file_honours_the_json_contract() -> None:
    """The golden file itself is sane, so a regenerated one cannot drift unnoticed."""
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    check_contract(data)
    assert data["criteria_set"] == {"name": "town-to-district", "version": "1.0"}
    assert data["normalization"] == "vector"
    assert [row["id"] for row in data["ranking"]] == ["T1", "T2", "T3", "T4", "T5"]


def check_contract(data: dict) -> None:
    assert {"criteria_set", "weighting", "normalization", "weights", "ranking",
            "agreement", "warnings"} <= set(data)
    assert {"name", "version"} <= set(data["criteria_set"])
    assert "method" in data["weighting"]
    weights = data["weights"]
    assert all(w >= 0 for w in weights.values())
    assert math.isclose(sum(weights.values()), 1.0, abs_tol=1e-12)
    ranks = [row["rank"] for row in data["ranking"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    for row in data["ranking"]:
        assert {"id", "name", "rank", "tied", "closeness", "d_plus", "d_minus", "obstacles"} <= set(row)
        assert 0 <= row["closeness"] <= 1
        assert math.isclose(row["closeness"], row["d_minus"] / (row["d_plus"] + row["d_minus"]),
                            rel_tol=1e-12)
        degrees = [o["degree"] for o in row["obstacles"]]
        assert degrees == sorted(degrees, reverse=True)
        for obstacle in row["obstacles"]:
            assert set(obstacle) == {"indicator", "degree"}
            assert obstacle["indicator"] in weights
            assert 0 < obstacle["degree"] <= 1
    closeness = [row["closeness"] for row in data["ranking"]]
    assert closeness == sorted(closeness, reverse=True)
    assert data["agreement"]
    for method, agreement in data["agreement"].items():
        assert set(agreement) == {"spearman", "weighted_spearman"}, method
        assert -1 <= agreement["spearman"] <= 1


def test_current_output_honours_the_json_contract(output) -> None:
    check_contract(json.loads(output))


def test_json_comparer_catches_differences() -> None:
    """The comparer itself: floats within tolerance pass, anything else fails."""
    assert_json_close({"a": [1.0, "x", None]}, {"a": [1.0 + 1e-12, "x", None]})
    for actual, expected in [({"a": 1.0}, {"a": 1.001}), ({"a": 1}, {"b": 1}), ([1, 2], [1]),
                             ({"a": "1"}, {"a": 1}), ({"a": True}, {"a": 1}),
                             ({"a": 1}, {"a": True}),
                             ({"b": 1, "a": 2}, {"a": 2, "b": 1})]:
        with pytest.raises(AssertionError):
            assert_json_close(actual, expected)
