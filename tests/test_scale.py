"""The fast paths added for nationwide scale give exactly what the plain ones gave."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymcdm import methods

from evalkit import evaluate, load_candidates, load_criteria
from evalkit.errors import InputError
from evalkit.io.candidates import CandidateTable, _parse_plain
from evalkit.io.jsontext import dumps_indented
from evalkit.io.synth import write_csv
from evalkit.methods.crosscheck import promethee_ii_usual
from evalkit.methods.ranking import competition_ranks

ROOT = Path(__file__).resolve().parents[1]

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text())
_keys = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
_documents = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                            st.dictionaries(_keys, inner, max_size=5)),
    max_leaves=40)


@settings(max_examples=500, deadline=None)
@given(_documents)
def test_indented_json_is_json_dumps_byte_for_byte(data: object) -> None:
    assert dumps_indented(data) == json.dumps(data, ensure_ascii=False, indent=2)


def test_indented_json_of_a_ranking_and_its_errors(tmp_path: Path) -> None:
    result = evaluate(load_criteria(ROOT / "bench" / "criteria30.yaml"),
                      load_candidates(write_csv(tmp_path / "t.csv", 300, 2)))
    data = result.to_dict()
    assert dumps_indented(data) == json.dumps(data, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        dumps_indented({"a": [1, object()]})
    cycle: list[object] = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference detected"):
        dumps_indented(cycle)


def test_promethee_by_sorting_is_pymcdm_promethee_ii() -> None:
    rng = np.random.default_rng(1)
    for trial in range(300):
        n, m = int(rng.integers(2, 40)), int(rng.integers(1, 6))
        # small integers make many ties, which is where counting could go wrong
        x = rng.integers(0, 4, (n, m)).astype(float) if trial % 2 else rng.normal(size=(n, m))
        w = rng.dirichlet(np.ones(m))
        signs = rng.choice([-1, 1], m)
        expected = methods.PROMETHEE_II("usual")(x, w, signs, validation=False)
        np.testing.assert_allclose(promethee_ii_usual(x, w, signs), expected, rtol=0, atol=1e-12)


def _competition_ranks_loop(scores: np.ndarray, tolerance: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """The original one-town-at-a-time version, as the reference."""
    key = -np.asarray(scores, dtype=float)
    order = np.argsort(key, kind="stable")
    ranks, tied = np.empty(len(key), dtype=int), np.zeros(len(key), dtype=bool)
    for position, i in enumerate(order):
        if position > 0 and abs(key[i] - key[order[position - 1]]) <= tolerance:
            ranks[i] = ranks[order[position - 1]]
            tied[i] = tied[order[position - 1]] = True
        else:
            ranks[i] = position + 1
    return ranks, tied


def test_competition_ranks_match_the_loop_with_ties_chains_and_nan() -> None:
    rng = np.random.default_rng(2)
    for _ in range(2000):
        n = int(rng.integers(0, 12))
        scores = rng.integers(0, 4, n) * rng.choice([1.0, 1e-9, 5e-10]) + rng.choice([0.0, 1e-10], n)
        if n and rng.random() < 0.2:
            scores[rng.integers(n)] = rng.choice([np.nan, np.inf, -np.inf])
        for got, want in zip(competition_ranks(scores), _competition_ranks_loop(scores), strict=True):
            np.testing.assert_array_equal(got, want)


def test_all_top_obstacles_at_once_equal_one_town_at_a_time(tmp_path: Path) -> None:
    result = evaluate(load_criteria(ROOT / "bench" / "criteria30.yaml"),
                      load_candidates(write_csv(tmp_path / "t.csv", 200, 5)))
    for k in (1, 3, 30):
        assert result.obstacles.top_all(k) == [result.obstacles.top(i, k) for i in range(200)]


@pytest.mark.parametrize("cells", [
    ["1", " 2.5 ", "1e3", "-4", "+.5", "7."],  # all plain for float(): one pass
    [1, 2.5, "3"],  # numbers from a workbook
])
def test_plain_columns_parse_in_one_pass_to_the_careful_values(cells: list[object]) -> None:
    fast = _parse_plain(cells)
    assert fast is not None
    careful = [CandidateTable._parse_cell(_table(cells), i, "x", c) for i, c in enumerate(cells)]
    np.testing.assert_array_equal(fast, careful)


@pytest.mark.parametrize("cells", [["1", None], ["1", ""], ["1,234"], ["inf"], ["nan"], [True, 1],
                                   ["１２．５"], ["1e400"], ["1_000"], ["١٢"], ["5²"]])
def test_anything_else_goes_the_careful_way(cells: list[object]) -> None:
    assert _parse_plain(cells) is None


def _table(cells: list[object]) -> CandidateTable:
    import pandas as pd

    ids = tuple(f"T{i}" for i in range(len(cells)))
    return CandidateTable(Path("t.csv"), ids, ids, ids, tuple(range(2, len(cells) + 2)),
                          pd.DataFrame({"x": cells}, index=pd.Index(ids, name="id"), dtype=object))


def test_first_bad_cell_is_still_the_one_reported() -> None:
    table = _table(["1", "2", "x"])
    with pytest.raises(InputError, match=r"t.csv:4:x: text in a number: 'x' \(town T2\)"):
        table.numeric("x")
    table = _table(["1", "2", "x", ""])  # every bad cell listed, the first one first
    with pytest.raises(InputError, match=r"t.csv: 2 bad cells in 1 column") as caught:
        table.numeric("x")
    assert caught.value.details == (
        "t.csv:4:x: 'x' — text in a number (town T2): write a plain number such as 12.5",
        "t.csv:5:x: (empty) — empty cell (town T3): fill in the value")


def test_ranking_does_not_import_matplotlib_or_scipy_but_pymcdm_still_has_them() -> None:
    code = ("import sys, evalkit, evalkit.model.evaluation; "
            "print(sorted(m for m in ('matplotlib', 'scipy.linalg') if m in sys.modules)); "
            "from pymcdm import visuals, weights; print(callable(visuals.ranking_bar), "
            "callable(weights.entropy_weights))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "True True"]
