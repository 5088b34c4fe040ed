"""The fast paths of ``evalkit rank`` (issue 19) give what the careful paths give.

- The plain-CSV reader (pandas' C tokenizer, :mod:`evalkit.io.csvfast`) and the
  ``csv``-module reader agree on every table: the same cells, row numbers and
  numbers (to the bit, sign of zero included), and the same error message,
  byte for byte, for every bad cell of a corpus and every malformed table.
- The compact JSON (orjson, the ranking built from arrays) parses to the same
  object as the indented JSON, which stays byte for byte ``json.dumps``.
- Progress displays appear on a terminal only, and never with ``--quiet``.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import pty
import random
import select
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from foundation_support import SAMPLE_CSV, run_cli

import evalkit.io.candidates as candidates_module
from evalkit import InputError, evaluate, load_candidates, load_criteria
from evalkit.io.csvfast import EXACT_FLOATS, plain_csv, plain_number_cells
from evalkit.io.jsontext import dumps_compact, dumps_indented, json_numbers, json_strings
from evalkit.io.numbers import parse_number
from evalkit.io.sheets import read_csv_text
from evalkit.io.synth import write_csv
from evalkit.paths import PROJECT_ROOT

CRITERIA30 = PROJECT_ROOT / "bench" / "criteria30.yaml"
TEXT_COLUMNS = ("id", "name", "name_en")


# --------------------------------------------------------------------------
# The plain-CSV reader against the csv-module reader
# --------------------------------------------------------------------------

def _outcome(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What reading ``path`` gives: the table's content and every column's numbers (or the
    error of each), or the error of the read; with the fast reader on or off."""
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(candidates_module, "plain_csv", lambda text, dialect, columns=(): None)
        try:
            table = load_candidates(path, sources=False)
        except InputError as exc:
            return ("error", exc.message)
        numbers: dict[str, Any] = {}
        for column in table.columns:
            if column in TEXT_COLUMNS:
                continue
            for signed in (False, True):
                try:
                    values = table.numeric(column, signed=signed)
                    numbers[(column, signed)] = (values.tobytes(),)  # bits: -0.0 ≠ 0.0
                except InputError as exc:
                    numbers[(column, signed)] = ("error", exc.message)
        cells = table.cells
        return (table.ids, table.names, table.names_en, table.rows, table.header_row,
                list(cells.columns), [str(t) for t in cells.dtypes],
                [[(type(v).__name__, v) for v in row] for row in cells.itertuples(index=True)],
                numbers)


def _fast_path_taken(path: Path) -> bool:
    text, _, dialect = read_csv_text(path)
    return plain_csv(text, dialect) is not None


def _sample_lines() -> list[str]:
    return SAMPLE_CSV.read_text(encoding="utf-8").splitlines()


def _with_cell(town: int, column: str, value: str, delimiter: str = ",") -> str:
    lines = _sample_lines()
    header = lines[0].split(",")
    cells = lines[town].split(",")
    cells[header.index(column)] = value
    lines[town] = ",".join(cells)
    return "\n".join(line.replace(",", delimiter) for line in lines) + "\n"


BAD_CELLS = [
    "", "   ", "\t", "abc", "45亿", "１２．５", "12 345", "1_000", "inf", "-inf", "Infinity", "nan",
    "NaN", "1e400", "-1e400", "+1e 1", "+0e 0", "1e", "e5", ".", "-", "+", "1.2.3", "--1", "0x10",
    "True", "false", "٣", "5²", "1 2", "-3", "-0", "-0.0", "+0", "00012", "12 ", " 12", "\t12",
    "1e-400", "12345678901234567890123", "9223372036854775808", "+.5", "7.", "1E5", ".5e-3",
    "\u300012", "12\u3000", "1\u200b2", "N/A", "#DIV/0!", "=A1", "1;2",
]
"""Cells the careful reader accepts or refuses in every way it knows (a few with values)."""


@pytest.mark.parametrize("value", BAD_CELLS, ids=[repr(v) for v in BAD_CELLS])
def test_a_cell_reads_the_same_and_fails_the_same_either_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    for column in ("pop_2019", "industrial_firms"):  # a decimal column, an integer column
        path = tmp_path / "towns.csv"
        path.write_text(_with_cell(3, column, value), encoding="utf-8")
        assert _outcome(path, True, monkeypatch) == _outcome(path, False, monkeypatch), column


@pytest.mark.parametrize("value", ["", " ", "青山镇\u202e", "T1", "x" * 101, "Ｔ９"])
def test_ids_and_names_read_and_fail_the_same_either_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    for column in TEXT_COLUMNS:
        path = tmp_path / "towns.csv"
        path.write_text(_with_cell(2, column, value), encoding="utf-8")
        assert _outcome(path, True, monkeypatch) == _outcome(path, False, monkeypatch), column


def _tables() -> dict[str, bytes]:
    lines = _sample_lines()
    text = "\n".join(lines) + "\n"
    header = lines[0]
    short = [*lines[:2], lines[2].rsplit(",", 1)[0], *lines[3:]]
    long = [*lines[:2], lines[2] + ",extra", *lines[3:]]
    return {
        "plain": text.encode(),
        "no final newline": text.rstrip("\n").encode(),
        "CRLF": text.replace("\n", "\r\n").encode(),
        "lone CR": text.replace("\n", "\r", 2).encode(),
        "BOM": b"\xef\xbb\xbf" + text.encode(),
        "GBK": text.encode("gbk"),
        "semicolons": text.replace(",", ";").encode(),
        "tabs": text.replace(",", "\t").encode(),
        "blank lines": ("\n\n" + "\n,,,\n  \n".join(lines) + "\n\n\n").encode(),
        "a quoted cell": text.replace("青山镇", '"青山镇"').encode(),
        "a quoted comma": text.replace("13.89", '"13,890"', 1).encode(),
        "a short row": ("\n".join(short) + "\n").encode(),
        "a long row": ("\n".join(long) + "\n").encode(),
        "trailing empty cells": ("\n".join(line + ",," for line in lines) + "\n").encode(),
        "header spaces": text.replace("pop_2019", " pop_2019 ", 1).encode(),
        "duplicate header": text.replace("pop_2022", "pop_2019", 1).encode(),
        "empty header name": text.replace(",urban_pop,", ",,", 1).encode(),
        "no id column": text.replace("id,", "code,", 1).encode(),
        "duplicate id": text.replace("T2,", "T1,", 1).encode(),
        "only the header": (header + "\n").encode(),
        "one town": ("\n".join(lines[:2]) + "\n").encode(),
        "blank name_en column": "\n".join(
            ",".join(c if i != 2 else ("name_en" if n == 0 else "") for i, c in
                     enumerate(line.split(","))) for n, line in enumerate(lines)).encode(),
        "a huge field": text.replace("青山镇", "青" * 140_000, 1).encode(),
        "NUL": text.replace("青山镇", "青\x00", 1).encode(),
    }


TABLES = _tables()


@pytest.mark.parametrize("name", list(TABLES))
def test_a_table_reads_the_same_and_fails_the_same_either_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    path = tmp_path / "towns.csv"
    path.write_bytes(TABLES[name])
    assert _outcome(path, True, monkeypatch) == _outcome(path, False, monkeypatch)


@pytest.mark.parametrize(("name", "fast"), [
    ("plain", True), ("CRLF", True), ("BOM", True), ("GBK", True), ("semicolons", True),
    ("tabs", True), ("blank lines", True), ("no final newline", True),
    ("blank name_en column", True), ("duplicate id", True),
    ("a quoted cell", False), ("a short row", False), ("a long row", False), ("lone CR", False),
    ("trailing empty cells", False), ("a huge field", False),
])
def test_the_fast_reader_takes_plain_tables_and_leaves_the_rest(
        tmp_path: Path, name: str, fast: bool) -> None:
    """So the comparisons above compare two readers, not one with itself."""
    path = tmp_path / "towns.csv"
    path.write_bytes(TABLES[name])
    assert _fast_path_taken(path) is fast


def test_a_synthetic_table_reads_the_same_either_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "towns.csv", 2_000, 11)
    assert _fast_path_taken(path)
    assert _outcome(path, True, monkeypatch) == _outcome(path, False, monkeypatch)


def test_a_plain_table_comes_with_its_numbers_and_reads_its_text_when_asked(
        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "towns.csv", 300, 3)
    table = load_candidates(path, sources=False)
    assert EXACT_FLOATS  # the pinned pandas converts with fast_float
    assert set(table._numeric) == set(table.columns) - set(TEXT_COLUMNS)  # every numeric column
    assert table._cells is None  # no text read yet: ranking does not need it
    assert table.cells.loc[table.ids[0], "id"] == table.ids[0] and table._cells is not None


def test_pandas_reads_a_decimal_to_the_same_double_as_float() -> None:
    """The fast reader's premise: pandas' C converter rounds correctly, as ``float`` does.

    Random decimals of 1–25 digits with exponents to the ends of the range,
    and numbers half-way between two doubles (where a converter that is not
    correctly rounded goes wrong; Clinger 1990, Lemire 2021 "Number parsing
    at a gigabyte per second"), and the case pandas 1.2 misread
    (``0.00000000000001953``, pandas issue 39514).
    """
    rng = random.Random(7)
    texts = ["0.00000000000001953", "2.2250738585072011e-308", "9007199254740993",
             "1.7976931348623157e308", "4.9406564584124654e-324", "123456789012345678901234567890"]
    for _ in range(20_000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 25)))
        point = rng.randint(0, len(digits))
        text = digits[:point] + "." + digits[point:] if rng.random() < 0.8 else digits
        if rng.random() < 0.3:
            text += f"e{rng.randint(-330, 310)}"
        texts.append(text.lstrip(".") or "0")
    for _ in range(2_000):
        x = rng.random() * 10.0 ** rng.randint(-300, 300)
        half = (Decimal(x) + Decimal(float(np.nextafter(x, np.inf)))) / 2
        texts.append(str(half))
    expected = np.array([float(t) for t in texts])
    finite = np.isfinite(expected)
    read = pd.read_csv(io.StringIO("x\n" + "\n".join(texts) + "\n"),
                       dtype={"x": np.float64})["x"].to_numpy()
    assert np.array_equal(read[finite], expected[finite])


def _checked(cells: list[str], width: int) -> list[bool]:
    rows = len(cells) // width
    body = "\n".join(",".join(cells[r * width:(r + 1) * width]) for r in range(rows)).encode()
    starts, valid = plain_number_cells(body, ",", rows, width, list(range(width)))
    encoded = [c.encode() for c in cells]
    assert [body[s:s + len(c)] for s, c in zip(starts.ravel(), encoded, strict=True)] == encoded
    return valid.ravel().tolist()


def test_plain_number_cells_accept_what_parse_number_reads_without_spaces() -> None:
    """Every text of up to 5 characters over digits, point, signs, exponents and a space,
    one cell a row, then mixed in tables of several columns.  The reader's grammar is
    :mod:`evalkit.io.numbers`' without its spaces, separators and full-width forms."""
    alphabet = "01.eE+- "
    texts = ["".join(chars) for length in range(6) for chars in itertools.product(alphabet,
                                                                                  repeat=length)]

    def plain(text: str) -> bool:
        return parse_number(text) is not None and " " not in text

    assert _checked(texts, 1) == [plain(t) for t in texts]
    rng = random.Random(5)
    for _ in range(300):
        width = rng.randint(1, 5)
        cells = [rng.choice(texts) for _ in range(width * rng.randint(1, 30))]
        assert _checked(cells, width) == [plain(c) for c in cells], cells
    assert _checked(["1.5", "+2e-3", "x1", "１"], 2) == [True, True, False, False]


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = write_csv(tmp_path_factory.mktemp("synth") / "towns.csv", 2_000, 5)
    return evaluate(load_criteria(CRITERIA30), load_candidates(path))


@pytest.fixture(scope="module")
def sample() -> Any:
    return evaluate(load_criteria(PROJECT_ROOT / "criteria" / "default.yaml"),
                    load_candidates(SAMPLE_CSV))


@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_compact_json_parses_to_the_same_object_as_the_indented(
        which: str, request: pytest.FixtureRequest) -> None:
    result = request.getfixturevalue(which)
    data = result.to_dict()
    indented = result.to_json()
    compact = result.to_json(compact=True)
    assert indented == (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    assert compact.endswith(b"\n") and compact.count(b"\n") == 1
    assert json.loads(compact) == json.loads(indented) == json.loads(json.dumps(data))
    assert len(compact) < len(indented)  # one line, no indentation


def test_compact_ranking_keeps_towns_without_obstacles_and_top_zero(
        synthetic: Any) -> None:
    """Towns with fewer than three obstacles (a zero degree is left out), and no obstacles."""
    degree = synthetic.obstacles.degree.copy()
    degree[0] = 0.0  # best on everything: no obstacle at all
    degree[1, 2:] = 0.0  # two obstacles only
    from dataclasses import replace

    changed = replace(synthetic, obstacles=replace(synthetic.obstacles, degree=degree))
    for k in (0, 1, 3, 40):
        expected = json.loads(json.dumps(changed.to_dict(top_obstacles=k)))
        assert json.loads(changed.to_json(compact=True, top_obstacles=k)) == expected, k


def test_wide_dicts_are_indented_as_json_dumps_does() -> None:
    """The agreement's scores (one key per town) take the dict-at-a-time path."""
    rng = random.Random(3)
    ids = [f"T{i}" for i in range(500)]
    data = {"a": {"scores": {i: rng.random() for i in ids}, "ranks": {i: 1 for i in ids},
                  "mixed": {i: [1, {"x": None}] if n % 7 else "t%" for n, i in enumerate(ids)}},
            "b": [{t: 1.5} for t in ids[:3]], "c": {}}
    assert dumps_indented(data) == json.dumps(data, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("texts", [
    ["T1", "青山镇", "a\"b", "%s", "é\u2028"],
    ["back\\slash", "x"],  # a backslash: one text at a time
    ["a\x1fb", "c"],  # the separator itself: one text at a time
    [""],
])
def test_json_strings_escape_as_json_does(texts: list[str]) -> None:
    rendered = [b'"' + t + b'"' for t in json_strings(texts)]
    assert [json.loads(r) for r in rendered] == texts


def test_json_numbers_and_compact_dumps_write_numbers_json_reads_back() -> None:
    values = [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, 3, True, None]
    assert [json.loads(t) for t in json_numbers(values)] == values
    data = {"x": values, "y": np.float64(2.5), "z": {"t": "青"}}
    assert json.loads(dumps_compact(data)) == {"x": values, "y": 2.5, "z": {"t": "青"}}
    assert json.loads(dumps_compact({1: "a"})) == {"1": "a"}  # orjson refuses: json.dumps


def test_rank_writes_compact_json_above_a_thousand_towns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "towns.csv", 1_001, 9)
    common = ("rank", "--criteria", CRITERIA30, "--candidates", path, "--format", "json")
    default = run_cli(*common)
    indented = run_cli(*common, "--indented")
    assert default.exit_code == indented.exit_code == 0, default.output
    assert default.stdout.count("\n") == 1 and indented.stdout.startswith("{\n  ")
    assert json.loads(default.stdout) == json.loads(indented.stdout)


def test_rank_on_the_sample_stays_indented_unless_asked(tmp_path: Path) -> None:
    default = run_cli("rank", "--format", "json")
    compact = run_cli("rank", "--format", "json", "--compact")
    assert default.stdout.startswith("{\n  \"criteria_set\"")
    assert compact.stdout.count("\n") == 1
    assert json.loads(compact.stdout) == json.loads(default.stdout)


# --------------------------------------------------------------------------
# Progress on a terminal, and nowhere else
# --------------------------------------------------------------------------

def _on_a_terminal(*args: str, timeout: float = 120) -> tuple[int, str]:
    """Run ``evalkit`` with stderr on a pseudo-terminal: exit code and what it showed there."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "evalkit", *args], cwd=PROJECT_ROOT,
                               stdout=subprocess.DEVNULL, stderr=slave,
                               env={**os.environ, "COLUMNS": "120"})
    os.close(slave)
    shown = bytearray()
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                process.kill()
                raise AssertionError("no output and no end")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed: the process is done
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    return process.wait(timeout=timeout), shown.decode("utf-8", errors="replace")


def _piped(*args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "evalkit", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stderr


PROGRESS_CASES = [
    (("rank", "--format", "json"), "读表 reading the tables"),
    (("select", "--pick", "2", "--format", "json"), "求解 solving"),
    (("robust", "--samples", "300", "--format", "json"), "抽样权重 weights"),
]


@pytest.mark.parametrize(("args", "label"), PROGRESS_CASES, ids=[a[0] for a, _ in PROGRESS_CASES])
def test_progress_shows_on_a_terminal_and_not_with_quiet(args: tuple[str, ...], label: str) -> None:
    code, shown = _on_a_terminal(*args)
    assert code == 0, shown
    assert label in shown and "\x1b[" in shown
    code, shown = _on_a_terminal(*args, "--quiet")
    assert code == 0, shown
    assert label not in shown and "\x1b[" not in shown


@pytest.mark.parametrize(("args", "label"), PROGRESS_CASES, ids=[a[0] for a, _ in PROGRESS_CASES])
def test_piped_stderr_gets_no_progress(args: tuple[str, ...], label: str) -> None:
    code, stderr = _piped(*args)
    assert code == 0, stderr
    assert label not in stderr and "\x1b[" not in stderr and "\r" not in stderr


def test_rank_as_a_process_writes_all_its_output_before_its_quick_exit(tmp_path: Path) -> None:
    """``evalkit rank`` ends its process without tearing the heap down (``quick_exit``): the
    whole JSON still reaches a pipe and a file, and the exit codes are unchanged."""
    path = write_csv(tmp_path / "towns.csv", 3_000, 4)
    common = [sys.executable, "-m", "evalkit", "rank", "--criteria", str(CRITERIA30),
              "--candidates", str(path), "--format", "json"]
    piped = subprocess.run(common, capture_output=True, timeout=120, check=False)
    assert piped.returncode == 0, piped.stderr.decode()
    expected = json.loads(evaluate(load_criteria(CRITERIA30), load_candidates(path))
                          .to_json(compact=True))
    assert json.loads(piped.stdout) == expected
    written = subprocess.run([*common, "-o", str(tmp_path / "r.json")], capture_output=True,
                             timeout=120, check=False)
    assert written.returncode == 0 and json.loads((tmp_path / "r.json").read_bytes()) == expected
    again = subprocess.run([*common, "-o", str(tmp_path / "r.json")], capture_output=True,
                           timeout=120, check=False)
    assert again.returncode == 2 and b"output file already exists" in again.stderr


def test_report_shows_each_stage_and_the_documents_done(tmp_path: Path) -> None:
    args = ("report", "--no-towns", "--no-robustness", "--lang", "zh", "--lang", "en",
            "--out", str(tmp_path))
    code, shown = _on_a_terminal(*args)
    assert code == 0, shown
    for label in ("评估 evaluating", "求解 selecting", "渲染 rendering documents"):
        assert label in shown, label
    code, shown = _on_a_terminal(*args, "--quiet")
    assert code == 0, shown
    assert "渲染 rendering documents" not in shown and "\x1b[" not in shown
    code, stderr = _piped(*args)
    assert code == 0 and "渲染" not in stderr and "\r" not in stderr
    assert len(list(tmp_path.iterdir())) == 3  # three runs, none overwritten
