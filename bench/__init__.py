"""evalkit's benchmarks: ``python -m bench`` (or ``make bench``).

Protocol
--------
Every module ``bench/bench_<name>.py`` is a benchmark; the harness
(:mod:`bench.__main__`) finds it by its file name, runs it in a fresh Python
process (so one benchmark's memory never counts against another's), prints a
table and rewrites the figures in ``docs/benchmarks.md``.

A module exposes ``run(...)``, returning one dict or a list of dicts, one per
measurement.  Any JSON-friendly keys may appear (all are kept in
``docs/benchmarks.json`` and in the details in the doc); the table reads these:

=====================  =====================================================
``case``               what was measured (default: the module's name)
``n`` or ``towns``     problem size
``median_seconds``     median wall-clock time (``*_seconds_median`` also read)
``median_cpu_seconds`` median CPU time, steadier when the machine is shared
``runs``/``repeats``   how many runs the median is over
``peak_rss_mb``        peak resident memory (MiB) of the process doing the work
``target_seconds``     the target, if there is one
``meets_target``       whether it was met (``meets_*target`` also read)
``note``               one short remark
=====================  =====================================================

``--quick`` (a CI smoke run, figures not written to the doc unless
``--doc`` is given) calls ``run(quick=True)`` when ``run`` takes ``quick``,
else ``run(**QUICK_KWARGS)`` when the module defines ``QUICK_KWARGS``, and
otherwise skips the module.

The helpers below time work the same way in every benchmark.  A module may
call :func:`note` as it goes; the harness shows the latest note in its
progress display (on a terminal, without ``--quiet``).

Subprocesses run with bytecode caching on (:func:`child_env`), as an installed
evalkit runs, even when the calling shell sets ``PYTHONDONTWRITEBYTECODE``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The repository; benchmarks run with it as the working directory."""

PROGRESS_ENV = "EVALKIT_BENCH_PROGRESS"
"""Names the file a benchmark process appends its notes to (set by the harness)."""
PYCACHE = Path(tempfile.gettempdir()) / "evalkit-bench-pycache"
"""Where measured subprocesses keep their bytecode (outside the repository)."""


def note(text: str) -> None:
    """Tell the harness what is being measured now (one line; ignored outside the harness)."""
    path = os.environ.get(PROGRESS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text.replace("\n", " ") + "\n")


def child_env() -> dict[str, str]:
    """The environment of a measured subprocess: this one, with bytecode cached.

    Users' Pythons cache bytecode; with ``PYTHONDONTWRITEBYTECODE`` set (as in
    some shells and CI) every run would compile evalkit's modules again, about
    0.2 s of start-up that no user pays.  The cache goes to :data:`PYCACHE`
    (``PYTHONPYCACHEPREFIX``), so the repository is not written to; the
    benchmarks make one untimed run first to fill it.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


@dataclass(frozen=True)
class ChildRun:
    """One finished subprocess: wall-clock and CPU seconds, peak resident memory."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    returncode: int
    stderr: str


def run_child(command: Sequence[str], *, cwd: Path = ROOT) -> ChildRun:
    """Run ``command`` and measure it alone: ``wait4`` gives this child's own rusage,
    so its peak RSS is not mixed up with any other process's."""
    start = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=child_env())
    assert process.stderr is not None
    stderr = process.stderr.read().decode("utf-8", errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    process.stderr.close()
    return ChildRun(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                    process.returncode, stderr)


def medians(runs: Sequence[ChildRun]) -> dict[str, object]:
    """The figures of several runs of one command, for a result row."""
    return {
        "runs": len(runs),
        "median_seconds": round(statistics.median(r.seconds for r in runs), 3),
        "seconds": [round(r.seconds, 3) for r in runs],
        "median_cpu_seconds": round(statistics.median(r.cpu_seconds for r in runs), 3),
        "peak_rss_mb": round(max(r.peak_rss_mb for r in runs), 1),
    }


def time_calls(func: Callable[[], object], repeats: int) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``func``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times
