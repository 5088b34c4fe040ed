"""Each expert's own view: their weights alone, their ranking, and how far the experts agree.

For every expert of an AHP (or combined) weighting, the expert's matrices
alone give their family weights W_f, their weights within each family and
their global AHP weights g_i = W_f · w_i|f (:func:`~evalkit.methods.ahp.experts.ahp_weights`
on that one file, with the criteria set's priority method and RI table).
Under ``combined`` weighting the expert's own weights are combined with the
same objective weights by the same rule and α as the group's (α·g + (1 − α)·b,
or g ∘ b / Σ g ∘ b); under ``ahp`` they are used as they are.  Each expert's
towns are then ranked by TOPSIS with the evaluation's normalisation.

Across experts: Kendall's W of their rankings (tie-corrected,
:func:`~evalkit.methods.concordance.kendall_w`) and the GCCI of every
expert's every matrix against the group's priorities
(:mod:`~evalkit.methods.ahp.consensus`).  The choice each expert's weights
lead to needs a scenario and is made in :mod:`evalkit.decide.experts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evalkit.methods.ahp.consensus import MatrixConsensus, panel_consensus
from evalkit.methods.ahp.experts import AhpWeights, ahp_weights
from evalkit.methods.ahp.group import combine
from evalkit.methods.ahp.judgments import ExpertJudgments
from evalkit.methods.ahp.metadata import Expert
from evalkit.methods.concordance import Concordance, kendall_w
from evalkit.methods.matrix import DecisionMatrix
from evalkit.methods.ranking import Ranking, topsis
from evalkit.methods.weighting import Weights

__all__ = ["ExpertPanel", "ExpertView", "expert_panel"]


@dataclass(frozen=True, eq=False)
class ExpertView:
    """One expert's file, own weights and own ranking.

    ``families`` are the expert's family weights W_f, ``local`` the weights
    within each family, ``ahp_weights`` the global AHP weights from the
    expert's matrices alone, ``weights`` the weights the towns are ranked by
    (``ahp_weights`` combined with the objective weights under ``combined``).
    ``reasons`` maps matrix names (``families``, ``indicators.<family>``) to
    the expert's reason for it, where given; ``share`` is the expert's share
    of the aggregation, λ_k / Σ λ (only the ratios of the weights count).
    """

    expert: Expert
    file: str
    reasons: Mapping[str, str]
    families: Mapping[str, float]
    local: Mapping[str, Mapping[str, float]]
    ahp_weights: Mapping[str, float]
    weights: Weights
    ranking: Ranking
    warnings: tuple[str, ...] = ()
    share: float = 1.0
    reasons_en: Mapping[str, str] = field(default_factory=dict)
    """The reasons in English, where the file gives ``reason_en``."""

    @property
    def name(self) -> str:
        return self.expert.name

    def reasons_in(self, lang: str) -> dict[str, str]:
        """The reasons in ``lang``: English where given, else as written."""
        if lang != "en":
            return dict(self.reasons)
        return {m: self.reasons_en.get(m) or r for m, r in self.reasons.items()}

    def to_dict(self, ids: Sequence[str], names: Sequence[str]) -> dict[str, Any]:
        order = self.ranking.order.tolist()
        ranks, closeness = self.ranking.ranks.tolist(), self.ranking.closeness.tolist()
        person = self.expert.to_dict()
        del person["weight"]  # as written (1, or 1e308): only its share counts
        return {
            **person,
            "weight_share": self.share,
            "file": self.file,
            "reasons": dict(self.reasons),
            **({"reasons_en": dict(self.reasons_en)} if self.reasons_en else {}),
            "family_weights": dict(self.families),
            "local_weights": {f: dict(w) for f, w in self.local.items()},
            "ahp_weights": dict(self.ahp_weights),
            "weights": self.weights.as_dict(),
            "ranking": [{"id": ids[i], "name": names[i], "rank": ranks[i],
                         "closeness": closeness[i]} for i in order],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, eq=False)
class ExpertPanel:
    """Every expert's view of one evaluation, and their agreement.

    ``kendall`` is W of the experts' TOPSIS rankings; ``consensus`` the GCCI
    rows (every matrix of every expert); ``description`` says how each
    expert's weights were made.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    experts: tuple[ExpertView, ...]
    kendall: Concordance
    consensus: tuple[MatrixConsensus, ...]
    description: str

    def expert(self, name: str) -> ExpertView:
        for view in self.experts:
            if view.name == name:
                return view
        raise KeyError(name)

    def consensus_dict(self) -> dict[str, Any]:
        """``{kendall_w, kendall_w_uncorrected, …, gcci: [...], threshold: {...}}``."""
        return {
            **self.kendall.to_dict(),
            "gcci": [row.to_dict() for row in self.consensus],
            "threshold": {"rule": "GCCI ≤ 0.31 (n = 3), 0.35 (n = 4), 0.37 (n > 4); "
                                  "n = 2: undefined (Dong et al. 2010; thresholds of "
                                  "Aguarón & Moreno-Jiménez 2003)",
                          "by_n": {str(n): t for n, t in _thresholds(self.consensus).items()}},
            "all_acceptable": all(r.acceptable is not False for r in self.consensus),
        }


def _thresholds(rows: Sequence[MatrixConsensus]) -> dict[int, float]:
    return {r.n: r.threshold for r in sorted(rows, key=lambda r: r.n) if r.threshold is not None}


def expert_panel(matrix: DecisionMatrix, weights: Weights,
                 normalization: str = "vector") -> ExpertPanel | None:
    """Each expert's own weights and ranking under ``weights``' method (None without experts).

    ``weights`` must be AHP or combined weights as
    :func:`~evalkit.methods.weighting.compute_weights` returns them (they keep
    the judgments and the group's AHP result); for any other method there are
    no experts and the answer is None.
    """
    judgments: tuple[ExpertJudgments, ...] = tuple(weights.details.get("judgments", ()))
    group: AhpWeights | None = weights.details.get("ahp")
    if not judgments or group is None:
        return None
    combined = weights.method == "combined"
    objective = weights.details.get("objective") if combined else None
    alpha = float(weights.options.get("alpha", 0.5))
    rule = str(weights.options.get("combination", "linear"))
    views = []
    lam = np.array([j.expert.weight for j in judgments], dtype=float)
    lam = lam / lam.max()  # the ratios only: 1e308 + 1e308 must not overflow
    shares = (lam / lam.sum()).tolist()
    for judged, share in zip(judgments, shares, strict=True):
        own = ahp_weights([judged], method=group.method, ri_table=group.ri_table,
                          threshold=group.threshold, allow_inconsistent=True)
        ahp = {i: float(own.weights[i]) for i in matrix.indicator_ids}
        if objective is not None:
            mixed = combine(ahp, objective.as_dict(), method=rule, alpha=alpha)
            values = np.array([mixed[i] for i in matrix.indicator_ids])
        else:
            values = np.array([ahp[i] for i in matrix.indicator_ids])
        own_weights = Weights(weights.method, matrix.indicator_ids, values,
                              dict(weights.options), {"ahp": own},
                              description=f"{judged.expert.name}: {weights.method}")
        reasons = {m.name: m.reason for m in judged.matrices() if m.reason}
        reasons_en = {m.name: m.reason_en for m in judged.matrices() if m.reason_en}
        views.append(ExpertView(judged.expert, judged.file, reasons, dict(own.families),
                                {f: dict(w) for f, w in own.local.items()}, ahp, own_weights,
                                topsis(matrix, own_weights, normalization), own.warnings,
                                share, reasons_en))
    kendall = kendall_w(np.vstack([v.ranking.ranks for v in views]))
    completed = {v.name: {c.matrix: c.result.matrix for c in v.weights.details["ahp"].consistency
                          if c.expert == v.name} for v in views}
    aggregates = {name: result.matrix for name, result in group.aggregated.items()}
    if combined:
        text = (f"each expert's own AHP weights, combined with the objective weights "
                f"({objective.label if objective is not None else 'objective'}) by the group's "
                f"rule ({rule}" + (f", α = {alpha:g}" if rule == "linear" else "") + ")")
    else:
        text = "each expert's own AHP weights"
    return ExpertPanel(matrix.ids, matrix.names, tuple(views), kendall,
                       panel_consensus(completed, aggregates), text)


def finite(x: float) -> float | None:
    """``x``, or None for NaN and infinities (JSON has no NaN)."""
    return x if math.isfinite(x) else None
