"""The live task table: a pool of row slots bound to the visible part of the model.

Each visible row is a `_Slot` holding one span per column and four rectangles
(background, status badge, progress track and fill). A slot re-formats its cells
only when the `TaskRow` bound to it is a different snapshot object (the manager
hands out the same object until that task changes), and each frame only the
duration cells of active rows tick. All text goes through `Canvas` spans, which
redraw a cell only when its text changed; see `canvas.py` for why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from asyncio_comp.records import TaskRow
from host.views._format import format_duration
from host.views.row_text import RowText, row_text
from host.views.window.canvas import Canvas, Span
from host.views.window.colors import BADGE_TEXT, STATUS_COLORS, UI
from host.views.window.layout import Box
from host.views.window.table_model import COLUMNS, TableModel

if TYPE_CHECKING:
    from asyncio_comp.manager import AsyncIOManager

__all__ = ["TableRenderer"]

SCROLLBAR_W = 10
#: Columns left out, in this order, when the table is too narrow for all of them.
DROP_ORDER = ("info", "created_at", "completed_at", "progress", "error")
WHEEL_ROWS = 3
CANCEL_MARK = "✕"
EMPTY_YET = "No tasks yet. Scenes start tasks with Run()."
EMPTY_NOW = "No tasks now: the finished ones were cleared."


class _Slot:
    """One visible row position and what is bound to it."""

    __slots__ = ("badge", "bg", "box", "fill", "row", "spans", "text", "track")

    def __init__(self, box: Box) -> None:
        self.box = box
        self.spans: dict[str, Span] = {}
        self.row: TaskRow | None = None
        self.text: RowText | None = None
        self.bg = self.badge = self.track = self.fill = -1


class TableRenderer:
    """Draws `TableModel` rows into a box of the canvas and handles clicks on them."""

    def __init__(self, canvas: Canvas, manager: AsyncIOManager,
                 now: Callable[[], float]) -> None:
        self.canvas = canvas
        self.manager = manager
        self.model = TableModel(manager)
        self._now = now
        self.first = 0
        self.hovered: int | None = None
        self.selected: int | None = None
        self.slots: list[_Slot] = []
        self._ticking: list[_Slot] = []
        self._rebind = True
        self._frozen = False
        self._seen_tasks = False
        self._bg_dirty = True
        self._wheel = 0.0
        self._drag: tuple[float, int] | None = None
        self.box = Box(0, 0, 0, 0)
        self._track = Box(0, 0, 0, 0)
        self._thumb = Box(0, 0, 0, 0)
        self._columns: dict[str, tuple[float, int]] = {}

    # -- layout -------------------------------------------------------------------
    def layout(self, box: Box) -> None:
        """Allocate spans and rectangles for every row that fits in ``box``."""
        c = self.canvas
        cw, row_h = c.char_width, c.line_height + 5
        self.box, self.row_h = box, row_h
        self._columns = self._column_positions(box.w - SCROLLBAR_W - 4, cw)
        header = Box(box.x, box.top - row_h, box.w, row_h)
        c.rect(header.x, header.y, header.w, header.h, UI.header)
        for col in COLUMNS:
            x, chars = self._columns[col.key]
            c.span(box.x + x, self._baseline(header), chars, UI.text_dim,
                   align_right=col.align_right).set(col.title)
        count = max(0, int((box.h - row_h) // row_h))
        self.slots = [_Slot(Box(box.x, header.y - (i + 1) * row_h, box.w - SCROLLBAR_W - 2,
                                row_h)) for i in range(count)]
        # Rectangles kind by kind and spans column by column: each kind is one
        # contiguous range, so the ticking duration column uploads as one short run.
        for kind in ("bg", "badge", "track", "fill"):
            color = UI.bar_track if kind == "track" else UI.row_even
            start = c.rects.add_many(count, color)
            for i, slot in enumerate(self.slots):
                setattr(slot, kind, start + i)
        for col in COLUMNS:
            x, chars = self._columns[col.key]
            if col.key == "progress" and chars:
                x, chars = x + (chars - 4) * cw, 4
            color = UI.bad if col.key == "cancel" else UI.text
            for slot in self.slots:
                slot.spans[col.key] = c.span(box.x + x, self._baseline(slot.box), chars, color,
                                             align_right=col.align_right or col.key == "progress")
        self._empty = c.span(box.x + cw, self._baseline(header) - 2 * row_h, 60, UI.text_dim)
        self._track = Box(box.right - SCROLLBAR_W, box.y, SCROLLBAR_W, header.y - box.y)
        self._track_rect = c.rect(*self._track.xywh, UI.scroll_track)
        self._thumb_rect = c.rect(0, 0, 0, 0, UI.scroll_thumb)
        self._rebind = self._bg_dirty = True

    def _column_positions(self, width: float, cw: int) -> dict[str, tuple[float, int]]:
        """Where each column starts and how many characters it holds; columns that do
        not fit the width are dropped (0 characters), least needed first, so no cell
        ever runs past the table into the side panel."""
        total = int(width // cw) - 1
        shown = list(COLUMNS)
        for key in DROP_ORDER:
            if sum(col.chars + 1 for col in shown) <= total:
                break
            shown = [col for col in shown if col.key != key]
        fixed = sum(col.chars + 1 for col in shown)
        flex_total = sum(col.flex for col in shown) or 1
        spare = max(0, total - fixed)
        out: dict[str, tuple[float, int]] = {}
        x = 0.0
        for col in COLUMNS:
            if col not in shown:
                out[col.key] = (x + 4, 0)
                continue
            chars = col.chars + (spare * col.flex // flex_total if col.flex else 0)
            out[col.key] = (x + 4, chars)
            x += (chars + 1) * cw
        return out

    def _baseline(self, box: Box) -> float:
        return self.canvas.baseline(box.y, box.h)

    # -- per frame ----------------------------------------------------------------
    def update(self) -> None:
        """Bring the slots up to date: rebind on a new model version or scroll, then
        tick the durations of active rows."""
        now = self._now()
        changed = self.model.refresh()
        if self.hovered is not None and not self._rebind:
            # Rows stay put under the pointer: the same tasks in the same slots, each
            # showing its latest state; new ones and the new order wait until it leaves.
            if changed or self._frozen:
                self._frozen = True
                self._rebind_in_place(now)
        elif changed or self._rebind or self._frozen:
            self._rebind = self._frozen = False
            self._bind_all(now)
        for slot in self._ticking:
            assert slot.row is not None
            slot.spans["duration"].set(format_duration(slot.row.duration(now)))
        if self._bg_dirty:
            self._bg_dirty = False
            self._paint_backgrounds()

    def _bind_all(self, now: float) -> None:
        total = self.model.total
        self.first = max(0, min(self.first, total - len(self.slots)))
        rows = self.model.window(self.first, len(self.slots))
        self._ticking = []
        for i, slot in enumerate(self.slots):
            self._bind(slot, rows[i] if i < len(rows) else None, now)
            if slot.text is not None and slot.text.active:
                self._ticking.append(slot)
        self._seen_tasks = self._seen_tasks or total > 0
        self._empty.set("" if total else EMPTY_NOW if self._seen_tasks else EMPTY_YET)
        self._place_thumb(total)
        self._bg_dirty = True

    def _rebind_in_place(self, now: float) -> None:
        self._ticking = []
        for slot in self.slots:
            if slot.row is not None:
                self._bind(slot, self.model.find(slot.row.task_id), now)
            if slot.text is not None and slot.text.active:
                self._ticking.append(slot)

    def _bind(self, slot: _Slot, row: TaskRow | None, now: float) -> None:
        if slot.row is row and row is not None:
            return
        slot.row = row
        rects = self.canvas.rects
        spans = slot.spans
        if row is None:
            slot.text = None
            for span in spans.values():
                span.set("")
            for i in (slot.badge, slot.track, slot.fill):
                rects.set(i, 0, 0, 0, 0)
            return
        t = slot.text = row_text(row)
        color = STATUS_COLORS[row.status]
        spans["cancel"].set(CANCEL_MARK if t.active else "")
        spans["task_id"].set(t.task_id)
        spans["status"].set(t.status, BADGE_TEXT[row.status])
        spans["description"].set(t.description)
        spans["progress"].set(t.progress_text)
        spans["duration"].set(format_duration(row.duration(now)))
        spans["created_at"].set(t.created_at)
        spans["completed_at"].set(t.completed_at)
        spans["error"].set(t.error, UI.error_text)
        spans["info"].set(t.info, UI.text_dim)
        box, (sx, schars), (px, pchars) = slot.box, self._columns["status"], \
            self._columns["progress"]
        cw = self.canvas.char_width
        rects.set(slot.badge, box.x + sx - 3, box.y + 2, schars * cw + 6, box.h - 4, color)
        bar_w = max(0, pchars - 5) * cw  # none when the column was left out
        rects.set(slot.track, box.x + px, box.y + 5, bar_w, box.h - 10)
        rects.set(slot.fill, box.x + px, box.y + 5, round(bar_w * t.progress), box.h - 10, color)

    def _paint_backgrounds(self) -> None:
        rects = self.canvas.rects
        for i, slot in enumerate(self.slots):
            task_id = slot.row.task_id if slot.row is not None else None
            if task_id is not None and task_id == self.selected:
                color = UI.row_selected
            elif task_id is not None and i == self.hovered:
                color = UI.row_hover
            else:
                color = UI.row_odd if (self.first + i) % 2 else UI.row_even
            if color == UI.background:
                rects.set(slot.bg, 0, 0, 0, 0)  # the clear already painted it
            else:
                rects.set(slot.bg, *slot.box.xywh, color)

    def _place_thumb(self, total: int) -> None:
        track, visible = self._track, len(self.slots)
        if total <= visible or not visible:
            self._thumb = Box(0, 0, 0, 0)
        else:
            h = max(16.0, track.h * visible / total)
            top = track.top - (track.h - h) * self.first / (total - visible)
            self._thumb = Box(track.x + 1, top - h, track.w - 2, h)
        self.canvas.rects.set(self._thumb_rect, *self._thumb.xywh)

    # -- queries ------------------------------------------------------------------
    @property
    def visible_rows(self) -> int:
        return len(self.slots)

    def visible_task_ids(self) -> list[int]:
        return [slot.row.task_id for slot in self.slots if slot.row is not None]

    def slot_of(self, task_id: int) -> _Slot | None:
        for slot in self.slots:
            if slot.row is not None and slot.row.task_id == task_id:
                return slot
        return None

    def cancel_point(self, task_id: int) -> tuple[float, float] | None:
        """Where the ✕ of a visible row is drawn (for clicks and tests)."""
        slot = self.slot_of(task_id)
        if slot is None:
            return None
        span = slot.spans["cancel"]
        return span.x + span.width / 2, slot.box.y + slot.box.h / 2

    def focus_row(self) -> TaskRow | None:
        """The row the details strip shows: the hovered one, else the selected one."""
        if self.hovered is not None and self.hovered < len(self.slots):
            row = self.slots[self.hovered].row
            if row is not None:
                return row
        return None if self.selected is None else self.model.find(self.selected)

    # -- input --------------------------------------------------------------------
    def scroll_to(self, first: int) -> None:
        first = max(0, min(first, self.model.total - len(self.slots)))
        if first != self.first:
            self.first = first
            self._rebind = True

    def on_key_press(self, symbol: int) -> bool:
        """Page Up/Down, Home/End and the arrows scroll the table; True if handled."""
        from pyglet.window import key

        page = max(1, len(self.slots) - 1)
        moves = {key.PAGEUP: -page, key.PAGEDOWN: page, key.UP: -1, key.DOWN: 1,
                 key.HOME: -self.model.total, key.END: self.model.total}
        step = moves.get(symbol)
        if step is None:
            return False
        self.scroll_to(self.first + step)
        return True

    def on_mouse_scroll(self, x: float, y: float, scroll_y: float) -> bool:
        if not self.box.contains(x, y):
            return False
        self._wheel -= scroll_y * WHEEL_ROWS
        step = int(self._wheel)
        self._wheel -= step
        self.scroll_to(self.first + step)
        return True

    def on_mouse_press(self, x: float, y: float) -> bool:
        if not self.box.contains(x, y):
            return False
        if self._thumb.contains(x, y):
            self._drag = (y, self.first)
            return True
        if self._track.contains(x, y):
            page = len(self.slots) - 1
            self.scroll_to(self.first + (page if y < self._thumb.y else -page))
            return True
        for slot in self.slots:
            row = slot.row
            if row is None or not slot.box.contains(x, y):
                continue
            if row.status.is_active and slot.spans["cancel"].contains(x, y):
                self.manager.CancelTask(row.task_id)
            else:
                self.selected = None if self.selected == row.task_id else row.task_id
                self._bg_dirty = True
            return True
        return True

    def on_mouse_drag(self, x: float, y: float) -> bool:
        if self._drag is None:
            return False
        y0, first0 = self._drag
        total, visible = self.model.total, len(self.slots)
        free = self._track.h - self._thumb.h
        if free > 0:
            self.scroll_to(first0 + round((y0 - y) / free * (total - visible)))
        return True

    def on_mouse_release(self) -> None:
        self._drag = None

    def on_mouse_motion(self, x: float, y: float) -> None:
        hovered = None
        if self.box.contains(x, y):
            for i, slot in enumerate(self.slots):
                if slot.box.contains(x, y):
                    hovered = i
                    break
        if hovered != self.hovered:
            self.hovered = hovered
            self._bg_dirty = True
