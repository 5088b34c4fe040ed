"""`evalkit select` end to end on the bundled sample and scenario."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from foundation_support import invoke as run

from evalkit.paths import DEFAULT_SCENARIO

CONTRACT = ["status", "objective", "gap", "selected", "constraints", "financing", "excluded",
            "why_not", "alternatives"]



def test_work_plan_scenario_json_contract_and_brute_force() -> None:
    """oracles.md, Selection: five towns, choose three — check all ten sets by hand."""
    code, out, _ = run("select", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert list(data)[:9] == CONTRACT
    assert data["status"] == "optimal" and data["gap"] == 0
    _, rank_out, _ = run("rank", "--format", "json")
    closeness = {t["id"]: t["closeness"] for t in json.loads(rank_out)["ranking"]}
    excluded = {e["id"] for e in data["excluded"]}
    best = max(
        (sum(closeness[t] for t in subset), subset)
        for subset in itertools.combinations(sorted(closeness), 3)
        if not excluded & set(subset) and _fits(subset, data)
    )
    assert data["objective"] == pytest.approx(best[0], abs=1e-9)
    assert sorted(t["id"] for t in data["selected"]) == list(best[1])
    for c in data["constraints"]:
        assert c["slack"] == pytest.approx(c["limit"] - c["used"], abs=1e-9)


def _fits(subset: tuple[str, ...], data: dict) -> bool:
    """The category and talent limits for a subset, from the sample's costs (towns.csv)."""
    costs = {"T1": (30, 16, 10, 62), "T2": (27, 15, 9, 58), "T3": (25, 14, 8, 66),
             "T4": (24, 14, 9, 60), "T5": (26, 15, 7, 71)}
    limits = {c["name"]: c["limit"] for c in data["constraints"]}
    sums = [sum(costs[t][k] for t in subset) for k in range(4)]
    return (sums[0] <= limits["budget.infrastructure"] and sums[1] <= limits["budget.public_services"]
            and sums[2] <= limits["budget.industrial"] and sum(sums[:3]) <= limits["budget.total"]
            and sums[3] <= limits["talent"])


def test_highs_agrees_with_cbc_and_pick_overrides_the_scenario() -> None:
    _, cbc, _ = run("select", "--format", "json", "--pick", "2")
    _, highs, _ = run("select", "--format", "json", "--pick", "2", "--solver", "highs")
    a, b = json.loads(cbc), json.loads(highs)
    assert len(a["selected"]) == 2
    assert a["objective"] == pytest.approx(b["objective"], abs=1e-9)
    assert {t["id"] for t in a["selected"]} == {t["id"] for t in b["selected"]}


def test_table_names_the_chosen_towns() -> None:
    code, out, _ = run("select")
    assert code == 0
    assert "青山镇 T1" in out and "budget.total" in out and "排除: 柳塘镇 T5" in out


def test_infeasible_budget_is_diagnosed(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8").replace("  total: 180", "  total: 120")
    # A budget that is not the plan's is a declared departure, with its reason.
    text = text.replace("  budget.total: programme_total\n", "").replace(
        "departs_from_plan:\n", "departs_from_plan:\n  budget.total: {why: what if the total were 120}\n")
    text = text.replace("plan: plan.yaml", f"plan: {DEFAULT_SCENARIO.parent / 'plan.yaml'}")
    scenario.write_text(text.replace("standards: standards.yaml",
                                     f"standards: {DEFAULT_SCENARIO.parent / 'standards.yaml'}"),
                        encoding="utf-8")
    line = text.splitlines().index("  total: 120") + 1
    code, _, err = run("select", "--scenario", str(scenario))
    assert code == 3  # the data are fine, but no selection fits (README: exit codes)
    assert err.strip() == (
        f"Error: {scenario}:{line}:budget.total: no selection of exactly 3 towns meets every limit: "
        "budget.total needs 35 亿元 more (120 → 155) — loosen these limits by at least the "
        "amounts shown (together they suffice), or change convert, must_include or the screens")


def test_bad_cost_cell_names_row_and_column(tmp_path: Path) -> None:
    from evalkit.paths import DEFAULT_CANDIDATES

    table = tmp_path / "towns.csv"
    lines = DEFAULT_CANDIDATES.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rsplit(",", 4)[0] + ",二十七,15,9,58"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run("select", "--candidates", str(table))
    assert code == 2
    assert err.strip() == (f"Error: {table}:3:cost_infrastructure: text in a number: '二十七' "
                           "(town T2) — write a plain number such as 12.5")
