"""The timeline pane: the last seconds of the run, tasks as bars on a time axis.

Each row is one task (children indented under their parent), its bar in its
status colour from its submission to its end (or to now while it runs); along the
bottom, every frame is a tick and every late frame a taller red mark. The mouse
wheel scrolls back in time over the whole run: where detail is gone (`Timeline`
keeps the newest tasks and frames), the summarised history shows as a strip of
buckets, taller where more tasks ended.

It reads a `host.views.timeline.Timeline` model, made when the pane is; the rects
and text slots are reserved once per layout and only moved each frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from host.views.timeline import Timeline, TimelineWindow
from host.views.window.canvas import Canvas, Span
from host.views.window.colors import STATUS_COLORS, UI
from host.views.window.layout import Box

if TYPE_CHECKING:
    from host.views._host import ViewedHost

__all__ = ["TimelinePane", "split_timeline"]

#: Host seconds the pane shows.
DEFAULT_SECONDS = 10.0
#: Characters of the label column (task id and description, indented by depth).
LABEL_CHARS = 24
#: Frame ticks drawn at most (past that, one in every few).
MAX_TICKS = 600
TICK_H = 4
LATE_H = 12
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
        self._buckets = rects.add_many(256, UI.scroll_thumb)
        self._bars = rects.add_many(self._rows, UI.accent)
        self._ticks = rects.add_many(MAX_TICKS, UI.graph_budget)
        self._late = rects.add_many(64, UI.graph_late)
        self._labels = [c.span(box.x + 6, self._plot.top - (i + 1) * lh - c.atlas.descent,
                               LABEL_CHARS, UI.text) for i in range(self._rows)]

    def update(self) -> None:
        """Move the bars, ticks and marks to this frame's view of the run."""
        if self.box is None:
            return
        end = max(0.0, self.host.seconds - self.back)
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
        rects = c.rects
        plot = self._plot
        lh = c.line_height
        live = "now" if self.back == 0 else f"{self.back:.1f} s back (wheel to scroll)"
        assert self._title is not None
        self._title.set(f"Timeline · {view.start:.1f}-{view.end:.1f} s · {live}")
        for i in range(self._rows):
            if i < len(view.bars):
                bar = view.bars[i]
                top = plot.top - i * lh
                x0 = max(plot.x, self._x(view, bar.start))
                x1 = min(plot.right, self._x(view, bar.end if bar.end is not None else view.end))
                rects.set(self._bars + i, x0, top - lh + 2, max(1.0, x1 - x0), lh - 4,
                          STATUS_COLORS[bar.status])
                label = f"{'  ' * bar.depth}#{bar.task_id} {bar.description}"
                self._labels[i].set(label, STATUS_COLORS[bar.status])
            else:
                rects.set(self._bars + i, 0, 0, 0, 0)
                self._labels[i].set("")
        ticks = view.frames
        stride = max(1, -(-len(ticks) // MAX_TICKS))
        shown = ticks[::stride]
        for i in range(MAX_TICKS):
            if i < len(shown):
                rects.set(self._ticks + i, self._x(view, shown[i]), plot.y - TICK_H - 2, 1,
                          TICK_H)
            else:
                rects.set(self._ticks + i, 0, 0, 0, 0)
        late = view.late[-64:]
        for i in range(64):
            if i < len(late):
                rects.set(self._late + i, self._x(view, late[i]) - 1, plot.y - LATE_H - 2, 2,
                          LATE_H)
            else:
                rects.set(self._late + i, 0, 0, 0, 0)
        # Summarised history: only where the detail is gone.
        buckets = [b for b in view.buckets if b.start < view.detail_since][-256:]
        most = max((b.tasks for b in buckets), default=0)
        for i in range(256):
            if i < len(buckets) and most:
                b = buckets[i]
                x0 = max(plot.x, self._x(view, b.start))
                x1 = min(plot.right, self._x(view, min(b.end, view.detail_since)))
                h = max(1.0, plot.h * b.tasks / most / 2)
                rects.set(self._buckets + i, x0, plot.y, max(0.0, x1 - x0), h)
            else:
                rects.set(self._buckets + i, 0, 0, 0, 0)

    def on_mouse_scroll(self, x: float, y: float, scroll_y: float) -> bool:
        """Scroll back (wheel up) or forward in time; True if over the pane."""
        if self.box is None or not self.box.contains(x, y):
            return False
        oldest = self.model.history_start
        furthest = max(0.0, self.host.seconds - oldest - self.seconds / 2)
        self.back = min(furthest, max(0.0, self.back + scroll_y * self.seconds * SCROLL_SHARE))
        self._last = None
        return True
