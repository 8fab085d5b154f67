"""What the task table shows, with no pixels: column set and row order (cell text is
`host.views.row_text`, shared with the terminal view).

Kept free of pyglet so it can be read and tested alone. The renderer asks
`TableModel.refresh()` once a frame and reads the visible window of rows only when
the manager's ``version`` moved, so an idle table costs one integer comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from asyncio_comp.records import TaskRow, order_rows

if TYPE_CHECKING:
    from asyncio_comp.manager import AsyncIOManager

__all__ = [
    "COLUMNS",
    "Column",
    "TableModel",
    "order_rows",
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
