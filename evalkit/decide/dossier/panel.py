"""The expert panel's record (``panel.yaml``): who, when, how, each opinion, dissent, conclusion.

::

    start: 2026-09-10
    end: 2026-09-12
    method: {zh: 现场踏勘、座谈与书面评议, en: Site visits, hearings and written review}
    members:
      - name: {zh: 张明, en: Zhang Ming}   # or just the name, as written
        title: {zh: 教授, en: Professor}
        unit: {zh: 某大学城市规划学院, en: School of Urban Planning, a university}
        independent: true          # not employed by or paid by the applicant
        role: chair                # chair or member
        opinion: {zh: 同意……, en: Agrees …}
    dissent: {zh: ……, en: …}      # optional: minority opinions
    conclusion: {zh: ……, en: …}

Texts are a label: one text, or ``{zh: ..., en: ...}``.  Each member gets a
signature line in the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.yamlfile import check_keys, line_of, load_yaml, read_label

ROLES = ("chair", "member")


@dataclass(frozen=True)
class Member:
    name: str
    title: dict[str, str]
    unit: dict[str, str]
    independent: bool
    role: str
    opinion: dict[str, str]
    name_en: str = ""
    """The name in English, when the file gives ``name: {zh: …, en: …}``."""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, **({"name_en": self.name_en} if self.name_en else {}),
                "title": self.title, "unit": self.unit,
                "independent": self.independent, "role": self.role, "opinion": self.opinion}


@dataclass(frozen=True)
class Panel:
    start: str
    end: str
    method: dict[str, str]
    members: tuple[Member, ...]
    dissent: dict[str, str] | None
    conclusion: dict[str, str]
    path: str | None = None

    @property
    def independent_share(self) -> float:
        return sum(m.independent for m in self.members) / len(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "method": self.method,
                "members": [m.to_dict() for m in self.members], "dissent": self.dissent,
                "conclusion": self.conclusion, "independent_share": self.independent_share}


_MEMBER_KEYS = ("name", "title", "unit", "independent", "role", "opinion")


def _date(node: Any, key: str, path: Path) -> dt.date:
    value = node.get(key)
    if not isinstance(value, dt.date):
        raise InputError(f"{key} {value!r} is not a date", "write it as YYYY-MM-DD",
                         file=path, row=line_of(node, key) or 1, column=key)
    return value


def load_panel(path: str | Path) -> Panel:
    """Read the panel record; every mistake is an InputError naming file, line and key."""
    path = Path(path)
    root = load_yaml(path, what="panel record")
    if not isinstance(root, dict):
        raise InputError("a panel record is a mapping", "see the README, section "
                         "'The application dossier'", file=path, row=1)
    check_keys(root, ("start", "end", "method", "members", "dissent", "conclusion"), "", path)
    start, end = _date(root, "start", path), _date(root, "end", path)
    if end < start:
        raise InputError(f"the panel ends ({end}) before it starts ({start})",
                         "check start: and end:", file=path, row=line_of(root, "end"),
                         column="end")
    for key in ("method", "conclusion", "members"):
        if key not in root:
            raise InputError(f"the panel record has no {key}", f"add {key}:", file=path,
                             row=1, column=key)
    items = root["members"]
    if not isinstance(items, list) or not items:
        raise InputError("the panel has no members", "list each member under members:",
                         file=path, row=line_of(root, "members"), column="members")
    members: list[Member] = []
    for k, item in enumerate(items):
        where = f"members[{k}]"
        row = line_of(items, k)
        if not isinstance(item, dict):
            raise InputError("a member is a mapping", "write name:, title:, unit:, …",
                             file=path, row=row, column=where)
        check_keys(item, _MEMBER_KEYS, where, path)
        for key in _MEMBER_KEYS:
            if key not in item:
                raise InputError(f"the member has no {key}", f"add {key}:", file=path,
                                 row=row, column=f"{where}.{key}")
        if not isinstance(item["independent"], bool):
            raise InputError(f"independent {item['independent']!r} is not true or false",
                             "write independent: true or independent: false", file=path,
                             row=line_of(item, "independent"), column=f"{where}.independent")
        if item["role"] not in ROLES:
            raise InputError(f"unknown role {item['role']!r}", f"use one of: {', '.join(ROLES)}",
                             file=path, row=line_of(item, "role"), column=f"{where}.role")
        written = item["name"]
        if isinstance(written, dict):
            label = read_label(written, file=path, row=line_of(item, "name"),
                               column=f"{where}.name")
            name, name_en = label.get("zh", label.get("en", "")).strip(), label.get("en", "").strip()
        else:
            name, name_en = str(written).strip(), ""
        if not name:
            raise InputError("the member's name is empty", "write the name", file=path,
                             row=line_of(item, "name"), column=f"{where}.name")
        labels = {key: read_label(item[key], file=path, row=line_of(item, key),
                                  column=f"{where}.{key}") for key in ("title", "unit", "opinion")}
        members.append(Member(name, labels["title"], labels["unit"], item["independent"],
                              item["role"], labels["opinion"], name_en))
    dissent = root.get("dissent")
    return Panel(
        start.isoformat(), end.isoformat(),
        read_label(root["method"], file=path, row=line_of(root, "method"), column="method"),
        tuple(members),
        None if dissent is None else read_label(dissent, file=path,
                                                row=line_of(root, "dissent"), column="dissent"),
        read_label(root["conclusion"], file=path, row=line_of(root, "conclusion"),
                   column="conclusion"),
        str(path))
