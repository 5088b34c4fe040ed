"""How close the call is: the pairs of towns whose order decides a selection.

:func:`decisive_margin` compares the weakest chosen and the strongest
left-out town (and the runner-up swap) under every ranking method, every set
of weights and every expert, along the combination share α, in the
robustness scenarios, and by the objective a swap would cost; it calls a
near tie by the stated rule :data:`NEAR_TIE_RULE` and quotes the scenario's
tie-break rule, or says that the choice needs a decision.

Modules: :mod:`.compare` (the pair under methods, weights and α),
:mod:`.margin` (the pairs, the swap, the verdict), :mod:`.text` (the words)
and :mod:`.result` (what is returned).
"""

from evalkit.decide.decisive.margin import (
    NEAR_TIE_RULE,
    ROBUSTNESS_SHARE,
    SWAP_MAX_ELIGIBLE,
    decisive_margin,
)
from evalkit.decide.decisive.result import (
    AlphaFlip,
    Decision,
    DecisiveMargin,
    MethodOrder,
    NearTieRule,
    PairComparison,
    RobustShares,
    Swap,
    Trigger,
    WeightOrder,
)
from evalkit.decide.decisive.robust import ROBUSTNESS_MAX_ELIGIBLE, quick_robustness

__all__ = [
    "NEAR_TIE_RULE",
    "ROBUSTNESS_MAX_ELIGIBLE",
    "ROBUSTNESS_SHARE",
    "SWAP_MAX_ELIGIBLE",
    "AlphaFlip",
    "Decision",
    "DecisiveMargin",
    "MethodOrder",
    "NearTieRule",
    "PairComparison",
    "RobustShares",
    "Swap",
    "Trigger",
    "WeightOrder",
    "decisive_margin",
    "quick_robustness",
]
