"""The records of a tracked task: the live one, and the frozen ones handed out.

`TaskRecord` is internal and mutable, and owns its own life: every status change,
the two paths every task takes included (admission, PENDING → RUNNING, and the
common ending, RUNNING → COMPLETED), goes through `transition()`, which raises on an
illegal move; and the coroutine, asyncio task and completion callback it holds are
let go of in one place, `release()`. Views get `TaskRow` snapshots and completion
callbacks get a `TaskOutcome`; both are frozen, so nothing outside the component can
bend a task's state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from asyncio_comp.outcome import TaskOutcome
from asyncio_comp.status import ALLOWED_TRANSITIONS, InvalidTransition, StopState, TaskStatus
from asyncio_comp.tracked_coroutine import EndHandler, TrackedCoroutine
from td.errors import describe_error

__all__ = ["TaskOutcome", "TaskRecord", "TaskRow", "order_rows"]

# Enum members as module globals for the per-task paths: reading ``TaskStatus.PENDING``
# goes through the enum class's attribute lookup, several times a task.
_PENDING = TaskStatus.PENDING
_RUNNING = TaskStatus.RUNNING
_NOT_ASKED = StopState.NOT_ASKED
# The legal moves as tuples in the statuses' order, the common target first
# (RUNNING from PENDING, COMPLETED from RUNNING): a tuple finds a member by identity
# at its first item, where a frozenset hashes the member and probes its table.
_MOVES = {status: tuple(to for to in TaskStatus if to in moves)
          for status, moves in ALLOWED_TRANSITIONS.items()}


@dataclass(frozen=True, slots=True)
class TaskRow:
    """An immutable view of one task, for the window and terminal views."""

    task_id: int
    status: TaskStatus
    description: str
    created_at: float
    completed_at: float | None
    error: str | None
    info: str
    progress: float | None
    timeout: float | None
    #: The task whose code submitted this one (its id), or None.
    parent_id: int | None = None

    def duration(self, now: float) -> float:
        end = self.completed_at if self.completed_at is not None else now
        return max(0.0, end - self.created_at)


def order_rows(rows: Iterable[TaskRow]) -> list[TaskRow]:
    """Rows in the views' order, the one `AsyncIOManager.ordered_rows` keeps as
    tasks change: active tasks newest first, then finished ones, the latest to
    finish first (ties: newest first)."""
    rows = list(rows)
    active = sorted((r for r in rows if r.status.is_active), key=lambda r: -r.task_id)
    finished = sorted((r for r in rows if not r.status.is_active),
                      key=lambda r: (-(r.completed_at or 0.0), -r.task_id))
    return active + finished


class TaskRecord(TrackedCoroutine):
    """The component's live record of one task (internal).

    It is also the coroutine its asyncio task runs (a `TrackedCoroutine` around the
    submitted one), so a running task costs one object here, not a record, a shell
    and the callables binding them.
    """

    __slots__ = (
        "_row",
        "callback",
        "cancel_reason",
        "completed_at",
        "coro",
        "created_at",
        "description",
        "error",
        "holds_time",
        "info",
        "newer_active",
        "older_active",
        "op_owner",
        "owner",
        "parent_id",
        "progress",
        "result",
        "status",
        "stop",
        "task",
        "task_id",
        "timeout",
    )

    def __init__(self, task_id: int, coro: Coroutine[Any, Any, Any], description: str,
                 info: Any, timeout: float | None, callback: Callable[[TaskOutcome], object] | None,
                 created_at: float, owner: EndHandler | None = None) -> None:
        self.task_id = task_id
        # Told how the coroutine ended, and holds the watch that times its steps (one
        # slot for both: the watch is the owner's). A record built without one (in
        # tests) cannot run. Not a per-component subclass holding them as class
        # attributes: asyncio caches every coroutine type it meets, for good, so such
        # a class would keep its component, and every record, alive after close.
        self.owner = owner if owner is not None else _NO_OWNER
        # The coroutine this record runs. Dropped (`release`) once it is over and
        # nothing needs it: the completion callback's outcome carries it (LOPs's
        # AsyncIOTask has it), so it is kept until the callback has it.
        self.coro: Coroutine[Any, Any, Any] | None = coro
        self.description = description
        self.info = info
        self.timeout = timeout
        self.callback = callback  # dropped once its outcome is handed out
        self.created_at = created_at
        self.completed_at: float | None = None
        self.status = _PENDING
        self.result: Any = None
        self.error: BaseException | None = None
        self.progress: float | None = None
        # The id of the tracked task whose code submitted this one (Run sets it).
        self.parent_id: int | None = None
        # The operator whose code submitted it (Run sets it; see ownership.py): its
        # destroy cancels the task. Not ``owner``, which is who hears the ending.
        self.op_owner: Any = None
        # The asyncio task running the record; after the ending, kept only until
        # the completion callback has it (`release`).
        self.task: asyncio.Task[Any] | None = None
        # Set when the component asked the task to stop: CANCELLED or TIMEOUT.
        self.cancel_reason: TaskStatus | None = None
        self.stop = _NOT_ASKED
        self._row: TaskRow | None = None
        # Whether its task waits on what only the outside can end: counted by the
        # loop's `WaitWatch` (here, not in a set of its own: no bytes per task).
        self.holds_time = False
        # Links in the registry's `ActiveList` while the task is active.
        self.older_active: TaskRecord | None = None
        self.newer_active: TaskRecord | None = None

    def transition(self, new: TaskStatus, now: float = 0.0,
                   coroutine_over: bool = False) -> None:
        """The one place a status changes; an illegal move raises `InvalidTransition`
        and changes nothing (asyncio's ``InvalidStateError`` for a future).

        An ending (any status but RUNNING) is stamped ``now`` (host time) and lets
        go of what no callback will need (`release`); ``coroutine_over`` says the
        coroutine returned, raised or was closed. It is one call with no call inside
        on the two paths every task takes: admission, and an ending whose
        completion callback is still to fire.
        """
        if new not in _MOVES[self.status]:
            raise InvalidTransition(
                f"task {self.task_id} cannot go from {self.status.value} to {new.value}"
            )
        self.status = new
        self._row = None
        if new is not _RUNNING:  # RUNNING is the one target that is not an ending
            self.completed_at = now
            if self.callback is None:
                self.release(coroutine_over)

    def release(self, coroutine_over: bool, handed_out: bool = False) -> None:
        """Let go of the coroutine, the asyncio task and the completion callback as
        far as nothing needs them: the one place the record drops them.

        While its completion callback is due, an ended task's record keeps all
        three, for the outcome to carry (``handed_out``: the outcome has them now).
        With no callback left the asyncio task goes, and the coroutine too once it
        is over (``coroutine_over``): a task marked ended while its coroutine still
        runs (detached after its cancel grace, or ended by close) may yet be
        resumed or closed through the record, which is what its asyncio task runs.
        """
        if handed_out:
            self.callback = None
        elif self.callback is not None:
            return
        self.task = None
        if coroutine_over:
            self.coro = None

    def drop_callback(self) -> None:
        """Forget the completion callback unfired (it is bound to an operator that
        was destroyed), letting go of what only its outcome would have carried."""
        if self.callback is None:
            return
        self.callback = None
        if self.completed_at is not None:
            task = self.task
            self.release(task is None or task.done())

    @property
    def exception(self) -> BaseException | None:
        """What the coroutine raised: the error of a failed task, None otherwise (a
        timed-out task's error is the `TimeoutError` the component made)."""
        return self.error if self.status is TaskStatus.FAILED else None

    @property
    def error_text(self) -> str | None:
        """The error as the table and the views show it: ``Type: message``."""
        return None if self.error is None else describe_error(self.error)

    def touch(self) -> None:
        """Forget the cached row after a change other than status (e.g. progress)."""
        self._row = None

    @property
    def row(self) -> TaskRow:
        row = self._row
        if row is None:  # reset by every change (`transition`, `touch`)
            row = self._row = TaskRow(
                self.task_id, self.status, self.description, self.created_at,
                self.completed_at, self.error_text, format_info(self.info), self.progress,
                self.timeout, self.parent_id,
            )
        return row

    def __repr__(self) -> str:
        return f"<TaskRecord task {self.task_id} {self.status.value} {self.coro!r}>"

    def info_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "description": self.description,
            "status": self.status,
            "created_at": self.created_at,
            "completed_at": self.completed_at,
            "timeout": self.timeout,
            "error": self.error,
            "has_result": self.result is not None,
            "info": self.info,
            "parent_id": self.parent_id,
            "owner": None if self.op_owner is None else self.op_owner.path,
        }


class _NoOwner:
    """The owner of a record built on its own (tests): running it is an error."""

    @property
    def sink(self) -> Any:
        raise RuntimeError("a record built without an owner has no sink")

    def coroutine_ended(self, rec: Any, result: Any, exc: BaseException | None) -> None:
        raise RuntimeError(f"task {rec.task_id} ran without an owner to report to")


def format_info(info: Any) -> str:
    """The table's text for a task's ``info``; an object whose ``repr`` fails is
    named by its type rather than breaking whoever reads the table."""
    if info is None:
        return ""
    if isinstance(info, str):
        return info
    try:
        return repr(info)
    except Exception as exc:
        return f"<{type(info).__name__}: repr() failed: {describe_error(exc)}>"


_NO_OWNER: Any = _NoOwner()
