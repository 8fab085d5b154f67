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
