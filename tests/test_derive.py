"""Derived indicators against values worked out by hand from the sample table.

Every expected value below is plain arithmetic on the numbers printed in
``candidates/towns.csv`` (T1 青山镇: pop 13.89 → 16.5 万人, GDP 93.70 → 120.0
亿元, tertiary 36.0, revenue 6.8, expenditure 10.00, sewage 70 %, water
leakage 24 %, commute 38 min, 330 physicians, 693 beds; T4 云溪镇: revenue
1.6, expenditure 2.25, leakage 26 %, commute 45 min; T5 柳塘镇: 77 physicians,
pop 5.1 万人), with the targets of ``criteria/default.yaml``.
"""

from __future__ import annotations

import pytest
from foundation_support import SAMPLE_CRITERIA, SAMPLE_CSV

from evalkit import load_candidates, load_criteria
from evalkit.model.indicators import build_matrix


@pytest.fixture(scope="module")
def derived():
    matrix = build_matrix(load_criteria(SAMPLE_CRITERIA), load_candidates(SAMPLE_CSV))
    return matrix.to_frame()


HAND = [
    # (town, indicator, value computed by hand)
    ("T1", "pop_growth", ((16.5 / 13.89) ** (1 / 3) - 1) * 100),
    ("T1", "urban_pop", 12.1),
    ("T1", "gdp_share", 120 / 850 * 100),
    ("T1", "gdp_per_capita", 120 / 16.5),
    ("T1", "gdp_growth", ((120.0 / 93.70) ** (1 / 3) - 1) * 100),
    ("T1", "tertiary_share", 36.0 / 120.0 * 100),
    ("T1", "sewage_gap", (90 - 70) / 90),
    ("T1", "leakage_gap", (24 - 10) / 10),  # sense min: the excess over the plan's ≤ 10%
    ("T1", "commute_gap", (38 - 30) / 30),
    ("T1", "physician_gap", max(0, 3.5 - 330 / (16.5 * 10)) / 3.5),
    ("T1", "bed_gap", max(0, 7.5 - 693 / (16.5 * 10)) / 7.5),
    ("T1", "self_sufficiency", 6.8 / 10.00 * 100),
    ("T1", "revenue_per_capita", 6.8 / 16.5 * 10000),
    ("T4", "self_sufficiency", 1.6 / 2.25 * 100),
    ("T4", "leakage_gap", (26 - 10) / 10),
    ("T4", "commute_gap", (45 - 30) / 30),
    ("T5", "physician_gap", max(0, 3.5 - 77 / (5.1 * 10)) / 3.5),
    ("T5", "pop_growth", ((5.1 / 4.50) ** (1 / 3) - 1) * 100),
]


@pytest.mark.parametrize(("town", "indicator", "expected"), HAND,
                         ids=[f"{t}-{i}" for t, i, _ in HAND])
def test_derived_value_matches_hand_computation(derived, town, indicator, expected) -> None:
    assert derived.loc[town, indicator] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_gap_is_zero_when_target_is_met(tmp_path) -> None:
    """A town at or beyond the target has no gap, in either sense."""
    criteria = tmp_path / "gap.yaml"
    criteria.write_text(
        "name: gap\n"
        "families: [{id: infra}]\n"
        "indicators:\n"
        "  - {id: sewage_gap, family: infra, direction: min,"
        " gap: {value: sewage_rate, target: 65, sense: max}}\n"
        "  - {id: leakage_gap, family: infra, direction: min,"
        " gap: {value: water_leakage, target: 26, sense: min}}\n",
        encoding="utf-8")
    frame = build_matrix(load_criteria(criteria), load_candidates(SAMPLE_CSV)).to_frame()
    # sewage: T1 70 ≥ 65 → 0; T3 60 < 65 → 5/65.  leakage: T1 24 ≤ 26 → 0; T5 29 → 3/26.
    assert frame.loc["T1", "sewage_gap"] == 0
    assert frame.loc["T3", "sewage_gap"] == pytest.approx(5 / 65)
    assert frame.loc["T1", "leakage_gap"] == 0
    assert frame.loc["T5", "leakage_gap"] == pytest.approx(3 / 26)


def test_every_indicator_of_the_default_set_is_computed(derived) -> None:
    criteria = load_criteria(SAMPLE_CRITERIA)
    assert list(derived.columns) == list(criteria.indicator_ids)
    assert list(derived.index) == ["T1", "T2", "T3", "T4", "T5"]
