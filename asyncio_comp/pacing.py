"""OutsidePacer: non-realtime frames that never run ahead of work outside the loop.

In non-realtime mode a frame advances host time by exactly one period, however
little real time it took. That is right for everything inside the loop (timers fire
on an exact frame) and wrong for anything outside it: a thread, a process, a
socket's peer all run on real time, so a 2 s timeout around a 0.3 s request would
expire after a millisecond of real time.

So after a non-realtime frame has drained the loop, the pacer asks the loop whether
outside work is in flight (`FrameEventLoop.outside_in_flight`: counted
`OutsideWork` — executor calls, subprocesses, worker jobs, ``outside_work()``
blocks — or a task of the program's work waiting on a future that only something
outside the loop can resolve, while something outside can reach it). If so, the
frame does not end
before real time has caught up with it: the pacer blocks in the loop's selector
until the real time at which this frame's period ends, measured from the frame the
pacing began (an absolute schedule, so slow frames are caught up, never run ahead
of). Socket readiness and ``call_soon_threadsafe`` (a thread or a worker finishing)
wake it early; it drains what arrived and goes on waiting while work is still out.
When nothing is in flight the frame ends at once: frames run flat out.

What this changes and what it does not:

* Which frame an inside timer fires in is unchanged: host time still advances by
  exactly one period per frame; pacing only decides how much real time a frame
  takes. A ``sleep(0.1)`` beside a pending request still ends in frame 7 at 60 fps.
* Outside work meets its deadlines as in realtime: a hung request with
  ``timeout=0.5`` times out after about 0.5 s of real time.
* With nothing outside in flight no clock is read, so frames stay deterministic.
* Asking costs what changed since the last frame (`WaitWatch`), not a look at every
  socket, thread or task: an idle frame beside 500 connections and 10,000 sleeping
  tasks asks a few lengths and counters.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from asyncio_comp._loop_internals import FrameEventLoop, ready_count
from td.blame import FrameBlame

__all__ = ["OutsidePacer"]


class OutsidePacer:
    """Paces one loop's non-realtime frames to real time while outside work is out.

    Args:
        loop: the host's loop.
        period: real seconds per frame (``1 / fps``).
        frame: the current frame number.
        drain: runs the loop until it is idle (the non-realtime step); called when
            the selector wakes with something to handle.
        perf, sleep: the real clock and a sleep, injectable for tests.
        blame, wall_clock: the host's ledger, told each wait (`FrameBlame.wait`) as
            ``wall_clock`` measures it, the clock the frame's duration is measured on
            (`HostCore.wall_clock`, which a test may replace): a paced frame lasts
            about a period by design, and its wait is not work to blame.
    """

    def __init__(self, loop: FrameEventLoop, period: float, frame: Callable[[], int],
                 drain: Callable[[], object], *,
                 perf: Callable[[], float] = time.perf_counter,
                 sleep: Callable[[float], None] = time.sleep,
                 blame: FrameBlame | None = None,
                 wall_clock: Callable[[], float] = time.perf_counter) -> None:
        self._loop = loop
        self._period = period
        self._frame = frame
        self._drain = drain
        self._perf = perf
        self._sleep = sleep
        self._blame = blame
        self._wall_clock = wall_clock
        self._anchor: tuple[float, int] | None = None
        #: Frames that waited for outside work (for tests and stats).
        self.paced_frames = 0

    def pace(self) -> bool:
        """End the frame no sooner than real time allows; whether it was paced."""
        loop = self._loop
        if not loop.outside_in_flight():
            self._anchor = None
            return False
        perf = self._perf
        frame = self._frame()
        if self._anchor is None:
            self._anchor = (perf(), frame)
        anchor_time, anchor_frame = self._anchor
        target = anchor_time + (frame - anchor_frame + 1) * self._period
        self.paced_frames += 1
        blame, wall_clock = self._blame, self._wall_clock
        while True:
            remaining = target - perf()
            if remaining <= 0:
                return True
            wait_began = wall_clock()
            if ready_count(loop):
                # The frame's iteration bound stopped the drain with work still
                # ready (a coroutine spinning on sleep(0)): that work waits for the
                # next frame, which keeps its share of iterations deterministic.
                self._sleep(remaining)
                if blame is not None:
                    blame.wait(wall_clock() - wait_began)
                return True
            woke = loop.wait_for_io(remaining)
            if blame is not None:
                blame.wait(wall_clock() - wait_began)
            if woke:
                self._drain()
                if not loop.outside_in_flight():
                    # Everything outside has answered: the run goes flat out again.
                    self._anchor = None
                    return True
