"""What a run prints when it ends: the one-line summary every view ends with, and
the tables ``framehost run --headless`` prints before it.

Two words, each with one meaning (docs/api.md, "Frame blame"): a frame is *late*
when a realtime frame started at least half a period after its time on the wall
clock (`FrameStats.late_frames`; virtual time has no wall clock, so no frame is
late there), and *over budget* when its work took longer than one period (the
frames `td.blame.FrameBlame` reports, the worst of which are listed at the end).

Pure functions of what the run left behind (task rows, counts, frame stats), so
they are tested by rendering into a recording console, like the terminal view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from asyncio_comp.records import order_rows
from host.views._format import format_duration, format_ms
from host.views.palette import STATUS_ORDER, status_style
from host.views.terminal_render import counts_by_value
from host.views.worker_panel import WORKER_STYLES

if TYPE_CHECKING:
    from asyncio_comp.records import TaskRow
    from asyncio_comp.status import TaskStatus
    from asyncio_comp.worker.serial_worker import WorkerSnapshot
    from td.blame import LateFrameReport
    from td.stats import FrameStats

__all__ = ["covered_seconds", "over_budget_line", "render_summary", "summary_line",
           "worst_frame_lines"]

#: Errors listed under the tables; the rest are counted.
MAX_ERRORS_SHOWN = 5


def covered_seconds(frames: int, seconds: float, fps: float) -> float:
    """Host time ``frames`` frames covered, the last starting at ``seconds``: to the end
    of its period, so 600 frames at 60 fps read as 10 s rather than 9.98 s."""
    return seconds + 1.0 / fps if frames else 0.0


def summary_line(stats: FrameStats, seconds: float, *, realtime: bool, over_budget: int,
                 frames: int | None = None) -> str:
    """``600 frames, 10.00 s of host time, 0 late frames, 2 over budget, frame time
    mean 0.42 ms max 3.10 ms``: the line every view's run ends with, whatever the view.
    In virtual time the late frames are left out: no frame can start late there.

    Args:
        seconds: host time the run covered (to the end of the last frame's period).
        realtime: whether the frames were paced to the wall clock.
        over_budget: frames whose work took longer than one period
            (`td.blame.FrameBlame.late_count`).
        frames: frames run, when the last one did not finish (Ctrl-C inside a frame);
            by default the frames the stats recorded.
    """
    n = stats.frames if frames is None else frames
    late = ""
    if realtime:
        dropped = stats.dropped_frames
        lost = f" ({_plural(dropped, 'frame')} dropped)" if dropped else ""
        late = f"{_plural(stats.late_frames, 'late frame')}{lost}, "
    return (f"{_plural(n, 'frame')}, {seconds:.2f} s of host time, {late}{over_budget} over "
            f"budget, frame time mean {format_ms(stats.mean_frame_time)} max "
            f"{format_ms(stats.max_frame_time)}")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def worst_frame_lines(worst: Sequence[LateFrameReport], count: int = 3) -> list[str]:
    """``worst frame 42: 61.2 ms: task #7 fetch 50.1 ms, ...``: the run's worst
    over-budget frames (`td.blame.FrameBlame.worst`), longest first, each with its top
    three costs; printed before the summary line every run ends with."""
    return [f"worst frame {report.line(3).removeprefix('frame ')}"
            for report in worst[:count]]


def over_budget_line(report: LateFrameReport, budget: float, entries: int = 3) -> str:
    """``frame 42: 61.2 ms, over its 16.7 ms: task #7 fetch 50.1 ms, ...``: an
    over-budget frame as the terminal view's log panel shows it."""
    head, _, costs = report.line(entries).partition(" ms: ")
    return f"{head} ms, over its {format_ms(budget)}: {costs}"


def render_summary(
    rows: Sequence[TaskRow],
    counts: Mapping[TaskStatus, int],
    stats: FrameStats,
    *,
    seconds: float,
    fps: float,
    realtime: bool,
    title: str = "framehost",
    workers: Sequence[WorkerSnapshot] = (),
    lifetime: Mapping[TaskStatus, int] | None = None,
    over_budget: int,
) -> RenderableType:
    """Tasks per status, frame and frame-time figures, one line per serial worker, and
    the errors of tasks that failed.

    Args:
        rows: the tasks still tracked at the end (finished ones older than Clear After
            are gone, and are not counted).
        seconds: host time the run covered (to the end of the last frame's period).
        workers: snapshots of the host's serial workers, taken before it closed (closing
            fails what is still queued); no workers table if empty.
        lifetime: tasks that ended in each final status over the whole run
            (`AsyncIOManager.GetLifetimeCounts`), shown as a "whole run" column
            beside ``counts`` (what the table holds now).
        over_budget: frames whose work took longer than one period
            (`td.blame.FrameBlame.late_count`).
    """
    mode = "realtime" if realtime else "virtual time"
    heading = Text.assemble(
        (f"{title}", "bold"),
        f" — {stats.frames} frames, {seconds:.2f}s of host time at {fps:g} fps ({mode})",
    )
    tables = Table.grid(padding=(0, 4))
    tables.add_row(_counts_table(counts, lifetime),
                   _frames_table(stats, realtime, over_budget))
    parts: list[RenderableType] = [heading, tables]
    if workers:
        parts.append(_workers_table(workers))
    errors = _errors(rows)
    if errors is not None:
        parts.append(errors)
    return Group(*parts)


def _counts_table(counts: Mapping[TaskStatus, int],
                  lifetime: Mapping[TaskStatus, int] | None = None) -> Table:
    table = Table("status", "count", box=box.SIMPLE_HEAD, title="tasks", title_justify="left",
                  header_style="bold grey70")
    table.columns[1].justify = "right"
    by_status = counts_by_value(counts)
    run = _whole_run(by_status, lifetime)
    if run is not None:
        table.add_column("whole run", justify="right")
    total = run_total = 0
    for status in STATUS_ORDER:
        n = by_status.get(status, 0)
        total += n
        style = status_style(status) if n else "dim"
        cells = [Text(status, style=style), Text(str(n), style=style)]
        if run is not None:
            ever = run[status]
            run_total += ever
            cells.append(Text(str(ever), style=status_style(status) if ever else "dim"))
        table.add_row(*cells)
    totals = [Text("total", style="bold"), Text(str(total), style="bold")]
    if run is not None:
        totals.append(Text(str(run_total), style="bold"))
    table.add_row(*totals, end_section=True)
    return table


def _whole_run(now: Mapping[str, int],
               lifetime: Mapping[TaskStatus, int] | None) -> dict[str, int] | None:
    """Lifetime counts by status value: the tasks that ended in each final
    status over the run, however many Clear After removed; pending and running are
    what is active now."""
    if lifetime is None:
        return None
    ended = counts_by_value(lifetime)
    return {status: ended[status] if status in ended else now.get(status, 0)
            for status in STATUS_ORDER}


def _frames_table(stats: FrameStats, realtime: bool, over_budget: int) -> Table:
    table = Table("measure", "value", box=box.SIMPLE_HEAD, title="frames", title_justify="left",
                  header_style="bold grey70")
    table.columns[1].justify = "right"
    table.add_row("frames run", str(stats.frames))
    table.add_row("over budget", Text(str(over_budget), style="bold red" if over_budget else ""))
    # Late and dropped are against the wall clock, which virtual time does not follow.
    if realtime:
        table.add_row("late frames", Text(str(stats.late_frames),
                                          style="bold red" if stats.late_frames else ""))
        table.add_row("dropped frames", Text(str(stats.dropped_frames),
                                             style="bold red" if stats.dropped_frames else ""))
    else:
        table.add_row("late, dropped frames", Text("— (virtual time)", style="dim"))
    # Frames back to back in virtual time have no rate worth reading: 300k "fps" only
    # says how fast an empty frame is, which the frame times say better.
    table.add_row("measured fps", f"{stats.measured_fps:.1f}" if realtime
                  else Text("— (virtual time)", style="dim"))
    table.add_row("frame time mean", _ms(stats.mean_frame_time))
    table.add_row("frame time max", _ms(stats.max_frame_time))
    table.add_row("step time mean", _ms(stats.mean_step_time))
    table.add_row("step time max", _ms(stats.max_step_time))
    if stats.gc_collections:
        table.add_row("gc time", f"{_ms(stats.gc_time_total)} in "
                      f"{_plural(stats.gc_collections, 'run')}")
    if stats.callback_errors:
        table.add_row("callback errors", Text(str(stats.callback_errors), style="bold red"))
    return table


def _workers_table(workers: Sequence[WorkerSnapshot]) -> Table:
    """One line per worker: tasks completed and failed over the run, and left unfinished."""
    table = Table("worker", "completed", "failed", "running", "pending", box=box.SIMPLE_HEAD,
                  title="workers", title_justify="left", header_style="bold grey70")
    for column in table.columns[1:]:
        column.justify = "right"
    for snap in workers:
        running = 1 if snap.current is not None else 0
        cells = [Text(str(n), style=WORKER_STYLES[status] if n else "dim")
                 for status, n in (("completed", snap.completed_total),
                                   ("failed", snap.failed_total),
                                   ("running", running),
                                   ("pending", snap.pending_count))]
        table.add_row(snap.name, *cells)
    return table


def _errors(rows: Sequence[TaskRow]) -> RenderableType | None:
    failed = [r for r in order_rows(rows) if r.error]
    if not failed:
        return None
    table = Table("id", "status", "description", "after", "error", box=box.SIMPLE_HEAD,
                  title="errors", title_justify="left", header_style="bold grey70")
    for row in failed[:MAX_ERRORS_SHOWN]:
        status = str(row.status)
        duration = row.duration(row.completed_at if row.completed_at is not None
                                else row.created_at)
        table.add_row(str(row.task_id), Text(status, style=status_style(status)),
                      row.description, format_duration(duration),
                      Text(row.error or "", style="red"))
    hidden = len(failed) - MAX_ERRORS_SHOWN
    if hidden > 0:
        return Group(table, Text(f"… and {hidden} more", style="dim italic"))
    return table


def _ms(seconds: float) -> str:
    return format_ms(seconds)
