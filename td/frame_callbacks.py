"""The host's per-frame callbacks and `next_frame()` waiters, in the order they run.

`HostCore` runs a frame; what runs at the frame's two ends is kept here, so the frame
loop reads as its order (waiters, start callbacks, cooks, end callbacks) and the
lists have one owner. A callback that raises is reported through the host and
harms no other callback.
"""

from __future__ import annotations

import asyncio
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

    __slots__ = ("_end", "_report", "_start", "_views", "_waiters")

    def __init__(self, report: Callable[[str, BaseException], None]) -> None:
        self._report = report
        self._start: list[FrameCallback] = []
        self._end: list[FrameCallback] = []
        self._views: set[FrameCallback] = set()  # end callbacks that draw a view
        self._waiters: list[asyncio.Future[int]] = []

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

    def resolve_waiters(self, frame: int) -> None:
        waiters, self._waiters = self._waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(frame)

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
        for future in waiters:
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
