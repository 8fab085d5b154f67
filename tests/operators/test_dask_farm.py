"""DaskFarm on real Dask clusters: the loopback cluster it starts, and a scheduler
started here.

Cluster start-up is slow (processes spawn), so the external scheduler and its
worker are shared by the whole module, and only a few tests start a cluster of the
farm's own.
Real processes act in wall time: the waits below run frames with a short sleep
between them and a bound on how many.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import psutil
import pytest
from dask_processes import dask_cluster, finish, run_paced

from asyncio_comp import TaskStatus
from asyncio_comp.records import TaskRecord
from host import BaseCOMP, Host
from host.testing import assert_task_status
from operators import DaskFarm, DotLOPUtils
from operators.dask_loopback import LoopbackCluster, LoopbackClusterError
from td.errors import describe_error

pytestmark = pytest.mark.timeout(180)

def square(x: int) -> int:
    return x * x


def power(x: int, exponent: int = 2) -> int:
    return int(x**exponent)


def fail_on(x: int, bad: int) -> int:
    if x == bad:
        raise ValueError(f"no luck with {x}")
    return x


def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def children() -> list[psutil.Process]:
    """This process's descendants, but Python's process-wide resource tracker."""
    return [p for p in psutil.Process().children(recursive=True)
            if "resource_tracker" not in " ".join(p.cmdline())]


def running(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def listening_ports(process: psutil.Process) -> set[int]:
    return {c.laddr.port for c in process.net_connections("tcp")
            if c.status == psutil.CONN_LISTEN}


def dask_threads() -> set[threading.Thread]:
    # Dask's process-wide offload pool (distributed.utils) outlives any one client.
    return {t for t in threading.enumerate() if not t.name.startswith("Dask-Offload")}


@pytest.fixture(scope="module")
def scheduler_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``dask scheduler`` and a ``dask worker`` on loopback, as a user would start them."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with dask_cluster(tmp_path_factory.mktemp("dask"), env) as address:
        yield address


@pytest.fixture
def remote_farm(scheduler_address: str) -> Iterator[tuple[Host, DaskFarm]]:
    """A non-realtime host whose farm is connected to the module's scheduler (one worker)."""
    host = Host(realtime=False)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Scheduler = scheduler_address
    try:
        connected = host.tasks.Run(farm.connect())
        assert_task_status_ok(host, connected)
        run_paced(host, lambda: farm.cluster_table.numRows == 2)
        yield host, farm
    finally:
        host.close()


def assert_task_status_ok(host: Host, task_id: int) -> None:
    finish(host, task_id)
    assert_task_status(host, task_id, "completed")


def test_importing_operators_leaves_dask_unimported_until_a_farm_connects() -> None:
    # A scene that imports `operators` for DotLOPUtils must not pay for importing
    # Dask; the farm imports it when it first connects.
    code = ("import sys; from operators import DaskFarm, DotLOPUtils; "
            "from host import Host; host = Host(realtime=False); "
            "host.root.create(DaskFarm, 'farm'); host.step(3); "
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules)); "
            "host.close()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]"]


# -- the farm's own cluster (empty Scheduler) -----------------------------------------
def test_own_cluster_in_realtime_maps_submits_lists_workers_and_leaves_nothing_behind():
    threads_before = dask_threads()
    connections_before = len(psutil.Process().net_connections())
    host = Host(realtime=True)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Workers = 2

    async def work() -> tuple[list[int], int]:
        return await farm.map(square, range(200)), await farm.submit(power, 3, exponent=3)

    task = host.tasks.Run(work())
    info = finish(host, task, seconds=120)
    assert info["status"] is TaskStatus.COMPLETED, info["error"]
    assert host.tasks.GetTaskResult(task) == ([x * x for x in range(200)], 27)
    header, *tasks = host.asyncio_comp.task_table.values()
    assert [r[header.index("progress")] for r in tasks if r[0] == str(task)] == ["1.00"]
    run_paced(host, lambda: [r[3] for r in farm.cluster_table.values()[1:]] == ["0", "0"])
    rows = farm.cluster_table.values()
    assert rows[0] == ["address", "threads", "memory", "tasks"]
    assert all(r[0].startswith("tcp://127.0.0.1:") and r[1] == "1" and r[2].endswith(" MiB")
               and r[3] == "0" for r in rows[1:]), rows
    # The scheduler listens in a child process, not on the host's loop.
    port = int(farm.client.scheduler.address.rsplit(":", 1)[1])
    assert port not in listening_ports(psutil.Process())
    processes = children()
    assert any(port in listening_ports(p) for p in processes)
    # Scheduler, worker command, and one worker process per worker; all niced.
    assert len(processes) == 4, [p.cmdline() for p in processes]
    assert all(p.nice() >= 10 for p in processes)

    host.close()
    assert farm.client is None
    assert multiprocessing.active_children() == []
    assert running(processes) == []
    assert dask_threads() == threads_before
    assert len(psutil.Process().net_connections()) == connections_before


def test_own_cluster_without_realtime_counts_as_outside_work_and_gets_it_right():
    host = Host(realtime=False)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Workers = 1
    in_flight: list[int] = []
    host.on_frame_end(lambda h: in_flight.append(h.loop.outside.pending))  # type: ignore[attr-defined]
    try:
        task = host.tasks.Run(farm.map(nap, [0.2, 0.3, 0.1]))
        info = finish(host, task, seconds=120)
        assert info["status"] is TaskStatus.COMPLETED, info["error"]
        assert host.tasks.GetTaskResult(task) == [0.2, 0.3, 0.1]
        # Frames ran while the futures were out on the cluster, and saw them counted.
        assert max(in_flight) > 0
        # Nothing of the map stays counted. The farm's cluster_table poll counts its
        # own request while it is out (every 0.25 host seconds), so under load one may
        # be in flight right now: wait for that reply rather than race it.
        host.run(until=lambda: host.loop.outside.pending == 0,  # type: ignore[attr-defined]
                 seconds=30)
        assert host.loop.outside.pending == 0  # type: ignore[attr-defined]
        # The cluster's processes are not subprocess transports of the loop: alive,
        # they are not counted as outside work.
        assert running(children())
        assert not host.loop.outside.in_flight()  # type: ignore[attr-defined]
    finally:
        host.close()
    assert multiprocessing.active_children() == []
    assert children() == []


def test_restart_with_a_new_workers_count_starts_that_many_and_stops_the_old_ones():
    host = Host(realtime=False)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Workers = 1
    try:
        assert_task_status_ok(host, host.tasks.Run(farm.connect()))
        run_paced(host, lambda: farm.cluster_table.numRows == 2)
        old = children()
        farm.par.Workers = 3
        farm.par.Restart.pulse()
        run_paced(host, lambda: farm.client is None and running(old) == [], seconds=30)
        task = host.tasks.Run(farm.map(square, range(30)))
        assert_task_status_ok(host, task)
        assert host.tasks.GetTaskResult(task) == [x * x for x in range(30)]
        run_paced(host, lambda: farm.cluster_table.numRows == 4)
        assert len(children()) == 2 + 3
        # A host closed while a restart stops the cluster still leaves nothing behind.
        farm.par.Restart.pulse()
        host.step()
    finally:
        host.close()
    assert children() == []


HOST_THAT_DIES = """
import sys, psutil
from host import BaseCOMP, Host
from operators import DaskFarm, DotLOPUtils
if __name__ == "__main__":
    host = Host(realtime=True)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Workers = 1
    task = host.tasks.Run(farm.connect())
    host.run(until=lambda: host.tasks.GetTaskInfo(task)["status"].is_finished, seconds=90)
    kids = psutil.Process().children(recursive=True)
    print(*(p.pid for p in kids if "resource_tracker" not in " ".join(p.cmdline())),
          flush=True)
    host.run(seconds=300)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_host_leaves_no_cluster_process_behind():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    host = subprocess.Popen([sys.executable, "-c", HOST_THAT_DIES], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        assert host.stdout is not None
        pids = [int(pid) for pid in host.stdout.readline().split()]
        assert len(pids) == 3  # scheduler, worker command, its worker process
        processes = [psutil.Process(pid) for pid in pids]
        host.send_signal(signal.SIGKILL)
    finally:
        host.kill()
        host.wait()
        if host.stdout is not None:
            host.stdout.close()
    _gone, alive = psutil.wait_procs(processes, timeout=30)
    assert running(alive) == []


def test_a_cluster_process_that_fails_to_start_raises_with_its_output(monkeypatch):
    import asyncio

    import operators.dask_loopback as dask_loopback

    monkeypatch.setattr(dask_loopback, "CHILD_BOOTSTRAP",
                        "import sys; sys.exit('no dask here: ' + sys.argv[2])")
    cluster = LoopbackCluster(1)

    async def start() -> None:
        try:
            await cluster.start()
        finally:
            await cluster.close()

    with pytest.raises(LoopbackClusterError,
                       match=r"exited with code 1; its output ends:\nno dask here: distributed"):
        asyncio.run(start())
    assert children() == []
    with pytest.raises(ValueError, match="expected a positive number of workers, got 0"):
        LoopbackCluster(0)


# -- an external scheduler ------------------------------------------------------------
def test_connects_to_a_scheduler_by_address(remote_farm):
    host, farm = remote_farm
    assert farm.cluster_table.values()[1][1] == "4"  # the worker started with --nthreads 4
    task = host.tasks.Run(farm.map(square, range(50)))
    finish(host, task)
    assert host.tasks.GetTaskResult(task) == [x * x for x in range(50)]


def test_an_idle_farm_does_not_pace_a_sleeping_task(remote_farm):
    """The client's report reader waits on the scheduler's socket forever and the
    cluster_table poll asks it four times per host second, but both are background
    work (the task that connected has ended): no frame is paced, and the table goes
    on following the scheduler's replies."""
    host, farm = remote_farm
    before = host.tasks.paced_frames
    task = host.tasks.Run(asyncio.sleep(2.0))
    finish(host, task)
    assert_task_status(host, task, "completed")
    assert host.tasks.paced_frames - before == 0
    assert farm.cluster_table.values()[1][1] == "4"


def test_a_big_map_is_handed_to_the_client_one_chunk_per_frame(remote_farm):
    from operators.dask_farm import MAP_CHUNK

    host, farm = remote_farm
    client = farm.client
    seen: list[int] = []
    host.on_frame_end(lambda h: seen.append(len(client.futures)))
    task = host.tasks.Run(farm.map(square, range(2 * MAP_CHUNK + 50)))
    finish(host, task)
    assert host.tasks.GetTaskResult(task) == [x * x for x in range(2 * MAP_CHUNK + 50)]
    assert 0 < next(n for n in seen if n) <= MAP_CHUNK  # not all 250 in one frame
    assert not client.futures  # each chunk released once gathered


def test_a_remote_exception_arrives_as_itself_with_its_traceback(remote_farm):
    host, farm = remote_farm

    async def catch() -> str:
        try:
            await farm.submit(fail_on, 3, bad=3)
        except ValueError as exc:
            return "".join(traceback.format_exception(exc))
        return "no exception"

    caught = host.tasks.Run(catch())
    uncaught = host.tasks.Run(farm.submit(fail_on, 5, bad=5))
    finish(host, caught)
    text = host.tasks.GetTaskResult(caught)
    assert "ValueError: no luck with 3" in text
    # The worker's frame. Sent by value (operators.dask_by_value), the function runs
    # from a copy of its code that cloudpickle names "<dynamic-code>".
    line = fail_on.__code__.co_firstlineno + 2
    assert f'File "<dynamic-code>", line {line}, in fail_on' in text, text
    info = finish(host, uncaught)
    assert info["status"] is TaskStatus.FAILED
    assert describe_error(info["error"]) == "ValueError: no luck with 5"


def test_a_failing_map_raises_the_first_error_and_cancels_the_rest(remote_farm):
    host, farm = remote_farm

    async def mixed() -> list[int]:
        return await farm.map(power, [1, 2, "three", 4])

    task = host.tasks.Run(mixed())
    info = finish(host, task)
    assert info["status"] is TaskStatus.FAILED
    assert describe_error(info["error"]).startswith("TypeError: unsupported operand")


def test_cancelling_the_awaiting_task_cancels_the_cluster_future(remote_farm):
    host, farm = remote_farm
    task = host.tasks.Run(farm.submit(nap, 5.0))

    def tasks_on_worker() -> int:
        return sum(int(r[3]) for r in farm.cluster_table.values()[1:])

    run_paced(host, lambda: tasks_on_worker() == 1)
    assert host.tasks.CancelTask(task)
    run_paced(host, lambda: host.tasks.GetTaskInfo(task)["status"].is_finished)
    assert_task_status(host, task, "cancelled")
    # The scheduler released it well before the 5 s nap could have ended.
    started = time.monotonic()
    run_paced(host, lambda: tasks_on_worker() == 0, seconds=10)
    assert time.monotonic() - started < 4.0
    assert farm.client is not None and not farm.client.futures


def test_bad_input_raises_before_anything_is_sent(remote_farm):
    host, farm = remote_farm
    sent = dict(farm.client.futures)

    async def bad(call: Callable[[], Any]) -> str:
        try:
            await call()
        except TypeError as exc:
            return str(exc)
        return "no error"

    not_callable = host.tasks.Run(bad(lambda: farm.submit(42)))  # type: ignore[arg-type]
    not_iterable = host.tasks.Run(bad(lambda: farm.map(square, 5)))  # type: ignore[arg-type]
    finish(host, not_callable)
    finish(host, not_iterable)
    assert host.tasks.GetTaskResult(not_callable) == (
        "submit() expected a function to run on the cluster, got 42")
    assert host.tasks.GetTaskResult(not_iterable) == (
        "map() expected an iterable of arguments, got 5")
    assert dict(farm.client.futures) == sent


def test_restart_disconnects_and_the_next_use_reconnects(remote_farm):
    host, farm = remote_farm
    first = farm.client
    farm.par.Restart.pulse()
    run_paced(host, lambda: farm.client is None and farm.cluster_table.numRows == 1)
    assert farm.cluster_table.values() == [["address", "threads", "memory", "tasks"]]
    task = host.tasks.Run(farm.submit(square, 12))
    finish(host, task)
    assert host.tasks.GetTaskResult(task) == 144
    assert farm.client is not None and farm.client is not first
    assert first is not None and first.status == "closed"


@pytest.mark.parametrize("how", ["closed with the host", "destroyed, then the host closed"])
def test_a_closed_host_whose_farm_was_connected_can_be_collected(
        scheduler_address: str, how: str) -> None:
    # Dask's client runs on tornado, whose process-wide map of asyncio loops would keep
    # the host's loop, and with it the Host, alive after close. Destroyed while the
    # host runs, the farm closes its client in a task that must outlive the farm.
    def run_and_close() -> tuple[weakref.ref[Host], weakref.ref[asyncio.AbstractEventLoop]]:
        host = Host(realtime=False)
        farm = host.root.create(DaskFarm, "farm")
        farm.par.Scheduler = scheduler_address
        task = host.tasks.Run(farm.submit(square, 7))
        finish(host, task)
        assert host.tasks.GetTaskResult(task) == 49
        if how.startswith("destroyed"):
            client = farm.client
            farm.destroy()
            run_paced(host, lambda: client is not None and client.status == "closed")
        host.close()
        return weakref.ref(host), weakref.ref(host.loop)

    gc.collect()
    records_before = _records()
    host, loop = run_and_close()
    gc.collect()  # one collection frees the Host and every task and record of it
    assert host() is None
    assert _records() == records_before
    # The loop itself may outlast that collection: Dask's comm, whose stream the
    # scheduler closed first, keeps it in a finalizer (stream, tornado's IOLoop, loop)
    # until the comm is collected. Closed, the loop holds nothing of the host.
    gc.collect()
    assert loop() is None


def _records() -> int:
    return sum(isinstance(o, TaskRecord) for o in gc.get_objects())


def test_a_farm_destroyed_just_before_the_host_closes_still_disconnects(
        scheduler_address: str) -> None:
    # Destroyed while the host runs, the farm disconnects in a task; the host's close
    # right after must let that task end, not cancel it half-way (the client left
    # connected, and collected later with a coroutine of its close never awaited).
    host = Host(realtime=False)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Scheduler = scheduler_address
    task = host.tasks.Run(farm.submit(square, 7))
    finish(host, task)
    client = farm.client
    assert client is not None and client.status == "running"
    farm.destroy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        host.close()
        assert client.status == "closed"
        del client, farm, host
        gc.collect()
    assert [str(w.message) for w in caught] == []


def test_two_farms_on_one_host_both_work_close_cleanly_and_leave_nothing(
        scheduler_address: str) -> None:
    # Both clients run on the host's loop through one tornado IOLoop; the first farm
    # to close forgets it while the other still uses it.
    gc.collect()
    records_before = _records()

    def run_and_close() -> tuple[weakref.ref[Host], list[Any]]:
        host = Host(realtime=False)
        farms = [host.root.create(DaskFarm, name) for name in ("left", "right")]
        for farm in farms:
            farm.par.Scheduler = scheduler_address
        tasks = [host.tasks.Run(farm.submit(square, n)) for n, farm in enumerate(farms, 2)]
        for task in tasks:
            finish(host, task)
        assert [host.tasks.GetTaskResult(t) for t in tasks] == [4, 9]
        clients = [farm.client for farm in farms]
        assert None not in clients and clients[0] is not clients[1]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            host.close()
        assert [str(w.message) for w in caught] == []
        assert [farm.client for farm in farms] == [None, None]
        return weakref.ref(host), clients

    host, clients = run_and_close()
    assert [c.status for c in clients] == ["closed", "closed"]
    del clients
    gc.collect()
    assert host() is None
    assert _records() == records_before


def test_a_scheduler_that_is_not_there_fails_the_task():
    host = Host(realtime=True)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Scheduler = "tcp://127.0.0.1:9"  # discard port: nothing listens
    try:
        import dask

        with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
            task = host.tasks.Run(farm.submit(square, 2))
            info = finish(host, task, seconds=30)
        assert info["status"] is TaskStatus.FAILED
        assert "127.0.0.1:9" in describe_error(info["error"])
        assert farm.client is None
    finally:
        host.close()


class FarmUser(DotLOPUtils, BaseCOMP):
    """An operator whose own task waits on the farm (submitted through run_async_task)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.heard: list[str] = []

    def heard_back(self, outcome: Any) -> None:
        self.heard.append(outcome.status.value)


def test_destroying_the_operator_that_awaits_the_farm_cancels_its_cluster_future(
        remote_farm: tuple[Host, DaskFarm], caplog: pytest.LogCaptureFixture) -> None:
    host, farm = remote_farm
    caplog.set_level(logging.ERROR, logger="asyncio")
    user = host.root.create(FarmUser, "user")
    task = user.run_async_task(farm.submit(nap, 5.0), completion_callback=user.heard_back)
    assert host.tasks.GetTaskInfo(task)["owner"] == "/user"

    def tasks_on_worker() -> int:
        return sum(int(r[3]) for r in farm.cluster_table.values()[1:])

    run_paced(host, lambda: tasks_on_worker() == 1)
    user.destroy()
    run_paced(host, lambda: host.tasks.GetTaskInfo(task)["status"].is_finished)
    assert_task_status(host, task, "cancelled")
    assert user.heard == []  # its callback is bound to the destroyed operator
    # The cluster let the future go well before the 5 s nap could have ended.
    started = time.monotonic()
    run_paced(host, lambda: tasks_on_worker() == 0 and not farm.client.futures,  # type: ignore[union-attr]
              seconds=10)
    assert time.monotonic() - started < 4.0
    host.step(5)
    gc.collect()
    assert [r.getMessage() for r in caplog.records if "never retrieved" in r.getMessage()] == []



def test_a_restart_the_host_closes_under_completes_whole():
    # The restart has begun stopping the farm's own cluster (which takes wall time)
    # when the host closes: the close lets it finish, so the restart's task ends
    # completed with its client closed, not cancelled half-way.
    host = Host(realtime=False)
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Workers = 1
    endings: dict[str, TaskStatus] = {}

    def on_change(task_id: int, status: TaskStatus, description: str, *rest: Any) -> None:
        if status.is_finished:
            endings[description] = status

    before = children()  # the module's scheduler and worker, if started
    try:
        assert_task_status_ok(host, host.tasks.Run(farm.connect()))
        client = farm.client
        assert client is not None
        host.tasks.add_task_change_listener(on_change)
        farm.par.Restart.pulse()
        host.step()  # the restart's disconnect is under way
        assert "/farm restart" not in endings
    finally:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            host.close()
            gc.collect()
    assert endings["/farm restart"] is TaskStatus.COMPLETED
    assert client.status == "closed"
    assert [str(w.message) for w in caught] == []
    assert [p for p in children() if p not in before] == []


def test_a_restart_pulsed_while_the_host_closes_is_refused_with_a_reason(
        remote_farm, caplog: pytest.LogCaptureFixture) -> None:
    host, farm = remote_farm
    client = farm.client
    # A close hook added after the farm's runs before it (last added, first run).
    host.on_close(farm.par.Restart.pulse)
    with caplog.at_level(logging.ERROR, logger="framehost"):
        host.close()
    refused = [r.getMessage() for r in caplog.records if "Restart refused" in r.getMessage()]
    assert len(refused) == 1, [r.getMessage() for r in caplog.records]
    assert ("/farm: Restart refused: the host is closing (the farm disconnects as it "
            "closes)") in refused[0]
    assert client is not None and client.status == "closed"
    assert farm.client is None
