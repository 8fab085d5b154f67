"""The terminal view: the live task table in a rich ``Live`` display.

Drawing is split in two so that what users see can be tested without a terminal:
`render_task_view` is a pure function of (task rows, counts, frame stats, now) that
returns a rich renderable, and `TerminalView` only decides *when* to draw it. It
draws from the host's frame-end callback, at most ``max_refresh_hz`` times a second
of wall time, with ``Live(auto_refresh=False)``: no refresh thread ever reads host
objects, so the thread guard has nothing to object to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from asyncio_comp.records import order_rows
from host.app.views._cells import bouncing_bar, format_duration
from host.app.views.worker_panel import (
    WORKER_ROWS,
    render_worker_panel,
    worker_panel_height,
    worker_snapshots,
)

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRow
    from asyncio_comp.status import TaskStatus
    from asyncio_comp.worker.serial_worker import WorkerSnapshot
    from host.app.views._host import ViewedHost as Host
    from host.engine.stats import FrameStats

__all__ = [
    "STATUS_ORDER",
    "STATUS_STYLES",
    "WIDE_TABLE",
    "TerminalView",
    "counts_by_value",
    "format_duration",
    "order_rows",
    "render_counts",
    "render_stats",
    "render_task_table",
    "render_task_view",
]

#: Statuses in the order of a task's life; counts are shown in this order.
STATUS_ORDER = ("pending", "running", "completed", "failed", "cancelled", "timeout")

#: One distinct style per status. Keyed by the status *value*: `TaskStatus` is a str
#: enum, so a member looks up the same entry and this module needs no asyncio_comp import.
STATUS_STYLES: Mapping[str, str] = {
    "pending": "yellow",
    "running": "bold cyan",
    "completed": "green",
    "failed": "bold red",
    "cancelled": "magenta",
    "timeout": "dark_orange",
}

#: Lines the panel, header and table chrome take around the task rows.
_CHROME_LINES = 9
_SPARK = "▁▂▃▄▅▆▇█"
_BAR_WIDTH = 8
#: Recent frames in the header's frame-time sparkline.
SPARK_FRAMES = 20


def render_task_view(
    rows: Sequence[TaskRow],
    counts: Mapping[TaskStatus, int],
    stats: FrameStats,
    now: float,
    *,
    max_rows: int | None = None,
    title: str = "framehost",
    workers: Sequence[WorkerSnapshot] = (),
    worker_rows: int = WORKER_ROWS,
    total: int | None = None,
) -> RenderableType:
    """The whole terminal view: counts, frame stats and the task table, in a panel,
    and below it the serial workers' queues when the host has any.

    Args:
        rows: the tracked tasks, any order (shown active first, newest first); or,
            with ``total``, the first rows of the view's order out of ``total``.
        counts: tasks per status (keys `TaskStatus` members or their values).
        stats: the host's frame statistics.
        now: host time, for the durations of tasks still running.
        max_rows: at most this many task rows; the rest are summarised in one line.
        workers: snapshots of the host's serial workers; no worker panel if empty.
        worker_rows: pending and history rows shown per worker.
        total: how many tasks there are when ``rows`` is only the top of them.
    """
    header = Group(render_counts(counts), render_stats(stats, now))
    tasks = Panel(
        Group(header, render_task_table(rows, now, max_rows=max_rows, total=total)),
        title=Text(title, style="bold"),
        title_align="left",
        border_style="grey50",
    )
    if not workers:
        return tasks
    return Group(tasks, render_worker_panel(workers, now, max_rows=worker_rows))


def render_counts(counts: Mapping[TaskStatus, int]) -> Text:
    """``● pending 1  ● running 3  ...  total 12``, each status in its colour."""
    text = Text()
    by_status = counts_by_value(counts)
    total = 0
    for status in STATUS_ORDER:
        n = by_status.get(status, 0)
        total += n
        style = STATUS_STYLES[status]
        text.append("● ", style=style)
        text.append(f"{status} ", style=style if n else "dim")
        text.append(f"{n}", style="bold" if n else "dim")
        text.append("   ")
    text.append(f"total {total}", style="bold")
    return text


def render_stats(stats: FrameStats, now: float) -> Text:
    """Frame number, host time, fps, frame and step times, late frames, a sparkline."""
    text = Text(style="grey70")
    text.append(f"frame {stats.frames}  t {now:.2f}s  ")
    text.append(f"{stats.measured_fps:.0f} fps", style="bold")
    text.append(f"  frame {_ms(stats.last_frame_time)} avg {_ms(stats.mean_frame_time)} "
                f"max {_ms(stats.max_frame_time)}")
    text.append(f"  step {_ms(stats.last_step_time)} avg {_ms(stats.mean_step_time)}  ")
    text.append(f"late {stats.late_frames}", style="bold red" if stats.late_frames else "")
    if stats.callback_errors:
        text.append(f"  callback errors {stats.callback_errors}", style="bold red")
    spark = sparkline(stats.recent_frame_times[-SPARK_FRAMES:])
    if spark:
        text.append("  ")
        text.append(spark, style="cyan")
    return text


def sparkline(values: Sequence[float]) -> str:
    """One block character per value, scaled to the largest."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return _SPARK[0] * len(values)
    last = len(_SPARK) - 1
    return "".join(_SPARK[min(last, int(v / top * last + 0.5))] for v in values)


def render_task_table(rows: Sequence[TaskRow], now: float, *,
                      max_rows: int | None = None, total: int | None = None,
                      ) -> RenderableType:
    """The task table: the eight task-table columns plus progress, coloured by status.

    Narrower than `WIDE_TABLE` columns, it leaves out created, done and info so that
    description and error stay readable; the choice is made when rich lays it out.
    ``total`` says ``rows`` are already ordered and are the top of that many.
    """
    ordered = order_rows(rows) if total is None else list(rows)
    shown = ordered if max_rows is None else ordered[:max(0, max_rows)]
    hidden = (len(ordered) if total is None else total) - len(shown)
    table = _TaskTable(shown, now)
    if not ordered:
        return Group(table, Text("no tasks yet", style="dim italic"))
    if hidden:
        return Group(table, Text(f"… {hidden} more task{'s' if hidden != 1 else ''} "
                                 f"not shown (older, finished)", style="dim italic"))
    return table


#: The table keeps all nine columns from this many terminal columns up.
WIDE_TABLE = 140


class _TaskTable:
    """Lays the rows out when rich knows the width: all columns, or the essential ones."""

    def __init__(self, rows: Sequence[TaskRow], now: float) -> None:
        self._rows = rows
        self._now = now

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wide = options.max_width >= WIDE_TABLE
        table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False,
                      header_style="bold grey70", padding=(0, 1), collapse_padding=True)
        table.add_column("id", justify="right", no_wrap=True, width=4)
        table.add_column("status", no_wrap=True, width=9)
        table.add_column("description", no_wrap=True, overflow="ellipsis", ratio=3,
                         min_width=12)
        table.add_column("progress", no_wrap=True, width=13)
        table.add_column("duration", justify="right", no_wrap=True, width=8)
        if wide:
            table.add_column("created", justify="right", no_wrap=True, width=7)
            table.add_column("done", justify="right", no_wrap=True, width=7)
        table.add_column("error", no_wrap=True, overflow="ellipsis", ratio=5, min_width=8)
        if wide:
            table.add_column("info", no_wrap=True, overflow="ellipsis", ratio=1, min_width=4)
        now = self._now
        for row in self._rows:
            status = str(row.status)
            style = STATUS_STYLES.get(status, "")
            cells: list[RenderableType] = [
                str(row.task_id),
                Text(status, style=style),
                row.description,
                _progress_cell(row, status, style, now),
                format_duration(row.duration(now)),
            ]
            if wide:
                cells += [f"{row.created_at:.2f}",
                          "—" if row.completed_at is None else f"{row.completed_at:.2f}"]
            cells.append(Text(row.error or "", style="red"))
            if wide:
                cells.append(row.info)
            table.add_row(*cells)
        yield table


def _progress_cell(row: TaskRow, status: str, style: str, now: float) -> RenderableType:
    """A bar with a percentage; a pulsing bar for running work that reports none."""
    # A completed task did all its work, whatever it last reported.
    fraction = 1.0 if status == "completed" else row.progress
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=_BAR_WIDTH)
    grid.add_column(width=4, justify="right")
    if fraction is None:
        if status != "running":
            return Text("")
        grid.add_row(bouncing_bar(now, _BAR_WIDTH, style), Text(""))
        return grid
    bar = ProgressBar(total=1.0, completed=fraction, width=_BAR_WIDTH, complete_style=style,
                      finished_style=style)
    grid.add_row(bar, Text(f"{fraction * 100:.0f}%", style=style))
    return grid


def counts_by_value(counts: Mapping[TaskStatus, int]) -> dict[str, int]:
    """Counts keyed by status value (``"running"``), whatever the keys given."""
    return {str(status): int(n) for status, n in counts.items()}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}ms"


class TerminalView:
    """Draws `render_task_view` for a host in a rich ``Live``, at most ~10 times a second.

    Use as a context manager, or `start()` / `close()`. Rendering happens only in the
    host's frame-end callback (on the host's thread) and is throttled by wall time,
    so a 60 fps host pays for a table build on one frame in six.
    """

    def __init__(
        self,
        host: Host,
        *,
        console: Console | None = None,
        max_refresh_hz: float = 10.0,
        title: str = "framehost",
        worker_rows: int = WORKER_ROWS,
        time_function: Callable[[], float] = time.monotonic,
    ) -> None:
        if not max_refresh_hz > 0:
            raise ValueError(f"max_refresh_hz expected a positive number, got {max_refresh_hz!r}")
        self._host = host
        self._console = console if console is not None else Console()
        self._period = 1.0 / max_refresh_hz
        self._title = title
        self._worker_rows = worker_rows
        self._time = time_function
        self._last_refresh: float | None = None
        self._live = Live(console=self._console, auto_refresh=False, transient=False)
        self._started = False
        self.refreshes = 0

    @property
    def console(self) -> Console:
        return self._console

    def renderable(self, *, all_rows: bool = False) -> RenderableType:
        """The view as of now, with as many task rows as fit the console (or all).

        The worker panel, when the host has workers, takes its lines first; the
        task table keeps at least three rows.
        """
        host = self._host
        manager = host.tasks
        worker_rows = self._worker_rows
        workers = worker_snapshots(host, max_pending=worker_rows)
        max_rows = None
        if not all_rows:
            spare = self._console.size.height - _CHROME_LINES
            if workers:
                spare -= worker_panel_height(workers, max_rows=worker_rows)
            max_rows = max(3, spare)
        # The top of the view's order only: a redraw costs the same with 100k tasks.
        rows = manager.ordered_rows(0, max_rows)
        return render_task_view(rows, manager.counts(), host.stats, host.time(),
                                max_rows=max_rows, title=self._title, workers=workers,
                                worker_rows=worker_rows, total=manager.task_count())

    def start(self) -> None:
        """Show the view and redraw it from now on, at the end of frames."""
        if self._started:
            return
        self._started = True
        self._live.start()
        self._host.on_frame_end(self._on_frame_end)

    def refresh(self) -> None:
        """Redraw now, whatever the throttle says."""
        self._last_refresh = self._time()
        self.refreshes += 1
        self._live.update(self.renderable(), refresh=True)

    def close(self) -> None:
        """Draw the final state once and stop the display. Idempotent.

        Call before ``host.close()`` so the last picture shows the tasks as they were.
        """
        if not self._started:
            return
        self._started = False
        host = self._host
        console = self._console
        try:
            if not host.closed:
                host.remove_callback(self._on_frame_end)
                # A file or pipe gets one picture, at the end: it can hold every row.
                self._live.update(self.renderable(all_rows=not console.is_terminal))
        finally:
            # Stopping does the final draw; on a non-terminal it is the only one.
            self._live.stop()
            if not console.is_terminal:
                console.line()

    def _on_frame_end(self, host: object) -> None:
        last = self._last_refresh
        # Half a frame of slack, so frame-time jitter cannot push a refresh one frame
        # late every time (which would make 10 per second at 60 fps into 8.6).
        if last is not None and self._time() - last < self._period - 0.5 / self._host.fps:
            return
        self.refresh()

    def __enter__(self) -> TerminalView:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
