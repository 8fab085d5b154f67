"""LOPs semantics where framehost used to differ: timeout=0 means no timeout, and a
description that is not a string is shown as str(description)."""

from __future__ import annotations

import asyncio

from asyncio_comp import TaskStatus
from host import Host


async def forever() -> None:
    await asyncio.sleep(3600)


def test_a_non_string_description_is_shown_as_its_str(host: Host) -> None:
    class Job:
        def __str__(self) -> str:
            return "job #7"

    first = host.tasks.Run(forever(), description=7)
    second = host.tasks.Run(forever(), description=Job())  # type: ignore[arg-type]
    host.step(1)
    assert [host.tasks.GetTaskInfo(i)["description"] for i in (first, second)] == [  # type: ignore[index]
        "7", "job #7"]
    table = host.asyncio_comp.task_table
    assert table[str(first), "description"] == "7"
    assert table[str(second), "description"] == "job #7"


def test_timeout_zero_or_none_never_ends_the_task_but_a_small_one_does(host: Host) -> None:
    zero = host.tasks.Run(forever(), timeout=0)
    none = host.tasks.Run(forever(), timeout=None)
    tiny = host.tasks.Run(forever(), timeout=0.01)
    host.step(120)
    statuses = [host.tasks.GetTaskInfo(i)["status"] for i in (zero, none, tiny)]  # type: ignore[index]
    assert statuses == [TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.TIMEOUT]
