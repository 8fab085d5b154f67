"""Naming the coroutine that blocked the loop, and for how long.

A coroutine that calls ``time.sleep`` or crunches numbers between awaits freezes
every frame. asyncio's debug mode can report slow callbacks, but it costs a lot and
its clock here is the frame clock. Instead each tracked coroutine is wrapped in a
thin `TimedCoroutine` that times every resumption with the wall clock; a step longer
than the threshold is reported with the task's id and the frame it stalled.

Time the cyclic garbage collector spends inside a step is not the coroutine's doing
(with 100k live tasks a full collection takes 0.1-0.5 s, and lands in whatever step
allocated last), so it is measured through `gc.callbacks` and left out.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import Any

__all__ = ["BlockingReport", "BlockingWatch", "TimedCoroutine", "gc_seconds"]


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


_gc_clock = _GcClock()
gc.callbacks.append(_gc_clock)


def gc_seconds() -> float:
    """Wall seconds spent in cyclic garbage collection so far in this process."""
    return _gc_clock.total


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

    def __init__(self, threshold: float, frame: Callable[[], int],
                 on_report: Callable[[BlockingReport], object], keep: int = 100) -> None:
        self.threshold = threshold
        self._frame = frame
        self._on_report = on_report
        self.reports: deque[BlockingReport] = deque(maxlen=keep)
        self.total = 0

    def report(self, task_id: int, description: str, seconds: float) -> None:
        report = BlockingReport(self._frame(), task_id, description, seconds)
        self.reports.append(report)
        self.total += 1
        self._on_report(report)


class TimedCoroutine(Coroutine[Any, Any, Any]):
    """Wraps a coroutine so that each resumption is timed; otherwise transparent."""

    __slots__ = ("_coro", "_description", "_task_id", "_watch")

    def __init__(self, coro: Coroutine[Any, Any, Any], task_id: int, description: str,
                 watch: BlockingWatch) -> None:
        self._coro = coro
        self._task_id = task_id
        self._description = description
        self._watch = watch

    def send(self, value: Any) -> Any:
        started, in_gc = time.perf_counter(), _gc_clock.total
        try:
            return self._coro.send(value)
        finally:
            elapsed = time.perf_counter() - started
            if elapsed >= self._watch.threshold:
                self._check(elapsed - (_gc_clock.total - in_gc))

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        started, in_gc = time.perf_counter(), _gc_clock.total
        try:
            if val is None and tb is None:
                return self._coro.throw(typ)
            return self._coro.throw(typ, val, tb)
        finally:
            elapsed = time.perf_counter() - started
            if elapsed >= self._watch.threshold:
                self._check(elapsed - (_gc_clock.total - in_gc))

    def _check(self, own_seconds: float) -> None:
        if own_seconds >= self._watch.threshold:
            self._watch.report(self._task_id, self._description, own_seconds)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self  # type: ignore[return-value]

    def __next__(self) -> Any:
        return self.send(None)

    def __iter__(self) -> TimedCoroutine:
        return self

    @property
    def inner(self) -> Coroutine[Any, Any, Any]:
        return self._coro

    def __repr__(self) -> str:
        return f"<TimedCoroutine task {self._task_id} {self._coro!r}>"
