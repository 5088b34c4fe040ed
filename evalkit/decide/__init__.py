"""Deciding: which towns are eligible, which to convert, and how sure that choice is.

- :mod:`evalkit.decide.registry`: solvers and robustness weight models;
- :mod:`evalkit.decide.standards`: eligibility screens from national and local rules;
- :mod:`evalkit.decide.scenario`: the work plan as data (counts, budgets, phasing, sources);
- :mod:`evalkit.decide.selection`: the 0-1 program that picks the towns, and its explanations;
- :mod:`evalkit.decide.robustness`: SMAA rank acceptability and the selection's core index;
- :mod:`evalkit.decide.experts`: what each expert's own weights would choose, and the dissent;
- :mod:`evalkit.decide.decisive`: the pair of towns whose order decides a selection, the
  near-tie rule, and :mod:`evalkit.decide.tiebreak`, a scenario's rule for a near tie;
- :mod:`evalkit.decide.provenance`: the status of every cell the ranking and the scenario read.

May import: :mod:`evalkit.model`, :mod:`evalkit.methods`, :mod:`evalkit.io` and the base modules.
"""
