"""LopsProfile: TDAsyncIO as the LOPs manager (lops-td/sys-tdasyncio) behaves.

Learnt from its ``AsyncIOManager.py`` and run side by side with it (TD stubbed, time
virtual); every point here is a row of docs/api.md's "Profiles" table:

- ids start at 0; ``Run([a, b, c])`` returns the last id, ``Run([])`` returns None, a
  negative timeout times the task out at once;
- a task given no description is named by its code object (``co_name``: ``fetch``,
  not ``Fetcher.fetch``);
- `GetTaskInfo` shows the status as a plain str, times as epoch seconds, and a
  timed-out task's error as the string ``"Task timed out after 0.1 seconds"``;
- `GetTaskStatus()` is a plain `Enum` (``status == 'completed'`` is always False);
- `CancelTask` and a timeout end the task at once (it leaves the active count while
  its coroutine unwinds), and only completed and failed tasks (and one whose own
  code raised CancelledError) fire their completion callback, with a mutable
  `LopsTask` (LOPs's ``AsyncIOTask``);
- Clear After is checked every 100 frames, with a strict ``>``;
- the task table has LOPs's eight columns: durations as ``str(round(d, 3))``, times
  as ``HH:MM:SS``, errors as ``str(error)``, info as ``str(info)``;
- the pulses' methods return None.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from asyncio_comp.outcome import take_outcome
from asyncio_comp.profile import Profile
from asyncio_comp.status import TaskStatus
from asyncio_comp.table_sync import COLUMNS, one_line

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRecord

__all__ = ["LopsProfile", "LopsTask", "LopsTaskStatus", "LopsTasks"]


class LopsTaskStatus(Enum):
    """LOPs's own ``TaskStatus``: a plain `Enum`, so a member never equals its string."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMEOUT = "timeout"


# Named as LOPs names it, so reprs read as they do in TouchDesigner.
LopsTaskStatus.__name__ = LopsTaskStatus.__qualname__ = "TaskStatus"

_AS_LOPS = {status: LopsTaskStatus(status.value) for status in TaskStatus}
_CALLED_BACK = frozenset({TaskStatus.COMPLETED, TaskStatus.FAILED})
#: LOPs's task table: the contract's columns, without framehost's ``progress``.
LOPS_COLUMNS = COLUMNS[:COLUMNS.index("info") + 1]
#: Frames between two Clear After checks (LOPs's ``self.frame % 100 == 0``).
CLEAR_EVERY_FRAMES = 100
_LIVE: Any = object()


class LopsProfile(Profile):
    """The LOPs manager's behaviour; see the module docstring."""

    name: ClassVar[str] = "lops"
    first_id: ClassVar[int] = 0
    ends_at_once: ClassVar[bool] = True
    lenient_run: ClassVar[bool] = True
    filters_callbacks: ClassVar[bool] = True
    strict_clear_after: ClassVar[bool] = True
    clear_every: ClassVar[int] = CLEAR_EVERY_FRAMES

    def __init__(self, epoch: float) -> None:
        """``epoch``: the epoch seconds at host time 0, so that host time ``t`` shows
        as ``epoch + t`` (LOPs reads ``time.time()``); fixed, so virtual time stays exact."""
        self.epoch = epoch
        self.cells = _LopsCells(self)

    def describe(self, coro: Coroutine[Any, Any, Any]) -> str:
        code = getattr(coro, "cr_code", None)
        name = getattr(code, "co_name", None) or getattr(coro, "__qualname__", None)
        return name if isinstance(name, str) and name else "Coroutine Task"

    def status_enum(self) -> type[Enum]:
        return LopsTaskStatus

    def run_result(self, ids: list[int]) -> int | list[int] | None:
        return ids[-1] if ids else None

    def pulse_result(self, count: int) -> int | None:
        return None

    def epoch_of(self, seconds: float | None) -> float | None:
        """Host seconds as the epoch seconds LOPs shows; None stays None."""
        return None if seconds is None else self.epoch + seconds

    def error_of(self, rec: TaskRecord) -> Any:
        """The error as LOPs keeps it: a timed-out task's is a string."""
        if rec.status is TaskStatus.TIMEOUT:
            return f"Task timed out after {rec.timeout} seconds"
        return rec.error

    def info_dict(self, rec: TaskRecord) -> dict[str, Any]:
        info = rec.info_dict()
        info["status"] = rec.status.value
        info["created_at"] = self.epoch_of(rec.created_at)
        info["completed_at"] = self.epoch_of(rec.completed_at)
        info["error"] = self.error_of(rec)
        return info

    def calls_back(self, rec: TaskRecord) -> bool:
        # A cancellation LOPs did not ask for (the coroutine raised CancelledError
        # itself) is found by LOPs's Update like any ending, and called back.
        return rec.status in _CALLED_BACK or (
            rec.status is TaskStatus.CANCELLED and rec.cancel_reason is None)

    def callback_argument(self, rec: TaskRecord) -> object:  # type: ignore[override]
        outcome = take_outcome(rec)
        return LopsTask(rec, self, outcome.coroutine, outcome.task, outcome.completion_callback)


class _LopsCells:
    """LOPs's task table cells (its ``_update_task_table``)."""

    columns = LOPS_COLUMNS

    def __init__(self, profile: LopsProfile) -> None:
        self._profile = profile

    def row(self, rec: TaskRecord, now: float, seconds: Callable[[float], str]) -> list[object]:
        profile = self._profile
        completed = rec.completed_at
        if completed is not None:
            duration = str(round(completed - rec.created_at, 3))
        elif rec.status is not TaskStatus.CANCELLED:
            duration = self.running_duration(now - rec.created_at)
        else:
            duration = ""
        error = profile.error_of(rec)
        # Tabs and line breaks as spaces, as in every framehost table: they would
        # split the rows of ``dat.text``.
        return [
            rec.task_id, rec.status.value, one_line(rec.description or ""), duration,
            _clock_text(profile.epoch + rec.created_at),
            "" if completed is None else _clock_text(profile.epoch + completed),
            one_line(str(error)) if error else "", one_line(_info_text(rec.info)),
        ]

    def running_duration(self, seconds: float) -> str:
        return str(round(seconds, 3))


def _clock_text(epoch: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch))


def _info_text(info: Any) -> str:
    if info is None:
        return ""
    try:
        return str(info)
    except Exception:
        return "Error in info"


class LopsTask:
    """LOPs's ``AsyncIOTask`` as TD code sees it: the task's fields, LOPs-typed (a
    `LopsTaskStatus`, epoch times, LOPs's error), read from the live record.

    Mutable as in LOPs: ``task.result = x`` is what ``GetTaskResult`` returns from
    then on, and a callback may hang its own attributes on it. The fields TDAsyncIO
    owns (``status``, ``task_id``, the times) cannot be assigned.
    """

    _rec: TaskRecord
    _profile: LopsProfile
    _held: tuple[Any, Any, Any]  # coroutine, asyncio task, callback, or _LIVE: the record's

    def __init__(self, rec: TaskRecord, profile: LopsProfile,
                 coroutine: Any = _LIVE, task: Any = _LIVE, callback: Any = _LIVE) -> None:
        # Set through object.__setattr__: this class's own __setattr__ writes through.
        object.__setattr__(self, "_rec", rec)
        object.__setattr__(self, "_profile", profile)
        object.__setattr__(self, "_held", (coroutine, task, callback))

    @property
    def task_id(self) -> int:
        return self._rec.task_id

    @property
    def description(self) -> str:
        return self._rec.description

    @property
    def info(self) -> Any:
        return self._rec.info

    @property
    def timeout(self) -> float | None:
        return self._rec.timeout

    @property
    def status(self) -> LopsTaskStatus:
        return _AS_LOPS[self._rec.status]

    @property
    def created_at(self) -> float:
        epoch = self._profile.epoch_of(self._rec.created_at)
        assert epoch is not None
        return epoch

    @property
    def completed_at(self) -> float | None:
        return self._profile.epoch_of(self._rec.completed_at)

    @property
    def error(self) -> Any:
        return self._profile.error_of(self._rec)

    @property
    def result(self) -> Any:
        return self._rec.result

    @property
    def coroutine(self) -> Coroutine[Any, Any, Any] | None:
        held = self._held[0]
        return self._rec.coro if held is _LIVE else held

    @property
    def task(self) -> asyncio.Task[Any] | None:
        held = self._held[1]
        return self._rec.task if held is _LIVE else held

    @property
    def completion_callback(self) -> Callable[..., object] | None:
        held = self._held[2]
        return self._rec.callback if held is _LIVE else held

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "result":
            self._rec.result = value
        elif isinstance(getattr(type(self), name, None), property):
            raise AttributeError(f"task {self._rec.task_id}'s {name} is TDAsyncIO's to set; "
                                 f"a task's own attributes (task.result, or new ones) can be")
        else:
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<AsyncIOTask {self.task_id} {self.status.value} {self.description!r}>"


class LopsTasks(Mapping[int, LopsTask]):
    """``manager.tasks`` as LOPs has it: the tracked tasks by id, oldest first, each a
    `LopsTask` read live. A view: it changes as tasks come and go."""

    def __init__(self, by_id: Callable[[], Mapping[int, TaskRecord]],
                 profile: LopsProfile) -> None:
        self._by_id = by_id
        self._profile = profile

    def __getitem__(self, task_id: int) -> LopsTask:
        return LopsTask(self._by_id()[task_id], self._profile)

    def __iter__(self) -> Iterator[int]:
        return iter(list(self._by_id()))

    def __len__(self) -> int:
        return len(self._by_id())

    def __repr__(self) -> str:
        return f"{{{', '.join(f'{k}: {v!r}' for k, v in self.items())}}}"
