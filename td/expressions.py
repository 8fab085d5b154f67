"""What parameter expressions need from the rest of the engine: TD's scope to
evaluate them in, and a per-host watch that re-evaluates them every frame.

A parameter in expression or bind mode (``par.expr = "absTime.frame * 2"``,
``par.bindExpr = "op('gain').par.Value"``) evaluates when read, and the host keeps
it consistent each frame: at every frame start its `ExpressionWatch` re-evaluates
the parameters that are in those modes (and only them), so ``onValueChange`` fires
on the frame an expression's value changes even when nobody reads it. The modes
themselves live on `td.params.Par`; this module stands below it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["ExpressionWatch", "Watched", "scope_for", "set_scope_factory", "watch_for"]

_scope_factory: list[Callable[[Any], dict[str, Any]]] = []


def set_scope_factory(factory: Callable[[Any], dict[str, Any]]) -> None:
    """Tell this module how to build TD's scope for an operator (`td.environment`
    does, at import: it stands above the parameters)."""
    _scope_factory[:] = [factory]


def scope_for(owner: object) -> dict[str, Any]:
    """TD's globals for an expression on ``owner``'s parameter (``me`` is ``owner``)."""
    if not _scope_factory:  # td/__init__ imports td.environment, which sets it
        raise RuntimeError("parameter expressions need td.environment; import td first")
    return _scope_factory[0](owner)


class Watched(Protocol):
    """A parameter the watch refreshes (`td.params.Par` fits it)."""

    def refresh(self) -> bool:
        """Re-evaluate now; False when the parameter is gone (its operator destroyed)."""
        ...


class FrameHost(Protocol):
    def on_frame_start(self, fn: Callable[[Any], object]) -> Callable[[Any], object]: ...


class ExpressionWatch:
    """The parameters of one host that are in expression or bind mode."""

    def __init__(self, host: FrameHost) -> None:
        self._pars: dict[int, Watched] = {}
        host.on_frame_start(self._frame_started)

    def add(self, par: Watched) -> None:
        self._pars[id(par)] = par

    def discard(self, par: Watched) -> None:
        self._pars.pop(id(par), None)

    def __len__(self) -> int:
        return len(self._pars)

    def _frame_started(self, host: object) -> None:
        for key, par in list(self._pars.items()):
            if not par.refresh():
                self._pars.pop(key, None)


_watches: weakref.WeakKeyDictionary[Any, ExpressionWatch] = weakref.WeakKeyDictionary()


def watch_for(host: FrameHost) -> ExpressionWatch:
    """The host's expression watch, made on first use."""
    found = _watches.get(host)
    if found is None:
        found = _watches[host] = ExpressionWatch(host)
    return found
