"""Checking what `Run` was given, before anything is registered.

A rejected call changes nothing and leaves nothing behind: every coroutine it was
handed that nobody else owns is closed, at any depth of nesting (``[[c]]``, ``{c}``,
``{1: c}``), so no "coroutine was never awaited" warning appears. A coroutine that
someone else owns is never closed: one already started (it is some task's, here or
on another loop), one already closed, or one a pending task of ours is waiting to
start (``owned``). Generators are not iterated, so a generator expression creates
no coroutine to leak. Every rejection names what it got and what it expected.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Container, Coroutine
from inspect import iscoroutinefunction
from types import CoroutineType, GeneratorType
from typing import Any, TypeGuard

from asyncio_comp._loop_internals import coroutine_closed, new_native_check

__all__ = ["RunRequest", "close_given", "coroutine_name", "is_new_native", "validate_run"]

_NOTHING_OWNED: frozenset[object] = frozenset()
#: Containers `close_given` looks into; anything else is left as it is.
_CONTAINERS = (list, tuple, set, frozenset, dict)


class RunRequest:
    """`Run`'s arguments once they are known to be good."""

    __slots__ = ("callback", "coroutines", "description", "info", "single", "timeout")

    def __init__(self, coroutines: list[Coroutine[Any, Any, Any]], single: bool,
                 description: str | None, info: Any, timeout: float | None,
                 callback: Callable[..., object] | None) -> None:
        self.coroutines = coroutines
        self.single = single
        self.description = description
        self.info = info
        self.timeout = timeout
        self.callback = callback


def _is_coroutine(value: Any) -> bool:
    # Not asyncio.iscoroutine: on Python 3.11 it also says yes to plain generators,
    # which a task then fails with "Task got bad yield".
    return type(value) is CoroutineType or isinstance(value, Coroutine)


def _state(coro: Any) -> str:
    """``"new"``, ``"started"`` or ``"closed"``; a coroutine-like object that does not
    tell counts as new."""
    if type(coro) is not CoroutineType:
        return "new"
    if coroutine_closed(coro):
        return "closed"
    if coro.cr_running or coro.cr_suspended:
        return "started"
    return "new"


#: Whether ``value`` is a native coroutine that has not run, is not closed and is not
#: in ``owned``: `Run`'s common case, told without building anything (anything else
#: goes through `_check_coroutine`, which says what is wrong). One call: it is
#: `_loop_internals.new_native_check`, which reads the coroutine's state the way
#: `coroutine_closed` does.
is_new_native: Callable[[Any, Container[object]], TypeGuard[CoroutineType[Any, Any, Any]]] = (
    new_native_check)  # type: ignore[assignment]


def close_given(given: Any, owned: Container[object] = _NOTHING_OWNED) -> None:
    """Close every coroutine in ``given`` (at any depth of lists, tuples, sets and
    dicts) that has not started and is not in ``owned``, so none is left un-awaited.
    Started coroutines belong to a task somewhere and are left alone."""
    stack = [given]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if _is_coroutine(item):
            if _state(item) == "new" and item not in owned:
                item.close()
        elif isinstance(item, _CONTAINERS) and id(item) not in seen:
            seen.add(id(item))
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            else:
                stack.extend(item)


def _hint(value: Any) -> str:
    if iscoroutinefunction(value):
        name = getattr(value, "__name__", "fn")
        return f"; call it: Run({name}())"
    if isinstance(value, GeneratorType):
        return "; Run takes coroutines (made by calling an async def), not generators"
    if isinstance(value, list | tuple):
        return "; Run takes a flat list of coroutines"
    if isinstance(value, set | frozenset | dict):
        return "; Run takes a coroutine or a list of them"
    if asyncio.isfuture(value):
        return "; Run takes coroutines, await futures inside one"
    return ""


def _check_coroutine(coro: Any, owned: Container[object], where: str, what: str) -> None:
    """Raise unless ``coro`` is a coroutine that has not started and nobody owns."""
    if not _is_coroutine(coro):
        if what == "got":
            raise TypeError(f"{where}() expected a coroutine or a list of coroutines, "
                            f"got {coro!r}{_hint(coro)}")
        raise TypeError(f"{where}() expected a list of coroutines, but {what} "
                        f"{coro!r}{_hint(coro)}")
    state = _state(coro)
    if state == "closed":
        raise ValueError(f"{where}() expected a new coroutine, but {what} {coro!r}, which "
                         "has already finished or been closed; call the async function again")
    if state == "started" or coro in owned:
        raise ValueError(f"{where}() expected a new coroutine, but {what} {coro!r}, which "
                         "already belongs to a task; each task needs its own coroutine")


def _check_timeout(timeout: Any, where: str, lenient: bool = False) -> float | None:
    """The timeout as a float; ``lenient`` (LOPs) keeps the number as given (its
    message shows ``5``, not ``5.0``) and accepts a negative one."""
    if timeout is None:
        return None
    expected = f"{where}() expected timeout in seconds (a number >= 0) or None, got {timeout!r}"
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(expected)
    try:
        seconds = float(timeout)
    except OverflowError:  # an int too large for a float: 10**400
        raise ValueError(f"{expected}, which is too large to be a number of seconds") from None
    if math.isnan(seconds) or (seconds < 0 and not lenient):
        raise ValueError(expected)
    return timeout if lenient else seconds  # type: ignore[no-any-return]


def _description_text(description: Any, where: str) -> str:
    """The text a description is shown as: ``str(description)``, as LOPs shows it.

    A str subclass may override ``__str__`` (even to raise); the table, the views and
    the logs get the plain text it holds. Any other object is asked for ``str()``
    once, here, so a ``__str__`` that raises rejects the call instead of breaking
    the table later.
    """
    if isinstance(description, str):
        return str.__str__(description)
    try:
        text = str(description)
    except Exception as exc:
        raise TypeError(f"{where}() expected a description that str() can show, got an "
                        f"object of type {type(description).__name__} whose str() raised "
                        f"{type(exc).__name__}") from exc
    if not isinstance(text, str):
        raise TypeError(f"{where}() expected a description that str() can show, got "
                        f"{type(description).__name__} whose __str__ returned "
                        f"{type(text).__name__}")
    return str.__str__(text)


def validate_run(coroutines: Any, description: Any, info: Any, timeout: Any,
                 completion_callback: Any, where: str = "Run",
                 owned: Container[object] = _NOTHING_OWNED,
                 lenient: bool = False) -> RunRequest:
    """Check `Run`'s arguments; on `TypeError`/`ValueError` the coroutines nobody
    else owns are closed first.

    Args:
        owned: coroutines already given to pending tasks; accepted again they would
            run twice, and closed on rejection they would break those tasks.
        lenient: the LOPs profile's rules: a negative timeout is accepted (the task
            times out at once) and kept as given. (``Run([])`` never gets here.)
    """
    try:
        single = type(coroutines) is CoroutineType or not isinstance(coroutines, list | tuple)
        if single:
            # The common case, a new native coroutine, is checked inline: Run() is
            # called by the hundred thousand.
            if not is_new_native(coroutines, owned):
                _check_coroutine(coroutines, owned, where, "got")
            items = [coroutines]
        else:
            items = list(coroutines)
            if not items:
                raise ValueError(f"{where}() expected at least one coroutine, got an empty "
                                 f"{type(coroutines).__name__}")
            for index, item in enumerate(items):
                _check_coroutine(item, owned, where, f"item {index} is")
            if len({id(c) for c in items}) != len(items):
                raise ValueError(f"{where}() was given the same coroutine object twice; "
                                 "each task needs its own coroutine")
        if description is not None:
            description = _description_text(description, where)
        # 0 means "no timeout", as in LOPs, whose operators default Timeout to 0.
        seconds = _check_timeout(timeout, where, lenient) or None
        if completion_callback is not None and not callable(completion_callback):
            raise TypeError(f"{where}() expected completion_callback to be a callable taking "
                            f"the finished task, got {completion_callback!r}")
    except BaseException:
        close_given(coroutines, owned)
        raise
    return RunRequest(items, single, description, info, seconds, completion_callback)


def coroutine_name(coro: Coroutine[Any, Any, Any]) -> str:
    """A task's description when none is given: the coroutine's qualified name."""
    try:
        name = getattr(coro, "__qualname__", None)
    except Exception:  # a coroutine-like object's property may fail
        name = None
    return name if isinstance(name, str) and name else type(coro).__name__
