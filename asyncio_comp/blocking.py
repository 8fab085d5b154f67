"""Naming the coroutine that blocked the loop, and for how long.

A coroutine that calls ``time.sleep`` or crunches numbers between awaits freezes
every frame. asyncio's debug mode can report slow callbacks, but it costs a lot and
its clock here is the frame clock. Instead each tracked coroutine runs inside a
thin `TrackedCoroutine` (its own module) that times every resumption with the wall
clock; a step longer than the threshold goes to `BlockingWatch.check`, which
reports it with the task's id and the frame it stalled.

Time the cyclic garbage collector spends inside a step is not the coroutine's doing
(with 100k live tasks a full collection takes 0.1-0.5 s, and lands in whatever step
allocated last), so it is measured through `gc.callbacks` and left out.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["BlockingReport", "BlockingWatch", "gc_clock", "gc_seconds"]


class _GcClock:
    """Total wall time spent in cyclic garbage collection since it was installed."""

    __slots__ = ("_started", "total")

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._started


#: Read ``gc_clock.total`` around a step to leave the collector's time out of it.
gc_clock = _GcClock()
gc.callbacks.append(gc_clock)


def gc_seconds() -> float:
    """Wall seconds spent in cyclic garbage collection so far in this process."""
    return gc_clock.total


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
    """Collects `BlockingReport`s; keeps the newest ``keep`` of them."""

    def __init__(self, threshold: float, frame: Callable[[], int],
                 on_report: Callable[[BlockingReport], object], keep: int = 100) -> None:
        self.threshold = threshold
        self._frame = frame
        self._on_report = on_report
        self.reports: deque[BlockingReport] = deque(maxlen=keep)
        self.total = 0

    def check(self, task_id: int, description: str, seconds: float, gc_seconds: float) -> None:
        """A step of ``seconds`` (``gc_seconds`` of them in the collector) ended above
        the threshold: report it if its own time is above it too."""
        own = seconds - gc_seconds
        if own >= self.threshold:
            self.report(task_id, description, own)

    def report(self, task_id: int, description: str, seconds: float) -> None:
        report = BlockingReport(self._frame(), task_id, description, seconds)
        self.reports.append(report)
        self.total += 1
        self._on_report(report)
