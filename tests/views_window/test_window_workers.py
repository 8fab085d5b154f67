"""The worker queue panel, headless: a Houdini-style worker's queue read back in pixels."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from asyncio_comp import WorkerStatus, WorkerTask, current_worker_task
from host import Host
from host.views.window import WindowView
from host.views.window.colors import WORKER_COLORS, Color
from host.views.window.layout import Box, split_window
from host.views.window.worker_model import LineKind

YELLOW = WORKER_COLORS[WorkerStatus.RUNNING]
GREEN = WORKER_COLORS[WorkerStatus.COMPLETED]
RED = WORKER_COLORS[WorkerStatus.FAILED]


def band(pixels: npt.NDArray[np.uint8], box: Box) -> npt.NDArray[np.uint8]:
    """The pixels inside a y-up box of the window, from a top-row-first image."""
    height = pixels.shape[0]
    return pixels[height - int(box.top): height - int(box.y), int(box.x): int(box.right)]


def has_color(region: npt.NDArray[np.uint8], color: Color) -> bool:
    return bool(np.all(region[..., :3] == color[:3], axis=-1).any())


@pytest.fixture
def gate(host: Host) -> Iterator[threading.Event]:
    """Holds a worker task RUNNING until set; set on teardown, before the host closes
    (which joins the worker thread)."""
    event = threading.Event()
    try:
        yield event
    finally:
        event.set()


def held(gate: threading.Event, progress: float | None = None) -> str:
    if progress is not None:
        task = current_worker_task()
        assert task is not None
        task.report_progress(progress)
    assert gate.wait(10), "the test never released the held task"
    return "cooked"


def fail(message: str) -> None:
    raise ValueError(message)


def wait_for(host: Host, condition: object, frames: int = 2000) -> None:
    assert callable(condition)
    host.run(until=condition, frames=frames)
    assert condition(), "the condition did not come true within the frames allowed"


def show_workers(host: Host, view: WindowView) -> None:
    """Run until the panel found the host's workers (it walks the network 4 times a second)."""
    wait_for(host, lambda: view.screen.workers.has_workers, frames=60)
    host.step(1)


Queue = tuple[WorkerTask[Any], WorkerTask[Any], WorkerTask[Any], list[WorkerTask[Any]]]


def houdini_queue(host: Host, gate: threading.Event) -> Queue:
    """A worker with one completed, one failed, one running (at 40 %) and three pending tasks."""
    comp = host.create_worker("Houdini")
    done = comp.submit(lambda: "ok", description="instantiate asset")
    failed = comp.submit(fail, "no such parm 'scale'", description="set_parm scale")
    running = comp.submit(held, gate, 0.4, description="cook mesh")
    pending = [comp.submit(lambda: None, description=f"fetch surfaces {i}") for i in range(3)]
    wait_for(host, lambda: running.get_status() is WorkerStatus.RUNNING
             and running.get_progress() == 0.4)
    return done, failed, running, pending


def test_no_workers_leaves_the_layout_as_it_was(host: Host, view: WindowView) -> None:
    host.step(20)
    screen = view.screen
    assert not screen.workers.has_workers
    assert screen.workers.box is None and screen.workers.slots == []
    full = split_window(1280, 720, view.canvas.line_height).panel
    pixels = view.read_pixels()
    assert not has_color(pixels, YELLOW)
    # The network editor and the inspector share the whole side column.
    assert screen.params.box is not None and screen.params.box.y == full.y
    assert screen.network.tiles
    assert screen.params.box.top <= min(t.box.y for t in screen.network.tiles)


def test_queue_shows_current_pending_in_order_and_history_newest_first(
        host: Host, view: WindowView, gate: threading.Event) -> None:
    done, failed, running, pending = houdini_queue(host, gate)
    show_workers(host, view)
    texts = [t for t in view.screen.workers.texts() if t]
    assert texts[0].startswith("/ChatTD/Houdini") and texts[0].endswith("3 queued")
    assert texts[1].startswith(f"running  #{running.task_id} cook mesh")
    assert texts[2] == "40%"
    assert texts[3:6] == [f"pending  #{t.task_id} fetch surfaces {i}"
                          for i, t in enumerate(pending)]
    assert texts[6].startswith(f"failed  #{failed.task_id} set_parm scale: ValueError")
    assert texts[7].startswith(f"done  #{done.task_id} instantiate asset")
    assert len(texts) == 8


def test_panel_colours_running_pending_yellow_completed_green_failed_red(
        host: Host, view: WindowView, gate: threading.Event) -> None:
    houdini_queue(host, gate)
    show_workers(host, view)
    panel = view.screen.workers
    assert panel.box is not None
    pixels = view.read_pixels()
    region = band(pixels, panel.box)
    assert has_color(region, YELLOW) and has_color(region, GREEN) and has_color(region, RED)
    expected = {"running": YELLOW, "pending": YELLOW, "failed": RED, "done": GREEN}
    seen = set()
    for slot in panel.slots:
        line = slot.line
        if line is None or line.kind is not LineKind.TASK:
            continue
        row = band(pixels, slot.box)
        color = expected[line.label]
        seen.add(line.label)
        assert has_color(row, color), f"{line.label} line lacks its colour"
        assert not any(has_color(row, c) for c in {YELLOW, GREEN, RED} - {color})
    assert seen == set(expected)
    # The running task's bar is yellow, filled to its progress.
    bar = next(s for s in panel.slots if s.line is not None and s.line.kind is LineKind.PROGRESS)
    geom = view.canvas.rects.geom
    assert geom[bar.fill][2] == pytest.approx(geom[bar.track][2] * 0.4, abs=1)
    assert has_color(band(pixels, bar.box), YELLOW)


def test_colours_follow_the_queue_as_tasks_finish(host: Host, view: WindowView,
                                                  gate: threading.Event) -> None:
    comp = host.create_worker("Houdini")
    running = comp.submit(held, gate, description="cook")
    queued = comp.submit(lambda: 1, description="fetch")
    wait_for(host, lambda: running.get_status() is WorkerStatus.RUNNING)
    show_workers(host, view)
    panel = view.screen.workers
    assert panel.box is not None
    region = band(view.read_pixels(), panel.box)
    assert has_color(region, YELLOW)
    assert not has_color(region, GREEN) and not has_color(region, RED)
    gate.set()
    wait_for(host, lambda: queued.get_status() is WorkerStatus.COMPLETED)
    host.step(1)
    region = band(view.read_pixels(), panel.box)
    assert has_color(region, GREEN)
    assert not has_color(region, YELLOW) and not has_color(region, RED)
    assert "idle" in panel.texts()


def test_cancelled_pending_task_shows_red_as_cancelled(host: Host, view: WindowView,
                                                       gate: threading.Event) -> None:
    comp = host.create_worker("Houdini")
    running = comp.submit(held, gate, description="cook")
    victim = comp.submit(lambda: 1, description="fetch")
    wait_for(host, lambda: running.get_status() is WorkerStatus.RUNNING)
    assert victim.cancel()
    show_workers(host, view)
    panel = view.screen.workers
    line = next(s for s in panel.slots if s.line is not None and s.line.label == "cancel")
    assert line.text.text == f"#{victim.task_id} fetch"
    assert has_color(band(view.read_pixels(), line.box), RED)


def test_panel_redraws_only_when_a_snapshot_changes(host: Host, view: WindowView,
                                                    gate: threading.Event) -> None:
    comp = host.create_worker("Houdini")
    running = comp.submit(held, gate, description="cook")
    wait_for(host, lambda: running.get_status() is WorkerStatus.RUNNING)
    show_workers(host, view)
    panel = view.screen.workers
    lines = panel.lines
    duration = next(s.side for s in panel.slots if s.line is not None and s.line.ticking)
    before = duration.text
    host.step(30)
    assert panel.lines is lines  # nothing changed: the lines were not recomputed
    assert duration.text != before  # ... but the running task's duration ticks
    comp.submit(lambda: None, description="more")
    host.step(1)
    assert panel.lines is not lines
    assert "1 queued" in panel.texts()[0]


def test_a_long_queue_ends_with_a_count_of_what_does_not_fit(
        host: Host, view: WindowView, gate: threading.Event) -> None:
    comp = host.create_worker("Houdini")
    running = comp.submit(held, gate, description="cook")
    for i in range(200):
        comp.submit(lambda: None, description=f"task {i}")
    wait_for(host, lambda: running.get_status() is WorkerStatus.RUNNING)
    show_workers(host, view)
    panel = view.screen.workers
    assert len(panel.lines) == len(panel.slots)  # every line in use
    texts = panel.texts()
    shown = len([t for t in texts if t.startswith("pending")])
    assert shown > 5
    assert texts[-1] == f"… and {200 - shown} more pending"


def test_two_workers_each_get_a_section(host: Host, view: WindowView,
                                        gate: threading.Event) -> None:
    a = host.create_worker("Houdini")
    b = host.create_worker("Mesher")
    task = a.submit(held, gate, description="cook")
    b.submit(lambda: 1, description="build")
    wait_for(host, lambda: task.get_status() is WorkerStatus.RUNNING and
             b.worker.get_completed_task_history() != [])
    show_workers(host, view)
    texts = view.screen.workers.texts()
    names = [t for t in texts if t.startswith("/ChatTD/")]
    assert [n.split()[0] for n in names] == ["/ChatTD/Houdini", "/ChatTD/Mesher"]
    assert any(t.startswith("done  #1 build") for t in texts)


def test_last_worker_destroyed_gives_the_panel_back_to_the_network(
        host: Host, view: WindowView) -> None:
    comp = host.create_worker("Houdini")
    show_workers(host, view)
    screen = view.screen
    split_tiles = len(screen.network.tiles)
    assert screen.workers.box is not None
    comp.destroy()
    host.step(1)
    assert screen.workers.box is None and not screen.workers.has_workers
    assert len(screen.network.tiles) > split_tiles
    assert not has_color(view.read_pixels(), YELLOW)
