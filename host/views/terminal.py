"""The terminal view: the live task table in a rich ``Live`` display, drawn off the frame.

A frame pays only for a snapshot: at the end of a frame that is due a redraw the
view copies what it shows into an immutable `ViewSnapshot` (the top rows of the
task table, which are frozen `TaskRow` values already, the counts, the frame stats)
and hands it to its render thread, which lays it out with rich and writes it to
the terminal. The thread never reads a host object, so the thread guard has
nothing to object to, and a slow terminal never makes a frame late. A snapshot
posted while the thread is still drawing replaces the one waiting: the newest wins.

How the thread keeps out of the frames' way (it shares the GIL with them) is
`terminal_thread`'s business.

A frame is due a redraw when something shown changed (the task manager's version,
a log line) or a running task's duration ticks, at most ``max_refresh_hz`` times a
second; when nothing moves at all the frame figures refresh ``idle_refresh_hz``
times a second. Log records of the ``framehost`` loggers (callback tracebacks,
blocked-loop warnings) go to a log panel under the table instead of over it, and
the last one is printed in full after the view closes.

`render_task_view` (in `terminal_render`) is the pure function that draws a
snapshot, so what users see is tested with a recording console and no thread.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.live import Live
from rich.text import Text

from asyncio_comp.records import order_rows
from host.views._format import format_duration
from host.views.palette import STATUS_ORDER, STATUS_RGBA, status_style
from host.views.summary import over_budget_line
from host.views.terminal_render import (
    WIDE_TABLE,
    counts_by_value,
    render_counts,
    render_lifetime,
    render_stats,
    render_task_table,
    render_task_view,
)
from host.views.terminal_thread import RenderThread
from host.views.worker_panel import WORKER_ROWS, worker_panel_height, worker_snapshots

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRow
    from asyncio_comp.status import TaskStatus
    from asyncio_comp.worker.serial_worker import WorkerSnapshot
    from host.views._host import ViewedHost as Host
    from td.stats import FrameStats

__all__ = [
    "LOG_LINES",
    "STATUS_ORDER",
    "STATUS_STYLES",
    "WIDE_TABLE",
    "TerminalView",
    "ViewSnapshot",
    "counts_by_value",
    "format_duration",
    "order_rows",
    "render_counts",
    "render_lifetime",
    "render_stats",
    "render_task_table",
    "render_task_view",
]

#: The rich style of each status, from the shared palette (`host.views.palette`).
STATUS_STYLES: Mapping[str, str] = {status: status_style(status) for status in STATUS_RGBA}

#: Lines the panel, header and table chrome take around the task rows.
_CHROME_LINES = 8  # with the whole-run line
#: Log lines kept for the log panel.
LOG_LINES = 4
_LEVEL_STYLES = {"WARNING": "yellow", "ERROR": "bold red", "CRITICAL": "bold red",
                 "BUDGET": "magenta"}
#: Active tasks whose await chain the final picture prints (where each one waits).
WHERE_TASKS = 3


@dataclass(frozen=True, slots=True)
class ViewSnapshot:
    """Everything one drawing of the view shows, copied on the host's thread."""

    rows: tuple[TaskRow, ...]
    counts: Mapping[TaskStatus, int]
    stats: FrameStats
    now: float
    frame: int
    total: int
    max_rows: int | None
    workers: tuple[WorkerSnapshot, ...]
    seen_tasks: bool
    log: tuple[tuple[str, str], ...]
    realtime: bool = True
    lifetime: Mapping[TaskStatus, int] | None = None

    def renderable(self, title: str, worker_rows: int) -> RenderableType:
        # A log line may wrap once (callback reprs are long); the height budget allows it.
        log = tuple(Text.assemble((f"{level.lower():8}", _LEVEL_STYLES.get(level, "")),
                                  _clip(message, 2 * 110))
                    for level, message in self.log)
        return render_task_view(self.rows, self.counts, self.stats, self.now,
                                max_rows=self.max_rows, title=title, workers=self.workers,
                                worker_rows=worker_rows, total=self.total,
                                seen_tasks=self.seen_tasks, log=log, frame=self.frame,
                                realtime=self.realtime, lifetime=self.lifetime)


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


class _LogPanelHandler(logging.Handler):
    """Keeps the newest log lines for the panel and the newest record for the end."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: deque[tuple[str, str]] = deque(maxlen=LOG_LINES)
        self.count = 0
        self.last: logging.LogRecord | None = None

    def recent(self) -> tuple[tuple[str, str], ...]:
        """The kept lines, copied under the handler's lock (worker threads log too)."""
        assert self.lock is not None  # Handler.__init__ made it
        with self.lock:
            return tuple(self.lines)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage().split("\n", 1)[0]
        except Exception:  # a bad format string must not stop the frame
            message = str(record.msg)
        self.lines.append((record.levelname, message))
        self.count += 1
        self.last = record

    def note(self, level: str, message: str) -> None:
        """A line of the view's own for the panel (an over-budget frame's costs), not
        a log record: it is not printed again at the end."""
        assert self.lock is not None
        with self.lock:
            self.lines.append((level, message))


class TerminalView:
    """Draws a host in a rich ``Live`` from a render thread; see the module docstring.

    Use as a context manager, or `start()` / `close()`.

    Args:
        threaded: draw on a render thread (the default); False draws inside the
            frame-end callback, for tests and for consoles that are not terminals.
        time_function: the wall clock the refresh throttle reads (tests inject one).
    """

    def __init__(
        self,
        host: Host,
        *,
        console: Console | None = None,
        max_refresh_hz: float = 10.0,
        idle_refresh_hz: float = 2.0,
        title: str = "framehost",
        worker_rows: int = WORKER_ROWS,
        time_function: Callable[[], float] = time.monotonic,
        threaded: bool = True,
    ) -> None:
        for name, hz in (("max_refresh_hz", max_refresh_hz), ("idle_refresh_hz", idle_refresh_hz)):
            if isinstance(hz, bool) or not isinstance(hz, int | float) or not hz > 0:
                raise ValueError(f"{name} expected a positive number, got {hz!r}")
        self._host = host
        self._console = console if console is not None else Console()
        self._period = 1.0 / max_refresh_hz
        self._idle_period = 1.0 / idle_refresh_hz
        self._title = title
        self._worker_rows = worker_rows
        self._time = time_function
        self._threaded = threaded
        self._last_refresh: float | None = None
        self._last_key: tuple[int, int, int] | None = None
        self._seen_tasks = False
        self._had_workers = False
        self._live = Live(console=self._console, auto_refresh=False, transient=False,
                          redirect_stdout=False, redirect_stderr=False)
        self._log = _LogPanelHandler()
        self._logger = logging.getLogger("framehost")
        self._logger_propagate = True
        self._started = False
        self._over_seen = 0  # over-budget frames' reports already in the log panel
        self._renderer: RenderThread | None = None
        #: Snapshots taken to be drawn (by the render thread, or at once if not threaded).
        self.refreshes = 0
        self._drawn_here = 0

    @property
    def drawn(self) -> int:
        """Pictures drawn so far, on the render thread or on the host's."""
        renderer = self._renderer
        return self._drawn_here + (renderer.drawn if renderer is not None else 0)

    @property
    def console(self) -> Console:
        return self._console

    # -- snapshots (host thread) ---------------------------------------------------------
    def snapshot(self, *, all_rows: bool = False, final: bool = False) -> ViewSnapshot:
        """What the view shows now, with as many task rows as fit the console (or all).

        Call on the host's thread. The worker panel, when the host has workers,
        takes its lines first; the task table keeps at least three rows. The
        ``final`` picture's time is the end of the last frame's period, the host
        seconds the run's summary line gives (5 s at 60 fps: 300 frames, t 5.00 s).
        """
        host = self._host
        manager = host.tasks
        worker_rows = self._worker_rows
        workers = tuple(worker_snapshots(host, max_pending=worker_rows))
        self._had_workers = bool(workers)
        max_rows = None
        if not all_rows:
            spare = self._console.size.height - _CHROME_LINES
            if workers:
                spare -= worker_panel_height(workers, max_rows=worker_rows)
            if self._log.lines:
                spare -= 2 * len(self._log.lines) + 2
            max_rows = max(3, spare)
        total = manager.task_count()
        self._seen_tasks = self._seen_tasks or total > 0
        # The top of the view's order only: a snapshot costs the same with 100k tasks.
        rows = tuple(manager.ordered_rows(0, max_rows))
        now = host.time()
        if final and host.frame:
            now = host.seconds + 1.0 / host.fps
        return ViewSnapshot(rows, manager.counts(), host.stats, now, host.frame, total,
                            max_rows, workers, self._seen_tasks, self._log.recent(),
                            host.realtime, manager.GetLifetimeCounts())

    def renderable(self, *, all_rows: bool = False) -> RenderableType:
        """The view as of now (on the host's thread)."""
        return self.snapshot(all_rows=all_rows).renderable(self._title, self._worker_rows)

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Show the view and redraw it from now on, at the end of frames."""
        if self._started:
            return
        self._started = True
        self._live.start()
        self._logger.addHandler(self._log)
        self._logger_propagate = self._logger.propagate
        self._logger.propagate = False  # not printed over the live panel
        if self._threaded:
            self._renderer = RenderThread(self._console, self._live, self._host.fps,
                                          self._draw_failed)
            self._renderer.start()
        self._host.on_frame_start(self._on_frame_start)
        self._host.on_frame_end(self._on_frame_end, view=True)

    def note(self, level: str, message: str) -> None:
        """Put one line of the run's own (a reload, say) in the log panel: the panel is
        where a line can appear without scrolling the live table away."""
        self._log.note(level.upper(), message)

    def refresh(self) -> None:
        """Redraw now, on this thread, whatever the throttle says."""
        self._last_refresh = self._time()
        self.refreshes += 1
        self._draw(self.snapshot())

    def close(self) -> None:
        """Stop the render thread, draw the final state once and stop the display.

        Idempotent. Call before ``host.close()`` so the last picture shows the tasks
        as they were. The newest log record, if any, is printed in full afterwards.
        """
        if not self._started:
            return
        self._started = False
        host = self._host
        console = self._console
        waiting: list[str] = []
        try:
            if self._renderer is not None:
                self._renderer.stop()
            if not host.closed:
                waiting = self._where_lines()
                host.remove_callback(self._on_frame_end)
                host.remove_callback(self._on_frame_start)
                # A file or pipe gets one picture, at the end: it can hold every row.
                self._draw(self.snapshot(all_rows=not console.is_terminal, final=True),
                           refresh=False)
        finally:
            # Stopping does the final draw; on a non-terminal it is the only one.
            self._live.stop()
            self._logger.removeHandler(self._log)
            self._logger.propagate = self._logger_propagate
            if not console.is_terminal:
                console.line()
            for line in waiting:
                console.print(Text(line, style="grey70"), soft_wrap=True, markup=False,
                              highlight=False)
            self._print_last_log()

    def _where_lines(self) -> list[str]:
        """Where the oldest active tasks wait (`AsyncIOManager.where`), innermost first,
        one line each: printed under the final picture, since a task still running at
        the end is the one whose wait someone wants to know."""
        manager = self._host.tasks
        active = manager.GetActiveTasksCount()
        # Active tasks come first in the views' order, newest first: the oldest last.
        rows = manager.ordered_rows(max(0, active - WHERE_TASKS), min(active, WHERE_TASKS))
        lines = []
        for row in reversed(rows):
            chain = manager.where(row.task_id)
            if chain:
                frames = [line.rsplit("/", 1)[-1] for line in reversed(chain[:-1])]
                lines.append(f"framehost: task {row.task_id} ({row.description}) waits: "
                             + " ← ".join([chain[-1], *frames]))
        return lines

    def _print_last_log(self) -> None:
        record, count = self._log.last, self._log.count
        if record is None:
            return
        text = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(record)
        more = f" ({count - 1} earlier, in the log panel and the counts above)" if count > 1 \
            else ""
        self._console.print(Text(f"framehost: the last log message in full{more}:",
                                 style="grey70"), soft_wrap=True)
        self._console.print(Text(text, style=_LEVEL_STYLES.get(record.levelname, "")),
                            soft_wrap=True, markup=False, highlight=False)

    # -- per frame (host thread) ---------------------------------------------------------
    def _on_frame_start(self, host: object) -> None:
        if self._renderer is not None:
            self._renderer.frame_started()

    def _on_frame_end(self, host: object) -> None:
        if self._renderer is not None:
            self._renderer.frame_ended(self._host.fps)
        blame = self._host.blame
        over = blame.late_count
        if over != self._over_seen:
            # The frames over budget since the last look, into the log panel.
            for report in blame.reports[-min(over - self._over_seen, LOG_LINES):]:
                self._log.note("BUDGET", over_budget_line(report, blame.budget))
            self._over_seen = over
        manager = self._host.tasks
        key = (manager.version, self._log.count, self._over_seen)
        changed = key != self._last_key
        ticking = changed or self._had_workers or self._any_active()
        period = self._period if ticking else self._idle_period
        last = self._last_refresh
        now = self._time()
        # Half a frame of slack, so frame-time jitter cannot push a refresh one frame
        # late every time (which would make 10 per second at 60 fps into 8.6).
        if last is not None and now - last < period - 0.5 / self._host.fps:
            return
        self._last_key = key
        self._last_refresh = now
        self.refreshes += 1
        snap = self.snapshot()
        if self._renderer is None:
            self._draw(snap)
            return
        title, worker_rows = self._title, self._worker_rows
        self._renderer.post(lambda: snap.renderable(title, worker_rows))

    def _any_active(self) -> bool:
        counts = self._host.tasks.counts()
        return any(n for status, n in counts.items() if status.is_active)

    # -- drawing (render thread, or the host's when not threaded) ------------------------
    def _draw(self, snap: ViewSnapshot, *, refresh: bool = True) -> None:
        self._live.update(snap.renderable(self._title, self._worker_rows), refresh=refresh)
        self._drawn_here += 1

    def _draw_failed(self, message: str) -> None:
        self._log.handle(logging.makeLogRecord(
            {"levelname": "ERROR", "levelno": logging.ERROR, "msg": message}))

    def __enter__(self) -> TerminalView:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
