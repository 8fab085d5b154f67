"""Port 3: a monitor on GetAllTasksInfo / GetTaskStatus, refreshed with run()."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from host import Host


async def sleeper(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def broken() -> None:
    raise RuntimeError("no")


def test_the_summary_counts_statuses_every_interval(host: Host,
                                                    port: Callable[..., Any]) -> None:
    port(host, "task_monitor")
    monitor: Any = host.op("/monitor")
    ext = monitor.ext.TaskMonitorExt
    tasks = host.tasks
    tasks.Run(sleeper(60), description="long one")
    tasks.Run(sleeper(60), description="second long one")
    tasks.Run(sleeper(0.05))
    tasks.Run(broken())
    tasks.Run(sleeper(60), timeout=0.05)
    host.step(1)
    assert ext.refreshes == 1  # run(ext.Refresh) from build: the first frame's start
    summary = host.op("/monitor/summary")
    assert summary["running", "count"] == 0  # counted before the tasks started
    assert summary["pending", "count"] == 5

    host.step(10)  # frame 11: the second refresh
    assert ext.refreshes == 2
    counts = {row[0]: int(row[1]) for row in summary.values()[1:]}
    assert counts == {"pending": 0, "running": 2, "completed": 1, "failed": 1,
                      "cancelled": 0, "timeout": 1}
    assert monitor.par.Active == 2 and monitor.par.Oldest == "long one"

    monitor.par.Interval = 2
    host.step(10)  # frames 12..21: refreshes at 21 (interval 10 was already scheduled)
    host.step(4)
    assert ext.refreshes == 5
    monitor.par.Autorefresh = False
    host.step(10)
    assert ext.refreshes == 6  # the one already scheduled, then no more
