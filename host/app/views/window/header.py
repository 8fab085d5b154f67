"""The header: frame rate, frame and step time with a frame-time graph, late frames,
and how many tasks are in each status.

Numbers are rewritten a few times a second (faster is unreadable and costs for
nothing); the graph moves every frame as one block of rectangles; the counts are
recounted only when the task manager's version moved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from asyncio_comp.status import TaskStatus
from host.app.views.window.canvas import Canvas, Span
from host.app.views.window.colors import STATUS_COLORS, UI
from host.app.views.window.layout import Box
from host.engine.stats import RECENT_FRAMES, FrameStats

if TYPE_CHECKING:
    from host.app.views._host import ViewedHost as Host

__all__ = ["HeaderView"]

GRAPH_W = 2 * RECENT_FRAMES
TEXT_UPDATES_PER_SECOND = 5


class HeaderView:
    """Stats and counts along the top of the window."""

    def __init__(self, canvas: Canvas, host: Host) -> None:
        self.canvas = canvas
        self.host = host
        self._stats: Span | None = None
        self._counts: dict[TaskStatus, Span] = {}
        self._counts_version = -1
        self._last_text_frame = -(10**9)
        self._graph = Box(0, 0, 0, 0)
        self._bars = -1
        self._budget_rect = -1

    def layout(self, box: Box) -> None:
        c = self.canvas
        cw, lh = c.char_width, c.line_height
        c.rect(*box.xywh, UI.header)
        self._graph = Box(box.right - GRAPH_W - 12, box.y + 6, GRAPH_W, box.h - 12)
        c.rect(*self._graph.xywh, UI.graph_bg)
        self._budget_rect = c.rect(0, 0, 0, 0, UI.graph_budget)
        self._bars = c.rects.add_many(RECENT_FRAMES, UI.graph_ok)
        c.text(self._graph.x - 7 * cw, self._graph.top - lh + 2, "frame", UI.text_dim)
        c.text(self._graph.x - 7 * cw, self._graph.top - 2 * lh + 2, "times", UI.text_dim)
        top_line = box.top - 6 - lh - c.atlas.descent
        c.text(box.x + 10, top_line, "framehost", UI.accent)
        chars = int((self._graph.x - 8 * cw - box.x - 10) // cw) - 11
        self._stats = c.span(box.x + 10 + 11 * cw, top_line, chars, UI.text)
        x = box.x + 10
        y = top_line - lh - 8
        self._counts = {}
        for status in TaskStatus:
            c.rect(x, y + c.atlas.descent, cw, c.atlas.ascent - c.atlas.descent,
                   STATUS_COLORS[status])
            label = f"{status.value}"
            c.text(x + 1.5 * cw, y, label, UI.text_dim)
            self._counts[status] = c.span(x + (len(label) + 2.5) * cw, y, 7, UI.text)
            x += (len(label) + 10) * cw
        self._counts_version = -1
        self._last_text_frame = -(10**9)

    def update(self) -> None:
        host = self.host
        stats = host.stats
        every = max(1, round(host.fps / TEXT_UPDATES_PER_SECOND))
        if host.frame - self._last_text_frame >= every:
            self._last_text_frame = host.frame
            assert self._stats is not None
            self._stats.set(self._stats_text(stats))
        version = host.tasks.version
        if version != self._counts_version:
            self._counts_version = version
            for status, n in host.tasks.counts().items():
                self._counts[status].set(str(n))
        self._draw_graph(stats.recent_frame_times)

    def _stats_text(self, s: FrameStats) -> str:
        host = self.host
        return (f"{s.measured_fps:5.1f} fps (target {host.fps:g})   "
                f"frame {s.last_frame_time * 1e3:5.2f} ms (mean {s.mean_frame_time * 1e3:.2f}, "
                f"max {s.max_frame_time * 1e3:.1f})   step {s.last_step_time * 1e3:5.2f} ms   "
                f"late frames {s.late_frames}   frame #{host.frame}  t={host.seconds:.2f}s")

    def _draw_graph(self, times: tuple[float, ...]) -> None:
        """One bar per recent frame; a frame's budget (1/fps) sits at 2/3 of the height."""
        g = self._graph
        budget = 1.0 / self.host.fps
        scale = (g.h * 2 / 3) / budget
        self.canvas.rects.set(self._budget_rect, g.x, g.y + round(g.h * 2 / 3), g.w, 1)
        n = len(times)
        geom = np.zeros((RECENT_FRAMES, 4), np.float32)
        colors = np.empty((RECENT_FRAMES, 4), np.uint8)
        colors[:] = UI.graph_ok
        if n:
            t = np.asarray(times, np.float32)
            bar_w = g.w / RECENT_FRAMES
            geom[:n, 0] = g.x + (RECENT_FRAMES - n + np.arange(n)) * bar_w
            geom[:n, 1] = g.y
            geom[:n, 2] = max(1.0, bar_w - 1)
            geom[:n, 3] = np.minimum(np.maximum(t * scale, 1.0), g.h)
            colors[:n][t > budget] = UI.graph_late
        self.canvas.rects.set_many(self._bars, geom, colors)
