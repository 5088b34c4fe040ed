"""evalkit: multi-criteria evaluation of town-to-district candidates (乡镇改市区).

Library API (the CLI is a thin layer over it)::

    from evalkit import load_criteria, load_candidates, evaluate
    result = evaluate(load_criteria(path), load_candidates(path))
    result.to_frame()

The package is laid out by stage of the flow, and imports run one way, from
the command line down to the readers::

    cli → report → decide → model → methods → io → (errors, paths, registry, version)

The names below are loaded on first use, so ``import evalkit`` is cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from evalkit.errors import EvalkitError, InputError
from evalkit.version import __version__

if TYPE_CHECKING:
    from evalkit.io.candidates import CandidateTable, load_candidates
    from evalkit.io.sources import Sources, load_sources
    from evalkit.model.criteria import CriteriaSet, load_criteria
    from evalkit.model.evaluation import Evaluation, evaluate
    from evalkit.model.provenance import Provenance, table_provenance

_LAZY = {
    "CandidateTable": "evalkit.io.candidates",
    "load_candidates": "evalkit.io.candidates",
    "CriteriaSet": "evalkit.model.criteria",
    "load_criteria": "evalkit.model.criteria",
    "Evaluation": "evalkit.model.evaluation",
    "evaluate": "evalkit.model.evaluation",
    "Sources": "evalkit.io.sources",
    "load_sources": "evalkit.io.sources",
    "Provenance": "evalkit.model.provenance",
    "table_provenance": "evalkit.model.provenance",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'evalkit' has no attribute {name!r}")


__all__ = [
    "CandidateTable",
    "CriteriaSet",
    "EvalkitError",
    "Evaluation",
    "InputError",
    "Provenance",
    "Sources",
    "__version__",
    "evaluate",
    "load_candidates",
    "load_criteria",
    "load_sources",
    "table_provenance",
]
