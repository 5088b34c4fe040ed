r"""Choosing which towns to convert: a 0-1 program solved with CBC (or HiGHS) via PuLP.

This is the only module that imports :mod:`pulp`.  Everything it needs comes
in as a :class:`SelectionInput` (ids, closeness, costs, talent gaps and the
raw table for the screens) and a :class:`~evalkit.scenario.Scenario`.

The model
---------
Sets
    towns *i* that are eligible (not screened out, not in ``must_exclude``);
    cost categories *k*; funding sources *s*, with :math:`S_k` the sources
    allowed to fund *k*; budget years *t*; conversion years *y* (``convert_in``);
    spread shares :math:`p_0, …, p_m` with :math:`Σ p_j = 1`.
Data
    closeness :math:`C_i`; cost :math:`a_{ik}` (亿元) and :math:`A_i = Σ_k a_{ik}`;
    talent gap :math:`g_i`; category budgets :math:`B_k`; total :math:`B` with
    risk-reserve rate *r*; annual limits :math:`B_t`; source capacities
    :math:`F_s`; talent capacity *R*; the number of towns *K*.
Variables
    :math:`x_{iy} ∈ \{0, 1\}`: town *i* is converted in year *y* (without phasing,
    one :math:`x_i` per town); :math:`z_i = Σ_y x_{iy}`: town *i* is chosen;
    :math:`f_{iks} ≥ 0`: 亿元 of town *i*'s *k* cost paid by source :math:`s ∈ S_k`.
Constraints (each is named in the output as shown)
    ============== ====================================================
    one year       :math:`Σ_y x_{iy} ≤ 1`
    count          :math:`Σ_i z_i = K` (``exactly``) or :math:`≤ K` (``at_most``)
    group.<g>      :math:`Σ_{i∈G} z_i ≤ 1` for each ``at_most_one_of`` group
    budget.<k>     :math:`Σ_i a_{ik} z_i ≤ B_k`
    budget.total   :math:`Σ_i A_i z_i ≤ (1 − r) B` (the reserve is set aside)
    budget.year.<t> :math:`Σ_i Σ_y p_{t−y} A_i x_{iy} ≤ B_t`
    talent         :math:`Σ_i g_i z_i ≤ R`
    source.<s>     :math:`Σ_i Σ_k f_{iks} ≤ F_s`
    financing      :math:`Σ_{s∈S_k} f_{iks} = a_{ik} z_i` for every *i*, *k*
    must include   :math:`z_i = 1`
    ============== ====================================================
Objective (registry :data:`~evalkit.scenario.OBJECTIVES`)
    ``closeness`` (default): :math:`\max Σ_i C_i z_i`.
    ``closeness_minus_cost``: :math:`\max Σ_i (C_i − λ A_i) z_i`, λ given.
    ``closeness_per_cost``: :math:`\max Σ C_i z_i / Σ A_i z_i` subject to
    :math:`Σ z_i ≥ 1`, solved exactly (not linearised) by Dinkelbach's method:
    with :math:`λ_0 = \min_i C_i / A_i`, a lower bound on every portfolio's
    ratio, solve :math:`F(λ) = \max Σ (C_i − λ A_i) z_i`, set λ to the ratio of
    the answer and repeat until :math:`F(λ) = 0`; each step is a linear 0-1
    program over the same constraints and λ rises strictly to the optimum.

Ties are broken in a second, small solve over the chosen towns only: towns
with higher closeness are converted as early as the annual limits allow
(minimise :math:`Σ C_i · \text{index}(y) x_{iy}`) and sources are drawn in
the order the scenario lists them (minimise :math:`Σ \text{rank}(s) f_{iks}`).
Neither changes the chosen set or the objective.

Explanations
    every limit's use, limit and slack (limit − used, from the chosen towns);
    the financing plan, each town's source amounts spread over its years by
    the spread profile; for every town not chosen the best portfolio that
    includes it and the objective lost (a re-solve with :math:`z_i = 1`), or
    the screen or limit that rules it out; the next-best portfolios, found
    with no-good cuts :math:`Σ_{i∈S}(1 − z_i) + Σ_{i∉S} z_i ≥ 1`.
Infeasibility
    an elastic copy of the model gives every limit but the groups a slack
    :math:`e_c ≥ 0` (both ways for ``exactly``) and minimises
    :math:`Σ_c e_c / \max(1, limit_c)`, the total relative loosening, with a
    weight so heavy on ``count`` that the number of towns gives way only when
    no amount of money or talent would do; the limits with :math:`e_c > 0`
    and their amounts (rounded up) are raised as :class:`SelectionInfeasible`.
Status
    ``optimal`` only when PuLP's status is Optimal *and* the solution status
    is ``LpSolutionOptimal``; a solution found before the time limit is
    ``feasible`` with its relative gap :math:`|bound − objective| / |objective|`
    from the solver's best bound, or ``None`` when the solver gives none.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pulp

from evalkit.errors import EvalkitError, InfeasibleError, InputError
from evalkit.scenario import OBJECTIVES, Scenario
from evalkit.standards import check_columns, screen

if TYPE_CHECKING:
    from evalkit.evaluate import Evaluation

SOLVERS = ("cbc", "highs")
"""Solvers :func:`select` accepts: CBC (bundled with PuLP) and HiGHS (highspy)."""

_TOL = 1e-6  # feasibility tolerance when reading a solution back
_TOWNS, _MONEY, _PERSONS = "towns", "亿元", "persons"


# --- inputs -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SelectionInput:
    """The towns as the selection model sees them, one array entry per town.

    ``costs`` maps each cost category to each town's cost in it (亿元);
    ``table`` is the raw candidate table indexed by id, read by the screens.
    Arrays are copied and made read-only.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    closeness: np.ndarray
    costs: Mapping[str, np.ndarray]
    talent_need: np.ndarray
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        n = len(self.ids)
        if len(set(self.ids)) != n:
            raise ValueError("town ids must be unique")
        if len(self.names) != n:
            raise ValueError("names and ids differ in length")
        arrays = {"closeness": self.closeness, "talent_need": self.talent_need}
        arrays.update({f"costs[{k}]": v for k, v in self.costs.items()})
        frozen = {}
        for name, values in arrays.items():
            values = np.array(values, dtype=float)
            if values.shape != (n,):
                raise ValueError(f"{name} has shape {values.shape}, expected ({n},)")
            if not np.all(np.isfinite(values)):
                raise ValueError(f"{name} has a value that is not a finite number")
            values.setflags(write=False)
            frozen[name] = values
        object.__setattr__(self, "closeness", frozen["closeness"])
        object.__setattr__(self, "talent_need", frozen["talent_need"])
        object.__setattr__(self, "costs", MappingProxyType(
            {k: frozen[f"costs[{k}]"] for k in self.costs}))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def total_cost(self) -> np.ndarray:
        """Each town's cost over all categories (亿元)."""
        return np.sum(list(self.costs.values()), axis=0) if self.costs else np.zeros(len(self))

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        closeness: Mapping[str, float],
        cost_columns: Scenario | Mapping[str, str],
        *,
        talent_column: str | None = None,
        file: str | os.PathLike[str] | None = None,
    ) -> SelectionInput:
        """Build the input from the candidate table and each town's closeness.

        ``frame`` is indexed by town id (or has an ``id`` column) and may have a
        ``name`` column.  ``cost_columns`` is the scenario (its categories name
        the cost columns, its talent section the talent column) or a mapping
        category → column.  A missing column is an :class:`InputError` naming
        the scenario file and line; a bad cell names the table ``file``.
        """
        if "id" in frame.columns:
            frame = frame.set_index("id")
        frame = frame.copy()
        frame.index = pd.Index([str(i) for i in frame.index], name="id")
        ids = tuple(frame.index)
        names = tuple(str(v) for v in frame["name"]) if "name" in frame.columns else ids
        scenario = cost_columns if isinstance(cost_columns, Scenario) else None
        columns: dict[str, tuple[str, str | None]]
        talent: tuple[str, str | None] | None = None
        if isinstance(cost_columns, Scenario):
            columns = {c.id: (c.column, f"categories.{c.id}.column")
                       for c in cost_columns.categories}
            if cost_columns.talent_column:
                talent = (cost_columns.talent_column, "talent.column")
        else:
            columns = {str(cat): (str(col), None) for cat, col in cost_columns.items()}
        if talent_column is not None:
            talent = (talent_column, None)

        def column_values(column: str, key: str | None, what: str) -> np.ndarray:
            if column not in frame.columns:
                if scenario is not None and key is not None:
                    raise scenario.error(
                        f"{what} column {column!r} is not in the candidate table",
                        "add the column to the table, or name the right column here", key)
                raise InputError(f"missing {what} column {column!r}",
                                 "add it to the candidate table", file=file, row=1, column=column)
            values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
            bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
            if bad.size:
                i = int(bad[0])
                raise InputError(
                    f"{what} of town {ids[i]} is {frame[column].iloc[i]!r}, not a number ≥ 0",
                    "fill in the value (亿元 for costs, persons for talent)",
                    file=file, column=column)
            return values

        costs = {cat: column_values(col, key, f"{cat} cost") for cat, (col, key) in columns.items()}
        need = (column_values(talent[0], talent[1], "talent") if talent
                else np.zeros(len(ids)))
        scores = {str(k): float(v) for k, v in closeness.items()}
        known = set(ids)
        unknown = [t for t in scores if t not in known]
        if unknown:
            raise InputError(f"closeness given for town {unknown[0]!r}, which is not in the table",
                             "rank the same table you select from", file=file)
        missing = [t for t in ids if t not in scores]
        if missing:
            raise InputError(f"no closeness for town {missing[0]!r}",
                             "rank every town of the table before selecting", file=file)
        return cls(ids, names, np.array([scores[t] for t in ids]), costs, need, frame)


# --- results ----------------------------------------------------------------------------


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
        amount = _fmt(self.amount)
        unit = self.unit[:-1] if self.unit in (_TOWNS, _PERSONS) and self.amount == 1 else self.unit
        word = "more" if self.needed > self.current else (
            "fewer" if self.unit in (_TOWNS, _PERSONS) else "less")
        return (f"{self.limit} needs {amount} {unit} {word} "
                f"({_fmt(self.current)} → {_fmt(self.needed)})")


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
        return abs(self.slack) <= _TOL * max(1.0, abs(self.limit))


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


# --- the problem over eligible towns ----------------------------------------------------


@dataclass(frozen=True)
class _Limit:
    """One limit row.  ``kind`` says what it sums: towns (z), a year (x) or a source (f)."""

    name: str
    key: str
    unit: str
    bound: float
    kind: str  # "towns" | "year" | "source"
    coef: np.ndarray | None = None  # per eligible town, kind "towns"
    year: int | None = None
    source: str | None = None
    sense: str = "<="
    elastic: bool = True  # may the infeasibility diagnosis loosen it?
    scale: float = 1.0  # file value = bound × scale (budget.total: the reserve is added back)


@dataclass
class _Problem:
    """The data of one selection over the eligible towns (local index j)."""

    towns: SelectionInput
    scenario: Scenario
    eligible: np.ndarray  # positions in towns of the eligible towns
    count: int | None
    mode: str
    years: tuple[int | None, ...]
    weights: np.ndarray  # objective numerator per eligible town
    denominators: np.ndarray | None  # ratio objectives only
    must: frozenset[int]  # local indices
    cost: np.ndarray  # eligible × categories
    picked: bool = False  # the count came from select(pick=...), not the scenario
    limits: list[_Limit] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.eligible)

    @cached_property
    def total(self) -> np.ndarray:
        """Each eligible town's cost over all categories."""
        return self.cost.sum(axis=1) if self.cost.size else np.zeros(self.n)

    def ids(self, local: Iterable[int]) -> tuple[str, ...]:
        return tuple(self.towns.ids[self.eligible[j]] for j in sorted(local))

    def value(self, chosen: Iterable[int]) -> float:
        """The objective of a set of eligible towns, computed directly."""
        chosen = list(chosen)
        top = math.fsum(self.weights[j] for j in chosen)
        if self.denominators is None:
            return top
        bottom = math.fsum(self.denominators[j] for j in chosen)
        return top / bottom if bottom > 0 else -math.inf


@dataclass
class _Solution:
    status: str  # optimal | feasible
    chosen: frozenset[int]
    years: dict[int, int | None]
    financing: dict[tuple[int, str, str], float]
    objective: float
    gap: float | None


class _Infeasible(Exception):
    pass


# --- public entry point -----------------------------------------------------------------


def select(
    towns: SelectionInput,
    scenario: Scenario,
    *,
    pick: int | None = None,
    solver: str = "cbc",
    time_limit: float | None = None,
    alternatives: int = 3,
    why_not: bool = True,
) -> SelectionResult:
    """Choose the towns to convert under the scenario's limits.

    ``pick`` overrides the scenario's number of towns (keeping its
    ``exactly``/``at_most``; ``exactly`` if the scenario has none).
    ``time_limit`` (seconds) applies to each solve.  ``alternatives`` is the
    number of next-best portfolios to list; ``why_not=False`` skips the
    re-solves that explain each town left out (one per town).

    Raises :class:`SelectionInfeasible` (an
    :class:`~evalkit.errors.InfeasibleError`) naming the limits that conflict
    and by how much each must loosen, and :class:`~evalkit.errors.InputError`
    for scenario facts that do not fit the table.
    """
    if solver not in SOLVERS:
        raise InputError(f"unknown solver {solver!r}", f"use one of: {', '.join(SOLVERS)}",
                         column="solver")
    if time_limit is not None and not time_limit > 0:
        raise InputError(f"time limit must be positive, got {time_limit!r}",
                         "give seconds, e.g. 60", column="time_limit")
    _check_against_table(towns, scenario, pick)
    count, mode = scenario.count, scenario.count_mode
    if pick is not None:
        count, mode = pick, (scenario.count_mode if scenario.count is not None else "exactly")

    excluded = _exclusions(towns, scenario)
    eligible = np.array([i for i, t in enumerate(towns.ids) if t not in excluded], dtype=int)
    for i, town in enumerate(scenario.must_include):
        if town in excluded:
            raise SelectionInfeasible(
                f"must_include names {town}, which is excluded: {excluded[town].reason}",
                f"take {town} out of must_include, or change the screens",
                file=scenario.path, row=scenario.line(f"must_include[{i}]"),
                column=f"must_include[{i}]")
    _check_groups(scenario, scenario.must_include, "must_include")
    problem = _problem(towns, scenario, eligible, count, mode, pick is not None)
    if problem.n == 0 and (OBJECTIVES[scenario.objective].is_ratio
                           or (mode == "exactly" and count)):
        raise SelectionInfeasible(
            "no town is eligible: every town is excluded by the screens or must_exclude",
            "relax the screens or the exclusions",
            file=scenario.path, row=scenario.line("screens"), column="screens")

    try:
        best = _optimise(problem, solver, time_limit)
    except _Infeasible:
        raise _diagnose(problem, solver, time_limit) from None
    except _Stopped:
        raise InputError(
            f"the solver found no selection within the time limit of {time_limit} s; "
            "the scenario may still be feasible", "allow more time", column="time_limit",
        ) from None
    best = _tie_break(problem, best, solver, time_limit)
    best.financing = _clean_financing(problem, best)

    constraints = _constraint_rows(problem, best)
    financing = _financing_rows(problem, best)
    selected = sorted(
        (_selected_town(problem, j, best.years[j]) for j in best.chosen),
        key=lambda t: (t.year if t.year is not None else 0, -t.closeness, t.id))
    why = _why_not(problem, best, excluded, solver, time_limit) if why_not else ()
    alts = _alternatives(problem, best, alternatives, solver, time_limit)
    return SelectionResult(
        status=best.status,
        objective=best.objective,
        gap=best.gap,
        objective_name=scenario.objective,
        solver=solver,
        selected=tuple(selected),
        constraints=tuple(constraints),
        financing=tuple(financing),
        financing_by_category=tuple(
            CategoryFinancing(problem.towns.ids[problem.eligible[j]], cat, src, amount)
            for (j, cat, src), amount in sorted(best.financing.items()) if amount > 1e-9),
        excluded=tuple(excluded[t] for t in towns.ids if t in excluded),
        why_not=tuple(why),
        alternatives=tuple(alts),
        risk_reserve=scenario.risk_reserve,
    )


# --- checks and preparation -------------------------------------------------------------


def _check_against_table(towns: SelectionInput, scenario: Scenario, pick: int | None) -> None:
    known = set(towns.ids)
    sample = ", ".join(towns.ids[:8]) + (" …" if len(towns) > 8 else "")
    lists: list[tuple[str, Sequence[str]]] = [
        ("must_include", scenario.must_include), ("must_exclude", scenario.must_exclude),
        *((f"at_most_one_of.{g}", members) for g, members in scenario.groups.items()),
    ]
    for key, members in lists:
        for i, town in enumerate(members):
            if town not in known:
                raise scenario.error(f"unknown town id {town!r}",
                                     f"use ids of the candidate table: {sample}", f"{key}[{i}]")
    wanted = [c.id for c in scenario.categories]
    if set(wanted) != set(towns.costs):
        raise scenario.error(
            f"the scenario's cost categories ({', '.join(wanted)}) differ from the costs given "
            f"({', '.join(towns.costs)})",
            "build the SelectionInput from this scenario (SelectionInput.from_frame)", "categories")
    if pick is not None:
        if isinstance(pick, bool) or not isinstance(pick, int) or pick < 1:
            raise InputError(f"the number of towns to pick must be a whole number ≥ 1, got "
                             f"{pick!r}", "give e.g. 3", column="pick")
        if pick > len(towns):
            raise InputError(f"cannot pick {pick} towns: the table has only {len(towns)}",
                             f"pick at most {len(towns)}", column="pick")
    elif scenario.count is not None and scenario.count > len(towns):
        key = f"convert.{scenario.count_mode}"
        raise scenario.error(
            f"{key} is {scenario.count}, but the candidate table has only {len(towns)} towns",
            f"lower it to at most {len(towns)}", key)
    if scenario.screens:
        if scenario.standards is None:
            raise scenario.error("screens are given without a standards file",
                                 "add  standards: standards.yaml", "screens")
        check_columns(scenario.screens, towns.table, scenario.standards)


def _check_groups(scenario: Scenario, chosen: Sequence[str], key: str) -> None:
    """Two towns that must both be chosen cannot share an at-most-one-of group."""
    for group, members in scenario.groups.items():
        both = [t for t in chosen if t in members]
        if len(both) > 1:
            raise SelectionInfeasible(
                f"{key} names {both[0]} and {both[1]}, but group.{group} allows at most one of "
                f"{', '.join(members)}",
                f"take one of them out of {key}, or out of the group",
                file=scenario.path, row=scenario.line(f"at_most_one_of.{group}"),
                column=f"at_most_one_of.{group}")


def _exclusions(towns: SelectionInput, scenario: Scenario) -> dict[str, Exclusion]:
    out: dict[str, Exclusion] = {}
    if scenario.screens:
        frame = towns.table.reindex(list(towns.ids))
        for town, (english, chinese) in screen(frame, scenario.screens).items():
            out[town] = Exclusion(town, english, chinese)
    for town in scenario.must_exclude:
        if town not in out:
            where = scenario.path.name if scenario.path else "the scenario"
            out[town] = Exclusion(town, f"listed in must_exclude ({where})",
                                  f"情景文件列为必须排除 ({where})")
    return out


def _problem(towns: SelectionInput, scenario: Scenario, eligible: np.ndarray,
             count: int | None, mode: str, picked: bool) -> _Problem:
    objective = OBJECTIVES[scenario.objective]
    cats = [c.id for c in scenario.categories]
    cost = (np.column_stack([towns.costs[c][eligible] for c in cats]) if cats
            else np.zeros((len(eligible), 0)))
    total = cost.sum(axis=1) if cats else np.zeros(len(eligible))
    closeness = towns.closeness[eligible]
    weights = np.asarray(objective.numerator(closeness, total, scenario.objective_params), float)
    denominators = None
    if objective.denominator is not None:
        denominators = np.asarray(
            objective.denominator(closeness, total, scenario.objective_params), float)
        if np.any(denominators <= 0):
            j = int(np.flatnonzero(denominators <= 0)[0])
            raise scenario.error(
                f"objective {scenario.objective!r} divides by each town's cost, but town "
                f"{towns.ids[eligible[j]]} costs {total[j]:g}",
                "give every town a positive cost, or choose another objective", "objective")
    position = {t: j for j, t in enumerate(towns.ids[i] for i in eligible)}
    must = frozenset(position[t] for t in scenario.must_include)
    years: tuple[int | None, ...] = tuple(scenario.convert_in) if scenario.years else (None,)
    problem = _Problem(towns, scenario, eligible, count, mode, years, weights, denominators,
                       must, cost, picked)
    problem.limits = _limits(problem, position)
    return problem


def _limits(p: _Problem, position: Mapping[str, int]) -> list[_Limit]:
    s = p.scenario
    out: list[_Limit] = []
    ones = np.ones(p.n)
    if p.count is not None:
        key = "pick" if p.picked else f"convert.{p.mode}"
        out.append(_Limit("count", key, _TOWNS, float(p.count), "towns", ones,
                          sense="==" if p.mode == "exactly" else "<="))
    for group, members in s.groups.items():
        coef = np.zeros(p.n)
        for town in members:
            if town in position:
                coef[position[town]] = 1.0
        out.append(_Limit(f"group.{group}", f"at_most_one_of.{group}", _TOWNS, 1.0, "towns",
                          coef, elastic=False))
    for k, cat in enumerate(s.categories):
        if cat.budget is not None:
            out.append(_Limit(f"budget.{cat.id}", f"categories.{cat.id}.budget", _MONEY,
                              cat.budget, "towns", p.cost[:, k]))
    if s.spendable_total is not None:
        out.append(_Limit("budget.total", "budget.total", _MONEY, s.spendable_total, "towns",
                          p.total, scale=1.0 / (1.0 - s.risk_reserve_rate)))
    for year in s.years:
        limit = s.annual_limits.get(year)
        if limit is not None:
            out.append(_Limit(f"budget.year.{year}", f"phasing.years.{year}", _MONEY, limit,
                              "year", year=year))
    if s.talent_capacity is not None:
        out.append(_Limit("talent", "talent.capacity", _PERSONS, s.talent_capacity, "towns",
                          p.towns.talent_need[p.eligible]))
    for src in s.sources:
        out.append(_Limit(f"source.{src.id}", f"sources.{src.id}.capacity", _MONEY, src.capacity,
                          "source", source=src.id))
    return out


# --- the PuLP model ---------------------------------------------------------------------


class _Model:
    """One PuLP problem over some eligible towns.

    ``only`` restricts the towns (the tie-break solve over a chosen set);
    ``forced`` fixes :math:`z_i = 1`; ``cuts`` are sets to exclude (no-good
    cuts); ``elastic`` adds a slack to every limit and minimises their
    relative total; ``at_least_one`` adds :math:`Σ z_i ≥ 1` (ratio objectives).
    """

    def __init__(self, p: _Problem, *, only: Iterable[int] | None = None,
                 forced: Iterable[int] = (), cuts: Sequence[frozenset[int]] = (),
                 elastic: bool = False, at_least_one: bool = False) -> None:
        self.p = p
        towns = sorted(only) if only is not None else list(range(p.n))
        self.towns = towns
        sense = pulp.LpMinimize if (elastic or only is not None) else pulp.LpMaximize
        prob = pulp.LpProblem("town_selection", sense)
        self.prob = prob
        self.x: dict[tuple[int, int | None], pulp.LpVariable] = {}
        for j in towns:
            for y in p.years:
                self.x[j, y] = prob.add_variable(f"x_{j}_{y}", cat=pulp.LpBinary)
        if len(p.years) == 1:
            self.z: dict[int, Any] = {j: self.x[j, p.years[0]] for j in towns}
        else:
            self.z = {j: self._sum([(self.x[j, y], 1.0) for y in p.years]) for j in towns}
        if len(p.years) > 1:
            for j in towns:
                prob += self.z[j] <= 1, f"one_year_{j}"
        for j in forced:
            prob += self.z[j] == 1, f"forced_{j}"
        for m, cut in enumerate(cuts):
            terms = [(self.x[j, y], -1.0 if j in cut else 1.0) for j in towns for y in p.years]
            prob += self._sum(terms) >= 1 - len(cut), f"cut_{m}"
        if at_least_one:
            prob += self._sum([(self.x[j, y], 1.0) for j in towns for y in p.years]) >= 1, "one"
        self.f: dict[tuple[int, str, str], pulp.LpVariable] = {}
        for j in towns:
            for k, cat in enumerate(p.scenario.categories):
                allowed = [s.id for s in p.scenario.sources if cat.id in s.funds]
                if not allowed or p.cost[j, k] <= 0:
                    continue
                for src in allowed:
                    self.f[j, cat.id, src] = prob.add_variable(f"f_{j}_{k}_{src}", lowBound=0)
                prob += (self._sum([(self.f[j, cat.id, s], 1.0) for s in allowed])
                         - float(p.cost[j, k]) * self.z[j] == 0), f"finance_{j}_{k}"
        self.slacks: dict[str, tuple[pulp.LpVariable, pulp.LpVariable | None]] = {}
        penalty = []
        for m, limit in enumerate(p.limits):
            expr = self._limit_expr(limit)
            if elastic and limit.elastic:
                up = prob.add_variable(f"relax_up_{m}", lowBound=0)
                down = (prob.add_variable(f"relax_down_{m}", lowBound=0)
                        if limit.sense == "==" else None)
                self.slacks[limit.name] = (up, down)
                # Relative loosening; the number of towns gives way only when no
                # amount of money or talent would do (too few eligible towns).
                weight = 1e4 if limit.name == "count" else 1.0 / max(1.0, abs(limit.bound))
                penalty.append((up, weight))
                if down is not None:
                    penalty.append((down, weight))
                    expr = expr - up + down
                else:
                    expr = expr - up
            if limit.sense == "==":
                prob += expr == limit.bound, f"limit_{m}"
            else:
                prob += expr <= limit.bound, f"limit_{m}"
        if elastic:
            prob.setObjective(pulp.LpAffineExpression(penalty))

    @staticmethod
    def _sum(terms: list[tuple[pulp.LpVariable, float]]) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression(terms)

    def _limit_expr(self, limit: _Limit) -> pulp.LpAffineExpression:
        p = self.p
        if limit.kind == "towns":
            assert limit.coef is not None
            coefs = limit.coef[self.towns].tolist()
            return pulp.LpAffineExpression(
                [(self.x[j, y], c) for j, c in zip(self.towns, coefs, strict=True) if c
                 for y in p.years])
        if limit.kind == "year":
            terms = []
            for j in self.towns:
                for y in p.years:
                    share = _share(p.scenario.spread, limit.year, y)
                    if share and p.total[j]:
                        terms.append((self.x[j, y], share * float(p.total[j])))
            return pulp.LpAffineExpression(terms)
        return pulp.LpAffineExpression(
            [(v, 1.0) for (_, _, src), v in self.f.items() if src == limit.source])

    def objective(self, weights: np.ndarray) -> None:
        coefs = weights[self.towns].tolist()
        self.prob.setObjective(pulp.LpAffineExpression(
            [(self.x[j, y], c) for j, c in zip(self.towns, coefs, strict=True) if c
             for y in self.p.years]))

    def solve(self, solver: str, time_limit: float | None) -> tuple[str, float | None]:
        """Solve; return (``optimal`` | ``feasible`` | ``infeasible`` | ``stopped``, gap)."""
        return _run(self.prob, solver, time_limit)

    def chosen(self) -> tuple[frozenset[int], dict[int, int | None]]:
        chosen, years = set(), {}
        for (j, y), var in self.x.items():
            if (var.varValue or 0.0) > 0.5:
                chosen.add(j)
                years[j] = y
        return frozenset(chosen), years

    def financing(self) -> dict[tuple[int, str, str], float]:
        return {key: max(0.0, var.varValue or 0.0) for key, var in self.f.items()}


def _share(spread: Sequence[float], year: int | None, start: int | None) -> float:
    if year is None or start is None:
        return 0.0
    offset = year - start
    return float(spread[offset]) if 0 <= offset < len(spread) else 0.0


_CBC_BOUND = re.compile(r"^(?:Lower|Upper) bound:\s*(\S+)", re.MULTILINE)
_CBC_OBJECTIVE = re.compile(r"^Objective value:\s*(\S+)", re.MULTILINE)


def _run(prob: pulp.LpProblem, solver: str, time_limit: float | None) -> tuple[str, float | None]:
    """Solve, read the status honestly, and check the answer against every row.

    A solution is accepted only if it meets every constraint of the model (to
    1e-6, relative).  CBC 2.10's preprocessing can return a solution that
    breaks a row and still say "Optimal" (it logs "Postprocessed model is
    infeasible - possible tolerance issue"); CBC is then run again without
    preprocessing, and if the answer is still wrong :class:`SolverError` is
    raised rather than a wrong plan reported.
    """
    outcome = _solve_once(prob, solver, time_limit, preprocess=True)
    if outcome[0] in ("optimal", "feasible") and _broken_row(prob):
        if solver == "cbc":
            outcome = _solve_once(prob, solver, time_limit, preprocess=False)
        broken = _broken_row(prob) if outcome[0] in ("optimal", "feasible") else None
        if broken:
            raise SolverError(
                f"the {solver} solver returned a plan that breaks its own constraint {broken}",
                "try the other solver (solver='highs' or 'cbc')")
    return outcome


class SolverError(EvalkitError):
    """The solver's answer failed evalkit's own check; no plan is reported."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(f"{what} — {hint}")
        self.what, self.hint = what, hint


def _broken_row(prob: pulp.LpProblem) -> str | None:
    """The first constraint or binary the current solution breaks, if any."""
    for var in prob.variables():
        value = var.varValue
        if value is None:
            if var.name == "__dummy":  # PuLP's stand-in for an empty objective
                continue
            return var.name
        if var.cat == pulp.LpInteger and abs(value - round(value)) > 1e-6:
            return var.name
        if var.lowBound is not None and value < var.lowBound - 1e-6:
            return var.name
    for row in prob.constraints():
        excess = row.value()  # left side minus right side
        tolerance = 1e-6 * max(1.0, abs(row.constant))
        if row.sense == pulp.LpConstraintEQ and abs(excess) > tolerance:
            return str(row.name)
        if row.sense * excess < -tolerance:
            return str(row.name)
    return None


def _solve_once(prob: pulp.LpProblem, solver: str, time_limit: float | None, *,
                preprocess: bool) -> tuple[str, float | None]:
    """One solver run; the status from both ``prob.status`` and ``prob.sol_status``."""
    bound = objective = None
    if solver == "cbc":
        handle, log = tempfile.mkstemp(prefix="evalkit-cbc-", suffix=".log")
        os.close(handle)
        try:
            with warnings.catch_warnings():
                # PuLP 3.3 announces PULP_CBC_CMD's removal in PuLP 4; evalkit pins pulp < 4.
                warnings.simplefilter("ignore", DeprecationWarning)
                command = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, logPath=log,
                                            options=[] if preprocess else ["preprocess off"])
            prob.solve(command)
            with open(log, encoding="utf-8", errors="replace") as stream:
                text = stream.read()
        finally:
            os.unlink(log)
        found_bound, found_objective = _CBC_BOUND.search(text), _CBC_OBJECTIVE.search(text)
        if found_bound and found_objective:
            bound, objective = _float(found_bound.group(1)), _float(found_objective.group(1))
    else:
        prob.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=0.0, gapAbs=1e-9))
        info = prob.solverModel.getInfo()
        if info.primal_solution_status == 0:  # no primal solution at all
            return ("infeasible" if prob.status == pulp.LpStatusInfeasible else "stopped"), None
        if prob.numVariables() and any(v.cat == pulp.LpInteger for v in prob.variables()):
            bound, objective = float(info.mip_dual_bound), float(info.objective_function_value)
    if prob.status == pulp.LpStatusOptimal and prob.sol_status == pulp.LpSolutionOptimal:
        return "optimal", 0.0
    if prob.sol_status == pulp.LpSolutionIntegerFeasible:
        gap = None
        if bound is not None and objective is not None and math.isfinite(bound):
            gap = abs(bound - objective) / max(abs(objective), 1e-10)
        return "feasible", gap
    if prob.status == pulp.LpStatusInfeasible or prob.sol_status == pulp.LpSolutionInfeasible:
        return "infeasible", None
    return "stopped", None


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# --- optimising ---------------------------------------------------------------------------


def _optimise(p: _Problem, solver: str, time_limit: float | None, *,
              forced: Iterable[int] = (), cuts: Sequence[frozenset[int]] = ()) -> _Solution:
    """The best portfolio (linear objective, or a ratio by Dinkelbach).

    Raises :class:`_Infeasible` when no portfolio exists and :class:`_Stopped`
    when the solver stops without finding one.
    """
    forced = frozenset(forced) | p.must
    ratio = p.denominators is not None
    model = _Model(p, forced=forced, cuts=cuts, at_least_one=ratio)
    if p.denominators is None:
        model.objective(p.weights)
        status, gap = _checked(model.solve(solver, time_limit))
        chosen, years = model.chosen()
        return _Solution(status, chosen, years, model.financing(), p.value(chosen), gap)
    # Dinkelbach.  λ starts at the lowest single-town ratio, a lower bound on
    # every portfolio's ratio (a portfolio's ratio is a cost-weighted mean of its
    # towns'), so F(λ) ≥ 0 throughout and λ rises to the optimum.
    weights, costs = p.weights, p.denominators
    level = float(np.min(weights / costs)) if p.n else 0.0
    scale = max(1.0, math.fsum(np.abs(weights)))
    proven = True
    incumbent: tuple[frozenset[int], dict[int, int | None], dict[Any, float]] | None = None
    for _ in range(100):
        model.objective(weights - level * costs)
        status, _gap = _checked(model.solve(solver, time_limit))
        proven = proven and status == "optimal"
        chosen, years = model.chosen()
        if incumbent is None or p.value(chosen) > p.value(incumbent[0]):
            incumbent = (chosen, years, model.financing())
        gain = math.fsum(weights[j] - level * costs[j] for j in chosen)
        if gain <= 1e-9 * scale or p.value(chosen) <= level + 1e-12:
            break
        level = p.value(chosen)
    else:  # pragma: no cover - Dinkelbach converges in a few steps on 0-1 problems
        proven = False
    assert incumbent is not None
    chosen, years, financing = incumbent
    # The ratio's bound is not tracked through the iterations: unknown unless proven.
    return _Solution("optimal" if proven else "feasible", chosen, years, financing,
                     p.value(chosen), 0.0 if proven else None)


class _Stopped(Exception):
    pass


def _checked(outcome: tuple[str, float | None]) -> tuple[str, float | None]:
    status, gap = outcome
    if status == "infeasible":
        raise _Infeasible
    if status == "stopped":
        raise _Stopped
    return status, gap


def _tie_break(p: _Problem, best: _Solution, solver: str, time_limit: float | None) -> _Solution:
    """Among equally good plans: best towns first, sources in the listed order."""
    if not best.chosen or (len(p.years) == 1 and not p.scenario.sources):
        return best
    model = _Model(p, only=best.chosen, forced=best.chosen)
    terms = [(model.x[j, y], float(p.towns.closeness[p.eligible[j]]) * index)
             for j in best.chosen for index, y in enumerate(p.years) if index]
    rank = {s.id: r for r, s in enumerate(p.scenario.sources, start=1)}
    terms += [(var, float(rank[src])) for (_, _, src), var in model.f.items()]
    model.prob.setObjective(pulp.LpAffineExpression(terms))
    status, _ = model.solve(solver, time_limit)
    if status not in ("optimal", "feasible"):
        return best
    chosen, years = model.chosen()
    if chosen != best.chosen:  # pragma: no cover - the set is fixed
        return best
    return _Solution(best.status, best.chosen, years, model.financing(), best.objective, best.gap)


def _diagnose(p: _Problem, solver: str, time_limit: float | None,
              forced: Iterable[int] = ()) -> SelectionInfeasible:
    """Solve the elastic model; name each limit that must loosen and by how much."""
    model = _Model(p, forced=frozenset(forced) | p.must, elastic=True,
                   at_least_one=p.denominators is not None)
    status, _ = model.solve(solver, time_limit)
    relaxations = []
    if status in ("optimal", "feasible"):
        for limit in p.limits:
            if limit.name not in model.slacks:
                continue
            up, down = model.slacks[limit.name]
            extra = (up.varValue or 0.0) - ((down.varValue or 0.0) if down is not None else 0.0)
            extra *= limit.scale
            current = limit.bound * limit.scale
            if abs(extra) <= 1e-7 * max(1.0, abs(current)):
                continue
            if limit.unit == _TOWNS:
                needed = current + round(extra)
            else:  # rounded up to 0.01 so that loosening by the amount shown suffices
                step = math.ceil(abs(extra) * 100 - 1e-6) / 100
                needed = current + math.copysign(step, extra)
            relaxations.append(Relaxation(limit.name, limit.key, limit.unit, current, needed))
    s = p.scenario
    what_count = (f"{s.count_mode.replace('_', ' ')} {p.count} towns" if p.count is not None
                  else "any towns")
    if relaxations:
        what = (f"no selection of {what_count} meets every limit: "
                + "; ".join(r.describe() for r in relaxations))
        first = relaxations[0].key
        hint = ("loosen these limits by at least the amounts shown (together they suffice), "
                "or change convert, must_include or the screens")
    else:
        what = f"no selection of {what_count} meets every limit"
        first = "convert"
        hint = "check must_include, the screens and the phasing years"
    if any(r.limit == "count" and r.needed < r.current for r in relaxations):
        what += f" (only {p.n} towns are eligible)"
    if first == "pick":  # the count came from the caller, not the file
        return SelectionInfeasible(what, hint, column=first, relaxations=tuple(relaxations))
    return SelectionInfeasible(what, hint, file=s.path, row=s.line(first), column=first,
                               relaxations=tuple(relaxations))


# --- explanations -------------------------------------------------------------------------


def _why_not(p: _Problem, best: _Solution, excluded: Mapping[str, Exclusion], solver: str,
             time_limit: float | None) -> list[WhyNot]:
    out = []
    local = {p.towns.ids[i]: j for j, i in enumerate(p.eligible)}
    chosen_ids = set(p.ids(best.chosen))
    for town in p.towns.ids:
        if town in chosen_ids:
            continue
        if town in excluded:
            out.append(WhyNot(town, None, None, excluded[town].reason))
            continue
        j = local[town]
        clash = [(group, other) for group, members in p.scenario.groups.items()
                 if town in members for other in p.scenario.must_include if other in members]
        if clash:
            group, other = clash[0]
            out.append(WhyNot(town, None, None, f"cannot be included: group.{group} allows at "
                              f"most one of {', '.join(p.scenario.groups[group])}, and {other} "
                              "is in must_include"))
            continue
        try:
            forced = _optimise(p, solver, time_limit, forced=[j])
        except _Stopped:
            out.append(WhyNot(town, None, None, "not settled: the re-solve with it included "
                              "found nothing within the time limit", "stopped"))
            continue
        except _Infeasible:
            error = _diagnose(p, solver, time_limit, forced=[j])
            reasons = "; ".join(r.describe() for r in error.relaxations) or error.what
            out.append(WhyNot(town, None, None, f"cannot be included: {reasons}"))
            continue
        portfolio = p.ids(forced.chosen)
        loss = best.objective - forced.objective
        # Round-off aside, a negative loss can only follow a main solve stopped early
        # (status "feasible"); it is reported as it is.
        if -1e-9 < loss < 0:
            loss = 0.0
        dropped = sorted(chosen_ids - set(portfolio))
        added = sorted(set(portfolio) - chosen_ids - {town})
        change = f"dropping {', '.join(dropped)}" if dropped else ""
        if added:
            change += f"{' and ' if change else ''}adding {', '.join(added)}"
        reason = (f"including {town} means {change}, which lowers the objective by {_fmt(loss)}"
                  if change else f"adding {town} lowers the objective by {_fmt(loss)}")
        out.append(WhyNot(town, portfolio, loss, reason, forced.status))
    return out


def _alternatives(p: _Problem, best: _Solution, count: int, solver: str,
                  time_limit: float | None) -> list[Alternative]:
    cuts = [best.chosen]
    out = []
    for _ in range(max(0, count)):
        try:
            found = _optimise(p, solver, time_limit, cuts=cuts)
        except (_Infeasible, _Stopped):
            break
        if found.chosen in cuts:  # pragma: no cover - the cut forbids it
            break
        cuts.append(found.chosen)
        found = _tie_break(p, found, solver, time_limit)
        years = {p.towns.ids[p.eligible[j]]: found.years[j] for j in sorted(found.chosen)}
        out.append(Alternative(p.ids(found.chosen), found.objective, years, found.status))
    return out


def _selected_town(p: _Problem, j: int, year: int | None) -> SelectedTown:
    i = int(p.eligible[j])
    costs = {c.id: float(p.cost[j, k]) for k, c in enumerate(p.scenario.categories)}
    return SelectedTown(p.towns.ids[i], p.towns.names[i], year, float(p.towns.closeness[i]),
                        float(p.total[j]), costs, float(p.towns.talent_need[i]))


def _clean_financing(p: _Problem, best: _Solution) -> dict[tuple[int, str, str], float]:
    """Scale each town's category financing to sum exactly to its cost (solver round-off)."""
    paid: dict[tuple[int, str], float] = {}
    for (j, cat, _src), value in best.financing.items():
        if j in best.chosen:
            paid[j, cat] = paid.get((j, cat), 0.0) + value
    column = {c.id: k for k, c in enumerate(p.scenario.categories)}
    out = {}
    for (j, cat, src), value in best.financing.items():
        if j in best.chosen and paid[j, cat] > 0:
            out[j, cat, src] = value * float(p.cost[j, column[cat]]) / paid[j, cat]
    return out


def _constraint_rows(p: _Problem, best: _Solution) -> list[ConstraintUse]:
    financing = best.financing
    rows = []
    for limit in p.limits:
        if limit.kind == "towns":
            assert limit.coef is not None
            used = math.fsum(float(limit.coef[j]) for j in best.chosen)
        elif limit.kind == "year":
            used = math.fsum(_share(p.scenario.spread, limit.year, best.years[j]) * float(p.total[j])
                             for j in best.chosen)
        else:
            used = math.fsum(v for (_, _, src), v in financing.items() if src == limit.source)
        rows.append(ConstraintUse(limit.name, used, limit.bound, limit.unit, limit.sense))
    return rows


def _financing_rows(p: _Problem, best: _Solution) -> list[Financing]:
    """Each town's amount per source, spread over its years by the spread profile."""
    by_source: dict[tuple[int, str], float] = {}
    for (j, _cat, src), value in best.financing.items():
        by_source[j, src] = by_source.get((j, src), 0.0) + value
    rows: list[Financing] = []
    for j in sorted(best.chosen, key=lambda j: p.towns.ids[p.eligible[j]]):
        town = p.towns.ids[p.eligible[j]]
        start = best.years[j]
        spend_years: list[tuple[int | None, float]] = (
            [(start + o, share) for o, share in enumerate(p.scenario.spread) if share]
            if start is not None else [(None, 1.0)])
        for source in p.scenario.sources:
            amount = by_source.get((j, source.id), 0.0)
            if amount > 1e-9:
                rows.extend(Financing(town, source.id, year, amount * share)
                            for year, share in spend_years)
    return rows


def _fmt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def select_towns(evaluation: Evaluation, scenario: Scenario, **options: Any) -> SelectionResult:
    """:func:`select` on an evaluation's towns and closeness (the CLI's call).

    Every column the scenario reads (costs, talent, screens) is parsed from
    the candidate table first, so a bad cell is reported with its row and
    column.  ``options`` are those of :func:`select`.
    """
    table = evaluation.candidates
    columns = [c.column for c in scenario.categories]
    if scenario.talent_column:
        columns.append(scenario.talent_column)
    for rule in scenario.screens:
        columns += rule.value.columns()
        if rule.applies_when is not None:
            columns += rule.applies_when.value.columns()
    frame = table.cells.copy()
    for column in dict.fromkeys(columns):
        if column in frame.columns:
            frame[column] = table.numeric(column)
    closeness = dict(zip(evaluation.matrix.ids, evaluation.ranking.closeness.tolist(), strict=True))
    towns = SelectionInput.from_frame(frame, closeness, scenario, file=table.path)
    return select(towns, scenario, **options)
