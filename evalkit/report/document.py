"""What a report shows, before it is rendered: :class:`Report` and :func:`build_report`.

A report is built from the library's result objects: the
:class:`~evalkit.model.evaluation.Evaluation` and, when they were run, the
selection, the robustness analysis, the standards screen and the plan's
targets.  Anything else in their place (a ``to_dict()`` object, a path where
an object is wanted) is an :class:`~evalkit.errors.InputError`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evalkit.decide.decisive import DecisiveMargin
from evalkit.decide.dossier import Dossier
from evalkit.decide.experts import ExpertsView
from evalkit.decide.robustness import Robustness
from evalkit.decide.selection import SelectionResult
from evalkit.decide.standards import ScreenTable
from evalkit.errors import require
from evalkit.methods.ahp.experts import AhpWeights
from evalkit.model.evaluation import Evaluation
from evalkit.model.plan import Plan
from evalkit.model.targets import Targets, load_targets
from evalkit.report.fonts import CjkFonts, find_cjk_fonts


@dataclass(frozen=True)
class InputFile:
    """An input named in the provenance block, with its SHA-256."""

    role: str
    path: str
    sha256: str

    @classmethod
    def of(cls, role: str, path: str | Path) -> InputFile:
        p = Path(path)
        digest = hashlib.sha256()
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            if p.is_dir():
                digest.update(str(f.relative_to(p)).encode("utf-8") + b"\0")
            digest.update(f.read_bytes())
        return cls(role, str(path), digest.hexdigest())


@dataclass(frozen=True, eq=False)
class Report:
    """Everything a report shows, before it is rendered.

    Build it with :func:`build_report`; render it with
    :func:`~evalkit.report.render_reports`, or look at it in a notebook with
    :func:`~evalkit.report.summary_html` and :func:`~evalkit.report.town_html`.
    """

    evaluation: Evaluation
    selection: SelectionResult | None = None
    robustness: Robustness | None = None
    screen: ScreenTable | None = None
    targets: Targets | None = None
    inputs: tuple[InputFile, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC).astimezone())
    document_number: str = ""
    fonts: CjkFonts | None = None
    unscreened: SelectionResult | None = None
    """The selection made without the scenario's screens (to show what a screen alone decides)."""
    decisive: DecisiveMargin | None = None
    """The pairs of towns whose order decides the selection, compared side by side."""
    experts: ExpertsView | None = None
    """Each expert's own weights, ranking and selection, and their consensus."""
    dossier: Dossier | None = None
    """The application dossier's inputs (narratives, panel, risk register, survey)."""
    issuer: str = ""
    """The issuing unit (编制单位) for the covers; else the criteria set's ``city.issuer``."""

    @property
    def town_ids(self) -> tuple[str, ...]:
        return self.evaluation.matrix.ids

    @property
    def plan(self) -> Plan | None:
        """The work plan the run refers to: the scenario's, else the targets'."""
        scenario = self.selection.scenario if self.selection is not None else None
        if scenario is not None and scenario.plan is not None:
            return scenario.plan
        return self.targets.plan if self.targets is not None else None

    @property
    def ahp(self) -> AhpWeights | None:
        """The AHP result behind the weights, when they used the experts' judgments."""
        judged = self.evaluation.weights.details.get("ahp")
        return judged if isinstance(judged, AhpWeights) else None

    def input_hash(self) -> str:
        """A short hash of everything the report depends on except the time."""
        payload = json.dumps({
            "inputs": [(f.role, Path(f.path).name, f.sha256) for f in self.inputs],
            "parameters": _jsonable(self.parameters),
            "ahp": _jsonable(self.ahp.to_dict() if self.ahp else None),
            "selection": _jsonable(self.selection.to_dict() if self.selection else None),
            "robustness": _jsonable(self.robustness.to_dict() if self.robustness else None),
            "screen": _jsonable(self.screen.to_dict() if self.screen else None),
            "decisive": _jsonable(self.decisive.to_dict() if self.decisive else None),
            "experts": _jsonable(self.experts.to_dict() if self.experts else None),
            "dossier": _jsonable(self.dossier.to_dict() if self.dossier else None),
            "weights": self.evaluation.weights.as_dict(),
            "towns": list(self.town_ids),
        }, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:8]

    def cjk_fonts(self) -> CjkFonts:
        """The CJK fonts the report is set in (looked up once, when it was built)."""
        return self.fonts or find_cjk_fonts()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, sort_keys=True)) if value is not None else None


def build_report(evaluation: Evaluation, *, selection: SelectionResult | None = None,
                 robustness: Robustness | None = None,
                 screen: ScreenTable | None = None,
                 targets: Targets | str | Path | None = None,
                 inputs: Mapping[str, str | Path] | None = None,
                 parameters: Mapping[str, Any] | None = None,
                 now: datetime | None = None, document_number: str = "",
                 unscreened: SelectionResult | None = None,
                 decisive: DecisiveMargin | None = None,
                 experts: ExpertsView | None = None,
                 dossier: Dossier | None = None, issuer: str = "") -> Report:
    """Collect what the report shows: the evaluation and the optional analyses.

    ``selection`` is what :func:`~evalkit.decide.selection.select_towns`
    returns, ``robustness`` what :func:`~evalkit.decide.robustness.robustness`
    returns, ``screen`` a :func:`~evalkit.decide.standards.screen_table`;
    ``targets`` the plan's targets (:func:`~evalkit.model.targets.load_targets`,
    or the path of a targets file); ``inputs`` maps a role (criteria,
    candidates, scenario...) to a file whose name and SHA-256 go in the
    provenance block; ``now`` is the report time (inject it for reproducible
    output); ``dossier`` is :func:`~evalkit.decide.dossier.load_dossier`'s
    result, for the 论证报告 and the 风险评估报告.  The CJK font is looked up here,
    so a missing font stops before anything is written.
    """
    require(evaluation, Evaluation, "evaluation", "pass the result of evaluate(...)")
    if selection is not None:
        require(selection, SelectionResult, "selection",
                "pass the result of select_towns(...), not its to_dict()")
    if robustness is not None:
        require(robustness, Robustness, "robustness",
                "pass the result of robustness(...), not its to_dict()")
    if unscreened is not None:
        require(unscreened, SelectionResult, "unscreened",
                "pass select_towns(evaluation, scenario without screens)")
    if decisive is not None:
        require(decisive, DecisiveMargin, "decisive",
                "pass decisive_margin(evaluation, selection, scenario)")
    if experts is not None:
        require(experts, ExpertsView, "experts", "pass experts_view(evaluation, scenario)")
    if dossier is not None:
        require(dossier, Dossier, "dossier", "pass load_dossier(folder)")
    if screen is not None:
        require(screen, ScreenTable, "screen", "pass screen_table(standards, table, applied)")
    if targets is not None:
        require(targets, (Targets, str, Path), "targets",
                "pass load_targets(path) or the path of a targets file")
    fonts = find_cjk_fonts()
    loaded = load_targets(targets) if isinstance(targets, str | Path) else targets
    files = dict(inputs or {})
    if "criteria" not in files and evaluation.criteria.path is not None:
        files["criteria"] = evaluation.criteria.path
    if "candidates" not in files:
        files["candidates"] = evaluation.candidates.path
    if loaded is not None and loaded.path is not None:
        files.setdefault("targets", loaded.path)
    found = [InputFile.of(role, path) for role, path in files.items()
             if path is not None and Path(path).exists()]
    moment = now or datetime.now(UTC).astimezone()
    return Report(evaluation, selection, robustness, screen, loaded, tuple(found),
                  dict(parameters or {}), moment, document_number, fonts, unscreened,
                  decisive, experts, dossier, issuer)
