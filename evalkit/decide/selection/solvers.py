"""Running a solver and reading its status honestly.

The solvers are the registry :data:`~evalkit.decide.registry.SOLVERS`: CBC
(bundled with PuLP) and HiGHS (highspy).  Each entry runs one solve and
returns what it learnt of the bound; :func:`run_solver` reads the status from
both of PuLP's status fields, accepts a solution only when it meets every row
of the model, and calls it ``optimal`` only when the solver proved it.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import warnings

import pulp

from evalkit.decide.registry import SOLVERS
from evalkit.errors import SolverError

Bounds = tuple[float | None, float | None]
"""(best bound, objective) as the solver reports them, when it does."""

_CBC_BOUND = re.compile(r"^(?:Lower|Upper) bound:\s*(\S+)", re.MULTILINE)
_CBC_OBJECTIVE = re.compile(r"^Objective value:\s*(\S+)", re.MULTILINE)


def run_solver(prob: pulp.LpProblem, solver: str,
               time_limit: float | None) -> tuple[str, float | None]:
    """Solve; return (``optimal`` | ``feasible`` | ``infeasible`` | ``stopped``, gap).

    A solution is accepted only if it meets every constraint of the model (to
    1e-6, relative).  CBC 2.10's preprocessing can return a solution that
    breaks a row and still say "Optimal" (it logs "Postprocessed model is
    infeasible - possible tolerance issue"); the solver is then run again
    without preprocessing, and if the answer is still wrong
    :class:`~evalkit.errors.SolverError` is raised rather than a wrong plan
    reported.
    """
    solve = SOLVERS[solver]
    outcome = _status(prob, solve(prob, time_limit, preprocess=True))
    if outcome[0] in ("optimal", "feasible") and _broken_row(prob):
        outcome = _status(prob, solve(prob, time_limit, preprocess=False))
        broken = _broken_row(prob) if outcome[0] in ("optimal", "feasible") else None
        if broken:
            raise SolverError(
                f"the {solver} solver returned a plan that breaks its own constraint {broken}",
                "try the other solver (solver='highs' or 'cbc')")
    return outcome


def cbc(prob: pulp.LpProblem, time_limit: float | None, *, preprocess: bool) -> Bounds | str:
    """One CBC run; the bound and objective are read from its log."""
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
    if time_limit is not None and prob.sol_status != pulp.LpSolutionIntegerFeasible and (
            "Stopped on time" in text or _wall_seconds(text) >= time_limit):
        # Stopped by the clock, CBC may still say "infeasible" (its preprocessing, cut short,
        # reports "Cut generators found to be infeasible"): nothing was proven.
        if prob.status != pulp.LpStatusOptimal:
            return "stopped"
    found_bound, found_objective = _CBC_BOUND.search(text), _CBC_OBJECTIVE.search(text)
    if found_bound and found_objective:
        return _float(found_bound.group(1)), _float(found_objective.group(1))
    return None, None


_CBC_WALL = re.compile(r"Wallclock seconds\):\s*([0-9.]+)")


def _wall_seconds(log: str) -> float:
    """The longest wall-clock time CBC reports in its log (0 when it gives none)."""
    return max((float(x) for x in _CBC_WALL.findall(log)), default=0.0)


def highs(prob: pulp.LpProblem, time_limit: float | None, *, preprocess: bool) -> Bounds | str:
    """One HiGHS run (highspy); the bound and objective come from its info record."""
    options = {} if preprocess else {"presolve": "off"}
    prob.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=0.0, gapAbs=1e-9, **options))
    info = prob.solverModel.getInfo()
    if info.primal_solution_status == 0:  # no primal solution at all
        return "infeasible" if prob.status == pulp.LpStatusInfeasible else "stopped"
    if prob.numVariables() and any(v.cat == pulp.LpInteger for v in prob.variables()):
        return float(info.mip_dual_bound), float(info.objective_function_value)
    return None, None


def _status(prob: pulp.LpProblem, found: Bounds | str) -> tuple[str, float | None]:
    """The status from both ``prob.status`` and ``prob.sol_status``, and the gap if known."""
    if isinstance(found, str):
        return found, None
    bound, objective = found
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


def _broken_row(prob: pulp.LpProblem) -> str | None:
    """The first constraint or binary the current solution breaks, if any."""
    for var in prob.variables():
        value = var.varValue
        if value is None:
            if var.name == "__dummy":  # PuLP's stand-in for an empty objective
                continue
            return str(var.name)
        if var.cat == pulp.LpInteger and abs(value - round(value)) > 1e-6:
            return str(var.name)
        if var.lowBound is not None and value < var.lowBound - 1e-6:
            return str(var.name)
    for row in prob.constraints():
        excess = row.value()  # left side minus right side
        tolerance = 1e-6 * max(1.0, abs(row.constant))
        if row.sense == pulp.LpConstraintEQ and abs(excess) > tolerance:
            return str(row.name)
        if row.sense * excess < -tolerance:
            return str(row.name)
    return None


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
