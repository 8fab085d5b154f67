"""The window's palette: one colour per task status, and the UI's greys and accents.

Colours are opaque RGBA byte tuples so that a pixel read back from the framebuffer
equals the colour given here exactly (the tests rely on that).
"""

from __future__ import annotations

from asyncio_comp.status import TaskStatus
from asyncio_comp.worker.task import WorkerStatus

__all__ = ["STATUS_COLORS", "UI", "WORKER_COLORS", "Color"]

Color = tuple[int, int, int, int]

#: Each status distinct in hue, readable as a badge behind dark text.
STATUS_COLORS: dict[TaskStatus, Color] = {
    TaskStatus.PENDING: (150, 150, 160, 255),
    TaskStatus.RUNNING: (66, 165, 245, 255),
    TaskStatus.COMPLETED: (76, 175, 80, 255),
    TaskStatus.FAILED: (229, 57, 53, 255),
    TaskStatus.CANCELLED: (255, 167, 38, 255),
    TaskStatus.TIMEOUT: (171, 71, 188, 255),
}

#: The serial worker panel, as in the Houdini Engine for Godot task panel: yellow while
#: a task waits or runs, green once it completed, red once it failed. Green and red are
#: the task table's, so one colour means one outcome across the window.
WORKER_COLORS: dict[WorkerStatus, Color] = {
    WorkerStatus.PENDING: (253, 216, 53, 255),
    WorkerStatus.RUNNING: (253, 216, 53, 255),
    WorkerStatus.COMPLETED: STATUS_COLORS[TaskStatus.COMPLETED],
    WorkerStatus.FAILED: STATUS_COLORS[TaskStatus.FAILED],
}


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
