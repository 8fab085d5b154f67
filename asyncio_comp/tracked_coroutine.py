"""TrackedCoroutine: the thin shell a tracked coroutine runs in on the event loop.

It does two jobs at the one place every resumption passes through. It times each
step on the host's ``wall_clock`` for blocking detection (`asyncio_comp.blocking`),
and it sees the coroutine end: the value it returned or the exception it raised
goes straight to the component, in the step that ended it. A done callback on the
asyncio task would learn the same one loop iteration later, at the price of a
scheduled callback per task: about a microsecond, a fifth of what asyncio itself
spends on a task.

The shell is not an object of its own: `TaskRecord` (the task's record) is a
`TrackedCoroutine`, and the record itself is what the asyncio task runs: a separate
shell, and the callables binding it to the record and the end handler, would be
GC-tracked objects per running task that every full collection walks. The record
provides the inner coroutine, the task id and description, the `BlockingWatch` and
its `EndHandler` (the lifecycle).

The asyncio task is only the carrier; the outcome lives in the component's record.
So an ordinary exception, once reported, ends the carrier task with None instead of
the exception, and asyncio has nothing to log as "never retrieved". Cancellation
ends it cancelled, as asyncio expects, and ``KeyboardInterrupt``/``SystemExit`` go
on up through the loop to whoever stepped the host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

if TYPE_CHECKING:
    from asyncio_comp.blocking import BlockingWatch

__all__ = ["EndHandler", "TrackedCoroutine"]


class EndHandler(Protocol):
    """Who hears how a tracked coroutine ended (the task lifecycle), where its
    progress goes (``sink``, the registry), and what times its steps (``watch``)."""

    watch: BlockingWatch

    @property
    def sink(self) -> Any:
        """The `progress.ChangeSink` a handle on the task reports to."""

    def coroutine_ended(self, rec: Any, result: Any, exc: BaseException | None) -> None:
        """``rec``'s coroutine returned ``result`` or raised ``exc`` (one is set)."""


class TrackedCoroutine(Coroutine[Any, Any, Any]):
    """The stepping half of a task's record; see the module docstring.

    A subclass provides ``coro`` (the coroutine it wraps, None once ended),
    ``task_id``, ``description`` and ``owner`` (whose ``watch`` times the steps).
    """

    __slots__ = ()

    coro: Coroutine[Any, Any, Any] | None
    task_id: int
    description: str
    owner: EndHandler

    def send(self, value: Any = None) -> Any:
        # `_resume` inlined, and its ``finally`` spelled out per way out (an exception
        # leaving through a ``finally`` costs more): send is every step of every task.
        watch = self.owner.watch
        clock, gc_watch = watch.clock, watch.gc_watch
        started, in_gc = clock(), gc_watch.total
        try:
            result = self.coro.send(value)  # type: ignore[union-attr]
        except StopIteration as stop:
            elapsed = clock() - started
            if elapsed >= watch.threshold:
                watch.check(self.task_id, self.description, elapsed, gc_watch.total - in_gc)
            self.owner.coroutine_ended(self, stop.value, None)
            raise
        except BaseException as exc:
            self._timed(watch, started, in_gc)
            self._raised(exc)
        elapsed = clock() - started
        if elapsed >= watch.threshold:
            watch.check(self.task_id, self.description, elapsed, gc_watch.total - in_gc)
        return result

    #: A task's first step comes through ``__next__`` (CPython's PyIter_Send): the
    #: same function, not one more Python call per task.
    __next__ = send

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        coro = self.coro
        assert coro is not None, "a tracked coroutine resumed after it ended"
        if val is None and tb is None:
            return self._resume(coro.throw, typ)
        return self._resume(coro.throw, typ, val, tb)

    def _resume(self, method: Callable[..., Any], *args: Any) -> Any:
        """One step: ``method(*args)`` on the coroutine, timed, its ending reported
        (`send`'s way, through `_timed`: this path is rare)."""
        watch = self.owner.watch
        started, in_gc = watch.clock(), watch.gc_watch.total
        try:
            result = method(*args)
        except StopIteration as stop:
            self._timed(watch, started, in_gc)
            self.owner.coroutine_ended(self, stop.value, None)
            raise
        except BaseException as exc:
            self._timed(watch, started, in_gc)
            self._raised(exc)
        self._timed(watch, started, in_gc)
        return result

    def _timed(self, watch: BlockingWatch, started: float, in_gc: float) -> None:
        """Check the step that began at ``started`` against the blocking threshold."""
        elapsed = watch.clock() - started
        if elapsed >= watch.threshold:
            watch.check(self.task_id, self.description, elapsed, watch.gc_watch.total - in_gc)

    def _raised(self, exc: BaseException) -> NoReturn:
        """The coroutine ended with ``exc``: report it, then end the carrier task."""
        self.owner.coroutine_ended(self, None, exc)
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
        if self.coro is not None:
            self.coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self  # type: ignore[return-value]

    def __iter__(self) -> TrackedCoroutine:
        return self


def _take_exception(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
