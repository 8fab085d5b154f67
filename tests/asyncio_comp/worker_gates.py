"""Helpers shared by the serial worker tests: gates that hold the worker thread, and
bounded waits for it (off the host and on it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from asyncio_comp.worker.task import WorkerTask, current_worker_task
from host.assemble import Host

WAIT = 10.0  # seconds: the bound on every wait for the worker thread


class Gate:
    """A task body that signals it started, then blocks until released.

    ``progress``, if given, is reported from the worker before it signals.
    """

    def __init__(self, result: Any = "gate", progress: float | None = None) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.result = result
        self.progress = progress

    def __call__(self) -> Any:
        task = current_worker_task()
        if self.progress is not None and task is not None:
            task.report_progress(self.progress)
        self.started.set()
        assert self.release.wait(WAIT), "gate never released"
        return self.result

    def hold(self) -> None:
        assert self.started.wait(WAIT), "the worker never started the gate task"


def finish(task: WorkerTask[Any]) -> None:
    assert task.wait(WAIT), f"{task!r} did not finish within {WAIT} s"


def run_host_until(host: Host, condition: Callable[[], object]) -> None:
    """Run frames until ``condition()``; bounded by frames and by wall time."""
    deadline = time.monotonic() + WAIT
    host.run(until=lambda: bool(condition()) or time.monotonic() > deadline, frames=2_000_000)
    assert condition(), f"condition not met after {host.frame} frames / {WAIT} s"
