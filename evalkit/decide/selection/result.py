"""What a selection found: the chosen towns, every limit's use, the financing, the explanations.

Plain result objects; ``SelectionResult.to_dict()`` is the JSON contract of
``evalkit select --format json``.  Each object below has the fields its JSON
form has; :class:`SelectionResult` documents the keys added by issue 14
(``as_of``, ``timing``, ``ties``, ``tolerances``, ``phasing``, ``reserve``,
``affordability``, ``why_not_summary``, ``notes``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evalkit.decide.scenario import Scenario
from evalkit.errors import InfeasibleError

if TYPE_CHECKING:
    import pandas as pd

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
    """A chosen town, its conversion year (``None`` without phasing) and its costs (亿元);
    ``before_as_of`` marks a conversion year before the as-of date (allowed by the
    scenario's ``before_as_of: flag``)."""

    id: str
    name: str
    year: int | None
    closeness: float
    cost: float
    costs: Mapping[str, float]
    talent_need: float
    before_as_of: bool = False


@dataclass(frozen=True)
class ConstraintUse:
    """One limit: how much the chosen towns use, the limit, and the slack (limit − used).

    ``key`` is the scenario key the limit comes from, ``year`` its budget year (annual
    rows).  Names: ``count``, ``group.<g>``, ``budget.<category>``, ``budget.total``,
    ``budget.year.<t>``, ``budget.<category>.year.<t>``, ``talent``, ``talent.by.<t>``
    (recruits needed by the end of year t against those that can be hired by then),
    ``source.<s>``, ``source.<s>.year.<t>``, ``reserve`` (held back from the sources:
    ``used`` is what is held, ``limit`` what must be), ``debt`` and ``recurring.<t>``
    (running costs against retained revenue plus the city's support).  For ``reserve``
    the row is a floor (``sense`` ``>=``): the slack is used − limit.
    """

    name: str
    used: float
    limit: float
    unit: str
    sense: str = "<="
    key: str = ""
    year: int | None = None

    @property
    def slack(self) -> float:
        return self.used - self.limit if self.sense == ">=" else self.limit - self.used

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
    """Why a town is not chosen: its best portfolio and the objective lost, or what rules it out.

    ``method`` says how it was found: ``re-solve`` (the best answer with the town
    forced in), ``bound`` (the LP bound only: the objective lost is at least
    ``loss_bound``), ``screen``/``rule`` (ruled out before optimising), ``not run`` (the
    time limit was reached).
    """

    id: str
    best_portfolio: tuple[str, ...] | None
    objective_loss: float | None
    reason: str
    status: str | None = None
    method: str = "re-solve"
    loss_bound: float | None = None


@dataclass(frozen=True)
class WhyNotSummary:
    """Which unchosen towns were explained one by one, and a bound for the others.

    ``explained`` towns have a :class:`WhyNot` of their own: by default the
    strongest unchosen eligible towns (``limit`` of them) and the towns named;
    each other eligible town would lower the objective by at least
    ``min_loss_bound`` (from the LP relaxation; None when not computed).
    """

    explained: int
    not_explained: int
    limit: int
    named: tuple[str, ...] = ()
    min_loss_bound: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"explained": self.explained, "not_explained": self.not_explained,
                "limit": self.limit, "named": list(self.named),
                "min_loss_bound": self.min_loss_bound}


@dataclass(frozen=True)
class Tie:
    """Another answer that reaches the best objective within the tie band.

    ``kind``: ``set`` (other towns) or ``schedule`` (the same towns, other years).
    ``decided_by_rule``: the timing rule (a second-stage rule) prefers the answer shown;
    False means nothing in the scenario decides between the two.  ``timing`` is the
    rule's criterion of this answer.
    """

    selected: tuple[str, ...]
    years: Mapping[str, int | None]
    objective: float
    kind: str
    decided_by_rule: bool
    timing: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"selected": list(self.selected), "years": dict(self.years),
                "objective": self.objective, "kind": self.kind,
                "decided_by_rule": self.decided_by_rule, "timing": self.timing}


@dataclass(frozen=True)
class PhasingYear:
    """One budget year of the answer: what is spent (亿元) by category and by source, the
    recruits needed that year and by its end, the towns converting, and whether the
    year is before the as-of date."""

    year: int
    spending: Mapping[str, float]
    by_source: Mapping[str, float]
    total: float
    talent: float
    talent_by: float
    converting: tuple[str, ...]
    before_as_of: bool

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "spending": dict(self.spending),
                "by_source": dict(self.by_source), "total": self.total, "talent": self.talent,
                "talent_by": self.talent_by, "converting": list(self.converting),
                "before_as_of": self.before_as_of}


@dataclass(frozen=True)
class ReserveHeld:
    """The risk reserve as the plan means it: held back from the money available and from
    the funding sources.

    ``amount`` is what must be held (亿元): the fixed amount, or ``rate`` × the total
    (``basis`` ``total``) or × the chosen towns' investment (``basis`` ``investment``);
    ``held`` what each source keeps back; ``sources_capacity`` − ``spent`` − Σ held =
    ``unallocated``.  ``plan`` is the plan figure followed ({id, value, section}) or None.
    """

    amount: float
    basis: str
    rate: float | None
    held: Mapping[str, float]
    sources_capacity: float
    spent: float
    unallocated: float
    plan: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "basis": self.basis, "rate": self.rate,
                "held": dict(self.held), "sources_capacity": self.sources_capacity,
                "spent": self.spent, "unallocated": self.unallocated,
                "plan": None if self.plan is None else dict(self.plan)}


@dataclass(frozen=True)
class AffordabilityYear:
    """Running costs of the towns converted by ``year`` against the revenue they keep.

    ``margin`` = retained + support − recurring (negative: short); ``enforced``:
    the check is a limit of the selection (``recurring.<year>``), else reported only.
    """

    year: int | None
    recurring: float
    retained: float
    support: float | None
    margin: float
    enforced: bool
    towns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "recurring": self.recurring, "retained": self.retained,
                "support": self.support, "margin": self.margin, "enforced": self.enforced,
                "towns": list(self.towns)}


@dataclass(frozen=True)
class Alternative:
    """A next-best portfolio (distinct set of towns), its objective and its years;
    ``ties_best``: its objective is within the tie band of the best."""

    selected: tuple[str, ...]
    objective: float
    years: Mapping[str, int | None]
    status: str
    ties_best: bool = False


@dataclass(frozen=True)
class SelectionResult:
    """The chosen towns and everything an approver will ask about them.

    ``status`` is ``"optimal"`` only when the solver proved the answer within
    ``tolerances``; otherwise ``"feasible"`` with ``gap`` the relative distance to
    the best bound (``None`` when unknown).  ``bound`` is that bound.

    Issue 14 added: ``as_of`` (the date the selection is made, ISO), the
    conversion years ``refused`` or ``flagged`` as before it, ``timing`` (the rule
    that values the years, quoted, and the shown answer's criterion), ``ties``
    (every other set or schedule within ``tie_tolerance`` of the objective, up to
    a limit; ``ties_complete`` False when more may exist), ``tolerances`` (the
    solver's optimality tolerances), ``phasing`` (per budget year), ``reserve``
    (:class:`ReserveHeld`), ``affordability`` (per year), ``why_not_summary`` and
    ``notes`` (what was skipped or bounded, in words).
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
    bound: float | None = None
    as_of: str | None = None
    refused: tuple[int, ...] = ()
    flagged: tuple[int, ...] = ()
    timing: Mapping[str, Any] | None = None
    ties: tuple[Tie, ...] = ()
    ties_complete: bool = True
    tie_tolerance: float = 0.0
    tolerances: Mapping[str, Any] = field(default_factory=dict)
    phasing: tuple[PhasingYear, ...] = ()
    reserve: ReserveHeld | None = None
    affordability: tuple[AffordabilityYear, ...] = ()
    why_not_summary: WhyNotSummary | None = None
    notes: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    """Wall-clock seconds of each stage (model, main, timing, finance, ties, why_not,
    alternatives); measurements, so not in the JSON, which the same inputs keep the same."""

    @property
    def selected_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.selected)

    @property
    def undecided_ties(self) -> tuple[Tie, ...]:
        """Ties nothing in the scenario decides: the answer shown is one of several."""
        return tuple(t for t in self.ties if not t.decided_by_rule)

    def constraint(self, name: str) -> ConstraintUse:
        """The limit called ``name`` (``budget.total``, ``source.grants`` …)."""
        for row in self.constraints:
            if row.name == name:
                return row
        raise KeyError(name)

    def to_frame(self) -> pd.DataFrame:
        """The chosen towns, one row each in the order shown: id (the index), name, year,
        closeness, cost and each category's cost (亿元), talent need, before_as_of."""
        import pandas as pd

        rows = [{"id": t.id, "name": t.name, "year": t.year, "closeness": t.closeness,
                 "cost": t.cost, **{f"cost_{k}": v for k, v in t.costs.items()},
                 "talent_need": t.talent_need, "before_as_of": t.before_as_of}
                for t in self.selected]
        columns = ["id", "name", "year", "closeness", "cost",
                   *dict.fromkeys(f"cost_{k}" for t in self.selected for k in t.costs),
                   "talent_need", "before_as_of"]
        return pd.DataFrame(rows, columns=columns).set_index("id")

    def constraints_frame(self) -> pd.DataFrame:
        """Every limit: name (the index), used, limit, slack, unit, sense, binding, key,
        year."""
        import pandas as pd

        return pd.DataFrame(
            [{"name": c.name, "used": c.used, "limit": c.limit, "slack": c.slack, "unit": c.unit,
              "sense": c.sense, "binding": c.binding, "key": c.key, "year": c.year}
             for c in self.constraints],
            columns=["name", "used", "limit", "slack", "unit", "sense", "binding", "key",
                     "year"]).set_index("name")

    def financing_frame(self) -> pd.DataFrame:
        """Who pays what: town, source, year, amount (亿元), one row per flow."""
        import pandas as pd

        return pd.DataFrame([{"town": f.town, "source": f.source, "year": f.year,
                              "amount": f.amount} for f in self.financing],
                            columns=["town", "source", "year", "amount"])

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of issue 4, and the keys added since.

        Extra keys beyond the contract: ``objective_name``, ``solver``,
        ``risk_reserve`` (亿元 set aside), ``financing_by_category`` (programme
        totals per town, category and source); in rows, a constraint's
        ``unit``, ``sense``, ``binding``, ``key`` and ``year``, a selected town's
        ``costs``, ``talent_need`` and ``before_as_of``, an exclusion's
        ``reason_zh``, a why-not ``reason``, ``status``, ``method`` and
        ``loss_bound``, an alternative's ``years``, ``status`` and ``ties_best``;
        and (issue 14) ``bound``, ``as_of``, ``before_as_of``, ``timing``, ``ties``,
        ``ties_complete``, ``tie_tolerance``, ``tolerances``, ``phasing``,
        ``reserve``, ``affordability``, ``why_not_summary``, ``notes``.
        """
        return {
            "status": self.status,
            "objective": self.objective,
            "gap": self.gap,
            "selected": [
                {"id": t.id, "name": t.name, "year": t.year, "closeness": t.closeness,
                 "cost": t.cost, "costs": dict(t.costs), "talent_need": t.talent_need,
                 "before_as_of": t.before_as_of}
                for t in self.selected
            ],
            "constraints": [
                {"name": c.name, "used": c.used, "limit": c.limit, "slack": c.slack,
                 "unit": c.unit, "sense": c.sense, "binding": c.binding, "key": c.key,
                 "year": c.year}
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
                 "objective_loss": w.objective_loss, "reason": w.reason, "status": w.status,
                 "method": w.method, "loss_bound": w.loss_bound}
                for w in self.why_not
            ],
            "alternatives": [
                {"selected": list(a.selected), "objective": a.objective, "years": dict(a.years),
                 "status": a.status, "ties_best": a.ties_best}
                for a in self.alternatives
            ],
            "financing_by_category": [
                {"town": f.town, "category": f.category, "source": f.source, "amount": f.amount}
                for f in self.financing_by_category
            ],
            "objective_name": self.objective_name,
            "solver": self.solver,
            "risk_reserve": self.risk_reserve,
            "bound": self.bound,
            "as_of": self.as_of,
            "before_as_of": {"refused": list(self.refused), "flagged": list(self.flagged)},
            "timing": None if self.timing is None else dict(self.timing),
            "ties": [t.to_dict() for t in self.ties],
            "ties_complete": self.ties_complete,
            "tie_tolerance": self.tie_tolerance,
            "tolerances": dict(self.tolerances),
            "phasing": [y.to_dict() for y in self.phasing],
            "reserve": None if self.reserve is None else self.reserve.to_dict(),
            "affordability": [a.to_dict() for a in self.affordability],
            "why_not_summary": (None if self.why_not_summary is None
                                else self.why_not_summary.to_dict()),
            "notes": list(self.notes),
        }


def fmt_amount(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"
