"""The multi-criteria methods: the decision matrix and what is computed on it.

- :mod:`evalkit.methods.registry`: every method's name (the criteria parser and the CLI read it);
- :mod:`evalkit.methods.matrix`: the decision matrix, towns × criteria;
- :mod:`evalkit.methods.weighting`: weights (entropy, CRITIC, fixed, AHP, combined);
- :mod:`evalkit.methods.ahp`: the Analytic Hierarchy Process and experts' judgment files;
- :mod:`evalkit.methods.ranking`: TOPSIS and competition ranks;
- :mod:`evalkit.methods.crosscheck`: WSM, VIKOR, PROMETHEE II and TOPSIS with the other
  normalisation against TOPSIS, with their scores;
- :mod:`evalkit.methods.concordance`: Kendall's W of several rankings;
- :mod:`evalkit.methods.panel`: each expert's own weights and ranking, and their consensus;
- :mod:`evalkit.methods.diagnose`: obstacle degrees (障碍度).

The mathematics knows nothing of criteria files or candidate tables.
May import: :mod:`evalkit.io` and the base modules (errors, paths, registry).
"""
