"""The timeline pane: tasks as bars in their status colours, frames as ticks."""

from __future__ import annotations

import asyncio
import re
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


def test_details_say_where_a_selected_task_waits_and_its_lineage(
        host: Host, view: WindowView) -> None:
    from pyglet.window import mouse

    tasks = host.tasks

    async def nap() -> None:
        await asyncio.sleep(30)

    async def parent() -> None:
        tasks.Run(nap(), description="kid")
        await nap()

    parent_id = tasks.Run(parent(), description="parent")
    host.step(3)
    slot = view.screen.table.slot_of(parent_id)
    assert slot is not None
    x = slot.spans["description"].x + 2
    view.window.dispatch_event("on_mouse_press", x, slot.box.y + 5, mouse.LEFT, 0)
    view.window.dispatch_event("on_mouse_motion", -1, -1, 0, 0)
    host.step(1)
    lines = [span.text.strip() for span in view.screen.details.lines]
    assert lines[1] == f"children #{parent_id + 1}"
    waits = " ".join(lines[2:])
    assert waits.startswith("waits: asyncio.sleep(30): wakes at 30.0")
    assert "tasks.py:" in waits and "in nap ← test_window_timeline.py:" in waits
    assert waits.endswith("in parent")


def test_hovering_a_late_frames_bar_shows_its_top_costs(host: Host, view: WindowView) -> None:
    now = [100.0]
    host.wall_clock = lambda: now[0]

    async def blocks() -> None:
        now[0] += 0.05  # a step that holds the host for 50 ms of its wall clock

    host.step(3)
    task_id = host.tasks.Run(blocks(), description="heavy step")
    host.step(1)
    host.step(2)
    late = host.stats.late_frame_reports[-1]
    header = view.screen.header
    graph = header._graph
    bar_w = graph.w / 120
    n = len(host.stats.recent_frame_times)
    index = late.frame - (host.stats.frames - n + 1)
    x = graph.x + (120 - n + index + 0.5) * bar_w
    assert header.frame_at(x, graph.y + 2) == late.frame
    view.window.dispatch_event("on_mouse_motion", x, graph.y + 2, 0, 0)
    host.step(1)
    lines = [span.text.strip() for span in view.screen.details.lines]
    assert lines[0].startswith(f"frame {late.frame} over budget: 50.0 ms")
    assert lines[1].startswith(f"task     #{task_id} heavy step  50.0 ms")
    view.window.dispatch_event("on_mouse_motion", -1, -1, 0, 0)
    host.step(1)
    assert "over budget" not in view.screen.details.lines[0].text


def test_the_title_reads_as_a_range_of_run_time(host: Host, timeline_view: WindowView) -> None:
    # 10 s shown, 1.5 s into the run: the window starts at -8.5 s, before the run did;
    # the title once printed that glued to the range ("-8.5-1.5 s").
    host.step(90)
    pane = timeline_view.screen.timeline
    assert pane is not None
    # The pane redraws ten times a second of host time: its end is 1.4 or 1.5 s.
    shown = re.fullmatch(r"Timeline · run time 0\.0 s to (\d+\.\d) s · now", pane.title)
    assert shown is not None, pane.title
    assert 1.4 <= float(shown.group(1)) <= 1.5


def test_a_scrolled_title_says_how_far_back_it_ends() -> None:
    from host.views.window.timeline_pane import timeline_title

    assert (timeline_title(12.3, 22.3, 5.0)
            == "Timeline · run time 12.3 s to 22.3 s · 5.0 s back (wheel to scroll)")
    assert timeline_title(-0.4, 9.6, 0.0) == "Timeline · run time 0.0 s to 9.6 s · now"
