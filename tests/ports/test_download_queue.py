"""Port 2: reading task_table by task id and pulsing Cancel Active."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from host import Host


def test_statuses_come_from_the_task_table_by_label_and_cancel_active_ends_the_rest(
        host: Host, port: Callable[..., Any]) -> None:
    port(host, "download_queue")
    downloads: Any = host.op("/downloads")
    ids = downloads.Start(5)
    host.step(2)
    assert [downloads.Status(i) for i in ids] == ["running"] * 5
    host.step(7)  # the three short downloads end at 0.1 s
    assert [downloads.Status(i) for i in ids] == ["completed", "completed", "failed",
                                                  "running", "running"]
    status = host.op("/downloads/status")
    assert status[str(ids[2]), "error"].val.endswith("mirror 2 refused")
    assert float(status[str(ids[3]), "seconds"]) >= 0.1

    downloads.par.Cancelall.pulse()
    host.step(1)
    assert [downloads.Status(i) for i in ids][3:] == ["cancelled", "cancelled"]
    assert status[str(ids[4]), "status"] == "cancelled"
    assert host.tasks.GetActiveTasksCount() == 0

    host.tasks.Clearall()
    host.step(1)
    assert [downloads.Status(i) for i in ids] == ["gone"] * 5
    assert status[str(ids[0]), 1] == "gone"
