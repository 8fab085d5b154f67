"""Reliability round 2: every task ends exactly once with its real error,
whatever its exception's ``__str__`` does; the books balance whatever lands where."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import warnings
from collections.abc import Coroutine, Generator
from typing import Any

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host
from td.errors import describe_error


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


# -- Run() during close() ----------------------------------------------------------

def test_a_keep_alive_callback_during_close_neither_leaks_nor_warns(unraisable: list[str]) -> None:
    host = Host(fps=60, realtime=False)
    refused: list[str] = []

    async def serve() -> None:
        await asyncio.sleep(3600)

    def keep_alive(outcome: TaskOutcome) -> None:
        try:
            host.tasks.Run(serve(), completion_callback=keep_alive)
        except RuntimeError as exc:
            refused.append(str(exc))
            raise

    host.tasks.Run(serve(), completion_callback=keep_alive)
    host.step(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        host.close()
        gc.collect()
    assert [str(w.message) for w in caught] == []
    assert refused == ["Run() called while the host is closing; nothing was scheduled"]
    assert host.loop.is_closed()
    assert host.stats.callback_errors == 1


def test_a_finally_that_submits_during_close_neither_leaks_nor_warns(
        unraisable: list[str]) -> None:
    host = Host(fps=60, realtime=False)
    outcomes: list[TaskOutcome] = []

    async def flush() -> None:
        return None

    async def worker() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            host.tasks.Run(flush())

    host.tasks.Run(worker(), completion_callback=outcomes.append)
    host.step(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        host.close()
        gc.collect()
    assert [str(w.message) for w in caught] == []
    assert host.loop.is_closed()
    assert [o.status for o in outcomes] == [TaskStatus.FAILED]
    assert describe_error(outcomes[0].error) == (
        "RuntimeError: Run() called while the host is closing; nothing was scheduled")


# -- close() always closes -----------------------------------------------------------

def test_a_callback_raising_keyboard_interrupt_during_close(unraisable: list[str]) -> None:
    host = Host(fps=60, realtime=False)
    fired: list[int] = []

    async def forever() -> None:
        await asyncio.sleep(3600)

    def interrupting(outcome: TaskOutcome) -> None:
        fired.append(outcome.task_id)
        raise KeyboardInterrupt

    first = host.tasks.Run(forever(), completion_callback=interrupting)
    second = host.tasks.Run(forever(), completion_callback=lambda o: fired.append(o.task_id))
    host.step()
    with pytest.raises(KeyboardInterrupt):
        host.close()
    assert host.closed and host.loop.is_closed()
    assert sorted(fired) == [first, second]  # the other callback still fired, once
    host.close()  # a second close is safe and quiet


def test_a_task_calling_host_close_closes_it_when_the_frame_ends(unraisable: list[str]) -> None:
    host = Host(fps=60, realtime=False)
    outcomes: list[TaskOutcome] = []

    async def closer() -> None:
        await asyncio.sleep(0.05)
        host.close()
        await asyncio.sleep(3600)

    host.tasks.Run(closer(), completion_callback=outcomes.append)
    ran = host.run(frames=100)
    assert ran < 10
    assert host.closed and host.loop.is_closed()
    assert [o.status for o in outcomes] == [TaskStatus.CANCELLED]
    host.close()


class _Suspend:
    """Suspends its awaiter once, without a loop: where a coroutine can ignore
    GeneratorExit by suspending again."""

    def __await__(self) -> Generator[None, None, None]:
        yield


def test_a_coroutine_ignoring_generator_exit_cannot_keep_the_loop_open(
        unraisable: list[str]) -> None:
    host = Host(fps=60, realtime=False)

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                continue  # swallows every cancellation
            except GeneratorExit:
                break
        await _Suspend()  # and ignores GeneratorExit: "coroutine ignored GeneratorExit"

    host.tasks.Run(stubborn())
    host.step(2)
    (task,) = asyncio.all_tasks(host.loop)
    host.close()
    assert host.closed and host.loop.is_closed()
    assert host.stats.warnings >= 1  # "swallowed its cancellation", "could not be closed"
    task.get_coro().close()  # the second GeneratorExit ends it: no warning at GC
    host.close()


def test_close_abandons_a_blocked_to_thread_call_with_a_warning(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio_comp.runner as runner_module

    monkeypatch.setattr(runner_module, "EXECUTOR_CLOSE_SECONDS", 0.05)
    host = Host(fps=60, realtime=False)
    release = threading.Event()
    threading.Timer(20.0, release.set).start()  # bounds the test even if close() waits
    try:
        async def blocked() -> None:
            await asyncio.to_thread(release.wait)

        host.tasks.Run(blocked())
        host.run(until=lambda: host.loop.outside.pending == 1, frames=600)
        with caplog.at_level(logging.WARNING):
            host.close()
        assert not release.is_set(), "close() waited for the thread"
        assert host.loop.is_closed()
        abandoned = [r.getMessage() for r in caplog.records if "abandoned" in r.getMessage()]
        assert len(abandoned) == 1 and "Event.wait()" in abandoned[0], abandoned
    finally:
        release.set()


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
