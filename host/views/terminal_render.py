"""What the terminal view draws, as pure functions of immutable values.

`render_task_view` turns (task rows, counts, frame stats, host time) into a rich
renderable; nothing here reads a host, so it runs on the terminal view's render
thread and in tests with a recording console.

The task table is laid out by hand, one `Text` per row, rather than with a rich
``Table``: a 40-row ``Table`` with a bar per row costs rich 20-40 ms to lay out,
and the column widths here follow what the rows hold. Ids are never cut (the id
column is as wide as the longest id shown); the description keeps its room before
the error column takes any; columns that do not fit are left out, least useful first.
The frame around it is drawn by hand too (`_Boxed`): each line is built to the width
once and written as it is, which keeps a redraw to a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.text import Text

from asyncio_comp.records import order_rows
from host.views._cells import bouncing_bar
from host.views._format import format_duration, format_ms
from host.views.palette import badge_style, status_style
from host.views.row_text import RowText, row_text
from host.views.terminal_counts import (
    Counts,
    Lifetime,
    counts_by_value,
    render_counts,
    render_lifetime,
)
from host.views.worker_panel import WORKER_ROWS, render_worker_panel

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRow
    from asyncio_comp.status import TaskStatus
    from asyncio_comp.worker.serial_worker import WorkerSnapshot
    from td.stats import FrameStats

__all__ = [
    "SPARK_FRAMES",
    "WIDE_TABLE",
    "counts_by_value",
    "render_counts",
    "render_lifetime",
    "render_log",
    "render_stats",
    "render_task_table",
    "render_task_view",
    "sparkline",
]

_SPARK = "▁▂▃▄▅▆▇█"
_BAR_WIDTH = 8
#: Recent frames in the header's frame-time sparkline.
SPARK_FRAMES = 20
#: From this many columns of table the created and done columns are shown too.
WIDE_TABLE = 140
#: Shown instead of rows when there are none; "now" once some ran and were cleared.
NO_TASKS_YET = "no tasks yet"
_CELL_STYLES = {"error": "red", "info": "grey70"}
NO_TASKS_NOW = "no tasks now (the finished ones were cleared)"


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
    seen_tasks: bool = False,
    log: Sequence[Text] = (),
    frame: int | None = None,
    realtime: bool = True,
    lifetime: Mapping[TaskStatus, int] | None = None,
) -> RenderableType:
    """The whole terminal view: counts, frame stats and the task table in a panel,
    then the serial workers' queues when the host has any, then recent log lines.

    Args:
        rows: the tracked tasks, any order (shown active first, newest first); or,
            with ``total``, the first rows of the view's order out of ``total``.
        counts: tasks per status (keys `TaskStatus` members or their values).
        now: host time, for the durations of tasks still running.
        max_rows: at most this many task rows; the rest are summarised in one line.
        total: how many tasks there are when ``rows`` is only the top of them.
        seen_tasks: tasks ran before, so an empty table says they were cleared.
        log: recent log lines (warnings, callback errors), oldest first.
        frame: the host's frame number, when it differs from ``stats.frames`` (a
            view drawn inside a frame, before that frame's stats are recorded).
        realtime: False for frames run back to back in virtual time, whose measured
            rate says nothing (it is not shown).
        lifetime: tasks ended per final status over the whole run; one more
            line under the counts, since Clear After empties the table of old endings.
    """
    counts_part = Counts(counts_by_value(counts))
    stats_part = _Stats(stats, now, stats.frames if frame is None else frame, realtime)
    table = _table_part(rows, now, max_rows=max_rows, total=total, seen_tasks=seen_tasks)
    parts_lines = [counts_part.lines]
    if lifetime is not None:
        parts_lines.append(Lifetime(counts_by_value(lifetime)).lines)
    tasks = _Boxed(title, [*parts_lines, stats_part.lines, table.lines])
    parts: list[RenderableType] = [tasks]
    if workers:
        parts.append(render_worker_panel(workers, now, max_rows=worker_rows))
    if log:
        parts.append(render_log(log))
    return parts[0] if len(parts) == 1 else Group(*parts)


def render_log(lines: Sequence[Text]) -> RenderableType:
    """The newest log lines under the view, where they cannot scroll the panel away."""
    return Panel(Group(*lines), title=Text("log", style="bold"), title_align="left",
                 border_style="grey50")


def render_stats(stats: FrameStats, now: float, *, frame: int | None = None) -> RenderableType:
    """Frame number, host time, fps, frame and step times, late frames, a sparkline;
    the least needed parts drop out first when the console is narrow."""
    return _Stats(stats, now, stats.frames if frame is None else frame)


class _Stats:
    def __init__(self, stats: FrameStats, now: float, frame: int, realtime: bool = True) -> None:
        self._stats = stats
        self._now = now
        self._frame = frame
        self._realtime = realtime

    def parts(self) -> list[tuple[int, Text]]:
        """(priority, piece): lower priorities are dropped first."""
        s = self._stats
        dropped = f" ({s.dropped_frames} dropped)" if s.dropped_frames else ""
        late = Text(f"late {s.late_frames}{dropped}", style="bold red" if s.late_frames else "")
        parts = [
            (9, Text(f"frame {self._frame}")),
            (8, Text(f"t {self._now:.2f}s")),
            (7, Text(f"{s.measured_fps:.0f} fps", style="bold") if self._realtime
             else Text("virtual time", style="bold")),
            (6, Text(f"frame avg {format_ms(s.mean_frame_time)} max "
                     f"{format_ms(s.max_frame_time)}")),
            (7, late),
            (3, Text(f"step avg {format_ms(s.mean_step_time)}")),
        ]
        if s.gc_time_total:
            parts.append((2, Text(f"gc {format_ms(s.gc_time_total)}")))
        if s.callback_errors:
            parts.append((8, Text(f"callback errors {s.callback_errors}", style="bold red")))
        spark = sparkline(s.recent_frame_times[-SPARK_FRAMES:])
        if spark:
            parts.append((1, Text(spark, style="cyan")))
        return parts

    def lines(self, width: int) -> list[Text]:
        parts = self.parts()
        for floor in range(0, 11):
            kept = [p for prio, p in parts if prio >= floor]
            if sum(p.cell_len for p in kept) + 2 * (len(kept) - 1) <= width:
                break
        return [Text("  ", style="grey70", no_wrap=True, overflow="ellipsis").join(kept)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)


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
                      seen_tasks: bool = False) -> RenderableType:
    """The task table: id, status, description, progress, duration, error (and the
    created, done and info columns on wide consoles), coloured by status.

    ``total`` says ``rows`` are already ordered and are the top of that many.
    """
    return _table_part(rows, now, max_rows=max_rows, total=total, seen_tasks=seen_tasks)


def _table_part(rows: Sequence[TaskRow], now: float, *, max_rows: int | None,
                total: int | None, seen_tasks: bool) -> _TaskTable:
    ordered = order_rows(rows) if total is None else list(rows)
    shown = ordered if max_rows is None else ordered[:max(0, max_rows)]
    hidden = (len(ordered) if total is None else total) - len(shown)
    note = None
    if not ordered:
        note = Text(NO_TASKS_NOW if seen_tasks else NO_TASKS_YET, style="dim italic")
    elif hidden > 0:
        note = Text(f"… {hidden} more task{'s' if hidden != 1 else ''} not shown",
                    style="dim italic")
    return _TaskTable(shown, now, note)


class _Boxed:
    """A rounded frame with a title around lines that are laid out for its width.

    Drawn by hand rather than with ``Panel``: rich's panel re-splits and crops every
    line of its content, which was most of a redraw's cost; these lines are built
    to the inner width already.
    """

    def __init__(self, title: str, parts: Sequence[Callable[[int], list[Text]]]) -> None:
        self._title = title
        self._parts = parts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(8, options.max_width)
        inner = width - 4
        border = console.get_style("grey50")
        title = Text(self._title, style="bold")
        title.truncate(max(1, width - 6), overflow="ellipsis")
        yield Segment("╭─ ", border)
        yield from title.render(console)
        yield Segment(" " + "─" * max(0, width - 5 - title.cell_len) + "╮", border)
        yield Segment.line()
        left, right = Segment("│ ", border), Segment(" │", border)
        for part in self._parts:
            for text in part(inner):
                text.truncate(inner, overflow="ellipsis", pad=True)
                yield left
                yield from text.render(console)
                yield right
                yield Segment.line()
        yield Segment("╰" + "─" * (width - 2) + "╯", border)
        yield Segment.line()


class _TaskTable:
    """Lays the rows out when rich knows the width."""

    def __init__(self, rows: Sequence[TaskRow], now: float, note: Text | None = None) -> None:
        self._rows = rows
        self._now = now
        self._note = note

    def widths(self, width: int) -> dict[str, int]:
        """Characters per column for a console ``width`` wide; absent = not shown."""
        rows = self._rows
        id_w = max([2, *(len(str(r.task_id)) for r in rows)])
        fixed = {"id": id_w, "status": 10, "progress": 13, "duration": 8}
        cols = dict(fixed)
        room = width - sum(fixed.values()) - len(fixed)  # one space after each column
        if width >= WIDE_TABLE:
            cols["created"] = cols["done"] = 7
            room -= 16
            longest_info = max([0, *(len(r.info) for r in rows)])
            if longest_info:
                cols["info"] = min(longest_info, max(4, room // 5))
                room -= cols["info"] + 1
        longest_desc = max([11, *(len(r.description) for r in rows)])
        longest_err = max([0, *(len((r.error or "").split("\n", 1)[0]) for r in rows)])
        if room < 12 + (8 if longest_err else 0):  # too narrow: progress goes first
            del cols["progress"]
            room += 14
        if longest_err:
            # The description keeps what it needs first (up to 40 characters, or all
            # the error leaves); the error gets the rest, at least 8.
            desc = min(longest_desc, max(min(40, room - 9), room - longest_err - 1))
            cols["description"] = max(1, desc)
            cols["error"] = max(0, room - desc - 1)
        else:
            cols["description"] = max(1, room)
        return cols

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            yield from line.render(console)
            yield Segment.line()

    def lines(self, width: int) -> list[Text]:
        cols = self.widths(width)
        order = ["id", "status", "description", "progress", "duration", "created", "done",
                 "error", "info"]
        titles = {key: key for key in order}
        right = {"id", "duration", "created", "done"}
        shown = [c for c in order if cols.get(c, 0) > 0]
        header = Text(style="bold grey70", no_wrap=True)
        for key in shown:
            header.append(_fit(titles[key], cols[key], key in right) + " ")
        header.rstrip()
        lines = [header, Text("─" * min(width, sum(cols[k] + 1 for k in shown) - 1),
                              style="grey30")]
        now = self._now
        for row in self._rows:
            lines.append(self._line(row, shown, cols, right, now))
        if self._note is not None:
            lines.append(self._note.copy())
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        return lines

    @staticmethod
    def _line(row: TaskRow, shown: list[str], cols: dict[str, int], right: set[str],
              now: float) -> Text:
        text = row_text(row)
        status = text.status
        style = status_style(status)
        values = {
            "id": text.task_id,
            "description": text.description,
            "duration": format_duration(row.duration(now)),
            "created": text.created_at,
            "done": text.completed_at or "—",
            "error": text.error,
            "info": text.info,
        }
        line = Text(no_wrap=True)
        for key in shown:
            w = cols[key]
            if key == "status":
                line.append(_fit(status, w - 1, False), style=badge_style(status))
                line.append(" ")
            elif key == "progress":
                line.append_text(_progress(text, style, now))
            else:
                line.append(_fit(values[key], w, key in right),
                            style=_CELL_STYLES.get(key, ""))
                line.append(" ")
        line.rstrip()
        return line


def _fit(text: str, width: int, align_right: bool) -> str:
    """``text`` in exactly ``width`` characters: padded, or cut with an ellipsis."""
    if len(text) > width:
        return text[: width - 1] + "…" if width > 1 else text[:width]
    return text.rjust(width) if align_right else text.ljust(width)


def _progress(text: RowText, style: str, now: float) -> Text:
    """A bar and a percentage in 13 cells (14 with the gap); a sliding bar for
    running work that reports no progress."""
    if not text.progress_text:
        if text.status != "running":
            return Text(" " * 14)
        bar = bouncing_bar(now, _BAR_WIDTH, style)
        bar.append(" " * 6)
        return bar
    filled = round(text.progress * _BAR_WIDTH)
    bar = Text("━" * filled, style=style)
    bar.append("━" * (_BAR_WIDTH - filled), style="grey30")
    bar.append(f" {text.progress_text:>4} ", style=style)
    return bar
