"""LOPs semantics framehost keeps: timeout=0 means no timeout, and a description that
is not a string is shown as str(description)."""

from __future__ import annotations

import asyncio

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host
from host.testing import run_until


async def forever() -> None:
    await asyncio.sleep(3600)


def test_a_non_string_description_is_shown_as_its_str(host: Host) -> None:
    class Job:
        def __str__(self) -> str:
            return "job #7"

    first = host.tasks.Run(forever(), description=7)
    second = host.tasks.Run(forever(), description=Job())  # type: ignore[arg-type]
    host.step(1)
    assert [host.tasks.GetTaskInfo(i)["description"] for i in (first, second)] == [  # type: ignore[index]
        "7", "job #7"]
    table = host.asyncio_comp.task_table
    assert table[str(first), "description"] == "7"
    assert table[str(second), "description"] == "job #7"


def test_timeout_zero_or_none_never_ends_the_task_but_a_small_one_does(host: Host) -> None:
    zero = host.tasks.Run(forever(), timeout=0)
    none = host.tasks.Run(forever(), timeout=None)
    tiny = host.tasks.Run(forever(), timeout=0.01)
    host.step(120)
    statuses = [host.tasks.GetTaskInfo(i)["status"] for i in (zero, none, tiny)]  # type: ignore[index]
    assert statuses == [TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.TIMEOUT]


# -- the host's loop is the current event loop, as in TD --------------------------------
async def answer(log: list[str], what: str) -> str:
    await asyncio.sleep(0.05)
    log.append(what)
    return what


def test_ensure_future_from_a_completion_callback_runs_on_the_host_loop(host: Host) -> None:
    log: list[str] = []
    futures: list[asyncio.Future[str]] = []

    def chain(outcome: object) -> None:
        assert asyncio.get_event_loop() is host.loop
        futures.append(asyncio.ensure_future(answer(log, "chained")))

    host.tasks.Run(answer(log, "first"), completion_callback=chain)
    run_until(host, lambda: log, frames=20)
    assert log == ["first"] and len(futures) == 1 and not futures[0].done()
    run_until(host, lambda: futures[0].done(), frames=20)
    assert log == ["first", "chained"]  # it really ran, on the loop the host steps
    assert futures[0].get_loop() is host.loop and futures[0].result() == "chained"


def test_get_event_loop_in_a_frame_hook_is_the_host_loop(host: Host) -> None:
    log: list[str] = []
    seen: list[object] = []

    def hook(h: Host) -> None:
        seen.append(asyncio.get_event_loop())
        if h.frame == 2:
            asyncio.get_event_loop().create_task(answer(log, "from a hook"))

    host.on_frame_end(hook)
    host.step(10)
    assert set(seen) == {host.loop} and log == ["from a hook"]


def test_each_hosts_frames_see_their_own_loop_and_close_restores() -> None:
    before = asyncio.new_event_loop()
    asyncio.set_event_loop(before)
    try:
        with Host(fps=60, realtime=False) as first, Host(fps=60, realtime=False) as second:
            seen: dict[str, object] = {}
            first.on_frame_start(lambda h: seen.__setitem__("first", asyncio.get_event_loop()))
            second.on_frame_start(lambda h: seen.__setitem__("second",
                                                             asyncio.get_event_loop()))
            second.step(1)
            first.step(1)
            asyncio.set_event_loop(None)  # as asyncio.run() leaves it
            second.step(1)
            assert seen == {"first": first.loop, "second": second.loop}
        assert asyncio.get_event_loop() is before
    finally:
        asyncio.set_event_loop(None)
        before.close()


def test_closing_the_only_host_gives_back_the_loop_that_was_current() -> None:
    before = asyncio.new_event_loop()
    asyncio.set_event_loop(before)
    try:
        with Host(fps=60, realtime=False) as host:
            assert asyncio.get_event_loop() is host.loop
        assert asyncio.get_event_loop() is before
    finally:
        asyncio.set_event_loop(None)
        before.close()


# -- the completion record, as LOPs's AsyncIOTask -----------------------------------------
async def broken() -> None:
    raise ValueError("bad reply")


def test_the_record_carries_lops_fields_and_the_error_object(host: Host) -> None:
    outcomes: dict[int, TaskOutcome] = {}

    def done(outcome: TaskOutcome) -> None:
        outcomes[outcome.task_id] = outcome

    failing = broken()
    failed_id = host.tasks.Run(failing, completion_callback=done, timeout=0)
    slow_id = host.tasks.Run(forever(), completion_callback=done, timeout=0.05)
    never = forever()
    never_id = host.tasks.Run(never, completion_callback=done)
    host.tasks.CancelTask(never_id)  # cancelled while pending: it never had a task
    host.step(5)

    failed = outcomes[failed_id]
    assert failed.coroutine is failing and failed.completion_callback is done
    assert failed.timeout is None  # 0 means none
    assert isinstance(failed.task, asyncio.Task) and failed.task.done()
    assert isinstance(failed.error, ValueError) and str(failed.error) == "bad reply"
    assert failed.error is failed.exception

    slow = outcomes[slow_id]
    assert slow.timeout == 0.05 and isinstance(slow.error, TimeoutError)
    assert str(slow.error) == "task exceeded its timeout of 0.05 s" and slow.exception is None
    assert outcomes[never_id].task is None and outcomes[never_id].coroutine is never
    assert outcomes[never_id].error is None

    info = host.tasks.GetTaskInfo(failed_id)
    assert info is not None and info["error"] is failed.error
    table = host.asyncio_comp.task_table
    assert table[str(failed_id), "error"] == "ValueError: bad reply"
    assert table[str(slow_id), "error"] == "TimeoutError: task exceeded its timeout of 0.05 s"
    row = host.tasks.row(failed_id)
    assert row is not None and row.error == "ValueError: bad reply"  # what views show
