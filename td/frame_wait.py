"""FrameWait: what a realtime host does while it waits for its next frame.

By default it sleeps. A component that owns an event loop may take that time
instead (`HostCore.serve_between_frames`): TDAsyncIO runs its loop there, so a
socket's reply or a timer that comes due between two frames is handled when it
comes, as in any asyncio program, not up to a frame later. Without that, every
round trip through a loop that talks to other processes (a Dask scheduler and its
workers) cost a frame or two, and a 60 fps host ran 1,000 small Dask tasks at
40-60% of a plain asyncio program's speed.

Serving needs the real clock: a host made with a fake ``sleep`` (a test's) keeps
sleeping on it, since real I/O would never advance a fake clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

__all__ = ["FrameWait"]

#: ``serve(seconds)``: wait up to about ``seconds`` of wall time; True if it waited.
Serve = Callable[[float], bool]


class FrameWait:
    """The clock's ``sleep`` for one host: a plain sleep, or a component's turn.

    Args:
        sleep: the host's sleep (``time.sleep`` unless a test injected one).
        as_frame_work: a context in which serving runs as frame work does (the host
            current, the collector paused, a close deferred to the frame's end).
    """

    __slots__ = ("_as_frame_work", "_may_serve", "_sleep", "serve")

    def __init__(self, sleep: Callable[[float], None],
                 as_frame_work: Callable[[], AbstractContextManager[object]]) -> None:
        self._sleep = sleep
        self._as_frame_work = as_frame_work
        self._may_serve = sleep is time.sleep
        self.serve: Serve | None = None

    def set(self, serve: Serve | None) -> None:
        """Let ``serve`` take the waits from now on (None: sleep again)."""
        if serve is not None and not callable(serve):
            raise TypeError(f"serve_between_frames() expected a callable taking seconds "
                            f"or None, got {serve!r}")
        self.serve = serve

    def __call__(self, seconds: float) -> None:
        serve = self.serve
        if serve is not None and self._may_serve:
            with self._as_frame_work():
                if serve(seconds):
                    return
        self._sleep(seconds)
