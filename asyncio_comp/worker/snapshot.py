"""WorkerSnapshot: a serial worker's queue at one instant, frozen, for views."""

from __future__ import annotations

from dataclasses import dataclass

from asyncio_comp.worker.task import WorkerTaskRow

__all__ = ["WorkerSnapshot"]


@dataclass(frozen=True, slots=True)
class WorkerSnapshot:
    """The worker's queue at one instant, for views: what runs, what waits, what ended."""

    name: str
    current: WorkerTaskRow | None
    pending: tuple[WorkerTaskRow, ...]
    """In the order they will run (at most the ``max_pending`` asked for)."""
    pending_count: int
    """All pending tasks, including any left out of ``pending``."""
    history: tuple[WorkerTaskRow, ...]
    """Finished tasks, newest first."""
    history_size: int
    stopped: bool
    version: int
    completed_total: int = 0
    """Tasks that completed since the worker was made (the history forgets, this does not)."""
    failed_total: int = 0
    """Tasks that failed, were cancelled or were dropped by `stop()`, since it was made."""
