"""Which host is "current": the one TD-style global code such as ``op('/ChatTD')`` means.

TouchDesigner code reaches operators through globals (``op``, ``run``) because a TD
process has one network. A Python process may hold several hosts, so the globals
in `host.td` ask this module which one is meant: the host whose frame is running on
this thread (its callbacks, cook hooks, completion callbacks and tasks all run
inside a frame, and its close hooks inside `close()`), else the only open host
owned by this thread, else a clear `NoCurrentHost` error.

This is process-wide state on purpose, and the only such state in the engine: the
open hosts, held weakly (a dropped host is forgotten). Which of them runs a frame is
each host's own `running_since`, so a frame pays one counter step for it, and hosts
on other threads never count (they are checked with their thread guard).

It also knows *which operator's code is running* (TD's ``me``): `call_as` sets it
around every call into operator code (pulse and value-change handlers, ``onCreate``,
cooks registered with an owner, extension constructors, `run()` callables with
``fromOP``, Execute DAT callbacks), and `current_operator` reads it. It is a context
variable, so each thread sees its own, and an asyncio task started while an
operator's code runs keeps that operator as its context's value.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, Protocol, TypeVar

from td.thread_guard import ThreadGuard

__all__ = ["NoCurrentHost", "OpenHost", "call_as", "current_host", "current_operator",
           "host_closed", "host_opened", "operator_code", "pop_operator", "push_operator",
           "read_current_operator"]

_R = TypeVar("_R")


class OpenHost(Protocol):
    """What this module needs of a host (`td.core.HostCore` fits it); a
    protocol, so the core can import this module and not the other way round."""

    @property
    def guard(self) -> ThreadGuard: ...

    @property
    def closed(self) -> bool: ...

    @property
    def running_since(self) -> int | None: ...


class NoCurrentHost(RuntimeError):
    """TD-style global code ran where no single host is meant."""


_open: weakref.WeakSet[OpenHost] = weakref.WeakSet()


def host_opened(host: OpenHost) -> None:
    """A host was created: it may be the only open one."""
    _open.add(host)


def host_closed(host: OpenHost) -> None:
    """A host was closed: it is current no more."""
    _open.discard(host)


def current_host() -> OpenHost:
    """The host running the innermost frame on this thread, else the only open host
    of this thread.

    Raises:
        NoCurrentHost: no host runs here and not exactly one is open.
    """
    mine = [h for h in list(_open) if h.guard.is_owner()]
    running = [h for h in mine if h.running_since is not None]
    if running:
        return max(running, key=_running_since)
    mine = [h for h in mine if not h.closed]
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


def _running_since(host: OpenHost) -> int:
    return host.running_since or 0


# -- the operator whose code is running ---------------------------------------------
# Typed `object`: the network (which defines OP) stands above this module.
_operator: ContextVar[object | None] = ContextVar("framehost_current_operator", default=None)


def current_operator() -> Any:
    """The operator whose code is running on this thread (TD's ``me``), or None.

    Set by `call_as` around every call the engine makes into operator code; code
    that runs outside any (a test body, a scene's module level) sees None.
    """
    return _operator.get()


#: `current_operator` as the context variable's own C method, for per-task paths
#: (``Run`` reads it for every task it registers).
read_current_operator: Callable[[], Any] = _operator.get


#: `call_as` in two halves, the context variable's own C methods, for the paths that
#: run every frame (the cook hooks): ``token = push_operator(op)``, then
#: ``pop_operator(token)`` in a ``finally``. Everywhere else `call_as` reads better.
push_operator: Callable[[object], Token[object | None]] = _operator.set
pop_operator: Callable[[Token[object | None]], None] = _operator.reset


def call_as(operator: object, fn: Callable[..., _R], *args: Any) -> _R:
    """Call ``fn(*args)`` as code of ``operator``: `current_operator()` is it meanwhile.

    Nested calls stack: the previous operator is current again once ``fn`` returns
    or raises.
    """
    token = _operator.set(operator)
    try:
        return fn(*args)
    finally:
        _operator.reset(token)


class operator_code:
    """``with operator_code(op):`` runs the block as code of ``op`` (see `call_as`)."""

    __slots__ = ("_operator", "_token")

    def __init__(self, operator: object) -> None:
        self._operator = operator
        self._token: Any = None

    def __enter__(self) -> None:
        self._token = _operator.set(self._operator)

    def __exit__(self, *exc: object) -> None:
        _operator.reset(self._token)
