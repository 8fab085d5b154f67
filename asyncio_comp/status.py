"""TaskStatus: the life of a tracked task, and the only legal moves between states."""

from __future__ import annotations

from enum import Enum, StrEnum

__all__ = ["InvalidTransition", "StopState", "TaskStatus"]


class InvalidTransition(RuntimeError):
    """A task was asked to move between states in a way its life does not allow."""


class TaskStatus(StrEnum):
    """Where a tracked task is in its life. A task ends in exactly one of the last four."""

    PENDING = "pending"
    """Submitted and waiting for admission to the loop; its coroutine has not started."""

    RUNNING = "running"
    """Admitted to the event loop: started, or about to start this frame."""

    COMPLETED = "completed"
    """Returned normally; its result is kept."""

    FAILED = "failed"
    """Raised an exception; the error text and the exception are kept."""

    CANCELLED = "cancelled"
    """Cancelled by the user (`CancelTask`, `Cancelactive`, `Clearall`) or by shutdown."""

    TIMEOUT = "timeout"
    """Ran past its ``timeout`` and was cancelled by the component."""

    @property
    def is_finished(self) -> bool:
        return self in _FINISHED

    @property
    def is_active(self) -> bool:
        return self is TaskStatus.PENDING or self is TaskStatus.RUNNING


_FINISHED = frozenset(
    {TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.TIMEOUT}
)

#: The legal moves; everything else raises `InvalidTransition`.
ALLOWED_TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.PENDING: frozenset({TaskStatus.RUNNING, TaskStatus.CANCELLED, TaskStatus.TIMEOUT}),
    TaskStatus.RUNNING: _FINISHED,
    TaskStatus.COMPLETED: frozenset(),
    TaskStatus.FAILED: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
    TaskStatus.TIMEOUT: frozenset(),
}


class StopState(Enum):
    """How far TDAsyncIO got in stopping one task (asyncio's ``timeouts._State``).

    Orthogonal to `TaskStatus`: a RUNNING task may be ASKED to stop and still run
    while its coroutine unwinds. `TaskLifecycle` is the one place that moves it.
    """

    NOT_ASKED = "not asked"
    """Nobody asked it to stop: it ends when its coroutine does."""
    ASKED = "asked"
    """Cancelled or timed out; its coroutine has the cancel grace to unwind."""
    DETACHED = "detached"
    """It outlived the grace: marked ended and left on the loop until close."""
