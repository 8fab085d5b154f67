"""The host's per-frame callbacks and `next_frame()` waiters, in the order they run.

`HostCore` runs a frame; what runs at the frame's two ends is kept here, so the frame
loop reads as its order (waiters, start callbacks, cooks, end callbacks) and the
lists have one owner. A callback that raises is reported through the host and
harms no other callback.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from td.blame import BlameKind, FrameBlame

__all__ = ["FrameCallback", "FrameCallbacks"]

FrameCallback = Callable[[Any], object]


class FrameCallbacks:
    """``on_frame_start`` / ``on_frame_end`` callbacks and ``next_frame()`` waiters.

    The host checks the calling thread before it calls any of these (its guard names
    the host, which is what the user touched).
    """

    __slots__ = ("_conditions", "_end", "_later", "_order", "_report", "_start", "_views",
                 "_waiters")

    def __init__(self, report: Callable[[str, BaseException], None]) -> None:
        self._report = report
        self._start: list[FrameCallback] = []
        self._end: list[FrameCallback] = []
        self._views: set[FrameCallback] = set()  # end callbacks that draw a view
        self._waiters: list[asyncio.Future[int]] = []
        # `frames(n)` waiters as (frame, order, future), soonest first; the order keeps
        # waiters of one frame in the order they asked.
        self._later: list[tuple[int, int, asyncio.Future[int]]] = []
        self._order = itertools.count()
        # Futures resolved at the first frame start where their condition holds
        # (`dat.changed()`): checked only while someone waits.
        self._conditions: list[tuple[Callable[[], object], asyncio.Future[None]]] = []

    def add_start(self, fn: FrameCallback) -> FrameCallback:
        return self._add(self._start, fn, "on_frame_start")

    def add_end(self, fn: FrameCallback, *, view: bool = False) -> FrameCallback:
        """``view``: ``fn`` draws a view (frame blame's kind ``view``)."""
        self._add(self._end, fn, "on_frame_end")
        if view:
            self._views.add(fn)
        return fn

    def remove(self, fn: FrameCallback) -> bool:
        """Stop calling a frame callback; True if it was registered."""
        for callbacks in (self._start, self._end):
            if fn in callbacks:
                callbacks.remove(fn)
                if fn not in self._end:
                    self._views.discard(fn)
                return True
        return False

    def new_waiter(self) -> asyncio.Future[int]:
        """A future of the running loop that resolves with the next frame's number.

        Made by the loop's ``create_frame_future`` when it has one (the host's loop):
        a task waiting for a frame waits on nothing outside the loop, so a frame
        poller never holds virtual time."""
        loop = asyncio.get_running_loop()
        make = getattr(loop, "create_frame_future", loop.create_future)
        future: asyncio.Future[int] = make()
        self._waiters.append(future)
        return future

    def frame_waiter(self, frame: int) -> asyncio.Future[int]:
        """A future of the running loop that resolves with ``frame`` at its start."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._later, (frame, next(self._order), future))
        return future

    def condition_waiter(self, condition: Callable[[], object]) -> asyncio.Future[None]:
        """A future of the running loop resolved at the start of the first frame at
        which ``condition()`` is true."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._conditions.append((condition, future))
        return future

    def resolve_waiters(self, frame: int) -> None:
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for future in waiters:
                if not future.done():
                    future.set_result(frame)
        later = self._later
        while later and later[0][0] <= frame:
            future = heapq.heappop(later)[2]
            if not future.done():
                future.set_result(frame)
        if self._conditions:
            self._check_conditions()

    def _check_conditions(self) -> None:
        waiting = []
        for condition, future in self._conditions:
            if future.done():
                continue  # cancelled: forgotten
            try:
                met = condition()
            except Exception as exc:
                future.set_exception(exc)
                continue
            if met:
                future.set_result(None)
            else:
                waiting.append((condition, future))
        self._conditions = waiting

    def run_start(self, host: object, clock: Callable[[], float], blame: FrameBlame,
                  since: float) -> float:
        """Call the start callbacks; the clock's reading after the last one (``since``
        when there are none). See `_call_each`."""
        return self._call_each(self._start, host, "on_frame_start", clock, blame, since)

    def run_end(self, host: object, clock: Callable[[], float], blame: FrameBlame,
                since: float) -> float:
        """Call the end callbacks, as `run_start` does."""
        return self._call_each(self._end, host, "on_frame_end", clock, blame, since)

    def close_waiters(self) -> None:
        """Cancel every `next_frame()` waiter (the host closes: no frame will come)."""
        waiters, self._waiters = self._waiters, []
        later, self._later = self._later, []
        conditions, self._conditions = self._conditions, []
        futures: list[asyncio.Future[Any]] = [*waiters, *(entry[2] for entry in later),
                                              *(entry[1] for entry in conditions)]
        for future in futures:
            future.cancel()

    def close(self) -> None:
        """Forget every callback and waiter (the host closed)."""
        self.close_waiters()
        self._start.clear()
        self._end.clear()

    def _add(self, callbacks: list[FrameCallback], fn: FrameCallback,
             where: str) -> FrameCallback:
        if not callable(fn):
            raise TypeError(f"{where}() expected a callable taking the host, got {fn!r}")
        callbacks.append(fn)
        return fn

    def _call_each(self, callbacks: list[FrameCallback], host: object, where: str,
                   clock: Callable[[], float], blame: FrameBlame, since: float) -> float:
        """Call each callback, timed from the reading that ended the one before (one
        clock read each); one that took `FrameBlame.threshold` or more is itemised
        as a ``hook`` (a ``view`` if it draws one)."""
        if not callbacks:
            return since
        # A copy: a callback may add or remove callbacks; the change applies next frame.
        for fn in list(callbacks):
            try:
                fn(host)
            except Exception as exc:
                self._report(f"{where} callback {fn!r}", exc)
            now = clock()
            if now - since >= blame.threshold:
                kind: BlameKind = "view" if fn in self._views else "hook"
                blame.charge(kind, f"{where} {_callable_name(fn)}", now - since, now)
            since = now
        return since


def _callable_name(fn: Callable[..., object]) -> str:
    name = getattr(fn, "__qualname__", None)
    return name if isinstance(name, str) else repr(fn)
