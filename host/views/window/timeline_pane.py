"""The timeline pane: the last seconds of the run, tasks as bars on a time axis.

Each row is one task (children indented under their parent), its bar in its
status colour from its submission to its end (or to now while it runs); along the
bottom, every frame is a tick and every over-budget frame a taller red mark. The mouse
wheel scrolls back in time over the whole run: where detail is gone (`Timeline`
keeps the newest tasks and frames), the summarised history shows as a strip of
buckets, taller where more tasks ended.

It reads a `host.views.timeline.Timeline` model, made when the pane is; the rects
and text slots are reserved once per layout and only moved each frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from host.views.timeline import Timeline, TimelineWindow
from host.views.window.canvas import Canvas, Span
from host.views.window.colors import STATUS_COLORS, UI
from host.views.window.layout import Box

if TYPE_CHECKING:
    from host.views._host import ViewedHost

__all__ = ["TimelinePane", "split_timeline", "timeline_title"]

#: Host seconds the pane shows.
DEFAULT_SECONDS = 10.0
#: Characters of the label column (task id and description, indented by depth).
LABEL_CHARS = 24
#: Frame ticks drawn at most (past that, one in every few).
MAX_TICKS = 600
TICK_H = 4
LATE_H = 12
#: Redraws a second at most (the axis moves a few pixels a second; every frame
#: would move every tick and redraw the whole pane for nothing one can see).
UPDATES_PER_SECOND = 10
#: Summarised buckets and late marks drawn at most.
MAX_BUCKETS_SHOWN = 256
MAX_LATE = 64
#: Seconds one notch of the wheel scrolls, as a share of the seconds shown.
SCROLL_SHARE = 0.25
#: The share of the table's box the pane takes, and its fewest task rows.
TABLE_SHARE = 0.4
MIN_ROWS = 4


def split_timeline(table: Box, line_height: int) -> tuple[Box, Box]:
    """The table's box with the pane under it: the table above, the pane below."""
    pane_h: float = max((MIN_ROWS + 2) * line_height + LATE_H + 10,
                        round(table.h * TABLE_SHARE))
    pane_h = min(pane_h, table.h - 4 * line_height)
    pane = Box(table.x, table.y, table.w, pane_h)
    return Box(table.x, table.y + pane_h + 4, table.w, table.h - pane_h - 4), pane


def timeline_title(start: float, end: float, back: float) -> str:
    """The pane's title: the host times shown and how far back from now they end.

    ``start`` is before 0 in a run's first seconds (the pane shows a fixed span of
    time); nothing happened before the run, so the title starts at 0 rather than
    print a negative time next to the range's dash.
    """
    live = "now" if back == 0 else f"{back:.1f} s back (wheel to scroll)"
    return f"Timeline · run time {max(0.0, start):.1f} s to {end:.1f} s · {live}"


class TimelinePane:
    """See the module docstring."""

    def __init__(self, canvas: Canvas, host: ViewedHost, *,
                 seconds: float = DEFAULT_SECONDS) -> None:
        self.canvas = canvas
        self.host = host
        self.model = Timeline(host)
        self.seconds = seconds
        #: How far back from now the pane's right edge is (host seconds; 0: now).
        self.back = 0.0
        self.box: Box | None = None
        self._plot = Box(0, 0, 0, 0)
        self._rows = 0
        self._labels: list[Span] = []
        self._title: Span | None = None
        self._bars = self._ticks = self._late = self._buckets = 0
        self._last: TimelineWindow | None = None
        self._last_frame = -(10**9)

    @property
    def title(self) -> str:
        """The title as drawn ("" before the pane is laid out)."""
        return self._title.text if self._title is not None else ""

    def close(self) -> None:
        self.model.close()

    def layout(self, box: Box | None) -> None:
        """Reserve the pane's rectangles and text slots in ``box`` (None: hidden)."""
        self.box = box
        self._last = None
        if box is None:
            return
        c = self.canvas
        lh = c.line_height
        c.rect(*box.xywh, UI.panel)
        self._title = c.span(box.x + 6, box.top - lh - 2, max(1, int((box.w - 12) // c.char_width)),
                             UI.text_dim)
        label_w = LABEL_CHARS * c.char_width
        plot_y = box.y + LATE_H + 4
        plot_top = box.top - lh - 6
        self._plot = Box(box.x + 8 + label_w, plot_y, max(1.0, box.w - label_w - 16),
                         max(1.0, plot_top - plot_y))
        c.rect(*self._plot.xywh, UI.graph_bg)
        self._rows = max(1, int(self._plot.h // lh))
        rects = c.rects
        self._buckets = rects.add_many(MAX_BUCKETS_SHOWN, UI.scroll_thumb)
        self._bars = rects.add_many(self._rows, UI.accent)
        self._ticks = rects.add_many(MAX_TICKS, UI.graph_budget)
        self._late = rects.add_many(MAX_LATE, UI.graph_late)
        self._labels = [c.span(box.x + 6, self._plot.top - (i + 1) * lh - c.atlas.descent,
                               LABEL_CHARS, UI.text) for i in range(self._rows)]

    def update(self) -> None:
        """Move the bars, ticks and marks to this frame's view of the run, at most
        `UPDATES_PER_SECOND` times a second of host time (at once after a scroll)."""
        if self.box is None:
            return
        host = self.host
        every = max(1, round(host.fps / UPDATES_PER_SECOND))
        if self._last is not None and host.frame - self._last_frame < every:
            return
        self._last_frame = host.frame
        end = max(0.0, host.seconds - self.back)
        view = self.model.window(self.seconds, end=end, rows=self._rows)
        if view == self._last:
            return
        self._last = view
        self._draw(view)

    def _x(self, view: TimelineWindow, t: float) -> float:
        plot = self._plot
        return plot.x + (t - view.start) / (view.end - view.start) * plot.w

    def _draw(self, view: TimelineWindow) -> None:
        c = self.canvas
        plot = self._plot
        lh = c.line_height
        assert self._title is not None
        self._title.set(timeline_title(view.start, view.end, self.back))
        scale = plot.w / (view.end - view.start)
        bars = np.zeros((self._rows, 4), np.float32)
        colors = np.empty((self._rows, 4), np.uint8)
        colors[:] = UI.accent
        for i in range(self._rows):
            if i < len(view.bars):
                bar = view.bars[i]
                top = plot.top - i * lh
                x0 = max(plot.x, plot.x + (bar.start - view.start) * scale)
                end = bar.end if bar.end is not None else view.end
                x1 = min(plot.right, plot.x + (end - view.start) * scale)
                bars[i] = (x0, top - lh + 2, max(1.0, x1 - x0), lh - 4)
                colors[i] = STATUS_COLORS[bar.status]
                self._labels[i].set(f"{'  ' * bar.depth}#{bar.task_id} {bar.description}",
                                    STATUS_COLORS[bar.status])
            else:
                self._labels[i].set("")
        rects = c.rects
        rects.set_many(self._bars, bars, colors)
        ticks = np.asarray(view.frames, np.float64)
        stride = max(1, -(-len(ticks) // MAX_TICKS))
        rects.set_many(self._ticks, self._marks(plot.x + (ticks[::stride] - view.start) * scale,
                                                MAX_TICKS, 1, plot.y - TICK_H - 2, TICK_H))
        late = np.asarray(view.late[-MAX_LATE:], np.float64)
        rects.set_many(self._late, self._marks(plot.x + (late - view.start) * scale - 1,
                                               MAX_LATE, 2, plot.y - LATE_H - 2, LATE_H))
        # Summarised history: only where the detail is gone.
        buckets = [b for b in view.buckets if b.start < view.detail_since][-MAX_BUCKETS_SHOWN:]
        most = max((b.tasks for b in buckets), default=0)
        geom = np.zeros((MAX_BUCKETS_SHOWN, 4), np.float32)
        for i, b in enumerate(buckets if most else ()):
            x0 = max(plot.x, plot.x + (b.start - view.start) * scale)
            x1 = min(plot.right, plot.x + (min(b.end, view.detail_since) - view.start) * scale)
            geom[i] = (x0, plot.y, max(0.0, x1 - x0), max(1.0, plot.h * b.tasks / most / 2))
        rects.set_many(self._buckets, geom)

    @staticmethod
    def _marks(xs: np.ndarray, slots: int, w: float, y: float, h: float) -> np.ndarray:
        """``slots`` rectangles: one ``w`` x ``h`` at each of ``xs`` (at height ``y``),
        the rest hidden."""
        geom = np.zeros((slots, 4), np.float32)
        n = min(len(xs), slots)
        geom[:n, 0] = xs[:n]
        geom[:n, 1] = y
        geom[:n, 2] = w
        geom[:n, 3] = h
        return geom

    def on_mouse_scroll(self, x: float, y: float, scroll_y: float) -> bool:
        """Scroll back (wheel up) or forward in time; True if over the pane."""
        if self.box is None or not self.box.contains(x, y):
            return False
        oldest = self.model.history_start
        furthest = max(0.0, self.host.seconds - oldest - self.seconds / 2)
        self.back = min(furthest, max(0.0, self.back + scroll_y * self.seconds * SCROLL_SHARE))
        self._last = None
        return True
