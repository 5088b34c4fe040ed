"""Published worked examples, reproduced through the library and the CLI."""

from __future__ import annotations

import numpy as np
import pytest
from foundation_support import DATA, rank_json

from evalkit.methods.weighting import entropy_weights

AIRCRAFT_CLOSENESS = {"A1": 0.643, "A2": 0.268, "A3": 0.613, "A4": 0.312}

ELSAYED = np.array([
    [7, 312, 1891, 6613, 163],
    [72, 88, 728, 941804, 1078],
    [10, 252, 2594, 3466, 117471],
    [10, 145, 980, 2371, 86329],
    [65, 54, 350, 501, 29897],
    [29, 48, 380, 912, 34051],
    [7, 476, 3300, 78470, 2212],
    [70, 87, 650, 733, 819000],
    [4, 86, 591, 3015, 103],
    [12, 79, 579, 3240, 96098],
    [21, 45, 261, 1253, 453],
    [1, 72, 530, 4333, 0.1048],
])
ELSAYED_WEIGHTS = [0.104991, 0.069124, 0.071373, 0.449937, 0.304575]


def test_topsis_hwang_yoon_aircraft() -> None:
    """Hwang & Yoon (1981), *Multiple Attribute Decision Making*, pp. 133–134.

    Four fighter aircraft on six attributes, weights 0.2, 0.1, 0.1, 0.1, 0.2,
    0.3, acquisition cost minimised, vector normalisation: C = 0.643, 0.268,
    0.613, 0.312 (tolerance 1e-3), order A1 > A3 > A4 > A2.
    """
    out = rank_json("--criteria", DATA / "aircraft.yaml", "--candidates", DATA / "aircraft.csv")
    assert out["normalization"] == "vector"
    assert out["weighting"]["method"] == "fixed"
    assert out["weights"] == pytest.approx(
        {"speed": 0.2, "range": 0.1, "payload": 0.1, "price": 0.1, "reliability": 0.2,
         "manoeuvrability": 0.3}, abs=1e-12)
    closeness = {row["id"]: row["closeness"] for row in out["ranking"]}
    assert closeness == pytest.approx(AIRCRAFT_CLOSENESS, abs=1e-3)
    assert [row["id"] for row in out["ranking"]] == ["A1", "A3", "A4", "A2"]
    assert [row["rank"] for row in out["ranking"]] == [1, 2, 3, 4]
    assert out["warnings"] == []


def test_entropy_elsayed_library() -> None:
    """Elsayed et al. (2017), IJETT 46(2):60–66: entropy weights on raw proportions.

    p_ij = x_ij / Σ_i x_ij; weights 0.104991, 0.069124, 0.071373, 0.449937,
    0.304575 (tolerance 1e-5).
    """
    weights, details = entropy_weights(ELSAYED, standardization="raw")
    assert weights == pytest.approx(ELSAYED_WEIGHTS, abs=1e-5)
    assert details["proportions"].sum(axis=0) == pytest.approx(np.ones(5), abs=1e-12)


def test_entropy_elsayed_cli() -> None:
    """Elsayed et al. (2017), IJETT 46(2):60–66, through ``evalkit rank --format json``."""
    out = rank_json("--criteria", DATA / "elsayed.yaml", "--candidates", DATA / "elsayed.csv")
    assert out["weighting"] == {"method": "entropy", "standardization": "raw"}
    assert list(out["weights"].values()) == pytest.approx(ELSAYED_WEIGHTS, abs=1e-5)
    assert list(out["weights"]) == ["c1", "c2", "c3", "c4", "c5"]
