"""The serial worker and the frame waiters under misuse."""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
import threading
import warnings

import pytest
from worker_gates import WAIT, Gate

from asyncio_comp.worker.comp import SerialWorkerCOMP
from host import Host, ThreadViolation


async def fetch() -> int:
    return 1


def test_submitting_a_coroutine_object_is_refused_and_closes_it(host: Host) -> None:
    worker = host.create_worker().worker
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        coro = fetch()
        with pytest.raises(TypeError, match=r"got the coroutine <coroutine object fetch.*Run\(\)"):
            worker.submit(coro)  # type: ignore[arg-type]
        assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED
        del coro
        gc.collect()
    assert [str(w.message) for w in caught] == []
    assert worker.get_task_pending_count() == 0
    assert worker.get_completed_task_history() == []


def test_close_waits_for_a_stuck_worker_once(monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    # The wait itself is real (a thread is stuck); what is checked is how many times
    # close() gave up on it, not how long it took.
    monkeypatch.setattr(SerialWorkerCOMP, "STOP_TIMEOUT_SECONDS", 0.05)
    host = Host(fps=60, realtime=False)
    gate = Gate()
    try:
        host.create_worker().worker.submit(gate)
        gate.hold()
        with caplog.at_level(logging.WARNING):
            host.close()
        gave_up = [r for r in caplog.records if "gave up" in r.getMessage()]
        assert len(gave_up) == 1, [r.getMessage() for r in caplog.records]
    finally:
        gate.release.set()


def test_next_frame_from_another_thread_raises_thread_violation(host: Host) -> None:
    caught: list[BaseException] = []

    def intruder() -> None:
        try:
            asyncio.run(asyncio.wait_for(host.next_frame(), 1.0))
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=intruder, name="intruder")
    thread.start()
    thread.join(WAIT)
    assert not thread.is_alive()
    assert len(caught) == 1 and isinstance(caught[0], ThreadViolation), caught
    assert "intruder" in str(caught[0])
    host.step()  # no waiter of another loop was left behind to resolve


@pytest.mark.parametrize("exc_type", [SystemExit, KeyboardInterrupt])
def test_a_done_callback_raising_system_exit_leaves_the_worker_serving(
        exc_type: type[BaseException], caplog: pytest.LogCaptureFixture) -> None:
    from asyncio_comp import SerialWorker, WorkerStatus

    def fatal(task: object) -> None:
        raise exc_type

    worker = SerialWorker()
    release = threading.Event()
    try:
        first = worker.submit(release.wait, 30.0)
        with caplog.at_level(logging.ERROR):
            first.add_done_callback(fatal)  # pending: it runs on the worker thread
            later = [worker.submit(int, str(n)) for n in range(2, 5)]
            done = threading.Event()
            later[-1].add_done_callback(lambda _t: done.set())
            release.set()
            assert done.wait(30.0), "the worker thread died"
        assert [t.get_result() for t in later] == [2, 3, 4]
        assert all(t.get_status() is WorkerStatus.COMPLETED for t in later)
        assert first.get_status() is WorkerStatus.COMPLETED
    finally:
        release.set()
        assert worker.stop(30.0)
    assert any(f"raised {exc_type.__name__}" in r.getMessage() for r in caplog.records)
