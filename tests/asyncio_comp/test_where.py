"""AsyncIOManager.where(): the await chain of a waiting task, outermost first."""

from __future__ import annotations

import asyncio
import re
import threading

import pytest

from asyncio_comp import WorkerStatus
from host import Host


async def _nap() -> None:
    await asyncio.sleep(0.5)


async def _outer() -> None:
    await _nap()


def test_where_names_both_functions_and_the_sleep(host: Host) -> None:
    task_id = host.tasks.Run(_outer(), description="napper")
    host.step(3)
    chain = host.tasks.where(task_id)
    assert len(chain) == 4, chain
    assert chain[0].endswith("in _outer") and "test_where.py:" in chain[0]
    assert chain[1].endswith("in _nap") and "test_where.py:" in chain[1]
    assert re.fullmatch(r"asyncio/tasks\.py:\d+ in sleep", chain[2])
    # Frame 3 is at host time 2/60; the sleep began in frame 1 or 2 and wakes at 0.5 s after.
    assert chain[3].startswith("asyncio.sleep(0.5): wakes at 0.5")
    assert "host time" in chain[3]


def test_where_line_numbers_point_at_the_awaits(host: Host) -> None:
    task_id = host.tasks.Run(_outer())
    host.step(2)
    chain = host.tasks.where(task_id)
    assert int(chain[0].split(":")[1].split()[0]) == _outer.__code__.co_firstlineno + 1
    assert int(chain[1].split(":")[1].split()[0]) == _nap.__code__.co_firstlineno + 1


def test_where_is_empty_when_not_waiting(host: Host) -> None:
    task_id = host.tasks.Run(_outer())
    assert host.tasks.where(task_id) == []  # pending: not started
    host.step(40)
    assert host.tasks.GetTaskInfo(task_id)["status"] == "completed"
    assert host.tasks.where(task_id) == []  # ended
    assert host.tasks.where(10_000) == []  # unknown


def test_where_from_inside_the_task_itself_is_empty(host: Host) -> None:
    seen: list[list[str]] = []

    async def asks() -> None:
        seen.append(host.tasks.where(own))
        await asyncio.sleep(0)

    own = host.tasks.Run(asks())
    host.step(2)
    assert seen == [[]]


def test_where_names_an_untracked_task_it_awaits(host: Host) -> None:
    async def spawns() -> None:
        await asyncio.ensure_future(asyncio.sleep(10))

    task_id = host.tasks.Run(spawns(), description="spawner")
    host.step(2)
    chain = host.tasks.where(task_id)
    assert chain[0].endswith("in spawns")
    assert re.fullmatch(r"asyncio task 'Task-\d+' running sleep", chain[-1])


def test_where_names_a_tracked_task_by_id_and_description(host: Host) -> None:
    tasks = host.tasks
    inner_id = tasks.Run(asyncio.sleep(10), description="the inner one")

    async def awaits_tracked() -> None:
        rec_task = next(t for t in asyncio.all_tasks() if t.get_name() == "the inner one")
        await rec_task

    outer_id = tasks.Run(awaits_tracked())
    host.step(2)
    assert tasks.where(outer_id)[-1] == f"task {inner_id} (the inner one)"


def test_where_names_a_future_and_a_gather(host: Host) -> None:
    tasks = host.tasks
    future: asyncio.Future[None] = host.loop.create_future()

    async def on_future() -> None:
        await future

    async def on_gather() -> None:
        await asyncio.gather(asyncio.sleep(5), asyncio.sleep(6))

    fid = tasks.Run(on_future())
    gid = tasks.Run(on_gather())
    host.step(2)
    assert tasks.where(fid)[-1].startswith("<Future pending")
    assert tasks.where(gid)[-1] == "asyncio.gather of 2 awaitables (0 done)"
    future.set_result(None)


def test_where_names_a_worker_job(host: Host) -> None:
    gate = threading.Event()
    worker = host.create_worker("W")
    job = worker.submit(gate.wait, 5.0, description="slow job")

    async def awaits_job() -> None:
        await job

    task_id = host.tasks.Run(awaits_job())
    host.run(until=lambda: job.get_status() >= WorkerStatus.RUNNING, frames=500)
    host.step(1)
    chain = host.tasks.where(task_id)
    assert chain[-2].endswith("in __await__")
    assert chain[-1] == f"worker job {job.id} (slow job), running"
    gate.set()
    host.run(until=lambda: host.tasks.GetTaskInfo(task_id)["status"] == "completed", frames=500)


def test_where_rejects_a_non_int(host: Host) -> None:
    with pytest.raises(TypeError, match=r"where\(\) expected a task id \(int\), got '3'"):
        host.tasks.where("3")  # type: ignore[arg-type]
