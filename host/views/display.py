"""Whether a display server can show a window here, asked without loading pyglet.

The command's default view is the window only where someone can see it; with no
display it is the terminal view (``--window`` still renders off-screen through EGL).
"""

from __future__ import annotations

import os
import sys

__all__ = ["display_available"]


def display_available() -> tuple[bool, str]:
    """(True, where) when a window would be visible; (False, why not) otherwise.

    Windows and macOS always have one; elsewhere an X or Wayland server must be
    named by ``DISPLAY`` or ``WAYLAND_DISPLAY``.
    """
    if sys.platform.startswith(("win", "darwin")):
        return True, f"the {sys.platform} desktop"
    for name in ("WAYLAND_DISPLAY", "DISPLAY"):
        value = os.environ.get(name)
        if value:
            return True, f"{name}={value}"
    return False, "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
