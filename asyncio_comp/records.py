"""The records of a tracked task: the live one, and the frozen ones handed out.

`TaskRecord` is internal and mutable; its status changes in `transition()`, and on
the two paths every task takes, by plain stores where the move is always legal:
admission (PENDING → RUNNING, `TaskLifecycle.admit`) and the common ending
(RUNNING → COMPLETED, `TaskLifecycle.coroutine_ended`). The cached row is checked
against the status, so those stores need not reset it. Views get `TaskRow` snapshots
and completion callbacks get a `TaskOutcome`; both are frozen, so nothing outside
the component can bend a task's state.
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
# goes through the enum class's attribute lookup (~0.1 µs), several times a task.
_PENDING = TaskStatus.PENDING
_NOT_ASKED = StopState.NOT_ASKED


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
    submitted one), so a running task costs one object here, not four (issue 16).
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
        "info",
        "newer_active",
        "older_active",
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
        # The coroutine this record runs. Dropped once it is over and nothing needs
        # it: the completion callback's outcome carries it (LOPs's AsyncIOTask has
        # it), so it is kept until the callback has fired.
        self.coro: Coroutine[Any, Any, Any] | None = coro
        self.description = description
        self.info = info
        self.timeout = timeout
        self.callback = callback  # cleared once it has been called
        self.created_at = created_at
        self.completed_at: float | None = None
        self.status = _PENDING
        self.result: Any = None
        self.error: BaseException | None = None
        self.progress: float | None = None
        # The id of the tracked task whose code submitted this one (Run sets it).
        self.parent_id: int | None = None
        # The asyncio task running the record; after the ending, kept only until
        # the completion callback has it.
        self.task: asyncio.Task[Any] | None = None
        # Set when the component asked the task to stop: CANCELLED or TIMEOUT.
        self.cancel_reason: TaskStatus | None = None
        self.stop = _NOT_ASKED
        self._row: TaskRow | None = None
        # Links in the registry's `ActiveList` while the task is active.
        self.older_active: TaskRecord | None = None
        self.newer_active: TaskRecord | None = None

    def transition(self, new: TaskStatus, now: float) -> None:
        """The one place a status changes; an illegal move raises `InvalidTransition`."""
        if new not in ALLOWED_TRANSITIONS[self.status]:
            raise InvalidTransition(
                f"task {self.task_id} cannot go from {self.status.value} to {new.value}"
            )
        self.status = new
        self._row = None
        if new.is_finished:
            self.completed_at = now
            # ``coro`` stays: the record is what the asyncio task runs, and a task
            # marked ended without its coroutine ending (detached after its cancel
            # grace, or at close) may still be resumed or closed through it. Whoever
            # knows the coroutine is over drops it (`coroutine_ended`,
            # `TaskLifecycle.fire_callbacks`). The asyncio task is dropped too, unless
            # the completion callback's outcome is to carry it.
            if self.callback is None:
                self.task = None

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
        # Also rebuilt when the status moved without a reset (see the module docstring).
        if row is None or row.status is not self.status:
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
