"""Towns over years (issue 17, item 7): global weights, per-year closeness on a common
scale (fixed ideal points from all years), each town's trend.

Hand-checkable fixture: the bundled sample table repeated for 2019–2024, with only
石桥镇 (T3) improving its sewage, waste and gas coverage by 1 point a year.  The other
towns' rows never change, so — weights and reference points being global — their
closeness is the same every year and their trend is 0 (to 1e-12), while T3's rises.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from foundation_support import SAMPLE_CSV

from evalkit.errors import InputError
from evalkit.io.candidates import load_candidates
from evalkit.methods.ranking import topsis_fixed
from evalkit.model.criteria import load_criteria
from evalkit.model.years import evaluate_years
from evalkit.paths import DEFAULT_CRITERIA

YEARS = range(2019, 2025)
IMPROVING = ("sewage_rate", "waste_rate", "gas_coverage")


def _panel(tmp_path: Path) -> dict[int, Path]:
    rows = list(csv.reader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8"))))
    header = rows[0]
    paths = {}
    for k, year in enumerate(YEARS):
        out = [header]
        for row in rows[1:]:
            row = list(row)
            if row[0] == "T3":
                for column in IMPROVING:
                    j = header.index(column)
                    row[j] = str(min(100.0, float(row[j]) - 5 + k))
            out.append(row)
        path = tmp_path / f"towns_{year}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(out)
        paths[year] = path
    return paths


def test_panel_closeness_is_on_one_scale(tmp_path: Path) -> None:
    criteria = load_criteria(DEFAULT_CRITERIA)
    tables = {y: load_candidates(p) for y, p in _panel(tmp_path).items()}
    panel = evaluate_years(criteria, tables, weighting="entropy")
    assert panel.years == tuple(YEARS)
    assert panel.weights.values.sum() == pytest.approx(1.0, abs=1e-12)
    closeness = panel.closeness
    t3 = panel.ids.index("T3")
    others = [k for k in range(len(panel.ids)) if k != t3]
    assert np.ptp(closeness[:, others], axis=0) == pytest.approx(np.zeros(len(others)), abs=1e-12)
    assert panel.trend[others] == pytest.approx(np.zeros(len(others)), abs=1e-12)
    assert panel.trend[t3] > 0
    assert np.all(np.diff(closeness[:, t3]) > 0)
    # The fixed points are each indicator's best and worst over every (town, year) row.
    assert panel.rankings[0].normalization == "fixed"
    again = topsis_fixed(_matrix_of(criteria, tables[2024], panel.ids),
                         panel.weights, panel.ideal, panel.anti_ideal)
    assert again.closeness == pytest.approx(closeness[-1], abs=1e-12)
    doc = panel.to_dict()
    town = next(t for t in doc["towns"] if t["id"] == "T3")
    assert list(town["closeness"]) == [str(y) for y in YEARS]
    assert town["trend_per_year"] == pytest.approx(float(panel.trend[t3]), abs=1e-15)
    assert doc["weighting"] == {"method": "entropy", "global": True}


def _matrix_of(criteria, table, ids):  # type: ignore[no-untyped-def]
    from evalkit.methods.matrix import DecisionMatrix
    from evalkit.model.indicators import build_matrix

    m = build_matrix(criteria, table)
    order = [m.ids.index(i) for i in ids]
    return DecisionMatrix(tuple(ids), tuple(m.names[k] for k in order), m.indicators,
                          m.values[order])


def test_panel_needs_the_same_towns(tmp_path: Path) -> None:
    paths = _panel(tmp_path)
    rows = paths[2020].read_text(encoding="utf-8").splitlines()
    paths[2020].write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")
    criteria = load_criteria(DEFAULT_CRITERIA)
    with pytest.raises(InputError, match="differ"):
        evaluate_years(criteria, {y: load_candidates(p) for y, p in paths.items()},
                       weighting="entropy")
    with pytest.raises(InputError, match="two years"):
        evaluate_years(criteria, {2019: load_candidates(paths[2019])})


def test_years_command_on_the_bundled_panel() -> None:
    """``evalkit years`` ranks the sample panel 2019–2024 year by year, JSON and table.

    The panel's 2022 table is the bundled sample itself (byte for byte), and each
    year's closeness comes from fixed points, so every town's series is on one scale.
    """
    from foundation_support import run_cli

    from evalkit.cli.years import DEFAULT_PANEL

    assert (DEFAULT_PANEL / "towns_2022.csv").read_bytes() == SAMPLE_CSV.read_bytes()
    result = run_cli("years", "--format", "json")
    assert result.exit_code == 0, result.output
    import json

    doc = json.loads(result.stdout)
    assert doc["years"] == list(YEARS)
    assert {t["id"] for t in doc["towns"]} == {"T1", "T2", "T3", "T4", "T5"}
    for town in doc["towns"]:
        assert set(town["rank"].values()) <= {1, 2, 3, 4, 5}
        assert all(0 <= c <= 1 for c in town["closeness"].values())
    assert sum(doc["weights"].values()) == pytest.approx(1.0, abs=1e-9)
    table = run_cli("years")
    assert table.exit_code == 0 and "2024" in table.output and "青山镇" in table.output
    bad = run_cli("years", str(SAMPLE_CSV))
    assert bad.exit_code == 2 and "no year in the file name" in bad.output


def test_targets_are_tracked_year_by_year(tmp_path: Path) -> None:
    """Each ``gap`` indicator's raw value against its target (sewage ≥ 90 in the bundled
    criteria set): the values are the tables' own figures, and a town that reaches the
    target in one year is counted as meeting it in that year only."""
    paths = _panel(tmp_path)
    text = paths[2024].read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    j = header.index("sewage_rate")
    for n, line in enumerate(text):
        cells = line.split(",")
        if cells[0] == "T3":
            cells[j] = "91"
            text[n] = ",".join(cells)
    paths[2024].write_text("\n".join(text) + "\n", encoding="utf-8")
    criteria = load_criteria(DEFAULT_CRITERIA)
    panel = evaluate_years(criteria, {y: load_candidates(p) for y, p in paths.items()},
                           weighting="entropy")
    sewage = next(t for t in panel.targets if t.column == "sewage_rate")
    assert (sewage.target, sewage.sense) == (90.0, "max")
    t3 = panel.ids.index("T3")
    assert sewage.values[-1, t3] == 91.0
    assert sewage.met[:, t3].tolist() == [False] * 5 + [True]
    doc = panel.to_dict()
    town = next(t for t in doc["towns"] if t["id"] == "T3")
    assert town["targets_met"]["2024"] == town["targets_met"]["2023"] + 1
    track = next(t for t in doc["targets"] if t["column"] == "sewage_rate")
    assert track["towns"]["T3"]["2024"] == {"value": 91.0, "met": True}
