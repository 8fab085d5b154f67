"""RunLimits: what ends a `HostCore.run()` — a frame count, host seconds, a condition.

Checked once before anything runs (bad values raise, naming what was given), then
asked after every frame whether the run is over.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["RunLimits"]


class RunLimits:
    """The limits of one ``run(frames, seconds, until)``; see the module docstring."""

    __slots__ = ("frames", "ran", "seconds", "started_at", "until")

    def __init__(self, frames: int | None, seconds: float | None,
                 until: Callable[[], object] | None) -> None:
        if frames is not None and (isinstance(frames, bool) or not isinstance(frames, int)
                                   or frames < 0):
            raise ValueError(f"run() expected frames as a whole number >= 0, got {frames!r}")
        if seconds is not None and (isinstance(seconds, bool)
                                    or not isinstance(seconds, int | float)
                                    or not math.isfinite(seconds) or seconds < 0):
            raise ValueError(f"run() expected seconds as a finite number >= 0, got {seconds!r}")
        if until is not None and not callable(until):
            raise TypeError(f"run() expected until to be a callable returning a bool, "
                            f"got {until!r}")
        self.frames = frames
        self.seconds = seconds
        self.until = until
        self.started_at = 0.0
        self.ran = 0

    def start(self, now: float, fps: float, realtime: bool) -> None:
        """The run begins at host time ``now``."""
        self.started_at = now
        self.ran = 0
        if self.seconds is not None and not realtime:
            # Virtual time: S seconds are exactly round(S * fps) frames.
            by_time = math.ceil(self.seconds * fps - 1e-9)
            self.frames = by_time if self.frames is None else min(self.frames, by_time)
            self.seconds = None

    def before_frame(self, frame_seconds: float, period: float) -> bool:
        """Whether another frame may run, given the last frame's start time."""
        if self.frames is not None and self.ran >= self.frames:
            return False
        # A frame covers one period from its start: stop once the frames run
        # cover the time asked for, so 5 s at 60 fps is 300 frames, not 301.
        return not (self.seconds is not None and self.ran and (
            frame_seconds + period - self.started_at >= self.seconds - 1e-9))

    def after_frame(self) -> bool:
        """Count the frame that ran; whether ``until()`` says the run is over."""
        self.ran += 1
        return self.until is not None and bool(self.until())
