"""Method variants of issue 17: TOPSIS distances and fixed ideal points, 和积法, named RI
tables, λmax completion, AIP, game-theory and minimum-discrimination combinations, CRITIC
variants.

Where a published table of numbers was available it is reproduced (cited in the test);
the other examples are labelled *hand-checkable*: their expected values are worked out
in the docstring from the formula, not taken from a publication.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from foundation_support import DATA, rank_json

from evalkit.methods.ahp.completion import complete_lambda_max, complete_llsm
from evalkit.methods.ahp.consistency import analyse, consistency, eigenvector, sum_product
from evalkit.methods.ahp.group import aggregate_priorities, combine
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import topsis, topsis_fixed
from evalkit.methods.registry import (
    COMBINATION_METHODS,
    COMPLETION_METHODS,
    PRIORITY_METHODS,
    RI_TABLES,
    TOPSIS_DISTANCES,
)
from evalkit.methods.weighting import Weights, critic_weights

AIRCRAFT = np.array([
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
])
AIRCRAFT_W = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.3])
AIRCRAFT_SIGNS = np.array([1, 1, 1, -1, 1, 1])


class _Indicator:
    def __init__(self, ident: str, direction: str) -> None:
        self.id, self.direction, self.family = ident, direction, "f"
        self.label = ident


def _matrix(values: np.ndarray, signs: np.ndarray) -> DecisionMatrix:
    ids = tuple(f"A{i + 1}" for i in range(values.shape[0]))
    indicators = tuple(_Indicator(f"c{j}", "max" if s > 0 else "min") for j, s in enumerate(signs))
    return DecisionMatrix(ids, ids, indicators, np.asarray(values, dtype=float))  # type: ignore[arg-type]


def _weights(w: np.ndarray, n: int) -> Weights:
    return Weights("fixed", tuple(f"c{j}" for j in range(n)), np.asarray(w, dtype=float))


# ---- TOPSIS ---------------------------------------------------------------------------------

def test_registries_name_the_new_methods() -> None:
    assert list(TOPSIS_DISTANCES) == ["weighted_matrix", "weighted_distance"]
    assert "sum_product" in PRIORITY_METHODS and "xu1988" in RI_TABLES
    assert list(COMPLETION_METHODS) == ["llsm", "lambda_max"]
    assert {"game_theory", "min_discrimination"} <= set(COMBINATION_METHODS)


def test_topsis_weighted_distance_aircraft_hand_checkable() -> None:
    """Hand-checkable (no published table found): Hwang & Yoon's aircraft data (pp. 133–134)
    with the weights inside the distance, D_i = √Σ_j w_j (r_ij − r*_j)², r vector-normalised.

    Worked independently below from the formula; the closeness is 0.573919, 0.324657,
    0.625780, 0.352056 (tolerance 1e-6), so A3 overtakes A1 — the published
    weighted-matrix order is A1 > A3 > A4 > A2 (C = 0.643, 0.268, 0.613, 0.312).
    """
    m = _matrix(AIRCRAFT, AIRCRAFT_SIGNS)
    result = topsis(m, _weights(AIRCRAFT_W, 6), "vector", distance="weighted_distance")
    assert result.closeness == pytest.approx([0.573919, 0.324657, 0.625780, 0.352056], abs=1e-6)
    r = AIRCRAFT / np.sqrt((AIRCRAFT ** 2).sum(axis=0))
    best = np.where(AIRCRAFT_SIGNS > 0, r.max(axis=0), r.min(axis=0))
    worst = np.where(AIRCRAFT_SIGNS > 0, r.min(axis=0), r.max(axis=0))
    d_plus = np.sqrt((AIRCRAFT_W * (r - best) ** 2).sum(axis=1))
    d_minus = np.sqrt((AIRCRAFT_W * (r - worst) ** 2).sum(axis=1))
    assert result.closeness == pytest.approx(d_minus / (d_plus + d_minus), abs=1e-12)
    assert result.d_plus == pytest.approx(d_plus, abs=1e-12)
    assert result.ranks.tolist() == [2, 4, 1, 3]
    assert result.distance == "weighted_distance"
    # The default is still Hwang & Yoon's weighted matrix (published values, tol 1e-3).
    default = topsis(m, _weights(AIRCRAFT_W, 6), "vector")
    assert default.distance == "weighted_matrix"
    assert default.closeness == pytest.approx([0.643, 0.268, 0.613, 0.312], abs=1e-3)


def test_topsis_fixed_points_equal_minmax_topsis_when_the_points_are_the_extremes() -> None:
    """Hand-checkable identity: with the ideal and anti-ideal set to each column's best and
    worst value, normalising between them is min–max normalisation, so the closeness is
    min–max TOPSIS's (to 1e-12); and a fixed reference does not move when a town is added."""
    m = _matrix(AIRCRAFT, AIRCRAFT_SIGNS)
    w = _weights(AIRCRAFT_W, 6)
    ideal = np.where(AIRCRAFT_SIGNS > 0, AIRCRAFT.max(axis=0), AIRCRAFT.min(axis=0))
    anti = np.where(AIRCRAFT_SIGNS > 0, AIRCRAFT.min(axis=0), AIRCRAFT.max(axis=0))
    fixed = topsis_fixed(m, w, ideal, anti)
    assert fixed.closeness == pytest.approx(topsis(m, w, "minmax").closeness, abs=1e-12)
    assert fixed.normalization == "fixed"
    more = _matrix(np.vstack([AIRCRAFT, [[3.0, 3000, 25000, 4.0, 9, 9]]]), AIRCRAFT_SIGNS)
    again = topsis_fixed(more, w, ideal, anti)
    assert again.closeness[:4] == pytest.approx(fixed.closeness, abs=1e-12)
    assert again.closeness[4] > 1 - 1e-9 or again.ranks[4] == 1  # beyond the ideal: ranked first
    wd = topsis_fixed(m, w, ideal, anti, distance="weighted_distance")
    assert wd.closeness == pytest.approx(
        topsis_fixed(m, _weights(np.sqrt(AIRCRAFT_W), 6), ideal, anti).closeness, abs=1e-12)
    with pytest.raises(ValueError):
        topsis_fixed(m, w, ideal, ideal)


def test_weighted_distance_through_the_criteria_file(tmp_path: Path) -> None:
    """``ranking: {distance: weighted_distance}`` reaches the ranking and the JSON."""
    text = (DATA / "aircraft.yaml").read_text(encoding="utf-8").replace(
        "ranking: {normalization: vector}",
        "ranking: {normalization: vector, distance: weighted_distance}")
    criteria = tmp_path / "aircraft.yaml"
    criteria.write_text(text, encoding="utf-8")
    out = rank_json("--criteria", criteria, "--candidates", DATA / "aircraft.csv")
    assert out["distance"] == "weighted_distance"
    closeness = {row["id"]: row["closeness"] for row in out["ranking"]}
    assert closeness == pytest.approx(
        {"A1": 0.573919, "A2": 0.324657, "A3": 0.625780, "A4": 0.352056}, abs=1e-6)
    default = rank_json("--criteria", DATA / "aircraft.yaml", "--candidates", DATA / "aircraft.csv")
    assert "distance" not in default


# ---- AHP ------------------------------------------------------------------------------------

def test_sum_product_hand_checkable() -> None:
    """Hand-checkable 和积法: A = [[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]].

    Column sums 23/15, 9/2, 8; the normalised columns are (15/23, 5/23, 3/23),
    (2/3, 2/9, 1/9), (5/8, 1/4, 1/8); their row means 0.647947, 0.229871, 0.122182
    (tolerance 1e-6).  On a consistent matrix it is exact (w = 4/7, 2/7, 1/7).
    """
    a = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
    assert sum_product(a) == pytest.approx([0.647947, 0.229871, 0.122182], abs=1e-6)
    consistent = np.array([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    assert sum_product(consistent) == pytest.approx([4 / 7, 2 / 7, 1 / 7], abs=1e-12)
    result = analyse(a, ["x", "y", "z"], method="sum_product")
    assert result.method == "sum_product"
    assert result.weights == pytest.approx([0.647947, 0.229871, 0.122182], abs=1e-6)


def test_xu1988_ri_table() -> None:
    """许树柏 (1988) RI as Chinese textbooks print it: RI(4) = 0.89, RI(9) = 1.46, RI(15) = 1.59;
    CR is CI over the table's RI (Saaty's city matrix, n = 5, RI 1.12 in both tables)."""
    table = RI_TABLES["xu1988"]
    assert (table[3], table[4], table[6], table[7], table[9], table[15]) == \
        (0.52, 0.89, 1.26, 1.36, 1.46, 1.59)
    city = np.array([[1, 1 / 5, 3, 1 / 2, 5], [5, 1, 7, 1, 7], [1 / 3, 1 / 7, 1, 1 / 4, 3],
                     [2, 1, 4, 1, 7], [1 / 5, 1 / 7, 1 / 3, 1 / 7, 1]])
    _, ci, cr, ri = consistency(city, "xu1988")
    assert ri == 1.12 and cr == pytest.approx(ci / 1.12, abs=1e-12)
    assert cr == pytest.approx(0.0503, abs=1e-4)  # Saaty (2004), Table 3


AHPY_INCOMPLETE = np.array([
    [1, 1, 5, 2],
    [1, 1, 3, 4],
    [1 / 5, 1 / 3, 1, np.nan],
    [1 / 2, 1 / 4, np.nan, 1],
])


def test_lambda_max_completion_reproduces_the_ahpy_example() -> None:
    """AHPy's README, "Missing Pairwise Comparisons" (P. Griffith, AHPy; algorithm of
    Bozóki, Fülöp & Rónyai 2010): with a_cd left out of the 4 × 4 matrix, the λmax-optimal
    a_cd is 0.7302971 and the weights a 0.3738, b 0.392, c 0.0985, d 0.1357.

    Tolerances: 1e-6 on a_cd (AHPy stops its cyclic coordinates at 1e-4 in λmax, our
    minimum is at 0.7302967), 1e-4 on the weights (printed to four places).
    """
    completed, estimated = complete_lambda_max(AHPY_INCOMPLETE, list("abcd"))
    assert [e[:2] for e in estimated] == [("c", "d")]
    assert estimated[0][2] == pytest.approx(0.7302971068, abs=1e-6)
    assert completed[3, 2] == pytest.approx(1 / estimated[0][2], rel=1e-12)
    assert eigenvector(completed) == pytest.approx([0.3738, 0.392, 0.0985, 0.1357], abs=1e-4)
    result = analyse(AHPY_INCOMPLETE, list("abcd"), completion="lambda_max")
    assert result.estimated_pairs[0][2] == pytest.approx(0.7302971, abs=1e-6)


def test_lambda_max_completion_is_never_above_llsm() -> None:
    """Hand-checkable property (Bozóki et al. 2010): λmax of the λmax-optimal completion is
    at most that of the LLSM completion, and moving any filled cell raises it."""
    rng = np.random.default_rng(7)
    for _ in range(5):
        w = rng.random(6) + 0.1
        upper = np.outer(w, 1 / w) * np.exp(rng.normal(0, 0.5, (6, 6)))
        a = np.ones((6, 6))
        for i in range(6):
            for j in range(i + 1, 6):
                a[i, j], a[j, i] = upper[i, j], 1 / upper[i, j]
        for i, j in [(0, 3), (1, 5), (2, 4), (0, 5)]:
            a[i, j] = a[j, i] = np.nan
        best, _ = complete_lambda_max(a)
        llsm, _ = complete_llsm(a)
        lam = consistency(best)[0]
        assert lam <= consistency(llsm)[0] + 1e-12
        for i, j in [(0, 3), (1, 5)]:
            for factor in (0.99, 1.01):
                moved = best.copy()
                moved[i, j] *= factor
                moved[j, i] /= factor
                assert consistency(moved)[0] > lam - 1e-12


def test_aip_hand_checkable() -> None:
    """Hand-checkable AIP (Forman & Peniwati 1998, geometric mean of priorities):
    (0.5, 0.3, 0.2) and (0.2, 0.3, 0.5) give (√0.1, 0.3, √0.1) / (0.3 + 2√0.1)
    = 0.339134, 0.321731, 0.339134 (tolerance 1e-6); with expert weights 3 : 1 the
    first expert pulls the result towards their vector."""
    pooled = aggregate_priorities([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    assert pooled == pytest.approx([0.339134, 0.321731, 0.339134], abs=1e-6)
    weighted = aggregate_priorities([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], [3, 1])
    expected = np.array([0.5 ** 0.75 * 0.2 ** 0.25, 0.3, 0.2 ** 0.75 * 0.5 ** 0.25])
    assert weighted == pytest.approx(expected / expected.sum(), abs=1e-12)


# ---- combinations ---------------------------------------------------------------------------

def test_game_theory_combination_hand_checkable() -> None:
    """Hand-checkable game-theory combination of a = (0.6, 0.4), b = (0.2, 0.8):
    a·a = 0.52, a·b = 0.44, b·b = 0.68; [[0.52, 0.44], [0.44, 0.68]] α = (0.52, 0.68)
    gives α = (0.34, 0.78), normalised (0.303571, 0.696429); w = (0.321429, 0.678571)."""
    w = combine({"x": 0.6, "y": 0.4}, {"x": 0.2, "y": 0.8}, method="game_theory")
    assert w == pytest.approx({"x": 0.321429, "y": 0.678571}, abs=1e-6)
    same = combine({"x": 0.6, "y": 0.4}, {"x": 0.6, "y": 0.4}, method="game_theory")
    assert same == pytest.approx({"x": 0.6, "y": 0.4}, abs=1e-12)


def test_min_discrimination_combination_hand_checkable() -> None:
    """Hand-checkable minimum discrimination information: w ∝ √(a b);
    a = (0.6, 0.4), b = (0.2, 0.8): √0.12 = 0.346410, √0.32 = 0.565685, so
    w = (0.379796, 0.620204) (tolerance 1e-6)."""
    w = combine({"x": 0.6, "y": 0.4}, {"x": 0.2, "y": 0.8}, method="min_discrimination")
    assert w == pytest.approx({"x": 0.379796, "y": 0.620204}, abs=1e-6)


# ---- CRITIC ---------------------------------------------------------------------------------

CRITIC_DATA = np.array([
    [10.0, 3.0, 7.0],
    [20.0, 1.0, 8.0],
    [30.0, 2.0, 5.0],
    [40.0, 0.5, 6.0],
])


def test_critic_variants_hand_checkable() -> None:
    """Hand-checkable CRITIC variants.

    With every column a benefit column, ``unflipped`` equals the default.  Flipping a
    cost column negates its correlations: the default conflict Σ(1 − r) uses the flipped
    r, ``unflipped`` the raw r, and Σ(1 − |r|) is the same either way.  Two perfectly
    anti-correlated columns (x and 50 − x) have conflict 1 − (−1) = 2 with each other
    under Σ(1 − r) and 0 under Σ(1 − |r|).
    """
    up = np.array([1, 1, 1])
    w0, _ = critic_weights(CRITIC_DATA, up)
    w1, _ = critic_weights(CRITIC_DATA, up, correlation="unflipped")
    assert w1 == pytest.approx(w0, abs=1e-15)
    cost = np.array([1, -1, 1])
    _, flipped = critic_weights(CRITIC_DATA, cost)
    _, raw = critic_weights(CRITIC_DATA, cost, correlation="unflipped")
    r_raw = np.corrcoef(CRITIC_DATA, rowvar=False)
    assert raw["correlation"] == pytest.approx(r_raw, abs=1e-12)
    assert flipped["correlation"][0, 1] == pytest.approx(-r_raw[0, 1], abs=1e-12)
    _, abs_f = critic_weights(CRITIC_DATA, cost, conflict="one_minus_abs_r")
    _, abs_r = critic_weights(CRITIC_DATA, cost, correlation="unflipped", conflict="one_minus_abs_r")
    assert abs_f["conflict"] == pytest.approx(abs_r["conflict"], abs=1e-12)
    assert abs_r["conflict"] == pytest.approx((1 - np.abs(r_raw)).sum(axis=1), abs=1e-12)
    mirror = np.column_stack([CRITIC_DATA[:, 0], 50 - CRITIC_DATA[:, 0], CRITIC_DATA[:, 2]])
    _, plain = critic_weights(mirror, up)
    _, absolute = critic_weights(mirror, up, conflict="one_minus_abs_r")
    r02 = np.corrcoef(mirror, rowvar=False)[0, 2]
    assert plain["conflict"][:2] == pytest.approx([2 + 1 - r02, 2 + 1 + r02], abs=1e-12)
    assert absolute["conflict"][:2] == pytest.approx([1 - abs(r02)] * 2, abs=1e-12)


# ---- grey relational analysis, rank-sum ratio, coupling coordination ----------------------

SMALL = np.array([[1.0, 4.0], [2.0, 2.0], [3.0, 0.0]])


def test_grey_relational_and_grey_topsis_hand_checkable() -> None:
    """Hand-checkable GRA (Deng 1982, ρ = 0.5): min–max y = (0, 1), (0.5, 0.5), (1, 0);
    Δ = 1 − y, Δmin = 0, Δmax = 1, ξ = 0.5 / (Δ + 0.5) = (1/3, 1), (1/2, 1/2), (1, 1/3).
    With w = (0.75, 0.25): γ⁺ = 0.5, 0.5, 5/6; to the anti-ideal γ⁻ = 5/6, 0.5, 0.5;
    grey-relational closeness γ⁺/(γ⁺ + γ⁻) = 0.375, 0.5, 0.625 (tolerance 1e-12)."""
    from evalkit.methods.composite import grey_relational, grey_topsis

    m = _matrix(SMALL, np.array([1, 1]))
    w = np.array([0.75, 0.25])
    grade, higher = grey_relational(m, w)
    assert higher and grade == pytest.approx([0.5, 0.5, 5 / 6], abs=1e-12)
    closeness, _ = grey_topsis(m, w)
    assert closeness == pytest.approx([0.375, 0.5, 0.625], abs=1e-12)


def test_rank_sum_ratio_and_grading_hand_checkable() -> None:
    """Hand-checkable RSR (田凤调): column ranks (1, 2, 3) and (3, 2, 1), w = (0.75, 0.25):
    WRSR = (0.75 R₁ + 0.25 R₂)/3 = 0.5, 2/3, 5/6.  Grading five distinct values: the
    percentages are 1/5 … 4/5 and 1 − 1/(4·5) = 0.95, probits 5 + Φ⁻¹(p) = 4.158379,
    4.746653, 5.253347, 5.841621, 6.644854 (tolerance 1e-6); with 3 grades (cuts at
    probit 4 and 6) the lowest value is grade 2 and only the highest is grade 3."""
    from evalkit.methods.composite import column_ranks, rank_sum_ratio, rsr_grades

    m = _matrix(SMALL, np.array([1, 1]))
    scores, _ = rank_sum_ratio(m, np.array([0.75, 0.25]))
    assert scores == pytest.approx([0.5, 2 / 3, 5 / 6], abs=1e-12)
    ties = column_ranks(np.array([[1.0], [2.0], [2.0], [5.0]]), np.array([1]))
    assert ties[:, 0].tolist() == [1.0, 2.5, 2.5, 4.0]
    graded = rsr_grades(np.array([0.2, 0.4, 0.6, 0.8, 1.0]), levels=3)
    assert graded.probits == pytest.approx(
        [4.158379, 4.746653, 5.253347, 5.841621, 6.644854], abs=1e-6)
    assert graded.grades.tolist() == [2, 2, 2, 2, 3]
    assert graded.slope > 0
    assert set(graded.to_dict(list("abcde"))["towns"]["e"]) == {"rsr", "probit", "fitted", "grade"}


def test_coupling_coordination_hand_checkable() -> None:
    """Hand-checkable coupling coordination (corrected C of 王淑佳 et al. 2021):
    U = (0.5, 0.5), (0.8, 0.2), (0, 1): C = √(U₁U₂)/mean(U) = 1, 0.4/0.5 = 0.8, 0;
    T = 0.5 each; D = √(C T) = 0.707107 (中级协调), 0.632456 (初级协调), 0 (极度失调)."""
    from evalkit.methods.composite import coupling_coordination

    result = coupling_coordination(np.array([[0.5, 0.5], [0.8, 0.2], [0.0, 1.0]]), ["a", "b"])
    assert result.coupling == pytest.approx([1.0, 0.8, 0.0], abs=1e-12)
    assert result.comprehensive == pytest.approx([0.5, 0.5, 0.5], abs=1e-12)
    assert result.coordination == pytest.approx([0.707107, 0.632456, 0.0], abs=1e-6)
    assert result.grades == ("中级协调", "初级协调", "极度失调")
    assert result.to_dict(["x", "y", "z"])["y"]["grade"] == "初级协调"


def test_extra_checks_reach_the_json(tmp_path: Path) -> None:
    """``ranking: {also: [...]}`` adds the methods to the cross-checks, with scores and ranks."""
    text = (DATA / "aircraft.yaml").read_text(encoding="utf-8").replace(
        "ranking: {normalization: vector}",
        "ranking: {normalization: vector, also: [grey_relational, grey_topsis, rank_sum_ratio]}")
    criteria = tmp_path / "aircraft.yaml"
    criteria.write_text(text, encoding="utf-8")
    out = rank_json("--criteria", criteria, "--candidates", DATA / "aircraft.csv")
    for name in ("grey_relational", "grey_topsis", "rank_sum_ratio"):
        assert set(out["agreement"][name]["ranks"]) == {"A1", "A2", "A3", "A4"}
        assert out["agreement"][name]["higher_is_better"] is True
    default = rank_json("--criteria", DATA / "aircraft.yaml", "--candidates", DATA / "aircraft.csv")
    assert "grey_relational" not in default["agreement"]


# ---- the options through the bundled criteria set -------------------------------------------

@pytest.mark.parametrize("options", [
    {"combination": "game_theory"},
    {"combination": "min_discrimination"},
    {"completion": "lambda_max", "aggregation": "aip", "priority": "sum_product",
     "ri_table": "xu1988", "allow_inconsistent": True},
])
def test_weighting_options_on_the_sample(options: dict[str, object]) -> None:
    """The new options pass the criteria checks and are named in the result's JSON."""
    from evalkit.io.candidates import load_candidates
    from evalkit.model.criteria import load_criteria
    from evalkit.model.evaluation import evaluate
    from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

    result = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES),
                      weighting="combined", weighting_options=options)
    assert result.weights.values.sum() == pytest.approx(1.0, abs=1e-12)
    shown = result.to_dict()["weighting"]
    for key, value in options.items():
        if key != "allow_inconsistent":
            assert shown[key] == value, key


def test_critic_options_on_the_sample() -> None:
    from evalkit.io.candidates import load_candidates
    from evalkit.model.criteria import load_criteria
    from evalkit.model.evaluation import evaluate
    from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

    criteria, table = load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES)
    plain = evaluate(criteria, table, weighting="critic")
    variant = evaluate(criteria, table, weighting="critic",
                       weighting_options={"correlation": "unflipped", "conflict": "one_minus_abs_r"})
    assert variant.to_dict()["weighting"] == {"method": "critic", "correlation": "unflipped",
                                              "conflict": "one_minus_abs_r"}
    assert plain.to_dict()["weighting"] == {"method": "critic"}
    assert not np.allclose(plain.weights.values, variant.weights.values)


def test_unknown_option_names_are_refused() -> None:
    from evalkit.errors import InputError
    from evalkit.methods.specs import check_weighting

    for key in ("completion", "aggregation", "correlation", "conflict", "combination"):
        with pytest.raises(InputError, match="unknown"):
            check_weighting({key: "nonsense"}, "combined", file=None, indicator_ids=["a"])


def test_family_coupling_on_a_small_matrix_hand_checkable() -> None:
    """Hand-checkable family scores: two families of one indicator each, w = (0.75, 0.25):
    U is each family's min–max value, (0, 1), (0.5, 0.5), (1, 0); so C = 0, 1, 0 and
    D = 0, 0.707107, 0."""
    from evalkit.methods.composite import coupling_coordination, family_scores

    m = _matrix(SMALL, np.array([1, 1]))
    m.indicators[0].family = "economy"  # type: ignore[misc]
    m.indicators[1].family = "society"  # type: ignore[misc]
    families, u = family_scores(m, np.array([0.75, 0.25]))
    assert families == ("economy", "society")
    assert u == pytest.approx(np.array([[0, 1], [0.5, 0.5], [1, 0]]), abs=1e-12)
    result = coupling_coordination(u, families)
    assert result.coordination == pytest.approx([0.0, 0.707107, 0.0], abs=1e-6)
