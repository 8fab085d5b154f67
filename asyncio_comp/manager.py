"""AsyncIOManager: the TDAsyncIO extension, ``op('/ChatTD/TDAsyncIO').ext.AsyncIOManager``.

It tracks every submitted coroutine from submission to its one ending and does the
per-frame work in `cook()`, in this order: admit pending tasks and drain the loop
within the frame budget (a frame with nothing to admit and nothing due on the loop
skips it) → fire completion callbacks for the tasks that ended → remove finished
tasks whose Clear After age is reached → let the table know what changed (it writes
the rows when read). Every part of that costs in proportion to what changed this
frame.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

from asyncio_comp._loop_internals import FrameEventLoop
from asyncio_comp.blocking import BlockingReport, BlockingWatch
from asyncio_comp.pacing import OutsidePacer
from asyncio_comp.progress import _current
from asyncio_comp.records import TaskOutcome, TaskRecord, TaskRow, describe_error
from asyncio_comp.status import TaskStatus
from asyncio_comp.stepper import LoopStepper
from asyncio_comp.table_sync import TaskTableSync
from asyncio_comp.tracked_coroutine import TrackedCoroutine
from asyncio_comp.validation import close_given, validate_run

if TYPE_CHECKING:
    from asyncio_comp.component import TDAsyncIO

__all__ = ["AsyncIOManager"]

log = logging.getLogger("framehost.asyncio")

#: Tasks admitted to the loop per stepper iteration; small enough that one batch
#: of trivial first steps stays well under a millisecond.
ADMIT_CHUNK = 64
#: How long (host seconds) a cancelled task may take to wind down before it is
#: marked ended anyway and reported as swallowing its cancellation.
CANCEL_GRACE_SECONDS = 1.0
_EPSILON = 1e-9


class AsyncIOManager:
    """Tracks tasks on the host's event loop; the methods LOPs code calls."""

    def __init__(self, comp: TDAsyncIO, loop: FrameEventLoop, table: TaskTableSync) -> None:
        self._comp = comp
        self._host = comp.host
        self._guard = comp._guard
        self.loop = loop
        # Realtime frames budget the drain on the host's (injectable) wall clock;
        # non-realtime ones drain until idle and are paced only to outside work.
        self._stepper = LoopStepper(loop, perf=self._host.time)
        self._pacer = OutsidePacer(loop, 1.0 / self._host.fps, lambda: self._host.frame,
                                   self._drain)
        self._table = table
        self._next_id = 1
        self._tasks: dict[int, TaskRecord] = {}
        self._active: dict[int, TaskRecord] = {}
        # Per-status counts, kept as things change: views read them every frame.
        self._counts: dict[TaskStatus, int] = dict.fromkeys(TaskStatus, 0)
        # Endings per final status over the whole run: Clear After never lowers them.
        self._lifetime: dict[TaskStatus, int] = {
            status: 0 for status in TaskStatus if status.is_finished}
        self._admission: deque[TaskRecord] = deque()
        self._ended: list[TaskRecord] = []
        # Finished tasks in the order they finished (Clear After's order, and the
        # views' read newest first); a forgotten task's entry waits to age out.
        self._clear_queue: deque[TaskRecord] = deque()
        self._cancelling: dict[int, tuple[TaskRecord, float]] = {}
        self._detached: set[asyncio.Task[Any]] = set()
        self._closed = False
        self._listeners: list[Callable[[TaskRow], object]] = []
        # The parameters read every frame, mirrored by `_parameter_changed` (a
        # parameter read costs ~0.5 µs; an idle frame costs less than that in all).
        par = comp.par
        self._stepping = bool(par.Active.eval())
        self._budget_seconds = par.Framebudget.eval() / 1000.0
        self._clear_after = float(par.Clearafter.eval())
        #: Grows on every change a view could show; views redraw only when it moved.
        self.version = 0
        self.callback_errors = 0
        self.swallowed_cancellations = 0
        # A single step longer than two frame periods stalls frames: name it. (One
        # period gives false alarms when another thread holds the GIL mid-step.)
        self._blocking = BlockingWatch(2.0 / self._host.fps, lambda: self._host.frame,
                                       self._on_blocking)

    # == the contract's API ======================================================
    def Run(self, coroutines: Coroutine[Any, Any, Any] | list[Coroutine[Any, Any, Any]],
            description: str | None = None, info: Any = None, timeout: float | None = None,
            completion_callback: Callable[[TaskOutcome], object] | None = None,
            ) -> int | list[int]:
        """Track and schedule one coroutine or several; returns the id or the ids.

        Raises:
            TypeError / ValueError: for bad input; nothing is registered and every
                coroutine given is closed.
        """
        if self._closed or not self._guard.is_owner():
            close_given(coroutines)
            self._guard.check(self)
            raise RuntimeError("Run() called after the host closed; nothing was scheduled")
        request = validate_run(coroutines, description, info, timeout, completion_callback)
        now = self._host.time()
        ids = []
        for coro in request.coroutines:
            rec = TaskRecord(
                self._next_id, coro, request.description or _coro_name(coro), request.info,
                request.timeout, request.callback, now,
            )
            self._next_id += 1
            self._tasks[rec.task_id] = rec
            self._active[rec.task_id] = rec
            self._admission.append(rec)
            if rec.timeout is not None:
                rec.timer = self.loop.call_at(now + rec.timeout, self._on_timeout, rec)
            self._table.added(rec)
            ids.append(rec.task_id)
            if self._listeners:
                self._tell(rec)
        self._counts[TaskStatus.PENDING] += len(ids)
        self.version += 1
        return ids[0] if len(ids) == 1 else ids

    def CancelTask(self, task_id: int) -> bool:
        """Cancel one active task; False if it is unknown or already finished.

        A pending task ends `cancelled` at once; a running one is cancelled and ends
        when its coroutine has unwound, normally within the same or next frame.
        """
        self._guard.check(self)
        valid_id = isinstance(task_id, int) and not isinstance(task_id, bool)
        rec = self._tasks.get(task_id) if valid_id else None
        if rec is None or not rec.status.is_active:
            return False
        self._request_stop(rec, TaskStatus.CANCELLED)
        return True

    def Cancelactive(self) -> int:
        """Cancel every pending and running task; how many were asked to stop."""
        self._guard.check(self)
        count = 0
        for rec in list(self._active.values()):
            if rec.cancel_reason is None:
                self._request_stop(rec, TaskStatus.CANCELLED)
                count += 1
        return count

    def Clearfinished(self) -> int:
        """Forget every finished task now; how many were removed."""
        self._guard.check(self)
        finished = [rec for rec in self._tasks.values() if rec.status.is_finished]
        for rec in finished:
            self._forget(rec)
        self._clear_queue.clear()  # every entry was a finished task, now forgotten
        return len(finished)

    def Clearall(self) -> int:
        """Cancel every active task and forget every task; how many were removed.

        Cancelled tasks still get their completion callback when they end.
        """
        self._guard.check(self)
        self.Cancelactive()
        records = list(self._tasks.values())
        for rec in records:
            self._forget(rec)
        self._clear_queue.clear()
        return len(records)

    def GetTaskResult(self, task_id: int) -> Any:
        """The result of a completed task; None if unknown or not completed."""
        self._guard.check(self)
        rec = self._tasks.get(task_id)
        if rec is None or rec.status is not TaskStatus.COMPLETED:
            return None
        return rec.result

    def GetTaskInfo(self, task_id: int) -> dict[str, Any] | None:
        self._guard.check(self)
        rec = self._tasks.get(task_id)
        return None if rec is None else rec.info_dict()

    def GetAllTasksInfo(self) -> list[dict[str, Any]]:
        self._guard.check(self)
        return [rec.info_dict() for rec in self._tasks.values()]

    def GetActiveTasksCount(self) -> int:
        self._guard.check(self)
        return len(self._active)

    def GetTaskStatus(self) -> type[TaskStatus]:
        return TaskStatus

    def GetTaskStatusValues(self) -> dict[str, TaskStatus]:
        return {member.name: member for member in TaskStatus}

    # == for views and tools =====================================================
    def rows(self) -> list[TaskRow]:
        """Immutable rows for every tracked task, oldest first."""
        self._guard.check(self)
        return [rec.row for rec in self._tasks.values()]

    def counts(self) -> dict[TaskStatus, int]:
        """How many tracked tasks are in each status."""
        self._guard.check(self)
        return dict(self._counts)

    def GetLifetimeCounts(self) -> dict[TaskStatus, int]:
        """How many tasks ended in each final status (completed, failed, cancelled,
        timeout) since the component was made, whether or not their rows are still
        in the table (`counts()` is what the table holds now)."""
        self._guard.check(self)
        return dict(self._lifetime)

    def ordered_rows(self, first: int = 0, count: int | None = None) -> list[TaskRow]:
        """Rows in the order views show them: active tasks newest first, then
        finished ones, the most recently finished first; ``count`` of them from
        position ``first``. Costs O(first + count), whatever the number of tasks."""
        self._guard.check(self)
        if first < 0 or (count is not None and count < 0):
            raise ValueError(f"ordered_rows() expected first >= 0 and count >= 0 or None, "
                             f"got first={first!r}, count={count!r}")
        stop = None if count is None else first + count
        tracked = self._tasks
        # An active task forgotten by Clearall is still winding down: not shown.
        active = (rec for rec in reversed(self._active.values()) if rec.task_id in tracked)
        finished = (rec for rec in reversed(self._clear_queue)
                    if tracked.get(rec.task_id) is rec)
        records = itertools.chain(active, finished)
        return [rec.row for rec in itertools.islice(records, first, stop)]

    def row(self, task_id: int) -> TaskRow | None:
        """The row of one tracked task; None if it is not tracked."""
        self._guard.check(self)
        rec = self._tasks.get(task_id)
        return None if rec is None else rec.row

    def task_count(self) -> int:
        return len(self._tasks)

    @property
    def blocking_reports(self) -> tuple[BlockingReport, ...]:
        """The newest coroutine steps that blocked the loop for longer than a frame."""
        return tuple(self._blocking.reports)

    @property
    def blocking_threshold(self) -> float:
        """Seconds one coroutine step may hold the loop before it is reported."""
        return self._blocking.threshold

    @blocking_threshold.setter
    def blocking_threshold(self, seconds: float) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise ValueError(f"blocking_threshold expected seconds > 0, got {seconds!r}")
        self._blocking.threshold = float(seconds)

    def add_task_listener(self, fn: Callable[[TaskRow], object]) -> None:
        """Call ``fn(row)`` on the host's thread each time a task changes status:
        submitted (pending), started (running), ended. For trace recorders
        (`host.app.testing.TaskTrace`); ``fn`` must not raise."""
        self._guard.check(self)
        if not callable(fn):
            raise TypeError(f"add_task_listener() expected a callable taking a TaskRow, "
                            f"got {fn!r}")
        self._listeners.append(fn)

    def remove_task_listener(self, fn: Callable[[TaskRow], object]) -> bool:
        """Stop calling ``fn``; True if it was listening."""
        self._guard.check(self)
        if fn in self._listeners:
            self._listeners.remove(fn)
            return True
        return False

    def _tell(self, rec: TaskRecord) -> None:
        row = rec.row
        for fn in list(self._listeners):
            fn(row)

    @property
    def paced_frames(self) -> int:
        """Non-realtime frames that waited for work outside the loop (see `pacing`)."""
        return self._pacer.paced_frames

    def _on_blocking(self, report: BlockingReport) -> None:
        self._host.report_warning(report.message())
        self.version += 1

    # == the frame ===============================================================
    def cook(self) -> None:
        """One frame of work; called by the component between start and end callbacks."""
        if self._closed:
            return
        # A frame with nothing to admit and nothing due on the loop skips the loop.
        if self._stepping:
            if self._admission or self.loop.has_work():
                if self._host.realtime:
                    self._stepper.step(self._budget_seconds, self._admit)
                else:
                    self._drain()
            if not self._host.realtime:
                self._pacer.pace()
        # Paused or not, what did change (a pulse, a Run, a cancel) reaches the
        # callbacks and the table by the end of the frame.
        now = self._host.time()
        if self._cancelling:
            self._check_cancelling(now)
        if self._ended:
            self._fire_callbacks()
        if self._clear_queue:
            self._clear_aged(now)
        self._table.flush()

    def _drain(self) -> None:
        """Non-realtime step: drain until idle, bounded by iterations, not wall time."""
        self._stepper.step(None, self._admit)

    def _admit(self) -> int:
        """Start up to `ADMIT_CHUNK` pending tasks on the loop; how many started."""
        admission = self._admission
        loop = self.loop
        counts = self._counts
        now = self._host.time()
        started = 0
        while admission and started < ADMIT_CHUNK:
            rec = admission.popleft()
            if rec.status is not TaskStatus.PENDING:
                continue  # cancelled or timed out while waiting
            coro = rec.coro
            assert coro is not None
            context = contextvars.copy_context()
            context.run(_current.set, (self, rec))
            tracked = TrackedCoroutine(coro, rec.task_id, rec.description, self._blocking,
                                       partial(self._coroutine_ended, rec))
            rec.task = loop.create_task(tracked, name=f"framehost-task-{rec.task_id}",
                                        context=context)
            rec.coro = None
            rec.transition(TaskStatus.RUNNING, now)
            counts[TaskStatus.PENDING] -= 1
            counts[TaskStatus.RUNNING] += 1
            self._table.changed(rec)
            started += 1
            if self._listeners:
                self._tell(rec)
        if started:
            self.version += 1
        return started

    def _coroutine_ended(self, rec: TaskRecord, result: Any, exc: BaseException | None) -> None:
        """Called by the task's `TrackedCoroutine` in the step that ended it."""
        if rec.status.is_finished:
            return  # already marked ended (it outlived its cancellation grace)
        if exc is None:
            rec.result = result
            # A coroutine that caught its cancellation and returned still ends the way
            # it was asked to: cancelled or timed out, never completed.
            self._finish(rec, rec.cancel_reason or TaskStatus.COMPLETED)
        elif isinstance(exc, asyncio.CancelledError):
            self._finish(rec, rec.cancel_reason or TaskStatus.CANCELLED)
        else:
            rec.exception = exc
            rec.error = describe_error(exc)
            self._finish(rec, TaskStatus.FAILED)

    def _on_timeout(self, rec: TaskRecord) -> None:
        rec.timer = None
        if rec.status.is_active and rec.cancel_reason is None:
            self._request_stop(rec, TaskStatus.TIMEOUT)

    def _request_stop(self, rec: TaskRecord, reason: TaskStatus) -> None:
        rec.cancel_reason = reason
        if reason is TaskStatus.TIMEOUT:
            rec.error = f"TimeoutError: task exceeded its timeout of {rec.timeout:g} s"
        if rec.status is TaskStatus.PENDING:
            if rec.coro is not None:
                rec.coro.close()
            self._finish(rec, reason)
            return
        assert rec.task is not None
        rec.task.cancel(f"{reason.value} by TDAsyncIO")
        self._cancelling[rec.task_id] = (rec, self._host.time() + CANCEL_GRACE_SECONDS)

    def _check_cancelling(self, now: float) -> None:
        for task_id, (rec, deadline) in list(self._cancelling.items()):
            if rec.status.is_finished:
                del self._cancelling[task_id]
            elif now >= deadline - _EPSILON:
                del self._cancelling[task_id]
                assert rec.task is not None and rec.cancel_reason is not None
                self._detached.add(rec.task)
                self.swallowed_cancellations += 1
                rec.error = (f"{rec.error + '; ' if rec.error else ''}the coroutine ignored "
                             f"cancellation for {CANCEL_GRACE_SECONDS:g} s and was detached")
                self._host.report_warning(
                    f"task {rec.task_id} ({rec.description}) swallowed its cancellation; "
                    f"marked {rec.cancel_reason.value} and detached")
                self._finish(rec, rec.cancel_reason)

    def _finish(self, rec: TaskRecord, status: TaskStatus) -> None:
        was = rec.status
        rec.transition(status, self._host.time())
        active = self._active
        active.pop(rec.task_id, None)
        if not active:
            active.clear()  # see _forget
        self._cancelling.pop(rec.task_id, None)
        self._ended.append(rec)
        self._lifetime[status] += 1
        if self._listeners:
            self._tell(rec)
        if rec.task_id in self._tasks:
            counts = self._counts
            counts[was] -= 1
            counts[status] += 1
            self._clear_queue.append(rec)
            self._table.changed(rec)
        self.version += 1

    def _fire_callbacks(self) -> None:
        # A callback may submit or cancel tasks; endings it causes are fired too.
        while self._ended:
            ended, self._ended = self._ended, []
            for index, rec in enumerate(ended):
                callback = rec.callback
                if callback is None:
                    continue
                rec.callback = None
                try:
                    callback(rec.outcome())
                except Exception as exc:
                    self.callback_errors += 1
                    self._host.report_exception(
                        f"completion callback of task {rec.task_id} ({rec.description})", exc)
                except BaseException:
                    # KeyboardInterrupt & co. propagate, but the tasks after this one
                    # keep their turn: their callbacks fire on the next frame or at close.
                    self._ended[:0] = ended[index + 1:]
                    raise

    def _clear_aged(self, now: float) -> None:
        queue = self._clear_queue
        limit = now - self._clear_after + _EPSILON
        while queue and queue[0].completed_at is not None and queue[0].completed_at <= limit:
            rec = queue.popleft()
            if self._tasks.get(rec.task_id) is rec:
                self._forget(rec)

    def _forget(self, rec: TaskRecord) -> None:
        tasks = self._tasks
        del tasks[rec.task_id]
        if not tasks:
            # A dict never shrinks as keys go; emptied, clear() hands its table
            # (megabytes after a burst) back, so an idle host does not keep it.
            tasks.clear()
        self._counts[rec.status] -= 1
        self._table.removed(rec.task_id)
        self.version += 1

    def _set_progress(self, rec: TaskRecord, fraction: float) -> None:
        if rec.progress != fraction and rec.status is TaskStatus.RUNNING:
            rec.progress = fraction
            rec.touch()
            if rec.task_id in self._tasks:
                self._table.changed(rec)
            self.version += 1

    def _parameter_changed(self, name: str, value: Any) -> None:
        """Follow a new value of one of the component's parameters."""
        if name == "Active":
            self._stepping = bool(value)
        elif name == "Framebudget":
            self._budget_seconds = value / 1000.0
        elif name == "Clearafter":
            self._clear_after = float(value)
        elif name == "Updatetable":
            self._table.set_enabled(bool(value), self._tasks.values())

    # == shutdown ================================================================
    def close(self) -> None:
        """Cancel everything, let it unwind, fire callbacks, close the loop."""
        if self._closed:
            return
        loop = self.loop
        for rec in list(self._active.values()):
            if rec.status is TaskStatus.PENDING or rec.cancel_reason is None:
                self._request_stop(rec, TaskStatus.CANCELLED)
            elif rec.task is not None:
                rec.task.cancel()
        tasks = {rec.task for rec in self._tasks.values()}
        tasks.update(rec.task for rec, _ in self._cancelling.values())
        tasks.update(self._detached)
        # Tasks asyncio or a library started on this loop (a server's connection
        # handlers, ...) are cancelled too, as asyncio.run() does: left pending they
        # would leak their sockets and log "Task was destroyed but it is pending".
        tasks.update(asyncio.all_tasks(loop))
        pending = {t for t in tasks if t is not None and not t.done()}
        for _ in range(100):
            if not pending:
                break
            for t in pending:
                t.cancel()
            self._stepper.step(0.05)
            pending = {t for t in pending if not t.done()}
        for rec in list(self._active.values()):
            self._finish(rec, rec.cancel_reason or TaskStatus.CANCELLED)
        self._fire_callbacks()
        self._closed = True
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            for t in pending:
                # A coroutine that refuses to stop: close it so no warning escapes.
                t.get_coro().close()
                t._log_destroy_pending = False  # type: ignore[attr-defined]
            loop.close()


def _coro_name(coro: Coroutine[Any, Any, Any]) -> str:
    return getattr(coro, "__qualname__", None) or type(coro).__name__
