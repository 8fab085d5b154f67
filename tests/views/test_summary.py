"""The --headless end-of-run summary, rendered into a recording console."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from asyncio_comp import TaskRow, TaskStatus, find_workers
from host import FrameStats, Host
from host.cli import main
from host.views.summary import render_summary, summary_line


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
    text = text_of(render_summary([], counts, STATS, seconds=9.983, fps=60.0, realtime=True,
                                  over_budget=0))
    lines = text.splitlines()
    assert "600 frames, 9.98s of host time at 60 fps (realtime)" in text
    assert any("completed" in line and line.split()[1] == "7" for line in lines)
    assert any("running" in line and line.split()[1] == "2" for line in lines)
    assert any(line.split()[:2] == ["total", "9"] for line in lines)
    assert "late frames" in text and "2.10 ms" in text and "18.7 ms" in text
    assert "errors" not in text
    assert "59.8" in text


def test_virtual_time_has_no_measured_fps() -> None:
    """Back-to-back frames have no rate worth reading (343419.4 fps)."""
    stats = FrameStats(frames=600, measured_fps=343_419.4)
    text = text_of(render_summary([], {}, stats, seconds=10.0, fps=60.0, realtime=False,
                                  over_budget=0))
    assert "343419" not in text and "— (virtual time)" in text


def test_the_one_line_summary() -> None:
    assert summary_line(STATS, 10.0, realtime=True, over_budget=2) == (
        "600 frames, 10.00 s of host time, 3 late frames, 2 over budget, frame time mean "
        "2.10 ms max 18.7 ms")
    assert summary_line(FrameStats(frames=1, late_frames=1), 1 / 60, realtime=True,
                        over_budget=1).startswith(
        "1 frame, 0.02 s of host time, 1 late frame, 1 over budget,")


def test_in_virtual_time_late_is_left_out_and_over_budget_stays() -> None:
    # "late" is against the wall clock, which virtual time does not follow; a frame
    # whose work took longer than a period is over budget in either mode.
    assert summary_line(STATS, 10.0, realtime=False, over_budget=2) == (
        "600 frames, 10.00 s of host time, 2 over budget, frame time mean 2.10 ms "
        "max 18.7 ms")
    text = text_of(render_summary([], {}, STATS, seconds=10.0, fps=60.0, realtime=False,
                                  over_budget=2))
    lines = text.splitlines()
    assert "late frames" not in text
    assert any(line.split()[-6:] == ["late,", "dropped", "frames", "—", "(virtual", "time)"]
               for line in lines)
    assert any(line.split()[-3:] == ["over", "budget", "2"] for line in text.splitlines())


def test_realtime_tables_count_late_and_over_budget_apart() -> None:
    text = text_of(render_summary([], {}, STATS, seconds=10.0, fps=60.0, realtime=True,
                                  over_budget=5))
    lines = text.splitlines()
    assert any(line.split()[-3:] == ["late", "frames", "3"] for line in lines)
    assert any(line.split()[-3:] == ["over", "budget", "5"] for line in lines)


def test_errors_of_failed_tasks_are_listed_newest_first_up_to_five() -> None:
    rows = [failed(i) for i in range(1, 9)]
    text = text_of(render_summary(rows, {TaskStatus.FAILED: 8}, STATS, seconds=1.0, fps=30.0,
                                  realtime=False, over_budget=0))
    assert "(virtual time)" in text
    assert "ValueError: bad 8" in text and "ValueError: bad 4" in text
    assert "ValueError: bad 3" not in text
    assert "… and 3 more" in text


def test_one_line_per_worker_with_completed_failed_and_pending_counts(host: Host) -> None:
    houdini = host.create_worker("Houdini", history_size=2)
    host.create_worker("Loader")
    for i in range(5):
        houdini.submit(lambda: None, description=f"cook {i}")
    last = houdini.submit(int, "not a number", description="parse")
    assert last.wait(5)
    snaps = [w.snapshot(0) for w in find_workers(host)]
    text = text_of(render_summary([], {}, STATS, seconds=1.0, fps=60.0, realtime=False,
                                  over_budget=0, workers=snaps))
    lines = text.splitlines()
    assert "workers" in text
    houdini_line = next(line for line in lines if "/ChatTD/Houdini" in line)
    # Totals over the whole run, not only what the (2-long) history still holds.
    assert houdini_line.split()[1:] == ["5", "1", "0", "0"]
    loader_line = next(line for line in lines if "/ChatTD/Loader" in line)
    assert loader_line.split()[1:] == ["0", "0", "0", "0"]
    header = next(line for line in lines if "completed" in line and "pending" in line)
    assert header.split() == ["worker", "completed", "failed", "running", "pending"]


def test_no_workers_table_without_workers() -> None:
    text = text_of(render_summary([], {}, STATS, seconds=1.0, fps=60.0, realtime=False,
                                  over_budget=0))
    assert "worker" not in text


WORKER_SCENE = '''\
def build(host):
    worker = host.create_worker("Houdini")
    worker.submit(lambda: None, description="instantiate")
    worker.submit(lambda: None, description="cook")
    worker.submit(int, "x", description="parse").wait(5)
'''


def test_headless_run_prints_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "worker_scene.py"
    path.write_text(WORKER_SCENE, encoding="utf-8")
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "framehost_scene_worker_scene", raising=False)
    assert main(["run", str(path), "--headless", "--no-realtime", "--frames", "3"]) == 0
    sys.modules.pop("framehost_scene_worker_scene", None)
    line = next(line for line in capsys.readouterr().out.splitlines()
                if "/ChatTD/Houdini" in line)
    assert line.split()[1:] == ["2", "1", "0", "0"]
