"""The terminal view's share of observability: over-budget frames in its log panel, and
where each task still running at the end waits."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console

from host import Host
from host.views.terminal import TerminalView


def _console() -> Console:
    return Console(file=io.StringIO(), width=160, height=40, record=True)


def test_an_over_budget_frames_top_costs_go_to_the_log_panel(host: Host) -> None:
    now = [100.0]
    host.wall_clock = lambda: now[0]

    async def heavy() -> None:
        now[0] += 0.05

    console = _console()
    view = TerminalView(host, console=console, threaded=False)
    with view:
        task_id = host.tasks.Run(heavy(), description="heavy step")
        host.step(3)
        view.refresh()
    out = console.export_text()
    assert (f"budget  frame 1: 50.0 ms, over its 16.7 ms: task #{task_id} heavy step 50.0 ms"
            in out)
    # The view's own line is not taken for a log record (the last one is printed whole).
    assert "(1 earlier" not in out


def test_the_final_picture_says_where_each_running_task_waits(host: Host) -> None:
    async def nap() -> None:
        await asyncio.sleep(3600)

    async def stuck() -> None:
        await nap()

    console = _console()
    view = TerminalView(host, console=console, threaded=False)
    with view:
        task_id = host.tasks.Run(stuck(), description="stuck")
        host.step(3)
    out = console.export_text()
    line = next(li for li in out.splitlines() if li.startswith(f"framehost: task {task_id}"))
    assert line.startswith(f"framehost: task {task_id} (stuck) waits: asyncio.sleep(3600): "
                           f"wakes at 3600.000 s host time")
    assert "in nap ← test_terminal_blame.py:" in line and line.endswith("in stuck")
