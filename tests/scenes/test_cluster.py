"""The cluster scene (and compute with backend=dask): right prime counts from a real
LocalCluster, a full progress bar per job, workers listed, nothing left running."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from asyncio_comp import TaskStatus
from host import Host

pytestmark = pytest.mark.timeout(180)


def run_jobs(host: Host, seconds: float = 120.0) -> dict[int, dict[str, Any]]:
    """Frames, a frame's sleep apart (the workers run in wall time), until every
    ``primes<N`` task ended; their infos by limit."""
    def jobs() -> list[dict[str, Any]]:
        return [i for i in host.tasks.GetAllTasksInfo()
                if i["description"].startswith("primes<")]

    for _ in range(int(seconds * host.fps)):
        if jobs() and all(i["status"].is_finished for i in jobs()):
            break
        host.step()
        time.sleep(1.0 / host.fps)
    return {i["info"]: i for i in jobs()}


def progress_of(host: Host, task_id: int) -> str:
    header, *rows = host.asyncio_comp.task_table.values()
    return next(r[header.index("progress")] for r in rows if r[0] == str(task_id))


def test_cluster_scene_counts_primes_on_the_farm(build_scene):
    from host.scenes.cluster import KNOWN, segments_of

    assert segments_of(10, 4) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    host = Host(realtime=False)
    try:
        farm = build_scene(host, "cluster", limits="100000,1000000", segments="6", workers="1")
        host.asyncio_comp.par.Clearafter = 1e9
        jobs = run_jobs(host)
        assert sorted(jobs) == [10**5, 10**6]
        for limit, info in jobs.items():
            assert info["status"] is TaskStatus.COMPLETED, info["error"]
            assert host.tasks.GetTaskResult(info["task_id"]) == KNOWN[limit]
            assert progress_of(host, info["task_id"]) == "1.00"
        host.run(until=lambda: farm.cluster_table.numRows == 2, frames=600)
        assert farm.cluster_table[1, "threads"].val == "1"
    finally:
        host.close()
    assert multiprocessing.active_children() == []


def test_compute_scene_runs_on_dask_with_backend_dask(build_scene):
    from host.scenes.compute import KNOWN

    host = Host(realtime=False)
    try:
        farm = build_scene(host, "compute", limits="100000", segments="4", workers="1",
                           backend="dask")
        assert farm.path == "/cluster"
        host.asyncio_comp.par.Clearafter = 1e9
        (info,) = run_jobs(host).values()
        assert host.tasks.GetTaskResult(info["task_id"]) == KNOWN[10**5]
    finally:
        host.close()
    assert multiprocessing.active_children() == []


def test_compute_scene_rejects_an_unknown_backend(build_scene):
    host = Host(realtime=False)
    try:
        with pytest.raises(ValueError, match="compute expected backend 'pool' or 'dask', "
                                             "got 'spark'"):
            build_scene(host, "compute", backend="spark")
        assert host.op("/compute") is None
    finally:
        host.close()


SCENE_UNTIL_A_JOB_ENDS = """\
from host.scene_loader import build_scene, load_scene


def build(host):
    build_scene(load_scene("cluster"), host,
                {"limits": "100000", "segments": "4", "workers": "1"})

    def stop_once_a_task_ended(host):
        if sum(host.tasks.GetLifetimeCounts().values()) > 0:
            host.stop()

    host.on_frame_end(stop_once_a_task_ended)
"""


@pytest.mark.timeout(420)
@pytest.mark.parametrize("command", ["framehost", "python -m host"])
def test_the_cluster_scene_counts_primes_from_the_command_line(
        tmp_path: Path, command: str) -> None:
    # As a user runs it: the main module is then the console script or host/__main__.py
    # (not pytest's), which the farm must ship by value without tripping over
    # multiprocessing's second name for it, __mp_main__. The run stops at the end of
    # the frame the job ended in; the frame bound only ends a run that never gets there.
    argv = ([sys.executable, "-m", "host"] if command.startswith("python")
            else [str(Path(sys.executable).with_name("framehost"))])
    if not Path(argv[0]).exists():
        pytest.skip(f"no {argv[0]} beside this interpreter")
    scene = tmp_path / "cluster_until_a_job_ends.py"
    scene.write_text(SCENE_UNTIL_A_JOB_ENDS)
    done = subprocess.run([*argv, "run", str(scene), "--headless", "--no-realtime",
                           "--frames", str(60 * 240)], capture_output=True, text=True,
                          timeout=400, env={**os.environ, "COLUMNS": "160"}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert re.search(r"completed\s+1\s+1", done.stdout), done.stdout
    assert "Traceback" not in done.stderr, done.stderr
