"""Removable hooks: what `HostCore.on_cook` and `HostCore.on_close` hand back.

A hook registered for an operator must not outlive it: a destroyed COMP whose cook
still runs every frame touches a dead network, and its close hook would keep it in
memory until the host closes. So every registration returns a `Hook` whose
``remove()`` takes it out, and hooks registered with an owner are removed when that
owner is destroyed (like the frame callbacks' ``remove_callback``).
"""

from __future__ import annotations

from collections.abc import Callable

from host.engine.thread_guard import ThreadGuard

__all__ = ["Hook"]


class Hook:
    """One registered cook or close hook; ``remove()`` unregisters it."""

    __slots__ = ("_fn", "_guard", "_hooks", "_kind")

    def __init__(self, fn: Callable[[], object], hooks: list[Hook], guard: ThreadGuard,
                 kind: str) -> None:
        self._fn = fn
        self._hooks: list[Hook] | None = hooks
        self._guard = guard
        self._kind = kind

    @property
    def fn(self) -> Callable[[], object]:
        """The callable this hook runs."""
        return self._fn

    @property
    def active(self) -> bool:
        """True until `remove()` (or the host's close) took the hook out."""
        return self._hooks is not None

    def remove(self) -> bool:
        """Stop running this hook; True if it was still registered. Idempotent."""
        self._guard.check(self)
        hooks, self._hooks = self._hooks, None
        if hooks is None:
            return False
        hooks.remove(self)
        return True

    def detach(self) -> None:
        """Mark the hook removed without touching its list (the host cleared it)."""
        self._hooks = None

    def __repr__(self) -> str:
        state = "active" if self.active else "removed"
        return f"<Hook {self._kind} {self._fn!r} {state}>"
