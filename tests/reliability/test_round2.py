"""Reliability round 2 (issue 14): every task ends exactly once with its real error,
whatever its exception's ``__str__`` does; the books balance whatever lands where."""

from __future__ import annotations

import asyncio
import logging

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text")


class NotText(Exception):
    def __str__(self) -> str:
        return 42  # type: ignore[return-value]


@pytest.mark.parametrize(("exc_type", "why"), [(Unprintable, "RuntimeError"),
                                                (NotText, "TypeError")])
def test_an_exception_whose_str_fails_still_ends_its_task_failed(
        host: Host, exc_type: type[Exception], why: str) -> None:
    outcomes: list[TaskOutcome] = []

    async def fail() -> None:
        await asyncio.sleep(0)
        raise exc_type

    task_id = host.tasks.Run(fail(), completion_callback=outcomes.append)
    host.step(3)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.FAILED
    assert info["error"] == f"{exc_type.__name__}: <str() failed: {why}>"
    assert len(outcomes) == 1 and isinstance(outcomes[0].exception, exc_type)
    assert host.asyncio_comp.task_table[1, "status"].val == "failed"
    host.step(120)  # never relabelled later
    assert host.tasks.GetTaskInfo(task_id)["status"] is TaskStatus.FAILED  # type: ignore[index]


def test_a_callback_raising_an_unprintable_error_is_logged_in_one_record(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    def callback(outcome: TaskOutcome) -> None:
        raise Unprintable

    async def work() -> int:
        return 1

    with caplog.at_level(logging.ERROR):
        host.tasks.Run(work(), completion_callback=callback)
        host.step(2)
    assert host.stats.callback_errors == 1
    messages = [r.getMessage() for r in caplog.records]
    assert any("raised Unprintable: <str() failed>" in m for m in messages), messages
