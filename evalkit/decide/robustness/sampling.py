"""Weight models: ways to draw plausible weight vectors around the elicited ones.

The registry is :data:`~evalkit.decide.registry.WEIGHT_MODELS`: a Dirichlet
around the elicited weights w⁰, the uniform distribution on the simplex, or
the experts' AHP judgments each moved by up to one Saaty step."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from evalkit.decide.registry import WEIGHT_MODELS
from evalkit.errors import InputError
from evalkit.methods.ahp.judgments import ExpertJudgments
from evalkit.methods.ahp.scale import SAATY_SCALE
from evalkit.methods.registry import COMBINATION_METHODS, PRIORITY_METHODS
from evalkit.model.evaluation import Evaluation

DEFAULT_CONCENTRATION = 100.0
"""c in w ~ Dir(c·w⁰): each w_j has mean w⁰_j and variance w⁰_j (1 − w⁰_j)/(c + 1)."""


@dataclass(frozen=True)
class JudgmentModel:
    """What the ``judgments`` weight model perturbs and how weights are rebuilt.

    ``experts`` are the loaded judgment files (:mod:`evalkit.methods.ahp.judgments`);
    ``indicator_ids`` orders the result.  With ``objective`` (weights of the
    same indicators, e.g. entropy) the AHP weights are recombined with them by
    :func:`evalkit.methods.ahp.combine` (``combination``, ``alpha``) for every sample.
    """

    experts: tuple[ExpertJudgments, ...]
    indicator_ids: tuple[str, ...]
    method: str = "eigenvector"
    objective: tuple[float, ...] | None = None
    combination: str = "linear"
    alpha: float = 0.5


@dataclass(frozen=True)
class WeightContext:
    """Everything a weight model may use: w⁰ and the model's parameters."""

    base: np.ndarray
    concentration: float = DEFAULT_CONCENTRATION
    judgments: JudgmentModel | None = None


@dataclass(frozen=True)
class WeightModel:
    """A way to draw plausible weight vectors: ``draw(context, rng, samples)`` → S × m."""

    label: Mapping[str, str]
    draw: Callable[[WeightContext, np.random.Generator, int], np.ndarray]
    describe: Callable[[WeightContext], dict[str, Any]]


def _support(base: np.ndarray) -> np.ndarray:
    support = np.asarray(base) > 0
    if not support.any():
        raise InputError("every weight is zero", "give some indicator a positive weight")
    return support


def _dirichlet(context: WeightContext, rng: np.random.Generator, samples: int) -> np.ndarray:
    c = context.concentration
    if not (math.isfinite(c) and c > 0):
        raise InputError(f"Dirichlet concentration must be a positive number, got {c!r}",
                         "use e.g. --concentration 100 (larger = closer to the elicited weights)")
    base = np.asarray(context.base, dtype=float)
    support = _support(base)
    out = np.zeros((samples, len(base)))
    out[:, support] = rng.dirichlet(c * base[support] / base[support].sum(), size=samples)
    return out


def _uniform(context: WeightContext, rng: np.random.Generator, samples: int) -> np.ndarray:
    support = _support(context.base)
    out = np.zeros((samples, len(support)))
    out[:, support] = rng.dirichlet(np.ones(int(support.sum())), size=samples)
    return out


def _judgments(context: WeightContext, rng: np.random.Generator, samples: int) -> np.ndarray:
    if context.judgments is None:
        raise InputError(
            "the judgments weight model needs AHP judgments, and this criteria set has none",
            "use a criteria set weighted by AHP (weighting: ahp or combined with judgment "
            "files), or choose --weight-model dirichlet or uniform")
    return _perturbed_ahp(context.judgments, rng, samples, _support(context.base))


DIRICHLET = WeightModel(
    {"zh": "以给定权重为中心的狄利克雷分布", "en": "Dirichlet around the elicited weights"},
    _dirichlet,
    lambda ctx: {"distribution": "Dir(c·w0)", "concentration": float(ctx.concentration)},
)
"""w ~ Dir(c·w⁰): around the elicited weights, closer for larger c."""

JUDGMENTS = WeightModel(
    {"zh": "AHP 判断各扰动至多一个标度", "en": "AHP judgments perturbed by up to one Saaty step"},
    _judgments,
    lambda ctx: {"distribution": "each judgment moved by -1, 0 or +1 Saaty step "
                                 "(equally likely), weights recomputed",
                 **({} if ctx.judgments is None else {
                     "experts": len(ctx.judgments.experts),
                     "priority": ctx.judgments.method,
                     "combined_with_objective": ctx.judgments.objective is not None})},
)
"""Every expert's AHP judgments moved by −1, 0 or +1 Saaty step, weights recomputed."""

UNIFORM = WeightModel(
    {"zh": "单纯形上均匀分布（无偏好信息）", "en": "Uniform on the simplex (no preference information)"},
    _uniform,
    lambda ctx: {"distribution": "Dir(1,…,1)"},
)
"""Anywhere on the simplex: no preference information at all.

In every model, indicators whose elicited weight is 0 (e.g. constant columns)
keep weight 0."""


def sample_weights(model: str, context: WeightContext, rng: np.random.Generator,
                   samples: int) -> np.ndarray:
    """S × m weight vectors from the named model, each summing to 1."""
    if model not in WEIGHT_MODELS:
        raise InputError(f"unknown weight model {model!r}", f"use one of {', '.join(WEIGHT_MODELS)}")
    return WEIGHT_MODELS[model].draw(context, rng, samples)


def _saaty_step(values: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Move each judgment ``steps`` (−1, 0, +1) places along Saaty's scale
    1/9, 1/8, …, 1/2, 1, 2, …, 9, staying at the ends.  A judgment between two
    scale values (an aggregate) moves to its neighbour on the scale."""
    scale = np.array(SAATY_SCALE)
    logs = np.log(scale)
    x = np.log(values)
    tol = 1e-6
    # position of the value: index of an equal scale value, else between two
    below = np.searchsorted(logs, x - tol, side="left")  # first scale value ≥ x (within tol)
    on_scale = (below < len(scale)) & (np.abs(logs[np.minimum(below, len(scale) - 1)] - x) <= tol)
    up = np.where(on_scale, below + 1, below)
    down = below - 1
    target = np.where(steps > 0, up, np.where(steps < 0, down, -1))
    target = np.clip(target, 0, len(scale) - 1)
    return np.where(steps == 0, values, scale[target])


def _perturbed_ahp(model: JudgmentModel, rng: np.random.Generator, samples: int,
                   support: np.ndarray) -> np.ndarray:
    """Weights from every expert's judgments, each moved by a step drawn
    uniformly from {−1, 0, +1}, for all samples at once.

    Per comparison matrix, as :func:`evalkit.methods.ahp.experts.ahp_weights` does for
    one set of judgments: AIJ aggregation a_ij = Π_x a_ij⁽ˣ⁾^(λ_x/Σλ) over the
    experts who answered (:func:`evalkit.methods.ahp.aggregate`), completion of the
    missing cells by logarithmic least squares (:func:`evalkit.methods.ahp.complete`;
    the pattern of missing cells is the same in every sample, so the
    Laplacian is factorised once), priorities (:data:`evalkit.methods.ahp.PRIORITY_METHODS`,
    eigenvectors of the whole stack at once), global weights W_f · w_i|f and,
    with objective weights, :func:`evalkit.methods.ahp.combine`.  The perturbed
    matrices are not re-checked for consistency.
    """
    experts = model.experts
    if not experts:
        raise InputError("no experts' judgments to perturb", "give at least one judgment file")
    lam = np.array([e.expert.weight for e in experts], dtype=float)
    lam = lam / lam.max()  # only the ratios count (as in evalkit.methods.ahp.aggregate)
    templates = list(experts[0].matrices())
    stacks = []
    for k, template in enumerate(templates):
        matrices = [list(e.matrices())[k].array for e in experts]
        given = [np.nonzero(np.triu(~np.isnan(a), 1)) for a in matrices]
        stacks.append((template, matrices, given))
    # the draw order: samples × (expert, matrix, judgment in row-major upper triangle)
    order = [(x, k) for x in range(len(experts)) for k in range(len(templates))]
    sizes = [len(stacks[k][2][x][0]) for x, k in order]
    steps = rng.integers(-1, 2, size=(samples, sum(sizes)))
    offsets = dict(zip(order, np.cumsum([0, *sizes[:-1]]), strict=True))
    local: dict[str, np.ndarray] = {}
    families = np.empty(0)
    for k, (template, matrices, given) in enumerate(stacks):
        n = len(template.items)
        stack = np.empty((samples, len(experts), n, n))
        for x, (a, (i, j)) in enumerate(zip(matrices, given, strict=True)):
            stack[:, x] = a
            start = offsets[(x, k)]
            moved = _saaty_step(a[i, j][None, :], steps[:, start:start + len(i)])
            stack[:, x, i, j], stack[:, x, j, i] = moved, 1.0 / moved
        priorities = _batched_priorities(_batched_aggregate(stack, lam), model.method)
        if template.name == "families":
            families = priorities
        else:
            local[template.name.removeprefix("indicators.")] = priorities
    first = experts[0]
    index = {ident: j for j, ident in enumerate(model.indicator_ids)}
    out = np.zeros((samples, len(model.indicator_ids)))
    weight_of = {family: families[:, f] for f, family in enumerate(first.family_ids)}
    for family, ids in first.indicator_ids.items():  # parents before their sub-families
        w_local = local.get(family, np.ones((samples, 1)))
        for position, ident in enumerate(ids):
            w = weight_of[family] * (w_local[:, position] if len(ids) > 1 else 1.0)
            if ident in first.subfamilies:
                weight_of[ident] = w
            else:
                out[:, index[ident]] = w
    if model.objective is not None:
        a = out / out.sum(axis=1, keepdims=True)
        b = np.asarray(model.objective, dtype=float)
        out = COMBINATION_METHODS[model.combination](a, (b / b.sum())[None, :], model.alpha)
    out[:, ~support] = 0.0
    return out / out.sum(axis=1, keepdims=True)


def _batched_aggregate(stack: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """:func:`evalkit.methods.ahp.aggregate` (AIJ) for samples × experts × n × n, then
    :func:`evalkit.methods.ahp.complete` (LLSM) of the cells nobody answered."""
    answered = ~np.isnan(stack) & (lam[None, :, None, None] > 0)
    weight = np.where(answered, lam[None, :, None, None], 0.0)
    total = weight.sum(axis=1)
    logs = np.where(answered, np.log(np.where(answered, stack, 1.0)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.exp((weight * logs).sum(axis=1) / total)
    result[:, total[0] == 0] = np.nan
    n = stack.shape[-1]
    result[:, np.arange(n), np.arange(n)] = 1.0
    known = ~np.isnan(result[0])
    np.fill_diagonal(known, False)
    if known.sum() == n * (n - 1):
        return result
    laplacian = np.diag(known.sum(axis=1).astype(float)) - known.astype(float)
    r = np.where(known, np.log(np.where(known, result, 1.0)), 0.0).sum(axis=2)
    y = np.linalg.solve(laplacian + np.ones((n, n)), r.T).T
    missing = ~known
    np.fill_diagonal(missing, False)
    filled = np.exp(y[:, :, None] - y[:, None, :])
    return np.where(missing[None], filled, result)


def _batched_priorities(matrices: np.ndarray, method: str) -> np.ndarray:
    """Priority vectors of a stack of complete reciprocal matrices
    (:data:`evalkit.methods.ahp.PRIORITY_METHODS`; eigenvector and geometric mean at once)."""
    if method == "eigenvector":
        values, vectors = np.linalg.eig(matrices)
        k = np.argmax(values.real, axis=1)
        v = np.abs(np.take_along_axis(vectors, k[:, None, None], axis=2)[:, :, 0].real)
        return v / v.sum(axis=1, keepdims=True)
    if method == "geometric_mean":
        w = np.exp(np.log(matrices).mean(axis=2))
        return w / w.sum(axis=1, keepdims=True)
    if method not in PRIORITY_METHODS:
        raise InputError(f"unknown priority method {method!r}",
                         f"use one of {', '.join(PRIORITY_METHODS)}")
    return np.array([PRIORITY_METHODS[method](m) for m in matrices])


def judgment_model(evaluation: Evaluation) -> JudgmentModel | None:
    """The AHP judgments behind an evaluation's weights; None unless it was
    weighted by ``ahp`` or ``combined``.

    The judgments are the experts' files the weights were computed from
    (kept in ``evaluation.weights.details["judgments"]``).  For ``combined``
    weights the objective side is the evaluation's own.
    """
    spec = evaluation.criteria.weighting
    weights = evaluation.weights
    if weights.method not in ("ahp", "combined"):
        return None
    matrix = evaluation.matrix
    experts = tuple(weights.details["judgments"])
    objective = None
    if weights.method == "combined":
        objective = tuple(float(x) for x in weights.details["objective"].values)
    return JudgmentModel(
        experts=experts,
        indicator_ids=matrix.indicator_ids,
        method=str(spec.options.get("priority", "eigenvector")),
        objective=objective,
        combination=str(spec.options.get("combination", "linear")),
        alpha=float(spec.options.get("alpha", 0.5)),
    )
