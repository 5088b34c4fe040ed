"""Corrected copies of the experts' judgment files whose matrices are inconsistent.

For every inconsistent matrix (CR above the threshold) of every expert,
:func:`~evalkit.methods.ahp.experts.inconsistent_matrices` gives the smallest
revisions that bring CR under the threshold (:func:`suggest_revisions`); this
module writes them into a copy of the expert's file, under the same name in
another folder.  The original is never touched.

- A YAML file is edited as text, so its comments and layout stay: a pair's
  ``value`` is replaced (and the reversed pair's too, when the file states
  it both ways); in a full matrix both a_ij and a_ji are replaced (a_ji =
  1/a_ij, written as a fraction such as ``1/3``).  Each changed line ends with
  ``# evalkit --repair: 原为 1/9 (was 1/9)``.
- A questionnaire workbook gets the new value in the judgment cell, as its
  drop-down list offers it (text such as ``1/3``), the cell filled yellow and
  a cell comment with the old value.

A matrix no revision can bring under the threshold is left as it is and
reported (:class:`Unrepaired`).  Every copy is read back with the normal
reader before it is written: its matrices must be the originals with exactly
the revisions applied, and consistent; anything else is a
:class:`RepairCheckError` (a bug of evalkit, nothing is written).
"""

from __future__ import annotations

import codecs
import io
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import yaml

from evalkit.errors import EvalkitError, InputError
from evalkit.io.output import write_atomic
from evalkit.methods.ahp.consistency import DEFAULT_METHOD, DEFAULT_RI_TABLE, DEFAULT_THRESHOLD
from evalkit.methods.ahp.experts import InconsistentMatrix, inconsistent_matrices
from evalkit.methods.ahp.judgments import ExpertJudgments, JudgmentMatrix, load_judgments
from evalkit.methods.ahp.repair import Revision
from evalkit.methods.ahp.scale import saaty_label

__all__ = [
    "MARK",
    "Change",
    "Copy",
    "RepairCheckError",
    "RepairPlan",
    "Unrepaired",
    "plan_repairs",
    "repair_files",
    "write_repairs",
]

MARK = "evalkit --repair"
"""The mark on every changed line (YAML comment) or cell (cell comment)."""
FILL = "FFFF00"
"""The fill of a changed questionnaire cell (yellow; blank judgment cells are pale yellow)."""
_BREAKS = "\r\n\x85\u2028\u2029"
"""What ends a line for YAML."""


class RepairCheckError(EvalkitError):
    """A corrected copy did not read back as intended: a bug of evalkit, nothing written."""


@dataclass(frozen=True)
class Change:
    """One judgment changed in a copy: ``pair`` (as the expert wrote it) from ``old`` to
    ``new``, at ``where`` (a YAML line such as ``23``, or a cell such as ``families!C7``).

    ``also`` are the other places changed with it, each holding the reversed pair
    (a_ji of a full matrix, or the pair written the other way round), set to 1/new.
    ``cr_before`` and ``cr_after`` are the matrix's CR before and after all its changes.
    """

    expert: str
    file: str
    matrix: str
    pair: tuple[str, str]
    where: str
    old: float
    new: float
    cr_before: float
    cr_after: float
    also: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"expert": self.expert, "file": self.file, "matrix": self.matrix,
                "pair": list(self.pair), "where": self.where, "old": self.old, "new": self.new,
                "cr_before": self.cr_before, "cr_after": self.cr_after, "also": list(self.also)}


@dataclass(frozen=True)
class Unrepaired:
    """An inconsistent matrix that no revision brings under the threshold: left unchanged.
    ``cr_after`` is the lowest CR the revisions reach."""

    expert: str
    file: str
    matrix: str
    line: int | None
    cr_before: float
    cr_after: float
    threshold: float


@dataclass(frozen=True)
class Copy:
    """A corrected copy, ready to write: the original's path, the copy's name and bytes."""

    original: str
    name: str
    data: bytes = field(repr=False)

    def write(self, handle: IO[bytes]) -> None:
        handle.write(self.data)


@dataclass(frozen=True)
class RepairPlan:
    """What :func:`plan_repairs` found: the copies to write, their changes, the matrices
    left unchanged, and how many matrices were inconsistent in all."""

    copies: tuple[Copy, ...]
    changes: tuple[Change, ...]
    unrepaired: tuple[Unrepaired, ...]
    inconsistent: int
    written: tuple[Path, ...] = ()


@dataclass(frozen=True)
class _Options:
    """The criteria set's AHP options, as the consistency checks take them."""

    method: str
    ri_table: str
    threshold: float

    def inconsistent(self, judgments: ExpertJudgments) -> list[InconsistentMatrix]:
        return inconsistent_matrices(judgments, method=self.method, ri_table=self.ri_table,
                                     threshold=self.threshold)


@dataclass(frozen=True)
class _Edit:
    """Replace ``old``, at ``start``…``end`` of a YAML text, by ``new``; ``where`` is its
    line, ``column`` its key path."""

    start: int
    end: int
    new: str
    old: str
    where: str
    column: str


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------


def plan_repairs(
    experts: Sequence[ExpertJudgments],
    *,
    method: str = DEFAULT_METHOD,
    ri_table: str = DEFAULT_RI_TABLE,
    threshold: float = DEFAULT_THRESHOLD,
) -> RepairPlan:
    """The corrected copy of every expert file with an inconsistent matrix (in memory).

    ``experts`` are loaded as the weighting loads them
    (:func:`~evalkit.methods.ahp.judgments.load_judgments`); ``method``,
    ``ri_table`` and ``threshold`` are the criteria set's AHP options.  Each
    copy is read back and checked (:class:`RepairCheckError` if it is not
    what was meant).  Two files of the same name are an
    :class:`~evalkit.errors.InputError` (the copies keep the names).
    """
    options = _Options(method, ri_table, threshold)
    copies: list[Copy] = []
    changes: list[Change] = []
    unrepaired: list[Unrepaired] = []
    inconsistent = 0
    names: dict[str, str] = {}
    for judgments in experts:
        found = options.inconsistent(judgments)
        inconsistent += len(found)
        fixes = [m for m in found if m.repair.acceptable]
        unrepaired += [Unrepaired(judgments.expert.name, judgments.file, m.matrix.name,
                                  m.matrix.line, m.result.cr, m.repair.cr_after, threshold)
                       for m in found if not m.repair.acceptable]
        if not fixes:
            continue
        name = Path(judgments.file).name
        if name in names:
            raise InputError(f"two judgment files are named {name} (also {names[name]})",
                             "--repair writes each copy under its file's name: rename one",
                             file=judgments.file)
        names[name] = judgments.file
        if Path(name).suffix.lower() == ".xlsx":
            data, made = _workbook_copy(judgments, fixes)
        else:
            data, made = _yaml_copy(judgments, fixes)
        _check_copy(judgments, name, data, fixes, options)
        copies.append(Copy(judgments.file, name, data))
        changes += made
    return RepairPlan(tuple(copies), tuple(changes), tuple(unrepaired), inconsistent)


def write_repairs(plan: RepairPlan, folder: str | Path) -> RepairPlan:
    """Write the plan's copies into ``folder`` (created if missing), never replacing a file.

    An existing file of a copy's name is an :class:`~evalkit.errors.InputError`
    raised before anything is written.  Returns the plan with ``written``.
    """
    folder = Path(folder)
    if not plan.copies:
        return plan
    for copy in plan.copies:
        target = folder / copy.name
        if target.exists() or target.is_symlink():
            raise InputError("a file of this name is already there; --repair never replaces a file",
                             "remove it, or give another folder", file=target)
    if folder.exists() and not folder.is_dir():
        raise InputError("not a folder", "give a folder for the corrected copies", file=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder: {exc.strerror}",
                         "give a folder you can write to", file=folder) from None
    written = []
    for copy in plan.copies:
        try:
            written.append(write_atomic(folder / copy.name, copy.write))
        except OSError as exc:
            raise InputError(f"cannot write the corrected copy: {exc.strerror}",
                             "give a folder you can write to", file=folder / copy.name) from None
    return RepairPlan(plan.copies, plan.changes, plan.unrepaired, plan.inconsistent,
                      tuple(written))


def repair_files(
    experts: Sequence[ExpertJudgments],
    folder: str | Path,
    *,
    method: str = DEFAULT_METHOD,
    ri_table: str = DEFAULT_RI_TABLE,
    threshold: float = DEFAULT_THRESHOLD,
) -> RepairPlan:
    """:func:`plan_repairs`, then :func:`write_repairs` into ``folder``: the changes made."""
    plan = plan_repairs(experts, method=method, ri_table=ri_table, threshold=threshold)
    return write_repairs(plan, folder)


def _revised(matrix: JudgmentMatrix, revisions: Sequence[Revision]) -> np.ndarray:
    """The matrix with the revisions applied (a_ij and a_ji)."""
    values = matrix.array
    for revision in revisions:
        i, j = (matrix.items.index(x) for x in revision.pair)
        values[i, j], values[j, i] = revision.suggested, 1.0 / revision.suggested
    return values


def _check_copy(judgments: ExpertJudgments, name: str, data: bytes,
                fixes: Sequence[InconsistentMatrix], options: _Options) -> None:
    """Read the copy back as the weighting would: the revised matrices, now consistent."""
    def fail(detail: str) -> RepairCheckError:
        return RepairCheckError(
            f"the corrected copy of {judgments.file} does not read back as intended ({detail}); "
            "nothing was written — please report this, and make the revisions above by hand")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            again = load_judgments(path, judgments.family_ids, judgments.indicator_ids)
        except InputError as exc:
            raise fail(f"{exc.what} at {exc.row or exc.column}") from None
        still = {m.matrix.name for m in options.inconsistent(again)}
    expected = {m.matrix.name: _revised(m.matrix, m.repair.revisions) for m in fixes}
    for before, after in zip(judgments.matrices(), again.matrices(), strict=True):
        want = expected.get(before.name, before.array)
        if after.name != before.name or not np.allclose(after.array, want, rtol=1e-9,
                                                         equal_nan=True):
            raise fail(f"{before.name} holds other values than the revised ones")
    if again.expert != judgments.expert:
        raise fail("the expert's particulars changed")
    if still & set(expected):
        raise fail(f"{', '.join(sorted(still & set(expected)))} still inconsistent")


# --------------------------------------------------------------------------
# YAML files: edited as text
# --------------------------------------------------------------------------

_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _node_at(root: yaml.Node, column: str) -> yaml.Node:
    """The node at a key path such as ``families.matrix.rows[1][2]``."""
    node = root
    for index, key in _STEP.findall(column):
        if index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
            continue
        if key and isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
            if len(found) == 1:
                node = found[0]
                continue
        raise RepairCheckError(f"{column} is not where the reader found it — please report this")
    return node


def _scalar_edit(node: yaml.Node, text: str, value: float, column: str) -> _Edit:
    if not isinstance(node, yaml.ScalarNode):
        raise RepairCheckError(f"{column} is not a single value — please report this")
    start, end = node.start_mark.index, node.end_mark.index
    return _Edit(start, end, saaty_label(value), text[start:end], str(node.start_mark.line + 1),
                 column)


def _pair_edits(root: yaml.Node, text: str, column: str, pair: tuple[str, str],
                value: float) -> list[_Edit]:
    """Every entry of a ``pairs`` list that states ``pair``, either way round."""
    block = column.rpartition(".pairs[")[0] + ".pairs"
    pairs = _node_at(root, block)
    edits = []
    for k, entry in enumerate(pairs.value if isinstance(pairs, yaml.SequenceNode) else ()):
        if not isinstance(entry, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in entry.value if isinstance(k, yaml.ScalarNode)}
        ab = tuple(getattr(fields.get(x), "value", None) for x in ("a", "b"))
        if "value" in fields and ab in (pair, pair[::-1]):
            edits.append(_scalar_edit(fields["value"], text, value if ab == pair else 1 / value,
                                      f"{block}[{k}].value"))
    return edits


def _yaml_copy(judgments: ExpertJudgments,
               fixes: Sequence[InconsistentMatrix]) -> tuple[bytes, list[Change]]:
    raw = Path(judgments.file).read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # read a moment ago by the same parser: the file changed since
        raise InputError("the judgment file changed while it was being repaired",
                         "run evalkit validate --repair again", file=judgments.file) from None
    edits: list[_Edit] = []
    changes: list[Change] = []
    for fix in fixes:
        for revision, source in fix.written:
            if source is None:
                raise RepairCheckError(f"no place for {revision.pair} in {fix.matrix.name} of "
                                       f"{judgments.file} — please report this")
            if ".pairs[" in source.column:
                made = _pair_edits(root, text, source.column, revision.pair, revision.suggested)
            else:
                made = _matrix_edits(root, text, fix.matrix, revision)
            first = next((e for e in made if e.column == source.column), None)
            if first is None:
                raise RepairCheckError(f"{source.column} of {judgments.file} was not found "
                                       "— please report this")
            edits += made
            changes.append(Change(judgments.expert.name, judgments.file, fix.matrix.name,
                                  revision.pair, first.where, revision.current,
                                  revision.suggested, fix.result.cr, fix.repair.cr_after,
                                  tuple(e.where for e in made if e is not first)))
    out = _apply(text, edits)
    return (codecs.BOM_UTF8 if bom else b"") + out.encode("utf-8"), changes


def _matrix_edits(root: yaml.Node, text: str, matrix: JudgmentMatrix,
                  revision: Revision) -> list[_Edit]:
    """Both cells of a full matrix (a_ij, and a_ji when the file writes it)."""
    i, j = (matrix.items.index(x) for x in revision.pair)
    edits = []
    for cell, value in (((i, j), revision.suggested), ((j, i), 1 / revision.suggested)):
        source = matrix.sources.get(cell)
        if source is not None and not source.flipped:
            edits.append(_scalar_edit(_node_at(root, source.column), text, value, source.column))
    return edits


def _apply(text: str, edits: Sequence[_Edit]) -> str:
    """The text with every edit made and a mark at the end of each changed line."""
    starts = [e.start for e in edits]
    if len(set(starts)) != len(starts):
        raise RepairCheckError("one judgment would be changed twice — please report this")
    marks: dict[int, list[_Edit]] = {}
    for edit in sorted(edits, key=lambda e: e.start):
        ends = [k for k in (text.find(c, edit.end) for c in _BREAKS) if k >= 0]
        marks.setdefault(min(ends, default=len(text)), []).append(edit)
    operations = [_aligned(text, e) for e in edits]
    for end, changed in marks.items():
        trimmed = end
        while trimmed > 0 and text[trimmed - 1] in " \t":
            trimmed -= 1
        olds = [e.old for e in changed]
        operations.append((trimmed, end, f"  # {MARK}: 原为 {'、'.join(olds)} "
                                         f"(was {', '.join(olds)})"))
    for start, end, new in sorted(operations, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _aligned(text: str, edit: _Edit) -> tuple[int, int, str]:
    """The edit, keeping the columns of a matrix row aligned (``1/9, 2`` → ``1,   2``)."""
    end, new = edit.end, edit.new
    if text[end:end + 1] != ",":
        return edit.start, end, new
    spaces = len(text[end + 1:]) - len(text[end + 1:].lstrip(" "))
    after = text[end + 1 + spaces:end + 2 + spaces]
    if not spaces or not after or after in _BREAKS or after == "#":
        return edit.start, end, new
    width = len(edit.old) + spaces  # the value and the spaces after its comma
    pad = max(1, width - len(new))
    return edit.start, end + 1 + spaces, f"{new},{' ' * pad}"


# --------------------------------------------------------------------------
# Questionnaire workbooks: the judgment cell
# --------------------------------------------------------------------------


def _workbook_copy(judgments: ExpertJudgments,
                   fixes: Sequence[InconsistentMatrix]) -> tuple[bytes, list[Change]]:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    try:
        book = load_workbook(judgments.file)
    except Exception as exc:  # read a moment ago: the file changed since
        raise InputError(f"cannot open the workbook again ({type(exc).__name__})",
                         "run evalkit validate --repair again", file=judgments.file) from None
    changes = []
    for fix in fixes:
        for revision, source in fix.written:
            sheet, _, ref = (source.column if source else "").rpartition("!")
            if source is None or sheet not in book.sheetnames:
                raise RepairCheckError(f"no cell for {revision.pair} in {fix.matrix.name} of "
                                       f"{judgments.file} — please report this")
            cell = book[sheet][ref]
            value = cell.value
            old = (str(int(value)) if isinstance(value, float) and value.is_integer()
                   else str(value).strip())
            cell.value = saaty_label(revision.suggested)
            cell.fill = PatternFill("solid", fgColor=FILL)
            cell.comment = Comment(f"{MARK}: 原为 {old} (was {old}); "
                                   f"CR {fix.result.cr:.3f} → {fix.repair.cr_after:.3f}",
                                   "evalkit")
            changes.append(Change(judgments.expert.name, judgments.file, fix.matrix.name,
                                  revision.pair, source.column, revision.current,
                                  revision.suggested, fix.result.cr, fix.repair.cr_after))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), changes
