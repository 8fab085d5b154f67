"""report_progress(): how a running coroutine tells the table how far it got."""

from __future__ import annotations

import math
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asyncio_comp.manager import AsyncIOManager
    from asyncio_comp.records import TaskRecord

__all__ = ["current_task_id", "report_progress"]

# Each tracked task runs in its own context holding (manager, record).
_current: ContextVar[tuple[AsyncIOManager, TaskRecord] | None] = ContextVar(
    "framehost_current_task", default=None
)


def report_progress(fraction: float) -> None:
    """Set the calling task's progress (0..1), shown in the table's progress column.

    Raises:
        RuntimeError: when not called from inside a task started by TDAsyncIO.
    """
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not (
        math.isfinite(fraction) and 0.0 <= fraction <= 1.0
    ):
        raise ValueError(f"report_progress() expected a fraction from 0 to 1, got {fraction!r}")
    current = _current.get()
    if current is None:
        raise RuntimeError("report_progress() must be called from a task started with Run()")
    manager, rec = current
    manager._set_progress(rec, float(fraction))


def current_task_id() -> int | None:
    """The TDAsyncIO task id of the calling coroutine, or None outside one."""
    current = _current.get()
    return None if current is None else current[1].task_id
