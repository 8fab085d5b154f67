"""WorkerChanges and WorkerTableSync: a worker's tasks mirrored into ``worker_table``.

Incremental, like ``task_table``: each frame it drains the worker's `WorkerChanges`
and rewrites only the rows of tasks whose status changed, deletes the rows of tasks
that left the history, and refreshes one progress cell, the running task's (the
only one whose progress can move). Task ids only grow, so rows stay sorted by id
and a row is found by bisection.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from td.sorted_ids import position_of

if TYPE_CHECKING:
    from asyncio_comp.worker.task import WorkerTask, WorkerTaskRow
    from td.table import TableDAT

__all__ = ["WORKER_COLUMNS", "WorkerChanges", "WorkerTableSync"]

WORKER_COLUMNS = ("task_id", "status", "description", "progress", "submitted_at", "started_at",
                  "finished_at", "error")
_PROGRESS_COL = WORKER_COLUMNS.index("progress")


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _progress(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def row_values(row: WorkerTaskRow) -> list[str]:
    return [
        str(row.task_id), str(row.status), row.description, _progress(row.progress),
        _seconds(row.submitted_at), _seconds(row.started_at), _seconds(row.finished_at),
        row.error or "",
    ]


class WorkerChanges:
    """Which tasks changed status since the last `drain()`: for incremental mirrors.

    Made by `SerialWorker.watch()`; the worker records into it under its lock.
    ``removed`` lists tasks that left the worker's view (pushed out of the history
    or cleared), so a mirror can delete their rows.
    """

    __slots__ = ("_lock", "_removed", "_touched")

    def __init__(self, lock: threading.Condition) -> None:
        self._lock = lock
        self._touched: dict[int, WorkerTask[Any]] = {}
        self._removed: set[int] = set()

    def drain(self) -> tuple[list[WorkerTask[Any]], list[int]]:
        """The changed tasks in id order and the removed ids, and forget both."""
        with self._lock:
            touched, self._touched = self._touched, {}
            removed, self._removed = self._removed, set()
        return [touched[k] for k in sorted(touched)], sorted(removed)

    # Written by the watched `SerialWorker`, under the lock it gave this record.
    def touch(self, task: WorkerTask[Any]) -> None:
        """``task`` changed: its row is rewritten at the next `drain()`."""
        self._touched[task.task_id] = task

    def remove(self, task_id: int) -> None:
        """The task left the worker's view: its row is deleted at the next `drain()`."""
        self._touched.pop(task_id, None)
        self._removed.add(task_id)


class WorkerTableSync:
    """Keeps one TableDAT equal to one worker's pending, current and history tasks."""

    def __init__(self, dat: TableDAT, changes: WorkerChanges) -> None:
        self._dat = dat
        self._changes = changes
        self._ids: list[int] = []
        dat.clear()
        dat.appendRow(WORKER_COLUMNS)

    @property
    def changes(self) -> WorkerChanges:
        """The worker's change record this table drains (to `unwatch` it)."""
        return self._changes

    def sync(self, current: WorkerTask[Any] | None) -> None:
        """Apply the changes since the last call, then the running task's progress."""
        touched, removed = self._changes.drain()
        dat = self._dat
        for task_id in removed:
            index = position_of(self._ids, task_id)
            if index is not None:
                del self._ids[index]
                dat.deleteRow(index + 1)
        for task in touched:
            values = row_values(task.row())
            index = position_of(self._ids, task.task_id)
            if index is not None:
                dat.replaceRow(index + 1, values)
            else:
                at = bisect_left(self._ids, task.task_id)
                self._ids.insert(at, task.task_id)
                dat.insertRow(values, at + 1)
        if current is not None:
            index = position_of(self._ids, current.task_id)
            text = _progress(current.get_progress())
            if index is not None and dat[index + 1, _PROGRESS_COL] != text:
                dat[index + 1, _PROGRESS_COL] = text
