"""The change plan checked against the selection and the towns' data.

The plan's ``towns:`` field names the towns it covers (ids or names, Chinese
or English); :func:`check_plan` resolves them against the candidate table and
says what disagrees: towns it cannot find, towns the selection chose that the
plan leaves out (or the reverse), and a stated population or area that is not
the sum of the listed towns' data (rounded as the plan states it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evalkit.decide.dossier.narrative import plan_towns


@dataclass(frozen=True)
class PlanCheck:
    """What the change plan says against what the selection and the data give."""

    listed: tuple[str, ...]
    """The town ids the plan's ``towns:`` field names, in its order."""
    unknown: tuple[str, ...]
    """Names in ``towns:`` that are no candidate town."""
    selected: tuple[str, ...]
    """The town ids the selection chose (empty when there is no selection)."""
    population: float | None
    """The listed towns' population from the data (万人), ``None`` if unknown."""
    area: float | None
    """The listed towns' area from the data (km²), ``None`` if unknown."""
    stated_population: float | None
    stated_area: float | None
    population_step: float = 0.1
    """The last digit's unit of the stated population (its rounding)."""
    area_step: float = 0.1

    @property
    def towns_differ(self) -> bool:
        return bool(self.selected) and set(self.listed) != set(self.selected)

    @property
    def population_differs(self) -> bool:
        return _differs(self.stated_population, self.population, self.population_step)

    @property
    def area_differs(self) -> bool:
        return _differs(self.stated_area, self.area, self.area_step)


def _number(text: str | None) -> float | None:
    try:
        return float(str(text).replace(",", "")) if text else None
    except ValueError:
        return None


def _step(text: str | None) -> float:
    """The unit of the last digit written: 0.1 for ``31.2``, 1 for ``335``."""
    _, dot, frac = str(text or "").strip().partition(".")
    return 10.0 ** -len(frac) if dot else 1.0


def _differs(stated: float | None, data: float | None, step: float) -> bool:
    # The plan states a rounded figure: it agrees when it is the data's sum rounded to
    # the plan's own decimals (half a unit of the last digit either way).
    if stated is None or data is None:
        return False
    return abs(stated - data) > step / 2 + 1e-9


def check_plan(fields: Mapping[str, str], ids: Sequence[str], names: Sequence[str],
               names_en: Sequence[str], selected: Sequence[str],
               population: Mapping[str, float] | None = None,
               area: Mapping[str, float] | None = None) -> PlanCheck:
    """Resolve the plan's towns and compare them, and its figures, with the selection and data."""
    lookup: dict[str, str] = {}
    for i, town in enumerate(ids):
        for key in (town, names[i], names_en[i] if i < len(names_en) else ""):
            if key:
                lookup[key.casefold()] = town
    listed: list[str] = []
    unknown: list[str] = []
    for token in plan_towns(fields.get("towns", "")):
        found = lookup.get(token.casefold())
        if found is None:
            unknown.append(token)
        elif found not in listed:
            listed.append(found)

    def total(values: Mapping[str, float] | None) -> float | None:
        if not listed or values is None or any(t not in values for t in listed):
            return None
        return float(sum(values[t] for t in listed))

    return PlanCheck(tuple(listed), tuple(unknown), tuple(selected), total(population),
                     total(area), _number(fields.get("population")), _number(fields.get("area")),
                     _step(fields.get("population")), _step(fields.get("area")))
