"""What the robustness analysis found, and its statement in words for the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from evalkit.decide.robustness.acceptability import Stability
from evalkit.decide.robustness.core_index import SelectionRobustness

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class Robustness:
    """Everything :func:`robustness` found, aligned with ``ids`` and ``indicator_ids``.

    ``acceptability`` is b_i^r for ranks 1..depth (depth = n up to
    :data:`FULL_TABLE_MAX_TOWNS` towns, else k); ``top_k`` is a_i^k;
    ``central_weights`` has a NaN row for a town never ranked first;
    ``winning`` (small n only) p_ik; ``selection`` the core index, or None
    with the reason in ``selection_note``.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    names_en: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    samples: int
    seed: int
    weight_model: str
    model_options: Mapping[str, Any]
    weighting: str
    normalization: str
    k: int
    base_weights: np.ndarray
    acceptability: np.ndarray
    top_k: np.ndarray
    central_weights: np.ndarray
    winning: np.ndarray | None
    stability: tuple[Stability, ...]
    selection: SelectionRobustness | None
    selection_note: str | None
    statement: Mapping[str, str]

    def to_frame(self) -> pd.DataFrame:
        """One row per town (id as the index): name, the rank acceptability b_1 … b_depth
        (columns ``b1`` …), the top-k share a^k (``top_k``) and, with a selection, the core
        index (``core_index``)."""
        import pandas as pd

        frame = pd.DataFrame(self.acceptability, index=pd.Index(self.ids, name="id"),
                             columns=[f"b{r + 1}" for r in range(self.acceptability.shape[1])])
        frame.insert(0, "name", self.names)
        frame["top_k"] = self.top_k
        if self.selection is not None:
            frame["core_index"] = self.selection.core_index
        return frame

    def to_dict(self) -> dict[str, Any]:
        """The ``evalkit robust --format json`` object (a documented contract).

        Keys of issue 5: ``samples``, ``seed``, ``rank_acceptability``
        ({id: [b_1 … b_depth]}), ``top_k`` ({id: a^k}), ``central_weights``
        ({id: {indicator: w} or null}), ``stability`` ([{indicator, low,
        high}], plus ``weight``), ``core_index`` ({id: share}, {} without a
        scenario), ``portfolios`` ([{selected, share}]), ``statement``
        ({zh, en}).  Extra: ``k``, ``weight_model`` (name and parameters, e.g.
        the concentration), ``normalization``, ``winning_index`` (small n),
        ``selection`` (scenario, method, scenarios, cost_spread, infeasible,
        note).
        """
        central = {}
        for i, town in enumerate(self.ids):
            row = self.central_weights[i]
            central[town] = (None if np.isnan(row).any() else
                             {ind: _round(w) for ind, w in zip(self.indicator_ids, row,
                                                                strict=True)})
        out: dict[str, Any] = {
            "samples": self.samples,
            "seed": self.seed,
            "k": self.k,
            "weight_model": {"name": self.weight_model, **self.model_options},
            "weighting": self.weighting,
            "normalization": self.normalization,
            "rank_acceptability": {t: [float(b) for b in row]
                                   for t, row in zip(self.ids, self.acceptability, strict=True)},
            "top_k": {t: float(p) for t, p in zip(self.ids, self.top_k, strict=True)},
            "central_weights": central,
            "stability": [{"indicator": s.indicator, "weight": _round(s.weight),
                           "low": _round(s.low), "high": _round(s.high)} for s in self.stability],
            "core_index": {},
            "portfolios": [],
            "statement": dict(self.statement),
        }
        if self.winning is not None:
            out["winning_index"] = {t: {u: float(self.winning[i, k]) for k, u in enumerate(self.ids)
                                        if k != i} for i, t in enumerate(self.ids)}
        sel = self.selection
        if sel is not None:
            out["core_index"] = {t: float(p) for t, p in zip(self.ids, sel.core_index, strict=True)}
            out["portfolios"] = [{"selected": list(p.selected), "share": p.share}
                                 for p in sel.portfolios]
            out["selection"] = {"scenario": sel.scenario, "method": sel.method,
                                "scenarios": sel.scenarios, "cost_spread": sel.cost_spread,
                                "infeasible": sel.infeasible, "notes": list(sel.notes)}
        else:
            out["selection"] = {"skipped": self.selection_note}
        return out


def _round(x: float) -> float:
    return round(float(x), 6)


_EN_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
               "ten")


def percent(p: float) -> str:
    """A share as a planner would say it: 96%, <1%, >99%, 0%, 100%."""
    if p >= 1.0:
        return "100%"
    if p <= 0.0:
        return "0%"
    if p < 0.01:
        return "<1%"
    if p > 0.99:
        return ">99%"
    return f"{round(100 * p)}%"


def statement(names: Sequence[str], top_k: np.ndarray, k: int, samples: int,
              selection: SelectionRobustness | None, listed: int = 5) -> dict[str, str]:
    """One sentence in Chinese and one in English for the report.

    With a selection: "青山镇 is among the chosen three in 96% of 10,000
    scenarios; 临河镇 in 71%; …"; without, the same about the top-k set over
    the weight samples.  Towns are listed by share, at most ``listed``.
    """
    if selection is not None:
        shares = selection.core_index
        count = selection.count if selection.count_mode == "exactly" else None
        what_en = f"among the chosen {_number(count)}" if count else "chosen"
        what_zh = f"入选{count}个改区镇" if count else "入选"
        never_zh = "从未入选"
        over_en, over_zh = f"{selection.scenarios:,} scenarios", f"{selection.scenarios}个情景"
    else:
        shares = top_k
        what_en, what_zh, never_zh = (f"among the top {_number(k)}", f"位列前{k}名",
                                      f"从未进入前{k}名")
        over_en, over_zh = f"{samples:,} weight samples", f"{samples}次权重抽样"
    order = sorted(range(len(names)), key=lambda i: (-shares[i], i))
    shown = [i for i in order if shares[i] > 0][:listed]
    if not shown:
        return {"zh": f"在{over_zh}中，没有任何候选镇{what_zh}。",
                "en": f"No town is {what_en} in any of {over_en}."}
    first, others = shown[0], shown[1:]
    en = f"{names[first]} is {what_en} in {percent(shares[first])} of {over_en}"
    en += "".join(f"; {names[i]} in {percent(shares[i])}" for i in others)
    zh = f"在{over_zh}中，{names[first]}{what_zh}的比例为{percent(shares[first])}"
    zh += "".join(f"，{names[i]}为{percent(shares[i])}" for i in others)
    rest = [i for i in order if shares[i] > 0 and i not in shown]
    if rest:
        en += f"; no other town above {percent(shares[rest[0]])}"
        zh += f"，其余各镇均不超过{percent(shares[rest[0]])}"
    never = [names[i] for i in order if shares[i] == 0]
    if never and len(never) <= listed:
        en += f"; {_join_en(never)} never"
        zh += f"；{'、'.join(never)}{never_zh}"
    return {"zh": zh + "。", "en": en + "."}


def _number(k: int) -> str:
    return _EN_NUMBERS[k] if 0 <= k < len(_EN_NUMBERS) else str(k)


def _join_en(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
