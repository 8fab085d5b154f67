"""The run as a timeline: tasks as spans on the host's time axis, frames as ticks.

A table that streams and purges (Clear After) forgets what happened; a timeline
keeps it. `Timeline` listens to a host (task status changes and frame ends) and
keeps, on the host's time axis:

- every active task, and the newest `KEEP_TASKS` ended ones, as spans with their
  parent (the task whose code submitted them), so a view draws children under
  their parent;
- the newest `KEEP_FRAMES` frames as ticks, and the newest `KEEP_LATE` late frames
  (frame blame's reports) as marks.

What falls out of those windows is not dropped but summarised: folded into at most
`MAX_BUCKETS` buckets of history (tasks ended per status, frames, late frames per
bucket; two neighbours merge into one twice as wide when the count would pass the
bound). So memory is bounded however long the run, and a view scrolled back past
the detailed history still shows what the run did there, coarser.

It costs the host only while it listens: one call per task status change and one
per frame. `window()` is the one read, made by a view when it draws.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from asyncio_comp.status import TaskStatus

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRow
    from host.views._host import ViewedHost
    from td.blame import FrameSpan

__all__ = ["Timeline", "TimelineBar", "TimelineBucket", "TimelineWindow"]

_T = TypeVar("_T")
#: Spans considered per bar shown (the newest), so a parent is found for its children.
_CANDIDATES = 4

#: Ended tasks kept as spans (the newest); older ones are summarised.
KEEP_TASKS = 2_000
#: Frames kept as ticks (a minute at 60 fps); older ones are summarised.
KEEP_FRAMES = 3_600
#: Late frames kept as marks.
KEEP_LATE = 1_000
#: Buckets of summarised history, at most.
MAX_BUCKETS = 256
#: A bucket's first width, in host seconds (it doubles as buckets merge).
FIRST_BUCKET_SECONDS = 1.0

_FINAL = (TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.TIMEOUT)


@dataclass(frozen=True, slots=True)
class TimelineBar:
    """One task's span as a view draws it: ``depth`` levels under its root ancestor
    among the bars shown; ``end`` None while it runs."""

    task_id: int
    description: str
    status: TaskStatus
    start: float
    end: float | None
    depth: int
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class TimelineBucket:
    """Summarised history from ``start`` to ``end`` (host seconds)."""

    start: float
    end: float
    ended: tuple[tuple[TaskStatus, int], ...]
    frames: int
    late_frames: int

    @property
    def tasks(self) -> int:
        return sum(count for _, count in self.ended)


@dataclass(frozen=True, slots=True)
class TimelineWindow:
    """What a view draws for host times ``start`` to ``end``: the task bars (parents
    before their children, at most the rows asked for, the newest), frame ticks,
    late-frame marks, and the summarised buckets where detail is gone
    (``detail_since`` is the oldest time still kept in detail)."""

    start: float
    end: float
    bars: tuple[TimelineBar, ...]
    frames: tuple[float, ...]
    late: tuple[float, ...]
    buckets: tuple[TimelineBucket, ...]
    detail_since: float


class _Span:
    __slots__ = ("description", "end", "parent_id", "start", "status", "task_id")

    def __init__(self, row: TaskRow) -> None:
        self.task_id = row.task_id
        self.description = row.description
        self.parent_id = row.parent_id
        self.start = row.created_at
        self.end: float | None = None
        self.status = row.status


class _Bucket:
    __slots__ = ("ended", "frames", "late")

    def __init__(self) -> None:
        self.ended = [0, 0, 0, 0]  # per final status, in _FINAL's order
        self.frames = 0
        self.late = 0

    def add(self, other: _Bucket) -> None:
        for index, count in enumerate(other.ended):
            self.ended[index] += count
        self.frames += other.frames
        self.late += other.late


class Timeline:
    """A host's run on its time axis; see the module docstring. `close()` stops
    listening (a view closing; the host closing needs nothing)."""

    def __init__(self, host: ViewedHost) -> None:
        self._host = host
        self._active: dict[int, _Span] = {}
        self._ended: deque[_Span] = deque()
        self._frames: deque[float] = deque()
        self._late: deque[float] = deque(maxlen=KEEP_LATE)
        self._buckets: dict[int, _Bucket] = {}
        self._bucket_seconds = FIRST_BUCKET_SECONDS
        self._detail_since = 0.0
        #: Grows with every change a view could show.
        self.version = 0
        self._listening = True
        host.tasks.add_task_listener(self._on_task)
        host.add_frame_listener(self._on_frame)

    def close(self) -> None:
        """Stop listening to the host (idempotent); what was kept stays readable."""
        if not self._listening:
            return
        self._listening = False
        host = self._host
        if not host.closed:
            host.tasks.remove_task_listener(self._on_task)
            host.remove_frame_listener(self._on_frame)

    # -- listening --------------------------------------------------------------------
    def _on_task(self, row: TaskRow) -> None:
        self.version += 1
        status = row.status
        if status is TaskStatus.PENDING:
            self._active[row.task_id] = _Span(row)
            return
        span = self._active.get(row.task_id)
        if status is TaskStatus.RUNNING:
            if span is not None:
                span.status = status
            return
        if span is None:
            span = _Span(row)  # submitted before the timeline began
        else:
            del self._active[row.task_id]
        span.status = status
        span.end = row.completed_at if row.completed_at is not None else row.created_at
        ended = self._ended
        ended.append(span)
        if len(ended) > KEEP_TASKS:
            self._summarise_task(ended.popleft())

    def _on_frame(self, span: FrameSpan) -> None:
        self.version += 1
        now = self._host.seconds
        frames = self._frames
        frames.append(now)
        if len(frames) > KEEP_FRAMES:
            old = frames.popleft()
            self._bucket(old).frames += 1
            self._detail_since = max(self._detail_since, old)
        if span.late is not None:
            late = self._late
            if len(late) == late.maxlen:
                self._bucket(late[0]).late += 1
            late.append(now)

    def _summarise_task(self, span: _Span) -> None:
        end = span.end if span.end is not None else span.start
        self._bucket(end).ended[_FINAL.index(span.status)] += 1
        self._detail_since = max(self._detail_since, end)

    def _bucket(self, when: float) -> _Bucket:
        key = int(when // self._bucket_seconds)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._merge_buckets()
                key = int(when // self._bucket_seconds)
                bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket()
        return bucket

    def _merge_buckets(self) -> None:
        """Halve the number of buckets: each pair of neighbours becomes one."""
        merged: dict[int, _Bucket] = {}
        for key, bucket in self._buckets.items():
            into = merged.get(key // 2)
            if into is None:
                merged[key // 2] = bucket
            else:
                into.add(bucket)
        self._buckets = merged
        self._bucket_seconds *= 2

    # -- reading ----------------------------------------------------------------------
    @property
    def bucket_seconds(self) -> float:
        """How wide a bucket of summarised history is now."""
        return self._bucket_seconds

    @property
    def history_start(self) -> float:
        """The oldest host time the timeline knows anything about."""
        times = [min(self._buckets) * self._bucket_seconds] if self._buckets else []
        if self._frames:
            times.append(self._frames[0])
        if self._ended:
            times.append(self._ended[0].start)
        times += [span.start for span in self._active.values()][:1]
        return min(times) if times else 0.0

    def counts(self) -> tuple[int, int, int]:
        """(active spans, ended spans kept, buckets): bounded, whatever the run's length."""
        return len(self._active), len(self._ended), len(self._buckets)

    def window(self, seconds: float, *, end: float | None = None,
               rows: int = 20) -> TimelineWindow:
        """The last ``seconds`` of host time up to ``end`` (default: now), with at most
        ``rows`` bars: the tasks that overlap it, each under its parent when the
        parent is shown too, the newest kept when they do not all fit.

        Raises:
            ValueError: for seconds <= 0 or rows < 0.
        """
        if not seconds > 0 or rows < 0:
            raise ValueError(f"window() expected seconds > 0 and rows >= 0, got "
                             f"seconds={seconds!r}, rows={rows!r}")
        t1 = self._host.seconds if end is None else end
        t0 = t1 - seconds
        # Ended spans and frames are kept in the order of their end, on a clock that
        # never goes back: read from the newest until one ended before the window.
        spans = _newest(self._ended, t0, t1, lambda s: s.end or s.start, lambda s: s.start)
        spans += [s for s in self._active.values() if s.start <= t1]
        if len(spans) > rows * _CANDIDATES:
            # Only the newest can be shown: a few times the rows, so that the parents
            # of the newest are among them (heapq: no sort of thousands of spans).
            spans = heapq.nlargest(rows * _CANDIDATES, spans, key=_start_key)
        bars = _tree(spans)[-rows:] if rows else []
        frames = tuple(_newest(self._frames, t0, t1, float, float))
        late = tuple(_newest(self._late, t0, t1, float, float))
        width = self._bucket_seconds
        buckets = tuple(
            TimelineBucket(key * width, (key + 1) * width,
                           tuple((status, n) for status, n in zip(_FINAL, b.ended, strict=True)
                                 if n), b.frames, b.late)
            for key, b in sorted(self._buckets.items())
            if (key + 1) * width >= t0 and key * width <= t1)
        return TimelineWindow(t0, t1, tuple(bars), frames, late, buckets, self._detail_since)


def _start_key(span: _Span) -> tuple[float, int]:
    return span.start, span.task_id


def _newest(items: deque[_T], t0: float, t1: float, ended: Callable[[_T], float],
            began: Callable[[_T], float]) -> list[_T]:
    """The items (kept oldest first by when they ended) that overlap ``t0..t1``,
    oldest first, read from the newest: a view of the last seconds costs what it
    shows, not what is kept."""
    out: list[_T] = []
    for item in reversed(items):
        if ended(item) < t0:
            break
        if began(item) <= t1:
            out.append(item)
    out.reverse()
    return out


def _tree(spans: list[_Span]) -> list[TimelineBar]:
    """The spans as bars, oldest root first, each followed by its children (depth
    first) when they are among ``spans``; a child whose parent is not is a root."""
    spans.sort(key=_start_key)
    present = {s.task_id for s in spans}
    children: dict[int, list[_Span]] = {}
    roots: list[_Span] = []
    for span in spans:
        parent = span.parent_id
        if parent is not None and parent in present and parent != span.task_id:
            children.setdefault(parent, []).append(span)
        else:
            roots.append(span)
    out: list[TimelineBar] = []
    stack: list[tuple[_Span, int]] = [(root, 0) for root in reversed(roots)]
    while stack:
        span, depth = stack.pop()
        out.append(TimelineBar(span.task_id, span.description, span.status, span.start,
                               span.end, depth, span.parent_id))
        stack.extend((child, depth + 1) for child in reversed(children.get(span.task_id, ())))
    return out
