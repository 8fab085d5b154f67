"""close(): every task cancelled and cleaned up, callbacks fired, loop closed, no warning."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host


@contextmanager
def warnings_as_errors() -> Iterator[list[warnings.WarningMessage]]:
    """Record every warning (including ones raised in __del__ during gc) and fail on any."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
        gc.collect()
    assert [str(w.message) for w in caught] == []


def test_close_cancels_every_task_runs_finally_and_fires_callbacks() -> None:
    cleaned: list[int] = []
    outcomes: list[TaskOutcome] = []
    with warnings_as_errors():
        host = Host(fps=60, realtime=False)
        loop = host.loop

        async def worker(n: int) -> None:
            try:
                await asyncio.sleep(3600)
            finally:
                cleaned.append(n)

        ids = host.tasks.Run([worker(i) for i in range(5)], completion_callback=outcomes.append)
        host.step(3)
        assert host.tasks.GetActiveTasksCount() == 5
        host.close()
        assert sorted(cleaned) == [0, 1, 2, 3, 4]
        assert sorted(o.task_id for o in outcomes) == sorted(ids)
        assert {o.status for o in outcomes} == {TaskStatus.CANCELLED}
        assert loop.is_closed()
        assert host.closed
        del host, loop


def test_pending_never_started_coroutine_is_closed_without_warning() -> None:
    started: list[bool] = []
    outcomes: list[TaskOutcome] = []
    with warnings_as_errors():
        host = Host(fps=60, realtime=False)

        async def never() -> None:
            started.append(True)

        host.tasks.Run(never(), completion_callback=outcomes.append)
        host.close()  # before any frame: the task is still pending
        assert started == []
        assert [o.status for o in outcomes] == [TaskStatus.CANCELLED]
        del host


def test_close_mixed_states_and_async_cleanup() -> None:
    cleanup_steps: list[str] = []
    with warnings_as_errors():
        host = Host(fps=60, realtime=False)

        async def async_cleanup() -> None:
            try:
                await asyncio.sleep(3600)
            finally:
                await asyncio.sleep(0)
                cleanup_steps.append("awaited in finally")

        async def done() -> int:
            return 1

        async def agen_user() -> None:
            async def agen():  # type: ignore[no-untyped-def]
                try:
                    while True:
                        yield 1
                        await asyncio.sleep(3600)
                finally:
                    cleanup_steps.append("agen closed")

            async for _ in agen():
                await asyncio.sleep(3600)

        host.tasks.Run([async_cleanup(), done(), agen_user()])
        host.step(2)
        host.tasks.Run(done())  # pending at close
        host.close()
        assert "awaited in finally" in cleanup_steps
        assert "agen closed" in cleanup_steps
        del host


def test_close_with_a_task_that_ignores_cancellation() -> None:
    with warnings_as_errors():
        host = Host(fps=60, realtime=False)

        async def stubborn() -> None:
            while True:
                try:
                    await asyncio.sleep(3600)
                except asyncio.CancelledError:
                    continue

        task_id = host.tasks.Run(stubborn())
        host.step()
        manager = host.tasks
        host.close()
        info = manager.GetTaskInfo(task_id)
        assert info is not None and info["status"] is TaskStatus.CANCELLED
        assert host.loop.is_closed()
        del host, manager


def test_close_is_idempotent_and_context_manager_closes() -> None:
    with warnings_as_errors():
        with Host(fps=60, realtime=False) as host:
            host.step()
            loop = host.loop
        assert host.closed and loop.is_closed()
        host.close()
        del host, loop


def test_closed_host_refuses_to_step() -> None:
    host = Host(fps=60, realtime=False)
    host.close()
    with pytest.raises(RuntimeError, match=r"step\(\) called on a closed host"):
        host.step()
    with pytest.raises(RuntimeError, match=r"run\(\) called on a closed host"):
        host.run(frames=1)


def test_next_frame_waiter_is_cancelled_at_close() -> None:
    with warnings_as_errors():
        host = Host(fps=60, realtime=False)
        ended: list[str] = []

        async def waiter() -> None:
            try:
                await host.next_frame()
                await host.next_frame()
            except asyncio.CancelledError:
                ended.append("cancelled")
                raise

        host.tasks.Run(waiter())
        host.step()
        host.close()
        assert ended == ["cancelled"]


def test_close_in_default_executor_work_is_shut_down() -> None:
    with warnings_as_errors():
        host = Host(fps=60, realtime=False)

        async def uses_executor() -> int:
            return await asyncio.get_running_loop().run_in_executor(None, sum, [1, 2])

        task_id = host.tasks.Run(uses_executor())
        host.run(until=lambda: host.tasks.GetTaskResult(task_id) == 3, frames=200_000)
        assert host.tasks.GetTaskResult(task_id) == 3
        host.close()
