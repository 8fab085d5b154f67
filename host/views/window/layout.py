"""Where each part of the window goes, for a given window size (pyglet's y-up pixels)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from host.views.window.canvas import Canvas

__all__ = ["SIDE_PANES", "Box", "Layout", "split_side", "split_window", "text_boxes"]

PAD = 8
HEADER_H = 58
TOOLBAR_H = 34
#: The side column's share of the window's width, and its bounds in pixels: wide
#: enough for network tiles two abreast and a DAT's columns, narrow enough to leave
#: the task table its main columns.
SIDE_SHARE = 0.38
SIDE_MIN_W, SIDE_MAX_W = 300, 560
DETAILS_LINES = 4
#: The side column's panes, top to bottom, with the share of its height each takes
#: when present. A pane that is absent (no worker, no farm) gives its share to the
#: others. A new pane takes a slot by adding a line here (and `Screen` lays it out).
SIDE_PANES: tuple[tuple[str, float], ...] = (
    ("network", 0.40),
    ("inspector", 0.60),
    ("workers", 0.70),
    ("cluster", 0.25),
)


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle; ``y`` is its bottom edge."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.x + self.w and self.y <= py < self.y + self.h

    @property
    def xywh(self) -> tuple[float, float, float, float]:
        return self.x, self.y, self.w, self.h

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


@dataclass(frozen=True, slots=True)
class Layout:
    header: Box
    toolbar: Box
    table: Box
    details: Box
    panel: Box


def split_window(width: int, height: int, line_height: int) -> Layout:
    """Header and toolbar across the top, the side column (network editor, inspector,
    worker queues) on the right, the table filling the rest with its details strip
    beneath it."""
    width = max(width, 800)
    height = max(height, 450)
    header = Box(0, height - HEADER_H, width, HEADER_H)
    toolbar = Box(0, header.y - TOOLBAR_H, width, TOOLBAR_H)
    panel_w = max(SIDE_MIN_W, min(SIDE_MAX_W, round(width * SIDE_SHARE)))
    panel = Box(width - panel_w, 0, panel_w, toolbar.y)
    details_h = DETAILS_LINES * line_height + PAD
    details = Box(PAD, PAD // 2, panel.x - 2 * PAD, details_h)
    table_y = details.top + PAD // 2
    table = Box(PAD, table_y, panel.x - 2 * PAD, toolbar.y - PAD // 2 - table_y)
    return Layout(header, toolbar, table, details, panel)


def split_side(panel: Box, present: set[str] | frozenset[str]) -> dict[str, Box]:
    """The side column cut into the `SIDE_PANES` that are ``present``, top to bottom,
    each as tall as its share of the shares present; whole pixels, no gaps."""
    panes = [(name, share) for name, share in SIDE_PANES if name in present]
    total = sum(share for _, share in panes) or 1.0
    out: dict[str, Box] = {}
    top = panel.top
    for i, (name, share) in enumerate(panes):
        bottom = panel.y if i == len(panes) - 1 else round(top - panel.h * share / total)
        out[name] = Box(panel.x, bottom, panel.w, top - bottom)
        top = bottom
    return out


def text_boxes(canvas: Canvas) -> list[tuple[str, Box]]:
    """Every piece of text on the canvas with the box its characters cover: what the
    layout tests check for overlaps and for running off the window."""
    atlas = canvas.atlas
    out = []
    for span in canvas.spans:
        shown = span.shown
        first, last = len(shown) - len(shown.lstrip()), len(shown.rstrip())
        if last > first:
            out.append((shown.strip(), Box(span.x + first * atlas.advance,
                                           span.y + atlas.descent,
                                           (last - first) * atlas.advance,
                                           atlas.ascent - atlas.descent)))
    return out
