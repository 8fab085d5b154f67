"""DaemonThreadPool: the loop's default executor, which a close can walk away from."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading

import pytest

from asyncio_comp.executor import DaemonThreadPool, describe_call
from host import Host

WAIT = 10.0


def test_describe_call_sees_through_to_thread_wrapping() -> None:
    event = threading.Event()
    wrapped = functools.partial(contextvars.copy_context().run, event.wait, 5)
    assert describe_call(wrapped) == "Event.wait(5)"
    assert describe_call(sum, ([1, 2],)) == "sum([1, 2])"
    assert describe_call(print, ("x" * 100,)).endswith("...)")


def test_runs_calls_and_reports_their_results_and_errors() -> None:
    pool = DaemonThreadPool(max_workers=2)
    try:
        assert pool.submit(sum, [1, 2, 3]).result(WAIT) == 6
        with pytest.raises(ZeroDivisionError):
            pool.submit(divmod, 1, 0).result(WAIT)
        assert list(pool.map(abs, [-1, -2])) == [1, 2]
    finally:
        assert pool.close(WAIT) == []


def test_close_cancels_queued_calls_and_abandons_a_stuck_one() -> None:
    pool = DaemonThreadPool(max_workers=1)
    release, started = threading.Event(), threading.Event()

    def stuck() -> str:
        started.set()
        release.wait(WAIT)
        return "done"

    try:
        running = pool.submit(stuck)
        queued = pool.submit(sum, [1])
        assert started.wait(WAIT)
        assert pool.close(0.01) == ["test_close_cancels_queued_calls_and_abandons_a_stuck_one."
                                    "<locals>.stuck()"]
        assert queued.cancelled()
        assert all(t.daemon for t in threading.enumerate() if t.name.startswith("framehost-ex"))
        with pytest.raises(RuntimeError, match="after the executor shut down"):
            pool.submit(sum, [1])
    finally:
        release.set()
    assert running.result(WAIT) == "done"


def test_is_the_host_loops_default_executor(host: Host) -> None:
    async def in_thread() -> str:
        return await asyncio.to_thread(lambda: threading.current_thread().name)

    task_id = host.tasks.Run(in_thread())
    host.run(until=lambda: host.tasks.GetTaskResult(task_id) is not None, frames=600)
    assert str(host.tasks.GetTaskResult(task_id)).startswith("framehost-executor_")
