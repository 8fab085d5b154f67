"""``to_thread``: a blocking call on a thread, which can be told its task was cancelled.

``asyncio.to_thread`` cannot stop the call it started: cancelling the awaiting task
cancels the await, and the thread runs on to the end, unaware. Ours is the same
call (the loop's default executor, the caller's context, counted as outside work as
``run_in_executor`` is), plus a flag the thread can read: `cancel_requested()` is
True in that thread once the awaiting task is cancelled (by ``CancelTask``, a
timeout, or its operator's destroy), so a long loop in it can stop early::

    def crunch(items):
        for item in items:
            if cancel_requested():
                return None
            work(item)

    result = await to_thread(crunch, items)

Like ``asyncio.to_thread``, the awaiting task ends cancelled at once; the thread
ends when its code next asks and returns.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from contextvars import ContextVar, copy_context
from typing import ParamSpec, TypeVar

__all__ = ["cancel_requested", "to_thread"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _CancelFlag:
    """Set once by the awaiting side; read by the thread (a plain attribute: a bool
    written once is safe to read from another thread)."""

    __slots__ = ("requested",)

    def __init__(self) -> None:
        self.requested = False


_flag: ContextVar[_CancelFlag | None] = ContextVar("framehost_thread_cancel", default=None)


async def to_thread(fn: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """Run ``fn(*args, **kwargs)`` on a thread of the loop's default executor and
    return its result (raise its exception), as ``asyncio.to_thread`` does; in that
    thread `cancel_requested()` turns True once the awaiting task is cancelled.

    Raises:
        TypeError: ``fn`` is not callable (nothing is started).
    """
    if not callable(fn):
        raise TypeError(f"to_thread() expected a callable followed by its arguments, "
                        f"got {fn!r}")
    loop = asyncio.get_running_loop()
    flag = _CancelFlag()
    context = copy_context()
    context.run(_flag.set, flag)
    call = functools.partial(context.run, fn, *args, **kwargs)
    try:
        return await loop.run_in_executor(None, call)
    except asyncio.CancelledError:
        flag.requested = True
        raise


def cancel_requested() -> bool:
    """True in a thread started by `to_thread` once its awaiting task was cancelled;
    False before, and anywhere else (code that may run both ways can always ask)."""
    flag = _flag.get()
    return flag is not None and flag.requested
