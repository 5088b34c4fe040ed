"""Output files: formula cells escaped, nothing clobbered, nothing left behind."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest
from foundation_support import assert_error, edited_sample, run_cli, set_cell
from openpyxl import load_workbook

from evalkit.io.output import csv_bytes, escape_formula, write_atomic, xlsx_bytes

EVIL = {
    "T1": '=HYPERLINK("http://x","y")',
    "T2": "@SUM(1)",
    "T3": "+1",
    "T4": "-1",
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def evil_towns(tmp_path):
    """The sample with formula-like names, and T5's population falling (a negative growth)."""
    def edit(rows):
        for town, text in EVIL.items():
            set_cell(rows, town, "name", text)
            set_cell(rows, town, "name_en", text)
        set_cell(rows, "T5", "pop_2019", "5.5")  # 5.5 → 5.1 万人

    return edited_sample(tmp_path / "towns.csv", edit).name


def test_escape_formula_unit() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1"):
        assert escape_formula(text) == "'" + text
    for value in (-1, -1.5, 0, 2.5, True, None, "青山镇", "a=b", "1-2"):
        assert escape_formula(value) == value


def test_csv_output_escapes_text_cells_only(tmp_path, evil_towns) -> None:
    result = run_cli("rank", "--candidates", evil_towns, "--format", "csv", "-o", "ranking.csv")
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "ranking.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_id = {row["id"]: row for row in rows}
    for town, text in EVIL.items():
        assert by_id[town]["name"] == "'" + text
        assert by_id[town]["name_en"] == "'" + text
    assert by_id["T5"]["name"] == "柳塘镇"
    for row in rows:
        for column in ("rank", "closeness", "d_plus", "d_minus"):
            float(row[column])  # numbers are written as plain numbers
            assert not row[column].startswith("'")


def test_csv_bytes_leaves_negative_numbers_alone() -> None:
    text = csv_bytes(["id", "=x", "value"], [["-1", -1, -2.5], ["a", 0, 3]]).decode("utf-8-sig")
    assert text.splitlines() == ["id,'=x,value", "'-1,-1,-2.5", "a,0,3"]


def test_xlsx_output_escapes_text_cells_only(evil_towns) -> None:
    result = run_cli("rank", "--candidates", evil_towns, "--format", "xlsx", "-o", "ranking.xlsx")
    assert result.exit_code == 0, result.output
    workbook = load_workbook("ranking.xlsx")
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"

    ranking = workbook["排序结果"]
    header = [c.value for c in ranking[1]]
    towns = [row for row in ranking.iter_rows(min_row=2) if isinstance(row[0].value, int)]
    names = {row[header.index("编号")].value: row[header.index("候选镇")].value for row in towns}
    assert names == {**{t: "'" + s for t, s in EVIL.items()}, "T5": "柳塘镇"}
    for row in towns:
        assert row[header.index("贴近度 C")].data_type == "n"
        assert isinstance(row[header.index("排名")].value, int)

    indicators = workbook["原始数据"]
    header = [c.value for c in indicators[1]]
    t5 = next(r for r in indicators.iter_rows(min_row=2) if r[0].value == "T5")
    growth = t5[header.index("常住人口年均增长率（%）")]
    assert growth.data_type == "n"
    assert growth.value == pytest.approx(((5.1 / 5.5) ** (1 / 3) - 1) * 100)
    assert growth.value < 0  # a negative number stays a number


def test_xlsx_bytes_leaves_negative_numbers_alone(tmp_path) -> None:
    (tmp_path / "t.xlsx").write_bytes(xlsx_bytes({"s": (["a", "b"], [["-1", -1.5], ["+x", -3]])}))
    sheet = load_workbook(tmp_path / "t.xlsx")["s"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == \
        [["a", "b"], ["'-1", -1.5], ["'+x", -3]]


def test_existing_output_is_not_overwritten(tmp_path) -> None:
    (tmp_path / "ranking.json").write_text("old\n", encoding="utf-8")
    result = run_cli("rank", "--format", "json", "-o", "ranking.json")
    assert_error(result, "Error: ranking.json: output file already exists — "
                         "choose another name, or pass --overwrite to replace it")
    assert (tmp_path / "ranking.json").read_text(encoding="utf-8") == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["ranking.json"]


def test_overwrite_replaces_and_keeps_the_mode(tmp_path) -> None:
    target = tmp_path / "ranking.json"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    result = run_cli("rank", "--format", "json", "-o", "ranking.json", "--overwrite")
    assert result.exit_code == 0, result.output
    assert "Wrote ranking.json" in result.stderr.splitlines()
    assert json.loads(target.read_text(encoding="utf-8"))["ranking"][0]["rank"] == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["ranking.json"]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "table"])
def test_new_output_follows_the_umask_and_leaves_no_temporary_file(tmp_path, fmt) -> None:
    old = os.umask(0o022)
    try:
        result = run_cli("rank", "--format", fmt, "-o", f"ranking.{fmt}")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == [f"ranking.{fmt}"]
    assert stat.S_IMODE((tmp_path / f"ranking.{fmt}").stat().st_mode) == 0o644


def test_output_directory_must_exist(tmp_path) -> None:
    assert_error(run_cli("rank", "--format", "json", "-o", "missing/ranking.json"),
                 "Error: missing: output directory does not exist — create it or choose another path")
    assert os.listdir(tmp_path) == []


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def explode(handle):
        handle.write(b"half a fi")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_atomic(target, explode, overwrite=True)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]
