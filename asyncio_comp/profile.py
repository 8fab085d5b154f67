"""Profiles: how TDAsyncIO behaves where framehost and the LOPs original differ.

framehost's own behaviour, `Profile`, keeps guarantees the LOPs manager does not make
(a callback for every ending, every id from ``Run([a, b])``, exact Clear After, clean
validation). `LopsProfile` (``lops_profile.py``) behaves as LOPs's manager does, so a
test written here fails here when it would fail in TouchDesigner. The manager, the
lifecycle, the registry's Clear After and the task table ask the profile at each
point where the two differ, and nothing else knows which one runs; docs/api.md's
"Profiles" table has one row per difference.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from asyncio_comp.outcome import take_outcome
from asyncio_comp.status import TaskStatus
from asyncio_comp.table_sync import FRAMEHOST_CELLS, RowCells
from asyncio_comp.validation import coroutine_name

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRecord

__all__ = ["PROFILES", "Profile"]

#: The profiles by name, as ``Host(profile=...)`` and ``--profile`` take them.
PROFILES = ("framehost", "lops")


class Profile:
    """framehost's behaviour at each point where LOPs's differs (the default)."""

    name: ClassVar[str] = "framehost"
    #: The first task id; ids only grow.
    first_id: ClassVar[int] = 1
    #: Whether `CancelTask` and a timeout end the task at once, while its coroutine
    #: still unwinds (LOPs), or when the coroutine has unwound.
    ends_at_once: ClassVar[bool] = False
    #: Whether ``Run([])`` is accepted (and returns None), and a negative timeout
    #: (which times the task out at once) with it; else both raise ValueError.
    lenient_run: ClassVar[bool] = False
    #: Whether some endings get no completion callback (see `calls_back`).
    filters_callbacks: ClassVar[bool] = False
    #: Clear After forgets a task whose age is ``> Clearafter`` (LOPs), or ``>=``.
    strict_clear_after: ClassVar[bool] = False
    #: Clear After is checked at the end of each frame whose number this divides
    #: (a number, not a method: the manager asks every frame).
    clear_every: ClassVar[int] = 1
    #: The task table's columns and cells.
    cells: RowCells = FRAMEHOST_CELLS
    def describe(self, coro: Coroutine[Any, Any, Any]) -> str:
        """The description of a task given none, for any coroutine."""
        return coroutine_name(coro)

    def status_enum(self) -> type[Enum]:
        """What `GetTaskStatus()` returns."""
        return TaskStatus

    def run_result(self, ids: list[int]) -> int | list[int] | None:
        """What `Run` returns for the ids it made, in submission order."""
        return ids[0] if len(ids) == 1 else ids

    def pulse_result(self, count: int) -> int | None:
        """What `Cancelactive`, `Clearfinished` and `Clearall` return."""
        return count

    def info_dict(self, rec: TaskRecord) -> dict[str, Any]:
        """`GetTaskInfo`'s dict for one task."""
        return rec.info_dict()

    def calls_back(self, rec: TaskRecord) -> bool:
        """Whether the ending of ``rec`` fires its completion callback (asked only
        when `filters_callbacks`)."""
        return True

    #: What the completion callback of the ended ``rec`` is called with; taken once
    #: (the record lets go of what the argument carries). framehost's is the
    #: function itself: one call a callback.
    callback_argument: Callable[[TaskRecord], object] = staticmethod(take_outcome)
