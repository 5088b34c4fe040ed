"""AHP hierarchies deeper than families → indicators: sub-families at any depth.

The published check is the car example of Wikipedia's "Analytic hierarchy
process – car example" (criteria cost, safety, style, capacity; cost split into
purchase price, fuel, maintenance and resale; capacity into cargo and
passengers), whose global weights AHPy (P. Griffith) publishes in the test of
its ``compose`` report to four decimals: price 0.2489, fuel 0.1283, resale
0.0819, maintenance 0.0509; criteria cost 0.51, safety 0.234, capacity 0.215,
style 0.041.  Here the four criteria are sub-families of one family of the first
level, so every weight is a product of three levels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evalkit import load_criteria
from evalkit.decide.robustness.sampling import _perturbed_ahp, judgment_model
from evalkit.errors import InputError
from evalkit.methods.ahp.experts import ahp_weights
from evalkit.methods.ahp.group import global_weights
from evalkit.methods.ahp.judgments import load_judgments
from evalkit.methods.matrix import Criterion, hierarchy
from tests.foundation_support import run_cli

CAR_CRITERIA = """\
name: car
families:
  - {id: car, label: {zh: 购车, en: Car}}
  - {id: cost, label: {zh: 费用, en: Cost}, parent: car}
  - {id: safety, label: {zh: 安全, en: Safety}, parent: car}
  - {id: style, label: {zh: 外观, en: Style}, parent: car}
  - {id: capacity, label: {zh: 容量, en: Capacity}, parent: car}
indicators:
  - {id: price, family: cost, direction: min, column: price}
  - {id: fuel, family: cost, direction: min, column: fuel}
  - {id: maintenance, family: cost, direction: min, column: maintenance}
  - {id: resale, family: cost, direction: max, column: resale}
  - {id: crash, family: safety, direction: max, column: crash}
  - {id: looks, family: style, direction: max, column: looks}
  - {id: cargo, family: capacity, direction: max, column: cargo}
  - {id: passengers, family: capacity, direction: max, column: passengers}
weighting:
  method: ahp
  judgments: judgments
"""

CAR_JUDGMENTS = """\
expert: {name: Jones}
indicators:
  car:
    matrix:
      order: [cost, safety, style, capacity]
      rows:
        - [1, 3, 7, 3]
        - [1/3, 1, 9, 1]
        - [1/7, 1/9, 1, 1/7]
        - [1/3, 1, 7, 1]
  cost:
    pairs:
      - {a: price, b: fuel, value: 2}
      - {a: price, b: maintenance, value: 5}
      - {a: price, b: resale, value: 3}
      - {a: fuel, b: maintenance, value: 2}
      - {a: fuel, b: resale, value: 2}
      - {a: maintenance, b: resale, value: 1/2}
  capacity:
    pairs:
      - {a: cargo, b: passengers, value: 1/5}
"""

CARS = """\
id,name,price,fuel,maintenance,resale,crash,looks,cargo,passengers
A,Accord,20360,31,2000,0.52,5,7,14,5
B,Hybrid,31090,35,2100,0.46,5,6,12,5
C,Pilot,27595,22,2500,0.44,4,5,18,8
D,CRV,20700,27,2200,0.55,4,5,21,5
"""

# AHPy's published figures (four decimals for the sub-criteria, three for the criteria)
PUBLISHED = {"price": 0.2489, "fuel": 0.1283, "resale": 0.0819, "maintenance": 0.0509}
PUBLISHED_CRITERIA = {"cost": 0.51, "safety": 0.234, "capacity": 0.215, "style": 0.041}


@pytest.fixture
def car(tmp_path: Path) -> Path:
    (tmp_path / "criteria.yaml").write_text(CAR_CRITERIA, encoding="utf-8")
    (tmp_path / "judgments").mkdir()
    (tmp_path / "judgments" / "jones.yaml").write_text(CAR_JUDGMENTS, encoding="utf-8")
    (tmp_path / "cars.csv").write_text(CARS, encoding="utf-8")
    return tmp_path


def _weights(folder: Path) -> dict[str, float]:
    criteria = load_criteria(folder / "criteria.yaml")
    families = tuple(f.id for f in criteria.families)
    judged = load_judgments(folder / "judgments" / "jones.yaml", families,
                            criteria.judgment_groups())
    return ahp_weights([judged]).weights


def test_three_levels_reproduce_the_published_car_example(car: Path) -> None:
    weights = _weights(car)
    for ident, published in PUBLISHED.items():
        assert weights[ident] == pytest.approx(published, abs=5e-5), ident
    criteria = {"cost": sum(weights[i] for i in ("price", "fuel", "maintenance", "resale")),
                "safety": weights["crash"], "style": weights["looks"],
                "capacity": weights["cargo"] + weights["passengers"]}
    for ident, published in PUBLISHED_CRITERIA.items():
        assert criteria[ident] == pytest.approx(published, abs=5e-4), ident
    # cargo : passengers = 1 : 5 within capacity
    assert weights["passengers"] / weights["cargo"] == pytest.approx(5.0, rel=1e-12)
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-12)


def test_the_criteria_set_keeps_first_level_families_and_the_chain(car: Path) -> None:
    criteria = load_criteria(car / "criteria.yaml")
    assert [f.id for f in criteria.families] == ["car"]
    assert [(f.id, f.parent) for f in criteria.subfamilies] == [
        ("cost", "car"), ("safety", "car"), ("style", "car"), ("capacity", "car")]
    price = criteria.indicator("price")
    assert (price.family, price.groups) == ("car", ("car", "cost"))
    assert criteria.place(price, "en") == "Cost › "
    assert criteria.judgment_groups() == {
        "car": ("cost", "safety", "style", "capacity"),
        "cost": ("price", "fuel", "maintenance", "resale"),
        "safety": ("crash",), "style": ("looks",), "capacity": ("cargo", "passengers")}


def test_uneven_depth_multiplies_down_each_branch() -> None:
    """Family A holds a sub-family A1 (two indicators) and an indicator a0 of its
    own; family B holds indicators directly: g = W · w · w down each branch."""
    local = {"A": {"A1": 0.25, "a0": 0.75}, "A1": {"x": 0.4, "y": 0.6},
             "B": {"b1": 0.5, "b2": 0.5}}
    g = global_weights({"A": 0.8, "B": 0.2}, local, subfamilies={"A1"})
    assert g == pytest.approx({"x": 0.8 * 0.25 * 0.4, "y": 0.8 * 0.25 * 0.6, "a0": 0.8 * 0.75,
                               "b1": 0.1, "b2": 0.1}, abs=1e-15)
    with pytest.raises(InputError, match="cover different families"):
        global_weights({"A": 0.8, "B": 0.2}, local)


def test_the_tree_of_bare_columns() -> None:
    columns = [Criterion("x", "A", "max", ("A", "A1")), Criterion("a0", "A", "max"),
               Criterion("y", "A", "max", ("A", "A1", "A11")), Criterion("b", "B", "min")]
    assert hierarchy(columns, ("B", "A")) == {
        "B": ("b",), "A": ("A1", "a0"), "A1": ("x", "A11"), "A11": ("y",)}


def test_unperturbed_draws_of_a_deep_hierarchy_are_its_weights(car: Path) -> None:
    """The robustness sampler composes sub-families as ahp_weights does: with every
    judgment moved by 0 steps each draw is exactly the AHP weight vector."""
    from evalkit import evaluate, load_candidates

    criteria = load_criteria(car / "criteria.yaml")
    evaluation = evaluate(criteria, load_candidates(car / "cars.csv"))
    model = judgment_model(evaluation)
    assert model is not None

    class Still:
        def integers(self, low: int, high: int, size: tuple[int, int]) -> np.ndarray:
            return np.zeros(size, dtype=int)

    draws = _perturbed_ahp(model, Still(), 3, np.ones(8, dtype=bool))  # type: ignore[arg-type]
    expected = np.array([evaluation.weights.as_dict()[i] for i in model.indicator_ids])
    assert draws == pytest.approx(np.tile(expected, (3, 1)), abs=1e-12)


def test_commands_show_the_sub_families(car: Path) -> None:
    result = run_cli("weights", "--criteria", car / "criteria.yaml", "--candidates",
                     car / "cars.csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Cost › price" in result.stdout
    assert "Capacity › passengers" in result.stdout
    result = run_cli("validate", "--criteria", car / "criteria.yaml", "--candidates",
                     car / "cars.csv")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("families", "line"), [
    ("  - {id: a, label: A}\n  - {id: s, label: S, parent: nowhere}\n",
     "criteria.yaml:4:families[1].parent: unknown parent family 'nowhere'"),
    ("  - {id: a, label: A, parent: s}\n  - {id: s, label: S, parent: a}\n",
     "criteria.yaml:3:families[0].parent: family 'a' is its own ancestor (through 'a')"),
    ("  - {id: a, label: A}\n  - {id: s, label: S, parent: [a]}\n",
     "criteria.yaml:4:families[1].parent: parent must be a family id, got ['a']"),
])
def test_a_broken_tree_is_one_error_line(tmp_path: Path, families: str, line: str) -> None:
    (tmp_path / "criteria.yaml").write_text(
        "name: t\nfamilies:\n" + families
        + "indicators:\n  - {id: x, family: s, direction: max, column: x}\n"
        "  - {id: y, family: s, direction: max, column: y}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_criteria(tmp_path / "criteria.yaml")
    assert line in str(caught.value).replace(str(tmp_path) + "/", "")


def test_too_deep_and_shared_ids_are_refused(tmp_path: Path) -> None:
    chain = "".join(f"  - {{id: f{k}, parent: f{k - 1}}}\n" for k in range(1, 7))
    (tmp_path / "deep.yaml").write_text(
        "name: t\nfamilies:\n  - {id: f0}\n" + chain
        + "indicators:\n  - {id: x, family: f6, direction: max, column: x}\n", encoding="utf-8")
    with pytest.raises(InputError, match="family 'f6' is 7 levels deep, more than 6"):
        load_criteria(tmp_path / "deep.yaml")
    (tmp_path / "same.yaml").write_text(
        "name: t\nfamilies:\n  - {id: a}\n  - {id: s, parent: a}\n"
        "indicators:\n  - {id: s, family: s, direction: max, column: x}\n"
        "  - {id: t, family: a, direction: max, column: y}\n", encoding="utf-8")
    with pytest.raises(InputError, match="indicator id 's' is also the id of a family"):
        load_criteria(tmp_path / "same.yaml")


def test_the_report_shows_the_sub_families_and_their_matrices(car: Path) -> None:
    from evalkit import evaluate, load_candidates
    from evalkit import report as rep

    evaluation = evaluate(load_criteria(car / "criteria.yaml"), load_candidates(car / "cars.csv"))
    html = rep.document_html(rep.build_report(evaluation), "summary", "en")
    assert "Cost › price" in html and "Capacity › passengers" in html
    assert "<td>Cost</td><td class=\"num\">4</td><td class=\"num\">4.0407</td>" in html  # its matrix
    assert "<title>Assessment of Candidate Towns" in html  # no city: no stray ": " before it
