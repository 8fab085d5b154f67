"""The fixed-rate frame clock: realtime pacing or exact virtual time.

Frame *n* (1-based) is scheduled at ``(n - 1) / fps`` seconds. In non-realtime mode
that is exactly `seconds`, computed from the frame number rather than accumulated,
so a 100k-frame run has no floating-point drift. In realtime mode frames are paced
to the injected time function against an absolute schedule (drift correction), a
frame that starts late is counted and run, never skipped, and a frame later than a
whole period re-anchors the schedule instead of bursting to catch up. The frames
whose whole period passed while the host was held up are counted as dropped: a
200 ms block at 60 fps is one late frame and 11 dropped ones.

Time comes only from the injected ``time_function``/``sleep`` (pyglet's
``Clock(time_function=...)`` idea), which is what lets tests drive it exactly.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable

__all__ = ["FrameClock"]


def _validate_fps(fps: object) -> float:
    if isinstance(fps, bool) or not isinstance(fps, int | float):
        raise TypeError(f"fps expected a positive number of frames per second, got {fps!r}")
    if not math.isfinite(fps) or fps <= 0:
        raise ValueError(f"fps expected a positive finite number, got {fps!r}")
    return float(fps)


class FrameClock:
    """Counts frames and tells the time, realtime or virtual."""

    __slots__ = (
        "_anchor_frame",
        "_anchor_time",
        "_origin",
        "_sleep",
        "_time",
        "dropped_frames",
        "fps",
        "frame",
        "late_frames",
        "period",
        "realtime",
        "seconds",
    )

    def __init__(
        self,
        fps: float = 60.0,
        realtime: bool = True,
        time_function: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.fps = _validate_fps(fps)
        self.period = 1.0 / self.fps
        self.realtime = bool(realtime)
        self.frame = 0
        self.seconds = 0.0
        self.late_frames = 0
        #: Frame periods that passed with no frame started in them (realtime only).
        self.dropped_frames = 0
        self._time = time_function
        self._sleep = sleep
        self._origin: float | None = None
        self._anchor_time = 0.0
        self._anchor_frame = 1

    def now(self) -> float:
        """The current time in host seconds: live wall time, or the frame's virtual time.

        The asyncio loop reads its clock here, so in non-realtime mode every timer
        compares against frame time and fires on an exact frame.
        """
        if not self.realtime:
            return self.seconds
        if self._origin is None:
            return 0.0
        return self._time() - self._origin

    def now_reader(self) -> Callable[[], float]:
        """A callable returning `now()`, as cheap as the mode allows: in non-realtime
        mode a C-level read of ``seconds`` (no Python frame), for code that asks the
        time once or twice per task; in realtime mode `now` itself."""
        if self.realtime:
            return self.now
        return functools.partial(getattr, self, "seconds")

    def slack(self) -> float | None:
        """Seconds until the next frame is due in realtime mode (negative when late);
        None when frames do not wait (non-realtime, or before the first frame)."""
        if not self.realtime or self._origin is None:
            return None
        due = self._anchor_time + (self.frame + 1 - self._anchor_frame) * self.period
        return due - self._time()

    def start(self) -> None:
        """Start realtime time now if no frame has started it yet: `now` reads 0.0
        until then, and an asyncio loop driven directly before the first frame
        (``run_until_complete`` on the host's loop) would wait on a clock that stands
        still. The first frame then starts on its own schedule, not late."""
        if self.realtime and self._origin is None:
            self._origin = self._anchor_time = self._time()
            self._anchor_frame = self.frame + 1

    def resume(self) -> None:
        """Re-anchor realtime pacing so an idle gap between runs is not counted late."""
        if self._origin is not None:
            self._anchor_time = self._time()
            self._anchor_frame = self.frame + 1

    def begin_frame(self) -> None:
        """Advance to the next frame, waiting for its scheduled time in realtime mode."""
        next_frame = self.frame + 1
        if not self.realtime:
            self.frame = next_frame
            self.seconds = (next_frame - 1) / self.fps
            return
        if self._origin is None:
            self._origin = self._anchor_time = self._time()
            self._anchor_frame = next_frame
        target = self._anchor_time + (next_frame - self._anchor_frame) * self.period
        now = self._time()
        while now < target:
            self._sleep(target - now)
            now = self._time()
        lateness = now - target
        if lateness >= self.period * 0.5:
            self.late_frames += 1
        if lateness > self.period:
            self.dropped_frames += int(lateness / self.period + 1e-9)
            self._anchor_time = now
            self._anchor_frame = next_frame
        self.frame = next_frame
        self.seconds = now - self._origin
