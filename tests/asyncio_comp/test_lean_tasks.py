"""Leaner tasks, by counting: GC-tracked objects per running task, and
report_progress() still finding its task without a per-task context variable."""

from __future__ import annotations

import asyncio
import gc
import types
import weakref

import pytest

from asyncio_comp import TaskStatus, current_task_id, report_progress
from asyncio_comp.records import TaskRecord
from bench import heavy, memory
from host import Host

N = 500


def _tracked_objects_per_task(host: Host) -> float:
    # Debug mode (-X dev starts loops in it) keeps a creation traceback per task and
    # handle; what is counted is the cost without it, against raw asyncio without it.
    host.loop.set_debug(False)
    gate: asyncio.Future[None] = host.loop.create_future()

    async def idle() -> None:
        await gate

    host.step(2)
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(N):
        host.tasks.Run(idle())
    host.run(until=lambda: host.tasks.counts()[TaskStatus.PENDING] == 0, frames=1_000)
    gc.collect()
    per_task = (len(gc.get_objects()) - before) / N
    gate.cancel()
    host.step(2)
    return per_task


def test_a_running_task_costs_at_most_three_gc_objects_more_than_raw_asyncio(
        host: Host) -> None:
    tracked, raw = _tracked_objects_per_task(host), heavy.raw_objects_per_task(N)
    assert tracked <= raw + 3, (tracked, raw)


def test_the_record_is_the_coroutine_its_task_runs(host: Host) -> None:
    seen: list[object] = []

    async def probe() -> None:
        task = asyncio.current_task()
        assert task is not None
        seen.append(task.get_coro())

    task_id = host.tasks.Run(probe())
    host.step()
    assert len(seen) == 1 and getattr(seen[0], "task_id", None) == task_id


def test_progress_from_a_child_task_counts_for_its_parent(host: Host) -> None:
    ids: list[int | None] = []

    async def child(fraction: float) -> None:
        ids.append(current_task_id())
        report_progress(fraction)

    async def nested() -> None:
        await asyncio.create_task(child(0.75))

    async def parent() -> None:
        await asyncio.gather(child(0.25))
        await asyncio.get_running_loop().create_task(nested())
        await asyncio.sleep(3600)

    task_id = host.tasks.Run(parent())
    host.step(2)
    assert ids == [task_id, task_id]
    row = host.tasks.row(task_id)
    assert row is not None and row.progress == 0.75


def test_progress_outside_a_tracked_task_is_refused(host: Host) -> None:
    errors: list[str] = []

    async def plain() -> None:
        try:
            report_progress(0.5)
        except RuntimeError as exc:
            errors.append(str(exc))

    host.loop.create_task(plain())
    host.step()
    assert errors == ["report_progress() must be called from a task started with Run()"]
    assert current_task_id() is None


def test_a_detached_task_keeps_running_its_coroutine_until_it_ends(host: Host) -> None:
    """Marked ended after its cancel grace, the task still runs its coroutine through
    the record (the record is what the asyncio task runs), until it really ends."""
    ticks: list[int] = []
    release = host.loop.create_future()

    async def stubborn() -> str:
        while True:
            try:
                await asyncio.sleep(0.1)
            except asyncio.CancelledError:
                continue  # swallows every cancellation
            ticks.append(host.frame)
            if release.done():
                return "late"

    task_id = host.tasks.Run(stubborn())
    host.step()
    assert host.tasks.CancelTask(task_id)
    host.step(75)  # past the 1 s grace: marked cancelled and detached
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.CANCELLED
    before = len(ticks)
    host.step(12)
    assert len(ticks) > before  # still resumed, through its record
    release.set_result(None)
    host.step(12)
    assert not [t for t in asyncio.all_tasks(host.loop) if not t.done()]


@pytest.mark.parametrize("n", [3_000, 20_000])
def test_a_running_task_costs_at_most_1_3_times_the_memory_of_a_raw_task(n: int) -> None:
    # Traced bytes of n idle tasks, each side in a fresh interpreter (asyncio's
    # process-wide WeakSet of tasks never shrinks: a second side would find it grown).
    # Two sizes, as dict and set tables grow in steps and move the figure by ±5%.
    tracked, raw = memory.bytes_per_task(n), memory.raw_bytes_per_task(n)
    assert tracked <= 1.3 * raw, (tracked, raw)


def test_run_does_not_make_a_frame_object_for_the_coroutine(host: Host) -> None:
    # Reading ``cr_frame`` to see whether a coroutine was closed makes one on
    # Python 3.11, and it lives as long as the coroutine (152 bytes a task).
    gate: asyncio.Future[None] = host.loop.create_future()

    async def idle() -> None:
        await gate

    coro = idle()
    host.tasks.Run(coro)
    assert not any(type(o) is types.FrameType for o in gc.get_referents(coro))
    gate.cancel()
    host.step(2)


def test_a_closed_host_and_its_records_can_be_collected() -> None:
    # asyncio caches every coroutine type it meets (``iscoroutine``'s type cache)
    # for the life of the process: nothing reachable from a record's class may hold
    # a component, or every host and all its records stay alive after close.
    outcomes: list[object] = []

    async def quick() -> int:
        return 1

    host = Host(fps=60.0, realtime=False)
    ids = [host.tasks.Run(quick(), completion_callback=outcomes.append) for _ in range(20)]
    host.step(3)
    assert len(outcomes) == len(ids)
    alive = weakref.ref(host)
    host.close()
    del host
    outcomes.clear()
    gc.collect()
    assert alive() is None  # (records take no weak references: no slot for one)
    assert not any(isinstance(o, TaskRecord) for o in gc.get_objects())


def test_tasks_nobody_reads_leave_nothing_per_task_in_the_table_sync(host: Host) -> None:
    gate: asyncio.Future[None] = host.loop.create_future()

    async def idle() -> None:
        await gate

    host.asyncio_comp.op("task_table").refresh()
    ids = [host.tasks.Run(idle()) for _ in range(50)]
    host.step(2)  # started, and nobody read the table
    sync = host.tasks.registry.table
    assert not sync._dirty and not sync._deleted and not sync._ids
    rows = host.asyncio_comp.op("task_table").numRows
    assert rows == 51 and [int(c.val) for c in
                           host.asyncio_comp.op("task_table").col("task_id")[1:]] == ids
    gate.cancel()
    host.step(2)
