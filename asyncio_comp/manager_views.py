"""ManagerViews: what `AsyncIOManager` offers views and tools, beside its LOPs face.

LOPs code calls the contract's methods (``Run``, ``CancelTask``, ...), which live in
``manager.py``. The window and terminal views, trace recorders, the CLI and tests
read the component through the methods here: immutable `TaskRow` snapshots, counts,
where a task waits, the blocking reports and their threshold, task listeners. None of them changes a
task; each reads the registry or the blocking watch the manager owns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from asyncio_comp.blocking import BlockingReport, BlockingWatch
from asyncio_comp.records import TaskRow
from asyncio_comp.status import TaskStatus
from asyncio_comp.where import await_chain

if TYPE_CHECKING:
    from asyncio_comp._loop_internals import FrameEventLoop
    from asyncio_comp.lifecycle import TaskLifecycle
    from asyncio_comp.pacing import OutsidePacer
    from asyncio_comp.registry import ChangeListener, TaskRegistry
    from td.network import OP
    from td.thread_guard import ThreadGuard

__all__ = ["ManagerViews"]


class ManagerViews:
    """The view and tool methods of `AsyncIOManager`, which inherits them.

    The manager sets the parts these methods read when it is built: the thread
    guard, the loop, the registry, the lifecycle, the blocking watch and the pacer.
    """

    _guard: ThreadGuard
    _loop: FrameEventLoop
    _registry: TaskRegistry
    _lifecycle: TaskLifecycle
    _blocking: BlockingWatch
    _pacer: OutsidePacer

    @property
    def registry(self) -> TaskRegistry:
        """The tracked tasks' bookkeeping (read-only use: views, tests)."""
        return self._registry

    @property
    def version(self) -> int:
        """Grows on every change a view could show; views redraw only when it moved."""
        return self._registry.version

    @property
    def callback_errors(self) -> int:
        """Completion callbacks that raised (each reported once)."""
        return self._lifecycle.callback_errors

    @property
    def swallowed_cancellations(self) -> int:
        """Tasks that ignored their cancellation past the grace and were detached."""
        return self._lifecycle.swallowed_cancellations

    def rows(self) -> list[TaskRow]:
        """Immutable rows for every tracked task, oldest first."""
        self._guard.check(self)
        return [rec.row for rec in self._registry.records()]

    def counts(self) -> dict[TaskStatus, int]:
        """How many tracked tasks are in each status."""
        self._guard.check(self)
        return self._registry.counts()

    def ordered_rows(self, first: int = 0, count: int | None = None) -> list[TaskRow]:
        """Rows in the order views show them: active tasks newest first, then
        finished ones, the most recently finished first; ``count`` of them from
        position ``first``. Costs O(first + count), whatever the number of tasks."""
        self._guard.check(self)
        if first < 0 or (count is not None and count < 0):
            raise ValueError(f"ordered_rows() expected first >= 0 and count >= 0 or None, "
                             f"got first={first!r}, count={count!r}")
        stop = None if count is None else first + count
        return self._registry.ordered(first, stop)

    def row(self, task_id: int) -> TaskRow | None:
        """The row of one tracked task; None if it is not tracked."""
        self._guard.check(self)
        rec = self._registry.get(task_id)
        return None if rec is None else rec.row

    def active_by_owner(self) -> list[tuple[OP, int]]:
        """How many pending and running tasks each operator owns (the operator whose
        code submitted them, `GetTaskInfo`'s ``owner``), as (operator, count) pairs;
        tasks nobody owns are left out. Kept as tasks start and end: costs the number
        of owners, not of tasks."""
        self._guard.check(self)
        return self._registry.active_by_owner()

    def task_count(self) -> int:
        return len(self._registry)

    def children(self, task_id: int) -> list[int]:
        """The ids of the tracked tasks whose ``parent_id`` is ``task_id``, oldest
        first. Scans every tracked task: for a view's details, on demand, not per
        frame."""
        self._guard.check(self)
        return [rec.task_id for rec in self._registry.records() if rec.parent_id == task_id]

    def where(self, task_id: int) -> list[str]:
        """Where a task is waiting: its await chain, outermost first, as
        ``file:line in function`` lines, ending with a line naming the innermost
        awaitable (a sleep and when it wakes, a future, another task, a worker job, a
        socket read). ``[]`` when the task is not waiting: pending, ended, running
        this very moment, or not tracked.

        Raises:
            TypeError: ``task_id`` is not an int.
        """
        self._guard.check(self)
        if isinstance(task_id, bool) or not isinstance(task_id, int):
            raise TypeError(f"where() expected a task id (int), got {task_id!r}")
        rec = self._registry.get(task_id)
        if rec is None or rec.status is not TaskStatus.RUNNING:
            return []
        return await_chain(rec.coro, rec.task, self._loop.time())

    @property
    def blocking_reports(self) -> tuple[BlockingReport, ...]:
        """The newest coroutine steps that blocked the loop for longer than a frame."""
        return tuple(self._blocking.reports)

    @property
    def blocking_threshold(self) -> float:
        """Seconds one coroutine step may hold the loop before it is reported."""
        return self._blocking.report_threshold

    @blocking_threshold.setter
    def blocking_threshold(self, seconds: float) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise ValueError(f"blocking_threshold expected seconds > 0, got {seconds!r}")
        self._blocking.set_report_threshold(float(seconds))

    def GetLifetimeCounts(self) -> dict[TaskStatus, int]:
        """How many tasks ended in each final status (completed, failed, cancelled,
        timeout) since the component was made, whether or not their rows are still
        in the table (`counts()` is what the table holds now)."""
        self._guard.check(self)
        return self._registry.lifetime_counts()

    def add_task_listener(self, fn: Callable[[TaskRow], object]) -> None:
        """Call ``fn(row)`` on the host's thread each time a task changes status:
        submitted (pending), started (running), ended. For trace recorders
        (`host.testing.TaskTrace`); ``fn`` must not raise."""
        self._guard.check(self)
        if not callable(fn):
            raise TypeError(f"add_task_listener() expected a callable taking a TaskRow, "
                            f"got {fn!r}")
        self._registry.add_listener(fn)

    def add_task_change_listener(self, fn: ChangeListener) -> None:
        """Call ``fn(task_id, status, description, parent_id, error)`` on the host's
        thread each time a task changes status, as `add_task_listener` does but with
        the transition alone (``error``: the error's text, or None): no `TaskRow` is
        built per change, which is most of what a listener costs a task. For trace
        writers (`host.trace.TraceWriter`); ``fn`` must not raise."""
        self._guard.check(self)
        if not callable(fn):
            raise TypeError(f"add_task_change_listener() expected a callable taking "
                            f"(task_id, status, description, parent_id, error), got {fn!r}")
        self._registry.add_change_listener(fn)

    def remove_task_listener(self, fn: Callable[..., object]) -> bool:
        """Take back one registration of ``fn``, its oldest, of either kind; True if
        it had one. Each add is one registration (as with ``gc.callbacks``): added
        twice, ``fn`` is called twice per change until removed twice."""
        self._guard.check(self)
        return self._registry.remove_listener(fn)

    @property
    def paced_frames(self) -> int:
        """Non-realtime frames that waited for work outside the loop (see `pacing`)."""
        return self._pacer.paced_frames
