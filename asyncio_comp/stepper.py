"""LoopStepper: run the event loop for one frame, draining ready work within a budget.

One plain iteration per frame (the LOPs way) makes a ten-hop ``await`` chain take ten
frames. Instead the stepper keeps iterating while the loop has ready callbacks and
the frame budget lasts, and between iterations lets the tracker admit waiting tasks,
so a burst of 100k submissions is spread over frames instead of stalling one.

It drives the loop with a single ``run_forever()`` per frame and a callback that
re-queues itself once per iteration (``call_soon`` puts it behind the work that is
ready now), so a frame pays the loop's start-up cost once, not once per iteration.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from asyncio_comp._loop_internals import ready_count

__all__ = ["LoopStepper"]

#: Upper bound on iterations per frame, whatever the budget: a guard against a
#: coroutine that spins on ``sleep(0)`` keeping the loop busy for the whole budget.
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

    def step(self, budget_seconds: float, admit: Callable[[], int] | None = None) -> int:
        """Run the loop for up to ``budget_seconds`` of wall time; the iterations run.

        ``admit()`` is called once per iteration while the budget lasts and returns
        how many tasks it started; it is how pending tasks enter the loop.
        """
        self._deadline = self.wall_clock() + budget_seconds
        self._iterations = 0
        self._admit = admit
        loop = self._loop
        self._driver = loop.call_soon(self._drive)
        try:
            loop.run_forever()
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
        if self._iterations < MAX_ITERATIONS_PER_FRAME and self.wall_clock() < self._deadline:
            # Admit a new batch only once the ready work has drained, so the tasks
            # admitted this frame mostly finish this frame too (one table write each).
            ready = ready_count(loop)
            if ready or (self._admit is not None and self._admit()):
                self._driver = loop.call_soon(self._drive)
                return
        loop.stop()
