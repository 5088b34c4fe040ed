"""Synthetic candidate tables for scale tests: any number of plausible towns.

:func:`generate` draws ``n`` towns with every column of
``candidates/towns.csv``.  Two latent standard-normal factors drive the
correlations: *size* (resident population) and *development* (GDP per head,
which in turn lifts service rates, fiscal self-sufficiency and urbanisation).
Each column adds its own noise:

- population is log-normal (median 4.5万), GDP = population × GDP per head
  (log-normal, median 5万元); 2019 values are backed out of growth rates;
- revenue is a log-normal share of GDP, expenditure = revenue ÷ a
  self-sufficiency rate;
- rates in per cent (sewage, waste, gas, leakage, roads, model schools, tap
  water, paved roads) are logit-normal, so they stay inside (0, 100);
- counts (physicians, beds, firms, staff, missing professionals, talent need)
  are Poisson around population- or GDP-driven means, senior staff binomial
  in staff;
- costs and talent need grow with population.

Centres follow the five sample towns and the work plan (brief §2).  Every
value is valid for the bundled criteria sets: populations, GDPs, revenue,
expenditure and staff are positive, ``senior_staff ≤ staff``.  Town names
repeat, as real town names do; ids (``S000001`` …) never do.

The same ``seed`` always gives the same table.  From the shell::

    python -m evalkit.io.synth 40000 towns40k.csv --seed 7
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit, logit

COLUMNS = (
    "id", "name", "name_en", "pop_2019", "pop_2022", "urban_pop", "area_km2", "gdp_2019",
    "gdp_2022", "tertiary_gdp", "industrial_firms", "built_up_km2", "revenue", "expenditure",
    "sewage_rate", "waste_rate", "gas_coverage", "water_leakage", "roads_grade2",
    "bus_stops_per_10k", "commute_min", "physicians", "hospital_beds", "model_school_share",
    "staff", "senior_staff", "professionals_missing", "nonfarm_workers", "tap_water_coverage",
    "paved_roads", "cost_infrastructure", "cost_public_services", "cost_industrial", "talent_need",
)
"""The columns of ``candidates/towns.csv``, in its order."""

# (character, pinyin); second syllables start with a consonant, so no apostrophes are needed.
_FIRST = (
    ("青", "qing"), ("石", "shi"), ("云", "yun"), ("临", "lin"), ("柳", "liu"), ("白", "bai"),
    ("金", "jin"), ("龙", "long"), ("凤", "feng"), ("桃", "tao"), ("松", "song"), ("梅", "mei"),
    ("东", "dong"), ("西", "xi"), ("南", "nan"), ("北", "bei"), ("新", "xin"), ("长", "chang"),
    ("永", "yong"), ("安", "an"), ("平", "ping"), ("宁", "ning"), ("太", "tai"), ("黄", "huang"),
    ("红", "hong"), ("双", "shuang"), ("马", "ma"), ("高", "gao"), ("古", "gu"), ("沙", "sha"),
    ("花", "hua"), ("兴", "xing"), ("丰", "feng"), ("清", "qing"), ("德", "de"), ("福", "fu"),
)
_MIDDLE = (
    ("家", "jia"), ("水", "shui"), ("阳", "yang"), ("桥", "qiao"), ("林", "lin"), ("沙", "sha"),
    ("马", "ma"), ("竹", "zhu"),
)
_LAST = (
    ("山", "shan"), ("河", "he"), ("桥", "qiao"), ("溪", "xi"), ("塘", "tang"), ("湖", "hu"),
    ("口", "kou"), ("坪", "ping"), ("岭", "ling"), ("田", "tian"), ("林", "lin"), ("港", "gang"),
    ("湾", "wan"), ("庄", "zhuang"), ("集", "ji"), ("店", "dian"), ("坝", "ba"), ("堡", "bao"),
    ("洲", "zhou"), ("泉", "quan"), ("峰", "feng"), ("浦", "pu"), ("渡", "du"), ("营", "ying"),
    ("寨", "zhai"), ("关", "guan"), ("江", "jiang"), ("源", "yuan"), ("铺", "pu"), ("滩", "tan"),
)
THREE_SYLLABLE_SHARE = 0.2
"""Share of names with a middle syllable (青家山镇); the rest have two (青山镇)."""


def _names(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    first = rng.integers(len(_FIRST), size=n)
    middle = rng.integers(len(_MIDDLE), size=n)
    last = rng.integers(len(_LAST), size=n)
    three = rng.random(n) < THREE_SYLLABLE_SHARE
    zh, en = [], []
    for a, b, c, long in zip(first.tolist(), middle.tolist(), last.tolist(), three.tolist(),
                             strict=True):
        parts = [_FIRST[a], _MIDDLE[b], _LAST[c]] if long else [_FIRST[a], _LAST[c]]
        zh.append("".join(p[0] for p in parts) + "镇")
        en.append("".join(p[1] for p in parts).capitalize())
    return zh, en


def _rate(rng: np.random.Generator, centre: float, development: np.ndarray, slope: float,
          noise: float) -> np.ndarray:
    """A percentage in (0, 100): logit-normal around ``centre`` (a share in (0, 1))."""
    z = logit(centre) + slope * development + noise * rng.standard_normal(development.size)
    return np.round(100.0 * expit(z), 1)


def _lognormal(rng: np.random.Generator, median: float | np.ndarray, sigma: float,
               n: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(n))


def _positive(values: np.ndarray, decimals: int, floor: float) -> np.ndarray:
    """Rounded, and never below ``floor`` after rounding (no zero denominators)."""
    return np.maximum(np.round(values, decimals), floor)


def generate(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic towns with every column of ``candidates/towns.csv``.

    Deterministic for a ``seed`` (a :class:`numpy.random.Generator` draws the
    columns in a fixed order).  Units are those of the sample: population and
    workers in 万人, money in 亿元, rates in %, counts in people or beds.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = np.random.default_rng(seed)
    size = rng.standard_normal(n)
    dev = rng.standard_normal(n)  # development: drives GDP per head and service levels

    pop = np.clip(4.5 * np.exp(0.6 * size), 0.5, 150.0)
    gdp_per_head = np.clip(5.0 * np.exp(0.45 * dev + 0.15 * size), 0.8, 60.0)  # 万元 per person
    pop_growth = np.clip(0.015 + 0.012 * dev + 0.015 * rng.standard_normal(n), -0.04, 0.10)
    gdp_growth = np.clip(0.055 + 0.015 * dev + 0.6 * (pop_growth - 0.015)
                         + 0.02 * rng.standard_normal(n), -0.06, 0.20)
    gdp = pop * gdp_per_head
    urban_share = expit(0.4 + 0.5 * dev + 0.3 * size + 0.3 * rng.standard_normal(n))
    area = np.maximum(np.round(_lognormal(rng, 95.0 * np.exp(0.2 * size), 0.45, n)), 10.0)
    tertiary_share = expit(logit(0.32) + 0.25 * dev + 0.25 * rng.standard_normal(n))
    urban_pop = _positive(pop * urban_share, 2, 0.01)
    revenue = gdp * _lognormal(rng, 0.06 * np.exp(0.1 * dev), 0.25, n)
    self_sufficiency = expit(logit(0.6) + 0.5 * dev + 0.4 * rng.standard_normal(n))
    zh, en = _names(rng, n)

    frame = pd.DataFrame({
        "id": [f"S{i:06d}" for i in range(1, n + 1)],
        "name": zh,
        "name_en": en,
        "pop_2019": _positive(pop / (1.0 + pop_growth) ** 3, 2, 0.01),
        "pop_2022": _positive(pop, 2, 0.01),
        "urban_pop": urban_pop,
        "area_km2": area,
        "gdp_2019": _positive(gdp / (1.0 + gdp_growth) ** 3, 2, 0.01),
        "gdp_2022": _positive(gdp, 2, 0.01),
        "tertiary_gdp": _positive(gdp * tertiary_share, 2, 0.01),
        "industrial_firms": rng.poisson(0.7 * gdp * np.exp(0.3 * rng.standard_normal(n))),
        "built_up_km2": np.minimum(_positive(_lognormal(rng, 1.3 * urban_pop, 0.25, n), 1, 0.1),
                                   area),
        "revenue": _positive(revenue, 2, 0.01),
        "expenditure": _positive(revenue / self_sufficiency, 2, 0.01),
        "sewage_rate": _rate(rng, 0.66, dev, 0.45, 0.35),
        "waste_rate": _rate(rng, 0.81, dev, 0.40, 0.35),
        "gas_coverage": _rate(rng, 0.40, dev, 0.60, 0.50),
        "water_leakage": _rate(rng, 0.24, dev, -0.30, 0.30),
        "roads_grade2": _rate(rng, 0.45, dev, 0.40, 0.40),
        "bus_stops_per_10k": _positive(_lognormal(rng, 8.0 * np.exp(0.3 * dev), 0.3, n), 1, 0.1),
        "commute_min": _positive(_lognormal(rng, 45.0 * np.exp(-0.1 * dev), 0.25, n), 0, 5.0),
        # per 1,000 people × population in 万 × 10 = a count
        "physicians": rng.poisson(_lognormal(rng, 1.8 * np.exp(0.25 * dev), 0.2, n) * pop * 10),
        "hospital_beds": rng.poisson(_lognormal(rng, 3.8 * np.exp(0.2 * dev), 0.2, n) * pop * 10),
        "model_school_share": _rate(rng, 0.10, dev, 0.50, 0.50),
    })
    staff = np.maximum(rng.poisson(_lognormal(rng, 75.0 * pop, 0.15, n)), 1)
    senior_share = expit(logit(0.045) + 0.3 * dev + 0.25 * rng.standard_normal(n))
    frame["staff"] = staff
    frame["senior_staff"] = rng.binomial(staff, senior_share)
    frame["professionals_missing"] = rng.poisson(_lognormal(rng, 50.0 * (pop / 5.0) ** 0.3, 0.2, n))
    nonfarm_share = expit(logit(0.52) + 0.5 * dev + 0.2 * size + 0.3 * rng.standard_normal(n))
    frame["nonfarm_workers"] = _positive(pop * nonfarm_share, 2, 0.01)
    frame["tap_water_coverage"] = _rate(rng, 0.92, dev, 0.50, 0.40)
    frame["paved_roads"] = _rate(rng, 0.85, dev, 0.50, 0.40)
    scale = (pop / 6.0) ** 0.4
    frame["cost_infrastructure"] = _positive(_lognormal(rng, 25.0 * scale, 0.2, n), 1, 0.1)
    frame["cost_public_services"] = _positive(_lognormal(rng, 14.0 * scale, 0.2, n), 1, 0.1)
    frame["cost_industrial"] = _positive(_lognormal(rng, 8.0 * (gdp / 30.0) ** 0.3, 0.2, n), 1, 0.1)
    frame["talent_need"] = rng.poisson(60.0 * (pop / 6.0) ** 0.3)
    return frame[list(COLUMNS)]


def write_csv(path: str | Path, n: int, seed: int = 0) -> Path:
    """Write :func:`generate` ``(n, seed)`` as a UTF-8 CSV; returns the path."""
    path = Path(path)
    generate(n, seed).to_csv(path, index=False, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    """``python -m evalkit.io.synth N OUT.csv [--seed S]``."""
    parser = argparse.ArgumentParser(prog="python -m evalkit.io.synth",
                                     description="Write N synthetic candidate towns to a CSV file.")
    parser.add_argument("n", type=int, help="number of towns")
    parser.add_argument("out", type=Path, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.n < 2:
        parser.error("N must be at least 2 (a ranking needs two towns)")
    print(write_csv(args.out, args.n, args.seed))


if __name__ == "__main__":
    main()
