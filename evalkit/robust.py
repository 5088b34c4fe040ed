"""Robustness of the ranking and of the selection (SMAA; brief §5).

Weight vectors w⁽ˢ⁾ (s = 1..S) are drawn from a *weight model* (a registry,
:data:`WEIGHT_MODELS`): a Dirichlet around the elicited weights w⁰, the
uniform distribution on the simplex, or AHP judgments perturbed by up to one
Saaty step.  For every sample the towns are ranked by TOPSIS, and

* the rank-acceptability index b_i^r = #{s : rank_i(w⁽ˢ⁾) = r} / S
  (Lahdelma, Hokkanen & Salminen 1998, SMAA);
* the top-k acceptability a_i^k = Σ_{r ≤ k} b_i^r;
* the central weight vector w_i^c = mean of the w⁽ˢ⁾ that rank town i first;
* the pairwise winning index p_ik = #{s : C_i(w⁽ˢ⁾) > C_k(w⁽ˢ⁾)} / S;
* one-at-a-time stability intervals: for each indicator j, the range
  [low, high] of w_j (the other weights rescaled proportionally,
  w_l = w⁰_l (1 − w_j)/(1 − w⁰_j)) over which the top-k set does not change;
* with a selection scenario, the core index: the share of scenarios
  (weight sample + costs scaled by U(1 − s, 1 + s) per town and category) in
  which the optimiser picks each town, and the most frequent portfolios
  (Liesiö, Mild & Salo 2007, Robust Portfolio Modeling).

Vectorised TOPSIS.  With the normalised matrix R fixed (pymcdm's, so a cost
column is reflected to 1 − r), v_ij = w_j r_ij and w ≥ 0, the ideal and the
anti-ideal are v⁺_j = w_j max_i r_ij and v⁻_j = w_j min_i r_ij, so

    (D⁺_i)² = Σ_j w_j² (r_ij − r⁺_j)²,     (D⁻_i)² = Σ_j w_j² (r_ij − r⁻_j)²,

i.e. one matrix product [D⁺² | D⁻²] = (W ∘ W) · [(R − R⁺)² | (R − R⁻)²]ᵀ per
chunk of samples, and C_i = D⁻_i / (D⁺_i + D⁻_i) (½ when both are 0, as in
:func:`evalkit.rank.topsis`).  Ranks are competition ranks with the tie
tolerance of :func:`evalkit.rank.competition_ranks`.  For many towns only the
ranks ≤ k are needed (top-k acceptability, central weights): C is decreasing
in q = (D⁺)²/(D⁻)², and the (k+1)-th smallest q of any subset of towns bounds
the (k+1)-th smallest q of all.  With the towns best at the mean weights as
the subset the bound is tight; one single-precision product finds the few
towns near or above it, and only those are ranked, exactly, in double
precision (samples where ties may reach past them are ranked in full).

Everything is drawn from one ``numpy.random.Generator(PCG64(seed))`` in a
fixed order (weights, then costs), so a seed gives the same result.  This
module does no I/O; progress is reported through an optional callback.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from evalkit.errors import InputError
from evalkit.matrix import DecisionMatrix
from evalkit.rank import NORMALIZATIONS, TIE_TOLERANCE

if TYPE_CHECKING:
    from evalkit.evaluate import Evaluation
    from evalkit.judgments import ExpertJudgments
    from evalkit.scenario import Scenario
    from evalkit.select import SelectionInput

__all__ = [
    "DEFAULT_CONCENTRATION",
    "DEFAULT_COST_SPREAD",
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_TOP_K",
    "WEIGHT_MODELS",
    "Acceptability",
    "JudgmentModel",
    "PortfolioShare",
    "Robustness",
    "SelectionRobustness",
    "Stability",
    "TopsisBatch",
    "WeightContext",
    "WeightModel",
    "choose_portfolios",
    "judgment_model",
    "percent",
    "rank_acceptability",
    "robustness",
    "sample_weights",
    "stability_intervals",
    "statement",
    "top_sets_equal",
    "weights_along",
]

DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 0
DEFAULT_CONCENTRATION = 100.0
"""c in w ~ Dir(c·w⁰): each w_j has mean w⁰_j and variance w⁰_j (1 − w⁰_j)/(c + 1)."""
DEFAULT_TOP_K = 3
"""The work plan converts three towns (brief §2)."""
DEFAULT_COST_SPREAD = 0.2
MEMORY_LIMIT = 512 * 2**20
"""Bytes the per-chunk work arrays may take (samples are processed in chunks)."""
FULL_TABLE_MAX_TOWNS = 200
"""Up to this many towns: the full n × n rank-acceptability and winning tables."""
ENUMERATION_MAX_TOWNS = 20
"""Up to this many towns, portfolios are enumerated once and scored vectorised."""
STABILITY_GRID = 100
"""Grid steps on [0, 1] scanned for changes of the top-k set before bisection."""
BISECTION_STEPS = 40
"""Halvings of a grid step (0.01 · 2⁻⁴⁰ ≈ 1e-14)."""
_PREFILTER_SUBSET = 1024  # towns whose q bounds the others'
_PREFILTER_SLACK = 1e-5  # closeness margin, ≫ the single-precision error (≈1e-6)
_PREFILTER_CHUNK_BYTES = 32 * 2**20  # work arrays per chunk, sized for the processor's cache


# --------------------------------------------------------------------------
# Weight models
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgmentModel:
    """What the ``judgments`` weight model perturbs and how weights are rebuilt.

    ``experts`` are the loaded judgment files (:mod:`evalkit.judgments`);
    ``indicator_ids`` orders the result.  With ``objective`` (weights of the
    same indicators, e.g. entropy) the AHP weights are recombined with them by
    :func:`evalkit.ahp.combine` (``combination``, ``alpha``) for every sample.
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


WEIGHT_MODELS: dict[str, WeightModel] = {
    "dirichlet": WeightModel(
        {"zh": "以给定权重为中心的狄利克雷分布", "en": "Dirichlet around the elicited weights"},
        _dirichlet,
        lambda ctx: {"distribution": "Dir(c·w0)", "concentration": float(ctx.concentration)},
    ),
    "judgments": WeightModel(
        {"zh": "AHP 判断各扰动至多一个标度", "en": "AHP judgments perturbed by up to one Saaty step"},
        _judgments,
        lambda ctx: {"distribution": "each judgment moved by -1, 0 or +1 Saaty step "
                                     "(equally likely), weights recomputed",
                     **({} if ctx.judgments is None else {
                         "experts": len(ctx.judgments.experts),
                         "priority": ctx.judgments.method,
                         "combined_with_objective": ctx.judgments.objective is not None})},
    ),
    "uniform": WeightModel(
        {"zh": "单纯形上均匀分布（无偏好信息）", "en": "Uniform on the simplex (no preference information)"},
        _uniform,
        lambda ctx: {"distribution": "Dir(1,…,1)"},
    ),
}
"""Weight models by name; the first is the default.  Indicators whose elicited
weight is 0 (e.g. constant columns) keep weight 0 in every model."""


def sample_weights(model: str, context: WeightContext, rng: np.random.Generator,
                   samples: int) -> np.ndarray:
    """S × m weight vectors from the named model, each summing to 1."""
    if model not in WEIGHT_MODELS:
        raise InputError(f"unknown weight model {model!r}", f"use one of {', '.join(WEIGHT_MODELS)}")
    return WEIGHT_MODELS[model].draw(context, rng, samples)


# --- AHP judgments perturbed by one Saaty step ------------------------------


def _saaty_step(values: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Move each judgment ``steps`` (−1, 0, +1) places along Saaty's scale
    1/9, 1/8, …, 1/2, 1, 2, …, 9, staying at the ends.  A judgment between two
    scale values (an aggregate) moves to its neighbour on the scale."""
    from evalkit.ahp import SAATY_SCALE

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

    Per comparison matrix, as :func:`evalkit.judgments.ahp_weights` does for
    one set of judgments: AIJ aggregation a_ij = Π_x a_ij⁽ˣ⁾^(λ_x/Σλ) over the
    experts who answered (:func:`evalkit.ahp.aggregate`), completion of the
    missing cells by logarithmic least squares (:func:`evalkit.ahp.complete`;
    the pattern of missing cells is the same in every sample, so the
    Laplacian is factorised once), priorities (:data:`evalkit.ahp.PRIORITY_METHODS`,
    eigenvectors of the whole stack at once), global weights W_f · w_i|f and,
    with objective weights, :func:`evalkit.ahp.combine`.  The perturbed
    matrices are not re-checked for consistency.
    """
    experts = model.experts
    if not experts:
        raise InputError("no experts' judgments to perturb", "give at least one judgment file")
    lam = np.array([e.expert.weight for e in experts], dtype=float)
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
    for f, family in enumerate(first.family_ids):
        ids = first.indicator_ids[family]
        w_local = local.get(family, np.ones((samples, 1)))
        for position, ident in enumerate(ids):
            out[:, index[ident]] = families[:, f] * (w_local[:, position] if len(ids) > 1 else 1.0)
    if model.objective is not None:
        from evalkit.ahp import COMBINATION_METHODS

        a = out / out.sum(axis=1, keepdims=True)
        b = np.asarray(model.objective, dtype=float)
        out = COMBINATION_METHODS[model.combination](a, (b / b.sum())[None, :], model.alpha)
    out[:, ~support] = 0.0
    return out / out.sum(axis=1, keepdims=True)


def _batched_aggregate(stack: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """:func:`evalkit.ahp.aggregate` (AIJ) for samples × experts × n × n, then
    :func:`evalkit.ahp.complete` (LLSM) of the cells nobody answered."""
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
    (:data:`evalkit.ahp.PRIORITY_METHODS`; eigenvector and geometric mean at once)."""
    from evalkit.ahp import PRIORITY_METHODS

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


# --------------------------------------------------------------------------
# Vectorised TOPSIS
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TopsisBatch:
    """TOPSIS for many weight vectors at once, on a fixed normalised matrix.

    ``gaps`` is the 2n × m matrix [(R − R⁺)²; (R − R⁻)²]; its product with
    W ∘ W gives [(D⁺)² | (D⁻)²] for a chunk of samples.
    """

    n: int
    m: int
    gaps: np.ndarray
    memory_limit: int = MEMORY_LIMIT
    _t64: np.ndarray = field(init=False, repr=False)
    _stacked32: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = self.n
        object.__setattr__(self, "_t64", np.ascontiguousarray(self.gaps.T))
        # [(R − R⁺)²ᵀ; (R − R⁻)²ᵀ] stacked along the inner dimension, for the prefilter
        stacked = np.concatenate([self.gaps[:n].T, self.gaps[n:].T], axis=0)
        object.__setattr__(self, "_stacked32", np.ascontiguousarray(stacked, dtype=np.float32))

    @classmethod
    def from_arrays(cls, values: np.ndarray, signs: np.ndarray, normalization: str = "vector",
                    memory_limit: int = MEMORY_LIMIT) -> TopsisBatch:
        """Normalise column by column exactly as pymcdm's TOPSIS does (r = 1 − x/‖x‖
        for a cost column under vector normalisation, (max − x)/(max − min) under min–max)."""
        if normalization not in NORMALIZATIONS:
            raise InputError(f"unknown normalization {normalization!r}",
                             f"use one of {', '.join(NORMALIZATIONS)}")
        x = np.asarray(values, dtype=float)
        norm = NORMALIZATIONS[normalization]
        r = np.column_stack([norm(x[:, j], bool(signs[j] < 0)) for j in range(x.shape[1])])
        gaps = np.concatenate([(r - r.max(axis=0)) ** 2, (r - r.min(axis=0)) ** 2], axis=0)
        return cls(x.shape[0], x.shape[1], gaps, memory_limit)

    @classmethod
    def from_matrix(cls, matrix: DecisionMatrix, normalization: str = "vector",
                    memory_limit: int = MEMORY_LIMIT) -> TopsisBatch:
        return cls.from_arrays(matrix.values, matrix.signs, normalization, memory_limit)

    def _chunk(self, bytes_per_town: int) -> int:
        return max(1, min(4096, self.memory_limit // (bytes_per_town * self.n + 1024)))

    def squared_distances(self, weights: np.ndarray) -> np.ndarray:
        """[(D⁺)² | (D⁻)²], samples × 2n, by one matrix product."""
        w = np.asarray(weights, dtype=float)
        return np.matmul(w * w, self._t64)

    def closeness(self, weights: np.ndarray) -> np.ndarray:
        """C = D⁻ / (D⁺ + D⁻) for each sample (rows) and town (columns)."""
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        out = np.empty((w.shape[0], self.n))
        step = self._chunk(8 * 5)
        for start in range(0, w.shape[0], step):
            p = self.squared_distances(w[start:start + step])
            out[start:start + step] = _closeness(p[:, :self.n], p[:, self.n:])
        return out

    def top_ranks(self, weights: np.ndarray, depth: int,
                  progress: Callable[[int], None] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sample, town, rank) for every town whose competition rank is ≤ ``depth``.

        Ranks equal :func:`evalkit.rank.competition_ranks` of each sample's
        closeness.  Samples are processed in chunks that keep the work arrays
        under ``memory_limit``; ``progress(done)`` is called after each chunk.
        """
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        prefilter = self.n > 2 * _PREFILTER_SUBSET and depth < _PREFILTER_SUBSET // 4
        # the prefilter's work arrays are sized to stay in the processor's cache
        step = (max(1, min(4096, _PREFILTER_CHUNK_BYTES // (5 * self.n))) if prefilter
                else self._chunk(8 * 8))
        buffers = _Buffers(min(step, w.shape[0]), self.n) if prefilter else None
        if prefilter:
            # Any subset of towns gives a valid bound; the best towns at the mean weights
            # give a tight one, so few towns pass the filter.
            mean = self.closeness(w.mean(axis=0))[0]
            pool = np.sort(np.argpartition(-mean, _PREFILTER_SUBSET)[:_PREFILTER_SUBSET])
            subset = np.ascontiguousarray(self._t64[:, np.concatenate([pool, self.n + pool])],
                                          dtype=np.float32)
        rows, towns, ranks = [], [], []
        for start in range(0, w.shape[0], step):
            chunk = w[start:start + step]
            if buffers is None:
                p = self.squared_distances(chunk)
                r, t, k = _row_ranks(_closeness(p[:, :self.n], p[:, self.n:]), depth)
            else:
                r, t, k = self._prefiltered_ranks(chunk, depth, buffers, subset)
            rows.append(r + start)
            towns.append(t)
            ranks.append(k)
            if progress is not None:
                progress(min(start + step, w.shape[0]))
        return np.concatenate(rows), np.concatenate(towns), np.concatenate(ranks)

    def _prefiltered_ranks(self, w: np.ndarray, depth: int, buffers: _Buffers,
                           subset: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rank only the towns that can be among the best ``depth``.

        C = 1/(1 + √q) with q = (D⁺)²/(D⁻)².  The (depth+1)-th smallest q of a
        subset of towns (``subset``: their gap columns) gives a closeness C_b
        that at least depth + 1 towns reach.  Every town with C ≥ C_b − 10⁻⁵, i.e. with
        z = (D⁺)² − q_h (D⁻)² ≤ 0 where √q_h = (1 − C_b + 10⁻⁵)/(C_b − 10⁻⁵), is a
        candidate; z for all towns is one single-precision product
        [w², −q_h w²] · [(R − R⁺)²; (R − R⁻)²]ᵀ (error in C well under 10⁻⁵).
        The candidates are then ranked exactly, in double precision.
        """
        n, s = self.n, w.shape[0]
        w2 = w * w
        w2_32 = w2.astype(np.float32)
        p_sub = (w2_32 @ subset).astype(float)
        half = subset.shape[1] // 2
        with np.errstate(divide="ignore", invalid="ignore"):
            q_sub = p_sub[:, :half] / p_sub[:, half:]
            q_bound = np.partition(q_sub, depth, axis=1)[:, depth]
            c_low = 1.0 / (1.0 + np.sqrt(q_bound)) - _PREFILTER_SLACK
            usable = c_low > 0
            q_high = np.where(usable, ((1.0 - c_low) / np.where(usable, c_low, 1.0)) ** 2, 0.0)
        a = np.concatenate([w2, -q_high[:, None] * w2], axis=1).astype(np.float32)
        z = np.matmul(a, self._stacked32, out=buffers.product[:s])
        mask = np.less_equal(z, 0.0, out=buffers.mask[:s])
        flat = np.flatnonzero(mask)
        rows, towns = flat // n, flat % n
        # Ranked again from the whole row: samples without a usable bound, samples with so
        # many candidates that the bound is loose (many near-equal towns), and samples whose
        # last candidate is still within the best ``depth`` (a tie chain may go on).
        crowded = np.bincount(rows, minlength=s) > max(64, 8 * (depth + 1))
        redo = ~usable | crowded
        if redo.any():
            keep = ~redo[rows]
            rows, towns = rows[keep], towns[keep]
        w2r = w2[rows]
        close = _closeness(np.einsum("ej,ej->e", w2r, self.gaps[towns]),
                           np.einsum("ej,ej->e", w2r, self.gaps[n + towns]))
        ranks, last_rank = _candidate_ranks(close, rows, towns, s)
        redo |= (last_rank <= depth) & ~redo
        again = np.flatnonzero(redo)
        keep = ranks <= depth
        if again.size:
            keep &= ~redo[rows]
        rows, towns, ranks = rows[keep], towns[keep], ranks[keep]
        if again.size:
            p = self.squared_distances(w[again])
            r, t, k = _row_ranks(_closeness(p[:, :n], p[:, n:]), depth)
            rows = np.concatenate([rows, again[r]])
            towns = np.concatenate([towns, t])
            ranks = np.concatenate([ranks, k])
        return rows, towns, ranks


class _Buffers:
    """Work arrays reused across chunks (fresh pages cost more than the arithmetic)."""

    def __init__(self, samples: int, n: int) -> None:
        self.product = np.empty((samples, n), dtype=np.float32)
        self.mask = np.empty((samples, n), dtype=bool)


def _closeness(dp2: np.ndarray, dm2: np.ndarray) -> np.ndarray:
    """C = D⁻/(D⁺ + D⁻) from squared distances; ½ when a town is at both ideals."""
    d_plus, d_minus = np.sqrt(dp2), np.sqrt(dm2)
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        c = d_minus / total
    return np.where(total > 0, c, 0.5)


def _row_ranks(close: np.ndarray, depth: int,
               tolerance: float = TIE_TOLERANCE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sample, town, rank) with rank ≤ ``depth`` from a samples × towns closeness table.

    Competition ranks exactly as :func:`evalkit.rank.competition_ranks`:
    towns sorted best first (stable by index); a town within ``tolerance`` of
    the one before it shares that one's rank.  For a shallow depth only the
    best few towns of each row are sorted (more when a tie chain runs on).
    """
    s, n = close.shape
    width = 2 * depth + 8
    rows_out, towns_out, ranks_out = [], [], []
    pending = np.arange(s)
    while pending.size:
        if 4 * width >= n:
            r, t, k = _sorted_ranks(close[pending], depth, tolerance)
            rows_out.append(pending[r])
            towns_out.append(t)
            ranks_out.append(k)
            break
        best = np.argpartition(-close[pending], width - 1, axis=1)[:, :width]
        rows = np.repeat(np.arange(pending.size), width)
        towns = best.ravel()
        ranks, last_rank = _candidate_ranks(close[pending][rows, towns], rows, towns, pending.size)
        done = last_rank > depth
        keep = done[rows] & (ranks <= depth)
        rows_out.append(pending[rows[keep]])
        towns_out.append(towns[keep])
        ranks_out.append(ranks[keep])
        pending = pending[~done]
        width *= 4
    return np.concatenate(rows_out), np.concatenate(towns_out), np.concatenate(ranks_out)


def _sorted_ranks(close: np.ndarray, depth: int,
                  tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_row_ranks` by sorting every row in full."""
    s, n = close.shape
    order = np.argsort(-close, axis=1, kind="stable")
    ordered = np.take_along_axis(close, order, axis=1)
    new = np.ones((s, n), dtype=bool)
    new[:, 1:] = ordered[:, :-1] - ordered[:, 1:] > tolerance
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=1)
    keep = first < depth
    return np.nonzero(keep)[0], order[keep], first[keep] + 1


def _candidate_ranks(close: np.ndarray, rows: np.ndarray, towns: np.ndarray, samples: int,
                     tolerance: float = TIE_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks of entries (sample, town, closeness), within each sample.

    The entries of a sample must be its best towns.  Returns each entry's rank
    and, per sample, the rank of its last (worst) entry (a large number for a
    sample with none).
    """
    order = np.lexsort((towns, -close, rows))
    r, c = rows[order], close[order]
    index = np.arange(len(order))
    starts_row = np.r_[True, r[1:] != r[:-1]]
    new = starts_row | np.r_[True, c[:-1] - c[1:] > tolerance]
    first_of_group = np.maximum.accumulate(np.where(new, index, 0))
    row_start = np.maximum.accumulate(np.where(starts_row, index, 0))
    sorted_ranks = first_of_group - row_start + 1
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = sorted_ranks
    last = np.full(samples, np.iinfo(np.int64).max)
    ends = np.r_[r[1:] != r[:-1], True] if len(r) else np.zeros(0, dtype=bool)
    last[r[ends]] = sorted_ranks[ends]
    return ranks, last


# --------------------------------------------------------------------------
# Rank acceptability, central weights, winning indices
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Acceptability:
    """Counts behind the SMAA indices, over ``samples`` weight vectors.

    ``ranks[i, r − 1]`` counts the samples in which town i takes rank r (for
    r ≤ ``depth``); ``first_weights[i]`` sums the weight vectors that rank i
    first; ``wins[i, k]`` (small n only) counts the samples with C_i > C_k
    by more than the tie tolerance.
    """

    samples: int
    depth: int
    ranks: np.ndarray
    first_weights: np.ndarray
    wins: np.ndarray | None

    @property
    def acceptability(self) -> np.ndarray:
        """b_i^r = #{s : rank_i = r} / S, towns × ranks 1..depth."""
        return self.ranks / self.samples

    def top(self, k: int) -> np.ndarray:
        """a_i^k = Σ_{r ≤ k} b_i^r: the share of samples that rank town i among the best k."""
        return self.ranks[:, :k].sum(axis=1) / self.samples

    @property
    def central_weights(self) -> np.ndarray:
        """w_i^c = mean of the weight vectors ranking town i first (NaN rows if never)."""
        firsts = self.ranks[:, :1]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(firsts > 0, self.first_weights / np.maximum(firsts, 1), np.nan)

    @property
    def winning(self) -> np.ndarray | None:
        """p_ik = #{s : C_i > C_k} / S."""
        return None if self.wins is None else self.wins / self.samples


def rank_acceptability(batch: TopsisBatch, weights: np.ndarray, depth: int, *,
                       winning: bool = False,
                       progress: Callable[[int], None] | None = None) -> Acceptability:
    """Rank-acceptability counts for ranks 1..``depth`` over the weight samples (rows).

    With ``winning`` also the pairwise winning counts (n × n; for small n).
    """
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    n = batch.n
    depth = min(depth, n)
    rows, towns, ranks = batch.top_ranks(w, depth, progress)
    counts = np.bincount(towns * depth + (ranks - 1), minlength=n * depth).reshape(n, depth)
    first = ranks == 1
    first_weights = np.zeros((n, w.shape[1]))
    np.add.at(first_weights, towns[first], w[rows[first]])
    wins = None
    if winning:
        wins = np.zeros((n, n), dtype=np.int64)
        step = max(1, MEMORY_LIMIT // (8 * n * n + 8 * n * 8))
        for start in range(0, w.shape[0], step):
            close = batch.closeness(w[start:start + step])
            wins += (close[:, :, None] - close[:, None, :] > TIE_TOLERANCE).sum(axis=0)
    return Acceptability(w.shape[0], depth, counts, first_weights, wins)


# --------------------------------------------------------------------------
# One-at-a-time stability intervals
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stability:
    """How far one weight may move, the others rescaled proportionally, before
    the top-k set changes: the set is the same for every w_j in [low, high].

    ``low_bounded``/``high_bounded`` are False when the set holds all the way
    to 0 or 1.
    """

    indicator: str
    weight: float
    low: float
    high: float
    low_bounded: bool
    high_bounded: bool


def weights_along(base: np.ndarray, j: int, t: np.ndarray | float) -> np.ndarray:
    """Weight vectors with w_j = t and the others w⁰_l (1 − t)/(1 − w⁰_j).

    If every other weight is 0, they share 1 − t equally.
    """
    t = np.atleast_1d(np.asarray(t, dtype=float))
    rest = np.asarray(base, dtype=float).copy()
    rest[j] = 0.0
    if rest.sum() <= 0:
        rest = np.ones_like(rest)
        rest[j] = 0.0
    rest = rest / rest.sum()
    out = (1.0 - t)[:, None] * rest[None, :]
    out[:, j] = t
    return out


def top_sets_equal(batch: TopsisBatch, weights: np.ndarray, depth: int,
                   reference: np.ndarray) -> np.ndarray:
    """For each weight vector (row): is the set of towns ranked ≤ ``depth`` ``reference``?"""
    w = np.atleast_2d(weights)
    rows, towns, _ = batch.top_ranks(w, depth)
    inside = np.bincount(rows[reference[towns]], minlength=w.shape[0])
    total = np.bincount(rows, minlength=w.shape[0])
    size = int(reference.sum())
    return (inside == size) & (total == size)


def stability_intervals(batch: TopsisBatch, base: np.ndarray, depth: int,
                        indicator_ids: Sequence[str], *, grid: int = STABILITY_GRID,
                        steps: int = BISECTION_STEPS) -> tuple[Stability, ...]:
    """One-at-a-time stability of the top-``depth`` set for every indicator.

    Each w_j is scanned over a grid of ``grid`` steps on [0, 1] outwards from
    w⁰_j; between the last grid point with the same set and the first with a
    different one, the edge is found by bisection (``steps`` halvings).  A
    change and change back within one grid step can be missed.
    """
    base = np.asarray(base, dtype=float)
    m = len(base)
    _, towns, _ = batch.top_ranks(base[None, :], depth)
    reference = np.zeros(batch.n, dtype=bool)
    reference[towns] = True
    ts = np.linspace(0.0, 1.0, grid + 1)
    same = top_sets_equal(batch, np.concatenate([weights_along(base, j, ts) for j in range(m)]),
                          depth, reference).reshape(m, grid + 1)
    # brackets (indicator, changed end, unchanged end); edges default to 0 and 1
    edges = np.column_stack([np.zeros(m), np.ones(m)])
    bounded = np.zeros((m, 2), dtype=bool)
    jobs: list[tuple[int, int, float, float]] = []
    for j in range(m):
        below = np.flatnonzero(ts < base[j])[::-1]
        changed = below[~same[j, below]]
        if changed.size:
            g = int(changed[0])
            jobs.append((j, 0, ts[g], min(ts[g + 1], base[j])))
        above = np.flatnonzero(ts > base[j])
        changed = above[~same[j, above]]
        if changed.size:
            g = int(changed[0])
            jobs.append((j, 1, ts[g], max(ts[g - 1], base[j])))
    if jobs:
        which = np.array([job[0] for job in jobs])
        side = np.array([job[1] for job in jobs])
        out = np.array([job[2] for job in jobs])
        inside = np.array([job[3] for job in jobs])
        for _ in range(steps):
            mid = 0.5 * (out + inside)
            w = np.concatenate([weights_along(base, int(j), t) for j, t in zip(which, mid,
                                                                                 strict=True)])
            ok = top_sets_equal(batch, w, depth, reference)
            inside = np.where(ok, mid, inside)
            out = np.where(ok, out, mid)
        edges[which, side] = inside
        bounded[which, side] = True
    return tuple(Stability(indicator_ids[j], float(base[j]), float(edges[j, 0]),
                           float(edges[j, 1]), bool(bounded[j, 0]), bool(bounded[j, 1]))
                 for j in range(m))


# --------------------------------------------------------------------------
# Selection under uncertainty: core index
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioShare:
    """A set of towns and the share of scenarios in which it is the optimum."""

    selected: tuple[str, ...]
    share: float


@dataclass(frozen=True, eq=False)
class SelectionRobustness:
    """Which towns the optimiser picks across scenarios (core index, RPM).

    ``core_index[i]`` = share of the ``scenarios`` whose optimal portfolio
    contains town i; ``portfolios`` the most frequent optima; ``infeasible``
    the share of scenarios with no feasible portfolio.  ``method`` is
    ``enumerated`` (every portfolio scored for every scenario, exactly) or
    ``solved`` (the optimiser run per scenario).
    """

    scenario: str
    method: str
    scenarios: int
    cost_spread: float
    count: int | None
    count_mode: str
    core_index: np.ndarray
    portfolios: tuple[PortfolioShare, ...]
    infeasible: float
    notes: tuple[str, ...] = ()


MAX_PORTFOLIOS = 200_000
"""At most this many candidate portfolios are enumerated; beyond, solve per scenario."""
MAX_YEAR_ASSIGNMENTS = 20_000
"""At most this many conversion-year assignments of one portfolio are enumerated."""
MAX_SOLVES = 200
"""Scenarios solved one by one when portfolios cannot be enumerated (the first ones)."""
_FEASIBILITY_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class _Portfolios:
    """Every portfolio that meets the limits not touched by the cost uncertainty.

    ``members`` is eligible-towns × portfolios (0/1); ``cost_rows`` is
    categories × limits: limit q sums the categories with a 1 over the chosen
    towns and must stay ≤ ``cost_limits[q]`` (category budgets, the total and
    Gale's financing condition for every set of categories).
    """

    eligible: np.ndarray
    members: np.ndarray
    sets: tuple[tuple[int, ...], ...]
    cost_rows: np.ndarray
    cost_limits: np.ndarray
    years: tuple[int, ...]
    year_limits: np.ndarray  # per budget year, inf when none
    spread: tuple[float, ...]


def _excluded(towns: SelectionInput, scenario: Scenario) -> set[str]:
    """Towns screened out or listed in must_exclude (as :func:`evalkit.select.select`)."""
    from evalkit.standards import screen

    out: set[str] = set()
    if scenario.screens:
        out |= set(screen(towns.table.reindex(list(towns.ids)), scenario.screens))
    return out | set(scenario.must_exclude)


def _enumerate_portfolios(towns: SelectionInput, scenario: Scenario) -> _Portfolios | None:
    """The enumerable form of the selection model, or None when it is too large."""
    from evalkit.scenario import OBJECTIVES

    excluded = _excluded(towns, scenario)
    eligible = np.array([i for i, t in enumerate(towns.ids) if t not in excluded], dtype=int)
    e = len(eligible)
    if e > ENUMERATION_MAX_TOWNS:
        return None
    local = {towns.ids[i]: j for j, i in enumerate(eligible)}
    if any(t not in local for t in scenario.must_include):
        sizes: list[int] = []
    elif scenario.count is None:
        sizes = list(range(e + 1))
    elif scenario.count_mode == "exactly":
        sizes = [scenario.count] if scenario.count <= e else []
    else:
        sizes = list(range(min(scenario.count, e) + 1))
    if OBJECTIVES[scenario.objective].is_ratio:
        sizes = [k for k in sizes if k >= 1]
    if sum(math.comb(e, k) for k in sizes) > MAX_PORTFOLIOS:
        return None
    years = tuple(scenario.convert_in) if scenario.years else ()
    if years and sizes and len(years) ** max(sizes) > MAX_YEAR_ASSIGNMENTS:
        return None
    must = {local[t] for t in scenario.must_include if t in local}
    groups = [{local[t] for t in members if t in local} for members in scenario.groups.values()]
    talent = np.asarray(towns.talent_need, dtype=float)[eligible]
    sets = []
    for k in sizes:
        for combo in itertools.combinations(range(e), k):
            chosen = set(combo)
            if not must <= chosen or any(len(chosen & g) > 1 for g in groups):
                continue
            if scenario.talent_capacity is not None and \
                    math.fsum(talent[list(combo)]) > scenario.talent_capacity + _slack(
                        scenario.talent_capacity):
                continue
            sets.append(combo)
    members = np.zeros((e, len(sets)))
    for p, combo in enumerate(sets):
        members[list(combo), p] = 1.0
    cats = [c.id for c in scenario.categories]
    rows, limits = [], []
    for k, cat in enumerate(scenario.categories):
        if cat.budget is not None:
            rows.append(np.eye(len(cats))[k])
            limits.append(cat.budget)
    if scenario.spendable_total is not None:
        rows.append(np.ones(len(cats)))
        limits.append(scenario.spendable_total)
    if scenario.sources:
        # Gale (1957): demands D_k can be paid from sources of capacity F_s that may
        # fund them iff every set K of categories needs no more than its sources hold.
        for r in range(1, len(cats) + 1):
            for group in itertools.combinations(range(len(cats)), r):
                row = np.zeros(len(cats))
                row[list(group)] = 1.0
                rows.append(row)
                limits.append(math.fsum(s.capacity for s in scenario.sources
                                        if any(cats[g] in s.funds for g in group)))
    year_limits = np.array([np.inf if scenario.annual_limits.get(y) is None
                            else float(scenario.annual_limits[y])  # type: ignore[arg-type]
                            for y in scenario.years])
    return _Portfolios(eligible, members, tuple(sets),
                       np.array(rows).T if rows else np.zeros((len(cats), 0)),
                       np.array(limits, dtype=float), years, year_limits,
                       tuple(scenario.spread))


def _slack(limit: float) -> float:
    return _FEASIBILITY_TOLERANCE * max(1.0, abs(limit))


def _phasing_feasible(table: _Portfolios, scenario: Scenario, combo: tuple[int, ...],
                      totals: np.ndarray) -> np.ndarray:
    """Can the towns of ``combo`` (costs ``totals``: scenarios × towns) be given
    conversion years within the annual limits?  Every assignment is tried:
    year t carries Σ_i p_{t − y_i} A_i for the spread p."""
    if not table.years or not combo or not np.isfinite(table.year_limits).any():
        return np.ones(totals.shape[0], dtype=bool)
    budget_years = scenario.years
    assignments = np.array(list(itertools.product(table.years, repeat=len(combo))))
    offset = np.array(budget_years)[None, None, :] - assignments[:, :, None]
    spread = np.array(table.spread)
    share = np.where((offset >= 0) & (offset < len(spread)),
                     spread[np.clip(offset, 0, len(spread) - 1)], 0.0)
    loads = np.einsum("sk,akt->sat", totals[:, list(combo)], share)
    limit = table.year_limits
    fits = (loads <= limit + np.where(np.isfinite(limit), _FEASIBILITY_TOLERANCE
                                      * np.maximum(1.0, np.abs(limit)), 0.0)).all(axis=2)
    return fits.any(axis=1)


def choose_portfolios(towns: SelectionInput, scenario: Scenario, closeness: np.ndarray, costs: np.ndarray,
                      *, method: str = "auto", solver: str = "cbc",
                      progress: Callable[[int], None] | None = None
                      ) -> tuple[list[tuple[str, ...] | None], str]:
    """The optimal portfolio of every scenario (None where none is feasible).

    ``towns`` is a :class:`evalkit.select.SelectionInput` (ids, talent, the
    table for the screens); ``closeness`` is scenarios × towns and ``costs``
    scenarios × towns × the scenario's categories.  ``method``: ``enumerate``
    scores every portfolio for every scenario at once (small candidate sets;
    every limit of :func:`evalkit.select.select` is evaluated exactly: sums
    over the chosen towns, the financing by Gale's condition and the phasing
    by trying every assignment of conversion years to the best portfolio);
    ``solve`` runs :func:`evalkit.select.select` per scenario; ``auto``
    enumerates when it can.  Returns the choices and the method used.
    """
    if method not in ("auto", "enumerate", "solve"):
        raise ValueError(f"unknown method {method!r}")
    table = None if method == "solve" else _enumerate_portfolios(towns, scenario)
    if table is None:
        if method == "enumerate":
            raise ValueError("this selection problem is too large to enumerate")
        return _solve_each(towns, scenario, closeness, costs, solver, progress), "solved"
    return _enumerated(table, towns, scenario, closeness, costs, progress), "enumerated"


def _enumerated(table: _Portfolios, towns: SelectionInput, scenario: Scenario, closeness: np.ndarray,
                costs: np.ndarray, progress: Callable[[int], None] | None
                ) -> list[tuple[str, ...] | None]:
    from evalkit.scenario import OBJECTIVES

    objective = OBJECTIVES[scenario.objective]
    el = table.eligible
    p_count = table.members.shape[1]
    choices: list[tuple[str, ...] | None] = []
    s_total = closeness.shape[0]
    step = max(1, MEMORY_LIMIT // (8 * max(1, p_count) * (4 + table.cost_rows.shape[1])))
    for start in range(0, s_total, step):
        c = closeness[start:start + step][:, el]
        a = costs[start:start + step][:, el, :]
        total = a.sum(axis=2)
        value = objective.numerator(c, total, scenario.objective_params) @ table.members
        if objective.denominator is not None:
            value = value / (objective.denominator(c, total, scenario.objective_params)
                             @ table.members)
        feasible = np.ones(value.shape, dtype=bool)
        for q in range(table.cost_rows.shape[1]):
            load = (a @ table.cost_rows[:, q]) @ table.members
            feasible &= load <= table.cost_limits[q] + _slack(table.cost_limits[q])
        value = np.where(feasible, value, -np.inf)
        best = np.full(value.shape[0], -1)
        pending = np.arange(value.shape[0])
        while pending.size:
            candidate = np.argmax(value[pending], axis=1)
            alive = np.isfinite(value[pending, candidate])
            best[pending[~alive]] = -1
            pending, candidate = pending[alive], candidate[alive]
            ok = np.ones(pending.size, dtype=bool)
            for p in np.unique(candidate):
                at = candidate == p
                ok[at] = _phasing_feasible(table, scenario, table.sets[p], total[pending[at]])
            best[pending[ok]] = candidate[ok]
            value[pending[~ok], candidate[~ok]] = -np.inf
            pending = pending[~ok]
        for b in best:
            choices.append(None if b < 0 else tuple(towns.ids[el[j]] for j in table.sets[b]))
        if progress is not None:
            progress(min(start + step, s_total))
    return choices


def _solve_each(towns: SelectionInput, scenario: Scenario, closeness: np.ndarray, costs: np.ndarray,
                solver: str, progress: Callable[[int], None] | None
                ) -> list[tuple[str, ...] | None]:
    from evalkit.select import SelectionInfeasible, SelectionInput, select

    cats = [c.id for c in scenario.categories]
    choices: list[tuple[str, ...] | None] = []
    for s in range(closeness.shape[0]):
        scenario_towns = SelectionInput(
            towns.ids, towns.names, closeness[s], {cat: costs[s, :, k] for k, cat in enumerate(cats)},
            towns.talent_need, towns.table)
        try:
            result = select(scenario_towns, scenario, solver=solver, alternatives=0, why_not=False)
        except SelectionInfeasible:
            choices.append(None)
        else:
            order = {t: i for i, t in enumerate(towns.ids)}
            choices.append(tuple(sorted(result.selected_ids, key=order.__getitem__)))
        if progress is not None:
            progress(s + 1)
    return choices


def _selection_summary(scenario: Scenario, ids: Sequence[str], choices: Sequence[
        tuple[str, ...] | None], method: str, cost_spread: float, notes: tuple[str, ...],
                       top: int = 10) -> SelectionRobustness:
    total = len(choices)
    position = {t: i for i, t in enumerate(ids)}
    chosen = np.zeros(len(ids))
    counter: Counter[tuple[str, ...]] = Counter()
    infeasible = 0
    for choice in choices:
        if choice is None:
            infeasible += 1
            continue
        counter[choice] += 1
        for t in choice:
            chosen[position[t]] += 1
    # most frequent first; equal counts in the order of the towns
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], [position[t] for t in kv[0]]))
    portfolios = tuple(PortfolioShare(sel, n / total) for sel, n in ranked[:top])
    return SelectionRobustness(scenario.name, method, total, cost_spread, scenario.count,
                               scenario.count_mode, chosen / total, portfolios,
                               infeasible / total, notes)


# --------------------------------------------------------------------------
# The whole analysis
# --------------------------------------------------------------------------


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


def robustness(
    evaluation: Evaluation,
    *,
    scenario: Scenario | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    weight_model: str = "dirichlet",
    concentration: float = DEFAULT_CONCENTRATION,
    cost_spread: float = DEFAULT_COST_SPREAD,
    k: int | None = None,
    judgments: JudgmentModel | None = None,
    selection_method: str = "auto",
    max_solves: int = MAX_SOLVES,
    solver: str = "cbc",
    progress: Callable[[str, int, int], None] | None = None,
) -> Robustness:
    """SMAA robustness of an evaluation, and the core index under a scenario.

    Draws ``samples`` weight vectors from ``weight_model`` (see
    :data:`WEIGHT_MODELS`; ``concentration`` is c of the Dirichlet;
    ``judgments`` overrides the AHP judgments found from the criteria set),
    ranks the towns by TOPSIS (the evaluation's normalisation) for each, and
    finds the stability interval of every weight for the top-``k`` set (``k``
    defaults to the scenario's number of towns, else 3).  With a ``scenario``
    it also scales each town's cost in each category by
    U(1 − ``cost_spread``, 1 + ``cost_spread``) and finds the optimal portfolio
    of every scenario: ``selection_method`` ``auto`` enumerates portfolios when
    there are at most :data:`ENUMERATION_MAX_TOWNS` eligible towns, else runs
    :func:`evalkit.select.select` (``solver``) on the first ``max_solves``
    scenarios.  ``progress(stage, done, total)`` is called as the work goes
    on.  One generator, ``Generator(PCG64(seed))``: weights are drawn first,
    then costs, so a seed gives the same result.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InputError(f"the number of samples must be a whole number ≥ 1, got {samples!r}",
                         "use e.g. --samples 10000")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"the seed must be a whole number ≥ 0, got {seed!r}", "use e.g. --seed 1")
    if not (isinstance(cost_spread, int | float) and 0 <= cost_spread < 1):
        raise InputError(f"the cost spread must be at least 0 and below 1, got {cost_spread!r}",
                         "write e.g. --cost-spread 0.2 for ±20%")
    matrix = evaluation.matrix
    n = len(matrix.ids)
    if k is None:
        k = scenario.count if scenario is not None and scenario.count else DEFAULT_TOP_K
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"k must be a whole number ≥ 1, got {k!r}", "use e.g. --top-k 3")
    k = min(k, n)
    report = progress or (lambda stage, done, total: None)

    base = np.asarray(evaluation.weights.values, dtype=float)
    if weight_model == "judgments" and judgments is None:
        judgments = judgment_model(evaluation)
    context = WeightContext(base, float(concentration), judgments)
    rng = np.random.Generator(np.random.PCG64(seed))
    report("weights", 0, samples)
    w = sample_weights(weight_model, context, rng, samples)
    report("weights", samples, samples)

    batch = TopsisBatch.from_matrix(matrix, evaluation.ranking.normalization)
    small = n <= FULL_TABLE_MAX_TOWNS
    depth = n if small else k
    tally = rank_acceptability(batch, w, depth, winning=small,
                               progress=lambda done: report("ranking", done, samples))
    report("stability", 0, 1)
    stability = stability_intervals(batch, base, k, matrix.indicator_ids)
    report("stability", 1, 1)

    selection = None
    note = None
    if scenario is None:
        note = "no selection scenario given"
    else:
        selection = _selection_robustness(evaluation, scenario, batch, w, rng, cost_spread,
                                          selection_method, max_solves, solver, report)
    model_options = WEIGHT_MODELS[weight_model].describe(context)
    top_k = tally.top(k)
    return Robustness(
        ids=matrix.ids, names=matrix.names, names_en=matrix.names_en,
        indicator_ids=matrix.indicator_ids,
        samples=samples, seed=seed, weight_model=weight_model, model_options=model_options,
        weighting=evaluation.weights.label, normalization=evaluation.ranking.normalization,
        k=k, base_weights=base,
        acceptability=tally.acceptability, top_k=top_k, central_weights=tally.central_weights,
        winning=tally.winning, stability=stability, selection=selection, selection_note=note,
        statement=statement(matrix.names, top_k, k, samples, selection),
    )


def _selection_robustness(evaluation: Evaluation, scenario: Scenario, batch: TopsisBatch,
                          w: np.ndarray, rng: np.random.Generator, cost_spread: float,
                          method: str, max_solves: int, solver: str,
                          report: Callable[[str, int, int], None]) -> SelectionRobustness:
    from evalkit.select import SelectionInput

    matrix = evaluation.matrix
    base_closeness = dict(zip(matrix.ids, evaluation.ranking.closeness, strict=True))
    towns = SelectionInput.from_frame(evaluation.candidates.cells, base_closeness, scenario,
                                      file=evaluation.candidates.path)
    cats = [c.id for c in scenario.categories]
    base_costs = np.column_stack([towns.costs[c] for c in cats]) if cats else np.zeros((len(towns), 0))
    samples = w.shape[0]
    if method not in ("auto", "enumerate", "solve"):
        raise InputError(f"unknown selection method {method!r}", "use auto, enumerate or solve")
    table = None if method == "solve" else _enumerate_portfolios(towns, scenario)
    notes: list[str] = []
    used = samples
    if table is None:
        if method == "enumerate":
            raise InputError("the selection problem is too large to enumerate",
                             "let evalkit solve each scenario instead")
        used = min(samples, max_solves)
        if used < samples:
            notes.append(f"the optimiser was run for the first {used} of {samples} scenarios")
    else:
        if scenario.years:
            notes.append("phasing checked by trying every assignment of conversion years")
        if scenario.sources:
            notes.append("financing checked by Gale's supply-demand condition")
    choices: list[tuple[str, ...] | None] = []
    # closeness, costs and multipliers of one chunk of scenarios stay under the memory limit
    step = max(1, min(1024, MEMORY_LIMIT // (8 * len(towns) * (4 + 2 * len(cats)))))
    for start in range(0, used, step):
        stop = min(start + step, used)
        closeness = batch.closeness(w[start:stop])
        # drawn chunk by chunk, in scenario order: the same numbers as one draw of all
        costs = base_costs[None, :, :] * rng.uniform(1.0 - cost_spread, 1.0 + cost_spread,
                                                     size=(stop - start, *base_costs.shape))

        def done(count: int, start: int = start) -> None:
            report("selection", start + count, used)

        if table is not None:
            choices += _enumerated(table, towns, scenario, closeness, costs, done)
        else:
            choices += _solve_each(towns, scenario, closeness, costs, solver, done)
    return _selection_summary(scenario, towns.ids, choices,
                              "enumerated" if table is not None else "solved",
                              float(cost_spread), tuple(notes))


# --------------------------------------------------------------------------
# The statement for the report
# --------------------------------------------------------------------------

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
