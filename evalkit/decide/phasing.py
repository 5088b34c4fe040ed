"""A scenario's calendar: budget years, spending profiles, conversion years and the as-of rule.

In a scenario file::

    phasing:
      years: {2025: null, 2026: null, 2027: null, 2028: null}  # annual limit (亿元), null: none
      profile: {from: -1, shares: [0.3, 0.5, 0.2]}  # 30% the year before conversion, 50% in
                                                    # it, 20% the year after
      profile_column: spend_profile   # optional: a town's own profile in the table ("30/50/20")
      convert_in: [2026, 2027]        # default: every year whose profile fits the calendar
      before_as_of: refuse            # refuse | flag: conversion years before the as-of date

``spread: [0.6, 0.4]`` (shares from the conversion year on) is the older
spelling of ``profile: {from: 0, shares: [0.6, 0.4]}``.  A category may have its
own ``profile`` and ``annual`` limits, a source its ``annual`` capacity, and
talent its ``profile`` and ``annual`` recruiting capacity (read with the rest of
the scenario).  The as-of date itself is not in the file: it is the day the
decision is made (``evalkit select --as-of``, default today).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evalkit.errors import InputError
from evalkit.io.numbers import parse_number
from evalkit.io.yamlfile import MappingNode, check_keys

BEFORE_AS_OF = ("refuse", "flag")
"""What happens to a conversion year before the as-of date: not allowed, or allowed and marked."""

_OFFSET_WORDS = {-2: ("两年前", "two years before conversion"),
                 -1: ("改区前一年", "the year before conversion"),
                 0: ("改区当年", "the conversion year"),
                 1: ("改区后一年", "the year after conversion")}


@dataclass(frozen=True)
class Profile:
    """Shares of a town's cost (or talent need) by year, relative to its conversion year.

    ``start`` is the offset of the first share (−1: the year before conversion);
    the shares sum to 1.
    """

    start: int
    shares: tuple[float, ...]

    @property
    def end(self) -> int:
        """The offset of the last share."""
        return self.start + len(self.shares) - 1

    def share(self, offset: int) -> float:
        """The share spent ``offset`` years after conversion (0 outside the profile)."""
        k = offset - self.start
        return float(self.shares[k]) if 0 <= k < len(self.shares) else 0.0

    def cumulative(self, offset: int) -> float:
        """The share spent up to and including ``offset`` years after conversion."""
        return math.fsum(self.share(o) for o in range(self.start, offset + 1))

    def text(self, lang: str = "en") -> str:
        """``30/50/20 from the year before conversion`` (``改区前一年起 30/50/20``)."""
        numbers = "/".join(f"{s * 100:g}" for s in self.shares)
        zh, en = _OFFSET_WORDS.get(self.start, (f"改区后第{self.start}年", f"year {self.start:+d}"))
        return f"{zh}起 {numbers}%" if lang == "zh" else f"{numbers}% from {en}"

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.start, "shares": list(self.shares)}


def parse_profile(text: str, start: int) -> Profile | None:
    """A profile written in a table cell: shares in percent (``30/50/20``) or as fractions
    (``0.3/0.5/0.2``), from offset ``start``; ``None`` when the cell is not one."""
    parts = [parse_number(p) for p in str(text).replace("／", "/").split("/")]
    if not parts or any(p is None or p < 0 for p in parts):
        return None
    values = [float(p) for p in parts]  # type: ignore[arg-type]
    total = math.fsum(values)
    if abs(total - 100.0) <= 1e-6:
        values = [v / 100.0 for v in values]
    elif abs(total - 1.0) > 1e-9:
        return None
    return Profile(start, tuple(values))


@dataclass(frozen=True)
class Phasing:
    """The ``phasing`` block, read and checked."""

    years: tuple[int, ...]
    limits: dict[int, float | None]
    convert_in: tuple[int, ...]
    profile: Profile
    profile_column: str | None
    before_as_of: str


Fail = Callable[[str, str, str], InputError]
Number = Callable[..., float | None]


def read_profile(node: Any, key: str, fail: Fail, number: Number) -> Profile:
    """``{from: -1, shares: [0.3, 0.5, 0.2]}`` (or a list of shares from the conversion year)."""
    if isinstance(node, list):
        node = {"from": 0, "shares": node}
    if not isinstance(node, Mapping):
        raise fail(f"{key} must be a profile such as {{from: -1, shares: [0.3, 0.5, 0.2]}}",
                   "give the year the shares start (relative to conversion) and the shares", key)
    _check(node, key, fail)
    start = node.get("from", 0)
    if isinstance(start, bool) or not isinstance(start, int) or not -5 <= start <= 5:
        raise fail(f"{key}.from must be a whole number of years relative to conversion, got "
                   f"{start!r}", "write e.g.  from: -1  (the year before conversion)",
                   f"{key}.from")
    shares = node.get("shares")
    if not isinstance(shares, list) or not shares:
        raise fail(f"{key} needs shares: the part of the cost in each year", "write e.g.  "
                   "shares: [0.3, 0.5, 0.2]", f"{key}.shares" if "shares" in node else key)
    values = [float(number(s, f"{key}.shares[{i}]", what="a profile share"))  # type: ignore[arg-type]
              for i, s in enumerate(shares)]
    total = math.fsum(values)
    if abs(total - 1.0) > 1e-9:
        raise fail(f"{key}: the shares sum to {total:g}, not 1",
                   "make the shares of each year add up to 1 (e.g. [0.3, 0.5, 0.2])",
                   f"{key}.shares")
    return Profile(start, tuple(values))


def _check(node: Mapping[Any, Any], key: str, fail: Fail) -> None:
    for name in node:
        if name not in ("from", "shares"):
            raise fail(f"unknown key {name!r}", "use from and shares", f"{key}.{name}")


def read_phasing(node: MappingNode | None, fail: Fail, number: Number,
                 path: Any) -> Phasing | None:
    """The ``phasing`` block (``None`` when the scenario has none)."""
    if node is None:
        return None
    check_keys(node, ("years", "spread", "profile", "profile_column", "convert_in",
                      "before_as_of"), "phasing", path)
    years_node = node.get("years")
    if not isinstance(years_node, Mapping) or not years_node:
        raise fail("phasing needs years: each budget year and its annual limit",
                   "write  years: {2025: 50, 2026: 60}  (null for no limit)",
                   "phasing.years" if "years" in node else "phasing")
    limits: dict[int, float | None] = {}
    for year, limit in years_node.items():
        key = f"phasing.years.{year}"
        if isinstance(year, bool) or not isinstance(year, int):
            raise fail(f"a budget year must be a whole year such as 2025, got {year!r}",
                       "write the year without quotes", key)
        limits[year] = number(limit, key, what=f"the {year} limit", unit="亿元", allow_none=True)
    years = tuple(sorted(limits))
    for before, after in itertools.pairwise(years):
        if after != before + 1:
            raise fail(f"budget years must follow each other; {before + 1} is missing",
                       f"add  {before + 1}: null  (no limit) or a limit", "phasing.years")
    if "spread" in node and "profile" in node:
        raise fail("give the spending profile once: profile (or the older spread), not both",
                   "keep  profile: {from: -1, shares: [0.3, 0.5, 0.2]}", "phasing.spread")
    if "profile" in node:
        profile = read_profile(node["profile"], "phasing.profile", fail, number)
    else:
        spread = node.get("spread", [1.0])
        if not isinstance(spread, list) or not spread:
            raise fail("spread must list the share of a town's cost in its conversion year and "
                       "each year after it", "write e.g.  spread: [0.6, 0.4]", "phasing.spread")
        values = [float(number(s, f"phasing.spread[{i}]", what="a spread share"))  # type: ignore[arg-type]
                  for i, s in enumerate(spread)]
        total = math.fsum(values)
        if abs(total - 1.0) > 1e-9:
            raise fail(f"spread shares sum to {total:g}, not 1",
                       "make the shares of each year add up to 1 (e.g. [0.6, 0.4])",
                       "phasing.spread")
        profile = Profile(0, tuple(values))
    column = node.get("profile_column")
    if column is not None and (not isinstance(column, str) or not column.strip()):
        raise fail(f"phasing.profile_column must be a column name, got {column!r}",
                   "write  profile_column: spend_profile", "phasing.profile_column")
    policy = node.get("before_as_of", BEFORE_AS_OF[0])
    if policy not in BEFORE_AS_OF:
        raise fail(f"before_as_of must be one of {', '.join(BEFORE_AS_OF)}, got {policy!r}",
                   "refuse: no conversion before the as-of year; flag: allowed and marked",
                   "phasing.before_as_of")
    convert_in = _convert_in(node.get("convert_in"), years, profile, fail)
    return Phasing(years, limits, convert_in, profile, column.strip() if column else None,
                   str(policy))


def fits(year: int, profiles: Sequence[Profile], years: Sequence[int]) -> bool:
    """Does a conversion in ``year`` spend only within the calendar ``years``?"""
    return all(year + p.start >= years[0] and year + p.end <= years[-1] for p in profiles)


def _convert_in(node: Any, years: tuple[int, ...], profile: Profile,
                fail: Fail) -> tuple[int, ...]:
    fitting = [y for y in years if fits(y, (profile,), years)]
    if node is None:
        if not fitting:
            raise fail(f"no conversion year fits: a profile over {len(profile.shares)} years "
                       f"does not fit in {years[0]}–{years[-1]}",
                       "add budget years or shorten the profile", "phasing.profile")
        return tuple(fitting)
    if not isinstance(node, list) or not node:
        raise fail("convert_in must list conversion years",
                   f"write e.g.  convert_in: [{years[0]}]", "phasing.convert_in")
    out: list[int] = []
    for i, year in enumerate(node):
        key = f"phasing.convert_in[{i}]"
        if not isinstance(year, int) or isinstance(year, bool) or year not in years:
            raise fail(f"conversion year {year!r} is not a budget year",
                       f"use one of {', '.join(map(str, years))}, or add it to phasing.years", key)
        if year not in fitting:
            first, last = year + profile.start, year + profile.end
            if last > years[-1]:
                raise fail(f"a town converted in {year} spends until {last}, after the last "
                           f"budget year {years[-1]}",
                           f"add the years up to {last} to phasing.years, or drop {year}", key)
            raise fail(f"a town converted in {year} spends from {first}, before the first "
                       f"budget year {years[0]}",
                       f"add the years from {first} to phasing.years, or drop {year}", key)
        out.append(year)
    return tuple(dict.fromkeys(out))


def read_annual(node: Any, key: str, calendar: Sequence[int], fail: Fail, number: Number,
                unit: str) -> dict[int, float | None]:
    """An ``annual`` mapping (year → amount, null for none) over budget years."""
    if node is None:
        return {}
    if not isinstance(node, Mapping) or not node:
        raise fail(f"{key} must map budget years to amounts", "write e.g.  annual: {2026: 20}",
                   key)
    out: dict[int, float | None] = {}
    for year, amount in node.items():
        where = f"{key}.{year}"
        if isinstance(year, bool) or not isinstance(year, int):
            raise fail(f"a year must be a whole year such as 2026, got {year!r}",
                       "write the year without quotes", where)
        if calendar and year not in calendar:
            raise fail(f"{year} is not a budget year (phasing.years)",
                       f"use one of {', '.join(map(str, calendar))}", where)
        if not calendar:
            raise fail("annual amounts need a budget calendar", "add  phasing: {years: {...}}",
                       where)
        out[year] = number(amount, where, what=f"the {year} amount", unit=unit, allow_none=True)
    return out


__all__ = ["BEFORE_AS_OF", "Phasing", "Profile", "fits", "parse_profile",
           "read_annual", "read_phasing", "read_profile"]
