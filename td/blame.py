"""Frame blame: who spent an over-budget frame's time, kept for the frames that need it.

A frame is *over budget* when its work took longer than one period: in realtime it
delays the next frame's start; in virtual time it would have. (The contract's
`late_frame_reports` and this module's `LateFrameReport` call these frames late;
the views and docs keep "late" for a realtime frame that *started* late,
`FrameStats.late_frames`.) For such a frame the host keeps a `LateFrameReport`: the
frame, its duration and its top costs, each a `BlameEntry` ``(kind, name, seconds)``,
biggest first. The kinds:

- ``task``: a tracked task's steps (``#7 fetch``), the collector's share left out;
- ``callback``: one completion callback;
- ``hook``: a cook hook (an operator's cook, e.g. ``/ChatTD/TDAsyncIO``, whose share
  is what its itemised tasks and callbacks did not take) or a frame callback;
- ``gc``: the cyclic garbage collector;
- ``view``: a view's draw (a frame-end callback registered as a view).

Measuring must cost nothing a frame does not already pay. So nothing is timed on
its own account: the frame loop reads the clock once per callback and hook, which
is what it did at its phase boundaries anyway, and a task step is itemised only
when it already crossed the `BlockingWatch`'s attention threshold, a comparison
every step makes anyway. Costs below `FrameBlame.threshold` are not itemised
(their sum stays in the share of the hook that ran them), and the ledger keeps two
plain counters (`FrameBlame.items`, `FrameBlame.charged`) so the frame loop reads
attributes, never calls, around its hooks: a frame whose work is all small items
allocates nothing for blame and builds a report only when it turns out late.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple

__all__ = ["BlameEntry", "BlameKind", "CostObserver", "FrameBlame", "FrameSpan",
           "LateFrameReport"]

BlameKind = Literal["task", "callback", "hook", "gc", "view"]

#: Late frames kept in `FrameStats.late_frame_reports` (the newest).
KEEP_REPORTS = 64
#: Worst late frames kept over the whole run, for the closing summary.
KEEP_WORST = 5
#: Entries kept per report, biggest first.
TOP_ENTRIES = 8
#: The smallest cost itemised, whatever the frame rate (seconds): below it a step or
#: a callback is bookkeeping, not a cause.
MIN_ITEM_SECONDS = 0.0005


class BlameEntry(NamedTuple):
    """One cost in a frame: who (``kind`` and ``name``) spent ``seconds``."""

    kind: BlameKind
    name: str
    seconds: float


@dataclass(frozen=True, slots=True)
class LateFrameReport:
    """A frame whose work took longer than one period, and its top costs.

    ``duration`` is the frame's work in wall seconds, counting work served for it
    between frames (realtime: the loop's run before the frame, which delayed its
    start); ``top`` its itemised costs, biggest first (at most `TOP_ENTRIES`).
    """

    frame: int
    duration: float
    top: list[BlameEntry]

    def line(self, entries: int = 3) -> str:
        """``frame 42: 61.2 ms: task #7 fetch 50.1 ms, hook /ChatTD/TDAsyncIO 1.0 ms``."""
        costs = ", ".join(f"{e.kind} {e.name} {e.seconds * 1000:.1f} ms"
                          for e in self.top[:entries]) or "nothing itemised"
        return f"frame {self.frame}: {self.duration * 1000:.1f} ms: {costs}"


@dataclass(frozen=True, slots=True)
class FrameSpan:
    """One frame as frame listeners see it (`HostCore.add_frame_listener`): its number,
    when its work began on the host's ``wall_clock``, how long it took, and its
    report if it was late."""

    frame: int
    started: float
    duration: float
    late: LateFrameReport | None


#: ``observer(kind, name, seconds, ended)``: an itemised cost and the wall-clock time
#: it ended.
CostObserver = Callable[[BlameKind, str, float, float], object]


class FrameBlame:
    """The host's ledger of one frame's itemised costs, and the late frames' reports.

    Owned by the host (`HostCore.blame`); components itemise their own work through
    `charge` (TDAsyncIO charges slow task steps and callbacks). See the module
    docstring for what is measured and why it costs nothing.
    """

    __slots__ = ("_entries", "_late_count", "_reports", "_worst", "budget", "charged",
                 "items", "observer", "threshold", "waited")

    def __init__(self, period: float) -> None:
        #: A frame whose work exceeds this (one period) is over budget.
        self.budget = period
        #: Costs at or above this are itemised (a twentieth of the period, at least
        #: `MIN_ITEM_SECONDS`); a caller compares before it calls `charge`.
        self.threshold = max(period / 20.0, MIN_ITEM_SECONDS)
        self._entries: list[BlameEntry] = []
        #: Costs itemised into the ledger since the last frame ended (the frame being
        #: run, and work served before it), and their seconds: plain attributes the
        #: frame loop reads around each hook, to take out what the hook's children
        #: itemised, and at the frame's end, to skip the ledger when it is empty.
        self.items = 0
        self.charged = 0.0
        #: Wall seconds the frame being run spent waiting on purpose, not working: a
        #: non-realtime frame paced to real time while outside work is out
        #: (`asyncio_comp.pacing`) lasts about a period by design. Taken out of the
        #: frame's duration and of the share of the hook that waited, so a paced frame
        #: is over budget only when its work is. A plain attribute, read as `charged` is.
        self.waited = 0.0
        self._reports: deque[LateFrameReport] = deque(maxlen=KEEP_REPORTS)
        self._worst: list[tuple[float, int, LateFrameReport]] = []
        self._late_count = 0
        #: Told every itemised cost as it is charged (a trace writer), or None. While
        #: one observes, every completion callback is itemised, however short.
        self.observer: CostObserver | None = None

    def observe(self, observer: CostObserver | None) -> None:
        """Tell ``observer(kind, name, seconds, ended)`` every cost charged from now on
        (None: stop), those under `threshold` too, which the ledger does not keep."""
        if observer is not None and not callable(observer):
            raise TypeError(f"observe() expected a callable taking (kind, name, seconds, "
                            f"ended) or None, got {observer!r}")
        self.observer = observer

    def charge(self, kind: BlameKind, name: str, seconds: float,
               ended: float | None = None) -> None:
        """Itemise ``seconds`` spent by ``kind``/``name`` in the frame being run (or,
        between realtime frames, in the next one); ``ended`` is the wall-clock time
        the cost ended, for an observer (None: unknown)."""
        observer = self.observer
        if observer is not None and ended is not None:
            observer(kind, name, seconds, ended)
            if seconds < self.threshold:
                # Told for the observer alone (a trace wants every callback): the
                # ledger, and so the frame's report and what its hooks are charged,
                # stays what it is with nobody observing.
                return
        self._entries.append(BlameEntry(kind, name, seconds))
        self.items += 1
        self.charged += seconds

    def wait(self, seconds: float) -> None:
        """Count ``seconds`` of the frame being run as a wait on purpose, not work."""
        self.waited += seconds

    def take_waited(self) -> float:
        """The frame's seconds of waiting (`wait`), counted from zero again; the frame
        loop calls it at the frame's end when `waited` is set."""
        waited, self.waited = self.waited, 0.0
        return waited

    def end_frame(self, frame: int, duration: float, served_before: float
                  ) -> LateFrameReport | None:
        """The frame ended after ``duration`` wall seconds of work; ``served_before``
        seconds were itemised before it began (work served between frames: what
        `charged` read then). Keeps and returns a report if the frame was late;
        clears the ledger.

        The frame loop calls it only for a frame that was late or itemised
        something (``items``); any other frame has nothing to keep or clear.
        """
        duration += served_before
        entries = self._entries
        report = self._report(frame, duration, entries) if duration > self.budget else None
        if entries:
            self._entries = []
            self.items = 0
            self.charged = 0.0
        return report

    def _report(self, frame: int, duration: float, entries: list[BlameEntry]
                ) -> LateFrameReport:
        # One entry per who: a task's steps (or a hook served twice) add up.
        summed: dict[tuple[BlameKind, str], float] = {}
        for kind, name, seconds in entries:
            summed[kind, name] = summed.get((kind, name), 0.0) + seconds
        top = heapq.nlargest(TOP_ENTRIES, (BlameEntry(kind, name, seconds)
                                           for (kind, name), seconds in summed.items()),
                             key=_seconds)
        report = LateFrameReport(frame, duration, top)
        self._reports.append(report)
        self._late_count += 1
        item = (duration, -self._late_count, report)
        if len(self._worst) < KEEP_WORST:
            heapq.heappush(self._worst, item)
        elif duration > self._worst[0][0]:
            heapq.heapreplace(self._worst, item)
        return report

    @property
    def late_count(self) -> int:
        """Over-budget frames reported since the host was made (a view compares it with the
        count it saw to find the new reports without copying them)."""
        return self._late_count

    @property
    def reports(self) -> tuple[LateFrameReport, ...]:
        """The newest late frames' reports, oldest first (at most `KEEP_REPORTS`)."""
        return tuple(self._reports)

    def worst(self) -> list[LateFrameReport]:
        """The worst late frames of the whole run, longest first (at most `KEEP_WORST`)."""
        return [item[2] for item in sorted(self._worst, reverse=True)]



def _seconds(entry: BlameEntry) -> float:
    return entry.seconds
