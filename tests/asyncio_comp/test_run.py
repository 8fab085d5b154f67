"""Run and the query methods, as LOPs code calls them."""

from __future__ import annotations

import asyncio

import pytest

from asyncio_comp import AsyncIOManager, TaskStatus
from host import Host

INFO_KEYS = {"task_id", "description", "status", "created_at", "completed_at", "timeout",
             "error", "has_result", "info", "parent_id", "owner"}


async def value(v: object) -> object:
    await asyncio.sleep(0)
    return v


async def fetch_data() -> None:
    await asyncio.sleep(3600)


def test_component_lives_at_chattd(host: Host) -> None:
    comp = host.op("/ChatTD/TDAsyncIO")
    assert comp is host.asyncio_comp
    assert comp.ext.AsyncIOManager is host.tasks
    assert isinstance(host.tasks, AsyncIOManager)
    assert host.op("/ChatTD/TDAsyncIO/task_table") is comp.task_table


def test_run_through_the_extension_like_lops_code(host: Host) -> None:
    comp = host.op("/ChatTD/TDAsyncIO")
    assert comp is not None
    task_id = comp.ext.AsyncIOManager.Run(value("x"), description="via ext")
    host.step(2)
    assert comp.ext.AsyncIOManager.GetTaskResult(task_id) == "x"


def test_return_shapes(host: Host) -> None:
    one = host.tasks.Run(value(1))
    list_of_one = host.tasks.Run([value(2)])
    several = host.tasks.Run([value(3), value(4), value(5)])
    tuple_of_two = host.tasks.Run((value(6), value(7)))
    assert one == 1
    assert list_of_one == 2
    assert several == [3, 4, 5]
    assert tuple_of_two == [6, 7]
    host.step(2)
    assert [host.tasks.GetTaskResult(i) for i in range(1, 8)] == [1, 2, 3, 4, 5, 6, 7]


def test_ids_grow_and_are_never_reused(host: Host) -> None:
    a = host.tasks.Run(value(0))
    host.step(2)
    host.tasks.Clearall()
    b = host.tasks.Run(value(0))
    assert isinstance(a, int) and isinstance(b, int) and b > a


def test_description_defaults_to_the_coroutine_name(host: Host) -> None:
    task_id = host.tasks.Run(fetch_data())
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["description"] == "fetch_data"


def test_get_task_info_keys_and_values(host: Host) -> None:
    host.step(5)
    task_id = host.tasks.Run(value("r"), description="d", info={"user": 3}, timeout=2)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    assert set(info) == INFO_KEYS
    assert info == {
        "task_id": task_id, "description": "d", "status": TaskStatus.PENDING,
        "created_at": pytest.approx(4 / 60), "completed_at": None, "timeout": 2.0,
        "error": None, "has_result": False, "info": {"user": 3}, "parent_id": None,
        "owner": None,
    }
    host.step(2)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    assert info["status"] is TaskStatus.COMPLETED
    assert info["completed_at"] == pytest.approx(5 / 60)
    assert info["has_result"] is True


def test_unknown_ids(host: Host) -> None:
    assert host.tasks.GetTaskInfo(12345) is None
    assert host.tasks.GetTaskResult(12345) is None
    assert host.tasks.CancelTask(12345) is False


def test_result_only_for_completed(host: Host) -> None:
    task_id = host.tasks.Run(fetch_data())
    host.step()
    assert host.tasks.GetTaskResult(task_id) is None


def test_get_all_tasks_info_oldest_first(host: Host) -> None:
    ids = host.tasks.Run([value(i) for i in range(5)])
    assert isinstance(ids, list)
    assert [i["task_id"] for i in host.tasks.GetAllTasksInfo()] == ids
    assert [r.task_id for r in host.tasks.rows()] == ids


def test_active_count(host: Host) -> None:
    host.tasks.Run([fetch_data(), fetch_data(), value(1)])
    assert host.tasks.GetActiveTasksCount() == 3
    host.step(2)
    assert host.tasks.GetActiveTasksCount() == 2


def test_cancelactive_clearfinished_clearall_return_counts(host: Host) -> None:
    host.tasks.Run([fetch_data(), fetch_data(), value(1)])
    host.step(2)
    assert host.tasks.Cancelactive() == 2
    host.step()
    assert host.tasks.Cancelactive() == 0
    assert host.tasks.Clearfinished() == 3
    assert host.tasks.GetAllTasksInfo() == []
    host.tasks.Run([fetch_data(), value(2)])
    host.step(2)
    assert host.tasks.Clearall() == 2
    assert host.tasks.GetAllTasksInfo() == []
    host.step()
    assert host.tasks.GetActiveTasksCount() == 0


@pytest.mark.parametrize("pulse", ["Cancelactive", "Clearfinished", "Clearall"])
def test_pulses(host: Host, pulse: str) -> None:
    running = host.tasks.Run(fetch_data())
    finished = host.tasks.Run(value(1))
    host.step(2)
    getattr(host.asyncio_comp.par, pulse).pulse()
    host.step()
    statuses = {i["task_id"]: i["status"] for i in host.tasks.GetAllTasksInfo()}
    expected = {
        "Cancelactive": {running: TaskStatus.CANCELLED, finished: TaskStatus.COMPLETED},
        "Clearfinished": {running: TaskStatus.RUNNING},
        "Clearall": {},
    }[pulse]
    assert statuses == expected
    rows = host.asyncio_comp.task_table.values()[1:]
    assert {int(r[0]): r[1] for r in rows} == {k: v.value for k, v in expected.items()}


def test_active_off_pauses_stepping(host: Host) -> None:
    ticks: list[int] = []

    async def ticker() -> None:
        while True:
            ticks.append(host.frame)
            await host.next_frame()

    task_id = host.tasks.Run(ticker())
    host.step(3)
    assert ticks == [1, 2, 3]
    host.asyncio_comp.par.Active = False
    host.step(3)
    assert ticks == [1, 2, 3]
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.RUNNING
    host.asyncio_comp.par.Active = True
    host.step()
    assert ticks[-1] == 7


def test_report_progress_shows_in_table(host: Host) -> None:
    from asyncio_comp import current_task_id, report_progress

    seen: list[int | None] = []

    async def worker() -> None:
        seen.append(current_task_id())
        report_progress(0.25)
        await asyncio.sleep(3600)

    task_id = host.tasks.Run(worker())
    host.step()
    assert seen == [task_id]
    assert host.asyncio_comp.task_table[1, "progress"].val == "0.25"
    assert [r.progress for r in host.tasks.rows()] == [0.25]
    with pytest.raises(RuntimeError, match=r"must be called from a task started with Run"):
        report_progress(0.5)
    with pytest.raises(ValueError, match=r"fraction from 0 to 1, got 1.5"):
        report_progress(1.5)
