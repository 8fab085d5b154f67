"""TaskTableSync: keeps the ``task_table`` DAT equal to the registry, incrementally.

The LOPs original clears and rewrites the whole table every frame, O(tasks). Here a
frame touches only rows that changed: a row is appended when its task is submitted
(task ids only grow, so the table stays sorted by id and a row is found by
bisection), changed rows are rewritten once at the end of the frame however often
they changed, and cleared rows are deleted. (Appending at the end of the frame
instead would save a write for a task that ends in the frame it was submitted in,
but a burst of 100k submissions would then write 100k rows in one frame.) Running
durations tick through a bounded round robin: at most `DURATION_REFRESH_PER_FRAME`
cells a frame, so 40 running tasks tick every frame and 100k idle ones cost the
same as 128.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

from asyncio_comp._sorted_ids import position_of
from asyncio_comp.records import format_info
from asyncio_comp.status import TaskStatus

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRecord
    from host.table import TableDAT

__all__ = ["COLUMNS", "TaskTableSync"]

#: The contract's columns in order; ``progress`` is ours and follows them.
COLUMNS = ("task_id", "status", "description", "duration", "created_at", "completed_at",
           "error", "info", "progress")
_DURATION_COL = COLUMNS.index("duration")

DURATION_REFRESH_PER_FRAME = 32
DURATION_TICK_SECONDS = 0.1


_seconds_text_cache: dict[float, str] = {}


def _seconds(value: float) -> str:
    """``value`` as the table shows seconds, ``"0.017"``, formatted once per value.

    Tasks submitted or ended in the same frame share their times (the host's clock
    moves once a frame), so their rows share these strings instead of holding a
    copy each: a third of a finished row's memory. The cache is emptied once a frame
    (`TaskTableSync.flush`): kept longer, its strings would pin the allocator's
    memory pages long after the rows that used them were cleared.
    """
    text = _seconds_text_cache.get(value)
    if text is None:
        if len(_seconds_text_cache) >= 1024:
            _seconds_text_cache.clear()
        text = _seconds_text_cache[value] = f"{value:.3f}" if value > 0 else "0.000"
    return text


def row_values(rec: TaskRecord, now: float) -> list[object]:
    """The cells of ``rec``'s row; the table turns the id into ``str`` without a
    Python call. The status goes in as the member's own value string, shared by
    every row (``str()`` of a ``StrEnum`` member makes a new copy each time)."""
    # Read the record directly rather than through ``rec.row``: building a TaskRow
    # per write doubled the cost of a row and kept one more object per finished task.
    completed, progress, created = rec.completed_at, rec.progress, rec.created_at
    return [
        rec.task_id, rec.status._value_, rec.description,
        _seconds((now if completed is None else completed) - created), _seconds(created),
        "" if completed is None else _seconds(completed), rec.error or "",
        format_info(rec.info), "" if progress is None else f"{progress:.2f}",
    ]


class TaskTableSync:
    """Mirrors task records into a TableDAT; see the module docstring."""

    def __init__(self, dat: TableDAT) -> None:
        self._dat = dat
        self._ids: list[int] = []
        self._dirty: dict[int, TaskRecord] = {}
        self._ticking: deque[tuple[float, TaskRecord]] = deque()
        self._ticking_ids: set[int] = set()
        self.enabled = True
        dat.clear()
        dat.appendRow(COLUMNS)

    def added(self, rec: TaskRecord, now: float) -> None:
        if not self.enabled:
            return
        if self._ids and rec.task_id <= self._ids[-1]:
            raise AssertionError(f"task ids must grow; the table relies on it "
                                 f"(new {rec.task_id} after {self._ids[-1]})")
        self._ids.append(rec.task_id)
        self._dat.appendRow(row_values(rec, now))

    def changed(self, rec: TaskRecord) -> None:
        if self.enabled:
            self._dirty[rec.task_id] = rec

    def removed(self, task_id: int) -> None:
        self._dirty.pop(task_id, None)
        if not self.enabled:
            return
        index = position_of(self._ids, task_id)
        if index is not None:
            del self._ids[index]
            self._dat.deleteRow(index + 1)

    def flush(self, now: float) -> None:
        """Write the rows that changed and a bounded batch of ticking durations."""
        if not self.enabled:
            return
        # The rows written from here on share this frame's time strings only.
        _seconds_text_cache.clear()
        next_due = now + DURATION_TICK_SECONDS
        ticking, ticking_ids = self._ticking, self._ticking_ids
        running = TaskStatus.RUNNING
        dirty, self._dirty = self._dirty, {}
        for rec in dirty.values():
            index = position_of(self._ids, rec.task_id)
            if index is not None:
                self._dat.replaceRow(index + 1, row_values(rec, now))
                if rec.status is running and rec.task_id not in ticking_ids:
                    ticking_ids.add(rec.task_id)
                    ticking.append((next_due, rec))
        # Entries are appended with due times that only grow, so the deque stays
        # sorted by due time and the front is always the stalest row.
        if len(ticking) > 2 * len(self._ids) + 64:
            # Ended tasks queued behind a running one that is not due yet: drop them
            # all at once (amortised O(1) a task), so the queue stays within the table.
            ticking = self._ticking = deque(e for e in ticking
                                            if e[1].status is TaskStatus.RUNNING)
            self._ticking_ids = {rec.task_id for _, rec in ticking}
        refreshed = 0
        while ticking and refreshed < DURATION_REFRESH_PER_FRAME:
            rec = ticking[0][1]
            if rec.status is not TaskStatus.RUNNING:
                # Dropping an ended task is free: a stream of short tasks must not
                # pile up here (and keep their records alive) faster than it drains.
                ticking.popleft()
                self._ticking_ids.discard(rec.task_id)
                if not ticking:
                    self._ticking_ids = set()  # a set does not shrink as ids go
                continue
            if ticking[0][0] > now:
                break
            ticking.popleft()
            refreshed += 1
            ticking.append((next_due, rec))
            if rec.task_id in dirty:
                continue
            index = position_of(self._ids, rec.task_id)
            if index is not None:
                # Formatted directly: a running duration is never shared, so caching it
                # would only churn the shared-strings cache.
                self._dat[index + 1, _DURATION_COL] = f"{max(0.0, now - rec.created_at):.3f}"

    def rebuild(self, records: Iterable[TaskRecord], now: float) -> None:
        """Rewrite the whole table from the registry (after ``Updatetable`` comes back on)."""
        self._dat.clear()
        self._dat.appendRow(COLUMNS)
        self._ids = []
        self._dirty = {}
        self._ticking = deque()
        self._ticking_ids = set()
        for rec in records:
            self._ids.append(rec.task_id)
            self._dat.appendRow(row_values(rec, now))
            if rec.status is TaskStatus.RUNNING:
                self._ticking_ids.add(rec.task_id)
                self._ticking.append((now + DURATION_TICK_SECONDS, rec))
