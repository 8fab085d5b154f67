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
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from host.engine.core import HostCore

__all__ = ["BlockingReport", "BlockingWatch"]


@dataclass(frozen=True, slots=True)
class BlockingReport:
    """One coroutine step that held the loop longer than the threshold."""

    frame: int
    task_id: int
    description: str
    seconds: float

    def message(self) -> str:
        return (f"task {self.task_id} ({self.description}) blocked the event loop for "
                f"{self.seconds * 1000:.0f} ms in frame {self.frame}")


class BlockingWatch:
    """Collects `BlockingReport`s; keeps the newest ``keep`` of them."""

    def __init__(self, threshold: float, host: HostCore,
                 on_report: Callable[[BlockingReport], object], keep: int = 100) -> None:
        self.threshold = threshold
        self._host = host
        #: The host's ``wall_clock``, refreshed by `follow_host()` once a frame: a
        #: coroutine step reads this plain attribute, not the host's property.
        self.clock = host.wall_clock
        #: The host's garbage-collection timer, whose time is left out of a step.
        self.gc_watch = host.gc_watch
        self._on_report = on_report
        self.reports: deque[BlockingReport] = deque(maxlen=keep)
        self.total = 0

    def follow_host(self) -> None:
        """Take up the host's current ``wall_clock`` (a test may have replaced it)."""
        self.clock = self._host.wall_clock

    def check(self, task_id: int, description: str, seconds: float, gc_seconds: float) -> None:
        """A step of ``seconds`` (``gc_seconds`` of them in the collector) ended above
        the threshold: report it if its own time is above it too."""
        own = seconds - gc_seconds
        if own >= self.threshold:
            self.report(task_id, description, own)

    def report(self, task_id: int, description: str, seconds: float) -> None:
        report = BlockingReport(self._host.frame, task_id, description, seconds)
        self.reports.append(report)
        self.total += 1
        self._on_report(report)
