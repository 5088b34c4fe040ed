"""Public-opinion survey results per town: support rates with 95% Wilson score intervals.

The file (``survey.yaml`` in the dossier folder) gives, per town, the number
of respondents and how many support, are neutral and oppose the change::

    margin: 0.05          # the stated margin of error (± 5 percentage points)
    towns:
      - {town: T1, sample: 612, support: 498, neutral: 71, oppose: 43}

Each rate's 95% interval is the Wilson score interval (E. B. Wilson, 1927,
"Probable inference, the law of succession, and statistical inference",
JASA 22:209–212; recommended over the Wald interval by R. G. Newcombe, 1998,
"Two-sided confidence intervals for the single proportion", Statistics in
Medicine 17:857–872, method 3)::

    centre = (p + z²/2n) / (1 + z²/n)
    half   = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/4n²),   z = 1.96

**Small-sample rule**: a town is flagged when the half-width of its support
rate's interval exceeds the stated margin, i.e. the sample is too small to
state the support rate to within ± margin at 95% confidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.yamlfile import check_keys, line_of, load_yaml

Z95 = 1.959963984540054
"""The two-sided 95% normal quantile."""

DEFAULT_MARGIN = 0.05
"""The margin of error assumed when the file states none (± 5 percentage points)."""


def wilson_interval(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``count`` successes in ``n`` trials (Newcombe 1998, method 3)."""
    if n <= 0 or count < 0 or count > n:
        raise ValueError(f"need 0 <= count <= n and n > 0, got {count} of {n}")
    p = count / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    """One answer's share of the sample and its 95% Wilson interval."""

    count: int
    rate: float
    low: float
    high: float

    @classmethod
    def of(cls, count: int, n: int) -> Rate:
        low, high = wilson_interval(count, n)
        return cls(count, count / n, low, high)

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "rate": self.rate, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class SurveyTown:
    """One town's survey: sample size, the three rates, and the small-sample flag."""

    town: str
    sample: int
    support: Rate
    neutral: Rate
    oppose: Rate
    small_sample: bool
    """The support rate's interval is wider than ± the stated margin."""

    @property
    def half_width(self) -> float:
        return (self.support.high - self.support.low) / 2

    def to_dict(self) -> dict[str, Any]:
        return {"town": self.town, "sample": self.sample, "support": self.support.to_dict(),
                "neutral": self.neutral.to_dict(), "oppose": self.oppose.to_dict(),
                "half_width": self.half_width, "small_sample": self.small_sample}


@dataclass(frozen=True)
class Survey:
    """The survey file: the stated margin and each town's results."""

    margin: float
    towns: tuple[SurveyTown, ...]
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"margin": self.margin, "confidence": 0.95, "method": "wilson",
                "towns": [t.to_dict() for t in self.towns]}


def survey_town(town: str, sample: int, support: int, neutral: int, oppose: int,
                margin: float = DEFAULT_MARGIN) -> SurveyTown:
    """One town's rates and flag from its counts (they must add up to the sample)."""
    if support + neutral + oppose != sample:
        raise ValueError("support + neutral + oppose must equal the sample")
    rate = Rate.of(support, sample)
    return SurveyTown(town, sample, rate, Rate.of(neutral, sample), Rate.of(oppose, sample),
                      (rate.high - rate.low) / 2 > margin)


_KEYS = ("town", "sample", "support", "neutral", "oppose")


def load_survey(path: str | Path) -> Survey:
    """Read a survey file; every mistake is an InputError naming file, line and key."""
    path = Path(path)
    root = load_yaml(path, what="survey file")
    if not isinstance(root, dict):
        raise InputError("a survey file is a mapping with margin: and towns:",
                         "see the README, section 'The application dossier'", file=path, row=1)
    check_keys(root, ("margin", "towns"), "", path)
    margin = root.get("margin", DEFAULT_MARGIN)
    if isinstance(margin, bool) or not isinstance(margin, int | float) or not 0 < margin < 0.5:
        raise InputError(f"margin {margin!r} is not a share between 0 and 0.5",
                         "write e.g. margin: 0.05 for ± 5 percentage points",
                         file=path, row=line_of(root, "margin"), column="margin")
    items = root.get("towns")
    if not isinstance(items, list) or not items:
        raise InputError("the survey lists no towns", "add towns: with one entry per town",
                         file=path, row=line_of(root, "towns") or 1, column="towns")
    towns: list[SurveyTown] = []
    seen: set[str] = set()
    for k, item in enumerate(items):
        row = line_of(items, k)
        where = f"towns[{k}]"
        if not isinstance(item, dict):
            raise InputError("a survey entry is a mapping", "write {town: T1, sample: 600, "
                             "support: 480, neutral: 70, oppose: 50}", file=path, row=row,
                             column=where)
        check_keys(item, _KEYS, where, path)
        for key in _KEYS:
            if key not in item:
                raise InputError(f"the entry has no {key}", f"add {key}:", file=path, row=row,
                                 column=f"{where}.{key}")
        town = str(item["town"]).strip()
        if not town or town in seen:
            raise InputError(f"town {town!r} is empty or given twice",
                             "give each town once, by its id", file=path,
                             row=line_of(item, "town"), column=f"{where}.town")
        seen.add(town)
        counts: dict[str, int] = {}
        for key in _KEYS[1:]:
            value = item[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"{key} {value!r} is not a whole number ≥ 0",
                                 "write a count of respondents", file=path,
                                 row=line_of(item, key), column=f"{where}.{key}")
            counts[key] = value
        if counts["sample"] == 0:
            raise InputError("the sample is 0", "give the number of respondents", file=path,
                             row=line_of(item, "sample"), column=f"{where}.sample")
        total = counts["support"] + counts["neutral"] + counts["oppose"]
        if total != counts["sample"]:
            raise InputError(f"support + neutral + oppose = {total}, not the sample "
                             f"{counts['sample']}", "the three counts must add up to the sample",
                             file=path, row=line_of(item, "sample"), column=f"{where}.sample")
        towns.append(survey_town(town, counts["sample"], counts["support"], counts["neutral"],
                                 counts["oppose"], float(margin)))
    return Survey(float(margin), tuple(towns), str(path))
