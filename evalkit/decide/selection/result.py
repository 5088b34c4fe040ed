"""What a selection found: the chosen towns, every limit's use, the financing, the explanations.

Plain result objects; ``SelectionResult.to_dict()`` is the JSON contract of
``evalkit select --format json``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evalkit.decide.scenario import Scenario
from evalkit.errors import InfeasibleError

TOL = 1e-6
"""Feasibility tolerance when reading a solution back."""
TOWNS, MONEY, PERSONS = "towns", "亿元", "persons"
"""The units of the limits."""



@dataclass(frozen=True)
class Relaxation:
    """How far one limit must move for the scenario to become feasible."""

    limit: str
    key: str
    unit: str
    current: float
    needed: float

    @property
    def amount(self) -> float:
        return abs(self.needed - self.current)

    def describe(self) -> str:
        """``budget.total needs 12.5 亿元 more (171 → 183.5)``."""
        amount = fmt_amount(self.amount)
        unit = self.unit[:-1] if self.unit in (TOWNS, PERSONS) and self.amount == 1 else self.unit
        word = "more" if self.needed > self.current else (
            "fewer" if self.unit in (TOWNS, PERSONS) else "less")
        return (f"{self.limit} needs {amount} {unit} {word} "
                f"({fmt_amount(self.current)} → {fmt_amount(self.needed)})")


@dataclass(eq=False)
class SelectionInfeasible(InfeasibleError):
    """No set of towns meets every limit; ``relaxations`` says what would have to give."""

    relaxations: tuple[Relaxation, ...] = ()


@dataclass(frozen=True)
class SelectedTown:
    """A chosen town, its conversion year (``None`` without phasing) and its costs (亿元)."""

    id: str
    name: str
    year: int | None
    closeness: float
    cost: float
    costs: Mapping[str, float]
    talent_need: float


@dataclass(frozen=True)
class ConstraintUse:
    """One limit: how much the chosen towns use, the limit, and the slack (limit − used)."""

    name: str
    used: float
    limit: float
    unit: str
    sense: str = "<="

    @property
    def slack(self) -> float:
        return self.limit - self.used

    @property
    def binding(self) -> bool:
        return abs(self.slack) <= TOL * max(1.0, abs(self.limit))


@dataclass(frozen=True)
class Financing:
    """亿元 paid by one source for one town in one year (its spread share of the total)."""

    town: str
    source: str
    year: int | None
    amount: float


@dataclass(frozen=True)
class CategoryFinancing:
    """Programme total paid by one source for one town's costs in one category."""

    town: str
    category: str
    source: str
    amount: float


@dataclass(frozen=True)
class Exclusion:
    """A town ruled out before optimising: a failed screen or ``must_exclude``."""

    id: str
    reason: str
    reason_zh: str = ""


@dataclass(frozen=True)
class WhyNot:
    """Why a town is not chosen: its best portfolio and the objective lost, or what rules it out."""

    id: str
    best_portfolio: tuple[str, ...] | None
    objective_loss: float | None
    reason: str
    status: str | None = None


@dataclass(frozen=True)
class Alternative:
    """A next-best portfolio (distinct set of towns), its objective and its years."""

    selected: tuple[str, ...]
    objective: float
    years: Mapping[str, int | None]
    status: str


@dataclass(frozen=True)
class SelectionResult:
    """The chosen towns and everything an approver will ask about them.

    ``status`` is ``"optimal"`` only when the solver proved it; otherwise
    ``"feasible"`` with ``gap`` the relative distance to the solver's best
    bound (``None`` when unknown).
    """

    status: str
    objective: float
    gap: float | None
    objective_name: str
    solver: str
    selected: tuple[SelectedTown, ...]
    constraints: tuple[ConstraintUse, ...]
    financing: tuple[Financing, ...]
    excluded: tuple[Exclusion, ...]
    why_not: tuple[WhyNot, ...]
    alternatives: tuple[Alternative, ...]
    financing_by_category: tuple[CategoryFinancing, ...] = ()
    risk_reserve: float | None = None
    scenario: Scenario | None = field(default=None, compare=False, repr=False)
    """The scenario the selection was made under (its labels, limits and files)."""

    @property
    def selected_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.selected)

    def constraint(self, name: str) -> ConstraintUse:
        """The limit called ``name`` (``budget.total``, ``source.grants`` …)."""
        for row in self.constraints:
            if row.name == name:
                return row
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of issue 4.

        Extra keys beyond the contract: ``objective_name``, ``solver``,
        ``risk_reserve`` (亿元 set aside), ``financing_by_category`` (programme
        totals per town, category and source); in rows, a constraint's
        ``unit``, ``sense`` and ``binding``, a selected town's ``costs`` and
        ``talent_need``, an exclusion's ``reason_zh``, a why-not ``reason`` and
        the ``status`` of the re-solve behind it, an alternative's ``years``
        and ``status``.
        """
        return {
            "status": self.status,
            "objective": self.objective,
            "gap": self.gap,
            "selected": [
                {"id": t.id, "name": t.name, "year": t.year, "closeness": t.closeness,
                 "cost": t.cost, "costs": dict(t.costs), "talent_need": t.talent_need}
                for t in self.selected
            ],
            "constraints": [
                {"name": c.name, "used": c.used, "limit": c.limit, "slack": c.slack,
                 "unit": c.unit, "sense": c.sense, "binding": c.binding}
                for c in self.constraints
            ],
            "financing": [
                {"town": f.town, "source": f.source, "year": f.year, "amount": f.amount}
                for f in self.financing
            ],
            "excluded": [
                {"id": e.id, "reason": e.reason, "reason_zh": e.reason_zh} for e in self.excluded
            ],
            "why_not": [
                {"id": w.id,
                 "best_portfolio": None if w.best_portfolio is None else list(w.best_portfolio),
                 "objective_loss": w.objective_loss, "reason": w.reason, "status": w.status}
                for w in self.why_not
            ],
            "alternatives": [
                {"selected": list(a.selected), "objective": a.objective, "years": dict(a.years),
                 "status": a.status}
                for a in self.alternatives
            ],
            "financing_by_category": [
                {"town": f.town, "category": f.category, "source": f.source, "amount": f.amount}
                for f in self.financing_by_category
            ],
            "objective_name": self.objective_name,
            "solver": self.solver,
            "risk_reserve": self.risk_reserve,
        }


def fmt_amount(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"
