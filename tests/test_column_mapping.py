"""A criteria set's ``columns:`` maps evalkit's column names to the analyst's own headers."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from evalkit import InputError, evaluate, load_candidates, load_criteria
from evalkit.cli import cli
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

MAPPING = {"id": "乡镇代码", "name": "乡镇名称", "pop_2022": "2022年常住人口（万人）",
           "revenue": "一般公共预算收入"}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled criteria with a ``columns:`` block, and the sample table under the
    analyst's own headers."""
    shutil.copytree(DEFAULT_CRITERIA.parent, tmp_path / "c")
    criteria = tmp_path / "c" / "default.yaml"
    block = "columns:\n" + "".join(f"  {k}: {v}\n" for k, v in MAPPING.items())
    criteria.write_text(criteria.read_text(encoding="utf-8").replace(
        "\nfamilies:\n", "\n" + block + "\nfamilies:\n", 1), encoding="utf-8")
    rows = list(csv.reader(io.StringIO(DEFAULT_CANDIDATES.read_text(encoding="utf-8"))))
    rows[0] = [MAPPING.get(name, name) for name in rows[0]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (tmp_path / "towns.csv").write_text(buffer.getvalue(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_mapped_headers_give_the_same_ranking_and_say_so(folder: Path) -> None:
    criteria = load_criteria(folder / "c" / "default.yaml")
    assert dict(criteria.headers) == MAPPING
    table = load_candidates(folder / "towns.csv", sources=False, headers=criteria.headers)
    assert any("'2022年常住人口（万人）' read as pop_2022 (columns: in the criteria set)" in n
               for n in table.notes), table.notes
    mine = evaluate(criteria, table).to_frame()
    bundled = evaluate(load_criteria(DEFAULT_CRITERIA),
                       load_candidates(DEFAULT_CANDIDATES, sources=False)).to_frame()
    assert list(mine.index) == list(bundled.index)
    assert mine["closeness"].tolist() == pytest.approx(bundled["closeness"].tolist(), abs=1e-12)


def test_validate_and_rank_read_the_mapping(folder: Path) -> None:
    for command in ("validate", "rank"):
        result = CliRunner().invoke(cli, [command, "--criteria", "c/default.yaml",
                                          "--candidates", "towns.csv"])
        assert result.exit_code == 0, (command, result.output)


def test_without_the_mapping_the_missing_column_is_named(folder: Path) -> None:
    with pytest.raises(InputError, match="missing column 'id'"):
        load_candidates(folder / "towns.csv", sources=False)


@pytest.mark.parametrize(("block", "message"), [
    ("columns: [id, name]\n", "columns must map evalkit's column names to your table's headers"),
    ("columns:\n  pop_2022: 3\n", "columns.pop_2022 must be the header text of your table"),
    ("columns:\n  pop_2019: 人口\n  pop_2022: 人口\n",
     "columns.pop_2022 and columns.pop_2019 both name the header '人口'"),
])
def test_a_bad_mapping_is_one_line_with_its_line(tmp_path: Path, block: str,
                                                 message: str) -> None:
    shutil.copytree(DEFAULT_CRITERIA.parent, tmp_path / "c")
    path = tmp_path / "c" / "default.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\nfamilies:\n", "\n" + block + "\nfamilies:\n", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_criteria(path)
    assert message in str(caught.value)
    assert caught.value.row is not None


def test_a_mapped_header_beside_the_column_itself_is_refused(folder: Path) -> None:
    text = (folder / "towns.csv").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    (folder / "towns.csv").write_text(first.replace("pop_2019", "pop_2022", 1) + "\n" + rest,
                                      encoding="utf-8")
    with pytest.raises(InputError, match="are both the pop_2022 column"):
        load_candidates(folder / "towns.csv", sources=False,
                        headers=load_criteria(folder / "c" / "default.yaml").headers)
