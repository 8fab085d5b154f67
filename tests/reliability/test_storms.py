"""Storms: many tasks at once, and a long stream of them, lose nothing and keep nothing.

The goal is 1M tasks through with a small Clear After; the test runs 100k
(under ~10 s) and checks what would make 1M fail: the registry, the table and the
traced heap must stay flat while tasks stream through.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from collections import Counter

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host


async def forever() -> None:
    await asyncio.sleep(3600)


async def tiny(i: int) -> int:
    return i


@pytest.fixture(autouse=True)
def _without_debug_mode(host: Host) -> None:
    """Thousands of tasks: under -X dev (asyncio's debug mode on every loop) each records
    the stack it was made from, minutes a test; what is tested is volume, not debug mode."""
    host.loop.set_debug(False)


def table_rows(host: Host) -> list[tuple[int, str]]:
    values = host.asyncio_comp.task_table.values()
    assert values[0][:2] == ["task_id", "status"]
    return [(int(row[0]), row[1]) for row in values[1:]]


def registry_rows(host: Host) -> list[tuple[int, str]]:
    return [(info["task_id"], info["status"].value) for info in host.tasks.GetAllTasksInfo()]


def test_10k_tasks_cancelled_at_once_all_end_cancelled_with_one_callback_each(
        host: Host) -> None:
    count = 10_000
    calls: Counter[int] = Counter()
    statuses: dict[int, TaskStatus] = {}

    def callback(outcome: TaskOutcome) -> None:
        calls[outcome.task_id] += 1
        statuses[outcome.task_id] = outcome.status

    ids = host.tasks.Run([forever() for _ in range(count)], completion_callback=callback)
    assert isinstance(ids, list)
    host.step(2)
    counts = host.tasks.counts()
    assert counts[TaskStatus.PENDING] + counts[TaskStatus.RUNNING] == count
    assert host.tasks.Cancelactive() == count
    assert host.tasks.Cancelactive() == 0  # asking twice asks nobody new
    host.run(until=lambda: host.tasks.GetActiveTasksCount() == 0, frames=100)
    host.step()
    assert host.tasks.GetActiveTasksCount() == 0
    assert set(calls) == set(ids) and set(calls.values()) == {1}
    assert set(statuses.values()) == {TaskStatus.CANCELLED}
    assert host.tasks.counts()[TaskStatus.CANCELLED] == count
    assert table_rows(host) == registry_rows(host)
    assert {status for _, status in table_rows(host)} == {"cancelled"}
    host.step(5)
    assert sum(calls.values()) == count


@pytest.mark.timeout(900)  # a hang guard for a million tasks on a loaded machine
def test_1m_tasks_stream_through_with_a_small_clear_after_and_stay_bounded(
        host: Host) -> None:
    comp = host.asyncio_comp
    # Not a test of blocking detection: on a loaded machine a step can be descheduled
    # past the threshold, and each report (and its log record) would count as growth.
    host.tasks.blocking_threshold = 3600.0
    comp.par.Clearafter = 0.05  # three frames at 60 fps
    comp.par.Framebudget = 1000.0  # drain each frame's batch within the frame
    per_frame = 1_000
    keep_frames = 3 + 2
    bound = per_frame * keep_frames
    done = Counter[str]()

    def callback(outcome: TaskOutcome) -> None:
        done[outcome.status.value] += 1

    def stream(batches: int) -> None:
        for _ in range(batches):
            host.tasks.Run([tiny(i) for i in range(per_frame)], completion_callback=callback)
            host.step()
            assert host.tasks.task_count() <= bound
            assert comp.task_table.numRows == host.tasks.task_count() + 1

    # Long-running neighbours: ended short tasks queue up behind them for duration
    # ticks (this is where the table's tick queue once leaked every short task).
    sleepers = host.tasks.Run([forever() for _ in range(100)], completion_callback=callback)
    bound += 100
    stream(40)  # warm up: dicts, deques and free lists reach their working size
    stream(900)  # the bulk of the million, bounded at every frame
    gc.collect()
    tracemalloc.start()
    try:
        stream(15)
        gc.collect()
        first = tracemalloc.get_traced_memory()[0]
        stream(15)
        gc.collect()
        second = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    stream(30)
    assert isinstance(sleepers, list)
    for task_id in sleepers:
        host.tasks.CancelTask(task_id)
    host.step(10)
    assert done == {"completed": 1000 * per_frame, "cancelled": 100}
    assert host.tasks.task_count() == 0
    assert comp.task_table.numRows == 1
    # Flat: the second 15k tasks left no more behind than the first 15k did.
    assert second - first < 64 * 1024, f"heap grew {second - first} bytes over 15k tasks"
