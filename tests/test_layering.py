"""The house's shape, kept: imports run desktop → reports → db → resources only, the jobs inside
reports/ stand on judge/ and never on each other the wrong way, and no module imports itself
back through a circle. Read from the source with ast, so an import inside a function or under
TYPE_CHECKING counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("resources", "db", "reports", "desktop")
LAYER = {name: rank for rank, name in enumerate(PACKAGES)}
# Inside reports/: which job may stand on which (itself always).
REPORTS_MAY_IMPORT = {
    "judge": set(),
    "excel": {"judge"},
    "plan": {"judge", "excel"},  # a task list can come from a workbook, read within its bounds
    "pdf": {"judge", "plan"},
}
QT = ("PySide6", "shiboken6")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(importer: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(name: str, path: Path) -> set[str]:
    """Every module name this module imports, project modules resolved to the deepest one."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, path, node)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.add(candidate if candidate in MODULES else base)
    return out


GRAPH = {name: {m for m in _imports(name, path) if m in MODULES and m != name}
         for name, path in MODULES.items()}
EXTERNAL = {name: {m for m in _imports(name, path) if m not in MODULES}
            for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walk_sees_the_whole_tree():
    # A walk that found nothing would pass every check below.
    assert {"db.county", "reports.judge.evaluation", "reports.excel.importer", "reports.pdf.report",
            "reports.plan.tasks", "desktop.main_window", "desktop.cli"} <= set(MODULES)
    assert "reports.judge.catalogue" in GRAPH["reports.judge.evaluation"]


def test_no_module_imports_itself_back_through_a_circle():
    assert _cycles(GRAPH) == []


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_run_downward_only(name):
    layer = name.split(".")[0]
    upward = sorted(m for m in GRAPH[name] if LAYER[m.split(".")[0]] > LAYER[layer])
    assert upward == [], f"{name} imports a layer above it"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.startswith("reports.")
                                        and m.count(".") >= 2))
def test_jobs_inside_reports_stand_on_judge(name):
    job = name.split(".")[1]
    allowed = REPORTS_MAY_IMPORT[job] | {job}
    wrong = sorted(m for m in GRAPH[name]
                   if m.startswith("reports.") and m.count(".") >= 1
                   and m.split(".")[1] not in allowed)
    assert wrong == [], f"{name} ({job}) may stand only on {sorted(allowed)}"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.split(".")[0] in ("db", "reports")))
def test_db_and_reports_import_no_qt(name):
    assert not {m for m in EXTERNAL[name] if m.split(".")[0] in QT}


def test_every_reports_package_says_what_it_owns():
    for package in ("reports", "reports.judge", "reports.excel", "reports.plan", "reports.pdf"):
        doc = ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8")))
        assert doc and ("import" in doc), f"{package} has no docstring saying what it may import"
