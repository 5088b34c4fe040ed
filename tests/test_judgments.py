"""Tests of evalkit.judgments: judgment files, their errors, and AHP weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from evalkit.errors import InputError
from evalkit.methods import ahp
from evalkit.methods.ahp.experts import ahp_weights, check_consistency
from evalkit.methods.ahp.judgments import load_judgments, load_judgments_dir

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ["population", "economy", "talent"]
INDICATORS = {
    "population": ["pop_growth", "urban_pop"],
    "economy": ["gdp_share", "gdp_growth", "tertiary_share"],
    "talent": ["senior_share"],
}

# Line numbers matter: the error tests below quote them.
PAIRS = """\
expert: {name: 张三, role: 测试专家}
families:
  pairs:
    - {a: population, b: economy, value: 1/2}
    - {a: population, b: talent, value: 3}
    - {a: economy, b: talent, value: 5}
indicators:
  population:
    pairs:
      - {a: pop_growth, b: urban_pop, value: 2}
  economy:
    pairs:
      - {a: gdp_share, b: gdp_growth, value: 2}
      - {a: gdp_share, b: tertiary_share, value: 4}
      - {a: gdp_growth, b: tertiary_share, value: 2}
"""

MATRIX = """\
expert: {name: 李四, role: 测试专家, weight: 2}
families:
  matrix:
    order: [economy, population, talent]
    rows:
      - [1, 2, 5]
      - [1/2, 1, 3]
      - [1/5, 1/3, 1]
indicators:
  population:
    pairs:
      - {a: pop_growth, b: urban_pop, value: 2}
  economy:
    matrix:
      order: [gdp_share, gdp_growth, tertiary_share]
      rows:
        - [1, 2, 4]
        - [1/2, 1, null]
        - [1/4, null, 1]
"""


def write(tmp_path: Path, text: str, name: str = "expert.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, **kwargs):
    return load_judgments(path, FAMILIES, INDICATORS, **kwargs)


def edited(base: str, old: str, new: str) -> str:
    assert base.count(old) == 1, old
    return base.replace(old, new)


# --------------------------------------------------------------------------
# Loading good files
# --------------------------------------------------------------------------


def test_pairs_file_loads(tmp_path: Path) -> None:
    j = load(write(tmp_path, PAIRS))
    assert j.expert.name == "张三" and j.expert.role == "测试专家" and j.expert.weight == 1.0
    assert j.families.items == ("population", "economy", "talent")
    assert j.families.values[0][1] == 0.5 and j.families.values[1][0] == 2.0
    assert j.families.line == 2
    assert list(j.indicators) == ["population", "economy"]  # talent has one indicator
    assert j.indicators["economy"].sources[(0, 2)].row == 14
    assert j.indicators["economy"].sources[(0, 2)].column == "indicators.economy.pairs[1].value"
    assert check_consistency(j) == ()


def test_matrix_file_loads_and_missing_cells_are_estimated(tmp_path: Path) -> None:
    """The economy matrix leaves out gdp_growth vs tertiary_share; the given
    judgments (2 and 4) are a tree, so LLSM estimates it as 4/2 = 2."""
    j = load(write(tmp_path, MATRIX))
    assert j.expert.weight == 2.0
    # Stored in criteria order, whatever the file's order.
    assert j.families.values[0] == (1.0, 0.5, 3.0)
    result = ahp.analyse(j.indicators["economy"].array, j.indicators["economy"].items)
    assert result.estimated_pairs == (("gdp_growth", "tertiary_share", pytest.approx(2.0)),)


def test_fractions_decimals_and_quoted_values_are_accepted(tmp_path: Path) -> None:
    text = edited(PAIRS, "value: 1/2}", 'value: "1/2"}')
    text = edited(text, "b: talent, value: 3}", "b: talent, value: 3.0}")
    text = edited(text, "b: urban_pop, value: 2}", "b: urban_pop, value: 2}\n"
                  "      - {a: urban_pop, b: pop_growth, value: 0.5}")
    j = load(write(tmp_path, text))
    assert j.families.values[0] == (1.0, 0.5, 3.0)
    assert j.indicators["population"].values[0] == (1.0, 2.0)


def test_aggregated_files_may_leave_the_scale(tmp_path: Path) -> None:
    j = load(write(tmp_path, edited(PAIRS, "value: 5}", "value: 5.7}")), aggregated=True)
    assert j.families.values[1][2] == 5.7


# --------------------------------------------------------------------------
# Every error, with file, line and key
# --------------------------------------------------------------------------

PAIR_ERRORS = [
    (
        "unknown family",
        ("b: economy, value: 1/2", "b: econ, value: 1/2"),
        "4:families.pairs[0].b: unknown family econ — "
        "the families are population, economy, talent",
    ),
    (
        "indicator of another family",
        ("a: gdp_growth, b: tertiary_share", "a: gdp_growth, b: urban_pop"),
        "15:indicators.economy.pairs[2].b: urban_pop is not one of the indicators of "
        "family economy; it belongs to family population — compare it under "
        "indicators.population",
    ),
    (
        "unknown indicator",
        ("a: gdp_growth, b: tertiary_share", "a: gdp_growth, b: gdp"),
        "15:indicators.economy.pairs[2].b: unknown indicator gdp — "
        "the indicators of family economy are gdp_share, gdp_growth, tertiary_share",
    ),
    (
        "unknown family under indicators",
        ("  economy:\n    pairs:", "  econ:\n    pairs:"),
        "11:indicators.econ: unknown family econ under indicators — "
        "the families are population, economy, talent",
    ),
    (
        "pair given twice",
        ("    - {a: economy, b: talent, value: 5}\n",
         "    - {a: economy, b: talent, value: 5}\n    - {a: economy, b: talent, value: 5}\n"),
        "7:families.pairs[3]: the pair (economy, talent) is given twice (first at line 6) — "
        "keep one of them",
    ),
    (
        "pair given both ways, inconsistently",
        ("    - {a: economy, b: talent, value: 5}\n",
         "    - {a: economy, b: talent, value: 5}\n    - {a: talent, b: economy, value: 5}\n"),
        "7:families.pairs[3].value: (talent, economy) = 5 contradicts (economy, talent) = 5 "
        "at line 6 — keep one of them; consistent with line 6 would be 1/5",
    ),
    (
        "value above the scale",
        ("value: 5}", "value: 10}"),
        "6:families.pairs[2].value: value 10 is not on the Saaty scale (1/9 to 9) — "
        "use a number from 1 to 9 or its reciprocal; the nearest is 9",
    ),
    (
        "rounded fraction",
        ("value: 5}", "value: 0.33}"),
        "6:families.pairs[2].value: value 0.33 is not on the Saaty scale (1/9 to 9) — "
        "write a reciprocal as a fraction: 1/3",
    ),
    (
        "zero",
        ("value: 5}", "value: 0}"),
        "6:families.pairs[2].value: value 0 is not positive — "
        "judgments are ratios: 1 = equally important, 3 or 1/3 = moderately more or less",
    ),
    (
        "negative fraction",
        ("value: 5}", "value: -1/5}"),
        "6:families.pairs[2].value: value -1/5 is not positive — "
        "judgments are ratios: 1 = equally important, 3 or 1/3 = moderately more or less",
    ),
    (
        "word",
        ("value: 5}", "value: five}"),
        "6:families.pairs[2].value: value 'five' is not a number — "
        "write a number such as 3 or a fraction such as 1/3",
    ),
    (
        "division by zero",
        ("value: 5}", "value: 1/0}"),
        "6:families.pairs[2].value: value '1/0' is not a number — "
        "write a number such as 3 or a fraction such as 1/3",
    ),
    (
        "yes is a boolean in YAML",
        ("value: 5}", "value: yes}"),
        "6:families.pairs[2].value: value 'yes' is not a number — "
        "write a number such as 3 or a fraction such as 1/3",
    ),
    (
        "code is never evaluated",
        ("value: 5}", 'value: "__import__(\'os\')"}'),
        "6:families.pairs[2].value: value \"__import__('os')\" is not a number — "
        "write a number such as 3 or a fraction such as 1/3",
    ),
    (
        "empty value",
        ("value: 5}", "value: }"),
        "6:families.pairs[2].value: value is empty — "
        "write a number such as 3 or a fraction such as 1/3",
    ),
    (
        "missing value",
        ("{a: economy, b: talent, value: 5}", "{a: economy, b: talent}"),
        "6:families.pairs[2]: key value is missing — add value: under families.pairs[2]",
    ),
    (
        "self-comparison",
        ("a: gdp_share, b: gdp_growth", "a: gdp_share, b: gdp_share"),
        "13:indicators.economy.pairs[0].value: gdp_share is compared with itself with "
        "value 2 — an item compared with itself is 1; compare two different items",
    ),
    (
        "family with indicators but no judgments",
        ("  economy:\n    pairs:\n      - {a: gdp_share, b: gdp_growth, value: 2}\n"
         "      - {a: gdp_share, b: tertiary_share, value: 4}\n"
         "      - {a: gdp_growth, b: tertiary_share, value: 2}\n", ""),
        "7:indicators.economy: no judgments for indicators.economy, which has 3 items "
        "(gdp_share, gdp_growth, tertiary_share) — add indicators.economy.pairs with at "
        "least 2 pairs that link all of them, e.g. {a: gdp_share, b: gdp_growth, value: ...}",
    ),
    (
        "missing pairs that disconnect the items",
        ("      - {a: gdp_share, b: tertiary_share, value: 4}\n"
         "      - {a: gdp_growth, b: tertiary_share, value: 2}\n", ""),
        "11:indicators.economy: the judgments in indicators.economy do not connect all "
        "items; groups never compared with each other: gdp_share, gdp_growth | "
        "tertiary_share — add a pair that links the groups, e.g. "
        "{a: gdp_share, b: tertiary_share, value: ...}",
    ),
    (
        "unknown key",
        ("  economy:\n    pairs:", "  economy:\n    pair:"),
        "12:indicators.economy.pair: unknown key pair — the keys here are pairs, matrix, reason, reason_en",
    ),
    (
        "key given twice",
        ("  population:\n", "  economy:\n    pairs: []\n  population:\n"),
        "13:indicators.economy: key 'economy' appears twice (first on line 8) — "
        "keep one, or merge the two blocks into one",
    ),
    (
        "YAML syntax",
        ("value: 5}", "value: 5"),
        "7: not valid YAML: expected ',' or '}', but got ':' (while parsing a flow mapping "
        "that starts on line 6) — check indentation, colons and brackets on this line",
    ),
    (
        "no expert",
        ("expert: {name: 张三, role: 测试专家}\n", ""),
        "1: key expert is missing — add expert: under the top level",
    ),
    (
        "expert weight zero",
        ("role: 测试专家}", "role: 测试专家, weight: 0}"),
        "1:expert.weight: weight 0 is not positive — give the expert's weight as a positive "
        "number, e.g. 1; leave the file out to leave the expert out",
    ),
    (
        "pairs and matrix together",
        ("  population:\n    pairs:\n",
         "  population:\n    matrix: {order: [pop_growth, urban_pop], rows: [[1, 1], [1, 1]]}\n"
         "    pairs:\n"),
        "9:indicators.population.matrix: both pairs and matrix are given — keep one of them",
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in PAIR_ERRORS], ids=[c[0] for c in PAIR_ERRORS]
)
def test_pairs_file_errors(tmp_path: Path, edit, expected) -> None:
    path = write(tmp_path, edited(PAIRS, *edit))
    with pytest.raises(InputError) as e:
        load(path)
    assert str(e.value) == f"{path}:{expected}"
    assert str(e.value.file) == str(path)


def test_no_family_judgments_at_all(tmp_path: Path) -> None:
    text = PAIRS.split("indicators:")[0].split("families:")[0] + "indicators:" + PAIRS.split(
        "indicators:"
    )[1]
    path = write(tmp_path, text)
    with pytest.raises(InputError) as e:
        load(path)
    assert str(e.value) == (
        f"{path}:families: no judgments for families, which has 3 items (population, "
        "economy, talent) — add families.pairs with at least 2 pairs that link all of them, "
        "e.g. {a: population, b: economy, value: ...}"
    )


MATRIX_ERRORS = [
    (
        "not reciprocal",
        ("      - [1/2, 1, 3]", "      - [1/3, 1, 3]"),
        "6:families.matrix.rows[0][1]: a[economy, population] = 2 but "
        "a[population, economy] = 1/3; the matrix is not reciprocal — "
        "set a[economy, population] = 3 (a_ji = 1/a_ij)",
    ),
    (
        "too few rows",
        ("      - [1/5, 1/3, 1]\n", ""),
        "5:families.matrix.rows: the matrix has 2 rows for 3 families; it must be square — "
        "write one row per id in order",
    ),
    (
        "short row",
        ("      - [1/2, 1, 3]", "      - [1/2, 1]"),
        "7:families.matrix.rows[1]: row 1 (population) has 2 values for 3 families; "
        "the matrix must be square — write one value per id in order",
    ),
    (
        "diagonal not 1",
        ("      - [1/2, 1, 3]", "      - [1/2, 2, 3]"),
        "7:families.matrix.rows[1][1]: a[population, population] = 2 but an item compares "
        "to itself as 1 — set the diagonal to 1",
    ),
    (
        "value off the scale",
        ("        - [1, 2, 4]", "        - [1, 2, 12]"),
        "17:indicators.economy.matrix.rows[0][2]: value 12 is not on the Saaty scale "
        "(1/9 to 9) — use a number from 1 to 9 or its reciprocal; the nearest is 9",
    ),
    (
        "order leaves an id out",
        ("order: [economy, population, talent]", "order: [economy, population]"),
        "4:families.matrix.order: order leaves out talent — list all the families once; "
        "use null for comparisons you leave out",
    ),
    (
        "order names an unknown id",
        ("order: [economy, population, talent]", "order: [economy, population, skills]"),
        "4:families.matrix.order[2]: unknown family skills — "
        "the families are population, economy, talent",
    ),
    (
        "order repeats an id",
        ("order: [economy, population, talent]", "order: [economy, population, economy]"),
        "4:families.matrix.order[2]: economy is listed twice in order — list each id once",
    ),
    (
        "missing rows key",
        ("    rows:\n      - [1, 2, 5]\n      - [1/2, 1, 3]\n      - [1/5, 1/3, 1]\n", ""),
        "3:families.matrix: key rows is missing — add rows: under families.matrix",
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in MATRIX_ERRORS], ids=[c[0] for c in MATRIX_ERRORS]
)
def test_matrix_file_errors(tmp_path: Path, edit, expected) -> None:
    path = write(tmp_path, edited(MATRIX, *edit))
    with pytest.raises(InputError) as e:
        load(path)
    assert str(e.value) == f"{path}:{expected}"


def test_pair_given_both_ways_consistently_is_accepted(tmp_path: Path) -> None:
    text = edited(PAIRS, "    - {a: economy, b: talent, value: 5}\n",
                  "    - {a: economy, b: talent, value: 5}\n"
                  "    - {a: talent, b: economy, value: 1/5}\n")
    assert load(write(tmp_path, text)).families.values[2][1] == 0.2


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load(tmp_path / "nobody.yaml")
    assert str(e.value) == f"{tmp_path / 'nobody.yaml'}: judgment file not found — check the path"
    path = write(tmp_path, "# nothing yet\n")
    with pytest.raises(InputError) as e:
        load(path)
    assert str(e.value) == (
        f"{path}: the judgment file is empty — start from criteria/judgments/expert_wang.yaml"
    )


# --------------------------------------------------------------------------
# Consistency
# --------------------------------------------------------------------------

INCONSISTENT = edited(PAIRS, "tertiary_share, value: 4}", "tertiary_share, value: 1/4}")

# share/growth = 2 and growth/tertiary = 2 imply share/tertiary = 4; the file
# says 1/4.  In a 3 × 3 matrix all three judgments deviate equally, so the
# suggestion is the smallest change that reaches CR ≤ 0.10.
INCONSISTENT_MESSAGE = (
    "11:indicators.economy: indicators.economy of expert 张三 is inconsistent: "
    "CR = 0.790 > 0.10 (λmax = 3.9167, n = 3, RI table saaty1980) — revise gdp_share vs "
    "gdp_growth (indicators.economy.pairs[0].value, line 13) from 2 to 1/3 "
    "(CR becomes 0.093), or pass --allow-inconsistent (allow_inconsistent: true in the "
    "criteria set) to keep it"
)


def test_inconsistent_matrix_raises_with_revisions(tmp_path: Path) -> None:
    path = write(tmp_path, INCONSISTENT)
    j = load(path)
    with pytest.raises(InputError) as e:
        check_consistency(j)
    assert str(e.value) == f"{path}:{INCONSISTENT_MESSAGE}"


def test_inconsistent_matrix_allowed_gives_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, INCONSISTENT)
    assert check_consistency(load(path), allow_inconsistent=True) == (
        f"{path}:{INCONSISTENT_MESSAGE}",
    )


def test_revisions_keep_the_experts_orientation(tmp_path: Path) -> None:
    """Written as growth vs share = 1/2, the revision reads 1/2 → 3."""
    text = edited(INCONSISTENT, "{a: gdp_share, b: gdp_growth, value: 2}",
                  "{a: gdp_growth, b: gdp_share, value: 1/2}")
    path = write(tmp_path, text)
    warnings = check_consistency(load(path), allow_inconsistent=True)
    assert "revise gdp_growth vs gdp_share (indicators.economy.pairs[0].value, line 13) " \
        "from 1/2 to 3 (CR becomes 0.093)" in warnings[0]
    result = ahp_weights([load(path)], allow_inconsistent=True)
    assert [r.to_dict() for r in result.revisions if r.expert == "张三"] == [
        {"matrix": "indicators.economy", "expert": "张三", "pair": ["gdp_growth", "gdp_share"],
         "current": 0.5, "suggested": 3.0}
    ]


def test_ahp_weights_refuses_inconsistent_experts(tmp_path: Path) -> None:
    path = write(tmp_path, INCONSISTENT)
    with pytest.raises(InputError) as e:
        ahp_weights([load(path)])
    assert str(e.value) == f"{path}:{INCONSISTENT_MESSAGE}"


def test_ahp_weights_with_inconsistency_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, INCONSISTENT)
    result = ahp_weights([load(path)], allow_inconsistent=True)
    # One expert: the aggregate is that expert's matrix, inconsistent too.
    assert [(r["matrix"], r["expert"]) for r in result.to_dict()["revisions"]] == [
        ("indicators.economy", "张三"),
        ("indicators.economy", "aggregate"),
    ]
    assert result.warnings[0] == f"{path}:{INCONSISTENT_MESSAGE}"
    assert result.warnings[1].startswith(
        "indicators.economy: indicators.economy of the experts' aggregate is inconsistent"
    )
    assert sum(result.weights.values()) == pytest.approx(1.0)


# --------------------------------------------------------------------------
# Weights from several experts
# --------------------------------------------------------------------------

EXPERT_1 = """\
expert: {name: 甲, role: 规划}
families:
  pairs:
    - {a: economy, b: population, value: 2}
    - {a: economy, b: talent, value: 4}
    - {a: population, b: talent, value: 2}
indicators:
  population:
    pairs: [{a: pop_growth, b: urban_pop, value: 2}]
  economy:
    pairs:
      - {a: gdp_share, b: gdp_growth, value: 2}
      - {a: gdp_share, b: tertiary_share, value: 4}
      - {a: gdp_growth, b: tertiary_share, value: 2}
"""

EXPERT_2 = """\
expert: {name: 乙, role: 财政}
families:
  matrix:
    order: [population, economy, talent]
    rows: [[1, 1/2, 1/2], [2, 1, 1], [2, 1, 1]]
indicators:
  population:
    pairs: [{a: urban_pop, b: pop_growth, value: 2}]
  economy:
    pairs:
      - {a: gdp_share, b: gdp_growth, value: 2}
      - {a: gdp_share, b: tertiary_share, value: 4}
"""


def test_two_experts_by_hand(tmp_path: Path) -> None:
    """AIJ, then family × local weights, all by hand.

    Families (population, economy, talent): expert 1 is consistent with
    (2, 4, 1), expert 2 with (1, 2, 2).  With equal weights the geometric mean
    of consistent matrices is consistent with the geometric mean of their
    vectors, (√2, 2√2, √2) ∝ (1, 2, 1) → W = (1/4, 1/2, 1/4).
    Population: 2 and 1/2 → 1 → (1/2, 1/2).  Economy: expert 1 consistent
    with (4, 2, 1); expert 2 leaves growth vs tertiary out, estimated 4/2 = 2,
    the same → (4/7, 2/7, 1/7).  Talent has one indicator → 1.
    Global: pop_growth = urban_pop = 1/4 · 1/2 = 1/8; gdp_share = 1/2 · 4/7 =
    2/7, gdp_growth = 1/7, tertiary_share = 1/14; senior_share = 1/4.
    """
    experts = [
        load(write(tmp_path, EXPERT_1, "e1.yaml")),
        load(write(tmp_path, EXPERT_2, "e2.yaml")),
    ]
    result = ahp_weights(experts)
    assert result.families == pytest.approx(
        {"population": 1 / 4, "economy": 1 / 2, "talent": 1 / 4}, abs=1e-12
    )
    expected = {
        "pop_growth": 1 / 8, "urban_pop": 1 / 8, "gdp_share": 2 / 7, "gdp_growth": 1 / 7,
        "tertiary_share": 1 / 14, "senior_share": 1 / 4,
    }
    assert result.weights == pytest.approx(expected, abs=1e-12)
    assert list(result.weights) == list(expected)
    assert result.local["talent"] == {"senior_share": 1.0}

    d = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert list(d) == ["weighting", "weights", "families", "consistency", "revisions"]
    assert d["weighting"] == "ahp"
    assert d["revisions"] == []
    assert [(c["expert"], c["matrix"]) for c in d["consistency"]] == [
        ("甲", "families"), ("甲", "indicators.population"), ("甲", "indicators.economy"),
        ("乙", "families"), ("乙", "indicators.population"), ("乙", "indicators.economy"),
        ("aggregate", "families"), ("aggregate", "indicators.population"),
        ("aggregate", "indicators.economy"),
    ]
    entry = d["consistency"][5]
    assert set(entry) == {
        "matrix", "expert", "n", "lambda_max", "ci", "cr", "ri", "ri_table", "acceptable",
        "estimated_pairs",
    }
    assert entry["n"] == 3 and entry["ri"] == 0.58 and entry["ri_table"] == "saaty1980"
    assert entry["acceptable"] is True
    assert entry["cr"] == pytest.approx(0.0, abs=1e-12)
    assert entry["estimated_pairs"] == [
        {"pair": ["gdp_growth", "tertiary_share"], "value": pytest.approx(2.0, abs=1e-12)}
    ]


def test_expert_weights_enter_the_aggregate(tmp_path: Path) -> None:
    """Weights 3 and 1 → (3/4, 1/4): population = 2^(3/4) · (1/2)^(1/4) = √2 × pop_growth."""
    one = edited(EXPERT_1, "role: 规划}", "role: 规划, weight: 3}")
    experts = [load(write(tmp_path, one, "e1.yaml")), load(write(tmp_path, EXPERT_2, "e2.yaml"))]
    result = ahp_weights(experts)
    r = 2 ** 0.5
    assert result.local["population"] == pytest.approx(
        {"pop_growth": r / (1 + r), "urban_pop": 1 / (1 + r)}, abs=1e-12
    )


def test_same_expert_twice_is_refused(tmp_path: Path) -> None:
    first = write(tmp_path, EXPERT_1, "e1.yaml")
    second = write(tmp_path, edited(EXPERT_2, "name: 乙", "name: 甲"), "e2.yaml")
    with pytest.raises(InputError) as e:
        ahp_weights([load(first), load(second)])
    assert str(e.value) == (
        f"{second}:1:expert.name: expert 甲 also gave the judgments in {first} — "
        "give each expert one file, or tell two experts apart by name"
    )


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load_judgments_dir(tmp_path, FAMILIES, INDICATORS)
    assert str(e.value) == (
        f"{tmp_path}: no judgment files (*.yaml) found — add one file per expert, "
        "like criteria/judgments/expert_wang.yaml"
    )


# --------------------------------------------------------------------------
# The sample judgment files shipped with the default criteria set
# --------------------------------------------------------------------------


def default_criteria() -> tuple[list[str], dict[str, list[str]]]:
    data = yaml.safe_load((ROOT / "criteria" / "default.yaml").read_text(encoding="utf-8"))
    families = [f["id"] for f in data["families"]]
    indicators = {
        f: [i["id"] for i in data["indicators"] if i["family"] == f] for f in families
    }
    return families, indicators


def test_sample_judgments_are_consistent() -> None:
    families, indicators = default_criteria()
    experts = load_judgments_dir(ROOT / "criteria" / "judgments", families, indicators)
    assert len(experts) == 3
    result = ahp_weights(experts)
    assert all(c.result.cr <= 0.10 for c in result.consistency)
    assert result.warnings == () and result.revisions == ()
    assert set(result.weights) == {i for ids in indicators.values() for i in ids}
    assert sum(result.weights.values()) == pytest.approx(1.0, abs=1e-12)
    # A planner's view: economy and public services outweigh talent.
    assert result.families["economy"] > result.families["talent"]
    assert result.families["public_services"] > result.families["talent"]
    # One file is written as full matrices; one leaves pairs out.
    columns = [s.column for e in experts for m in e.matrices() for s in m.sources.values()]
    assert any(".matrix.rows" in c for c in columns)
    estimated = {
        (c.expert, c.matrix): c.result.estimated_pairs
        for c in result.consistency
        if c.result.estimated_pairs
    }
    assert {key: [p[:2] for p in pairs] for key, pairs in estimated.items()} == {
        ("陈立", "families"): [("fiscal", "talent")],
        ("陈立", "indicators.infrastructure"): [("gas_gap", "leakage_gap")],
    }


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a byte-order mark."""
    path = tmp_path / "bom.yaml"
    path.write_bytes(PAIRS.encode("utf-8-sig"))
    assert load(path).expert.name == "张三"
