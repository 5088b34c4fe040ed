"""The indicator system and its evaluation: from two input files to a ranking.

- :mod:`evalkit.model.criteria`: the criteria set (families, indicators, weighting, ranking);
- :mod:`evalkit.model.derive`: the closed grammar of derived indicators (ratio, share, growth, gap);
- :mod:`evalkit.model.indicators`: the decision matrix of a criteria set on a candidate table;
- :mod:`evalkit.model.targets`: the plan's targets for converted towns;
- :mod:`evalkit.model.provenance`: the status (official … none) of every cell and indicator;
- :mod:`evalkit.model.evaluation`: the flow in one call, derive → weight → rank → diagnose.

May import: :mod:`evalkit.methods`, :mod:`evalkit.io` and the base modules.
"""
