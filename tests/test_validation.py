"""Every way the inputs can be wrong, through the CLI.

Each case checks the exit code (2), the whole error line
``Error: <file>:<row>:<column>: <what is wrong> — <what to do>`` and that no
traceback reaches the user.  The tests run in a temporary directory so that
file names appear as the user typed them.
"""

from __future__ import annotations

import json

import pytest
from foundation_support import (
    assert_error,
    edited_sample,
    run_cli,
    sample_rows,
    set_cell,
    write_rows,
)

from evalkit.methods.registry import WEIGHTING_METHODS
from evalkit.model.criteria import WEIGHTING_KEYS

HEADER = sample_rows()[0]
HAS = ", ".join(HEADER)
MISSING_HINT = "add it, or correct the criteria set; the file has: "
CELL_HINT = "write a plain number such as 12.5"
ZERO_HINT = "correct the value, or drop the town or the indicator"

# A small criteria set over the sample table; cases below edit one line of it.
MINI = """\
name: mini
version: "0.1"
families:
  - id: economy
    label: {zh: 经济实力, en: Economic weight}
  - id: fiscal
    label: {zh: 财政自给, en: Fiscal self-sufficiency}
indicators:
  - id: gdp_share
    family: economy
    direction: max
    share: {part: gdp_2022, whole: 850}
    scale: 100
  - id: pop_growth
    family: economy
    direction: max
    growth: {start: pop_2019, end: pop_2022, years: 3}
  - id: self_sufficiency
    family: fiscal
    direction: max
    ratio: {numerator: revenue, denominator: expenditure}
weighting:
  method: entropy
  standardization: minmax
ranking:
  normalization: vector
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def mini(tmp_path, old: str = "", new: str = "", name: str = "mini.yaml") -> tuple[str, int]:
    """Write MINI with the first ``old`` replaced by ``new``; return its name and that line."""
    text = MINI
    line = 0
    if old:
        assert old in text, old
        line = text[: text.index(old)].count("\n") + 1
        text = text.replace(old, new, 1)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name, line


def sample(tmp_path, edit, name: str = "towns.csv") -> str:
    edited_sample(tmp_path / name, edit)
    return name


COMMANDS = pytest.mark.parametrize("command", ["validate", "rank"])


# --------------------------------------------------------------------------
# Candidate tables
# --------------------------------------------------------------------------

@COMMANDS
def test_missing_column(tmp_path, command) -> None:
    def rename(rows):
        rows[0][rows[0].index("pop_2019")] = "pop2019"

    name = sample(tmp_path, rename)
    header = ", ".join(h if h != "pop_2019" else "pop2019" for h in HEADER)
    assert_error(run_cli(command, "--candidates", name),
                 f"Error: towns.csv:1:pop_2019: missing column 'pop_2019' — {MISSING_HINT}{header}")


def test_unknown_column_named_by_the_criteria_set(tmp_path) -> None:
    criteria, _ = mini(tmp_path, "part: gdp_2022", "part: gdp_2030")
    name = sample(tmp_path, lambda rows: None)
    assert_error(run_cli("validate", "--criteria", criteria, "--candidates", name),
                 f"Error: towns.csv:1:gdp_2030: missing column 'gdp_2030' — {MISSING_HINT}{HAS}")


def test_missing_id_column(tmp_path) -> None:
    def drop_id(rows):
        for row in rows:
            del row[0]

    name = sample(tmp_path, drop_id)
    assert_error(run_cli("validate", "--candidates", name),
                 "Error: towns.csv:1:id: missing column 'id' — add an 'id' column; the file has: "
                 + ", ".join(HEADER[1:]))


@COMMANDS
def test_empty_cell(tmp_path, command) -> None:
    name = sample(tmp_path, lambda rows: set_cell(rows, "T1", "pop_2019", ""))
    assert_error(run_cli(command, "--candidates", name),
                 "Error: towns.csv:2:pop_2019: empty cell (town T1) — fill in the value")


def test_blank_cell_is_empty(tmp_path) -> None:
    name = sample(tmp_path, lambda rows: set_cell(rows, "T3", "staff", "   "))
    assert_error(run_cli("validate", "--candidates", name),
                 "Error: towns.csv:4:staff: empty cell (town T3) — fill in the value")


@COMMANDS
def test_text_in_a_number(tmp_path, command) -> None:
    name = sample(tmp_path, lambda rows: set_cell(rows, "T2", "gdp_2022", "45亿"))
    assert_error(run_cli(command, "--candidates", name),
                 f"Error: towns.csv:3:gdp_2022: text in a number: '45亿' (town T2) — {CELL_HINT}")


@COMMANDS
def test_negative_value(tmp_path, command) -> None:
    name = sample(tmp_path, lambda rows: set_cell(rows, "T3", "revenue", "-2.2"))
    assert_error(run_cli(command, "--candidates", name),
                 "Error: towns.csv:4:revenue: negative value -2.2 (town T3) — "
                 "this statistic cannot be negative; correct the value")


def test_signed_column_may_be_negative(tmp_path) -> None:
    """A column listed in ``signed_columns`` accepts negative values."""
    criteria, _ = mini(tmp_path, "families:", "signed_columns: [revenue]\nfamilies:")
    name = sample(tmp_path, lambda rows: set_cell(rows, "T3", "revenue", "-2.2"))
    result = run_cli("validate", "--criteria", criteria, "--candidates", name)
    assert result.exit_code == 0, result.output


@COMMANDS
def test_duplicate_id(tmp_path, command) -> None:
    name = sample(tmp_path, lambda rows: set_cell(rows, "T4", "id", "T2"))
    assert_error(run_cli(command, "--candidates", name),
                 "Error: towns.csv:5:id: duplicate id 'T2' (first on row 3) — give every town its own id")


@COMMANDS
def test_zero_denominator(tmp_path, command) -> None:
    name = sample(tmp_path, lambda rows: set_cell(rows, "T4", "expenditure", "0"))
    assert_error(run_cli(command, "--candidates", name),
                 "Error: towns.csv:5:expenditure: zero denominator in ratio for indicator "
                 f"'self_sufficiency' (town T4, value 0) — {ZERO_HINT}")


def test_zero_start_of_a_growth_rate(tmp_path) -> None:
    name = sample(tmp_path, lambda rows: set_cell(rows, "T2", "pop_2019", "0"))
    assert_error(run_cli("validate", "--candidates", name),
                 "Error: towns.csv:3:pop_2019: growth needs a positive start value in growth for "
                 f"indicator 'pop_growth' (town T2, value 0) — {ZERO_HINT}")


def test_zero_denominator_inside_a_nested_derivation(tmp_path) -> None:
    """A derivation as a denominator: the error still names the town's row."""
    criteria, _ = mini(tmp_path, "denominator: expenditure",
                       "denominator: {ratio: {numerator: expenditure, denominator: pop_2022}}")
    name = sample(tmp_path, lambda rows: set_cell(rows, "T4", "expenditure", "0"))
    assert_error(run_cli("validate", "--criteria", criteria, "--candidates", name),
                 "Error: towns.csv:5: zero denominator in ratio for indicator "
                 f"'self_sufficiency' (town T4, value 0) — {ZERO_HINT}")


@COMMANDS
def test_fewer_than_two_candidates(tmp_path, command) -> None:
    name = sample(tmp_path, lambda rows: rows.__delitem__(slice(2, None)))
    assert_error(run_cli(command, "--candidates", name),
                 "Error: towns.csv: only 1 candidate town(s) — a ranking needs at least two towns")


def test_header_only(tmp_path) -> None:
    name = sample(tmp_path, lambda rows: rows.__delitem__(slice(1, None)))
    assert_error(run_cli("validate", "--candidates", name),
                 "Error: towns.csv: only 0 candidate town(s) — a ranking needs at least two towns")


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_not_a_finite_number(tmp_path, text) -> None:
    name = sample(tmp_path, lambda rows: set_cell(rows, "T1", "gdp_2022", text))
    assert_error(run_cli("rank", "--candidates", name),
                 f"Error: towns.csv:2:gdp_2022: not a finite number: '{text}' (town T1) — {CELL_HINT}")


@COMMANDS
def test_wrong_file_type(tmp_path, command) -> None:
    (tmp_path / "towns.json").write_text("[]", encoding="utf-8")
    assert_error(run_cli(command, "--candidates", "towns.json"),
                 "Error: towns.json: unsupported file type '.json' — "
                 "save the table as .csv (UTF-8 or GBK) or .xlsx")


def test_text_file_named_xlsx(tmp_path) -> None:
    (tmp_path / "towns.xlsx").write_text("id,name\nT1,a\n", encoding="utf-8")
    assert_error(run_cli("validate", "--candidates", "towns.xlsx"),
                 "Error: towns.xlsx: cannot open as an Excel workbook (BadZipFile) — "
                 "save it again from Excel as .xlsx")


def test_binary_file_named_csv(tmp_path) -> None:
    (tmp_path / "towns.csv").write_bytes(b"id,name\x00\x01\x02\nT1,a\n")
    assert_error(run_cli("validate", "--candidates", "towns.csv"),
                 "Error: towns.csv: this is not a text table (it contains NUL bytes) — "
                 "give a .csv or .xlsx file")


def test_missing_candidate_file(tmp_path) -> None:
    assert_error(run_cli("rank", "--candidates", "nowhere.csv"),
                 "Error: nowhere.csv: candidate file not found — check the path")


def test_missing_criteria_file(tmp_path) -> None:
    assert_error(run_cli("rank", "--criteria", "nowhere.yaml"),
                 "Error: nowhere.yaml: criteria file not found — check the path")


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"],
                         ids=["zero-bytes", "bom-only", "blank-lines"])
def test_empty_candidate_file(tmp_path, content) -> None:
    (tmp_path / "towns.csv").write_bytes(content)
    assert_error(run_cli("validate", "--candidates", "towns.csv"),
                 "Error: towns.csv: the file is empty — add a header row and one row per town")


def test_blank_lines_before_the_header(tmp_path) -> None:
    """Rows keep their line numbers in the file when blank lines precede the header."""
    rows = sample_rows()
    set_cell(rows, "T1", "pop_2019", "x")
    write_rows(tmp_path / "towns.csv", [[], [], *rows])
    assert_error(run_cli("validate", "--candidates", "towns.csv"),
                 f"Error: towns.csv:4:pop_2019: text in a number: 'x' (town T1) — {CELL_HINT}")


def test_empty_criteria_file(tmp_path) -> None:
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert_error(run_cli("validate", "--criteria", "empty.yaml"),
                 "Error: empty.yaml: a criteria file must be a mapping with families and indicators"
                 " — start from criteria/default.yaml")


# --------------------------------------------------------------------------
# Criteria files
# --------------------------------------------------------------------------

def test_bad_yaml_syntax(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    direction: max\n    share",
                          "    direction: max: min\n    share")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}: not valid YAML: mapping values are not allowed here — "
                 "check indentation, colons and brackets on this line")


def test_unclosed_bracket(tmp_path) -> None:
    (tmp_path / "bad.yaml").write_text("name: x\nfamilies: [economy\n", encoding="utf-8")
    assert_error(run_cli("validate", "--criteria", "bad.yaml"),
                 "Error: bad.yaml:3: not valid YAML: expected ',' or ']', but got '<stream end>' "
                 "(while parsing a flow sequence that starts on line 2) — "
                 "check indentation, colons and brackets on this line")


def test_duplicate_key(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    scale: 100\n", "    scale: 100\n    scale: 10\n")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line + 1}:indicators[0].scale: key 'scale' appears twice "
                 f"(first on line {line}) — keep one of them")


def test_unknown_top_level_key(tmp_path) -> None:
    criteria, line = mini(tmp_path, "ranking:", "rankings:")
    keys = ("city, columns, families, indicators, label, name, ranking, signed_columns, "
            "version, weighting")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:rankings: unknown key 'rankings' — use one of {keys}")


def test_unknown_indicator_key(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    scale: 100", "    unit: '%'\n    scael: 100")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line + 1}:indicators.gdp_share.scael: unknown key 'scael' — "
                 "use direction, family, id, label, note, scale, unit and one of "
                 "column, ratio, share, growth, gap")


def test_unknown_family_key(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    label: {zh: 财政自给", "    lable: {zh: 财政自给")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:families[1].lable: unknown key 'lable' — "
                 "use id, label, note, parent")


def test_comma_inside_a_flow_label(tmp_path) -> None:
    """In {en: a, b} the comma ends the text: refused, not read as the label 'a'."""
    criteria, line = mini(tmp_path, "en: Fiscal self-sufficiency}", "en: Fiscal, self-sufficiency}")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:families[1].label: the label has a stray key "
                 "'self-sufficiency': a comma inside {...} ends the text — put text containing a "
                 'comma or colon in quotes, e.g. en: "Asset recycling (REITs, PPP)"')


@pytest.mark.parametrize(("label", "message"), [
    ("{zh: 财政自给, fr: Autonomie}", "unknown label language 'fr' — use zh and en"),
    ("{zh: 财政自给, en: 12}", "the en label is empty or not text — write it as text, e.g. en: English"),
    ("{en: Fiscal self-sufficiency}", "the label has no zh text — write  label: {zh: 中文, en: English}"),
    ("[财政自给]", "a label must be text or {zh: ..., en: ...} — write  label: {zh: 中文, en: English}"),
])
def test_bad_label(tmp_path, label, message) -> None:
    criteria, line = mini(tmp_path, "{zh: 财政自给, en: Fiscal self-sufficiency}", label)
    column = "families[1].label.en" if "en label" in message else "families[1].label"
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:{column}: {message}")


def test_quoted_label_with_a_comma(tmp_path) -> None:
    criteria, _ = mini(tmp_path, "en: Fiscal self-sufficiency}", 'en: "Fiscal, self-sufficiency"}')
    result = run_cli("validate", "--criteria", criteria)
    assert result.exit_code == 0, result.output


def test_unknown_weighting_key(tmp_path) -> None:
    """A misspelt option must not be ignored (the default would be used silently)."""
    criteria, line = mini(tmp_path, "  standardization: minmax", "  standardisation: raw")
    assert_error(run_cli("rank", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:weighting.standardisation: unknown key "
                 f"'standardisation' in weighting — use {', '.join(sorted(WEIGHTING_KEYS))}")


def test_unknown_ranking_key(tmp_path) -> None:
    criteria, line = mini(tmp_path, "  normalization: vector", "  normalisation: vector")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:ranking.normalisation: unknown key 'normalisation' in "
                 "ranking — use normalization, distance or also")


def test_unknown_family(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    family: fiscal", "    family: finance")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:indicators.self_sufficiency.family: unknown family "
                 "'finance' — use one of economy, fiscal")


def test_bad_direction(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    direction: max", "    direction: benefit")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:indicators.gdp_share.direction: direction must be max or "
                 "min, got 'benefit' — write direction: max (more is better) or min (less is better)")


GROWTH = "    growth: {start: pop_2019, end: pop_2022, years: 3}"


@pytest.mark.parametrize(("new", "message"), [
    ("    growth: {start: pop_2019, end: pop_2022, years: -3}",
     "growth.years must be positive, got -3 — use a positive number"),
    ("    growth: {start: pop_2019, end: pop_2022, years: three}",
     "growth.years must be a number, got 'three' — write years: <number>"),
    ("    growth: {start: pop_2019, end: pop_2022, year: 3}",
     "growth has no parameter 'year' — use end, start, years"),
    ("    growth: {start: pop_2019, years: 3}",
     "growth is missing 'end' — add end: <column or number>"),
    ("    growth: {start: 0, end: pop_2022, years: 3}",
     "growth.start must be positive, got 0 — use a positive number or a column"),
    ("    growth: pop_2019",
     "growth needs a mapping with start, end, years — write e.g. growth: {...}"),
    ("    growth: {start: [pop_2019], end: pop_2022, years: 3}",
     "growth.start must be a column name, a number or a derivation, got ['pop_2019'] — "
     "write a column name such as gdp_2022"),
], ids=["negative-years", "text-years", "unknown-parameter", "missing-operand", "zero-start",
        "not-a-mapping", "list-operand"])
def test_bad_derivation_parameters(tmp_path, new, message) -> None:
    criteria, line = mini(tmp_path, GROWTH, new)
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:indicators.pop_growth.growth: {message}")


def test_bad_gap_sense(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    share: {part: gdp_2022, whole: 850}",
                          "    gap: {value: sewage_rate, target: 90, sense: up}")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:indicators.gdp_share.gap: gap.sense must be one of max, "
                 "min, got 'up' — write sense: max")


def test_zero_number_as_denominator(tmp_path) -> None:
    """A constant zero denominator is the criteria file's fault, not the table's."""
    criteria, line = mini(tmp_path, "whole: 850", "whole: 0")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:indicators.gdp_share.share: share.whole must not be 0 — "
                 "use a non-zero number or a column")


def test_two_value_sources(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    scale: 100", "    scale: 100\n    column: gdp_2022")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line + 1}:indicators.gdp_share.column: needs exactly one value "
                 "source (column|ratio|share|growth|gap), found column, share — "
                 "give a column name or one derivation")


def test_zero_scale(tmp_path) -> None:
    criteria, line = mini(tmp_path, "    scale: 100", "    scale: 0")
    assert_error(run_cli("validate", "--criteria", criteria),
                 f"Error: mini.yaml:{line - 1}:indicators.gdp_share.share: scale must be a non-zero "
                 "number, got 0 — write e.g. scale: 100")


def test_unknown_weighting_method_in_file(tmp_path) -> None:
    criteria, line = mini(tmp_path, "  method: entropy", "  method: magic")
    methods = ", ".join(WEIGHTING_METHODS)
    for command in ("validate", "rank"):
        assert_error(run_cli(command, "--criteria", criteria),
                     f"Error: mini.yaml:{line}:weighting.method: unknown weighting method 'magic' — "
                     f"use one of {methods}")


def test_unknown_weighting_method_on_the_command_line() -> None:
    result = run_cli("rank", "--weighting", "magic")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "Invalid value for '--weighting'" in result.stderr


def test_unknown_entropy_standardization(tmp_path) -> None:
    criteria, line = mini(tmp_path, "  standardization: minmax", "  standardization: log")
    assert_error(run_cli("rank", "--criteria", criteria),
                 f"Error: mini.yaml:{line}:weighting.standardization: unknown entropy "
                 "standardization 'log' — use raw or minmax")


FIXED = "weighting:\n  method: entropy\n  standardization: minmax\n"


def test_fixed_weights_missing_an_indicator(tmp_path) -> None:
    criteria, line = mini(tmp_path, FIXED,
                          "weighting:\n  method: fixed\n  weights: {gdp_share: 0.5, pop_growth: 0.5}\n")
    assert_error(run_cli("rank", "--criteria", criteria),
                 f"Error: mini.yaml:{line + 2}:weighting.weights: no weight for indicator "
                 "'self_sufficiency' — give every indicator a weight (0 to leave it out)")


def test_fixed_weight_for_an_unknown_indicator(tmp_path) -> None:
    criteria, line = mini(tmp_path, FIXED,
                          "weighting:\n  method: fixed\n  weights:\n    gdp_share: 0.5\n"
                          "    pop_growht: 0.2\n    self_sufficiency: 0.3\n")
    assert_error(run_cli("rank", "--criteria", criteria),
                 f"Error: mini.yaml:{line + 4}:weighting.weights.pop_growht: weight for unknown "
                 "indicator 'pop_growht' — use the indicator ids: gdp_share, pop_growth, "
                 "self_sufficiency")


def test_fixed_weight_not_a_number(tmp_path) -> None:
    criteria, line = mini(tmp_path, FIXED,
                          "weighting:\n  method: fixed\n  weights:\n    gdp_share: 0.5\n"
                          "    pop_growth: high\n    self_sufficiency: 0.3\n")
    assert_error(run_cli("rank", "--criteria", criteria),
                 f"Error: mini.yaml:{line + 4}:weighting.weights.pop_growth: weight of 'pop_growth' "
                 "must be a non-negative number, got 'high' — write e.g. 0.2")


def test_fixed_weighting_without_weights(tmp_path) -> None:
    criteria, line = mini(tmp_path, FIXED, "weighting:\n  method: fixed\n")
    assert_error(run_cli("rank", "--criteria", criteria),
                 f"Error: mini.yaml:{line + 1}:weighting.weights: fixed weighting needs weights: "
                 "{indicator_id: weight, ...} — list a weight for every indicator")


def test_constant_indicator_warns_and_gets_weight_zero(tmp_path) -> None:
    """A column equal for every town: exit 0, a warning on stderr, weight 0 under entropy."""
    criteria, _ = mini(tmp_path, "ratio: {numerator: revenue, denominator: expenditure}",
                       "column: water_leakage")
    name = sample(tmp_path, lambda rows: [set_cell(rows, f"T{i}", "water_leakage", "20")
                                          for i in range(1, 6)])
    result = run_cli("rank", "--criteria", criteria, "--candidates", name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert ("Warning: indicator 'self_sufficiency' has the same value for every town: it cannot "
            "separate them (weight 0 under entropy and CRITIC)") in result.stderr.splitlines()
    out = json.loads(result.stdout)
    assert out["weighting"]["method"] == "entropy"
    assert out["weights"]["self_sufficiency"] == 0
    assert sum(out["weights"].values()) == pytest.approx(1.0, abs=1e-12)
    assert out["warnings"]  # the warnings are in the JSON as well

    result = run_cli("validate", "--criteria", criteria, "--candidates", name)
    assert result.exit_code == 0
    assert "Warning: indicator 'self_sufficiency' has the same value" in result.stderr


def test_xlsx_format_needs_an_output_file(tmp_path) -> None:
    result = run_cli("rank", "--format", "xlsx")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "Error: --format xlsx needs --output FILE.xlsx" in result.stderr.splitlines()
