"""TaskRegistry: which tasks TDAsyncIO tracks, how many are in each status, and
when the finished ones age out.

It is the component's bookkeeping, nothing else: task ids, the live records, the
active subset, per-status counts kept as things change (views read them every
frame), and the Clear After queue of finished tasks in the order they finished.
Every change it records is passed on to the task table (`TaskTableSync`), so the
table and the registry never disagree. It starts, stops and ends nothing: that is
`TaskLifecycle`'s job; the registry only hears about it.

The common ending, a running task completing, is told in batches: the lifecycle
queues the record (its status already set) in a queue of its own, telling the
registry only when a batch begins (`completions_began()`), and `settle()` takes the
batch (`follow_completions`) and does the bookkeeping for all of them at once
(counts, the active list, the Clear After queue, the table). Every reading method
settles first, and so does the table before it writes, so no reader sees a batch
half told; a frame's end settles what is left. One task's bookkeeping done one task
at a time, or even one call per task to hear of it, costs more than the task's own
work, which is why the common ending is batched.

`version`, which views watch to redraw only when something moved, is the
registry's alone: every change it records moves it, and a change outside the
records that a view shows (a blocking report) is told through `mark_changed()`.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator, Reversible
from typing import TYPE_CHECKING, Any, TypeVar

from asyncio_comp.active_list import ActiveList
from asyncio_comp.records import TaskRecord, TaskRow
from asyncio_comp.status import TaskStatus

if TYPE_CHECKING:
    from asyncio_comp.table_sync import TaskTableSync

__all__ = ["ChangeListener", "TaskRegistry"]

#: ``fn(task_id, status, description, parent_id, error)``: see
#: `TaskRegistry.add_change_listener`.
ChangeListener = Callable[[int, TaskStatus, str, int | None, str | None], object]

# Enum members as module globals for the per-task paths: reading ``TaskStatus.PENDING``
# goes through the enum class's attribute lookup, several times a task.
_PENDING = TaskStatus.PENDING
_RUNNING = TaskStatus.RUNNING
_COMPLETED = TaskStatus.COMPLETED

_EPSILON = 1e-9
_L = TypeVar("_L")


class TaskRegistry:
    """The tracked tasks and their counts; see the module docstring."""

    __slots__ = (
        "_active",
        "_change_listeners",
        "_clear_queue",
        "_counts",
        "_lifetime",
        "_listeners",
        "_owned",
        "_pending",
        "_row_listeners",
        "_table",
        "_take_completions",
        "_tasks",
        "_unsettled",
        "_version",
        "listening",
        "next_id",
    )

    def __init__(self, table: TaskTableSync, first_id: int = 1) -> None:
        self._table = table
        #: Hands out the next task id, from ``first_id`` (the profile's: 1, or LOPs's
        #: 0); ids only grow (the table relies on it). A counter's C ``__next__``:
        #: one is taken per task.
        self.next_id: Callable[[], int] = itertools.count(first_id).__next__
        self._tasks: dict[int, TaskRecord] = {}
        # Running tasks (and ones forgotten by Clearall while they wind down), in the
        # order they started; linked in per admission batch. Pending ones are the
        # lifecycle's admission queue (`follow_pending`), which starts them in
        # submission order: every pending task is newer than every running one.
        self._active = ActiveList()
        self._pending: Reversible[TaskRecord] = ()
        self._counts: dict[TaskStatus, int] = dict.fromkeys(TaskStatus, 0)
        # Endings per final status over the whole run: forgetting never lowers them.
        self._lifetime: dict[TaskStatus, int] = {
            status: 0 for status in TaskStatus if status.is_finished}
        # Every registration, of either kind, oldest first, as ``(fn, is_row)``: one
        # test on the per-task paths whether any is, and the order `remove_listener`
        # takes them back in. Tuples, replaced as listeners come and go: a listener
        # that removes one while told changes no sequence being iterated, and none is
        # copied per change.
        self._listeners: tuple[tuple[Callable[..., object], bool], ...] = ()
        self._row_listeners: tuple[Callable[[TaskRow], object], ...] = ()
        self._change_listeners: tuple[ChangeListener, ...] = ()
        # Active tasks per owning operator (`TaskRecord.op_owner`), forgotten ones
        # winding down included, as ``id(owner) -> [owner, count]`` (an operator
        # class may define ``__eq__``); an owner leaves when its last one ends. Kept
        # as tasks start and end so a view reads it for nothing per task.
        self._owned: dict[int, list[Any]] = {}
        # Finished tasks in the order they finished (Clear After's order, and the
        # views' read newest first); a forgotten task's entry waits to age out.
        self._clear_queue: deque[TaskRecord] = deque()
        self._version = 0
        # Whether records went RUNNING → COMPLETED that are not told yet (see the
        # module docstring): set by `completions_began()`, only while nobody listens
        # (`listening`); `_take_completions` hands them over, emptying the queue.
        self._unsettled = False
        self._take_completions: Callable[[], list[TaskRecord]] = list
        #: Whether trace listeners want every change told as it happens (a plain
        #: attribute: the lifecycle reads it once per ending).
        self.listening = False
        # New rows, and a damaged table rebuilt, come from here; settled first.
        table.follow(self.by_id, self.settle)

    # -- reading ----------------------------------------------------------------
    @property
    def version(self) -> int:
        """Grows on every change a view could show; views redraw only when it moved."""
        return self._version

    @property
    def table(self) -> TaskTableSync:
        """The task table this registry keeps in step."""
        return self._table

    def get(self, task_id: int) -> TaskRecord | None:
        return self._tasks.get(task_id)

    def is_tracked(self, rec: TaskRecord) -> bool:
        """Whether ``rec`` is still tracked (not forgotten by a clear)."""
        return self._tasks.get(rec.task_id) is rec

    def by_id(self) -> dict[int, TaskRecord]:
        """The tracked records by id, oldest first (read it, do not change it)."""
        return self._tasks

    def records(self) -> Iterator[TaskRecord]:
        """Every tracked record, oldest first."""
        return iter(self._tasks.values())

    def follow_pending(self, queue: Reversible[TaskRecord]) -> None:
        """Name the queue of tasks waiting to start, oldest first (the lifecycle's
        admission queue; it may still hold tasks that ended while they waited)."""
        self._pending = queue

    def follow_completions(self, take: Callable[[], list[TaskRecord]]) -> None:
        """Name where the common endings not told yet come from: ``take()`` returns
        them in the order they ended and empties its queue (the lifecycle's)."""
        self._take_completions = take

    def active_records(self) -> list[TaskRecord]:
        """A copy of the pending and running records (tracked or already forgotten),
        oldest first."""
        self.settle()
        return list(self._active) + [rec for rec in self._pending if rec.status is _PENDING]

    def active_count(self) -> int:
        self.settle()
        return len(self._active) + self._counts[_PENDING]  # a pending task is tracked

    def __len__(self) -> int:
        return len(self._tasks)

    def active_by_owner(self) -> list[tuple[Any, int]]:
        """How many pending and running tasks each operator owns, as (operator,
        count) pairs (tasks no operator owns are not in it)."""
        self.settle()
        return [(owner, count) for owner, count in self._owned.values()]

    def counts(self) -> dict[TaskStatus, int]:
        self.settle()
        return dict(self._counts)

    def lifetime_counts(self) -> dict[TaskStatus, int]:
        """Tasks that ended in each final status since the registry was made,
        forgotten ones included (`counts` is what is tracked now)."""
        self.settle()
        return dict(self._lifetime)

    # -- listeners (trace recorders) ----------------------------------------------
    # Each add is one registration and each remove takes one back, as with
    # ``gc.callbacks``: a function added twice is told twice until removed twice.
    def add_listener(self, fn: Callable[[TaskRow], object]) -> None:
        """Call ``fn(row)`` on every status change from now on: added, started, ended."""
        self._listen(fn, True)
        self._row_listeners += (fn,)

    def add_change_listener(self, fn: ChangeListener) -> None:
        """Call ``fn(task_id, status, description, parent_id, error)`` on every status
        change from now on (``error``: the error's text, or None), with no row built:
        a trace recorder needs the transition, not the task's whole state."""
        self._listen(fn, False)
        self._change_listeners += (fn,)

    def _listen(self, fn: Callable[..., object], is_row: bool) -> None:
        self.settle()  # endings before it are not its to hear
        self._listeners += ((fn, is_row),)
        self.listening = True

    def remove_listener(self, fn: Callable[..., object]) -> bool:
        """Take back ``fn``'s oldest registration, of either kind; True if it had one."""
        registrations = self._listeners
        for index, (registered, is_row) in enumerate(registrations):
            if registered == fn:
                self._listeners = registrations[:index] + registrations[index + 1:]
                if is_row:
                    self._row_listeners = _without(self._row_listeners, fn)
                else:
                    self._change_listeners = _without(self._change_listeners, fn)
                self.listening = bool(self._listeners)
                return True
        return False

    def _tell(self, rec: TaskRecord) -> None:
        for fn in self._row_listeners:
            fn(rec.row)  # built once per change, however many listen
        if self._change_listeners:
            error = None if rec.error is None else rec.error_text
            for change in self._change_listeners:
                change(rec.task_id, rec.status, rec.description, rec.parent_id, error)

    def ordered(self, first: int, stop: int | None) -> list[TaskRow]:
        """Rows in the views' order (active newest first, then the latest to finish),
        positions ``first`` to ``stop``; costs O(stop), whatever the number of tasks."""
        self.settle()
        tracked = self._tasks
        pending = (rec for rec in reversed(self._pending)
                   if rec.status is _PENDING)
        # An active task forgotten by Clearall is still winding down: not shown.
        running = (rec for rec in self._active.newest_first() if rec.task_id in tracked)
        finished = (rec for rec in reversed(self._clear_queue)
                    if tracked.get(rec.task_id) is rec)
        records = itertools.chain(pending, running, finished)
        return [rec.row for rec in itertools.islice(records, first, stop)]

    # -- changes ----------------------------------------------------------------
    def add(self, rec: TaskRecord) -> None:
        """Track a new pending task."""
        self._tasks[rec.task_id] = rec
        self._counts[_PENDING] += 1
        owner = rec.op_owner
        if owner is not None:
            entry = self._owned.get(id(owner))
            if entry is None:
                self._owned[id(owner)] = [owner, 1]
            else:
                entry[1] += 1
        table = self._table
        if not table.marked:  # else the table is stale already: its row comes then
            table.pending()
        if self._listeners:
            self._tell(rec)
        self._version += 1

    def mark_changed(self) -> None:
        """Something a view shows changed outside the records (a blocking report)."""
        self._version += 1

    def moved(self, rec: TaskRecord, was: TaskStatus) -> None:
        """``rec`` went from ``was`` to its current status (`TaskRecord.transition`)."""
        self.settle()  # the Clear After queue stays in the order tasks ended
        status = rec.status
        if self._listeners:
            self._tell(rec)
        if status.is_finished:
            self._lifetime[status] += 1
            self._active.discard(rec)  # nothing if it ended while pending
            if rec.op_owner is not None:
                self._owner_ended(rec.op_owner)
        elif was is _PENDING and status is _RUNNING:
            self._active.append(rec)  # as `started` does for a batch
        if rec.task_id in self._tasks:
            counts = self._counts
            counts[was] -= 1
            counts[status] += 1
            if status.is_finished:
                self._clear_queue.append(rec)
            self._table.changed(rec)
        self._version += 1

    def started(self, recs: list[TaskRecord]) -> None:
        """`moved` from PENDING to RUNNING for each of ``recs``, one admission batch,
        without `moved`'s general cases."""
        if self._listeners:
            for rec in recs:
                self._tell(rec)
        self._active.append_all(recs)
        # Every pending task is tracked: forgetting one (Clearall) cancels it first.
        counts = self._counts
        counts[_PENDING] -= len(recs)
        counts[_RUNNING] += len(recs)
        self._table.changed_all(recs)
        self._version += 1

    def completions_began(self) -> None:
        """Records start going RUNNING → COMPLETED without a `moved` each: the
        lifecycle has queued the first of a batch, told by `settle` (the lifecycle
        takes `moved` while someone listens: listeners hear each change at once).
        Readers that do not ask the registry (the table, views watching `version`)
        learn now that something changed."""
        self._unsettled = True
        self._version += 1
        self._table.pending()

    def settle(self) -> None:
        """Tell everything what the queued common endings did: RUNNING → COMPLETED."""
        if not self._unsettled:
            return
        # Cleared first: a listener reading the registry meanwhile settles nothing twice.
        self._unsettled = False
        recs = self._take_completions()
        if not recs:
            return
        if self._listeners:
            for rec in recs:
                self._tell(rec)
        self._lifetime[_COMPLETED] += len(recs)
        self._active.discard_all(recs)
        if self._owned:  # else no ending task has an owner: nothing to look at per task
            for rec in recs:
                if rec.op_owner is not None:
                    self._owner_ended(rec.op_owner)
        tasks = self._tasks
        queue = self._clear_queue
        tracked = 0
        for rec in recs:
            if rec.task_id in tasks:  # not forgotten by Clearall meanwhile
                tracked += 1
                queue.append(rec)
        counts = self._counts
        counts[_RUNNING] -= tracked
        counts[_COMPLETED] += tracked
        self._table.changed_all(recs)
        self._version += 1

    def _owner_ended(self, owner: Any) -> None:
        entry = self._owned[id(owner)]
        entry[1] -= 1
        if not entry[1]:
            del self._owned[id(owner)]  # a destroyed operator is not kept alive here

    def changed(self, rec: TaskRecord) -> None:
        """Something other than the status of ``rec`` changed (its progress)."""
        if rec.task_id in self._tasks:
            self._table.changed(rec)
        self._version += 1

    def _forget(self, rec: TaskRecord) -> None:
        """Stop tracking ``rec`` (its row goes); an active one keeps winding down. The
        callers settle first, once for all the tasks they forget."""
        # `started` counts on it: a pending task is cancelled (Clearall) before this.
        assert rec.status is not _PENDING, f"task {rec.task_id} is forgotten while pending"
        tasks = self._tasks
        del tasks[rec.task_id]
        if not tasks:
            # A dict never shrinks as keys go; emptied, clear() hands its table
            # (megabytes after a burst) back, so an idle host does not keep it.
            tasks.clear()
        self._counts[rec.status] -= 1
        self._table.removed(rec.task_id)
        self._version += 1

    def forget_finished(self) -> int:
        """Forget every finished task; how many."""
        self.settle()
        finished = [rec for rec in self._tasks.values() if rec.status.is_finished]
        for rec in finished:
            self._forget(rec)
        self._clear_queue.clear()  # every entry was a finished task, now forgotten
        return len(finished)

    def forget_all(self) -> int:
        """Forget every task, active ones included; how many."""
        self.settle()
        records = list(self._tasks.values())
        for rec in records:
            self._forget(rec)
        self._clear_queue.clear()
        return len(records)

    def end_of_frame(self, now: float, clear_after: float | None,
                     strict: bool = False) -> None:
        """Forget the tasks whose Clear After age is reached (``clear_after`` None:
        not checked this frame), then tell the table the frame ended; costs nothing
        per task when nothing aged."""
        if self._unsettled:
            self.settle()
        if self._clear_queue and clear_after is not None:
            self.clear_aged(now, clear_after, strict)
        self._table.flush()

    def clear_aged(self, now: float, clear_after: float, strict: bool = False) -> None:
        """Forget the finished tasks that ended at least ``clear_after`` seconds ago
        (``strict``: more than ``clear_after`` seconds ago, as LOPs compares)."""
        self.settle()
        queue = self._clear_queue
        limit = now - clear_after + _EPSILON
        while queue and queue[0].completed_at is not None:
            completed = queue[0].completed_at
            if (now - completed <= clear_after) if strict else (completed > limit):
                break
            rec = queue.popleft()
            if self._tasks.get(rec.task_id) is rec:
                self._forget(rec)

    def memory_held(self) -> tuple[dict[int, TaskRecord], ActiveList]:
        """The id map and the active list themselves, for tests that check an idle
        host gave their memory back."""
        self.settle()
        return self._tasks, self._active


def _without(listeners: tuple[_L, ...], fn: object) -> tuple[_L, ...]:
    """``listeners`` without the first that is ``fn`` (compared as ``remove`` does)."""
    if fn not in listeners:
        return listeners
    index = listeners.index(fn)  # type: ignore[arg-type]
    return listeners[:index] + listeners[index + 1:]
