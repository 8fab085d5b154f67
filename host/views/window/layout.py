"""Where each part of the window goes, for a given window size (pyglet's y-up pixels)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from host.views.window.canvas import Canvas

__all__ = ["Box", "Layout", "split_panel", "split_window", "text_boxes"]

PAD = 8
HEADER_H = 58
TOOLBAR_H = 34
PANEL_W = 270
DETAILS_LINES = 4
#: The share of the side panel the worker queues take, below the network, once a worker exists.
WORKER_SHARE = 1 / 2
#: The share of what the workers leave that the network list takes; parameters get the rest.
NETWORK_SHARE = 1 / 3


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
    """Header and toolbar across the top, the network panel on the right, the table
    filling the rest with its details strip beneath it."""
    width = max(width, 800)
    height = max(height, 450)
    header = Box(0, height - HEADER_H, width, HEADER_H)
    toolbar = Box(0, header.y - TOOLBAR_H, width, TOOLBAR_H)
    panel_w = min(PANEL_W, width // 4)
    panel = Box(width - panel_w, 0, panel_w, toolbar.y)
    details_h = DETAILS_LINES * line_height + PAD
    details = Box(PAD, PAD // 2, panel.x - 2 * PAD, details_h)
    table_y = details.top + PAD // 2
    table = Box(PAD, table_y, panel.x - 2 * PAD, toolbar.y - PAD // 2 - table_y)
    return Layout(header, toolbar, table, details, panel)


def split_panel(panel: Box, workers: bool) -> tuple[Box, Box, Box | None]:
    """The side panel's network list, the parameters of the operator selected in it
    below, and, when the host has workers, the worker queues at the bottom."""
    worker_h = round(panel.h * WORKER_SHARE) if workers else 0
    rest = panel.h - worker_h
    network_h = round(rest * NETWORK_SHARE)
    network = Box(panel.x, panel.top - network_h, panel.w, network_h)
    params = Box(panel.x, panel.y + worker_h, panel.w, rest - network_h)
    return network, params, (Box(panel.x, panel.y, panel.w, worker_h) if workers else None)


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
