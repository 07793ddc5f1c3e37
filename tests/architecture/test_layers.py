"""The package's architecture, held by tests: data flows one way, and each folder imports only what comes before."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lambda_cost"
# The stages in data-flow order (lambda_cost/stages/__init__.py states it); each imports only earlier ones.
STAGES = ["load", "readahead", "edit", "placeholders", "validate", "routing", "expand", "fit", "meter", "modes",
          "related", "price", "report", "gate", "diff", "reconcile", "account"]
# Orchestration runs the stages through the runner in stages/__init__.py.
RUNS_THE_STAGES = {"diff", "reconcile", "account"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """The lambda_cost modules a file imports (anywhere in it, or only at module level)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:
            continue  # `if TYPE_CHECKING:` imports run only for the type checker
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lambda_cost"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names
                         if f"{node.module}.{alias.name}" in MODULES)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("lambda_cost"))
    return {name for name in names if name in MODULES}


def _in(module: str, folder: str) -> bool:
    return module == f"lambda_cost.{folder}" or module.startswith(f"lambda_cost.{folder}.")


def test_every_stage_module_is_in_the_order() -> None:
    prefix = "lambda_cost.stages."
    stage_files = {name.removeprefix(prefix) for name in MODULES if name.startswith(prefix)}
    assert stage_files == set(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_earlier_stages(stage: str) -> None:
    imported = _imports(MODULES[f"lambda_cost.stages.{stage}"])
    earlier = {f"lambda_cost.stages.{name}" for name in STAGES[: STAGES.index(stage)]}
    if stage in RUNS_THE_STAGES:
        earlier.add("lambda_cost.stages")
    later = {name for name in imported if _in(name, "stages") and name not in earlier}
    assert not later, f"{stage} imports a later stage: {sorted(later)}"
    assert not {name for name in imported if _in(name, "render") or _in(name, "commands")}


@pytest.mark.parametrize("module", sorted(name for name in MODULES if _in(name, "model")))
def test_the_model_imports_no_stage_and_no_output(module: str) -> None:
    imported = _imports(MODULES[module])
    assert all(_in(name, "model") or name in ("lambda_cost.errors", "lambda_cost.numbers") for name in imported), (
        sorted(imported))


@pytest.mark.parametrize("module", sorted(name for name in MODULES if _in(name, "render")))
def test_renderers_never_reach_back_into_commands(module: str) -> None:
    assert not {name for name in _imports(MODULES[module]) if _in(name, "commands") or name == "lambda_cost.cli"}


@pytest.mark.parametrize("module", sorted(name for name in MODULES if _in(name, "tables") or _in(name, "templates")))
def test_tables_and_templates_read_files_with_load_only(module: str) -> None:
    imported = _imports(MODULES[module])
    stages = {name for name in imported if _in(name, "stages")}
    assert stages <= {"lambda_cost.stages", "lambda_cost.stages.load"}
    assert not {name for name in imported if _in(name, "render") or _in(name, "commands")}


def test_only_the_cli_imports_typer() -> None:
    users = sorted(name for name, path in MODULES.items() if "import typer" in path.read_text())
    assert users == ["lambda_cost.cli"]


def test_no_import_cycle_at_module_level() -> None:
    graph = {name: _imports(path, top_level_only=True) - {name} for name, path in MODULES.items()}
    # A package's __init__ runs when a submodule is imported: that edge is Python's, not a cycle of ours.
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail[trail.index(nxt):], nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
