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
This module knows nothing of the component: a handle reports through the
callable it was built with (the registry's ``changed``), so the manager can
import it without it importing the manager back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING

from asyncio_comp.status import TaskStatus

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRecord

__all__ = ["TaskHandle", "bind_handle", "current_task", "current_task_id", "report_progress"]


class TaskHandle:
    """The running tracked task, as its own coroutine sees it."""

    __slots__ = ("_changed", "_rec")

    def __init__(self, rec: TaskRecord, changed: Callable[[TaskRecord], object]) -> None:
        self._rec = rec
        self._changed = changed

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
            self._changed(rec)

    def __repr__(self) -> str:
        return f"<TaskHandle task {self.task_id} {self.status.value}>"


# Each tracked task runs in its own context holding its handle.
_current: ContextVar[TaskHandle | None] = ContextVar("framehost_current_task", default=None)


def bind_handle(handle: TaskHandle) -> None:
    """Make ``handle`` the current task's; run inside the task's own context."""
    _current.set(handle)


def current_task() -> TaskHandle:
    """The handle of the tracked task whose coroutine calls this.

    Raises:
        RuntimeError: when not called from inside a task started with ``Run()``.
    """
    handle = _current.get()
    if handle is None:
        raise RuntimeError("current_task() must be called from a task started with Run()")
    return handle


def report_progress(fraction: float) -> None:
    """Set the calling task's progress (0..1): ``current_task().update(progress=...)``.

    Raises:
        RuntimeError: when not called from inside a task started by TDAsyncIO.
    """
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not (
        math.isfinite(fraction) and 0.0 <= fraction <= 1.0
    ):
        raise ValueError(f"report_progress() expected a fraction from 0 to 1, got {fraction!r}")
    handle = _current.get()
    if handle is None:
        raise RuntimeError("report_progress() must be called from a task started with Run()")
    handle.update(progress=fraction)


def current_task_id() -> int | None:
    """The TDAsyncIO task id of the calling coroutine, or None outside one."""
    handle = _current.get()
    return None if handle is None else handle.task_id
