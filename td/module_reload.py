"""Running a module's file again in its own namespace: what re-initialising a COMP's
extensions does to the modules their classes come from (TD's Re-Init Extensions
re-reads the extension's DAT; here the DAT is a file).

A reload is a transaction over a list of modules: each file is compiled and run
again in the module's own namespace, emptied of all but its dunders first (so
``import chat_ext`` elsewhere sees the new code, as `importlib.reload` gives, and a
name the new code no longer defines is gone), and if any of them fails to compile or to run,
every module of the list is put back exactly as it was and the error raised, naming
the file and line. The source is compiled from the file itself, never from cached
bytecode: a save within the same second that keeps the file's size would otherwise
run the old code (the cache checks mtime and size).

framehost's own packages and installed code (the standard library, site-packages)
are never reloaded: their classes are used again as they are.
"""

from __future__ import annotations

import sysconfig
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from td.errors import describe_error

__all__ = ["FRAMEHOST_PACKAGES", "ReloadError", "reload_in_place", "reloadable"]

T = TypeVar("T")

#: framehost's own top-level packages: never a project's module, whatever folder they
#: are in (a project kept in a checkout of framehost lies beside them).
FRAMEHOST_PACKAGES = frozenset({"td", "tdu", "TDStoreTools", "TDFunctions", "asyncio_comp",
                                "operators", "dot_lop_utils", "host"})


def _installed_roots() -> tuple[Path, ...]:
    paths = sysconfig.get_paths()
    roots = {Path(paths[key]).resolve() for key in ("stdlib", "platstdlib", "purelib",
                                                     "platlib") if key in paths}
    return tuple(roots)


_INSTALLED = _installed_roots()


class ReloadError(Exception):
    """A module's file failed to compile or run again; every module was put back."""


def reloadable(module: ModuleType) -> bool:
    """Whether ``module`` is project code read from a ``.py`` file (not framehost's
    own, not installed), so a reload can run its file again."""
    if module.__name__.partition(".")[0] in FRAMEHOST_PACKAGES:
        return False
    file = getattr(module, "__file__", None)
    if not isinstance(file, str) or not file.endswith(".py"):
        return False
    try:
        path = Path(file).resolve()
    except (OSError, ValueError):
        return False
    return not any(path.is_relative_to(root) for root in _INSTALLED)


def reload_in_place(modules: Sequence[ModuleType], then: Callable[[], T]) -> T:
    """Run each module's file again in its own namespace, in order, then ``then()``
    (which may look at the new code and refuse it); what ``then()`` returns.

    Raises:
        ReloadError: a file could not be read, compiled or run, or ``then()``
            raised it; every module of ``modules`` is then as it was before the call.
    """
    saved: list[tuple[ModuleType, dict[str, object]]] = []
    try:
        for module in modules:
            file = str(module.__file__)
            try:
                code = compile(Path(file).read_text(encoding="utf-8"), file, "exec")
                namespace = module.__dict__
                saved.append((module, dict(namespace)))
                # Afresh, as a first import runs it: a name the new code no longer
                # defines is gone (TD compiles an edited DAT's module anew), while the
                # module's identity and its dunders (__name__, __file__, __spec__)
                # stay, so what imported it sees the new code.
                for name in [n for n in namespace if not (n.startswith("__")
                                                          and n.endswith("__"))]:
                    del namespace[name]
                exec(code, namespace)
            except Exception as exc:
                raise ReloadError(f"{file}{_line_of(exc, file)}: {describe_error(exc)}; "
                                  f"nothing was reloaded") from exc
        return then()
    except BaseException:
        for module, before in reversed(saved):
            module.__dict__.clear()
            module.__dict__.update(before)
        raise


def _line_of(exc: BaseException, file: str) -> str:
    """``:12``, the line of ``file`` where ``exc`` arose (or '' when unknown)."""
    if isinstance(exc, SyntaxError) and exc.lineno and exc.filename == file:
        return f":{exc.lineno}"
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__)
             if frame.filename == file]
    return f":{lines[-1]}" if lines and lines[-1] is not None else ""
