"""The worker panel: every serial worker's queue, under the operator network.

Workers are found by walking the network (`find_workers`) a few times a second,
like the network panel, since the network has no change counter. Each frame the
panel asks every worker for its snapshot, which the worker caches until its queue
or the running task's progress moved; only when one of them is a new object are
the lines recomputed (`worker_lines`) and bound to the pool of line slots, and a
slot rewrites its spans and rectangles only when its line differs. Between changes
the one thing that moves is the running task's duration, a single span per worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from asyncio_comp.worker.comp import SerialWorkerCOMP, find_workers
from host.views._format import format_duration
from host.views.window.canvas import Canvas, Span
from host.views.window.colors import UI, WORKER_BADGE_TEXT, WORKER_COLORS
from host.views.window.layout import Box
from host.views.window.worker_model import LineKind, PanelLine, worker_lines

if TYPE_CHECKING:
    from asyncio_comp.worker.serial_worker import WorkerSnapshot
    from asyncio_comp.worker.task import WorkerTaskRow
    from td.network import OperatorHost

__all__ = ["WorkerPanel"]

WALKS_PER_SECOND = 4
BADGE_CHARS = 7
SIDE_CHARS = 6
HEADING = "Worker queues"


class _Slot:
    """One line position: a badge with its label, a progress track and fill, the
    task text, a full-width text (worker names, notes) and a duration or percentage
    at the right."""

    __slots__ = ("badge", "box", "fill", "label", "line", "side", "text", "track", "wide")

    def __init__(self, box: Box, label: Span, text: Span, wide: Span, side: Span) -> None:
        self.box = box
        self.label = label
        self.text = text
        self.wide = wide
        self.side = side
        self.line: PanelLine | None = None
        self.badge = self.track = self.fill = -1


class WorkerPanel:
    """The queues of every `SerialWorkerCOMP` in the host, drawn into one box."""

    def __init__(self, canvas: Canvas, host: OperatorHost) -> None:
        self.canvas = canvas
        self.host = host
        self.comps: list[SerialWorkerCOMP] = []
        self.box: Box | None = None
        self.slots: list[_Slot] = []
        self.lines: list[PanelLine] = []
        self._snapshots: tuple[WorkerSnapshot, ...] = ()
        self._ticking: list[tuple[_Slot, WorkerTaskRow]] = []
        self._rebind = True
        self._last_walk = -(10**9)
        self._bar = (0.0, 0.0)  # x and width of the progress track
        #: The first line shown: the wheel scrolls the queues, and the lines are made
        #: for what is above the panel too, so every pending task can be reached.
        self.first = 0

    @property
    def has_workers(self) -> bool:
        return bool(self.comps)

    def discover(self) -> bool:
        """Walk the network for workers (at most `WALKS_PER_SECOND`, or at once when
        one was destroyed); True when the set of workers changed."""
        host = self.host
        every = max(1, round(host.fps / WALKS_PER_SECOND))
        destroyed = any(not comp.valid for comp in self.comps)
        if host.frame - self._last_walk < every and not destroyed:
            return False
        self._last_walk = host.frame
        comps = find_workers(host)
        if comps == self.comps:
            return False
        self.comps = comps
        self._rebind = True
        return True

    # -- layout -------------------------------------------------------------------
    def layout(self, box: Box | None) -> None:
        """Allocate a line slot for every line that fits in ``box``; None shows nothing."""
        self.box = box
        self.slots = []
        self.lines = []
        self._ticking = []
        self._snapshots = ()
        self._rebind = True
        if box is None:
            return
        c = self.canvas
        cw, lh = c.char_width, c.line_height
        c.rect(*box.xywh, UI.panel)
        head_h = lh + 8
        c.rect(box.x, box.top - head_h, box.w, head_h, UI.header)
        c.text(box.x + 10, c.baseline(box.top - head_h, head_h), HEADING, UI.accent)
        line_h = lh + 4
        top = box.top - head_h - 4
        count = max(0, int((top - box.y - 4) // line_h))
        x0 = box.x + 10
        chars = max(BADGE_CHARS + SIDE_CHARS + 4, int((box.w - 20) // cw))
        text_x = x0 + (BADGE_CHARS + 1) * cw
        text_chars = chars - BADGE_CHARS - SIDE_CHARS - 2
        side_x = x0 + (chars - SIDE_CHARS) * cw
        self._bar = (text_x, (text_chars + 1) * cw - cw // 2)
        boxes = [Box(box.x + 4, top - (i + 1) * line_h, box.w - 8, line_h) for i in range(count)]
        # Span by span in line order: a rebind after a change writes a few short runs.
        self.slots = [
            _Slot(b,
                  c.span(x0, c.baseline(b.y, b.h), BADGE_CHARS, UI.text_dark),
                  c.span(text_x, c.baseline(b.y, b.h), text_chars, UI.text),
                  c.span(x0, c.baseline(b.y, b.h), chars, UI.text_dim),
                  c.span(side_x, c.baseline(b.y, b.h), SIDE_CHARS, UI.text_dim,
                         align_right=True))
            for b in boxes
        ]
        for kind in ("badge", "track", "fill"):
            start = c.rects.add_many(count, UI.bar_track if kind == "track" else UI.panel)
            for i, slot in enumerate(self.slots):
                setattr(slot, kind, start + i)

    # -- per frame ------------------------------------------------------------------
    def update(self) -> None:
        """Rebind the lines when any worker's snapshot changed; tick running durations."""
        if not self.slots:
            return
        budget = self.first + len(self.slots)
        snapshots = tuple(comp.snapshot(budget) for comp in self.comps if comp.valid)
        now = self.host.time()
        if self._rebind or not _same(snapshots, self._snapshots):
            self._rebind = False
            self._snapshots = snapshots
            self.lines = worker_lines(snapshots, budget, now)
            self.first = max(0, min(self.first, len(self.lines) - len(self.slots)))
            self._ticking = []
            for i, slot in enumerate(self.slots):
                n = self.first + i
                line = self.lines[n] if n < len(self.lines) else None
                self._bind(slot, line)
                if line is not None and line.ticking is not None:
                    self._ticking.append((slot, line.ticking))
        for slot, row in self._ticking:
            duration = row.duration(now)
            slot.side.set("" if duration is None else format_duration(duration))

    def _bind(self, slot: _Slot, line: PanelLine | None) -> None:
        if line == slot.line:
            return
        slot.line = line
        kind = line.kind if line is not None else None
        rects = self.canvas.rects
        box, cw = slot.box, self.canvas.char_width
        color = WORKER_COLORS[line.status] if line is not None and line.status is not None \
            else UI.panel
        if kind is LineKind.TASK:
            rects.set(slot.badge, slot.label.x - 3, box.y + 2, BADGE_CHARS * cw + 6, box.h - 4,
                      color)
        else:
            rects.set(slot.badge, 0, 0, 0, 0)
        bar_x, bar_w = self._bar
        if kind is LineKind.PROGRESS:
            assert line is not None
            fraction = min(1.0, max(0.0, line.progress or 0.0))
            rects.set(slot.track, bar_x, box.y + 5, bar_w, box.h - 10)
            rects.set(slot.fill, bar_x, box.y + 5, round(bar_w * fraction), box.h - 10, color)
        else:
            rects.set(slot.track, 0, 0, 0, 0)
            rects.set(slot.fill, 0, 0, 0, 0)
        if line is None:
            for span in (slot.label, slot.text, slot.wide, slot.side):
                span.set("")
            return
        task = kind is LineKind.TASK
        label_color = WORKER_BADGE_TEXT[line.status] if line.status is not None else UI.text_dark
        slot.label.set(line.label if task else "", label_color)
        failed = task and line.label == "failed"
        slot.text.set(line.text if task else "", UI.error_text if failed else UI.text)
        if kind is LineKind.WORKER:  # the name, and the queue length at the right edge
            slot.wide.set(_justify(line.text, line.side, slot.wide.chars), UI.accent)
            slot.side.set("")
        else:
            slot.wide.set("" if task else line.text, UI.text_dim)
            slot.side.set(line.side)

    def on_mouse_scroll(self, x: float, y: float, scroll_y: float) -> bool:
        """The wheel over the panel scrolls the queues; True if it was over it."""
        if self.box is None or not self.box.contains(x, y):
            return False
        first = max(0, self.first - round(scroll_y * 3))
        if first != self.first:
            self.first = first
            self._rebind = True
        return True

    # -- queries ----------------------------------------------------------------------
    def texts(self) -> list[str]:
        """The text of each line as shown (badge, text and side joined), for tests."""
        out = []
        for slot in self.slots:
            parts = (slot.label.text, slot.text.text, slot.wide.text, slot.side.text)
            out.append("  ".join(p for p in parts if p))
        return out


def _justify(left: str, right: str, chars: int) -> str:
    """``left`` and ``right`` on one line of ``chars``; a long ``left`` loses its start
    (a worker's path ends with its name)."""
    room = chars - len(right) - 1
    if len(left) > room:
        left = "…" + left[len(left) - room + 1:] if room > 1 else ""
    return left.ljust(chars - len(right)) + right


def _same(a: tuple[WorkerSnapshot, ...], b: tuple[WorkerSnapshot, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
