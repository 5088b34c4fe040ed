"""Sources of every input value: the sources file, the status of each cell and indicator.

A candidate table's sources come as ``<stem>.sources.csv`` beside it, as a
``sources`` sheet of its workbook, or as ``--sources FILE``.  Each indicator
inherits, town by town, the weakest status of the columns it reads
(official > estimate > assumed > none).  The tests use a small fixture of
their own (three towns, four columns) so that they do not depend on the
bundled sample's figures; the tests of the sample itself read its files.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from foundation_support import assert_error, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from evalkit import (
    InputError,
    Provenance,
    Sources,
    evaluate,
    load_candidates,
    load_criteria,
    load_sources,
    table_provenance,
)
from evalkit.decide.provenance import decision_provenance, scenario_columns
from evalkit.decide.scenario import load_scenario
from evalkit.io.sources import STATUS_ORDER, Citation
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO

TABLE = """\
id,name,a,b,c,d
T1,甲镇,1,2,3,4
T2,乙镇,2,3,4,5
T3,丙镇,3,4,5,6
"""

# One indicator of each kind, and two nested ones; constants (100, 10, 3, 0.1) are not cells.
CRITERIA = """\
name: fixture
version: "1"
families:
  - id: f
    label: {zh: 族, en: Family}
indicators:
  - {id: col, family: f, direction: max, column: a}
  - {id: rat, family: f, direction: max, ratio: {numerator: a, denominator: b}}
  - {id: shr, family: f, direction: max, share: {part: c, whole: 100}, scale: 100}
  - {id: gro, family: f, direction: max, growth: {start: a, end: b, years: 3}}
  - {id: gap, family: f, direction: min, gap: {value: d, target: 10, sense: max}}
  - id: nested_cd
    family: f
    direction: min
    gap: {value: {ratio: {numerator: c, denominator: d}, scale: 0.1}, target: 3, sense: max}
  - id: nested_ad
    family: f
    direction: max
    share: {part: {ratio: {numerator: a, denominator: d}}, whole: {column: b}}
weighting: {method: entropy, standardization: minmax}
ranking: {normalization: vector}
"""

SOURCES = """\
column,town,source,table,year,definition,status
a,,统计年鉴,表3-1,2022,常住人口,official
b,,统计局估算,,2022,,estimate
c,,,,,,assumed
d,,统计年鉴,表5-2,2022,,official
d,T2,工作方案,§2.2.3,2022,方案平均值,assumed
"""

HEADER = ["column", "town", "source", "table", "year", "definition", "status"]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """t.csv, t.sources.csv and c.yaml in the working directory."""
    (tmp_path / "t.csv").write_text(TABLE, encoding="utf-8")
    (tmp_path / "t.sources.csv").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(CRITERIA, encoding="utf-8")
    return tmp_path


def table_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(TABLE)))


def source_rows(text: str = SOURCES) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# --------------------------------------------------------------------------
# Reading: CSV, XLSX sheet, companion file, explicit path
# --------------------------------------------------------------------------

def test_companion_csv_is_read_with_the_table(files: Path) -> None:
    table = load_candidates("t.csv")
    sources = table.sources
    assert isinstance(sources, Sources)
    assert sources.path == Path("t.sources.csv") and sources.sheet is None
    assert sources.columns["a"] == Citation("统计年鉴", "表3-1", "2022", "常住人口", "official", 2)
    assert sources.columns["c"].source == "" and sources.columns["c"].status == "assumed"
    assert sources.overrides("d") == {"T2": Citation("工作方案", "§2.2.3", "2022", "方案平均值",
                                                     "assumed", 6)}
    assert [sources.status(t, "d") for t in ("T1", "T2", "T3")] == ["official", "assumed",
                                                                    "official"]
    assert sources.status("T1", "b") == "estimate"
    assert sources.status("T1", "name") == "none"  # a column without a row
    assert load_candidates("t.csv", sources=False).sources is None


def test_explicit_path_wins_over_the_companion(files: Path) -> None:
    rows = source_rows()
    rows[1][-1] = "estimate"
    write_csv(files / "other.csv", rows)
    table = load_candidates("t.csv", sources="other.csv")
    assert table.sources is not None and table.sources.path == Path("other.csv")
    assert table.sources.status("T1", "a") == "estimate"
    assert load_sources("other.csv", table).status("T1", "a") == "estimate"


def test_no_sources_file_means_none(files: Path) -> None:
    (files / "t.sources.csv").unlink()
    table = load_candidates("t.csv")
    assert table.sources is None
    provenance = table_provenance(load_criteria("c.yaml"), table)
    assert provenance.file is None and provenance.unsourced and not provenance.assumed
    assert provenance.coverage().none == provenance.coverage().cells == 3 * 4
    assert {provenance.indicator_status(t, "rat") for t in ("T1", "T2", "T3")} == {"none"}


def test_gbk_sources_file_and_chinese_headers_and_statuses(files: Path) -> None:
    rows = [["列", "镇", "来源", "表或页", "年份", "口径", "状态"],
            ["a", "", "统计年鉴", "表3-1", "2022", "常住人口", "官方"],
            ["b", "", "", "", "", "", "估算"],
            ["c", "T3", "", "", "", "", "假设"]]
    write_csv(files / "t.sources.csv", rows, encoding="gbk")
    table = load_candidates("t.csv")
    assert table.sources is not None
    assert [table.sources.status("T3", c) for c in "abcd"] == ["official", "estimate",
                                                               "assumed", "none"]
    assert table.sources.status("T1", "c") == "none"  # an override without a column row
    assert table.warnings == ("t.sources.csv was read as GB18030/GBK (guessed)",)


def test_header_only_needs_column_and_status(files: Path) -> None:
    (files / "t.sources.csv").write_text("status,column\nofficial,a\n", encoding="utf-8")
    sources = load_candidates("t.csv").sources
    assert sources is not None
    assert sources.columns["a"] == Citation("", "", "", "", "official", 2)


def workbook_with_sources(path: Path, *, sources_first: bool, sheet: str = "sources") -> None:
    workbook = Workbook()
    first = workbook.active
    towns = workbook.create_sheet("towns")
    for row in table_rows():
        towns.append([row[0], row[1], *map(float, row[2:])] if row[0] != "id" else row)
    listing = first if sources_first else workbook.create_sheet(sheet)
    listing.title = sheet
    for index, row in enumerate(source_rows()):
        if index and row[4]:
            row[4] = int(row[4])  # a year typed as a number reads back as 2022, not 2022.0
        listing.append(row)
    if not sources_first:
        workbook.remove(first)
    workbook.save(path)


@pytest.mark.parametrize("sources_first", [True, False])
def test_xlsx_sources_sheet_is_read_and_never_taken_for_the_towns(files: Path,
                                                                  sources_first: bool) -> None:
    workbook_with_sources(files / "w.xlsx", sources_first=sources_first)
    table = load_candidates("w.xlsx")
    assert table.ids == ("T1", "T2", "T3") and table.columns == ("id", "name", "a", "b", "c", "d")
    assert table.sources is not None and table.sources.sheet == "sources"
    assert table.sources.name == "w.xlsx, sheet sources"
    assert table.sources.columns["a"].year == "2022"
    assert table.sources.status("T2", "d") == "assumed"
    # The same statuses as the CSV form.
    csv_form = load_candidates("t.csv").sources
    assert csv_form is not None
    for town in table.ids:
        for column in "abcd":
            assert table.sources.status(town, column) == csv_form.status(town, column)


def test_xlsx_sheet_named_in_chinese_and_a_standalone_sources_workbook(files: Path) -> None:
    workbook_with_sources(files / "w.xlsx", sources_first=True, sheet="来源")
    assert load_candidates("w.xlsx").sources is not None
    workbook_with_sources(files / "s.xlsx", sources_first=True, sheet="anything")
    table = load_candidates("t.csv", sources="s.xlsx")
    assert table.sources is not None and table.sources.sheet == "anything"
    assert table.sources.status("T2", "d") == "assumed"


def test_xlsx_with_a_sources_sheet_and_a_companion_file_is_refused(files: Path) -> None:
    workbook_with_sources(files / "t.xlsx", sources_first=False)
    with pytest.raises(InputError) as caught:
        load_candidates("t.xlsx")
    assert caught.value.message == (
        "t.xlsx: the workbook has a sheet 'sources' and t.sources.csv lies beside it: two "
        "sources files — remove one of them, or name one with --sources")
    assert load_candidates("t.xlsx", sources="t.sources.csv").sources is not None


def test_workbook_whose_only_sheet_holds_sources(files: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "sources"
    workbook.active.append(HEADER)
    workbook.save(files / "only.xlsx")
    with pytest.raises(InputError, match="the workbook's only sheet holds sources, not towns"):
        load_candidates("only.xlsx")


def test_a_sources_error_in_a_sheet_names_the_sheet(files: Path) -> None:
    (files / "t.sources.csv").unlink()
    workbook_with_sources(files / "t.xlsx", sources_first=False)
    from openpyxl import load_workbook

    book = load_workbook(files / "t.xlsx")
    book["sources"]["G3"] = "sure"
    book.save(files / "t.xlsx")
    assert_error(run_cli("rank", "--candidates", "t.xlsx", "--criteria", "c.yaml"),
                 "Error: t.xlsx:3:status: status 'sure' is not one of official, estimate, "
                 "assumed (sheet sources) — write one of official, estimate, assumed "
                 "(or 官方, 估算, 假设)")


# --------------------------------------------------------------------------
# Every error: exact file:row:column, through the CLI
# --------------------------------------------------------------------------

STATUS_HINT = "write one of official, estimate, assumed (or 官方, 估算, 假设)"


@pytest.mark.parametrize(("row", "edit", "line"), [
    (2, {"column": "gdp"},
     "Error: s.csv:2:column: unknown column 'gdp': t.csv has no such column — use one of: "
     "id, name, a, b, c, d"),
    (6, {"town": "T9"},
     "Error: s.csv:6:town: unknown town id 'T9' — use a town id of t.csv, or leave town empty "
     "for the whole column"),
    (6, {"town": "乙镇"},
     "Error: s.csv:6:town: unknown town id '乙镇' — '乙镇' is a town name; write its id 'T2'"),
    (3, {"status": "offical"},
     f"Error: s.csv:3:status: status 'offical' is not one of official, estimate, assumed — "
     f"{STATUS_HINT}"),
    (4, {"status": ""},
     "Error: s.csv:4:status: empty status (column 'c') — write one of official, estimate, "
     "assumed"),
    (6, {"status": " "},
     "Error: s.csv:6:status: empty status (column 'd', town 'T2') — write one of official, "
     "estimate, assumed"),
    (5, {"column": "a"},
     "Error: s.csv:5:column: a second row for column 'a' (first on row 2) — keep one row per "
     "column (and town); delete or merge the other"),
    (2, {"column": ""},
     "Error: s.csv:2:column: empty column name — name the column of the candidate table this "
     "row is about"),
    (3, {"source": "统计\x1b局"},
     "Error: s.csv:3:source: '统计\\u001b局' holds an invisible or control character (U+001B) — "
     "retype it with visible characters only"),
])
def test_each_error_is_one_line_at_its_row_and_column(files: Path, row: int, edit: dict,
                                                      line: str) -> None:
    rows = source_rows()
    for key, value in edit.items():
        rows[row - 1][HEADER.index(key)] = value
    write_csv(files / "s.csv", rows)
    for command in ("validate", "rank"):
        assert_error(run_cli(command, "--candidates", "t.csv", "--criteria", "c.yaml",
                             "--sources", "s.csv"), line)


def test_duplicate_cell_override(files: Path) -> None:
    rows = source_rows()
    rows.append(["d", "T2", "", "", "", "", "official"])
    write_csv(files / "s.csv", rows)
    assert_error(run_cli("validate", "--candidates", "t.csv", "--criteria", "c.yaml",
                         "--sources", "s.csv"),
                 "Error: s.csv:7:town: a second row for column 'd', town 'T2' (first on row 6) — "
                 "keep one row per column (and town); delete or merge the other")


@pytest.mark.parametrize(("header", "line"), [
    (["column", "town", "staus"],
     "Error: s.csv:1:staus: unknown header 'staus' — use column, town, source, table, year, "
     "definition, status, source_en, table_en, definition_en (or 列, 镇, 来源, 表或页, 年份, 口径, "
     "状态)"),
    (["column", "town"],
     "Error: s.csv:1:status: missing column 'status' — add a status column; the file has: "
     "column, town"),
    (["column", "列", "status"],
     "Error: s.csv:1:列: header '列' repeats 'column' — keep one column for each"),
])
def test_header_errors(files: Path, header: list[str], line: str) -> None:
    write_csv(files / "s.csv", [header, ["a"] * len(header)])
    assert_error(run_cli("validate", "--candidates", "t.csv", "--criteria", "c.yaml",
                         "--sources", "s.csv"), line)


def test_validate_lists_a_sources_error_beside_a_table_error(files: Path) -> None:
    """The table is still checked when its sources file is wrong: both lines appear."""
    rows = table_rows()
    rows[2][2] = "n/a"
    write_csv(files / "t.csv", rows)
    write_csv(files / "s.csv", [HEADER, ["a", "", "", "", "", "", "maybe"]])
    result = run_cli("validate", "--candidates", "t.csv", "--criteria", "c.yaml",
                     "--sources", "s.csv")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors[0].startswith("Error: s.csv:2:status: status 'maybe'")
    assert errors[1].startswith("Error: t.csv:3:a: text in a number: 'n/a' (town T2)")


def test_missing_sources_file_is_one_line(files: Path) -> None:
    for command in ("rank", "weights", "validate", "select", "robust"):
        assert_error(run_cli(command, "--candidates", "t.csv", "--criteria", "c.yaml",
                             "--sources", "nope.csv"),
                     "Error: nope.csv: sources file not found — check the path")


# --------------------------------------------------------------------------
# The weakest-status rule
# --------------------------------------------------------------------------

EXPECTED = {  # town → indicator → status, by hand from SOURCES and CRITERIA
    "T1": {"col": "official", "rat": "estimate", "shr": "assumed", "gro": "estimate",
           "gap": "official", "nested_cd": "assumed", "nested_ad": "estimate"},
    "T2": {"col": "official", "rat": "estimate", "shr": "assumed", "gro": "estimate",
           "gap": "assumed", "nested_cd": "assumed", "nested_ad": "assumed"},
    "T3": {"col": "official", "rat": "estimate", "shr": "assumed", "gro": "estimate",
           "gap": "official", "nested_cd": "assumed", "nested_ad": "estimate"},
}


def test_weakest_status_for_each_kind_of_derivation(files: Path) -> None:
    provenance = table_provenance(load_criteria("c.yaml"), load_candidates("t.csv"))
    assert provenance.indicators == {"col": ("a",), "rat": ("a", "b"), "shr": ("c",),
                                     "gro": ("a", "b"), "gap": ("d",), "nested_cd": ("c", "d"),
                                     "nested_ad": ("a", "d", "b")}
    for town, statuses in EXPECTED.items():
        for indicator, status in statuses.items():
            assert provenance.indicator_status(town, indicator) == status, (town, indicator)
    assert provenance.indicators_frame().loc["T2", "gap"] == "assumed"
    assert provenance.weakest("gap") == "assumed" and provenance.weakest("col") == "official"


def test_an_override_changes_its_town_only(files: Path) -> None:
    """Take T2's override of d away: only T2's statuses move, and only where d is read."""
    criteria = load_criteria("c.yaml")
    with_override = table_provenance(criteria, load_candidates("t.csv"))
    write_csv(files / "s.csv", source_rows()[:-1])
    without = table_provenance(criteria, load_candidates("t.csv", sources="s.csv"))
    changed = with_override.indicators_frame() != without.indicators_frame()
    assert set(changed.index[changed.any(axis=1)]) == {"T2"}
    assert set(changed.columns[changed.loc["T2"]]) == {"gap", "nested_ad"}  # nested_cd: c is weaker
    assert without.indicator_status("T2", "gap") == "official"


statuses = st.sampled_from(STATUS_ORDER)


@settings(max_examples=200, deadline=None)
@given(columns=st.fixed_dictionaries({c: statuses for c in "abcd"}),
       overrides=st.dictionaries(st.tuples(st.sampled_from("abcd"),
                                           st.sampled_from(("T1", "T2", "T3"))),
                                 statuses.filter(lambda s: s != "none"), max_size=6))
def test_indicator_status_is_never_stronger_than_any_input(columns: dict, overrides: dict,
                                                           ) -> None:
    """Property: for every town, an indicator's status is the weakest of its cells'."""
    table, criteria = _FIXTURE
    sources = Sources(Path("s.csv"),
                      {c: Citation("", "", "", "", s, 0) for c, s in columns.items()
                       if s != "none"},
                      {key: Citation("", "", "", "", s, 0) for key, s in overrides.items()})
    provenance = table_provenance(criteria, _with_sources(table, sources))
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    for town in table.ids:
        for indicator, read in provenance.indicators.items():
            cells = [rank[sources.status(town, c)] for c in read]
            got = rank[provenance.indicator_status(town, indicator)]
            assert all(got >= c for c in cells) and got == max(cells)
    counts = provenance.coverage()
    assert counts.official + counts.estimate + counts.assumed + counts.none == counts.cells == 12


def _fixture() -> tuple:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="evalkit-sources-"))
    (folder / "t.csv").write_text(TABLE, encoding="utf-8")
    (folder / "c.yaml").write_text(CRITERIA, encoding="utf-8")
    return load_candidates(folder / "t.csv"), load_criteria(folder / "c.yaml")


def _with_sources(table, sources):
    from dataclasses import replace

    return replace(table, sources=sources)


_FIXTURE = _fixture()


# --------------------------------------------------------------------------
# JSON and the evaluation
# --------------------------------------------------------------------------

def test_rank_json_provenance_shape_on_the_fixture(files: Path) -> None:
    result = run_cli("rank", "--candidates", "t.csv", "--criteria", "c.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["provenance"]
    assert set(data) == {"file", "sheet", "statuses", "columns", "indicators", "coverage",
                         "assumed", "estimated", "unsourced", "summary"}
    assert data["file"] == "t.sources.csv" and data["sheet"] is None
    assert data["statuses"] == ["official", "estimate", "assumed", "none"]
    assert list(data["columns"]) == ["a", "b", "c", "d"]
    assert data["columns"]["d"] == {
        "source": "统计年鉴", "table": "表5-2", "year": "2022", "definition": "",
        "status": "official", "weakest": "assumed",
        "towns": {"T2": {"source": "工作方案", "table": "§2.2.3", "year": "2022",
                         "definition": "方案平均值", "status": "assumed"}}}
    assert data["indicators"]["gap"] == {"columns": ["d"], "status": "official",
                                         "weakest": "assumed", "towns": {"T2": "assumed"}}
    # Every town's status for every indicator, read back as the docstring says.
    for town, statuses in EXPECTED.items():
        for indicator, status in statuses.items():
            entry = data["indicators"][indicator]
            assert entry["towns"].get(town, entry["status"]) == status
    assert data["coverage"] == {"cells": 12, "official": 5, "estimate": 3, "assumed": 4,
                                "none": 0}
    assert data["assumed"] is True and data["estimated"] is True and data["unsourced"] is False
    assert data["summary"] == ("sources: 5 of 12 cells official, 3 estimate, 4 assumed, "
                               "0 without a source (t.sources.csv)")


def test_rank_json_without_sources_states_it(files: Path) -> None:
    (files / "t.sources.csv").unlink()
    data = json.loads(run_cli("rank", "--candidates", "t.csv", "--criteria", "c.yaml",
                              "--format", "json").stdout)["provenance"]
    assert data["file"] is None and data["unsourced"] is True and data["assumed"] is False
    assert data["coverage"] == {"cells": 12, "official": 0, "estimate": 0, "assumed": 0,
                                "none": 12}
    assert {c["status"] for c in data["columns"].values()} == {"none"}
    assert {c["source"] for c in data["columns"].values()} == {None}
    assert data["summary"] == ("sources: none given — every value is unsourced; "
                               "add t.sources.csv (see README)")


def test_evaluation_carries_its_provenance(files: Path) -> None:
    result = evaluate(load_criteria("c.yaml"), load_candidates("t.csv"))
    assert isinstance(result.provenance, Provenance)
    assert result.provenance.indicator_status("T2", "nested_ad") == "assumed"
    assert result.to_dict()["provenance"] == result.provenance.to_dict()
    with pytest.raises(KeyError, match="no town 'T9'"):
        result.provenance.status("T9", "a")


def test_constants_give_no_status(files: Path) -> None:
    """share(c, 100) is exactly as sourced as c: the constant 100 neither helps nor hurts."""
    provenance = table_provenance(load_criteria("c.yaml"), load_candidates("t.csv"))
    for town in ("T1", "T2", "T3"):
        assert provenance.indicator_status(town, "shr") == provenance.status(town, "c")


# --------------------------------------------------------------------------
# validate's coverage line
# --------------------------------------------------------------------------

def test_validate_coverage_line_on_the_fixture(files: Path) -> None:
    result = run_cli("validate", "--candidates", "t.csv", "--criteria", "c.yaml")
    assert result.exit_code == 0, result.output
    assert ("sources: 5 of 12 cells official, 3 estimate, 4 assumed, 0 without a source "
            "(t.sources.csv)") in result.stdout.splitlines()
    (files / "t.sources.csv").unlink()
    result = run_cli("validate", "--candidates", "t.csv", "--criteria", "c.yaml")
    assert result.exit_code == 0, result.output
    assert ("sources: none given — every value is unsourced; add t.sources.csv (see README)"
            in result.stdout.splitlines())


def _sample_counts() -> tuple[dict[str, int], int]:
    """The sample's coverage counted straight from its files (not through evalkit's reader)."""
    criteria = load_criteria(DEFAULT_CRITERIA)
    columns = dict.fromkeys([*criteria.columns(),
                             *scenario_columns(load_scenario(DEFAULT_SCENARIO))])
    ids = [row[0] for row in csv.reader(io.StringIO(DEFAULT_CANDIDATES.read_text("utf-8")))][1:]
    rows = list(csv.DictReader(io.StringIO(
        DEFAULT_CANDIDATES.with_name("towns.sources.csv").read_text("utf-8"))))
    base = {r["column"]: r["status"] for r in rows if not r["town"]}
    cell = {(r["column"], r["town"]): r["status"] for r in rows if r["town"]}
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for column in columns:
        for town in ids:
            counts[cell.get((column, town), base.get(column, "none"))] += 1
    return counts, len(columns) * len(ids)


def test_validate_coverage_line_on_the_sample() -> None:
    counts, cells = _sample_counts()
    result = run_cli("validate", "--candidates", DEFAULT_CANDIDATES)
    assert result.exit_code == 0, result.output
    assert (f"sources: {counts['official']} of {cells} cells official, {counts['estimate']} "
            f"estimate, {counts['assumed']} assumed, {counts['none']} without a source "
            "(towns.sources.csv)") in result.stdout.splitlines()
    assert counts["none"] == 0 and counts["assumed"] > 0


def test_decision_provenance_counts_the_scenario_columns_too() -> None:
    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    scenario = load_scenario(DEFAULT_SCENARIO)
    ranking_only = decision_provenance(evaluation)
    decision = decision_provenance(evaluation, scenario)
    assert ranking_only.columns == evaluation.criteria.columns()
    extra = [c for c in scenario_columns(scenario) if c not in ranking_only.columns]
    assert "cost_infrastructure" in extra and "talent_need" in extra
    assert decision.columns == (*ranking_only.columns, *extra)
    assert decision.coverage().cells == len(decision.columns) * 5


# --------------------------------------------------------------------------
# The bundled sample's sources file
# --------------------------------------------------------------------------

def test_sample_sources_file_covers_every_column() -> None:
    table = load_candidates(DEFAULT_CANDIDATES)
    sources = table.sources
    assert sources is not None and sources.path.name == "towns.sources.csv"
    statistics = [c for c in table.columns if c not in ("id", "name", "name_en")]
    assert sorted(sources.columns) == sorted(statistics)
    for column, citation in sources.columns.items():
        assert citation.source and citation.definition and citation.year, column
        # Per-town values are the plan's averages spread by assumption, or assumptions:
        # nothing is official for every town.
        assert citation.status == "assumed", column
        if "工作方案" in citation.source:
            assert citation.table.startswith("§"), column  # the plan's section is cited
    for (column, town), citation in sources.cells.items():
        assert town in table.ids and citation.table.startswith("§"), (column, town)


def test_sample_official_cells_are_the_plans_figures_for_the_largest_town() -> None:
    table = load_candidates(DEFAULT_CANDIDATES)
    assert table.sources is not None
    official = {key for key, c in table.sources.cells.items() if c.status == "official"}
    assert official == {("gdp_2022", "T1"), ("industrial_firms", "T1"), ("built_up_km2", "T1"),
                        ("tap_water_coverage", "T1"), ("paved_roads", "T1")}
    # The figures the plan states for its largest town (§1.2.2, §1.2.3, §2.1.1).
    plan = {"gdp_2022": 120, "industrial_firms": 85, "built_up_km2": 18,
            "tap_water_coverage": 98, "paved_roads": 95}
    for column, value in plan.items():
        assert table.numeric(column)[table.ids.index("T1")] == value
    assert int(np.argmax(table.numeric("gdp_2022"))) == table.ids.index("T1")


def test_sample_rank_json_says_values_are_assumed() -> None:
    result = run_cli("rank", "--candidates", DEFAULT_CANDIDATES, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["provenance"]
    criteria = load_criteria(DEFAULT_CRITERIA)
    assert list(data["columns"]) == list(criteria.columns())
    assert list(data["indicators"]) == list(criteria.indicator_ids)
    assert data["file"] == "towns.sources.csv"
    assert data["assumed"] is True and data["unsourced"] is False
    assert data["indicators"]["gdp_share"]["towns"] == {"T1": "official"}
    assert data["indicators"]["gdp_per_capita"]["towns"] == {}  # pop_2022 is assumed for T1 too
