"""Every use of asyncio internals in framehost, in one place.

Three things here lean on CPython details: the loop's clock (`BaseEventLoop.time` is
overridden so that timers follow the host's frame clock), the length of the loop's
ready queue (`loop._ready`), which tells the stepper whether another iteration has
work to do, and `FrameEventLoop.has_work`, which reads the ready queue, the timer
heap (`loop._scheduled`, `TimerHandle._when`, `loop._clock_resolution`) and the
selector (`loop._selector` and its `_fd_to_key`) to tell whether a frame may skip
the loop altogether. `forget_pending` sets a task's ``_log_destroy_pending`` when
shutdown gives up on a coroutine that refuses to stop.
`tests/asyncio_comp/test_loop_internals.py` pins all of them, so a Python upgrade
that changes them fails loudly there rather than subtly elsewhere.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
from collections.abc import Callable
from typing import Any, TypeVar

from asyncio_comp.executor import DaemonThreadPool
from asyncio_comp.outside_work import OutsideWork
from asyncio_comp.progress import child_context

_T = TypeVar("_T")

__all__ = ["FrameEventLoop", "forget_pending", "ready_count"]


class FrameEventLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` is the host's clock.

    In non-realtime mode the host clock is the frame's virtual time, so
    ``asyncio.sleep(0.5)`` and every ``call_at`` fire on an exact frame.
    """

    def __init__(self, time_source: Callable[[], float]) -> None:
        super().__init__()
        self._time_source = time_source
        # The selector's own dict of watched file descriptors (the loop's wake-up
        # pipe included), kept for its whole life; `get_map()` wraps it in a
        # Python-level mapping whose ``len()`` costs a call.
        self._watched = self._selector._fd_to_key  # type: ignore[attr-defined]
        #: Work in flight outside the loop; non-realtime frames are paced while it lasts.
        self.outside = OutsideWork()
        #: The default executor (``asyncio.to_thread``): one a close can walk away from.
        self.executor = DaemonThreadPool()
        self.set_default_executor(self.executor)

    def time(self) -> float:
        return self._time_source()

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., _T], *args: Any,
    ) -> asyncio.Future[_T]:
        """As asyncio's, and the call counts as outside work until it returns."""
        future = super().run_in_executor(executor, func, *args)
        self.outside.track(future)
        return future

    def create_task(self, coro: Any, *, name: object = None,
                    context: contextvars.Context | None = None) -> asyncio.Task[Any]:
        """As asyncio's; a task started from inside a tracked task gets a context
        naming that task, so `report_progress` in it counts for the parent."""
        return super().create_task(coro, name=name, context=child_context(self, context))

    def has_work(self) -> bool:
        """Whether one iteration of the loop would run anything now.

        False when no callback is ready, no timer is due and no watched file
        descriptor is readable or writable: then an iteration (~3 µs) would only
        poll and return, and an idle frame skips it. The loop's wake-up pipe needs
        no poll: ``call_soon_threadsafe`` and signal handlers put their callback in
        the ready queue before they write to it. Other descriptors are polled
        without waiting; the selector is level-triggered, so the iteration that
        follows sees the same events again.
        """
        if self._ready:  # type: ignore[attr-defined]
            return True
        scheduled = self._scheduled  # type: ignore[attr-defined]
        # The loop runs a timer once its time is less than a clock resolution away.
        if scheduled and (scheduled[0]._when
                          < self.time() + self._clock_resolution):  # type: ignore[attr-defined]
            return True
        if len(self._watched) > 1:
            return bool(self._selector.select(0))  # type: ignore[attr-defined]
        return False


def ready_count(loop: asyncio.AbstractEventLoop) -> int:
    """How many callbacks wait in the loop's ready queue (CPython's ``loop._ready``)."""
    return len(loop._ready)  # type: ignore[attr-defined]


def forget_pending(task: asyncio.Task[Any]) -> None:
    """Close a task's coroutine that refused to stop, and tell asyncio not to log it
    as "Task was destroyed but it is pending" (CPython's ``_log_destroy_pending``)."""
    task.get_coro().close()  # type: ignore[union-attr]
    task._log_destroy_pending = False  # type: ignore[attr-defined]
