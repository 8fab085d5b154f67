"""A task row as the text its cells show: the one place a `TaskRow` becomes text.

The registry feeds two readers each frame: ``task_table`` (a DAT for TD code, its
cells written by `asyncio_comp.table_sync`) and the views, which read immutable
`TaskRow` snapshots. Every view formats a snapshot here, so the terminal table and
the window's table and details show the same row the same way: times to the
hundredth of a second, one line of description and info, the first line of an
error (the rest belongs to the details strip), progress clamped to 0–100%.
"""

from __future__ import annotations

from typing import NamedTuple

from asyncio_comp.records import TaskRow
from asyncio_comp.status import TaskStatus

__all__ = ["RowText", "format_time", "one_line", "row_text"]


def format_time(seconds: float | None) -> str:
    """A host time (seconds since the host started), blank when there is none."""
    return "" if seconds is None else f"{seconds:.2f}"


def one_line(text: str) -> str:
    """``text`` on one line: a cell is one line high, so line breaks become spaces."""
    return text.replace("\n", " ") if "\n" in text else text


class RowText(NamedTuple):
    """The text of one row's cells that does not change while the snapshot stands
    (a running task's duration ticks, so views format it per draw with
    `host.views._format.format_duration`). A tuple: the terminal makes one per row it
    draws, and a tuple is made several times faster than a frozen dataclass."""

    task_id: str
    status: str
    description: str
    created_at: str
    completed_at: str
    error: str
    info: str
    #: The bar's fill, 0.0-1.0; 0.0 with an empty `progress_text` when none was reported.
    progress: float
    progress_text: str
    active: bool


def row_text(row: TaskRow) -> RowText:
    """Format a snapshot's fixed cells. A completed task did all its work, whatever it
    last reported, so its bar is full."""
    if row.status is TaskStatus.COMPLETED:
        progress, progress_text = 1.0, "100%"
    elif row.progress is not None:
        progress = min(1.0, max(0.0, row.progress))
        progress_text = f"{progress * 100:.0f}%"
    else:
        progress, progress_text = 0.0, ""
    status = row.status
    completed_at = row.completed_at
    return RowText(
        str(row.task_id), status.value, one_line(row.description),
        f"{row.created_at:.2f}", "" if completed_at is None else f"{completed_at:.2f}",
        row.error.split("\n", 1)[0] if row.error else "", one_line(row.info),
        progress, progress_text, status.is_active,
    )
