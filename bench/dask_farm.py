"""DaskFarm against raw Dask on the same cluster, and what a busy farm costs the frames.

    python bench/dask_farm.py [--quick]

For each cluster kind, in one run: ``n`` small tasks through ``farm.map`` inside a
tracked task on a realtime 60 fps host, against the raw ``client.map`` +
``client.gather`` with the same client on the same cluster, the loop run flat out
by ``run_until_complete`` (plain Dask, no frames). Alternated, medians of the
repeats. While the farm's map runs, every frame's time and the host's late-frame
count are recorded.

Cluster kinds: the farm's own loopback cluster (scheduler and worker processes
are children of the host, niced once up: only the client on the host's loop); the
same with the scheduler not niced; an in-process ``LocalCluster`` with niced
worker processes (the farm's default before: its scheduler on the host's loop);
a LocalCluster with thread workers (everything on the host's loop and thread); an
external ``dask scheduler`` + ``dask worker`` started here, not niced (only the
client on the host's loop).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cloudpickle

import operators.dask_loopback as dask_loopback
from bench._common import median, positive, quiet, script_parser
from host import Host
from operators import DaskFarm

__all__ = ["KINDS", "FarmFigures", "farm_vs_raw", "inc"]

# Workers (spawned, or started by the CLI) need not import this file.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

KINDS = ("loopback processes", "loopback scheduler not niced", "in-process LocalCluster",
         "local threads", "external scheduler")


def inc(x: int) -> int:
    return x + 1


def _lower_priority() -> None:
    os.nice(10)


@dataclass(frozen=True)
class FarmFigures:
    kind: str
    tasks: int
    farm_seconds: float
    raw_seconds: float
    #: Over all the farm's runs: frames, frames the clock counted late, the worst frame.
    frames: int
    late_frames: int
    worst_frame: float
    startup_seconds: float
    #: The same host, connected but idle, for as many frames: what the machine's
    #: load alone costs (a shared machine misses frames with no farm at all).
    idle_late_frames: int = 0
    idle_worst_frame: float = 0.0

    @property
    def ratio(self) -> float:
        """The farm's throughput as a share of raw Dask's (1.0 = as fast)."""
        return self.raw_seconds / self.farm_seconds


@contextmanager
def _external_cluster(workers: int) -> Iterator[str]:
    """``dask scheduler`` and ``dask worker`` processes on loopback; the address."""
    with tempfile.TemporaryDirectory() as folder:
        info = Path(folder) / "scheduler.json"
        quiet_out = subprocess.DEVNULL
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        procs = [subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
            stdout=quiet_out, stderr=quiet_out, env=env)]
        try:
            deadline = time.monotonic() + 60
            while not (info.exists() and info.stat().st_size):
                if time.monotonic() > deadline:
                    raise TimeoutError("the dask scheduler wrote no scheduler file in 60 s")
                time.sleep(0.05)
            address = json.loads(info.read_text())["address"]
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host",
                 "127.0.0.1", "--nworkers", str(workers), "--nthreads", "1",
                 "--no-dashboard"], stdout=quiet_out, stderr=quiet_out, env=env))
            yield address
        finally:
            for proc in reversed(procs):
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _until_done(host: Host, task_id: int, seconds: float = 300.0) -> Any:
    host.run(until=lambda: host.tasks.GetTaskInfo(task_id)["status"].is_finished,
             seconds=seconds)
    info = host.tasks.GetTaskInfo(task_id)
    if info["error"]:
        raise RuntimeError(f"the farm's task failed: {info['error']}")
    return host.tasks.GetTaskResult(task_id)


def farm_vs_raw(kind: str, tasks: int = 1000, repeats: int = 3,
                workers: int = 2) -> FarmFigures:
    """One cluster of ``kind``; the farm's map and raw Dask's, alternated."""
    if kind not in KINDS:
        raise ValueError(f"farm_vs_raw() expected a kind in {KINDS}, got {kind!r}")
    niceness = dask_loopback.SCHEDULER_NICENESS
    if kind == "loopback scheduler not niced":
        dask_loopback.SCHEDULER_NICENESS = 0
    with quiet(), (_external_cluster(workers) if kind == "external scheduler"
                   else _no_cluster()) as address:
        host = Host(fps=60.0, realtime=True)
        try:
            return _measure(host, kind, address, tasks, repeats, workers)
        finally:
            host.close()
            dask_loopback.SCHEDULER_NICENESS = niceness


@contextmanager
def _no_cluster() -> Iterator[str]:
    yield ""


def _measure(host: Host, kind: str, address: str, tasks: int, repeats: int,
             workers: int) -> FarmFigures:
    loop = host.loop
    farm = host.root.create(DaskFarm, "farm")
    farm.par.Workers = workers
    own = None
    host.step()  # the loop's clock starts with the first frame
    if kind in ("local threads", "in-process LocalCluster"):
        from distributed import LocalCluster

        # Thread workers talk in-process ("inproc://"), which takes no host.
        processes = kind != "local threads"
        loopback: dict[str, Any] = {"scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"}}
        if processes:
            loopback["host"] = "127.0.0.1"

        async def start() -> Any:  # made inside the running loop, as Dask requires
            # The scheduler's HTTP server takes any free loopback port: the default
            # :8787 may be taken (another cluster on the machine), which warns.
            return await LocalCluster(n_workers=workers, threads_per_worker=1,
                                      processes=processes, asynchronous=True,
                                      dashboard_address=None, **loopback)

        own = loop.run_until_complete(start())
        address = own.scheduler_address
    farm.par.Scheduler = address
    started = time.perf_counter()
    _until_done(host, host.tasks.Run(farm.connect()))
    host.run(until=lambda: farm.cluster_table.numRows > workers, seconds=60)
    startup = time.perf_counter() - started
    client = farm.client
    assert client is not None
    if kind == "in-process LocalCluster":
        loop.run_until_complete(client.run(_lower_priority))

    async def raw(first: int) -> list[int]:
        futures = client.map(inc, range(first, first + tasks), pure=False)
        result: list[int] = await client.gather(futures)
        return result

    frame_times: list[float] = []
    host.on_frame_end(lambda h: frame_times.append(h.stats.last_frame_time))
    farm_times, raw_times = [], []
    frames = late = 0
    worst = 0.0
    for rep in range(repeats):
        t0 = time.perf_counter()
        assert loop.run_until_complete(raw(rep * tasks)) == list(
            range(rep * tasks + 1, rep * tasks + tasks + 1))
        raw_times.append(time.perf_counter() - t0)
        frame_times.clear()
        late_before = host.stats.late_frames
        t0 = time.perf_counter()
        result = _until_done(host, host.tasks.Run(farm.map(inc, range(tasks))))
        farm_times.append(time.perf_counter() - t0)
        assert result == list(range(1, tasks + 1))
        frames += len(frame_times)
        late += host.stats.late_frames - late_before
        worst = max([worst, *frame_times])
    frame_times.clear()
    late_before = host.stats.late_frames
    host.run(frames=frames)
    idle_late = host.stats.late_frames - late_before
    idle_worst = max(frame_times, default=0.0)
    if own is not None:
        async def stop() -> None:
            # The farm's client goes before the cluster it talks to: closed under it,
            # the client would try to reconnect, be cancelled by the host's close, and
            # be collected unclosed (its __del__ leaves a coroutine never awaited).
            await farm.restart()
            await own.close()

        loop.run_until_complete(stop())
    return FarmFigures(kind, tasks, median(farm_times), median(raw_times), frames, late,
                       worst, startup, idle_late, idle_worst)


def main(argv: list[str] | None = None) -> int:
    parser = script_parser(__doc__)
    parser.add_argument("--quick", action="store_true", help="one repeat per kind")
    parser.add_argument("--tasks", type=positive(int, "a task count"), default=1000)
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help="comma-separated cluster kinds, in order")
    args = parser.parse_args(argv)
    unknown = [kind for kind in args.kinds.split(",") if kind not in KINDS]
    if unknown:
        known = ", ".join(map(repr, KINDS))
        parser.error(f"argument --kinds: expected cluster kinds from {known}, "
                     f"got {unknown[0]!r}")
    print("| cluster | tasks | farm.map | raw map+gather | farm/raw throughput | frames "
          "| late | worst frame | idle: late / worst | start-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in args.kinds.split(","):
        f = farm_vs_raw(kind, args.tasks, repeats=1 if args.quick else 3)
        print(f"| {f.kind} | {f.tasks} | {f.farm_seconds * 1e3:,.0f} ms | "
              f"{f.raw_seconds * 1e3:,.0f} ms | {f.ratio:.0%} | {f.frames} | {f.late_frames} "
              f"| {f.worst_frame * 1e3:.1f} ms | {f.idle_late_frames} / "
              f"{f.idle_worst_frame * 1e3:.1f} ms | {f.startup_seconds:.1f} s |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
