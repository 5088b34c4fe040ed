"""Properties of the weighting, ranking and diagnosis maths, on random matrices."""

from __future__ import annotations

import json

import numpy as np
import pytest
from foundation_support import edited_sample, run_cli
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pymcdm.weights import critic_weights as pymcdm_critic_weights

from evalkit.methods.diagnose import obstacle_degrees
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import competition_ranks, topsis
from evalkit.methods.weighting import Weights, critic_weights, entropy_weights

SETTINGS = settings(max_examples=200, deadline=None)


@st.composite
def matrices(draw, min_rows: int = 2, max_rows: int = 8, min_cols: int = 1,
             max_cols: int = 6) -> np.ndarray:
    """Non-negative statistics with one decimal, as in a candidate table."""
    n = draw(st.integers(min_rows, max_rows))
    m = draw(st.integers(min_cols, max_cols))
    cells = draw(st.lists(st.integers(0, 10_000), min_size=n * m, max_size=n * m))
    return np.array(cells, dtype=float).reshape(n, m) / 10


@st.composite
def problems(draw, **kwargs) -> tuple[DecisionMatrix, Weights]:
    """A matrix with random directions and random non-negative weights summing to 1."""
    values = draw(matrices(**kwargs))
    m = values.shape[1]
    directions = draw(st.lists(st.sampled_from(["max", "min"]), min_size=m, max_size=m))
    raw = np.array(draw(st.lists(st.integers(0, 100), min_size=m, max_size=m)), dtype=float)
    assume(raw.sum() > 0)
    matrix = DecisionMatrix.from_arrays(values, directions)
    return matrix, Weights("fixed", matrix.indicator_ids, raw / raw.sum())


def varying(values: np.ndarray) -> bool:
    return bool((np.ptp(values, axis=0) > 0).any())


# --------------------------------------------------------------------------
# Entropy
# --------------------------------------------------------------------------

@SETTINGS
@given(matrices(), st.sampled_from(["raw", "minmax"]), st.data())
def test_entropy_weights_are_a_distribution(values, standardization, data) -> None:
    assume(varying(values))
    signs = np.array(data.draw(st.lists(st.sampled_from([1, -1]), min_size=values.shape[1],
                                        max_size=values.shape[1])))
    w, details = entropy_weights(values, signs, standardization=standardization)
    assert np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all((details["entropy"] >= 0) & (details["entropy"] <= 1))


@SETTINGS
@given(matrices(), st.integers(0, 10_000), st.data(), st.sampled_from(["raw", "minmax"]))
def test_entropy_gives_a_constant_column_weight_zero(values, level, data, standardization) -> None:
    assume(varying(values))
    position = data.draw(st.integers(0, values.shape[1]))
    with_constant = np.insert(values, position, level / 10, axis=1)
    signs = np.ones(with_constant.shape[1])
    w, _ = entropy_weights(with_constant, signs, standardization=standardization)
    assert w[position] == 0
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


@SETTINGS
@given(matrices())
def test_raw_entropy_ignores_directions(values) -> None:
    """On raw proportions the entropy method needs no directions (brief §5)."""
    assume(varying(values))
    benefit, _ = entropy_weights(values, np.ones(values.shape[1]), standardization="raw")
    cost, _ = entropy_weights(values, -np.ones(values.shape[1]), standardization="raw")
    assert np.array_equal(benefit, cost)


def test_entropy_without_any_varying_column_is_refused() -> None:
    with pytest.raises(ValueError, match="same value for every town"):
        entropy_weights(np.full((4, 2), 3.0), standardization="raw")


# --------------------------------------------------------------------------
# CRITIC
# --------------------------------------------------------------------------

@SETTINGS
@given(matrices(min_rows=3, min_cols=2))
def test_critic_matches_pymcdm_on_benefit_columns(values) -> None:
    """pymcdm 1.4.0 ``critic_weights``: min–max over each column (all taken as benefit),
    sample standard deviation (ddof=1), Pearson correlation — the same definition."""
    assume(np.all(np.ptp(values, axis=0) > 0))
    with np.errstate(all="ignore"):
        expected = pymcdm_critic_weights(values)
    assume(np.all(np.isfinite(expected)))  # every pair perfectly correlated: no conflict at all
    # (pymcdm may round a perfect correlation to 0.99999…, and give weights where there are none)
    assume(not np.allclose(np.corrcoef(values, rowvar=False), 1.0, rtol=0, atol=1e-12))
    ours, _ = critic_weights(values, np.ones(values.shape[1]))
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-9)


@SETTINGS
@given(matrices(min_rows=3, min_cols=2), st.integers(0, 10_000), st.data())
def test_critic_gives_a_constant_column_weight_zero(values, level, data) -> None:
    assume(np.all(np.ptp(values, axis=0) > 0))
    position = data.draw(st.integers(0, values.shape[1]))
    with_constant = np.insert(values, position, level / 10, axis=1)
    try:
        w, _ = critic_weights(with_constant, np.ones(with_constant.shape[1]))
    except ValueError:
        return  # no conflict anywhere: refused, never a division by zero
    assert w[position] == 0
    assert np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------
# TOPSIS
# --------------------------------------------------------------------------

@SETTINGS
@given(problems(), st.sampled_from(["vector", "minmax"]))
def test_closeness_is_between_zero_and_one(problem, normalization) -> None:
    matrix, weights = problem
    ranking = topsis(matrix, weights, normalization)
    assert np.all(np.isfinite(ranking.closeness))
    assert np.all((ranking.closeness >= 0) & (ranking.closeness <= 1))
    assert np.all(ranking.d_plus >= 0) and np.all(ranking.d_minus >= 0)
    assert sorted(ranking.order.tolist()) == list(range(len(matrix.ids)))
    assert np.all(np.diff(ranking.ranks[ranking.order]) >= 0)


@SETTINGS
@given(problems(), st.data())
def test_vector_ranking_is_invariant_to_scaling_a_column(problem, data) -> None:
    """Vector normalisation divides by the column norm, so units do not matter."""
    matrix, weights = problem
    j = data.draw(st.integers(0, matrix.shape[1] - 1))
    factor = data.draw(st.floats(1e-3, 1e3))
    scaled_values = matrix.values.copy()
    scaled_values[:, j] *= factor
    scaled = DecisionMatrix(matrix.ids, matrix.names, matrix.indicators, scaled_values)
    before, after = topsis(matrix, weights, "vector"), topsis(scaled, weights, "vector")
    np.testing.assert_allclose(after.closeness, before.closeness, rtol=0, atol=1e-9)
    gaps = np.diff(np.sort(before.closeness))
    if np.all((gaps == 0) | (gaps > 1e-6)):  # no near-tie that rounding could flip
        assert np.array_equal(after.ranks, before.ranks)


@SETTINGS
@given(problems(), st.data(), st.sampled_from(["vector", "minmax"]))
def test_a_dominating_town_ranks_first(problem, data, normalization) -> None:
    matrix, weights = problem
    m = matrix.shape[1]
    margin = np.array(data.draw(st.lists(st.integers(0, 100), min_size=m, max_size=m))) / 10
    values = matrix.values
    best = np.where(matrix.signs > 0, values.max(axis=0) + margin,
                    np.clip(values.min(axis=0) - margin, 0, None))
    position = data.draw(st.integers(0, len(matrix.ids)))
    ids = [*matrix.ids]
    ids.insert(position, "BEST")
    extended = DecisionMatrix(tuple(ids), tuple(ids), matrix.indicators,
                              np.insert(values, position, best, axis=0))
    ranking = topsis(extended, weights, normalization)
    assert ranking.ranks[position] == 1


@SETTINGS
@given(problems(), st.data(), st.sampled_from(["vector", "minmax"]))
def test_duplicate_towns_tie_and_are_flagged(problem, data, normalization) -> None:
    matrix, weights = problem
    k = data.draw(st.integers(0, len(matrix.ids) - 1))
    ids = (*matrix.ids, "COPY")
    extended = DecisionMatrix(ids, ids, matrix.indicators,
                              np.vstack([matrix.values, matrix.values[k]]))
    ranking = topsis(extended, weights, normalization)
    assert ranking.ranks[k] == ranking.ranks[-1]
    assert ranking.tied[k] and ranking.tied[-1]


def test_competition_ranks() -> None:
    """Standard competition ranking ("1224"); only equal scores are flagged."""
    ranks, tied = competition_ranks(np.array([0.9, 0.5, 0.5, 0.1]))
    assert ranks.tolist() == [1, 2, 2, 4]
    assert tied.tolist() == [False, True, True, False]
    ranks, tied = competition_ranks(np.array([3.0, 1.0, 2.0]), higher_is_better=False)
    assert ranks.tolist() == [3, 1, 2]
    assert not tied.any()


def test_tied_towns_in_the_cli(tmp_path) -> None:
    """Two towns with the same statistics share a rank, are flagged and warned about."""
    def twin(rows):
        rows.append(["T6", "双胞镇", "Twin", *next(r for r in rows if r[0] == "T3")[3:]])

    edited_sample(tmp_path / "towns.csv", twin)
    result = run_cli("rank", "--candidates", tmp_path / "towns.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Warning: equal closeness, equal rank: T3, T6" in result.stderr.splitlines()
    rows = {row["id"]: row for row in json.loads(result.stdout)["ranking"]}
    assert rows["T3"]["rank"] == rows["T6"]["rank"]
    assert rows["T3"]["tied"] and rows["T6"]["tied"]
    assert not any(row["tied"] for town, row in rows.items() if town not in ("T3", "T6"))
    shared = rows["T3"]["rank"]
    expected = [shared if rank == shared + 1 else rank for rank in range(1, 7)]  # "1224"
    assert sorted(row["rank"] for row in rows.values()) == expected


# --------------------------------------------------------------------------
# Obstacle degrees
# --------------------------------------------------------------------------

@SETTINGS
@given(problems())
def test_obstacle_degrees_are_shares(problem) -> None:
    matrix, weights = problem
    obstacles = obstacle_degrees(matrix, weights)
    degree = obstacles.degree
    assert degree.shape == matrix.shape
    assert np.all((degree >= 0) & (degree <= 1))
    totals = degree.sum(axis=1)
    for total, row in zip(totals, degree, strict=True):
        assert total == pytest.approx(1.0, abs=1e-12) or np.all(row == 0)
    np.testing.assert_allclose(obstacles.family_degree.sum(axis=1), totals, atol=1e-12)

    # O_ij = w_j (1 − y_ij) / Σ_k w_k (1 − y_ik), written out independently.
    x = matrix.values
    low, high = x.min(axis=0), x.max(axis=0)
    expected = np.zeros_like(x)
    for i in range(x.shape[0]):
        gaps = []
        for j in range(x.shape[1]):
            if high[j] == low[j]:
                y = 1.0
            elif matrix.signs[j] > 0:
                y = (x[i, j] - low[j]) / (high[j] - low[j])
            else:
                y = (high[j] - x[i, j]) / (high[j] - low[j])
            gaps.append(weights.values[j] * (1 - y))
        if sum(gaps) > 0:
            expected[i] = np.array(gaps) / sum(gaps)
    np.testing.assert_allclose(degree, expected, rtol=0, atol=1e-12)
