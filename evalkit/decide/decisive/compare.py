"""Two towns side by side: their order under each method, each set of weights, and along α.

Only the two towns' closeness is needed under each set of weights, and it
costs O(m) once the normalised matrix is known: with r the normalised values
(pymcdm's, a cost column reflected) and w ≥ 0, TOPSIS's ideal and anti-ideal
are w_j max_i r_ij and w_j min_i r_ij, so

    (D⁺_i)² = Σ_j w_j² (r_ij − max_k r_kj)²,   (D⁻_i)² = Σ_j w_j² (r_ij − min_k r_kj)²

(:class:`~evalkit.decide.robustness.kernel.TopsisBatch` on the pair's two
rows).  So scanning α costs a few thousand O(m) products, not a TOPSIS over
all towns per step, at any number of towns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from evalkit.decide.decisive.result import AlphaFlip, MethodOrder, WeightOrder
from evalkit.decide.robustness.kernel import TopsisBatch
from evalkit.errors import InputError
from evalkit.methods.panel import ExpertPanel, expert_panel
from evalkit.methods.ranking import TIE_TOLERANCE
from evalkit.methods.weighting import Weights, compute_weights
from evalkit.model.evaluation import Evaluation, weighting_spec

ALPHA_GRID = 1001
"""Points of the first scan of α ∈ [0, 1]; each sign change is then bisected."""

ALPHA_TOLERANCE = 1e-12
"""Bisection stops when the bracket around a flip is narrower than this."""

VARIANTS = ("ahp", "entropy", "critic")
"""The weight variants every pair is compared under, besides the evaluation's own weights."""


class PairTopsis:
    """Closeness of two towns (chosen, left out) under any weights, in O(m) per weight vector."""

    def __init__(self, evaluation: Evaluation, chosen: int, unchosen: int) -> None:
        matrix = evaluation.matrix
        full = TopsisBatch.from_matrix(matrix, evaluation.ranking.normalization)
        rows = [chosen, unchosen, full.n + chosen, full.n + unchosen]
        self.batch = TopsisBatch(2, full.m, full.gaps[rows])

    def closeness(self, weights: np.ndarray) -> np.ndarray:
        """(samples × 2) closeness of the pair; one row for one weight vector."""
        return self.batch.closeness(np.atleast_2d(weights))

    def margin(self, weights: np.ndarray) -> np.ndarray:
        """C_chosen − C_unchosen for each weight vector (row)."""
        c = self.closeness(weights)
        return c[:, 0] - c[:, 1]


def prefers(pair: tuple[str, str], a: float, b: float, higher_is_better: bool = True) -> str | None:
    """The town of ``pair`` with the better of scores ``a`` and ``b`` (None within the tie tolerance)."""
    if abs(a - b) <= TIE_TOLERANCE:
        return None
    return pair[0] if (a > b) == higher_is_better else pair[1]


def leader(evaluation: Evaluation, i: int, j: int) -> str | None:
    """The town of the pair the evaluation's own TOPSIS puts ahead (None: equal closeness)."""
    ids, c = evaluation.matrix.ids, evaluation.ranking.closeness
    return prefers((ids[i], ids[j]), float(c[i]), float(c[j]))


def _reverses(who: str | None, ahead: str | None) -> bool:
    return who is not None and ahead is not None and who != ahead


def method_orders(evaluation: Evaluation, i: int, j: int) -> tuple[MethodOrder, ...]:
    """TOPSIS (the evaluation's normalisation), then every cross-check, for towns i and j.

    A row *reverses* the pair when it puts ahead the other town than the
    evaluation's TOPSIS does.
    """
    ids = evaluation.matrix.ids
    pair = (ids[i], ids[j])
    ahead = leader(evaluation, i, j)
    r = evaluation.ranking
    rows = [MethodOrder(f"topsis_{r.normalization}", (float(r.closeness[i]), float(r.closeness[j])),
                        (int(r.ranks[i]), int(r.ranks[j])), True, ahead, False)]
    for name, a in evaluation.agreement.items():
        scores = (float(a.scores[i]), float(a.scores[j]))
        who = prefers(pair, *scores, a.higher_is_better)
        rows.append(MethodOrder(name, scores, (int(a.ranks[i]), int(a.ranks[j])),
                                a.higher_is_better, who, _reverses(who, ahead)))
    return tuple(rows)


def weight_variants(evaluation: Evaluation) -> tuple[list[tuple[str, Weights]], list[str]]:
    """The evaluation's weights and each of :data:`VARIANTS` (those that can be computed).

    A variant the inputs do not allow (AHP without judgment files, CRITIC
    with fewer than three towns) is left out with a note.
    """
    out = [("evaluation", evaluation.weights)]
    notes = []
    for name in VARIANTS:
        if evaluation.weights.method == name:
            continue
        if name == "ahp" and "ahp" in evaluation.weights.details:
            ahp = evaluation.weights.details["ahp"]
            values = np.array([ahp.weights[x] for x in evaluation.matrix.indicator_ids])
            out.append((name, Weights("ahp", evaluation.matrix.indicator_ids, values,
                                      details=evaluation.weights.details,
                                      description="ahp (the experts' aggregate)")))
            continue
        try:
            spec = weighting_spec(evaluation.criteria, weighting=name)
            out.append((name, compute_weights(evaluation.matrix, spec)))
        except InputError as exc:
            notes.append(f"{name} weights left out: {exc.what}")
    return out, notes


def experts_of(evaluation: Evaluation,
               variants: Sequence[tuple[str, Weights]]) -> ExpertPanel | None:
    """The experts' own views, from the evaluation's AHP side or else the AHP variant's."""
    for _, weights in variants:
        if "judgments" in weights.details and weights.method in ("ahp", "combined"):
            return expert_panel(evaluation.matrix, weights, evaluation.ranking.normalization)
    return None


def weight_orders(pair_topsis: PairTopsis, pair: tuple[str, str], ahead: str | None,
                  variants: Sequence[tuple[str, Weights]],
                  panel: ExpertPanel | None) -> tuple[WeightOrder, ...]:
    """The pair's closeness under each variant and each expert's own weights (a row
    reverses the pair when it puts ahead the other town than ``ahead``)."""
    rows: list[tuple[str, str, np.ndarray, str | None]] = [
        (name, w.label, w.values, None) for name, w in variants]
    for view in panel.experts if panel is not None else ():
        own_ahp = np.array([view.ahp_weights[x] for x in view.weights.indicator_ids])
        if view.weights.method == "combined":
            rows.append(("expert", f"{view.name}: own AHP combined as the group's",
                         view.weights.values, view.name))
        rows.append(("expert_ahp", f"{view.name}: own AHP weights alone", own_ahp, view.name))
    closeness = pair_topsis.closeness(np.vstack([r[2] for r in rows]))
    out = []
    for (variant, label, _, expert), (a, b) in zip(rows, closeness.tolist(), strict=True):
        who = prefers(pair, a, b)
        out.append(WeightOrder(variant, label, (a, b), who, _reverses(who, ahead), expert))
    return tuple(out)


def alpha_flips(pair_topsis: PairTopsis, evaluation: Evaluation) -> AlphaFlip:
    """Every α ∈ [0, 1] at which the pair's order flips under α·AHP + (1 − α)·objective.

    Closeness is not linear in α, so α is scanned on :data:`ALPHA_GRID`
    points and every sign change of C_chosen − C_unchosen is bisected to
    :data:`ALPHA_TOLERANCE`.  Only for linear ``combined`` weights.
    """
    w = evaluation.weights
    if w.method != "combined" or w.options.get("combination", "linear") != "linear":
        how = w.method if w.method != "combined" else "a multiplicative combination"
        return AlphaFlip(None, (), f"the weights are not a linear combination ({how}): no α")
    a = np.asarray(w.details["ahp_weights"], dtype=float)
    b = np.asarray(w.details["objective"].values, dtype=float)
    a, b = a / a.sum(), b / b.sum()
    current = float(w.options.get("alpha", 0.5))
    grid = np.linspace(0.0, 1.0, ALPHA_GRID)
    d = pair_topsis.margin(grid[:, None] * a + (1.0 - grid[:, None]) * b)
    flips: list[float] = []
    # consecutive grid points where the margin is not exactly 0, with opposite signs
    nonzero = np.flatnonzero(d != 0.0)
    for k, m in zip(nonzero[:-1].tolist(), nonzero[1:].tolist(), strict=True):
        if d[k] * d[m] < 0:
            flips.append(_bisect(pair_topsis, a, b, float(grid[k]), float(grid[m]), float(d[k])))
    return AlphaFlip(current, tuple(flips),
                     "" if flips else "the order is the same for every α in [0, 1]")


def _bisect(pair_topsis: PairTopsis, a: np.ndarray, b: np.ndarray, low: float, high: float,
            at_low: float) -> float:
    while high - low > ALPHA_TOLERANCE:
        mid = 0.5 * (low + high)
        value = float(pair_topsis.margin(mid * a + (1.0 - mid) * b)[0])
        if value == 0.0:
            return mid
        if (value > 0) == (at_low > 0):
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)
