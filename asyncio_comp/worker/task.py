"""WorkerTask: one call submitted to a `SerialWorker`, and the status it moves through.

A task is created by `SerialWorker.submit` and returned at once (the Houdini Engine
for Godot pattern). Its status changes in exactly one place per move (`mark_running`,
`settle`), always under the worker's lock, and the status is written *last*: the
result, the error and the finish time are in place before another thread can see
COMPLETED or FAILED. Reading the status is a single attribute read, cheap enough to
poll every frame.

Cancelling a pending task does not add a status: it ends FAILED, its error says it
was cancelled (`WorkerTaskCancelled`), and `task.cancelled` is True. That keeps the
contract's four ordered states, so ``status < WorkerStatus.COMPLETED`` still means
"not finished" for every task.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import traceback
from collections.abc import Callable, Generator, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum
from functools import partial
from types import TracebackType
from typing import Any, Generic, TypeVar

from td.errors import describe_error

__all__ = [
    "WorkerError",
    "WorkerStatus",
    "WorkerStopped",
    "WorkerTask",
    "WorkerTaskCancelled",
    "WorkerTaskRow",
    "current_worker_task",
]

log = logging.getLogger("framehost.worker")

T = TypeVar("T")

# Set on the worker thread while a task's callable runs; read by `current_worker_task`.
_running: ContextVar[WorkerTask[Any] | None] = ContextVar("framehost_worker_task", default=None)


class WorkerStatus(IntEnum):
    """Where a worker task is in its life; ordered, so ``< COMPLETED`` means unfinished."""

    PENDING = 0
    """Queued; its callable has not started. Only a pending task can be cancelled."""

    RUNNING = 1
    """Its callable is running on the worker thread."""

    COMPLETED = 2
    """The callable returned; `get_result()` holds what it returned."""

    FAILED = 3
    """The callable raised, or the task was cancelled, or the worker stopped before it
    ran; `get_error_message()` says which."""

    @property
    def is_finished(self) -> bool:
        return self >= WorkerStatus.COMPLETED

    def __str__(self) -> str:
        return self.name.lower()


class WorkerError(RuntimeError):
    """Base of the errors a serial worker itself puts on a task."""


class WorkerStopped(WorkerError):
    """The worker was stopped before the task could run, or before it was submitted."""


class WorkerTaskCancelled(WorkerError):
    """The task was cancelled while still pending; its callable never ran."""


@dataclass(frozen=True, slots=True)
class WorkerTaskRow:
    """An immutable view of one worker task, for the window and terminal views."""

    task_id: int
    description: str
    status: WorkerStatus
    progress: float | None
    error: str | None
    submitted_at: float
    started_at: float | None
    finished_at: float | None
    cancelled: bool

    def duration(self, now: float) -> float | None:
        """Seconds it ran (or has been running); None while pending or if it never ran."""
        if self.started_at is None:
            return None
        end = self.finished_at if self.finished_at is not None else now
        return max(0.0, end - self.started_at)


def current_worker_task() -> WorkerTask[Any] | None:
    """The task whose callable is running in this thread, or None elsewhere.

    It is how a worker function reports progress without taking an extra argument:
    ``task = current_worker_task(); task.report_progress(0.5)``.
    """
    return _running.get()


class WorkerTask(Generic[T]):
    """A call queued on a `SerialWorker`; poll it each frame or ``await`` it.

    Awaiting from a coroutine on the host's loop returns the result or raises the
    task's exception; the worker thread wakes the loop with ``call_soon_threadsafe``,
    so nothing polls. Once the callable ran (or will never run) the task drops it
    and its arguments, so a long history does not keep large inputs alive.
    """

    __slots__ = (
        "__weakref__",
        "_args",
        "_cancelled",
        "_canceller",
        "_done",
        "_error",
        "_exception",
        "_exception_tb",
        "_fn",
        "_kwargs",
        "_listeners",
        "_lock",
        "_progress",
        "_result",
        "_row",
        "_status",
        "description",
        "finished_at",
        "owner",
        "started_at",
        "submitted_at",
        "task_id",
    )

    def __init__(self, task_id: int, fn: Callable[..., T], args: tuple[Any, ...],
                 kwargs: dict[str, Any], description: str, submitted_at: float,
                 lock: threading.Condition,
                 cancel: Callable[[WorkerTask[Any]], bool] | None) -> None:
        self.task_id = task_id
        self.description = description
        self.submitted_at = submitted_at
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self._fn: Callable[..., T] | None = fn
        self._args: tuple[Any, ...] | None = args
        self._kwargs: dict[str, Any] | None = kwargs
        self._lock = lock
        self._canceller = cancel
        self._status = WorkerStatus.PENDING
        self._result: T | None = None
        self._exception: BaseException | None = None
        self._exception_tb: TracebackType | None = None
        self._error: str | None = None
        self._progress: float | None = None
        self._cancelled = False
        self._listeners: list[Callable[[WorkerTask[T]], object]] | None = []
        self._done = threading.Event()
        self._row: WorkerTaskRow | None = None
        #: The operator whose code submitted it, or None: destroying that operator
        #: cancels the task if it is still pending (`SerialWorker.cancel_owned`).
        self.owner: object = None

    # -- reading (any thread) ---------------------------------------------------
    @property
    def id(self) -> int:
        return self.task_id

    def get_status(self) -> WorkerStatus:
        return self._status

    def is_done(self) -> bool:
        """True once COMPLETED or FAILED; the result and error are then final."""
        return self._status >= WorkerStatus.COMPLETED

    def get_result(self) -> T | None:
        """What the callable returned; None until COMPLETED."""
        return self._result

    def get_description(self) -> str:
        """What the task does (the ``description`` given to submit, else the callable's
        name); HEGo's name for `description`."""
        return self.description

    def get_error_message(self) -> str:
        """``"ValueError: bad mesh"`` for a FAILED task, ``""`` otherwise (as in HEGo,
        so ``if task.get_error_message():`` reads naturally)."""
        return self._error or ""

    def get_exception(self) -> BaseException | None:
        """What awaiting a FAILED task raises; None otherwise.

        A callable that raised a `BaseException` that is not an `Exception`
        (``SystemExit``, ``KeyboardInterrupt``, ``CancelledError``) is reported as a
        `WorkerError` caused by it, so awaiting it cannot stop the host's loop.
        """
        return self._exception

    def get_progress(self) -> float | None:
        """The last fraction (0..1) the callable reported; 1.0 once COMPLETED."""
        return self._progress

    @property
    def cancelled(self) -> bool:
        """True if the task was cancelled while pending (it is then FAILED)."""
        return self._cancelled

    def row(self) -> WorkerTaskRow:
        """An immutable snapshot of the task, for views."""
        with self._lock:
            row = self._row
            if row is None:
                row = WorkerTaskRow(
                    self.task_id, self.description, self._status, self._progress, self._error,
                    self.submitted_at, self.started_at, self.finished_at, self._cancelled,
                )
                # A running task's progress moves without the lock: never cache it.
                if self._status is not WorkerStatus.RUNNING:
                    self._row = row
            return row

    def wait(self, timeout: float | None = None) -> bool:
        """Block this thread until the task finished; True if it did within ``timeout``.

        For threads other than the host's: blocking the host's thread stalls frames
        (and deadlocks if the task waits for a frame). On the host, poll or await.
        """
        return self._done.wait(timeout)

    # -- acting (any thread) ----------------------------------------------------
    def cancel(self) -> bool:
        """Cancel the task if it is still pending; True if it was.

        A cancelled task ends FAILED with a `WorkerTaskCancelled` error; a running
        or finished task is left alone (a running callable cannot be interrupted).
        """
        cancel = self._canceller
        return cancel(self) if cancel is not None else False

    def report_progress(self, fraction: float) -> None:
        """Record how far the callable got (0..1); safe from any thread.

        Raises:
            ValueError: for anything but a finite number from 0 to 1.
        """
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not (
            math.isfinite(fraction) and 0.0 <= fraction <= 1.0
        ):
            raise ValueError(f"report_progress() expected a fraction from 0 to 1, "
                             f"got {fraction!r}")
        if self._status is WorkerStatus.RUNNING:
            # One attribute write: atomic, and the main thread reads it each frame.
            self._progress = float(fraction)

    def add_done_callback(self, fn: Callable[[WorkerTask[T]], object]) -> None:
        """Call ``fn(task)`` once the task finished, or now if it already has.

        ``fn`` runs on the thread that finished the task (usually the worker thread),
        so it must not touch host objects; hand over with ``call_soon_threadsafe``.
        """
        if not callable(fn):
            raise TypeError(f"add_done_callback() expected a callable taking the task, "
                            f"got {fn!r}")
        with self._lock:
            listeners = self._listeners
            if listeners is not None:
                listeners.append(fn)
                return
        _call_listener(fn, self)

    # -- awaiting ---------------------------------------------------------------
    def __await__(self) -> Generator[Any, None, T]:
        if not self.is_done():
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            outside = getattr(loop, "outside", None)
            if outside is not None:  # the host's loop: frames wait for the job
                outside.track(future)
            self.add_done_callback(partial(_wake_loop, loop, future))
            yield from future.__await__()
        exception = self._exception
        if exception is not None:
            # Like asyncio.Future: every await re-raises with the original traceback,
            # so awaiting twice does not grow it (nor pin the awaiters' frames).
            raise exception.with_traceback(self._exception_tb)
        return self._result  # type: ignore[return-value]

    # -- transitions (the worker, under its lock) -------------------------------
    # The seam between a task and the `SerialWorker` that owns it: only that worker
    # calls these three, holding its lock for the first two.
    def mark_running(self, now: float) -> Callable[[], T]:
        """PENDING → RUNNING; hands over the call and forgets it (worker only)."""
        assert self._status is WorkerStatus.PENDING, self._status
        fn, args, kwargs = self._fn, self._args, self._kwargs
        assert fn is not None and args is not None and kwargs is not None
        self._fn = self._args = self._kwargs = None
        self.started_at = now
        self._row = None
        self._status = WorkerStatus.RUNNING
        return partial(fn, *args, **kwargs)

    def settle(self, now: float, result: T | None, exception: BaseException | None,
                error: str | None = None) -> list[Callable[[WorkerTask[T]], object]]:
        """RUNNING or PENDING → COMPLETED or FAILED; returns the listeners to call
        (worker only).

        Everything a reader may look at is written before the status, which is last.
        """
        assert self._status < WorkerStatus.COMPLETED, self._status
        self._fn = self._args = self._kwargs = None
        if exception is None:
            self._result = result
            self._progress = 1.0
        else:
            self._exception = exception
            self._error = error if error is not None else describe_error(exception)
            self._cancelled = isinstance(exception, WorkerTaskCancelled)
            _release_frames(exception)
            self._exception_tb = exception.__traceback__
        self.finished_at = now
        self._canceller = None
        self._row = None
        self._status = WorkerStatus.FAILED if exception is not None else WorkerStatus.COMPLETED
        self._done.set()
        listeners, self._listeners = self._listeners or [], None
        return listeners

    def notify(self, listeners: list[Callable[[WorkerTask[T]], object]]) -> None:
        """Call the listeners `settle` returned; outside the lock (worker only)."""
        for fn in listeners:
            _call_listener(fn, self)

    # -- display ----------------------------------------------------------------
    def __repr__(self) -> str:
        return f"<WorkerTask {self.task_id} {self.description!r} {self._status}>"

    def __rich_repr__(self) -> Iterator[Any]:
        yield self.task_id
        yield self.description
        yield "status", str(self._status)
        if self._progress is not None:
            yield "progress", self._progress
        if self._error is not None:
            yield "error", self._error


def _release_frames(exception: BaseException) -> None:
    """Keep the trace lines of an exception (and its causes) but drop the frames' locals,
    which would otherwise keep a failed task's large inputs alive in the history."""
    seen: set[int] = set()
    current: BaseException | None = exception
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__


def _call_listener(fn: Callable[[WorkerTask[Any]], object], task: WorkerTask[Any]) -> None:
    try:
        fn(task)
    except Exception as exc:
        log.error("done callback %r of worker task %d (%s) raised %s: %s", fn, task.task_id,
                  task.description, type(exc).__name__, exc, exc_info=exc)
    except BaseException as exc:
        if threading.current_thread() is threading.main_thread():
            raise  # a Ctrl-C (or an exit) where the caller can act on it
        # On the worker thread SystemExit & co. would end it silently, leaving every
        # later job pending forever: the callback failed, the worker goes on.
        log.error("done callback %r of worker task %d (%s) raised %s on the worker "
                  "thread; the worker goes on", fn, task.task_id, task.description,
                  describe_error(exc), exc_info=exc)


def _wake_loop(loop: asyncio.AbstractEventLoop, future: asyncio.Future[None],
               task: WorkerTask[Any]) -> None:
    """Wake the awaiting coroutine's loop from whichever thread finished the task."""
    try:
        loop.call_soon_threadsafe(_resolve, future)
    except RuntimeError:
        pass  # the loop closed first; its tasks were cancelled with it


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():  # the awaiting coroutine may have been cancelled meanwhile
        future.set_result(None)
