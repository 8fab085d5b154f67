"""The serial workers' queues in the terminal view, as in the Houdini Engine task panel.

For each worker: its name and totals, the task running now (with a progress bar),
the tasks waiting in the order they will run, and the finished ones newest first.
Yellow while a task waits or runs, green once it completed, red once it failed,
like the original panel (and the window's `WORKER_COLORS`).

`render_worker_panel` is a pure function of `WorkerSnapshot` values and host time,
so it is tested without a host; `worker_snapshots` is the one place that reads the
live workers, on the host's thread, for `TerminalView` and the CLI's summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from host.views._cells import bouncing_bar
from host.views._format import format_duration
from host.views.palette import WORKER_RGBA, worker_style

if TYPE_CHECKING:
    from asyncio_comp.worker.serial_worker import WorkerSnapshot
    from asyncio_comp.worker.task import WorkerTaskRow
    from td.network import OperatorHost

__all__ = [
    "WORKER_ROWS",
    "WORKER_STYLES",
    "render_worker_panel",
    "worker_panel_height",
    "worker_snapshots",
]

#: Keyed by `WorkerStatus` value (``str(status)``), from the shared palette.
WORKER_STYLES: Mapping[str, str] = {status: worker_style(status) for status in WORKER_RGBA}

#: Pending and history rows shown per worker before "… N more".
WORKER_ROWS = 3

_MARKERS = {"pending": "·", "running": "▶", "completed": "✓", "failed": "✗"}
_BAR_WIDTH = 8
#: The panel's top and bottom borders.
_PANEL_CHROME = 2


def worker_snapshots(host: OperatorHost, max_pending: int | None = WORKER_ROWS,
                     ) -> list[WorkerSnapshot]:
    """A snapshot of every `SerialWorkerCOMP` in the host, in creation order.

    Call on the host's thread. ``max_pending`` bounds the pending rows copied (the
    count still covers all), so a queue of thousands costs a view a few rows a frame.
    """
    # Views stand on top of both packages; imported here so that importing the
    # terminal view alone does not load the worker machinery.
    from asyncio_comp.worker.comp import find_workers

    return [comp.snapshot(max_pending) for comp in find_workers(host)]


def render_worker_panel(workers: Sequence[WorkerSnapshot], now: float, *,
                        max_rows: int = WORKER_ROWS) -> RenderableType:
    """One panel listing every worker's current task, pending tasks and history.

    Args:
        workers: snapshots, in the order to show them.
        now: host time, for the running task's duration.
        max_rows: pending rows and history rows shown per worker; the rest are counted.
    """
    sections: list[RenderableType] = []
    for snap in workers:
        sections.append(_heading(snap))
        sections.append(_WorkerRows.build(snap, now, max(0, max_rows)))
    if not workers:
        sections.append(Text("no workers", style="dim italic"))
    return Panel(Group(*sections), title=Text("workers", style="bold"), title_align="left",
                 border_style="grey50")


def worker_panel_height(workers: Sequence[WorkerSnapshot], *,
                        max_rows: int = WORKER_ROWS) -> int:
    """Lines `render_worker_panel` takes, so the task table can give them up."""
    rows = max(0, max_rows)
    lines = _PANEL_CHROME + (0 if workers else 1)
    for snap in workers:
        lines += 2  # heading, current task
        lines += _list_lines(snap.pending_count, rows)
        lines += _list_lines(len(snap.history), rows)
    return lines


def _list_lines(count: int, rows: int) -> int:
    shown = min(count, rows)
    return max(1, shown + (1 if count > shown else 0))


def _heading(snap: WorkerSnapshot) -> Text:
    text = Text(snap.name, style="bold")
    if snap.stopped:
        text.append("  stopped", style="bold red")
    text.append("   ")
    running = 1 if snap.current is not None else 0
    for label, n, style in (("running", running, WORKER_STYLES["running"]),
                            ("pending", snap.pending_count, WORKER_STYLES["pending"]),
                            ("completed", snap.completed_total, WORKER_STYLES["completed"]),
                            ("failed", snap.failed_total, WORKER_STYLES["failed"])):
        text.append(f"{label} ", style=style if n else "dim")
        text.append(str(n), style="bold" if n else "dim")
        text.append("  ")
    text.rstrip()
    return text


class _WorkerRows:
    """The grid of one worker's rows: a label column, then one task per row."""

    @staticmethod
    def build(snap: WorkerSnapshot, now: float, rows: int) -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=9, no_wrap=True)  # "  running", "  pending", "  history"
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=3, min_width=12)
        grid.add_column(no_wrap=True, width=13)
        grid.add_column(justify="right", no_wrap=True, width=7)
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=4, min_width=8)
        current = snap.current
        if current is None:
            grid.add_row(_label("running"), "", "",
                         Text("stopped" if snap.stopped else "idle", style="dim italic"))
        else:
            grid.add_row(_label("running"), *_task_cells(current, now))
        pending = snap.pending[:rows]
        _add_list(grid, "pending", [_task_cells(r, now) for r in pending],
                  snap.pending_count - len(pending))
        history = snap.history[:rows]
        _add_list(grid, "history", [_task_cells(r, now) for r in history],
                  len(snap.history) - len(history))
        return grid


def _add_list(grid: Table, label: str, cells: list[list[RenderableType]], hidden: int) -> None:
    if not cells:
        grid.add_row(_label(label), "", "", Text("none", style="dim italic"))
        return
    for i, row in enumerate(cells):
        grid.add_row(_label(label) if i == 0 else "", *row)
    if hidden > 0:
        grid.add_row("", "", "", Text(f"… {hidden} more", style="dim italic"))


def _label(name: str) -> Text:
    return Text(f"  {name}", style="grey70")


def _task_cells(row: WorkerTaskRow, now: float) -> list[RenderableType]:
    """Marker, id, description, progress, duration and error of one task, in its colour."""
    status = str(row.status)
    style = WORKER_STYLES.get(status, "")
    duration = row.duration(now)
    error = row.error or ""
    return [
        Text(_MARKERS.get(status, " "), style=style),
        Text(f"#{row.task_id}", style=style),
        Text(row.description, style=style),
        _progress(row, status, style, now),
        Text("" if duration is None else format_duration(duration), style=style),
        Text(error, style="red"),
    ]


def _progress(row: WorkerTaskRow, status: str, style: str, now: float) -> RenderableType:
    """A bar with a percentage; a sliding bar for running work that reports none."""
    if row.cancelled:
        return Text("cancelled", style=style)
    if status == "running" and row.progress is None:
        return bouncing_bar(now, _BAR_WIDTH, style)
    # Finished rows show their outcome by colour and duration; a full bar adds nothing.
    if status != "running" or row.progress is None:
        return Text("")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=_BAR_WIDTH)
    grid.add_column(width=4, justify="right")
    bar = ProgressBar(total=1.0, completed=row.progress, width=_BAR_WIDTH,
                      complete_style=style, finished_style=style)
    grid.add_row(bar, Text(f"{row.progress * 100:.0f}%", style=style))
    return grid

