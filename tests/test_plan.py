"""The work plan as data: plan.yaml, the scenario's and targets' references to it, the report section."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evalkit.decide.scenario import load_scenario
from evalkit.errors import InputError
from evalkit.model.plan import load_plan
from evalkit.model.targets import load_targets
from evalkit.paths import DEFAULT_SCENARIO

CRITERIA = DEFAULT_SCENARIO.parent
PLAN = CRITERIA / "plan.yaml"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A copy of the bundled criteria folder to edit."""
    for name in ("plan.yaml", "scenario.yaml", "standards.yaml", "targets.yaml"):
        shutil.copy(CRITERIA / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if fragment in line)


def test_sample_plan_holds_the_brief_figures_and_contradictions() -> None:
    plan = load_plan(PLAN)
    values = {f.id: f.value for f in plan}
    # Brief §2: the plan's 2027 targets, not today's city-proper levels.
    assert values["target_gas"] == 75 and plan.figures["target_gas"].compare == ">="
    assert values["target_leakage"] == 10 and plan.figures["target_leakage"].compare == "<="
    assert values["target_waste"] == 95 and values["target_gdp_per_head"] == 15
    assert values["target_model_schools"] == 50
    assert values["programme_total"] == 180 and values["risk_reserve"] == 10
    assert sum(values[f"source_{s}"] for s in ("grants", "land_revenue", "special_bonds",
                                                "guidance_fund", "asset_recycling")) == 165
    ids = {c.id for c in plan.contradictions}
    assert {"largest_town_share", "conversion_cost", "own_revenue", "funding_mix", "reserve_rule",
            "recruits", "talent_gap", "waste_target", "deadline"} <= ids
    share = next(c for c in plan.contradictions if c.id == "largest_town_share")
    assert [s.value for s in share.statements] == [8.7, 14.1]
    assert share.chosen is not None and share.chosen.value == 14.1
    assert all(c.why.get("zh") and c.why.get("en") for c in plan.contradictions)


def test_sample_scenario_follows_the_plan_and_holds_the_reserve_back() -> None:
    scenario = load_scenario(DEFAULT_SCENARIO)
    assert scenario.spendable_total == 170  # 180 − the plan's 10, not 180 × 0.95 = 171
    assert scenario.risk_reserve == 10
    followed = {link.key: link.figure.id for link in scenario.plan_links
                if link.follows and link.figure}
    assert followed["budget.total"] == "programme_total"
    assert followed["talent.capacity"] == "recruits_high_level"
    departs = {link.key for link in scenario.plan_links if not link.follows}
    assert {"phasing.years", "screens"} <= departs
    assert all(link.why.get("zh") for link in scenario.plan_links if not link.follows)


def test_a_followed_value_that_is_not_the_plans_is_an_error(folder: Path) -> None:
    scenario = _edit(folder / "scenario.yaml", "  total: 180", "  total: 200")
    with pytest.raises(InputError) as caught:
        load_scenario(scenario)
    error = caught.value
    assert error.row == _line(scenario, "budget.total: programme_total")
    assert error.column == "follows_plan.budget.total"
    assert "200 is not the plan's programme_total (180 亿元, §7.2)" in error.what
    assert "departs_from_plan" in error.hint


def test_an_unknown_plan_figure_is_an_error(folder: Path) -> None:
    scenario = _edit(folder / "scenario.yaml", "talent.capacity: recruits_high_level",
                     "talent.capacity: recruits")
    with pytest.raises(InputError) as caught:
        load_scenario(scenario)
    assert caught.value.row == _line(scenario, "talent.capacity: recruits")
    assert "'recruits' is not a figure of the plan plan.yaml" in caught.value.what


def test_a_departure_needs_a_reason(folder: Path) -> None:
    scenario = folder / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    start = text.index("  phasing.years:\n")
    end = text.index("  sources.asset_recycling.funds:")
    scenario.write_text(text[:start] + "  phasing.years: {plan: programme_total}\n" + text[end:],
                        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(scenario)
    assert "a departure from the plan needs the reason: phasing.years" in caught.value.what
    assert caught.value.row == _line(scenario, "phasing.years: {plan")


def test_a_key_path_the_scenario_does_not_hold_is_an_error(folder: Path) -> None:
    scenario = _edit(folder / "scenario.yaml", "  budget.total: programme_total",
                     "  budget.totl: programme_total")
    with pytest.raises(InputError, match=r"the scenario has no value at budget\.totl"):
        load_scenario(scenario)


def test_follows_and_departs_need_the_plan_file(folder: Path) -> None:
    scenario = _edit(folder / "scenario.yaml", "plan: plan.yaml\n", "")
    with pytest.raises(InputError) as caught:
        load_scenario(scenario)
    assert caught.value.what == "follows_plan needs the plan file"


def test_risk_reserve_as_amount_or_rate_not_both(folder: Path) -> None:
    scenario = _edit(folder / "scenario.yaml", "  risk_reserve: 10",
                     "  risk_reserve: 10\n  risk_reserve_rate: 0.05")
    with pytest.raises(InputError, match="either as an amount or as a rate, not both"):
        load_scenario(scenario)


def test_a_reserve_as_large_as_the_total_is_refused(folder: Path) -> None:
    scenario = _edit(folder / "scenario.yaml", "  risk_reserve: 10", "  risk_reserve: 180")
    scenario = _edit(scenario, "  budget.risk_reserve: risk_reserve\n", "")
    with pytest.raises(InputError, match="leaves nothing of the total 180 to spend"):
        load_scenario(scenario)


def test_targets_name_their_plan_figure(folder: Path) -> None:
    targets = load_targets(folder / "targets.yaml")
    by_id = {t.id: t for t in targets}
    assert by_id["gas"].target == 75 and by_id["gas"].plan.section == "§5.3"
    assert by_id["leakage"].compare == "<=" and by_id["leakage"].target == 10
    # The bed target is another city's: no plan figure, its own source, labelled.
    assert by_id["beds"].plan is None and "其他文件" in by_id["beds"].source


def test_a_target_that_is_not_the_plans_is_an_error(folder: Path) -> None:
    path = _edit(folder / "targets.yaml", "    target: 75\n    plan: target_gas",
                 "    target: 80\n    plan: target_gas")
    with pytest.raises(InputError) as caught:
        load_targets(path)
    assert caught.value.row == _line(path, "plan: target_gas")
    assert caught.value.column == "targets[2].plan"
    assert "80 is not the plan's target_gas (75 %, §5.3)" in caught.value.what


def test_a_target_with_the_wrong_direction_is_an_error(folder: Path) -> None:
    path = _edit(folder / "targets.yaml", '    compare: "<="\n    target: 10',
                 '    compare: ">="\n    target: 10')
    with pytest.raises(InputError, match="compare '>=' is not the plan's '<=' for target_leakage"):
        load_targets(path)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("used: computed", "used: stated_twice", "used must name one of the statements"),
    ("  - {id: city_urbanisation,", "  - {id: city_gdp,", "figure id 'city_gdp' appears twice"),
    ("value: 850, unit: 亿元", "value: eight hundred, unit: 亿元", "value must be a number"),
    ("column: gdp_2022, aggregate: max", "column: gdp_2022, aggregate: median",
     "aggregate must be one of max, min, sum, mean"),
    ('section: "§7.1"}', 'section: ""}', "section must be text"),
])
def test_plan_file_errors_name_the_line(folder: Path, old: str, new: str, message: str) -> None:
    path = _edit(folder / "plan.yaml", old, new)
    with pytest.raises(InputError) as caught:
        load_plan(path)
    assert message in caught.value.what
    assert caught.value.file == path and caught.value.row is not None


def test_a_contradiction_needs_its_reason(folder: Path) -> None:
    path = folder / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    used: computed\n    why:\n")
    end = text.index("  - id: conversion_cost")
    path.write_text(text[:start] + "    used: computed\n" + text[end:], encoding="utf-8")
    with pytest.raises(InputError, match="a contradiction needs 'why'"):
        load_plan(path)


# --- the report's section 与工作方案的衔接 ----------------------------------------------


def _summary(criteria_text: str | None, tmp_path: Path) -> str:
    import re

    from evalkit import evaluate, load_candidates, load_criteria
    from evalkit import report as rep
    from evalkit.decide.selection import select_towns
    from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA

    criteria_path = DEFAULT_CRITERIA
    if criteria_text is not None:
        shutil.copytree(DEFAULT_CRITERIA.parent, tmp_path / "criteria")
        criteria_path = tmp_path / "criteria" / DEFAULT_CRITERIA.name
        criteria_path.write_text(criteria_text, encoding="utf-8")
    evaluation = evaluate(load_criteria(criteria_path), load_candidates(DEFAULT_CANDIDATES))
    selection = select_towns(evaluation, load_scenario(DEFAULT_SCENARIO))
    report = rep.build_report(evaluation, selection=selection,
                              targets=DEFAULT_SCENARIO.parent / "targets.yaml")
    html = rep.summary_html(report, "zh").replace("<wbr>", "")  # a break opportunity, not a space
    return re.sub(r"<[^>]+>", " ", html)


def test_report_lists_each_plan_figure_its_use_and_the_contradictions(tmp_path: Path) -> None:
    text = _summary(None, tmp_path)
    assert "与工作方案的衔接" in text
    # the sample follows the plan, or says why not, everywhere it uses it
    assert "与方案不一致且未说明理由0项" in text
    assert "情景 budget.risk_reserve：10" in text
    assert "指标“燃气普及率缺口”的目标值：75" in text
    assert "候选镇表 gdp_2022 最大值：120" in text
    assert "无数据，未评估" in text  # e.g. residents' satisfaction: no column measures it
    assert "界首市试点方案" in text  # the bed target, from another document
    assert "▶ 14.1%" in text and "8.7%" in text  # the contradiction and the figure used


def test_report_flags_an_undeclared_departure(tmp_path: Path) -> None:
    from evalkit.paths import DEFAULT_CRITERIA

    old = DEFAULT_CRITERIA.read_text(encoding="utf-8")
    edited = old.replace("gap: {value: gas_coverage, target: 75,", "gap: {value: gas_coverage, target: 80,")
    assert edited != old
    text = _summary(edited, tmp_path)
    assert "与方案不一致且未说明理由1项" in text
    assert "指标“燃气普及率缺口”的目标值：80 （与方案不一致，未说明理由）" in text
