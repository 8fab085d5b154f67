"""asyncio_comp.to_thread and cancel_requested: cancellation that reaches a thread."""

from __future__ import annotations

import threading
import time

from asyncio_comp import cancel_requested, to_thread
from host import Host

WAIT = 10.0  # seconds: the bound on every wait for the thread


def run_until(host: Host, condition: object) -> None:
    deadline = time.monotonic() + WAIT
    host.run(until=lambda: bool(condition()) or time.monotonic() > deadline,  # type: ignore[operator]
             frames=2_000_000)
    assert condition(), f"condition not met after {host.frame} frames"  # type: ignore[operator]


def test_to_thread_returns_the_result_and_counts_as_outside_work(host: Host) -> None:
    seen: list[object] = []

    def add(a: int, b: int, *, scale: int) -> int:
        seen.append(threading.current_thread() is threading.main_thread())
        return (a + b) * scale

    begun = host.tasks.loop.outside.started
    task_id = host.tasks.Run(to_thread(add, 2, 3, scale=10))
    run_until(host, lambda: host.tasks.GetTaskInfo(task_id)["status"].is_finished)
    assert host.tasks.GetTaskResult(task_id) == 50
    assert seen == [False]  # off the host's thread
    assert host.tasks.loop.outside.started == begun + 1


def test_cancel_requested_turns_true_in_the_thread_once_its_task_is_cancelled(
        host: Host) -> None:
    started = threading.Event()
    stopped = threading.Event()
    asked_before: list[bool] = []

    def crunch() -> str:
        asked_before.append(cancel_requested())
        started.set()
        deadline = time.monotonic() + WAIT
        while not cancel_requested() and time.monotonic() < deadline:
            time.sleep(0.001)
        stopped.set()
        return "stopped early" if cancel_requested() else "ran out"

    task_id = host.tasks.Run(to_thread(crunch))
    run_until(host, started.is_set)
    assert asked_before == [False]
    assert host.tasks.CancelTask(task_id)
    run_until(host, lambda: host.tasks.GetTaskInfo(task_id)["status"].is_finished)
    assert host.tasks.GetTaskInfo(task_id)["status"].value == "cancelled"
    assert stopped.wait(WAIT)  # the thread saw it and returned, well before its bound


def test_cancel_requested_is_false_outside_a_to_thread_thread(host: Host) -> None:
    results: list[bool] = []
    thread = threading.Thread(target=lambda: results.append(cancel_requested()))
    thread.start()
    thread.join(WAIT)
    assert results == [False] and cancel_requested() is False


def test_to_thread_refuses_what_is_not_callable(host: Host) -> None:
    async def call() -> str:
        try:
            await to_thread(42)  # type: ignore[arg-type]
        except TypeError as exc:
            return str(exc)
        return "no error"

    task_id = host.tasks.Run(call())
    host.step(2)
    assert host.tasks.GetTaskResult(task_id) == (
        "to_thread() expected a callable followed by its arguments, got 42")
