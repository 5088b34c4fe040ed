"""The selection model as a :class:`~.program.Program` (see :mod:`evalkit.decide.selection`).

Columns, in this order: :math:`x_{jy}` (town *j* converts in year *y*; only the
allowed pairs), the flows :math:`F_{kst}` (亿元 of category *k*'s spending in
budget year *t* paid by source *s*) and the reserve :math:`R_s` held back at
source *s*.  Rows: one year per town, the towns that must be chosen, every
:class:`~.problem.Limit`, and the financing balance of each category and
year, :math:`Σ_s F_{kst} = Σ_{jy} a_{jk}\\,p_{jk}(t − y)\\,x_{jy}`.

Financing is modelled per category and year, not per town: the towns'
spending in a category and year is one demand, and a source's share of it is
the same for each town in it (:mod:`.accounts` splits it).  That is exact —
any split of the totals pays every town — and keeps the model at one column
per town and year instead of one per town, category and source.  Unless a
source has annual capacities, one demand per category over the whole
calendar is the same condition (each year's share of the totals pays that
year): the model then has one balance row per category, and the financing
year by year is computed with the answer fixed
(:func:`evalkit.decide.selection.solve.finance`).

Gale's supply–demand condition is added below the rest as rows over *x*
alone (:func:`gale_rows`): implied by the balance rows, the capacities, the
reserve and the debt limit, but a solver can cut with a knapsack row over 0-1
columns and cannot see one through the flows.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from evalkit.decide.selection.problem import FlowKey, Limit, Problem, Solution
from evalkit.decide.selection.program import EQ, GE, LE, Program, Rows, build

SENSES = {"<=": LE, "==": EQ, ">=": GE}


@dataclass(frozen=True, eq=False)
class Model:
    """The base program of a problem and where each variable sits in it."""

    problem: Problem
    program: Program
    xcol: np.ndarray  # eligible × years: the column of x_jy, −1 when not allowed
    flow: dict[FlowKey, int]
    reserve: dict[str, int]
    limit_row: tuple[int, ...]  # the program row of each limit
    implied: int = 0  # the last rows, implied by the others (Gale's condition)

    @property
    def n_x(self) -> int:
        return int(np.count_nonzero(self.xcol >= 0))

    def x_entries(self, coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(columns, coefficients) of ``coef`` (towns, or towns × years) over the x columns."""
        full = np.broadcast_to(coef[:, None] if coef.ndim == 1 else coef, self.xcol.shape)
        mask = (self.xcol >= 0) & (full != 0)
        return self.xcol[mask], full[mask]

    def x_vector(self, coef: np.ndarray) -> np.ndarray:
        """``coef`` (towns, or towns × years) as a full column vector (zeros off x)."""
        out = np.zeros(self.program.n_cols)
        cols, values = self.x_entries(coef)
        out[cols] = values
        return out

    def objective(self, weights: np.ndarray) -> np.ndarray:
        """The objective vector: each town's weight, times the timing rule's discount."""
        return self.x_vector(np.outer(weights, self.problem.factor))

    def town_rows(self, towns: Iterable[int], sense: int, rhs: float, name: str) -> Rows:
        """One row per town: Σ_y x_jy (sense) rhs."""
        entries, names = [], []
        for j in towns:
            cols = self.xcol[j][self.xcol[j] >= 0]
            entries.append((cols, np.ones(len(cols))))
            names.append(f"{name}_{self.problem.town(j)}")
        return Rows(entries, [sense] * len(entries), [rhs] * len(entries), names)

    def cut(self, chosen: frozenset[int], years: dict[int, int | None] | None,
            name: str) -> Rows:
        """Exclude one answer: a different set of towns or, with ``years``, a different
        schedule (a no-good cut over the x columns)."""
        p = self.problem
        index = {y: k for k, y in enumerate(p.years)}
        coef = np.zeros(self.xcol.shape)
        if years is None:
            coef[list(chosen), :] = -1.0
            size = len(chosen)
        else:
            for j in chosen:
                coef[j, index[years[j]]] = -1.0
            size = len(chosen)
        others = np.ones(p.n, dtype=bool)
        others[list(chosen)] = False
        coef[others, :] = 1.0
        cols, values = self.x_entries(coef)
        return Rows([(cols, values)], [GE], [1.0 - size], [name])

    def solution(self, values: np.ndarray, status: str, objective: float, gap: float | None,
                 bound: float | None = None) -> Solution:
        """Read the chosen towns, years and financing from the program's values."""
        p = self.problem
        chosen, years = set(), {}
        taken = np.zeros(self.xcol.shape, dtype=bool)
        allowed = self.xcol >= 0
        taken[allowed] = values[self.xcol[allowed]] > 0.5  # (no x column at all: none taken)
        picked = np.argwhere(taken)
        for j, k in picked:
            chosen.add(int(j))
            years[int(j)] = p.years[int(k)]
        flows = {key: max(0.0, float(values[c])) for key, c in self.flow.items()}
        reserve = {key: max(0.0, float(values[c])) for key, c in self.reserve.items()}
        return Solution(status, frozenset(chosen), years, flows, reserve, objective, gap, bound)

    def assignment(self, chosen: Iterable[int], years: dict[int, int | None]) -> np.ndarray:
        """The x part of an answer as a full vector (flows zero)."""
        p = self.problem
        index = {y: k for k, y in enumerate(p.years)}
        out = np.zeros(self.program.n_cols)
        for j in chosen:
            out[self.xcol[j, index[years[j]]]] = 1.0
        return out


def build_model(p: Problem) -> Model:
    """The base program: columns, the year and must rows, the limits and the financing."""
    xcol = np.full(p.allowed.shape, -1, dtype=np.int64)
    xcol[p.allowed] = np.arange(int(p.allowed.sum()))
    n_x = int(p.allowed.sum())
    s = p.scenario
    keys = p.flow_keys()
    capacity = {src.id: src for src in s.sources}
    flow = {key: n_x + i for i, key in enumerate(keys)}
    holders = s.reserve_holders() if p.reserve_applies() else ()
    reserve = {src: n_x + len(keys) + i for i, src in enumerate(holders)}
    n_cols = n_x + len(keys) + len(reserve)
    upper = np.ones(n_cols)
    for (_, src, year), c in flow.items():
        annual = capacity[src].annual.get(year) if year is not None else None
        upper[c] = min(capacity[src].capacity, annual if annual is not None else np.inf)
    for src, c in reserve.items():
        upper[c] = capacity[src].capacity
    integer = np.zeros(n_cols, dtype=bool)
    integer[:n_x] = True
    names = [""] * n_cols
    for j, k in np.argwhere(xcol >= 0):
        names[xcol[j, k]] = f"x[{p.town(int(j))},{p.years[int(k)]}]"
    for (category, src, year), c in flow.items():
        names[c] = f"F[{category},{src},{year}]"
    for src, c in reserve.items():
        names[c] = f"R[{src}]"
    model = Model(p, build(np.zeros(n_cols), np.zeros(n_cols), upper, integer, Rows([], [], [], []),
                           names), xcol, flow, reserve, ())
    rows: list[tuple[np.ndarray, np.ndarray]] = []
    sense: list[int] = []
    rhs: list[float] = []
    labels: list[str] = []

    def add(part: Rows) -> None:
        rows.extend(part.entries)
        sense.extend(part.sense)
        rhs.extend(part.rhs)
        labels.extend(part.names)

    if len(p.years) > 1:
        add(model.town_rows([j for j in range(p.n) if (xcol[j] >= 0).sum() > 1], LE, 1.0,
                            "one_year"))
    add(model.town_rows(sorted(p.must), EQ, 1.0, "must_include"))
    if p.denominators is not None and n_x:  # a ratio (closeness per cost) needs a town
        add(Rows([(xcol[xcol >= 0], np.ones(n_x))], [GE], [1.0], ["at_least_one"]))
    limit_row = []
    for limit in p.limits:
        limit_row.append(len(rows))
        add(Rows([limit_entries(model, limit)], [SENSES[limit.sense]], [limit.bound],
                 [limit.name]))
    per_year = p.per_year_flows
    for cat_index, cat in enumerate(s.categories):
        for t, year in enumerate(p.calendar if per_year else (None,)):
            demand = category_demand(p, cat_index, t if per_year else None)
            cols, coefs = model.x_entries(demand)
            paid = [c for (k, _, y), c in flow.items() if k == cat.id and y == year]
            if not s.sources or not cols.size:
                continue
            add(Rows([(np.concatenate([cols, np.array(paid, dtype=np.int64)]),
                       np.concatenate([-coefs, np.ones(len(paid))]))], [EQ], [0.0],
                     [f"finance.{cat.id}" + (f".{year}" if year is not None else "")]))
    gale = gale_rows(model)
    add(gale)
    program = model.program.with_rows(Rows(rows, sense, rhs, labels))
    return Model(p, program, xcol, flow, reserve, tuple(limit_row), len(gale.entries))


def category_demand(p: Problem, k: int, t: int | None) -> np.ndarray:
    """亿元 of category *k* each town spends (towns × conversion years): in budget year *t*,
    or over the whole calendar (``t`` None)."""
    if not p.calendar:
        return p.cost[:, k][:, None]
    if t is None:
        return p.spend[:, k, :, :].sum(axis=2)
    return p.spend[:, k, :, t]


def gale_rows(model: Model) -> Rows:
    """Gale's supply–demand condition as rows over x alone: for every set *Q* of categories
    (with the reserve, when one is held), Q's spending over the calendar is at most what the
    sources that may pay Q can give it — their capacities, the debt sources' together at most
    the debt limit plus what they may hold of the reserve.  Implied by the financing rows
    and the limits; stated because a solver can cut with rows over the 0-1 columns."""
    p = model.problem
    s = p.scenario
    if not s.sources or not s.categories or not model.n_x:
        return Rows([], [], [], [])
    cats = [c.id for c in s.categories]
    reserve = p.reserve_applies()
    holders = set(s.reserve_holders()) if reserve else set()
    rules = s.affordability
    debt = (set(rules.debt_sources) if rules is not None and rules.debt_sources
            and rules.debt_limit is not None else set())
    fixed = 0.0
    rate = 0.0
    if reserve:
        if s.risk_reserve_amount is not None:
            fixed = s.risk_reserve_amount
        elif s.risk_reserve_of == "investment":
            rate = s.risk_reserve_rate
        elif s.total_budget is not None and s.total_budget > 0:
            fixed = s.total_budget * s.risk_reserve_rate
    demand = [category_demand(p, k, None) for k in range(len(cats))]
    nodes = list(range(len(cats))) + ([len(cats)] if reserve else [])
    found: list[tuple[frozenset[int], float]] = []
    for size in range(1, len(nodes) + 1):
        for group in itertools.combinations(nodes, size):
            with_reserve = len(cats) in group
            members = [g for g in group if g < len(cats)]
            paying = [src for src in s.sources
                      if any(cats[g] in src.funds for g in members)
                      or (with_reserve and src.id in holders)]
            supply = sum(src.capacity for src in paying if src.id not in debt)
            from_debt = sum(src.capacity for src in paying if src.id in debt)
            if debt and rules is not None and rules.debt_limit is not None:
                held = sum(src.capacity for src in paying
                           if src.id in debt and with_reserve and src.id in holders)
                from_debt = min(from_debt, max(0.0, rules.debt_limit) + held)
            found.append((frozenset(group), supply + from_debt - (fixed if with_reserve else 0.0)))
    # With spending ≥ 0, the row of a larger set with no more supply implies the smaller
    # set's (a category paid only by sources that pay the set already): left out.
    if all(float(d.min(initial=0.0)) >= 0 for d in demand):
        found = [(nodes_in, bound) for nodes_in, bound in found
                 if not any(other > nodes_in and other_bound <= bound
                            for other, other_bound in found)]
    entries, rhs, names = [], [], []
    for nodes_in, bound in found:
        coef = np.zeros(model.xcol.shape)
        for g in sorted(nodes_in):
            if g < len(cats):
                coef = coef + demand[g]
        if len(cats) in nodes_in and rate:
            coef = coef + rate * p.total[:, None]
        entries.append(model.x_entries(coef))
        rhs.append(bound)
        names.append("gale." + "+".join([cats[g] for g in sorted(nodes_in) if g < len(cats)]
                                        + (["reserve"] if len(cats) in nodes_in else [])))
    return Rows(entries, [LE] * len(entries), rhs, names)


def limit_entries(model: Model, limit: Limit) -> tuple[np.ndarray, np.ndarray]:
    """(columns, coefficients) of one limit's program row."""
    parts_c: list[np.ndarray] = []
    parts_v: list[np.ndarray] = []
    for coef, sign in ((limit.x, 1.0), (limit.credit, -1.0)):
        if coef is not None:
            cols, values = model.x_entries(coef)
            parts_c.append(cols)
            parts_v.append(sign * values)
    if limit.flows:
        parts_c.append(np.array([model.flow[k] for k in limit.flows], dtype=np.int64))
        parts_v.append(np.array(list(limit.flows.values()), dtype=float))
    if limit.reserve:
        parts_c.append(np.array([model.reserve[k] for k in limit.reserve], dtype=np.int64))
        parts_v.append(np.array(list(limit.reserve.values()), dtype=float))
    if not parts_c:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(parts_c), np.concatenate(parts_v)


def elastic(model: Model, limits: Sequence[Limit]) -> tuple[Program, dict[str, tuple[int, int]]]:
    """The program with a slack on every elastic limit, minimising the total relative
    loosening (the number of towns gives way only when no amount of money or talent would
    do).  Returns it and each limit's (up, down) slack columns (−1: none)."""
    program = model.program.with_objective(np.zeros(model.program.n_cols), maximize=False)
    if model.implied:  # Gale's rows would not loosen with the limits: left out here
        keep = program.n_rows - model.implied
        program = replace(program, matrix=program.matrix[:keep], sense=program.sense[:keep],
                          rhs=program.rhs[:keep], names=program.names[:keep])
    # A flow's bound repeats its source's capacity rows; lifted here so that the slack on
    # those rows can show how much more a source would need.
    money = np.array(sorted([*model.flow.values(), *model.reserve.values()]), dtype=np.int64)
    if money.size:
        upper = program.upper.copy()
        upper[money] = np.inf
        program = replace(program, upper=upper)
    import scipy.sparse as sp

    cols: list[tuple[int, float, float]] = []  # (row, coefficient, weight)
    slots: dict[str, tuple[int, int]] = {}
    base = program.n_cols
    for limit, row in zip(limits, model.limit_row, strict=True):
        if not limit.elastic:
            continue
        weight = 1e4 if limit.name == "count" else 1.0 / max(1.0, abs(limit.bound))
        up = base + len(cols)
        if limit.sense == "<=":
            cols.append((row, -1.0, weight))
            slots[limit.name] = (up, -1)
        elif limit.sense == ">=":
            cols.append((row, 1.0, weight))
            slots[limit.name] = (-1, up)
        else:
            cols.append((row, -1.0, weight))
            cols.append((row, 1.0, weight))
            slots[limit.name] = (up, up + 1)
    if not cols:
        return program, slots
    rows = [r for r, _, _ in cols]
    where = list(range(len(cols)))
    values = [c for _, c, _ in cols]
    # A reserve that is a rate of the total grows as the total is loosened: each 亿元 more to
    # spend (the total's slack, in spendable money) means rate/(1 − rate) more to hold back.
    s = model.problem.scenario
    names = [limit.name for limit in limits]
    if ("budget.total" in slots and "reserve" in names and s.risk_reserve_amount is None
            and s.risk_reserve_of != "investment" and 0 < s.risk_reserve_rate < 1):
        rows.append(model.limit_row[names.index("reserve")])
        where.append(slots["budget.total"][0] - base)
        values.append(-s.risk_reserve_rate / (1.0 - s.risk_reserve_rate))
    block = sp.csr_matrix((values, (rows, where)), shape=(program.n_rows, len(cols)))
    weights = np.array([w for _, _, w in cols])
    program = program.with_columns(weights, np.zeros(len(cols)), np.full(len(cols), np.inf),
                                   np.zeros(len(cols), dtype=bool), block,
                                   [f"slack[{i}]" for i in range(len(cols))])
    return program, slots
