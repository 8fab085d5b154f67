"""The window, headless: pixels read back, clicks and keys dispatched as pyglet events."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pyglet.window import key, mouse

from asyncio_comp import TaskStatus
from host import Host
from host.views.window import WindowView
from host.views.window.colors import STATUS_COLORS
from host.views.window.layout import Box


async def forever() -> None:
    await asyncio.Event().wait()


async def finish_after(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "done"


async def fail_after(seconds: float, message: str) -> None:
    await asyncio.sleep(seconds)
    raise ValueError(message)


def band(pixels: npt.NDArray[np.uint8], box: Box) -> npt.NDArray[np.uint8]:
    """The pixels inside a y-up box of the window, from a top-row-first image."""
    height = pixels.shape[0]
    return pixels[height - int(box.top): height - int(box.y), int(box.x): int(box.right)]


def has_color(region: npt.NDArray[np.uint8], color: tuple[int, int, int, int]) -> bool:
    return bool(np.all(region[..., :3] == color[:3], axis=-1).any())


def statuses(host: Host) -> dict[int, TaskStatus]:
    return {row.task_id: row.status for row in host.tasks.rows()}


def test_window_is_1280x720_resizable_and_draws_every_frame(host: Host,
                                                             view: WindowView) -> None:
    host.step(3)
    assert (view.window.width, view.window.height) == (1280, 720)
    assert view.window.resizeable
    assert view.frames_drawn == 3
    assert view.read_pixels().shape == (720, 1280, 4)


def test_each_status_colour_appears_on_its_row(host: Host, view: WindowView) -> None:
    tasks = host.tasks
    done = tasks.Run(finish_after(0.05), description="finishes")
    failed = tasks.Run(fail_after(0.05, "boom"), description="fails")
    timed_out = tasks.Run(forever(), description="times out", timeout=0.05)
    cancelled = tasks.Run(forever(), description="cancelled")
    running = tasks.Run(forever(), description="runs")
    host.step(2)
    tasks.CancelTask(cancelled)
    host.step(10)
    host.asyncio_comp.par.Active = False  # nothing is admitted: the next task stays pending
    pending = tasks.Run(forever(), description="waits")
    host.step(1)
    expected = {done: TaskStatus.COMPLETED, failed: TaskStatus.FAILED,
                timed_out: TaskStatus.TIMEOUT, cancelled: TaskStatus.CANCELLED,
                running: TaskStatus.RUNNING, pending: TaskStatus.PENDING}
    assert statuses(host) == expected
    pixels = view.read_pixels()
    table = view.screen.table
    for task_id, status in expected.items():
        slot = table.slot_of(task_id)
        assert slot is not None, f"task {task_id} is not on screen"
        row = band(pixels, slot.box)
        assert has_color(row, STATUS_COLORS[status]), f"{status} colour missing on its row"
        others = set(TaskStatus) - {status}
        assert not any(has_color(row, STATUS_COLORS[s]) for s in others)
    # Active rows come first, newest first.
    assert table.visible_task_ids()[:2] == [pending, running]


def test_cancel_active_button_cancels_running_tasks(host: Host, view: WindowView) -> None:
    ids = [host.tasks.Run(forever()) for _ in range(3)]
    host.step(1)
    view.click(*view.screen.buttons[0].box.center)
    host.step(2)
    assert [statuses(host)[i] for i in ids] == [TaskStatus.CANCELLED] * 3


def test_clear_finished_button_removes_only_finished_tasks(host: Host,
                                                           view: WindowView) -> None:
    done = host.tasks.Run(finish_after(0.0))
    running = host.tasks.Run(forever())
    host.step(3)
    view.click(*view.screen.buttons[1].box.center)
    host.step(1)
    assert statuses(host) == {running: TaskStatus.RUNNING}
    assert done not in view.screen.table.visible_task_ids()


def test_cancel_and_clear_all_button_empties_the_table(host: Host, view: WindowView) -> None:
    host.tasks.Run(finish_after(0.0))
    host.tasks.Run(forever())
    host.step(3)
    view.click(*view.screen.buttons[2].box.center)
    host.step(2)
    assert host.tasks.task_count() == 0
    assert view.screen.table.visible_task_ids() == []


def test_row_cancel_mark_cancels_only_that_task(host: Host, view: WindowView) -> None:
    keep = host.tasks.Run(forever(), description="keep")
    target = host.tasks.Run(forever(), description="target")
    host.step(1)
    point = view.screen.table.cancel_point(target)
    assert point is not None
    view.click(*point)
    host.step(2)
    assert statuses(host) == {keep: TaskStatus.RUNNING, target: TaskStatus.CANCELLED}
    # A finished row has no ✕ and a click there selects instead of cancelling.
    assert view.screen.table.slot_of(target).spans["cancel"].text == ""  # type: ignore[union-attr]


def test_wheel_scrolls_the_table(host: Host, view: WindowView) -> None:
    for i in range(80):
        host.tasks.Run(forever(), description=f"task {i}")
    host.step(1)
    table = view.screen.table
    assert 20 <= table.visible_rows < 80
    first_before = table.visible_task_ids()[0]
    x, y = table.box.center
    view.window.dispatch_event("on_mouse_scroll", x, y, 0, -2)  # two notches down
    host.step(1)
    assert table.first == 6
    assert table.visible_task_ids()[0] == first_before - 6
    view.window.dispatch_event("on_mouse_scroll", x, y, 0, 100)
    host.step(1)
    assert table.visible_task_ids()[0] == first_before


def test_clear_after_field_accepts_a_number_and_rejects_text(host: Host,
                                                            view: WindowView) -> None:
    field = view.screen.clear_after
    par = host.asyncio_comp.par.Clearafter

    def type_text(text: str) -> None:
        view.click(*field.box.center)
        for _ in range(10):
            view.window.dispatch_event("on_text_motion", key.MOTION_BACKSPACE)
        view.window.dispatch_event("on_text", text)
        view.window.dispatch_event("on_key_press", key.ENTER, 0)
        host.step(1)

    type_text("5")
    assert par.eval() == 5.0
    assert field.message_ok
    type_text("abc")
    assert par.eval() == 5.0
    assert not field.message_ok
    assert "'abc'" in field.message
    assert field._message is not None and "'abc'" in field._message.text
    type_text("-1")
    assert par.eval() == 5.0 and not field.message_ok
    par.readOnly = True  # TD's flag: the window refuses, code still sets it
    type_text("7")
    assert par.eval() == 5.0 and not field.message_ok
    assert field.message.startswith("/ChatTD/TDAsyncIO par.Clearafter is read-only")
    par.val = 7.0
    assert par.eval() == 7.0


def test_escape_in_the_field_does_not_close_the_window(host: Host, view: WindowView) -> None:
    view.click(*view.screen.clear_after.box.center)
    view.window.dispatch_event("on_key_press", key.ESCAPE, 0)
    assert not view.close_requested


def test_details_strip_shows_a_selected_rows_full_error(host: Host, view: WindowView) -> None:
    message = "the upstream service answered 503 " * 6 + "END"
    failed = host.tasks.Run(fail_after(0.0, message), description="fetch")
    host.step(3)
    slot = view.screen.table.slot_of(failed)
    assert slot is not None
    assert slot.spans["error"].text.startswith("ValueError: the upstream")
    x = slot.spans["description"].x + 2
    view.window.dispatch_event("on_mouse_press", x, slot.box.y + 5, mouse.LEFT, 0)
    view.window.dispatch_event("on_mouse_motion", -1, -1, 0, 0)
    host.step(1)
    details = "".join(span.text for span in view.screen.details.lines)
    assert "END" in details and "503" in details


def test_the_network_editor_shows_the_roots_children_as_tiles(host: Host,
                                                              view: WindowView) -> None:
    from host import BaseCOMP

    host.root.create(BaseCOMP, "scene").create(BaseCOMP, "worker")
    host.step(1)
    shown = view.screen.network.texts()
    assert "ChatTD" in shown and "scene" in shown and "COMP" in shown
    assert "1 operator" in shown and "worker" in shown  # the viewers: count, names


def test_closing_the_window_stops_the_host(host: Host, view: WindowView) -> None:
    def close_on_third(h: object) -> None:
        if host.frame == 3:
            view.window.dispatch_event("on_close")

    host.on_frame_start(close_on_third)
    assert host.run(frames=100) == 3
    assert view.close_requested


def test_screenshot_is_a_1280x720_png(host: Host, view: WindowView, tmp_path: Path) -> None:
    host.tasks.Run(forever())
    host.step(2)
    path = tmp_path / "shot.png"
    view.save_screenshot(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1280, 720)


def test_resize_lays_out_again(host: Host, view: WindowView) -> None:
    for _ in range(60):
        host.tasks.Run(forever())
    host.step(1)
    rows_before = view.screen.table.visible_rows
    view.window.dispatch_event("on_resize", 1280, 1000)
    host.step(1)
    assert view.screen.table.visible_rows > rows_before
