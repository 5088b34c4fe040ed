"""The package's shape: stages that import one way, no circle, registries that stay light.

evalkit is laid out by stage of the flow.  A module may import modules of its
own stage or of an earlier one, never of a later one, and the imports never
go round in a circle.  The import graph is read from the source (``ast``):
every ``import`` counts, at module level, inside a function or under
``TYPE_CHECKING``, and ``from a.b import c`` counts as importing ``a.b`` and,
when ``c`` is a module, ``a.b.c`` too.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.decide.registry import SOLVERS, WEIGHT_MODELS
from evalkit.methods import registry as methods_registry
from evalkit.paths import PROJECT_ROOT
from evalkit.registry import Registry
from evalkit.report.sections import SUMMARY_SECTIONS, TOWN_SECTIONS

PACKAGE = PROJECT_ROOT / "evalkit"

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("evalkit.errors", "evalkit.paths", "evalkit.registry", "evalkit.version")),
    ("io", ("evalkit.io.*",)),
    ("methods", ("evalkit.methods.*",)),
    ("model", ("evalkit.model.*",)),
    ("decide", ("evalkit.decide.*",)),
    ("report", ("evalkit.report.*",)),
    ("cli", ("evalkit.cli.*",)),
    ("api", ("evalkit", "evalkit.__main__")),
)
"""The stages, earliest first: the modules each holds (``pkg.*``: a package and all below it)."""

MAX_LINES = 600
"""No module is longer than this."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


MODULES = _modules()


def stage_of(module: str) -> int:
    """The position in :data:`STAGES` of the stage holding ``module`` (−1: none)."""
    for index, (_, members) in enumerate(STAGES):
        for member in members:
            package = member.removesuffix(".*")
            if module == package or (member.endswith(".*") and module.startswith(package + ".")):
                return index
    return -1


def _imported(module: str, path: Path) -> set[str]:
    """The evalkit modules ``module`` imports, by the rule in this file's docstring."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module and not module.startswith(name + "."):
                out.add(name)
    return out


GRAPH = {module: _imported(module, path) for module, path in MODULES.items()}


def test_every_module_has_a_stage() -> None:
    unplaced = [m for m in MODULES if stage_of(m) < 0]
    assert not unplaced, f"place these modules in a stage of STAGES: {unplaced}"


def test_no_module_imports_a_later_stage() -> None:
    upward = [f"{m} ({STAGES[stage_of(m)][0]}) imports {i} ({STAGES[stage_of(i)][0]})"
              for m, imports in GRAPH.items() for i in sorted(imports)
              if stage_of(i) > stage_of(m)]
    assert not upward, "\n".join(upward)


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_circle() -> None:
    assert _circles(GRAPH) == []


def test_the_circle_check_finds_a_circle() -> None:
    """The check itself can fail: a made-up graph with a circle is caught."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_stages_are_in_flow_order() -> None:
    assert stage_of("evalkit.io.candidates") < stage_of("evalkit.methods.weighting") \
        < stage_of("evalkit.model.criteria") < stage_of("evalkit.decide.selection.model") \
        < stage_of("evalkit.report.sections.view") < stage_of("evalkit.cli.rank") \
        < stage_of("evalkit")
    assert stage_of("evalkit.errors") == stage_of("evalkit.registry") == 0


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_too_long(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by concern"


def _registries() -> list[Registry]:
    found = [value for value in vars(methods_registry).values() if isinstance(value, Registry)]
    return [*found, SOLVERS, WEIGHT_MODELS]


def test_every_registry_entry_is_implemented() -> None:
    registries = _registries()
    assert {r.kind for r in registries} >= {
        "weighting method", "normalization", "cross-check", "AHP priority method",
        "random-index table", "combination", "solver", "weight model"}
    for registry in registries:
        for name in registry:
            module, _, attribute = registry.target(name).partition(":")
            assert hasattr(importlib.import_module(module), attribute), (registry.kind, name)
            assert registry[name] is getattr(importlib.import_module(module), attribute)


def test_a_registry_refuses_a_malformed_target() -> None:
    with pytest.raises(ValueError, match="module:attribute"):
        Registry("thing", {"x": "no_colon_here"})
    with pytest.raises(KeyError):
        Registry("thing", {"x": "math:pi"})["y"]


def test_the_criteria_parser_imports_no_method_module() -> None:
    """Checking a weighting method's or a normalisation's name needs only the registry."""
    code = ("import sys; import evalkit.model.criteria as c; "
            "c.load_criteria('criteria/default.yaml'); "
            "import json; print(json.dumps([m for m in sys.modules if m.startswith('evalkit.methods')]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, check=True)
    loaded = set(json.loads(done.stdout))
    assert loaded <= {"evalkit.methods", "evalkit.methods.registry", "evalkit.methods.matrix",
                      "evalkit.methods.specs"}, loaded


def test_the_command_line_starts_without_the_solver_or_the_pdf_engine() -> None:
    """The CLI's choices come from the registries, so ``evalkit rank`` never imports PuLP."""
    code = ("import sys, evalkit.cli; "
            "print(sorted(m for m in ('pulp', 'weasyprint', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_report_sections_are_a_registry_in_document_order() -> None:
    keys = [s.key for s in SUMMARY_SECTIONS]
    assert keys[:3] == ["exec", "system", "data"] and keys[-1] == "approval"
    views = [name for s in SUMMARY_SECTIONS for name in s.views]
    assert len(views) == len(set(views))  # each view model is built by one section
    template = (PROJECT_ROOT / "templates" / "summary.html.j2").read_text(encoding="utf-8")
    for section in SUMMARY_SECTIONS:
        assert f'id="sec-{section.key}"' in template, section.key
    town = (PROJECT_ROOT / "templates" / "town.html.j2").read_text(encoding="utf-8")
    for section in TOWN_SECTIONS:
        assert f"sec.{section.key}" in town, section.key
