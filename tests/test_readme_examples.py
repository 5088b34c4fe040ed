"""The README's complete examples are files evalkit reads as they are printed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from evalkit.decide.scenario import load_scenario
from evalkit.paths import DEFAULT_SCENARIO, PROJECT_ROOT


def _block_after(marker: str) -> str:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(marker)
    found = re.search(r"```yaml\n(.*?)```", text[start:], flags=re.S)
    assert found is not None, marker
    return found.group(1)


def test_the_complete_scenario_example_loads_and_matches_the_bundled_one(tmp_path: Path) -> None:
    folder = DEFAULT_SCENARIO.parent
    for name in ("standards.yaml", "plan.yaml"):
        shutil.copy(folder / name, tmp_path / name)
    path = tmp_path / "scenario.yaml"
    path.write_text(_block_after("A complete scenario"), encoding="utf-8")
    printed = load_scenario(path)
    bundled = load_scenario(DEFAULT_SCENARIO)
    assert (printed.count, printed.count_mode, printed.objective) == (
        bundled.count, bundled.count_mode, bundled.objective)
    assert [(c.id, c.column, c.budget) for c in printed.categories] == [
        (c.id, c.column, c.budget) for c in bundled.categories]
    assert [(s.id, s.capacity, s.funds) for s in printed.sources] == [
        (s.id, s.capacity, s.funds) for s in bundled.sources]
    assert (printed.total_budget, printed.risk_reserve_amount, printed.years, printed.spread,
            printed.convert_in) == (bundled.total_budget, bundled.risk_reserve_amount,
                                    bundled.years, bundled.spread, bundled.convert_in)
    assert printed.talent_annual == bundled.talent_annual
