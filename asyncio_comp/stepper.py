"""LoopStepper: run the event loop for one frame, draining ready work within a budget.

One plain iteration per frame (the LOPs way) makes a ten-hop ``await`` chain take ten
frames. Instead the stepper keeps iterating while the loop has ready callbacks, and
between iterations lets the tracker admit waiting tasks. What bounds a frame depends
on the mode:

* **Realtime** (a budget in seconds): iterating stops when the wall-time budget
  (the component's ``Framebudget``) is spent, so a burst of 100k submissions is
  spread over frames instead of stalling one and frames stay smooth.
* **Non-realtime** (budget ``None``): no clock is read at all. The loop drains until
  it is idle — nothing ready and nothing left to admit — or until
  `MAX_ITERATIONS_PER_FRAME` iterations ran. Both are counts, so which frame a task
  starts, ends or calls back in depends only on the program, never on how fast or
  how loaded the machine is.

It drives the loop with a single ``run_forever()`` per frame and a callback that
re-queues itself once per iteration (``call_soon`` puts it behind the work that is
ready now), so a frame pays the loop's start-up cost once, not once per iteration.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

from asyncio_comp._loop_internals import ready_count

__all__ = ["LoopStepper"]

#: Upper bound on iterations per frame, whatever the budget: a guard against a
#: coroutine that spins on ``sleep(0)`` keeping the loop busy for the whole budget
#: (realtime) or forever (non-realtime, where it is the only bound).
MAX_ITERATIONS_PER_FRAME = 10_000


class LoopStepper:
    """Steps one event loop per frame; see the module docstring."""

    def __init__(self, loop: asyncio.AbstractEventLoop,
                 wall_clock: Callable[[], float] = time.perf_counter) -> None:
        self._loop = loop
        #: The wall clock the budget is measured on; whoever steps may replace it
        #: between frames (`LoopRunner` sets the host's ``wall_clock`` each frame).
        self.wall_clock = wall_clock
        self._deadline = 0.0
        self._iterations = 0
        self._admit: Callable[[], int] | None = None
        self._driver: asyncio.Handle | None = None
        self.last_iterations = 0

    def step(self, budget_seconds: float | None,
             admit: Callable[[], int] | None = None) -> int:
        """Run the loop for one frame; the iterations run.

        ``budget_seconds`` is the wall time the frame may spend (realtime mode), or
        None to drain until idle, bounded only by the iteration count (non-realtime
        mode: deterministic). ``admit()`` is called once per iteration while the
        bound lasts and returns how many tasks it started; it is how pending tasks
        enter the loop.
        """
        self._deadline = (math.inf if budget_seconds is None
                          else self.wall_clock() + budget_seconds)
        self._iterations = 0
        self._admit = admit
        loop = self._loop
        self._driver = loop.call_soon(self._drive)
        # The host's loop runs for a frame as the host runs it (`run_for_host`).
        run = getattr(loop, "run_for_host", loop.run_forever)
        try:
            run()
        finally:
            # An exception out of the loop (a task raising KeyboardInterrupt) leaves
            # the driver queued; cancelled, it cannot run beside the next frame's.
            self._driver.cancel()
            self._admit = None
        self.last_iterations = self._iterations
        return self._iterations

    def _drive(self) -> None:
        self._iterations += 1
        loop = self._loop
        # With no budget the deadline is infinite and the clock is not read.
        deadline = self._deadline
        if self._iterations < MAX_ITERATIONS_PER_FRAME and (
                deadline == math.inf or self.wall_clock() < deadline):
            # Admit a new batch only once the ready work has drained, so the tasks
            # admitted this frame mostly finish this frame too (one table write each).
            ready = ready_count(loop)
            if ready or (self._admit is not None and self._admit()):
                self._driver = loop.call_soon(self._drive)
                return
        loop.stop()
