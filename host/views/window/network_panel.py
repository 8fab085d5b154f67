"""The side panel: every operator's path and family, so users see what a scene built.

The network has no change counter, so the panel walks it a few times a second
rather than every frame; it rewrites lines only when the listing changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from host.views.window.canvas import Canvas, Span
from host.views.window.colors import UI
from host.views.window.layout import Box

if TYPE_CHECKING:
    from td.network import OP, OperatorHost

__all__ = ["NetworkPanel"]

WALKS_PER_SECOND = 4


class NetworkPanel:
    """A list of operator paths with their families (COMP, DAT, ...), in creation order;
    click one to show its parameters in the parameter panel."""

    def __init__(self, canvas: Canvas, host: OperatorHost) -> None:
        self.canvas = canvas
        self.host = host
        self.lines: list[Span] = []
        self.families: list[Span] = []
        self.listing: tuple[tuple[str, str], ...] = ()
        self.selected: str | None = None
        self._shown: tuple[tuple[str, str], ...] = ()
        self._last_walk = -(10**9)

    def layout(self, box: Box) -> None:
        c = self.canvas
        cw, lh = c.char_width, c.line_height
        c.rect(*box.xywh, UI.panel)
        top = box.top - 8 - lh - c.atlas.descent
        c.text(box.x + 10, top, "Operator network", UI.accent)
        chars = int((box.w - 20) // cw)
        # Whole-pixel line pitch with a pixel to spare: baselines rounded from a
        # fractional pitch would let neighbouring lines touch.
        pitch = lh + 1
        count = max(0, int((top - lh // 2 - box.y - 6) // pitch))
        self.lines = [c.span(box.x + 10, top - lh // 2 - (i + 1) * pitch, chars - 5, UI.text)
                      for i in range(count)]
        self.families = [c.span(box.x + 10 + (chars - 4) * cw, top - lh // 2 - (i + 1) * pitch,
                                4, UI.text_dim, align_right=True) for i in range(count)]
        self.listing = ()
        self._last_walk = -(10**9)

    def update(self) -> None:
        host = self.host
        every = max(1, round(host.fps / WALKS_PER_SECOND))
        if host.frame - self._last_walk < every:
            return
        self._last_walk = host.frame
        listing = tuple((op.path, op.family) for op in host.root.walk() if op.path != "/")
        if listing == self.listing:
            return
        self.listing = listing
        if self.selected is not None and all(path != self.selected for path, _ in listing):
            self.selected = None
        self._paint()

    def _paint(self) -> None:
        listing = self.listing
        shown = listing
        if len(listing) > len(self.lines):
            shown = listing[: max(0, len(self.lines) - 1)]
        for i, span in enumerate(self.lines):
            if i < len(shown):
                path, family = shown[i]
                if len(path) > span.chars:
                    path = "…" + path[-(span.chars - 1):]
                span.set(path, UI.accent if shown[i][0] == self.selected else UI.text)
                self.families[i].set(family)
            elif i == len(shown) and len(listing) > len(shown):
                span.set(f"… and {len(listing) - len(shown)} more", UI.text_dim)
                self.families[i].set("")
            else:
                span.set("")
                self.families[i].set("")
        self._shown = shown

    def on_mouse_press(self, x: float, y: float) -> bool:
        """A click on an operator's line selects it (again: deselects); True if handled."""
        for i, span in enumerate(self.lines):
            if i < len(self._shown) and span.y - 4 <= y < span.y + self.canvas.line_height \
                    and span.x <= x < span.x + span.width + 5 * self.canvas.char_width:
                path = self._shown[i][0]
                self.selected = None if self.selected == path else path
                self._paint()
                return True
        return False

    def selected_op(self) -> OP | None:
        """The selected operator, if it still exists."""
        return None if self.selected is None else self.host.root.op(self.selected)
