"""Leaner tasks (issue 16), by counting: GC-tracked objects per running task, and
report_progress() still finding its task without a per-task context variable."""

from __future__ import annotations

import asyncio
import gc

from asyncio_comp import TaskStatus, current_task_id, report_progress
from host import Host

N = 500


def _tracked_objects_per_task(host: Host) -> float:
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


def _raw_objects_per_task() -> float:
    loop = asyncio.new_event_loop()
    try:
        gate: asyncio.Future[None] = loop.create_future()

        async def idle() -> None:
            await gate

        gc.collect()
        before = len(gc.get_objects())
        tasks = [loop.create_task(idle()) for _ in range(N)]
        loop.call_soon(loop.stop)
        loop.run_forever()
        gc.collect()
        per_task = (len(gc.get_objects()) - before) / N
        gate.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        return per_task
    finally:
        loop.close()


def test_a_running_task_costs_at_most_three_gc_objects_more_than_raw_asyncio(
        host: Host) -> None:
    tracked, raw = _tracked_objects_per_task(host), _raw_objects_per_task()
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
