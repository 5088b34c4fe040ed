"""AHP weights from several experts' judgments: consistency, aggregation, global weights.

Every expert's matrices are checked (CR ≤ threshold, with the judgments most
responsible and the Saaty-scale values that would fix them), aggregated by
the weighted geometric mean of judgments (AIJ), and turned into global
indicator weights W_f · w_i|f.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from evalkit.errors import InputError
from evalkit.methods.ahp.consistency import (
    DEFAULT_METHOD,
    DEFAULT_RI_TABLE,
    DEFAULT_THRESHOLD,
    AhpResult,
    analyse,
)
from evalkit.methods.ahp.group import aggregate, aggregate_priorities, global_weights
from evalkit.methods.ahp.judgments import Expert, ExpertJudgments, JudgmentMatrix, Source
from evalkit.methods.ahp.repair import Repair, Revision, suggest_revisions
from evalkit.methods.ahp.scale import saaty_label

__all__ = [
    "AhpWeights",
    "InconsistentMatrix",
    "MatrixConsistency",
    "MatrixRevision",
    "ahp_weights",
    "check_consistency",
    "consistency_problems",
    "inconsistent_matrices",
]

AGGREGATE = "aggregate"
"""The 'expert' name of the aggregated matrices in consistency rows."""


@dataclass(frozen=True)
class MatrixConsistency:
    """Consistency of one matrix of one expert (or of the aggregate)."""

    matrix: str
    expert: str
    result: AhpResult

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "matrix": self.matrix,
            "expert": self.expert,
            "n": r.n,
            "lambda_max": r.lambda_max,
            "ci": r.ci,
            "cr": r.cr,
            "ri": r.ri,
            "ri_table": r.ri_table,
            "acceptable": r.acceptable,
            "estimated_pairs": [
                {"pair": [a, b], "value": value} for a, b, value in r.estimated_pairs
            ],
        }


@dataclass(frozen=True)
class MatrixRevision:
    """A suggested change of one judgment: a[pair] from ``current`` to ``suggested``.

    For an expert's matrix the pair is oriented as the expert wrote it.
    """

    matrix: str
    expert: str
    pair: tuple[str, str]
    current: float
    suggested: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "matrix": self.matrix,
            "expert": self.expert,
            "pair": list(self.pair),
            "current": self.current,
            "suggested": self.suggested,
        }


@dataclass(frozen=True)
class AhpWeights:
    """AHP weights from several experts' judgments, with everything behind them.

    ``weights`` are global indicator weights g_i = W_f · w_i|f (Σ g_i = 1);
    ``families`` the family weights W_f; ``local`` the weights w_i|f within
    each family — all from the AIJ-aggregated matrices in ``aggregated``
    (keyed by matrix name).  ``consistency`` lists every expert's matrices,
    then the aggregates; ``revisions`` the suggested changes for each
    inconsistent one; ``warnings`` the inconsistencies that were allowed.
    """

    weights: Mapping[str, float]
    families: Mapping[str, float]
    local: Mapping[str, Mapping[str, float]]
    consistency: tuple[MatrixConsistency, ...]
    revisions: tuple[MatrixRevision, ...]
    aggregated: Mapping[str, AhpResult]
    experts: tuple[Expert, ...]
    warnings: tuple[str, ...]
    method: str
    ri_table: str
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (a contract with the CLI and the report)."""
        return {
            "weighting": "ahp",
            "weights": dict(self.weights),
            "families": dict(self.families),
            "consistency": [c.to_dict() for c in self.consistency],
            "revisions": [r.to_dict() for r in self.revisions],
        }


# --------------------------------------------------------------------------
# Consistency and weights
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Assessment:
    matrix: JudgmentMatrix
    result: AhpResult
    repair: Repair | None


def _assess(
    matrix: JudgmentMatrix, method: str, ri_table: str, threshold: float,
    completion: str = "llsm",
) -> _Assessment:
    # Values were validated on loading (or are aggregates), so the scale
    # check is not repeated here.
    values = matrix.array
    result = analyse(values, matrix.items, method=method, ri_table=ri_table,
                     threshold=threshold, aggregated=True, completion=completion)
    repair = None
    if not result.acceptable:
        repair = suggest_revisions(values, matrix.items, method=method, ri_table=ri_table,
                                       threshold=threshold, aggregated=True)
    return _Assessment(matrix, result, repair)


def _as_written(
    matrix: JudgmentMatrix, revision: Revision
) -> tuple[Revision, Source | None]:
    """Orient a revision the way the expert wrote the judgment."""
    i, j = (matrix.items.index(x) for x in revision.pair)
    source = matrix.sources.get((i, j))
    if source is not None and source.flipped:
        flipped = Revision((revision.pair[1], revision.pair[0]), 1 / revision.current,
                               1 / revision.suggested)
        return flipped, matrix.sources.get((j, i))
    return revision, source


def _inconsistency(a: _Assessment, expert: str, threshold: float) -> tuple[str, str]:
    """(what, hint) for an inconsistent matrix, naming the judgments to revise."""
    r = a.result
    what = (
        f"{a.matrix.name} of {expert} is inconsistent: CR = {r.cr:.3f} > {threshold:.2f} "
        f"(λmax = {r.lambda_max:.4f}, n = {r.n}, RI table {r.ri_table})"
    )
    repair = a.repair or Repair((), r.cr, r.cr, False, r.ri_table)
    steps = []
    for revision in repair.revisions:
        shown, source = _as_written(a.matrix, revision)
        where = f" ({source.column}, line {source.row})" if source else ""
        steps.append(
            f"{shown.pair[0]} vs {shown.pair[1]}{where} from "
            f"{saaty_label(shown.current)} to {saaty_label(shown.suggested)}"
        )
    if repair.acceptable:
        hint = f"revise {'; then '.join(steps)} (CR becomes {repair.cr_after:.3f})"
    else:
        hint = (
            f"even revising {'; '.join(steps) or 'nothing'} leaves CR = {repair.cr_after:.3f}; "
            "ask the expert to redo these comparisons"
        )
    return what, hint + (", or pass --allow-inconsistent (allow_inconsistent: true in the "
                         "criteria set) to keep it")


def _expert_assessments(
    judgments: ExpertJudgments, method: str, ri_table: str, threshold: float,
    completion: str = "llsm",
) -> list[_Assessment]:
    return [_assess(m, method, ri_table, threshold, completion) for m in judgments.matrices()]


def _consistency_errors(
    judgments: ExpertJudgments, assessments: Sequence[_Assessment], threshold: float
) -> list[InputError]:
    errors = []
    for a in assessments:
        if not a.result.acceptable:
            what, hint = _inconsistency(a, f"expert {judgments.expert.name}", threshold)
            errors.append(InputError(what, hint, file=judgments.file, row=a.matrix.line,
                                     column=a.matrix.name))
    return errors


def consistency_problems(
    judgments: ExpertJudgments,
    *,
    method: str = DEFAULT_METHOD,
    ri_table: str = DEFAULT_RI_TABLE,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[InputError]:
    """Every inconsistent matrix of one expert, each as its own error (for ``evalkit validate``)."""
    return _consistency_errors(judgments, _expert_assessments(judgments, method, ri_table,
                                                              threshold), threshold)


@dataclass(frozen=True)
class InconsistentMatrix:
    """One expert's matrix with CR above the threshold, and the repair that fixes it.

    ``written`` holds each revision of ``repair`` oriented the way the expert
    wrote the judgment, with where it was written (None: not found).
    """

    matrix: JudgmentMatrix
    result: AhpResult
    repair: Repair
    written: tuple[tuple[Revision, Source | None], ...]


def inconsistent_matrices(
    judgments: ExpertJudgments,
    *,
    method: str = DEFAULT_METHOD,
    ri_table: str = DEFAULT_RI_TABLE,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[InconsistentMatrix]:
    """Every matrix :func:`consistency_problems` reports, with its revisions as written."""
    return [
        InconsistentMatrix(a.matrix, a.result, a.repair,
                           tuple(_as_written(a.matrix, r) for r in a.repair.revisions))
        for a in _expert_assessments(judgments, method, ri_table, threshold)
        if a.repair is not None
    ]


def _raise_first(errors: Sequence[InputError]) -> None:
    if not errors:
        return
    first = errors[0]
    if len(errors) > 1:
        others = ", ".join(str(e.column) for e in errors[1:])
        first = InputError(f"{first.what} (also inconsistent: {others})", first.hint,
                           file=first.file, row=first.row, column=first.column)
    raise first


def check_consistency(
    judgments: ExpertJudgments,
    *,
    method: str = DEFAULT_METHOD,
    ri_table: str = DEFAULT_RI_TABLE,
    threshold: float = DEFAULT_THRESHOLD,
    allow_inconsistent: bool = False,
) -> tuple[str, ...]:
    """Check CR ≤ ``threshold`` for every matrix of one expert.

    Raises :class:`~evalkit.errors.InputError` for the first inconsistent
    matrix (listing the others), naming the matrix, the expert, the
    judgments most responsible and the Saaty-scale values that would make it
    consistent (:func:`evalkit.methods.ahp.suggest_revisions`).  With
    ``allow_inconsistent`` returns those messages as warnings instead.
    """
    assessments = _expert_assessments(judgments, method, ri_table, threshold)
    errors = _consistency_errors(judgments, assessments, threshold)
    if not allow_inconsistent:
        _raise_first(errors)
    return tuple(str(e) for e in errors)


def ahp_weights(
    experts: Sequence[ExpertJudgments],
    *,
    method: str = DEFAULT_METHOD,
    ri_table: str = DEFAULT_RI_TABLE,
    threshold: float = DEFAULT_THRESHOLD,
    allow_inconsistent: bool = False,
    completion: str = "llsm",
    aggregation: str = "aij",
) -> AhpWeights:
    """Global indicator weights from several experts' judgments.

    Per matrix: each expert's consistency, then the AIJ aggregate (weighted
    geometric mean with the experts' weights, :func:`evalkit.methods.ahp.aggregate`)
    and its consistency.  Family weights W_f and local weights w_i|f come from
    the aggregates; global weights are W_f · w_i|f.  An inconsistent matrix
    raises :class:`~evalkit.errors.InputError` unless ``allow_inconsistent``,
    in which case it is reported in ``warnings`` and ``revisions``.

    ``completion`` names how missing judgments are filled in
    (:data:`~evalkit.methods.registry.COMPLETION_METHODS`); ``aggregation`` is
    ``aij`` (above) or ``aip``: the family and local weights are then the weighted
    geometric means of the experts' own priority vectors, normalised
    (:func:`evalkit.methods.ahp.group.aggregate_priorities`); the AIJ aggregates are
    still computed and their consistency reported.
    """
    if not experts:
        raise InputError("no experts' judgments", "give at least one judgment file")
    first = experts[0]
    seen: dict[str, str] = {}
    for e in experts:
        if e.family_ids != first.family_ids or dict(e.indicator_ids) != dict(first.indicator_ids):
            raise InputError(
                "the judgment files were checked against different criteria sets",
                "load every file with the same families and indicators",
                file=e.file,
            )
        if e.expert.name in seen:
            raise InputError(
                f"expert {e.expert.name} also gave the judgments in {seen[e.expert.name]}",
                "give each expert one file, or tell two experts apart by name",
                file=e.file, row=e.name_line, column="expert.name",
            )
        seen[e.expert.name] = e.file

    consistency: list[MatrixConsistency] = []
    revisions: list[MatrixRevision] = []
    errors: list[InputError] = []
    per_expert = [_expert_assessments(e, method, ri_table, threshold, completion)
                  for e in experts]
    for e, assessments in zip(experts, per_expert, strict=True):
        errors += _consistency_errors(e, assessments, threshold)
        for a in assessments:
            consistency.append(MatrixConsistency(a.matrix.name, e.expert.name, a.result))
            for revision in a.repair.revisions if a.repair else ():
                shown, _ = _as_written(a.matrix, revision)
                revisions.append(MatrixRevision(a.matrix.name, e.expert.name, shown.pair,
                                                shown.current, shown.suggested))
    if not allow_inconsistent:
        _raise_first(errors)

    expert_weights = [e.expert.weight for e in experts]
    aggregated: dict[str, AhpResult] = {}
    for k, template in enumerate(first.matrices()):
        combined = aggregate([per_expert[x][k].matrix.array for x in range(len(experts))],
                                 expert_weights)
        matrix = JudgmentMatrix(template.name, template.items, tuple(map(tuple, combined)))
        a = _assess(matrix, method, ri_table, threshold, completion)
        if aggregation == "aip":
            pooled = aggregate_priorities(
                [per_expert[x][k].result.weights for x in range(len(experts))], expert_weights)
            a = replace(a, result=replace(a.result, weights=tuple(float(w) for w in pooled)))
        aggregated[matrix.name] = a.result
        consistency.append(MatrixConsistency(matrix.name, AGGREGATE, a.result))
        if a.repair is not None:
            what, hint = _inconsistency(a, "the experts' aggregate", threshold)
            errors.append(InputError(what, hint, column=matrix.name))
            revisions += [
                MatrixRevision(matrix.name, AGGREGATE, r.pair, r.current, r.suggested)
                for r in a.repair.revisions
            ]
    if not allow_inconsistent:
        _raise_first(errors)

    families = aggregated["families"].weights_by_item
    local = {
        f: (aggregated[f"indicators.{f}"].weights_by_item
            if f"indicators.{f}" in aggregated else {first.indicator_ids[f][0]: 1.0})
        for f in first.indicator_ids
    }
    return AhpWeights(
        weights=global_weights(families, local, first.subfamilies),
        families=families,
        local=local,
        consistency=tuple(consistency),
        revisions=tuple(revisions),
        aggregated=aggregated,
        experts=tuple(e.expert for e in experts),
        warnings=tuple(str(e) for e in errors),
        method=method,
        ri_table=ri_table,
        threshold=threshold,
    )
