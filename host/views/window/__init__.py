"""The pyglet window view: the live task table, frame stats, operator network and
serial worker queues.

Importing this package loads no pyglet submodule, so the backend (a display, or
headless EGL rendering where there is none) can still be chosen when a window opens.
"""

from host.views.window._backend import window_available as window_available
from host.views.window.app import WindowView as WindowView

__all__ = ["WindowView", "window_available"]
