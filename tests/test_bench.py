"""The benchmark harness (python -m bench): a quick smoke run and its report plumbing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a package of the repository, not of evalkit
    sys.path.insert(0, str(ROOT))

from bench.__main__ import SLOTS, render, rows_of, write_doc  # noqa: E402


def test_quick_run_prints_the_rank_figures_and_writes_no_doc(tmp_path: Path) -> None:
    doc = ROOT / "docs" / "benchmarks.md"
    before = doc.read_bytes() if doc.exists() else None
    done = subprocess.run([sys.executable, "-m", "bench", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "evalkit rank, CSV → JSON, end to end" in done.stdout
    assert "TOPSIS step ÷ bare pymcdm TOPSIS" in done.stdout
    assert "\x1b[" not in done.stderr and "rank:" not in done.stderr  # piped: no progress display
    assert (doc.read_bytes() if doc.exists() else None) == before


def test_unknown_benchmark_is_an_error() -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "--only", "nope"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "no benchmark nope" in done.stderr


def test_rows_read_a_plain_dict_in_the_select_benchmark_style() -> None:
    report = {"figures": {"towns": 40_000, "median_seconds": 1.5, "repeats": 3, "peak_rss_mb": 300.0}}
    [row] = rows_of("select", report)
    assert (row["case"], row["n"], row["seconds"], row["runs"], row["rss"]) == \
        ("select", 40_000, 1.5, 3, 300.0)


def test_doc_keeps_the_prose_and_a_slot_for_each_missing_benchmark(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nProse before.\n\nProse after.\n", encoding="utf-8")
    write_doc(doc, render({}))
    write_doc(doc, render({}))  # a second run replaces the block, it does not add one
    text = doc.read_text(encoding="utf-8")
    assert text.count("bench:begin") == 1 and "Prose before." in text and "Prose after." in text
    for name in SLOTS:
        assert f"Slot: not measured yet — add `bench/bench_{name}.py`" in text
