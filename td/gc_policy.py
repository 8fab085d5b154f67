"""The host's garbage-collection policy: collections at frame ends, not inside frames.

Python's cyclic collector runs whenever allocations pass a threshold, so it lands in
whatever code allocated last: with 100k kept task outcomes a full (generation 2)
collection takes 80-300 ms and turns one frame into a hitch. Game engines own this
decision; so does the host (``Host(gc="frame")``, the default):

* **No automatic collection inside a frame's work.** From the start of a frame to
  its end the youngest generation's threshold is 0, which turns automatic collection
  off (``gc.get_threshold()[0] == 0`` in callbacks, cook hooks and coroutine steps).
  ``gc.disable()`` is not used for this: ``gc.isenabled()`` stays the user's own
  setting, so a ``gc.disable()`` (or a library's disable/enable pair) inside a frame
  means what it says and survives the frame's end. A threshold the user sets inside
  a frame is kept (it is what the pause restores).
* **Thresholds written only when they change.** The pause lasts from the start of
  a `step()`/`run()` that runs frames to its return (`resume`), not frame by frame:
  while frames run back to back the threshold stays 0 between them too, so an idle
  frame writes no threshold and makes no call to start the pause (one read at its
  end notices a user's threshold; one set while automatic collection was already
  off starts the pause there, for the frames that follow). Between them is only
  the host's own wait, where the TDAsyncIO loop runs as frame work anyway; the frame
  ends collect what came due meanwhile, other threads' allocations included (the
  counts are process-wide). Once `step()`/`run()` returns the threshold is back, so
  code that runs outside the host's frames keeps Python's behaviour.
* **Young generations at frame end, when due.** At the end of the frame, if the
  youngest generation is past its threshold, the collection Python would have run
  runs now, chosen by Python's own rules (`_collect_due`): generation 0 or 1, or a
  full one when generation 2 is due *and* has grown by a quarter since the last.
  A frame thus pays at most one young collection, and full collections come at most
  one per ~121 frames (10 gen-1 collections of 10 gen-0 each), paced by frames
  rather than by allocations.
* **Full collections in frame slack.** When the collection due could be a full one,
  it runs only if the time left before the next frame (`FrameClock.slack()`) can hold
  it; otherwise only the young generations are collected and the full one waits for a
  frame with room. No slack (a non-realtime host, whose frames do not wait) is no
  room. A full collection's cost is estimated before it runs (`full_estimate`): the
  last one's measured time plus `SECONDS_PER_OBJECT` for every object the frame ends
  saw survive into the old generations since (``gc.get_count()[0]`` summed at each
  collection, a count the collector keeps anyway). Before the first one is measured
  the estimate is the growth alone: judging an unmeasured full collection free is what
  let a 100k-task burst's first one (~100 ms) run inside a burst frame.
* **Bounded waiting.** Deferring never skips a full collection: it runs anyway, slack
  or not, once it has waited `MAX_FULL_DEFERRAL` collecting frame ends, or once the
  old generations grew since it came due by more than `MAX_DEFERRED_GROWTH` times what
  they had grown when it did (so cyclic garbage held by the wait stays within a small
  multiple of what Python's own rule lets accumulate).
* **Frozen scene.** `freeze()` (called after a scene's ``build``) collects once and
  moves every object alive into the permanent generation (`gc.freeze`), so later full
  collections do not rescan modules, operators and parameters; `close()` unfreezes.
  `gc.unfreeze` is all or nothing, and process-wide: `close()` calls it only when the
  permanent generation held nothing but what this policy froze (before its freeze;
  growing since, seen at every frame's end and at close, means another freeze), so a
  `gc.freeze()` of the user's own stays, and so do the objects of a second host's
  frozen scene (their memory is then held until the process ends or the user
  unfreezes).

``Host(gc="python")`` leaves the collector to Python entirely (no pause, no
collection, no freeze). A collector the user disabled (`gc.disable()`, before or
during a frame) stays off either way, and the policy collects nothing then.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Literal

__all__ = ["GC_MODES", "MAX_DEFERRED_GROWTH", "MAX_FULL_DEFERRAL", "SECONDS_PER_OBJECT",
           "FrameGc", "GcMode"]

GcMode = Literal["frame", "python"]
#: The values `Host(gc=...)` accepts.
GC_MODES: tuple[GcMode, ...] = ("frame", "python")
#: Collecting frame ends a due full collection may wait for slack before it runs
#: regardless: long enough for a burst spread over a few seconds of frames to end first.
MAX_FULL_DEFERRAL = 600
#: A deferred full collection runs regardless once the objects surviving into the old
#: generations since it came due pass this multiple of those that had survived when it
#: came due: memory held by the wait stays proportional to what Python itself allows.
MAX_DEFERRED_GROWTH = 4
#: Estimated seconds a full collection spends per object it scans: the order of a
#: cold full collection's per-object cost (bench/RESULTS.md has the measurement); an
#: estimate too high only makes a full collection wait for a roomier frame.
SECONDS_PER_OBJECT = 0.5e-6


class FrameGc:
    """One host's garbage-collection policy; see the module docstring."""

    __slots__ = ("_foreign_freeze", "_frozen", "_frozen_count", "_growth", "_growth_at_due",
                 "_paused", "_per_object", "_perf", "_threshold0", "deferred_full",
                 "end_collections", "full_collections", "last_full_seconds", "mode")

    def __init__(self, mode: str = "frame", *,
                 perf: Callable[[], float] = time.perf_counter,
                 seconds_per_object: float = SECONDS_PER_OBJECT) -> None:
        if mode not in GC_MODES:
            raise ValueError(f"gc= expected one of {', '.join(map(repr, GC_MODES))}, "
                             f"got {mode!r}")
        if (isinstance(seconds_per_object, bool)
                or not isinstance(seconds_per_object, int | float)
                or not seconds_per_object >= 0):
            raise ValueError(f"seconds_per_object expected a number of seconds >= 0, "
                             f"got {seconds_per_object!r}")
        self.mode: GcMode = mode  # type: ignore[assignment]
        self._perf = perf
        self._per_object = float(seconds_per_object)
        # Objects the frame ends saw survive into the old generations since the last
        # full collection (an upper bound: each collection's generation-0 count), and
        # that count when the full collection now waiting came due.
        self._growth = 0
        self._growth_at_due = 0
        self._paused = False
        # The youngest generation's threshold while a frame has it at 0.
        self._threshold0 = 0
        self._frozen = False
        # The permanent generation's size when last seen since this policy's freeze:
        # only a gc.freeze() makes it grow (objects in it that die leave it).
        self._frozen_count = 0
        # True once it held objects this policy did not freeze: unfreezing would thaw
        # them too.
        self._foreign_freeze = False
        #: Collections the policy ran at frame ends, and how many of them were full.
        self.end_collections = 0
        self.full_collections = 0
        #: Frames a due full collection has waited for slack so far (0: none waiting).
        self.deferred_full = 0
        #: Wall seconds the last full collection run at a frame end took (0.0: none yet).
        self.last_full_seconds = 0.0

    @property
    def full_estimate(self) -> float:
        """Seconds a full collection is expected to take now (see the module docstring)."""
        return self.last_full_seconds + self._growth * self._per_object

    @property
    def active(self) -> bool:
        """True while this policy holds automatic collection paused: from a frame's
        start to the return of the `step()`/`run()` that ran it."""
        return self._paused

    @property
    def frozen(self) -> bool:
        return self._frozen

    def begin_frame(self) -> None:
        """Pause automatic collection for the frames' work (mode ``"frame"`` only):
        called once before a `step()`'s or `run()`'s frames, and by frame work;
        nothing to do while a pause lasts."""
        if self.mode == "frame" and not self._paused:
            threshold0 = gc.get_threshold()[0]
            if threshold0:  # 0: automatic collection is already off
                self._threshold0 = threshold0
                gc.set_threshold(0)
                self._paused = True

    def end_frame(self, slack: float | None = None) -> None:
        """Run the collection that came due in the frame; the pause lasts until
        `resume` (the next frame needs it again).

        ``slack``: seconds until the next frame is due (realtime), None when frames do
        not wait (non-realtime); a due full collection estimated longer than the slack
        (or with no slack) waits, within the bounds in the module docstring.
        """
        if not self._paused:
            # Automatic collection was off when the pause would have started: if the
            # user turned it on during the frame, the pause starts now, for the next.
            if self.mode == "frame":
                self.begin_frame()
            return
        threshold0 = gc.get_threshold()[0]
        if threshold0:  # the user set one during the frame: theirs from now on
            self._threshold0 = threshold0
            gc.set_threshold(0)
        else:
            threshold0 = self._threshold0
        if not gc.isenabled():
            return  # the user disabled the collector, maybe in this frame: it stays off
        count0, count1, count2 = gc.get_count()
        if count0 <= threshold0:
            return
        _paused, threshold1, threshold2 = gc.get_threshold()
        self._growth += count0
        full_may_be_due = count2 > threshold2
        if not full_may_be_due and self.deferred_full:
            # Generation 2's count restarts only after a full collection: one ran
            # elsewhere (a gc.collect() of the user's) while this one waited.
            self.deferred_full = self._growth_at_due = 0
            self._growth = count0
        if full_may_be_due and self._full_waits(slack):
            self.deferred_full += 1
            # The young generation Python would pick now; the full one waits for room.
            gc.collect(1 if count1 > threshold1 else 0)
            self.end_collections += 1
            return
        started = self._perf()
        gc.set_threshold(threshold0)  # automatic for the one allocation that collects
        try:
            _collect_due()
        finally:
            gc.set_threshold(0)
        self.end_collections += 1
        if full_may_be_due and gc.get_count()[2] == 0:
            # Generation 2's count restarts only after a full collection.
            self.full_collections += 1
            self.deferred_full = 0
            self.last_full_seconds = self._perf() - started
            self._growth = self._growth_at_due = 0

    def _full_waits(self, slack: float | None) -> bool:
        """Whether a full collection that may be due waits: no room for it before the
        next frame, and the wait still within its bounds."""
        if slack is not None and slack >= self.full_estimate:
            return False
        if not self.deferred_full:
            self._growth_at_due = self._growth
        return (self.deferred_full < MAX_FULL_DEFERRAL
                and self._growth - self._growth_at_due
                <= MAX_DEFERRED_GROWTH * self._growth_at_due)

    def resume(self) -> None:
        """End the pause (at the return of `step()`/`run()`, or when frame work raised
        and no frame follows), collecting nothing now; a threshold the user set while
        paused stands."""
        if self._paused:
            self._paused = False
            if not gc.get_threshold()[0]:
                gc.set_threshold(self._threshold0)

    def freeze(self) -> None:
        """Collect once, then move every live object to the permanent generation."""
        if self.mode != "frame":
            return
        gc.collect()
        # A full collection just ran, and the old generations are empty once frozen.
        self._growth = self._growth_at_due = self.deferred_full = 0
        if self._frozen:
            self._watch_freezes()
        elif gc.get_freeze_count():
            self._foreign_freeze = True  # frozen by someone before this
        gc.freeze()
        self._frozen_count = gc.get_freeze_count()
        self._frozen = True

    def _watch_freezes(self) -> None:
        """Notice a gc.freeze() since the last look (at this policy's own freezes and at
        close, never per frame: ``gc.get_freeze_count()`` walks the whole permanent
        generation, so a per-frame look would cost in proportion to everything the
        scene froze). A user's freeze is missed only if more frozen objects died
        meanwhile than it froze."""
        count = gc.get_freeze_count()
        if count > self._frozen_count:
            self._foreign_freeze = True
        self._frozen_count = count

    def close(self) -> None:
        """Resume normal collection: unfreeze what this policy froze, if it can do so
        without unfreezing anyone else's, and restore a threshold left paused."""
        self.resume()
        if self._frozen:
            self._watch_freezes()
            self._frozen = False
            if not self._foreign_freeze:
                gc.unfreeze()

    def __repr__(self) -> str:
        return (f"<FrameGc {self.mode} end_collections={self.end_collections} "
                f"full={self.full_collections} frozen={self._frozen}>")


class _Due:
    """An object whose every allocation the collector counts, for `_collect_due`.

    Not a list, dict or tuple: CPython hands freed ones out again from free lists
    without counting an allocation, so with freed lists waiting for reuse (as at the
    end of most frames) ``[]`` would not start the due collection.
    """


def _collect_due() -> None:
    """Let CPython run the automatic collection that is due, by its own rules.

    Allocating one container with the collector enabled and generation 0 past its
    threshold makes CPython pick the generation exactly as it would mid-frame,
    including the rule that a full collection waits until the objects promoted
    since the last one reach a quarter of the old generation (a count that is not
    exposed to Python, so it cannot be reproduced with `gc.collect(n)`).
    """
    _ = _Due()  # the allocation is the point
