"""Benchmark: the assessment report (PDF) of the bundled five-town sample (issue 6).

The report is built as ``evalkit report`` builds it (default criteria,
``candidates/towns.csv``, ``criteria/scenario.yaml`` with its standards
screen, selection and robustness, ``criteria/targets.yaml``; report time
fixed), once per case and not timed; then :func:`evalkit.report.render_reports`
is timed, median of 3 runs, in these cases:

- the five-town summary only, Chinese (``towns=False``, ``langs=("zh",)``) —
  issue 6's target: ≤ 5 s;
- both languages with the 10 town reports too (12 PDFs, rendered by
  ``TOWN_WORKERS`` forked processes);
- for reference, ``evalkit report --no-towns`` end to end as a subprocess
  (start-up, evaluation, selection, robustness and the summary).

Each case runs in a fresh Python process; its peak RSS is that process's
(``ru_maxrss``) and, separately, the largest forked render worker's.  The
harness's ``--quick`` skips this module (a render takes several seconds).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import ROOT, medians, note, run_child

RUNS = 3
TARGET_SECONDS = 5.0  # the five-town summary
CRITERIA = ROOT / "criteria" / "default.yaml"
CANDIDATES = ROOT / "candidates" / "towns.csv"
NOW = "2025-03-01T10:00:00+08:00"
CASES = {
    "summary": (("zh",), False),
    "all": (("zh", "en"), True),
}


def run() -> list[dict[str, Any]]:
    """Each case in a fresh process; one dict per case."""
    rows = [_in_child(case) for case in CASES]
    rows.append(_end_to_end())
    return rows


def _in_child(case: str) -> dict[str, Any]:
    note(f"report: {case}")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", case]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"report benchmark {case} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _built() -> Any:
    """The Report of the sample, with the analyses ``evalkit report`` adds."""
    from evalkit import evaluate, load_candidates, load_criteria
    from evalkit.decide.robustness import robustness
    from evalkit.decide.scenario import load_scenario
    from evalkit.decide.selection import select_towns
    from evalkit.decide.standards import screen_table
    from evalkit.report import build_report

    evaluation = evaluate(load_criteria(CRITERIA), load_candidates(CANDIDATES))
    base = CRITERIA.parent
    scenario = load_scenario(base / "scenario.yaml")
    assert scenario.standards is not None
    analyses = {"screen": screen_table(scenario.standards, evaluation.candidates.cells,
                                       [rule.id for rule in scenario.screens]),
                "selection": select_towns(evaluation, scenario),
                "robustness": robustness(evaluation, scenario=scenario, seed=0)}
    return build_report(evaluation, targets=base / "targets.yaml",
                        inputs={"criteria": CRITERIA, "candidates": CANDIDATES,
                                "scenario": base / "scenario.yaml"},
                        parameters={"scenario": getattr(scenario, "name", "scenario")},
                        now=datetime.fromisoformat(NOW), **analyses)


def measure(case: str, runs: int = RUNS) -> dict[str, Any]:
    """Build the report once, then time ``runs`` renders of ``case`` in this process."""
    from evalkit.report import TOWN_WORKERS, render_reports

    langs, towns = CASES[case]
    start = time.perf_counter()
    report = _built()
    build_seconds = time.perf_counter() - start
    times, cpu, pdfs, size = [], [], 0, 0
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-report-") as tmp:
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), _cpu_seconds()
            done = render_reports(report, langs=langs, out=tmp, towns=towns)
            times.append(time.perf_counter() - start)
            cpu.append(_cpu_seconds() - start_cpu)
            pdfs = len(done.pdfs)
            size = sum(p.stat().st_size for p in done.pdfs)
    row: dict[str, Any] = {
        "case": ("render_reports: five-town summary, zh" if case == "summary" else
                 f"render_reports: summary + 5 town reports × zh, en ({TOWN_WORKERS} processes)"),
        "n": len(report.town_ids),
        "pdfs": pdfs,
        "pdf_kb": round(size / 1024, 1),
        "runs": runs,
        "median_seconds": round(statistics.median(times), 3),
        "seconds": [round(t, 3) for t in times],
        "median_cpu_seconds": round(statistics.median(cpu), 3),
        "build_report_seconds": round(build_seconds, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }
    if case == "summary":
        row["target_seconds"] = TARGET_SECONDS
        row["meets_target"] = row["median_seconds"] <= TARGET_SECONDS
    return row


def _end_to_end() -> dict[str, Any]:
    script = Path(sys.executable).parent / "evalkit"
    evalkit = [str(script)] if script.exists() else [sys.executable, "-m", "evalkit"]
    with tempfile.TemporaryDirectory(prefix="evalkit-bench-report-") as tmp:
        command = [*evalkit, "report", "--no-towns", "--lang", "zh", "--out", tmp, "--time", NOW]
        result = [run_child(command) for _ in range(RUNS)]
    failed = [r for r in result if r.returncode != 0]
    if failed:
        raise RuntimeError(f"evalkit report failed: {failed[0].stderr[-2000:]}")
    return {"case": "evalkit report --no-towns (zh), end to end", "n": 5, **medians(result),
            "note": "start-up, evaluation, selection, robustness and the summary"}


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the render workers)."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(measure(sys.argv[sys.argv.index("--child") + 1]), ensure_ascii=False))
    else:
        print(json.dumps(run(), indent=2, ensure_ascii=False))
