"""Fixtures for the operators' tests: a Dask scheduler and worker started as a user
starts them (``dask scheduler``, ``dask worker``), always torn down, and the paced
frames a test runs while they work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from host import Host
from host.testing import FramesExhausted


def wait_for(condition: Callable[[], object], what: str, seconds: float = 60.0) -> None:
    """Poll ``condition`` (a real process acts in wall time) for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not appear within {seconds} s")
        time.sleep(0.05)


def run_paced(host: Host, until: Callable[[], object], seconds: float = 90.0) -> None:
    """Frames with a frame's sleep between them until ``until()``: the cluster works
    in wall time while virtual frames take microseconds. ``seconds`` bounds it."""
    if host.realtime:
        host.run(until=until, seconds=seconds)
    for _ in range(0 if host.realtime else int(seconds * host.fps)):
        if until():
            return
        host.step()
        time.sleep(1.0 / host.fps)
    if not until():
        raise FramesExhausted(f"{until} still false after {seconds} s of frames")


def finish(host: Host, task_id: int, seconds: float = 90.0) -> dict[str, Any]:
    """Paced frames until task ``task_id`` ended; its `GetTaskInfo`."""
    run_paced(host, lambda: host.tasks.GetTaskInfo(task_id)["status"].is_finished, seconds)
    info = host.tasks.GetTaskInfo(task_id)
    assert info is not None
    return info


@contextmanager
def dask_cluster(folder: Path, env: Mapping[str, str], cwd: Path | None = None,
                 ) -> Iterator[str]:
    """A ``dask scheduler`` and one ``dask worker`` (4 threads) on loopback, started in
    ``cwd`` with ``env``; yields the scheduler's address, then stops both."""
    info = folder / "scheduler.json"
    log = (folder / "cluster.log").open("w")
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
        stdout=log, stderr=subprocess.STDOUT, env=dict(env), cwd=cwd)
    worker = None
    try:
        wait_for(lambda: info.exists() and info.stat().st_size > 0, "scheduler file")
        address = json.loads(info.read_text())["address"]
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host",
             "127.0.0.1", "--nthreads", "4", "--no-nanny", "--no-dashboard"],
            stdout=log, stderr=subprocess.STDOUT, env=dict(env), cwd=cwd)
        yield address
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        log.close()


def worker_env() -> dict[str, str]:
    """The environment of a worker on another machine: framehost installed, but none
    of this process's extra paths (the tests' folders, a scene's folder)."""
    return {key: value for key, value in os.environ.items()
            if key not in ("PYTHONPATH", "PYTHONSTARTUP")}
