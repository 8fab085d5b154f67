"""Scenes: find one by path or bundled name, load it, and call its ``build(host)``.

Every way a scene can be wrong — no such file, a syntax error, an exception while
its module runs, no ``build``, a ``build`` that cannot take the arguments given or
that raises — becomes one `SceneError` whose message is a single paragraph naming
the file and the problem (with the line where there is one), which is what the
command prints before exiting with status 2.

A scene file sees TouchDesigner's globals (``op``, ``me``, ``parent``, ``run``,
``tableDAT``, ``baseCOMP``, ...; `td.environment`) without importing them, and
``project.name``/``project.folder`` name the scene file and its folder.

Bundled scenes are listed by parsing their source, never importing it, so
``framehost scenes`` runs no scene code.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import sys
import sysconfig
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from td.environment import scene_globals, set_project
from td.errors import describe_error
from td.gc_policy import FrameGc

__all__ = [
    "Scene",
    "SceneArgument",
    "SceneDescription",
    "SceneError",
    "SceneInfo",
    "build_scene",
    "bundled_scenes_dir",
    "describe_scene",
    "list_scenes",
    "load_scene",
    "resolve_scene",
]


#: The package the bundled scenes are installed as (the repo's scenes/ folder).
BUNDLED_PACKAGE = "host.scenes"


class SceneError(Exception):
    """A scene that cannot be found, loaded or built; the message says which and why.

    ``original`` is the exception the scene's code raised, if it raised one (for
    ``framehost run --traceback``)."""

    def __init__(self, message: str, *, original: BaseException | None = None) -> None:
        super().__init__(message)
        self.original = original


@dataclass(frozen=True, slots=True)
class SceneInfo:
    """A bundled scene as ``framehost scenes`` lists it."""

    name: str
    path: Path
    description: str


@dataclass(frozen=True, slots=True)
class SceneArgument:
    """One ``--arg`` a scene's ``build`` takes: its name and default as written."""

    name: str
    default: str | None


@dataclass(frozen=True, slots=True)
class SceneDescription:
    """A bundled scene as ``framehost scenes NAME`` describes it."""

    name: str
    path: Path
    description: str
    arguments: tuple[SceneArgument, ...]


@dataclass(frozen=True, slots=True)
class Scene:
    """A loaded scene: its module ran and it defines a callable ``build``."""

    name: str
    path: Path
    module: ModuleType
    build: Callable[..., object]


def bundled_scenes_dir() -> Path:
    """The folder of the bundled scenes, which ship as ``host.scenes``.

    Scenes are the floor above the app: the loader finds their folder without
    importing the package (and runs a scene file only when it is asked for), so no
    import goes up from the app to the scenes, and a ``scenes`` package of the
    user's own (in the folder the command runs from) is never mistaken for them.
    """
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SceneError(f"the bundled scenes package {BUNDLED_PACKAGE!r} is not installed; "
                         "reinstall framehost")
    return Path(next(iter(spec.submodule_search_locations)))


def list_scenes() -> list[SceneInfo]:
    """The bundled scenes, by name, each with the first line of its module docstring."""
    found = []
    for path in sorted(bundled_scenes_dir().glob("*.py")):
        if path.name.startswith("_"):
            continue
        found.append(SceneInfo(path.stem, path, _first_docstring_line(path)))
    return found


def describe_scene(spec: str) -> SceneDescription:
    """The whole docstring of a scene (bundled name or path) and the arguments its
    ``build(host, ...)`` takes, read from its source without running it.

    Raises:
        SceneError: as `resolve_scene`, or when the file cannot be parsed.
    """
    name, path, _ = resolve_scene(spec)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        raise SceneError(f"scene file {str(path)!r} cannot be read: {exc}.") from None
    doc = (ast.get_docstring(tree) or "(no description)").strip()
    arguments: list[SceneArgument] = []
    build = next((node for node in tree.body if isinstance(node, ast.FunctionDef)
                  and node.name == "build"), None)
    if build is not None:
        params = [*build.args.posonlyargs, *build.args.args]
        defaults = [None] * (len(params) - len(build.args.defaults)) + list(build.args.defaults)
        named = list(zip(params, defaults, strict=True))[1:]  # the first is the host
        named += list(zip(build.args.kwonlyargs, build.args.kw_defaults, strict=True))
        for arg, default in named:
            arguments.append(SceneArgument(arg.arg, None if default is None
                                           else ast.unparse(default)))
    return SceneDescription(name, path, doc, tuple(arguments))


def resolve_scene(spec: str) -> tuple[str, Path, bool]:
    """The scene's name, its file, and whether it is bundled, for a path or a bundled name.

    Raises:
        SceneError: when ``spec`` names neither an existing file nor a bundled scene.
    """
    given = Path(spec)
    looks_like_path = spec.endswith(".py") or "/" in spec or "\\" in spec
    if not looks_like_path and spec.isidentifier():
        bundled = bundled_scenes_dir() / f"{spec}.py"
        if bundled.is_file():
            return spec, bundled, True
        if not given.is_file():
            names = ", ".join(info.name for info in list_scenes()) or "none"
            raise SceneError(
                f"{spec!r} is neither a bundled scene nor a file; bundled scenes: {names} "
                f"(`framehost scenes` describes them), or give the path to a .py file."
            )
    if given.is_dir():
        raise SceneError(f"scene {spec!r} is a directory; expected a .py file defining "
                         f"build(host).")
    if not given.is_file():
        raise SceneError(f"scene file {spec!r} does not exist (looked for {given.resolve()}); "
                         f"expected a .py file defining build(host), or a bundled scene name.")
    return given.stem, given, False


def load_scene(spec: str) -> Scene:
    """Find the scene, run its module, and check it defines ``build``.

    A scene given by path runs like a script: its folder goes first on ``sys.path``
    so it can import modules beside it.

    Raises:
        SceneError: for every way the scene cannot be loaded; see the module docstring.
    """
    name, path, bundled = resolve_scene(spec)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SceneError(f"scene file {str(path)!r} cannot be read: {exc}.") from None
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)  # no future flags of ours
    except SyntaxError as exc:
        line = f"line {exc.lineno}" if exc.lineno else "somewhere"
        text = f": {exc.text.strip()!r}" if exc.text and exc.text.strip() else ""
        raise SceneError(f"scene file {str(path)!r} has a syntax error at {line}: "
                         f"{exc.msg}{text}.") from None
    module_name = f"{BUNDLED_PACKAGE}.{name}" if bundled else f"framehost_scene_{name}"
    module = ModuleType(module_name)
    module.__file__ = str(path)
    module.__package__ = BUNDLED_PACKAGE if bundled else ""
    module.__dict__.update(scene_globals())  # op, me, parent, run, tableDAT..., as in TD
    sys.modules[module_name] = module
    if not bundled:
        folder = str(path.resolve().parent)
        if folder not in sys.path:
            sys.path.insert(0, folder)
    try:
        exec(code, module.__dict__)
    except Exception as exc:
        del sys.modules[module_name]
        raise SceneError(f"scene file {str(path)!r} raised {describe_error(exc)} while loading"
                         f"{_where(exc, path)}.", original=exc) from None
    build = getattr(module, "build", None)
    if build is None:
        raise SceneError(f"scene file {str(path)!r} defines no build(host) function; a scene "
                         f"must define `def build(host):` that creates its operators.")
    if not callable(build) or inspect.iscoroutinefunction(build):
        kind = "an async function" if callable(build) else type(build).__name__
        raise SceneError(f"scene file {str(path)!r}: build is {kind}, expected a plain "
                         f"function `def build(host):` (start async work with host.tasks.Run).")
    return Scene(name, path, module, build)


def build_scene(scene: Scene, host: object, args: Mapping[str, Any] | None = None) -> None:
    """Call ``scene.build(host, **args)``, then freeze what it built (`FrameGc.freeze`).

    Raises:
        SceneError: when ``build`` cannot take these arguments, or raises.
    """
    args = dict(args or {})
    set_project(host, scene.path.name, str(scene.path.resolve().parent))  # TD's `project`
    try:
        signature = inspect.signature(scene.build)
    except (TypeError, ValueError):
        signature = None
    if signature is not None:
        try:
            signature.bind(host, **args)
        except TypeError as exc:
            given = ", ".join(f"{k}={v!r}" for k, v in args.items()) or "no --arg"
            raise SceneError(f"scene file {str(scene.path)!r}: build{signature} cannot be "
                             f"called with the host and {given}: {exc}.") from None
    try:
        scene.build(host, **args)
    except Exception as exc:
        raise SceneError(f"scene file {str(scene.path)!r}: build(host) raised "
                         f"{describe_error(exc)}{_where(exc, scene.path)}.",
                         original=exc) from None
    # The scene's operators, parameters and modules live as long as the host: frozen
    # (Host(gc="frame")), full collections stop rescanning them; unfrozen at close.
    policy = getattr(host, "gc_policy", None)
    if isinstance(policy, FrameGc):
        policy.freeze()


def _first_docstring_line(path: Path) -> str:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except SyntaxError as exc:
        return f"(cannot be read: syntax error at line {exc.lineno})"
    except (OSError, UnicodeDecodeError) as exc:
        return f"(cannot be read: {exc})"
    doc = ast.get_docstring(tree)
    if not doc:
        return "(no description)"
    return doc.strip().splitlines()[0]


def _where(exc: BaseException, path: Path) -> str:
    """Where the error was raised: `` at line 12`` in the scene itself, else
    `` at helper.py:7 (from the scene's line 12)`` for a module the scene imports.

    The place is the deepest frame in code of the user's own: framehost's packages
    and the standard library are stepped over (a ``TypeError`` raised by
    ``create()``'s checks is reported at the scene's line that called it), but the
    deepest frame is the answer when every frame is theirs.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    target = str(path)
    scene_lines = [f.lineno for f in frames if f.filename == target]
    own = [f for f in frames if not _library(f.filename)]
    raised = own[-1] if own else frames[-1]
    if raised.filename == target:
        return f" at line {raised.lineno}"
    where = f" at {_short(raised.filename)}:{raised.lineno}"
    if scene_lines:
        where += f" (from the scene's line {scene_lines[-1]})"
    return where


_FRAMEHOST_DIRS = tuple(str(Path(__file__).resolve().parent.parent / name) + os.sep
                        for name in ("td", "host", "asyncio_comp", "operators"))
_LIBRARY_DIRS = tuple({str(Path(p).resolve()) + os.sep
                       for key in ("stdlib", "platstdlib", "purelib", "platlib")
                       if (p := sysconfig.get_paths().get(key))})


def _library(filename: str) -> bool:
    """True for framehost's own code and the standard library's (and installed
    packages'), where a scene's error is not to be looked for."""
    if filename.startswith("<"):
        return True
    resolved = str(Path(filename).resolve())
    if resolved.startswith(str(bundled_scenes_dir()) + os.sep):
        return False  # a bundled scene is the user's code here
    return resolved.startswith(_FRAMEHOST_DIRS) or resolved.startswith(_LIBRARY_DIRS)


def _short(filename: str) -> str:
    """The path relative to the working folder where that is shorter."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:
        return filename
    return relative if len(relative) < len(filename) else filename
