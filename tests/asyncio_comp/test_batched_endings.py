"""Completions are told to the registry in batches (`TaskRegistry.settle`): whoever
reads, at any moment, sees every task that has ended, as if each were told at once.

Each test has a task read something in the same loop iteration in which another task
completed, before the batch would otherwise be settled (the frame's end).
"""

from __future__ import annotations

import asyncio
from typing import Any

from asyncio_comp import TaskStatus
from host import Host


async def returns(value: object) -> object:
    return value


async def wakes_then(seconds: float, then: Any) -> object:
    await asyncio.sleep(seconds)
    return then()


def test_counts_read_in_the_same_iteration_include_a_task_that_just_completed(
        host: Host) -> None:
    seen: dict[str, Any] = {}

    def read() -> None:
        seen["counts"] = host.tasks.counts()
        seen["active"] = host.tasks.GetActiveTasksCount()
        seen["lifetime"] = host.tasks.GetLifetimeCounts()[TaskStatus.COMPLETED]
        seen["order"] = [row.status for row in host.tasks.ordered_rows()]

    first = host.tasks.Run(returns("done"))
    host.tasks.Run(wakes_then(0.0, read))  # steps right after `first` ended
    host.step()
    counts = seen["counts"]
    assert counts[TaskStatus.COMPLETED] == 1 and counts[TaskStatus.RUNNING] == 1
    assert seen["active"] == 1 and seen["lifetime"] == 1
    assert seen["order"] == [TaskStatus.RUNNING, TaskStatus.COMPLETED]
    assert host.tasks.GetTaskResult(first) == "done"


def test_the_table_read_in_the_same_iteration_shows_the_completion(host: Host) -> None:
    table = host.asyncio_comp.task_table
    first = host.tasks.Run(wakes_then(0.05, lambda: "a"))
    host.tasks.Run(wakes_then(0.05, lambda: table[str(first), "status"].val))
    host.step()
    assert table[str(first), "status"].val == "running"  # the rows are written
    host.run(until=lambda: host.tasks.GetActiveTasksCount() == 0, frames=10)
    assert host.tasks.GetTaskResult(first + 1) == "completed"


def test_clearall_from_a_task_after_a_completion_keeps_the_counts_right(host: Host) -> None:
    host.tasks.Run(returns(1))
    host.tasks.Run(wakes_then(0.0, host.tasks.Clearall))
    host.step(2)
    assert host.tasks.counts() == dict.fromkeys(TaskStatus, 0)
    assert len(host.tasks.rows()) == 0
    lifetime = host.tasks.GetLifetimeCounts()
    # The clearing task was running, so Clearall cancelled it too.
    assert lifetime[TaskStatus.COMPLETED] == 1 and lifetime[TaskStatus.CANCELLED] == 1


def test_a_listener_that_reads_the_registry_while_told_settles_nothing_twice(
        host: Host) -> None:
    told: list[tuple[TaskStatus, int]] = []

    def listener(row: Any) -> None:
        told.append((row.status, host.tasks.counts()[TaskStatus.COMPLETED]))

    host.tasks.add_task_listener(listener)
    host.tasks.Run([returns(1), returns(2)])
    host.step()
    ended = [entry for entry in told if entry[0] is TaskStatus.COMPLETED]
    assert len(ended) == 2  # each ending told once
    assert host.tasks.counts()[TaskStatus.COMPLETED] == 2
    assert host.tasks.GetLifetimeCounts()[TaskStatus.COMPLETED] == 2


def test_views_see_the_version_move_when_a_batch_begins(host: Host) -> None:
    seen: list[int] = []

    def read_version() -> None:
        seen.append(host.asyncio_comp.ext.AsyncIOManager.version)

    host.tasks.Run(wakes_then(0.0, read_version))
    host.step()
    before = seen[0]
    host.tasks.Run(returns(1))
    host.tasks.Run(wakes_then(0.0, read_version))
    host.step()
    assert seen[1] > before + 1  # submissions, the start, and the completion before it


def test_rows_added_while_the_table_is_stale_all_appear(host: Host) -> None:
    """A new task marks the table stale once; the rows of every task added before
    the next read are written by it."""
    table = host.asyncio_comp.task_table
    assert table.numRows == 1
    ids = [host.tasks.Run(returns(n)) for n in range(5)]
    assert [table[row, "task_id"].val for row in range(1, 6)] == [str(i) for i in ids]
    more = host.tasks.Run(returns(5))
    assert table[6, "task_id"].val == str(more)
    host.step()
    assert [table[row, "status"].val for row in range(1, 7)] == ["completed"] * 6


def test_pending_tasks_cancelled_while_paused_leave_the_views_order_at_once(
        host: Host) -> None:
    """Pending tasks are read from the admission queue; cancelling them, even with the
    loop paused (nothing is admitted), takes them out of it, whatever the order."""
    host.asyncio_comp.par.Active = False
    ids = host.tasks.Run([returns(n) for n in range(10)])
    assert isinstance(ids, list)
    for task_id in ids[5:] + ids[:5]:  # newest half first, then the oldest half
        assert host.tasks.CancelTask(task_id)
    assert host.tasks.GetActiveTasksCount() == 0
    assert host.tasks.ordered_rows(0, 3)[0].status is TaskStatus.CANCELLED
    manager = host.asyncio_comp.ext.AsyncIOManager
    assert len(manager._lifecycle.admission) == 0  # type: ignore[attr-defined]
    host.asyncio_comp.par.Active = True
    host.step()
    assert host.tasks.GetLifetimeCounts()[TaskStatus.CANCELLED] == 10
