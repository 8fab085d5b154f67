"""TaskTableSync: keeps the ``task_table`` DAT equal to the registry, incrementally.

The LOPs original clears and rewrites the whole table every frame, O(tasks). Here
the table is cooked on demand, as TouchDesigner cooks a DAT that something reads
(`TableDAT.refresh_on_read`): submissions, changes and removals are only noted as
they happen, and the next read of the table writes them, each row once however
often it changed. A table nobody reads costs nothing per task; one read every
frame costs what changed in that frame: a row appended per new task (task ids only
grow, so the table stays sorted by id and a row is found by bisection), a row
rewritten per changed task, a row deleted per cleared one. A task submitted and
cleared between two reads never gets a row. Running durations tick through a
bounded round robin: at most `DURATION_REFRESH_PER_FRAME` cells per read, so 40
running tasks tick every frame and 100k idle ones cost the same as 128. (The first
read after a burst of 100k submissions writes their 100k rows: the rows are written
where the table is read, not by `Run`, so submitting stays cheap.)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from asyncio_comp.records import format_info
from asyncio_comp.status import TaskStatus
from td.sorted_ids import position_of

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRecord
    from td.table import TableDAT

__all__ = ["COLUMNS", "FRAMEHOST_CELLS", "RowCells", "SecondsText", "TaskTableSync"]

#: The contract's columns in order; ``progress`` is ours and follows them.
COLUMNS = ("task_id", "status", "description", "duration", "created_at", "completed_at",
           "error", "info", "progress")
_DURATION_COL = COLUMNS.index("duration")

#: Running durations rewritten per read of the table (a frame, for a reader per frame).
DURATION_REFRESH_PER_FRAME = 32
DURATION_TICK_SECONDS = 0.1


class SecondsText:
    """Seconds as the table shows them, ``"0.017"``, each value formatted once.

    Tasks submitted or ended in the same frame share their times (the host's clock
    moves once a frame), so their rows share these strings instead of holding a
    copy each: a third of a finished row's memory. Each `TaskTableSync` owns one
    and empties it after each refresh of its table: kept longer, its strings would
    pin the allocator's memory pages long after the rows that used them were cleared.
    """

    __slots__ = ("_texts",)

    def __init__(self) -> None:
        self._texts: dict[float, str] = {}

    def text(self, value: float) -> str:
        """``value`` formatted, shared with every earlier call since the last clear."""
        texts = self._texts
        text = texts.get(value)
        if text is None:
            if len(texts) >= 1024:
                texts.clear()
            text = texts[value] = f"{value:.3f}" if value > 0 else "0.000"
        return text

    def __len__(self) -> int:
        return len(self._texts)

    def clear(self) -> None:
        self._texts.clear()


def row_values(rec: TaskRecord, now: float, seconds: Callable[[float], str]) -> list[object]:
    """The cells of ``rec``'s row, its times formatted by ``seconds``; the table turns
    the id into ``str`` without a Python call. The status goes in as the member's own
    value string, shared by every row (``str()`` of a ``StrEnum`` member makes a new
    copy each time)."""
    # Read the record directly rather than through ``rec.row``: building a TaskRow
    # per write doubled the cost of a row and kept one more object per finished task.
    completed, progress, created = rec.completed_at, rec.progress, rec.created_at
    description, error = rec.description, rec.error_text or ""
    return [
        rec.task_id, rec.status._value_,
        description if description.isprintable() else one_line(description),
        seconds((now if completed is None else completed) - created), seconds(created),
        "" if completed is None else seconds(completed),
        error if error.isprintable() else one_line(error),
        format_info(rec.info), "" if progress is None else f"{progress:.2f}",
    ]


class RowCells(Protocol):
    """What a task's row holds: the header, the cells, a running duration's text
    (a profile's choice: `asyncio_comp.profile`)."""

    @property
    def columns(self) -> tuple[str, ...]:
        """The header row."""

    def row(self, rec: TaskRecord, now: float, seconds: Callable[[float], str]) -> list[object]:
        """The cells of ``rec``'s row at host time ``now``; ``seconds`` formats a time
        as framehost's cells show it, shared by the rows of one refresh."""

    def running_duration(self, seconds: float) -> str:
        """A running task's duration cell."""


class _FramehostCells:
    """framehost's cells: host seconds to the millisecond, errors as ``Type: message``,
    info by ``repr``, a ``progress`` column after the contract's."""

    columns = COLUMNS
    row = staticmethod(row_values)  # the function itself: a call less per row written

    def running_duration(self, seconds: float) -> str:
        return f"{max(0.0, seconds):.3f}"


FRAMEHOST_CELLS: RowCells = _FramehostCells()


#: Tabs and line breaks, which would split a row of ``dat.text`` (TD's tab-separated
#: form), as spaces.
_ONE_LINE = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def one_line(text: str) -> str:
    """``text`` as one table cell's worth: tabs and line breaks become spaces."""
    return text.translate(_ONE_LINE)


def _nothing() -> None:
    """The settle hook of a table that follows no registry yet."""


class TaskTableSync:
    """Mirrors task records into a TableDAT; see the module docstring."""

    _ids: list[int]  # task ids of the written rows, in table order
    # Every task up to this id has its row written or is gone; the newer ones are
    # the registry's newest entries (ids only grow), found from its end at a read,
    # so a task costs the table nothing until someone reads it.
    _written_to: int
    _deleted: list[int]  # task ids whose written rows go
    _dirty: dict[int, TaskRecord]
    _ticking: deque[tuple[float, TaskRecord]]
    _ticking_ids: set[int]

    def __init__(self, dat: TableDAT, clock: Callable[[], float],
                 cells: RowCells = FRAMEHOST_CELLS) -> None:
        self._dat = dat
        self._clock = clock
        self._cells = cells
        self._enabled = True
        self._source: Callable[[], dict[int, TaskRecord]] = dict
        self._settle: Callable[[], object] = _nothing
        #: True while the table is marked stale for a change not written yet: a new
        #: task then needs no call here (``if not sync.marked: sync.pending()``).
        self.marked = False
        #: This table's shared time strings (`SecondsText`).
        self.seconds_text = SecondsText()
        self._reset()
        # The table's version after our last write: any other value means someone
        # else wrote to it (user code, or a write of ours that failed half way).
        self._written_version = -1
        dat.refresh_on_read(self._write)
        dat.mark_stale()

    def follow(self, source: Callable[[], dict[int, TaskRecord]],
               settle: Callable[[], object] = _nothing) -> None:
        """Name the registry: ``source()`` gives every tracked task by id, in the
        order they were added (so by id; ids only grow). New rows are read from its
        end, and the table is rebuilt from it whenever it is found damaged.
        ``settle()`` runs before each write: the registry passes on the changes it
        batches (`TaskRegistry.settle`)."""
        self._source = source
        self._settle = settle
        self._written_version = -1
        self._dat.mark_stale()

    @property
    def enabled(self) -> bool:
        return self._enabled

    def pending(self) -> None:
        """Something will change at the next read (a new task's row, found then at the
        registry's end; a change noted here): mark the table stale."""
        if self._enabled:
            self.marked = True
            self._dat.mark_stale()

    def changed(self, rec: TaskRecord) -> None:
        # A task without a row yet is written as it is at the next read: noting its
        # change too would cost a dict entry per task while nobody reads the table.
        if self._enabled and rec.task_id <= self._written_to:
            self._dirty[rec.task_id] = rec
            self.pending()

    def changed_all(self, recs: list[TaskRecord]) -> None:
        """`changed` for each of ``recs`` (an admission batch: mostly without rows)."""
        written_to = self._written_to
        if self._enabled and written_to >= 0:  # nothing written yet: nothing to rewrite
            dirty = self._dirty
            marked = False
            for rec in recs:
                if rec.task_id <= written_to:
                    dirty[rec.task_id] = rec
                    marked = True
            if marked:
                self.pending()

    def removed(self, task_id: int) -> None:
        dirty = self._dirty
        if dirty.pop(task_id, None) is not None and not dirty:
            dirty.clear()  # a dict never shrinks as keys go; emptied, clear() frees it
        if not self._enabled:
            return
        if task_id <= self._written_to:
            self._deleted.append(task_id)  # its row was written: delete it
            self.pending()

    def flush(self) -> None:
        """End of a frame: running durations may be due to tick at the next read."""
        if self._ticking:
            self.pending()

    def set_enabled(self, enabled: bool) -> None:
        """``Updatetable``: off freezes the table as it is now; back on, it is rewritten
        from the registry at the next read."""
        if enabled == self._enabled:
            return
        if not enabled:
            self._dat.refresh()  # what is pending is written, then the table stays
            self._enabled = False
            return
        self._enabled = True
        self._written_version = -1  # rebuilt from the header down at the next read
        self._dat.mark_stale()

    def _reset(self) -> None:
        """Forget what was written; the next `_write` starts from an empty table."""
        self._ids = []
        self._written_to = -1  # ids start at 0 or 1 (the profile's): none is written
        self._deleted = []
        self._dirty = {}
        self._ticking = deque()
        self._ticking_ids = set()

    def _write(self) -> None:
        """The table's refresh: write what changed since the last read, or rebuild the
        whole table from the registry if it is not as the last write left it."""
        if not self._enabled:
            return  # frozen: a user's edit stays
        self.marked = False
        self._settle()
        dat = self._dat
        try:
            if dat.version != self._written_version:
                self._rebuild()
            self._write_changes()
        except BaseException:
            # Half written (a cell's str() raised, or Ctrl-C landed): rebuild at the
            # next read rather than leave the table wrong for good.
            self._written_version = -1
            self.pending()
            raise
        self._written_version = dat.version

    def _rebuild(self) -> None:
        self._reset()
        dat = self._dat
        dat.clear()
        dat.appendRow(self._cells.columns)

    def _write_changes(self) -> None:
        now = self._clock()
        dat, ids = self._dat, self._ids
        if self._deleted:
            deleted, self._deleted = self._deleted, []
            for task_id in deleted:
                index = position_of(ids, task_id)
                if index is not None:
                    del ids[index]
                    dat.deleteRow(index + 1)
        next_due = now + DURATION_TICK_SECONDS
        ticking, ticking_ids = self._ticking, self._ticking_ids
        running = TaskStatus.RUNNING
        dirty, self._dirty = self._dirty, {}
        seconds = self.seconds_text.text
        cells = self._cells.row
        newest = next(reversed(self._source()), -1)
        if newest > self._written_to:
            append = dat.appendRow
            for rec in self._new_records():
                task_id = rec.task_id
                ids.append(task_id)
                append(cells(rec, now, seconds))
                dirty.pop(task_id, None)
                if rec.status is running:
                    ticking_ids.add(task_id)
                    ticking.append((next_due, rec))
            self._written_to = newest
        for rec in dirty.values():
            index = position_of(ids, rec.task_id)
            if index is not None:
                dat.replaceRow(index + 1, cells(rec, now, seconds))
                if rec.status is running and rec.task_id not in ticking_ids:
                    ticking_ids.add(rec.task_id)
                    ticking.append((next_due, rec))
        self._tick(now, next_due, dirty)
        # The rows written by this refresh shared these strings; later ones will not.
        self.seconds_text.clear()

    def _new_records(self) -> list[TaskRecord]:
        """The tracked tasks without a row, oldest first: the registry's entries
        after `_written_to`, read from its end (O(new rows), not O(tasks))."""
        tracked = self._source()
        written_to = self._written_to
        new: list[TaskRecord] = []
        for task_id in reversed(tracked):
            if task_id <= written_to:
                break
            new.append(tracked[task_id])
        new.reverse()
        return new

    def _tick(self, now: float, next_due: float, written: dict[int, TaskRecord]) -> None:
        """Rewrite the running durations that are due, at most
        `DURATION_REFRESH_PER_FRAME` of them, stalest first."""
        ticking = self._ticking
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
            if rec.task_id in written:
                continue
            index = position_of(self._ids, rec.task_id)
            if index is not None:
                # Formatted directly: a running duration is never shared, so caching it
                # would only churn the shared-strings cache.
                self._dat[index + 1, _DURATION_COL] = self._cells.running_duration(
                    now - rec.created_at)
