"""What a conversion costs beyond its capital: running costs, retained revenue and debt.

In a scenario file::

    affordability:
      retained_revenue: {column: revenue, share: 0.8}  # a converted town keeps 80% of its own
                                                       # revenue (plan §5.4)
      recurring: {share_of_cost: 0.03}   # running cost a year from conversion (亿元): a share
                                         # of the capital cost, or {column: recurring_cost}
      city_support: null                 # 亿元 a year the city adds; null: reported, not a limit
      debt: {sources: [special_bonds], limit: 30}  # borrowing against its limit (亿元)

Each year from the first conversion, the running costs of the towns converted
by then are set against the revenue they keep: with ``city_support`` a number
this is a limit of the selection (``recurring.<year>``: running costs ≤
retained revenue + support), without it a check reported with its margin.
``debt`` limits what the listed sources lend in all (``debt``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.yamlfile import MappingNode, check_keys

KEYS = ("affordability",)
"""The scenario's top-level keys this module reads."""


@dataclass(frozen=True)
class Affordability:
    """The ``affordability`` block, read and checked (every part optional)."""

    revenue_column: str | None = None
    retained_share: float | None = None
    recurring_column: str | None = None
    recurring_share: float | None = None
    city_support: float | None = None
    debt_sources: tuple[str, ...] = ()
    debt_limit: float | None = None

    @property
    def checks_recurring(self) -> bool:
        """Are running costs set against retained revenue (as a limit or a check)?"""
        return (self.recurring_column is not None or self.recurring_share is not None) and \
            self.revenue_column is not None

    @property
    def enforced(self) -> bool:
        """Is the running-cost check a limit of the selection?"""
        return self.checks_recurring and self.city_support is not None

    def columns(self) -> list[str]:
        """The candidate-table columns this block reads."""
        return [c for c in (self.revenue_column, self.recurring_column) if c]

    def to_dict(self) -> dict[str, Any]:
        return {"revenue_column": self.revenue_column, "retained_share": self.retained_share,
                "recurring_column": self.recurring_column,
                "recurring_share": self.recurring_share, "city_support": self.city_support,
                "enforced": self.enforced, "debt_sources": list(self.debt_sources),
                "debt_limit": self.debt_limit}


Fail = Callable[[str, str, str], InputError]
Number = Callable[..., float | None]


def read_affordability(data: MappingNode, sources: Sequence[str], fail: Fail, number: Number,
                       path: Path | None) -> Affordability | None:
    """The ``affordability`` block (None when absent); ``sources`` are the scenario's ids."""
    node = data.get("affordability")
    if node is None:
        return None
    if not isinstance(node, MappingNode):
        raise fail("affordability must be a mapping", "write  affordability: {retained_revenue: "
                   "{column: revenue, share: 0.8}}", "affordability")
    check_keys(node, ("retained_revenue", "recurring", "city_support", "debt"), "affordability",
               path)
    revenue_column = retained = recurring_column = recurring_share = None
    if "retained_revenue" in node:
        part = _part(node, "retained_revenue", ("column", "share"), fail, path)
        revenue_column = _column(part, "affordability.retained_revenue", "revenue", fail)
        retained = number(part.get("share"), "affordability.retained_revenue.share",
                          what="the retained share")
        if retained is None or retained > 1:
            raise fail(f"the retained share must be between 0 and 1, got {part.get('share')!r}",
                       "write e.g.  share: 0.8  (80% kept)", "affordability.retained_revenue.share")
    if "recurring" in node:
        part = _part(node, "recurring", ("column", "share_of_cost"), fail, path)
        if ("column" in part) == ("share_of_cost" in part):
            raise fail("recurring needs either a column or share_of_cost",
                       "write  {share_of_cost: 0.03}  or  {column: recurring_cost}",
                       "affordability.recurring")
        if "column" in part:
            recurring_column = _column(part, "affordability.recurring", "recurring_cost", fail)
        else:
            recurring_share = number(part["share_of_cost"], "affordability.recurring.share_of_cost",
                                     what="the running cost's share of the capital cost")
    if ("recurring" in node) != ("retained_revenue" in node):
        missing = "retained_revenue" if "recurring" in node else "recurring"
        raise fail(f"running costs are set against retained revenue: {missing} is missing",
                   f"add  {missing}  under affordability", "affordability")
    support = number(node.get("city_support"), "affordability.city_support",
                     what="the city's support", unit="亿元 a year", allow_none=True)
    debt_sources: tuple[str, ...] = ()
    debt_limit = None
    if "debt" in node:
        part = _part(node, "debt", ("sources", "limit"), fail, path)
        listed = part.get("sources")
        if not isinstance(listed, list) or not listed:
            raise fail("debt needs the sources that lend", "write  sources: [special_bonds]",
                       "affordability.debt.sources")
        for i, source in enumerate(listed):
            if source not in sources:
                raise fail(f"debt names unknown source {source!r}",
                           f"use one of the sources: {', '.join(sources) or '(none given)'}",
                           f"affordability.debt.sources[{i}]")
        debt_sources = tuple(dict.fromkeys(str(s) for s in listed))
        debt_limit = number(part.get("limit"), "affordability.debt.limit", what="the debt limit",
                            unit="亿元")
    return Affordability(revenue_column, retained, recurring_column, recurring_share, support,
                         debt_sources, debt_limit)


def _part(node: MappingNode, key: str, allowed: tuple[str, ...], fail: Fail,
          path: Path | None) -> MappingNode:
    part = node[key]
    if not isinstance(part, MappingNode):
        raise fail(f"affordability.{key} must be a mapping",
                   f"write  {key}: {{{', '.join(f'{a}: ...' for a in allowed)}}}",
                   f"affordability.{key}")
    check_keys(part, allowed, f"affordability.{key}", path)
    return part


def _column(part: MappingNode, key: str, example: str, fail: Fail) -> str:
    column = part.get("column")
    if not isinstance(column, str) or not column.strip():
        raise fail(f"{key} needs the table column", f"write  column: {example}", f"{key}.column")
    return column.strip()
