"""The host's loop driven directly, as a plain asyncio program (or CPython's
test_asyncio) drives it: ``run_until_complete`` on ``host.loop`` instead of frames.

Deviations CPython's test suite found: a realtime host's loop driven before the
first frame waited on a clock that read 0.0 forever; a virtual host's loop, whose
time moves only with frames, hung on its first timer; in debug mode every handle
and task's ``_source_traceback`` ended in ``_loop_internals.py``, not at the line
that made it.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from host import Host


def test_a_realtime_loop_driven_before_the_first_frame_runs_its_timers(
        realtime_host: Host) -> None:
    started = time.monotonic()
    assert realtime_host.loop.run_until_complete(asyncio.sleep(0.05, "woke")) == "woke"
    assert time.monotonic() - started >= 0.05
    realtime_host.step()
    # Host time started with the direct run: the first frame comes after it.
    assert realtime_host.frame == 1 and realtime_host.seconds >= 0.05


def test_a_virtual_loop_driven_directly_jumps_to_its_next_timer(host: Host) -> None:
    assert host.loop.run_until_complete(asyncio.sleep(30, "woke")) == "woke"
    assert host.loop.time() == 30.0
    assert host.seconds == 0.0 and host.frame == 0  # the host's clock moves with frames
    host.step(31)
    assert host.loop.time() == pytest.approx(30.5)  # frames go on from there
    assert host.seconds == 0.5


def test_a_virtual_loop_driven_directly_never_outruns_a_thread(host: Host) -> None:
    async def from_a_thread() -> str:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()

        def report() -> None:
            time.sleep(0.3)
            loop.call_soon_threadsafe(future.set_result, "reported")

        threading.Thread(target=report, daemon=True).start()
        return await asyncio.wait_for(future, 2.0)

    assert host.loop.run_until_complete(from_a_thread()) == "reported"
    # Virtual time followed real time while the thread worked (it moved, but stayed
    # under the 2 s timeout). No lower bound tied to the thread's 0.3 s: the loop
    # starts following real time when it sees the wait, a moment after the thread's
    # sleep began (CI read 0.297).
    assert 0.0 < host.loop.time() < 2.0


@pytest.mark.parametrize("fixture", ["host", "realtime_host"])
def test_debug_source_tracebacks_end_at_the_users_line(
        fixture: str, request: pytest.FixtureRequest) -> None:
    host: Host = request.getfixturevalue(fixture)
    loop = host.loop
    loop.set_debug(True)
    try:
        async def nothing() -> None:
            pass

        handle = loop.call_soon(lambda: None); line = _line()  # noqa: E702
        threadsafe = loop.call_soon_threadsafe(lambda: None); ts_line = _line()  # noqa: E702
        task = loop.create_task(nothing()); task_line = _line()  # noqa: E702
        for made, where in ((handle, line), (threadsafe, ts_line), (task, task_line)):
            last = made._source_traceback[-1]  # type: ignore[attr-defined]
            assert (last.filename, last.lineno) == (__file__, where)
        loop.run_until_complete(task)
    finally:
        loop.set_debug(False)


def _line() -> int:
    """The line of the caller's call (for the statement just before it, on the same line)."""
    import sys

    return sys._getframe(1).f_lineno


def test_closing_a_host_whose_loop_was_closed_directly_is_clean() -> None:
    """A plain asyncio program closes its loop after ``run_until_complete``; the
    host closed after that neither raises nor leaves a coroutine never awaited."""
    host = Host(realtime=False)
    host.loop.run_until_complete(asyncio.sleep(0))
    host.loop.close()
    host.close()
    assert host.closed


def test_a_task_factory_without_a_context_parameter_still_works(host: Host) -> None:
    """Factories written before Python 3.11 take ``(loop, coro)`` only; asyncio passes
    ``context`` only when one was given, and so does the host's loop."""
    made: list[object] = []

    def factory(loop: asyncio.AbstractEventLoop, coro: object) -> asyncio.Task[object]:
        task = asyncio.Task(coro, loop=loop)  # type: ignore[arg-type]
        made.append(task)
        return task

    async def nothing() -> str:
        return "ran"

    host.loop.set_task_factory(factory)
    try:
        assert host.loop.run_until_complete(host.loop.create_task(nothing())) == "ran"
    finally:
        host.loop.set_task_factory(None)
    assert len(made) == 1
