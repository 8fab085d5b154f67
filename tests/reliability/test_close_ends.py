"""close() ends, and ends clean, whatever the tasks do while it runs.

Tasks that swallow every error, ignore GeneratorExit, start more work as they
unwind, call Run() from a completion callback or a ``finally``, close the host
themselves or block in a thread: close() returns with the loop closed, and nothing is
left un-awaited or reported destroyed later. A case that would hang the process if
close() never returned runs in a child process with a bounded wait, so the test fails
instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import subprocess
import sys
import textwrap
import threading
import warnings
from collections.abc import Generator
from pathlib import Path

import pytest

from asyncio_comp import TaskOutcome, TaskStatus
from host import Host
from td.errors import describe_error

BOUND = 120.0  # seconds a child process may take; generous, the point is that it ends
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "120"}

SWALLOWS_EVERYTHING = '''
import asyncio

async def swallows_everything():
    while True:
        try:
            await asyncio.sleep(1)
        except:  # noqa: E722  (the fault: GeneratorExit and every error swallowed)
            pass
'''


def run_child(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, capture_output=True, text=True, env=ENV, cwd=cwd,
                              timeout=BOUND)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{args} still running after {BOUND:g} s: {exc.stderr!r}")


class _Suspend:
    """Suspends its awaiter once, without a loop: where a coroutine can ignore
    GeneratorExit by suspending again."""

    def __await__(self) -> Generator[None, None, None]:
        yield


# -- coroutines that refuse to stop --------------------------------------------------

def test_close_returns_when_a_coroutine_swallows_generator_exit_and_every_error(
        tmp_path: Path) -> None:
    script = tmp_path / "stubborn.py"
    script.write_text(SWALLOWS_EVERYTHING + textwrap.dedent('''
        from host import Host

        host = Host(fps=60, realtime=False)
        host.tasks.Run(swallows_everything(), description="stubborn")
        host.step(3)
        host.close()
        print("closed", host.loop.is_closed(), flush=True)
    '''))
    done = run_child([sys.executable, "-X", "dev", "-W", "error", str(script)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "closed True\n"
    assert "could not be closed" in done.stderr  # the one warning naming the task
    assert "Task was destroyed but it is pending" not in done.stderr


def test_framehost_run_exits_with_a_scene_whose_task_swallows_everything(
        tmp_path: Path) -> None:
    scene = tmp_path / "stubborn.py"
    scene.write_text(SWALLOWS_EVERYTHING + textwrap.dedent('''
        def build(host):
            host.tasks.Run(swallows_everything(), description="stubborn")
    '''))
    done = run_child([sys.executable, "-m", "host", "run", str(scene), "--headless",
                      "--frames", "10", "--no-realtime"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Task was destroyed but it is pending" not in done.stderr


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


def test_a_task_abandoned_at_close_is_not_reported_destroyed_later(
        caplog: pytest.LogCaptureFixture, unraisable: list[str]) -> None:
    caplog.set_level(logging.ERROR, logger="asyncio")
    host = Host(fps=60, realtime=False)

    async def ignores_generator_exit() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue
            except GeneratorExit:
                await _Suspend()

    host.tasks.Run(ignores_generator_exit())
    host.step(2)
    host.close()
    assert host.loop.is_closed()
    del host
    gc.collect()
    destroyed = [r.getMessage() for r in caplog.records
                 if "Task was destroyed" in r.getMessage()]
    assert destroyed == []


# -- close(): tasks started while the others unwind ------------------------------------

def test_a_task_started_by_a_task_as_it_unwinds_is_cancelled_too(
        unraisable: list[str]) -> None:
    # A task started by another as it unwinds is cancelled too, so its own
    # `except CancelledError` cleanup runs (closing it at the end would throw
    # GeneratorExit into it instead).
    host = Host(fps=60, realtime=False)
    seen: list[str] = []

    async def cleanup_work() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            seen.append("cleanup task cancelled")
            raise

    async def starts_cleanup_as_it_unwinds() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            asyncio.get_running_loop().create_task(cleanup_work())

    host.tasks.Run(starts_cleanup_as_it_unwinds())
    host.step(2)
    host.close()
    assert host.loop.is_closed()
    assert seen == ["cleanup task cancelled"]


def test_close_is_bounded_by_a_task_that_starts_itself_again_whenever_it_ends(
        unraisable: list[str]) -> None:
    # Each cancelled task starts the next; close() gives up after its bound, and the
    # coroutine started last is closed with the loop, not left un-awaited
    # ("RuntimeWarning: coroutine ... was never awaited").
    host = Host(fps=60, realtime=False)
    started: list[int] = []

    async def respawns() -> None:
        started.append(1)
        try:
            await asyncio.sleep(3600)
        finally:
            asyncio.get_running_loop().create_task(respawns())

    host.tasks.Run(respawns())
    host.step(2)
    host.close()
    assert host.loop.is_closed()
    assert len(started) > 2  # each cancelled one started the next, until close gave up


def test_a_tracked_task_started_while_closing_is_refused_in_one_sentence() -> None:
    host = Host(fps=60, realtime=False)
    refused: list[str] = []

    async def later() -> None:
        await asyncio.sleep(1)

    async def starts_one_as_it_unwinds() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            try:
                host.tasks.Run(later())
            except RuntimeError as exc:
                refused.append(str(exc))
            raise

    host.tasks.Run(starts_one_as_it_unwinds())
    host.step(2)
    host.close()
    assert refused == ["Run() called while the host is closing; nothing was scheduled"]


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


# -- close() from a callback or a task; a thread that never returns -------------------

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


# -- a run pending at close; a host never closed ----------------------------------------

def test_a_pending_run_is_not_pending_once_its_host_closed() -> None:
    from td.environment import run

    called: list[int] = []
    host = Host(fps=60, realtime=False)
    pending = run(called.append, 1, delayFrames=5)
    assert pending.active
    host.close()
    assert not pending.active and "done" in repr(pending)
    assert pending.kill() is False and called == []


def test_a_host_dropped_without_close_is_collected_quietly(tmp_path: Path) -> None:
    # It lives while its loop is the thread's current one (asyncio.get_event_loop()
    # between frames is the host's loop); once another loop is set, or at exit, it is
    # collected: quietly, its loop closed.
    script = tmp_path / "dropped.py"
    script.write_text(textwrap.dedent('''
        import asyncio, gc, weakref
        from host import Host

        async def forever():
            await asyncio.sleep(3600)

        def dropped():
            host = Host(fps=60, realtime=False)
            host.tasks.Run(forever())
            host.step(3)
            return weakref.ref(host)

        first = dropped()
        asyncio.set_event_loop(None)  # as asyncio.run() leaves it
        gc.collect()
        print("collected", first() is None, flush=True)
        second = dropped()  # left for the interpreter's exit
    '''))
    done = run_child([sys.executable, "-X", "dev", "-W", "error", str(script)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "collected True\n"
    assert done.stderr == ""
