"""How a scenario values the years: the timing rule, quoted in every output.

In a scenario file::

    timing:
      rule: readiness          # a name from TIMING_RULES
      discount: 0.9            # rule discounted only: a conversion a year later is worth 0.9
      why: {zh: ..., en: ...}  # optional: why this rule, for the approver

Two kinds of rule (:data:`~evalkit.decide.registry.TIMING_RULES`):

* ``discounted`` changes the objective: town *i* converted in year *y* adds
  :math:`w_i δ^{y − y_0}` instead of :math:`w_i` (:math:`y_0` the first conversion
  year allowed), so earlier conversion of a stronger town is worth more and
  the set and the schedule are chosen together;
* ``readiness``, ``earliest`` and ``balanced`` keep the objective and decide
  among the answers that reach it (within the optimality tolerance): a second
  solve minimises the rule's criterion over them.

A scenario with phasing but no ``timing`` block uses ``readiness``, and the
outputs say it was the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.decide.registry import TIMING_RULES
from evalkit.errors import InputError
from evalkit.io.numbers import as_number
from evalkit.io.yamlfile import MappingNode, check_keys, line_of, read_label

KEYS = ("timing",)
"""The scenario's top-level keys this module reads."""


@dataclass(frozen=True)
class TimingRule:
    """One rule: ``kind`` is ``objective`` (it changes the objective) or ``second`` (it decides
    among equally good answers); ``text`` the rule in words (``{discount}`` filled in)."""

    id: str
    kind: str
    text: Mapping[str, str]
    formula: str


READINESS = TimingRule(
    "readiness", "second",
    {"en": "stronger towns convert first: among the answers that reach the best objective, the "
           "one with the smallest sum over the chosen towns of closeness × years after the first "
           "conversion year",
     "zh": "强镇先改：在目标值同为最优的方案中，取入选镇“贴近度 × 距首个可改区年份的年数”之和最小者"},
    "min Σ C_i (y_i − y0)")
EARLIEST = TimingRule(
    "earliest", "second",
    {"en": "convert as early as possible: among the answers that reach the best objective, the "
           "one with the smallest sum of conversion years",
     "zh": "尽早改区：在目标值同为最优的方案中，取各镇改区年份之和最小者"},
    "min Σ (y_i − y0)")
BALANCED = TimingRule(
    "balanced", "second",
    {"en": "spend evenly: among the answers that reach the best objective, the one whose largest "
           "annual spending is smallest",
     "zh": "均衡支出：在目标值同为最优的方案中，取年度最大支出最小者"},
    "min max_t spending_t")
DISCOUNTED = TimingRule(
    "discounted", "objective",
    {"en": "earlier conversion is worth more: each town's term in the objective is multiplied by "
           "{discount}^(years after the first conversion year)",
     "zh": "越早改区价值越高：每个镇在目标函数中的贡献乘以 {discount}^(距首个可改区年份的年数)"},
    "max Σ w_i δ^(y_i − y0)")


@dataclass(frozen=True)
class Timing:
    """The scenario's timing rule, its discount (``discounted`` only) and the reason given."""

    rule: str
    discount: float | None = None
    why: Mapping[str, str] = field(default_factory=dict)
    default: bool = False
    """True when the scenario gave no ``timing`` block and the rule is the default."""

    @property
    def definition(self) -> TimingRule:
        rule: TimingRule = TIMING_RULES[self.rule]
        return rule

    def text(self, lang: str = "en") -> str:
        """The rule in words, as every output quotes it."""
        words = self.definition.text.get(lang) or self.definition.text["en"]
        words = words.replace("{discount}", f"{self.discount:g}" if self.discount else "δ")
        if self.default:
            words += ("（情景未规定时序规则，采用默认规则）" if lang == "zh"
                      else " (the scenario states no timing rule; this is the default)")
        return words

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "kind": self.definition.kind, "discount": self.discount,
                "formula": self.definition.formula, "text": {"en": self.text("en"),
                                                             "zh": self.text("zh")},
                "why": dict(self.why), "default": self.default}


DEFAULT_TIMING = Timing("readiness", default=True)


def read_timing(data: MappingNode, path: Path | None) -> Timing | None:
    """The scenario's ``timing`` block, checked (None when absent)."""
    if "timing" not in data or data["timing"] is None:
        return None
    node = data["timing"]

    def fail(what: str, hint: str, key: str, sub: str | None = None) -> InputError:
        row = line_of(node, sub) if sub is not None else line_of(data, "timing")
        return InputError(what, hint, file=path, row=row, column=key)

    if not isinstance(node, MappingNode):
        raise fail("timing must be a mapping with the rule", "write  timing: {rule: readiness}",
                   "timing")
    check_keys(node, ("rule", "discount", "why"), "timing", path)
    rule = node.get("rule")
    if rule not in TIMING_RULES:
        raise fail(f"unknown timing rule {rule!r}", TIMING_RULES.hint(),
                   "timing.rule" if "rule" in node else "timing", "rule" if "rule" in node else None)
    discount = None
    if rule == "discounted":
        value = as_number(node.get("discount"))
        if value is None or not 0 < value < 1:
            raise fail(f"the discounted rule needs a discount between 0 and 1, got "
                       f"{node.get('discount')!r}",
                       "write e.g.  discount: 0.9  (a conversion a year later is worth 90%)",
                       "timing.discount", "discount" if "discount" in node else None)
        discount = float(value)
    elif "discount" in node:
        raise fail(f"discount applies to the discounted rule only, not {rule}",
                   "remove it, or write  rule: discounted", "timing.discount", "discount")
    why = (read_label(node["why"], file=path, row=line_of(node, "why"), column="timing.why")
           if "why" in node else {})
    return Timing(str(rule), discount, why)
