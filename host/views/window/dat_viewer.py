"""The DAT viewer: a table or text DAT shown whole, scrolled, live.

A table shows its first row (the header, by TD's convention) fixed at the top and
the rows below it from the scroll position, each cell padded to its column's width
over the rows on screen; a text DAT shows its lines. The wheel (or the arrow keys,
Page Up/Down, Home/End while the pointer is over it) scrolls rows; a sideways wheel
or Shift with the wheel, and Left/Right, scroll columns (characters for text).

Only the rows on screen are read, and only when the DAT's ``version`` moved or the
view scrolled, at most `READS_PER_SECOND` times a second: a 100,000-row task table
costs what its visible rows cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from host.views.window.canvas import Canvas, Span
from host.views.window.colors import UI
from host.views.window.layout import Box
from host.views.window.widgets import ScrollBar

if TYPE_CHECKING:
    from td.network import OP

__all__ = ["MAX_CELL", "DatViewer", "dat_kind"]

READS_PER_SECOND = 10
#: Widest a column gets, in characters; a longer cell is cut with "…" (hover reads it).
MAX_CELL = 28
GUTTER = 6
SCROLLBAR_W = 8
WHEEL_ROWS = 3


def dat_kind(op: OP | None) -> str | None:
    """``"table"`` for an operator read by cells, ``"text"`` for one read as text,
    None for an operator that holds no data."""
    if op is None or getattr(op, "family", None) != "DAT":
        return None
    is_table = getattr(op, "isTable", None)
    if isinstance(is_table, bool):
        return "table" if is_table else "text"
    if all(hasattr(type(op), name) for name in ("numRows", "numCols", "cellValue")):
        return "table"
    if hasattr(type(op), "text"):
        return "text"
    return None


class DatViewer:
    """One DAT's contents in a box of the inspector."""

    def __init__(self, canvas: Canvas, fps: float) -> None:
        self.canvas = canvas
        self.fps = fps
        self.dat: OP | None = None
        self.box: Box | None = None
        self.first = 0
        self.first_col = 0
        self.total = 0
        self.gutter: list[Span] = []
        self.lines: list[Span] = []
        self.scrollbar = ScrollBar(canvas)
        self._seen: tuple[Any, ...] | None = None
        self._last_read = -(10**9)
        self._frame = 0
        self._text_lines: list[str] = []

    # -- layout ---------------------------------------------------------------------
    def layout(self, box: Box | None) -> None:
        """Allocate a line for every row that fits in ``box``; None shows nothing."""
        self.box = box
        self.gutter, self.lines = [], []
        self._seen = None
        if box is None:
            return
        c = self.canvas
        cw, pitch = c.char_width, c.line_height + 2
        chars = max(1, int((box.w - SCROLLBAR_W - 12) // cw) - GUTTER)
        count = max(1, int((box.h - 4) // pitch))
        for i in range(count):
            y = box.top - 2 - (i + 1) * pitch - c.atlas.descent + 1
            self.gutter.append(c.span(box.x + 4, y, GUTTER - 1, UI.text_dim, align_right=True))
            self.lines.append(c.span(box.x + 4 + GUTTER * cw, y, chars, UI.text))
        self.scrollbar.layout(Box(box.right - SCROLLBAR_W - 2, box.y + 2, SCROLLBAR_W, box.h - 4))

    def show(self, dat: OP | None, frame: int) -> None:
        """View ``dat`` (None: nothing) from its top."""
        if dat is not self.dat:
            self.dat = dat
            self.first = self.first_col = 0
            self._seen = None
            self._last_read = -(10**9)
        self._frame = frame

    # -- per frame ----------------------------------------------------------------------
    def update(self, frame: int) -> None:
        self._frame = frame
        dat = self.dat
        if self.box is None or dat is None:
            return
        if not dat.valid:
            self.show(None, frame)
            for span in (*self.gutter, *self.lines):
                span.set("")
            return
        every = max(1, round(self.fps / READS_PER_SECOND))
        if self._seen is not None and frame - self._last_read < every:
            return
        self._last_read = frame
        kind = dat_kind(dat)
        version = getattr(dat, "version", None)
        text = None
        if kind == "text" and version is None:
            text = str(getattr(dat, "text", ""))  # no version to tell a change by
            version = text
        key = (kind, version, self.first, self.first_col, len(self.lines))
        if key == self._seen:
            return
        if kind == "text":
            self._text_lines = (text if text is not None
                                else str(getattr(dat, "text", ""))).splitlines()
        self._seen = key
        if kind == "table":
            self._paint_table(dat)
        else:
            self._paint_text()

    def _paint_table(self, dat: Any) -> None:
        rows, cols = int(dat.numRows), int(dat.numCols)
        self.total = rows
        body = max(0, len(self.lines) - 1)  # the first line holds row 0
        self.first = max(1, min(self.first, rows - body)) if rows > 1 else 1
        shown = [0, *range(self.first, min(rows, self.first + body))] if rows else []
        self.first_col = max(0, min(self.first_col, cols - 1))
        cells = [[dat.cellValue(r, c) for c in range(self.first_col, cols)] for r in shown]
        widths = [min(MAX_CELL, max((len(row[i]) for row in cells), default=0))
                  for i in range(cols - self.first_col)]
        for i, (gutter, line) in enumerate(zip(self.gutter, self.lines, strict=True)):
            if i >= len(shown):
                gutter.set("")
                line.set("")
                continue
            row = cells[i]
            text = "  ".join(_fit(cell, w) for cell, w in zip(row, widths, strict=True))
            cut = any(len(cell) > w for cell, w in zip(row, widths, strict=True))
            gutter.set(str(shown[i]))
            line.set(text, UI.accent if shown[i] == 0 else UI.text,
                     full="  ".join(row) if cut else "")
        self.scrollbar.place(self.first - 1, body, max(0, rows - 1))

    def _paint_text(self) -> None:
        lines = self._text_lines
        self.total = len(lines)
        count = len(self.lines)
        self.first = max(0, min(self.first, len(lines) - count))
        for i, (gutter, span) in enumerate(zip(self.gutter, self.lines, strict=True)):
            n = self.first + i
            if n >= len(lines):
                gutter.set("")
                span.set("")
                continue
            gutter.set(str(n + 1))
            span.set(lines[n].expandtabs(4)[self.first_col:])
        self.scrollbar.place(self.first, count, len(lines))

    # -- scrolling ------------------------------------------------------------------------
    def scroll(self, rows: int = 0, cols: int = 0) -> None:
        """Move the view by ``rows`` and ``cols`` (clamped on the next paint)."""
        if rows or cols:
            self.first = max(0, self.first + rows)
            self.first_col = max(0, self.first_col + cols)
            self._seen = None
            self._last_read = -(10**9)

    def on_mouse_scroll(self, x: float, y: float, scroll_x: float, scroll_y: float,
                        shift: bool = False) -> bool:
        if self.box is None or not self.box.contains(x, y):
            return False
        if shift:
            scroll_x, scroll_y = scroll_y, 0.0
        self.scroll(-round(scroll_y * WHEEL_ROWS), round(scroll_x * 2))
        return True

    def on_mouse_press(self, x: float, y: float) -> bool:
        if self.box is None or not self.box.contains(x, y):
            return False
        self.scroll(self.scrollbar.page(x, y) * max(1, len(self.lines) - 2))
        return True

    def on_key_press(self, symbol: int) -> bool:
        from pyglet.window import key

        page = max(1, len(self.lines) - 2)
        moves = {key.UP: (-1, 0), key.DOWN: (1, 0), key.PAGEUP: (-page, 0),
                 key.PAGEDOWN: (page, 0), key.HOME: (-self.total, 0), key.END: (self.total, 0),
                 key.LEFT: (0, -1), key.RIGHT: (0, 1)}
        move = moves.get(symbol)
        if move is None:
            return False
        self.scroll(*move)
        return True

    def texts(self) -> list[str]:
        """The lines as shown (row number and text), for tests and the terminal."""
        return [f"{g.text} {s.text}".strip() for g, s in zip(self.gutter, self.lines, strict=True)
                if s.text or g.text]


def _fit(cell: str, width: int) -> str:
    cell = cell.replace("\n", " ").replace("\t", " ")
    if len(cell) > width:
        return cell[: max(0, width - 1)] + "…"
    return cell.ljust(width)
