"""TrackedCoroutine reports a task's end in the step that ended it, and leaves
asyncio nothing to complain about afterwards."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host
from td.errors import describe_error


async def fail() -> None:
    await asyncio.sleep(0)
    raise ValueError("bad input")


async def interrupted() -> None:
    await asyncio.sleep(0)
    raise KeyboardInterrupt


def test_the_record_ends_in_the_step_the_coroutine_ends(host: Host) -> None:
    """No loop iteration passes between the coroutine returning and its record
    ending: a callback queued by the step that ended it sees the record finished."""
    seen: list[TaskStatus] = []
    task_id = 0

    async def finishing() -> str:
        asyncio.get_running_loop().call_soon(
            lambda: seen.append(host.tasks.GetTaskInfo(task_id)["status"]))  # type: ignore[index]
        return "done"

    task_id = host.tasks.Run(finishing())  # type: ignore[assignment]
    host.step()
    assert seen == [TaskStatus.COMPLETED]
    assert host.tasks.GetTaskResult(task_id) == "done"


def test_a_failed_task_leaves_no_lost_exception_for_asyncio_to_log(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    outcomes: list[TaskOutcome] = []
    host.tasks.Run(fail(), completion_callback=outcomes.append)
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        host.step(2)
        host.tasks.Clearfinished()
        gc.collect()
    assert [o.status for o in outcomes] == [TaskStatus.FAILED]
    assert describe_error(outcomes[0].error) == "ValueError: bad input"
    assert isinstance(outcomes[0].exception, ValueError)
    assert "never retrieved" not in caplog.text


def test_an_interrupted_task_leaves_no_lost_exception_for_asyncio_to_log(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    task_id = host.tasks.Run(interrupted())
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        try:
            host.step(2)
        except KeyboardInterrupt:
            pass  # not kept: its traceback would keep the carrier task alive
        else:
            pytest.fail("the KeyboardInterrupt did not reach host.step()")
        host.step(2)
        assert host.tasks.GetTaskInfo(task_id)["status"] is TaskStatus.FAILED  # type: ignore[index]
        host.tasks.Clearfinished()  # the record kept the exception, and so the task
        gc.collect()
    assert "never retrieved" not in caplog.text


def test_a_cancelled_carrier_task_is_cancelled_as_asyncio_expects(host: Host) -> None:
    carriers: list[asyncio.Task[object]] = []

    async def forever() -> None:
        carriers.append(asyncio.current_task())  # type: ignore[arg-type]
        await asyncio.sleep(3600)

    task_id = host.tasks.Run(forever())
    host.step()
    host.tasks.CancelTask(task_id)
    host.step()
    assert host.tasks.GetTaskInfo(task_id)["status"] is TaskStatus.CANCELLED  # type: ignore[index]
    assert carriers[0].cancelled()
