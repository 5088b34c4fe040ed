"""Every YAML input refuses a value of the wrong type with an InputError, never a traceback.

A property test: one value anywhere in a bundled file (criteria set, judgment
file, scenario, standards, targets) is replaced by a random value of another
shape or type — a list, a mapping, text, a huge, negative, infinite or NaN
number, a boolean, nothing — and the file is read and used as ``evalkit
validate`` would.  The run must either succeed or stop with an
:class:`~evalkit.errors.InputError` that names the file; any other exception
is a defect.
"""

from __future__ import annotations

import copy
import math
import shutil
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalkit.decide.checks import check_inputs
from evalkit.errors import InputError
from evalkit.paths import DEFAULT_CANDIDATES, PROJECT_ROOT

CRITERIA_DIR = PROJECT_ROOT / "criteria"
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
FILES = {
    "criteria": "default.yaml",
    "judgments": "judgments/expert_wang.yaml",
    "scenario": "scenario.yaml",
    "standards": "standards.yaml",
    "targets": "targets.yaml",
}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "x", "1/0", "1e0", "max", "-1", "nan", ".inf", "１２", "²", "1_000",
                     "a\nb", "\u202e", "judgments", "../../etc/passwd"]),
    st.text(max_size=8),
)
wrong = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "id", "value", "zh"]),
                                                 inner, max_size=3)), max_leaves=6)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


@pytest.fixture(scope="module")
def originals() -> dict[str, Any]:
    return {kind: yaml.safe_load((CRITERIA_DIR / name).read_text(encoding="utf-8"))
            for kind, name in FILES.items()}


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.mark.parametrize("kind", list(FILES))
@SETTINGS
@given(data=st.data())
def test_a_wrong_value_anywhere_is_an_input_error(kind: str, originals, tmp_path_factory,
                                                 data) -> None:
    folder = tmp_path_factory.mktemp(kind)
    shutil.copytree(CRITERIA_DIR, folder, dirs_exist_ok=True)
    document = copy.deepcopy(originals[kind])
    path = data.draw(st.sampled_from(_paths(document)), label="path")
    value = data.draw(wrong, label="value")
    if isinstance(value, float) and math.isnan(value) and path and path[-1] == "id":
        value = "nan"
    _replace(document, path, value)
    target = folder / FILES[kind]
    target.write_text(yaml.dump(document, Dumper=DUMPER, allow_unicode=True), encoding="utf-8")
    result = check_inputs(folder / "default.yaml", DEFAULT_CANDIDATES,
                          scenario=folder / "scenario.yaml", targets=folder / "targets.yaml")
    for problem in result.problems:
        assert problem.file is not None, problem
        assert "\n" not in str(problem)


OTHERS = ("text", float("nan"), float("inf"), -1, True, None, "1e0", 10**400)


def _mutations(original: Any) -> list[tuple[tuple[Any, ...], Any]]:
    """Every kind of key of a file gets a list, a mapping and one more wrong value in turn.

    Keys of the same shape (``rules[*].value.column``) are tried once each, with
    a different third value for each occurrence, up to three occurrences.
    """
    seen: dict[tuple[Any, ...], int] = {}
    out = []
    for k, path in enumerate(_paths(original)):
        shape = tuple("*" if isinstance(step, int) else step for step in path)
        seen[shape] = seen.get(shape, 0) + 1
        if seen[shape] == 1:
            out += [(path, [1]), (path, {"a": 1})]
        if seen[shape] <= 3:
            out.append((path, OTHERS[k % len(OTHERS)]))
    return out


@pytest.fixture(scope="module")
def sample():
    from evalkit import evaluate, load_candidates, load_criteria

    return evaluate(load_criteria(CRITERIA_DIR / "default.yaml"), load_candidates(DEFAULT_CANDIDATES))


def _use(kind: str, folder: Any, sample: Any) -> None:
    """Read the file of ``kind`` in ``folder`` and use it as the commands would (not solving)."""
    from evalkit.decide.scenario import load_scenario
    from evalkit.decide.selection.inputs import selection_input
    from evalkit.decide.selection.problem import check_against_table
    from evalkit.decide.standards import screen_table
    from evalkit.methods.weighting import compute_weights
    from evalkit.model.criteria import load_criteria
    from evalkit.model.indicators import build_matrix
    from evalkit.model.targets import load_targets, target_values

    if kind in ("criteria", "judgments"):
        criteria = load_criteria(folder / "default.yaml")
        compute_weights(build_matrix(criteria, sample.candidates), criteria.weighting)
    elif kind in ("scenario", "standards"):
        scenario = load_scenario(folder / "scenario.yaml")
        check_against_table(selection_input(sample, scenario), scenario, None)
        if scenario.standards is not None:
            screen_table(scenario.standards, sample.candidates.cells,
                         [rule.id for rule in scenario.screens])
    else:
        target_values(load_targets(folder / "targets.yaml"), sample.candidates)


@pytest.mark.parametrize("kind", list(FILES))
def test_every_key_with_wrong_types(kind: str, originals, sample, tmp_path) -> None:
    """Exhaustive over the keys of each file: one wrong value at a time, never a traceback."""
    shutil.copytree(CRITERIA_DIR, tmp_path, dirs_exist_ok=True)
    target = tmp_path / FILES[kind]
    failures = []
    for path, value in _mutations(originals[kind]):
        document = copy.deepcopy(originals[kind])
        _replace(document, path, value)
        target.write_text(yaml.dump(document, Dumper=DUMPER, allow_unicode=True), encoding="utf-8")
        try:
            _use(kind, tmp_path, sample)
        except InputError as error:
            if error.file is None or "\n" in str(error):
                failures.append(f"{path} = {value!r}: unlocated or broken message: {error}")
        except Exception as exc:
            failures.append(f"{path} = {value!r}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} in all)"


def test_the_bundled_files_pass() -> None:
    result = check_inputs(CRITERIA_DIR / "default.yaml", DEFAULT_CANDIDATES,
                          scenario=CRITERIA_DIR / "scenario.yaml",
                          targets=CRITERIA_DIR / "targets.yaml")
    assert result.problems == ()

