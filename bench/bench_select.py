"""Benchmark: choose among 40,000 synthetic towns with CBC, solved to proven optimality.

The instance (seeded numpy): closeness uniform on [0, 1]; three cost
categories per town (亿元) drawn around the work plan's scale; a budget per
category (4.5% of what converting every town would cost) and a total budget
(4%), and a cardinality row (at most 2,000 towns, 5%) — four budget rows and
one count row over 40,000 binary variables; the budgets bind.  No phasing, sources, talent or
explanation re-solves: this measures the core model as :func:`evalkit.decide.selection.select`
builds and solves it.

Scaling curve (issue 7): N = 100, 1,000, 10,000 and 40,000 towns, the same
shares (budgets 4.5%/4%, at most 5% of the towns), each size in a fresh
Python process so that its peak RSS is its own; ``run(quick=True)`` (for
``python -m bench --quick``) does 100 and 1,000 towns once each.

Run ``python bench/bench_select.py`` (or ``python -m bench.bench_select``)
for the 40,000-town case alone; the harness calls :func:`run`, which returns
one dict per size.  Time is the median wall-clock of ``repeats`` solves
(building the instance not counted), and the median CPU time of Python
and CBC together (steadier when other work shares the two cores); peak RSS is
this process's and, separately, the largest child's (CBC runs as a
subprocess; Linux counts the parent's pages a child was forked with, so the
child figure is an upper bound).
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalkit.decide.scenario import Category, Scenario
from evalkit.decide.selection import SelectionInput, select

ROOT = Path(__file__).resolve().parents[1]

TOWNS = 40_000
SEED = 20250101
CATEGORY_RANGES = {"infrastructure": (5.0, 35.0), "public_services": (3.0, 20.0),
                   "industrial": (2.0, 12.0)}


def instance(towns: int = TOWNS, seed: int = SEED) -> tuple[SelectionInput, Scenario]:
    """The synthetic towns and the scenario with four budget rows and a count row."""
    rng = np.random.default_rng(seed)
    ids = tuple(f"S{i:05d}" for i in range(towns))
    closeness = rng.uniform(0.0, 1.0, towns)
    costs = {cat: np.round(rng.uniform(low, high, towns), 2)
             for cat, (low, high) in CATEGORY_RANGES.items()}
    # 5% of the towns may be chosen, but each budget holds only about 4% of
    # the towns' costs: the budgets bind and closeness must be traded for cost.
    categories = tuple(Category(cat, f"cost_{cat}", {"en": cat}, round(0.045 * costs[cat].sum(), 1))
                       for cat in CATEGORY_RANGES)
    total = float(sum(c.sum() for c in costs.values()))
    scenario = Scenario(name="bench", count=towns // 20, count_mode="at_most",
                        categories=categories, total_budget=round(0.04 * total, 1))
    table = pd.DataFrame(index=pd.Index(ids, name="id"))
    return SelectionInput(ids, ids, closeness, costs, np.zeros(towns), table), scenario


SIZES = (100, 1_000, 10_000, 40_000)
QUICK_SIZES = (100, 1_000)
REPEATS = 3


def run(quick: bool = False) -> list[dict[str, Any]]:
    """The scaling curve: one fresh process per size, so each peak RSS is that case's own."""
    sizes, repeats = (QUICK_SIZES, 1) if quick else (SIZES, REPEATS)
    return [_in_child(n, repeats) for n in sizes]


def _in_child(towns: int, repeats: int, solver: str = "cbc") -> dict[str, Any]:
    from bench import note

    note(f"select, {towns:,} towns")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(towns), str(repeats),
               solver]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"select benchmark failed at {towns} towns: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def measure(repeats: int = REPEATS, towns: int = TOWNS, solver: str = "cbc") -> dict[str, Any]:
    """Solve the instance ``repeats`` times in this process; time, memory and the answer."""
    data, scenario = instance(towns)
    times, cpu = [], []
    result = None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), _cpu_seconds()
        result = select(data, scenario, solver=solver, alternatives=0, why_not=False)
        times.append(time.perf_counter() - start)
        cpu.append(_cpu_seconds() - start_cpu)
    assert result is not None
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "case": f"select, {solver.upper()} to proven optimality (5 rows, no re-solves)",
        "n": towns,
        "towns": towns,
        "rows": {"budget": len(scenario.categories) + 1, "count": 1},
        "solver": solver,
        "status": result.status,
        "gap": result.gap,
        "objective": round(float(result.objective), 6),
        "selected": len(result.selected),
        "binding": [c.name for c in result.constraints if c.binding],
        "runs": repeats,
        "seconds": [round(t, 3) for t in times],
        "median_seconds": round(statistics.median(times), 3),
        "cpu_seconds": [round(t, 3) for t in cpu],
        "median_cpu_seconds": round(statistics.median(cpu), 3),
        "peak_rss_mb": round(self_kb / 1024, 1),
        "peak_rss_solver_mb": round(child_kb / 1024, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (CBC): load-independent."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        towns, repeats, solver = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        print(json.dumps(measure(repeats, towns, solver)))
        return
    figures = measure()
    print(f"{figures['towns']} towns, {figures['rows']['budget']} budget rows + 1 count row, "
          f"{figures['solver']}: {figures['status']} (gap {figures['gap']})")
    print(f"objective {figures['objective']:.4f}, {figures['selected']} towns chosen, "
          f"binding: {', '.join(figures['binding']) or 'none'}")
    runs = ", ".join(f"{t:.2f}" for t in figures["seconds"])
    print(f"time: median {figures['median_seconds']:.2f} s wall-clock over {figures['runs']} "
          f"runs ({runs}); median CPU {figures['median_cpu_seconds']:.2f} s (Python + CBC)")
    print(f"peak RSS: {figures['peak_rss_mb']:.0f} MB (Python), "
          f"{figures['peak_rss_solver_mb']:.0f} MB (largest child, CBC)")


if __name__ == "__main__":
    main()
