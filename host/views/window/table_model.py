"""What the task table shows, with no pixels: column set, row order and cell text.

Kept free of pyglet so it can be read and tested alone. The renderer asks
`TableModel.refresh()` once a frame and reads the visible window of rows only when
the manager's ``version`` moved, so an idle table costs one integer comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from asyncio_comp.records import TaskRow, order_rows
from asyncio_comp.status import TaskStatus

if TYPE_CHECKING:
    from asyncio_comp.manager import AsyncIOManager

__all__ = [
    "COLUMNS",
    "Column",
    "RowText",
    "TableModel",
    "format_time",
    "order_rows",
    "row_text",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One table column: its key, heading, minimum width in characters, and its share
    of the width left over (0 = fixed)."""

    key: str
    title: str
    chars: int
    flex: int = 0
    align_right: bool = False


#: Left to right. ``cancel`` holds the per-row ✕; ``progress`` is the bar column; the
#: other eight are the task table's columns in the contract's order of meaning.
COLUMNS: tuple[Column, ...] = (
    Column("cancel", "", 2),
    Column("task_id", "id", 5, align_right=True),
    Column("status", "status", 10),
    Column("description", "description", 14, flex=3),
    Column("progress", "progress", 12),
    Column("duration", "duration", 9, align_right=True),
    Column("created_at", "created", 9, align_right=True),
    Column("completed_at", "completed", 9, align_right=True),
    Column("error", "error", 14, flex=3),
    Column("info", "info", 8, flex=2),
)


def format_time(seconds: float | None) -> str:
    """A host time (seconds since the host started), blank when there is none."""
    return "" if seconds is None else f"{seconds:.2f}"


@dataclass(frozen=True, slots=True)
class RowText:
    """The text of one row's cells that does not change while the snapshot stands."""

    task_id: str
    status: str
    description: str
    created_at: str
    completed_at: str
    error: str
    info: str
    progress: float
    progress_text: str
    active: bool


def row_text(row: TaskRow) -> RowText:
    """Format a snapshot's fixed cells; errors keep their first line (the rest is in the
    details strip)."""
    if row.status is TaskStatus.COMPLETED:
        progress, progress_text = 1.0, "100%"
    elif row.progress is not None:
        progress, progress_text = row.progress, f"{row.progress * 100:.0f}%"
    else:
        progress, progress_text = 0.0, ""
    error = row.error or ""
    return RowText(
        task_id=str(row.task_id),
        status=row.status.value,
        description=row.description,
        created_at=format_time(row.created_at),
        completed_at=format_time(row.completed_at),
        error=error.split("\n", 1)[0],
        info=row.info.replace("\n", " "),
        progress=progress,
        progress_text=progress_text,
        active=row.status.is_active,
    )


class TableModel:
    """The rows the table shows: a window onto the manager's view order.

    `refresh()` notes whether the manager's ``version`` moved (one integer
    comparison when idle); `window()` reads only the rows asked for, so a frame with
    changes costs the same with 100 tasks or 100k.
    """

    def __init__(self, manager: AsyncIOManager) -> None:
        self._manager = manager
        self.version = -1
        self.total = 0

    def refresh(self) -> bool:
        """True when anything visible changed since the last call."""
        version = self._manager.version
        if version == self.version:
            return False
        self.version = version
        self.total = self._manager.task_count()
        return True

    def window(self, first: int, count: int) -> list[TaskRow]:
        """``count`` rows from position ``first`` of the view order (fewer at the end)."""
        return self._manager.ordered_rows(first, count)

    def find(self, task_id: int) -> TaskRow | None:
        return self._manager.row(task_id)
