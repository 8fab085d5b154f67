"""What the serial worker runs: blocking callables, never coroutines.

A coroutine or a coroutine function handed to the worker would run nothing on its
thread (the coroutine would only be created, then dropped un-awaited); it belongs
in TDAsyncIO's ``Run``. The refusal closes a coroutine object it was handed, so the
mistake is reported once, by the TypeError, and not again as "never awaited".
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import CoroutineType
from typing import Any

__all__ = ["name_of", "refuse_async"]


def name_of(fn: Callable[..., Any]) -> str:
    """A callable's name for task descriptions and messages (a partial's function's)."""
    inner = getattr(fn, "func", fn)  # functools.partial
    name = getattr(inner, "__qualname__", None)
    return name if isinstance(name, str) else type(inner).__name__


def refuse_async(fn: Any, where: str) -> None:
    """Raise `TypeError` if ``fn`` is a coroutine (closed first) or a coroutine function."""
    if type(fn) is CoroutineType:
        fn.close()
        raise TypeError(f"{where} runs blocking callables on a thread, got the coroutine "
                        f"{fn!r}; run it with TDAsyncIO's Run() instead")
    if inspect.iscoroutinefunction(fn):
        raise TypeError(f"{where} runs blocking callables on a thread, got the coroutine "
                        f"function {name_of(fn)!r}; run it with TDAsyncIO's Run() instead")
