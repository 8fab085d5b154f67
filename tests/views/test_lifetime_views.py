"""Lifetime counts in the views: the --headless summary and the
terminal view show what ended over the whole run beside what the table holds now
(the window header: tests/views_window/test_window_lifetime.py)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console, RenderableType

from asyncio_comp import TaskStatus
from host import FrameStats, Host
from host.views.summary import render_summary
from host.views.terminal import TerminalView, render_lifetime, render_task_view

STATS = FrameStats(frames=600, late_frames=0, mean_frame_time=0.002, max_frame_time=0.01,
                   mean_step_time=0.001, max_step_time=0.002, measured_fps=60.0)
NOW = dict.fromkeys(TaskStatus, 0) | {TaskStatus.RUNNING: 2, TaskStatus.FAILED: 0}
LIFETIME = {TaskStatus.COMPLETED: 120, TaskStatus.FAILED: 1, TaskStatus.CANCELLED: 3,
            TaskStatus.TIMEOUT: 0}


def text_of(renderable: RenderableType) -> str:
    console = Console(file=io.StringIO(), record=True, width=140)
    console.print(renderable)
    return console.export_text()


def test_the_summary_has_a_whole_run_column_beside_the_counts() -> None:
    text = text_of(render_summary([], NOW, STATS, seconds=10.0, fps=60.0, realtime=False,
                                  over_budget=0, lifetime=LIFETIME))
    lines = text.splitlines()
    assert any("whole run" in line for line in lines)
    assert any(line.split()[:3] == ["completed", "0", "120"] for line in lines)
    assert any(line.split()[:3] == ["failed", "0", "1"] for line in lines)
    assert any(line.split()[:3] == ["running", "2", "2"] for line in lines)
    assert any(line.split()[:3] == ["total", "2", "126"] for line in lines)


def test_the_summary_without_lifetime_counts_is_unchanged() -> None:
    text = text_of(render_summary([], NOW, STATS, seconds=10.0, fps=60.0, realtime=False,
                                  over_budget=0))
    assert "whole run" not in text


def test_the_terminal_view_shows_a_whole_run_line() -> None:
    line = render_lifetime(LIFETIME).plain
    assert line.startswith("whole run")
    assert "completed 120" in line and "failed 1" in line and "ended 124" in line
    view = text_of(render_task_view([], NOW, STATS, 1.0, lifetime=LIFETIME))
    assert "whole run" in view and "ended 124" in view


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_live_terminal_view_reads_the_managers_lifetime_counts(host: Host) -> None:
    async def ok() -> None:
        return None

    host.asyncio_comp.par.Clearafter = 0.0
    host.tasks.Run([ok() for _ in range(3)])
    host.step(2)
    console = Console(file=io.StringIO(), width=140, height=40, force_terminal=False)
    view = TerminalView(host, console=console)
    assert "completed 3" in text_of(view.renderable())
    assert host.tasks.task_count() == 0
