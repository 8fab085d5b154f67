"""Checking what `Run` was given, before anything is registered.

Every rejection closes the coroutines it was handed, so a bad call never leaves a
"coroutine was never awaited" warning behind, and names what it got and what it
expected.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Coroutine
from types import CoroutineType
from typing import Any

__all__ = ["RunRequest", "close_given", "validate_run"]


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


def close_given(coroutines: Any) -> None:
    """Close every coroutine in what `Run` was given, so none is left un-awaited."""
    items = coroutines if isinstance(coroutines, list | tuple) else [coroutines]
    for item in items:
        if asyncio.iscoroutine(item):
            item.close()


def _hint(value: Any) -> str:
    if asyncio.iscoroutinefunction(value):
        name = getattr(value, "__name__", "fn")
        return f"; call it: Run({name}())"
    if asyncio.isfuture(value):
        return "; Run takes coroutines, await futures inside one"
    return ""


def _check_items(items: list[Any], given: Any, where: str) -> None:
    """Raise unless ``items`` (from the list or tuple ``given``) are distinct coroutines."""
    if not items:
        raise ValueError(f"{where}() expected at least one coroutine, got an empty "
                         f"{type(given).__name__}")
    for index, item in enumerate(items):
        if not asyncio.iscoroutine(item):
            raise TypeError(
                f"{where}() expected a list of coroutines, but item {index} is "
                f"{item!r}{_hint(item)}"
            )
    if len({id(c) for c in items}) != len(items):
        raise ValueError(f"{where}() was given the same coroutine object twice; "
                         "each task needs its own coroutine")


def validate_run(coroutines: Any, description: Any, info: Any, timeout: Any,
                 completion_callback: Any, where: str = "Run") -> RunRequest:
    """Check `Run`'s arguments; raise `TypeError`/`ValueError` after closing coroutines.

    LOPs semantics: a ``timeout`` of 0 (or None) means no timeout; a description
    that is not a string is shown as ``str(description)``.
    """
    items: list[Any]
    # type() first: the common case, a plain coroutine, is then checked at C speed.
    if type(coroutines) is CoroutineType or asyncio.iscoroutine(coroutines):
        single, items = True, [coroutines]
    elif isinstance(coroutines, list | tuple):
        single, items = False, list(coroutines)
    else:
        raise TypeError(
            f"{where}() expected a coroutine or a list of coroutines, "
            f"got {coroutines!r}{_hint(coroutines)}"
        )
    try:
        if not single:
            _check_items(items, coroutines, where)
        if description is not None and not isinstance(description, str):
            description = str(description)  # as LOPs shows it
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, int | float):
                raise TypeError(f"{where}() expected timeout in seconds (a number >= 0) or "
                                f"None, got {timeout!r}")
            if math.isnan(timeout) or timeout < 0:
                raise ValueError(f"{where}() expected timeout in seconds (a number >= 0) or "
                                 f"None, got {timeout!r}")
            # 0 means "no timeout", as in LOPs, whose operators default Timeout to 0.
            timeout = float(timeout) if timeout else None
        if completion_callback is not None and not callable(completion_callback):
            raise TypeError(f"{where}() expected completion_callback to be a callable taking "
                            f"the finished task, got {completion_callback!r}")
    except BaseException:
        close_given(items)
        raise
    return RunRequest(items, single, description, info, timeout, completion_callback)
