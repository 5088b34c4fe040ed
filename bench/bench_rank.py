"""Benchmark: ``evalkit rank`` at nationwide scale (issues 7 and 19).

Synthetic towns (:mod:`evalkit.io.synth`, seed 7) × the 30 indicators of
``bench/criteria30.yaml``:

- end to end: ``evalkit rank --format json -o FILE`` as a subprocess, CSV in
  and JSON out, at N = 100, 1,000, 10,000 and 40,000 towns — median wall-clock
  and CPU seconds of 5 runs (after one untimed run that fills the bytecode
  cache), peak RSS of the ``evalkit`` process itself (target at 40,000: ≤ 2 s,
  issue 19; it was 3 s in issue 7).  JSON is compact above 1,000 towns, as
  ``evalkit rank`` writes it by default; the 40,000 case is also run with
  ``--indented``, the form it had before;
- the fixed cost in that: ``evalkit rank --help``, which starts Python,
  imports what ``evalkit rank`` needs and exits;
- the stages at 40,000 towns, in this process (median of 3);
- the TOPSIS step, :func:`evalkit.methods.ranking.topsis`, against a bare
  ``pymcdm.methods.TOPSIS(vector_normalization)(matrix, weights, types)`` call
  on the same matrix and weights, interleaved, median of 9 each (target: ≤ 1.5×);
  pymcdm validates its input by default, so the ratio to a call with
  ``validation=False`` (the arithmetic alone) is reported too.

Run ``python -m bench --only rank``; ``run(quick=True)`` does 100 and 1,000
towns, one run each (a smoke test, not a measurement).
"""

from __future__ import annotations

import os

# As `evalkit rank` runs (evalkit.cli.ONE_BLAS_THREAD): set before numpy is first imported,
# so the stages below and the pymcdm comparison run as the command does.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import functools
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import ROOT, medians, note, run_child, time_calls

CRITERIA = ROOT / "bench" / "criteria30.yaml"
COMPACT_ABOVE = 1_000  # evalkit.cli.rank.COMPACT_ABOVE (not imported: it loads the command)
SIZES = (100, 1_000, 10_000, 40_000)
QUICK_SIZES = (100, 1_000)
RUNS = 5
QUICK_RUNS = 1
SEED = 7
END_TO_END_TARGET = 2.0  # seconds at 40,000 towns (issue 19)
INDENTED_RUNS = 3
TOPSIS_RATIO_TARGET = 1.5


def _evalkit() -> list[str]:
    """The ``evalkit`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "evalkit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "evalkit"]


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Every measurement of this module, one dict each."""
    from evalkit.io.synth import write_csv

    sizes, runs = (QUICK_SIZES, QUICK_RUNS) if quick else (SIZES, RUNS)
    rows: list[dict[str, Any]] = [_startup(runs)]
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-") as tmp:
        for n in sizes:
            towns = write_csv(Path(tmp) / f"towns{n}.csv", n, SEED)
            rows.append(_end_to_end(towns, n, runs, Path(tmp) / f"ranking{n}.json"))
        largest = Path(tmp) / f"towns{sizes[-1]}.csv"
        if not quick:
            rows.append(_end_to_end(largest, sizes[-1], INDENTED_RUNS,
                                    Path(tmp) / "indented.json", "--indented"))
        rows.extend(_stages(largest, sizes[-1], 1 if quick else 3))
        rows.append(_topsis_ratio(largest, sizes[-1], 3 if quick else 9))
    return rows


def _startup(runs: int) -> dict[str, Any]:
    command = [*_evalkit(), "rank", "--help"]  # imports what rank needs, then prints its help
    note("start-up")
    run_child(command)  # fills the bytecode cache; not timed
    result = [run_child(command) for _ in range(runs)]
    return {"case": "start-up: evalkit rank --help (Python, imports, exit)", "n": 0,
            **medians(result)}


def _end_to_end(towns: Path, n: int, runs: int, out: Path, *layout: str) -> dict[str, Any]:
    command = [*_evalkit(), "rank", "--criteria", str(CRITERIA), "--candidates", str(towns),
               "--format", "json", "-o", str(out), "--overwrite", *layout]
    result = []
    for run in range(runs + 1):
        note(f"evalkit rank {' '.join(layout)} end to end, {n:,} towns, run {run}/{runs}")
        child = run_child(command)
        if run:  # the first run is not timed (it may fill the bytecode cache)
            result.append(child)
    failed = [r for r in result if r.returncode != 0]
    if failed:
        raise RuntimeError(f"evalkit rank failed on {n} towns: {failed[0].stderr[-2000:]}")
    case = "evalkit rank, CSV → JSON, end to end" + (f" ({layout[0]})" if layout else "")
    row: dict[str, Any] = {"case": case, "n": n, "indicators": 30, **medians(result),
                           "json_mb": round(out.stat().st_size / 2**20, 1),
                           "json_layout": "indented" if layout or n <= COMPACT_ABOVE else "compact"}
    if n == 40_000 and not layout:
        row["target_seconds"] = END_TO_END_TARGET
        row["meets_target"] = row["median_seconds"] <= END_TO_END_TARGET
    return row


def _stages(towns: Path, n: int, repeats: int) -> list[dict[str, Any]]:
    """Each step of ``evalkit rank`` in this process, to show where the time goes."""
    from evalkit import load_candidates, load_criteria
    from evalkit.io.output import json_bytes
    from evalkit.methods.crosscheck import agreement
    from evalkit.methods.diagnose import obstacle_degrees
    from evalkit.methods.ranking import topsis
    from evalkit.methods.weighting import compute_weights
    from evalkit.model.evaluation import Evaluation
    from evalkit.model.indicators import build_matrix
    from evalkit.model.provenance import table_provenance

    criteria = load_criteria(CRITERIA)
    times: dict[str, list[float]] = {}

    def step(name: str, func: Any, *args: Any) -> Any:
        start = time.perf_counter()
        value = func(*args)
        times.setdefault(name, []).append(time.perf_counter() - start)
        return value

    for repeat in range(repeats):
        note(f"stages at {n:,} towns, {repeat + 1}/{repeats}")
        table = step("read CSV", load_candidates, towns)
        matrix = step("derive indicators (parse the numbers)", build_matrix, criteria, table)
        weights = step("entropy weights", compute_weights, matrix, criteria.weighting)
        ranking = step("TOPSIS", topsis, matrix, weights)
        obstacles = step("obstacle degrees", obstacle_degrees, matrix, weights)
        agree = step("cross-checks (WSM, VIKOR, PROMETHEE II, TOPSIS min–max)", agreement,
                     matrix, weights, ranking)
        sources = step("provenance", table_provenance, criteria, table)
        result = Evaluation(criteria, table, matrix, weights, ranking, obstacles, agree, sources)
        step("JSON text, compact (what rank writes above 1,000 towns)",
             functools.partial(result.to_json, compact=True))
        data = step("result as a dict (for the indented form)", result.to_dict)
        step("JSON text, indented, from the dict", json_bytes, data)
    return [{"case": f"stage: {name}", "n": n, "runs": repeats,
             "median_seconds": round(statistics.median(t), 3)} for name, t in times.items()]


def _topsis_ratio(towns: Path, n: int, repeats: int) -> dict[str, Any]:
    import numpy as np
    from pymcdm import methods, normalizations

    from evalkit import evaluate, load_candidates, load_criteria
    from evalkit.methods.ranking import topsis

    note(f"TOPSIS step against pymcdm, {n:,} towns")
    result = evaluate(load_criteria(CRITERIA), load_candidates(towns))
    matrix, weights = result.matrix, result.weights
    values, w, types = np.array(matrix.values), np.array(weights.values), matrix.signs
    bare = methods.TOPSIS(normalizations.vector_normalization)
    ours_times, bare_times, unchecked_times = [], [], []
    for _ in range(repeats):  # interleaved, so that a burst of load hits all three alike
        ours_times += time_calls(lambda: topsis(matrix, weights), 1)
        bare_times += time_calls(lambda: bare(values, w, types), 1)
        unchecked_times += time_calls(lambda: bare(values, w, types, validation=False), 1)
    same = bool(np.allclose(topsis(matrix, weights).closeness, bare(values, w, types),
                            rtol=0, atol=1e-12))
    ours, theirs = statistics.median(ours_times), statistics.median(bare_times)
    unchecked = statistics.median(unchecked_times)
    return {"case": "TOPSIS step ÷ bare pymcdm TOPSIS (same matrix)", "n": n, "indicators": 30,
            "runs": repeats, "median_seconds": round(ours, 4),
            "bare_pymcdm_seconds": round(theirs, 4), "ratio": round(ours / theirs, 2),
            # pymcdm validates its input by default; evalkit has validated it already
            "bare_pymcdm_without_validation_seconds": round(unchecked, 4),
            "ratio_without_validation": round(ours / unchecked, 2),
            "target_ratio": TOPSIS_RATIO_TARGET, "meets_target": ours / theirs <= TOPSIS_RATIO_TARGET,
            "same_closeness": same}
