"""The running task's handle: how a coroutine tells the table how far it got.

Like Textual's ``get_current_worker()``, a context variable holds the handle of
the tracked task whose coroutine is running, and ``handle.update(progress=...)``
reports on it::

    async def download(urls):
        task = current_task()
        for i, url in enumerate(urls):
            await fetch(url)
            task.update(progress=(i + 1) / len(urls))

`report_progress()` and `current_task_id()` are the one-line conveniences.
This module knows nothing of the component: a handle reports to the
`ChangeSink` it was built with (the task registry), so the manager can import it
without it importing the manager back.
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

from asyncio_comp.status import TaskStatus

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRecord

__all__ = ["ChangeSink", "TaskHandle", "bind_handle", "current_task", "current_task_id",
           "report_progress"]


class ChangeSink(Protocol):
    """Who hears that a record changed other than in status (`TaskRegistry`)."""

    def changed(self, rec: TaskRecord) -> None: ...


class TaskHandle:
    """The running tracked task, as its own coroutine sees it."""

    # The sink itself, not its bound ``changed``: a bound method per task would
    # cost 64 bytes of every task's memory.
    __slots__ = ("_rec", "_sink")

    def __init__(self, rec: TaskRecord, sink: ChangeSink) -> None:
        self._rec = rec
        self._sink = sink

    @property
    def task_id(self) -> int:
        return self._rec.task_id

    @property
    def description(self) -> str:
        return self._rec.description

    @property
    def status(self) -> TaskStatus:
        return self._rec.status

    @property
    def progress(self) -> float | None:
        return self._rec.progress

    def update(self, *, progress: float) -> None:
        """Report the task's progress (0..1), shown in the table's progress column.

        Ignored once the task has ended (a coroutine unwinding after a timeout).

        Raises:
            ValueError: for a progress that is not a number from 0 to 1.
        """
        if isinstance(progress, bool) or not isinstance(progress, int | float) or not (
            math.isfinite(progress) and 0.0 <= progress <= 1.0
        ):
            raise ValueError(f"update() expected progress as a fraction from 0 to 1, "
                             f"got {progress!r}")
        rec, fraction = self._rec, float(progress)
        if rec.progress != fraction and rec.status is TaskStatus.RUNNING:
            rec.progress = fraction
            rec.touch()
            self._sink.changed(rec)

    def __repr__(self) -> str:
        return f"<TaskHandle task {self.task_id} {self.status.value}>"


# Each tracked task runs in its own context holding (record, sink); the handle is
# built when asked for: a plain tuple per task costs a third of a handle's __init__.
_current: ContextVar[tuple[TaskRecord, ChangeSink] | None] = ContextVar(
    "framehost_current_task", default=None)


def bind_handle(rec: TaskRecord, sink: ChangeSink) -> None:
    """Make ``rec`` the current task (reporting to ``sink``); run inside the task's
    own context."""
    _current.set((rec, sink))


def current_task() -> TaskHandle:
    """The handle of the tracked task whose coroutine calls this.

    Raises:
        RuntimeError: when not called from inside a task started with ``Run()``.
    """
    current = _current.get()
    if current is None:
        raise RuntimeError("current_task() must be called from a task started with Run()")
    return TaskHandle(*current)


def report_progress(fraction: float) -> None:
    """Set the calling task's progress (0..1): ``current_task().update(progress=...)``.

    Raises:
        RuntimeError: when not called from inside a task started by TDAsyncIO.
    """
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not (
        math.isfinite(fraction) and 0.0 <= fraction <= 1.0
    ):
        raise ValueError(f"report_progress() expected a fraction from 0 to 1, got {fraction!r}")
    current = _current.get()
    if current is None:
        raise RuntimeError("report_progress() must be called from a task started with Run()")
    TaskHandle(*current).update(progress=fraction)


def current_task_id() -> int | None:
    """The TDAsyncIO task id of the calling coroutine, or None outside one."""
    current = _current.get()
    return None if current is None else current[0].task_id
