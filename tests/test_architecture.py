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
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("td", "tdu", "TDStoreTools", "TDFunctions", "TDJSON", "asyncio_comp", "operators",
            "dot_lop_utils", "host", "scenes", "framehost")

# Each top-level folder's floor. ``td`` is the ground (TouchDesigner's own module
# name: the frame clock, operators, parameters, tables, TD's globals); TDAsyncIO
# stands on it because it is an operator; the example operators on both; ``host`` is
# the application and the public face; the bundled scenes (installed as
# ``host.scenes`` but loaded by path) use everything below.
FLOORS: dict[str, int] = {
    "td": 0,
    # TD's own utility modules, as TD code imports them: on td (they read parameters
    # and `project`), beside TDAsyncIO; TD's storage helpers and functions on tdu.
    "tdu": 1,
    "TDStoreTools": 2,
    "TDFunctions": 2,
    "TDJSON": 2,
    "asyncio_comp": 1,
    "operators": 2,
    "dot_lop_utils": 3,  # LOPs's import path for DotLOPUtils, beside the application
    "host": 3,
    "scenes": 4,
    # The command's launcher: its first lines, before the host is imported.
    "framehost": 4,
}


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


def package_of(module: str, modules: Mapping[str, Path]) -> str:
    """The package (dotted) a module belongs to; a package's __init__ belongs to itself."""
    if _is_package(modules[module]):
        return module
    return module.rpartition(".")[0] or module


def top_folder_of(module: str, modules: Mapping[str, Path]) -> str:
    """The top-level folder a module lives in."""
    return module.partition(".")[0]


def grouped_graph(graph: Mapping[str, set[str]], modules: Mapping[str, Path],
                  group: Callable[[str, Mapping[str, Path]], str]) -> dict[str, set[str]]:
    """The import graph with modules merged into their groups (packages or folders)."""
    groups: dict[str, set[str]] = {}
    for source, targets in graph.items():
        mine = group(source, modules)
        edges = groups.setdefault(mine, set())
        for target in targets:
            theirs = group(target, modules)
            if theirs != mine:
                edges.add(theirs)
    return groups


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


def floor_of(module: str, floors: Mapping[str, int]) -> int:
    top = module.partition(".")[0]
    if top not in floors:
        raise LookupError(f"{module!r} is on no floor; add its folder to FLOORS")
    return floors[top]


def upward_imports(graph: Mapping[str, set[str]], floors: Mapping[str, int]) -> list[str]:
    """Imports from a lower floor to a higher one, as readable lines."""
    bad = []
    for source, targets in sorted(graph.items()):
        mine = floor_of(source, floors)
        for target in sorted(targets):
            theirs = floor_of(target, floors)
            if theirs > mine:
                bad.append(f"{source} (floor {mine}) imports {target} (floor {theirs})")
    return bad


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
    assert "td.network" in graph["td.core"]
    assert "asyncio_comp.worker.comp" in graph["host.views.worker_panel"]
    assert "host.assemble" in graph["host"]


def test_no_module_imports_itself_round_a_circle(graph: dict[str, set[str]]) -> None:
    assert cycles(graph) == []


def test_no_package_imports_itself_round_a_circle(graph: dict[str, set[str]],
                                                   modules: dict[str, Path]) -> None:
    # A package's __init__ belongs to its package: no face is a node of its own.
    assert cycles(grouped_graph(graph, modules, package_of)) == []


def test_no_top_level_folder_imports_itself_round_a_circle(
        graph: dict[str, set[str]], modules: dict[str, Path]) -> None:
    assert cycles(grouped_graph(graph, modules, top_folder_of)) == []


def test_the_top_level_folders_stand_in_floor_order(
        graph: dict[str, set[str]], modules: dict[str, Path]) -> None:
    folders = grouped_graph(graph, modules, top_folder_of)
    assert set(folders) == set(FLOORS)
    for folder, targets in folders.items():
        assert all(FLOORS[target] < FLOORS[folder] for target in targets), (folder, targets)
    assert folders["td"] == set()


def test_every_module_is_on_a_floor(modules: dict[str, Path]) -> None:
    for name in modules:
        floor_of(name, FLOORS)


def test_no_import_goes_from_a_lower_floor_to_a_higher_one(graph: dict[str, set[str]]) -> None:
    assert upward_imports(graph, FLOORS) == []


def test_nothing_imports_the_bundled_scenes(graph: dict[str, set[str]]) -> None:
    # Scenes are loaded by path (host.scene_loader), never imported by the code.
    assert [m for m, targets in graph.items() if not m.startswith("scenes")
            and any(t.startswith("scenes") for t in targets)] == []


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
    assert cycles(grouped_graph(graph, modules, package_of)) == [["high", "low"]]
    assert cycles(grouped_graph(graph, modules, top_folder_of)) == [["high", "low"]]
    assert upward_imports(graph, SYNTHETIC_FLOORS) == [
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
    assert cycles(grouped_graph(graph, modules, package_of)) == []
    assert upward_imports(graph, SYNTHETIC_FLOORS) == []


def test_a_module_on_no_floor_is_named(tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="'stray' is on no floor"):
        floor_of("stray", SYNTHETIC_FLOORS)


def test_a_planted_package_cycle_through_a_face_is_found(tmp_path: Path) -> None:
    # The face re-exports a subpackage that imports the face back: a circle at
    # package depth even though no two files import each other.
    _tree(tmp_path, {
        "low/__init__.py": "from low.sub.a import A\n",
        "low/sub/__init__.py": "",
        "low/sub/a.py": "import low\nA = 1\n",
    })
    graph = import_graph(tmp_path, ["low"])
    modules = module_files(tmp_path, ["low"])
    assert cycles(graph) == [["low", "low.sub.a"]]
    assert cycles(grouped_graph(graph, modules, package_of)) == [["low", "low.sub"]]


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


def _readme_floors(text: str) -> dict[str, set[int]]:
    """Each folder in the README's "What is here" table -> the floors its row names."""
    floors: dict[str, set[int]] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.fullmatch(r"[\d, ]+", cells[1]):
            continue
        for folder in re.findall(r"`([A-Za-z_]+)/`", cells[0]):
            floors[folder] = {int(n) for n in re.findall(r"\d+", cells[1])}
    return floors


def _api_floors(text: str) -> dict[str, int]:
    """Each folder in docs/api.md's architecture block -> its floor; a folder listed
    on a line of its own under another (``TDStoreTools/,`` then ``TDFunctions/``)
    shares that one's floor."""
    section = text.split("## Architecture", 1)[1]
    block = section.split("```", 2)[1]
    floors: dict[str, int] = {}
    floor = None
    for line in block.splitlines():
        match = re.match(r"([A-Za-z_]+)/,?\s*(\d+)?", line)
        if match is None:
            continue
        if match.group(2) is not None:
            floor = int(match.group(2))
        assert floor is not None, line
        floors[match.group(1)] = floor
    return floors


def test_the_readme_and_the_api_reference_show_every_folder_on_its_floor() -> None:
    readme = _readme_floors((REPO / "README.md").read_text(encoding="utf-8"))
    api = _api_floors((REPO / "docs" / "api.md").read_text(encoding="utf-8"))
    assert {name: floor for name, floor in FLOORS.items()
            if floor not in readme.get(name, set())} == {}
    assert {name: api.get(name) for name, floor in FLOORS.items() if api.get(name) != floor} == {}
    # Nothing on the maps that is not in the tree.
    assert set(api) <= set(FLOORS)
    assert {name for name in readme if (REPO / name).is_dir()} == set(readme)
