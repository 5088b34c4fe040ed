"""The decision stage's registries: solvers, robustness weight models, tie-break and timing rules.

Entries are imported on first use (:class:`~evalkit.registry.Registry`), so
the CLI offers the choices without importing PuLP or the samplers.
"""

from __future__ import annotations

from typing import Any

from evalkit.registry import Registry

SOLVERS: Registry[Any] = Registry("solver", {
    "cbc": "evalkit.decide.selection.backends:cbc",
    "highs": "evalkit.decide.selection.backends:highs",
})
"""MIP solvers :func:`~evalkit.decide.selection.select` accepts: CBC (the binary bundled
with PuLP) and HiGHS (highspy); each entry is ``(program, settings) -> Outcome``
(:mod:`evalkit.decide.selection.backends`), run with the same explicit tolerances."""

TIMING_RULES: Registry[Any] = Registry("timing rule", {
    "readiness": "evalkit.decide.timing:READINESS",
    "earliest": "evalkit.decide.timing:EARLIEST",
    "balanced": "evalkit.decide.timing:BALANCED",
    "discounted": "evalkit.decide.timing:DISCOUNTED",
})
"""How a scenario values the years (``timing: {rule: <name>}``); each is a
:class:`~evalkit.decide.timing.TimingRule`, the first the default."""

WEIGHT_MODELS: Registry[Any] = Registry("weight model", {
    "dirichlet": "evalkit.decide.robustness.sampling:DIRICHLET",
    "judgments": "evalkit.decide.robustness.sampling:JUDGMENTS",
    "uniform": "evalkit.decide.robustness.sampling:UNIFORM",
})
"""Ways to draw plausible weight vectors (the first is the default); each is a
:class:`~evalkit.decide.robustness.sampling.WeightModel`."""

TIE_BREAK_RULES: Registry[Any] = Registry("tie-break rule", {
    "lower_cost": "evalkit.decide.tiebreak:lower_cost",
    "lower_talent_need": "evalkit.decide.tiebreak:lower_talent_need",
    "expert_majority": "evalkit.decide.tiebreak:expert_majority",
    "higher_core_index": "evalkit.decide.tiebreak:higher_core_index",
})
"""Rules a scenario's ``tie_break: {prefer: <name>}`` may name: which of two towns in a near
tie to prefer; each is ``(pair, facts) -> (preferred id or None, explanation)``."""
