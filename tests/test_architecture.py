"""The house: folders are floors, imports go one way, the map lives in the repo.

The import graph is built with `ast` from every import statement in the code:
top-level, under ``if TYPE_CHECKING:`` and inside functions, because an outside
import-graph tool counts them all and a cycle hidden behind TYPE_CHECKING is still a
cycle in the design. Each checker is also run on a tiny synthetic tree with a planted
violation, so a checker that silently finds nothing fails too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("host", "asyncio_comp", "operators", "scenes")

# Each folder's floor; a folder not named here takes the floor of its nearest named
# parent (host.app.views.window is on host.app's floor).
#
# A package's face (its __init__.py, and __main__.py) re-exports names from the
# folders below it, so at folder level it is a node of its own, "<package> (face)",
# standing on everything in its package; it takes its folder's floor. ``host``'s
# face re-exports the engine and reaches the app lazily for ``Host``, so it stands
# above the app (floor 4); scenes use it.
FLOORS: dict[str, int] = {
    "host.engine": 0,
    "asyncio_comp": 1,
    "operators": 2,
    "host.app": 3,
    "host": 4,
    "scenes": 5,
}
MAX_LINES = 400


# -- the checkers -----------------------------------------------------------------------
def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module under ``packages`` (dotted name -> file); a package is its __init__."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterable[str]:
    """Dotted names each import statement may refer to, relative imports resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # `from a.b import c` names module a.b.c when there is one, else a.b;
            # import_graph falls back along the dots.
            for alias in node.names:
                yield f"{prefix}.{alias.name}"


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """module -> the modules of ``packages`` it imports (any import, anywhere in it)."""
    modules = module_files(root, packages)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target in _imported_names(tree, name, _is_package(path)):
            parts = target.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            resolved = ".".join(parts)
            if resolved and resolved != name:
                graph[name].add(resolved)
    return graph


FACE = " (face)"


def folder_of(module: str, modules: Mapping[str, Path]) -> str:
    """The folder (dotted) a module lives in; a package's face is a node of its own."""
    if _is_package(modules[module]):
        return module + FACE
    folder = module.rpartition(".")[0] or module
    if module.endswith(".__main__"):
        return folder + FACE
    return folder


def folder_graph(graph: Mapping[str, set[str]], modules: Mapping[str, Path]) -> dict[str, set[str]]:
    folders: dict[str, set[str]] = {}
    for source, targets in graph.items():
        mine = folder_of(source, modules)
        edges = folders.setdefault(mine, set())
        for target in targets:
            theirs = folder_of(target, modules)
            if theirs != mine:
                edges.add(theirs)
    return folders


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def floor_of(module_or_folder: str, floors: Mapping[str, int]) -> int:
    parts = module_or_folder.removesuffix(FACE).split(".")
    while parts:
        name = ".".join(parts)
        if name in floors:
            return floors[name]
        parts.pop()
    raise LookupError(f"{module_or_folder!r} is on no floor; add its folder to FLOORS")


def upward_imports(graph: Mapping[str, set[str]], modules: Mapping[str, Path],
                   floors: Mapping[str, int]) -> list[str]:
    """Imports from a lower floor to a higher one, as readable lines."""
    bad = []
    for source, targets in sorted(graph.items()):
        mine = floor_of(folder_of(source, modules), floors)
        for target in sorted(targets):
            theirs = floor_of(folder_of(target, modules), floors)
            if theirs > mine:
                bad.append(f"{source} (floor {mine}) imports {target} (floor {theirs})")
    return bad


def long_modules(modules: Mapping[str, Path], limit: int) -> list[str]:
    too_long = []
    for name, path in sorted(modules.items()):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            too_long.append(f"{name}: {lines} lines")
    return too_long


_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
                   r"|(?:href|src)=\"([^\"]+)\"")
_WEB = re.compile(r"^(?:https?:|mailto:|#)")


def links_outside(readme: Path, repo: Path) -> list[str]:
    """Links in a markdown file that leave the repository or point at nothing in it.

    Web addresses and in-page anchors are not files and are allowed; every other
    link must be a relative path that resolves to a file inside ``repo``.
    """
    bad = []
    text = readme.read_text(encoding="utf-8")
    for match in _LINK.finditer(text):
        target = match.group(1) or match.group(2)
        if _WEB.match(target):
            continue
        path = target.split("#", 1)[0]
        resolved = (readme.parent / path).resolve()
        if path.startswith("/") or not resolved.is_relative_to(repo.resolve()):
            bad.append(f"{target}: outside the repository")
        elif not resolved.exists():
            bad.append(f"{target}: no such file in the repository")
    return bad


# -- the house as it is -----------------------------------------------------------------
@pytest.fixture(scope="module")
def modules() -> dict[str, Path]:
    return module_files(REPO, PACKAGES)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(REPO, PACKAGES)


def test_the_graph_sees_every_kind_of_import(graph: dict[str, set[str]]) -> None:
    # Top-level, TYPE_CHECKING-only and function-level imports all count.
    assert "host.engine.network" in graph["host.engine.core"]
    assert "asyncio_comp.worker.comp" in graph["host.app.views.worker_panel"]
    assert "host.app.assemble" in graph["host"]


def test_no_module_imports_itself_round_a_circle(graph: dict[str, set[str]]) -> None:
    assert cycles(graph) == []


def test_no_folder_imports_itself_round_a_circle(graph: dict[str, set[str]],
                                                  modules: dict[str, Path]) -> None:
    assert cycles(folder_graph(graph, modules)) == []


def test_no_folder_cycle_even_with_each_face_inside_its_folder(
        graph: dict[str, set[str]], modules: dict[str, Path]) -> None:
    """The stricter reading an outside tool may take: a package's __init__ belongs to
    its folder. Still no circle (the worker imports only the engine, never its parent)."""
    def plain_folder(module: str) -> str:
        if _is_package(modules[module]):
            return module
        return module.rpartition(".")[0] or module

    folders: dict[str, set[str]] = {}
    for source, targets in graph.items():
        mine = plain_folder(source)
        folders.setdefault(mine, set()).update(
            plain_folder(t) for t in targets if plain_folder(t) != mine)
    assert cycles(folders) == []


def test_every_folder_is_on_a_floor(modules: dict[str, Path]) -> None:
    for name in modules:
        floor_of(folder_of(name, modules), FLOORS)


def test_no_import_goes_from_a_lower_floor_to_a_higher_one(
        graph: dict[str, set[str]], modules: dict[str, Path]) -> None:
    assert upward_imports(graph, modules, FLOORS) == []


def test_no_module_is_over_the_line_limit(modules: dict[str, Path]) -> None:
    assert long_modules(modules, MAX_LINES) == []


def test_the_readme_links_only_inside_the_repository() -> None:
    assert links_outside(REPO / "README.md", REPO) == []


def test_the_readme_links_the_api_reference() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/api.md)" in text


# -- the checkers catch what they are for ------------------------------------------------
def _tree(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


SYNTHETIC_FLOORS = {"low": 0, "high": 1}


def test_a_planted_file_cycle_behind_type_checking_is_found(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "low/__init__.py": "",
        "low/a.py": "from low.b import B\n",
        "low/b.py": ("from typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    from low.a import A\n"),
        "low/c.py": "def f():\n    from . import d\n",
        "low/d.py": "import low.c\n",
    })
    graph = import_graph(tmp_path, ["low"])
    assert cycles(graph) == [["low.a", "low.b"], ["low.c", "low.d"]]


def test_a_planted_folder_cycle_and_upward_import_are_found(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "low/__init__.py": "",
        "low/base.py": "def f():\n    from high.top import T\n",
        "high/__init__.py": "",
        "high/top.py": "from low.base import f\n",
        "high/other.py": "from low import base\n",
    })
    graph = import_graph(tmp_path, ["low", "high"])
    modules = module_files(tmp_path, ["low", "high"])
    assert cycles(graph) == [["high.top", "low.base"]]
    assert cycles(folder_graph(graph, modules)) == [["high", "low"]]
    assert folder_graph(graph, modules)["high (face)"] == set()
    assert upward_imports(graph, modules, SYNTHETIC_FLOORS) == [
        "low.base (floor 0) imports high.top (floor 1)"]
    assert graph["high.other"] == {"low.base"}


def test_a_clean_synthetic_tree_passes(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "low/__init__.py": "from low.base import f as f\n",
        "low/base.py": "def f():\n    return 1\n",
        "high/__init__.py": "",
        "high/top.py": "from low import f\nfrom .more import g\n",
        "high/more.py": "def g():\n    return 2\n",
    })
    graph = import_graph(tmp_path, ["low", "high"])
    modules = module_files(tmp_path, ["low", "high"])
    assert graph["high.top"] == {"low", "high.more"}
    assert cycles(graph) == []
    assert cycles(folder_graph(graph, modules)) == []
    assert upward_imports(graph, modules, SYNTHETIC_FLOORS) == []


def test_a_module_on_no_floor_is_named(tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="'stray' is on no floor"):
        floor_of("stray", SYNTHETIC_FLOORS)


def test_a_planted_long_module_is_found(tmp_path: Path) -> None:
    _tree(tmp_path, {"low/__init__.py": "", "low/big.py": "x = 1\n" * 401,
                     "low/ok.py": "x = 1\n" * 400})
    assert long_modules(module_files(tmp_path, ["low"]), 400) == ["low.big: 401 lines"]


def test_planted_outside_and_dangling_links_are_found(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _tree(repo, {"docs/api.md": "", "docs/pic.png": ""})
    (tmp_path / "shared.md").write_text("", encoding="utf-8")
    readme = repo / "README.md"
    readme.write_text(
        "[api](docs/api.md) ![pic](docs/pic.png \"a picture\") [web](https://example.org)\n"
        "[here](#what-is-here) [contract](../shared.md) [gone](docs/missing.md)\n"
        "[abs](/etc/passwd) <img src=\"../shared.md\">\n", encoding="utf-8")
    assert links_outside(readme, repo) == [
        "../shared.md: outside the repository",
        "docs/missing.md: no such file in the repository",
        "/etc/passwd: outside the repository",
        "../shared.md: outside the repository",
    ]


# -- the map in the repo -------------------------------------------------------------------
def test_the_api_reference_names_every_public_name() -> None:
    import importlib

    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [f"{package}.{name}" for package in ("host", "asyncio_comp", "operators")
               for name in importlib.import_module(package).__all__
               if not re.search(rf"\b{re.escape(name)}\b", text)]
    assert missing == []


def test_the_api_reference_links_only_inside_the_repository() -> None:
    assert links_outside(REPO / "docs" / "api.md", REPO) == []
