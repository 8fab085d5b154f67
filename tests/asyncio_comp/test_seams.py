"""The asyncio component's house rules, read from its source: no module reaches a
``_private`` name of another, no file-level import cycle (``TYPE_CHECKING``
imports count: an outside import-graph tool counts them)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("asyncio_comp", "operators")

# Private-looking names that are public by their own convention, and the modules
# allowed to lean on a library's internals: one per library, each saying why.
CONVENTIONS = {"_fields", "_value_", "_asdict", "_replace"}
INTERNALS_MODULES = {"asyncio_comp/_loop_internals.py",  # asyncio's
                     "operators/_tornado_loop.py"}  # tornado's, under Dask's client


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _own_private_names(tree: ast.Module) -> set[str]:
    """The private names a module defines itself: its classes' ``__slots__`` entries,
    methods, class attributes, and ``self._x`` assignments. Reaching one of them on
    another object of the same module (``other._values()`` in ``__eq__``, a factory
    filling a new instance's slots) stays inside the module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "__slots__":
                    value = node.value
                    if isinstance(value, ast.Tuple | ast.List):
                        names.update(elt.value for elt in value.elts
                                     if isinstance(elt, ast.Constant)
                                     and isinstance(elt.value, str))
                elif isinstance(target, ast.Name):
                    names.add(target.id)
                elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                      and target.value.id == "self"):
                    names.add(target.attr)
    return {name for name in names if name.startswith("_")}


def test_own_private_names_sees_slots_methods_and_self_assignments() -> None:
    tree = ast.parse(
        "class A:\n"
        "    __slots__ = ('_a', 'b')\n"
        "    _kind = 1\n"
        "    def _m(self): self._c = 1\n"
        "def f(x): return x._elsewhere\n")
    assert _own_private_names(tree) == {"_a", "_kind", "_m", "_c"}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_private_name_is_reached_across_modules(package: str) -> None:
    reached = []
    for path in _modules(package):
        rel = path.relative_to(ROOT).as_posix()
        if rel in INTERNALS_MODULES:
            continue
        tree = ast.parse(path.read_text())
        own = _own_private_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            attr = node.attr
            if not attr.startswith("_") or attr.startswith("__") or attr in CONVENTIONS:
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if attr in own:
                continue  # the module's own private name, on another of its objects
            reached.append(f"{rel}:{node.lineno} {ast.unparse(node)}")
    assert reached == []


def _imports(path: Path, known: set[str]) -> set[str]:
    """The package modules ``path`` imports, at any level (TYPE_CHECKING included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in known}


def test_no_file_level_import_cycle_in_the_asyncio_component() -> None:
    paths = {_name(p): p for p in _modules("asyncio_comp")}
    known = set(paths)
    graph = {name: _imports(path, known) - {name} for name, path in paths.items()}
    # The package faces re-export; a module importing a face is what would close a
    # circle, so faces stay in the graph.
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_manager_delegates_to_its_parts() -> None:
    manager = (ROOT / "asyncio_comp" / "manager.py").read_text()
    for part in ("TaskRegistry", "TaskLifecycle", "LoopRunner"):
        assert part in manager
