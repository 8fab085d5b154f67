"""Every task ends exactly once with its real error, whatever its exception's
``__str__`` does and however often it is cancelled; the books balance whatever lands
where, and the task table keeps one line a task whatever its text holds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Generator
from typing import Any

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
    assert isinstance(info["error"], exc_type)  # the exception object, as in LOPs
    assert host.asyncio_comp.task_table[1, "error"].val == (
        f"{exc_type.__name__}: <str() failed: {why}>")
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


# -- KeyboardInterrupt inside Run() --------------------------------------------------

class InterruptingName(Coroutine[Any, Any, Any]):
    """A coroutine-like object whose name lookup is where a Ctrl-C lands."""

    def __getattr__(self, name: str) -> Any:
        if name == "__qualname__":
            raise KeyboardInterrupt
        raise AttributeError(name)

    def send(self, value: Any) -> Any:
        raise StopIteration(None)

    def throw(self, *args: Any) -> Any:
        raise StopIteration(None)

    def close(self) -> None:
        pass

    def __await__(self) -> Generator[Any, None, Any]:
        return self  # type: ignore[return-value]


def assert_counts_match(host: Host) -> None:
    recount = dict.fromkeys(TaskStatus, 0)
    for row in host.tasks.rows():
        recount[row.status] += 1
    counts = host.tasks.counts()
    assert counts == recount
    assert min(counts.values()) >= 0


def test_a_keyboard_interrupt_inside_run_leaves_the_counts_right(host: Host) -> None:
    async def work() -> int:
        return 1

    good = work()
    with pytest.raises(KeyboardInterrupt):
        host.tasks.Run([good, InterruptingName()])  # type: ignore[list-item]
    good.close()
    assert_counts_match(host)
    task_id = host.tasks.Run(work())
    host.step(3)
    assert_counts_match(host)
    assert host.tasks.GetTaskResult(task_id) == 1
    host.tasks.Clearfinished()
    assert_counts_match(host)


# -- cancellation ----------------------------------------------------------------------

async def swallowing() -> None:
    while True:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            continue


def test_repeated_cancels_do_not_restart_the_grace_period(host: Host) -> None:
    task_id = host.tasks.Run(swallowing())
    host.step()
    frames = 0
    while host.tasks.GetTaskInfo(task_id)["status"].is_active and frames < 600:  # type: ignore[index]
        assert host.tasks.CancelTask(task_id)
        host.step()
        frames += 1
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.CANCELLED
    assert frames <= 62  # the 1 s grace from the first cancel, at 60 fps
    assert host.tasks.swallowed_cancellations == 1


def test_with_active_off_a_well_behaved_task_is_not_blamed(host: Host) -> None:
    async def polite() -> None:
        await asyncio.sleep(3600)

    task_id = host.tasks.Run(polite())
    host.step()
    host.asyncio_comp.par.Active = False
    assert host.tasks.CancelTask(task_id)
    host.step(180)  # three times the grace, paused
    host.asyncio_comp.par.Active = True
    host.step(2)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.CANCELLED
    assert info["error"] is None
    assert host.tasks.swallowed_cancellations == 0
    assert host.stats.warnings == 0


def test_a_timed_out_task_cancelled_during_its_cleanup_ends_timeout(host: Host) -> None:
    cleaning = asyncio.Event()
    outcomes: list[TaskOutcome] = []

    async def slow_cleanup() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            cleaning.set()
            await asyncio.sleep(0.5)

    task_id = host.tasks.Run(slow_cleanup(), timeout=0.1, completion_callback=outcomes.append)
    host.run(until=cleaning.is_set, frames=60)
    assert host.tasks.CancelTask(task_id)
    host.step(60)
    assert len(outcomes) == 1
    assert outcomes[0].status is TaskStatus.TIMEOUT
    assert isinstance(outcomes[0].error, TimeoutError)


# -- what the task table shows ----------------------------------------------------------

def test_a_description_with_tabs_and_newlines_keeps_task_table_text_one_row_a_task(
        host: Host) -> None:
    async def work() -> None:
        raise ValueError("line one\nline\ttwo")

    task_id = host.tasks.Run(work(), description="a\tb\nc\r\nd")
    host.step(2)
    table = host.asyncio_comp.task_table
    lines = table.text.splitlines()
    assert len(lines) == table.numRows == 2
    assert all(line.count("\t") == table.numCols - 1 for line in lines)
    assert table[str(task_id), "description"] == "a b c  d"
    assert table[str(task_id), "error"] == "ValueError: line one line two"
    assert host.tasks.GetTaskInfo(task_id)["description"] == "a\tb\nc\r\nd"  # type: ignore[index]

