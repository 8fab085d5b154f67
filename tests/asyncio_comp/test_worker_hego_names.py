"""The Houdini Engine for Godot names on the serial worker: ``get_description()``,
``get_error_message()`` (``""`` when there is no error) and ``start()``."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from worker_gates import WAIT, Gate, finish

from asyncio_comp.worker.serial_worker import SerialWorker
from asyncio_comp.worker.task import WorkerStatus, WorkerStopped


@pytest.fixture
def worker() -> Iterator[SerialWorker]:
    w = SerialWorker(name="hego")
    try:
        yield w
    finally:
        w.stop(timeout=WAIT)


def worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hego-thread"]


def test_get_description_and_an_empty_error_message(worker: SerialWorker) -> None:
    def cook_asset() -> str:
        return "mesh"

    named = worker.submit(cook_asset)
    described = worker.submit(cook_asset, description="cook the hero asset")
    finish(described)
    assert named.get_description().endswith("cook_asset")  # the qualified name
    assert described.get_description() == "cook the hero asset"
    assert described.get_error_message() == ""
    assert not described.get_error_message()  # `if task.get_error_message():` reads right

    def broken() -> None:
        raise ValueError("bad mesh")

    failed = worker.submit(broken)
    finish(failed)
    assert failed.get_error_message() == "ValueError: bad mesh"


def test_start_is_idempotent_and_starts_the_thread_before_any_submit(
        worker: SerialWorker) -> None:
    assert worker_threads() == []
    worker.start()
    worker.start()
    assert len(worker_threads()) == 1
    task = worker.submit(lambda: 7)
    finish(task)
    assert task.get_result() == 7 and len(worker_threads()) == 1


def test_start_runs_a_stopped_worker_again(worker: SerialWorker) -> None:
    finish(worker.submit(lambda: 1))
    assert worker.stop(timeout=WAIT) and worker.stopped
    refused = worker.submit(lambda: 2)
    assert refused.get_status() is WorkerStatus.FAILED
    assert isinstance(refused.get_exception(), WorkerStopped)

    worker.start()
    assert not worker.stopped
    again = worker.submit(lambda: 3)
    finish(again)
    assert again.get_status() is WorkerStatus.COMPLETED and again.get_result() == 3
    assert refused.get_status() is WorkerStatus.FAILED  # what stop() failed stays failed


def test_restarting_while_a_call_outlives_stop_keeps_one_thread_and_the_order(
        worker: SerialWorker) -> None:
    gate = Gate(result="first")
    first = worker.submit(gate)
    gate.hold()
    assert worker.stop(timeout=0.01) is False  # the callable is still running
    worker.start()
    second = worker.submit(lambda: "second")
    assert second.get_status() is WorkerStatus.PENDING
    assert len(worker_threads()) == 1  # the busy thread keeps serving
    gate.release.set()
    finish(second)
    assert [first.get_result(), second.get_result()] == ["first", "second"]
    assert first.finished_at is not None and second.started_at is not None
    assert first.finished_at <= second.started_at
