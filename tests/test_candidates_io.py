"""Candidate tables as users save them: GBK and BOM CSV files, Excel workbooks."""

from __future__ import annotations

import json

import pytest
from foundation_support import SAMPLE_CSV, assert_error, rank_json, run_cli, sample_rows
from foundation_support import same_ranking as same_order
from openpyxl import Workbook, load_workbook

from evalkit import load_candidates

SAMPLE_TEXT = SAMPLE_CSV.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def same_ranking(out: dict, reference: dict) -> None:
    assert out["weights"] == pytest.approx(reference["weights"], abs=1e-12)
    same_order(out, reference)
    assert [r["closeness"] for r in out["ranking"]] == \
        pytest.approx([r["closeness"] for r in reference["ranking"]], abs=1e-12)


def test_gbk_csv_loads_and_the_guess_is_a_warning(tmp_path, reference) -> None:
    (tmp_path / "towns.csv").write_text(SAMPLE_TEXT, encoding="gbk")
    table = load_candidates(tmp_path / "towns.csv")
    assert table.names[0] == "青山镇"
    assert table.encoding is not None and table.encoding.guessed

    warning = "Warning: towns.csv was read as GB18030/GBK (guessed)"
    result = run_cli("rank", "--candidates", "towns.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    assert warning in result.stderr.splitlines()
    out = json.loads(result.stdout)
    same_ranking(out, reference)
    assert "towns.csv was read as GB18030/GBK (guessed)" in out["warnings"]

    result = run_cli("validate", "--candidates", "towns.csv")
    assert result.exit_code == 0, result.output
    assert warning in result.stderr.splitlines()


def test_utf8_with_bom_loads_without_warning(tmp_path, reference) -> None:
    (tmp_path / "towns.csv").write_text(SAMPLE_TEXT, encoding="utf-8-sig")
    table = load_candidates(tmp_path / "towns.csv")
    assert table.columns[0] == "id"  # the BOM is not part of the first header
    assert str(table.encoding) == "UTF-8 with BOM"
    result = run_cli("rank", "--candidates", "towns.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    same_ranking(json.loads(result.stdout), reference)


def test_semicolon_separated_csv_loads(tmp_path, reference) -> None:
    """European Excel saves with ';'; the dialect is sniffed."""
    (tmp_path / "towns.csv").write_text(SAMPLE_TEXT.replace(",", ";"), encoding="utf-8")
    same_ranking(rank_json("--candidates", "towns.csv"), reference)


def write_workbook(path, rows, *, as_text: set[int] = frozenset(), title: str = "Sheet") -> None:
    """Write rows to a workbook; numbers go in as numbers except on rows in ``as_text``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(rows[0])
    for index, row in enumerate(rows[1:], start=1):
        cells = []
        for column, value in zip(rows[0], row, strict=True):
            if column in ("id", "name", "name_en") or index in as_text:
                cells.append(value)
            else:
                cells.append(float(value))
        sheet.append(cells)
    workbook.save(path)


def test_xlsx_with_numbers_as_numbers_and_as_text(tmp_path, reference) -> None:
    """Excel users mix cells typed as numbers with numbers stored as text."""
    write_workbook(tmp_path / "towns.xlsx", sample_rows(), as_text={2, 4})
    table = load_candidates(tmp_path / "towns.xlsx")
    assert table.encoding is None
    assert isinstance(table.cells.loc["T1", "gdp_2022"], int | float)  # a number cell
    assert table.cells.loc["T2", "gdp_2022"] == "45.0"  # a text cell
    assert table.numeric("gdp_2022").tolist() == [120.0, 45.0, 32.0, 25.0, 18.6]
    out = rank_json("--candidates", "towns.xlsx")
    same_ranking(out, reference)
    assert out["warnings"] == []


def test_xlsx_errors_name_the_sheet_row(tmp_path) -> None:
    rows = sample_rows()
    rows[3][rows[0].index("revenue")] = "n/a"
    write_workbook(tmp_path / "towns.xlsx", rows, as_text={3})
    assert_error(run_cli("validate", "--candidates", "towns.xlsx"),
                 "Error: towns.xlsx:4:revenue: text in a number: 'n/a' (town T3) — "
                 "write a plain number such as 12.5")


def test_xlsx_empty_number_cell(tmp_path) -> None:
    write_workbook(tmp_path / "towns.xlsx", sample_rows())
    workbook = load_workbook(tmp_path / "towns.xlsx")
    workbook.active["F3"] = None  # urban_pop of T2
    workbook.save(tmp_path / "towns.xlsx")
    assert_error(run_cli("validate", "--candidates", "towns.xlsx"),
                 "Error: towns.xlsx:3:urban_pop: empty cell (town T2) — fill in the value")


def test_xlsx_prefers_a_sheet_named_candidates(tmp_path, reference) -> None:
    workbook = Workbook()
    workbook.active.title = "notes"
    workbook.active.append(["这张表是说明"])
    sheet = workbook.create_sheet("candidates")
    for row in sample_rows():
        sheet.append(row)
    workbook.save(tmp_path / "towns.xlsx")
    same_ranking(rank_json("--candidates", "towns.xlsx"), reference)


def test_thousands_separators_and_full_width_digits(tmp_path) -> None:
    rows = sample_rows()
    rows[1][rows[0].index("hospital_beds")] = "1,693"
    rows[2][rows[0].index("hospital_beds")] = "３９２"
    (tmp_path / "towns.csv").write_text(
        "\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n", encoding="utf-8")
    table = load_candidates(tmp_path / "towns.csv")
    assert table.numeric("hospital_beds")[:2].tolist() == [1693.0, 392.0]
