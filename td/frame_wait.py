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
sleep wakes 50–100 µs late (the kernel's timer slack): frames started up to a
millisecond late, 0.9–1.0 ms at the 99th percentile. So the loop is served until
`SERVE_MARGIN` before the frame is due, the rest is slept until `SPIN` before it,
and the last `SPIN` is spun on the clock: p99 under 0.3 ms (``bench/frame_start.py``)
for at most `SPIN` of busy CPU a frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

__all__ = ["SERVE_MARGIN", "SPIN", "FrameWait"]

#: Real seconds before a frame is due that serving the loop stops (the selector may
#: return up to a millisecond after its timeout).
SERVE_MARGIN = 0.002
#: Real seconds before a frame is due that sleeping gives way to spinning on the clock.
SPIN = 0.0003

#: ``serve(seconds)``: wait up to about ``seconds`` of wall time; True if it waited.
Serve = Callable[[float], bool]


class FrameWait:
    """The clock's ``sleep`` for one host: a plain sleep, or a component's turn.

    Args:
        sleep: the host's sleep (``time.sleep`` unless a test injected one).
        as_frame_work: a context in which serving runs as frame work does (the host
            current, the collector paused, a close deferred to the frame's end).
    """

    __slots__ = ("_as_frame_work", "_real", "_sleep", "serve")

    def __init__(self, sleep: Callable[[float], None],
                 as_frame_work: Callable[[], AbstractContextManager[object]]) -> None:
        self._sleep = sleep
        self._as_frame_work = as_frame_work
        # Only on the real clock: serving and spinning both need time to pass by itself.
        self._real = sleep is time.sleep
        self.serve: Serve | None = None

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
        remaining = deadline - perf()
        if remaining > SPIN:
            time.sleep(remaining - SPIN)
        while perf() < deadline:
            pass
