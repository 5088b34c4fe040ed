"""A county analyst's own workbook goes through the whole chain with no hand edits (issue 16).

Twelve towns (the five of the sample and seven more like them) as an analyst exports
them from Excel: a merged title row, 编号/镇名 headers, 72.4%-style text cells, cells
stored as fractions and formatted as percent, and a note row under the table.  Each
command runs on it as it is, and every fix the import made is reported.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from evalkit.cli import cli
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

TEXT_PERCENT = "sewage_rate"  # typed as "84%"
FORMATTED_PERCENT = "gas_coverage"  # stored 0.55, shown 55.0%


def _twelve_towns() -> list[list[object]]:
    rows = list(csv.reader(io.StringIO(DEFAULT_CANDIDATES.read_text(encoding="utf-8"))))
    header, towns = rows[0], rows[1:]
    out: list[list[object]] = [header]
    for k in range(12):
        base = towns[k % 5]
        factor = 1.0 + 0.04 * (k // 5) * (1 if k % 2 else -1)
        row: list[object] = []
        for column, value in zip(header, base, strict=True):
            if column == "id":
                row.append(f"T{k + 1:02d}")
            elif column == "name":
                row.append(value if k < 5 else f"{value[:-1]}{k + 1}号镇")
            elif column == "name_en":
                row.append(value if k < 5 else f"{value} {k + 1}")
            else:
                number = float(value)
                if column not in ("tap_water_coverage", "paved_roads", TEXT_PERCENT,
                                  FORMATTED_PERCENT):
                    number = round(number * factor, 4)
                row.append(number)
        out.append(row)
    return out


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DEFAULT_CRITERIA.parent, tmp_path / "c")
    rows = _twelve_towns()
    header = ["编号", "镇名", *rows[0][2:]]
    book = Workbook()
    sheet = book.active
    sheet.append(["某县候选镇基础数据（2022年）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    sheet.append(header)
    for row in rows[1:]:
        cells = list(row)
        cells[header.index(TEXT_PERCENT)] = f"{row[header.index(TEXT_PERCENT)]:g}%"
        cells[header.index(FORMATTED_PERCENT)] = row[header.index(FORMATTED_PERCENT)] / 100
        sheet.append(cells)
        sheet.cell(row=sheet.max_row,
                   column=header.index(FORMATTED_PERCENT) + 1).number_format = "0.0%"
    sheet.append(["注：数据来源于各镇统计年报，2022年末数。"])
    book.save(tmp_path / "towns.xlsx")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args, "--criteria", "c/default.yaml",
                                      "--candidates", "towns.xlsx"])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout, result.stderr


def test_the_workbook_goes_through_every_command_with_each_fix_reported(project: Path) -> None:
    code, _, err = run("validate")
    assert code == 0, err
    code, out, err = run("rank", "--format", "json")
    assert code == 0, err
    ranking = json.loads(out)
    assert len(ranking["ranking"]) == 12
    fixes = "\n".join(ranking["warnings"])
    for expected in ("row 1 is a title row", "row 15 is a note",
                     "column '编号' read as the id column", "column '镇名' read as the name column",
                     FORMATTED_PERCENT, TEXT_PERCENT):
        assert expected in fixes, (expected, fixes)
    # percentages read at the right scale: the same ranking as the plain numbers give
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(_twelve_towns())
    Path("plain.csv").write_text(buffer.getvalue(), encoding="utf-8")
    plain = CliRunner().invoke(cli, ["rank", "--format", "json", "--criteria", "c/default.yaml",
                                     "--candidates", "plain.csv"])
    assert plain.exit_code == 0, plain.output
    reference = json.loads(plain.stdout)["ranking"]
    assert [r["id"] for r in ranking["ranking"]] == [r["id"] for r in reference]
    assert [r["closeness"] for r in ranking["ranking"]] == pytest.approx(
        [r["closeness"] for r in reference], abs=1e-12)
    code, _, err = run("weights")
    assert code == 0, err
    code, out, err = run("select", "--format", "json", "--as-of", "2025-01-01",
                         "--robust-samples", "0")
    assert code == 0, err
    assert len(json.loads(out)["selected"]) == 3
    code, _, err = run("report", "--no-towns", "--no-robustness", "--format", "docx",
                       "--out", "out", "--quiet")
    assert code == 0, err
    assert list(Path("out").rglob("*.docx"))
