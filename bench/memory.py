"""Memory: bytes per tracked task (tracemalloc) and RSS after many tasks pass through.

Per task: traced allocations of N idle running tracked tasks, against N raw
``create_task`` tasks on a plain loop. Pass-through: a fresh subprocess (so its RSS
is clean) runs ``total`` trivial tasks through a host with Clear After at 1 s,
up to ``per_frame`` submitted each frame (topping up a backlog of at most two
frames' worth, so a slower machine is not flooded), then runs until every task was cleared, and
reports RSS (from /proc/self/status) before, at peak, and after.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from bench._common import IdleGate, feed, in_fresh_process, noop, quiet
from host import Host

__all__ = ["RssResult", "bytes_per_task", "raw_bytes_per_task", "rss_pass_through"]


def bytes_per_task(n: int) -> float:
    """Traced bytes per idle running tracked task (record, asyncio task, registry
    entries), measured in a fresh interpreter (see `_fresh`)."""
    return float(_fresh("_bytes_per_task", n))


def raw_bytes_per_task(n: int) -> float:
    """Traced bytes per raw asyncio task parked on a future, in a fresh interpreter."""
    return float(_fresh("_raw_bytes_per_task", n))


def _fresh(function: str, n: int) -> float:
    """``function(n)`` of this module run in a fresh interpreter (`in_fresh_process`).

    Both sides register every task in asyncio's one process-wide WeakSet of tasks,
    whose table grows with them and never shrinks: measured in one process, the side
    measured second would find it grown already and look up to 50 bytes a task
    cheaper. A fresh process each gives both the same start.
    """
    return float(in_fresh_process("bench.memory", function, int(n), timeout=600))


def _bytes_per_task(n: int) -> float:
    with quiet(), Host(fps=60.0, realtime=False) as host:
        gate = IdleGate(host.loop)
        host.step(2)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            gate.park(host, n)
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        gate.release()
        return (after - before) / n


def _raw_bytes_per_task(n: int) -> float:
    loop = asyncio.new_event_loop()
    try:
        gate = IdleGate(loop)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            tasks = gate.start_raw(n)
            loop.call_soon(loop.stop)
            loop.run_forever()
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        gate.release(tasks)
        return (after - before) / n
    finally:
        loop.close()


@dataclass(frozen=True, slots=True)
class RssResult:
    total: int
    rss_before: int
    rss_peak: int
    rss_after: int
    frames: int

    @property
    def growth(self) -> int:
        return self.rss_after - self.rss_before


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status; RSS needs Linux")


def _pass_through(total: int, per_frame: int) -> RssResult:
    with quiet(), Host(fps=60.0, realtime=False) as host:
        host.asyncio_comp.par.Clearafter = 1.0
        host.step(2)
        gc.collect()
        before = _rss()
        peaks = [before]

        def sample(_submitted: int, frames: int) -> None:
            if frames % 30 == 0:
                peaks.append(_rss())

        frames = feed(host, total, per_frame, noop, sample)
        frames += host.run(until=lambda: host.tasks.task_count() == 0, frames=100_000)
        gc.collect()
        after = _rss()
        return RssResult(total, before, max(*peaks, after), after, frames)


def rss_pass_through(total: int, per_frame: int = 1_000) -> RssResult:
    """Run `_pass_through` in a fresh interpreter so its RSS starts clean."""
    return RssResult(*in_fresh_process("bench.memory", "_pass_through_figures",
                                       int(total), int(per_frame)))


def _pass_through_figures(total: int, per_frame: int) -> tuple[int, int, int, int, int]:
    r = _pass_through(total, per_frame)
    return r.total, r.rss_before, r.rss_peak, r.rss_after, r.frames
