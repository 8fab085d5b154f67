"""The window's colours: the shared status palette as enum-keyed RGBA, and the UI's greys.

Colours are opaque RGBA byte tuples so that a pixel read back from the framebuffer
equals the colour given here exactly (the tests rely on that).
"""

from __future__ import annotations

from asyncio_comp.status import TaskStatus
from asyncio_comp.worker.task import WorkerStatus
from host.views.palette import STATUS_RGBA, WORKER_RGBA, badge_text
from host.views.palette import Color as Color

__all__ = ["BADGE_TEXT", "STATUS_COLORS", "UI", "WORKER_BADGE_TEXT", "WORKER_COLORS", "Color"]

#: The shared palette (`host.views.palette`) keyed by enum member for the window.
STATUS_COLORS: dict[TaskStatus, Color] = {s: STATUS_RGBA[s.value] for s in TaskStatus}
#: The text colour that reads best on each status badge.
BADGE_TEXT: dict[TaskStatus, Color] = {s: badge_text(c) for s, c in STATUS_COLORS.items()}

WORKER_COLORS: dict[WorkerStatus, Color] = {s: WORKER_RGBA[str(s)] for s in WorkerStatus}
WORKER_BADGE_TEXT: dict[WorkerStatus, Color] = {s: badge_text(c)
                                                for s, c in WORKER_COLORS.items()}


class UI:
    """Named colours of the chrome around the table."""

    background: Color = (24, 26, 31, 255)
    panel: Color = (32, 35, 42, 255)
    header: Color = (38, 42, 50, 255)
    row_even: Color = background  # drawn by the clear, not by a rectangle
    row_odd: Color = (33, 36, 43, 255)
    row_hover: Color = (48, 53, 64, 255)
    row_selected: Color = (55, 64, 86, 255)
    text: Color = (222, 226, 232, 255)
    text_dim: Color = (140, 146, 158, 255)
    text_dark: Color = (18, 20, 24, 255)
    error_text: Color = (255, 138, 128, 255)
    accent: Color = (100, 181, 246, 255)
    button: Color = (52, 58, 70, 255)
    button_hover: Color = (70, 78, 94, 255)
    button_pressed: Color = (90, 100, 120, 255)
    field: Color = (18, 20, 24, 255)
    field_focus: Color = (100, 181, 246, 255)
    #: A field's text while all of it is selected (focus selects all).
    selection: Color = (144, 202, 249, 255)
    tab: Color = (44, 48, 58, 255)
    tab_active: Color = (62, 70, 86, 255)
    tile: Color = (42, 46, 56, 255)
    tile_selected: Color = (55, 64, 86, 255)
    comp: Color = (96, 125, 139, 255)
    dat: Color = (121, 134, 203, 255)
    ok: Color = (129, 199, 132, 255)
    warn: Color = (255, 183, 77, 255)
    bad: Color = (239, 83, 80, 255)
    bar_track: Color = (45, 49, 58, 255)
    bar_fill: Color = (66, 165, 245, 255)
    scroll_track: Color = (36, 39, 47, 255)
    scroll_thumb: Color = (88, 96, 112, 255)
    graph_bg: Color = (26, 28, 34, 255)
    graph_ok: Color = (102, 187, 106, 255)
    graph_late: Color = (239, 83, 80, 255)
    graph_budget: Color = (120, 120, 130, 255)
    #: Garbage collection inside a frame, stacked at the bottom of its bar: a GC hitch
    #: reads apart from slow operator code.
    graph_gc: Color = (255, 202, 40, 255)
