"""The host's per-frame callbacks and `next_frame()` waiters, in the order they run.

`HostCore` runs a frame; what runs at the frame's two ends is kept here, so the frame
loop reads as its order (waiters, start callbacks, cooks, end callbacks) and the
lists have one owner. A callback that raises is reported through the host and
harms no other callback.

An idle frame pays for none of it: the callbacks are kept as tuples (`start`,
`end`: iterated as they are, made anew when one is added or removed), and
`waiting` says whether any waiter is out, so the frame loop tests two attributes
and a flag, and calls nothing when all are empty.
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

    __slots__ = ("_conditions", "_later", "_order", "_report", "_views", "_waiters", "end",
                 "start", "waiting")

    def __init__(self, report: Callable[[str, BaseException], None]) -> None:
        self._report = report
        #: The frame-start and frame-end callbacks, in order (read them, do not set
        #: them: a change makes a new tuple, so one being called is never changed
        #: and a change applies next frame).
        self.start: tuple[FrameCallback, ...] = ()
        self.end: tuple[FrameCallback, ...] = ()
        #: Whether a waiter of any kind is out (`resolve_waiters` has work).
        self.waiting = False
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
        _check_callable(fn, "on_frame_start")
        self.start += (fn,)
        return fn

    def add_end(self, fn: FrameCallback, *, view: bool = False) -> FrameCallback:
        """``view``: ``fn`` draws a view (frame blame's kind ``view``)."""
        _check_callable(fn, "on_frame_end")
        self.end += (fn,)
        if view:
            self._views.add(fn)
        return fn

    def remove(self, fn: FrameCallback) -> bool:
        """Stop calling a frame callback (its first registration, start callbacks
        first); True if it was registered."""
        if fn in self.start:
            self.start = _without(self.start, fn)
        elif fn in self.end:
            self.end = _without(self.end, fn)
            if fn not in self.end:
                self._views.discard(fn)
        else:
            return False
        return True

    def new_waiter(self) -> asyncio.Future[int]:
        """A future of the running loop that resolves with the next frame's number.

        Made by the loop's ``create_frame_future`` when it has one (the host's loop):
        a task waiting for a frame waits on nothing outside the loop, so a frame
        poller never holds virtual time."""
        loop = asyncio.get_running_loop()
        make = getattr(loop, "create_frame_future", loop.create_future)
        future: asyncio.Future[int] = make()
        self._waiters.append(future)
        self.waiting = True
        return future

    def frame_waiter(self, frame: int) -> asyncio.Future[int]:
        """A future of the running loop that resolves with ``frame`` at its start."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._later, (frame, next(self._order), future))
        self.waiting = True
        return future

    def condition_waiter(self, condition: Callable[[], object]) -> asyncio.Future[None]:
        """A future of the running loop resolved at the start of the first frame at
        which ``condition()`` is true."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._conditions.append((condition, future))
        self.waiting = True
        return future

    def resolve_waiters(self, frame: int) -> None:
        """Resolve the waiters due at the start of ``frame`` (the frame loop calls it
        only while `waiting`)."""
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
        self.waiting = bool(self._waiters or later or self._conditions)

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

    def close_waiters(self) -> None:
        """Cancel every `next_frame()` waiter (the host closes: no frame will come)."""
        waiters, self._waiters = self._waiters, []
        later, self._later = self._later, []
        conditions, self._conditions = self._conditions, []
        futures: list[asyncio.Future[Any]] = [*waiters, *(entry[2] for entry in later),
                                              *(entry[1] for entry in conditions)]
        self.waiting = False
        for future in futures:
            future.cancel()

    def close(self) -> None:
        """Forget every callback and waiter (the host closed)."""
        self.close_waiters()
        self.start = self.end = ()
        self._views.clear()

    def call(self, callbacks: tuple[FrameCallback, ...], where: str, host: object,
             clock: Callable[[], float], blame: FrameBlame, since: float) -> float:
        """Call each of ``callbacks`` (`start` or `end`, ``where`` naming which) with
        ``host``; the clock's reading after the last one.

        Each is timed from the reading that ended the one before, ``since`` for the
        first (one clock read each); one that took `FrameBlame.threshold` or more is
        itemised as a ``hook`` (a ``view`` if it draws one). A callback that raises
        is reported and the others still run.
        """
        for fn in callbacks:
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


def _check_callable(fn: FrameCallback, where: str) -> None:
    if not callable(fn):
        raise TypeError(f"{where}() expected a callable taking the host, got {fn!r}")


def _without(callbacks: tuple[FrameCallback, ...], fn: FrameCallback
             ) -> tuple[FrameCallback, ...]:
    """``callbacks`` without the first ``fn`` (``==``, as ``list.remove`` compares:
    a bound method registered twice is removed once)."""
    index = callbacks.index(fn)
    return callbacks[:index] + callbacks[index + 1:]


def _callable_name(fn: Callable[..., object]) -> str:
    name = getattr(fn, "__qualname__", None)
    return name if isinstance(name, str) else repr(fn)
