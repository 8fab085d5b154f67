"""SerialWorker: blocking calls run one at a time, in submission order, on one thread.

This is the Houdini Engine for Godot pattern: a session that must not be used from
two threads at once is driven by a single worker thread; every call returns a
`WorkerTask` at once and the caller polls it once per frame or awaits it. Calls
queued without waiting run in order, so awaiting only the last one suffices.

From a coroutine running in TDAsyncIO, either poll once per frame (HEGo's way)::

    task = worker.submit(load_asset, path)
    while task.get_status() < WorkerStatus.COMPLETED:
        await host.next_frame()
    mesh = task.get_result()          # or task.get_error_message() if FAILED

or await the task, which returns its result or raises its exception; the worker
thread wakes the loop with ``call_soon_threadsafe``, nothing polls::

    mesh = await worker.submit(load_asset, path)

Worker functions run off the host's thread and must not touch host objects (the
thread guard raises `ThreadViolation`, and the task fails with it). To report
progress: ``current_worker_task().report_progress(0.5)``.

One lock (a `threading.Condition`) guards the queue, the current task, the history
and every task's status move, so the three lists are always consistent with each
other and with the statuses: a task is in exactly one of pending, current or history.
Listeners (including the ones that wake an awaiting coroutine) are called after the
lock is released.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, Self, TypeVar

from asyncio_comp.worker.callables import name_of, refuse_async
from asyncio_comp.worker.snapshot import WorkerSnapshot as WorkerSnapshot
from asyncio_comp.worker.table import WorkerChanges
from asyncio_comp.worker.task import (
    WorkerError,
    WorkerStatus,
    WorkerStopped,
    WorkerTask,
    WorkerTaskCancelled,
    _running,
    current_worker_task,
)
from td.current import current_operator
from td.errors import describe_error
from td.network import OperatorHost

__all__ = [
    "STOPPED_BEFORE_RUN",
    "SerialWorker",
    "WorkerChanges",
    "WorkerSnapshot",
    "WorkerStatus",
    "WorkerTask",
    "current_worker_task",
    "listen_for_destroys",
]

log = logging.getLogger("framehost.worker")

T = TypeVar("T")

#: The error text of every task still queued when `stop()` was called.
STOPPED_BEFORE_RUN = "worker stopped before the task could run"

# Every SerialWorker alive, however it was made (a worker COMP's, or a bare
# ``SerialWorker()`` a scene keeps), so that a destroy reaches the jobs each one holds
# for the destroyed operators; held weakly, a forgotten worker is not kept alive.
_live: weakref.WeakSet[SerialWorker] = weakref.WeakSet()
_live_lock = threading.Lock()
# The hosts already telling the workers of their destroys (once each).
_listening: weakref.WeakSet[OperatorHost] = weakref.WeakSet()


def _cancel_jobs_of(doomed: list[Any]) -> None:
    """A host's destroy listener: every live worker cancels the pending jobs the
    destroyed operators submitted (matched by identity, so another host's
    operators never match)."""
    with _live_lock:
        workers = list(_live)
    for worker in workers:
        worker.cancel_owned(doomed)


def listen_for_destroys(host: OperatorHost) -> None:
    """Have ``host``'s destroys cancel the pending jobs, on every `SerialWorker`,
    that the destroyed operators submitted; once per host, on its thread.

    TDAsyncIO and the worker COMP call it as they are created, and a worker calls it
    for the host of each operator that submits on that host's thread, so a bare
    ``SerialWorker()`` is reached as well as a COMP's.
    """
    with _live_lock:  # hosts on different threads may ask at once
        if host not in _listening:
            host.on_destroy(_cancel_jobs_of)  # raises (off its thread) before it counts
            _listening.add(host)


class SerialWorker:
    """Runs submitted callables on one daemon thread, strictly in submission order.

    Args:
        history_size: how many finished tasks `get_completed_task_history` keeps.
        name: shown in the thread's name, messages and views.
        time_function: the clock for ``submitted_at``/``started_at``/``finished_at``
            (a host passes ``host.time``); called on the worker thread too.
    """

    def __init__(self, history_size: int = 64, *, name: str = "SerialWorker",
                 time_function: Callable[[], float] = time.monotonic) -> None:
        _check_history_size(history_size, "SerialWorker()")
        if not isinstance(name, str):
            raise TypeError(f"SerialWorker() expected name to be a string, got {name!r}")
        if not name:
            raise ValueError("SerialWorker() expected a non-empty name, got ''")
        self.name = name
        self._time = time_function
        self._cond = threading.Condition()
        self._queue: deque[WorkerTask[Any]] = deque()
        self._history: deque[WorkerTask[Any]] = deque(maxlen=history_size)
        self._current: WorkerTask[Any] | None = None
        self._watchers: list[WorkerChanges] = []
        self._thread: threading.Thread | None = None
        with _live_lock:
            _live.add(self)
        self._stopping = False
        self._next_id = 1
        self._completed_total = 0
        self._failed_total = 0
        #: Grows on every status change, submission and history change (not progress).
        self.version = 0

    # -- submitting (any thread) ------------------------------------------------
    def submit(self, fn: Callable[..., T], *args: Any, description: str | None = None,
               **kwargs: Any) -> WorkerTask[T]:
        """Queue ``fn(*args, **kwargs)`` behind everything already submitted.

        Returns at once. On a stopped worker the task returned is already FAILED
        with a `WorkerStopped` error and nothing is queued.

        Raises:
            TypeError: ``fn`` is not a plain callable (a coroutine function belongs in
                TDAsyncIO's ``Run``), or ``description`` is not a string.
        """
        refuse_async(fn, "submit()")
        if not callable(fn):
            raise TypeError(f"submit() expected a callable followed by its arguments, "
                            f"got {fn!r}")
        if description is not None and not isinstance(description, str):
            raise TypeError(f"submit() expected description to be a string or None, "
                            f"got {description!r}")
        text = description if description is not None else name_of(fn)
        with self._cond:
            task: WorkerTask[T] = WorkerTask(self._next_id, fn, args, kwargs, text,
                                             self._time(), self._cond, self._cancel)
            owner = task.owner = current_operator()  # None off the host's thread
            self._next_id += 1
            if self._stopping:
                error = WorkerStopped(f"{self.name} is stopped; submit() after stop() runs "
                                      "nothing, create a new SerialWorker")
                task.settle(self._time(), None, error)
                return task
            self._queue.append(task)
            self._changed(task)
            self._ensure_thread()
            self._cond.notify()
        if owner is not None and owner.guard.is_owner():
            listen_for_destroys(owner.host)
        return task

    def start(self) -> None:
        """Start the worker thread now (HEGo's ``start()``); submit starts it anyway.

        Idempotent. On a stopped worker it starts again: submit queues work once
        more (tasks failed by `stop` stay failed). Any thread.
        """
        with self._cond:
            self._stopping = False
            self._ensure_thread()

    # -- introspection (any thread) ----------------------------------------------
    def get_current_task(self) -> WorkerTask[Any] | None:
        """The task whose callable is running now, or None."""
        return self._current

    def get_pending_tasks(self) -> list[WorkerTask[Any]]:
        """Queued tasks in the order they will run; the running one is not among them."""
        with self._cond:
            return list(self._queue)

    def get_task_pending_count(self) -> int:
        return len(self._queue)

    def get_completed_task_history(self) -> list[WorkerTask[Any]]:
        """Finished tasks (COMPLETED and FAILED), oldest first, newest last."""
        with self._cond:
            return list(self._history)

    def clear_completed_task_history(self) -> int:
        """Forget the finished tasks; how many were forgotten."""
        with self._cond:
            count = len(self._history)
            for task in self._history:
                self._forgotten(task)
            self._history.clear()
            if count:
                self.version += 1
            return count

    @property
    def history_size(self) -> int:
        maxlen = self._history.maxlen
        assert maxlen is not None
        return maxlen

    @history_size.setter
    def history_size(self, size: int) -> None:
        _check_history_size(size, "history_size")
        with self._cond:
            history = list(self._history)
            kept = history[len(history) - size:] if size else []
            for task in history[:len(history) - len(kept)]:
                self._forgotten(task)
            self._history = deque(kept, maxlen=size)
            self.version += 1

    @property
    def stopped(self) -> bool:
        return self._stopping

    def snapshot(self, max_pending: int | None = None) -> WorkerSnapshot:
        """A consistent, immutable picture of the queue for views.

        Args:
            max_pending: keep only the first this many pending rows (``pending_count``
                still counts all of them); None keeps all.
        """
        with self._cond:
            queue = self._queue
            if max_pending is None or max_pending >= len(queue):
                pending = tuple(task.row() for task in queue)
            else:
                pending = tuple(queue[i].row() for i in range(max(0, max_pending)))
            current = self._current
            return WorkerSnapshot(
                name=self.name,
                current=current.row() if current is not None else None,
                pending=pending,
                pending_count=len(queue),
                history=tuple(task.row() for task in reversed(self._history)),
                history_size=self.history_size,
                stopped=self._stopping,
                version=self.version,
                completed_total=self._completed_total,
                failed_total=self._failed_total,
            )

    def watch(self) -> WorkerChanges:
        """A change record that every later status change is written into."""
        with self._cond:
            changes = WorkerChanges(self._cond)
            for task in (*self._history, *([self._current] if self._current else ()),
                         *self._queue):
                changes.touch(task)
            self._watchers.append(changes)
            return changes

    def unwatch(self, changes: WorkerChanges) -> None:
        """Stop recording into ``changes`` (made by `watch`)."""
        with self._cond:
            if changes in self._watchers:
                self._watchers.remove(changes)

    # -- stopping ----------------------------------------------------------------
    def stop(self, timeout: float | None = None) -> bool:
        """Fail every queued task, let the running one finish, join the thread.

        Idempotent and safe from any thread (from inside a task it does not join).
        Returns True if the thread has ended (or never started), False if ``timeout``
        passed while a callable was still running.
        """
        with self._cond:
            self._stopping = True
            dropped = list(self._queue)
            self._queue.clear()
            now = self._time()
            settled = [(task, self._end(task, now, WorkerStopped(STOPPED_BEFORE_RUN)))
                       for task in dropped]
            self._cond.notify_all()
            thread = self._thread
        for task, listeners in settled:
            task.notify(listeners)
        if thread is None or thread is threading.current_thread():
            return thread is None
        thread.join(timeout)
        if thread.is_alive():
            log.warning("%s: stop() gave up after %s s; task %r is still running", self.name,
                        timeout, self._current)
            return False
        return True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- the worker thread -----------------------------------------------------------
    def _ensure_thread(self) -> None:
        # Called with the lock held. The thread clears _thread under the lock as it
        # decides to end, so one that is still running a callable after stop() (or
        # has not noticed the stop yet) keeps serving: never two, order stays strict.
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"{self.name}-thread",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        cond = self._cond
        while True:
            with cond:
                while not self._queue and not self._stopping:
                    cond.wait()
                if not self._queue:
                    self._thread = None  # see _ensure_thread
                    return
                task = self._queue.popleft()
                call = task.mark_running(self._time())
                self._current = task
                self._changed(task)
            result, exception, error = self._call(task, call)
            del call  # the callable and its arguments go with it
            with cond:
                listeners = self._end(task, self._time(), exception, result, error)
                self._current = None
            task.notify(listeners)
            del task, result, exception, error, listeners

    def _call(self, task: WorkerTask[Any], call: Callable[[], Any],
              ) -> tuple[Any, BaseException | None, str | None]:
        """Run one callable; (result, exception, error text). Never raises."""
        token = _running.set(task)
        try:
            result = call()
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                raise TypeError(f"{task.description!r} returned an awaitable ({result!r}); "
                                "the worker runs blocking callables, use TDAsyncIO's Run()")
            return result, None, None
        except Exception as exc:
            log.debug("%s: task %d (%s) failed", self.name, task.task_id, task.description,
                      exc_info=exc)
            return None, exc, None
        except BaseException as exc:
            # SystemExit & co. end this task, never the worker thread or the awaiting loop.
            log.error("%s: task %d (%s) raised %s; the task failed, the worker goes on",
                      self.name, task.task_id, task.description, describe_error(exc),
                      exc_info=exc)
            wrapper = WorkerError(f"task {task.task_id} ({task.description}) raised "
                                  f"{describe_error(exc)} on the worker thread")
            wrapper.__cause__ = exc
            return None, wrapper, describe_error(exc)
        finally:
            _running.reset(token)

    # -- internals (under the lock) -------------------------------------------------
    def _end(self, task: WorkerTask[Any], now: float, exception: BaseException | None,
             result: Any = None, error: str | None = None,
             ) -> list[Callable[[WorkerTask[Any]], object]]:
        listeners = task.settle(now, result, exception, error)
        if exception is None:
            self._completed_total += 1
        else:
            self._failed_total += 1
        self._changed(task)
        history = self._history
        if len(history) == history.maxlen:  # the ring buffer pushes one out
            self._forgotten(history[0] if history else task)
        history.append(task)
        return listeners

    def _cancel(self, task: WorkerTask[Any]) -> bool:
        with self._cond:
            if task.get_status() is not WorkerStatus.PENDING:
                return False
            self._queue.remove(task)
            listeners = self._end(task, self._time(),
                                  WorkerTaskCancelled("cancelled before it started"))
        task.notify(listeners)
        return True

    def cancel_owned(self, doomed: Iterable[object]) -> int:
        """Cancel the pending tasks submitted by code of one of ``doomed`` (operators
        just destroyed); how many. A running callable cannot be interrupted."""
        gone = {id(node) for node in doomed}
        with self._cond:
            owned = [task for task in self._queue
                     if task.owner is not None and id(task.owner) in gone]
        return sum(task.cancel() for task in owned)

    def _changed(self, task: WorkerTask[Any]) -> None:
        self.version += 1
        for changes in self._watchers:
            changes.touch(task)

    def _forgotten(self, task: WorkerTask[Any]) -> None:
        for changes in self._watchers:
            changes.remove(task.task_id)

    # -- display ------------------------------------------------------------------------
    def __repr__(self) -> str:
        state = "stopped" if self._stopping else f"{len(self._queue)} pending"
        return f"<SerialWorker {self.name!r} {state}>"

    def __rich_repr__(self) -> Iterator[Any]:
        yield self.name
        yield "current", self._current
        yield "pending", len(self._queue)
        yield "history", len(self._history)
        yield "stopped", self._stopping


def _check_history_size(size: object, where: str) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError(f"{where} expected history_size as a whole number >= 0, got {size!r}")
