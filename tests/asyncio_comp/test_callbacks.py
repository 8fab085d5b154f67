"""Completion callbacks: once per ending, on the main thread, and faults harm nothing."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host
from td.errors import describe_error


async def value(v: object) -> object:
    await asyncio.sleep(0)
    return v


async def forever() -> None:
    await asyncio.sleep(3600)


async def fail() -> None:
    raise KeyError("missing")


def test_callback_fires_once_per_ending_with_the_record(host: Host) -> None:
    outcomes: list[TaskOutcome] = []
    threads: list[int] = []

    def callback(outcome: TaskOutcome) -> None:
        outcomes.append(outcome)
        threads.append(threading.get_ident())

    run = host.tasks.Run
    done = run(value(42), description="answer", info={"k": 1}, completion_callback=callback)
    failed = run(fail(), completion_callback=callback)
    cancelled = run(forever(), completion_callback=callback)
    timed_out = run(forever(), timeout=0.1, completion_callback=callback)
    pending_cancelled = run(forever(), completion_callback=callback)
    host.tasks.CancelTask(pending_cancelled)
    host.step()
    host.tasks.CancelTask(cancelled)
    host.step(30)

    by_id = {o.task_id: o for o in outcomes}
    assert len(outcomes) == len(by_id) == 5
    assert {tid: o.status for tid, o in by_id.items()} == {
        done: TaskStatus.COMPLETED, failed: TaskStatus.FAILED,
        cancelled: TaskStatus.CANCELLED, timed_out: TaskStatus.TIMEOUT,
        pending_cancelled: TaskStatus.CANCELLED,
    }
    assert set(threads) == {threading.get_ident()}
    ok = by_id[done]
    assert (ok.description, ok.info, ok.result, ok.error) == ("answer", {"k": 1}, 42, None)
    assert ok.created_at == 0.0 and ok.completed_at == 0.0 and ok.duration == 0.0
    assert ok["status"] is TaskStatus.COMPLETED  # LOPs code reads it like a dict
    # As in LOPs, the error is the exception object; the table shows `Type: message`.
    assert describe_error(by_id[failed].error) == "KeyError: 'missing'"
    assert by_id[failed].error is by_id[failed].exception
    assert isinstance(by_id[failed].exception, KeyError)
    assert by_id[timed_out].completed_at == pytest.approx(0.1, abs=1 / 60)
    assert by_id[timed_out].duration == by_id[timed_out].completed_at - 0.0


def test_callback_runs_during_a_frame_not_inside_run(host: Host) -> None:
    fired_in_frame: list[int] = []
    task_id = host.tasks.Run(forever(), completion_callback=lambda o: fired_in_frame.append(
        host.frame))
    host.tasks.CancelTask(task_id)  # pending: status is immediate, callback comes in a frame
    assert fired_in_frame == []
    host.step()
    assert fired_in_frame == [1]


def test_callback_exception_is_logged_with_task_id_and_harms_nothing(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    fired: list[int] = []

    def bad(outcome: TaskOutcome) -> None:
        raise RuntimeError("callback exploded")

    def good(outcome: TaskOutcome) -> None:
        fired.append(outcome.task_id)

    first = host.tasks.Run(value(1), completion_callback=good)
    broken = host.tasks.Run(value(2), description="fragile", completion_callback=bad)
    last = host.tasks.Run(value(3), completion_callback=good)
    errors_before = host.stats.callback_errors
    with caplog.at_level(logging.ERROR):
        host.step(2)
    assert sorted(fired) == [first, last]
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(f"task {broken}" in m and "callback exploded" in m for m in messages), messages
    assert host.stats.callback_errors == errors_before + 1
    info = host.tasks.GetTaskInfo(broken)
    assert info is not None and info["status"] is TaskStatus.COMPLETED
    # The host keeps running and later tasks and callbacks still work.
    later = host.tasks.Run(value(4), completion_callback=good)
    host.step(2)
    assert later in fired
    assert host.stats.callback_errors == errors_before + 1


def test_callback_may_submit_and_cancel_tasks(host: Host) -> None:
    chain: list[int] = []

    def next_link(outcome: TaskOutcome) -> None:
        chain.append(outcome.result)
        if outcome.result < 3:
            host.tasks.Run(value(outcome.result + 1), completion_callback=next_link)

    host.tasks.Run(value(0), completion_callback=next_link)
    host.run(until=lambda: len(chain) == 4, frames=20)
    assert chain == [0, 1, 2, 3]


def test_callback_fires_for_cancel_by_clearall(host: Host) -> None:
    fired: list[TaskStatus] = []
    host.tasks.Run(forever(), completion_callback=lambda o: fired.append(o.status))
    host.tasks.Run(forever(), completion_callback=lambda o: fired.append(o.status))
    host.step()
    host.tasks.Run(forever(), completion_callback=lambda o: fired.append(o.status))
    host.tasks.Clearall()
    host.step(2)
    assert fired == [TaskStatus.CANCELLED] * 3
    assert host.tasks.GetAllTasksInfo() == []


def test_outcome_reads_by_attribute_or_by_key_and_cannot_be_changed(host: Host) -> None:
    outcomes: list[TaskOutcome] = []

    async def answer() -> int:
        return 42

    task_id = host.tasks.Run(answer(), description="answer", info={"k": 1},
                             completion_callback=outcomes.append)
    host.step()
    (outcome,) = outcomes
    assert (outcome.task_id, outcome.status, outcome.result) == (task_id, "completed", 42)
    assert outcome["status"] is TaskStatus.COMPLETED and outcome["info"] == {"k": 1}
    assert outcome.get("result") == 42 and outcome.get("nope", "default") == "default"
    assert dict(outcome)["description"] == "answer"
    assert list(outcome.keys())[:3] == ["task_id", "status", "description"]
    with pytest.raises(KeyError, match="a task outcome has no 'nope'; it has: task_id, status"):
        outcome["nope"]
    with pytest.raises(AttributeError):
        outcome.status = TaskStatus.FAILED  # type: ignore[misc]
