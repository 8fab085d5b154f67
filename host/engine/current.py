"""Which host is "current": the one TD-style global code such as ``op('/ChatTD')`` means.

TouchDesigner code reaches operators through globals (``op``, ``run``) because a TD
process has one network. A Python process may hold several hosts, so the globals
in `host.td` ask this module which one is meant: the host whose frame is running on
this thread (its callbacks, cook hooks, completion callbacks and tasks all run
inside a frame, and its close hooks inside `close()`), else the only open host
owned by this thread, else a clear `NoCurrentHost` error.

This is process-wide state on purpose, and the only such state in the engine:
the open hosts are held weakly (a dropped host is forgotten) and the running
frames per thread, so nothing here keeps a host alive or leaks across threads.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from host.engine.core import HostCore

__all__ = ["NoCurrentHost", "current_host", "enter", "host_closed", "host_opened", "leave"]


class NoCurrentHost(RuntimeError):
    """TD-style global code ran where no single host is meant."""


_open: weakref.WeakSet[HostCore] = weakref.WeakSet()
_running = threading.local()  # .stack: list[HostCore], innermost last


def host_opened(host: HostCore) -> None:
    """A host was created: it may be the only open one."""
    _open.add(host)


def host_closed(host: HostCore) -> None:
    """A host was closed: it is current no more, outside its own close."""
    _open.discard(host)


def enter(host: HostCore) -> None:
    """``host`` starts running a frame (or its close) on this thread."""
    stack: list[HostCore] | None = getattr(_running, "stack", None)
    if stack is None:
        stack = _running.stack = []
    stack.append(host)


def leave() -> None:
    """The innermost `enter` on this thread is over."""
    _running.stack.pop()


def current_host() -> HostCore:
    """The host running a frame on this thread, else the only open host of this thread.

    Raises:
        NoCurrentHost: no host runs here and not exactly one is open.
    """
    stack: list[HostCore] | None = getattr(_running, "stack", None)
    if stack:
        return stack[-1]
    mine = [h for h in list(_open) if not h.closed and h.guard.is_owner()]
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise NoCurrentHost(
            "op() and the other TD globals found no open host on thread "
            f"{threading.current_thread().name!r}; create one with host.Host(), or call "
            "them from a frame, callback or task of the host you mean")
    raise NoCurrentHost(
        f"op() and the other TD globals found {len(mine)} open hosts on this thread and "
        "none running a frame, so cannot tell which is meant; call them from a frame, "
        "callback or task of one host, or use that host's host.op(path)")
