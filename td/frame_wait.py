"""FrameWait: what a realtime host does while it waits for its next frame.

By default it sleeps. A component that owns an event loop may take that time
instead (`HostCore.serve_between_frames`): TDAsyncIO runs its loop there, so a
socket's reply or a timer that comes due between two frames is handled when it
comes, as in any asyncio program, not up to a frame later. Without that, every
round trip through a loop that talks to other processes (a Dask scheduler and its
workers) cost a frame or two, and a 60 fps host ran 1,000 small Dask tasks at
40-60% of a plain asyncio program's speed.

Serving needs the real clock: a host made with a fake ``sleep`` (a test's) keeps
sleeping on it, since real I/O would never advance a fake clock.

On the real clock the wait also ends on time. A served wait blocks in the loop's
selector, whose timeout is whole milliseconds (epoll rounds it up), and a plain
sleep wakes late by the kernel's timer slack (50 µs) plus however long the machine
takes to run the thread again (on a virtual machine, a halted CPU's wake-up): frames
started up to a millisecond late, 0.9–1.0 ms at the 99th percentile. So the loop is
served until `SERVE_MARGIN` before the frame is due, the rest is slept until a
margin before it, and the margin is spun on the clock. The margin is how late this
machine's sleeps have recently woken (`WakeMargin`: their 99th percentile, within
`MIN_SPIN` and `MAX_SPIN`), so a frame spins about as long as a wake-up may be late
here, and no longer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

__all__ = ["MAX_SPIN", "MAX_SPIN_SHARE", "MIN_SPIN", "SERVE_MARGIN", "FrameWait", "WakeMargin"]

#: Real seconds before a frame is due that serving the loop stops (the selector may
#: return up to a millisecond after its timeout).
SERVE_MARGIN = 0.002
#: The shortest and longest margin before a frame that is spun instead of slept: at
#: least the timer slack's worth, and at most a millisecond and `MAX_SPIN_SHARE` of a
#: frame's period (6% of a core) however late this machine wakes.
MIN_SPIN = 0.0001
MAX_SPIN = 0.001
MAX_SPIN_SHARE = 1 / 16

#: ``serve(seconds)``: wait up to about ``seconds`` of wall time; True if it waited.
Serve = Callable[[float], bool]


class WakeMargin:
    """How long before a deadline to stop sleeping: the recent wake-ups' lateness.

    Each sleep before a frame reports how much later than asked it woke
    (`observe`). Every `EVERY` reports the margin becomes the 99th percentile of the
    last `WINDOW` (about four seconds at 60 fps) plus `HEADROOM`, kept within
    `MIN_SPIN` and the smaller of `MAX_SPIN` and `MAX_SPIN_SHARE` of ``period``: on
    a quiet machine with prompt wake-ups that is a tenth of a millisecond or two,
    where wake-ups come late the margin grows to cover them, and when they come on
    time again it shrinks back. Until the first window is full it is `START`.

    Args:
        period: the host's frame period in seconds.
    """

    __slots__ = ("_cap", "_count", "_late", "seconds")

    WINDOW = 256
    EVERY = 32
    HEADROOM = 0.00005
    START = 0.0003

    def __init__(self, period: float = 1 / 60) -> None:
        self._cap = max(MIN_SPIN, min(MAX_SPIN, period * MAX_SPIN_SHARE))
        #: Seconds before a deadline to stop sleeping and spin.
        self.seconds = min(self.START, self._cap)
        self._late: list[float] = []
        self._count = 0

    @property
    def observed(self) -> int:
        """How many wake-ups were reported."""
        return self._count

    def observe(self, late: float) -> None:
        """One sleep woke ``late`` seconds after the time it was asked to end."""
        late_list = self._late
        count = self._count
        if len(late_list) < self.WINDOW:
            late_list.append(late)
        else:
            late_list[count % self.WINDOW] = late
        count += 1
        self._count = count
        if count % self.EVERY == 0 and len(late_list) == self.WINDOW:
            ranked = sorted(late_list)
            p99 = ranked[(self.WINDOW * 99) // 100]
            self.seconds = min(self._cap, max(MIN_SPIN, p99 + self.HEADROOM))


class FrameWait:
    """The clock's ``sleep`` for one host: a plain sleep, or a component's turn.

    Args:
        sleep: the host's sleep (``time.sleep`` unless a test injected one).
        as_frame_work: a context in which serving runs as frame work does (the host
            current, the collector paused, a close deferred to the frame's end).
    """

    __slots__ = ("_as_frame_work", "_real", "_sleep", "margin", "serve")

    def __init__(self, sleep: Callable[[float], None],
                 as_frame_work: Callable[[], AbstractContextManager[object]]) -> None:
        self._sleep = sleep
        self._as_frame_work = as_frame_work
        # Only on the real clock: serving and spinning both need time to pass by itself.
        self._real = sleep is time.sleep
        self.serve: Serve | None = None
        #: How long before a frame the sleep gives way to spinning (the host gives it
        #: its frame period once its clock has checked fps).
        self.margin = WakeMargin()

    def set(self, serve: Serve | None) -> None:
        """Let ``serve`` take the waits from now on (None: sleep again)."""
        if serve is not None and not callable(serve):
            raise TypeError(f"serve_between_frames() expected a callable taking seconds "
                            f"or None, got {serve!r}")
        self.serve = serve

    def __call__(self, seconds: float) -> None:
        if not self._real:
            self._sleep(seconds)
            return
        perf = time.perf_counter
        deadline = perf() + seconds
        remaining = seconds
        while self.serve is not None and remaining > SERVE_MARGIN:
            with self._as_frame_work():
                if not self.serve(remaining - SERVE_MARGIN):
                    break  # not serving now (the component paused): sleep instead
            remaining = deadline - perf()
        margin = self.margin
        until = deadline - margin.seconds
        now = perf()
        if until > now:
            time.sleep(until - now)
            margin.observe(perf() - until)
        while perf() < deadline:
            pass
