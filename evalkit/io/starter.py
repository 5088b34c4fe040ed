"""A project folder to start from: the data template workbook, its README, and the writing.

``evalkit init`` (:mod:`evalkit.cli.init`) gathers what the criteria set
needs and calls :func:`data_template_bytes` for ``candidates.xlsx``,
:func:`readme_text` for the folder's README and :func:`write_folder` to put
every file in place, each written atomically
(:func:`evalkit.io.output.write_atomic`).

The template is read back by :func:`evalkit.io.candidates.load_candidates`
as it is: the towns on a sheet named ``candidates`` whose first row is the
header (``id``, ``name`` and one raw column id per column), the sources on a
sheet named ``sources`` in the form :mod:`evalkit.io.sources` reads.  The
reader takes a row above the header for a title (at most two cells), so each
column's Chinese label and unit stand in the header cell's comment, in the
prompt shown when a cell of the column is selected, and on the sheet 字段说明.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from evalkit.errors import InputError
from evalkit.io.columns import known_column
from evalkit.io.layout import ID_COLUMN, NAME_COLUMN
from evalkit.io.output import escape_formula, reproducible_zip, write_atomic
from evalkit.io.sources import FIELDS, STATUSES

__all__ = ["TemplateColumn", "column_words", "data_template_bytes", "readme_text",
           "write_folder"]

TEMPLATE_ROWS = 200
"""Rows of the template given number checks and text formats (more may be added)."""
SOURCE_HEADERS = ("列", "镇", "来源", "表或页", "年份", "口径", "状态",
                  "source_en", "table_en", "definition_en")
"""The sources sheet's header, in Chinese, then the optional English texts by their ids
(:data:`evalkit.io.sources.HEADERS` reads both)."""


def column_words(name: str) -> tuple[str, str] | None:
    """The Chinese label (with its year: 2019年常住人口) and unit of a raw column the bundled
    sample knows (:mod:`evalkit.io.columns`), for the template's header cells."""
    found = known_column(name)
    if found is None:
        return None
    words, year = found
    return (f"{year}年{words.zh}" if year else words.zh), words.unit


@dataclass(frozen=True)
class TemplateColumn:
    """One raw column of the template: its id, Chinese label, unit, what reads it (shown as
    a note) and whether it may be negative."""

    id: str
    label: str
    unit: str = ""
    used_by: str = ""
    signed: bool = False

    @property
    def heading(self) -> str:
        """``常住人口（万人）``: the label with its unit."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label


def data_template_bytes(columns: Sequence[TemplateColumn], *, title: str) -> bytes:
    """The candidate table template: instructions, towns, column guide and sources."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    book = Workbook()
    intro = book.active
    intro.title = "说明"
    for row, text in enumerate(_instructions(title, len(columns)), start=1):
        intro.cell(row, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    intro["A1"].font = Font(bold=True, size=13)
    intro.column_dimensions["A"].width = 110

    towns = book.create_sheet("candidates")
    last = TEMPLATE_ROWS + 1
    fixed = (TemplateColumn(ID_COLUMN, "编号", used_by="每个镇唯一的编号，如 T1"),
             TemplateColumn(NAME_COLUMN, "镇名", used_by="镇的中文名称"))
    for index, column in enumerate((*fixed, *columns), start=1):
        cell = towns.cell(1, index, escape_formula(column.id))
        cell.font, cell.fill = bold, header_fill
        note = f"{column.heading}\n{column.used_by}".strip()
        cell.comment = Comment(note, "evalkit", width=260, height=110)
        letter = cell.column_letter
        towns.column_dimensions[letter].width = max(12, min(24, len(column.id) + 4))
        prompt = f"{column.heading}：{column.used_by}"[:250]
        if index <= len(fixed):
            check = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="100",
                                   allow_blank=True, promptTitle=column.id[:32], prompt=prompt)
            for row in range(2, last + 1):
                towns.cell(row, index).number_format = "@"  # T01 stays T01
        else:
            low = "-1E+300" if column.signed else "0"
            check = DataValidation(
                type="decimal", operator="between", formula1=low, formula2="1E+300",
                allow_blank=True, showErrorMessage=True, errorTitle="请填写数字",
                error=("请填写一个数（可为负数）" if column.signed else "请填写一个不小于 0 的数")
                + "，不要带单位或文字。Write a plain number.",
                promptTitle=column.id[:32], prompt=prompt)
        check.add(f"{letter}2:{letter}{last}")
        towns.add_data_validation(check)
    towns.freeze_panes = "C2"

    guide = book.create_sheet("字段说明")
    for index, text in enumerate(("列 Column", "中文名称 Label", "单位 Unit", "用途 Used by"),
                                 start=1):
        guide.cell(1, index, text).font = bold
    for row, column in enumerate((*fixed, *columns), start=2):
        for index, text in enumerate((column.id, column.label, column.unit, column.used_by),
                                     start=1):
            guide.cell(row, index, escape_formula(text))
    for letter, width in zip("ABCD", (24, 30, 12, 70), strict=True):
        guide.column_dimensions[letter].width = width

    _sources_sheet(book.create_sheet("sources"), columns, bold, header_fill)
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible_zip(buffer.getvalue())


def _sources_sheet(sheet: Any, columns: Sequence[TemplateColumn], bold: Any, fill: Any) -> None:
    """One row per column, status 假设 (assumed) until a source is cited."""
    from openpyxl.worksheet.datavalidation import DataValidation

    assert len(SOURCE_HEADERS) == len(FIELDS)
    for index, text in enumerate(SOURCE_HEADERS, start=1):
        cell = sheet.cell(1, index, text)
        cell.font, cell.fill = bold, fill
    status = FIELDS.index("status") + 1
    for row, column in enumerate(columns, start=2):
        sheet.cell(row, 1, escape_formula(column.id))
        sheet.cell(row, FIELDS.index("definition") + 1, escape_formula(column.heading))
        sheet.cell(row, status, "假设")
    choices = ",".join(("官方", "估算", "假设", *STATUSES))
    statuses = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=False,
                              showErrorMessage=True, errorTitle="状态",
                              error="官方、估算或假设 (official, estimate, assumed)")
    letter = sheet.cell(1, status).column_letter
    statuses.add(f"{letter}2:{letter}{len(columns) + TEMPLATE_ROWS}")
    sheet.add_data_validation(statuses)
    for letter, width in zip("ABCDEFG", (20, 8, 30, 20, 8, 36, 8), strict=True):
        sheet.column_dimensions[letter].width = width


def _instructions(title: str, count: int) -> list[str]:
    return [
        f"{title} — 候选镇基础数据表",
        "",
        f"1. 在“candidates”表中每行填写一个镇：编号（id）、镇名（name）和 {count} 项统计数据。",
        "   第一行的列名是程序读取用的编号，请勿修改；把鼠标停在列名上，或选中该列的格子，"
        "即可看到中文名称和单位；全部字段另见“字段说明”表。",
        "2. 只填数字，不要带单位；百分比可写 72.4 或 72.4%。至少需要两个镇。",
        "3. 在“sources”表为每列写明数据来源（来源、表或页、年份、口径），"
        "并把状态改为 官方、估算 或 假设。",
        "4. 表格下方可以加“注：…”开头的说明行；请不要在第一行之上插入行。",
        "",
        "English: one town per row on the sheet 'candidates' (id, name and the numbers, no "
        "units); keep the header row as it is; cite each column's source on the sheet 'sources'.",
    ]


def readme_text(*, title: str, criteria: str, data: str, judgments: Sequence[str],
                scenario: str) -> str:
    """The folder's README: what to fill in and which commands to run (Chinese, then English)."""
    questionnaires = "、".join(judgments)
    folder = str(Path(judgments[0]).parent) if judgments else "judgments"
    base = f"--criteria {criteria} --candidates {data}"
    return f"""# {title}

本文件夹由 `evalkit init` 生成，是一次乡镇改市区评估的起点。

## 要填写的文件

1. **{data}**：候选镇基础数据。在 candidates 表每行填写一个镇（编号、镇名和各项统计数），
   在 sources 表写明每列数据的来源和状态（官方、估算、假设）。说明见表内“说明”页。
2. **{questionnaires}**：专家判断问卷，每位专家一份。请专家在每张比较表中逐行选择
   “A 与 B 相比”的判断值（9 … 1 … 1/9），写下判断理由，并填写专家信息页。
   交回的问卷放在 `{folder}/` 文件夹；需要更多专家时，复制一份空白问卷并改名。
3. **{scenario}**：选择情景（改区个数、预算、人才、资金来源）。模板中的数字来自内置示例，
   请按本市工作方案修改；它引用的 standards.yaml（资格标准）和 plan.yaml（方案数据）也一并修改。
4. **{criteria}**：指标体系（一般不需要修改）。

## 运行

```sh
evalkit validate {base}            # 检查所有输入，逐条列出问题
evalkit weights {base}             # 专家权重（AHP）与熵权，各专家的一致性比率
evalkit rank {base}                # 排名与障碍因子
evalkit rank {base} --weighting entropy   # 问卷收回之前，只用客观权重
evalkit select {base} --scenario {scenario}
evalkit report {base} --scenario {scenario}
```

## English

Created by `evalkit init`. Fill in `{data}` (one town per row on the sheet
`candidates`, the sources of each column on the sheet `sources`), have each
expert fill in one questionnaire in `{folder}/` (pick a value per row, give
a reason per sheet, fill in the expert sheet), and adapt `{scenario}` (with
`standards.yaml` and `plan.yaml`) to your city's work plan. Then run the
commands above, starting with `evalkit validate`.
"""


def write_folder(directory: Path, files: Mapping[str, bytes], *, force: bool = False) -> list[Path]:
    """Write ``files`` (relative path → bytes) into ``directory``, each atomically.

    A folder that exists and holds anything is refused unless ``force``
    (files of the same names are then replaced; other files are left alone).
    """
    if directory.exists() and not directory.is_dir():
        raise InputError("the path exists and is not a folder", "give the path of a new folder",
                         file=directory)
    if directory.is_dir() and not force and any(directory.iterdir()):
        raise InputError("the folder is not empty",
                         "give a new or empty folder, or pass --force to write into it "
                         "(files of the same names are replaced)", file=directory)
    written = []
    for name, data in files.items():
        path = directory / name
        os.makedirs(path.parent, exist_ok=True)
        written.append(write_atomic(path, partial(_write, data), overwrite=force))
    return written


def _write(data: bytes, handle: IO[bytes]) -> None:
    handle.write(data)
