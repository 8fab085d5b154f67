"""The network editor: one COMP's children as tiles, as TouchDesigner's network shows them.

Each tile has the operator's name and family and a live viewer: a DAT's first rows,
a COMP's operator count, how many tasks are running inside it and the names of its
children. A COMP's tasks are the ones its operators own (`GetTaskInfo`'s ``owner``:
the COMP or an operator in it submitted them, so destroying it cancels them);
TDAsyncIO's tile counts every task it runs. Click a tile to select it (the
inspector below shows its parameters, or a DAT's contents); click a COMP's » (or
press ``i``) to dive into it, and ``u`` (or the path bar's ▲, or one of its names)
to go back up.
The wheel, or the scroll bar, reaches every tile however many there are.

The network has no change counter, so the children of the COMP shown are re-read a
few times a second, and the viewers of the tiles on screen too; a tile rewrites its
spans only when its text changed (see `canvas.py`), so a still network costs nothing.
The task counts come from the registry's counts per owner, kept as tasks start and
end: a read costs the number of owners and their depth, never the number of tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from host.views.window.canvas import Canvas, Span
from host.views.window.colors import UI, Color
from host.views.window.dat_viewer import dat_kind
from host.views.window.layout import Box
from host.views.window.widgets import ScrollBar
from td.network import BaseCOMP

if TYPE_CHECKING:
    from host.views._host import ViewedHost
    from td.network import OP

__all__ = ["NetworkEditor"]

READS_PER_SECOND = 4
TILE_MIN_W = 130
TILE_GAP = 6
VIEWER_LINES = 3
SCROLLBAR_W = 8
WHEEL_ROWS = 1
DIVE = "»"
UP = "▲ up"
SEPARATOR = " › "
FAMILY_COLORS: dict[str, Color] = {"COMP": UI.comp, "DAT": UI.dat}


@dataclass(slots=True)
class _Tile:
    """One tile position on screen and the operator bound to it."""

    box: Box
    bg: int
    strip: int
    name: Span
    family: Span
    dive: Span
    viewer: list[Span]
    op: OP | None = None


class NetworkEditor:
    """The children of one COMP (`current`) as tiles; see the module docstring."""

    def __init__(self, canvas: Canvas, host: ViewedHost) -> None:
        self.canvas = canvas
        self.host = host
        self.current: BaseCOMP = host.root
        #: The path of `current`, kept: a destroyed operator can no longer be asked.
        self._current_path = "/"
        self.selected: OP | None = None
        self.children: list[OP] = []
        self.tiles: list[_Tile] = []
        self.cols = 1
        self.first_row = 0
        self.box = Box(0, 0, 0, 0)
        self.scrollbar = ScrollBar(canvas)
        self._up = Box(0, 0, 0, 0)
        self._path: Span | None = None
        self._path_targets: list[tuple[Box, BaseCOMP]] = []
        self._empty: Span | None = None
        self._last_read = -(10**9)
        self._bound: tuple[Any, ...] = ()
        #: Active tasks inside each COMP by ``id()`` (its own and its operators'),
        #: as of the last read.
        self._running_inside: dict[int, int] = {}

    # -- layout -----------------------------------------------------------------------
    def layout(self, box: Box | None) -> None:
        self.tiles = []
        if box is None:
            return
        self.box = box
        c = self.canvas
        cw, lh = c.char_width, c.line_height
        c.rect(*box.xywh, UI.panel)
        bar_h = lh + 10
        bar = Box(box.x, box.top - bar_h, box.w, bar_h)
        c.rect(*bar.xywh, UI.header)
        base = c.baseline(bar.y, bar.h)
        self._up = Box(bar.x + 4, bar.y + 3, (len(UP) + 2) * cw, bar.h - 6)
        c.rect(*self._up.xywh, UI.button)
        c.text(self._up.x + cw, base, UP, UI.text)
        path_x = self._up.right + cw
        self._path = c.span(path_x, base, int((bar.right - 6 - path_x) // cw), UI.text,
                            cut_left=True)
        area = Box(box.x + 6, box.y + 4, box.w - 12 - SCROLLBAR_W - 4, bar.y - box.y - 8)
        self.scrollbar.layout(Box(box.right - SCROLLBAR_W - 4, area.y, SCROLLBAR_W, area.h))
        self.cols = max(1, int((area.w + TILE_GAP) // (TILE_MIN_W + TILE_GAP)))
        tile_w = (area.w - (self.cols - 1) * TILE_GAP) / self.cols
        # Three viewer lines where two rows of such tiles fit, else two (a small window).
        pitch = lh + 1
        lines = VIEWER_LINES
        if 2 * ((lines + 1) * pitch + 8) + TILE_GAP > area.h:
            lines = VIEWER_LINES - 1
        tile_h = (lines + 1) * pitch + 8
        rows = max(1, int((area.h + TILE_GAP) // (tile_h + TILE_GAP)))
        chars = max(4, int((tile_w - 12) // cw))
        for r in range(rows):
            for col in range(self.cols):
                x = round(area.x + col * (tile_w + TILE_GAP))
                y = round(area.top - (r + 1) * tile_h - r * TILE_GAP)
                tb = Box(x, y, round(tile_w), tile_h)
                bg = c.rect(0, 0, 0, 0, UI.tile)
                strip = c.rect(0, 0, 0, 0, UI.comp)
                top = tb.top - 4 - pitch - c.atlas.descent + 1
                name = c.span(tb.x + 8, top, chars - 7, UI.text)
                family = c.span(tb.x + 8 + (chars - 6) * cw, top, 4, UI.text_dim,
                                align_right=True)
                dive = c.span(tb.x + 8 + (chars - 1) * cw, top, 1, UI.accent)
                viewer = [c.span(tb.x + 8, top - (i + 1) * pitch, chars, UI.text_dim)
                          for i in range(lines)]
                self.tiles.append(_Tile(tb, bg, strip, name, family, dive, viewer))
        self._empty = c.span(area.x + 4, area.top - 2 * lh, int(area.w // cw), UI.text_dim)
        self._bound = ()
        self._last_read = -(10**9)

    # -- navigation ---------------------------------------------------------------------
    def go(self, comp: BaseCOMP, select: OP | None = None) -> None:
        """Show ``comp``'s children (from the top), selecting ``select``."""
        if comp is not self.current:
            self.current = comp
            self._current_path = comp.path
            self.first_row = 0
            self.children = []
        self.selected = select
        self._last_read = -(10**9)
        self._bound = ()

    def dive(self, op: OP | None = None) -> bool:
        """Go into ``op`` (default: the selected operator) if it is a COMP; True if so."""
        target = self.selected if op is None else op
        if not isinstance(target, BaseCOMP) or not target.valid:
            return False
        self.go(target)
        return True

    def up(self) -> bool:
        """Go to the parent of the COMP shown, selecting where we came from; True if
        there was one."""
        parent = self.current.parent() if self.current.valid else None
        if parent is None:
            return False
        self.go(parent, select=self.current)
        return True

    def select(self, op: OP | None) -> None:
        if op is not self.selected:
            self.selected = op
            self._bound = ()

    def selected_op(self) -> OP | None:
        op = self.selected
        return op if op is not None and op.valid else None

    def tile_of(self, name: str) -> _Tile | None:
        """The tile on screen showing the child called ``name``, if any."""
        for tile in self.tiles:
            if tile.op is not None and tile.op.name == name:
                return tile
        return None

    @property
    def total_rows(self) -> int:
        return -(-len(self.children) // self.cols)

    @property
    def visible_rows(self) -> int:
        return max(1, len(self.tiles) // self.cols)

    def scroll_to(self, first_row: int) -> None:
        first_row = max(0, min(first_row, self.total_rows - self.visible_rows))
        if first_row != self.first_row:
            self.first_row = first_row
            self._bound = ()
            self._last_read = -(10**9)

    def reveal(self, op: OP) -> None:
        """Scroll so that ``op``'s tile is on screen (it must be a child shown)."""
        if op in self.children:
            row = self.children.index(op) // self.cols
            if row < self.first_row:
                self.scroll_to(row)
            elif row >= self.first_row + self.visible_rows:
                self.scroll_to(row - self.visible_rows + 1)

    # -- per frame ----------------------------------------------------------------------
    def update(self, *, force: bool = False) -> None:
        """Re-read the children and the viewers on screen when due (or with ``force``,
        as a screenshot wants)."""
        host = self.host
        current = self.current
        if not current.valid:
            # The COMP shown went away: show the nearest ancestor still there.
            path = self._current_path
            found: OP | None = None
            while path != "/" and found is None:
                path = path.rsplit("/", 1)[0] or "/"
                found = host.root.op(path)
                if not isinstance(found, BaseCOMP):
                    found = None
            self.go(found if isinstance(found, BaseCOMP) else host.root)
        if self.selected is not None and not self.selected.valid:
            self.selected = None
            self._bound = ()
        every = max(1, round(host.fps / READS_PER_SECOND))
        if host.frame - self._last_read < every and self._bound and not force:
            return
        self._last_read = host.frame
        self._running_inside = _running_inside(host.tasks.active_by_owner())
        self.children = self.current.children
        self.scroll_to(self.first_row)
        self._paint_path()
        start = self.first_row * self.cols
        shown = self.children[start:start + len(self.tiles)]
        for i, tile in enumerate(self.tiles):
            self._bind(tile, shown[i] if i < len(shown) else None)
        assert self._empty is not None
        self._empty.set("" if self.children else "This COMP has no operators.")
        self.scrollbar.place(self.first_row, self.visible_rows, self.total_rows)
        self._bound = (self.current, self.first_row, self.selected)

    def _paint_path(self) -> None:
        span = self._path
        assert span is not None
        chain: list[BaseCOMP] = []
        node: BaseCOMP | None = self.current
        while node is not None:
            chain.append(node)
            node = node.parent()
        chain.reverse()
        parts = ["/"] + [comp.name for comp in chain[1:]]
        text = SEPARATOR.join(parts)
        span.set(text, full=self.current.path)
        # Where each name is drawn, so a click on it goes there.
        shift = max(0, len(text) - span.chars + 1) if len(text) > span.chars else 0
        cw = self.canvas.char_width
        targets, pos = [], 0
        for comp, part in zip(chain, parts, strict=True):
            start, end = pos - shift + (1 if shift else 0), pos + len(part) - shift + \
                (1 if shift else 0)
            if start >= (1 if shift else 0):
                targets.append((Box(span.x + start * cw, span.y - 4, (end - start) * cw,
                                    self.canvas.line_height + 4), comp))
            pos += len(part) + len(SEPARATOR)
        self._path_targets = targets

    def _bind(self, tile: _Tile, op: OP | None) -> None:
        rects = self.canvas.rects
        tile.op = op
        if op is None:
            rects.set(tile.bg, 0, 0, 0, 0)
            rects.set(tile.strip, 0, 0, 0, 0)
            for span in (tile.name, tile.family, tile.dive, *tile.viewer):
                span.set("")
            return
        b = tile.box
        family = str(getattr(op, "family", "OP"))
        rects.set(tile.bg, *b.xywh, UI.tile_selected if op is self.selected else UI.tile)
        rects.set(tile.strip, b.x, b.y, 3, b.h, FAMILY_COLORS.get(family, UI.text_dim))
        tile.name.set(op.name, UI.accent if op is self.selected else UI.text)
        tile.family.set(family)
        tile.dive.set(DIVE if isinstance(op, BaseCOMP) else "")
        lines = _viewer_lines(op, len(tile.viewer), self._running_inside)
        for span, text in zip(tile.viewer, lines, strict=True):
            span.set(text)

    # -- input ----------------------------------------------------------------------------
    def on_mouse_press(self, x: float, y: float) -> bool:
        if not self.box.contains(x, y):
            return False
        if self._up.contains(x, y):
            self.up()
            return True
        for target, comp in self._path_targets:
            if target.contains(x, y):
                if comp is not self.current:
                    self.go(comp, select=None)
                return True
        page = self.scrollbar.page(x, y)
        if page:
            self.scroll_to(self.first_row + page * self.visible_rows)
            return True
        for tile in self.tiles:
            if tile.op is not None and tile.box.contains(x, y):
                if tile.dive.text and tile.dive.contains(x, y):
                    self.dive(tile.op)
                else:
                    self.select(tile.op)
                return True
        return True

    def on_mouse_scroll(self, x: float, y: float, scroll_y: float) -> bool:
        if not self.box.contains(x, y):
            return False
        self.scroll_to(self.first_row - round(scroll_y * WHEEL_ROWS))
        return True

    def on_key_press(self, symbol: int) -> bool:
        """``i`` dives into the selected COMP, ``u`` goes up, as in TouchDesigner."""
        from pyglet.window import key

        if symbol == key.I:
            return self.dive()
        if symbol == key.U:
            return self.up()
        return False

    def texts(self) -> list[str]:
        """Every tile's lines as shown, for tests."""
        return [s.text for t in self.tiles for s in (t.name, t.family, *t.viewer) if s.text]


def _running_inside(by_owner: list[tuple[OP, int]]) -> dict[int, int]:
    """Each COMP's active tasks (by the COMP's ``id()``): those its operators own,
    itself and every operator inside it, however deep; owners destroyed meanwhile
    (their tasks winding down) count nowhere."""
    inside: dict[int, int] = {}
    for owner, count in by_owner:
        if not owner.valid:
            continue
        node: OP | None = owner
        while node is not None:
            if isinstance(node, BaseCOMP):
                inside[id(node)] = inside.get(id(node), 0) + count
            node = node.parent()
    return inside


def _plural(count: int, thing: str) -> str:
    return f"{count} {thing}{'s' if count != 1 else ''}"


def _viewer_lines(op: OP, count: int, running_inside: dict[int, int]) -> list[str]:
    """What a tile's ``count`` viewer lines show: a DAT's first rows, a COMP's contents
    (its operator count, its running tasks, their names)."""
    kind = dat_kind(op)
    lines: list[str] = []
    if kind == "table":
        dat: Any = op
        rows, cols = int(dat.numRows), int(dat.numCols)
        shown = min(rows, count if rows <= count else count - 1)
        cells = [[dat.cellValue(r, c) for c in range(min(cols, 8))] for r in range(shown)]
        widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))] if cells \
            else []
        lines = [" ".join(cell.ljust(min(w, 10))[:10] for cell, w in zip(row, widths,
                                                                        strict=True))
                 for row in cells]
        if rows > shown:
            lines.append(f"{rows} rows × {cols} cols" if rows else "empty")
        elif not rows:
            lines.append("empty table")
    elif kind == "text":
        text = str(getattr(op, "text", ""))
        lines = text.splitlines()[:count] or ["empty text"]
    elif isinstance(op, BaseCOMP):
        children = op.children
        lines.append(_plural(len(children), "operator") if children else "no operators")
        # TDAsyncIO runs every task, whoever owns it: its count is all of them.
        running_count = getattr(op, "GetActiveTasksCount", None)
        running = running_count() if callable(running_count) else \
            running_inside.get(id(op), 0)
        lines.append(_plural(running, "running task"))
        if children:
            lines.append(", ".join(child.name for child in children[:6]))
    return (lines + [""] * count)[:count]
