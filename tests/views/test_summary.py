"""The --headless end-of-run summary, rendered into a recording console."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

from asyncio_comp import TaskRow, TaskStatus
from host import FrameStats
from host.views.summary import render_summary


def text_of(renderable: RenderableType) -> str:
    console = Console(file=io.StringIO(), record=True, width=120)
    console.print(renderable)
    return console.export_text()


def failed(task_id: int) -> TaskRow:
    return TaskRow(task_id, TaskStatus.FAILED, f"job {task_id}", 0.0, 0.5,
                   f"ValueError: bad {task_id}", "", None, None)


STATS = FrameStats(frames=600, late_frames=3, mean_frame_time=0.0021, max_frame_time=0.0187,
                   mean_step_time=0.0004, max_step_time=0.002, measured_fps=59.8)


def test_counts_per_status_frames_and_frame_times() -> None:
    counts = dict.fromkeys(TaskStatus, 0) | {TaskStatus.COMPLETED: 7, TaskStatus.RUNNING: 2}
    text = text_of(render_summary([], counts, STATS, seconds=9.983, fps=60.0, realtime=True))
    lines = text.splitlines()
    assert "600 frames, 9.98s of host time at 60 fps (realtime)" in text
    assert any("completed" in line and line.split()[1] == "7" for line in lines)
    assert any("running" in line and line.split()[1] == "2" for line in lines)
    assert any(line.split()[:2] == ["total", "9"] for line in lines)
    assert "late frames" in text and "2.10ms" in text and "18.70ms" in text
    assert "errors" not in text


def test_errors_of_failed_tasks_are_listed_newest_first_up_to_five() -> None:
    rows = [failed(i) for i in range(1, 9)]
    text = text_of(render_summary(rows, {TaskStatus.FAILED: 8}, STATS, seconds=1.0, fps=30.0,
                                  realtime=False))
    assert "(virtual time)" in text
    assert "ValueError: bad 8" in text and "ValueError: bad 4" in text
    assert "ValueError: bad 3" not in text
    assert "… and 3 more" in text
