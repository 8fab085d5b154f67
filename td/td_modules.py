"""``op.TDModules``: where TD code finds TouchDesigner's own Python modules.

In TD, ``/sys/TDModules`` is a COMP holding TD's modules as DATs, and older TD code
(and code written for every TD version) reaches them through it:
``TDF = op.TDModules.mod.TDFunctions``, ``TDJSON = op.TDModules.mod.TDJSON``.
framehost has no ``/sys``; ``op.TDModules`` is this stand-in, whose ``mod.Name``
(or ``mod('Name')``) is the importable module of that name. The modules register
here when imported (`register`); `host` imports all of them, so they are there in
every host. Needing no host, it works at the top of a module a scene imports.
"""

from __future__ import annotations

import difflib
from types import ModuleType

__all__ = ["TDModules", "register"]

_registry: dict[str, ModuleType] = {}


def register(module: ModuleType) -> None:
    """Make ``module`` reachable as ``op.TDModules.mod.<its name>``."""
    _registry[module.__name__.rpartition(".")[2] if "." in module.__name__
              else module.__name__] = module


class _Mods:
    """``op.TDModules.mod``: TD's modules by name."""

    __slots__ = ()

    def __getattr__(self, name: str) -> ModuleType:
        if name.startswith("_"):
            raise AttributeError(name)
        return self(name)

    def __call__(self, name: str) -> ModuleType:
        found = _registry.get(name)
        if found is not None:
            return found
        known = sorted(_registry)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise ModuleNotFoundError(
            f"op.TDModules.mod.{name}: TD's modules here are {', '.join(known) or 'none'} "
            f"({hint}TD's editor modules are not part of framehost)")

    def __repr__(self) -> str:
        return "<op.TDModules.mod: TD's own modules by name>"


class _TDModules:
    """TD's ``/sys/TDModules`` COMP, reduced to what code uses: ``mod``."""

    __slots__ = ()
    name = "TDModules"
    path = "/sys/TDModules"
    mod = _Mods()

    def __repr__(self) -> str:
        return "<op.TDModules: TD's own modules (mod.TDFunctions, mod.TDJSON, ...)>"


TDModules = _TDModules()
