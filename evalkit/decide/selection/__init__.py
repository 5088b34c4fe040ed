r"""Choosing which towns to convert, and when: a 0-1 program solved with CBC or HiGHS.

This is the only package that runs a solver.  Everything it needs comes in
as a :class:`SelectionInput` (ids, closeness, costs, talent gaps, revenue and
running costs, the raw table for the screens) and a
:class:`~evalkit.decide.scenario.Scenario`.

Modules: :mod:`.inputs` (the towns), :mod:`.problem` (the data over the
eligible towns and years, checked against the table; the limit rows),
:mod:`.program` (a 0-1 program in matrix form), :mod:`.model` (the selection
model as a program), :mod:`.backends` (HiGHS and CBC with explicit
tolerances), :mod:`.reduce` (large programs: reduced-cost fixing and the
core), :mod:`.solve` (the optimum, the timing rule, the financing, the
ties), :mod:`.explain` (infeasibility, why-not, alternatives),
:mod:`.accounts` (limits used, financing, phasing, reserve, running costs),
:mod:`.result` (what is returned) and :mod:`.choose` (the entry points).

The model
---------
Sets
    towns *j* that are eligible (not screened out, not in ``must_exclude``);
    cost categories *k*; funding sources *s*, with :math:`S_k` the sources
    allowed to fund *k*; budget years *t*; conversion years *y* (``convert_in``,
    less those before the as-of date when the scenario refuses them).
Data
    closeness :math:`C_j`; cost :math:`a_{jk}` (亿元), :math:`A_j = Σ_k a_{jk}`;
    spending profiles :math:`p_{jk}(o)` (the share of :math:`a_{jk}` spent *o*
    years after conversion: the town's own, else the category's, else the
    scenario's); talent gap :math:`g_j` and its profile :math:`q_j`;
    budgets :math:`B_k`, :math:`B`, annual limits :math:`B_t`, :math:`B_{kt}`;
    source capacities :math:`F_s`, :math:`F_{st}`; talent :math:`R` in all and
    :math:`R_t` a year; the reserve :math:`ρ` (a fixed amount, or a rate *r* of
    the total or of the investment); running costs :math:`o_j` and retained
    revenue :math:`ρ_j`; the number of towns *K*.
Variables
    :math:`x_{jy} ∈ \{0, 1\}`: town *j* converts in year *y*; :math:`z_j = Σ_y
    x_{jy}`; :math:`F_{kst} ≥ 0`: 亿元 of category *k*'s spending in year *t*
    paid by source :math:`s ∈ S_k`; :math:`R_s ≥ 0`: the reserve held at *s*.
Constraints (each named in the output as shown)
    ========================= ===================================================
    one year                  :math:`Σ_y x_{jy} ≤ 1`
    count                     :math:`Σ_j z_j = K` (``exactly``) or :math:`≤ K`
    group.<g>                 :math:`Σ_{j∈G} z_j ≤ 1`
    budget.<k>                :math:`Σ_j a_{jk} z_j ≤ B_k`
    budget.total              :math:`Σ_j A_j z_j ≤ B − ρ` (fixed or a rate of *B*),
                              or :math:`(1 + r) Σ_j A_j z_j ≤ B` (rate of investment)
    budget.year.<t>           :math:`Σ_{jky} a_{jk} p_{jk}(t − y) x_{jy} ≤ B_t`
    budget.<k>.year.<t>       :math:`Σ_{jy} a_{jk} p_{jk}(t − y) x_{jy} ≤ B_{kt}`
    talent                    :math:`Σ_j g_j z_j ≤ R`
    talent.by.<t>             :math:`Σ_{jy} g_j Q_j(t − y) x_{jy} ≤ Σ_{τ≤t} R_τ`
                              (:math:`Q_j` the cumulative profile: recruits hired
                              early count later)
    source.<s>                :math:`Σ_{kt} F_{kst} + R_s ≤ F_s`
    source.<s>.year.<t>       :math:`Σ_k F_{kst} ≤ F_{st}`
    reserve                   :math:`Σ_{s} R_s ≥ ρ` (or :math:`≥ r Σ_j A_j z_j`)
    debt                      :math:`Σ_{s ∈ D} Σ_{kt} F_{kst} ≤` the debt limit
    recurring.<t>             :math:`Σ_{j, y ≤ t} (o_j − ρ_j) x_{jy} ≤` city support
    financing                 :math:`Σ_{s∈S_k} F_{kst} = Σ_{jy} a_{jk} p_{jk}(t − y) x_{jy}`
    must include              :math:`z_j = 1`
    ========================= ===================================================
Objective (registry :data:`~evalkit.decide.objectives.OBJECTIVES`)
    ``closeness`` (default): :math:`\max Σ_{jy} C_j δ_y x_{jy}`, with
    :math:`δ_y = δ^{y − y_0}` under the ``discounted`` timing rule and 1 otherwise;
    ``closeness_minus_cost``: :math:`C_j − λ A_j` in place of :math:`C_j`;
    ``closeness_per_cost``: the ratio to :math:`Σ A_j z_j`, solved exactly by
    Dinkelbach's method.
Timing (:mod:`evalkit.decide.timing`)
    a second-stage rule (``readiness``, ``earliest``, ``balanced``) is applied
    in a second solve over the answers within the tie band of the best;
    sources are then drawn in the order listed (an LP with the answer fixed).
Ties
    every other set or schedule within the tie band
    :math:`\max(\text{abs\_gap}, \text{rel\_gap}·|objective|)`, found with no-good
    cuts, up to a number; each says whether the timing rule decides it.
Status
    both solvers get the same relative and absolute gap (and CBC the same
    cutoff increment); ``optimal`` means proven within them; the answer is
    checked against every row of the model before it is reported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from evalkit.decide.registry import SOLVERS
from evalkit.errors import SolverError

if TYPE_CHECKING:
    from evalkit.decide.selection.backends import Tolerances
    from evalkit.decide.selection.choose import select, select_towns
    from evalkit.decide.selection.inputs import SelectionInput, selection_input
    from evalkit.decide.selection.result import (
        AffordabilityYear,
        Alternative,
        CategoryFinancing,
        ConstraintUse,
        Exclusion,
        Financing,
        PhasingYear,
        Relaxation,
        ReserveHeld,
        SelectedTown,
        SelectionInfeasible,
        SelectionResult,
        Tie,
        WhyNot,
        WhyNotSummary,
    )

_LAZY = {
    "select": "choose", "select_towns": "choose", "SelectionInput": "inputs",
    "selection_input": "inputs",
    **dict.fromkeys(("AffordabilityYear", "Alternative", "CategoryFinancing", "ConstraintUse",
                     "Exclusion", "Financing", "PhasingYear", "Relaxation", "ReserveHeld",
                     "SelectedTown", "SelectionInfeasible", "SelectionResult", "Tie", "WhyNot",
                     "WhyNotSummary"), "result"),
    "Tolerances": "backends",
}
"""Names loaded on first use: the solving modules import the solvers, which the rest of
evalkit (and a robustness run that enumerates portfolios) does not need."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SOLVERS",
    "AffordabilityYear",
    "Alternative",
    "CategoryFinancing",
    "ConstraintUse",
    "Exclusion",
    "Financing",
    "PhasingYear",
    "Relaxation",
    "ReserveHeld",
    "SelectedTown",
    "SelectionInfeasible",
    "SelectionInput",
    "SelectionResult",
    "SolverError",
    "Tie",
    "Tolerances",
    "WhyNot",
    "WhyNotSummary",
    "select",
    "select_towns",
    "selection_input",
]
