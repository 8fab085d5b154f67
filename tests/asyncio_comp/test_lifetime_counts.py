"""Lifetime counts: endings per status over the whole run, which
Clear After never lowers, beside `counts()` (what the table holds now)."""

from __future__ import annotations

import asyncio

from asyncio_comp import TaskStatus
from host import Host
from host.testing import run_until, wait_for_tasks


async def ok() -> str:
    return "ok"


async def broken() -> None:
    raise ValueError("no")


async def slow() -> None:
    await asyncio.sleep(10)


def test_clear_after_removes_rows_but_not_lifetime_counts(host: Host) -> None:
    host.asyncio_comp.par.Clearafter = 0.05
    ids = [host.tasks.Run(ok()), host.tasks.Run(broken()), host.tasks.Run(slow(), timeout=0.1),
           host.tasks.Run(slow())]
    host.tasks.CancelTask(ids[3])  # type: ignore[arg-type]
    run_until(host, lambda: host.tasks.GetActiveTasksCount() == 0, frames=100)
    host.step(10)  # older than Clear After: the rows go
    assert host.tasks.counts()[TaskStatus.FAILED] == 0
    assert host.tasks.task_count() == 0
    assert host.tasks.GetLifetimeCounts() == {
        TaskStatus.COMPLETED: 1, TaskStatus.FAILED: 1, TaskStatus.CANCELLED: 1,
        TaskStatus.TIMEOUT: 1}


def test_clearing_by_hand_keeps_lifetime_counts_and_a_copy_is_returned(host: Host) -> None:
    wait_for_tasks(host, host.tasks.Run([ok() for _ in range(5)]))  # type: ignore[arg-type]
    counts = host.tasks.GetLifetimeCounts()
    counts[TaskStatus.COMPLETED] = 99  # a copy: the manager's count is untouched
    assert host.tasks.Clearfinished() == 5
    assert host.tasks.GetLifetimeCounts()[TaskStatus.COMPLETED] == 5
    host.tasks.Run(slow())
    host.step()
    assert host.tasks.Clearall() == 1
    host.step()
    assert host.tasks.GetLifetimeCounts()[TaskStatus.CANCELLED] == 1
