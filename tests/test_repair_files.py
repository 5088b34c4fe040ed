"""``evalkit validate --repair DIR``: corrected copies of the inconsistent judgment files.

The bundled criteria folder is copied, one expert's full matrix and another
expert's pairs are made inconsistent, and the copies written by ``--repair``
are checked: the originals untouched (bytes), the copies read by the normal
reader and consistent, both cells of a reciprocal pair changed, every change
marked in the copy and listed on the terminal as ``validate`` suggested it, and
a second run refusing to replace them.  A questionnaire workbook is repaired in
its judgment cell.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from evalkit.cli import cli
from evalkit.errors import InputError
from evalkit.methods.ahp import rewrite
from evalkit.methods.ahp.experts import consistency_problems
from evalkit.methods.ahp.judgments import load_judgments
from evalkit.model.criteria import load_criteria
from evalkit.paths import DEFAULT_CANDIDATES, PROJECT_ROOT

CRITERIA = load_criteria(PROJECT_ROOT / "criteria" / "default.yaml")
FAMILIES = tuple(f.id for f in CRITERIA.families)
MEMBERS = {f: [i.id for i in CRITERIA.members(f)] for f in FAMILIES}
LABELS = {**{f.id: f.label.zh for f in CRITERIA.families},
          **{i.id: i.label.zh for i in CRITERIA.indicators}}
MARK = "# evalkit --repair: 原为"


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled criteria folder (c/) and sample table; the working directory."""
    shutil.copytree(PROJECT_ROOT / "criteria", tmp_path / "c")
    shutil.copy(DEFAULT_CANDIDATES, tmp_path / "towns.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def break_matrix(folder: Path) -> Path:
    """李秀梅's family matrix: economy vs infrastructure 1/9 (and 9 in its reciprocal cell)."""
    path = edit(folder / "c" / "judgments" / "expert_li.yaml",
                "      - [3,   1,   2,   2,   1,   3]", "      - [3,   1,   1/9, 9,   1,   3]")
    edit(path, "      - [2,   1/2, 1,   1,   1/2, 2]", "      - [2,   9,   1,   1,   1/2, 2]")
    edit(path, "      - [2,   1/2, 1,   1,   1,   2]", "      - [2,   1/9, 1,   1,   1,   2]")
    return path


def break_pairs(folder: Path) -> Path:
    """陈立's public-services pairs: school 1/7 of physician, yet 7 times bed."""
    path = edit(folder / "c" / "judgments" / "expert_chen.yaml",
                "{a: school_gap, b: physician_gap, value: 1}",
                "{a: school_gap, b: physician_gap, value: 1/7}")
    return edit(path, "{a: school_gap, b: bed_gap, value: 2}", "{a: school_gap, b: bed_gap, value: 7}")


def run(*args: str | Path, criteria: str = "c/default.yaml") -> Result:
    result = CliRunner().invoke(cli, ["validate", "--criteria", criteria,
                                      "--candidates", "towns.csv", *map(str, args)])
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result


def errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


SUGGESTED = re.compile(r"(\w+) vs (\w+) \((\S+), line (\d+)\) from (\S+) to ([^;\s]+)")
LISTED = re.compile(r"^  (\S+?):(\S+) (\S+) (\S+) vs (\S+): (\S+) → (\S+) \(CR ")


def suggested(result: Result) -> set[tuple[str, ...]]:
    """(file name, line or cell, A, B, from, to) of every revision validate suggests."""
    out = set()
    for line in errors(result):
        name = Path(line.removeprefix("Error: ").split(":")[0]).name
        for a, b, column, row, old, new in SUGGESTED.findall(line):
            where = column if "!" in column else row
            out.add((name, where, LABELS[a], LABELS[b], old, new))
    return out


def listed(result: Result) -> set[tuple[str, ...]]:
    """The same, from the changes ``--repair`` lists."""
    found = [LISTED.match(line) for line in result.stdout.splitlines()]
    return {(m[1], m[2], m[4], m[5], m[6], m[7]) for m in found if m}


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# --------------------------------------------------------------------------
# YAML files
# --------------------------------------------------------------------------


def test_repair_writes_marked_consistent_copies(folder: Path) -> None:
    li, chen = break_matrix(folder), break_pairs(folder)
    judgments = folder / "c" / "judgments"
    originals = {p.name: p.read_bytes() for p in judgments.iterdir()}
    plain = run()
    assert plain.exit_code == 2 and len(errors(plain)) == 2

    result = run("--repair", "fixed")
    assert result.exit_code == 2, result.output  # the originals are still inconsistent
    assert errors(result) == errors(plain)
    assert sorted(p.name for p in (folder / "fixed").iterdir()) == ["expert_chen.yaml",
                                                                    "expert_li.yaml"]
    assert {p.name: p.read_bytes() for p in judgments.iterdir()} == originals

    for name in ("expert_chen.yaml", "expert_li.yaml"):
        copy = load_judgments(folder / "fixed" / name, FAMILIES, MEMBERS)
        assert consistency_problems(copy) == [], name

    # the matrix: a_ij and a_ji both changed, each line marked, nothing else touched
    fixed_li, before = lines(folder / "fixed" / "expert_li.yaml"), lines(li)
    assert fixed_li[26] == "      - [3,   1,   1,   9,   1,   3]  # evalkit --repair: 原为 1/9 (was 1/9)"
    assert fixed_li[27] == "      - [2,   1,   1,   1,   1/2, 2]  # evalkit --repair: 原为 9 (was 9)"
    assert [k for k, (x, y) in enumerate(zip(before, fixed_li, strict=True)) if x != y] == [26, 27]
    copy = load_judgments(folder / "fixed" / "expert_li.yaml", FAMILIES, MEMBERS)
    economy, infrastructure = (copy.families.items.index(x) for x in ("economy", "infrastructure"))
    assert copy.families.values[economy][infrastructure] == 1
    assert copy.families.values[infrastructure][economy] == 1

    # the pairs: the value replaced and marked, comments kept
    fixed_chen, before = lines(folder / "fixed" / "expert_chen.yaml"), lines(chen)
    changed = [k for k, (x, y) in enumerate(zip(before, fixed_chen, strict=True)) if x != y]
    assert len(changed) == 1
    assert fixed_chen[changed[0]] == ("      - {a: school_gap, b: bed_gap, value: 1/2}  "
                                      "# evalkit --repair: 原为 7 (was 7)")
    assert sum(MARK in line for line in fixed_chen) == 1

    # the terminal: one line per change, as validate suggested them
    assert listed(result) == suggested(plain)
    assert "expert_li.yaml:27 families 经济实力 vs 基础设施短板: 1/9 → 1 (CR 0.349 → 0.095; " \
           "倒数格 reciprocal :28 9 → 1)" in result.stdout
    assert "The corrected copies are in fixed/" in result.stdout
    assert "replace their files in the judgments folder" in result.stdout

    # a second run replaces nothing
    copies = {p.name: p.read_bytes() for p in (folder / "fixed").iterdir()}
    again = run("--repair", "fixed")
    assert again.exit_code == 2
    assert errors(again) == ["Error: fixed/expert_chen.yaml: a file of this name is already "
                             "there; --repair never replaces a file — remove it, or give "
                             "another folder"]
    assert {p.name: p.read_bytes() for p in (folder / "fixed").iterdir()} == copies


def test_the_library_returns_the_changes(folder: Path) -> None:
    break_matrix(folder)
    break_pairs(folder)
    experts = [load_judgments(p, FAMILIES, MEMBERS)
               for p in sorted((folder / "c" / "judgments").iterdir())]
    plan = rewrite.repair_files(experts, folder / "out")
    assert [(c.expert, Path(c.file).name, c.matrix, c.pair, c.where, c.also)
            for c in plan.changes] == [
        ("陈立", "expert_chen.yaml", "indicators.public_services", ("school_gap", "bed_gap"),
         "78", ()),
        ("李秀梅", "expert_li.yaml", "families", ("economy", "infrastructure"), "27", ("28",)),
    ]
    li = plan.changes[1]
    assert (li.old, li.new) == (pytest.approx(1 / 9), 1)
    assert li.cr_before > 0.1 >= li.cr_after
    assert plan.inconsistent == 2 and plan.unrepaired == ()
    assert sorted(p.name for p in plan.written) == ["expert_chen.yaml", "expert_li.yaml"]
    with pytest.raises(InputError, match="already there"):
        rewrite.repair_files(experts, folder / "out")


def test_a_pair_written_both_ways_is_changed_both_ways(folder: Path) -> None:
    path = break_pairs(folder)
    edit(path, "      - {a: school_gap, b: bed_gap, value: 7}\n",
         "      - {a: school_gap, b: bed_gap, value: 7}\n"
         "      - {a: bed_gap, b: school_gap, value: 1/7}   # said twice\n")
    result = run("--repair", "fixed")
    assert result.exit_code == 2
    text = (folder / "fixed" / "expert_chen.yaml").read_text(encoding="utf-8")
    assert "{a: school_gap, b: bed_gap, value: 1/2}  # evalkit --repair: 原为 7 (was 7)" in text
    assert ("{a: bed_gap, b: school_gap, value: 2}   # said twice  "
            "# evalkit --repair: 原为 1/7 (was 1/7)") in text
    copy = load_judgments(folder / "fixed" / "expert_chen.yaml", FAMILIES, MEMBERS)
    assert consistency_problems(copy) == []


def test_nothing_inconsistent_writes_nothing(folder: Path) -> None:
    result = run("--repair", "fixed")
    assert result.exit_code == 0, result.output
    assert "every matrix is consistent, nothing written" in result.stdout
    assert not (folder / "fixed").exists()


def test_a_matrix_no_revision_fixes_is_reported_and_left(folder: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    break_matrix(folder)
    real = rewrite.inconsistent_matrices

    def hopeless(judgments, **options):  # as if no revision could reach the threshold
        return [replace(m, repair=replace(m.repair, acceptable=False, cr_after=0.2))
                for m in real(judgments, **options)]

    monkeypatch.setattr(rewrite, "inconsistent_matrices", hopeless)
    result = run("--repair", "fixed")
    assert result.exit_code == 2
    assert not (folder / "fixed").exists()
    assert ("expert_li.yaml:20 families: not repaired — no revision brings CR 0.349 to 0.10 "
            "(at best 0.200); ask 李秀梅 to redo these comparisons") in result.stdout


def test_a_copy_that_does_not_read_back_is_an_error(folder: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    break_matrix(folder)
    monkeypatch.setattr(rewrite, "_apply", lambda text, edits: text)  # a bug: nothing edited
    result = run("--repair", "fixed")
    assert result.exit_code == 2
    assert errors(result)[-1].startswith("Error: the corrected copy of c/judgments/expert_li.yaml "
                                         "does not read back as intended (families holds other "
                                         "values than the revised ones); nothing was written")
    assert not (folder / "fixed").exists()


# --------------------------------------------------------------------------
# Questionnaire workbooks
# --------------------------------------------------------------------------


def fill(book_path: Path, yaml_path: Path) -> None:
    """Write an expert's YAML judgments into a blank questionnaire, as text like 1/7."""
    expert = load_judgments(yaml_path, FAMILIES, MEMBERS)
    book = openpyxl.load_workbook(book_path)
    book["专家信息"]["B3"] = expert.expert.name
    matrices = {m.name: m for m in expert.matrices()}
    for sheet in book.worksheets:
        matrix = matrices.get(sheet["B2"].value)
        for row in range(5, sheet.max_row + 1) if matrix else ():
            a, b = sheet.cell(row, 4).value, sheet.cell(row, 5).value
            if a in matrix.items and b in matrix.items:
                value = matrix.values[matrix.items.index(a)][matrix.items.index(b)]
                if value == value:  # NaN: left out
                    sheet.cell(row, 3).value = str(Fraction(value).limit_denominator(9))
    book.save(book_path)


def test_repair_a_questionnaire(folder: Path) -> None:
    init = CliRunner().invoke(cli, ["init", "proj", "--experts", "1"])
    assert init.exit_code == 0, init.output
    book = folder / "proj" / "judgments" / "expert_1.xlsx"
    fill(book, break_pairs(folder))
    original = book.read_bytes()
    plain = run(criteria="proj/criteria.yaml")
    result = run("--repair", "fixed", criteria="proj/criteria.yaml")
    assert result.exit_code == 2 and errors(result) == errors(plain)
    assert book.read_bytes() == original
    assert listed(result) == suggested(plain)
    (name, where, *_), = listed(result)
    assert name == "expert_1.xlsx" and where.startswith("public_services!C")

    copy = openpyxl.load_workbook(folder / "fixed" / "expert_1.xlsx")
    cell = copy["public_services"][where.partition("!")[2]]
    before = openpyxl.load_workbook(book)["public_services"][cell.coordinate].value
    assert (before, cell.value) == ("1/7", "2")
    assert cell.fill.fgColor.rgb.endswith("FFFF00")
    assert cell.comment.text.startswith("evalkit --repair: 原为 1/7 (was 1/7)")
    checked = load_judgments(folder / "fixed" / "expert_1.xlsx", FAMILIES, MEMBERS)
    assert consistency_problems(checked) == []
    assert run("--repair", "fixed", criteria="proj/criteria.yaml").stderr.count(
        "already there") == 1
