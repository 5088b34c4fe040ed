"""`--format xlsx` of rank, weights, select and robust: formatted workbooks to hand on.

Each workbook opens with openpyxl, has a cover sheet and the tables of its
command with Chinese headers, frozen header rows and number formats; its
numbers are the command's JSON numbers; two runs give the same bytes.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from foundation_support import assert_error, run_cli
from openpyxl import load_workbook
from openpyxl.utils import coordinate_to_tuple

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.cli.workbook.book import shown_number, shown_width
from evalkit.methods.weighting import entropy_weights
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

COMMANDS = {
    "rank": (),
    "weights": (),
    "select": ("--as-of", "2026-06-30", "--robust-samples", "200", "--quiet"),
    "robust": ("--samples", "200", "--quiet"),
}
"""Each command on the bundled sample, with options that keep it fast and its answer fixed."""
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict[str, Any]]:
    """For each command: the workbook written twice, and the JSON of the same command."""
    folder = tmp_path_factory.mktemp("xlsx")
    out: dict[str, dict[str, Any]] = {}
    for command, options in COMMANDS.items():
        files = []
        for run in ("a", "b"):
            path = folder / f"{command}-{run}.xlsx"
            result = run_cli(command, *options, "--format", "xlsx", "-o", path)
            assert result.exit_code == 0, (result.output, result.exception)
            files.append(path)
        result = run_cli(command, *options, "--format", "json")
        assert result.exit_code == 0, (result.output, result.exception)
        out[command] = {"files": files, "json": json.loads(result.stdout),
                        "book": load_workbook(files[0])}
    return out


def table(sheet: Any) -> list[dict[str, Any]]:
    """The first table of a sheet (header on the frozen row), as dicts of cells, to the
    first blank row."""
    header_row = coordinate_to_tuple(sheet.freeze_panes)[0] - 1
    header = [c.value for c in sheet[header_row]]
    rows = []
    for row in sheet.iter_rows(min_row=header_row + 1):
        if all(c.value is None for c in row):
            break
        rows.append({h: c for h, c in zip(header, row, strict=True) if h is not None})
    return rows


def cover_rows(book: Any) -> dict[str, Any]:
    return {row[0]: row[1:] for row in book["封面"].iter_rows(values_only=True) if row[0]}


def test_every_workbook_is_the_same_bytes_twice(outputs) -> None:
    for command, out in outputs.items():
        a, b = out["files"]
        assert a.read_bytes() == b.read_bytes(), command


def test_fixed_times_and_properties(outputs, tmp_path, monkeypatch) -> None:
    with zipfile.ZipFile(outputs["rank"]["files"][0]) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert "2000-01-01T00:00:00Z</dcterms:created>" in core
    assert "2000-01-01T00:00:00Z</dcterms:modified>" in core
    assert re.search(r"<dc:creator[^>]*>evalkit</dc:creator>", core)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740794400")  # 2025-03-01 02:00 UTC
    result = run_cli("rank", "--format", "xlsx", "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "r.xlsx") as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
        assert {info.date_time for info in archive.infolist()} == {(2025, 3, 1, 2, 0, 0)}
    assert "2025-03-01T02:00:00Z</dcterms:modified>" in core


def test_every_sheet_has_chinese_headers_frozen_and_fitted(outputs) -> None:
    for command, out in outputs.items():
        book = out["book"]
        assert book.sheetnames[0] == "封面", command
        for sheet in book.worksheets[1:]:
            assert sheet.freeze_panes, (command, sheet.title)
            header_row = coordinate_to_tuple(sheet.freeze_panes)[0] - 1
            headers = [c.value for c in sheet[header_row] if c.value is not None]
            assert headers and all(CJK.search(h) or h in ("λmax",) or re.search(r"[A-Z]", h)
                                   for h in headers), (command, sheet.title, headers)
            assert CJK.search(" ".join(headers)), (command, sheet.title, headers)
            for cell in sheet[header_row]:
                if cell.value is None:
                    continue
                width = sheet.column_dimensions[cell.column_letter].width
                assert width >= min(shown_width(cell.value) + 2, 60), (sheet.title, cell.value)


def test_cover_names_the_command_inputs_version_and_methods(outputs) -> None:
    from evalkit.version import __version__

    for command, out in outputs.items():
        cover = cover_rows(out["book"])
        line = cover["命令"][0]
        assert line.startswith(f"evalkit {command} ") and "--format xlsx" in line
        assert ".xlsx" not in line  # the output file is not named, so runs compare equal
        assert cover["evalkit 版本"][0] == __version__
        files = {v[0]: v[1] for k, v in cover.items() if k.startswith(("指标体系 ", "候选镇数据"))}
        assert files == {
            "default.yaml": _sha256(DEFAULT_CRITERIA), "towns.csv": _sha256(DEFAULT_CANDIDATES)}
        hashed = [v[0] for v in cover.values() if re.fullmatch(r"[0-9a-f]{64}", str(v[1] or ""))]
        assert len(hashed) >= 2 and not any("/" in name for name in hashed)  # names, not paths
        assert "赋权方法" in cover and "combined" in cover["赋权方法"][0]
    assert "--as-of 2026-06-30" in cover_rows(outputs["select"]["book"])["命令"][0]
    assert cover_rows(outputs["select"]["book"])["选择情景 scenario"][0] == "scenario.yaml"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rank_workbook_matches_the_json(outputs) -> None:
    book, data = outputs["rank"]["book"], outputs["rank"]["json"]
    for title in ("排序结果", "指标权重", "熵权法", "原始数据", "标准化矩阵", "正负理想解",
                  "障碍度", "方法一致性"):
        assert title in book.sheetnames
    rows = table(book["排序结果"])
    assert [r["编号"].value for r in rows] == [t["id"] for t in data["ranking"]]
    for row, town in zip(rows, data["ranking"], strict=True):
        assert row["排名"].value == town["rank"] and row["排名"].number_format == "0"
        assert row["候选镇"].value == town["name"]
        cell = row["贴近度 C"]
        assert cell.number_format == "0.0000"
        assert shown_number(cell.value, cell.number_format) == f"{town['closeness']:.4f}"
        assert round(row["D+（距正理想解）"].value, 4) == round(town["d_plus"], 4)
        assert round(row["D−（距负理想解）"].value, 4) == round(town["d_minus"], 4)
    criteria = load_criteria(DEFAULT_CRITERIA)
    label = {ind.label("zh"): ind.id for ind in criteria.indicators}
    weights = table(book["指标权重"])
    assert len(weights) == len(data["weights"])
    for row in weights:
        assert row["权重 w"].number_format == "0.0000" and row["权重 %"].number_format == "0.00%"
        assert f"{row['权重 w'].value:.4f}" == f"{data['weights'][label[row['指标'].value]]:.4f}"
    header = [c.value for c in book["原始数据"][1]]
    assert "镇区常住人口（万人）" in header and "人均GDP（万元/人）" in header


def test_rank_tables_are_the_libraries_numbers() -> None:
    """e, d and the entropy weights, r_ij, A+ and A− as the library computes them."""
    import tempfile

    evaluation = evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.xlsx"
        assert run_cli("rank", "--format", "xlsx", "-o", path).exit_code == 0
        book = load_workbook(path)
    objective = evaluation.weights.details["objective"]
    w, details = entropy_weights(evaluation.matrix.values, evaluation.matrix.signs,
                                 standardization="minmax")
    entropy = table(book["熵权法"])
    assert np.allclose([r["信息熵值 e"].value for r in entropy], details["entropy"])
    assert np.allclose([r["信息效用值 d"].value for r in entropy], details["divergence"])
    assert np.allclose([r["权重 w（熵权）"].value for r in entropy], objective.values)
    assert np.allclose([r["权重 w（熵权）"].value for r in entropy], w)
    normalised = np.array([[c.value for c in list(r.values())[2:]]
                           for r in table(book["标准化矩阵"])], dtype=float)
    v = normalised * evaluation.weights.values
    assert np.allclose(v, evaluation.ranking.weighted)
    ideal = table(book["正负理想解"])
    assert np.allclose([r["正理想解 A+"].value for r in ideal], evaluation.ranking.ideal)
    assert np.allclose([r["负理想解 A−"].value for r in ideal], evaluation.ranking.anti_ideal)
    obstacles = table(book["障碍度"])
    assert all(c.number_format == "0.00%" for r in obstacles for c in list(r.values())[3:])
    by_id = {r["编号"].value: [c.value for c in list(r.values())[3:]] for r in obstacles}
    for i, town in enumerate(evaluation.matrix.ids):
        assert np.allclose(by_id[town], evaluation.obstacles.degree[i])


def test_weights_workbook_matches_the_json(outputs) -> None:
    book, data = outputs["weights"]["book"], outputs["weights"]["json"]
    experts = ["陈立", "李秀梅", "王建国"]
    for title in ("指标权重", "熵权法", "一致性检验", "专家权重",
                  *(f"判断矩阵-{e}" for e in experts), "判断矩阵-群体（AIJ 集结）"):
        assert title in book.sheetnames, book.sheetnames
    rows = table(book["指标权重"])
    assert [round(r["权重 w"].value, 4) for r in rows] == \
        [round(w, 4) for w in data["weights"].values()]
    assert [round(r["AHP 主观权重"].value, 4) for r in rows] == \
        [round(w, 4) for w in data["ahp_weights"].values()]
    checks = table(book["一致性检验"])
    assert len(checks) == len(data["consistency"])
    for row, c in zip(checks, data["consistency"], strict=True):
        assert row["阶数 n"].value == c["n"]
        for header, key in (("最大特征根 λmax", "lambda_max"), ("一致性指标 CI", "ci"),
                            ("一致性比例 CR", "cr")):
            assert row[header].number_format == "0.0000"
            assert f"{row[header].value:.4f}" == f"{c[key]:.4f}"
    # 陈立's family matrix: the complete matrix, its priorities, λmax and CR
    sheet = book["判断矩阵-陈立"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0].startswith("陈立 · 准则层")
    assert values[1][:2] == ["比较项", "人口集聚"] and values[1][7] == "权重 w"
    family = data["experts"][0]
    assert family["name"] == "陈立"
    assert [round(r[7], 4) for r in values[2:8]] == \
        [round(w, 4) for w in family["family_weights"].values()]
    assert values[8][0] == "λmax" and round(values[8][1], 4) == round(
        data["consistency"][0]["lambda_max"], 4)
    assert values[10][0] == "CR" and round(values[10][1], 4) == round(data["consistency"][0]["cr"], 4)
    own = table(book["专家权重"])
    for k, expert in enumerate(data["experts"]):
        assert [round(r[f"{expert['name']} AHP"].value, 4) for r in own] == \
            [round(w, 4) for w in expert["ahp_weights"].values()], k


def test_select_workbook_matches_the_json(outputs) -> None:
    book, data = outputs["select"]["book"], outputs["select"]["json"]
    for title in ("入选镇", "约束与余量", "资金安排", "分年安排", "未入选说明", "备选方案"):
        assert title in book.sheetnames
    chosen = [r for r in table(book["入选镇"]) if r["编号"].value != "合计"]
    assert [(r["编号"].value, r["改区年份"].value) for r in chosen] == \
        [(t["id"], t["year"]) for t in data["selected"]]
    for row, town in zip(chosen, data["selected"], strict=True):
        assert row["改区年份"].number_format == "0"
        assert f"{row['贴近度 C'].value:.4f}" == f"{town['closeness']:.4f}"
        assert row["投资合计（亿元）"].number_format == "0.00"
        assert f"{row['投资合计（亿元）'].value:.2f}" == f"{town['cost']:.2f}"
    limits = table(book["约束与余量"])
    assert [r["代码"].value for r in limits] == [c["name"] for c in data["constraints"]]
    for row, c in zip(limits, data["constraints"], strict=True):
        digits = 0 if c["unit"] in ("towns", "persons") else 2
        assert row["余量"].number_format == ("0" if digits == 0 else "0.00")
        slack = c["used"] - c["limit"] if c.get("sense") == ">=" else c["limit"] - c["used"]
        assert round(row["余量"].value, digits) == round(slack, digits)
    financing = table(book["资金安排"])
    assert len(financing) == len(data["financing"])
    assert sum(r["金额（亿元）"].value for r in financing) == \
        pytest.approx(sum(f["amount"] for f in data["financing"]))
    assert all(r["金额（亿元）"].number_format == "0.00" for r in financing)


def test_robust_workbook_matches_the_json(outputs) -> None:
    book, data = outputs["robust"]["book"], outputs["robust"]["json"]
    for title in ("排序可接受度", "前k名与入选率", "中心权重", "权重稳定区间", "入选组合"):
        assert title in book.sheetnames
    for row in table(book["排序可接受度"]):
        town = row["编号"].value
        shares = [c for h, c in row.items() if h.startswith("第")]
        assert all(c.number_format == "0.00%" for c in shares)
        assert [round(c.value, 4) for c in shares] == \
            [round(b, 4) for b in data["rank_acceptability"][town]]
    for row in table(book["前k名与入选率"]):
        town = row["编号"].value
        assert round(row["前3名占比"].value, 4) == round(data["top_k"][town], 4)
        assert round(row["入选率 core index"].value, 4) == round(data["core_index"][town], 4)
    portfolios = [r for r in table(book["入选组合"]) if r["编号"].value]
    assert [r["编号"].value.split() for r in portfolios] == \
        [p["selected"] for p in data["portfolios"]]


def test_xlsx_needs_an_output_file() -> None:
    for command in COMMANDS:
        assert_error(run_cli(command, "--format", "xlsx"),
                     "Error: --format xlsx needs --output FILE.xlsx")


@pytest.mark.parametrize("command", ["weights", "robust"])
def test_xlsx_never_overwrites_without_overwrite(command, tmp_path) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    options = COMMANDS[command]
    assert_error(run_cli(command, *options, "--format", "xlsx", "-o", path),
                 f"Error: {path}: output file already exists — choose another name, or pass "
                 "--overwrite to replace it")
    assert path.read_bytes() == b"old"
    result = run_cli(command, *options, "--format", "xlsx", "-o", path, "--overwrite")
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(io.BytesIO(path.read_bytes()))


def test_widths_count_cjk_characters_double() -> None:
    assert shown_width("青山镇") == 6
    assert shown_width("T1") == 2
    assert shown_width(0.88671911, "0.0000") == 6
    assert shown_width(0.259, "0.00%") == 6
