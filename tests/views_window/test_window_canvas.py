"""The canvas redraws only what changed, and what it shows is what a whole redraw shows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt
import pytest

from host import Host
from host.views.window import WindowView
from host.views.window.canvas import Canvas
from host.views.window.colors import UI

WHITE = (255, 255, 255, 255)


async def forever() -> None:
    await asyncio.Event().wait()


async def progress_then_finish(task_steps: int) -> str:
    for _ in range(task_steps):
        await asyncio.sleep(0.02)
    return "done"


def framebuffer() -> npt.NDArray[np.uint8]:
    """What the bound framebuffer holds now, drawing nothing first."""
    import pyglet.image

    image = pyglet.image.get_buffer_manager().get_color_buffer().get_image_data()  # type: ignore[no-untyped-call]
    data = image.get_data("RGBA", image.width * 4)
    return np.frombuffer(data, np.uint8).reshape(image.height, image.width, 4)[::-1].copy()


def whole_redraw(view: WindowView) -> npt.NDArray[np.uint8]:
    view.canvas.invalidate()
    return view.read_pixels()


@pytest.fixture
def canvas(view: WindowView) -> Iterator[Canvas]:
    """A canvas of its own in the view's (headless) window, the view left unstepped."""
    view.window.switch_to()
    c = Canvas()
    c.target_keeps_pixels = True
    try:
        yield c
    finally:
        c.delete()


def test_the_headless_window_redraws_in_place(view: WindowView) -> None:
    assert view.headless and view.canvas.target_keeps_pixels


def test_frames_drawn_piece_by_piece_equal_a_whole_redraw(host: Host, view: WindowView) -> None:
    for i in range(30):
        host.tasks.Run(forever(), description=f"ticks {i}")
    for i in range(10):
        host.tasks.Run(progress_then_finish(3 + i), description=f"ends {i}")
    table = view.screen.table
    steps: list[Callable[[], object]] = [
        lambda: None,
        lambda: view.window.dispatch_event("on_mouse_motion", *table.slots[2].box.center, 0, 0),
        lambda: view.click(*table.slots[4].box.center),  # select a row
        lambda: view.window.dispatch_event("on_mouse_motion", -1, -1, 0, 0),
        lambda: view.window.dispatch_event("on_mouse_scroll", *table.box.center, 0, -1),
        lambda: host.asyncio_comp.par.Cancelactive.pulse(),
    ]
    for act in steps:
        act()
        host.step(7)  # durations tick, tasks end, the header's figures move
        shown = view.read_pixels()
        assert np.array_equal(shown, whole_redraw(view))


def test_a_ticking_frame_redraws_a_small_part_of_the_table(host: Host, view: WindowView) -> None:
    for i in range(60):
        host.tasks.Run(forever(), description=f"ticks {i}")
    host.step(5)
    glyphs = view.canvas.glyphs
    with_area = int(((glyphs.boxes[:glyphs.count, 2] > glyphs.boxes[:glyphs.count, 0])).sum())
    drawn = []
    for _ in range(20):
        host.step(1)
        drawn.append(view.canvas.last_drawn[1])
    assert min(drawn) > 0  # the durations tick every frame
    # Most frames redraw the durations alone; a few the header's figures too.
    assert sorted(drawn)[len(drawn) // 2] < with_area / 10
    assert max(drawn) < with_area / 2


def test_an_unchanged_frame_draws_nothing(canvas: Canvas) -> None:
    canvas.text(20, 20, "static", WHITE)
    canvas.draw()
    assert canvas.last_drawn == (0, len("static"))
    canvas.draw()
    assert canvas.last_drawn == (0, 0)


def test_blank_slots_are_not_drawn(canvas: Canvas) -> None:
    span = canvas.span(20, 20, 30, WHITE)
    span.set("ab")
    canvas.rect(0, 0, 0, 0, WHITE)  # hidden
    canvas.draw()
    assert canvas.last_drawn == (0, 2)


def test_a_changed_cell_redraws_only_near_it_and_shows_the_new_text(canvas: Canvas) -> None:
    cells = [canvas.span(20, 600 - 20 * i, 10, WHITE) for i in range(20)]
    for cell in cells:
        cell.set("0.25s")
    canvas.rect(10, 300, 200, 20, UI.row_odd)
    canvas.draw()
    cells[3].set("0.26s")
    canvas.draw()
    rects, glyphs = canvas.last_drawn
    assert rects == 0 and 1 <= glyphs <= 3
    incremental = framebuffer()
    canvas.invalidate()
    canvas.draw()
    assert np.array_equal(incremental, framebuffer())


def test_a_display_window_draws_every_frame_whole(canvas: Canvas) -> None:
    canvas.target_keeps_pixels = False
    canvas.text(20, 20, "every frame", WHITE)
    canvas.rect(10, 40, 50, 10, UI.row_odd)
    canvas.draw()
    first = canvas.last_drawn
    canvas.draw()
    assert canvas.last_drawn == first == (1, len("everyframe"))
    pixels = framebuffer()
    assert (pixels[..., :3] == UI.background[:3]).all(axis=-1).any()  # cleared to background
