"""TaskOutcome: what a completion callback receives, and how one is taken from a record.

An outcome is built for every task that ends, and real code keeps them, so what an
outcome costs the garbage collector is paid by every collection for as long as the
user keeps it. It is therefore not a named tuple: the collector scans every tuple
it meets, item by item, to see whether it could stop tracking it (``untrack_tuples``),
and walks all of them again on each pass, so kept 14-field tuples cost every
collection a scan each. An outcome is four references instead:
the ended task's record, whose fields no longer change once it has ended, and the
three things the record lets go of once the callback has them (the coroutine, the
callback, the asyncio task).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, Protocol

from asyncio_comp.status import TaskStatus

__all__ = ["OUTCOME_FIELDS", "TaskOutcome", "take_outcome"]

#: The fields of an outcome, in order (``outcome.keys()``).
OUTCOME_FIELDS = ("task_id", "status", "description", "info", "result", "error", "exception",
                  "created_at", "completed_at", "duration", "coroutine", "timeout",
                  "completion_callback", "task")
_FIELD_SET = frozenset(OUTCOME_FIELDS)


class EndedRecord(Protocol):
    """What an outcome reads from the record of a task that has ended."""

    task_id: int
    status: TaskStatus
    description: str
    info: Any
    result: Any
    error: BaseException | None
    created_at: float
    completed_at: float | None
    timeout: float | None
    coro: Coroutine[Any, Any, Any] | None
    callback: Callable[..., object] | None
    task: asyncio.Task[Any] | None

    @property
    def exception(self) -> BaseException | None:
        """What the coroutine raised (the error of a failed task), None otherwise."""

    def release(self, coroutine_over: bool, handed_out: bool = False) -> None:
        """Let go of the coroutine, asyncio task and callback nothing needs now."""


class TaskOutcome:
    """How and when one task ended; read-only (its fields are properties).

    Fields: ``task_id, status, description, info, result, error, exception,
    created_at, completed_at, duration``, then LOPs's ``AsyncIOTask`` fields
    ``coroutine`` (given to ``Run``), ``timeout`` (None: none), ``completion_callback``
    and ``task`` (the asyncio task that ran it; None if it never started). As in LOPs,
    ``error`` is the exception object (``str(error)`` is its message; the table and
    the views show ``Type: message``): what the coroutine raised, a `TimeoutError` for
    a timeout, None otherwise; ``exception`` is what the coroutine raised only.

    Code ported from LOPs that used a dict reads ``outcome['status']``,
    ``outcome.get('result')``, ``dict(outcome)``; tuple-style code reads
    ``outcome[0]``, ``len(outcome)``, iterates the values, or unpacks them.
    """

    __slots__ = ("_callback", "_coroutine", "_record", "_task")

    _record: EndedRecord
    _coroutine: Coroutine[Any, Any, Any] | None
    _callback: Callable[..., object] | None
    _task: asyncio.Task[Any] | None

    #: The field names in order, as a named tuple has them.
    _fields = OUTCOME_FIELDS

    def __init__(self) -> None:
        raise TypeError("task outcomes are made by TDAsyncIO for completion callbacks")

    @property
    def task_id(self) -> int:
        return self._record.task_id

    @property
    def status(self) -> TaskStatus:
        return self._record.status

    @property
    def description(self) -> str:
        return self._record.description

    @property
    def info(self) -> Any:
        return self._record.info

    @property
    def result(self) -> Any:
        return self._record.result

    @property
    def error(self) -> BaseException | None:
        return self._record.error

    @property
    def exception(self) -> BaseException | None:
        return self._record.exception

    @property
    def created_at(self) -> float:
        return self._record.created_at

    @property
    def completed_at(self) -> float:
        completed = self._record.completed_at
        assert completed is not None
        return completed

    @property
    def duration(self) -> float:
        return self.completed_at - self._record.created_at

    @property
    def coroutine(self) -> Coroutine[Any, Any, Any] | None:
        return self._coroutine

    @property
    def timeout(self) -> float | None:
        return self._record.timeout

    @property
    def completion_callback(self) -> Callable[..., object] | None:
        return self._callback

    @property
    def task(self) -> asyncio.Task[Any] | None:
        return self._task

    # -- as a mapping (LOPs code that used a dict) and as a tuple -----------------
    def __getitem__(self, key: Any) -> Any:
        if type(key) is str:
            if key in _FIELD_SET:
                return getattr(self, key)
            raise KeyError(f"a task outcome has no {key!r}; it has: {', '.join(OUTCOME_FIELDS)}")
        return self._values()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in _FIELD_SET else default

    def keys(self) -> Iterator[str]:
        return iter(OUTCOME_FIELDS)

    def _asdict(self) -> dict[str, Any]:
        return dict(zip(OUTCOME_FIELDS, self._values(), strict=True))

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in OUTCOME_FIELDS)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(OUTCOME_FIELDS)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TaskOutcome):
            return self._values() == other._values()
        if isinstance(other, tuple):
            return self._values() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in OUTCOME_FIELDS)
        return f"TaskOutcome({fields})"

    def __reduce__(self) -> Any:
        raise TypeError("a task outcome cannot be pickled (it holds the task's coroutine and "
                        "asyncio task); pickle the fields you need, e.g. "
                        "{k: outcome[k] for k in ('task_id', 'status', 'result')}")


_new_outcome = object.__new__


def take_outcome(record: EndedRecord) -> TaskOutcome:
    """The outcome of an ended task's record, once: the record then lets go of what
    the outcome carries (the callback, the asyncio task, and the coroutine if it is
    over: a detached one, or one ended by close(), still runs)."""
    assert record.completed_at is not None, "an outcome is taken once the task has ended"
    outcome: TaskOutcome = _new_outcome(TaskOutcome)  # not __init__: users may not make one
    task = record.task
    outcome._record = record
    outcome._coroutine = record.coro
    outcome._callback = record.callback
    outcome._task = task
    # A task that never started had its coroutine closed; a done one's is over.
    record.release(task is None or task.done(), True)  # coroutine_over, handed_out
    return outcome
