"""Task listeners: ``add_task_listener`` (a `TaskRow` per status change) and
``add_task_change_listener`` (the transition alone, no row built), told the same
changes in the same order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from asyncio_comp.status import TaskStatus
from host import Host


async def _child() -> str:
    await asyncio.sleep(0)
    return "child"


async def _parent(host: Host) -> None:
    host.tasks.Run(_child(), description="child")
    await asyncio.sleep(0)


async def _fails() -> None:
    await asyncio.sleep(0)
    raise ValueError("no good")


async def _forever() -> None:
    await asyncio.sleep(3600)


def test_a_change_listener_hears_each_transition_as_the_row_listener_does(host: Host) -> None:
    rows: list[tuple[int, TaskStatus, str, int | None, str | None]] = []
    changes: list[tuple[int, TaskStatus, str, int | None, str | None]] = []

    def on_row(row: Any) -> None:
        rows.append((row.task_id, row.status, row.description, row.parent_id, row.error))

    def on_change(task_id: int, status: TaskStatus, description: str,
                  parent_id: int | None, error: str | None) -> None:
        changes.append((task_id, status, description, parent_id, error))

    host.tasks.add_task_listener(on_row)
    host.tasks.add_task_change_listener(on_change)
    parent = host.tasks.Run(_parent(host), description="parent")
    failing = host.tasks.Run(_fails(), description="fails")
    cancelled = host.tasks.Run(_forever(), description="forever")
    host.step(3)
    assert host.tasks.CancelTask(cancelled)
    host.step(2)
    assert changes == rows
    child = parent + 3  # submitted by the parent's first step, after the three above
    assert (parent, TaskStatus.PENDING, "parent", None, None) in changes
    assert (child, TaskStatus.PENDING, "child", parent, None) in changes
    assert (child, TaskStatus.COMPLETED, "child", parent, None) in changes
    assert (failing, TaskStatus.FAILED, "fails", None, "ValueError: no good") in changes
    assert [status for task_id, status, *_ in changes if task_id == cancelled] == [
        TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.CANCELLED]


def test_a_removed_change_listener_hears_nothing_more(host: Host) -> None:
    heard: list[TaskStatus] = []

    def on_change(task_id: int, status: TaskStatus, *rest: Any) -> None:
        heard.append(status)

    host.tasks.add_task_change_listener(on_change)
    host.tasks.Run(_child())
    host.step(2)
    assert heard == [TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.COMPLETED]
    assert host.tasks.remove_task_listener(on_change)
    assert not host.tasks.remove_task_listener(on_change)
    host.tasks.Run(_child())
    host.step(2)
    assert len(heard) == 3
    # With nobody listening the common ending is batched again: still counted.
    assert host.tasks.GetLifetimeCounts()[TaskStatus.COMPLETED] == 2


def test_a_change_listener_must_be_callable(host: Host) -> None:
    with pytest.raises(TypeError, match=r"add_task_change_listener\(\) expected a callable "
                                        r"taking \(task_id, status, description, parent_id, "
                                        r"error\), got 'trace'"):
        host.tasks.add_task_change_listener("trace")  # type: ignore[arg-type]


def test_a_listener_added_twice_is_told_twice_and_removed_one_at_a_time(host: Host) -> None:
    # As gc.callbacks (a list): each add is one registration, each remove takes one.
    heard: list[TaskStatus] = []

    def on_change(task_id: int, status: TaskStatus, *rest: Any) -> None:
        heard.append(status)

    host.tasks.add_task_change_listener(on_change)
    host.tasks.add_task_change_listener(on_change)
    host.tasks.Run(_child())
    host.step(2)
    assert heard == [TaskStatus.PENDING] * 2 + [TaskStatus.RUNNING] * 2 + [
        TaskStatus.COMPLETED] * 2
    assert host.tasks.remove_task_listener(on_change)
    heard.clear()
    host.tasks.Run(_child())
    host.step(2)
    assert heard == [TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.COMPLETED]
    assert host.tasks.remove_task_listener(on_change)
    assert not host.tasks.remove_task_listener(on_change)
    heard.clear()
    host.tasks.Run(_child())
    host.step(2)
    assert heard == []


def test_one_function_added_as_both_kinds_is_removed_one_registration_at_a_time(
        host: Host) -> None:
    # Each remove takes the oldest registration, whichever kind it was; after as many
    # removes as adds nothing is told, and a further remove says it was not listening.
    heard: list[str] = []

    def both(*args: Any) -> None:
        heard.append("row" if len(args) == 1 else "change")

    host.tasks.add_task_listener(both)
    host.tasks.add_task_change_listener(both)
    host.tasks.Run(_child())
    host.step(2)
    assert heard == ["row", "change"] * 3
    assert host.tasks.remove_task_listener(both)  # the row registration, added first
    heard.clear()
    host.tasks.Run(_child())
    host.step(2)
    assert heard == ["change"] * 3
    assert host.tasks.remove_task_listener(both)
    assert not host.tasks.remove_task_listener(both)
    heard.clear()
    host.tasks.Run(_child())
    host.step(2)
    assert heard == []
