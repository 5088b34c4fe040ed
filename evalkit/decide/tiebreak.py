"""A scenario's tie-break rule: which of two towns in a near tie to prefer, and why.

::

    tie_break:
      prefer: [T3, T4]      # town ids, most preferred first …
      # prefer: lower_cost  # … or the name of a rule (TIE_BREAK_RULES)
      reason: 石桥镇与主城区通勤更近，列入近期建设计划

``reason`` is required: an approver reads it beside the rule.  The rule never
re-runs the optimiser; when the decisive margin
(:mod:`evalkit.decide.decisive`) finds a near tie, the rule says which of the
two towns to prefer and the outputs quote it with its reason.  A list
prefers the town listed first; a town listed beats one not listed; when
neither is listed the rule does not decide.  The named rules
(:data:`~evalkit.decide.registry.TIE_BREAK_RULES`) are functions
``(pair, facts) -> (preferred id or None, explanation)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.decide.registry import TIE_BREAK_RULES
from evalkit.errors import InputError
from evalkit.io.yamlfile import MappingNode, check_keys, line_of

KEYS = ("tie_break",)
"""The scenario's top-level keys this module reads."""

__all__ = ["KEYS", "TieBreak", "TieFacts", "read_tie_break"]


@dataclass(frozen=True)
class TieBreak:
    """``prefer``: town ids in order of preference, or ``rule``: a rule name; and the ``reason``."""

    reason: str
    prefer: tuple[str, ...] = ()
    rule: str | None = None

    def describe(self) -> str:
        how = f"rule {self.rule}" if self.rule else f"prefer {', '.join(self.prefer)}"
        return f"{how} — {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"prefer": list(self.prefer) if self.rule is None else self.rule,
                "rule": self.rule, "reason": self.reason}


@dataclass(frozen=True)
class TieFacts:
    """What the named rules may look at, per town id (missing facts: the rule does not decide)."""

    cost: Mapping[str, float] = field(default_factory=dict)
    talent_need: Mapping[str, float] = field(default_factory=dict)
    expert_votes: Mapping[str, int] = field(default_factory=dict)
    core_index: Mapping[str, float] = field(default_factory=dict)


def decide(rule: TieBreak, pair: tuple[str, str], facts: TieFacts) -> tuple[str | None, str]:
    """The town of ``pair`` the rule prefers (None: it does not decide), and why."""
    if rule.rule is not None:
        result: tuple[str | None, str] = TIE_BREAK_RULES[rule.rule](pair, facts)
        return result
    listed = [t for t in rule.prefer if t in pair]
    if not listed:
        return None, f"neither {pair[0]} nor {pair[1]} is listed in tie_break.prefer"
    return listed[0], f"{listed[0]} comes first in tie_break.prefer ({', '.join(rule.prefer)})"


def _smaller(pair: tuple[str, str], values: Mapping[str, float], what: str,
             bigger: bool = False) -> tuple[str | None, str]:
    if not all(t in values for t in pair):
        return None, f"the {what} of {pair[0]} and {pair[1]} is not known"
    a, b = (values[t] for t in pair)
    if a == b:
        return None, f"{pair[0]} and {pair[1]} have the same {what} ({a:g})"
    first = (a > b) if bigger else (a < b)
    winner = pair[0] if first else pair[1]
    return winner, f"{winner} has the {'higher' if bigger else 'lower'} {what} ({a:g} vs {b:g})"


def lower_cost(pair: tuple[str, str], facts: TieFacts) -> tuple[str | None, str]:
    """Prefer the town whose conversion costs less in all (亿元)."""
    return _smaller(pair, facts.cost, "total cost")


def lower_talent_need(pair: tuple[str, str], facts: TieFacts) -> tuple[str | None, str]:
    """Prefer the town that needs fewer recruits."""
    return _smaller(pair, facts.talent_need, "talent need")


def expert_majority(pair: tuple[str, str], facts: TieFacts) -> tuple[str | None, str]:
    """Prefer the town that more experts' own weights rank higher."""
    return _smaller(pair, {t: float(v) for t, v in facts.expert_votes.items()},
                    "number of experts ranking it higher", bigger=True)


def higher_core_index(pair: tuple[str, str], facts: TieFacts) -> tuple[str | None, str]:
    """Prefer the town chosen in more robustness scenarios (core index)."""
    return _smaller(pair, facts.core_index, "core index", bigger=True)


def read_tie_break(data: MappingNode, path: Path | None) -> TieBreak | None:
    """The scenario's ``tie_break`` block, checked (None when absent).

    Town ids are checked against the candidate table later, with the other
    ids of the scenario (:func:`evalkit.decide.selection.problem.check_against_table`).
    """
    if "tie_break" not in data or data["tie_break"] is None:
        return None
    node = data["tie_break"]

    def fail(what: str, hint: str, key: str, container: Any = None, sub: Any = None) -> InputError:
        row = line_of(container, sub) if container is not None else line_of(data, "tie_break")
        return InputError(what, hint, file=path, row=row, column=key)

    example = "tie_break: {prefer: [T3, T4], reason: ...}"
    if not isinstance(node, MappingNode):
        raise fail("tie_break must be a mapping with prefer and reason", f"write  {example}",
                   "tie_break")
    check_keys(node, ("prefer", "reason"), "tie_break", path)
    if "prefer" not in node:
        raise fail("tie_break needs prefer: town ids in order of preference, or a rule name",
                   f"write  {example}  or  prefer: {next(iter(TIE_BREAK_RULES))}", "tie_break")
    reason = node.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        key = "tie_break.reason" if "reason" in node else "tie_break"
        where = (node, "reason") if "reason" in node else (None, None)
        raise fail("tie_break needs a reason: why this preference, in words an approver can check",
                   "add  reason: <text>", key, *where)
    prefer = node["prefer"]
    if isinstance(prefer, str):
        if prefer not in TIE_BREAK_RULES:
            raise fail(f"unknown tie-break rule {prefer!r}",
                       f"{TIE_BREAK_RULES.hint()}, or list town ids, e.g. prefer: [T3, T4]",
                       "tie_break.prefer", node, "prefer")
        return TieBreak(reason.strip(), (), prefer)
    if not isinstance(prefer, list) or not prefer:
        raise fail("tie_break.prefer must list town ids or name a rule",
                   f"write  prefer: [T3, T4]  or  {TIE_BREAK_RULES.hint()}", "tie_break.prefer",
                   node, "prefer")
    ids: list[str] = []
    for i, town in enumerate(prefer):
        key = f"tie_break.prefer[{i}]"
        if not isinstance(town, str | int) or isinstance(town, bool):
            raise fail(f"tie_break.prefer must hold town ids, got {town!r}",
                       "write the ids as in the candidate table's id column", key, prefer, i)
        if str(town) in ids:
            raise fail(f"town {town} is listed twice in tie_break.prefer", "list each town once",
                       key, prefer, i)
        ids.append(str(town))
    return TieBreak(reason.strip(), tuple(ids), None)
