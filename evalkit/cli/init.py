"""``evalkit init DIR``: a project folder to start from, built from a criteria set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from evalkit.cli import cli
from evalkit.cli.options import shown
from evalkit.paths import DEFAULT_CRITERIA, DEFAULT_SCENARIO

if TYPE_CHECKING:
    from evalkit.decide.scenario import Scenario
    from evalkit.io.questionnaire import MatrixSpec
    from evalkit.io.starter import TemplateColumn
    from evalkit.model.criteria import CriteriaSet, Family, Indicator
    from evalkit.model.derive import Source

DATA = "candidates.xlsx"
CRITERIA = "criteria.yaml"
SCENARIO = "scenario.yaml"
SCENARIO_FILES = ("standards.yaml", "plan.yaml")
"""Files the bundled scenario names beside itself, copied with it."""
ROLES = {"numerator": "分子", "denominator": "分母", "part": "部分", "whole": "总量",
         "start": "起始值", "end": "期末值", "value": "实际值"}
"""The Chinese name of each operand of a derivation, for the column guide."""
SCENARIO_HEADER = """\
# 选择情景模板：由 evalkit init 从内置示例 criteria/scenario.yaml 复制。
# 其中的数字（改区个数、预算、人才、资金来源）来自示例市的工作方案，请按本市方案修改；
# 它引用的 standards.yaml（资格标准）和 plan.yaml（方案数据）在同一文件夹，也请一并修改。
# Scenario template, copied by `evalkit init` from the bundled sample: its figures are the
# sample city's work plan; replace them (and standards.yaml, plan.yaml) with your city's.

"""


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Criteria-set YAML file to start from. [default: the bundled "
                   "criteria/default.yaml]")
@click.option("--experts", type=click.IntRange(1, 99), default=3, show_default=True,
              help="Number of judgment questionnaires (one per expert).")
@click.option("--force", is_flag=True,
              help="Write into a folder that is not empty (files of the same names are replaced).")
def init(directory: Path, criteria_path: Path | None, experts: int, force: bool) -> None:
    """Write a project folder to start from: the criteria set, a data template workbook
    (candidates.xlsx), one AHP questionnaire workbook per expert, a scenario template and
    a README saying what to fill in and which commands to run.

    Example:

        evalkit init my_city --experts 5
    """
    from evalkit.decide.scenario import load_scenario
    from evalkit.io.questionnaire import questionnaire_bytes
    from evalkit.io.starter import data_template_bytes, readme_text, write_folder
    from evalkit.model.criteria import load_criteria

    source = shown(criteria_path or DEFAULT_CRITERIA)
    criteria = load_criteria(source)
    scenario = load_scenario(DEFAULT_SCENARIO)
    title = criteria.label.zh or criteria.name
    folder = _judgments_folder(criteria)
    matrices = matrix_specs(criteria)
    files: dict[str, bytes] = {CRITERIA: source.read_bytes()}
    files[DATA] = data_template_bytes(template_columns(criteria, scenario), title=title)
    names = [f"{folder}/expert_{k}.xlsx" for k in range(1, experts + 1)]
    for number, name in enumerate(names, start=1):
        files[name] = questionnaire_bytes(matrices, title=title, number=number)
    files[SCENARIO] = SCENARIO_HEADER.encode("utf-8") + DEFAULT_SCENARIO.read_bytes()
    for name in SCENARIO_FILES:
        files[name] = (DEFAULT_SCENARIO.parent / name).read_bytes()
    files["README.md"] = readme_text(title=title, criteria=CRITERIA, data=DATA, judgments=names,
                                     scenario=SCENARIO).encode("utf-8")
    write_folder(directory, files, force=force)
    click.echo(f"Wrote {len(files)} files to {shown(directory)}: {CRITERIA}, {DATA}, "
               f"{len(names)} questionnaires in {folder}/, {SCENARIO} (with "
               f"{' and '.join(SCENARIO_FILES)}), README.md.")
    click.echo(f"Next: fill in {DATA} and the questionnaires, then run "
               f"'evalkit validate --criteria {shown(directory) / CRITERIA} "
               f"--candidates {shown(directory) / DATA}'.")


def _judgments_folder(criteria: CriteriaSet) -> str:
    """The folder the criteria set takes judgments from, if it names one inside the project
    (``judgments: judgments``); else ``judgments``."""
    given = criteria.weighting.options.get("judgments", "judgments")
    if isinstance(given, str):
        parts = Path(given).parts
        if parts and not Path(given).is_absolute() and ".." not in parts \
                and not given.endswith((".yaml", ".yml", ".xlsx")):
            return Path(given).as_posix()
    return "judgments"


def matrix_specs(criteria: CriteriaSet) -> list[MatrixSpec]:
    """The criteria set's comparison matrices: the families, then each family's indicators
    (families with one indicator have none)."""
    from evalkit.io.questionnaire import MatrixSpec

    specs = [MatrixSpec("families", ("一级指标（指标族）两两比较", "Indicator families"),
                        tuple((f.id, f.label.zh, f.label.en) for f in criteria.families))]
    for group, items in criteria.judgment_groups().items():
        if len(items) >= 2:
            family = criteria.family(group)
            specs.append(MatrixSpec(
                f"indicators.{group}",
                (f"{family.label.zh}：指标两两比较", f"{family.label.en}: indicators"),
                tuple((_item(criteria, i).id, _item(criteria, i).label.zh,
                       _item(criteria, i).label.en) for i in items)))
    return specs


def _item(criteria: CriteriaSet, ident: str) -> Family | Indicator:
    """What an AHP matrix compares: an indicator, or a sub-family."""
    try:
        return criteria.indicator(ident)
    except StopIteration:
        return criteria.family(ident)


def template_columns(criteria: CriteriaSet, scenario: Scenario | None) -> list[TemplateColumn]:
    """The raw columns the criteria set reads, then those the scenario template reads."""
    from evalkit.io.starter import TemplateColumn, column_words

    uses: dict[str, list[str]] = {}
    direct: dict[str, tuple[str, str]] = {}
    for indicator in criteria.indicators:
        source = indicator.source
        if source.kind == "column":
            if source.scale == 1:
                direct.setdefault(source.params["name"], (indicator.label.zh, indicator.unit))
            uses.setdefault(source.params["name"], []).append(indicator.label.zh)
        for column, role in _operands(source):
            uses.setdefault(column, []).append(f"{indicator.label.zh}（{ROLES.get(role, role)}）")
    columns: dict[str, TemplateColumn] = {}
    for column, used in uses.items():
        label, unit = column_words(column) or direct.get(column) or (column, "")
        columns[column] = TemplateColumn(column, label, unit, "用于：" + "、".join(used),
                                         column in criteria.signed_columns)
    for column, label, unit, use in _scenario_columns(scenario):
        if column not in columns:
            label, unit = column_words(column) or (label, unit)
            columns[column] = TemplateColumn(column, label, unit, use)
    return list(columns.values())


def _operands(source: Source, role: str = "") -> list[tuple[str, str]]:
    """``(column, operand name)`` of every column a derivation reads."""
    from evalkit.model.derive import Source

    out = []
    for name, operand in source.operands.items():
        if isinstance(operand, Source):
            if operand.kind == "column":
                out.append((operand.params["name"], role or name))
            else:
                out += _operands(operand, role or name)
    return out


def _scenario_columns(scenario: Scenario | None) -> list[tuple[str, str, str, str]]:
    """``(column, label, unit, used by)`` of the columns the scenario reads."""
    if scenario is None:
        return []
    out = [(c.column, f"改区投资需求：{c.label.get('zh', c.id)}", "亿元", "选择情景：分类投资")
           for c in scenario.categories]
    if scenario.talent_column:
        out.append((scenario.talent_column, "改区人才需求", "人", "选择情景：人才"))
    for rule in scenario.screens:
        for column in rule.value.columns():
            out.append((column, rule.label.get("zh", rule.id), "", "选择情景：资格门槛"))
    rules = scenario.affordability
    for named in (rules.revenue_column, rules.recurring_column) if rules else ():
        if named:
            out.append((named, named, "", "选择情景：财政承受能力"))
    return out
