"""The application dossier: what only the drafting team knows, held as data.

A dossier folder (``criteria/dossier/`` beside the criteria set) holds the
narrative sections (:mod:`.narrative`), the expert panel's record
(:mod:`.panel`), the risk register (:mod:`.risks`) and the survey
(:mod:`.survey`).  Every file is optional: what is missing is a gap the
documents show as a boxed 待补充 placeholder naming the file and field, and
:meth:`Dossier.checklist` lists each item as filled or missing.

>>> dossier = load_dossier("criteria/dossier")
>>> [item.file for item in dossier.checklist() if not item.filled]
['benefits.md']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.decide.dossier.narrative import PLAN_FIELDS, SECTIONS, Narrative, load_narrative
from evalkit.decide.dossier.panel import Panel, load_panel
from evalkit.decide.dossier.risks import RiskRegister, conclusion, load_risks, risk_level
from evalkit.decide.dossier.survey import Survey, load_survey, wilson_interval

PANEL_FILE = "panel.yaml"
RISKS_FILE = "risks.yaml"
SURVEY_FILE = "survey.yaml"


@dataclass(frozen=True)
class ChecklistItem:
    """One input of the dossier: the file (and field), and whether it is filled in."""

    key: str
    file: str
    field: str
    filled: bool

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "file": self.file, "field": self.field, "filled": self.filled}


@dataclass(frozen=True)
class Dossier:
    """The dossier's inputs, each ``None`` when its file is not there."""

    folder: str
    narratives: dict[str, Narrative]
    panel: Panel | None
    risks: RiskRegister | None
    survey: Survey | None

    def narrative(self, key: str) -> Narrative | None:
        return self.narratives.get(key)

    def checklist(self) -> tuple[ChecklistItem, ...]:
        """Every input in document order: narrative files, change-plan fields, panel, register, survey."""
        items: list[ChecklistItem] = []
        for key in SECTIONS:
            items.append(ChecklistItem(key, f"{key}.md", "", key in self.narratives))
            if key == "change_plan":
                fields = self.narratives[key].fields if key in self.narratives else {}
                items += [ChecklistItem(f"change_plan.{f}", "change_plan.md", f, f in fields)
                          for f in PLAN_FIELDS]
        items.append(ChecklistItem("panel", PANEL_FILE, "", self.panel is not None))
        items.append(ChecklistItem("risks", RISKS_FILE, "", self.risks is not None))
        items.append(ChecklistItem("survey", SURVEY_FILE, "", self.survey is not None))
        return tuple(items)

    @property
    def complete(self) -> bool:
        return all(item.filled for item in self.checklist())

    def to_dict(self) -> dict[str, Any]:
        return {"folder": self.folder,
                "checklist": [i.to_dict() for i in self.checklist()],
                "narratives": {k: n.to_dict() for k, n in self.narratives.items()},
                "panel": self.panel.to_dict() if self.panel else None,
                "risks": self.risks.to_dict() if self.risks else None,
                "survey": self.survey.to_dict() if self.survey else None}


def load_dossier(folder: str | Path) -> Dossier:
    """Read every dossier file present in ``folder`` (a missing folder is an empty dossier)."""
    folder = Path(folder)
    narratives = {key: n for key in SECTIONS if (n := load_narrative(folder, key)) is not None}
    panel = load_panel(folder / PANEL_FILE) if (folder / PANEL_FILE).exists() else None
    risks = load_risks(folder / RISKS_FILE) if (folder / RISKS_FILE).exists() else None
    survey = load_survey(folder / SURVEY_FILE) if (folder / SURVEY_FILE).exists() else None
    return Dossier(str(folder), narratives, panel, risks, survey)


__all__ = ["ChecklistItem", "Dossier", "Narrative", "Panel", "RiskRegister", "Survey",
           "conclusion", "load_dossier", "risk_level", "wilson_interval"]
