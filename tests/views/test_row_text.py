"""One row, one text: the terminal table and the window's table format a task row
through `host.views.row_text`, so the same snapshot reads the same in both."""

from __future__ import annotations

import io

from rich.console import Console

from asyncio_comp import TaskRow, TaskStatus
from host.views.row_text import row_text
from host.views.terminal_render import render_task_table


def shown_in_terminal(rows: list[TaskRow], width: int = 160) -> str:
    console = Console(file=io.StringIO(), record=True, width=width, color_system=None)
    console.print(render_task_table(rows, 3.0))
    return console.export_text()


def test_a_multi_line_description_and_info_read_as_one_line() -> None:
    row = TaskRow(4, TaskStatus.RUNNING, "fetch\nshard 7", 0.5, None, None, "a\nb", None, None)
    text = row_text(row)
    assert (text.description, text.info) == ("fetch shard 7", "a b")
    assert "fetch shard 7" in shown_in_terminal([row])


def test_reported_progress_outside_0_to_1_is_clamped_in_both_views() -> None:
    over = TaskRow(1, TaskStatus.RUNNING, "over", 0.0, None, None, "", 1.3, None)
    under = TaskRow(2, TaskStatus.RUNNING, "under", 0.0, None, None, "", -0.2, None)
    assert (row_text(over).progress, row_text(over).progress_text) == (1.0, "100%")
    assert (row_text(under).progress, row_text(under).progress_text) == (0.0, "0%")
    lines = shown_in_terminal([over, under]).splitlines()
    assert "100%" in next(line for line in lines if "over" in line)
    assert " 0%" in next(line for line in lines if "under" in line)


def test_both_views_show_the_same_times_and_error_line() -> None:
    row = TaskRow(9, TaskStatus.FAILED, "parse", 1.25, 2.5, "ValueError: bad\ntrace", "",
                  None, None)
    text = row_text(row)
    assert (text.created_at, text.completed_at, text.error) == ("1.25", "2.50", "ValueError: bad")
    line = next(line for line in shown_in_terminal([row]).splitlines() if "parse" in line)
    assert "1.25" in line and "2.50" in line and "ValueError: bad" in line
    assert "trace" not in line
