"""What views read each frame — counts and the top of the view order — is kept as
tasks change, so reading it costs the same with 100 tasks or 100k."""

from __future__ import annotations

import asyncio

import pytest

from asyncio_comp import TaskStatus
from host import Host


async def sleep_for(seconds: float) -> None:
    await asyncio.sleep(seconds)


def test_active_newest_first_then_the_latest_to_finish(host: Host) -> None:
    # ids 1..4: 1 ends at 0.1 s, 3 at 0.05 s, 2 and 4 keep running.
    first = host.tasks.Run(sleep_for(0.1))
    second = host.tasks.Run(sleep_for(3600))
    third = host.tasks.Run(sleep_for(0.05))
    fourth = host.tasks.Run(sleep_for(3600))
    host.step(12)
    order = [row.task_id for row in host.tasks.ordered_rows()]
    assert order == [fourth, second, first, third]
    assert [row.task_id for row in host.tasks.ordered_rows(1, 2)] == [second, first]
    assert host.tasks.ordered_rows(10, 5) == []


def test_reading_the_top_rows_touches_only_those_tasks(host: Host) -> None:
    host.tasks.Run([sleep_for(3600) for _ in range(5000)])
    host.step(2)
    rows = host.tasks.ordered_rows(0, 40)
    assert [r.task_id for r in rows] == list(range(5000, 4960, -1))
    records = host.asyncio_comp.manager.registry.records()
    assert sum(rec._row is not None for rec in records) == 40  # rows built lazily


def test_counts_follow_every_change(host: Host) -> None:
    ids = host.tasks.Run([sleep_for(0.1) for _ in range(3)])
    assert isinstance(ids, list)
    assert host.tasks.counts()[TaskStatus.PENDING] == 3
    host.step()
    assert host.tasks.counts()[TaskStatus.RUNNING] == 3
    host.tasks.CancelTask(ids[0])
    host.step(10)
    counts = host.tasks.counts()
    assert (counts[TaskStatus.CANCELLED], counts[TaskStatus.COMPLETED]) == (1, 2)
    host.tasks.Clearfinished()
    assert sum(host.tasks.counts().values()) == 0


@pytest.mark.parametrize("first, count", [(-1, 3), (0, -2)])
def test_bad_window_is_rejected(host: Host, first: int, count: int) -> None:
    with pytest.raises(ValueError, match=r"ordered_rows\(\) expected first >= 0"):
        host.tasks.ordered_rows(first, count)
