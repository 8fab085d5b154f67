"""The host's garbage-collection policy: collections at frame ends, not inside frames.

Python's cyclic collector runs whenever allocations pass a threshold, so it lands in
whatever code allocated last: with 100k kept task outcomes a full (generation 2)
collection takes 80-300 ms and turns one frame into a hitch. Game engines own this
decision; so does the host (``Host(gc="frame")``, the default):

* **No automatic collection inside a frame's work.** The collector is disabled from
  the start of a frame to its end (`gc.isenabled()` is False in callbacks, cook
  hooks and coroutine steps). Between frames it is enabled as usual, so code that
  runs outside frames (or on other threads between them) keeps Python's behaviour.
* **Young generations at frame end, when due.** At the end of the frame, if the
  youngest generation is past its threshold, the collection Python would have run
  runs now, chosen by Python's own rules (`_collect_due`): generation 0 or 1, or a
  full one when generation 2 is due *and* has grown by a quarter since the last.
  A frame thus pays at most one young collection, and full collections come at most
  one per ~121 frames (10 gen-1 collections of 10 gen-0 each), paced by frames
  rather than by allocations.
* **Full collections in frame slack (realtime).** When the collection due could be
  a full one and the time left before the next frame is shorter than the last full
  collection took, only the young generations are collected; the full one waits for
  a frame with room, at most `MAX_FULL_DEFERRAL` frames, then runs anyway (memory
  stays bounded: deferring never skips it).
* **Frozen scene.** `freeze()` (called after a scene's ``build``) collects once and
  moves every object alive into the permanent generation (`gc.freeze`), so later full
  collections do not rescan modules, operators and parameters; `close()` unfreezes.
  `gc.freeze` is process-wide: a second host closing unfreezes the first's objects
  too, which costs time in later full collections, never memory.

``Host(gc="python")`` leaves the collector to Python entirely (no disable, no
collection, no freeze). A collector the user disabled (`gc.disable()`) stays off
either way: the policy only pauses a collector it finds enabled.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Literal

__all__ = ["GC_MODES", "MAX_FULL_DEFERRAL", "FrameGc", "GcMode"]

GcMode = Literal["frame", "python"]
#: The values `Host(gc=...)` accepts.
GC_MODES: tuple[GcMode, ...] = ("frame", "python")
#: Frames a due full collection may wait for slack before it runs regardless.
MAX_FULL_DEFERRAL = 120


class FrameGc:
    """One host's garbage-collection policy; see the module docstring."""

    __slots__ = ("_frozen", "_paused", "_perf", "deferred_full", "end_collections",
                 "full_collections", "last_full_seconds", "mode")

    def __init__(self, mode: str = "frame", *,
                 perf: Callable[[], float] = time.perf_counter) -> None:
        if mode not in GC_MODES:
            raise ValueError(f"gc= expected one of {', '.join(map(repr, GC_MODES))}, "
                             f"got {mode!r}")
        self.mode: GcMode = mode  # type: ignore[assignment]
        self._perf = perf
        self._paused = False
        self._frozen = False
        #: Collections the policy ran at frame ends, and how many of them were full.
        self.end_collections = 0
        self.full_collections = 0
        #: Frames a due full collection has waited for slack so far (0: none waiting).
        self.deferred_full = 0
        #: Wall seconds the last full collection run at a frame end took.
        self.last_full_seconds = 0.0

    @property
    def active(self) -> bool:
        """True while a frame runs with the collector paused by this policy."""
        return self._paused

    @property
    def frozen(self) -> bool:
        return self._frozen

    def begin_frame(self) -> None:
        """Pause automatic collection for the frame's work (mode ``"frame"`` only)."""
        if self.mode == "frame" and not self._paused and gc.isenabled():
            gc.disable()
            self._paused = True

    def end_frame(self, slack: float | None = None) -> None:
        """Re-enable the collector and run the collection that came due in the frame.

        ``slack``: seconds until the next frame is due (realtime), None when frames do
        not wait (non-realtime); a due full collection longer than the slack waits.
        """
        if not self._paused:
            return
        self._paused = False
        gc.enable()
        count0, _count1, count2 = gc.get_count()
        threshold0, _threshold1, threshold2 = gc.get_threshold()
        if threshold0 == 0 or count0 <= threshold0:
            return
        full_may_be_due = count2 > threshold2
        if (full_may_be_due and slack is not None and slack < self.last_full_seconds
                and self.deferred_full < MAX_FULL_DEFERRAL):
            self.deferred_full += 1
            gc.collect(1)  # the young ones now; the full one waits for room
            self.end_collections += 1
            return
        started = self._perf()
        _collect_due()
        self.end_collections += 1
        if full_may_be_due and gc.get_count()[2] == 0:
            # Generation 2's count restarts only after a full collection.
            self.full_collections += 1
            self.deferred_full = 0
            self.last_full_seconds = self._perf() - started

    def resume(self) -> None:
        """Re-enable a collector this policy paused, collecting nothing now."""
        if self._paused:
            self._paused = False
            gc.enable()

    def freeze(self) -> None:
        """Collect once, then move every live object to the permanent generation."""
        if self.mode != "frame":
            return
        gc.collect()
        gc.freeze()
        self._frozen = True

    def close(self) -> None:
        """Resume normal collection: unfreeze, and re-enable a collector left paused."""
        self.resume()
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def __repr__(self) -> str:
        return (f"<FrameGc {self.mode} end_collections={self.end_collections} "
                f"full={self.full_collections} frozen={self._frozen}>")


def _collect_due() -> None:
    """Let CPython run the automatic collection that is due, by its own rules.

    Allocating one container with the collector enabled and generation 0 past its
    threshold makes CPython pick the generation exactly as it would mid-frame,
    including the rule that a full collection waits until the objects promoted
    since the last one reach a quarter of the old generation (a count that is not
    exposed to Python, so it cannot be reproduced with `gc.collect(n)`).
    """
    _ = []  # the allocation is the point
