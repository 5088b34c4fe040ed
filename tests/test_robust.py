"""Tests of ``evalkit robust`` (issue 5): SMAA indices, stability, core index, CLI.

Oracles: pymcdm's TOPSIS called once per sample (the vectorised scores must
equal it to 1e-12), :func:`evalkit.methods.ranking.competition_ranks` per sample, the
AHP engineer's API (:mod:`evalkit.ahp`) called per sample for perturbed
judgments, :func:`evalkit.select.select` per scenario for the enumerated
selection, a closed form for a two-town case, and re-ranking with
:func:`evalkit.methods.ranking.topsis` just inside and outside each stability edge.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pymcdm import methods, normalizations
from scipy import stats

import evalkit.decide.robustness.kernel as kernel
import evalkit.decide.robustness.sampling as sampling
from evalkit import evaluate, load_candidates, load_criteria
from evalkit.cli import cli
from evalkit.decide import robustness as robust
from evalkit.decide.robustness import (
    JudgmentModel,
    TopsisBatch,
    WeightContext,
    choose_portfolios,
    judgment_model,
    percent,
    rank_acceptability,
    sample_weights,
    stability_intervals,
    weights_along,
)
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import SelectionInput
from evalkit.errors import InputError
from evalkit.methods import ahp
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import competition_ranks, topsis
from evalkit.methods.registry import NORMALIZATIONS
from evalkit.methods.weighting import Weights
from evalkit.paths import DEFAULT_CANDIDATES as TOWNS
from evalkit.paths import DEFAULT_CRITERIA as CRITERIA
from evalkit.paths import DEFAULT_SCENARIO as SCENARIO
from evalkit.paths import PROJECT_ROOT as ROOT

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def sample():
    return evaluate(load_criteria(CRITERIA), load_candidates(TOWNS))


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


@st.composite
def problems(draw, max_towns: int = 8, max_indicators: int = 5):
    """A positive decision matrix with mixed directions and a few weight samples."""
    n = draw(st.integers(2, max_towns))
    m = draw(st.integers(1, max_indicators))
    values = draw(hnp.arrays(float, (n, m), elements=st.floats(0.1, 100.0)))
    signs = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    seed = draw(st.integers(0, 2**32 - 1))
    weights = np.random.default_rng(seed).dirichlet(np.ones(m), size=12)
    return values, signs, weights


def _weights(w: np.ndarray) -> Weights:
    return Weights("fixed", tuple(f"C{j + 1}" for j in range(len(w))), np.asarray(w))


# --- vectorised TOPSIS = pymcdm per sample ---------------------------------------------


@SETTINGS
@given(problems(), st.sampled_from(list(NORMALIZATIONS)))
def test_vectorised_closeness_equals_pymcdm_per_sample(problem, normalization):
    values, signs, weights = problem
    batch = TopsisBatch.from_arrays(values, signs, normalization)
    close = batch.closeness(weights)
    method = methods.TOPSIS(NORMALIZATIONS[normalization])
    for s, w in enumerate(weights):
        with np.errstate(invalid="ignore"):  # pymcdm divides 0 by 0 for a town at both ideals
            reference = method(values, w, signs, validation=False)
        at_both = np.isnan(reference)  # (every weighted column constant); evalkit gives it ½
        np.testing.assert_array_equal(close[s][at_both], 0.5)
        np.testing.assert_allclose(close[s][~at_both], reference[~at_both], rtol=0, atol=1e-12)


def test_vectorised_closeness_equals_pymcdm_textbook_call():
    """pymcdm's own functions, as a user would call them (no evalkit wrappers)."""
    rng = np.random.default_rng(7)
    values = rng.uniform(1, 50, size=(9, 6))
    signs = np.array([1, -1, 1, 1, -1, -1])
    weights = rng.dirichlet(np.ones(6), size=50)
    for name, function in (("vector", normalizations.vector_normalization),
                           ("minmax", normalizations.minmax_normalization)):
        close = TopsisBatch.from_arrays(values, signs, name).closeness(weights)
        for s, w in enumerate(weights):
            reference = methods.TOPSIS(function)(values, w, signs)
            assert np.max(np.abs(close[s] - reference)) <= 1e-12


def test_closeness_equals_evalkit_topsis_with_constant_and_zero_columns():
    values = np.array([[1.0, 0.0, 5.0, 2.0], [3.0, 0.0, 5.0, 1.0], [2.0, 0.0, 5.0, 4.0]])
    signs = np.array([1, -1, 1, -1])
    matrix = DecisionMatrix.from_arrays(values, ["max", "min", "max", "min"])
    weights = np.random.default_rng(3).dirichlet(np.ones(4), size=20)
    for normalization in NORMALIZATIONS:
        close = TopsisBatch.from_arrays(values, signs, normalization).closeness(weights)
        for s, w in enumerate(weights):
            reference = topsis(matrix, _weights(w), normalization).closeness
            np.testing.assert_allclose(close[s], reference, rtol=0, atol=1e-12)


# --- ranks -------------------------------------------------------------------------------


@SETTINGS
@given(problems(max_towns=10), st.integers(0, 4))
def test_ranks_are_competition_ranks_of_each_sample(problem, copies):
    values, signs, weights = problem
    values = np.vstack([values, values[:copies]])  # duplicated towns tie exactly
    batch = TopsisBatch.from_arrays(values, signs)
    n = values.shape[0]
    rows, towns, ranks = batch.top_ranks(weights, n)
    close = batch.closeness(weights)
    for s in range(len(weights)):
        expected, _ = competition_ranks(close[s])
        got = np.zeros(n, dtype=int)
        got[towns[rows == s]] = ranks[rows == s]
        np.testing.assert_array_equal(got, expected)


def _reference_top(close: np.ndarray, depth: int) -> list[tuple[int, int, int]]:
    """(sample, town, rank ≤ depth) by evalkit.methods.ranking.competition_ranks, sample by sample."""
    out = []
    for s, row in enumerate(close):
        ranks, _ = competition_ranks(row)
        out += [(s, int(i), int(ranks[i])) for i in np.flatnonzero(ranks <= depth)]
    return sorted(out)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(0, 40), st.booleans())
def test_top_ranks_for_many_towns_equal_competition_ranks(seed, depth, copies, single):
    """The bound-and-filter path (and the partial sort behind it) gives exactly the
    competition ranks ≤ depth, with tie chains from duplicated best towns and from
    weight vectors that put everything on one indicator."""
    rng = np.random.default_rng(seed)
    values = np.round(rng.uniform(1, 10, size=(120, 4)), 1)  # rounded: ties on one column
    best = values.max(axis=0) + 0.5
    values = np.vstack([values, np.tile(best, (copies, 1))])
    signs = np.array([1, 1, -1, 1])
    weights = rng.dirichlet(np.ones(4), size=40)
    if single:
        weights[::5] = np.eye(4)[rng.integers(0, 4, size=8)]
    batch = TopsisBatch.from_arrays(values, signs)
    expected = _reference_top(batch.closeness(weights), depth)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kernel, "_PREFILTER_SUBSET", 16)
        mp.setattr(kernel, "_PREFILTER_CHUNK_BYTES", 5 * len(values) * 7)  # chunks of 7 samples
        fast = batch.top_ranks(weights, depth)
    assert sorted(zip(*map(np.ndarray.tolist, fast), strict=True)) == expected
    partial = kernel._row_ranks(batch.closeness(weights), depth)
    assert sorted(zip(*map(np.ndarray.tolist, partial), strict=True)) == expected


# --- acceptability, central weights, winning ---------------------------------------------


def test_acceptability_rows_and_columns_sum_to_one():
    rng = np.random.default_rng(11)
    values = rng.uniform(1, 10, size=(7, 5))
    batch = TopsisBatch.from_arrays(values, np.array([1, -1, 1, 1, -1]))
    weights = rng.dirichlet(np.ones(5), size=3000)
    tally = rank_acceptability(batch, weights, 7, winning=True)
    b = tally.acceptability
    np.testing.assert_allclose(b.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(b.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(tally.top(3), b[:, :3].sum(axis=1))
    p = tally.winning
    np.testing.assert_allclose(p + p.T + np.eye(7), 1.0, atol=1e-12)  # no ties in continuous data
    central = tally.central_weights
    first = b[:, 0] > 0
    np.testing.assert_allclose(central[first].sum(axis=1), 1.0)
    assert np.isnan(central[~first]).all()


def test_acceptability_rows_sum_to_one_with_ties():
    """With competition ranks a tied pair shares rank r; each town still has one rank."""
    values = np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 1.0], [0.5, 0.5]])
    batch = TopsisBatch.from_arrays(values, np.array([1, 1]))
    weights = np.random.default_rng(0).dirichlet(np.ones(2), size=500)
    b = rank_acceptability(batch, weights, 4).acceptability
    np.testing.assert_allclose(b.sum(axis=1), 1.0)
    np.testing.assert_array_equal(b[0], b[1])


@SETTINGS
@given(problems(), st.sampled_from(["dirichlet", "uniform"]), st.floats(0.05, 0.9))
def test_dominated_town_never_ranks_first(problem, model, worse):
    values, signs, _ = problem
    # town 0 is town 1 made strictly worse on every indicator
    values = values.copy()
    values[0] = np.where(signs > 0, values[1] * (1 - worse), values[1] * (1 + worse))
    base = np.full(len(signs), 1 / len(signs))
    rng = np.random.Generator(np.random.PCG64(1))
    w = sample_weights(model, WeightContext(base, 5.0), rng, 300)
    b = rank_acceptability(TopsisBatch.from_arrays(values, signs), w, len(values)).acceptability
    assert b[0, 0] == 0.0
    assert b[1, 0] >= 0.0


def test_two_towns_closed_form():
    """A = (1, 0), B = (0, 1), both benefit: C_A = w₁, C_B = w₂, so A is first iff
    w₁ > ½.  Under Dir(c·w⁰) that is the Beta(c w⁰₁, c w⁰₂) tail at ½; uniformly, ½."""
    values = np.array([[1.0, 0.0], [0.0, 1.0]])
    batch = TopsisBatch.from_arrays(values, np.array([1, 1]))
    base = np.array([0.55, 0.45])
    samples = 40_000
    for model, expected in (("dirichlet", stats.beta.sf(0.5, 11.0, 9.0)), ("uniform", 0.5)):
        rng = np.random.Generator(np.random.PCG64(5))
        w = sample_weights(model, WeightContext(base, 20.0), rng, samples)
        share = rank_acceptability(batch, w, 2).acceptability[0, 0]
        assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / samples)
    edges = stability_intervals(batch, base, 1, ("C1", "C2"))
    assert abs(edges[0].low - 0.5) < 1e-8 and edges[0].high == 1.0 and not edges[0].high_bounded
    assert edges[1].low == 0.0 and abs(edges[1].high - 0.5) < 1e-8


# --- weight models --------------------------------------------------------------------


def test_zero_weight_indicators_stay_zero_and_samples_sum_to_one():
    base = np.array([0.5, 0.0, 0.3, 0.2, 0.0])
    for model in ("dirichlet", "uniform"):
        w = sample_weights(model, WeightContext(base, 50.0), np.random.default_rng(0), 200)
        assert np.all(w[:, [1, 4]] == 0)
        np.testing.assert_allclose(w.sum(axis=1), 1.0)
    w = sample_weights("dirichlet", WeightContext(base, 1e6), np.random.default_rng(0), 200)
    np.testing.assert_allclose(w.mean(axis=0), base, atol=1e-3)  # mean w⁰, shrinking with c


def test_dirichlet_needs_a_positive_concentration():
    with pytest.raises(InputError, match="concentration"):
        sample_weights("dirichlet", WeightContext(np.array([0.5, 0.5]), 0.0),
                       np.random.default_rng(0), 5)


@pytest.mark.parametrize(("value", "step", "expected"), [
    (3.0, 1, 4.0), (3.0, -1, 2.0), (0.5, 1, 1.0), (1.0, -1, 0.5), (1 / 3, -1, 0.25),
    (9.0, 1, 9.0), (1 / 9, -1, 1 / 9), (2.5, 1, 3.0), (2.5, -1, 2.0), (2.0, 0, 2.0),
])
def test_saaty_step(value, step, expected):
    got = sampling._saaty_step(np.array([value]), np.array([step]))[0]
    assert got == pytest.approx(expected, rel=1e-12)


def _api_weights(model: JudgmentModel, steps: np.ndarray) -> np.ndarray:
    """The perturbed weights of one sample through the AHP engineer's API, matrix by matrix."""
    column = 0
    per_expert = []
    for e in model.experts:
        mats = []
        for m in e.matrices():
            a = m.array
            i, j = np.nonzero(np.triu(~np.isnan(a), 1))
            moved = sampling._saaty_step(a[i, j], steps[column:column + len(i)])
            column += len(i)
            a[i, j], a[j, i] = moved, 1 / moved
            mats.append(a)
        per_expert.append(mats)
    families, local = {}, {}
    for k, template in enumerate(model.experts[0].matrices()):
        combined = ahp.aggregate([p[k] for p in per_expert], [e.expert.weight for e in model.experts])
        completed, _ = ahp.complete(combined, template.items)
        w = dict(zip(template.items, ahp.priorities(completed, model.method), strict=True))
        if template.name == "families":
            families = w
        else:
            local[template.name.removeprefix("indicators.")] = w
    first = model.experts[0]
    for f in first.family_ids:
        local.setdefault(f, {first.indicator_ids[f][0]: 1.0})
    g = ahp.global_weights(families, local)
    if model.objective is not None:
        g = ahp.combine(g, dict(zip(model.indicator_ids, model.objective, strict=True)),
                        model.combination, model.alpha)
    return np.array([g[i] for i in model.indicator_ids])


class _Steps:
    """A stand-in generator that hands out given steps."""

    def __init__(self, steps: np.ndarray) -> None:
        self.steps = steps

    def integers(self, low: int, high: int, size: tuple[int, int]) -> np.ndarray:
        assert size == self.steps.shape
        return self.steps


def _without_one_pair(model: JudgmentModel) -> JudgmentModel:
    """Leave out one family comparison of the first expert (the matrix stays connected)."""
    first = model.experts[0]
    a = first.families.array
    a[0, 1] = a[1, 0] = np.nan
    families = dataclasses.replace(first.families, values=tuple(map(tuple, a)))
    return dataclasses.replace(model, experts=(dataclasses.replace(first, families=families),
                                               *model.experts[1:]))


def test_judgment_model_reproduces_the_ahp_weights_and_the_api(sample):
    model = judgment_model(sample)
    assert model is not None and model.objective is not None  # the bundled set is combined
    support = sample.weights.values > 0
    total = sum(int(np.triu(~np.isnan(m.array), 1).sum())
                for e in model.experts for m in e.matrices())
    still = sampling._perturbed_ahp(model, _Steps(np.zeros((2, total), dtype=int)), 2, support)
    np.testing.assert_allclose(still, np.tile(sample.weights.values, (2, 1)), rtol=0, atol=1e-12)
    for variant in (model, _without_one_pair(model),
                    dataclasses.replace(model, method="geometric_mean", objective=None)):
        size = sum(int(np.triu(~np.isnan(m.array), 1).sum())
                   for e in variant.experts for m in e.matrices())
        steps = np.random.default_rng(2).integers(-1, 2, size=(15, size))
        got = sampling._perturbed_ahp(variant, _Steps(steps), 15, support)
        for s in range(15):
            np.testing.assert_allclose(got[s], _api_weights(variant, steps[s]), rtol=0, atol=1e-12)


def test_judgment_model_needs_ahp_weighting(sample, tmp_path):
    criteria = tmp_path / "entropy.yaml"
    text = CRITERIA.read_text(encoding="utf-8")
    start = text.index("weighting:")
    end = text.index("ranking:")
    criteria.write_text(text[:start] + "weighting:\n  method: entropy\n\n" + text[end:],
                        encoding="utf-8")
    evaluation = evaluate(load_criteria(criteria), load_candidates(TOWNS))
    with pytest.raises(InputError, match="judgments weight model needs AHP judgments"):
        robust.robustness(evaluation, samples=10, weight_model="judgments")


# --- stability -----------------------------------------------------------------------------


def _top_set(matrix: DecisionMatrix, w: np.ndarray, k: int, normalization: str) -> set[int]:
    ranks = topsis(matrix, _weights(w), normalization).ranks
    return set(np.flatnonzero(ranks <= k).tolist())


@pytest.mark.parametrize("normalization", list(NORMALIZATIONS))
def test_stability_edges_by_re_ranking_inside_and_outside(normalization):
    rng = np.random.default_rng(4)
    values = rng.uniform(1, 10, size=(9, 5))
    directions = ["max", "min", "max", "min", "max"]
    matrix = DecisionMatrix.from_arrays(values, directions)
    base = rng.dirichlet(np.full(5, 3.0))
    k = 3
    batch = TopsisBatch.from_matrix(matrix, normalization)
    reference = _top_set(matrix, base, k, normalization)
    edges = stability_intervals(batch, base, k, matrix.indicator_ids)
    delta = 1e-7
    checked = 0
    for j, s in enumerate(edges):
        assert s.low <= base[j] <= s.high
        for t in np.linspace(s.low, s.high, 7):
            assert _top_set(matrix, weights_along(base, j, t)[0], k, normalization) == reference
        if s.low_bounded:
            assert _top_set(matrix, weights_along(base, j, s.low)[0], k, normalization) == reference
            outside = weights_along(base, j, s.low - delta)[0]
            assert _top_set(matrix, outside, k, normalization) != reference
            checked += 1
        if s.high_bounded:
            assert _top_set(matrix, weights_along(base, j, s.high)[0], k, normalization) == reference
            outside = weights_along(base, j, s.high + delta)[0]
            assert _top_set(matrix, outside, k, normalization) != reference
            checked += 1
    assert checked >= 3


def test_weights_along_keeps_proportions():
    base = np.array([0.5, 0.3, 0.2, 0.0])
    w = weights_along(base, 0, np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    np.testing.assert_allclose(w[1], [0.5, 0.3, 0.2, 0.0])
    np.testing.assert_allclose(w[0], [0.0, 0.6, 0.4, 0.0])
    np.testing.assert_allclose(w[2], [1.0, 0.0, 0.0, 0.0])


# --- selection core index ------------------------------------------------------------------


def _scenarios(sample, scenario, count: int, seed: int, spread: float):
    towns = SelectionInput.from_frame(
        sample.candidates.cells, dict(zip(sample.matrix.ids, sample.ranking.closeness, strict=True)),
        scenario, file=sample.candidates.path)
    rng = np.random.default_rng(seed)
    w = sample_weights("uniform", WeightContext(sample.weights.values), rng, count)
    closeness = TopsisBatch.from_matrix(sample.matrix).closeness(w)
    base = np.column_stack([towns.costs[c.id] for c in scenario.categories])
    costs = base[None] * rng.uniform(1 - spread, 1 + spread, size=(count, *base.shape))
    return towns, closeness, costs


def test_enumerated_selection_equals_select_per_scenario(sample, scenario):
    """The bundled work plan: screens, count, category and total budgets, talent, five
    funding sources (Gale's condition) and annual limits (year assignments)."""
    towns, closeness, costs = _scenarios(sample, scenario, 200, 9, 0.3)
    fast, method = choose_portfolios(towns, scenario, closeness, costs)
    assert method == "enumerated"
    slow, method = choose_portfolios(towns, scenario, closeness, costs, method="solve")
    assert method == "solved"
    assert fast == slow
    assert None in fast and len(set(fast)) >= 3  # the limits bind in some scenarios


def test_enumerated_selection_equals_select_with_spread_ratio_and_groups(sample, scenario):
    variant = dataclasses.replace(
        scenario, count=3, count_mode="at_most", objective="closeness_per_cost",
        spread=(0.6, 0.4), spread_from=0, years=(2025, 2026, 2027), convert_in=(2025, 2026),
        annual_limits={2025: 40, 2026: 70, 2027: 45}, talent_annual={},
        groups={"river": ("T2", "T4")}, screens=(), must_include=("T3",))
    towns, closeness, costs = _scenarios(sample, variant, 120, 10, 0.25)
    fast, _ = choose_portfolios(towns, variant, closeness, costs, method="enumerate")
    slow, _ = choose_portfolios(towns, variant, closeness, costs, method="solve")
    assert fast == slow
    assert len(set(fast)) >= 2


def test_core_index_and_portfolios_add_up(sample, scenario):
    result = robust.robustness(sample, scenario=scenario, samples=2000, seed=3)
    sel = result.selection
    assert sel is not None and sel.method == "enumerated" and sel.scenarios == 2000
    shares = sum(p.share for p in sel.portfolios)
    assert shares + sel.infeasible == pytest.approx(1.0)
    size = sum(p.share * len(p.selected) for p in sel.portfolios)
    assert sel.core_index.sum() == pytest.approx(size)
    assert sel.core_index[sample.matrix.ids.index("T5")] == 0.0  # screened out (tap water)
    assert "is among the chosen three in" in result.statement["en"]
    assert "入选3个改区镇" in result.statement["zh"]


# --- the whole analysis, reproducibility and the CLI --------------------------------------


def test_same_seed_same_result_and_other_seed_differs(sample, scenario):
    a = robust.robustness(sample, scenario=scenario, samples=500, seed=8).to_dict()
    b = robust.robustness(sample, scenario=scenario, samples=500, seed=8).to_dict()
    c = robust.robustness(sample, scenario=scenario, samples=500, seed=9).to_dict()
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(c)


def test_json_contract(sample, scenario):
    data = robust.robustness(sample, scenario=scenario, samples=300, seed=1).to_dict()
    for key in ("samples", "seed", "rank_acceptability", "top_k", "central_weights", "stability",
                "core_index", "portfolios", "statement"):
        assert key in data
    ids = list(sample.matrix.ids)
    assert list(data["rank_acceptability"]) == ids
    assert all(len(row) == len(ids) for row in data["rank_acceptability"].values())
    assert set(data["stability"][0]) >= {"indicator", "low", "high"}
    assert data["weight_model"] == {"name": "dirichlet", "distribution": "Dir(c·w0)",
                                    "concentration": 100.0}
    assert set(data["portfolios"][0]) == {"selected", "share"}
    assert set(data["statement"]) == {"zh", "en"}


def _cli_json(*args: str) -> bytes:
    done = subprocess.run([sys.executable, "-m", "evalkit", "robust", "--format", "json",
                           "--samples", "800", *args], capture_output=True, check=True, cwd=ROOT)
    return done.stdout


def test_cli_output_identical_for_the_same_seed():
    first = _cli_json("--seed", "42")
    assert first == _cli_json("--seed", "42")
    assert first != _cli_json("--seed", "43")
    data = json.loads(first)
    assert data["samples"] == 800 and data["seed"] == 42


def test_cli_table_quiet_and_help():
    runner = CliRunner()
    result = runner.invoke(cli, ["robust", "--samples", "300", "--quiet", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "青山镇 T1" in result.stdout and "入选率" in result.stdout
    assert result.stderr == ""
    text = runner.invoke(cli, ["robust", "--help"]).output
    help_text = text.split("Options:")[0].rstrip()
    assert help_text.endswith("evalkit robust --weight-model uniform --cost-spread 0.3 --format json")


def test_cli_judgments_model_and_errors(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["robust", "--samples", "200", "--weight-model", "judgments",
                                 "--format", "json", "--quiet"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["weight_model"]["name"] == "judgments"
    criteria = tmp_path / "entropy.yaml"
    text = CRITERIA.read_text(encoding="utf-8")
    criteria.write_text(text[:text.index("weighting:")] + "weighting:\n  method: entropy\n\n"
                        + text[text.index("ranking:"):], encoding="utf-8")
    result = runner.invoke(cli, ["robust", "--criteria", str(criteria), "--weight-model",
                                 "judgments", "--quiet"])
    assert result.exit_code == 2
    assert "judgments weight model needs AHP judgments" in result.stderr
    missing = runner.invoke(cli, ["robust", "--scenario", str(tmp_path / "none.yaml"), "--quiet"])
    assert missing.exit_code == 2


def test_percent_wording():
    assert [percent(p) for p in (0, 0.004, 0.0449, 0.96, 0.996, 1)] == \
        ["0%", "<1%", "4%", "96%", ">99%", "100%"]


def test_chunk_size_does_not_change_the_result(sample, scenario, monkeypatch):
    whole = robust.robustness(sample, scenario=scenario, samples=400, seed=5).to_dict()
    monkeypatch.setattr(kernel, "MEMORY_LIMIT", 200_000)  # a few samples per chunk
    chunked = robust.robustness(sample, scenario=scenario, samples=400, seed=5).to_dict()
    assert json.dumps(whole) == json.dumps(chunked)


def test_many_towns_are_solved_per_scenario(tmp_path, scenario):
    from evalkit.io.synth import write_csv

    table = write_csv(tmp_path / "towns.csv", 30, seed=2)
    evaluation = evaluate(load_criteria(CRITERIA), load_candidates(table))
    unscreened = dataclasses.replace(scenario, screens=())  # all 30 towns eligible
    result = robust.robustness(evaluation, scenario=unscreened, samples=50, seed=1, max_solves=4)
    sel = result.selection
    assert sel is not None and sel.method == "solved" and sel.scenarios == 4
    assert sel.notes == ("the optimiser was run for the first 4 of 50 scenarios",)
    assert sum(p.share for p in sel.portfolios) + sel.infeasible == pytest.approx(1.0)
    assert result.acceptability.shape == (30, 30)
