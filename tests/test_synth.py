"""Synthetic candidate tables (evalkit.io.synth) and the 30-indicator scale-test criteria set."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.io.synth import COLUMNS, generate, write_csv

ROOT = Path(__file__).resolve().parents[1]
CRITERIA30 = ROOT / "bench" / "criteria30.yaml"


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    return generate(5_000, seed=11)


def test_same_seed_same_table_other_seed_other_table() -> None:
    pd.testing.assert_frame_equal(generate(300, 4), generate(300, 4))
    assert not generate(300, 4).equals(generate(300, 5))


def test_columns_are_those_of_the_sample_table() -> None:
    with open(ROOT / "candidates" / "towns.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert list(COLUMNS) == header
    assert list(generate(10, 0).columns) == header


def test_ids_names_and_types(towns: pd.DataFrame) -> None:
    assert towns["id"].is_unique
    assert towns["id"].iloc[0] == "S000001" and towns["id"].iloc[-1] == "S005000"
    assert towns["name"].str.fullmatch(r"[\u4e00-\u9fff]{2,3}镇").all()
    assert towns["name_en"].str.fullmatch(r"[A-Z][a-z]+").all()
    counts = ["industrial_firms", "physicians", "hospital_beds", "staff", "senior_staff",
              "professionals_missing", "talent_need"]
    assert all(pd.api.types.is_integer_dtype(towns[c]) for c in counts)


def test_values_are_valid(towns: pd.DataFrame) -> None:
    numeric = towns[list(COLUMNS[3:])]
    assert np.isfinite(numeric.to_numpy(dtype=float)).all()
    assert (numeric >= 0).all().all()
    for denominator in ("pop_2019", "pop_2022", "gdp_2019", "gdp_2022", "expenditure", "staff",
                        "area_km2", "built_up_km2"):
        assert (towns[denominator] > 0).all(), denominator
    assert (towns["senior_staff"] <= towns["staff"]).all()
    assert (towns["tertiary_gdp"] <= towns["gdp_2022"]).all()
    assert (towns["urban_pop"] <= towns["pop_2022"] + 0.01).all()
    assert (towns["built_up_km2"] <= towns["area_km2"]).all()
    rates = ["sewage_rate", "waste_rate", "gas_coverage", "water_leakage", "roads_grade2",
             "model_school_share", "tap_water_coverage", "paved_roads"]
    assert ((towns[rates] > 0) & (towns[rates] < 100)).all().all()


def test_correlations_have_the_intended_signs(towns: pd.DataFrame) -> None:
    gdp_per_head = towns["gdp_2022"] / towns["pop_2022"]

    def corr(a: pd.Series, b: pd.Series) -> float:
        return float(np.corrcoef(a, b)[0, 1])

    assert corr(np.log(towns["pop_2022"]), np.log(towns["gdp_2022"])) > 0.5
    assert corr(towns["gdp_2022"], towns["revenue"]) > 0.5
    assert corr(towns["revenue"], towns["expenditure"]) > 0.5
    assert corr(towns["pop_2022"], towns["physicians"]) > 0.5
    assert corr(towns["pop_2022"], towns["staff"]) > 0.5
    assert corr(towns["pop_2022"], towns["cost_infrastructure"]) > 0.3
    assert corr(towns["pop_2022"], towns["talent_need"]) > 0.3
    for rate in ("sewage_rate", "waste_rate", "gas_coverage", "tap_water_coverage", "paved_roads"):
        assert corr(gdp_per_head, towns[rate]) > 0.1, rate
    assert corr(gdp_per_head, towns["water_leakage"]) < -0.1  # a cost: richer towns leak less
    assert corr(gdp_per_head, towns["revenue"] / towns["expenditure"]) > 0.1
    assert corr(gdp_per_head, towns["physicians"] / towns["pop_2022"]) > 0.1


@pytest.mark.parametrize("criteria", [ROOT / "criteria" / "default.yaml", CRITERIA30])
def test_criteria_sets_evaluate_500_synthetic_towns(tmp_path: Path, criteria: Path) -> None:
    result = evaluate(load_criteria(criteria), load_candidates(write_csv(tmp_path / "t.csv", 500, 3)))
    assert result.matrix.shape[0] == 500
    assert np.isfinite(result.matrix.values).all()
    assert len(result.matrix.constant_columns()) == 0
    assert sorted(result.ranking.ranks.tolist())[0] == 1


def test_criteria30_is_the_default_set_plus_eleven() -> None:
    default = load_criteria(ROOT / "criteria" / "default.yaml").indicator_ids
    scale = load_criteria(CRITERIA30).indicator_ids
    assert len(scale) == 30 and len(set(scale)) == 30
    assert set(default) <= set(scale)
    assert set(load_criteria(CRITERIA30).columns()) <= set(COLUMNS)


def test_module_entry_point_writes_the_same_table(tmp_path: Path) -> None:
    out = tmp_path / "towns.csv"
    done = subprocess.run([sys.executable, "-m", "evalkit.io.synth", "25", str(out), "--seed", "9"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == write_csv(tmp_path / "again.csv", 25, 9).read_bytes()


def test_too_few_towns_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(0, 1)
