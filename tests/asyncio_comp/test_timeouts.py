"""Timeouts are exact to the frame in non-realtime mode.

Frame n (1-based) runs at ``host.seconds == (n - 1) / fps``, so at 60 fps a task
submitted before frame 1 with ``timeout=0.5`` must end ``timeout`` during frame 31
(seconds == 0.5) and not one frame earlier.
"""

from __future__ import annotations

import asyncio

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from asyncio_comp import stepper as stepper_module
from host import Host


async def forever() -> None:
    await asyncio.sleep(3600)


def status(host: Host, task_id: int) -> TaskStatus:
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    return info["status"]  # type: ignore[no-any-return]


def test_timeout_half_second_ends_on_frame_31(host: Host) -> None:
    seen: list[tuple[int, float, TaskStatus]] = []
    outcomes: list[TaskOutcome] = []
    task_id = host.tasks.Run(forever(), timeout=0.5, completion_callback=outcomes.append)
    host.on_frame_end(lambda h: seen.append((h.frame, h.seconds, status(h, task_id))))
    host.step(30)
    assert host.frame == 30
    assert status(host, task_id) is TaskStatus.RUNNING
    assert outcomes == []
    host.step()
    assert seen[-1] == (31, 0.5, TaskStatus.TIMEOUT)
    assert all(s is TaskStatus.RUNNING for f, _, s in seen if f <= 30)
    [outcome] = outcomes
    assert outcome.status is TaskStatus.TIMEOUT
    assert outcome.completed_at == pytest.approx(0.5)
    assert outcome.duration == pytest.approx(0.5)


@pytest.mark.parametrize(("fps", "timeout", "frame"), [
    (60.0, 0.25, 16),
    (30.0, 1.0, 31),
    (24.0, 0.5, 13),
    (60.0, 0.01, 2),   # not a frame boundary: the first frame at or after it
])
def test_timeout_fires_on_first_frame_at_or_after_deadline(fps: float, timeout: float,
                                                           frame: int) -> None:
    with Host(fps=fps, realtime=False) as host:
        task_id = host.tasks.Run(forever(), timeout=timeout)
        host.step(frame - 1)
        assert status(host, task_id) is TaskStatus.RUNNING
        host.step()
        assert status(host, task_id) is TaskStatus.TIMEOUT
        assert host.seconds >= timeout - 1e-9
        assert host.seconds - 1 / fps < timeout


def test_timeout_counts_from_submission_not_from_frame_one(host: Host) -> None:
    host.step(10)  # seconds == 9/60
    submitted_at = host.seconds
    task_id = host.tasks.Run(forever(), timeout=0.5)
    host.step(29)
    assert status(host, task_id) is TaskStatus.RUNNING
    host.step()
    assert status(host, task_id) is TaskStatus.TIMEOUT
    assert host.seconds == pytest.approx(submitted_at + 0.5)


def test_task_finishing_before_timeout_completes(host: Host) -> None:
    async def quick() -> str:
        await asyncio.sleep(0.4)
        return "ok"

    task_id = host.tasks.Run(quick(), timeout=0.5)
    host.step(40)
    assert status(host, task_id) is TaskStatus.COMPLETED
    assert host.tasks.GetTaskResult(task_id) == "ok"


def test_sleep_completes_on_exact_frame(host: Host) -> None:
    """The loop's clock is the frame clock: sleep(0.5) wakes on frame 31."""
    woke: list[int] = []

    async def sleeper() -> None:
        await asyncio.sleep(0.5)
        woke.append(host.frame)

    host.tasks.Run(sleeper())
    host.step(40)
    assert woke == [31]


def test_timed_out_task_runs_its_cleanup(host: Host) -> None:
    cleaned: list[float] = []

    async def with_cleanup() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            cleaned.append(host.seconds)

    task_id = host.tasks.Run(with_cleanup(), timeout=0.5)
    host.step(31)
    assert status(host, task_id) is TaskStatus.TIMEOUT
    assert cleaned == [0.5]


def test_timeout_zero_means_no_timeout_as_in_lops(host: Host) -> None:
    """LOPs operators default their Timeout parameter to 0: it must not end the task."""
    forever_id = host.tasks.Run(forever(), timeout=0)
    float_id = host.tasks.Run(forever(), timeout=0.0)
    host.step(600)
    assert status(host, forever_id) is status(host, float_id) is TaskStatus.RUNNING
    info = host.tasks.GetTaskInfo(forever_id)
    assert info is not None and info["timeout"] is None


def test_task_swallowing_timeout_still_ends_timeout(host: Host) -> None:
    """A coroutine that catches the cancellation and returns is still a timeout."""

    async def stubborn() -> str:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            return "swallowed"
        return "slept"

    task_id = host.tasks.Run(stubborn(), timeout=0.5)
    host.step(31)
    assert status(host, task_id) is TaskStatus.TIMEOUT


def test_task_waiting_for_admission_times_out_without_starting(
        host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pending task's timeout runs from submission; its coroutine is closed, never run."""
    import gc
    import warnings

    started: list[bool] = []

    async def tiny() -> None:
        return None

    async def late() -> None:
        started.append(True)

    # Admit slowly: two iterations a frame (non-realtime frames are bounded by count).
    monkeypatch.setattr(stepper_module, "MAX_ITERATIONS_PER_FRAME", 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        host.tasks.Run([tiny() for _ in range(20_000)])
        task_id = host.tasks.Run(late(), timeout=0.1)
        host.step(6)  # frame 6 is 5/60 s < 0.1
        assert status(host, task_id) is TaskStatus.PENDING
        host.step()  # frame 7 is 0.1 s
        assert status(host, task_id) is TaskStatus.TIMEOUT
        gc.collect()
    assert started == []
    assert [str(w.message) for w in caught] == []
