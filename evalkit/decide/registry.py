"""The decision stage's registries: solvers and robustness weight models.

Entries are imported on first use (:class:`~evalkit.registry.Registry`), so
the CLI offers the choices without importing PuLP or the samplers.
"""

from __future__ import annotations

from typing import Any

from evalkit.registry import Registry

SOLVERS: Registry[Any] = Registry("solver", {
    "cbc": "evalkit.decide.selection.solvers:cbc",
    "highs": "evalkit.decide.selection.solvers:highs",
})
"""MIP solvers :func:`~evalkit.decide.selection.select` accepts: CBC (bundled with
PuLP) and HiGHS (highspy); each entry is ``(problem, time_limit, *, preprocess)``."""

WEIGHT_MODELS: Registry[Any] = Registry("weight model", {
    "dirichlet": "evalkit.decide.robustness.sampling:DIRICHLET",
    "judgments": "evalkit.decide.robustness.sampling:JUDGMENTS",
    "uniform": "evalkit.decide.robustness.sampling:UNIFORM",
})
"""Ways to draw plausible weight vectors (the first is the default); each is a
:class:`~evalkit.decide.robustness.sampling.WeightModel`."""
