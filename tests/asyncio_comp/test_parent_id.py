"""GetTaskInfo's parent_id: the tracked task whose code submitted a task."""

from __future__ import annotations

import asyncio

from host import Host


def test_a_task_started_from_a_task_names_its_parent(host: Host) -> None:
    tasks = host.tasks
    children: list[int] = []

    async def child() -> None:
        await asyncio.sleep(0)

    async def helper() -> None:
        children.append(tasks.Run(child(), description="child"))

    async def parent() -> None:
        await helper()  # the submitting code may be deeper than the task's own coroutine
        children.extend(tasks.Run([child(), child()], description="twins"))

    parent_id = tasks.Run(parent(), description="parent")
    host.step(3)
    assert len(children) == 3
    assert tasks.GetTaskInfo(parent_id)["parent_id"] is None
    for child_id in children:
        assert tasks.GetTaskInfo(child_id)["parent_id"] == parent_id
        row = tasks.row(child_id)
        assert row is not None and row.parent_id == parent_id


def test_a_task_started_by_a_task_the_tracked_task_spawned_names_the_tracked_one(
        host: Host) -> None:
    tasks = host.tasks
    started: list[int] = []

    async def grandchild() -> None:
        started.append(tasks.Run(asyncio.sleep(0), description="from a plain asyncio task"))

    async def parent() -> None:
        await asyncio.create_task(grandchild())

    parent_id = tasks.Run(parent())
    host.step(3)
    assert tasks.GetTaskInfo(started[0])["parent_id"] == parent_id


def test_tasks_submitted_outside_any_task_have_no_parent(host: Host) -> None:
    tasks = host.tasks
    from_callback: list[int] = []

    def callback(outcome: object) -> None:
        from_callback.append(tasks.Run(asyncio.sleep(0)))

    async def nothing() -> None:
        return None

    first = tasks.Run(nothing(), completion_callback=callback)
    host.on_frame_start(lambda h: None)
    host.step(3)
    assert tasks.GetTaskInfo(first)["parent_id"] is None
    assert tasks.GetTaskInfo(from_callback[0])["parent_id"] is None
