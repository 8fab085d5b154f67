"""Faults in user code: the host survives each one, counts it, and says so once.

Exceptions in callbacks and handlers are caught, counted in ``host.stats
.callback_errors`` and logged once naming where (the task id for task callbacks).
Faults that raise nothing — a coroutine blocking the loop, one that swallows its
cancellation — are counted in ``host.stats.warnings`` and logged once.
``KeyboardInterrupt`` is not swallowed: it propagates out of ``step()``/``run()``
with the host consistent (no frame left half-open, no callback lost), so the
caller can keep stepping or ``close()`` cleanly.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from reliability_probes import run_until

from asyncio_comp import TaskOutcome, TaskStatus
from asyncio_comp.lifecycle import CANCEL_GRACE_SECONDS
from host import BaseCOMP, FloatPar, Host, Par, PulsePar
from td.errors import describe_error


async def value(v: object) -> object:
    await asyncio.sleep(0)
    return v


async def forever() -> None:
    await asyncio.sleep(3600)


def status(host: Host, task_id: int) -> TaskStatus | None:
    info = host.tasks.GetTaskInfo(task_id)
    return None if info is None else info["status"]


def records(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if text in r.getMessage()]


# -- exceptions in callbacks and handlers ---------------------------------------------
def test_completion_callback_raising_is_counted_and_logged_once_with_the_task_id(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    fired: list[int] = []

    def bad(outcome: TaskOutcome) -> None:
        fired.append(outcome.task_id)
        raise ZeroDivisionError("bad callback")

    def good(outcome: TaskOutcome) -> None:
        fired.append(outcome.task_id)

    first = host.tasks.Run(value(1), description="first", completion_callback=bad)
    second = host.tasks.Run(value(2), description="second", completion_callback=good)
    with caplog.at_level(logging.ERROR):
        host.step(3)
    assert fired == [first, second]
    assert host.stats.callback_errors == 1
    logged = records(caplog, "ZeroDivisionError")
    assert len(logged) == 1
    assert f"completion callback of task {first} (first)" in logged[0].getMessage()
    assert status(host, first) is status(host, second) is TaskStatus.COMPLETED
    after = host.tasks.Run(value(3))
    host.step()
    assert host.tasks.GetTaskResult(after) == 3


def test_frame_callbacks_raising_are_counted_and_the_frame_goes_on(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def bad_start(h: Any) -> None:
        calls.append("start")
        if h.frame == 2:
            raise RuntimeError("start broke")

    def bad_end(h: Any) -> None:
        calls.append("end")
        if h.frame == 2:
            raise LookupError("end broke")

    def later(h: Any) -> None:
        calls.append("later")

    host.on_frame_start(bad_start)
    host.on_frame_end(bad_end)
    host.on_frame_end(later)
    task_id = host.tasks.Run(value("cooked"))
    with caplog.at_level(logging.ERROR):
        host.step(3)
    assert calls == ["start", "end", "later"] * 3
    assert host.stats.callback_errors == 2
    assert len(records(caplog, "start broke")) == 1
    assert len(records(caplog, "end broke")) == 1
    assert "on_frame_start callback" in records(caplog, "start broke")[0].getMessage()
    assert host.tasks.GetTaskResult(task_id) == "cooked"  # the cook ran in between
    assert host.frame == 3


class Faulty(BaseCOMP):
    parameters = (PulsePar("Go"), FloatPar("Level", 0.0))

    def onPulse(self, par: Par) -> None:
        raise ValueError(f"cannot {par.name}")

    def onValueChange(self, par: Par, prev: Any) -> None:
        raise KeyError(f"{par.name} was {prev}")


def test_pulse_and_value_change_handlers_raising_are_counted(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    faulty = host.root.create(Faulty, "faulty")
    with caplog.at_level(logging.ERROR):
        faulty.par.Go.pulse()
        faulty.par.Level = 0.5
    assert host.stats.callback_errors == 2
    assert faulty.par.Level.eval() == 0.5  # the value was stored; the handler failed after
    assert len(records(caplog, "cannot Go")) == 1
    assert "/faulty onPulse" in records(caplog, "cannot Go")[0].getMessage()
    assert len(records(caplog, "Level was 0.0")) == 1
    host.step()
    assert host.frame == 1


class BrokenOnCreate(BaseCOMP):
    def onCreate(self) -> None:
        self.create(BaseCOMP, "half")
        raise RuntimeError("onCreate exploded")


def test_operator_raising_during_build_leaves_no_half_made_operator(
        host: Host, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="onCreate exploded"):
        host.root.create(BrokenOnCreate, "broken")
    assert host.op("/broken") is None
    assert [node.path for node in host.root.walk()] == [
        "/", "/ChatTD", "/ChatTD/TDAsyncIO", "/ChatTD/TDAsyncIO/task_table"]
    # The name is free again and the host runs on.
    host.root.create(BaseCOMP, "broken")
    host.step(2)
    assert host.frame == 2


def test_scene_build_fault_is_reported_and_the_host_still_closes_cleanly(
        tmp_path: Path) -> None:
    loader = pytest.importorskip("host.scene_loader")
    scene_file = tmp_path / "faulty_scene.py"
    scene_file.write_text(
        "import asyncio\n"
        "from host import BaseCOMP\n"
        "class Bad(BaseCOMP):\n"
        "    def onCreate(self):\n"
        "        raise RuntimeError('wiring failed')\n"
        "async def work():\n"
        "    await asyncio.sleep(3600)\n"
        "def build(host):\n"
        "    host.tasks.Run(work(), description='started before the fault')\n"
        "    host.root.create(Bad, 'bad')\n"
    )
    host = Host(fps=60, realtime=False)
    try:
        scene = loader.load_scene(str(scene_file))
        with pytest.raises(loader.SceneError,
                           match=r"build\(host\) raised RuntimeError: wiring failed at line 5"):
            loader.build_scene(scene, host)
        assert host.op("/bad") is None
        host.step(2)
        assert [row.status for row in host.tasks.rows()] == [TaskStatus.RUNNING]
    finally:
        host.close()


# -- faults that raise nothing -------------------------------------------------------
def test_blocking_coroutine_is_named_with_the_frame_it_stalled(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    # Far above what a busy machine's scheduler can add to a microsecond step, far
    # below the stall: only the stall is reported, however loaded the machine is.
    host.tasks.blocking_threshold = 0.05
    stalled_in: list[int] = []

    async def hog() -> None:
        await asyncio.sleep(0.1)
        stalled_in.append(host.frame)
        time.sleep(0.1)  # the fault under test: blocking the loop

    task_id = host.tasks.Run(hog(), description="hog")
    with caplog.at_level(logging.WARNING):
        host.step(10)
    (report,) = host.tasks.blocking_reports
    assert (report.task_id, report.description, report.frame) == (task_id, "hog", stalled_in[0])
    assert report.seconds >= 0.1
    assert host.stats.warnings == 1
    logged = records(caplog, "blocked the event loop")
    assert len(logged) == 1
    assert logged[0].getMessage().startswith(f"task {task_id} (hog) blocked the event loop")
    assert f"in frame {stalled_in[0]}" in logged[0].getMessage()
    assert status(host, task_id) is TaskStatus.COMPLETED


def test_a_garbage_collection_inside_a_step_is_not_blamed_on_the_task(host: Host) -> None:
    """A full collection over a big heap can take longer than the threshold and lands
    in whichever step allocated last; that is not the coroutine blocking the loop."""
    host.tasks.blocking_threshold = 0.005
    garbage = []
    for _ in range(300_000):  # cycles, so the collection has work to do
        node: list[object] = []
        node.append(node)
        garbage.append(node)
    del garbage
    collected: list[float] = []

    async def collects() -> None:
        await asyncio.sleep(0)
        started = time.perf_counter()
        gc.collect()  # stands in for the collector starting mid-step
        collected.append(time.perf_counter() - started)

    task_id = host.tasks.Run(collects(), description="allocates")
    host.step(3)
    assert status(host, task_id) is TaskStatus.COMPLETED
    assert collected and collected[0] >= 0.005, "the collection should outlast the threshold"
    assert list(host.tasks.blocking_reports) == []


def test_a_step_the_os_only_preempted_is_not_blamed_on_the_task(
        host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    """Other threads (a software GL renderer rasterising the window) or processes can
    take the CPU from a step that only awaits a sleep: stress reported "blocked the
    event loop for 40 ms" for such tasks. A step is blamed only
    if the thread computed or waited of its own accord, as ``time.sleep`` does."""
    from asyncio_comp import blocking

    wall = [0.0]
    usage = {"cpu": 0.0, "waits": 0}
    def clock() -> float:
        return wall[0]

    # The filter reads thread usage only under the system's clocks: count this one.
    monkeypatch.setattr(blocking, "SYSTEM_CLOCKS", (clock,))
    host.wall_clock = clock
    monkeypatch.setattr(blocking, "thread_usage", lambda: (usage["cpu"], usage["waits"]))

    def step_of(cpu: float, waits: int) -> Any:
        async def step() -> None:
            await asyncio.sleep(0)
            wall[0] += 0.05  # 50 ms of wall time pass inside this step
            usage["cpu"] += cpu
            usage["waits"] += waits
        return step()

    preempted = host.tasks.Run(step_of(0.0, 0), description="only awaits sleeps")
    host.step(2)
    sleeper = host.tasks.Run(step_of(0.0, 1), description="calls time.sleep")
    host.step(2)
    hog = host.tasks.Run(step_of(0.05, 0), description="crunches numbers")
    host.step(2)
    assert {r.task_id for r in host.tasks.blocking_reports} == {sleeper, hog}
    assert preempted not in {r.task_id for r in host.tasks.blocking_reports}
    assert host.stats.warnings == 2


async def stubborn() -> None:
    """Swallows every cancellation: the fault under test."""
    while True:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            pass


@pytest.mark.parametrize("how", ["cancel", "timeout"])
def test_swallowed_cancellation_ends_after_the_grace_period_and_is_detached(
        host: Host, caplog: pytest.LogCaptureFixture, how: str) -> None:
    outcomes: list[TaskOutcome] = []
    timeout = 0.5 if how == "timeout" else None
    task_id = host.tasks.Run(stubborn(), description="stubborn", timeout=timeout,
                             completion_callback=outcomes.append)
    host.step()
    if how == "cancel":
        assert host.tasks.CancelTask(task_id)
        asked_at = host.frame
    else:
        host.step(30)  # the timeout fires on frame 31 (t = 0.5 s)
        asked_at = 31
        assert host.frame == asked_at
    grace_frames = round(CANCEL_GRACE_SECONDS * host.fps)
    with caplog.at_level(logging.WARNING):
        host.step(asked_at + grace_frames - 1 - host.frame)
        assert status(host, task_id) is TaskStatus.RUNNING and outcomes == []
        host.step()
    expected = TaskStatus.CANCELLED if how == "cancel" else TaskStatus.TIMEOUT
    assert status(host, task_id) is expected
    assert [o.status for o in outcomes] == [expected]
    assert outcomes[0].completed_at == pytest.approx(outcomes[0].created_at + (
        0.0 if how == "cancel" else 0.5) + CANCEL_GRACE_SECONDS)
    assert "ignored cancellation for 1 s and was detached" in str(outcomes[0].error)
    assert host.tasks.swallowed_cancellations == 1
    assert host.stats.warnings == 1
    logged = records(caplog, "swallowed its cancellation")
    assert [r.getMessage() for r in logged] == [
        f"task {task_id} (stubborn) swallowed its cancellation; marked {expected.value} "
        f"and detached"]
    assert host.tasks.GetActiveTasksCount() == 0
    host.step(120)  # detached, it keeps nothing alive and is reported only once
    assert len(outcomes) == 1 and host.stats.warnings == 1


def test_coroutine_that_catches_cancel_and_returns_still_ends_cancelled(host: Host) -> None:
    """Once CancelTask said True the task ends `cancelled`, even if it returns."""

    async def returns_on_cancel() -> str:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            return "ignored you"
        return "slept"

    outcomes: list[TaskOutcome] = []
    task_id = host.tasks.Run(returns_on_cancel(), completion_callback=outcomes.append)
    host.step()
    assert host.tasks.CancelTask(task_id)
    host.step()
    assert status(host, task_id) is TaskStatus.CANCELLED
    assert [o.status for o in outcomes] == [TaskStatus.CANCELLED]


# -- BaseException from worker code ----------------------------------------------------
class Escape(BaseException):
    """Not an Exception: the kind of error a bare ``except Exception`` misses."""


def test_executor_function_raising_base_exception_fails_only_its_task(host: Host) -> None:
    def explode() -> None:
        raise Escape("out of the thread")

    async def offload() -> None:
        await asyncio.get_running_loop().run_in_executor(None, explode)

    task_id = host.tasks.Run(offload(), description="offload")
    run_until(host, lambda: host.tasks.GetActiveTasksCount() == 0)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    assert (info["status"], describe_error(info["error"])) == (TaskStatus.FAILED,
                                                               "Escape: out of the thread")
    host.step()


@pytest.mark.parametrize("exc", [Escape("no way"), SystemExit(3)], ids=["custom", "SystemExit"])
def test_serial_worker_function_raising_base_exception_fails_its_task_only(
        host: Host, caplog: pytest.LogCaptureFixture, exc: BaseException) -> None:
    worker_comp = pytest.importorskip("asyncio_comp.worker.comp")
    from asyncio_comp.worker.task import WorkerStatus

    worker = worker_comp.create_worker(host, "Worker").worker

    def explode() -> None:
        raise exc

    with caplog.at_level(logging.ERROR):
        bad = worker.submit(explode, description="explode")
        good = worker.submit(lambda: "still alive", description="next")
        run_until(host, good.is_done)
    assert bad.get_status() is WorkerStatus.FAILED
    assert f"{type(exc).__name__}" in (bad.get_error_message() or "")
    assert good.get_status() is WorkerStatus.COMPLETED
    assert good.get_result() == "still alive"
    logged = records(caplog, f"task {bad.id} (explode) raised")
    assert len(logged) == 1

    async def await_it() -> None:
        await worker.submit(explode)

    task_id = host.tasks.Run(await_it())
    run_until(host, lambda: status(host, task_id) is TaskStatus.FAILED)
    assert status(host, task_id) is TaskStatus.FAILED


# -- KeyboardInterrupt during a frame ------------------------------------------------
def _assert_host_usable(host: Host) -> None:
    frame = host.frame
    host.step()  # raises "from inside a frame" if a frame were left half-open
    assert host.frame == frame + 1
    assert host.stats.frames == host.frame or host.stats.frames == host.frame - 1


def test_keyboard_interrupt_in_a_frame_callback_propagates_and_leaves_the_host_usable(
        host: Host) -> None:
    def interrupt(h: Any) -> None:
        if h.frame == 3:
            raise KeyboardInterrupt

    host.on_frame_start(interrupt)
    task_id = host.tasks.Run(forever())
    with pytest.raises(KeyboardInterrupt):
        host.run(frames=10)
    assert host.frame == 3
    assert host.stats.callback_errors == 0  # not a fault: the user asked to stop
    _assert_host_usable(host)
    host.close()
    assert status(host, task_id) is TaskStatus.CANCELLED


def test_keyboard_interrupt_in_a_completion_callback_loses_no_other_callback(
        host: Host) -> None:
    """The callbacks after the interrupted one still fire, each once, by the next frame."""
    fired: list[int] = []

    def callback(outcome: TaskOutcome) -> None:
        fired.append(outcome.task_id)
        if len(fired) == 1:
            raise KeyboardInterrupt

    ids = host.tasks.Run([value(i) for i in range(5)], completion_callback=callback)
    with pytest.raises(KeyboardInterrupt):
        host.step(3)
    host.step()
    assert sorted(fired) == ids
    assert len(fired) == len(set(fired))


def test_keyboard_interrupt_raised_inside_a_coroutine_fails_that_task_only(host: Host) -> None:
    async def interrupted() -> None:
        await asyncio.sleep(0.05)
        raise KeyboardInterrupt

    outcomes: list[TaskOutcome] = []
    bad = host.tasks.Run(interrupted(), description="ctrl-c", completion_callback=outcomes.append)
    good = host.tasks.Run(value("fine"), completion_callback=outcomes.append)
    with pytest.raises(KeyboardInterrupt):
        host.run(frames=10)
    _assert_host_usable(host)
    assert status(host, bad) is TaskStatus.FAILED
    assert status(host, good) is TaskStatus.COMPLETED
    assert sorted(o.task_id for o in outcomes) == [bad, good]
    later = host.tasks.Run(value("after"))
    host.step()
    assert host.tasks.GetTaskResult(later) == "after"


def test_a_very_high_frame_rate_does_not_report_every_step_as_blocking() -> None:
    """At 100k fps two frame periods are 20 µs: every step would be "blocked for 0 ms".
    The threshold never drops below 20 ms."""
    fast, slow = Host(fps=100_000, realtime=False), Host(fps=30, realtime=False)
    try:
        assert fast.tasks.blocking_threshold == 0.02
        assert slow.tasks.blocking_threshold == 2 / 30
    finally:
        fast.close()
        slow.close()
