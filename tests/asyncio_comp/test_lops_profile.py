"""``Host(profile="lops")``: TDAsyncIO as the LOPs manager behaves, one test per scenario
where the two differ (each agrees with the real LOPs AsyncIOManager.py, run side by side
with TD stubbed; docs/api.md's "Profiles" table has the rows), and the default unchanged."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from enum import Enum, StrEnum
from typing import Any

import pytest

from asyncio_comp import TaskStatus
from host import Host

HHMMSS = re.compile(r"^\d\d:\d\d:\d\d$")


@pytest.fixture
def lops() -> Iterator[Host]:
    with Host(fps=60, realtime=False, profile="lops") as host:
        yield host


def manager(host: Host) -> Any:
    return host.op("/ChatTD/TDAsyncIO").ext.AsyncIOManager


async def nothing() -> int:
    return 1


async def sleeper(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "slept"


async def bad_request() -> None:
    raise ValueError("bad request")


class Fetcher:
    async def fetch(self) -> str:
        return "payload"


def nested() -> Any:
    async def inner() -> int:
        return 2
    return inner()


class Tag:
    def __str__(self) -> str:
        return "tag"

    def __repr__(self) -> str:
        return "<Tag>"


def cell(host: Host, task_id: int, column: str) -> str:
    table = host.op("/ChatTD/TDAsyncIO/task_table")
    found = table[str(task_id), column]
    assert found is not None, f"no {column} cell for task {task_id}"
    return str(found.val)


# -- ids and Run ------------------------------------------------------------------------
def test_first_id_is_0(lops: Host) -> None:
    assert manager(lops).Run(nothing()) == 0


def test_run_of_a_list_returns_the_last_id(lops: Host) -> None:
    mgr = manager(lops)
    assert mgr.Run([nothing(), nothing(), nothing()]) == 2
    assert [info["task_id"] for info in mgr.GetAllTasksInfo()] == [0, 1, 2]


def test_run_of_an_empty_list_returns_none_and_registers_nothing(lops: Host) -> None:
    mgr = manager(lops)
    assert mgr.Run([]) is None
    assert mgr.GetAllTasksInfo() == []


def test_a_negative_timeout_times_out_at_once(lops: Host) -> None:
    mgr = manager(lops)
    task_id = mgr.Run(sleeper(1), timeout=-1)
    lops.step(1)
    info = mgr.GetTaskInfo(task_id)
    assert info["status"] == "timeout"
    assert info["error"] == "Task timed out after -1 seconds"


def test_default_description_is_the_code_name_of_a_method(lops: Host) -> None:
    mgr = manager(lops)
    assert mgr.GetTaskInfo(mgr.Run(Fetcher().fetch()))["description"] == "fetch"


def test_default_description_is_the_code_name_of_a_nested_function(lops: Host) -> None:
    mgr = manager(lops)
    assert mgr.GetTaskInfo(mgr.Run(nested()))["description"] == "inner"


# -- statuses ---------------------------------------------------------------------------
def test_get_task_info_status_is_a_plain_str(lops: Host) -> None:
    mgr = manager(lops)
    task_id = mgr.Run(nothing())
    lops.step(2)
    status = mgr.GetTaskInfo(task_id)["status"]
    assert type(status) is str and status == "completed"


def test_get_task_info_status_never_equals_an_enum_member(lops: Host) -> None:
    mgr = manager(lops)
    task_id = mgr.Run(nothing())
    lops.step(2)
    assert mgr.GetTaskInfo(task_id)["status"] != mgr.GetTaskStatus().COMPLETED


def test_the_status_enum_is_a_plain_enum(lops: Host) -> None:
    statuses = manager(lops).GetTaskStatus()
    assert issubclass(statuses, Enum) and not issubclass(statuses, str)
    assert statuses.COMPLETED != "completed" and statuses.COMPLETED.value == "completed"
    assert manager(lops).GetTaskStatusValues()["FAILED"] is statuses.FAILED
    assert repr(statuses.FAILED) == "<TaskStatus.FAILED: 'failed'>"


# -- times --------------------------------------------------------------------------------
def test_created_at_is_epoch_seconds(lops: Host) -> None:
    mgr = manager(lops)
    before = time.time()
    created = mgr.GetTaskInfo(mgr.Run(nothing()))["created_at"]
    assert before - 5 < created < time.time() + 5


def test_completed_at_is_epoch_seconds_following_host_time(lops: Host) -> None:
    mgr = manager(lops)
    task_id = mgr.Run(sleeper(0.5))
    lops.step(40)
    info = mgr.GetTaskInfo(task_id)
    assert abs(info["completed_at"] - time.time()) < 5
    assert info["completed_at"] - info["created_at"] == pytest.approx(0.5)  # virtual time


def test_table_created_at_is_a_clock_time(lops: Host) -> None:
    task_id = manager(lops).Run(nothing())
    lops.step(2)
    assert HHMMSS.match(cell(lops, task_id, "created_at"))


def test_table_completed_at_is_a_clock_time(lops: Host) -> None:
    task_id = manager(lops).Run(nothing())
    lops.step(2)
    assert HHMMSS.match(cell(lops, task_id, "completed_at"))


def test_table_duration_is_rounded_as_lops_writes_it(lops: Host) -> None:
    task_id = manager(lops).Run(sleeper(0.5))
    lops.step(40)
    assert cell(lops, task_id, "duration") == "0.5"


# -- errors and info ------------------------------------------------------------------------
def test_table_error_of_a_failed_task_is_its_message(lops: Host) -> None:
    task_id = manager(lops).Run(bad_request())
    lops.step(2)
    assert cell(lops, task_id, "error") == "bad request"


def test_table_error_of_a_timed_out_task_is_lops_string(lops: Host) -> None:
    task_id = manager(lops).Run(sleeper(1), timeout=0.1)
    lops.step(20)
    assert cell(lops, task_id, "error") == "Task timed out after 0.1 seconds"


def test_info_error_of_a_timed_out_task_is_a_string(lops: Host) -> None:
    mgr = manager(lops)
    task_id = mgr.Run(sleeper(1), timeout=0.1)
    lops.step(20)
    assert mgr.GetTaskInfo(task_id)["error"] == "Task timed out after 0.1 seconds"


def test_info_error_of_a_failed_task_is_the_exception(lops: Host) -> None:
    mgr = manager(lops)
    task_id = mgr.Run(bad_request())
    lops.step(2)
    error = mgr.GetTaskInfo(task_id)["error"]
    assert isinstance(error, ValueError) and str(error) == "bad request"


def test_table_info_is_its_str(lops: Host) -> None:
    task_id = manager(lops).Run(nothing(), info=Tag())
    lops.step(1)
    assert cell(lops, task_id, "info") == "tag"


# -- completion callbacks ----------------------------------------------------------------------
def callback_statuses(host: Host, coro: Any, timeout: float | None = None,
                      cancel: bool = False) -> list[str]:
    seen: list[str] = []
    mgr = manager(host)
    task_id = mgr.Run(coro, timeout=timeout, completion_callback=lambda task: seen.append(
        task.status.value))
    host.step(1)
    if cancel:
        mgr.CancelTask(task_id)
    host.step(40)
    return seen


def test_callback_on_completed(lops: Host) -> None:
    assert callback_statuses(lops, nothing()) == ["completed"]


def test_callback_on_failed(lops: Host) -> None:
    assert callback_statuses(lops, bad_request()) == ["failed"]


def test_no_callback_on_cancel(lops: Host) -> None:
    assert callback_statuses(lops, sleeper(5), cancel=True) == []


def test_no_callback_on_timeout(lops: Host) -> None:
    assert callback_statuses(lops, sleeper(5), timeout=0.1) == []


def test_the_callback_task_is_mutable(lops: Host) -> None:
    def changes(task: Any) -> None:
        task.result = "changed"
        task.note = "mine"
        with pytest.raises(AttributeError, match="task 0's status is TDAsyncIO's to set"):
            task.status = "completed"

    mgr = manager(lops)
    task_id = mgr.Run(nothing(), completion_callback=changes)
    lops.step(2)
    assert mgr.GetTaskResult(task_id) == "changed"
    assert lops.stats.callback_errors == 0


def test_the_callback_task_status_never_equals_a_string(lops: Host) -> None:
    seen: list[object] = []
    manager(lops).Run(nothing(), completion_callback=lambda task: seen.append(
        (task.status == "completed", task.status.value, type(task.created_at))))
    lops.step(2)
    assert seen == [(False, "completed", float)]


# -- cancel -------------------------------------------------------------------------------------
def test_status_is_cancelled_at_once_after_cancel_task(lops: Host) -> None:
    mgr = manager(lops)
    task_id = mgr.Run(sleeper(5))
    lops.step(1)
    assert mgr.CancelTask(task_id) is True
    assert mgr.GetTaskInfo(task_id)["status"] == "cancelled"


def test_a_cancelled_task_leaves_the_active_count_at_once(lops: Host) -> None:
    mgr = manager(lops)
    task_id = mgr.Run(sleeper(5))
    lops.step(1)
    mgr.CancelTask(task_id)
    assert mgr.GetActiveTasksCount() == 0


# -- Clear After --------------------------------------------------------------------------------
def removed_at(host: Host, limit: int = 400) -> int | None:
    mgr = manager(host)
    task_id = mgr.Run(nothing())
    for _ in range(limit):
        host.step(1)
        if mgr.GetTaskInfo(task_id) is None:
            return host.frame
    return None


def test_clear_after_is_checked_every_100_frames(lops: Host) -> None:
    lops.asyncio_comp.par.Clearafter = 1.0
    assert removed_at(lops) == 100


def test_clear_after_is_a_strict_greater_than() -> None:
    # 64 fps: every host time is exact in binary, so at frame 100 the age is exactly 99/64
    with Host(fps=64, realtime=False, profile="lops") as host:
        host.asyncio_comp.par.Clearafter = 99 / 64
        assert removed_at(host) == 200


# -- LOPs's own members -------------------------------------------------------------------------
def test_manager_tasks_is_the_tracked_tasks_by_id(lops: Host) -> None:
    mgr = manager(lops)
    first = mgr.Run(nothing(), description="first")
    mgr.Run(sleeper(1))
    assert list(mgr.tasks) == [0, 1] and len(mgr.tasks) == 2
    task = mgr.tasks[first]
    assert (task.task_id, task.description, task.status.value) == (0, "first", "pending")
    lops.step(2)
    assert task.status == mgr.GetTaskStatus().COMPLETED and task.result == 1


def test_update_runs_the_loop_and_the_endings_now(lops: Host) -> None:
    mgr = manager(lops)
    seen: list[str] = []
    mgr.Run(nothing(), completion_callback=lambda task: seen.append(task.status.value))
    assert mgr.Update() is None
    assert seen == ["completed"]


def test_cleanup_tasks_forgets_the_finished_tasks_older_than_max_age(lops: Host) -> None:
    mgr = manager(lops)
    done = mgr.Run(nothing())
    running = mgr.Run(sleeper(5))
    lops.step(2)
    assert mgr.cleanup_tasks(0) is None
    assert mgr.GetTaskInfo(done) is None and mgr.GetTaskInfo(running) is not None
    with pytest.raises(TypeError, match=r"cleanup_tasks\(\) expected max_age in seconds or "
                                        r"None, got 'old'"):
        mgr.cleanup_tasks("old")


def test_the_pulse_methods_return_none(lops: Host) -> None:
    mgr = manager(lops)
    mgr.Run(sleeper(5))
    lops.step(1)
    assert (mgr.Cancelactive(), mgr.Clearfinished(), mgr.Clearall()) == (None, None, None)


def test_cancel_cancels_every_task_as_sndmtk_tdasyncio_did(lops: Host) -> None:
    mgr = manager(lops)
    first, second, third = (mgr.Run(sleeper(5)) for _ in range(3))
    lops.step(1)
    assert mgr.Cancel([second]) is None
    assert [mgr.GetTaskInfo(i)["status"] for i in (first, second, third)] == [
        "running", "cancelled", "running"]
    assert op_cancel(lops) is None
    assert mgr.GetActiveTasksCount() == 0


def op_cancel(host: Host) -> Any:
    return host.op("/ChatTD/TDAsyncIO").Cancel()  # promoted, as op.TDAsyncIO.Cancel()


# -- the profile itself ------------------------------------------------------------------------
def test_the_default_profile_is_framehost_and_unchanged(host: Host) -> None:
    assert host.profile == "framehost"
    mgr = manager(host)
    assert mgr.Run([nothing(), nothing()]) == [1, 2]
    assert isinstance(mgr.GetTaskInfo(1)["status"], StrEnum)
    assert mgr.GetTaskStatus() is TaskStatus
    assert not hasattr(mgr, "tasks") and not hasattr(mgr, "Cancel")
    assert host.op("/ChatTD/TDAsyncIO/task_table").row(0)[-1].val == "progress"


def test_host_profile_and_the_lops_table_header(lops: Host) -> None:
    assert lops.profile == "lops"
    header = [c.val for c in lops.op("/ChatTD/TDAsyncIO/task_table").row(0)]
    assert header == ["task_id", "status", "description", "duration", "created_at",
                      "completed_at", "error", "info"]


def test_an_unknown_profile_is_refused_naming_both() -> None:
    with pytest.raises(ValueError, match=r"Host\(\) expected profile 'framehost' or 'lops', "
                                         r"got 'td'"):
        Host(realtime=False, profile="td")


def test_a_cancelled_task_still_unwinds_after_it_is_marked(lops: Host) -> None:
    unwound: list[str] = []

    async def careful() -> None:
        try:
            await asyncio.sleep(5)
        finally:
            unwound.append("cleaned up")

    mgr = manager(lops)
    task_id = mgr.Run(careful())
    lops.step(1)
    mgr.CancelTask(task_id)
    assert unwound == []  # marked cancelled, its coroutine not yet unwound
    lops.step(1)
    assert unwound == ["cleaned up"] and mgr.GetTaskInfo(task_id)["status"] == "cancelled"


def test_a_coroutine_that_cancels_itself_is_called_back(lops: Host) -> None:
    async def gives_up() -> None:
        raise asyncio.CancelledError

    seen: list[str] = []
    manager(lops).Run(gives_up(), completion_callback=lambda task: seen.append(task.status.value))
    lops.step(2)
    assert seen == ["cancelled"]


@pytest.mark.both_profiles
def test_the_marker_runs_a_test_under_both_profiles(host: Host,
                                                    framehost_profile: str) -> None:
    assert host.profile == framehost_profile
    task_id = host.tasks.Run(nothing())
    host.step(2)
    assert host.tasks.GetTaskInfo(task_id)["status"] == "completed"  # portable either way
