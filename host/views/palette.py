"""The one status palette, shared by the terminal view and the window.

Each task status has one colour everywhere (a row's badge in the window, its status
cell and count in the terminal, the summary's tables), and each badge has the text
colour that reads best on it: the one with the higher WCAG contrast ratio, which
`badge_text` picks and the tests hold to at least 4.5:1 (the WCAG AA level for
body text). The window uses the RGBA tuples; the terminal uses `rich_color` of the
same values, so a screenshot of one and a capture of the other agree.

Keyed by status name as ``str(status)`` gives it (``"running"``): `TaskStatus` is a
str enum and `WorkerStatus` prints its name, so this module imports neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

__all__ = [
    "DARK_TEXT",
    "LIGHT_TEXT",
    "SHORT_STATUS",
    "STATUS_ORDER",
    "STATUS_RGBA",
    "WORKER_RGBA",
    "Color",
    "badge_style",
    "badge_text",
    "contrast_ratio",
    "rich_color",
    "status_style",
    "worker_style",
]

Color = tuple[int, int, int, int]

#: Statuses in the order of a task's life; counts are shown in this order.
STATUS_ORDER = ("pending", "running", "completed", "failed", "cancelled", "timeout")
#: The short label of each status, for counts lines in narrow views (both views).
SHORT_STATUS = {"pending": "pend", "running": "run", "completed": "done", "failed": "fail",
                "cancelled": "canc", "timeout": "t/o"}

#: One colour per task status, distinct in hue: grey waits, blue runs, green done,
#: red failed, orange cancelled by someone, purple ran out of time.
STATUS_RGBA: Mapping[str, Color] = {
    "pending": (150, 150, 160, 255),
    "running": (66, 165, 245, 255),
    "completed": (76, 175, 80, 255),
    "failed": (198, 40, 40, 255),
    "cancelled": (255, 167, 38, 255),
    "timeout": (156, 39, 176, 255),
}

#: The serial worker panel, as in the Houdini Engine for Godot task panel: yellow while
#: a task waits or runs, then the task table's green or red, so one colour means one
#: outcome across both views.
WORKER_RGBA: Mapping[str, Color] = {
    "pending": (253, 216, 53, 255),
    "running": (253, 216, 53, 255),
    "completed": STATUS_RGBA["completed"],
    "failed": STATUS_RGBA["failed"],
}

DARK_TEXT: Color = (18, 20, 24, 255)
LIGHT_TEXT: Color = (255, 255, 255, 255)


def _luminance(color: Color) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio of two colours, 1 (none) to 21 (black on white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def badge_text(background: Color) -> Color:
    """Dark or white text, whichever reads better on ``background``."""
    dark, light = contrast_ratio(background, DARK_TEXT), contrast_ratio(background, LIGHT_TEXT)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


def rich_color(color: Color) -> str:
    """``#rrggbb``, the form rich styles take."""
    r, g, b = color[:3]
    return f"#{r:02x}{g:02x}{b:02x}"


@cache
def status_style(status: str) -> str:
    """The rich style of a status's text (its colour; bold while it runs or failed)."""
    color = STATUS_RGBA.get(str(status))
    if color is None:
        return ""
    bold = "bold " if str(status) in ("running", "failed") else ""
    return bold + rich_color(color)


@cache
def badge_style(status: str) -> str:
    """The rich style of a status badge: readable text on the status colour."""
    color = STATUS_RGBA.get(str(status))
    if color is None:
        return ""
    return f"{rich_color(badge_text(color))} on {rich_color(color)}"


@cache
def worker_style(status: str) -> str:
    """The rich style of a serial worker task's status."""
    color = WORKER_RGBA.get(str(status))
    if color is None:
        return ""
    return ("bold " if str(status) in ("running", "failed") else "") + rich_color(color)
