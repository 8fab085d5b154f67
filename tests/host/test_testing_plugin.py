"""host.testing: the fixtures and helpers operator authors get from the plugin."""

from __future__ import annotations

import asyncio

import pytest

from asyncio_comp import TaskStatus
from host import Host
from host.testing import (
    FramesExhausted,
    WorkClock,
    assert_task_status,
    run_until,
    wait_for_tasks,
)


async def nap(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "rested"


def test_host_fixture_is_virtual_60fps(host):
    assert host.fps == 60 and not host.realtime
    host.step(61)
    assert host.seconds == pytest.approx(1.0)


def test_realtime_host_fixture_paces_to_the_wall_clock(realtime_host):
    assert realtime_host.realtime
    realtime_host.step(3)
    assert realtime_host.frame == 3


def test_run_until_returns_the_frames_it_took(host):
    assert run_until(host, lambda: host.seconds >= 0.5) == 31
    assert run_until(host, lambda: True) == 0  # already true: no frame


def test_run_until_fails_with_a_message_naming_the_condition(host):
    with pytest.raises(FramesExhausted, match=r"the door opened was still false after 5 "
                                              r"frames \(host frame 5, 0.067 s\)"):
        run_until(host, lambda: False, frames=5, what="the door opened")
    with pytest.raises(TypeError, match="expected a callable returning a bool, got 3"):
        run_until(host, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected frames as a whole number >= 0, got -1"):
        run_until(host, lambda: True, frames=-1)


def test_wait_for_tasks_returns_final_statuses(host):
    done = host.tasks.Run(nap(0.1))
    late = host.tasks.Run(nap(10), timeout=0.2)
    assert wait_for_tasks(host, [done, late], frames=60) == {
        done: TaskStatus.COMPLETED, late: TaskStatus.TIMEOUT}
    assert wait_for_tasks(host, done, frames=0) == {done: "completed"}


def test_wait_for_tasks_lists_the_ones_still_active(host):
    slow = host.tasks.Run(nap(10), description="slow nap")
    with pytest.raises(FramesExhausted, match=rf"tasks still active after 10 frames: "
                                              rf"{slow}: running"):
        wait_for_tasks(host, [slow], frames=10)
    with pytest.raises(KeyError, match="task 999 is not tracked by this host"):
        wait_for_tasks(host, [999])


def test_assert_task_status_explains_a_mismatch(host):
    async def boom() -> None:
        raise ValueError("bad reading 7")

    task_id = host.tasks.Run(boom(), description="sensor")
    wait_for_tasks(host, task_id, frames=5)
    assert_task_status(host, task_id, "failed")
    assert_task_status(host, task_id, TaskStatus.FAILED)
    with pytest.raises(AssertionError, match=r"task 1 \(sensor\) is failed, expected "
                                             r"completed \(error: ValueError: bad reading 7\)"):
        assert_task_status(host, task_id, "completed")
    with pytest.raises(ValueError, match=r"expected one of pending, running, .* got 'done'"):
        assert_task_status(host, task_id, "done")
    with pytest.raises(AssertionError, match="task 42 is not tracked"):
        assert_task_status(host, 42, "completed")


def test_the_plugin_is_registered_by_entry_point(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("framehost")


def test_work_clock_is_the_host_fixtures_wall_clock_and_moves_only_when_spent(
        host: Host, work_clock: WorkClock) -> None:
    assert host.wall_clock is work_clock
    before = work_clock()
    host.step()
    assert work_clock() == before  # frames alone do not move it
    work_clock.spend(0.25)
    assert work_clock() == before + 0.25


def test_work_clock_refuses_a_negative_duration_and_stays_put() -> None:
    clock = WorkClock(start=5.0)
    with pytest.raises(ValueError, match=r"0 s or more, got -0\.1"):
        clock.spend(-0.1)
    assert clock() == 5.0
