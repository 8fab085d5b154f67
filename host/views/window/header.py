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
from host.views._format import format_ms
from host.views.palette import SHORT_STATUS
from host.views.window.canvas import Canvas, Span
from host.views.window.colors import STATUS_COLORS, UI
from host.views.window.layout import Box
from td.stats import RECENT_FRAMES, FrameStats

if TYPE_CHECKING:
    from host.views._host import ViewedHost as Host

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
        self._lifetime: Span | None = None
        self._last_text_frame = -(10**9)
        self._graph = Box(0, 0, 0, 0)
        self._bars = -1
        self._gc_bars = -1
        self._gc_label: Span | None = None
        self._budget_rect = -1

    def layout(self, box: Box) -> None:
        c = self.canvas
        cw, lh = c.char_width, c.line_height
        c.rect(*box.xywh, UI.header)
        # The graph gives up width before the figures do: a quarter of the window at most.
        graph_w = min(GRAPH_W, max(RECENT_FRAMES // 2, int(box.w // 4)))
        self._graph = Box(box.right - graph_w - 12, box.y + 6, graph_w, box.h - 12)
        c.rect(*self._graph.xywh, UI.graph_bg)
        self._budget_rect = c.rect(0, 0, 0, 0, UI.graph_budget)
        self._bars = c.rects.add_many(RECENT_FRAMES, UI.graph_ok)
        self._gc_bars = c.rects.add_many(RECENT_FRAMES, UI.graph_gc)
        label_x = self._graph.x - 7 * cw
        c.text(label_x, self._graph.top - lh + 2, "frame", UI.text_dim)
        c.text(label_x, self._graph.top - 2 * lh + 2, "times", UI.text_dim)
        self._gc_label = c.text(label_x, self._graph.top - 3 * lh + 2, "gc", UI.graph_gc)
        top_line = box.top - 6 - lh - c.atlas.descent
        c.text(box.x + 10, top_line, "framehost", UI.accent)
        right = label_x - cw  # nothing of the text runs under the graph's labels
        chars = int((right - box.x - 10) // cw) - 11
        self._stats = c.span(box.x + 10 + 11 * cw, top_line, chars, UI.text)
        y = top_line - lh - 8
        self._counts = {}
        labels = {status: status.value for status in TaskStatus}
        # Full labels with wide gaps where they fit, else tighter, else short ones.
        for gap, short in ((10, False), (8, False), (7, True)):
            if short:
                labels = {status: SHORT_STATUS[status.value] for status in TaskStatus}
            width = sum((len(label) + gap) * cw for label in labels.values())
            if box.x + 10 + width <= right:
                break
        x = box.x + 10
        for status in TaskStatus:
            c.rect(x, y + c.atlas.descent, cw, c.atlas.ascent - c.atlas.descent,
                   STATUS_COLORS[status])
            label = labels[status]
            c.text(x + 1.5 * cw, y, label, UI.text_dim)
            self._counts[status] = c.span(x + (len(label) + 2.5) * cw, y, gap - 3, UI.text)
            x += (len(label) + gap) * cw
        # Lifetime counts: what ended over the whole run, after the counts,
        # never running under the graph's labels.
        self._lifetime = c.span(x, y, max(0, int((right - x) // cw)), UI.text_dim)
        self._counts_version = -1
        self._last_text_frame = -(10**9)

    def update(self, *, force: bool = False) -> None:
        """Counts when they changed, the graph every frame, the figures a few times a
        second (every frame with ``force``, as a screenshot wants)."""
        host = self.host
        stats = host.stats
        every = max(1, round(host.fps / TEXT_UPDATES_PER_SECOND))
        if force or host.frame - self._last_text_frame >= every:
            self._last_text_frame = host.frame
            assert self._stats is not None
            full, shown = fit(self._stats_variants(stats), self._stats.chars)
            self._stats.set(shown, full=full)
        version = host.tasks.version
        if version != self._counts_version:
            self._counts_version = version
            for status, n in host.tasks.counts().items():
                self._counts[status].set(str(n))
            if self._lifetime is not None:
                lifetime = host.tasks.GetLifetimeCounts()
                full, shown = fit(lifetime_variants(lifetime), self._lifetime.chars)
                self._lifetime.set(shown, full=full)
        self._draw_graph(stats.recent_frame_times, stats.recent_gc_times)

    @property
    def lifetime_shown(self) -> str:
        """The lifetime counts text the header shows now."""
        return self._lifetime.text if self._lifetime is not None else ""

    def _stats_variants(self, s: FrameStats) -> list[str]:
        """The figures line from its whole form to its shortest; the header shows the
        longest that fits and the whole one on hover. The most needed come first, so
        the narrowest form still has the frame number, the rate and late frames."""
        host = self.host
        dropped = f" ({s.dropped_frames} dropped)" if s.dropped_frames else ""
        late = f"late frames {s.late_frames}{dropped}"
        pieces = [
            (f"frame #{host.frame}  t={host.seconds:.2f}s", f"#{host.frame} {host.seconds:.1f}s"),
            (f"{s.measured_fps:5.1f} fps (target {host.fps:g})", f"{s.measured_fps:.0f} fps"),
            (late, f"late {s.late_frames}{dropped}"),
            (f"frame {format_ms(s.last_frame_time)} (mean {format_ms(s.mean_frame_time)}, "
             f"max {format_ms(s.max_frame_time)})", f"max {format_ms(s.max_frame_time)}"),
            (f"step {format_ms(s.last_step_time)}", ""),
            (f"gc {format_ms(s.gc_time_total)} in {s.gc_collections}",
             f"gc {format_ms(s.gc_time_total)}"),
        ]
        return shortened(pieces, "   ", "  ")

    def _draw_graph(self, times: tuple[float, ...], gc_times: tuple[float, ...] = ()) -> None:
        """One bar per recent frame; a frame's budget (1/fps) sits at 2/3 of the height.
        The part of a frame spent in garbage collection is drawn over the bottom of its
        bar in its own colour, so a GC hitch reads apart from slow code."""
        g = self._graph
        budget = 1.0 / self.host.fps
        scale = (g.h * 2 / 3) / budget
        self.canvas.rects.set(self._budget_rect, g.x, g.y + round(g.h * 2 / 3), g.w, 1)
        n = len(times)
        geom = np.zeros((RECENT_FRAMES, 4), np.float32)
        gc_geom = np.zeros((RECENT_FRAMES, 4), np.float32)
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
            if len(gc_times) == n:
                gc = np.asarray(gc_times, np.float32)
                gc_geom[:n, :3] = geom[:n, :3]
                gc_geom[:n, 3] = np.where(gc > 0, np.minimum(np.maximum(gc * scale, 1.0),
                                                             geom[:n, 3]), 0.0)
        self.canvas.rects.set_many(self._bars, geom, colors)
        self.canvas.rects.set_many(self._gc_bars, gc_geom)

    def frame_at(self, x: float, y: float) -> int | None:
        """The number of the frame whose bar in the frame-time graph is at (x, y), or
        None (the pointer is elsewhere, or over no bar yet)."""
        g = self._graph
        if not g.contains(x, y) or g.w <= 0:
            return None
        stats = self.host.stats
        n = len(stats.recent_frame_times)
        index = int((x - g.x) // (g.w / RECENT_FRAMES)) - (RECENT_FRAMES - n)
        if not 0 <= index < n:
            return None
        return stats.frames - n + 1 + index

    def gc_bar_heights(self) -> list[float]:
        """The GC part of each frame's bar, in pixels (for tests)."""
        rects = self.canvas.rects
        return [float(rects.geom[self._gc_bars + i][3]) for i in range(RECENT_FRAMES)]


def lifetime_text(lifetime: dict[TaskStatus, int]) -> str:
    """``run: 120 ok · 1 failed · 0 cancelled · 2 timeout``: endings over the whole run."""
    return "run: " + " · ".join(f"{n} {'ok' if status is TaskStatus.COMPLETED else status.value}"
                                for status, n in lifetime.items())


def lifetime_variants(lifetime: dict[TaskStatus, int]) -> list[str]:
    """`lifetime_text`, then shorter forms of it: short status names, then without
    the endings that did not happen, then the total alone."""
    short = {status: "ok" if status is TaskStatus.COMPLETED else SHORT_STATUS[status.value]
             for status in lifetime}
    ended = sum(lifetime.values())
    return [
        lifetime_text(lifetime),
        "run: " + " ".join(f"{n} {short[status]}" for status, n in lifetime.items()),
        "run: " + " ".join(f"{n} {short[status]}" for status, n in lifetime.items() if n),
        f"run: {ended} ended",
        f"{ended} ended",
    ]


def shortened(pieces: list[tuple[str, str]], gap: str, tight: str) -> list[str]:
    """Forms of a line of (long, short) pieces, longest first: all long; then the
    pieces made short from the last one back; then tighter gaps; then the last
    pieces left out. An empty short form leaves its piece out."""
    forms = [list(long for long, _ in pieces)]
    current = forms[0][:]
    for i in reversed(range(len(pieces))):
        current[i] = pieces[i][1]
        forms.append(current[:])
    out = [gap.join(p for p in form if p) for form in forms]
    last = [p for p in current if p]
    out.append(tight.join(last))
    for n in range(len(last) - 1, 0, -1):
        out.append(tight.join(last[:n]))
    return out


def fit(variants: list[str], chars: int) -> tuple[str, str]:
    """The whole text (the first variant) and the longest variant that fits in
    ``chars`` (else the shortest, which the span then cuts)."""
    for text in variants:
        if len(text) <= chars:
            return variants[0], text
    return variants[0], variants[-1]
