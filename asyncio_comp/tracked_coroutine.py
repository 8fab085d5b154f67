"""TrackedCoroutine: the thin shell a tracked coroutine runs in on the event loop.

It does two jobs at the one place every resumption passes through. It times each
step on the host's ``wall_clock`` for blocking detection (`asyncio_comp.blocking`),
and it sees the coroutine end: the value it returned or the exception it raised
goes straight to the component, in the step that ended it. A done callback on the asyncio task would
learn the same one loop iteration later, at the price of a scheduled callback per
task: about a microsecond, a fifth of what asyncio itself spends on a task.

The asyncio task is only the carrier; the outcome lives in the component's record.
So an ordinary exception, once reported, ends the carrier task with None instead of
the exception, and asyncio has nothing to log as "never retrieved". Cancellation
ends it cancelled, as asyncio expects, and ``KeyboardInterrupt``/``SystemExit`` go
on up through the loop to whoever stepped the host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Generator
from typing import Any, NoReturn

from asyncio_comp.blocking import BlockingWatch

__all__ = ["TrackedCoroutine"]

#: ``on_end(result, exception)``: exactly one of them describes the ending.
OnEnd = Callable[[Any, BaseException | None], None]


class TrackedCoroutine(Coroutine[Any, Any, Any]):
    """Wraps one tracked coroutine; see the module docstring."""

    __slots__ = ("_coro", "_description", "_on_end", "_task_id", "_watch")

    def __init__(self, coro: Coroutine[Any, Any, Any], task_id: int, description: str,
                 watch: BlockingWatch, on_end: OnEnd) -> None:
        self._coro = coro
        self._task_id = task_id
        self._description = description
        self._watch = watch
        self._on_end = on_end

    def send(self, value: Any) -> Any:
        return self._resume(self._coro.send, value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if val is None and tb is None:
            return self._resume(self._coro.throw, typ)
        return self._resume(self._coro.throw, typ, val, tb)

    def _resume(self, method: Callable[..., Any], *args: Any) -> Any:
        """One step: ``method(*args)`` on the coroutine, timed, its ending reported."""
        watch = self._watch
        clock, gc_watch = watch.clock, watch.gc_watch
        started, in_gc = clock(), gc_watch.total
        try:
            return method(*args)
        except StopIteration as stop:
            self._on_end(stop.value, None)
            raise
        except BaseException as exc:
            self._raised(exc)
        finally:
            elapsed = clock() - started
            if elapsed >= watch.threshold:
                watch.check(self._task_id, self._description, elapsed,
                            gc_watch.total - in_gc)

    def _raised(self, exc: BaseException) -> NoReturn:
        """The coroutine ended with ``exc``: report it, then end the carrier task."""
        self._on_end(None, exc)
        if isinstance(exc, Exception):
            raise StopIteration from None  # reported: the carrier ends with None
        if not isinstance(exc, asyncio.CancelledError):
            # KeyboardInterrupt & co. end the carrier with the exception and leave
            # the loop; take it off the task so asyncio does not log it as lost.
            carrier = asyncio.current_task()
            if carrier is not None:
                carrier.add_done_callback(_take_exception)
            del carrier  # the traceback keeps this frame; it need not keep the task
        raise exc

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self  # type: ignore[return-value]

    def __next__(self) -> Any:
        return self.send(None)

    def __iter__(self) -> TrackedCoroutine:
        return self

    @property
    def inner(self) -> Coroutine[Any, Any, Any]:
        return self._coro

    def __repr__(self) -> str:
        return f"<TrackedCoroutine task {self._task_id} {self._coro!r}>"


def _take_exception(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
