"""The social-stability risk register: levels from a stated matrix and the conclusion rule.

The register (``risks.yaml`` in the dossier folder) lists each risk with its
category, description, likelihood and impact on 1–5 scales, mitigation,
responsible unit, deadline, and the likelihood and impact expected once the
mitigation is in place (the residual risk)::

    risks:
      - id: R1
        category: land            # one of CATEGORIES
        description: 城郊结合部征地补偿标准调整引发的上访
        likelihood: 3             # 1 很少可能 … 5 几乎肯定
        impact: 4                 # 1 轻微 … 5 灾难性
        mitigation: 公示补偿标准，设立调解窗口
        responsible: 区自然资源局
        deadline: 2027-06-30
        residual: {likelihood: 2, impact: 3}
        description_en: ...       # optional English text for the English report:
        mitigation_en: ...        # description_en, mitigation_en, responsible_en

**Matrix.** A risk's score is likelihood × impact (1–25); the level is
低 (low) for a score up to 6, 中 (medium) from 8 to 12 and 高 (high) from 15
(:func:`risk_level`).  The three levels are those of 国家发展改革委
《重大固定资产投资项目社会稳定风险评估暂行办法》（发改投资〔2012〕2492号）.

**Conclusion rule** (:func:`conclusion`), after the same 办法, Art. 8: any
residual high risk → 不实施 (do not implement); else any residual medium
risk → 暂缓实施 (defer until the measures bring it down); else 实施.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.io.yamlfile import check_keys, line_of, load_yaml

CATEGORIES = ("land", "identity", "social_security", "cadres", "opinion", "fiscal",
              "ecology", "services", "other")
"""Risk categories: 征地拆迁, 身份认同与户籍, 社保衔接, 干部安置, 舆情, 财政与债务, 生态,
公共服务衔接, 其他."""

SCALE = (1, 2, 3, 4, 5)
"""The likelihood and impact scales."""

LEVELS = ("low", "medium", "high")
"""The risk levels, lowest first."""

LOW_MAX = 6
"""Highest score (likelihood × impact) that is a low risk."""
MEDIUM_MAX = 12
"""Highest score that is a medium risk; above it, high."""

DECISIONS = ("implement", "defer", "reject")
"""实施, 暂缓实施, 不实施."""


def risk_level(likelihood: int, impact: int) -> str:
    """The level of a risk from the matrix: low (score ≤ 6), medium (≤ 12), high (≥ 15)."""
    if likelihood not in SCALE or impact not in SCALE:
        raise ValueError("likelihood and impact are whole numbers from 1 to 5")
    score = likelihood * impact
    if score <= LOW_MAX:
        return "low"
    return "medium" if score <= MEDIUM_MAX else "high"


def conclusion(residual_levels: list[str] | tuple[str, ...]) -> str | None:
    """实施 / 暂缓实施 / 不实施 from the residual levels (``None`` for an empty register)."""
    if not residual_levels:
        return None
    if "high" in residual_levels:
        return "reject"
    return "defer" if "medium" in residual_levels else "implement"


@dataclass(frozen=True)
class Risk:
    """One entry of the register, with its levels from the matrix."""

    id: str
    category: str
    description: str
    likelihood: int
    impact: int
    mitigation: str
    responsible: str
    deadline: str
    residual_likelihood: int
    residual_impact: int
    english: dict[str, str] = field(default_factory=dict)
    """The English texts given (``description``, ``mitigation``, ``responsible``)."""

    def text(self, key: str, lang: str) -> tuple[str, bool]:
        """A text field in ``lang`` and whether it is in that language (else the Chinese)."""
        if lang == "zh":
            return getattr(self, key), True
        if key in self.english:
            return self.english[key], True
        return getattr(self, key), False

    @property
    def level(self) -> str:
        return risk_level(self.likelihood, self.impact)

    @property
    def residual_level(self) -> str:
        return risk_level(self.residual_likelihood, self.residual_impact)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "category": self.category, "description": self.description,
                "likelihood": self.likelihood, "impact": self.impact,
                "score": self.likelihood * self.impact, "level": self.level,
                "mitigation": self.mitigation, "responsible": self.responsible,
                "deadline": self.deadline, **{f"{k}_en": v for k, v in self.english.items()},
                "residual": {"likelihood": self.residual_likelihood,
                             "impact": self.residual_impact, "level": self.residual_level}}


@dataclass(frozen=True)
class RiskRegister:
    """The register and the conclusion its residual levels give."""

    risks: tuple[Risk, ...]
    path: str | None = None

    @property
    def conclusion(self) -> str | None:
        return conclusion([r.residual_level for r in self.risks])

    def counts(self, residual: bool = False) -> dict[str, int]:
        """How many risks are at each level (before or after mitigation)."""
        out = dict.fromkeys(LEVELS, 0)
        for r in self.risks:
            out[r.residual_level if residual else r.level] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"matrix": {"score": "likelihood × impact", "low": f"1–{LOW_MAX}",
                           "medium": f"{LOW_MAX + 1}–{MEDIUM_MAX}",
                           "high": f"{MEDIUM_MAX + 1}–25"},
                "risks": [r.to_dict() for r in self.risks], "conclusion": self.conclusion}


_KEYS = ("id", "category", "description", "likelihood", "impact", "mitigation",
         "responsible", "deadline", "residual")
_TEXT = ("id", "description", "mitigation", "responsible")
_ENGLISH = ("description", "mitigation", "responsible")
"""The texts that may be given in English as ``<key>_en``."""


def _scale(node: Any, key: str, where: str, path: Path) -> int:
    value = node.get(key)
    if isinstance(value, bool) or value not in SCALE:
        raise InputError(f"{key} {value!r} is not on the scale 1–5",
                         "write a whole number from 1 (lowest) to 5 (highest)", file=path,
                         row=line_of(node, key), column=f"{where}.{key}")
    return int(value)


def load_risks(path: str | Path) -> RiskRegister:
    """Read a risk register; every mistake is an InputError naming file, line and key."""
    path = Path(path)
    root = load_yaml(path, what="risk register")
    if not isinstance(root, dict) or not isinstance(root.get("risks"), list) or not root["risks"]:
        raise InputError("a risk register is a mapping with a non-empty risks: list",
                         "see the README, section 'The application dossier'", file=path,
                         row=line_of(root, "risks") if isinstance(root, dict) else 1,
                         column="risks")
    check_keys(root, ("risks",), "", path)
    items = root["risks"]
    risks: list[Risk] = []
    for k, item in enumerate(items):
        where = f"risks[{k}]"
        row = line_of(items, k)
        if not isinstance(item, dict):
            raise InputError("a risk is a mapping", "write id:, category:, … as in the README",
                             file=path, row=row, column=where)
        check_keys(item, _KEYS + tuple(f"{k}_en" for k in _ENGLISH), where, path)
        english = {}
        for key in _ENGLISH:
            value = item.get(f"{key}_en")
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"{key}_en is empty", "write it as text, or remove it",
                                 file=path, row=line_of(item, f"{key}_en"),
                                 column=f"{where}.{key}_en")
            english[key] = value.strip()
        for key in _KEYS:
            if key not in item:
                raise InputError(f"the risk has no {key}", f"add {key}:", file=path, row=row,
                                 column=f"{where}.{key}")
        for key in _TEXT:
            if not isinstance(item[key], str | int) or not str(item[key]).strip():
                raise InputError(f"{key} is empty", "write it as text", file=path,
                                 row=line_of(item, key), column=f"{where}.{key}")
        if item["category"] not in CATEGORIES:
            raise InputError(f"unknown risk category {item['category']!r}",
                             f"use one of: {', '.join(CATEGORIES)}", file=path,
                             row=line_of(item, "category"), column=f"{where}.category")
        deadline = item["deadline"]
        if not isinstance(deadline, dt.date):
            raise InputError(f"deadline {deadline!r} is not a date",
                             "write it as YYYY-MM-DD, e.g. 2027-06-30", file=path,
                             row=line_of(item, "deadline"), column=f"{where}.deadline")
        residual = item["residual"]
        if not isinstance(residual, dict):
            raise InputError("residual is not a mapping",
                             "write residual: {likelihood: 2, impact: 3}", file=path,
                             row=line_of(item, "residual"), column=f"{where}.residual")
        check_keys(residual, ("likelihood", "impact"), f"{where}.residual", path)
        risks.append(Risk(
            str(item["id"]).strip(), str(item["category"]), str(item["description"]).strip(),
            _scale(item, "likelihood", where, path), _scale(item, "impact", where, path),
            str(item["mitigation"]).strip(), str(item["responsible"]).strip(),
            deadline.isoformat(),
            _scale(residual, "likelihood", f"{where}.residual", path),
            _scale(residual, "impact", f"{where}.residual", path), english))
    ids = [r.id for r in risks]
    for k, rid in enumerate(ids):
        if rid in ids[:k]:
            raise InputError(f"risk id {rid!r} is given twice", "give each risk its own id",
                             file=path, row=line_of(items[k], "id"), column=f"risks[{k}].id")
    return RiskRegister(tuple(risks), str(path))
