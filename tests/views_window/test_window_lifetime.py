"""The window header shows lifetime counts: what ended over the
whole run, beside the per-status counts of what the table holds now."""

from __future__ import annotations

from asyncio_comp import TaskStatus
from host import Host
from host.views.window import WindowView
from host.views.window.header import lifetime_text


def test_the_lifetime_text_names_every_ending() -> None:
    lifetime = {TaskStatus.COMPLETED: 120, TaskStatus.FAILED: 1, TaskStatus.CANCELLED: 3,
                TaskStatus.TIMEOUT: 0}
    assert lifetime_text(lifetime) == "run: 120 ok · 1 failed · 3 cancelled · 0 timeout"


def test_the_header_keeps_counting_after_clear_after_removed_the_rows(
        host: Host, view: WindowView) -> None:
    async def ok() -> None:
        return None

    host.asyncio_comp.par.Clearafter = 0.0
    host.tasks.Run([ok() for _ in range(4)])
    host.step(3)
    assert host.tasks.task_count() == 0
    assert view.screen.header.lifetime_shown.startswith("run: 4 ok")
