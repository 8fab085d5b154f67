"""Reload on save (``framehost run SCENE --watch``): edit, save, see, with the host
still running.

The watcher follows the scene file and the project files it imports (modules whose
file lies in the scene's folder, found when the scene loads, again after every
reload). `watchfiles` watches them from a thread of its own; the host's thread
picks the changes up at the end of a frame, so every reload happens between one
frame's work and the next, on the host's thread, like any other frame-end callback.

A reload is a transaction that keeps the previous scene running unless the new one
loads *and* builds:

1. the project modules are taken out of ``sys.modules`` and the scene file is run
   again, so it imports their new code; if that fails (a syntax error, an exception
   at import), the old modules are put back and nothing else changes;
2. the old scene's work stops: its tasks are cancelled (they end ``cancelled``) and
   the operators its ``build`` created are destroyed (their owned tasks and worker
   jobs with them; ``/ChatTD`` and TDAsyncIO stay, so frame count, task history and
   statistics go on);
3. the new scene's ``build`` runs; if it raises, what it built is destroyed, the old
   modules are put back and the old scene is built again from its own code.

Every outcome is one line: ``reloaded scene.py (changed: ops.py) ...`` or the error
with its file and line, until the next good save.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import watchfiles

from host.scene_loader import Scene, SceneError, build_scene, load_scene
from td.module_reload import FRAMEHOST_PACKAGES

__all__ = ["SceneWatcher", "project_modules_of"]


#: Wall seconds the watcher waits for its file watch to be in place.
_READY_WITHIN = 10.0

Report = Callable[[str, str], None]  # (level, message): "info" or "error"


class _Host(Protocol):
    """What the watcher needs of the host (the assembled `host.Host`)."""

    @property
    def root(self) -> Any: ...

    @property
    def tasks(self) -> Any: ...

    def on_frame_end(self, fn: Callable[[Any], object]) -> Callable[[Any], object]: ...

    def remove_callback(self, fn: Callable[[Any], object]) -> bool: ...


class SceneWatcher:
    """Reloads a running scene when its file or a project file it imports is saved.

    Args:
        host: the running host the scene was built into.
        spec: the scene as the command was given it (a path or a bundled name).
        scene: the loaded scene, already built into ``host``.
        built: the names of the root's children the scene's build created.
        args: the scene's ``--arg`` values, given to every build.
        report: where each reload's one line goes, as ``report(level, message)``.
        watch_files: False to leave the files unwatched and reload only when
            `reload` is called (tests drive it frame by frame).
    """

    def __init__(self, host: _Host, spec: str, scene: Scene, built: Iterable[str],
                 args: Mapping[str, Any], report: Report, *, watch_files: bool = True) -> None:
        self._host = host
        self._spec = spec
        self._scene = scene
        self._built = list(built)
        self._args = dict(args)
        self._report = report
        self._modules = project_modules_of(scene)
        self._changes: list[set[str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watched: frozenset[Path] = frozenset()
        #: Reloads that took effect, and saves that did not (load or build failed).
        self.reloads = 0
        self.failures = 0
        self._watching = watch_files
        self._watched = self._files_now()
        if watch_files:
            self._start_watching()
            host.on_frame_end(self._frame_ended)

    @property
    def watched(self) -> frozenset[Path]:
        """The files whose saves reload the scene."""
        return self._watched

    def close(self) -> None:
        """Stop watching (the run ends); idempotent."""
        self._host.remove_callback(self._frame_ended)
        self._stop_watching()

    # -- watching (the watcher's thread) ----------------------------------------------
    def _start_watching(self) -> None:
        files = self._watched
        folders = sorted({str(path.parent) for path in files})
        stop = self._stop = threading.Event()
        watched = {str(path) for path in files}

        def only_ours(change: watchfiles.Change, path: str) -> bool:
            return str(Path(path).resolve()) in watched

        ready = threading.Event()

        def watch() -> None:
            # An empty batch every rust_timeout ms while nothing changes: the first one
            # says the watch is in place, so a save right after the "watching" line
            # is never missed.
            for changes in watchfiles.watch(*folders, watch_filter=only_ours,
                                            stop_event=stop, debounce=150, step=20,
                                            rust_timeout=100, yield_on_timeout=True,
                                            raise_interrupt=False):
                ready.set()
                if changes:
                    with self._lock:
                        self._changes.append({path for _, path in changes})
            ready.set()

        self._thread = threading.Thread(target=watch, name="framehost-watch", daemon=True)
        self._thread.start()
        ready.wait(timeout=_READY_WITHIN)

    def _stop_watching(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5.0)

    # -- reloading (the host's thread, at a frame's end) -------------------------------
    def _frame_ended(self, host: object) -> None:
        if not self._changes:  # one list read a frame while nothing was saved
            return
        with self._lock:
            batches, self._changes = self._changes, []
        changed = sorted({Path(p).name for batch in batches for p in batch})
        self.reload(changed)

    def reload(self, changed: list[str]) -> bool:
        """Reload the scene now; True if the new one runs (see the module docstring)."""
        old_scene = self._scene
        old_modules = {**self._modules, old_scene.module.__name__: old_scene.module}
        for name, module in self._modules.items():
            sys.modules.pop(name, None)
            _forget_bytecode(module)
        importlib.invalidate_caches()
        try:
            scene = load_scene(self._spec)
        except SceneError as exc:
            self._restore(old_scene, old_modules)
            return self._failed(exc)
        new_modules = project_modules_of(scene)
        self._stop_old_scene()
        try:
            built = self._build(scene)
        except SceneError as exc:
            self._restore(old_scene, old_modules)
            self._built = self._build(old_scene)
            return self._failed(exc)
        self._scene, self._modules, self._built = scene, new_modules, built
        self.reloads += 1
        what = ", ".join(changed) if changed else "nothing"
        self._report("info", f"reloaded {scene.path.name} (changed: {what}); built "
                             f"{_listed(['/' + name for name in built])}")
        if self._watched != self._files_now():
            self._watched = self._files_now()
            if self._watching:
                self._stop_watching()
                self._start_watching()
        return True

    def _files_now(self) -> frozenset[Path]:
        """The scene's file and its project modules' files."""
        files = {self._scene.path.resolve()}
        files.update(Path(m.__file__).resolve() for m in self._modules.values()
                     if m.__file__)
        return frozenset(files)

    def _failed(self, exc: SceneError) -> bool:
        self.failures += 1
        self._report("error", f"{exc} The previous scene keeps running; save again to "
                              f"retry.")
        return False

    def _stop_old_scene(self) -> None:
        """Cancel the running scene's tasks and destroy the operators it built."""
        self._host.tasks.Cancelactive()
        self._destroy(self._built)

    def _destroy(self, names: Iterable[str]) -> None:
        root = self._host.root
        for name in names:
            node = root.op(name)
            if node is not None and node.valid:
                node.destroy()

    def _build(self, scene: Scene) -> list[str]:
        """Build ``scene`` into the host; the names of the root children it created.
        What a failing build created is destroyed before the error goes on."""
        root = self._host.root
        before = {child.name for child in root.children}
        try:
            build_scene(scene, self._host, self._args)
        except SceneError:
            self._host.tasks.Cancelactive()
            self._destroy(c.name for c in root.children if c.name not in before)
            raise
        return [child.name for child in root.children if child.name not in before]

    @staticmethod
    def _restore(scene: Scene, modules: Mapping[str, ModuleType]) -> None:
        """Put the old scene's modules back, dropping the project modules a failed
        load imported (the old scene must not meet their half-run code)."""
        for name in project_modules_of(scene):
            sys.modules.pop(name, None)
        sys.modules.update(modules)


def project_modules_of(scene: Scene) -> dict[str, ModuleType]:
    """The loaded modules whose files are in the scene's folder (its project), by
    name: framehost's own packages and the scene module itself excluded."""
    folder = scene.path.resolve().parent
    found: dict[str, ModuleType] = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if (not file or module is scene.module or name.partition(".")[0] in FRAMEHOST_PACKAGES
                or name.startswith("framehost_scene_")):
            continue
        try:
            path = Path(file).resolve()
        except (OSError, ValueError):
            continue
        if path.is_relative_to(folder) and "site-packages" not in path.parts:
            found[name] = module
    return found


def _forget_bytecode(module: ModuleType) -> None:
    """Remove a module's cached bytecode: a save within the same second that keeps the
    file's size would otherwise import the old code (the cache checks mtime and size)."""
    file = module.__file__
    if not file or not file.endswith(".py"):
        return
    with contextlib.suppress(OSError, ValueError, NotImplementedError):
        Path(importlib.util.cache_from_source(file)).unlink(missing_ok=True)


def _listed(paths: list[str], most: int = 4) -> str:
    """``/a, /b and 3 more``: the operators a build made, short enough for one line."""
    if not paths:
        return "no operators"
    shown = ", ".join(paths[:most])
    return shown if len(paths) <= most else f"{shown} and {len(paths) - most} more"
