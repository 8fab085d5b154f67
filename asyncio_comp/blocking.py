"""Naming the coroutine that blocked the loop, and for how long.

A coroutine that calls ``time.sleep`` or crunches numbers between awaits freezes
every frame. asyncio's debug mode can report slow callbacks, but it costs a lot and
its clock here is the frame clock. Instead each tracked coroutine runs inside a
thin `TrackedCoroutine` (its own module) that times every resumption with the wall
clock; a step longer than the threshold goes to `BlockingWatch.check`, which
reports it with the task's id and the frame it stalled.

Time the cyclic garbage collector spends inside a step is not the coroutine's doing
(with 100k live tasks a full collection takes 0.1-0.5 s, and lands in whatever step
allocated last), so it is read from the host's `GcWatch` and left out. Both the
step and the collector are timed on the host's one ``wall_clock``.

Nor is time the operating system gave another process or thread: a software GL
renderer rasterising the window on its own threads, or any other program on a busy
machine, can take the CPU from a step that only awaits a sleep for 40 ms. Such a
step computed nothing and never waited of its own accord, which the thread's
resource usage tells: where the platform counts them per thread (Linux), a long step
is reported only if the thread used CPU time past the threshold since the frame's
step began, or switched out voluntarily (``time.sleep``, blocking I/O, waiting on a
lock). A step that was only preempted is left out, as the collector's time is.
(Only while the wall clock is the system's: a test's fake clock is taken at its word.)
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from td.core import HostCore

__all__ = ["SYSTEM_CLOCKS", "BlockingReport", "BlockingWatch", "thread_usage"]


def thread_usage() -> tuple[float, int] | None:
    """(CPU seconds, voluntary context switches) of the calling thread; None where the
    platform does not count switches per thread.

    Kept as a module attribute so that tests can replace it.
    """
    if not sys.platform.startswith("linux"):
        return None
    import resource

    usage = resource.getrusage(resource.RUSAGE_THREAD)
    return time.thread_time(), usage.ru_nvcsw


@dataclass(frozen=True, slots=True)
class BlockingReport:
    """One coroutine step that held the loop longer than the threshold."""

    frame: int
    task_id: int
    description: str
    seconds: float

    def message(self) -> str:
        return (f"task {self.task_id} ({self.description}) blocked the event loop for "
                f"{self.seconds * 1000:.1f} ms in frame {self.frame}")


class BlockingWatch:
    """Collects `BlockingReport`s; keeps the newest ``keep`` of them.

    It also itemises slow steps for frame blame (`td.blame`): every step already
    compares its time with ``threshold``, so that comparison is made against the
    lower of the blocking threshold and the blame's; a step past it costs one call
    here, and a fast step nothing more than it always did.
    """

    def __init__(self, threshold: float, host: HostCore,
                 on_report: Callable[[BlockingReport], object], keep: int = 100) -> None:
        #: Seconds a step may hold the loop before it is reported as blocking.
        self.report_threshold = threshold
        #: The host's frame blame, which itemises steps of `blame.threshold` or more.
        self.blame = host.blame
        #: What every step compares its time with: the lower of the two above.
        self.threshold = min(threshold, self.blame.threshold)
        self._host = host
        #: The host's ``wall_clock``, refreshed by `follow_host()` once a frame: a
        #: coroutine step reads this plain attribute, not the host's property.
        self.clock = host.wall_clock
        #: The host's garbage-collection timer, whose time is left out of a step.
        self.gc_watch = host.gc_watch
        self._on_report = on_report
        self.reports: deque[BlockingReport] = deque(maxlen=keep)
        self.total = 0
        #: Long steps left out because the thread was only preempted.
        self.preempted = 0
        self._usage: tuple[float, int] | None = None

    def follow_host(self) -> None:
        """Take up the host's current ``wall_clock`` (a test may have replaced it) and
        note the thread's usage, once a frame before the loop steps."""
        self.clock = self._host.wall_clock
        self.threshold = min(self.report_threshold, self.blame.threshold)
        # Thread usage says something only about time the system's clock measured;
        # a replaced clock (a test's fake) is taken at its word.
        self._usage = _usage() if self.clock in SYSTEM_CLOCKS else None

    def set_report_threshold(self, seconds: float) -> None:
        """Report steps that hold the loop ``seconds`` or longer from now on."""
        self.report_threshold = seconds
        self.threshold = min(seconds, self.blame.threshold)

    def check(self, task_id: int, description: str, seconds: float, gc_seconds: float) -> None:
        """A step of ``seconds`` (``gc_seconds`` of them in the collector) ended above
        the threshold. Its own time is itemised for frame blame if it is past the
        blame's threshold; and it is reported as blocking if past the report
        threshold, unless the thread neither computed past it nor waited of its own
        accord since the frame's step began (it was preempted: see the module
        docstring)."""
        own = seconds - gc_seconds
        blame = self.blame
        if own >= blame.threshold:
            blame.charge("task", f"#{task_id} {description}", own, self.clock())
        if own < self.report_threshold:
            return
        before = self._usage
        if before is not None:
            now = _usage()
            self._usage = now
            cpu, waits = (0.0, 1) if now is None else (now[0] - before[0], now[1] - before[1])
            if cpu < self.report_threshold and waits == 0:
                self.preempted += 1
                return
        self.report(task_id, description, own)

    def report(self, task_id: int, description: str, seconds: float) -> None:
        report = BlockingReport(self._host.frame, task_id, description, seconds)
        self.reports.append(report)
        self.total += 1
        self._on_report(report)


#: The clocks whose long steps are checked against the thread's usage (see the
#: module docstring); a module attribute so that a test's clock can be counted in.
SYSTEM_CLOCKS = (time.perf_counter, time.monotonic)


def _usage() -> tuple[float, int] | None:
    return thread_usage()  # looked up on each call, so a test's replacement is used
