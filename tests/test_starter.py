"""Spreadsheet-first: ``evalkit init`` writes a project folder, and its workbooks come back.

The data template is read by evalkit's own candidate reader; the expert
questionnaires, filled by script with exactly the bundled YAML judgments, give
the same AHP weights as the YAML files; a bad questionnaire cell is one error
line naming the file, the sheet and the cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from foundation_support import run_cli

from evalkit.errors import InputError
from evalkit.io.candidates import load_candidates
from evalkit.methods.ahp.judgments import load_judgments
from evalkit.methods.weighting import ahp_judgments, judgment_files
from evalkit.model.criteria import load_criteria
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO

YAML_EXPERTS = ("expert_chen", "expert_li", "expert_wang")
"""The bundled judgment files, filled into expert_1, expert_2 and expert_3.xlsx."""
CRITERIA = load_criteria(DEFAULT_CRITERIA)
FAMILIES = tuple(f.id for f in CRITERIA.families)
MEMBERS = {f: [i.id for i in CRITERIA.members(f)] for f in FAMILIES}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def init(folder: str, *args: str) -> Path:
    result = run_cli("init", folder, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return Path(folder)


def fill_towns(data: Path, count: int) -> list[str]:
    """Fill the template with the first ``count`` sample towns; their ids."""
    with DEFAULT_CANDIDATES.open(encoding="utf-8") as handle:
        towns = list(csv.DictReader(handle))[:count]
    book = openpyxl.load_workbook(data)
    sheet = book["candidates"]
    header = [cell.value for cell in sheet[1]]
    for row, town in enumerate(towns, start=2):
        for column, name in enumerate(header, start=1):
            text = town[name]
            sheet.cell(row, column).value = text if name in ("id", "name") else float(text)
    book.save(data)
    return [town["id"] for town in towns]


def fill_questionnaire(path: Path, yaml_name: str) -> None:
    """Write one bundled expert's judgments into a blank questionnaire, cell by cell."""
    expert = load_judgments(DEFAULT_CRITERIA.parent / "judgments" / f"{yaml_name}.yaml",
                            FAMILIES, MEMBERS)
    book = openpyxl.load_workbook(path)
    sheet = book["专家信息"]
    for row in range(3, sheet.max_row + 1):
        key = sheet.cell(row, 3).value
        if key in expert.expert.to_dict():
            sheet.cell(row, 2).value = expert.expert.to_dict()[key]
    matrices = {m.name: m for m in expert.matrices()}
    for sheet in book.worksheets:
        matrix = matrices.get(sheet["B2"].value)
        if matrix is None:
            continue
        sheet["B3"] = matrix.reason or None
        for row in range(5, sheet.max_row + 1):
            a, b = sheet.cell(row, 4).value, sheet.cell(row, 5).value
            if not a:
                continue
            value = matrix.values[matrix.items.index(a)][matrix.items.index(b)]
            if value == value:  # NaN: a comparison the expert left out stays blank
                sheet.cell(row, 3).value = str(Fraction(value).limit_denominator(9))
    book.save(path)


def filled_project(folder: str) -> Path:
    project = init(folder)
    for number, name in enumerate(YAML_EXPERTS, start=1):
        fill_questionnaire(project / "judgments" / f"expert_{number}.xlsx", name)
    return project


def ahp_json(criteria: Path = DEFAULT_CRITERIA) -> dict:
    """The AHP part of ``evalkit weights --weighting ahp --format json``, by the library calls
    the command makes: every judgment file of the criteria set's folder, then AHP."""
    spec = load_criteria(criteria).weighting
    experts = tuple(load_judgments(path, FAMILIES, MEMBERS) for path in judgment_files(spec))
    return json.loads(json.dumps(ahp_judgments(experts, spec).to_dict()))


def set_cell(path: Path, sheet: str, cell: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def error_lines(result) -> list[str]:
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


# --------------------------------------------------------------------------
# The folder
# --------------------------------------------------------------------------


def test_init_writes_every_file() -> None:
    project = init("city", "--experts", "4")
    written = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert written == ["README.md", "candidates.xlsx", "criteria.yaml",
                       *(f"judgments/expert_{k}.xlsx" for k in range(1, 5)),
                       "plan.yaml", "scenario.yaml", "standards.yaml"]
    assert (project / "criteria.yaml").read_bytes() == DEFAULT_CRITERIA.read_bytes()
    scenario = (project / "scenario.yaml").read_text(encoding="utf-8")
    assert scenario.startswith("# 选择情景模板")
    assert scenario.endswith(DEFAULT_SCENARIO.read_text(encoding="utf-8"))
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert readme.index("要填写的文件") < readme.index("## English")
    assert "evalkit validate --criteria criteria.yaml --candidates candidates.xlsx" in readme
    book = openpyxl.load_workbook(project / "judgments" / "expert_1.xlsx")
    assert book.sheetnames == ["说明", "专家信息", "families", "population", "economy",
                               "infrastructure", "public_services", "fiscal", "talent"]
    families = book["families"]
    assert families["B5"].value == "人口集聚 与 经济实力 相比"
    assert families["C5"].value is None
    lists = [v for v in families.data_validations.dataValidation if v.type == "list"]
    assert lists and "1/9" in lists[0].formula1 and "C5" in str(lists[0].sqref)


def test_init_refuses_a_folder_that_is_not_empty() -> None:
    init("city")
    result = run_cli("init", "city")
    assert result.exit_code == 2
    assert error_lines(result) == ["Error: city: the folder is not empty — give a new or empty "
                                   "folder, or pass --force to write into it (files of the same "
                                   "names are replaced)"]
    assert run_cli("init", "city", "--force").exit_code == 0


def test_init_from_another_criteria_set(tmp_path) -> None:
    criteria = tmp_path / "mine.yaml"
    criteria.write_text(DEFAULT_CRITERIA.read_text(encoding="utf-8").replace(
        "town-to-district", "my-set"), encoding="utf-8")
    project = init("mine", "--criteria", "mine.yaml", "--experts", "1")
    assert b"my-set" in (project / "criteria.yaml").read_bytes()
    assert [p.name for p in (project / "judgments").iterdir()] == ["expert_1.xlsx"]


# --------------------------------------------------------------------------
# The data template
# --------------------------------------------------------------------------


def test_data_template_is_read_by_the_candidate_reader() -> None:
    project = init("city")
    data = project / "candidates.xlsx"
    with pytest.raises(InputError, match="only 0 candidate town"):
        load_candidates(data)
    ids = fill_towns(data, 3)
    table = load_candidates(data)
    assert table.ids == tuple(ids)
    assert table.columns[:2] == ("id", "name")
    assert set(CRITERIA.columns()) <= set(table.columns)
    assert {"cost_infrastructure", "talent_need", "tap_water_coverage"} <= set(table.columns)
    assert table.warnings == ()
    assert table.sources is not None and table.sources.sheet == "sources"
    assert table.sources.status(ids[0], "gdp_2022") == "assumed"
    for column in CRITERIA.columns():
        assert table.numeric(column).shape == (3,)


def test_data_template_has_number_checks_and_labels() -> None:
    book = openpyxl.load_workbook(init("city") / "candidates.xlsx")
    assert book.sheetnames == ["说明", "candidates", "字段说明", "sources"]
    sheet = book["candidates"]
    header = {cell.value: cell for cell in sheet[1]}
    assert "2022年地区生产总值（亿元）" in header["gdp_2022"].comment.text
    checks = [v for v in sheet.data_validations.dataValidation if v.type == "decimal"]
    assert len(checks) == len(header) - 2
    assert all(v.showErrorMessage for v in checks)
    assert any("亿元" in (v.prompt or "") for v in checks)
    assert any(str(cell.value).startswith("English:") for cell in book["说明"]["A"])


def test_the_filled_folder_validates_and_ranks() -> None:
    project = filled_project("city")
    fill_towns(project / "candidates.xlsx", 5)
    args = ("--criteria", "city/criteria.yaml", "--candidates", "city/candidates.xlsx")
    result = run_cli("validate", *args)
    assert result.exit_code == 0, result.output
    assert "judgments: 3 experts, every matrix consistent." in result.stdout
    assert run_cli("rank", *args, "--format", "json").exit_code == 0


# --------------------------------------------------------------------------
# Questionnaires come back as judgments
# --------------------------------------------------------------------------


def test_questionnaires_give_the_weights_of_the_yaml_files() -> None:
    filled_project("city")
    expected = ahp_json()
    got = ahp_json(Path("city/criteria.yaml"))
    for key in ("weights", "families"):
        assert got[key].keys() == expected[key].keys()
        for name, value in expected[key].items():
            assert got[key][name] == pytest.approx(value, abs=1e-12)
    assert len(got["consistency"]) == len(expected["consistency"])
    for mine, theirs in zip(got["consistency"], expected["consistency"], strict=True):
        assert (mine["matrix"], mine["expert"]) == (theirs["matrix"], theirs["expert"])
        assert mine["cr"] == pytest.approx(theirs["cr"], abs=1e-12)
        assert [p["pair"] for p in mine["estimated_pairs"]] == \
            [p["pair"] for p in theirs["estimated_pairs"]]
    assert any(c["estimated_pairs"] for c in got["consistency"])  # blank cells: left out


def test_a_questionnaire_reads_as_the_yaml_file() -> None:
    project = filled_project("city")
    got = load_judgments(project / "judgments" / "expert_2.xlsx", FAMILIES, MEMBERS)
    expected = load_judgments(DEFAULT_CRITERIA.parent / "judgments" / "expert_li.yaml",
                              FAMILIES, MEMBERS)
    assert got.expert == expected.expert
    for a, b in zip(got.matrices(), expected.matrices(), strict=True):
        assert (a.name, a.items, a.reason) == (b.name, b.items, b.reason)
        np.testing.assert_allclose(a.array, b.array, rtol=0, atol=1e-12)  # NaN where left out
    assert got.families.sources[(0, 1)].column == "families!C5"


def test_a_folder_mixing_yaml_and_xlsx_ignores_excel_lock_files() -> None:
    project = filled_project("city")
    folder = project / "judgments"
    for number, name in ((2, "expert_li"), (3, "expert_wang")):
        (folder / f"expert_{number}.xlsx").unlink()
        shutil.copy(DEFAULT_CRITERIA.parent / "judgments" / f"{name}.yaml", folder)
    (folder / "~$expert_1.xlsx").write_bytes(b"\x00lock")
    expected = ahp_json()
    got = ahp_json(Path("city/criteria.yaml"))
    assert got["weights"] == pytest.approx(expected["weights"], abs=1e-12)


@pytest.mark.parametrize(("value", "what"), [
    ("十", "value '十' is not a number"),
    (0, "value 0 is not positive"),
    (11, "value 11 is not on the Saaty scale"),
    (dt.datetime(2024, 1, 3), "the judgment is a date"),
])
def test_a_bad_cell_names_the_file_sheet_and_cell(value, what) -> None:
    project = filled_project("city")
    set_cell(project / "judgments" / "expert_1.xlsx", "families", "C5", value)
    result = run_cli("weights", "--criteria", "city/criteria.yaml")
    assert result.exit_code == 2
    [line] = error_lines(result)
    assert line.startswith(f"Error: city/judgments/expert_1.xlsx:families!C5: {what}"), line


def test_a_bad_expert_field_names_its_cell() -> None:
    project = filled_project("city")
    set_cell(project / "judgments" / "expert_3.xlsx", "专家信息", "B7", "电话")
    result = run_cli("weights", "--criteria", "city/criteria.yaml")
    [line] = error_lines(result)
    assert line.startswith("Error: city/judgments/expert_3.xlsx:专家信息!B7: unknown "
                           "elicitation method '电话'"), line


def test_validate_reports_a_bad_questionnaire() -> None:
    project = filled_project("city")
    set_cell(project / "judgments" / "expert_2.xlsx", "economy", "C6", "abc")
    result = run_cli("validate", "--criteria", "city/criteria.yaml")
    assert result.exit_code == 2
    assert error_lines(result) == [
        "Error: city/judgments/expert_2.xlsx:economy!C6: value 'abc' is not a number — write a "
        "number such as 3 or a fraction such as 1/3"]


def test_validate_reads_questionnaires_while_the_table_is_blank() -> None:
    init("city", "--experts", "2")
    result = run_cli("validate", "--criteria", "city/criteria.yaml",
                     "--candidates", "city/candidates.xlsx")
    assert result.exit_code == 2
    lines = error_lines(result)
    assert lines[0].startswith("Error: city/candidates.xlsx: only 0 candidate town(s)")
    assert lines[1:] == [
        f"Error: city/judgments/expert_{k}.xlsx:专家信息!B3: the questionnaire is not filled in "
        "yet (no name, no judgments) — have the expert fill it in, or move it out of the "
        "judgments folder" for k in (1, 2)]
