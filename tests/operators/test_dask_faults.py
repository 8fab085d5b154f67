"""DaskFarm on a cluster started elsewhere: what a worker cannot import, and faults.

The scheduler and its worker are started here as a user starts them on another
machine (``dask scheduler``, ``dask worker``): the worker has framehost installed
but not this test's folder, nor a scene's. This module does NOT register itself with
``cloudpickle.register_pickle_by_value``: the farm must send what the worker cannot
import by value on its own. Real processes act in wall time: waits are frames with a
short sleep between them, bounded.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dask_processes import dask_cluster, finish, run_paced, worker_env

from asyncio_comp import TaskStatus
from host import Host
from operators import DaskFarm

pytestmark = pytest.mark.timeout(300)


def cube(x: int) -> int:
    return x**3


def scaled(x: int, *, by: int) -> int:
    return x * by


@dataclass(frozen=True)
class Point:
    """A class the worker cannot import: its instances go by value too."""

    x: int
    y: int


def norm1(point: Point) -> int:
    return abs(point.x) + abs(point.y)


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("elsewhere")
    with dask_cluster(folder, worker_env(), cwd=folder) as scheduler:
        yield scheduler


@pytest.fixture
def farm(address: str) -> Iterator[tuple[Host, DaskFarm]]:
    host = Host(realtime=False)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Scheduler = address
    try:
        yield host, farm
    finally:
        host.close()


def test_this_module_is_not_registered_by_value() -> None:
    import cloudpickle

    assert __name__ not in cloudpickle.list_registry_pickle_by_value()


def test_a_module_loaded_under_two_names_is_registered_by_value_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """multiprocessing aliases ``__main__`` as ``__mp_main__``: with a scene's Dask
    imports loaded, every ``farm.map`` from ``framehost run`` failed with "module
    '__main__' is not registered for pickle by value" (registered twice, unregistered
    twice)."""
    import types

    import cloudpickle

    from operators.dask_by_value import ByValue, ship

    module = types.ModuleType("framehost_alias_probe")
    module.__file__ = str(tmp_path / "framehost_alias_probe.py")
    exec("def twice(x):\n    return 2 * x\n", module.__dict__)
    monkeypatch.setitem(sys.modules, "framehost_alias_probe", module)
    monkeypatch.setitem(sys.modules, "framehost_alias_probe_again", module)
    shipped = ship(module.twice, "map", "a function")
    assert isinstance(shipped, ByValue)
    assert "framehost_alias_probe" not in cloudpickle.list_registry_pickle_by_value()


def test_functions_and_classes_of_a_test_module_run_on_a_worker_that_cannot_import_it(
        farm: tuple[Host, DaskFarm]) -> None:
    host, dask_farm = farm

    async def work() -> tuple[list[int], int, int]:
        return (await dask_farm.map(cube, range(5)), await dask_farm.submit(scaled, 7, by=3),
                await dask_farm.submit(norm1, Point(-2, 5)))

    info = finish(host, host.tasks.Run(work()))
    assert info["status"] is TaskStatus.COMPLETED, info["error"]
    assert info["has_result"]
    assert host.tasks.GetTaskResult(info["task_id"]) == ([0, 1, 8, 27, 64], 21, 7)


SCENE = '''
from operators import DaskFarm


def square_plus_one(x):
    return x * x + 1


def build(host, scheduler):
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Scheduler = scheduler
    host.tasks.Run(farm.map(square_plus_one, range(6)), description="scene map")
'''


def test_a_function_defined_in_a_scene_file_runs_on_an_external_scheduler(
        address: str, tmp_path: Path) -> None:
    from host.scene_loader import build_scene, load_scene

    path = tmp_path / "remote_scene.py"
    path.write_text(textwrap.dedent(SCENE), encoding="utf-8")
    host = Host(realtime=False)
    try:
        build_scene(load_scene(str(path)), host, {"scheduler": address})
        (info,) = host.tasks.GetAllTasksInfo()
        info = finish(host, info["task_id"])
        assert info["status"] is TaskStatus.COMPLETED, info["error"]
        assert host.tasks.GetTaskResult(info["task_id"]) == [1, 2, 5, 10, 17, 26]
    finally:
        host.close()
        for name in [n for n in sys.modules if n.startswith("framehost_scene_")]:
            del sys.modules[name]


def test_an_unpicklable_argument_is_refused_in_one_sentence_before_anything_is_sent(
        farm: tuple[Host, DaskFarm], caplog: pytest.LogCaptureFixture) -> None:
    host, dask_farm = farm
    lock = threading.Lock()
    with caplog.at_level(logging.DEBUG):
        submitted = host.tasks.Run(dask_farm.submit(norm1, lock))
        mapped = host.tasks.Run(dask_farm.map(norm1, [Point(1, 2), lock]))
        infos = [finish(host, submitted), finish(host, mapped)]
    assert [info["status"] for info in infos] == [TaskStatus.FAILED, TaskStatus.FAILED]
    assert re.fullmatch(r"submit\(\) could not send argument 1 to the cluster: it must be "
                        r"picklable, got <unlocked _th.*> \(TypeError: cannot pickle "
                        r"'_thread.lock' object\)", str(infos[0]["error"]))
    assert str(infos[1]["error"]).startswith(
        "map() could not send item 1 to the cluster: it must be picklable")
    assert isinstance(infos[0]["error"], TypeError)
    assert dask_farm.client is None  # refused before connecting
    assert not [r for r in caplog.records if r.name.startswith("distributed")
                and r.levelno >= logging.WARNING], [r.getMessage() for r in caplog.records]


# -- 2: a task that stops waiting leaves no Dask task failing unobserved -------------
# (time.sleep: importable on any worker, so these show the fault without the above)

@pytest.mark.parametrize("stop", ["cancel", "timeout"])
def test_a_task_that_stops_waiting_on_the_farm_leaves_no_exception_unretrieved(
        farm: tuple[Host, DaskFarm], caplog: pytest.LogCaptureFixture, stop: str) -> None:
    host, dask_farm = farm
    caplog.set_level(logging.ERROR, logger="asyncio")
    connected = host.tasks.Run(dask_farm.connect())
    assert finish(host, connected)["status"] is TaskStatus.COMPLETED

    def in_flight() -> int:
        return sum(int(row[3]) for row in dask_farm.cluster_table.values()[1:])

    timeout = 1.0 if stop == "timeout" else None
    tasks = [host.tasks.Run(dask_farm.map(time.sleep, [3.0] * 4), timeout=timeout),
             host.tasks.Run(dask_farm.submit(time.sleep, 3.0), timeout=timeout)]
    run_paced(host, lambda: in_flight() == 5)
    if stop == "cancel":
        assert all(host.tasks.CancelTask(task) for task in tasks)
    infos = [finish(host, task) for task in tasks]
    expected = TaskStatus.CANCELLED if stop == "cancel" else TaskStatus.TIMEOUT
    assert [info["status"] for info in infos] == [expected, expected]
    run_paced(host, lambda: in_flight() == 0 and not dask_farm.client.futures)  # type: ignore[union-attr]
    host.step(5)
    gc.collect()
    lost = [r.getMessage() for r in caplog.records if "never retrieved" in r.getMessage()]
    assert lost == []


# -- 3: a task waiting on the farm when the host closes ends cancelled --------------

@pytest.mark.parametrize(("cluster", "realtime"), [
    ("external", False), ("external", True), ("its own", False)])
def test_host_close_while_a_task_awaits_the_farm_ends_it_cancelled(
        request: pytest.FixtureRequest, cluster: str, realtime: bool) -> None:
    host = Host(realtime=realtime)
    dask_farm = host.root.create(DaskFarm, "farm")
    if cluster == "external":
        dask_farm.par.Scheduler = request.getfixturevalue("address")
    else:
        dask_farm.par.Workers = 1
    outcomes: list[TaskStatus] = []
    try:
        connected = host.tasks.Run(dask_farm.connect())
        assert finish(host, connected)["status"] is TaskStatus.COMPLETED
        host.tasks.Run(dask_farm.submit(time.sleep, 30.0),
                       completion_callback=lambda o: outcomes.append(o.status))
        host.tasks.Run(dask_farm.map(time.sleep, [30.0, 30.0]),
                       completion_callback=lambda o: outcomes.append(o.status))
        run_paced(host, lambda: dask_farm.client is not None and len(dask_farm.client.futures) == 3)
    finally:
        host.close()
    assert outcomes == [TaskStatus.CANCELLED, TaskStatus.CANCELLED]


def test_host_close_while_the_farm_connects_ends_its_waiting_task_cancelled() -> None:
    host = Host(realtime=False)
    dask_farm = host.root.create(DaskFarm, "farm")
    dask_farm.par.Workers = 1  # its own loopback cluster: starting takes a while
    outcomes: list[TaskStatus] = []
    try:
        host.tasks.Run(dask_farm.submit(cube, 2),
                       completion_callback=lambda o: outcomes.append(o.status))
        host.step(3)
        assert dask_farm.client is None  # still connecting
    finally:
        host.close()
    assert outcomes == [TaskStatus.CANCELLED]
    assert asyncio.iscoroutinefunction(dask_farm.submit)

