"""Draining: short await chains finish in a frame; non-realtime frames drain until idle
within an iteration bound, realtime ones within the wall-clock Framebudget (driven here
by a fake clock, so no test depends on the machine's speed)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from ticking_time import TickingTime

from asyncio_comp import TaskStatus
from asyncio_comp import lifecycle as lifecycle_module
from asyncio_comp import stepper as stepper_module
from host import Host


@pytest.fixture
def ticking_host() -> Iterator[Host]:
    """A realtime host on a fake clock whose every reading costs 1 µs."""
    clock = TickingTime(0.000001)
    with Host(fps=60.0, realtime=True, time_function=clock.time, sleep=clock.sleep) as h:
        yield h


def test_ten_sleep_zero_hops_finish_in_one_or_two_frames(host: Host) -> None:
    async def hops() -> int:
        for _ in range(10):
            await asyncio.sleep(0)
        return host.frame

    task_id = host.tasks.Run(hops())
    host.step(2)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None and info["status"] is TaskStatus.COMPLETED
    assert host.tasks.GetTaskResult(task_id) in (1, 2)


def test_chain_of_awaited_tasks_resolves_within_a_frame(host: Host) -> None:
    async def leaf(n: int) -> int:
        await asyncio.sleep(0)
        return n

    async def fan_out() -> int:
        total = 0
        for i in range(10):
            total += await asyncio.ensure_future(leaf(i))
        return total

    task_id = host.tasks.Run(fan_out())
    host.step(2)
    assert host.tasks.GetTaskResult(task_id) == 45


def test_spinning_task_does_not_hang_a_frame(host: Host) -> None:
    spins = 0

    async def spin() -> None:
        nonlocal spins
        while True:
            spins += 1
            await asyncio.sleep(0)

    host.tasks.Run(spin())
    host.step(3)
    assert spins > 3  # it made progress, and step() returned


async def tiny(i: int) -> int:
    return i


def run_burst(host: Host, count: int) -> list[int]:
    ids = host.tasks.Run([tiny(i) for i in range(count)])
    assert isinstance(ids, list) and len(ids) == count
    assert host.tasks.counts()[TaskStatus.PENDING] == count
    return ids


def test_non_realtime_drains_a_burst_until_idle_in_one_frame(host: Host) -> None:
    """No wall-clock budget in virtual time: 20k tasks (three sleep(0) hops each)
    all end in frame 1, whatever the machine."""
    async def hops(i: int) -> int:
        for _ in range(3):
            await asyncio.sleep(0)
        return i

    ids = host.tasks.Run([hops(i) for i in range(20_000)])
    assert isinstance(ids, list)
    host.step()
    assert host.tasks.counts()[TaskStatus.COMPLETED] == 20_000
    assert {host.tasks.GetTaskInfo(i)["completed_at"] for i in ids} == {0.0}  # type: ignore[index]


def test_non_realtime_frames_are_bounded_by_iterations_not_time(
        host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the iteration bound at 10 and admission at 64 tasks an iteration, a burst
    spreads over an exact, machine-independent number of frames."""
    monkeypatch.setattr(stepper_module, "MAX_ITERATIONS_PER_FRAME", 10)
    monkeypatch.setattr(lifecycle_module, "ADMIT_CHUNK_VIRTUAL", 64)
    ids = run_burst(host, 5_000)
    frames = host.run(until=lambda: host.tasks.GetActiveTasksCount() == 0, frames=5000)
    assert host.tasks.counts()[TaskStatus.COMPLETED] == 5_000
    ended = [host.tasks.GetTaskInfo(i)["completed_at"] for i in ids]  # type: ignore[index]
    assert ended == sorted(ended) and frames > 5
    # Frame of each ending: a pure function of the program, so a rerun matches.
    with Host(fps=60.0, realtime=False) as again:
        ids_again = run_burst(again, 5_000)
        again.run(until=lambda: again.tasks.GetActiveTasksCount() == 0, frames=5000)
        assert [again.tasks.GetTaskInfo(i)["completed_at"]  # type: ignore[index]
                for i in ids_again] == ended


def test_burst_of_100k_is_admitted_over_several_frames(ticking_host: Host) -> None:
    """Realtime: the Framebudget spreads a burst (bench/burst.py measures the times)."""
    host = ticking_host
    # Under -X dev the loop starts in asyncio's debug mode, where every task records
    # the stack it was made from: 100k of them take minutes. What is tested here is
    # the budget's spreading, not debug mode.
    host.loop.set_debug(False)
    count = 100_000
    ids = run_burst(host, count)
    host.step()
    counts = host.tasks.counts()
    # Some of the burst was admitted this frame; most of it still waits, as pending.
    assert counts[TaskStatus.RUNNING] + counts[TaskStatus.COMPLETED] > 0
    assert counts[TaskStatus.PENDING] > count // 2
    frames = host.run(until=lambda: host.tasks.GetActiveTasksCount() == 0, frames=5000)
    assert host.tasks.counts()[TaskStatus.COMPLETED] == count
    assert frames > 5, "the burst should be spread over several frames"
    assert host.tasks.GetTaskResult(ids[-1]) == count - 1


def test_pending_tasks_waiting_for_admission_can_be_cancelled(
        host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stepper_module, "MAX_ITERATIONS_PER_FRAME", 10)

    async def tiny() -> None:
        return None

    ids = host.tasks.Run([tiny() for _ in range(20_000)])
    assert isinstance(ids, list)
    host.step()
    last = ids[-1]
    info = host.tasks.GetTaskInfo(last)
    assert info is not None and info["status"] is TaskStatus.PENDING
    assert host.tasks.CancelTask(last) is True
    info = host.tasks.GetTaskInfo(last)
    assert info is not None and info["status"] is TaskStatus.CANCELLED
    host.run(until=lambda: host.tasks.GetActiveTasksCount() == 0, frames=2000)
    counts = host.tasks.counts()
    assert counts[TaskStatus.CANCELLED] == 1
    assert counts[TaskStatus.COMPLETED] == 20_000 - 1


def test_framebudget_parameter_bounds_the_work_per_frame(ticking_host: Host) -> None:
    host = ticking_host

    async def tiny() -> None:
        return None

    host.asyncio_comp.par.Framebudget = 0.05  # the smallest budget
    host.tasks.Run([tiny() for _ in range(5000)])
    host.step()
    small = host.tasks.counts()[TaskStatus.PENDING]
    assert small > 0
    host.asyncio_comp.par.Framebudget = 1000.0
    host.step()
    assert host.tasks.counts()[TaskStatus.PENDING] == 0


def test_an_interrupt_out_of_the_loop_leaves_one_driver_for_the_next_frame(host: Host) -> None:
    """A KeyboardInterrupt out of ``run_forever`` must not leave the stepper's driver
    queued: the next frame would run two drivers, the stale one would always see ready
    work, and admission of new tasks would stop for good."""
    async def interrupt() -> None:
        raise KeyboardInterrupt

    async def answer() -> int:
        return 42

    host.tasks.Run(interrupt())
    with pytest.raises(KeyboardInterrupt):
        host.step()
    for _ in range(3):
        later = host.tasks.Run(answer())
        host.step()
        assert host.tasks.GetTaskResult(later) == 42


def test_a_new_frame_budget_takes_effect_from_the_next_frame(ticking_host: Host) -> None:
    """The budget is mirrored when it changes, not read every frame: a change must
    still reach the stepper. 5,000 first steps cannot fit in 0.05 ms of the ticking
    clock; they fit in a 1,000 ms budget (2,000 readings) with room to spare."""
    host = ticking_host
    comp = host.asyncio_comp

    def frames_to_drain(count: int) -> int:
        host.tasks.Run([tiny(i) for i in range(count)])
        return host.run(until=lambda: host.tasks.GetActiveTasksCount() == 0, frames=10_000)

    comp.par.Framebudget = 0.05
    assert frames_to_drain(5_000) > 5
    comp.par.Framebudget = 1000.0
    assert frames_to_drain(5_000) == 1
