"""Frame statistics: what the clock measured, as an immutable snapshot for views.

Accumulation is O(1) per frame; the recent frame times live in a bounded ring so
the frame-time graph in the views costs nothing as a run grows long.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from td.blame import LateFrameReport

__all__ = ["FrameStats", "StatsRecorder"]

#: How many recent frames the views' frame-time graph shows.
RECENT_FRAMES = 120


@dataclass(frozen=True, slots=True)
class FrameStats:
    """One read of the host's frame statistics (times in seconds).

    `frame_time` is the wall time a frame's work took (callbacks, cook, views);
    `step_time` the part spent cooking operators, chiefly the TDAsyncIO loop step.
    `late_frames` counts frames that started at least half a period after their
    scheduled time in realtime mode; they are run late, never skipped.
    `dropped_frames` counts the frame periods that passed with no frame started in
    them (the frames a display would have skipped): a 200 ms block at 60 fps is 1
    late frame and 11 dropped.
    `callback_errors` counts exceptions raised by user code the host caught and
    survived; `warnings` counts faults that raised nothing but were reported (a
    coroutine step that blocked the loop, a coroutine that swallowed its cancellation).
    `gc_time_total` is the wall time the cyclic garbage collector took since the host
    was made, up to the last frame's end (`gc_collections` collections: in frames or
    between them), `last_gc_time` its share of the last frame, and
    `recent_gc_times` its share of each frame in `recent_frame_times`, aligned.
    `late_frame_reports` are the newest frames whose work took longer than a period,
    each with its top costs (`td.blame`).
    """

    frames: int = 0
    late_frames: int = 0
    dropped_frames: int = 0
    last_frame_time: float = 0.0
    mean_frame_time: float = 0.0
    max_frame_time: float = 0.0
    last_step_time: float = 0.0
    mean_step_time: float = 0.0
    max_step_time: float = 0.0
    callback_errors: int = 0
    measured_fps: float = 0.0
    recent_frame_times: tuple[float, ...] = field(default=())
    recent_step_times: tuple[float, ...] = field(default=())
    warnings: int = 0
    gc_time_total: float = 0.0
    gc_collections: int = 0
    last_gc_time: float = 0.0
    recent_gc_times: tuple[float, ...] = field(default=())
    late_frame_reports: tuple[LateFrameReport, ...] = field(default=())


class StatsRecorder:
    """Mutable accumulator behind `FrameStats`; owned by the host."""

    __slots__ = (
        "_frame_sum",
        "_intervals",
        "_recent_frame",
        "_recent_gc",
        "_recent_step",
        "_step_sum",
        "callback_errors",
        "frames",
        "gc_collections",
        "gc_time_total",
        "last_frame_time",
        "last_gc_time",
        "last_step_time",
        "max_frame_time",
        "max_step_time",
        "warnings",
    )

    def __init__(self) -> None:
        self.frames = 0
        self.callback_errors = 0
        self.warnings = 0
        self.last_frame_time = 0.0
        self.max_frame_time = 0.0
        self.last_step_time = 0.0
        self.max_step_time = 0.0
        self._frame_sum = 0.0
        self._step_sum = 0.0
        self._recent_frame: deque[float] = deque(maxlen=RECENT_FRAMES)
        self._recent_step: deque[float] = deque(maxlen=RECENT_FRAMES)
        self._intervals: deque[float] = deque(maxlen=RECENT_FRAMES)
        self.gc_time_total = 0.0
        self.gc_collections = 0
        self.last_gc_time = 0.0
        self._recent_gc: deque[float] = deque(maxlen=RECENT_FRAMES)

    def record(self, frame_time: float, step_time: float, interval: float | None,
               gc_time: float = 0.0) -> None:
        """One frame ran: ``frame_time`` wall seconds, ``step_time`` of them cooking,
        ``gc_time`` of them in the garbage collector."""
        self.frames += 1
        self.last_gc_time = gc_time
        self._recent_gc.append(gc_time)
        self.last_frame_time = frame_time
        self.last_step_time = step_time
        self._frame_sum += frame_time
        self._step_sum += step_time
        if frame_time > self.max_frame_time:
            self.max_frame_time = frame_time
        if step_time > self.max_step_time:
            self.max_step_time = step_time
        self._recent_frame.append(frame_time)
        self._recent_step.append(step_time)
        if interval is not None and interval > 0:
            self._intervals.append(interval)

    def snapshot(self, late_frame_reports: tuple[LateFrameReport, ...] = (),
                 late_frames: int = 0, dropped_frames: int = 0) -> FrameStats:
        """The statistics now, with the clock's counts of late and dropped frames
        (the clock keeps them; copying them here every frame would be a frame's
        work for a read that views make a few times a second)."""
        n = self.frames
        intervals = self._intervals
        fps = len(intervals) / sum(intervals) if intervals else 0.0
        return FrameStats(
            frames=n,
            late_frames=late_frames,
            dropped_frames=dropped_frames,
            last_frame_time=self.last_frame_time,
            mean_frame_time=self._frame_sum / n if n else 0.0,
            max_frame_time=self.max_frame_time,
            last_step_time=self.last_step_time,
            mean_step_time=self._step_sum / n if n else 0.0,
            max_step_time=self.max_step_time,
            callback_errors=self.callback_errors,
            measured_fps=fps,
            recent_frame_times=tuple(self._recent_frame),
            recent_step_times=tuple(self._recent_step),
            warnings=self.warnings,
            gc_time_total=self.gc_time_total,
            gc_collections=self.gc_collections,
            last_gc_time=self.last_gc_time,
            recent_gc_times=tuple(self._recent_gc),
            late_frame_reports=late_frame_reports,
        )
