"""Where the bundled criteria set, sample data and templates live."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CRITERIA = PROJECT_ROOT / "criteria" / "default.yaml"
DEFAULT_CANDIDATES = PROJECT_ROOT / "candidates" / "towns.csv"
DEFAULT_SCENARIO = PROJECT_ROOT / "criteria" / "scenario.yaml"
TEMPLATES = PROJECT_ROOT / "templates"
OUT = Path("out")
"""Reports go under ``out/`` of the working directory (not of the install tree)."""
