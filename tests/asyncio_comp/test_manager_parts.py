"""The three parts AsyncIOManager delegates to, each seen through what it owns:
the registry's counts and Clear After queue, a task's stop state through its
lifecycle, the loop runner's shutdown; and the running task's handle."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from asyncio_comp import TaskHandle, TaskStatus, current_task, current_task_id, report_progress
from asyncio_comp.lifecycle import CANCEL_GRACE_SECONDS
from asyncio_comp.records import TaskRecord
from asyncio_comp.registry import TaskRegistry
from asyncio_comp.status import StopState
from asyncio_comp.table_sync import TaskTableSync
from host import Host, HostCore, TableDAT


async def nap(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "rested"


def _record(task_id: int, created_at: float = 0.0) -> TaskRecord:
    coro = nap(0)
    coro.close()  # never run: the registry only books it
    return TaskRecord(task_id, coro, f"t{task_id}", None, None, None, created_at)


@pytest.fixture
def registry() -> Iterator[TaskRegistry]:
    core = HostCore(realtime=False)
    dat = core.root.create(TableDAT, "table")
    yield TaskRegistry(TaskTableSync(dat, core.time))
    core.close()


def test_the_registry_counts_each_move_and_ages_finished_tasks_out(
        registry: TaskRegistry) -> None:
    records = [_record(registry.next_id()) for _ in range(3)]
    for rec in records:
        registry.add(rec)
    registry.follow_pending(records)  # the lifecycle's admission queue, in production
    assert [r.task_id for r in records] == [1, 2, 3]
    assert registry.counts()[TaskStatus.PENDING] == 3 and registry.active_count() == 3
    first, second, _ = records
    first.transition(TaskStatus.RUNNING, 0.0)
    registry.moved(first, TaskStatus.PENDING)
    first.transition(TaskStatus.COMPLETED, 1.0)
    registry.moved(first, TaskStatus.RUNNING)
    second.transition(TaskStatus.CANCELLED, 2.0)
    registry.moved(second, TaskStatus.PENDING)
    counts = registry.counts()
    assert (counts[TaskStatus.PENDING], counts[TaskStatus.COMPLETED],
            counts[TaskStatus.CANCELLED]) == (1, 1, 1)
    assert [row.task_id for row in registry.ordered(0, None)] == [3, 2, 1]
    registry.clear_aged(now=11.0, clear_after=10.0)  # only the first ended 10 s ago
    assert [rec.task_id for rec in registry.records()] == [2, 3]
    assert registry.forget_finished() == 1 and len(registry) == 1


def test_a_swallowed_cancellation_moves_the_stop_state_asked_then_detached(
        host: Host) -> None:
    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                pass

    task_id = host.tasks.Run(stubborn())
    host.step()
    rec = host.tasks.registry.get(task_id)
    assert rec is not None and rec.stop is StopState.NOT_ASKED
    host.tasks.CancelTask(task_id)
    assert rec.stop is StopState.ASKED and rec.status is TaskStatus.RUNNING
    host.step(round(CANCEL_GRACE_SECONDS * host.fps) + 1)
    assert rec.stop is StopState.DETACHED and rec.status is TaskStatus.CANCELLED
    assert host.tasks.swallowed_cancellations == 1


def test_the_loop_runner_closes_the_loop_and_every_task_on_it() -> None:
    host = Host(realtime=False)
    loop = host.loop
    stray = loop.create_task(nap(3600))  # not tracked: asyncio.run() would cancel it
    host.tasks.Run(nap(3600))
    host.step()
    host.close()
    assert loop.is_closed() and stray.cancelled()


def test_the_running_task_reads_its_own_handle_and_updates_its_progress(host: Host) -> None:
    seen: list[tuple[int, int | None, str]] = []

    async def work() -> None:
        task = current_task()
        seen.append((task.task_id, current_task_id(), task.description))
        task.update(progress=0.25)
        await asyncio.sleep(0.5)
        report_progress(0.75)  # the convenience: same handle
        await asyncio.sleep(3600)

    task_id = host.tasks.Run(work(), description="work")
    host.step()
    assert seen == [(task_id, task_id, "work")]
    row = host.tasks.row(task_id)
    assert row is not None and row.progress == 0.25
    host.step(31)
    row = host.tasks.row(task_id)
    assert row is not None and row.progress == 0.75


def test_a_handle_refuses_a_bad_progress_and_ignores_updates_after_the_end(
        host: Host) -> None:
    handles: list[TaskHandle] = []

    async def work() -> None:
        handles.append(current_task())

    task_id = host.tasks.Run(work())
    host.step(2)
    handle = handles[0]
    with pytest.raises(ValueError, match=r"update\(\) expected progress as a fraction "
                                         r"from 0 to 1, got 1\.5"):
        handle.update(progress=1.5)
    handle.update(progress=0.5)  # ended: nothing changes
    row = host.tasks.row(task_id)
    assert row is not None and row.status is TaskStatus.COMPLETED and row.progress is None
    assert repr(handle) == f"<TaskHandle task {task_id} completed>"


def test_current_task_outside_a_task_says_how_to_get_one() -> None:
    with pytest.raises(RuntimeError, match=r"current_task\(\) must be called from a task "
                                           r"started with Run\(\)"):
        current_task()
    assert current_task_id() is None
