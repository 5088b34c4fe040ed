"""数据与方法来源 / Provenance: inputs and their hashes, parameters, version, time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evalkit.report.sections.view import View
from evalkit.report.text import beijing
from evalkit.version import __version__


def build(v: View) -> dict[str, Any]:
    """Everything a reviewer needs to recompute the document: files, settings, software."""
    t, r, e = v.t, v.report, v.evaluation
    params = [
        (t["prov_weighting"], v.method_text()),
        (t["prov_normalization"], v.normalization_name(e.ranking.normalization)),
        (t["prov_criteria_set"], f"{v.criteria.name} {v.criteria.version}"),
        (t["prov_towns"], str(len(v.matrix.ids))),
    ]
    for key, value in r.parameters.items():
        params.append((t.get(f"prov_{key}", key), str(value)))
    if r.robustness is not None:
        params.append((t["prov_seed"], str(r.robustness.seed)))
        params.append((t["prov_samples"], str(r.robustness.samples)))
    if r.ahp is not None:
        tables = sorted({c.result.ri_table for c in r.ahp.consistency})
        params.append((t["prov_ri_table"], ", ".join(v.ri_table_name(x) for x in tables) or "—"))
    return {
        "version": __version__,
        "inputs": [{"role": t.get(f"role_{f.role}", f.role), "name": Path(f.path).name,
                    "sha256": f.sha256} for f in r.inputs],
        "parameters": params,
        # The run record states Beijing time, whatever zone the machine runs in.
        "time": beijing(r.now).isoformat(timespec="seconds") + t["dz_beijing_time"],
        "font": v.fonts.sans,
        "hash": r.input_hash(),
        "warnings": list(e.warnings),
    }
