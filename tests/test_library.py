"""Library calls take the objects the library returns, and say so when given anything else."""

from __future__ import annotations

import pytest

from evalkit import InputError, evaluate, load_candidates, load_criteria
from evalkit.decide.robustness import robustness
from evalkit.decide.scenario import load_scenario
from evalkit.decide.selection import select, select_towns
from evalkit.paths import DEFAULT_CANDIDATES, DEFAULT_CRITERIA, DEFAULT_SCENARIO
from evalkit.report import build_report, render_reports, summary_html


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(load_criteria(DEFAULT_CRITERIA), load_candidates(DEFAULT_CANDIDATES))


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DEFAULT_SCENARIO)


def test_evaluate_refuses_paths(evaluation) -> None:
    with pytest.raises(InputError) as caught:
        evaluate(str(DEFAULT_CRITERIA), evaluation.candidates)  # type: ignore[arg-type]
    assert str(caught.value) == "criteria: must be a CriteriaSet, got str — pass load_criteria(path)"
    with pytest.raises(InputError, match="candidates: must be a CandidateTable, got PosixPath"):
        evaluate(evaluation.criteria, DEFAULT_CANDIDATES)  # type: ignore[arg-type]


def test_build_report_refuses_the_json_of_a_result(evaluation, scenario) -> None:
    chosen = select_towns(evaluation, scenario)
    with pytest.raises(InputError) as caught:
        build_report(evaluation, selection=chosen.to_dict())  # type: ignore[arg-type]
    assert str(caught.value) == ("selection: must be a SelectionResult, got dict — pass the "
                                 "result of select_towns(...), not its to_dict()")
    shares = robustness(evaluation, scenario=scenario, samples=200)
    with pytest.raises(InputError, match="robustness: must be a Robustness, got dict"):
        build_report(evaluation, robustness=shares.to_dict())  # type: ignore[arg-type]
    with pytest.raises(InputError, match="evaluation: must be an Evaluation, got dict"):
        build_report(evaluation.to_dict())  # type: ignore[arg-type]
    with pytest.raises(InputError, match="targets: must be a Targets or str or Path, got int"):
        build_report(evaluation, targets=7)  # type: ignore[arg-type]
    report = build_report(evaluation, selection=chosen, robustness=shares)
    assert "青山镇" in summary_html(report, "zh")


def test_render_and_html_refuse_other_objects(evaluation, tmp_path) -> None:
    with pytest.raises(InputError, match="report: must be a Report or Evaluation, got dict"):
        render_reports({"towns": []}, out=tmp_path)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="report: must be a Report, got Evaluation"):
        summary_html(evaluation, "zh")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_selection_and_robustness_refuse_other_objects(evaluation, scenario) -> None:
    with pytest.raises(InputError, match="scenario: must be a Scenario, got str"):
        select_towns(evaluation, str(DEFAULT_SCENARIO))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="evaluation: must be an Evaluation, got dict"):
        select_towns(evaluation.to_dict(), scenario)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="towns: must be a SelectionInput, got Evaluation"):
        select(evaluation, scenario)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="evaluation: must be an Evaluation, got str"):
        robustness("evaluation", samples=10)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="scenario: must be a Scenario, got dict"):
        robustness(evaluation, scenario={}, samples=10)  # type: ignore[arg-type]


def test_results_as_frames_agree_with_their_json(evaluation, scenario) -> None:
    """Selection and robustness results have ``to_frame()`` like the evaluation: the same
    figures as their JSON, as a table a notebook can use."""
    chosen = select_towns(evaluation, scenario, alternatives=0)
    frame = chosen.to_frame()
    data = chosen.to_dict()
    assert list(frame.index) == [t["id"] for t in data["selected"]]
    assert list(frame["year"]) == [t["year"] for t in data["selected"]]
    assert list(frame["closeness"]) == [t["closeness"] for t in data["selected"]]
    for t in data["selected"]:
        for category, cost in t["costs"].items():
            assert frame.loc[t["id"], f"cost_{category}"] == cost
    limits = chosen.constraints_frame()
    assert list(limits.index) == [c["name"] for c in data["constraints"]]
    assert list(limits["slack"]) == [c["slack"] for c in data["constraints"]]
    flows = chosen.financing_frame()
    assert flows["amount"].sum() == pytest.approx(sum(f["amount"] for f in data["financing"]),
                                                  abs=1e-12)

    shares = robustness(evaluation, scenario=scenario, samples=200, seed=1)
    table = shares.to_frame()
    out = shares.to_dict()
    assert list(table.index) == list(out["rank_acceptability"])
    for town, row in out["rank_acceptability"].items():
        assert [table.loc[town, f"b{r + 1}"] for r in range(len(row))] == row
        assert table.loc[town, "top_k"] == out["top_k"][town]
        assert table.loc[town, "core_index"] == out["core_index"][town]
