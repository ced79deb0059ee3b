"""No import cycle in sfo_review: every module can be imported on its own, in any order.

The graph is read from the source (ast), with every import: at the top of a module and
inside functions alike (a function-level import is a cycle put off, not removed), but not
those under `if TYPE_CHECKING:`, which never run. Relative imports are resolved, and
`from package import name` is an edge to the submodule `package.name` when there is one,
else to the package.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules(root: Path, package: str) -> dict[str, Path]:
    found = {}
    for path in (root / package).rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of every node inside an `if TYPE_CHECKING:` block."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _imported(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names `node` imports, relative imports resolved against `module`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph(root: Path, package: str = "sfo_review") -> dict[str, set[str]]:
    """Each module of `package` under `root` and the modules of the package it imports."""
    modules = _modules(root, package)

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        skipped = _type_checking_only(tree)
        for node in ast.walk(tree):
            if id(node) in skipped or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _imported(module, path, node)
            if isinstance(node, ast.ImportFrom):
                # `from pkg import x`: the submodule pkg.x if it is one, else pkg itself
                *members, base = names
                names = [m if m in modules else base for m in members]
            for name in names:
                target = owner(name)
                if target is not None and target != module:
                    graph[module].add(target)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module `start` reaches by one import or more (itself only through a cycle)."""
    seen: set[str] = set()
    queue = deque(graph[start])
    while queue:
        node = queue.popleft()
        if node not in seen:
            seen.add(node)
            queue.extend(graph[node] - seen)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import cycle (a path back to its start) per strongly connected component of more
    than one module: the modules that reach each other."""
    reach = {module: _reachable(graph, module) for module in graph}
    covered: set[str] = set()
    found = []
    for module in sorted(graph):
        if module in covered or module not in reach[module]:
            continue
        component = {other for other in reach[module] if module in reach[other]}
        covered |= component
        found.append(_cycle_through(graph, component))
    return found


def _cycle_through(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside it."""
    start = min(component)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph[node] & component):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def test_sfo_review_has_no_import_cycle() -> None:
    graph = import_graph(ROOT)
    assert len(graph) > 100  # the walk found the package
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_graph_sees_every_kind_of_import_and_finds_a_cycle(tmp_path: Path) -> None:
    """The check itself: function-level, relative and `from pkg import submodule` imports
    make edges, `if TYPE_CHECKING:` ones do not, and a cycle is named in order."""
    package = tmp_path / "app"
    (package / "services").mkdir(parents=True)
    files = {
        "__init__.py": "def create():\n    from app import jobs\n",
        "jobs.py": "from app.services import reports\n",
        "services/__init__.py": "",
        "services/reports.py": (
            "from typing import TYPE_CHECKING\n"
            "from . import helpers\n"
            "if TYPE_CHECKING:\n"
            "    from app import views\n"
            "def enqueue():\n"
            "    from .. import jobs\n"
        ),
        "services/helpers.py": "",
        "views.py": "import app.services.reports\n",
    }
    for name, text in files.items():
        (package / name).write_text(text)

    graph = import_graph(tmp_path, "app")

    assert graph["app.services.reports"] == {"app.services.helpers", "app.jobs"}
    assert graph["app.jobs"] == {"app.services.reports"}  # the submodule, not the package
    assert graph["app"] == {"app.jobs"}
    assert cycles(graph) == [["app.jobs", "app.services.reports", "app.jobs"]]
