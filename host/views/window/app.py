"""WindowView: a pyglet window that shows a host live, drawn at the end of each frame.

The view owns no state of the host. It registers with ``host.on_frame_end``; each
frame it lets pyglet deliver input events (clicks become pulses, parameter sets
and cancels), updates what changed and draws. Closing the window asks the host to
stop; whoever runs the host then calls `close()`.

No pyglet submodule is imported when this module loads: the backend (display or
headless EGL) must be chosen first, in `__init__`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from host.views.window import _backend
from host.views.window._png import write_png
from host.views.window.colors import UI

if TYPE_CHECKING:
    from host.views._host import ViewedHost as Host
    from host.views.window.canvas import Canvas
    from host.views.window.screen import Screen
    from td.core import HostCore

__all__ = ["MIN_HEIGHT", "MIN_WIDTH", "WindowView"]

MIN_WIDTH, MIN_HEIGHT = 800, 450


class WindowView:
    """The live window for one host.

    Args:
        headless: render off-screen through EGL; None decides by whether a display
            is reachable (no ``DISPLAY``/``WAYLAND_DISPLAY`` → headless).
        timeline: show the timeline pane under the table from the start (the ``T``
            key toggles it).

    Raises:
        RuntimeError: when no GL context can be created (see `window_available`).
    """

    def __init__(self, host: Host, *, width: int = 1280, height: int = 720,
                 headless: bool | None = None, title: str = "framehost",
                 timeline: bool = False) -> None:
        if isinstance(width, bool) or not isinstance(width, int) or width < MIN_WIDTH or \
                isinstance(height, bool) or not isinstance(height, int) or height < MIN_HEIGHT:
            raise ValueError(f"WindowView() expected a whole width >= {MIN_WIDTH} and height "
                             f">= {MIN_HEIGHT}, got width={width!r}, height={height!r}")
        self.host = host
        self.headless = _backend.configure(headless)
        import pyglet.window

        from host.views.window.canvas import Canvas
        from host.views.window.screen import Screen

        try:
            self.window: Any = _open_window(pyglet, width, height, title, self.headless)
        except Exception as exc:
            mode = "headless EGL" if self.headless else "a display"
            raise RuntimeError(f"WindowView could not open a {width}x{height} window with "
                               f"{mode}: {type(exc).__name__}: {exc}") from exc
        self.closed = False
        self.close_requested = False
        self.frames_drawn = 0
        self.canvas: Canvas = Canvas(background=UI.background)
        # A headless window draws into an EGL pbuffer, which no flip ever swaps: what
        # was drawn stays, so only what changed is drawn again, in place.
        self.canvas.target_keeps_pixels = self.headless
        self.canvas.pixel_ratio = float(self.window.get_pixel_ratio())
        self.screen: Screen = Screen(host, self.canvas, timeline=timeline)
        # Below this the parts cannot all be laid out without covering one another.
        self.window.set_minimum_size(MIN_WIDTH, MIN_HEIGHT)
        self.screen.relayout(self.window.width, self.window.height)
        self.window.push_handlers(self.screen)
        self.window.push_handlers(on_close=self._on_close, on_resize=self._on_resize)
        host.on_frame_end(self._on_frame_end, view=True)
        host.on_close(self.close)

    # -- the frame ----------------------------------------------------------------
    def _on_frame_end(self, host: HostCore) -> None:
        if self.closed:
            return
        self.window.switch_to()
        self.window.dispatch_events()
        if self.closed:
            return
        self.screen.update()
        self._draw()
        self.window.flip()
        self.frames_drawn += 1

    def _draw(self) -> None:
        # No clear: the canvas covers the window and clears what it redraws.
        self.screen.draw()

    def _on_resize(self, width: int, height: int) -> None:
        # Returning nothing lets pyglet's own handler set the viewport and projection.
        self.canvas.pixel_ratio = float(self.window.get_pixel_ratio())
        self.screen.relayout(width, height)

    def _on_close(self) -> bool:
        self.close_requested = True
        self.host.stop()
        return True  # the runner calls close() once run() returned

    # -- reading back ---------------------------------------------------------------
    def read_pixels(self) -> npt.NDArray[np.uint8]:
        """The last frame drawn as an (height, width, 4) RGBA array, top row first.

        It is drawn again (without reading new state) because a back buffer's content
        after ``flip()`` is undefined on real displays.
        """
        if self.closed:
            raise RuntimeError("read_pixels() called on a closed WindowView")
        import pyglet.image

        self.window.switch_to()
        self._draw()
        buffer = pyglet.image.get_buffer_manager().get_color_buffer()
        image = buffer.get_image_data()  # type: ignore[no-untyped-call]
        data = image.get_data("RGBA", image.width * 4)
        pixels = np.frombuffer(data, np.uint8).reshape(image.height, image.width, 4)
        return pixels[::-1].copy()

    def save_screenshot(self, path: str) -> None:
        """Save the last frame drawn as a PNG at ``path``, its figures brought up to the
        last frame run (the header and the tiles rewrite them only a few times a
        second)."""
        if not self.closed and not self.host.closed:
            self.screen.header.update(force=True)
            self.screen.network.update(force=True)
        write_png(str(path), self.read_pixels())

    # -- input helpers (what a user's pointer does, for scripts and tests) -------------
    def click(self, x: float, y: float) -> None:
        """Press and release the left button at (x, y), y measured from the bottom."""
        from pyglet.window import mouse

        self.window.dispatch_event("on_mouse_press", x, y, mouse.LEFT, 0)
        self.window.dispatch_event("on_mouse_release", x, y, mouse.LEFT, 0)

    def close(self) -> None:
        """Stop drawing, free the GL objects and close the window. Idempotent."""
        if self.closed:
            return
        self.closed = True
        self.screen.close()
        if not self.host.closed:
            self.host.remove_callback(self._on_frame_end)
        self.window.switch_to()
        self.canvas.delete()
        self.window.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{self.window.width}x{self.window.height}"
        return f"<WindowView {state} headless={self.headless} frames={self.frames_drawn}>"


def _open_window(pyglet: Any, width: int, height: int, title: str, headless: bool) -> Any:
    """A resizable window with 8 bits per channel where the platform offers it.

    EGL's first headless config is RGB565, which would shift every colour drawn.
    """
    from pyglet import gl

    kwargs = dict(caption=title, resizable=True, visible=not headless, vsync=False)
    config = gl.Config(red_size=8, green_size=8, blue_size=8, alpha_size=8,
                       double_buffer=True)  # type: ignore[abstract]
    try:
        return pyglet.window.Window(width, height, config=config, **kwargs)
    except pyglet.window.NoSuchConfigException:
        return pyglet.window.Window(width, height, **kwargs)

