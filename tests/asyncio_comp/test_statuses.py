"""Every status a task can have, every legal move, and the illegal ones refused."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from asyncio_comp import InvalidTransition, TaskOutcome, TaskStatus
from asyncio_comp.records import TaskRecord
from host import Host
from td.errors import describe_error

S = TaskStatus

# Written out here rather than imported, so the test pins the life of a task
# independently of the table the implementation uses.
LEGAL = {
    (S.PENDING, S.RUNNING), (S.PENDING, S.CANCELLED), (S.PENDING, S.TIMEOUT),
    (S.RUNNING, S.COMPLETED), (S.RUNNING, S.FAILED), (S.RUNNING, S.CANCELLED),
    (S.RUNNING, S.TIMEOUT),
}
FINISHED = {S.COMPLETED, S.FAILED, S.CANCELLED, S.TIMEOUT}


def status(host: Host, task_id: int) -> TaskStatus:
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None, f"task {task_id} is not tracked"
    return info["status"]  # type: ignore[no-any-return]


async def sleep_then(seconds: float, value: object = None) -> object:
    await asyncio.sleep(seconds)
    return value


async def boom() -> None:
    await asyncio.sleep(0)
    raise ValueError("boom")


def test_status_values_are_the_contract_strings() -> None:
    assert [s.value for s in TaskStatus] == [
        "pending", "running", "completed", "failed", "cancelled", "timeout"]
    assert TaskStatus("timeout") is S.TIMEOUT
    assert S.COMPLETED == "completed"
    assert {s for s in TaskStatus if s.is_finished} == FINISHED
    assert {s for s in TaskStatus if s.is_active} == {S.PENDING, S.RUNNING}


def test_get_task_status_accessors(host: Host) -> None:
    assert host.tasks.GetTaskStatus() is TaskStatus
    assert host.tasks.GetTaskStatusValues() == {s.name: s for s in TaskStatus}


def test_pending_then_running_then_completed(host: Host) -> None:
    task_id = host.tasks.Run(sleep_then(0.1, "done"))
    assert isinstance(task_id, int)
    assert status(host, task_id) is S.PENDING
    host.step()
    assert status(host, task_id) is S.RUNNING
    host.run(until=lambda: status(host, task_id).is_finished, frames=60)
    assert status(host, task_id) is S.COMPLETED
    assert host.tasks.GetTaskResult(task_id) == "done"
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["has_result"] is True and info["error"] is None


def test_failed_keeps_the_error(host: Host) -> None:
    outcomes: list[TaskOutcome] = []
    task_id = host.tasks.Run(boom(), completion_callback=outcomes.append)
    host.step(2)
    assert status(host, task_id) is S.FAILED
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and describe_error(info["error"]) == "ValueError: boom"
    assert host.tasks.GetTaskResult(task_id) is None
    [outcome] = outcomes
    assert outcome.status is S.FAILED
    assert isinstance(outcome.exception, ValueError)


def test_cancel_running_task_ends_cancelled_by_end_of_next_step(host: Host) -> None:
    task_id = host.tasks.Run(sleep_then(10))
    host.step()
    assert status(host, task_id) is S.RUNNING
    assert host.tasks.CancelTask(task_id) is True
    host.step()
    assert status(host, task_id) is S.CANCELLED
    assert host.tasks.GetActiveTasksCount() == 0


def test_cancel_pending_task_is_immediate_and_coroutine_never_runs(host: Host) -> None:
    ran = []

    async def body() -> None:
        ran.append(True)

    task_id = host.tasks.Run(body())
    assert host.tasks.CancelTask(task_id) is True
    assert status(host, task_id) is S.CANCELLED
    host.step(3)
    assert ran == []
    assert status(host, task_id) is S.CANCELLED


def test_cancel_unknown_or_finished_returns_false(host: Host) -> None:
    task_id = host.tasks.Run(sleep_then(0))
    host.step(2)
    assert status(host, task_id) is S.COMPLETED
    assert host.tasks.CancelTask(task_id) is False
    assert host.tasks.CancelTask(9999) is False
    assert status(host, task_id) is S.COMPLETED


def test_timeout_status_and_error(host: Host) -> None:
    task_id = host.tasks.Run(sleep_then(10), timeout=0.1)
    host.step(10)
    assert status(host, task_id) is S.TIMEOUT
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["timeout"] == 0.1
    assert isinstance(info["error"], TimeoutError) and "0.1 s" in str(info["error"])


def test_every_ending_is_final(host: Host) -> None:
    """A task ends in exactly one of the four finished statuses and stays there."""
    calls: dict[int, list[TaskStatus]] = {}

    def record(outcome: TaskOutcome) -> None:
        calls.setdefault(outcome.task_id, []).append(outcome.status)

    run = host.tasks.Run
    ids = {
        S.COMPLETED: run(sleep_then(0), completion_callback=record),
        S.FAILED: run(boom(), completion_callback=record),
        S.CANCELLED: run(sleep_then(10), completion_callback=record),
        S.TIMEOUT: run(sleep_then(10), timeout=0.05, completion_callback=record),
    }
    host.step()
    host.tasks.CancelTask(ids[S.CANCELLED])
    host.step(10)
    for expected, task_id in ids.items():
        assert status(host, task_id) is expected
    history = {tid: status(host, tid) for tid in ids.values()}
    host.step(30)
    assert {tid: status(host, tid) for tid in ids.values()} == history
    # Cancelling a finished task changes nothing either.
    for task_id in ids.values():
        assert host.tasks.CancelTask(task_id) is False
    host.step(2)
    assert calls == {task_id: [expected] for expected, task_id in ids.items()}


def test_counts_follow_statuses(host: Host) -> None:
    host.tasks.Run(sleep_then(10))
    host.tasks.Run(boom())
    counts = host.tasks.counts()
    assert counts[S.PENDING] == 2 and sum(counts.values()) == 2
    host.step(3)
    counts = host.tasks.counts()
    assert counts[S.RUNNING] == 1 and counts[S.FAILED] == 1


def _record(status_: TaskStatus) -> TaskRecord:
    """A record walked to ``status_`` along legal moves."""

    async def nothing() -> None:
        return None

    coro = nothing()
    rec = TaskRecord(1, coro, "probe", None, None, None, 0.0)
    coro.close()
    path = {S.PENDING: [], S.RUNNING: [S.RUNNING]}.get(
        status_, [S.RUNNING, status_] if status_ in (S.COMPLETED, S.FAILED) else [status_])
    for step in path:
        rec.transition(step, 1.0)
    assert rec.status is status_
    return rec


@pytest.mark.parametrize(("old", "new"), sorted(LEGAL))
def test_legal_transitions(old: TaskStatus, new: TaskStatus) -> None:
    rec = _record(old)
    rec.transition(new, 2.0)
    assert rec.status is new
    assert (rec.completed_at == 2.0) == new.is_finished


ILLEGAL = sorted(set(itertools.product(TaskStatus, TaskStatus)) - LEGAL)


@pytest.mark.parametrize(("old", "new"), ILLEGAL)
def test_illegal_transitions_raise_and_change_nothing(old: TaskStatus, new: TaskStatus) -> None:
    rec = _record(old)
    before = (rec.status, rec.completed_at)
    with pytest.raises(InvalidTransition, match=f"cannot go from {old.value} to {new.value}"):
        rec.transition(new, 5.0)
    assert (rec.status, rec.completed_at) == before


def test_task_ignoring_cancellation_is_marked_cancelled_after_a_grace_period(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    """A coroutine that swallows CancelledError cannot stay 'running' forever."""

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue

    fired: list[TaskStatus] = []
    task_id = host.tasks.Run(stubborn(), completion_callback=lambda o: fired.append(o.status))
    host.step()
    host.tasks.CancelTask(task_id)
    cancelled_at = host.seconds
    host.run(until=lambda: status(host, task_id).is_finished, frames=600)
    assert status(host, task_id) is S.CANCELLED
    assert 0 < host.seconds - cancelled_at <= 1.0 + 1 / 60 + 1e-9
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and "ignored cancellation" in str(info["error"])
    assert fired == [S.CANCELLED]
    assert host.stats.warnings == 1
    assert f"task {task_id}" in caplog.text
