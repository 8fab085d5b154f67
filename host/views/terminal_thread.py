"""The terminal view's render thread: draws posted renderables in the gaps between frames.

The host's thread posts what to draw at the end of a frame (the newest post replaces
one not drawn yet) and says when frames start and end. The thread lays the picture
out with rich line by line, only while no frame runs and the next one is more than
`GAP_MARGIN` away, then hands the finished lines to ``Live``, which positions and
writes them. Why so careful: the thread shares the GIL with the frames. While it
draws it also shortens the GIL switch interval, so a frame that does need the GIL
waits well under a millisecond for it, and after each drawing it rests 19 times the
CPU time it took, so it never takes more than `MAX_DRAW_SHARE` of a core.

It never reads a host object: what it draws was built from immutable snapshots.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.live import Live
from rich.segment import Segment

__all__ = ["DRAW_SWITCH_INTERVAL", "FRAME_WAIT_LIMIT", "GAP_MARGIN", "MAX_DRAW_SHARE",
           "RenderThread"]

#: The GIL switch interval while the thread draws.
DRAW_SWITCH_INTERVAL = 0.0005
#: The longest the thread waits for a frame to end before it goes on anyway.
FRAME_WAIT_LIMIT = 0.1
#: How far ahead of the next frame's due time the thread stops laying out.
GAP_MARGIN = 0.003
#: The largest share of one core the thread spends drawing.
MAX_DRAW_SHARE = 0.05


class _Segments:
    """Lines already laid out, as a renderable that hands them over unchanged."""

    def __init__(self, segments: list[Segment]) -> None:
        self._segments = segments

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._segments


class RenderThread:
    """One thread drawing into one ``Live``; see the module docstring.

    Args:
        on_error: called (on the thread) with a one-line message when a drawing fails;
            the thread goes on with the next one.
    """

    def __init__(self, console: Console, live: Live, fps: float,
                 on_error: Callable[[str], None]) -> None:
        self._console = console
        self._live = live
        self._on_error = on_error
        self._mailbox: Callable[[], RenderableType] | None = None
        self._wake = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._gap = threading.Condition()
        self._in_frame = False
        self._frames_ended = 0
        self._frame_started_at = 0.0
        self._next_frame_at = 0.0
        self._period = 1.0 / fps
        #: Pictures drawn.
        self.drawn = 0

    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="framehost-terminal-view",
                                        daemon=True)
        self._thread.start()

    def post(self, build: Callable[[], RenderableType]) -> None:
        """Draw ``build()``'s picture when there is room; replaces a post not drawn yet.

        ``build`` runs on the thread, so it must read only immutable values.
        """
        with self._wake:
            self._mailbox = build
            self._wake.notify()

    # -- called on the host's thread --------------------------------------------------
    def frame_started(self) -> None:
        self._in_frame = True
        self._frame_started_at = time.monotonic()

    def frame_ended(self, fps: float) -> None:
        with self._gap:
            self._in_frame = False
            self._frames_ended += 1
            self._period = 1.0 / fps
            self._next_frame_at = self._frame_started_at + self._period
            self._gap.notify_all()

    def stop(self) -> None:
        """Stop the thread (a drawing under way is abandoned) and wait for it."""
        thread = self._thread
        if thread is None:
            return
        with self._wake:
            self._stopping = True
            self._mailbox = None
            self._wake.notify()
        with self._gap:
            self._gap.notify_all()
        thread.join(timeout=10.0)
        self._thread = None

    # -- the thread -----------------------------------------------------------------------
    def _loop(self) -> None:
        rest_until = 0.0
        while True:
            with self._wake:
                while not self._stopping and (
                        self._mailbox is None or time.monotonic() < rest_until):
                    # Resting after a drawing: a newer post may replace this one.
                    self._wake.wait(None if self._mailbox is None
                                    else max(0.0, rest_until - time.monotonic()))
                if self._stopping:
                    return
                build, self._mailbox = self._mailbox, None
            assert build is not None
            started = time.thread_time()
            switch = sys.getswitchinterval()
            sys.setswitchinterval(min(switch, DRAW_SWITCH_INTERVAL))
            try:
                self._draw(build())
            except Exception as exc:  # a failed drawing must not end the view
                self._on_error(f"terminal view draw failed: {type(exc).__name__}: {exc}")
            finally:
                sys.setswitchinterval(switch)
            took = time.thread_time() - started  # CPU time: waits for gaps cost nothing
            rest_until = time.monotonic() + took * (1 / MAX_DRAW_SHARE - 1)

    def _draw(self, renderable: RenderableType) -> None:
        console = self._console
        segments: list[Segment] = []
        for segment in console.render(renderable, console.options):
            segments.append(segment)
            if segment.text == "\n" and not self._wait_for_gap(GAP_MARGIN):
                return
        if not self._wait_for_gap(2 * GAP_MARGIN):  # the write takes a few ms
            return
        self._live.update(_Segments(segments), refresh=True)
        self.drawn += 1

    def _wait_for_gap(self, margin: float) -> bool:
        """Return at once while no frame runs and the next is more than ``margin``
        seconds away; else wait for the next frame to end (at most `FRAME_WAIT_LIMIT`:
        frames back to back in virtual time leave no gap). False when stopping."""
        with self._gap:
            now, due = time.monotonic(), self._next_frame_at
            # Room before the next frame, or none is coming: its due time passed a
            # period ago (the host is between runs, or not running at all).
            if not self._in_frame and (now < due - margin or now > due + self._period):
                return not self._stopping
            seen = self._frames_ended
            self._gap.wait_for(lambda: self._frames_ended != seen or self._stopping,
                               timeout=FRAME_WAIT_LIMIT)
            return not self._stopping
