"""The terminal view, as users see it: rendered into a recording rich console."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Iterator

import pytest
from rich.console import Console, RenderableType
from rich.style import Style

from asyncio_comp import (
    TaskRow,
    TaskStatus,
    WorkerSnapshot,
    WorkerStatus,
    WorkerTaskRow,
    current_worker_task,
    report_progress,
)
from host import FrameStats, Host
from host.views.palette import WORKER_RGBA, rich_color
from host.views.terminal import (
    STATUS_STYLES,
    TerminalView,
    format_duration,
    order_rows,
    render_task_view,
)
from host.views.worker_panel import render_worker_panel, worker_panel_height


def row(task_id: int, status: TaskStatus, *, description: str | None = None,
        created_at: float = 0.0, completed_at: float | None = None, error: str | None = None,
        progress: float | None = None, info: str = "") -> TaskRow:
    return TaskRow(task_id, status, description or f"task {task_id}", created_at, completed_at,
                   error, info, progress, None)


def record(renderable: RenderableType, width: int = 120) -> tuple[str, Console]:
    console = Console(file=io.StringIO(), record=True, width=width, color_system="truecolor")
    console.print(renderable)
    return console.export_text(), console


def styles_of(console: Console, renderable: RenderableType) -> dict[str, list[Style]]:
    """Every text segment the renderable draws, with the styles it is drawn in."""
    found: dict[str, list[Style]] = {}
    for segment in console.render(renderable):
        if segment.text.strip() and segment.style is not None:
            found.setdefault(segment.text.strip(), []).append(segment.style)
    return found


ALL_STATUSES = [
    row(1, TaskStatus.COMPLETED, completed_at=0.5, progress=1.0),
    row(2, TaskStatus.FAILED, completed_at=0.8, error="ConnectionError: server said 503"),
    row(3, TaskStatus.CANCELLED, completed_at=1.0, progress=0.25),
    row(4, TaskStatus.TIMEOUT, completed_at=1.5,
        error="TimeoutError: task exceededout of 1.5 s"),
    row(5, TaskStatus.RUNNING, created_at=0.5, progress=0.5),
    row(6, TaskStatus.PENDING, created_at=1.9),
]
COUNTS = {status: 1 for status in TaskStatus}
STATS = FrameStats(frames=120, late_frames=2, last_frame_time=0.004, mean_frame_time=0.003,
                   max_frame_time=0.02, measured_fps=59.9, recent_frame_times=(0.003, 0.02))


def test_every_status_is_shown_in_its_own_colour() -> None:
    view = render_task_view(ALL_STATUSES, COUNTS, STATS, now=2.0)
    text, console = record(view)
    segments = styles_of(console, view)
    colours = set()
    for status in TaskStatus:
        assert status.value in text
        expected = Style.parse(STATUS_STYLES[status.value])
        assert any(s.color == expected.color for s in segments[status.value]), status
        colours.add(expected.color)
    assert len(colours) == len(TaskStatus), "two statuses share a colour"


def test_counts_stats_and_errors_are_visible() -> None:
    text, _ = record(render_task_view(ALL_STATUSES, COUNTS, STATS, now=2.0))
    assert "running 1" in text and "timeout 1" in text and "total 6" in text
    assert "frame 120" in text and "60 fps" in text and "late 2" in text
    assert "max 20.0 ms" in text
    assert "ConnectionError: server" in text and "TimeoutError: task exceeded" in text
    wide, _ = record(render_task_view(ALL_STATUSES, COUNTS, STATS, now=2.0), width=160)
    assert "ConnectionError: server said 503" in wide


def test_long_errors_are_cut_with_an_ellipsis_and_whole_when_wide() -> None:
    rows = [row(1, TaskStatus.FAILED, completed_at=1.0, error="RuntimeError: " + "x" * 150)]
    narrow, _ = record(render_task_view(rows, {}, STATS, now=2.0), width=120)
    wide, _ = record(render_task_view(rows, {}, STATS, now=2.0), width=600)
    assert "RuntimeError: xxx" in narrow and "…" in narrow
    assert "RuntimeError: " + "x" * 150 in wide


def test_active_tasks_come_first_then_newest() -> None:
    assert [r.task_id for r in order_rows(ALL_STATUSES)] == [6, 5, 4, 3, 2, 1]
    text, _ = record(render_task_view(ALL_STATUSES, COUNTS, STATS, now=2.0))
    lines = [line for line in text.splitlines() if "task " in line]
    assert [int(line.split("│")[1].split()[0]) for line in lines] == [6, 5, 4, 3, 2, 1]


def test_progress_bars_show_percentages() -> None:
    text, _ = record(render_task_view(ALL_STATUSES, COUNTS, STATS, now=2.0))
    running = next(line for line in text.splitlines() if "task 5" in line)
    cancelled = next(line for line in text.splitlines() if "task 3" in line)
    completed = next(line for line in text.splitlines() if "task 1 " in line)
    assert "50%" in running and "━" in running
    assert "25%" in cancelled
    assert "100%" in completed


def test_running_work_of_unknown_size_gets_a_moving_bar() -> None:
    rows = [row(1, TaskStatus.RUNNING)]
    frames = {record(render_task_view(rows, {}, STATS, now=t))[0] for t in (0.0, 0.25, 0.5)}
    assert len(frames) == 3
    assert all("━━━" in text and "%" not in text.split("task 1")[1] for text in frames)


def test_durations_tick_for_running_tasks_only() -> None:
    rows = [row(1, TaskStatus.RUNNING, created_at=0.5),
            row(2, TaskStatus.COMPLETED, created_at=0.0, completed_at=0.25)]
    early, _ = record(render_task_view(rows, {}, STATS, now=1.5))
    late, _ = record(render_task_view(rows, {}, STATS, now=3.0))
    assert "1.00s" in early and "2.50s" in late
    assert "0.25s" in early and "0.25s" in late


def test_rows_beyond_max_rows_are_summarised() -> None:
    rows = [row(i, TaskStatus.COMPLETED, completed_at=1.0) for i in range(1, 21)]
    text, _ = record(render_task_view(rows, {TaskStatus.COMPLETED: 20}, STATS, now=2.0,
                                      max_rows=5))
    assert "task 20" in text and "task 16" in text and "task 15" not in text
    assert "15 more tasks not shown" in text


def test_an_empty_table_says_so() -> None:
    text, _ = record(render_task_view([], {}, FrameStats(), now=0.0))
    assert "no tasks yet" in text and "total 0" in text


@pytest.mark.parametrize(("seconds", "shown"), [
    (0.0, "0.00s"), (1.234, "1.23s"), (12.34, "12.34s"), (59.999, "1m00.0s"),
    (125.0, "2m05.0s"), (3599.99, "1h00m"), (7300.0, "2h01m"),
])
def test_format_duration(seconds: float, shown: str) -> None:
    assert format_duration(seconds) == shown


# -- the live view on a host -------------------------------------------------------
def file_console(height: int = 40) -> Console:
    return Console(file=io.StringIO(), width=120, height=height, record=True)


def test_view_refreshes_at_most_ten_times_a_second_while_tasks_run(host: Host) -> None:
    async def forever() -> None:
        await asyncio.sleep(3600)

    host.tasks.Run(forever())
    wall = [0.0]
    host.on_frame_start(lambda h: wall.__setitem__(0, wall[0] + 1 / 60))
    view = TerminalView(host, console=file_console(), time_function=lambda: wall[0],
                        threaded=False)
    with view:
        host.step(120)  # two seconds of wall time at 60 fps
    assert 19 <= view.refreshes <= 21


def test_an_idle_view_redraws_only_at_the_idle_rate(host: Host) -> None:
    """Nothing shown changes: the frame figures refresh twice a second, no more."""
    wall = [0.0]
    host.on_frame_start(lambda h: wall.__setitem__(0, wall[0] + 1 / 60))
    view = TerminalView(host, console=file_console(), time_function=lambda: wall[0],
                        threaded=False)
    with view:
        host.step(120)
        assert 4 <= view.refreshes <= 5
        host.tasks.Run(asyncio.sleep(0))  # a change is drawn at once
        before = view.refreshes
        host.step(1)
        assert view.refreshes == before + 1


def test_the_render_thread_draws_snapshots_and_never_reads_the_host(host: Host) -> None:
    """Drawn off the frame: the host's thread guard would raise if the thread read it."""
    async def forever() -> None:
        await asyncio.sleep(3600)

    for i in range(5):
        host.tasks.Run(forever(), description=f"job {i}")
    console = Console(file=io.StringIO(), width=120, height=40, force_terminal=True)
    wall = [0.0]
    host.on_frame_start(lambda h: wall.__setitem__(0, wall[0] + 0.2))
    view = TerminalView(host, console=console, time_function=lambda: wall[0])
    with view:
        for _ in range(5):
            host.step(1)
            deadline = time.monotonic() + 5
            while view.drawn < view.refreshes and time.monotonic() < deadline:
                time.sleep(0.005)  # let the render thread act
        assert view.refreshes == 5 and view.drawn == 5
    assert "job 4" in console.file.getvalue()  # type: ignore[attr-defined]
    assert host.stats.callback_errors == 0


def test_log_records_go_to_a_panel_not_over_the_view(host: Host) -> None:
    def broken(h: Host) -> None:
        raise ValueError("callback went wrong")

    console = file_console()
    view = TerminalView(host, console=console, threaded=False)
    with view:
        host.on_frame_end(broken)
        host.step(3)
        text, _ = record(view.renderable())
        assert "log" in text and "ValueError: callback went wrong" in text
        assert "Traceback" not in text
    out = console.export_text()
    # The panel kept it from scrolling the view; the last record is printed whole at the end.
    assert out.index("the last log message in full") > out.index("╰")
    assert "Traceback" in out and 'raise ValueError("callback went wrong")' in out


def test_an_emptied_table_says_tasks_were_cleared(host: Host) -> None:
    host.tasks.Run(asyncio.sleep(0))
    host.step(3)
    view = TerminalView(host, console=file_console(), threaded=False)
    with view:
        host.step(1)
        host.asyncio_comp.par.Clearall.pulse()
        host.step(2)
        text, _ = record(view.renderable())
    assert "no tasks yet" not in text and "no tasks now" in text


def test_final_picture_shows_every_task_as_it_ended(host: Host) -> None:
    async def work(seconds: float) -> None:
        await asyncio.sleep(seconds)
        report_progress(1.0)

    async def boom() -> None:
        raise ValueError("bad input")

    for i in range(30):
        host.tasks.Run(work(0.1 * i), description=f"job {i}")
    host.tasks.Run(boom(), description="the broken one")
    console = file_console(height=20)
    view = TerminalView(host, console=console, title="framehost · test")
    view.start()
    host.step(200)
    view.close()
    view.close()  # idempotent
    text = console.export_text()
    # A file gets one picture at the end, holding every row whatever its height.
    assert text.count("framehost · test") == 1
    assert all(f"job {i} " in text for i in range(30))
    assert "ValueError: bad input" in text and "completed 30" in text
    host.step(1)  # the view no longer draws after close
    assert console.export_text() == ""


def test_view_fits_rows_to_the_terminal_height(host: Host) -> None:
    async def forever() -> None:
        await asyncio.sleep(3600)

    for i in range(50):
        host.tasks.Run(forever(), description=f"job {i}")
    host.step(2)
    view = TerminalView(host, console=file_console(height=20))
    text, _ = record(view.renderable())
    assert text.count("job ") == 20 - 8  # 8 lines of chrome, with the whole-run line
    assert "more tasks not shown" in text
    assert len(text.splitlines()) == 20


def test_ctrl_c_during_a_run_stops_the_live_display(host: Host) -> None:
    def interrupt(h: Host) -> None:
        if h.frame == 5:
            raise KeyboardInterrupt

    host.on_frame_end(interrupt)
    view = TerminalView(host, console=file_console())
    with pytest.raises(KeyboardInterrupt), view:
        host.run(frames=100)
    assert host.frame == 5
    assert not view._live.is_started


def test_a_narrow_terminal_keeps_description_and_error_readable() -> None:
    rows = [row(1, TaskStatus.FAILED, description="download the big file", completed_at=1.0,
                error="ConnectionError: refused", info="{'x': 1}")]
    narrow, _ = record(render_task_view(rows, {}, STATS, now=2.0), width=110)
    wide, _ = record(render_task_view(rows, {}, STATS, now=2.0), width=150)
    assert "download the big file" in narrow and "ConnectionError: refused" in narrow
    assert "created" not in narrow and "{'x': 1}" not in narrow
    assert "created" in wide and "{'x': 1}" in wide


# -- the serial workers' queues ------------------------------------------------------
def wrow(task_id: int, status: WorkerStatus, *, description: str | None = None,
         progress: float | None = None, error: str | None = None,
         started_at: float | None = None, finished_at: float | None = None,
         cancelled: bool = False) -> WorkerTaskRow:
    return WorkerTaskRow(task_id, description or f"step {task_id}", status, progress, error,
                         0.0, started_at, finished_at, cancelled)


def snapshot(name: str = "/ChatTD/Houdini", *, current: WorkerTaskRow | None = None,
             pending: tuple[WorkerTaskRow, ...] = (), pending_count: int | None = None,
             history: tuple[WorkerTaskRow, ...] = (), completed: int = 0, failed: int = 0,
             stopped: bool = False) -> WorkerSnapshot:
    return WorkerSnapshot(name, current, pending,
                          len(pending) if pending_count is None else pending_count, history,
                          64, stopped, 0, completed, failed)


def colours_of(segments: dict[str, list[Style]], text: str) -> set[str | None]:
    return {s.color.name if s.color else None for s in segments[text]}


YELLOW, GREEN, RED = (rich_color(WORKER_RGBA[s]) for s in ("running", "completed", "failed"))


def test_no_worker_panel_without_workers(host: Host) -> None:
    text, _ = record(render_task_view(ALL_STATUSES, COUNTS, STATS, now=2.0))
    assert "workers" not in text
    view_text, _ = record(TerminalView(host, console=file_console()).renderable())
    assert "workers" not in view_text and "no tasks yet" in view_text


def test_worker_panel_shows_current_pending_in_order_and_history_newest_first() -> None:
    snap = snapshot(
        current=wrow(3, WorkerStatus.RUNNING, description="cook asset", progress=0.4,
                     started_at=1.0),
        pending=(wrow(4, WorkerStatus.PENDING, description="fetch surfaces"),
                 wrow(5, WorkerStatus.PENDING, description="set_parm scale")),
        history=(wrow(2, WorkerStatus.FAILED, description="set_parm tx", started_at=0.5,
                      finished_at=0.75, error="ValueError: no parm 'tx'"),
                 wrow(1, WorkerStatus.COMPLETED, description="instantiate", progress=1.0,
                      started_at=0.0, finished_at=0.5)),
        completed=1, failed=1)
    view = render_task_view([], {}, STATS, now=2.0, workers=[snap])
    text, console = record(view)
    lines = text.splitlines()
    order = [next(i for i, line in enumerate(lines) if word in line)
             for word in ("/ChatTD/Houdini", "cook asset", "fetch surfaces", "set_parm scale",
                          "set_parm tx", "instantiate")]
    assert order == sorted(order)
    heading = lines[order[0]]
    assert "running 1" in heading and "pending 2" in heading
    assert "completed 1" in heading and "failed 1" in heading
    running = lines[order[1]]
    assert "▶" in running and "40%" in running and "━" in running and "1.00s" in running
    assert "ValueError: no parm 'tx'" in lines[order[4]] and "0.25s" in lines[order[4]]
    assert "✓" in lines[order[5]] and "✗" in lines[order[4]]

    segments = styles_of(console, view)
    assert colours_of(segments, "cook asset") == {YELLOW}
    assert colours_of(segments, "fetch surfaces") == {YELLOW}
    assert colours_of(segments, "set_parm scale") == {YELLOW}
    assert colours_of(segments, "instantiate") == {GREEN}
    assert colours_of(segments, "set_parm tx") == {RED}


def test_worker_lists_are_bounded_with_a_count_of_the_rest() -> None:
    pending = tuple(wrow(i, WorkerStatus.PENDING, description=f"queued {i}")
                    for i in range(10, 13))
    history = tuple(wrow(i, WorkerStatus.COMPLETED, description=f"done {i}", started_at=0.0,
                         finished_at=0.1) for i in range(9, 0, -1))
    snap = snapshot(pending=pending, pending_count=40, history=history, completed=9)
    view = render_task_view([], {}, STATS, now=2.0, workers=[snap], worker_rows=3)
    text, _ = record(view)
    assert "queued 10" in text and "queued 12" in text
    assert "… 37 more" in text
    assert "done 9" in text and "done 7" in text and "done 6" not in text
    assert "… 6 more" in text
    assert "idle" in text  # nothing running


def test_every_worker_gets_its_own_section_and_an_empty_one_says_so() -> None:
    busy = snapshot("/ChatTD/Houdini", current=wrow(1, WorkerStatus.RUNNING, started_at=0.0))
    idle = snapshot("/ChatTD/Loader", stopped=True)
    text, _ = record(render_task_view([], {}, STATS, now=2.0, workers=[busy, idle]))
    assert text.index("/ChatTD/Houdini") < text.index("/ChatTD/Loader")
    loader = text[text.index("/ChatTD/Loader"):]
    assert "stopped" in loader.splitlines()[0]
    assert loader.count("none") == 2  # no pending, no history
    # Running work that reports no progress gets the sliding bar, not a percentage.
    houdini = next(line for line in text.splitlines() if "step 1" in line)
    assert "━━━" in houdini and "%" not in houdini


def test_a_cancelled_task_is_red_and_says_cancelled() -> None:
    snap = snapshot(history=(wrow(7, WorkerStatus.FAILED, description="late call",
                                  finished_at=1.0, error="WorkerTaskCancelled: cancelled",
                                  cancelled=True),), failed=1)
    view = render_task_view([], {}, STATS, now=2.0, workers=[snap])
    text, console = record(view)
    line = next(line for line in text.splitlines() if "late call" in line)
    assert "cancelled" in line
    assert colours_of(styles_of(console, view), "late call") == {RED}


@pytest.mark.parametrize("pending", [0, 2, 3, 9])
def test_worker_panel_height_is_the_lines_it_draws(pending: int) -> None:
    snap = snapshot(pending=tuple(wrow(i, WorkerStatus.PENDING) for i in range(pending)),
                    history=(wrow(99, WorkerStatus.COMPLETED),),
                    current=wrow(100, WorkerStatus.RUNNING, started_at=0.0))
    for workers in ([snap], [snap, snapshot("/ChatTD/Other")]):
        text, _ = record(render_worker_panel(workers, 1.0))
        assert len(text.splitlines()) == worker_panel_height(workers)


@pytest.fixture
def gate(host: Host) -> Iterator[threading.Event]:
    """Holds a worker task RUNNING until the test ends (released before the host closes)."""
    event = threading.Event()
    yield event
    event.set()


def test_a_live_worker_shows_in_the_terminal_view(host: Host, gate: threading.Event) -> None:
    houdini = host.create_worker("Houdini")
    started = threading.Event()

    def held() -> str:
        task = current_worker_task()
        assert task is not None
        task.report_progress(0.25)
        started.set()
        gate.wait(10)
        return "cooked"

    def broken() -> None:
        raise ValueError("asset file is corrupt")

    done = houdini.submit(lambda: 42, description="instantiate hda")
    bad = houdini.submit(broken, description="load broken hda")
    cook = houdini.submit(held, description="cook mesh")
    queued = [houdini.submit(lambda: None, description=f"fetch part {i}") for i in range(6)]
    assert done.wait(5) and bad.wait(5) and started.wait(5)
    host.step(3)

    console = file_console(height=40)
    view = TerminalView(host, console=console)
    renderable = view.renderable()
    text, _ = record(renderable)
    heading = next(line for line in text.splitlines() if "/ChatTD/Houdini" in line)
    assert "running 1" in heading and "pending 6" in heading
    assert "completed 1" in heading and "failed 1" in heading
    assert "cook mesh" in text and "25%" in text
    assert "fetch part 0" in text and "fetch part 2" in text and "fetch part 3" not in text
    assert "… 3 more" in text
    assert "ValueError: asset file is corrupt" in text
    lines = text.splitlines()
    assert (next(i for i, s in enumerate(lines) if "load broken hda" in s)
            < next(i for i, s in enumerate(lines) if "instantiate hda" in s))

    segments = styles_of(console, renderable)
    assert colours_of(segments, "cook mesh") == {YELLOW}
    assert colours_of(segments, "fetch part 0") == {YELLOW}
    assert colours_of(segments, "instantiate hda") == {GREEN}
    assert colours_of(segments, "load broken hda") == {RED}

    # The task table gives the worker panel the lines it needs.
    async def forever() -> None:
        await asyncio.sleep(3600)

    for i in range(50):
        host.tasks.Run(forever(), description=f"job {i}")
    host.step(1)
    text, _ = record(view.renderable())
    snaps = [houdini.snapshot(3)]
    assert text.count("job ") == 40 - 8 - worker_panel_height(snaps)
    assert len(text.splitlines()) <= 40

    gate.set()
    assert cook.wait(5) and queued[-1].wait(5)
    host.step(1)
    text, console = record(view.renderable())
    heading = next(line for line in text.splitlines() if "/ChatTD/Houdini" in line)
    assert "running 0" in heading and "pending 0" in heading
    assert "completed 8" in heading and "failed 1" in heading
    assert "idle" in text and "… 6 more" in text  # 9 ended, the newest 3 shown
    assert "cook mesh" not in text and "fetch part 5" in text
    assert colours_of(styles_of(console, view.renderable()), "fetch part 5") == {GREEN}


def test_the_final_picture_of_a_run_includes_the_workers(host: Host) -> None:
    worker = host.create_worker("Houdini")
    assert worker.submit(lambda: 1, description="instantiate hda").wait(5)
    console = file_console()
    with TerminalView(host, console=console):
        host.step(2)
    text = console.export_text()
    assert "workers" in text and "/ChatTD/Houdini" in text and "instantiate hda" in text


# -- widths ---------------------------------------------------------
@pytest.mark.parametrize("width", [80, 120])
def test_ids_are_whole_and_the_counts_keep_one_line(width: int) -> None:
    rows = [row(100_000 + i, status, description="heartbeat every second",
                completed_at=None if status.is_active else 1.0,
                error="ConnectionError: server said 503" if status is TaskStatus.FAILED
                else None)
            for i, status in enumerate(TaskStatus)]
    counts = {status: 12_345 for status in TaskStatus}
    text, _ = record(render_task_view(rows, counts, STATS, now=2.0), width=width)
    lines = text.splitlines()
    for r in rows:
        assert str(r.task_id) in text
    assert "…" not in "".join(line.split("│")[1][:8] for line in lines if "heartbeat" in line)
    # The counts line is the panel's first line of content, and whole.
    assert "total 74070" in lines[1]
    assert all(len(line) == width for line in lines)
    # At 80 columns the description is whole and the error still readable.
    assert all("heartbeat every second" in line for line in lines if "heartbeat" in line)
    failed = next(line for line in lines if "failed" in line and "heartbeat" in line)
    assert "Connection" in failed


def test_statuses_are_badges_with_readable_text() -> None:
    from host.views.palette import STATUS_RGBA, badge_text, contrast_ratio

    view = render_task_view(ALL_STATUSES, COUNTS, STATS, now=2.0)
    _, console = record(view)
    segments = styles_of(console, view)
    for status in TaskStatus:
        badge = STATUS_RGBA[status.value]
        styles = [s for s in segments[status.value] if s.bgcolor is not None]
        assert styles, f"{status} has no badge"
        assert styles[0].bgcolor == Style.parse(rich_color(badge)).color
        assert styles[0].color == Style.parse(rich_color(badge_text(badge))).color
        assert contrast_ratio(badge, badge_text(badge)) >= 4.5


def test_virtual_time_shows_no_measured_rate(host: Host) -> None:
    host.step(30)
    text, _ = record(TerminalView(host, console=file_console(), threaded=False).renderable())
    assert "virtual time" in text and " fps" not in text
