"""evalkit: multi-criteria evaluation of town-to-district candidates (乡镇改市区).

Library API (the CLI is a thin layer over it)::

    from evalkit import load_criteria, load_candidates, evaluate
    result = evaluate(load_criteria(path), load_candidates(path))
    result.to_frame()
"""

from evalkit.candidates import CandidateTable, load_candidates
from evalkit.criteria import CriteriaSet, load_criteria
from evalkit.errors import EvalkitError, InputError
from evalkit.evaluate import Evaluation, evaluate

__version__ = "0.1.0"

__all__ = [
    "CandidateTable",
    "CriteriaSet",
    "EvalkitError",
    "Evaluation",
    "InputError",
    "__version__",
    "evaluate",
    "load_candidates",
    "load_criteria",
]
