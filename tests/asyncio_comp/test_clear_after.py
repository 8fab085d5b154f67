"""Clear After removes a finished task at exactly that age, counted in frames."""

from __future__ import annotations

import asyncio
import sys

import pytest

from asyncio_comp import TaskStatus
from host import Host


async def sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


def table_ids(host: Host) -> list[str]:
    return [row[0] for row in host.asyncio_comp.task_table.values()[1:]]


def test_default_clear_after_is_60_seconds(host: Host) -> None:
    assert host.asyncio_comp.par.Clearafter.eval() == 60.0


def test_clear_after_exact_frame(host: Host) -> None:
    host.asyncio_comp.par.Clearafter = 1.0
    task_id = host.tasks.Run(sleep(0))
    host.step()
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.COMPLETED
    assert info["completed_at"] == 0.0  # frame 1
    # 1.0 s after frame 1 is frame 61: still there at the end of frame 60.
    host.step(59)
    assert host.frame == 60
    assert host.tasks.GetTaskInfo(task_id) is not None
    assert table_ids(host) == [str(task_id)]
    host.step()
    assert host.frame == 61 and host.seconds == 1.0
    assert host.tasks.GetTaskInfo(task_id) is None
    assert table_ids(host) == []
    assert host.tasks.GetAllTasksInfo() == []


def test_clear_after_counts_from_completion_not_submission(host: Host) -> None:
    host.asyncio_comp.par.Clearafter = 0.5
    task_id = host.tasks.Run(sleep(0.25))  # completes on frame 16 (0.25 s)
    host.step(16)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["completed_at"] == pytest.approx(0.25)
    host.step(29)  # frame 45, 0.7333 s
    assert host.tasks.GetTaskInfo(task_id) is not None
    host.step()  # frame 46, 0.75 s
    assert host.tasks.GetTaskInfo(task_id) is None


def test_running_tasks_are_never_cleared(host: Host) -> None:
    host.asyncio_comp.par.Clearafter = 0.0
    task_id = host.tasks.Run(sleep(3600))
    host.step(120)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.RUNNING


def test_clear_after_zero_removes_in_the_ending_frame_but_callback_fires(host: Host) -> None:
    host.asyncio_comp.par.Clearafter = 0.0
    fired: list[TaskStatus] = []
    task_id = host.tasks.Run(sleep(0), completion_callback=lambda o: fired.append(o.status))
    host.step()
    assert fired == [TaskStatus.COMPLETED]
    assert host.tasks.GetTaskInfo(task_id) is None
    assert table_ids(host) == []


def test_every_ending_is_cleared(host: Host) -> None:
    host.asyncio_comp.par.Clearafter = 0.5

    async def fail() -> None:
        raise RuntimeError("x")

    ids = [
        host.tasks.Run(sleep(0)),
        host.tasks.Run(fail()),
        host.tasks.Run(sleep(10), timeout=0.1),
        host.tasks.Run(sleep(10)),
    ]
    host.step()
    host.tasks.CancelTask(ids[3])
    host.step(10)
    statuses = {info["status"] for info in host.tasks.GetAllTasksInfo()}
    assert statuses == {TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.TIMEOUT,
                        TaskStatus.CANCELLED}
    host.step(60)
    assert host.tasks.GetAllTasksInfo() == []
    assert table_ids(host) == []


def test_lowering_clear_after_applies_to_already_finished_tasks(host: Host) -> None:
    task_id = host.tasks.Run(sleep(0))
    host.step(60)  # 59/60 s old, default Clear After is 60 s
    assert host.tasks.GetTaskInfo(task_id) is not None
    host.asyncio_comp.par.Clearafter = 0.5
    host.step()
    assert host.tasks.GetTaskInfo(task_id) is None


def test_clear_after_keeps_order_of_completions(host: Host) -> None:
    host.asyncio_comp.par.Clearafter = 0.5
    first = host.tasks.Run(sleep(0))          # ends at 0.0, cleared at 0.5 (frame 31)
    second = host.tasks.Run(sleep(0.25))      # ends at 0.25, cleared at 0.75 (frame 46)
    host.step(31)
    assert host.tasks.GetTaskInfo(first) is None
    assert host.tasks.GetTaskInfo(second) is not None
    host.step(14)
    assert host.tasks.GetTaskInfo(second) is not None
    host.step()
    assert host.tasks.GetTaskInfo(second) is None


def test_an_emptied_registry_gives_its_memory_back(host: Host) -> None:
    """Dicts do not shrink as keys go: after a burst the registry's table would stay
    megabytes large on an idle host unless it is released once empty."""
    async def quick() -> None:
        return None

    manager = host.asyncio_comp.manager
    host.asyncio_comp.par.Clearafter = 0.1
    host.tasks.Run([quick() for _ in range(20_000)])
    host.run(until=lambda: host.tasks.task_count() == 0, frames=2_000)
    tasks, active = manager.registry.memory_held()
    assert sys.getsizeof(tasks) < 1_000
    assert len(active) == 0 and not list(active)
