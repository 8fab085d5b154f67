"""The timeline pane: tasks as bars in their status colours, frames as ticks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest

from asyncio_comp import TaskStatus
from host import Host
from host.views.window import WindowView
from host.views.window.colors import STATUS_COLORS, UI


@pytest.fixture
def timeline_view(host: Host) -> Iterator[WindowView]:
    v = WindowView(host, headless=True, timeline=True)
    try:
        yield v
    finally:
        v.close()


def _pixels_in(pixels: npt.NDArray[np.uint8], box: tuple[float, float, float, float],
               color: tuple[int, int, int, int]) -> int:
    """How many pixels of ``color`` lie in ``box`` (x, y from the bottom, w, h)."""
    x, y, w, h = (int(v) for v in box)
    height = pixels.shape[0]
    region = pixels[height - (y + h):height - y, x:x + w]
    return int(np.all(region == np.array(color, np.uint8), axis=-1).sum())


def test_the_pane_draws_bars_for_running_and_ended_tasks(host: Host,
                                                         timeline_view: WindowView) -> None:
    async def quick() -> None:
        await asyncio.sleep(0.2)

    async def slow() -> None:
        await asyncio.sleep(60)

    async def broken() -> None:
        await asyncio.sleep(0.1)
        raise ValueError("no")

    host.tasks.Run(quick(), description="quick")
    host.tasks.Run(broken(), description="broken")
    host.tasks.Run(slow(), description="slow")
    host.step(60)
    pane = timeline_view.screen.timeline
    assert pane is not None and pane.box is not None
    pixels = timeline_view.read_pixels()
    box = pane.box.xywh
    for status in (TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.RUNNING):
        assert _pixels_in(pixels, box, STATUS_COLORS[status]) > 50, status
    # Frame ticks along the axis.
    assert _pixels_in(pixels, box, UI.graph_budget) >= 30


def test_children_are_drawn_under_their_parent(host: Host, timeline_view: WindowView) -> None:
    tasks = host.tasks

    async def child() -> None:
        await asyncio.sleep(10)

    async def parent() -> None:
        tasks.Run(child(), description="child")
        await asyncio.sleep(10)

    tasks.Run(asyncio.sleep(10), description="other")
    parent_id = tasks.Run(parent(), description="parent")
    host.step(5)
    pane = timeline_view.screen.timeline
    assert pane is not None
    labels = [span.shown.strip() for span in pane._labels if span.shown.strip()]
    assert labels == ["#1 other", f"#{parent_id} parent", f"#{parent_id + 1} child"]
    assert pane._labels[2].shown.startswith("  #")  # indented under its parent


def test_the_t_key_toggles_the_pane(host: Host, view: WindowView) -> None:
    from pyglet.window import key

    assert view.screen.timeline is None
    view.window.dispatch_event("on_key_press", key.T, 0)  # delivered in the next frame
    host.step(1)
    pane = view.screen.timeline
    assert pane is not None and pane.box is not None
    assert view.screen.table.box.y > pane.box.top  # the table moved up above it
    view.window.dispatch_event("on_key_press", key.T, 0)
    host.step(1)
    assert view.screen.timeline is None
