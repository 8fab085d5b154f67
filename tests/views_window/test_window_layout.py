"""The window at 800×450, 1024×600 and 1280×720: no two pieces of text overlap and none
runs off the window; keys scroll and Escape does not close it; rows
stay put under the pointer; GC time has its own colour in the frame graph."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pyglet.window import key
from window_pointer import open_op, show_par

from asyncio_comp import TaskStatus
from host import BaseCOMP, Host
from host.views.window import WindowView
from host.views.window.colors import UI
from host.views.window.layout import text_boxes
from td.stats import FrameStats

SIZES = [(800, 450), (1024, 600), (1280, 720)]


async def forever() -> None:
    await asyncio.Event().wait()


async def fail_soon(message: str) -> None:
    await asyncio.sleep(0.01)
    raise ValueError(message)


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def sized_view(request: pytest.FixtureRequest, host: Host) -> Iterator[WindowView]:
    width, height = request.param
    v = WindowView(host, width=width, height=height, headless=True)
    try:
        yield v
    finally:
        v.close()


def busy(host: Host) -> None:
    """Every kind of text the window draws: each status, long descriptions and errors,
    big ids and counts, info, a worker, a deep network."""
    host.tasks.Run([forever() for _ in range(30)], description="a long description " * 4,
                   info={"key": "value " * 10})
    host.tasks.Run(fail_soon("the upstream service answered 503 " * 4), description="fetch")
    host.root.create(BaseCOMP, "scene_with_a_long_name").create(BaseCOMP, "child_operator")
    host.step(5)


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def test_no_two_texts_overlap_and_none_runs_off_the_window(host: Host,
                                                            sized_view: WindowView) -> None:
    busy(host)
    # With an operator's parameters open, and a refused value's message showing.
    open_op(host, sized_view, "/ChatTD/TDAsyncIO")
    params = sized_view.screen.params
    field = show_par(host, sized_view, "Clearafter")
    sized_view.click(*field.center)
    sized_view.window.dispatch_event("on_text", "not a number")
    sized_view.window.dispatch_event("on_key_press", key.ENTER, 0)
    host.step(1)
    assert not params.message_ok
    boxes = [(t, b.xywh) for t, b in text_boxes(sized_view.canvas)]
    width, height = sized_view.window.width, sized_view.window.height
    assert len(boxes) > 40
    for text, (x, y, w, h) in boxes:
        assert x >= 0 and x + w <= width and y >= 0 and y + h <= height, (text, x, w)
    clashes = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if overlaps(a[1], b[1])]
    assert clashes == []


def test_the_header_keeps_the_frame_number_and_every_count(host: Host,
                                                             sized_view: WindowView) -> None:
    busy(host)
    sized_view.screen.header.update(force=True)
    texts = [text for text, _ in text_boxes(sized_view.canvas)]
    assert any(text.startswith(f"frame #{host.frame} ") for text in texts)
    assert "30" in texts  # the running count


def test_the_screenshot_header_shows_the_last_frame(host: Host, view: WindowView,
                                                     tmp_path: object) -> None:
    host.step(37)  # the header's figures were last rewritten on an earlier frame
    view.save_screenshot(str(tmp_path) + "/shot.png")  # type: ignore[operator]
    stats = view.screen.header._stats
    assert stats is not None and stats.text.startswith("frame #37 ")


def test_escape_does_not_close_and_keys_scroll(host: Host, view: WindowView) -> None:
    for i in range(80):
        host.tasks.Run(forever(), description=f"task {i}")
    host.step(1)
    table = view.screen.table
    page = table.visible_rows - 1
    press = lambda symbol: view.window.dispatch_event("on_key_press", symbol, 0)  # noqa: E731
    press(key.ESCAPE)
    host.step(1)
    assert not view.close_requested and not view.closed
    press(key.PAGEDOWN)
    host.step(1)
    assert table.first == page
    press(key.DOWN)
    host.step(1)
    assert table.first == page + 1
    press(key.UP)
    press(key.PAGEUP)
    host.step(1)
    assert table.first == 0
    press(key.END)
    host.step(1)
    assert table.first == 80 - table.visible_rows
    press(key.HOME)
    host.step(1)
    assert table.first == 0


def test_rows_do_not_move_under_the_pointer(host: Host, view: WindowView) -> None:
    first = host.tasks.Run(forever(), description="first")
    second = host.tasks.Run(forever(), description="second")
    host.step(1)
    table = view.screen.table
    slot = table.slot_of(first)
    assert slot is not None
    x, y = slot.box.center
    view.window.dispatch_event("on_mouse_motion", x, y, 0, 0)
    newer = [host.tasks.Run(forever(), description=f"new {i}") for i in range(3)]
    host.tasks.CancelTask(second)
    host.step(2)
    assert table.slot_of(first) is slot  # still under the pointer
    point = table.cancel_point(first)
    assert point is not None
    view.click(*point)  # the ✕ the user aimed at
    host.step(2)
    assert host.tasks.row(first).status is TaskStatus.CANCELLED  # type: ignore[union-attr]
    assert all(host.tasks.row(i).status is TaskStatus.RUNNING for i in newer)  # type: ignore[union-attr]
    view.window.dispatch_event("on_mouse_motion", -1, -1, 0, 0)
    host.step(1)
    assert table.visible_task_ids()[:3] == newer[::-1]


def test_an_emptied_table_says_the_tasks_were_cleared(host: Host, view: WindowView) -> None:
    host.tasks.Run(asyncio.sleep(0))
    host.step(3)
    host.asyncio_comp.par.Clearall.pulse()
    host.step(2)
    assert view.screen.table._empty.text.startswith("No tasks now")


def test_gc_time_is_drawn_in_its_own_colour(host: Host, view: WindowView) -> None:
    header = view.screen.header
    budget = 1 / host.fps
    header._draw_graph((budget / 2, budget / 2), (0.0, budget / 4))
    view.canvas.draw()
    heights = header.gc_bar_heights()
    assert heights[0] == 0.0 and heights[1] > 0  # the two frames given, oldest first
    assert heights[1] < header._graph.h
    assert UI.graph_gc not in (UI.graph_ok, UI.graph_late)
    assert FrameStats().recent_gc_times == ()

