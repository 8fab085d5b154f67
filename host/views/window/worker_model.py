"""What the worker panel shows, with no pixels: the lines of every worker's queue.

Kept free of pyglet so it can be read and tested alone. Each worker gets a section:
its name, the running task (with a progress line) or "idle", the pending tasks in
the order they will run, then the history newest first. When the lines do not all
fit, pending and history share what is left and each ends with a "… and N more"
note, so a long queue never hides the other worker's sections.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from asyncio_comp.worker.serial_worker import WorkerSnapshot
from asyncio_comp.worker.task import WorkerStatus, WorkerTaskRow
from host.views._format import format_duration

__all__ = ["MIN_SECTION_LINES", "LineKind", "PanelLine", "status_label", "worker_lines"]

#: A worker's section is never cut below this (name, current, progress, one more);
#: workers beyond what fits are summed up in one closing note.
MIN_SECTION_LINES = 4


class LineKind(Enum):
    """How the renderer draws a line."""

    WORKER = "worker"
    """The worker's name (accent) and how many tasks are queued (right)."""

    TASK = "task"
    """A status badge, ``#id description`` and a duration on the right."""

    PROGRESS = "progress"
    """The running task's progress bar, its percentage on the right."""

    NOTE = "note"
    """Dim text across the line: "idle", "… and 3 more pending", or a blank gap."""


@dataclass(frozen=True, slots=True)
class PanelLine:
    """One line of the panel; equal lines draw the same pixels."""

    kind: LineKind
    text: str = ""
    side: str = ""
    status: WorkerStatus | None = None
    """The badge colour of a TASK line and the bar colour of a PROGRESS line."""
    label: str = ""
    """The text on the badge."""
    progress: float | None = None
    ticking: WorkerTaskRow | None = None
    """The running task, whose duration (``side``) the renderer advances every frame."""


def status_label(row: WorkerTaskRow) -> str:
    """The badge text: the status, or "cancel" for a task cancelled while pending."""
    if row.cancelled:
        return "cancel"
    return "done" if row.status is WorkerStatus.COMPLETED else str(row.status)


def worker_lines(snapshots: Sequence[WorkerSnapshot], budget: int,
                 now: float) -> list[PanelLine]:
    """At most ``budget`` lines showing every worker's queue (as many workers as fit)."""
    n = len(snapshots)
    if budget <= 0 or n == 0:
        return []
    fit = min(n, max(1, (budget + 1) // (MIN_SECTION_LINES + 1)))
    overflow = 1 if fit < n else 0
    share = (budget - overflow - (fit - 1)) // fit  # one blank line between sections
    lines: list[PanelLine] = []
    for i, snap in enumerate(snapshots[:fit]):
        if i:
            lines.append(PanelLine(LineKind.NOTE))
        lines.extend(_section(snap, share, now))
    if overflow:
        lines.append(PanelLine(LineKind.NOTE, f"… and {n - fit} more workers"))
    return lines[:budget]


def _section(snap: WorkerSnapshot, share: int, now: float) -> list[PanelLine]:
    side = "stopped" if snap.stopped else f"{snap.pending_count} queued"
    lines = [PanelLine(LineKind.WORKER, snap.name, side)]
    current = snap.current
    if current is None:
        lines.append(PanelLine(LineKind.NOTE, "idle"))
    else:
        lines.append(_task_line(current, now, ticking=True))
        progress = current.progress
        lines.append(PanelLine(LineKind.PROGRESS, side="" if progress is None
                               else f"{progress * 100:.0f}%",
                               status=current.status, progress=progress))
    room = max(0, share - len(lines))
    want_pending, want_history = snap.pending_count, len(snap.history)
    if want_pending + want_history <= room:
        n_pending = want_pending
    else:  # each gets half, or what the other leaves unused
        n_pending = min(want_pending, max(room - want_history, (room + 1) // 2))
    n_history = min(want_history, room - n_pending)
    lines.extend(_clipped([_task_line(row, now) for row in snap.pending[:n_pending]],
                          n_pending, want_pending, "pending"))
    lines.extend(_clipped([_task_line(row, now) for row in snap.history[:n_history]],
                          n_history, want_history, "finished"))
    return lines[:share]


def _clipped(rows: list[PanelLine], room: int, total: int, what: str) -> list[PanelLine]:
    """``rows`` cut to ``room`` lines, the last one a note counting what was left out."""
    if total <= room:
        return rows[:room]
    if room <= 0:
        return []
    kept = rows[: room - 1]
    return [*kept, PanelLine(LineKind.NOTE, f"… and {total - len(kept)} more {what}")]


def _task_line(row: WorkerTaskRow, now: float, *, ticking: bool = False) -> PanelLine:
    text = f"#{row.task_id} {row.description}"
    if row.error and not row.cancelled:
        text += ": " + row.error.split("\n", 1)[0]  # the rest is in the worker_table
    duration = row.duration(now)
    return PanelLine(LineKind.TASK, text, "" if duration is None else format_duration(duration),
                     row.status, status_label(row), ticking=row if ticking else None)
