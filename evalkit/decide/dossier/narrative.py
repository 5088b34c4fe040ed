"""The drafting team's own text: one Markdown file per section of the 论证报告.

Each section is a file in the dossier folder, named by its key
(:data:`SECTIONS`): ``overview.md`` (区域概况与历史沿革), ``change_plan.md``
(变更方案), ``necessity.md`` (必要性), ``feasibility.md`` (可行性),
``benefits.md`` (经济社会效益), ``conclusion.md`` (结论与建议) and
``emergency.md`` (应急预案, for the risk report).  An English text may sit
beside it as ``<key>.en.md``; without one the English report shows the Chinese.

The Markdown understood is small on purpose: paragraphs (separated by a blank
line), list items (``- ``) and subheadings (``## ``, numbered （一）（二）… in
the report).  ``change_plan.md`` opens with its structured fields between two
``---`` lines, one ``key: value`` a line (:data:`PLAN_FIELDS`)::

    ---
    name: 青山区
    name_en: Qingshan District   # optional: <field>_en for the English report
    type: 市辖区
    towns: 青山镇、临河镇          # the towns the plan covers: ids or names
    ...
    ---
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.files import check_input_file

SECTIONS = ("overview", "change_plan", "necessity", "feasibility", "benefits", "conclusion",
            "emergency")
"""The narrative sections, each a file ``<key>.md``."""

PLAN_FIELDS = ("name", "type", "affiliation", "towns", "boundaries", "seat", "area",
               "population")
"""The 变更方案's fields: 名称, 类型, 隶属, 所涉镇 (ids or names, separated by 、 or commas),
四至范围, 驻地, 面积 (km²), 人口 (万人)."""

PLAN_TEXT_FIELDS = ("name", "type", "affiliation", "boundaries", "seat")
"""The fields that are words: each may be given in English too, as ``<field>_en``."""

_ALL_FIELDS = PLAN_FIELDS + tuple(f"{f}_en" for f in PLAN_TEXT_FIELDS)

MAX_BYTES = 2 * 2**20


@dataclass(frozen=True)
class Block:
    """A paragraph (``p``), list item (``li``) or subheading (``h``)."""

    kind: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


@dataclass(frozen=True)
class Narrative:
    """One section's text (by language) and, for the change plan, its fields."""

    key: str
    blocks: dict[str, tuple[Block, ...]]
    fields: dict[str, str] = field(default_factory=dict)
    path: str | None = None

    def text(self, lang: str) -> tuple[Block, ...]:
        return self.blocks.get(lang) or self.blocks.get("zh") or ()

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "fields": self.fields,
                "blocks": {lang: [b.to_dict() for b in blocks]
                           for lang, blocks in self.blocks.items()}}


def _read(path: Path) -> str:
    check_input_file(path, "narrative file", MAX_BYTES)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("narrative file is not UTF-8 text", "save it as UTF-8",
                         file=path) from None


def _front_matter(lines: list[str], path: Path) -> tuple[dict[str, str], int]:
    """The ``---`` fields at the top and the index of the first line after them."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    fields: dict[str, str] = {}
    for k in range(1, len(lines)):
        line = lines[k].strip()
        if line == "---":
            return fields, k + 1
        if not line or line.startswith("#"):
            continue
        key, colon, value = line.partition(":")
        if not colon:
            key, colon, value = line.partition("：")
        key = key.strip()
        if not colon or not key:
            raise InputError(f"line {line[:30]!r} is not key: value",
                             "write one field a line, e.g. seat: 青山街道", file=path, row=k + 1)
        if key not in _ALL_FIELDS:
            raise InputError(f"unknown field {key!r}", f"use one of: {', '.join(_ALL_FIELDS)}",
                             file=path, row=k + 1, column=key)
        if key in fields:
            raise InputError(f"field {key!r} is given twice", "keep one", file=path,
                             row=k + 1, column=key)
        if value.strip():
            fields[key] = value.strip()
    raise InputError("the fields at the top are not closed", "end them with a line ---",
                     file=path, row=1)


def plan_towns(value: str) -> tuple[str, ...]:
    """The towns a change plan's ``towns:`` field lists (``青山镇、临河镇`` or ``T1, T2``)."""
    return tuple(x for x in (part.strip() for part in re.split(r"[、,，;；\s]+", value)) if x)


def parse_markdown(text: str, path: Path, first_row: int = 1) -> tuple[Block, ...]:
    """Paragraphs, ``- `` list items and ``## `` subheadings of a narrative file."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("p", "".join(paragraph) if _cjk(paragraph)
                                else " ".join(paragraph)))
            paragraph.clear()

    for k, raw in enumerate(text.splitlines()):
        line = raw.strip()
        row = first_row + k
        if not line:
            flush()
        elif line.startswith("###"):
            raise InputError("only one level of subheading (##) is understood",
                             "write ## for a subheading; the report numbers it", file=path,
                             row=row)
        elif line.startswith("## "):
            flush()
            blocks.append(Block("h", line[3:].strip()))
        elif line.startswith("#"):
            raise InputError("a top-level heading (#) is not used: the report gives the "
                             "section's title", "write ## for a subheading, or remove it",
                             file=path, row=row)
        elif line.startswith(("- ", "* ")):
            flush()
            blocks.append(Block("li", line[2:].strip()))
        elif blocks and blocks[-1].kind == "li" and not paragraph and raw[:1].isspace():
            blocks[-1] = Block("li", blocks[-1].text + line)  # a list item's next line
        else:
            paragraph.append(line)
    flush()
    return tuple(blocks)


def _cjk(lines: list[str]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in "".join(lines))


def load_narrative(folder: str | Path, key: str) -> Narrative | None:
    """Section ``key`` from ``folder`` (``None`` when its file is not there)."""
    if key not in SECTIONS:
        raise ValueError(f"unknown narrative section {key!r}")
    folder = Path(folder)
    path = folder / f"{key}.md"
    if not path.exists():
        return None
    blocks: dict[str, tuple[Block, ...]] = {}
    fields: dict[str, str] = {}
    for lang, file in (("zh", path), ("en", folder / f"{key}.en.md")):
        if not file.exists():
            continue
        lines = _read(file).splitlines()
        found, start = _front_matter(lines, file) if key == "change_plan" else ({}, 0)
        if lang == "zh":
            fields = found
        blocks[lang] = parse_markdown("\n".join(lines[start:]), file, start + 1)
        if not blocks[lang] and not found:
            raise InputError("the file has no text", "write the section, or remove the file "
                             "to leave it as 待补充", file=file, row=1)
    return Narrative(key, blocks, fields, str(path))
