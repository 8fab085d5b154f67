"""The table's row order and cell text, without a window."""

from __future__ import annotations

from asyncio_comp import TaskRow, TaskStatus
from host.views._format import format_duration
from host.views.row_text import row_text
from host.views.window.table_model import order_rows


def row(task_id: int, status: TaskStatus, error: str | None = None) -> TaskRow:
    return TaskRow(task_id, status, f"t{task_id}", 0.0, None if status.is_active else 1.0,
                   error, "", None, None)


def test_active_rows_first_then_newest_first() -> None:
    rows = [row(1, TaskStatus.COMPLETED), row(2, TaskStatus.RUNNING),
            row(3, TaskStatus.FAILED), row(4, TaskStatus.PENDING)]
    assert [r.task_id for r in order_rows(rows)] == [4, 2, 3, 1]


def test_durations_keep_a_stable_width_while_ticking() -> None:
    """One formatter for every view; at most 8 characters below 10 hours."""
    assert format_duration(1.234) == "1.23s"
    assert format_duration(123.45) == "2m03.5s"
    assert format_duration(12345.6) == "3h25m"
    assert max(len(format_duration(s / 10)) for s in range(0, 360_000, 7)) <= 8


def test_cells_keep_the_first_line_of_an_error() -> None:
    text = row_text(row(7, TaskStatus.FAILED, "ValueError: bad\nmore detail"))
    assert text.error == "ValueError: bad"
    assert text.status == "failed" and not text.active
