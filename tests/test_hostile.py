"""Hostile and malformed input: one ``Error:`` line naming the file and place, never a
traceback, never a hang, nothing accepted silently.

One case (at least) per kind of fault, run through the command that reads the
file, with the exact line it must print and the exit code (2: the input is
wrong, 3: no selection meets every limit, 4: no solution within the time limit).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from evalkit.cli import cli
from evalkit.paths import DEFAULT_CANDIDATES, PROJECT_ROOT

CRITERIA = PROJECT_ROOT / "criteria"


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled criteria folder and sample table; the working directory."""
    shutil.copytree(CRITERIA, tmp_path / "c")
    shutil.copy(DEFAULT_CANDIDATES, tmp_path / "towns.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str, count: int = 1) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def run(*args: str | Path) -> tuple[int, str]:
    """Run evalkit; the exit code and its single ``Error:`` line (asserted to be one line)."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == (1 if result.exit_code else 0), result.stderr
    return result.exit_code, errors[0] if errors else ""


def validate(*extra: str | Path) -> tuple[int, str]:
    return run("validate", "--criteria", "c/default.yaml", "--candidates", "towns.csv", *extra)


def set_cell(path: Path, town: str, column: str, value: str) -> Path:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    j = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == town:
            row[j] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


# --------------------------------------------------------------------------
# YAML values of the wrong type
# --------------------------------------------------------------------------

WRONG_TYPES = [
    ("direction: max\n    share: {part: gdp_2022", "direction: [max]\n    share: {part: gdp_2022",
     "indicators.gdp_share.direction: direction must be max or min, got ['max'] — write "
     "direction: max (more is better) or min (less is better)"),
    ("    family: economy\n    direction: max\n    share",
     "    family: [economy]\n    direction: max\n    share",
     "indicators.gdp_share.family: unknown family ['economy'] — use one of economy, fiscal, "
     "infrastructure, population, public_services, talent"),
    ("ranking:\n  normalization: vector", "ranking:\n  normalization: [vector]",
     "ranking.normalization: unknown normalization ['vector'] — use one of vector, minmax"),
    ("  method: combined", "  method: [entropy]",
     "weighting.method: unknown weighting method ['entropy'] — use one of entropy, critic, "
     "fixed, ahp, combined"),
    ("  name: {zh: 示例市, en: Sample City}", "  name: [示例市]",
     "city.name: a label must be text or {zh: ..., en: ...} — write  label: {zh: 中文, en: "
     "English}"),
]


@pytest.mark.parametrize(("old", "new", "expected"), WRONG_TYPES,
                         ids=["direction", "family", "normalization", "method", "city"])
def test_wrong_types_in_the_criteria_file(folder: Path, old: str, new: str, expected: str) -> None:
    path = edit(folder / "c" / "default.yaml", old, new)
    line = line_of(path, new.splitlines()[0].strip() if "\n" not in new else
                   next(x for x in new.splitlines() if "[" in x).strip())
    assert validate() == (2, f"Error: c/default.yaml:{line}:{expected}")
    assert run("rank", "--criteria", "c/default.yaml")[0] == 2


def test_wrong_type_in_the_scenario(folder: Path) -> None:
    path = edit(folder / "c" / "scenario.yaml", "objective: closeness", "objective: [closeness]")
    line = line_of(path, "objective: [closeness]")
    expected = (f"Error: c/scenario.yaml:{line}:objective: unknown objective ['closeness'] — "
                "use one of: closeness, closeness_per_cost, closeness_minus_cost")
    assert run("select", "--scenario", "c/scenario.yaml") == (2, expected)
    assert validate() == (2, expected)


def test_threshold_as_text_in_the_standards(folder: Path) -> None:
    path = edit(folder / "c" / "standards.yaml", "threshold: 10", "threshold: ten")
    line = line_of(path, "threshold: ten")
    code, error = run("select", "--scenario", "c/scenario.yaml")
    assert code == 2
    assert re.fullmatch(rf"Error: c/standards\.yaml:{line}:rules\[\d+\]\.threshold: threshold "
                        r"must be a number, got 'ten' — write e\.g\.  threshold: 65", error), error


# --------------------------------------------------------------------------
# Resource exhaustion
# --------------------------------------------------------------------------

def test_alias_bomb(folder: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{k}: &{k} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, k in zip("abcdefghi", "bcdefghij", strict=True))
    (folder / "c" / "default.yaml").write_text(bomb + "name: x\n", encoding="utf-8")
    start = time.perf_counter()
    code, error = validate()
    assert time.perf_counter() - start < 60  # a guard against a hang, not a speed target
    assert code == 2 and error.startswith("Error: c/default.yaml:") and \
        "expands to more than 500,000 values" in error


def test_deep_nesting(folder: Path) -> None:
    (folder / "c" / "default.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n",
                                               encoding="utf-8")
    assert validate() == (2, "Error: c/default.yaml:1:a" + "[0]" * 64 + ": the file is nested "
                          "more than 64 levels deep — flatten the structure")


def test_derivation_nested_too_deep(folder: Path) -> None:
    nested = "{column: gdp_2022}"
    for _ in range(12):
        nested = f"{{ratio: {{numerator: {nested}, denominator: pop_2022}}}}"
    path = edit(folder / "c" / "default.yaml",
                "share: {part: gdp_2022, whole: 850}", f"ratio: {{numerator: {nested}, "
                "denominator: pop_2022}")
    code, error = validate()
    assert code == 2
    assert error.startswith(f"Error: c/default.yaml:{line_of(path, 'ratio: {numerator: {ratio')}:")
    assert error.endswith("derivations are nested more than 8 deep — write the derivation in "
                          "fewer steps, or add a column holding the value")


def test_too_many_indicators(folder: Path) -> None:
    items = "".join(f"  - {{id: x{i}, family: economy, direction: max, column: gdp_2022}}\n"
                    for i in range(30_000))
    (folder / "c" / "default.yaml").write_text(
        "name: big\nfamilies:\n  - {id: economy}\nindicators:\n" + items, encoding="utf-8")
    start = time.perf_counter()
    assert validate() == (2, "Error: c/default.yaml:4:indicators: 30000 indicators, more than "
                          "300 — keep the indicators that matter for the decision")
    assert time.perf_counter() - start < 60  # a guard against a hang, not a speed target


def test_judgment_too_large(folder: Path) -> None:
    path = edit(folder / "c" / "judgments" / "expert_wang.yaml", "value: 3}", "value: 1e400}")
    line = line_of(path, "1e400")
    code, error = run("weights", "--criteria", "c/default.yaml")
    assert code == 2
    assert re.fullmatch(rf"Error: c/judgments/expert_wang\.yaml:{line}:families\.pairs\[\d+\]"
                        r"\.value: value '1e400' is not a number — write a number such as 3 or a "
                        r"fraction such as 1/3", error), error


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_not_read(folder: Path) -> None:
    os.mkfifo(folder / "pipe.yaml")
    assert run("validate", "--criteria", "pipe.yaml") == (
        2, "Error: pipe.yaml: criteria file is not a regular file (a pipe or a device) — give "
           "the path of a file")
    assert run("select", "--scenario", "pipe.yaml") == (
        2, "Error: pipe.yaml: scenario file is not a regular file (a pipe or a device) — give "
           "the path of a file")


def test_a_symlink_loop(folder: Path) -> None:
    os.symlink("loop.yaml", folder / "loop.yaml")
    code, error = run("select", "--scenario", "loop.yaml")
    assert code == 2 and error.startswith("Error: loop.yaml: cannot read scenario file:")


def test_huge_source_date_epoch(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999999")
    assert run("report", "--no-towns", "--no-selection", "--out", "out") == (
        2, "Error: SOURCE_DATE_EPOCH: '99999999999999999999' is not a time this machine can "
           "represent — give seconds since 1970, e.g. 1740794400, or unset it")


# --------------------------------------------------------------------------
# Damaged and hostile workbooks, encodings
# --------------------------------------------------------------------------

def _workbook(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "candidates"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _sample_rows() -> list[list[object]]:
    rows: list[list[object]] = list(csv.reader(io.StringIO(DEFAULT_CANDIDATES.read_text("utf-8"))))
    return [rows[0]] + [[float(c) if re.fullmatch(r"[\d.]+", c) else c for c in r]
                        for r in rows[1:]]


def _rewrite_sheet(path: Path, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(path) as source:
        items = [(i, source.read(i.filename)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, body in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                body = change(body)
            target.writestr(info, body)
    return path


@pytest.mark.parametrize("change", [
    lambda body: body[: len(body) // 2],  # truncated
    lambda body: body.replace(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
                              b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
                              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', 1)
    .replace(b"<t>", b"<t>&b;", 1) if b"<?xml" in body else b"<!DOCTYPE r [<!ENTITY b 'x'>]>" + body,
    lambda body: b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body,
], ids=["truncated", "entity-bomb", "external-entity"])
def test_damaged_or_hostile_sheet_xml(folder: Path, change: Callable[[bytes], bytes]) -> None:
    path = _rewrite_sheet(_workbook(folder / "t.xlsx", _sample_rows()), change)
    code, error = run("validate", "--criteria", "c/default.yaml", "--candidates", path.name)
    assert code == 2
    assert re.fullmatch(r"Error: t\.xlsx: the workbook cannot be read \(\w+: damaged or unsafe "
                        r"XML, or not a workbook\) — open it in Excel and save it again as "
                        r"\.xlsx", error), error


def test_a_stray_cell_far_away_is_read_fast(folder: Path) -> None:
    path = _workbook(folder / "t.xlsx", _sample_rows())
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["candidates"]["XFD1048576"] = "stray"
    book.save(path)
    start = time.perf_counter()
    code, error = run("validate", "--criteria", "c/default.yaml", "--candidates", "t.xlsx")
    assert time.perf_counter() - start < 60  # a guard against a hang, not a speed target
    assert (code, error) == (2, "Error: t.xlsx:1048576: row has 16384 cells but the header has "
                                "34 — remove the extra cells or add a header for them")


def test_a_formula_with_no_saved_value(folder: Path) -> None:
    rows = _sample_rows()
    j = rows[0].index("gdp_2022")
    rows[2][j] = "=B3*2"
    path = _workbook(folder / "t.xlsx", rows)  # openpyxl saves formulas without their values
    code, error = run("validate", "--criteria", "c/default.yaml", "--candidates", path.name)
    assert (code, error) == (2, "Error: t.xlsx:3:gdp_2022: a formula with no saved value: "
                                "'=B3*2' (town T2) — open the workbook in Excel and save it, or "
                                "paste the values in place of the formulas")


def test_a_chart_sheet_named_candidates(folder: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "data"
    book.create_chartsheet("candidates")
    book.save(folder / "t.xlsx")
    assert run("validate", "--criteria", "c/default.yaml", "--candidates", "t.xlsx") == (
        2, "Error: t.xlsx: the sheet 'candidates' is a chart, not a table — put the table on a "
           "worksheet named candidates")


@pytest.mark.parametrize("first", [True, False], ids=["chart-first", "chart-last"])
def test_a_chart_sheet_beside_the_table_is_skipped(folder: Path, first: bool) -> None:
    path = _workbook(folder / "t.xlsx", _sample_rows())
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.create_chartsheet("chart", 0 if first else None)  # a chart sheet with no chart
    book.save(path)
    assert run("validate", "--criteria", "c/default.yaml", "--candidates", "t.xlsx") == (0, "")


def test_utf8_mark_followed_by_gbk(folder: Path) -> None:
    text = DEFAULT_CANDIDATES.read_text(encoding="utf-8")
    (folder / "towns.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("gb18030"))
    code, error = validate()
    assert code == 2 and re.fullmatch(
        r"Error: towns\.csv: the file starts with a UTF-8 mark but byte \d+ is not UTF-8 \(GBK "
        r"text after the mark\?\) — save it from Excel again as 'CSV UTF-8'", error), error


# --------------------------------------------------------------------------
# validate checks everything the other commands would
# --------------------------------------------------------------------------

OPTION_ERRORS = [
    ("  combination: linear", "  combination: average",
     "weighting.combination: unknown combination 'average' — use one of linear, multiplicative, "
     "game_theory, min_discrimination"),
    ("  priority: eigenvector", "  priority: power",
     "weighting.priority: unknown AHP priority method 'power' — use one of eigenvector, "
     "geometric_mean, sum_product"),
    ("  ri_table: saaty1980", "  ri_table: nobody",
     "weighting.ri_table: unknown random-index table 'nobody' — use one of saaty1980, "
     "alonso_lamata2006, xu1988"),
    ("  standardization: minmax", "  standardization: log",
     "weighting.standardization: unknown entropy standardization 'log' — use raw or minmax"),
    ("  alpha: 0.5", "  alpha: 2",
     "weighting.alpha: alpha must be a number from 0 to 1, got 2 — write e.g. alpha: 0.5"),
    ("  alpha: 0.5", "  alpha: .nan",
     "weighting.alpha: alpha must be a number from 0 to 1, got nan — write e.g. alpha: 0.5"),
    ("  standardization: minmax", "  standardization: minmax\n  shift: -1",
     "weighting.shift: entropy shift must be a non-negative number, got -1 — write e.g. "
     "shift: 0.01"),
    ("  threshold: 0.10", "  threshold: .nan",
     "weighting.threshold: threshold must be a number above 0 and at most 1, got nan — write "
     "e.g. threshold: 0.1 (Saaty's CR ≤ 0.10)"),
    ("  threshold: 0.10", "  threshold: -1",
     "weighting.threshold: threshold must be a number above 0 and at most 1, got -1 — write "
     "e.g. threshold: 0.1 (Saaty's CR ≤ 0.10)"),
    ("  threshold: 0.10", "  threshold: strict",
     "weighting.threshold: threshold must be a number above 0 and at most 1, got 'strict' — "
     "write e.g. threshold: 0.1 (Saaty's CR ≤ 0.10)"),
    ("  threshold: 0.10", "  threshold: 0.10\n  allow_inconsistent: \"no\"",
     "weighting.allow_inconsistent: allow_inconsistent must be true or false, got 'no' — write "
     "allow_inconsistent: true (or leave it out)"),
    ("  judgments: judgments", "  judgments: nowhere",
     "weighting.judgments: judgment file or folder 'nowhere' not found — give the path relative "
     "to the criteria file"),
    ("  judgments: judgments", "  judgments: []",
     "weighting.judgments: judgments must be a file, a folder or a list of them, got [] — write "
     "judgments: judgments/ (relative to the criteria file)"),
    ("  judgments: judgments", "  judgments: 7",
     "weighting.judgments: judgments must be a file, a folder or a list of them, got 7 — write "
     "judgments: judgments/ (relative to the criteria file)"),
]


@pytest.mark.parametrize(("old", "new", "expected"), OPTION_ERRORS,
                         ids=[e[1].strip().split("\n")[-1] for e in OPTION_ERRORS])
def test_validate_checks_the_weighting_options(folder: Path, old: str, new: str,
                                               expected: str) -> None:
    path = edit(folder / "c" / "default.yaml", old, new)
    key = expected.split(":", 1)[0].split(".")[-1]
    line = line_of(path, f"  {key}:")
    assert validate() == (2, f"Error: c/default.yaml:{line}:{expected}")


def _fixed(folder: Path, one: str) -> Path:
    """The criteria set weighted by fixed weights: 1 for every indicator, ``one`` for the first."""
    from evalkit.model.criteria import load_criteria

    ids = load_criteria(CRITERIA / "default.yaml").indicator_ids
    weights = ", ".join([one] + [f"{i}: 1" for i in ids[1:]])
    path = folder / "c" / "default.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("weighting:"), text.index("ranking:")
    path.write_text(f"{text[:start]}weighting:\n  method: fixed\n  weights: {{{weights}}}\n\n"
                    f"{text[end:]}", encoding="utf-8")
    return path


@pytest.mark.parametrize(("weights", "expected"), [
    ("nobody: 1", "weighting.weights.nobody: weight for unknown indicator 'nobody' — use the "
                  "indicator ids: "),
    ("pop_growth: -1", "weighting.weights.pop_growth: weight of 'pop_growth' must be a "
                       "non-negative number, got -1 — write e.g. 0.2"),
    ("pop_growth: .nan", "weighting.weights.pop_growth: weight of 'pop_growth' must be a "
                         "non-negative number, got nan — write e.g. 0.2"),
    ("pop_growth: x", "weighting.weights.pop_growth: weight of 'pop_growth' must be a "
                      "non-negative number, got 'x' — write e.g. 0.2"),
])
def test_validate_checks_fixed_weights(folder: Path, weights: str, expected: str) -> None:
    path = _fixed(folder, weights)
    code, error = validate()
    assert code == 2 and error.startswith(f"Error: c/default.yaml:{line_of(path, 'weights:')}:"
                                          f"{expected}"), error


def test_validate_refuses_fixed_weights_all_zero(folder: Path) -> None:
    path = _fixed(folder, "pop_growth: 0")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r": 1(?=[,}])", ": 0", text), encoding="utf-8")
    assert validate() == (2, f"Error: c/default.yaml:{line_of(path, 'weights:')}:weighting.weights:"
                             " the fixed weights are all zero — give some indicator a weight")


def test_validate_reports_every_expert_and_every_file(folder: Path) -> None:
    judgments = folder / "c" / "judgments"
    edit(judgments / "expert_wang.yaml", "value: 3}", "value: 10}")
    for name in ("expert_li.yaml", "expert_chen.yaml"):
        text = (judgments / name).read_text(encoding="utf-8")
        (judgments / name).write_text(re.sub(r"value: (\d)\}", "value: 1/\\1}", text, count=2),
                                      encoding="utf-8")
    edit(folder / "c" / "targets.yaml", "target: 90", "target: -1")
    result = CliRunner().invoke(cli, ["validate", "--criteria", "c/default.yaml",
                                      "--candidates", "towns.csv"])
    errors = [x for x in result.stderr.splitlines() if x.startswith("Error:")]
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert any("expert_wang.yaml" in e and "value 10 is not on the Saaty scale" in e
               for e in errors), errors
    assert any("c/targets.yaml" in e and "target must be a positive number" in e for e in errors)
    assert result.stderr.splitlines()[-1] == f"{len(errors)} problems found."


def test_validate_finds_an_inconsistent_matrix(folder: Path) -> None:
    path = edit(folder / "c" / "judgments" / "expert_li.yaml",
                "      - [3,   1,   2,   2,   1,   3]", "      - [3,   1,   1/9, 9,   1,   3]")
    edit(path, "      - [2,   1/2, 1,   1,   1/2, 2]", "      - [2,   9,   1,   1,   1/2, 2]")
    edit(path, "      - [2,   1/2, 1,   1,   1,   2]", "      - [2,   1/9, 1,   1,   1,   2]")
    code, error = validate()
    assert code == 2
    assert error.startswith(f"Error: c/judgments/expert_li.yaml:{line_of(path, 'families:')}:"
                            "families: families of expert 李秀梅 is inconsistent: CR = "), error
    assert error.endswith("or pass --allow-inconsistent (allow_inconsistent: true in the "
                          "criteria set) to keep it")


# --------------------------------------------------------------------------
# Numbers that are not numbers; derived values that are not finite
# --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "what"), [("5²", "text in a number"),
                                            ("1_000", "text in a number"),
                                            ("١٢", "text in a number"),
                                            ("1e400", "not a finite number")])
def test_cells_outside_the_grammar(folder: Path, text: str, what: str) -> None:
    set_cell(folder / "towns.csv", "T1", "gdp_2022", text)
    assert validate() == (2, f"Error: towns.csv:2:gdp_2022: {what}: '{text}' (town T1) — write "
                             "a plain number such as 12.5")


def test_full_width_digits_and_scientific_yaml_are_numbers(folder: Path) -> None:
    set_cell(folder / "towns.csv", "T1", "gdp_2022", "１２０．５")
    edit(folder / "c" / "default.yaml", "    scale: 100", "    scale: 1e2")
    assert validate() == (0, "")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("years: 3", "years: .inf", "growth.years must be a number, got inf — write years: <number>"),
    ("years: 3", "years: .nan", "growth.years must be a number, got nan — write years: <number>"),
    ("whole: 850", "whole: 1e-320", "share.whole must not be 0 (got 9.99989e-321, too close to "
                                    "it) — use a non-zero number or a column"),
])
def test_criteria_numbers_blame_the_criteria_file(folder: Path, old: str, new: str,
                                                  expected: str) -> None:
    path = edit(folder / "c" / "default.yaml", old, new)
    code, error = validate()
    assert code == 2 and error.startswith("Error: c/default.yaml:") and error.endswith(expected), \
        error
    assert error.startswith(f"Error: c/default.yaml:{line_of(path, new.strip())}:")


def test_an_overflowing_ratio_names_the_town_and_the_indicator(folder: Path) -> None:
    set_cell(folder / "towns.csv", "T3", "revenue", "1e300")
    set_cell(folder / "towns.csv", "T3", "expenditure", "1e-300")
    code, error = validate()
    assert code == 2
    assert error == ("Error: towns.csv:4: indicator 'self_sufficiency' is not a finite number for "
                     "town T3 (ratio(revenue, expenditure) × 100) — check the raw "
                     "values it is computed from")


def test_expert_weights_are_only_ratios(folder: Path) -> None:
    base = run("weights", "--format", "json", "--criteria", "c/default.yaml")
    assert base[0] == 0
    before = CliRunner().invoke(cli, ["weights", "--format", "json", "--criteria",
                                      "c/default.yaml"]).stdout
    for name in ("expert_wang.yaml", "expert_li.yaml", "expert_chen.yaml"):
        path = folder / "c" / "judgments" / name
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"weight: [\d.]+", "weight: 1e308", text), encoding="utf-8")
    after = CliRunner().invoke(cli, ["weights", "--format", "json", "--criteria",
                                     "c/default.yaml"]).stdout
    assert '"weights"' in after and after == before


# --------------------------------------------------------------------------
# Ids and names
# --------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "value", "shown", "code", "row"), [
    ("id", "\u200b\u200b", "\\u200b\\u200b", "200B", 6),
    ("id", "T\x1b[31m9", "T\\u001b[31m9", "001B", 6),
    ("id", "T\n9", "T\\n9", "000A", 7),  # the record ends on line 7
    ("name", "柳\u202e塘镇", "柳\\u202e塘镇", "202E", 6),
])
def test_invisible_characters_in_ids_and_names(folder: Path, column: str, value: str,
                                               shown: str, code: str, row: int) -> None:
    set_cell(folder / "towns.csv", "T5", column, value)
    what = "id" if column == "id" else "name"
    exit_code, error = validate()
    assert exit_code == 2
    assert error == (f"Error: towns.csv:{row}:{column}: the {what} '{shown}' holds an invisible or "
                     f"control character (U+{code}) — retype the {what} with visible "
                     "characters only")


def test_a_name_too_long(folder: Path) -> None:
    set_cell(folder / "towns.csv", "T2", "name_en", "Q" * 101)
    assert validate() == (2, "Error: towns.csv:3:name_en: the English name is 101 characters "
                             "long, more than 100 — shorten the English name")


def test_town_file_names_never_collide() -> None:
    from evalkit.report.publish import safe_stem, town_stems

    hashed = safe_stem("../../x")
    stems = town_stems(["../../x", hashed, "Ab", "aB"])
    assert len({s.lower() for s in stems.values()}) == 4
    assert stems[hashed] == f"{hashed}-2"


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------

def test_formula_escaping_covers_full_width_and_pipe() -> None:
    from evalkit.io.output import csv_bytes

    text = csv_bytes(["name"], [["＝1+1"], ["|cmd"], ["  =2"], ["＋3"], ["ok"]]).decode("utf-8-sig")
    assert text.splitlines() == ["name", "'＝1+1", "'|cmd", "'  =2", "'＋3", "ok"]


@pytest.mark.parametrize(("output", "expected"), [
    ("newname/", "Error: newname/: the output path ends in a separator, so it names a folder — "
                 "give a file name, e.g. ranking.xlsx"),
    ("adir", "Error: adir: the output path is a folder — give a file name inside it"),
    ("dangling.csv", "Error: dangling.csv: the output path is a broken symbolic link — remove "
                     "the link or choose another name"),
])
def test_output_paths_that_are_not_files(folder: Path, output: str, expected: str) -> None:
    (folder / "adir").mkdir()
    os.symlink("nowhere.csv", folder / "dangling.csv")
    assert run("rank", "--format", "csv", "-o", output) == (2, expected)
    assert not (folder / "newname").exists()


def test_xlsx_output_is_the_same_bytes_each_time(folder: Path) -> None:
    assert run("rank", "--format", "xlsx", "-o", "a.xlsx")[0] == 0
    time.sleep(1.1)
    assert run("rank", "--format", "xlsx", "-o", "b.xlsx")[0] == 0
    assert (folder / "a.xlsx").read_bytes() == (folder / "b.xlsx").read_bytes()


def test_sigterm_during_a_report_leaves_no_staging_directory(folder: Path) -> None:
    out = folder / "out"
    out.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "evalkit", "report", "--out", str(out),
                                "--no-selection", "--lang", "zh"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".tmp") for p in out.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, "no staging directory"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert list(out.iterdir()) == []
    assert b"Traceback" not in process.stderr.read()  # type: ignore[union-attr]


# --------------------------------------------------------------------------
# Solver verdicts and exit codes
# --------------------------------------------------------------------------

def test_infeasible_is_exit_3_for_select_and_robust(folder: Path) -> None:
    # A total that is not the plan's must be declared a departure from it.
    edit(folder / "c" / "scenario.yaml", "  total: 180", "  total: 20")
    edit(folder / "c" / "scenario.yaml", "  budget.total: programme_total\n", "")
    edit(folder / "c" / "scenario.yaml", "departs_from_plan:\n",
         "departs_from_plan:\n  budget.total:\n    why: {zh: 测试, en: a test}\n")
    select = run("select", "--scenario", "c/scenario.yaml")
    robust = run("robust", "--scenario", "c/scenario.yaml", "--samples", "50", "-q")
    assert select[0] == robust[0] == 3
    assert select[1] == robust[1] and "no selection of exactly 3 towns meets every limit" in \
        select[1]


def test_a_time_limit_is_never_called_infeasible() -> None:
    sys.path.insert(0, str(PROJECT_ROOT))
    from bench.bench_select import instance
    from evalkit.decide.selection import select
    from evalkit.errors import InfeasibleError, TimeLimitError

    towns, scenario = instance(20_000)
    for limit in (0.03, 0.06, 0.1):
        try:
            result = select(towns, scenario, time_limit=limit, alternatives=0, why_not=False)
        except TimeLimitError as error:
            assert "no solution found within the time limit" in str(error)
        except InfeasibleError as error:  # pragma: no cover - the fault this test guards against
            pytest.fail(f"{limit} s: a feasible scenario called infeasible: {error}")
        else:
            assert result.status in ("optimal", "feasible")


def test_option_errors_are_one_line_with_a_hint() -> None:
    assert run("select", "--time-limit", "0") == (
        2, "Error: Invalid value for '--time-limit': 0.0 is not in the range x>0 — run "
           "'cli select --help' to see what it takes")


# --------------------------------------------------------------------------
# Audit 12: environment, extreme numbers, questionnaires, options, outputs
# --------------------------------------------------------------------------

def _no_runtime_warnings(*args: str | Path) -> tuple[int, str]:
    """:func:`run`, with numpy's RuntimeWarnings (overflow, division) turned into failures."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return run(*args)


@pytest.mark.parametrize(("value", "command"), [
    ("99999999999999999999", "select"), ("abc", "select"), ("1e3", "select"),
    ("1e3", "robust"), ("abc", "weights"), ("99999999999999999999", "report"),
])
def test_source_date_epoch_is_checked_before_numpy_reads_it(tmp_path: Path, value: str,
                                                            command: str) -> None:
    # A new process: numpy.f2py reads the variable when scipy first imports it.
    done = subprocess.run([sys.executable, "-m", "evalkit", command], cwd=tmp_path,
                          env={**os.environ, "SOURCE_DATE_EPOCH": value}, capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in done.stderr
    assert done.returncode == 2
    assert [line for line in done.stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: SOURCE_DATE_EPOCH: '{value}' is not a time this machine can represent — give "
        "seconds since 1970, e.g. 1740794400, or unset it"], done.stderr


def test_fixed_weights_near_the_largest_number(folder: Path) -> None:
    path = _fixed(folder, "pop_growth: 1e308")
    path.write_text(re.sub(r": 1(?=[,}])", ": 1e308", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["weights", "--format", "json", "--criteria",
                                      "c/default.yaml"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert result.stderr.splitlines() == [
        "Warning: fixed weights summed to 19 × 1e+308; they were divided by that sum"]
    import json

    weights = json.loads(result.stdout)["weights"]
    assert weights and all(abs(w - 1 / 19) < 1e-12 for w in weights.values())


def _urban_pop(folder: Path, values: list[str]) -> None:
    for town, value in zip(("T1", "T2", "T3", "T4", "T5"), values, strict=True):
        set_cell(folder / "towns.csv", town, "urban_pop", value)


def _rank_json(*extra: str) -> dict:
    import json

    result = CliRunner().invoke(cli, ["rank", "--format", "json", "--criteria", "c/default.yaml",
                                      "--candidates", "towns.csv", *extra])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return {"stderr": result.stderr, **json.loads(result.stdout)}


def test_a_column_of_tiny_values_ranks_as_the_same_column_scaled_up(folder: Path) -> None:
    import warnings

    _urban_pop(folder, ["1", "2", "3", "4", "5"])
    plain = _rank_json()
    _urban_pop(folder, ["1e-200", "2e-200", "3e-200", "4e-200", "5e-200"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        tiny = _rank_json()
    assert "same value for every town" not in tiny["stderr"], tiny["stderr"]
    assert "equal closeness" not in tiny["stderr"], tiny["stderr"]
    assert [t["id"] for t in tiny["ranking"]] == [t["id"] for t in plain["ranking"]]
    for a, b in zip(tiny["ranking"], plain["ranking"], strict=True):
        assert a["closeness"] == pytest.approx(b["closeness"], rel=1e-9)


def test_a_scale_that_makes_values_vanish_blames_the_scale(folder: Path) -> None:
    path = edit(folder / "c" / "default.yaml", "years: 3}\n    scale: 100",
                "years: 3}\n    scale: 1e-320")
    line = line_of(path, "scale: 1e-320")
    assert validate() == (
        2, f"Error: c/default.yaml:{line}:indicators.pop_growth.scale: scale 9.99989e-321 takes "
           "indicator 'pop_growth' too close to zero to compute with (town T1: 0.0590763 × "
           "9.99989e-321) — use a larger scale, e.g. scale: 100 (or leave it out)")


def test_a_scale_that_overflows_blames_the_scale(folder: Path) -> None:
    path = edit(folder / "c" / "default.yaml", "years: 3}\n    scale: 100",
                "years: 3}\n    scale: 1e308")
    edit(path, "    column: urban_pop", "    column: urban_pop\n    scale: 1e308")
    line = line_of(path, "    column: urban_pop") + 1
    assert validate() == (
        2, f"Error: c/default.yaml:{line}:indicators.urban_pop.scale: scale 1e+308 takes "
           "indicator 'urban_pop' beyond the largest number (town T1: 12.1 × 1e+308) — use a "
           "smaller scale, e.g. scale: 100")


@pytest.mark.parametrize("normalization", ["vector", "minmax"])
def test_values_near_the_largest_number_rank_without_overflow(folder: Path,
                                                             normalization: str) -> None:
    _urban_pop(folder, ["1", "2", "3", "4", "5"])
    plain = _rank_json("--normalization", normalization)
    edit(folder / "c" / "default.yaml", "years: 3}\n    scale: 100", "years: 3}\n    scale: 1e305")
    _urban_pop(folder, ["0.34e308", "0.68e308", "1.02e308", "1.36e308", "1.7e308"])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        big = _rank_json("--normalization", normalization)
    assert big["stderr"] == ""
    assert [t["id"] for t in big["ranking"]] == [t["id"] for t in plain["ranking"]]
    for a, b in zip(big["ranking"], plain["ranking"], strict=True):
        assert a["closeness"] == pytest.approx(b["closeness"], rel=1e-9)


@pytest.mark.parametrize(("years", "what"), [
    ("1e-300", "is beyond the largest number for town T1 (indicator 'pop_growth': end ÷ start "
               "= 1.1879, to the power 1/1e-300)"),
    ("1e300", "rounds to 0 for town T1 (indicator 'pop_growth': end ÷ start = 1.1879, to the "
              "power 1/1e+300)"),
])
def test_growth_years_out_of_reason_blame_the_criteria_key(folder: Path, years: str,
                                                           what: str) -> None:
    path = edit(folder / "c" / "default.yaml", "years: 3}", f"years: {years}}}")
    line = line_of(path, f"years: {years}}}")
    shown = f"{float(years):g}"
    assert validate() == (
        2, f"Error: c/default.yaml:{line}:indicators.pop_growth.growth.years: growth over "
           f"{shown} years {what} — give the years between start and end, e.g. years: 3")


def _questionnaire(folder: Path, cell: object) -> Path:
    """An ``evalkit init`` project whose first questionnaire has ``cell`` in families!C5."""
    from openpyxl import load_workbook

    assert run("init", "proj")[0] == 0
    path = folder / "proj" / "judgments" / "expert_1.xlsx"
    book = load_workbook(path)
    sheet = book["专家信息"]
    for row in range(3, sheet.max_row + 1):
        if sheet.cell(row, 3).value == "name":
            sheet.cell(row, 2).value = "测试"
    book["families"]["C5"] = cell
    book.save(path)
    return path


@pytest.mark.parametrize("text", ["⁹", "1/³", "²", "3²"])
def test_superscripts_in_a_questionnaire_are_not_numbers(folder: Path, text: str) -> None:
    _questionnaire(folder, text)
    assert run("weights", "--criteria", "proj/criteria.yaml") == (
        2, f"Error: proj/judgments/expert_1.xlsx:families!C5: value '{text}' is not a number — "
           "write a number such as 3 or a fraction such as 1/3")


def test_full_width_fraction_in_a_questionnaire_is_a_number(folder: Path) -> None:
    from evalkit.io.questionnaire import read_questionnaire

    path = _questionnaire(folder, "１／３")
    found = read_questionnaire(path)
    assert found.document["families"]["pairs"][0]["value"] == "1/3"


def test_a_questionnaire_formula_with_no_saved_value(folder: Path) -> None:
    _questionnaire(folder, "=1+2")  # openpyxl saves formulas without their values
    assert run("weights", "--criteria", "proj/criteria.yaml") == (
        2, "Error: proj/judgments/expert_1.xlsx:families!C5: a formula with no saved value: "
           "'=1+2' — open the workbook in Excel and save it, or paste the values in place of "
           "the formulas")


@pytest.mark.parametrize(("args", "expected"), [
    (("select", "--time-limit", "nan"),
     "--time-limit: 'nan' is not a finite number — give a number of seconds above 0, e.g. 60"),
    (("select", "--time-limit", "inf"),
     "--time-limit: 'inf' is not a finite number — give a number of seconds above 0, e.g. 60"),
    (("robust", "--concentration", "nan"),
     "--concentration: 'nan' is not a finite number — give a number above 0, e.g. 100"),
    (("robust", "--cost-spread", "nan"),
     "--cost-spread: 'nan' is not a finite number — give a number from 0 up to (not "
     "including) 1, e.g. 0.2"),
])
def test_float_options_refuse_nan_and_inf(args: tuple[str, ...], expected: str) -> None:
    assert run(*args) == (2, f"Error: {expected}")


@pytest.mark.parametrize(("solver", "other"), [("highs", "cbc"), ("cbc", "highs")])
def test_a_time_limit_is_quoted_as_given(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                         solver: str, other: str) -> None:
    from evalkit.decide.selection import choose
    from evalkit.decide.selection.solve import Stopped

    def stopped(*args: object, **kwargs: object) -> None:
        raise Stopped()

    monkeypatch.setattr(choose, "optimise", stopped)  # the solver's clock ran out
    assert run("select", "--solver", solver, "--time-limit", "0.06") == (
        4, "Error: no solution found within --time-limit 0.06 s (the whole command's, ranking "
           "included; the scenario may still have one) — allow more time (--time-limit), or try "
           f"--solver {other}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("kind", ["pipe", "link"])
def test_overwrite_replaces_only_regular_files(folder: Path, kind: str) -> None:
    target = folder / "kept.csv"
    target.write_text("kept\n", encoding="utf-8")
    if kind == "pipe":
        os.mkfifo(folder / "out.csv")
        what = "a named pipe"
    else:
        os.symlink("kept.csv", folder / "out.csv")
        what = "a symbolic link"
    assert run("rank", "--format", "csv", "-o", "out.csv", "--overwrite") == (
        2, f"Error: out.csv: the output path is {what}, not a regular file — remove it or choose "
           "another name (--overwrite replaces only files)")
    assert (folder / "out.csv").is_symlink() == (kind == "link")
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_long_names_do_not_break_the_chart_layout() -> None:
    import warnings

    import numpy as np

    from evalkit.report import charts
    from evalkit.report.fonts import find_cjk_fonts

    fonts = find_cjk_fonts()
    labels = ["Q" * 100, "Linhe", "Yunxi"]
    assert charts.fit("Q" * 100) == "Q" * 40 + "\n" + "Q" * 39 + "…"
    assert charts.fit("Linhe") == "Linhe"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = charts.ranked_bars(labels, [0.9, 0.5, 0.1], fonts=fonts, xlabel="C")
        charts.heatmap(labels, ["a", "b"], np.full((3, 2), 0.5), fonts=fonts, colorbar="%")
        charts.stacked_shares(labels, np.full((3, 3), 1 / 3), ["1", "2", "3"], fonts=fonts,
                              xlabel="%")
    assert "Q" * 41 not in svg


@pytest.mark.parametrize(("old", "new", "key", "expected"), [
    ("value: 180", "value: lots", r"figures\[\d+\]\.value",
     "value must be a number, got 'lots' — write the plan's figure, e.g. value: 180"),
    ("base_year: 2022", "base_year: [2022]", r"base_year",
     "base_year must be a year, got [2022] — write base_year: 2022"),
])
def test_a_plan_read_twice_is_one_problem(folder: Path, old: str, new: str, key: str,
                                          expected: str) -> None:
    path = edit(folder / "c" / "plan.yaml", old, new)
    line = line_of(path, new)
    result = CliRunner().invoke(cli, ["validate", "--criteria", "c/default.yaml",
                                      "--candidates", "towns.csv"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert re.fullmatch(rf"Error: c/plan\.yaml:{line}:{key}: {re.escape(expected)}", errors[0])
    assert "problems found" not in result.stderr


def test_too_many_indicators_are_refused_before_the_file_is_composed(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The count is taken from the parser's events: the slow step that builds the
    document (19 s for this file on a two-core machine) is never reached."""
    from evalkit.io import yamlfile

    item = ("  - id: x{i}\n    label: {{zh: 指标{i}, en: Indicator {i}}}\n    unit: '%'\n"
            "    family: economy\n    direction: max\n    column: gdp_2022\n")
    (folder / "c" / "default.yaml").write_text(
        "name: big\nfamilies:\n  - {id: economy}\nindicators:\n"
        + "".join(item.format(i=i) for i in range(30_000)), encoding="utf-8")

    class Watched(yamlfile._FAST_LOADER):  # type: ignore[misc, name-defined]
        def __init__(self, text: str) -> None:
            super().__init__(text)
            self.large = len(text) > yamlfile.PRESCAN_BYTES

        def get_single_node(self) -> object:
            assert not self.large, "the large file was composed"
            return super().get_single_node()

    monkeypatch.setattr(yamlfile, "_FAST_LOADER", Watched)
    assert validate() == (2, "Error: c/default.yaml:4:indicators: 30000 indicators, more than "
                          "300 — keep the indicators that matter for the decision")


def test_the_criteria_file_named_as_judgments(folder: Path) -> None:
    path = edit(folder / "c" / "default.yaml", "  judgments: judgments", "  judgments: default.yaml")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text and not text.startswith("#"))
    assert run("weights", "--criteria", "c/default.yaml") == (
        2, f"Error: c/default.yaml:{line}: this is not a judgment file (it has no expert:) — name "
           "the experts' judgment files, or their folder, under weighting.judgments, e.g. "
           "judgments: judgments/")
