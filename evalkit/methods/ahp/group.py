"""Several experts and a hierarchy: aggregation (AIJ, AIP), global weights, combinations."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from evalkit.errors import InputError
from evalkit.methods.ahp.scale import Matrix
from evalkit.methods.registry import COMBINATION_METHODS


def aggregate(
    matrices: Sequence[ArrayLike], expert_weights: Sequence[float] | None = None
) -> Matrix:
    """Aggregate individual judgments (AIJ): element-wise weighted geometric mean.

    a_ij = Π_k (a_ij^(k))^(λ_k / Σ_{k answered} λ_k), over the experts k who
    answered cell (i, j), so a missing judgment is skipped rather than
    counted as 1; a cell nobody answered stays NaN.  ``expert_weights`` λ_k ≥
    0 default to equal and are normalised; an expert with weight 0 does not
    count.  The result is reciprocal when every input is (validate them first
    with :func:`validate_matrix`).
    """
    if not matrices:
        raise InputError("no matrices to aggregate", "give at least one expert's judgments")
    stack = np.array([np.asarray(m, dtype=float) for m in matrices])
    if stack.ndim != 3 or stack.shape[1] != stack.shape[2]:
        raise InputError(
            "the matrices to aggregate are not all square and of one size",
            "compare the same items in every expert's matrix",
        )
    k = stack.shape[0]
    lam = np.ones(k) if expert_weights is None else np.asarray(expert_weights, dtype=float)
    if lam.shape != (k,) or not np.all(np.isfinite(lam)) or np.any(lam < 0) or not lam.any():
        raise InputError(
            f"expert weights {[float(x) for x in np.ravel(lam)]} do not fit {k} experts",
            "give one non-negative weight per expert, not all zero",
        )
    lam = lam / lam.max()  # only the ratios count: 1e308 + 1e308 must not overflow
    answered = ~np.isnan(stack) & (lam[:, None, None] > 0)
    weight = np.where(answered, lam[:, None, None], 0.0)
    total = weight.sum(axis=0)
    logs = np.where(answered, np.log(np.where(answered, stack, 1.0)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.exp((weight * logs).sum(axis=0) / total)
    result[total == 0] = np.nan
    np.fill_diagonal(result, 1.0)
    return result


def aggregate_priorities(
    priorities: Sequence[ArrayLike], expert_weights: Sequence[float] | None = None
) -> Matrix:
    """Aggregate individual priorities (AIP): weighted geometric mean, normalised.

    w_i ∝ Π_k (w_i^(k))^(λ_k / Σ λ), Forman & Peniwati (1998), "Aggregating
    individual judgments and priorities with the analytic hierarchy process",
    EJOR 108, 165–169 (the geometric mean keeps the Pareto principle for AIP as
    for AIJ).  ``expert_weights`` λ_k default to equal.
    """
    stack = np.array([np.asarray(p, dtype=float) for p in priorities])
    k = stack.shape[0]
    lam = np.ones(k) if expert_weights is None else np.asarray(expert_weights, dtype=float)
    if stack.ndim != 2 or lam.shape != (k,) or np.any(lam < 0) or not lam.any():
        raise InputError("the priority vectors or the expert weights do not fit together",
                         "give one priority vector per expert, all of one length")
    lam = lam / lam.sum()
    with np.errstate(divide="ignore"):
        w = np.exp((lam[:, None] * np.log(stack)).sum(axis=0))
    return w / w.sum()


def global_weights(
    family_weights: Mapping[str, float],
    local_weights: Mapping[str, Mapping[str, float]],
    subfamilies: Collection[str] = (),
) -> dict[str, float]:
    """Global indicator weights of a hierarchy.

    g_i = W_f · w_i|f for indicator i in family f, where W are the family
    weights and w_·|f the local weights within f (each set summing to 1).  In a
    deeper hierarchy the items named in ``subfamilies`` have local weights of
    their own in ``local_weights``, and the product runs down the tree:
    g_i = W_f · w_s|f · … · w_i|s.  A family with one item gives it local weight 1
    whatever is passed.
    """
    if set(local_weights) != set(family_weights) | set(subfamilies):
        raise InputError(
            "family weights and local weights cover different families: "
            f"{sorted((set(family_weights) | set(subfamilies)) ^ set(local_weights))}",
            "give local weights for exactly the weighted families",
        )
    result: dict[str, float] = {}
    reached: set[str] = set()

    def spread(family: str, big_w: float) -> None:
        if family in reached:
            raise InputError(f"family {family} is reached twice",
                             "give the families a tree: each has one parent")
        reached.add(family)
        local = local_weights[family]
        if len(local) == 1:
            local = dict.fromkeys(local, 1.0)
        if abs(sum(local.values()) - 1) > 1e-9:
            raise InputError(
                f"the local weights of family {family} sum to {sum(local.values()):.6g}",
                "normalise them to sum to 1",
            )
        for item, w in local.items():
            if item in subfamilies:
                spread(item, big_w * w)
            elif item in result:
                raise InputError(
                    f"indicator {item} appears in more than one family",
                    "give each indicator one family",
                )
            else:
                result[item] = big_w * w

    for family, big_w in family_weights.items():
        spread(family, big_w)
    return result


def linear(a: Matrix, b: Matrix, alpha: float) -> Matrix:
    return alpha * a + (1 - alpha) * b


def multiplicative(a: Matrix, b: Matrix, alpha: float) -> Matrix:
    return a * b


def game_theory(a: Matrix, b: Matrix, alpha: float) -> Matrix:
    """Game-theory combination: w = α₁* a + α₂* b with the α that minimise ‖α₁a + α₂b − a‖
    + ‖α₁a + α₂b − b‖ in the least-squares sense.

    The first-order conditions are the 2 × 2 system
    [[a·a, a·b], [b·a, b·b]] (α₁, α₂)ᵀ = (a·a, b·b)ᵀ; the solution is made
    non-negative and normalised, α* = |α| / Σ|α| (the customary form in the Chinese
    combination-weighting literature, e.g. 王文 et al.).  ``alpha`` is ignored.  When
    a = b the system is singular and the weights are a (= b).
    """
    gram = np.array([[a @ a, a @ b], [b @ a, b @ b]])
    if abs(np.linalg.det(gram)) <= 1e-15 * gram.max() ** 2:
        return a.copy()
    coef = np.abs(np.linalg.solve(gram, np.array([a @ a, b @ b])))
    coef = coef / coef.sum()
    return coef[0] * a + coef[1] * b


def min_discrimination(a: Matrix, b: Matrix, alpha: float) -> Matrix:
    """Minimum discrimination information: w_j = √(a_j b_j) / Σ_k √(a_k b_k).

    The w that minimises Σ_j w_j ln(w_j/a_j) + Σ_j w_j ln(w_j/b_j) subject to
    Σ w_j = 1 (Lagrange: 2 ln w_j = ln a_j + ln b_j + const).  ``alpha`` is ignored.
    """
    return np.sqrt(a * b)


def combine(
    ahp_weights: Mapping[str, float],
    objective_weights: Mapping[str, float],
    method: str = "linear",
    alpha: float = 0.5,
) -> dict[str, float]:
    """Combine AHP weights a with objective (e.g. entropy) weights b.

    ``linear``: w_j = α a_j + (1 − α) b_j; ``multiplicative``:
    w_j = a_j b_j / Σ_k a_k b_k; ``game_theory`` (:func:`game_theory`) and
    ``min_discrimination``, w_j ∝ √(a_j b_j) (α is ignored by the last three).  Both inputs are keyed by
    indicator id, must cover the same ids, and are normalised to sum to 1
    first.  The result sums to 1.
    """
    if method not in COMBINATION_METHODS:
        raise InputError(
            f"unknown combination method {method!r}",
            f"use one of {', '.join(COMBINATION_METHODS)}",
        )
    if not 0 <= alpha <= 1:
        raise InputError(f"alpha = {alpha} is outside [0, 1]", "give the AHP share α in [0, 1]")
    if set(ahp_weights) != set(objective_weights):
        raise InputError(
            "AHP and objective weights cover different indicators: "
            f"{sorted(set(ahp_weights) ^ set(objective_weights))}",
            "weight the same indicators both ways",
        )
    ids = list(ahp_weights)
    vectors = []
    for name, weights in (("AHP", ahp_weights), ("objective", objective_weights)):
        v = np.array([weights[i] for i in ids], dtype=float)
        if not np.all(np.isfinite(v)) or np.any(v < 0) or v.sum() <= 0:
            raise InputError(
                f"the {name} weights are not non-negative numbers with a positive sum",
                "check how they were computed",
            )
        vectors.append(v / v.sum())
    combined = COMBINATION_METHODS[method](vectors[0], vectors[1], alpha)
    if combined.sum() <= 0:
        raise InputError(
            "every indicator has weight 0 under one of the two methods, so their "
            "product is 0 everywhere",
            "use the linear combination instead",
        )
    combined = combined / combined.sum()
    return {i: float(x) for i, x in zip(ids, combined, strict=True)}
