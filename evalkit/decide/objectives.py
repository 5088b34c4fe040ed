"""The objectives a selection scenario may name (``objective:`` in the scenario file)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Objective:
    """One way to score a portfolio of towns.

    ``numerator(closeness, cost, params)`` gives each town's contribution; a
    *ratio* objective also has a ``denominator`` and is maximised exactly by
    Dinkelbach's method (a sequence of linear 0-1 problems), not linearised.
    """

    label: Mapping[str, str]
    formula: str
    numerator: Callable[[np.ndarray, np.ndarray, Mapping[str, float]], np.ndarray]
    denominator: Callable[[np.ndarray, np.ndarray, Mapping[str, float]], np.ndarray] | None = None
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None


OBJECTIVES: dict[str, Objective] = {
    "closeness": Objective(
        {"zh": "入选镇贴近度之和", "en": "Total closeness of the chosen towns"},
        "Σ C_i z_i",
        lambda closeness, cost, params: closeness,
    ),
    "closeness_per_cost": Objective(
        {"zh": "每亿元投入的贴近度", "en": "Closeness per 亿元 spent"},
        "Σ C_i z_i ÷ Σ cost_i z_i  (exact, by Dinkelbach's method)",
        lambda closeness, cost, params: closeness,
        lambda closeness, cost, params: cost,
    ),
    "closeness_minus_cost": Objective(
        {"zh": "贴近度减成本惩罚", "en": "Closeness minus λ × cost"},
        "Σ (C_i − λ cost_i) z_i",
        lambda closeness, cost, params: closeness - params["cost_weight"] * cost,
        params={"cost_weight": "λ, the closeness one 亿元 of cost is worth (≥ 0)"},
    ),
}
"""Registry of objectives a scenario may name; the first is the default."""

__all__ = ["OBJECTIVES", "Objective"]
