"""The main-thread guard: host objects belong to the thread that created the host.

TouchDesigner and Godot both forbid touching scene objects from worker threads; a
violation there corrupts state silently or crashes. Here it raises `ThreadViolation`
*before* anything changes, naming the object and the offending thread, so the bug is
found at the line that caused it.
"""

from __future__ import annotations

import threading

__all__ = ["ThreadGuard", "ThreadViolation"]


class ThreadViolation(RuntimeError):
    """A host object was touched from a thread other than the host's own."""


class ThreadGuard:
    """Remembers the owning thread and checks callers against it.

    One guard is shared by every object of a host, so the check is a single
    integer comparison on the hot path.
    """

    __slots__ = ("_owner_ident", "_owner_name")

    def __init__(self) -> None:
        current = threading.current_thread()
        self._owner_ident: int = threading.get_ident()
        self._owner_name: str = current.name

    @property
    def owner_ident(self) -> int:
        """The owning thread's ``threading.get_ident()``, for a hot path that compares
        it inline and calls `check` only when it differs (to raise)."""
        return self._owner_ident

    @property
    def owner_name(self) -> str:
        return self._owner_name

    def is_owner(self) -> bool:
        return threading.get_ident() == self._owner_ident

    def check(self, what: object) -> None:
        """Raise `ThreadViolation` unless called on the owning thread.

        Args:
            what: the object being touched; its `repr` goes in the message.
        """
        if threading.get_ident() != self._owner_ident:
            raise ThreadViolation(self.describe(what))

    def describe(self, what: object) -> str:
        thread = threading.current_thread()
        return (
            f"{what!r} was touched from thread {thread.name!r} (ident {thread.ident}); "
            f"host objects may only be used from the host's thread {self._owner_name!r} "
            f"(ident {self._owner_ident}); hand results back with a WorkerTask, "
            "loop.call_soon_threadsafe or an awaited coroutine"
        )
