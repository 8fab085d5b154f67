"""The side panel: every operator's path and family, so users see what a scene built.

The network has no change counter, so the panel walks it a few times a second
rather than every frame; it rewrites lines only when the listing changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from host.app.views.window.canvas import Canvas, Span
from host.app.views.window.colors import UI
from host.app.views.window.layout import Box

if TYPE_CHECKING:
    from host.engine.network import OperatorHost

__all__ = ["NetworkPanel"]

WALKS_PER_SECOND = 4


class NetworkPanel:
    """A list of operator paths with their families (COMP, DAT, ...), in creation order."""

    def __init__(self, canvas: Canvas, host: OperatorHost) -> None:
        self.canvas = canvas
        self.host = host
        self.lines: list[Span] = []
        self.families: list[Span] = []
        self.listing: tuple[tuple[str, str], ...] = ()
        self._last_walk = -(10**9)

    def layout(self, box: Box) -> None:
        c = self.canvas
        cw, lh = c.char_width, c.line_height
        c.rect(*box.xywh, UI.panel)
        top = box.top - 8 - lh - c.atlas.descent
        c.text(box.x + 10, top, "Operator network", UI.accent)
        chars = int((box.w - 20) // cw)
        count = max(0, int((top - lh // 2 - box.y - 6) // lh))
        self.lines = [c.span(box.x + 10, top - (i + 1.5) * lh, chars - 5, UI.text)
                      for i in range(count)]
        self.families = [c.span(box.x + 10 + (chars - 4) * cw, top - (i + 1.5) * lh, 4,
                                UI.text_dim, align_right=True) for i in range(count)]
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
        shown = listing
        if len(listing) > len(self.lines):
            shown = listing[: max(0, len(self.lines) - 1)]
        for i, span in enumerate(self.lines):
            if i < len(shown):
                path, family = shown[i]
                if len(path) > span.chars:
                    path = "…" + path[-(span.chars - 1):]
                span.set(path, UI.text)
                self.families[i].set(family)
            elif i == len(shown) and len(listing) > len(shown):
                span.set(f"… and {len(listing) - len(shown)} more", UI.text_dim)
                self.families[i].set("")
            else:
                span.set("")
                self.families[i].set("")
