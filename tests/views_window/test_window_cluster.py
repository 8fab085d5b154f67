"""The cluster panel, headless: a farm's ``cluster_table`` shown under the network.

The panel reads only the table (the window never imports Dask), so these tests
write the table the way `DaskFarm` does; tests/operators/test_dask_farm.py shows
a real farm filling it.
"""

from __future__ import annotations

from host import BaseCOMP, Host, TableDAT
from host.views.window import WindowView
from operators.dask_cluster_table import ClusterTable, WorkerRow


def farm_with_table(host: Host) -> ClusterTable:
    farm = host.root.create(BaseCOMP, "farm")
    return ClusterTable(farm.create(TableDAT, "cluster_table"))


def test_no_farm_takes_no_room(host: Host, view: WindowView) -> None:
    host.step(20)
    assert not view.screen.cluster.has_farms
    assert view.screen.cluster.box is None and view.screen.cluster.lines == []


def test_workers_appear_update_and_go(host: Host, view: WindowView) -> None:
    table = farm_with_table(host)
    host.run(until=lambda: view.screen.cluster.box is not None, frames=60)
    host.step(1)
    assert [t for t in view.screen.cluster.texts() if t] == [
        "/farm  0 workers, 0 tasks", "not connected"]
    # The network list gave up the lower part of its box to the panel.
    assert view.screen.cluster.box.top <= min(t.box.y for t in view.screen.network.tiles)

    rows = [WorkerRow("tcp://127.0.0.1:40001", 1, "70 MiB", 3),
            WorkerRow("tcp://127.0.0.1:40002", 1, "71 MiB", 0)]
    assert table.update(rows) == 8
    host.step(1)
    assert [t for t in view.screen.cluster.texts() if t] == [
        "/farm  2 workers, 3 tasks",
        "127.0.0.1:40001  1t   70 MiB     3",
        "127.0.0.1:40002  1t   71 MiB     0",
    ]
    assert table.update([rows[0], WorkerRow("tcp://127.0.0.1:40002", 1, "71 MiB", 2)]) == 1
    assert table.update([rows[0], WorkerRow("tcp://127.0.0.1:40002", 1, "71 MiB", 2)]) == 0
    host.step(1)
    assert view.screen.cluster.texts()[2] == "127.0.0.1:40002  1t   71 MiB     2"

    host.op("/farm").destroy()
    host.run(until=lambda: view.screen.cluster.box is None, frames=60)
    assert not view.screen.cluster.has_farms
