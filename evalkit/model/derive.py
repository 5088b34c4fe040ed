"""Derived indicators: a closed grammar of named derivations, never code.

An indicator's value comes from a *source*: a column of the candidate table or
one of the derivations in :data:`DERIVATIONS`, whose operands are again
columns, numbers or nested derivations.  ``scale`` multiplies the result
(for example 100 for a percentage).  Nothing in a data file is evaluated.

=========  ==============================  =====================================
kind       parameters                      value
=========  ==============================  =====================================
column     name                            x
ratio      numerator, denominator          a ÷ b
share      part, whole                     part ÷ whole
growth     start, end, years               (end / start)^(1/years) − 1
gap        value, target, sense            max(0, target − v) ÷ target  (sense max)
                                           max(0, v − target) ÷ target  (sense min)
=========  ==============================  =====================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evalkit.errors import InputError
from evalkit.io.candidates import CandidateTable
from evalkit.io.numbers import as_number, parse_number

Place = tuple[str | None, int | None, str | None]
"""Where a key of the criteria file is: ``(file, line, key path)``."""

Origin = Callable[[str, str, Any, Any, str], InputError]
"""Makes an :class:`InputError` at a key of the criteria file:
``(what, hint, container, key, keypath)``, the key path relative to the indicator."""


@dataclass(frozen=True)
class Source:
    """Where an indicator's value comes from: a column or a derivation.

    ``blame`` locates the criteria keys (``scale``, ``years``) that can make an
    otherwise sound value unusable, so that evaluation names them, not a town.
    """

    kind: str
    operands: Mapping[str, Source | float] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    scale: float = 1.0
    blame: Mapping[str, Place] = field(default_factory=dict, compare=False, repr=False)

    def fault(self, key: str, what: str, hint: str) -> InputError:
        """An error located at ``key`` (``scale``, ``years``) of this source's criteria entry."""
        file, row, column = self.blame[key]
        return InputError(what, hint, file=file, row=row, column=column)

    def columns(self) -> Iterator[str]:
        """Every candidate-table column this source reads."""
        if self.kind == "column":
            yield self.params["name"]
        for operand in self.operands.values():
            if isinstance(operand, Source):
                yield from operand.columns()

    def describe(self) -> str:
        """A short formula such as ``ratio(revenue, expenditure) × 100``."""
        if self.kind == "column":
            text = str(self.params["name"])
        else:
            parts = [_describe(v) for v in self.operands.values()]
            parts += [f"{k}={v}" for k, v in self.params.items()]
            text = f"{self.kind}({', '.join(parts)})"
        return text if self.scale == 1 else f"{text} × {self.scale:g}"


def _describe(operand: Source | float) -> str:
    return operand.describe() if isinstance(operand, Source) else f"{operand:g}"


@dataclass(frozen=True)
class Derivation:
    """One kind of derivation: its operand names, other parameters and formula."""

    operands: tuple[str, ...]
    params: Mapping[str, type | tuple[str, ...]]
    compute: Callable[..., np.ndarray]
    denominator: str | None = None  # operand that must not be zero
    formula: str = ""


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return numerator / denominator


def _growth(start: np.ndarray, end: np.ndarray, years: float) -> np.ndarray:
    return np.power(end / start, 1.0 / years) - 1.0


def _gap(value: np.ndarray, target: float, sense: str) -> np.ndarray:
    shortfall = target - value if sense == "max" else value - target
    return np.maximum(0.0, shortfall) / target


DERIVATIONS: dict[str, Derivation] = {
    "ratio": Derivation(("numerator", "denominator"), {}, _ratio, "denominator", "a ÷ b"),
    "share": Derivation(
        ("part", "whole"), {}, lambda part, whole: part / whole, "whole", "part ÷ whole"
    ),
    "growth": Derivation(
        ("start", "end"), {"years": float}, _growth, "start", "(end ÷ start)^(1/years) − 1"
    ),
    "gap": Derivation(
        ("value",),
        {"target": float, "sense": ("max", "min")},
        _gap,
        None,
        "max(0, target − x) ÷ target, or max(0, x − target) ÷ target when less is better",
    ),
}
"""Registry of derivation kinds; ``column`` is the plain case and not listed."""

SOURCE_KINDS = ("column", *DERIVATIONS)


MAX_NESTING = 8
"""Deepest nesting of derivations in one source (``ratio`` of a ``share`` of …)."""

SMALLEST_DIVISOR = 1e-300
"""A constant divisor smaller than this (in size) is treated as zero: 1 ÷ 1e-320 overflows."""


def parse_source(spec: Mapping[str, Any], *, where: Callable[[str, str], InputError],
                 depth: int = 0, origin: Origin | None = None, path: str = "") -> Source:
    """Build a :class:`Source` from a mapping holding exactly one source kind.

    ``where(what, hint)`` makes an :class:`InputError` located at the
    indicator in the criteria file.  Numbers follow the grammar of
    :mod:`evalkit.io.numbers`; every constant must be finite, a constant
    divisor not (nearly) zero, and a derivation must read at least one column.
    ``origin`` (with ``path``, the key path of ``spec`` within the indicator)
    locates ``scale`` and ``growth.years`` for the errors evaluation may find
    in them (:attr:`Source.blame`).
    """
    if depth > MAX_NESTING:
        raise where(f"derivations are nested more than {MAX_NESTING} deep",
                    "write the derivation in fewer steps, or add a column holding the value")
    kinds = [k for k in SOURCE_KINDS if k in spec]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        raise where(
            f"needs exactly one value source ({'|'.join(SOURCE_KINDS)}), found {found}",
            "give a column name or one derivation",
        )
    kind = kinds[0]
    scale = as_number(spec.get("scale", 1.0))
    if scale is None or scale == 0:
        raise where(f"scale must be a non-zero number, got {spec.get('scale')!r}",
                    "write e.g. scale: 100")
    body = spec[kind]
    if kind == "column":
        if not isinstance(body, str) or not body:
            raise where(f"column must be a column name, got {body!r}", "write e.g. column: gdp_2022")
        return Source("column", {}, {"name": body}, float(scale),
                      _blame(origin, spec, path, kind, {}))
    derivation = DERIVATIONS[kind]
    if not isinstance(body, Mapping):
        wanted = ", ".join((*derivation.operands, *derivation.params))
        raise where(f"{kind} needs a mapping with {wanted}", f"write e.g. {kind}: {{...}}")
    allowed = set(derivation.operands) | set(derivation.params)
    for key in body:
        if key not in allowed:
            raise where(
                f"{kind} has no parameter {key!r}", f"use {', '.join(sorted(allowed))}"
            )
    operands: dict[str, Source | float] = {}
    for operand in derivation.operands:
        if operand not in body:
            raise where(f"{kind} is missing {operand!r}", f"add {operand}: <column or number>")
        operands[operand] = _parse_operand(body[operand], f"{kind}.{operand}", where, depth,
                                           origin, _join(path, kind, operand))
    if not any(isinstance(o, Source) for o in operands.values()):
        raise where(f"{kind} reads no column: every operand is a number",
                    "name a column of the candidate table in one operand")
    # A constant denominator is the criteria file's mistake: report it here, at its line.
    constant = operands.get(derivation.denominator or "")
    if isinstance(constant, float):
        if kind == "growth" and constant <= 0:
            raise where(f"{kind}.{derivation.denominator} must be positive, got {constant:g}",
                        "use a positive number or a column")
        if abs(constant) < SMALLEST_DIVISOR:
            raise where(f"{kind}.{derivation.denominator} must not be 0"
                        + ("" if constant == 0 else f" (got {constant:g}, too close to it)"),
                        "use a non-zero number or a column")
    params: dict[str, Any] = {}
    for name, expected in derivation.params.items():
        if name not in body:
            raise where(f"{kind} is missing {name!r}", f"add {name}: ...")
        value = body[name]
        if isinstance(expected, tuple):
            if not isinstance(value, str) or value not in expected:
                raise where(
                    f"{kind}.{name} must be one of {', '.join(expected)}, got {value!r}",
                    f"write {name}: {expected[0]}",
                )
            params[name] = value
            continue
        number = as_number(value)
        if number is None:
            raise where(f"{kind}.{name} must be a number, got {value!r}",
                        f"write {name}: <number>")
        if number <= 0:
            raise where(f"{kind}.{name} must be positive, got {value!r}", "use a positive number")
        params[name] = number
    return Source(kind, operands, params, float(scale), _blame(origin, spec, path, kind, body))


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def _blame(origin: Origin | None, spec: Mapping[str, Any], path: str, kind: str,
           body: Any) -> dict[str, Place]:
    """Where the keys evaluation may blame are: ``scale`` if given, ``years`` of a growth."""
    if origin is None:
        return {}

    def place(container: Any, key: str, keypath: str) -> Place:
        located = origin("", "", container, key, keypath)
        file = None if located.file is None else str(located.file)
        return file, located.row, located.column

    blame: dict[str, Place] = {}
    if "scale" in spec:
        blame["scale"] = place(spec, "scale", _join(path, "scale"))
    if kind == "growth":
        blame["years"] = place(body, "years", _join(path, kind, "years"))
    return blame


def _parse_operand(value: Any, name: str, where: Callable[[str, str], InputError],
                   depth: int, origin: Origin | None = None, path: str = "") -> Source | float:
    if isinstance(value, str) and value and parse_number(value) is None:
        return Source("column", {}, {"name": value})
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        number = as_number(value)
        if number is None:
            raise where(f"{name} must be finite, got {value!r}", "use a number")
        return number
    if isinstance(value, Mapping):
        return parse_source(value, where=where, depth=depth + 1, origin=origin, path=path)
    raise where(
        f"{name} must be a column name, a number or a derivation, got {value!r}",
        "write a column name such as gdp_2022",
    )


def evaluate_source(source: Source, table: CandidateTable, indicator: str,
                    signed: AbstractSet[str] = frozenset()) -> np.ndarray:
    """Compute a source for every candidate; errors name the row and column.

    Columns in ``signed`` (the criteria set's ``signed_columns``) may hold
    negative values; every other column must be non-negative.
    """
    if source.kind == "column":
        column = source.params["name"]
        values = table.numeric(column, signed=column in signed)
    else:
        derivation = DERIVATIONS[source.kind]
        args = {
            name: _operand_values(operand, table, indicator, signed)
            for name, operand in source.operands.items()
        }
        if derivation.denominator is not None:
            _check_nonzero(source, derivation.denominator, args, table, indicator)
        with np.errstate(all="ignore"):
            values = derivation.compute(**args, **source.params)
        if source.kind == "growth" and "years" in source.blame:
            _check_growth_years(values, args, source, table, indicator)
        _check_finite(values, source, table, indicator)
    if source.scale == 1:
        return values
    with np.errstate(all="ignore"):
        scaled = values * source.scale
    if "scale" in source.blame:
        _check_scaled(values, scaled, source, table, indicator)
    return scaled


def _check_growth_years(values: np.ndarray, args: Mapping[str, Any], source: Source,
                        table: CandidateTable, indicator: str) -> None:
    """A growth that overflows although end ÷ start is a sound number: ``years`` is the fault."""
    with np.errstate(all="ignore"):
        ratio = np.broadcast_to(np.asarray(args["end"], dtype=float)
                                / np.asarray(args["start"], dtype=float), np.shape(values))
    sound = np.isfinite(ratio) & (ratio > 0) & (ratio != 1)
    years = source.params["years"]
    for bad, what in ((np.flatnonzero(sound & ~np.isfinite(values)), "is beyond the largest number"),
                      (np.flatnonzero(sound & (values == 0)), "rounds to 0")):
        if bad.size:
            i = int(bad[0])
            raise source.fault(
                "years", f"growth over {years:g} years {what} for town {table.ids[i]} (indicator "
                f"{indicator!r}: end ÷ start = {ratio[i]:g}, to the power 1/{years:g})",
                "give the years between start and end, e.g. years: 3")


def _check_scaled(values: np.ndarray, scaled: np.ndarray, source: Source,
                  table: CandidateTable, indicator: str) -> None:
    """``scale`` must not take a sound value beyond the largest number, nor to (nearly) zero.

    A value scaled below the smallest normal number (about 2.2e-308) keeps few
    or no digits: towns that differ would tie, so it is refused, not ranked.
    """
    values = np.broadcast_to(values, np.shape(scaled))
    over = np.flatnonzero(~np.isfinite(scaled) & np.isfinite(values))
    under = np.flatnonzero((values != 0) & (np.abs(scaled) < np.finfo(float).tiny))
    for bad, what, hint in (
            (over, "beyond the largest number", "use a smaller scale, e.g. scale: 100"),
            (under, "too close to zero to compute with",
             "use a larger scale, e.g. scale: 100 (or leave it out)")):
        if bad.size:
            i = int(bad[0])
            raise source.fault(
                "scale", f"scale {source.scale:g} takes indicator {indicator!r} {what} (town "
                f"{table.ids[i]}: {values[i]:g} × {source.scale:g})", hint)


def _operand_values(operand: Source | float, table: CandidateTable, indicator: str,
                    signed: AbstractSet[str]) -> Any:
    if isinstance(operand, Source):
        return evaluate_source(operand, table, indicator, signed)
    return operand


def _check_nonzero(
    source: Source, name: str, args: Mapping[str, Any], table: CandidateTable, indicator: str
) -> None:
    values = np.broadcast_to(np.asarray(args[name], dtype=float), (len(table),))
    bad = np.flatnonzero(values == 0) if source.kind != "growth" else np.flatnonzero(values <= 0)
    if bad.size == 0:
        return
    i = int(bad[0])
    operand = source.operands[name]
    column = operand.params["name"] if isinstance(operand, Source) and operand.kind == "column" else None
    what = "zero denominator" if source.kind != "growth" else "growth needs a positive start value"
    raise InputError(
        f"{what} in {source.kind} for indicator {indicator!r} "
        f"(town {table.ids[i]}, value {values[i]:g})",
        "correct the value, or drop the town or the indicator",
        file=table.path,
        row=table.rows[i],
        column=column,
    )


def _check_finite(values: np.ndarray, source: Source, table: CandidateTable, indicator: str) -> None:
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"indicator {indicator!r} is not a finite number for town {table.ids[i]} "
            f"({source.describe()})",
            "check the raw values it is computed from",
            file=table.path,
            row=table.rows[i],
        )


def values_or_nan(source: Source, column: Callable[[str], np.ndarray], n: int) -> np.ndarray:
    """Evaluate a source for ``n`` towns leniently: NaN where a value cannot be computed.

    ``column(name)`` gives a column's values (NaN for a missing or unreadable
    cell).  Used where a town without a value is reported rather than
    refused: the standards screens and the plan's targets.
    """
    if source.kind == "column":
        values = np.asarray(column(source.params["name"]), dtype=float)
    else:
        args = {name: values_or_nan(operand, column, n) if isinstance(operand, Source) else operand
                for name, operand in source.operands.items()}
        with np.errstate(all="ignore"):
            values = np.asarray(DERIVATIONS[source.kind].compute(**args, **source.params),
                                dtype=float)
        values = np.where(np.isfinite(values), values, np.nan)
    return np.broadcast_to(values * source.scale, (n,)).astype(float)
