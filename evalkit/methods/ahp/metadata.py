"""Who gave the judgments, when and how: the ``expert`` block and each matrix's ``reason``.

::

    expert:
      name: 王建国
      role: 总工程师                 # post
      unit: 市城乡规划设计研究院      # organisation
      date: 2024-03-12              # when the judgments were given (ISO date)
      method: questionnaire         # questionnaire | meeting | interview
      weight: 1.0                   # AIJ weight
      name_en: Wang Jianguo         # optional: name, post and organisation in English
    families:
      reason: 经济实力决定设区后的财政承受能力   # optional, beside pairs/matrix
      pairs: [...]

Only ``name`` is required; ``method`` is a name of
:data:`~evalkit.methods.registry.ELICITATION_METHODS`.  A value of the wrong
type is an :class:`~evalkit.errors.InputError` at its line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from evalkit.methods.ahp.reader import Node, Reader
from evalkit.methods.registry import ELICITATION_METHODS

__all__ = ["EXPERT_KEYS", "Expert", "read_expert", "read_reason"]

EXPERT_KEYS = ("name", "role", "unit", "date", "method", "weight", "name_en", "role_en", "unit_en")
"""The keys of the ``expert`` block."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Expert:
    """Who gave the judgments, and how much their judgments count (AIJ weight).

    ``role`` is the expert's post, ``unit`` the organisation, ``date`` the
    ISO date (``YYYY-MM-DD``) the judgments were given and ``method`` how
    they were elicited; each is empty (``""`` / ``None``) when the file does
    not say.
    """

    name: str
    role: str = ""
    weight: float = 1.0
    unit: str = ""
    date: str | None = None
    method: str | None = None
    english: tuple[str, str, str] = ("", "", "")
    """``name_en``, ``role_en`` and ``unit_en`` as the file gives them (``""`` when not)."""

    def shown(self, lang: str) -> tuple[str, str, str]:
        """Name, role and unit in ``lang``: the English ones where the file gives them,
        else as written."""
        written = (self.name, self.role, self.unit)
        if lang != "en":
            return written
        return tuple(e or w for e, w in zip(self.english, written, strict=True))  # type: ignore[return-value]

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role, "unit": self.unit, "date": self.date,
                "method": self.method, "weight": self.weight,
                **{key: value for key, value in zip(("name_en", "role_en", "unit_en"),
                                                     self.english, strict=True) if value}}


def _text(reader: Reader, node: Node, key: str, what: str, example: str) -> str:
    if not isinstance(node.value, str) or not node.value.strip():
        written = node.text if node.text else repr(node.value)
        shown = "empty" if node.value in (None, "") else f"not text ({written})"
        raise reader.fail(f"the {what} is {shown}", f"write it as text, e.g. {example}",
                          node.line, key)
    return node.value.strip()


def _date(reader: Reader, node: Node) -> str:
    value = node.value
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        raise reader.fail(f"the date {node.text or value!s} has a time of day",
                          "write the day only, e.g. date: 2024-03-12", node.line, "expert.date")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    shown = "empty" if value in (None, "") else repr(node.text or value)
    raise reader.fail(f"the date is {shown}, not an ISO date",
                      "write it as YYYY-MM-DD, e.g. date: 2024-03-12", node.line, "expert.date")


def read_expert(reader: Reader, node: Node) -> tuple[Expert, int]:
    """The ``expert`` block: an :class:`Expert` and the line of its name."""
    fields = reader.mapping(node, "expert", EXPERT_KEYS, required=("name",))
    name_node = fields["name"]
    name = name_node.value
    if not isinstance(name, str) or not name.strip():
        raise reader.fail("the expert has no name", "write expert: {name: 王建国, ...}",
                          name_node.line, "expert.name")
    role = unit = ""
    if "role" in fields:
        role = _text(reader, fields["role"], "expert.role", "role", "role: 总工程师")
    if "unit" in fields:
        unit = _text(reader, fields["unit"], "expert.unit", "unit", "unit: 市城乡规划设计研究院")
    english = tuple(_text(reader, fields[key], f"expert.{key}", key, f"{key}: Wang Jianguo")
                    if key in fields else "" for key in ("name_en", "role_en", "unit_en"))
    date = _date(reader, fields["date"]) if "date" in fields else None
    method = None
    if "method" in fields:
        method_node = fields["method"]
        if method_node.value not in ELICITATION_METHODS:
            raise reader.fail(f"unknown elicitation method {method_node.text or method_node.value!r}",
                              f"use one of {', '.join(ELICITATION_METHODS)}", method_node.line,
                              "expert.method")
        method = str(method_node.value)
    weight = 1.0
    if "weight" in fields:
        weight = reader.number(
            fields["weight"], "expert.weight", "weight",
            "give the expert's weight as a positive number, e.g. 1; leave the file out "
            "to leave the expert out",
        )
    return Expert(name.strip(), role, weight, unit, date, method,
                  english), name_node.line  # type: ignore[arg-type]


def read_reason(reader: Reader, node: Node, path: str, key: str = "reason") -> str:
    """A matrix's ``reason`` (or ``reason_en``): the expert's own words on why they judged so."""
    return _text(reader, node, f"{path}.{key}", key,
                 f"{key}: 镇区人口规模决定能否达到设区门槛")
