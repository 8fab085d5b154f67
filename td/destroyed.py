"""What a destroyed operator answers: `OperatorDestroyed`, for every touch.

TouchDesigner raises when code touches an operator that was deleted; only
``op.valid`` still answers. Here ``destroy()`` swaps the operator's thread guard for a
`DestroyedGuard`: every entry point already checks its guard before it reads or
changes anything (the operator's methods, its parameters, a table's cells), so the
destroyed operator refuses them all, and the live path pays nothing for it. Its
identity (``name``, ``path``, ``id``, ``OPType``, ``family``) stays readable, so
messages and logs can still name it.
"""

from __future__ import annotations

from td.thread_guard import ThreadGuard

__all__ = ["DestroyedGuard", "OperatorDestroyed"]


class OperatorDestroyed(RuntimeError):
    """An operator (or one of its parameters or cells) was touched after ``destroy()``."""


class DestroyedGuard(ThreadGuard):
    """The guard of a destroyed operator: the thread check, then `OperatorDestroyed`."""

    __slots__ = ("_destroyed",)

    def __init__(self, live: ThreadGuard, destroyed: object) -> None:
        self._owner_ident = live.owner_ident
        self._owner_name = live.owner_name
        self._destroyed = destroyed

    def check(self, what: object) -> None:
        super().check(what)
        gone = self._destroyed
        subject = (f"{what!r} was destroyed" if what is gone
                   else f"{what!r} belongs to {gone!r}, which was destroyed")
        raise OperatorDestroyed(f"{subject}; it can no longer be read or changed (check "
                                f"op.valid before touching an operator that may be gone)")
