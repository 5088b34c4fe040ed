"""What the decisive margin found: plain result objects, each with ``to_dict()``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evalkit.decide.tiebreak import TieBreak


def finite(x: float | None) -> float | None:
    """``x`` as JSON can hold it: None for NaN and infinities."""
    return None if x is None or not math.isfinite(x) else float(x)


@dataclass(frozen=True)
class MethodOrder:
    """The pair under one ranking method: both towns' scores and ranks among all towns.

    ``prefers`` is the town the method puts ahead (None: equal scores);
    ``reverses`` says it is not the town the selection's own TOPSIS puts ahead.
    """

    method: str
    scores: tuple[float, float]
    ranks: tuple[int, int]
    higher_is_better: bool
    prefers: str | None
    reverses: bool

    def to_dict(self, pair: tuple[str, str]) -> dict[str, Any]:
        return {"method": self.method, "higher_is_better": self.higher_is_better,
                "scores": dict(zip(pair, map(finite, self.scores), strict=True)),
                "ranks": dict(zip(pair, self.ranks, strict=True)),
                "prefers": self.prefers, "reverses": self.reverses}


@dataclass(frozen=True)
class WeightOrder:
    """The pair's TOPSIS closeness under one set of weights.

    ``variant`` is ``evaluation`` (the weights the selection used), ``ahp``,
    ``entropy``, ``critic``, ``expert_ahp`` (an expert's own AHP weights) or
    ``expert`` (an expert's own weights combined as the group's); ``expert``
    names the expert for the last two.
    """

    variant: str
    label: str
    closeness: tuple[float, float]
    prefers: str | None
    reverses: bool
    expert: str | None = None

    def to_dict(self, pair: tuple[str, str]) -> dict[str, Any]:
        return {"variant": self.variant, "label": self.label, "expert": self.expert,
                "closeness": dict(zip(pair, self.closeness, strict=True)),
                "margin": self.closeness[0] - self.closeness[1],
                "prefers": self.prefers, "reverses": self.reverses}


@dataclass(frozen=True)
class AlphaFlip:
    """Where, on the combination share α ∈ [0, 1] of w(α) = α·AHP + (1 − α)·objective,
    the pair's order flips (``flips``: every crossing; ``nearest``: the one closest to
    ``current``), or why it was not computed (``note``)."""

    current: float | None
    flips: tuple[float, ...] = ()
    note: str = ""

    @property
    def nearest(self) -> float | None:
        if not self.flips or self.current is None:
            return None
        return min(self.flips, key=lambda a: abs(a - self.current))  # type: ignore[operator]

    def to_dict(self) -> dict[str, Any]:
        return {"current": self.current, "flips": list(self.flips), "nearest": self.nearest,
                "note": self.note}


@dataclass(frozen=True)
class RobustShares:
    """From a robustness run: each town's share of selection scenarios in which it is
    chosen (core index) and the share of weight samples in which the left-out town's
    closeness beats the chosen one's (winning index; None when not computed)."""

    core_index: tuple[float, float] | None
    out_beats_in: float | None
    samples: int
    scenarios: int | None

    def to_dict(self, pair: tuple[str, str]) -> dict[str, Any]:
        return {"core_index": (dict(zip(pair, self.core_index, strict=True))
                               if self.core_index is not None else None),
                "unchosen_beats_chosen": self.out_beats_in, "samples": self.samples,
                "scenarios": self.scenarios}


@dataclass(frozen=True)
class Swap:
    """The best feasible set that takes the left-out town instead of the chosen one.

    ``selected`` and ``objective`` are None when no such set exists (``reason``
    says which limits stand in the way); ``loss`` = the selection's objective
    minus the swap's.
    """

    selected: tuple[str, ...] | None
    objective: float | None
    loss: float | None
    status: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"selected": None if self.selected is None else list(self.selected),
                "objective": self.objective, "loss": self.loss, "status": self.status,
                "reason": self.reason}


@dataclass(frozen=True)
class Trigger:
    """One finding that makes the pair a near tie, with the number behind it."""

    kind: str  # method | weights | expert | robustness
    name: str
    detail: str
    value: float | None = None
    detail_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "detail": self.detail,
                "detail_zh": self.detail_zh, "value": finite(self.value)}


@dataclass(frozen=True)
class Decision:
    """How the choice within the pair is settled.

    ``settled_by`` is ``data`` (no near tie), ``limits`` (the left-out town
    scores higher but the scenario's limits keep it out: the order does not
    decide this pair), ``tie_break`` (a near tie the scenario's rule decides;
    ``prefers`` is its town) or ``needs_decision`` (a near tie the data do
    not settle and no rule decides).  ``follows_selection`` says
    whether the rule's town is the one the selection chose.
    """

    settled_by: str
    prefers: str | None
    follows_selection: bool | None
    text: Mapping[str, str]
    rule_says: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"settled_by": self.settled_by, "prefers": self.prefers,
                "follows_selection": self.follows_selection, "rule_says": self.rule_says,
                "text": dict(self.text)}


@dataclass(frozen=True)
class PairComparison:
    """A chosen town and a left-out one whose order decides the selection, side by side.

    ``why`` is ``boundary`` (the weakest chosen and the strongest left-out
    eligible town), ``runner_up`` (the one swap between the selection and the
    next-best portfolio) or both.  ``decided_by`` is ``order`` when the
    chosen town scores at least as high as the left-out one (their order
    decides, and the near-tie rule applies), ``limits`` when the left-out
    town scores higher and the scenario's limits keep it out.
    """

    chosen: str
    unchosen: str
    names: Mapping[str, str]
    why: tuple[str, ...]
    closeness: tuple[float, float]
    methods: tuple[MethodOrder, ...]
    weights: tuple[WeightOrder, ...]
    alpha: AlphaFlip
    robustness: RobustShares | None
    swap: Swap | None
    near_tie: bool
    triggers: tuple[Trigger, ...]
    decision: Decision
    decided_by: str = "order"

    @property
    def pair(self) -> tuple[str, str]:
        return self.chosen, self.unchosen

    @property
    def margin(self) -> float:
        """The selection's closeness of the chosen town minus the left-out one's."""
        return self.closeness[0] - self.closeness[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "chosen": self.chosen, "unchosen": self.unchosen, "names": dict(self.names),
            "why": list(self.why), "decided_by": self.decided_by,
            "closeness": dict(zip(self.pair, self.closeness, strict=True)),
            "margin": self.margin,
            "methods": [m.to_dict(self.pair) for m in self.methods],
            "weights": [w.to_dict(self.pair) for w in self.weights],
            "alpha": self.alpha.to_dict(),
            "robustness": None if self.robustness is None else self.robustness.to_dict(self.pair),
            "swap": None if self.swap is None else self.swap.to_dict(),
            "near_tie": self.near_tie,
            "triggers": [t.to_dict() for t in self.triggers],
            "decision": self.decision.to_dict(),
        }


@dataclass(frozen=True)
class NearTieRule:
    """The rule that calls a pair a near tie, as text and as the fields it tests."""

    reversal_by: tuple[str, ...]
    robustness_share: float
    text: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"reversal_by": list(self.reversal_by), "robustness_share": self.robustness_share,
                "text": dict(self.text)}


@dataclass(frozen=True)
class DecisiveMargin:
    """The pairs of towns whose order decides the selection, compared side by side.

    ``near_tie`` is True when any pair is one; ``statement`` says in both
    languages what that means for the choice; ``skipped`` lists the parts left
    out (and why), e.g. the robustness run above a size.
    """

    selected: tuple[str, ...]
    pairs: tuple[PairComparison, ...]
    rule: NearTieRule
    tie_break: TieBreak | None
    near_tie: bool
    statement: Mapping[str, str]
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The ``decisive`` key of ``evalkit select --format json``."""
        return {
            "selected": list(self.selected),
            "near_tie": self.near_tie,
            "rule": self.rule.to_dict(),
            "tie_break": None if self.tie_break is None else self.tie_break.to_dict(),
            "pairs": [p.to_dict() for p in self.pairs],
            "statement": dict(self.statement),
            "skipped": list(self.skipped),
            "notes": list(self.notes),
        }
