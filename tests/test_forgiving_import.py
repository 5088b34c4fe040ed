"""Forgiving import, never silent (issue 16, item 3): each rule with a case it accepts
(and reports) and a case it refuses.

- title rows above the header and note rows after the last town;
- ``%`` and ``‰`` cells read by the column's unit, Excel percentage formats, a
  column in fractions where percent points are expected;
- the id and name columns by their common Chinese aliases;
- every bad cell listed in one run.
"""

from __future__ import annotations

import json

import pytest
from foundation_support import (
    SAMPLE_CSV,
    assert_error,
    rank_json,
    run_cli,
    sample_rows,
    write_rows,
)
from foundation_support import same_ranking as same_order
from openpyxl import Workbook

from evalkit import load_candidates
from evalkit.errors import InputError
from evalkit.io.candidates import ColumnUnit

TITLE = "某市候选镇基础数据表"
CELL_HINT = "write a plain number such as 12.5"

# Two indicators read directly: one in %, one in 万人.
UNITS = """\
name: units
version: "0.1"
families:
  - id: service
    label: {zh: 公共服务, en: Services}
indicators:
  - id: sewage
    family: service
    direction: max
    unit: "%"
    column: sewage_rate
  - id: urban_pop
    family: service
    direction: max
    unit: 万人
    column: urban_pop
  - id: gas
    family: service
    direction: max
    unit: "%"
    column: gas_coverage
    scale: 100
weighting:
  method: entropy
ranking:
  normalization: vector
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def same_ranking(out: dict, reference: dict) -> None:
    same_order(out, reference)
    assert [r["closeness"] for r in out["ranking"]] == \
        pytest.approx([r["closeness"] for r in reference["ranking"]], abs=1e-12)


def workbook(path, rows, *, above=(), below=(), percent: tuple[str, ...] = (),
             merge_title: bool = False) -> None:
    """The sample rows as a workbook: numbers as numbers, ``above`` and ``below`` rows
    around the table, the ``percent`` columns stored as fractions formatted as 0.0%."""
    book = Workbook()
    sheet = book.active
    for row in above:
        sheet.append(list(row))
    if merge_title:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    header = rows[0]
    sheet.append(header)
    for row in rows[1:]:
        cells = []
        for column, value in zip(header, row, strict=True):
            if column in ("id", "name", "name_en") or not isinstance(value, str):
                cells.append(value)
            else:
                try:
                    number = float(value)
                except ValueError:
                    cells.append(value)
                    continue
                cells.append(number / 100 if column in percent else number)
        sheet.append(cells)
        for column in percent:
            sheet.cell(row=sheet.max_row, column=header.index(column) + 1).number_format = "0.0%"
    for row in below:
        sheet.append(list(row))
    book.save(path)


def warnings_of(result) -> list[str]:
    return [line.removeprefix("Warning: ") for line in result.stderr.splitlines()
            if line.startswith("Warning: ")]


# --- 1. the header row, title rows above it, note rows below the towns -------------------

def test_title_rows_above_the_header_are_skipped_and_reported(tmp_path, reference) -> None:
    workbook(tmp_path / "towns.xlsx", sample_rows(), above=[[TITLE], [], ["单位：万人、亿元"]],
             merge_title=True)
    table = load_candidates("towns.xlsx")
    assert table.header_row == 4 and table.rows[0] == 5
    assert table.warnings == (f"towns.xlsx: row 1 is a title row ('{TITLE}'), skipped",
                              "towns.xlsx: row 3 is a title row ('单位：万人、亿元'), skipped")
    out = rank_json("--candidates", "towns.xlsx")
    same_ranking(out, reference)
    assert f"towns.xlsx: row 1 is a title row ('{TITLE}'), skipped" in out["warnings"]

    # the same from a CSV saved by Chinese Excel (GBK), the title padded with separators
    rows = sample_rows()
    write_rows(tmp_path / "towns.csv", [[TITLE] + [""] * (len(rows[0]) - 1), *rows],
               encoding="gbk")
    result = run_cli("validate", "--candidates", "towns.csv")
    assert result.exit_code == 0, result.output
    assert f"towns.csv: row 1 is a title row ('{TITLE}'), skipped" in warnings_of(result)
    same_ranking(rank_json("--candidates", "towns.csv"), reference)


def test_a_row_of_many_cells_above_the_header_is_refused(tmp_path) -> None:
    workbook(tmp_path / "towns.xlsx", sample_rows(), above=[["2022", "2023", "2024"]])
    assert_error(run_cli("validate", "--candidates", "towns.xlsx"),
                 "Error: towns.xlsx:1: row 1 above the header (row 2) holds 3 cells, not a title "
                 "— only a title may stand above the header row: delete the row, or move it "
                 "below the table as a note (注：…)")


def test_trailing_note_rows_are_skipped_and_reported(tmp_path, reference) -> None:
    notes = [["注：数据来源于2022年统计年鉴"], ["资料来源：各镇上报"], ["Note: GDP in 亿元"]]
    workbook(tmp_path / "towns.xlsx", sample_rows(), below=notes)
    out = rank_json("--candidates", "towns.xlsx")
    same_ranking(out, reference)
    assert "towns.xlsx: row 7 is a note ('注：数据来源于2022年统计年鉴'), skipped" in out["warnings"]
    assert "towns.xlsx: row 9 is a note ('Note: GDP in 亿元'), skipped" in out["warnings"]

    rows = sample_rows()  # a UTF-8 CSV: the fast reader leaves it to the careful one
    write_rows(tmp_path / "towns.csv", [*rows, ["说明：2022年末数"] + [""] * (len(rows[0]) - 1)])
    table = load_candidates("towns.csv")
    assert len(table) == 5
    assert table.warnings == ("towns.csv: row 7 is a note ('说明：2022年末数'), skipped",)


def test_a_note_row_between_the_towns_is_refused(tmp_path) -> None:
    rows = sample_rows()
    rows.insert(3, ["注：下列镇为2023年新设"] + [""] * (len(rows[0]) - 1))
    write_rows(tmp_path / "towns.csv", rows, encoding="gbk")
    assert_error(run_cli("rank", "--candidates", "towns.csv"),
                 "Error: towns.csv:4: row 4 is a note ('注：下列镇为2023年新设') between the towns "
                 "— move notes below the last town, or delete the row")


# --- 2. % and ‰ cells, percentage formats, columns in fractions ----------------------------

def test_percent_cells_in_a_column_without_unit_read_as_percent_points(tmp_path,
                                                                       reference) -> None:
    rows = sample_rows()
    j = rows[0].index("sewage_rate")
    for row in rows[1:]:
        row[j] = f"{row[j]}%"
    write_rows(tmp_path / "towns.csv", rows, encoding="gbk")
    out = rank_json("--candidates", "towns.csv")
    same_ranking(out, reference)
    note = ("towns.csv: column 'sewage_rate': values written as percentages ('70%') read in "
            "percent points (70); the criteria set gives this column no unit")
    assert out["warnings"].count(note) == 1


def test_percent_cells_follow_the_unit_of_the_indicator(tmp_path) -> None:
    (tmp_path / "units.yaml").write_text(UNITS, encoding="utf-8")
    rows = sample_rows()
    s, g = rows[0].index("sewage_rate"), rows[0].index("gas_coverage")
    rows[1][s], rows[2][s] = "70%", "620‰"  # unit %: 70 and 62
    rows[1][g] = "55％"  # unit % at scale 100: the column holds fractions, 0.55
    write_rows(tmp_path / "towns.csv", rows)
    table = load_candidates("towns.csv")
    sewage = table.numeric("sewage_rate", unit=ColumnUnit("%", 1.0, "indicator 'sewage'"))
    assert sewage.tolist() == [70, 62, 60, 59, 74]
    gas = table.numeric("gas_coverage", unit=ColumnUnit("%", 100.0, "indicator 'gas'"))
    assert gas[0] == pytest.approx(0.55)
    result = run_cli("rank", "--criteria", "units.yaml", "--candidates", "towns.csv")
    assert result.exit_code == 0, result.output
    assert not any("percent" in w for w in warnings_of(result))  # the unit is known: no guess


def test_a_percent_cell_in_a_column_of_another_unit_is_refused(tmp_path) -> None:
    (tmp_path / "units.yaml").write_text(UNITS, encoding="utf-8")
    rows = sample_rows()
    rows[2][rows[0].index("urban_pop")] = "72.4%"
    write_rows(tmp_path / "towns.csv", rows)
    assert_error(run_cli("validate", "--criteria", "units.yaml", "--candidates", "towns.csv"),
                 "Error: towns.csv:3:urban_pop: a percentage in a column in 万人: '72.4%' "
                 "(town T2) — indicator 'urban_pop' reads this column in 万人; write the value "
                 "in 万人, without %")


def test_excel_percent_format_is_read_as_the_percentage_shown(tmp_path, reference) -> None:
    """Stored 0.7, shown 70.0%: read as 70 against the gap's target of 90, never as 0.7."""
    workbook(tmp_path / "towns.xlsx", sample_rows(), percent=("sewage_rate", "waste_rate"))
    table = load_candidates("towns.xlsx")
    assert table.cells.loc["T1", "sewage_rate"] == "70%"
    out = rank_json("--candidates", "towns.xlsx")
    same_ranking(out, reference)
    notes = [w for w in out["warnings"] if "formatted as percentages" in w]
    assert notes == [
        "towns.xlsx: column 'sewage_rate': 5 cells formatted as percentages in Excel (stored "
        "0.7, shown 70%) read as the percentage shown, not as 0.7",
        "towns.xlsx: column 'waste_rate': 5 cells formatted as percentages in Excel (stored "
        "0.84, shown 84%) read as the percentage shown, not as 0.84"]
    result = run_cli("validate", "--candidates", "towns.xlsx")
    assert result.exit_code == 0, result.output
    assert warnings_of(result).count(notes[0]) == 1  # once, not once per command step


def test_excel_percent_format_in_a_column_of_another_unit_is_refused(tmp_path) -> None:
    (tmp_path / "units.yaml").write_text(UNITS, encoding="utf-8")
    workbook(tmp_path / "towns.xlsx", sample_rows(), percent=("urban_pop",))
    result = run_cli("rank", "--criteria", "units.yaml", "--candidates", "towns.xlsx")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == ("Error: towns.xlsx: 5 bad cells in 1 column — correct each cell "
                        "listed below")
    assert lines[1] == ("towns.xlsx:2:urban_pop: '12.1%' — a percentage, but indicator "
                        "'urban_pop' reads this column in 万人 (town T1): indicator 'urban_pop' "
                        "reads this column in 万人; write the value in 万人, without %")


def test_a_column_in_fractions_is_warned_about(tmp_path) -> None:
    """Rates typed as 0.70 where the gap's target is 90: a warning naming the column."""
    rows = sample_rows()
    j = rows[0].index("sewage_rate")
    for row in rows[1:]:
        row[j] = str(int(row[j]) / 100)
    write_rows(tmp_path / "towns.csv", rows)
    result = run_cli("validate", "--candidates", "towns.csv")
    assert result.exit_code == 0, result.output
    warning = ("towns.csv: column 'sewage_rate': every value is at most 1, but indicator "
               "'sewage_gap' compares it with the target 90 — if the column holds fractions "
               "(0.724 for 72.4%), write them as percentages (72.4, or 72.4%)")
    assert warnings_of(result).count(warning) == 1
    assert warning in rank_json("--candidates", "towns.csv")["warnings"]

    # the column in percent points: no warning
    assert not any("at most 1" in w for w in rank_json("--candidates", SAMPLE_CSV)["warnings"])


def test_a_column_in_fractions_under_a_percent_indicator_is_warned_about(tmp_path) -> None:
    (tmp_path / "units.yaml").write_text(UNITS, encoding="utf-8")
    rows = sample_rows()
    j = rows[0].index("sewage_rate")
    for row in rows[1:]:
        row[j] = str(int(row[j]) / 100)
    write_rows(tmp_path / "towns.csv", rows)
    out = rank_json("--criteria", "units.yaml", "--candidates", "towns.csv")
    assert ("towns.csv: column 'sewage_rate': every value is at most 1, but indicator 'sewage' "
            "reads it in % — if the column holds fractions (0.724 for 72.4%), write them as "
            "percentages (72.4, or 72.4%)") in out["warnings"]
    # gas_coverage is read at scale 100 (fractions expected): no warning for it
    assert not any("'gas_coverage'" in w for w in out["warnings"])


# --- 3. id and name columns by alias -------------------------------------------------------

def test_id_and_name_columns_by_alias(tmp_path, reference) -> None:
    rows = sample_rows()
    rows[0][0], rows[0][1] = "编号", "镇名"
    workbook(tmp_path / "towns.xlsx", rows)
    out = rank_json("--candidates", "towns.xlsx")
    same_ranking(out, reference)
    assert "towns.xlsx: column '编号' read as the id column" in out["warnings"]
    assert "towns.xlsx: column '镇名' read as the name column" in out["warnings"]

    rows[0][0], rows[0][1] = " 镇编号 ", "乡镇\u3000名称"  # spaces, a full-width one too
    write_rows(tmp_path / "towns.csv", rows, encoding="gbk")
    table = load_candidates("towns.csv")
    assert table.columns[:2] == ("id", "name") and table.ids[0] == "T1"
    rows[0][0], rows[0][1] = "ID", "Name"
    write_rows(tmp_path / "towns.csv", rows)
    assert load_candidates("towns.csv").names[0] == "青山镇"


def test_two_columns_claiming_one_role_are_refused(tmp_path) -> None:
    rows = sample_rows()
    rows[0][2] = "编号"  # name_en headed 编号: a second id column
    workbook(tmp_path / "towns.xlsx", rows)
    assert_error(run_cli("validate", "--candidates", "towns.xlsx"),
                 "Error: towns.xlsx:1:编号: columns 'id' and '编号' are both the id column — "
                 "keep one of them as 'id' and rename the other")
    rows = sample_rows()
    rows[0][0], rows[0][1], rows[0][2] = "代码", "镇", "乡镇名称"
    write_rows(tmp_path / "towns.csv", rows, encoding="gbk")
    with pytest.raises(InputError, match="columns '镇' and '乡镇名称' are both the name column"):
        load_candidates("towns.csv")


# --- 4. every bad cell in one run -----------------------------------------------------------

def test_every_bad_cell_is_listed_after_one_error_line(tmp_path) -> None:
    rows = sample_rows()
    head = rows[0]
    rows[2][head.index("gdp_2022")] = "45亿"
    rows[4][head.index("pop_2019")] = ""
    rows[1][head.index("revenue")] = "-2"
    write_rows(tmp_path / "towns.csv", rows)
    for command in ("validate", "rank"):
        result = run_cli(command, "--candidates", "towns.csv")
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        lines = result.stderr.splitlines()
        assert lines[0] == "Error: towns.csv: 3 bad cells in 3 columns — correct each cell " \
                           "listed below"
        assert lines[1:4] == [
            "towns.csv:2:revenue: -2 — negative value (town T1): this statistic cannot be "
            "negative; correct the value",
            f"towns.csv:3:gdp_2022: '45亿' — text in a number (town T2): {CELL_HINT}",
            "towns.csv:5:pop_2019: (empty) — empty cell (town T4): fill in the value"]
        assert sum(line.startswith("Error:") for line in lines) == 1


def test_more_than_fifty_bad_cells_are_counted(tmp_path) -> None:
    rows = sample_rows()
    columns = [c for c in rows[0] if c not in ("id", "name", "name_en")]
    for row in rows[1:]:
        for column in columns[:20]:
            row[rows[0].index(column)] = "n/a"
    write_rows(tmp_path / "towns.csv", rows, encoding="gbk")
    result = run_cli("rank", "--candidates", "towns.csv")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    bad = 5 * len([c for c in columns[:20] if c in _columns_read()])
    assert bad > 50
    assert lines[0].startswith(f"Error: towns.csv: {bad} bad cells in ")
    assert len([line for line in lines if line.startswith("towns.csv:")]) == 50
    assert f"… and {bad - 50} more" in lines


def test_one_bad_cell_keeps_its_own_message(tmp_path) -> None:
    rows = sample_rows()
    rows[2][rows[0].index("gdp_2022")] = "45亿"
    write_rows(tmp_path / "towns.csv", rows)
    result = run_cli("rank", "--candidates", "towns.csv")
    assert_error(result, f"Error: towns.csv:3:gdp_2022: text in a number: '45亿' (town T2) — "
                         f"{CELL_HINT}")
    assert len(result.stderr.splitlines()) == 1


def _columns_read() -> set[str]:
    from evalkit import load_criteria
    from evalkit.paths import DEFAULT_CRITERIA

    return set(load_criteria(DEFAULT_CRITERIA).columns())


def test_the_fixes_reach_the_json_warnings(tmp_path, reference) -> None:
    """The whole issue at once: a title, 编号/镇名, % text, a percentage format, a note."""
    rows = sample_rows()
    rows[0][0], rows[0][1] = "编号", "镇名"
    j = rows[0].index("gas_coverage")
    for row in rows[1:]:
        row[j] = f"{row[j]}%"
    workbook(tmp_path / "towns.xlsx", rows, above=[[TITLE]], below=[["注：2022年数据"]],
             percent=("sewage_rate",))
    result = run_cli("rank", "--candidates", "towns.xlsx", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    same_ranking(out, reference)
    fixes = [w for w in out["warnings"] if w.startswith("towns.xlsx")]
    assert len(fixes) == 6, fixes
    assert set(warnings_of(result)) >= set(fixes)
