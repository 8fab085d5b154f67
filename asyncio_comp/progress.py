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

The calling task is found without a per-task context variable (setting one costs
GC-tracked objects and memory for every running task). A task started
with ``Run()`` runs its record itself (the record is a `TrackedCoroutine`), so
``asyncio.current_task().get_coro()`` is the record, and its owner knows the sink.
A task *it* starts (``gather``, ``create_task``) inherits the record through a
context variable that the host's loop sets only then (`child_context`, called by
`FrameEventLoop.create_task`), so its progress counts for the parent.
"""

from __future__ import annotations

import asyncio
import math
from asyncio import _get_running_loop
from contextvars import Context, ContextVar, copy_context
from typing import Any, Protocol

from asyncio_comp.records import TaskRecord
from asyncio_comp.status import TaskStatus

__all__ = ["ChangeSink", "TaskHandle", "child_context", "current_task", "current_task_id",
           "program_context", "report_progress", "submitting_task_id", "work_owner",
           "work_owner_active"]


class ChangeSink(Protocol):
    """Who hears that a record changed other than in status (`TaskRegistry`)."""

    def changed(self, rec: TaskRecord) -> None: ...


class TaskHandle:
    """The running tracked task, as its own coroutine sees it."""

    # The sink itself, not its bound ``changed``: a bound method per task would be
    # one more object in every task's memory.
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


# Set only in the context of a task that a tracked task started: the parent's record;
# or `_PROGRAM` for a task the program started outside any task (`program_context`).
_PROGRAM = object()
_parent: ContextVar[TaskRecord | object | None] = ContextVar("framehost_parent_task",
                                                            default=None)


def _current_record() -> TaskRecord | None:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no loop running in this thread
        return None
    if task is not None:
        coro = task.get_coro()
        if isinstance(coro, TaskRecord):
            return coro
    rec = _parent.get()
    return rec if isinstance(rec, TaskRecord) else None


def child_context(loop: asyncio.AbstractEventLoop, context: Context | None) -> Context | None:
    """The context for a task being created on ``loop``: when a tracked task creates
    it, a copy of ``context`` (or of the current one) naming that task's record; when
    code outside the running loop creates it (a frame hook, a completion callback,
    ``run_until_complete``), a copy marking it the program's own work (`work_owner`)."""
    parent = asyncio.current_task(loop)
    if parent is None:
        if loop.is_running():
            return context  # from a loop callback: the context it was scheduled in
        return program_context(context)
    rec = parent.get_coro()
    if not isinstance(rec, TaskRecord):
        return context  # a task it started: the variable comes with its context
    context = copy_context() if context is None else context.copy()
    context.run(_parent.set, rec)
    return context


def program_context(context: Context | None) -> Context:
    """A copy of ``context`` (or of the current one) whose tasks are the program's own
    work, unless it names a tracked task already (`work_owner`)."""
    context = copy_context() if context is None else context.copy()
    if context.get(_parent) is None:
        context.run(_parent.set, _PROGRAM)
    return context


def submitting_task_id() -> int | None:
    """The id of the tracked task whose code runs now, or None: the parent of a task
    submitted now. Outside a running loop (a scene's build, a completion callback)
    that is a single C-level check, as ``Run`` asks it for every task."""
    if _get_running_loop() is None:
        return None
    rec = _current_record()
    return None if rec is None else rec.task_id


def current_task() -> TaskHandle:
    """The handle of the tracked task whose coroutine calls this.

    Raises:
        RuntimeError: when not called from inside a task started with ``Run()``.
    """
    rec = _current_record()
    if rec is None:
        raise RuntimeError("current_task() must be called from a task started with Run()")
    return TaskHandle(rec, rec.owner.sink)


def report_progress(fraction: float) -> None:
    """Set the calling task's progress (0..1): ``current_task().update(progress=...)``.

    Raises:
        RuntimeError: when not called from inside a task started by TDAsyncIO.
    """
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not (
        math.isfinite(fraction) and 0.0 <= fraction <= 1.0
    ):
        raise ValueError(f"report_progress() expected a fraction from 0 to 1, got {fraction!r}")
    rec = _current_record()
    if rec is None:
        raise RuntimeError("report_progress() must be called from a task started with Run()")
    TaskHandle(rec, rec.owner.sink).update(progress=fraction)


def current_task_id() -> int | None:
    """The TDAsyncIO task id of the calling coroutine, or None outside one."""
    rec = _current_record()
    return None if rec is None else rec.task_id


def work_owner(task: asyncio.Task[Any], context: Context | None) -> TaskRecord | bool:
    """Whose work ``task`` is, for pacing virtual time (`FrameEventLoop.outside_in_flight`).

    A tracked task's own record; for a task a tracked task started (directly or
    through tasks it started), that tracked task's record, read from ``context``
    (the task's context); True for a task the program started outside any task
    (`program_context`); False for anything else: a task started by a loop
    callback (a server's connection handler) or of unknown context.
    """
    coro = task.get_coro()
    if isinstance(coro, TaskRecord):
        return coro
    rec = None if context is None else context.get(_parent)
    if isinstance(rec, TaskRecord):
        return rec
    return rec is _PROGRAM


def work_owner_active(owner: TaskRecord | bool) -> bool:
    """Whether work owned by ``owner`` (a `work_owner` answer) still counts: the
    program's own always, a tracked task's while that task is active."""
    if isinstance(owner, bool):
        return owner
    return owner.status.is_active
