r"""Choosing which towns to convert: a 0-1 program solved with CBC (or HiGHS) via PuLP.

This is the only package that imports :mod:`pulp`.  Everything it needs comes
in as a :class:`SelectionInput` (ids, closeness, costs, talent gaps and the
raw table for the screens) and a :class:`~evalkit.decide.scenario.Scenario`.

Modules: :mod:`.inputs` (the towns), :mod:`.problem` (the data over the
eligible towns, checked against the table), :mod:`.model` (the PuLP program),
:mod:`.solvers` (running a solver, reading its status), :mod:`.solve` (the
optimum and the tie-break), :mod:`.explain` (infeasibility, why-not,
alternatives), :mod:`.accounts` (limits used, financing), :mod:`.result`
(what is returned) and :mod:`.choose` (the entry points).

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
Objective (registry :data:`~evalkit.decide.scenario.OBJECTIVES`)
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

import importlib
from typing import TYPE_CHECKING, Any

from evalkit.decide.registry import SOLVERS
from evalkit.errors import SolverError

if TYPE_CHECKING:
    from evalkit.decide.selection.choose import select, select_towns
    from evalkit.decide.selection.inputs import SelectionInput, selection_input
    from evalkit.decide.selection.result import (
        Alternative,
        CategoryFinancing,
        ConstraintUse,
        Exclusion,
        Financing,
        Relaxation,
        SelectedTown,
        SelectionInfeasible,
        SelectionResult,
        WhyNot,
    )

_LAZY = {
    "select": "choose", "select_towns": "choose", "SelectionInput": "inputs",
    "selection_input": "inputs",
    **dict.fromkeys(("Alternative", "CategoryFinancing", "ConstraintUse", "Exclusion", "Financing",
                     "Relaxation", "SelectedTown", "SelectionInfeasible", "SelectionResult",
                     "WhyNot"), "result"),
}
"""Names loaded on first use: the solving modules import PuLP, which the rest of evalkit
(and a robustness run that enumerates portfolios) does not need."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SOLVERS",
    "Alternative",
    "CategoryFinancing",
    "ConstraintUse",
    "Exclusion",
    "Financing",
    "Relaxation",
    "SelectedTown",
    "SelectionInfeasible",
    "SelectionInput",
    "SelectionResult",
    "SolverError",
    "WhyNot",
    "select",
    "select_towns",
    "selection_input",
]
