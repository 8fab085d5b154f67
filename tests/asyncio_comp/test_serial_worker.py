"""SerialWorker and WorkerTask: order, introspection, history, stop, cancel, progress, await.

A real thread runs the tasks, so the tests hold it deterministically with
`threading.Event` gates and wait for it with bounded waits on a condition
(``task.wait(timeout)`` off the host, ``host.run(until=...)`` on it).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import weakref
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from worker_gates import WAIT, Gate, finish, run_host_until

from asyncio_comp.status import TaskStatus
from asyncio_comp.worker.serial_worker import STOPPED_BEFORE_RUN, SerialWorker
from asyncio_comp.worker.task import (
    WorkerError,
    WorkerStatus,
    WorkerStopped,
    WorkerTask,
    WorkerTaskCancelled,
    current_worker_task,
)
from host.assemble import Host
from td.errors import describe_error
from td.thread_guard import ThreadViolation


@pytest.fixture
def worker() -> Iterator[SerialWorker]:
    w = SerialWorker()
    try:
        yield w
    finally:
        w.stop(timeout=WAIT)


def tdasyncio_status(host: Host, task_id: int) -> TaskStatus:
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    status: TaskStatus = info["status"]
    return status


# == basics =====================================================================================
def test_submit_returns_at_once_and_the_task_completes(worker: SerialWorker) -> None:
    gate = Gate(result=42)
    task = worker.submit(gate, description="hold")
    assert task.get_status() in (WorkerStatus.PENDING, WorkerStatus.RUNNING)
    assert task.get_result() is None and not task.is_done()
    gate.release.set()
    finish(task)
    assert task.get_status() is WorkerStatus.COMPLETED
    assert task.get_result() == 42
    assert task.get_error_message() == ""  # HEGo: empty, never None
    assert task.get_progress() == 1.0
    assert task.description == "hold"


def test_statuses_are_ordered_for_polling() -> None:
    assert WorkerStatus.PENDING < WorkerStatus.RUNNING < WorkerStatus.COMPLETED
    assert WorkerStatus.COMPLETED < WorkerStatus.FAILED
    assert [s.is_finished for s in WorkerStatus] == [False, False, True, True]
    assert str(WorkerStatus.RUNNING) == "running"


def test_description_defaults_to_the_callables_qualname(worker: SerialWorker) -> None:
    def build_mesh(size: int) -> int:
        return size

    task = worker.submit(build_mesh, 3)
    partial_task = worker.submit(partial(build_mesh, 4))
    finish(partial_task)
    assert task.description.endswith("build_mesh")
    assert partial_task.description.endswith("build_mesh")
    assert (task.get_result(), partial_task.get_result()) == (3, 4)


def test_submit_rejects_what_it_cannot_run(worker: SerialWorker) -> None:
    async def fetch() -> None:
        return None

    with pytest.raises(TypeError, match=r"submit\(\) expected a callable .* got 3"):
        worker.submit(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"coroutine function .*fetch.*Run"):
        worker.submit(fetch)
    with pytest.raises(TypeError, match="description to be a string or None, got 5"):
        worker.submit(print, description=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="history_size as a whole number >= 0, got -1"):
        SerialWorker(history_size=-1)
    assert worker.get_task_pending_count() == 0


# == order ======================================================================================
def test_strict_submission_order_under_1000_submissions_from_several_threads(
        worker: SerialWorker) -> None:
    ran: list[int] = []
    per_thread: dict[int, list[WorkerTask[None]]] = {}
    start = threading.Barrier(4)

    def submitter(n: int) -> None:
        start.wait(WAIT)
        mine = per_thread.setdefault(n, [])
        for _ in range(250):
            # Each task records its own id, read on the worker thread as it runs.
            mine.append(worker.submit(lambda: ran.append(current_task_id())))

    def current_task_id() -> int:
        task = current_worker_task()
        assert task is not None
        return task.task_id

    threads = [threading.Thread(target=submitter, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    tasks = [task for mine in per_thread.values() for task in mine]
    assert len(tasks) == 1000
    last = max(tasks, key=lambda t: t.task_id)
    finish(last)
    # Every task ran, exactly once, in the order submit() handed out ids.
    assert ran == sorted(t.task_id for t in tasks) == list(range(1, 1001))
    assert all(t.get_status() is WorkerStatus.COMPLETED for t in tasks)
    # Each thread's own submissions ran in the order that thread made them.
    for mine in per_thread.values():
        ids = [t.task_id for t in mine]
        assert ids == sorted(ids)
    assert worker.get_task_pending_count() == 0


def test_another_thread_never_sees_completed_without_the_result(worker: SerialWorker) -> None:
    tasks = [worker.submit(lambda n=n: n * n) for n in range(300)]
    seen_wrong: list[int] = []

    def watch() -> None:
        for n, task in enumerate(tasks):
            while task.get_status() < WorkerStatus.COMPLETED:
                pass
            if task.get_result() != n * n:
                seen_wrong.append(n)

    watcher = threading.Thread(target=watch)
    watcher.start()
    watcher.join(WAIT)
    assert not watcher.is_alive()
    assert seen_wrong == []


# == introspection ==============================================================================
def test_introspection_while_a_task_runs(worker: SerialWorker) -> None:
    gate = Gate()
    running = worker.submit(gate, description="running")
    queued = [worker.submit(str, n, description=f"queued {n}") for n in range(3)]
    gate.hold()

    assert worker.get_current_task() is running
    assert running.get_status() is WorkerStatus.RUNNING
    assert worker.get_pending_tasks() == queued  # in order, without the running one
    assert worker.get_task_pending_count() == 3
    assert [t.get_status() for t in queued] == [WorkerStatus.PENDING] * 3
    assert worker.get_completed_task_history() == []

    snap = worker.snapshot(max_pending=2)
    assert snap.current is not None and snap.current.description == "running"
    assert [r.description for r in snap.pending] == ["queued 0", "queued 1"]
    assert snap.pending_count == 3 and snap.history == ()

    gate.release.set()
    finish(queued[-1])
    assert worker.get_current_task() is None
    assert worker.get_completed_task_history() == [running, *queued]  # newest last
    assert [r.task_id for r in worker.snapshot().history] == [4, 3, 2, 1]  # newest first


def test_history_is_a_ring_buffer_of_history_size() -> None:
    with SerialWorker(history_size=5) as worker:
        tasks = [worker.submit(int, n) for n in range(12)]
        finish(tasks[-1])
        assert worker.get_completed_task_history() == tasks[-5:]
        assert worker.clear_completed_task_history() == 5
        assert worker.get_completed_task_history() == []
        worker.history_size = 2
        more = [worker.submit(int, n) for n in range(3)]
        finish(more[-1])
        assert worker.get_completed_task_history() == more[-2:]
    with SerialWorker(history_size=0) as keeps_none:
        finish(keeps_none.submit(int, 1))
        assert keeps_none.get_completed_task_history() == []


def test_default_history_keeps_64(worker: SerialWorker) -> None:
    tasks = [worker.submit(int, n) for n in range(70)]
    finish(tasks[-1])
    history = worker.get_completed_task_history()
    assert len(history) == 64 and history == tasks[-64:]


# == failures ===================================================================================
def test_a_failing_task_carries_its_message_and_the_worker_goes_on(worker: SerialWorker) -> None:
    def bad_mesh() -> None:
        raise ValueError("mesh has 0 vertices")

    failed = worker.submit(bad_mesh)
    after = worker.submit(int, "7")
    finish(after)
    assert failed.get_status() is WorkerStatus.FAILED
    assert failed.get_error_message() == "ValueError: mesh has 0 vertices"
    assert isinstance(failed.get_exception(), ValueError)
    assert failed.get_result() is None and not failed.cancelled
    assert after.get_result() == 7


@pytest.mark.parametrize("exc", [SystemExit(3), KeyboardInterrupt(), asyncio.CancelledError()])
def test_base_exceptions_fail_the_task_not_the_worker_thread(
        worker: SerialWorker, exc: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    def raise_it() -> None:
        raise exc

    with caplog.at_level(logging.ERROR, logger="framehost.worker"):
        failed = worker.submit(raise_it, description="raiser")
        after = worker.submit(int, "1")
        finish(after)
    name = type(exc).__name__
    assert failed.get_status() is WorkerStatus.FAILED
    assert failed.get_error_message().startswith(name)
    wrapped = failed.get_exception()
    assert isinstance(wrapped, WorkerError) and wrapped.__cause__ is exc
    assert f"raised {name}" in str(wrapped)
    assert after.get_status() is WorkerStatus.COMPLETED  # the thread survived
    assert any("raiser" in r.getMessage() and name in r.getMessage() for r in caplog.records)


def test_a_coroutine_returned_by_the_callable_fails_the_task(worker: SerialWorker) -> None:
    async def later() -> int:
        return 1

    task = worker.submit(lambda: later(), description="returns a coroutine")
    finish(task)  # the coroutine is closed: no "never awaited" warning (an error here)
    assert task.get_status() is WorkerStatus.FAILED
    assert "returned an awaitable" in task.get_error_message()


# == stop =======================================================================================
def test_stop_fails_every_queued_task_and_joins_the_thread() -> None:
    worker = SerialWorker()
    gate = Gate()
    running = worker.submit(gate)
    queued = [worker.submit(int, n) for n in range(3)]
    gate.hold()
    stopper = threading.Thread(target=worker.stop)
    stopper.start()
    for task in queued:  # failed at once, while the running task still runs
        finish(task)
        assert task.get_status() is WorkerStatus.FAILED
        assert task.get_error_message() == f"WorkerStopped: {STOPPED_BEFORE_RUN}"
        assert isinstance(task.get_exception(), WorkerStopped)
    assert running.get_status() is WorkerStatus.RUNNING
    gate.release.set()
    stopper.join(WAIT)
    assert not stopper.is_alive()
    assert running.get_status() is WorkerStatus.COMPLETED  # the running one finished
    assert worker.stopped and worker.get_task_pending_count() == 0
    assert worker.stop() is True  # idempotent


def test_submit_after_stop_returns_a_task_that_already_failed() -> None:
    worker = SerialWorker(name="engine")
    finish(worker.submit(int, 1))
    assert worker.stop(timeout=WAIT)
    late = worker.submit(int, 2)
    assert late.is_done() and late.get_status() is WorkerStatus.FAILED
    assert late.get_error_message() == ("WorkerStopped: engine is stopped; submit() after stop() "
                                        "runs nothing, create a new SerialWorker")
    assert late not in worker.get_completed_task_history()


def test_stop_without_any_task_starts_no_thread() -> None:
    worker = SerialWorker()
    assert worker.stop() is True
    assert worker.get_current_task() is None


# == cancel =====================================================================================
def test_cancel_a_pending_task(worker: SerialWorker) -> None:
    gate = Gate()
    calls: list[int] = []
    running = worker.submit(gate)
    doomed = worker.submit(calls.append, 1, description="doomed")
    kept = worker.submit(calls.append, 2)
    gate.hold()

    assert doomed.cancel() is True
    assert doomed.get_status() is WorkerStatus.FAILED and doomed.cancelled
    assert doomed.get_error_message() == "WorkerTaskCancelled: cancelled before it started"
    assert isinstance(doomed.get_exception(), WorkerTaskCancelled)
    assert worker.get_pending_tasks() == [kept]
    assert doomed.cancel() is False  # already finished
    assert running.cancel() is False  # a running callable cannot be interrupted

    gate.release.set()
    finish(kept)
    assert calls == [2]
    assert worker.get_completed_task_history() == [doomed, running, kept]


# == progress ===================================================================================
def test_progress_reported_on_the_worker_thread_is_read_on_the_main_thread(
        worker: SerialWorker) -> None:
    reported = threading.Event()
    release = threading.Event()

    def cook() -> str:
        task = current_worker_task()
        assert task is not None
        task.report_progress(0.25)
        reported.set()
        assert release.wait(WAIT)
        task.report_progress(0.75)
        return "cooked"

    task = worker.submit(cook)
    assert task.get_progress() is None
    assert reported.wait(WAIT)
    assert task.get_progress() == 0.25
    assert task.row().progress == 0.25
    release.set()
    finish(task)
    assert task.get_progress() == 1.0
    assert current_worker_task() is None  # not on a worker thread
    with pytest.raises(ValueError, match=r"report_progress\(\) expected a fraction from 0 to 1, "
                                         r"got 1.5"):
        task.report_progress(1.5)


# == memory =====================================================================================
class Big:
    """Stands for a large input (a mesh, an image) whose lifetime the test watches."""


def test_a_task_lets_go_of_its_callable_and_arguments_once_it_ran(worker: SerialWorker) -> None:
    big, big_in_failure = Big(), Big()
    ref, ref_failed = weakref.ref(big), weakref.ref(big_in_failure)

    def fails(data: Big) -> None:
        local = data  # noqa: F841  held by the traceback's frame
        raise RuntimeError("no")

    def exits(data: Big) -> None:
        local = data  # noqa: F841
        raise SystemExit(1)

    big_in_exit = Big()
    ref_exit = weakref.ref(big_in_exit)
    done = worker.submit(id, big)
    failed = worker.submit(fails, big_in_failure)
    exited = worker.submit(exits, big_in_exit)
    del big, big_in_failure, big_in_exit
    finish(exited)
    gc.collect()
    assert ref() is None and ref_failed() is None and ref_exit() is None
    assert worker.get_completed_task_history() == [done, failed, exited]
    assert failed.get_error_message() == "RuntimeError: no"


# == awaiting from TDAsyncIO ====================================================================
def test_awaiting_a_worker_task_from_a_tdasyncio_coroutine(host: Host) -> None:
    with SerialWorker() as worker:
        gate = Gate(result={"verts": 8})
        task = worker.submit(gate)

        async def wait_for_it() -> Any:
            return await task

        tid = host.tasks.Run(wait_for_it(), description="await worker")
        assert isinstance(tid, int)
        host.step(5)
        assert tdasyncio_status(host, tid) is TaskStatus.RUNNING  # suspended, not spinning
        gate.release.set()
        run_host_until(host, lambda: tdasyncio_status(host, tid).is_finished)
        assert tdasyncio_status(host, tid) is TaskStatus.COMPLETED
        assert host.tasks.GetTaskResult(tid) == {"verts": 8}


def test_awaiting_a_failed_worker_task_raises_its_exception(host: Host) -> None:
    with SerialWorker() as worker:
        def boom() -> None:
            raise KeyError("parm")

        task = worker.submit(boom)
        caught: list[BaseException] = []

        async def wait_for_it() -> None:
            try:
                await task
            except KeyError as exc:
                caught.append(exc)
                raise

        tid = host.tasks.Run(wait_for_it())
        assert isinstance(tid, int)
        run_host_until(host, lambda: tdasyncio_status(host, tid).is_finished)
        info = host.tasks.GetTaskInfo(tid)
        assert info is not None and info["status"] is TaskStatus.FAILED
        assert describe_error(info["error"]) == "KeyError: 'parm'"
        assert caught and caught[0] is task.get_exception()


def test_awaiting_an_already_finished_task_returns_without_a_frame(host: Host) -> None:
    with SerialWorker() as worker:
        task = worker.submit(int, "5")
        finish(task)

        async def twice() -> int:
            return await task + await task

        tid = host.tasks.Run(twice())
        assert isinstance(tid, int)
        host.step(1)
        assert host.tasks.GetTaskResult(tid) == 10


def test_polling_once_per_frame_with_next_frame(host: Host) -> None:
    with SerialWorker() as worker:
        gate = Gate(result="mesh")
        task = worker.submit(gate)
        polls: list[int] = []

        async def poll() -> Any:
            while task.get_status() < WorkerStatus.COMPLETED:
                polls.append(await host.next_frame())
            return task.get_result()

        tid = host.tasks.Run(poll())
        assert isinstance(tid, int)
        host.step(4)
        gate.release.set()
        run_host_until(host, lambda: tdasyncio_status(host, tid).is_finished)
        assert host.tasks.GetTaskResult(tid) == "mesh"
        # One poll per frame, on consecutive frames.
        assert len(polls) >= 4 and polls == list(range(polls[0], polls[0] + len(polls)))


def test_an_awaiter_cancelled_or_closed_first_does_not_break_the_worker() -> None:
    worker = SerialWorker()
    gate = Gate()
    task = worker.submit(gate)
    gate.hold()
    with Host(realtime=False) as host:
        async def wait_for_it() -> Any:
            return await task

        cancelled = host.tasks.Run(wait_for_it())
        orphaned = host.tasks.Run(wait_for_it())
        assert isinstance(cancelled, int) and isinstance(orphaned, int)
        host.step(2)
        assert host.tasks.CancelTask(cancelled)
        host.step(2)
        assert tdasyncio_status(host, cancelled) is TaskStatus.CANCELLED
        assert task.get_status() is WorkerStatus.RUNNING  # the worker task goes on
    # The host (and its loop) closed while a coroutine awaited the task: finishing it
    # now must not raise on the worker thread or warn about the closed loop.
    gate.release.set()
    finish(task)
    after = worker.submit(int, "3")
    finish(after)
    assert after.get_result() == 3
    assert worker.stop(timeout=WAIT)


# == the thread guard ===========================================================================
def test_a_worker_function_cannot_touch_host_objects(host: Host) -> None:
    with SerialWorker() as worker:
        comp = host.asyncio_comp
        task = worker.submit(lambda: comp.par.Clearafter.eval(), description="touch par")
        finish(task)
        assert task.get_status() is WorkerStatus.FAILED
        assert isinstance(task.get_exception(), ThreadViolation)
        message = task.get_error_message() or ""
        assert message.startswith("ThreadViolation: ")
        assert "was touched from thread 'SerialWorker-thread'" in message

        touch_op = worker.submit(host.op, "/ChatTD")
        finish(touch_op)
        assert isinstance(touch_op.get_exception(), ThreadViolation)
        assert host.asyncio_comp.par.Clearafter.eval() == 60.0  # nothing changed
