"""Benchmark of ``evalkit robust``'s ranking step (issues 5 and 7).

Top-3 acceptability by :class:`evalkit.decide.robustness.TopsisBatch` over weight
samples (uniform on the simplex) × synthetic towns × 30 indicators (a seeded
random positive matrix, half of the columns costs):

- the scaling curve (issue 7): 1,000 samples at N = 100, 1,000, 10,000 and
  40,000 towns;
- the target case (issue 5): 10,000 samples × 40,000 towns, against a loop
  that calls pymcdm's TOPSIS once per sample (timed on a few hundred samples
  in the same run and scaled to 10,000).  Targets: ≤ 10 s, ≥ 100× the loop.

Each case runs in a fresh Python process so that its peak resident memory
(``ru_maxrss``, read right after the vectorised runs, before the loop) is its
own.  Wall-clock times are the best and the median of ``REPEATS`` runs; CPU
times (all threads, steadier when other work shares the two cores) are
reported beside them.  ``run()`` returns one dict per case;
``run(quick=True)`` (``python -m bench --quick``) does 200 samples at 100 and
1,000 towns once, with a 20-sample loop check; ``python bench/bench_robust.py``
prints the figures as JSON.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

SAMPLES = 10_000
TOWNS = 40_000
INDICATORS = 30
K = 3
LOOP_SAMPLES = 200
REPEATS = 3
SEED = 20240605
TIME_TARGET = 10.0
SPEEDUP_TARGET = 100.0


CURVE_SAMPLES = 1_000
CURVE_SIZES = (100, 1_000, 10_000, 40_000)


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Every case, each in a fresh child process; one dict per case."""
    if quick:
        return [_in_child(200, n, repeats=1, loop_samples=20) for n in (100, 1_000)]
    rows = [_in_child(CURVE_SAMPLES, n, REPEATS, 0) for n in CURVE_SIZES]
    rows.append(_in_child(SAMPLES, TOWNS, REPEATS, LOOP_SAMPLES))
    return rows


def _in_child(samples: int, towns: int, repeats: int, loop_samples: int) -> dict[str, Any]:
    from bench import note

    note(f"robust, {samples:,} samples × {towns:,} towns")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(samples), str(towns),
               str(repeats), str(loop_samples)]
    child = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(child.stdout)


def _measure(samples: int = SAMPLES, towns: int = TOWNS, repeats: int = REPEATS,
             loop_samples: int = LOOP_SAMPLES) -> dict[str, Any]:
    import resource
    import time

    import numpy as np
    from pymcdm import methods

    from evalkit.decide.robustness import MEMORY_LIMIT, TopsisBatch, rank_acceptability
    from evalkit.methods.registry import NORMALIZATIONS

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    rng = np.random.Generator(np.random.PCG64(SEED))
    values = rng.uniform(1.0, 100.0, size=(towns, INDICATORS))
    signs = np.where(np.arange(INDICATORS) % 2 == 0, 1, -1)
    weights = rng.dirichlet(np.ones(INDICATORS), size=samples)
    before = peak_mb()

    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        batch = TopsisBatch.from_arrays(values, signs, "vector")
        tally = rank_acceptability(batch, weights, K)
        top_k = tally.top(K)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    vectorised_peak = peak_mb()

    best = min(times)
    target = samples == SAMPLES and towns == TOWNS
    label = f"TopsisBatch top-{K} acceptability, {samples:,} samples × {INDICATORS} indicators"
    row: dict[str, Any] = {
        "case": label + (" (target case)" if target else ""),
        "n": towns,
        "samples": samples,
        "towns": towns,
        "indicators": INDICATORS,
        "k": K,
        "runs": repeats,
        "median_seconds": round(statistics.median(times), 3),
        "median_cpu_seconds": round(statistics.median(cpu), 3),
        "vectorised_seconds": round(best, 3),
        "vectorised_seconds_all": [round(t, 3) for t in times],
        "vectorised_cpu_seconds": round(min(cpu), 3),
        "peak_rss_mb": round(vectorised_peak, 1),
        "rss_before_mb": round(before, 1),
        "memory_limit_mb": MEMORY_LIMIT // 2**20,
        "top_k_sum": round(float(top_k.sum()), 6),  # = k without ties
    }
    if loop_samples:
        topsis = methods.TOPSIS(NORMALIZATIONS["vector"])
        loop_counts = np.zeros(towns)
        start, start_cpu = time.perf_counter(), time.process_time()
        for s in range(loop_samples):
            closeness = topsis(values, weights[s], signs, validation=False)
            loop_counts[np.argpartition(-closeness, K - 1)[:K]] += 1
        loop = time.perf_counter() - start
        loop_cpu = time.process_time() - start_cpu
        # the same samples through the vectorised path agree with the loop
        check = rank_acceptability(batch, weights[:loop_samples], K)
        scaled = loop * samples / loop_samples
        scaled_cpu = loop_cpu * samples / loop_samples
        row.update({
            "loop_samples": loop_samples,
            "loop_seconds": round(loop, 3),
            "loop_seconds_scaled": round(scaled, 1),
            "loop_cpu_seconds_scaled": round(scaled_cpu, 1),
            "speedup": round(scaled / best, 1),
            "speedup_cpu": round(scaled_cpu / min(cpu), 1),
            "loop_agrees": bool(np.array_equal(check.ranks[:, :K].sum(axis=1), loop_counts)),
        })
    if target:
        row.update({
            "target_seconds": TIME_TARGET,
            "meets_time_target": best <= TIME_TARGET,
            "meets_speedup_target": row["speedup"] >= SPEEDUP_TARGET,
            "meets_target": best <= TIME_TARGET and row["speedup"] >= SPEEDUP_TARGET,
            "note": f"≤ {TIME_TARGET:g} s (best of {repeats}) and ≥ {SPEEDUP_TARGET:g}× the pymcdm loop",
        })
    return row


if __name__ == "__main__":
    if "--child" in sys.argv:
        samples, towns, repeats, loop_samples = map(int, sys.argv[2:6])
        print(json.dumps(_measure(samples, towns, repeats, loop_samples)))
    else:
        print(json.dumps(run(), indent=2))
