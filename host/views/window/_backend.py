"""Choosing pyglet's backend: a real display, or headless EGL rendering.

pyglet reads ``pyglet.options['headless']`` when ``pyglet.gl`` and ``pyglet.window``
are first imported and cannot switch afterwards, so every module of this package
that imports a pyglet submodule at its top is imported only after `configure()`.
This module imports nothing of pyglet until it is asked to.
"""

from __future__ import annotations

import os
import sys

from host.views.display import display_available

__all__ = ["configure", "wants_headless", "window_available"]


def wants_headless() -> bool:
    """True where no display server can be reached (Linux/BSD with neither X nor Wayland)."""
    return not display_available()[0]


def configure(headless: bool | None) -> bool:
    """Set pyglet's headless option before its GL modules load; returns the choice made.

    Raises:
        RuntimeError: when pyglet's window module is already loaded in the other mode,
            which pyglet cannot change within one process.
    """
    import pyglet

    choice = wants_headless() if headless is None else bool(headless)
    if "pyglet.window" in sys.modules or "pyglet.gl" in sys.modules:
        loaded = bool(pyglet.options["headless"])
        if loaded != choice:
            raise RuntimeError(
                f"pyglet was already loaded with headless={loaded!r} in this process, "
                f"got a request for headless={choice!r}; pyglet cannot switch modes once "
                "pyglet.window is imported"
            )
        return choice
    pyglet.options["headless"] = choice
    # The host paces frames itself; pyglet must not block on vsync or run its own clock.
    pyglet.options["vsync"] = False
    # glGetError after every GL call costs more than our whole draw; keep it for debugging.
    pyglet.options["debug_gl"] = bool(os.environ.get("FRAMEHOST_DEBUG_GL"))
    return choice


def window_available(headless: bool | None = None) -> tuple[bool, str]:
    """Whether a window (a real display, or headless EGL) can open here, and why (not).

    Opens and closes a tiny hidden window, the only reliable test of a GL context.
    """
    try:
        import pyglet
    except ImportError as exc:  # pragma: no cover - pyglet is a dependency
        return False, f"pyglet is not installed ({exc})"
    try:
        choice = configure(headless)
    except RuntimeError as exc:
        return False, str(exc)
    mode = "headless EGL rendering (no display)" if choice else "a display"
    try:
        import pyglet.window

        probe = pyglet.window.Window(16, 16, visible=False, caption="framehost probe")
    except Exception as exc:
        return False, f"no OpenGL context with {mode}: {type(exc).__name__}: {exc}"
    try:
        from pyglet import gl

        renderer = gl.gl_info.get_renderer()
        version = gl.gl_info.get_version_string()
    finally:
        probe.close()
    return True, f"OpenGL {version} on {renderer} via {mode}"
