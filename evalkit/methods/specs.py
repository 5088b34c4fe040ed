"""What a criteria set asks of the methods: how to weight and how to rank.

Plain settings, kept apart from the method modules so that the criteria
parser can build them (and check their names against
:mod:`evalkit.methods.registry`) without importing any method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class WeightingSpec:
    """How weights are obtained: a method name and its options.

    ``options`` holds the method's own settings (``weights`` for fixed,
    ``standardization`` for entropy, judgment files for AHP); ``base_dir`` is
    where relative paths in them are resolved; ``source`` the file they came
    from (for error messages).
    """

    method: str = "entropy"
    options: Mapping[str, Any] = field(default_factory=dict)
    base_dir: Path = Path(".")
    source: Path | None = None


@dataclass(frozen=True)
class RankingSpec:
    """How towns are ranked: TOPSIS with a named normalisation."""

    normalization: str = "vector"
