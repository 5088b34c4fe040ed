"""A scenario's links to the work plan: which plan figure each value follows, and each departure.

In a scenario file::

    plan: plan.yaml                      # beside the scenario
    follows_plan:                        # scenario key path: plan figure id
      budget.total: programme_total
      talent.capacity: recruits_high_level
    departs_from_plan:                   # key path: why (and the figure it departs from)
      phasing.years: {why: "the plan gives no annual split; local assumption"}
      sources.grants.capacity: {plan: source_grants, why: "..."}

A followed value must equal the plan's figure (checked here, with the line of
the reference); a departure must say why.  A key path must name a value the
scenario file holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.numbers import as_number
from evalkit.io.yamlfile import MappingNode, line_of, read_label
from evalkit.model.plan import Plan, PlanFigure, check_reference, load_plan

KEYS = ("plan", "follows_plan", "departs_from_plan")


@dataclass(frozen=True)
class PlanLink:
    """One scenario value and the plan figure it follows, or the reason it departs."""

    key: str
    value: Any
    figure: PlanFigure | None
    follows: bool
    why: Mapping[str, str] = field(default_factory=dict)

    def value_text(self) -> str:
        value = self.value
        if isinstance(value, Mapping):
            return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
        if isinstance(value, list | tuple):
            return ", ".join(_plain(v) for v in value)
        return _plain(value)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value_text(),
                "plan": self.figure.id if self.figure else None,
                "plan_value": self.figure.value if self.figure else None,
                "section": self.figure.section if self.figure else None,
                "follows": self.follows, "why": dict(self.why)}


def _plain(value: Any) -> str:
    number = as_number(value) if not isinstance(value, bool) else None
    return f"{number:g}" if number is not None else str(value)


def _lookup(data: MappingNode, key: str) -> tuple[bool, Any]:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping):
            return False, None
        matches = [k for k in node if str(k) == part]
        if not matches:
            return False, None
        node = node[matches[0]]
    return True, node


def read_plan_links(data: MappingNode, path: Path) -> tuple[Plan | None, tuple[PlanLink, ...]]:
    """The plan a scenario names and its links to it (empty when it names none)."""
    if "plan" not in data:
        for key in ("follows_plan", "departs_from_plan"):
            if key in data:
                raise InputError(f"{key} needs the plan file", "add  plan: plan.yaml",
                                 file=path, row=line_of(data, key), column=key)
        return None, ()
    name = data["plan"]
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"plan must be the name of a plan file, got {name!r}",
                         "write  plan: plan.yaml", file=path, row=line_of(data, "plan"),
                         column="plan")
    plan = load_plan(path.parent / name)
    links: list[PlanLink] = []
    seen: set[str] = set()
    follows = data.get("follows_plan", {})
    departs = data.get("departs_from_plan", {})
    for block, node in (("follows_plan", follows), ("departs_from_plan", departs)):
        if not isinstance(node, Mapping):
            raise InputError(f"{block} must map key paths to plan figures",
                             "write e.g.  budget.total: programme_total", file=path,
                             row=line_of(data, block), column=block)
        for key, ref in node.items():
            where = f"{block}.{key}"
            row = line_of(node, key)
            if not isinstance(key, str) or key in KEYS:
                raise InputError(f"{key!r} is not a key path of the scenario",
                                 "write a path such as budget.total", file=path, row=row,
                                 column=where)
            if key in seen:
                raise InputError(f"{key} is both followed and departed from",
                                 "keep it in one of follows_plan and departs_from_plan",
                                 file=path, row=row, column=where)
            seen.add(key)
            found, value = _lookup(data, key)
            if not found:
                raise InputError(f"the scenario has no value at {key}",
                                 "name a key the file holds, e.g. budget.total", file=path,
                                 row=row, column=where)
            links.append(_follow(plan, key, value, ref, path, row, where) if block == "follows_plan"
                         else _depart(plan, key, value, ref, path, row, where))
    return plan, tuple(links)


def _follow(plan: Plan, key: str, value: Any, ref: Any, path: Path, row: int | None,
            where: str) -> PlanLink:
    number = as_number(value) if not isinstance(value, bool) else None
    if number is None:
        raise InputError(f"{key} is not a number and cannot follow a plan figure",
                         "move it to departs_from_plan with the reason", file=path, row=row,
                         column=where)
    figure = check_reference(plan, ref, float(number), file=path, row=row, column=where)
    return PlanLink(key, value, figure, True)


def _depart(plan: Plan, key: str, value: Any, ref: Any, path: Path, row: int | None,
            where: str) -> PlanLink:
    if isinstance(ref, str):
        ref = {"why": ref}
    why = ref.get("why") if isinstance(ref, Mapping) else None
    if not (isinstance(why, str) and why.strip()) and not isinstance(why, Mapping):
        raise InputError(f"a departure from the plan needs the reason: {key}",
                         "write  {why: \"...\"}  or  {why: {zh: ..., en: ...}}  (and  "
                         "plan: <figure id>  when the plan has one)",
                         file=path, row=row, column=where)
    unknown = [k for k in ref if k not in ("why", "plan")]
    if unknown:
        raise InputError(f"unknown key {unknown[0]!r} in a departure", "use why and plan",
                         file=path, row=row, column=where)
    figure = (check_reference(plan, ref["plan"], None, file=path, row=row, column=f"{where}.plan")
              if ref.get("plan") is not None else None)
    reason = (read_label(why, file=path, row=row, column=f"{where}.why")
              if isinstance(why, Mapping) else {"zh": why.strip(), "en": why.strip()})
    return PlanLink(key, value, figure, False, reason)
