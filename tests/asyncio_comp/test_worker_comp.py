"""SerialWorkerCOMP: the worker in the network, its worker_table, snapshot and shutdown."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from worker_gates import WAIT, Gate, finish, run_host_until

from asyncio_comp.worker.comp import SerialWorkerCOMP, create_worker, find_workers
from asyncio_comp.worker.serial_worker import STOPPED_BEFORE_RUN, SerialWorker
from asyncio_comp.worker.table import WORKER_COLUMNS
from asyncio_comp.worker.task import WorkerStatus, WorkerTask, current_worker_task
from host.assemble import Host
from td.network import BaseCOMP
from td.thread_guard import ThreadViolation


def table(comp: SerialWorkerCOMP) -> list[dict[str, str]]:
    header, *rows = comp.worker_table.values()
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_create_worker_puts_a_worker_comp_under_chattd(host: Host) -> None:
    comp = create_worker(host, "Engine", history_size=8)
    assert comp.path == "/ChatTD/Engine" and host.op("/ChatTD/Engine") is comp
    assert isinstance(comp.worker, SerialWorker) and comp.ext.SerialWorker is comp.worker
    assert comp.worker.history_size == 8
    assert comp.worker_table.path == "/ChatTD/Engine/worker_table"
    assert tuple(comp.worker_table.values()[0]) == WORKER_COLUMNS
    assert find_workers(host) == [comp]
    with pytest.raises(ValueError, match="already has a child named 'Engine'"):
        create_worker(host, "Engine")
    with pytest.raises(ValueError, match="history_size expected an integer >= 0, got -1"):
        create_worker(host, "Other", history_size=-1)
    assert host.op("/ChatTD/Other") is None


def test_find_workers_gives_every_worker_comp_in_creation_order_and_drops_destroyed(
        host: Host) -> None:
    first = create_worker(host, "First")
    nested = host.root.create(BaseCOMP, "deep").create(BaseCOMP, "er")
    second = nested.create(SerialWorkerCOMP, "Second")
    third = create_worker(host, "Third")
    assert find_workers(host) == [first, second, third]
    with Host(fps=60.0, realtime=False) as other:
        assert find_workers(other) == []
    nested.destroy()
    assert find_workers(host) == [first, third]
    first.destroy()
    assert find_workers(host) == [third]


def test_worker_table_follows_the_queue_frame_by_frame(host: Host) -> None:
    comp = create_worker(host)
    gate = Gate(progress=0.4)
    running = comp.submit(gate, description="cook")
    pending = [comp.submit(int, "1", description="fetch"),
               comp.submit(int, "x", description="bad parse")]
    gate.hold()
    host.step(1)
    rows = table(comp)
    assert [(r["task_id"], r["status"], r["description"]) for r in rows] == [
        ("1", "running", "cook"), ("2", "pending", "fetch"), ("3", "pending", "bad parse")]
    assert rows[0]["progress"] == "0.40" and rows[0]["started_at"] != ""
    assert rows[1]["progress"] == rows[1]["started_at"] == ""

    version = comp.worker_table.version
    host.step(3)
    assert comp.worker_table.version == version  # nothing moved, nothing rewritten

    gate.release.set()
    finish(pending[-1])
    host.step(1)
    rows = table(comp)
    assert [r["status"] for r in rows] == ["completed", "completed", "failed"]
    assert rows[0]["progress"] == "1.00" and rows[0]["finished_at"] != ""
    assert rows[2]["error"] == "ValueError: invalid literal for int() with base 10: 'x'"
    assert running.get_status() is WorkerStatus.COMPLETED


def test_the_running_tasks_progress_cell_updates_each_frame(host: Host) -> None:
    comp = create_worker(host)
    reported = threading.Event()
    step = threading.Event()
    release = threading.Event()

    def cook() -> None:
        task = current_worker_task()
        assert task is not None
        task.report_progress(0.1)
        reported.set()
        assert step.wait(WAIT)
        task.report_progress(0.6)
        reported.set()
        assert release.wait(WAIT)

    task = comp.submit(cook)
    assert reported.wait(WAIT)
    host.step(1)
    assert comp.worker_table[1, "progress"].val == "0.10"
    reported.clear()
    step.set()
    assert reported.wait(WAIT)
    host.step(1)
    assert comp.worker_table[1, "progress"].val == "0.60"
    release.set()
    finish(task)


def test_history_cap_and_clear_history_remove_rows(host: Host) -> None:
    comp = create_worker(host, history_size=3)
    tasks = [comp.submit(int, n) for n in range(6)]
    finish(tasks[-1])
    host.step(1)
    assert [r["task_id"] for r in table(comp)] == ["4", "5", "6"]
    comp.par.Historysize = 1
    host.step(1)
    assert [r["task_id"] for r in table(comp)] == ["6"]
    comp.par.Clearhistory.pulse()
    host.step(1)
    assert table(comp) == [] and comp.worker.get_completed_task_history() == []


def test_cancel_pending_pulse(host: Host) -> None:
    comp = create_worker(host)
    gate = Gate()
    comp.submit(gate)
    waiting = [comp.submit(int, n) for n in range(3)]
    gate.hold()
    comp.par.Cancelpending.pulse()
    assert all(t.cancelled and t.get_status() is WorkerStatus.FAILED for t in waiting)
    host.step(1)
    rows = table(comp)
    assert [r["status"] for r in rows] == ["running", "failed", "failed", "failed"]
    assert rows[1]["error"] == "WorkerTaskCancelled: cancelled before it started"
    gate.release.set()


def test_update_table_off_and_on_rebuilds_the_table(host: Host) -> None:
    comp = create_worker(host)
    comp.par.Updatetable = False
    tasks = [comp.submit(int, n) for n in range(3)]
    finish(tasks[-1])
    host.step(2)
    assert table(comp) == []
    comp.par.Updatetable = True
    host.step(1)
    assert [(r["task_id"], r["status"]) for r in table(comp)] == [
        ("1", "completed"), ("2", "completed"), ("3", "completed")]


def test_snapshot_for_views(host: Host) -> None:
    comp = create_worker(host)
    gate = Gate()
    comp.submit(gate, description="cook")
    comp.submit(int, 1, description="first")
    comp.submit(int, 2, description="second")
    gate.hold()
    snap = comp.snapshot()
    assert snap.name == "/ChatTD/Worker" and not snap.stopped
    assert snap.current is not None and snap.current.status is WorkerStatus.RUNNING
    assert [r.description for r in snap.pending] == ["first", "second"]
    assert comp.snapshot() is snap  # cached while nothing moved
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.current.description = "changed"  # type: ignore[misc]
    gate.release.set()
    run_host_until(host, lambda: comp.snapshot().pending_count == 0
                   and comp.snapshot().current is None)
    snap = comp.snapshot()
    assert [r.description for r in snap.history] == ["second", "first", "cook"]  # newest first
    assert all(r.status is WorkerStatus.COMPLETED for r in snap.history)
    assert snap.history[-1].duration(host.time()) is not None


def test_closing_the_host_stops_its_workers() -> None:
    host = Host(realtime=False)
    comp = create_worker(host)
    worker = comp.worker
    gate = Gate()
    running = comp.submit(gate)
    queued = [comp.submit(int, n) for n in range(3)]
    gate.hold()
    # The close hook joins the worker thread, so let a real thread end the running task.
    releaser = threading.Timer(0.05, gate.release.set)
    releaser.start()
    host.close()
    releaser.join(WAIT)
    assert worker.stopped
    assert running.get_status() is WorkerStatus.COMPLETED
    assert [t.get_error_message() for t in queued] == [f"WorkerStopped: {STOPPED_BEFORE_RUN}"] * 3
    late = worker.submit(int, 1)
    assert late.get_status() is WorkerStatus.FAILED and "is stopped" in (
        late.get_error_message())


def test_destroying_the_comp_stops_its_worker(host: Host) -> None:
    comp = create_worker(host)
    worker = comp.worker
    finish(comp.submit(int, 1))
    comp.destroy()
    assert worker.stopped
    host.step(2)  # its cook hook stays registered and does nothing


def test_a_worker_function_touching_the_comp_raises_thread_violation(host: Host) -> None:
    comp = create_worker(host)
    task = comp.submit(lambda: comp.par.Historysize.eval())
    finish(task)
    host.step(1)
    assert isinstance(task.get_exception(), ThreadViolation)
    assert table(comp)[0]["status"] == "failed"
    assert table(comp)[0]["error"].startswith(
        "ThreadViolation: <ParCollection of /ChatTD/Worker> was touched from thread "
        "'/ChatTD/Worker-thread'")

    # The COMP is a host object too; the worker it holds is not.
    worker = comp.worker
    caught: list[BaseException] = []
    submitted: list[WorkerTask[int]] = []

    def from_another_thread() -> None:
        try:
            comp.submit(int, 1)
        except ThreadViolation as exc:
            caught.append(exc)
        submitted.append(worker.submit(int, 2))

    t = threading.Thread(target=from_another_thread)
    t.start()
    t.join(WAIT)
    assert len(caught) == 1 and "SerialWorkerCOMP /ChatTD/Worker" in str(caught[0])
    finish(submitted[0])
    assert submitted[0].get_result() == 2
