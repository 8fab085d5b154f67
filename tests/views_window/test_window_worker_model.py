"""The worker panel's lines, without pixels: what fits where when the queue is long."""

from __future__ import annotations

from asyncio_comp import WorkerSnapshot, WorkerStatus, WorkerTaskRow
from host.views.window.worker_model import MIN_SECTION_LINES, LineKind, worker_lines


def row(task_id: int, status: WorkerStatus, *, error: str | None = None,
        cancelled: bool = False, progress: float | None = None) -> WorkerTaskRow:
    started = None if status is WorkerStatus.PENDING or cancelled else 1.0
    finished = 2.5 if status >= WorkerStatus.COMPLETED else None
    return WorkerTaskRow(task_id, f"task {task_id}", status, progress, error, 0.0, started,
                         finished, cancelled)


def snapshot(name: str = "/ChatTD/Houdini", *, current: WorkerTaskRow | None = None,
             pending: int = 0, history: int = 0, stopped: bool = False) -> WorkerSnapshot:
    first_pending = 1000
    return WorkerSnapshot(
        name=name, current=current,
        pending=tuple(row(first_pending + i, WorkerStatus.PENDING) for i in range(pending)),
        pending_count=pending,
        history=tuple(row(history - i, WorkerStatus.COMPLETED) for i in range(history)),
        history_size=64, stopped=stopped, version=1)


def test_idle_worker_is_a_name_and_idle() -> None:
    lines = worker_lines([snapshot()], 20, now=3.0)
    assert [(ln.kind, ln.text, ln.side) for ln in lines] == [
        (LineKind.WORKER, "/ChatTD/Houdini", "0 queued"), (LineKind.NOTE, "idle", "")]


def test_running_task_has_a_ticking_duration_and_a_progress_line() -> None:
    current = row(7, WorkerStatus.RUNNING, progress=0.25)
    lines = worker_lines([snapshot(current=current)], 20, now=3.0)
    assert lines[1].label == "running" and lines[1].text == "#7 task 7"
    assert lines[1].side == "2.00s" and lines[1].ticking is current
    assert (lines[2].kind, lines[2].progress, lines[2].side) == (LineKind.PROGRESS, 0.25, "25%")


def test_failed_and_cancelled_history_lines() -> None:
    snap = WorkerSnapshot("/w", None, (), 0,
                          (row(2, WorkerStatus.FAILED, error="ValueError: bad\nmore"),
                           row(1, WorkerStatus.FAILED, error="cancelled before it started",
                               cancelled=True)), 64, False, 1)
    lines = worker_lines([snap], 20, now=3.0)
    assert [(ln.label, ln.text, ln.side) for ln in lines[2:]] == [
        ("failed", "#2 task 2: ValueError: bad", "1.50s"), ("cancel", "#1 task 1", "")]


def test_pending_and_history_share_what_is_left_each_with_a_count() -> None:
    lines = worker_lines([snapshot(pending=50, history=50)], 12, now=3.0)
    assert len(lines) == 12
    assert lines[-1].text == "… and 46 more finished"
    notes = [ln.text for ln in lines if ln.kind is LineKind.NOTE]
    assert notes == ["idle", "… and 46 more pending", "… and 46 more finished"]
    # History is newest first.
    assert [ln.text for ln in lines if ln.label == "done"] == [f"#{i} task {i}"
                                                           for i in (50, 49, 48, 47)]


def test_a_short_history_leaves_its_room_to_pending() -> None:
    lines = worker_lines([snapshot(pending=50, history=1)], 12, now=3.0)
    assert sum(ln.label == "pending" for ln in lines) == 8
    assert sum(ln.label == "done" for ln in lines) == 1


def test_workers_beyond_the_space_are_counted() -> None:
    snaps = [snapshot(f"/w{i}", stopped=i == 0) for i in range(10)]
    budget = 2 * (MIN_SECTION_LINES + 1) + 1
    lines = worker_lines(snaps, budget, now=0.0)
    assert len(lines) <= budget
    assert [ln.text for ln in lines if ln.kind is LineKind.WORKER] == ["/w0", "/w1"]
    assert lines[0].side == "stopped"
    assert lines[-1].text == "… and 8 more workers"


def test_nothing_to_show() -> None:
    assert worker_lines([], 20, now=0.0) == []
    assert worker_lines([snapshot()], 0, now=0.0) == []
