"""Benchmark of ``evalkit robust``'s ranking step (issue 5).

10,000 weight samples (uniform on the simplex) × 40,000 synthetic towns × 30
indicators (a seeded random positive matrix, half of the columns costs):
top-3 acceptability by :class:`evalkit.robust.TopsisBatch`, against a loop
that calls pymcdm's TOPSIS once per sample (timed on a few hundred samples in
the same run and scaled to 10,000).  Targets: ≤ 10 s, ≥ 100× the loop.

The measurement runs in a fresh Python process so that its peak resident
memory (``ru_maxrss``, read right after the vectorised runs, before the loop)
is its own.  Wall-clock times are the best and the median of ``REPEATS``
runs; CPU times (all threads, steadier when other work shares the two cores)
are reported beside them.  ``run()`` returns the figures as a dict;
``python bench/bench_robust.py`` prints them as JSON.
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


def run() -> dict[str, Any]:
    """Run the benchmark in a child process and return its figures."""
    child = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child"],
                           capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(child.stdout)


def _measure() -> dict[str, Any]:
    import resource
    import time

    import numpy as np
    from pymcdm import methods

    from evalkit.rank import NORMALIZATIONS
    from evalkit.robust import MEMORY_LIMIT, TopsisBatch, rank_acceptability

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    rng = np.random.Generator(np.random.PCG64(SEED))
    values = rng.uniform(1.0, 100.0, size=(TOWNS, INDICATORS))
    signs = np.where(np.arange(INDICATORS) % 2 == 0, 1, -1)
    weights = rng.dirichlet(np.ones(INDICATORS), size=SAMPLES)
    before = peak_mb()

    times, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        batch = TopsisBatch.from_arrays(values, signs, "vector")
        tally = rank_acceptability(batch, weights, K)
        top_k = tally.top(K)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    vectorised_peak = peak_mb()

    topsis = methods.TOPSIS(NORMALIZATIONS["vector"])
    loop_counts = np.zeros(TOWNS)
    start, start_cpu = time.perf_counter(), time.process_time()
    for s in range(LOOP_SAMPLES):
        closeness = topsis(values, weights[s], signs, validation=False)
        loop_counts[np.argpartition(-closeness, K - 1)[:K]] += 1
    loop = time.perf_counter() - start
    loop_cpu = time.process_time() - start_cpu
    # the same samples through the vectorised path agree with the loop
    check = rank_acceptability(batch, weights[:LOOP_SAMPLES], K)
    agree = bool(np.array_equal(check.ranks[:, :K].sum(axis=1), loop_counts))

    best = min(times)
    scaled = loop * SAMPLES / LOOP_SAMPLES
    scaled_cpu = loop_cpu * SAMPLES / LOOP_SAMPLES
    return {
        "samples": SAMPLES,
        "towns": TOWNS,
        "indicators": INDICATORS,
        "k": K,
        "vectorised_seconds": round(best, 3),
        "vectorised_seconds_median": round(statistics.median(times), 3),
        "vectorised_seconds_all": [round(t, 3) for t in times],
        "vectorised_cpu_seconds": round(min(cpu), 3),
        "loop_samples": LOOP_SAMPLES,
        "loop_seconds": round(loop, 3),
        "loop_seconds_scaled": round(scaled, 1),
        "loop_cpu_seconds_scaled": round(scaled_cpu, 1),
        "speedup": round(scaled / best, 1),
        "speedup_cpu": round(scaled_cpu / min(cpu), 1),
        "peak_rss_mb": round(vectorised_peak, 1),
        "rss_before_mb": round(before, 1),
        "memory_limit_mb": MEMORY_LIMIT // 2**20,
        "top_k_sum": round(float(top_k.sum()), 6),  # = k without ties
        "loop_agrees": agree,
        "meets_time_target": best <= TIME_TARGET,
        "meets_speedup_target": scaled / best >= SPEEDUP_TARGET,
    }


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(_measure()))
    else:
        print(json.dumps(run(), indent=2))
