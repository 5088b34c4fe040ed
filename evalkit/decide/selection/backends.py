"""The solvers, run on a :class:`~.program.Program` with the same explicit tolerances.

Two back ends (the registry :data:`~evalkit.decide.registry.SOLVERS`):

* **HiGHS** through highspy: the arrays are passed as they are;
* **CBC**, the binary bundled with PuLP: the program is written as free MPS and
  CBC is run with ``-timeMode elapsed``; its status, objective and best bound
  are read from its solution file and log.

Both are given the same optimality tolerances (:class:`Tolerances`): a
relative gap, an absolute gap and — CBC only, HiGHS has no such option — a
cutoff increment (CBC's default of 1e-5 lets it prune a node that could
improve the answer by less than that, so "optimal" could hide a better set;
it is set to the absolute gap here).  ``optimal`` then means: proven within
the shown tolerance of the best possible.  Whatever a solver says, its
answer is accepted only when :meth:`~.program.Program.violation` finds
nothing broken (:func:`run`); anything a solver does that evalkit cannot read
is a :class:`~evalkit.errors.SolverError`, one line on the command line.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from evalkit.decide.registry import SOLVERS
from evalkit.decide.selection.program import EQ, GE, LE, Program
from evalkit.errors import SolverError


@dataclass(frozen=True)
class Tolerances:
    """When an answer counts as optimal: ``gap ≤ max(abs_gap, rel_gap × |objective|)``.

    ``cutoff_increment`` is CBC's minimum improvement of a new answer (its
    ``-increment``); HiGHS has no such option and prunes by the gaps alone.
    The same band decides ties: two answers whose objectives differ by no more
    than it are equally good (:meth:`band`).
    """

    rel_gap: float = 1e-6
    abs_gap: float = 1e-9
    cutoff_increment: float = 1e-9

    def band(self, value: float) -> float:
        """How far below ``value`` an answer still counts as equally good."""
        return max(self.abs_gap, self.rel_gap * abs(value))

    def to_dict(self) -> dict[str, Any]:
        return {"rel_gap": self.rel_gap, "abs_gap": self.abs_gap,
                "cutoff_increment": self.cutoff_increment,
                "note": "cutoff_increment is CBC's -increment; HiGHS has no such option and "
                        "prunes by the two gaps"}


@dataclass(frozen=True)
class Outcome:
    """One solve: ``optimal`` (proven within the tolerances), ``feasible`` (an answer, not
    proven), ``infeasible`` (proven none) or ``stopped`` (none found in time)."""

    status: str
    values: np.ndarray | None = None
    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    detail: str = ""

    @property
    def gap(self) -> float | None:
        """|bound − objective| / max(|objective|, 1e-10), when the solver gave a bound."""
        if self.objective is None or self.bound is None or not math.isfinite(self.bound):
            return None
        return abs(self.bound - self.objective) / max(abs(self.objective), 1e-10)


def run(program: Program, solver: str, time_limit: float | None, tolerances: Tolerances,
        start: np.ndarray | None = None) -> Outcome:
    """Solve with ``solver``; the answer is checked row by row against the program.

    ``start``: an answer the solver starts from (its MIP start), used when it breaks
    no row.  A solution that breaks a row is solved again without presolve (CBC 2.10's
    preprocessing can return one, logging "Postprocessed model is infeasible");
    if it still breaks one, :class:`SolverError` is raised rather than a
    wrong plan reported.
    """
    if program.n_cols == 0:  # nothing to choose (every town excluded): no solver needed
        empty = np.zeros(0)
        if program.violation(empty):
            return Outcome("infeasible")
        return Outcome("optimal", empty, program.offset, program.offset)
    solve = SOLVERS[solver]
    if start is not None and program.violation(start) is not None:
        start = None  # a start that breaks a row would only be refused by the solver
    outcome: Outcome = solve(program, time_limit, tolerances, presolve=True, start=start)
    if outcome.values is not None and program.violation(outcome.values):
        outcome = solve(program, time_limit, tolerances, presolve=False, start=start)
        broken = program.violation(outcome.values) if outcome.values is not None else None
        if broken:
            raise SolverError(
                f"the {solver} solver returned a plan that breaks its own constraint {broken}",
                "try the other solver (--solver highs or --solver cbc)")
    return outcome


# --- HiGHS --------------------------------------------------------------------------------


def _highs_model(program: Program, *, relax: bool = False) -> Any:
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = program.n_cols
    lp.num_row_ = program.n_rows
    lp.col_cost_ = program.cost
    lp.col_lower_ = program.lower
    lp.col_upper_ = np.where(np.isfinite(program.upper), program.upper, highspy.kHighsInf)
    inf = highspy.kHighsInf
    lp.row_lower_ = np.where(program.sense == LE, -inf, program.rhs)
    lp.row_upper_ = np.where(program.sense == GE, inf, program.rhs)
    matrix = program.matrix.tocsc()
    matrix.sum_duplicates()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.a_matrix_.num_col_ = program.n_cols
    lp.a_matrix_.num_row_ = program.n_rows
    lp.sense_ = highspy.ObjSense.kMaximize if program.maximize else highspy.ObjSense.kMinimize
    lp.offset_ = program.offset
    if not relax and program.integer.any():
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[int(b)] for b in program.integer]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    if h.passModel(lp) == highspy.HighsStatus.kError:
        raise SolverError("HiGHS refused the model", "try --solver cbc")
    return h


PRESOLVE_LIGHT = 1_000
"""HiGHS programs with more 0-1 columns than this are presolved without the rules below."""
PRESOLVE_RULES_OFF = 8192 | 16384 | 32768
"""HiGHS's presolve rules 13 (parallel rows and columns), 14 (sparsify) and 15 (probing)."""


def highs(program: Program, time_limit: float | None, tolerances: Tolerances, *,
          presolve: bool = True, start: np.ndarray | None = None) -> Outcome:
    """One HiGHS run (from ``start`` when given); the bound is HiGHS's ``mip_dual_bound``."""
    import highspy

    began = time.perf_counter()
    try:
        h = _highs_model(program)
        h.setOptionValue("mip_rel_gap", tolerances.rel_gap)
        h.setOptionValue("mip_abs_gap", tolerances.abs_gap)
        if time_limit is not None:
            h.setOptionValue("time_limit", max(0.01, float(time_limit)))
        if not presolve:
            h.setOptionValue("presolve", "off")
        elif program.n_integer > PRESOLVE_LIGHT:
            # parallel columns, sparsification and probing scan the long budget and Gale
            # rows once per column: at 20,000 0-1 columns (10,000 towns, two years) they took
            # most of a 45 s solve, for reductions the dominated-column rule makes anyway
            h.setOptionValue("presolve_rule_off", PRESOLVE_RULES_OFF)
        if start is not None:
            given = highspy.HighsSolution()
            given.col_value = [float(x) for x in start]
            h.setSolution(given)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        solution = h.getSolution()
    except Exception as exc:  # highspy raises plain exceptions; the user gets one line
        raise SolverError(f"HiGHS failed: {exc}", "try --solver cbc") from None
    seconds = time.perf_counter() - began
    kind = highspy.HighsModelStatus
    has_solution = info.primal_solution_status == 2
    values = np.asarray(solution.col_value, dtype=float) if has_solution else None
    objective = float(info.objective_function_value) if has_solution else None
    is_mip = bool(program.integer.any())
    bound = float(info.mip_dual_bound) if is_mip and has_solution else objective
    if status == kind.kOptimal:
        return Outcome("optimal", values, objective, bound, seconds)
    if status in (kind.kInfeasible, kind.kUnboundedOrInfeasible):
        return Outcome("infeasible", seconds=seconds)
    if status in (kind.kTimeLimit, kind.kInterrupt, kind.kIterationLimit, kind.kSolutionLimit,
                  kind.kObjectiveBound, kind.kObjectiveTarget):
        if has_solution:
            return Outcome("feasible", values, objective, bound, seconds)
        return Outcome("stopped", seconds=seconds)
    raise SolverError(f"HiGHS ended with status {h.modelStatusToString(status)!r}",
                      "try --solver cbc")


@dataclass(frozen=True)
class Relaxation:
    """The LP relaxation: its values, row duals (the program's sense) and objective."""

    status: str
    values: np.ndarray | None
    duals: np.ndarray | None
    objective: float | None


def lp_relaxation(program: Program, time_limit: float | None) -> Relaxation:
    """The program with integrality dropped, solved by HiGHS's dual simplex."""
    import highspy

    try:
        h = _highs_model(program, relax=True)
        h.setOptionValue("solver", "simplex")
        if time_limit is not None:
            h.setOptionValue("time_limit", max(0.01, float(time_limit)))
        h.run()
        status = h.getModelStatus()
        solution = h.getSolution()
        info = h.getInfo()
    except Exception as exc:
        raise SolverError(f"HiGHS failed on the LP relaxation: {exc}", "try --solver cbc") from None
    kind = highspy.HighsModelStatus
    if status in (kind.kInfeasible, kind.kUnboundedOrInfeasible):
        return Relaxation("infeasible", None, None, None)
    if status != kind.kOptimal:
        return Relaxation("stopped", None, None, None)
    return Relaxation("optimal", np.asarray(solution.col_value, dtype=float),
                      np.asarray(solution.row_dual, dtype=float),
                      float(info.objective_function_value))


# --- CBC ----------------------------------------------------------------------------------


def cbc_path() -> str:
    """The CBC binary bundled with PuLP."""
    import warnings

    import pulp

    with warnings.catch_warnings():
        # PuLP 3.3 announces PULP_CBC_CMD's removal in PuLP 4; evalkit pins pulp < 4.
        warnings.simplefilter("ignore", DeprecationWarning)
        path = pulp.PULP_CBC_CMD(msg=False).path
    if not path or not os.path.exists(path):
        raise SolverError("the CBC binary bundled with PuLP is missing",
                          "reinstall PuLP (pip install -c requirements.lock pulp), or use "
                          "--solver highs")
    return str(path)


def write_mps(program: Program, path: str) -> None:
    """The program as free-format MPS, minimising (a maximum is written negated)."""
    sign = -1.0 if program.maximize else 1.0
    kinds = {LE: "L", GE: "G", EQ: "E"}
    out = ["NAME evalkit", "ROWS", " N obj"]
    out += [f" {kinds[int(s)]} R{i}" for i, s in enumerate(program.sense)]
    out.append("COLUMNS")
    matrix = program.matrix.tocsc()
    matrix.sum_duplicates()
    cost = sign * program.cost
    order = np.concatenate([np.flatnonzero(program.integer), np.flatnonzero(~program.integer)])
    n_int = program.n_integer
    for position, j in enumerate(order):
        if position == 0 and n_int:
            out.append("    MARKER 'MARKER' 'INTORG'")
        if position == n_int and n_int:
            out.append("    MARKER 'MARKER' 'INTEND'")
        lo, hi = matrix.indptr[j], matrix.indptr[j + 1]
        name = f"C{j}"
        out.append(f"    {name} obj {float(cost[j])!r}")
        out.extend(f"    {name} R{i} {v!r}" for i, v in
                   zip(matrix.indices[lo:hi].tolist(), matrix.data[lo:hi].tolist(), strict=True))
    if n_int == program.n_cols and n_int:
        out.append("    MARKER 'MARKER' 'INTEND'")
    out.append("RHS")
    out.extend(f"    RHS R{i} {v!r}" for i, v in enumerate(program.rhs.tolist()) if v != 0)
    out.append("BOUNDS")
    for j in range(program.n_cols):
        lo, hi = float(program.lower[j]), float(program.upper[j])
        if lo == hi:
            out.append(f" FX BND C{j} {lo!r}")
            continue
        if lo != 0:
            out.append(f" LO BND C{j} {lo!r}" if math.isfinite(lo) else f" MI BND C{j}")
        out.append(f" UP BND C{j} {hi!r}" if math.isfinite(hi) else f" PL BND C{j}")
    out.append("ENDATA")
    with open(path, "w", encoding="ascii") as stream:
        stream.write("\n".join(out) + "\n")


_BEST_POSSIBLE = re.compile(r"best possible (\S+?)\)")
_INTEGER_GAP = re.compile(r"integer gap of (\S+) less than")


def cbc(program: Program, time_limit: float | None, tolerances: Tolerances, *,
        presolve: bool = True, start: np.ndarray | None = None) -> Outcome:
    """One CBC run (from ``start`` when given, as its ``-mips`` file); the bound is read from
    its log (best possible, or the gap it stopped at)."""
    began = time.perf_counter()
    binary = cbc_path()
    folder = tempfile.mkdtemp(prefix="evalkit-cbc-")
    model, solution = os.path.join(folder, "model.mps"), os.path.join(folder, "solution.txt")
    mipstart = os.path.join(folder, "start.txt")
    try:
        write_mps(program, model)
        command = [binary, model, "-timeMode", "elapsed",
                   "-ratioGap", repr(tolerances.rel_gap), "-allowableGap", repr(tolerances.abs_gap),
                   "-increment", repr(tolerances.cutoff_increment), "-randomSeed", "1"]
        if time_limit is not None:
            command += ["-sec", repr(max(0.01, float(time_limit)))]
        if not presolve:
            command += ["-preprocess", "off"]
        if start is not None:
            # CBC reads a start as its own solution file: "index name value" a line
            with open(mipstart, "w", encoding="ascii") as stream:
                stream.write("Feasible - objective value 0\n")
                stream.writelines(f"{j} C{j} {float(x)!r}\n" for j, x in enumerate(start))
            command += ["-mips", mipstart]
        command += ["-printingOptions", "all", "-solve", "-solution", solution]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise SolverError(f"CBC could not be run: {exc}", "use --solver highs") from None
        log = done.stdout + done.stderr
        if not os.path.exists(solution):
            last = next((line for line in reversed(log.splitlines()) if line.strip()), "")
            raise SolverError(f"CBC wrote no solution (exit code {done.returncode}: {last})",
                              "use --solver highs")
        with open(solution, encoding="utf-8", errors="replace") as stream:
            text = stream.read()
    finally:
        for name in (model, solution, mipstart):
            if os.path.exists(name):
                os.unlink(name)
        os.rmdir(folder)
    return _read_cbc(program, text, log, time.perf_counter() - began)


def _read_cbc(program: Program, text: str, log: str, seconds: float) -> Outcome:
    lines = text.splitlines()
    head = lines[0] if lines else ""
    status_word = head.split(" - ")[0].strip().lower()
    sign = -1.0 if program.maximize else 1.0
    values = np.zeros(program.n_cols)
    seen = 0
    for line in lines[1:]:
        parts = line.replace("**", " ").split()
        if len(parts) >= 3 and parts[1].startswith("C") and parts[1][1:].isdigit():
            j = int(parts[1][1:])
            if j < program.n_cols:
                values[j] = float(parts[2])
                seen += 1
    if status_word.startswith("infeasible") or status_word.startswith("integer infeasible"):
        return Outcome("infeasible", seconds=seconds)
    objective = program.objective(values) if seen else None
    if status_word.startswith("optimal"):
        return Outcome("optimal", values, objective, _cbc_bound(log, sign, objective, program),
                       seconds)
    if status_word.startswith("stopped"):
        found = re.search(r"objective value\s+(\S+)", head)
        value = float(found.group(1)) if found else math.inf
        if seen and abs(value) < 1e40 and program.violation(values) is None:
            return Outcome("feasible", values, objective, _cbc_bound(log, sign, None, program),
                           seconds)
        return Outcome("stopped", seconds=seconds)
    raise SolverError(f"CBC ended with {head.strip()!r}", "use --solver highs")


def _cbc_bound(log: str, sign: float, objective: float | None, program: Program) -> float | None:
    """The best bound in the program's own sense, from CBC's log (``None``: not given).

    CBC states it as the gap it stopped at ("integer gap of …", exact) or as
    "best possible" when stopped early; its "Lower bound:" line has three
    decimals only and is not used.
    """
    gap = _INTEGER_GAP.findall(log)
    if gap and objective is not None:
        try:
            return objective + (1.0 if program.maximize else -1.0) * float(gap[-1])
        except ValueError:
            pass
    found = _BEST_POSSIBLE.findall(log)
    if found:
        try:
            return sign * float(found[-1]) + program.offset
        except ValueError:
            pass
    return objective  # proven optimal to CBC's own tolerances (None when stopped: unknown)
