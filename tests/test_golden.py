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
    # 云溪镇 T4 just above 石桥镇 T3 (0.2247 vs 0.2196): the near tie the reports show.
    assert [row["id"] for row in data["ranking"]] == ["T1", "T2", "T4", "T3", "T5"]


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
    check_provenance(data["provenance"], weights, [row["id"] for row in data["ranking"]])
    assert data["agreement"]
    ids = [row["id"] for row in data["ranking"]]
    assert {"wsm", "vikor", "promethee_ii"} <= set(data["agreement"])
    # the other normalisation's TOPSIS is a cross-check; the ranking's own is not
    assert f"topsis_{data['normalization']}" not in data["agreement"]
    for method, agreement in data["agreement"].items():
        assert set(agreement) == {"spearman", "weighted_spearman", "higher_is_better", "scores",
                                  "ranks", "note"}, method
        # null (with a note) only when one order ties every town
        assert (agreement["spearman"] is None) == bool(agreement["note"]), method
        assert agreement["spearman"] is None or -1 <= agreement["spearman"] <= 1
        assert sorted(agreement["scores"]) == sorted(ids) == sorted(agreement["ranks"])
        # competition ranks follow the scores in the stated direction
        sign = 1 if agreement["higher_is_better"] else -1
        by_score = sorted(ids, key=lambda t: -sign * agreement["scores"][t])
        ranks = [agreement["ranks"][t] for t in by_score]
        assert ranks == sorted(ranks) and ranks[0] == 1, method


def check_provenance(provenance: dict, weights: dict, towns: list[str]) -> None:
    """The ``provenance`` key: statuses of columns, indicators and towns, and the counts."""
    assert {"file", "sheet", "statuses", "columns", "indicators", "coverage", "assumed",
            "estimated", "unsourced", "summary"} <= set(provenance)
    statuses = provenance["statuses"]
    assert statuses == ["official", "estimate", "assumed", "none"]
    assert set(provenance["indicators"]) == set(weights)
    for column in provenance["columns"].values():
        assert {"source", "table", "year", "definition", "status", "weakest", "towns"} <= set(column)
        assert column["status"] in statuses and set(column["towns"]) <= set(towns)
    for entry in provenance["indicators"].values():
        assert set(entry["columns"]) <= set(provenance["columns"])
        assert entry["status"] in statuses and set(entry["towns"]) <= set(towns)
        assert statuses.index(entry["weakest"]) >= statuses.index(entry["status"])
    coverage = provenance["coverage"]
    assert coverage["cells"] == len(provenance["columns"]) * len(towns)
    assert coverage["cells"] == sum(coverage[s] for s in statuses)
    assert provenance["assumed"] == (coverage["assumed"] > 0)
    assert provenance["unsourced"] == (coverage["none"] > 0)


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
