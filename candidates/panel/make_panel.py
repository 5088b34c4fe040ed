"""Regenerate the sample panel towns_2019.csv … towns_2024.csv from ../towns.csv.

Synthetic, for demonstration only: the bundled 2022 table is the 2022 year exactly;
the other years extrapolate each town's own 2019–2022 growth (population and GDP,
compound) and move the rate columns by a fixed number of points a year.  In the
file for year y, pop_2019/gdp_2019 hold the values of y − 3 and pop_2022/gdp_2022
those of y (the criteria set's three-year growth indicators read them so).

    python candidates/panel/make_panel.py
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = 2022
YEARS = range(2019, 2025)
WITH_POPULATION = ("urban_pop", "physicians", "hospital_beds", "staff", "senior_staff",
                   "nonfarm_workers")
WITH_GDP = ("tertiary_gdp", "industrial_firms", "built_up_km2", "revenue", "expenditure")
POINTS_PER_YEAR = {"sewage_rate": 1.5, "waste_rate": 1.0, "gas_coverage": 2.0,
                   "water_leakage": -0.8, "roads_grade2": 1.0, "bus_stops_per_10k": 0.3,
                   "commute_min": -0.5, "model_school_share": 1.0, "tap_water_coverage": 0.5,
                   "paved_roads": 1.0}
COUNTS = ("industrial_firms", "physicians", "hospital_beds", "staff", "senior_staff")


def main() -> None:
    with (HERE.parent / "towns.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    for year in YEARS:
        d = year - BASE
        out = []
        for row in rows:
            new = dict(row)
            pop_rate = (float(row["pop_2022"]) / float(row["pop_2019"])) ** (1 / 3)
            gdp_rate = (float(row["gdp_2022"]) / float(row["gdp_2019"])) ** (1 / 3)
            new["pop_2022"] = f"{float(row['pop_2022']) * pop_rate ** d:.2f}"
            new["pop_2019"] = f"{float(row['pop_2022']) * pop_rate ** (d - 3):.2f}"
            new["gdp_2022"] = f"{float(row['gdp_2022']) * gdp_rate ** d:.2f}"
            new["gdp_2019"] = f"{float(row['gdp_2022']) * gdp_rate ** (d - 3):.2f}"
            for column, rate in [*((c, pop_rate) for c in WITH_POPULATION),
                                 *((c, gdp_rate) for c in WITH_GDP)]:
                value = float(row[column]) * rate ** d
                new[column] = str(round(value)) if column in COUNTS else f"{value:.2f}"
            for column, step in POINTS_PER_YEAR.items():
                value = min(100.0, max(0.0, float(row[column]) + step * d))
                new[column] = f"{value:g}"
            if d == 0:
                new = dict(row)  # the bundled figures, exactly
            out.append(new)
        with (HERE / f"towns_{year}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(out)


if __name__ == "__main__":
    main()
