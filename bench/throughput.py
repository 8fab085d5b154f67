"""Throughput: tasks per second from submission to completion callback.

Tracked: ``host.tasks.Run(coro, completion_callback=...)`` one call per task, the
host driven by ``host.step()`` in non-realtime mode until every callback fired;
nothing reads the ``task_table`` unless asked (then it is read every frame).
Raw: ``loop.create_task(coro)`` + ``task.add_done_callback`` on a plain loop, run
until every callback fired. Both submit all N first, then drain.

Each run starts with a full collection (untimed) and ends with one (timed). A kept
outcome holds its completion callback (LOPs's field), and a callback that appends to
a list it closes over makes every outcome part of a reference cycle: garbage the
collector frees later. Without the collections, the next run (often raw asyncio's,
alternated) paid for freeing it, and raw looked up to twice as slow as it is.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench._common import in_fresh_process, median, noop, quiet
from host import Host

__all__ = ["KeptThroughput", "kept_throughput", "raw_throughput", "tracked_throughput"]


def tracked_throughput(n: int, read_table: bool = False, keep: bool = False,
                       clock: Callable[[], float] = time.perf_counter) -> float:
    """Tasks per second through the component (submit → completion callback).

    The ``task_table`` is written when it is read; ``read_table=True`` reads it
    after every frame, as a user watching the DAT would, so its rows are written.
    ``keep=True``: the callback keeps every outcome it receives, as real code does.
    ``clock=time.process_time`` counts this process's CPU time instead of wall time:
    on a machine shared with other jobs it measures our work, not theirs.
    """
    with quiet(), Host(fps=60.0, realtime=False) as host:
        table = host.asyncio_comp.task_table
        done = 0
        kept: list[object] = []

        def on_done(outcome: object) -> None:
            nonlocal done
            done += 1
            if keep:
                kept.append(outcome)

        run = host.tasks.Run
        host.step()
        gc.collect()  # start clean: no garbage left by an earlier run
        t0 = clock()
        for _ in range(n):
            run(noop(), completion_callback=on_done)
        while done < n:
            host.step()
            if read_table:
                table.refresh()
        gc.collect()  # and pay for what this run left (see the module docstring)
        return n / (clock() - t0)


def raw_throughput(n: int, keep: bool = False,
                   clock: Callable[[], float] = time.perf_counter) -> float:
    """Tasks per second for raw ``create_task`` + ``add_done_callback``; ``keep=True``:
    the callback keeps what it receives (the finished task), as the tracked side
    keeps its outcome."""
    loop = asyncio.new_event_loop()
    try:
        done = 0
        finished = loop.create_future()
        kept: list[object] = []

        def on_done(task: object) -> None:
            nonlocal done
            done += 1
            if keep:
                kept.append(task)
            if done == n:
                finished.set_result(None)

        gc.collect()
        t0 = clock()
        for _ in range(n):
            loop.create_task(noop()).add_done_callback(on_done)
        loop.run_until_complete(finished)
        gc.collect()
        return n / (clock() - t0)
    finally:
        loop.close()


@dataclass(frozen=True, slots=True)
class KeptThroughput:
    """Tasks per second with outcomes kept, tracked and raw, in two setups."""

    n: int
    #: Alternated in one fresh process (both sides on the same heap), medians.
    tracked_wall: float
    raw_wall: float
    tracked_cpu: float
    raw_cpu: float
    #: The same runs as pairs: the median of tracked / raw over each tracked run and
    #: the raw run right after it. Two runs seconds apart share the machine's state
    #: (a neighbour's burst slows both), so this moves less than a ratio of medians.
    paired_wall: float
    paired_cpu: float
    #: Each side alone in its own fresh process (raw on a near-empty heap), medians.
    tracked_alone: float
    raw_alone: float


def kept_throughput(n: int, repeats: int = 7) -> KeptThroughput:
    """Throughput with outcomes kept, measured away from the rest of a bench run.

    Whatever ran before in the same process (a Dask cluster, 100k-task bursts) leaves
    a heap that slows raw asyncio's automatic collections far more than the host's
    paused-in-frame ones, so the alternated comparison runs in a fresh process of
    its own. The second setup gives each side a fresh process alone: raw asyncio then
    runs on a near-empty heap, the least favourable comparison for the host.
    """
    alternated = in_fresh_process("bench.throughput", "_alternated", n, repeats)
    tracked_alone = in_fresh_process("bench.throughput", "_alone", n, repeats, "tracked")
    raw_alone = in_fresh_process("bench.throughput", "_alone", n, repeats, "raw")
    return KeptThroughput(n, *alternated, tracked_alone, raw_alone)


def _alternated(n: int, repeats: int) -> tuple[float, float, float, float, float, float]:
    medians, paired = [], []
    for clock in (time.perf_counter, time.process_time):
        tracked, raw = [], []
        for _ in range(repeats):
            tracked.append(tracked_throughput(n, keep=True, clock=clock))
            raw.append(raw_throughput(n, keep=True, clock=clock))
        medians += [median(tracked), median(raw)]
        paired.append(median([t / r for t, r in zip(tracked, raw, strict=True)]))
    return medians[0], medians[1], medians[2], medians[3], paired[0], paired[1]


def _alone(n: int, repeats: int, side: str) -> float:
    run = tracked_throughput if side == "tracked" else raw_throughput
    return median([run(n, keep=True) for _ in range(repeats)])

