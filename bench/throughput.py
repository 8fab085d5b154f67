"""Throughput: tasks per second from submission to completion callback.

Tracked: ``host.tasks.Run(coro, completion_callback=...)`` one call per task, the
host driven by ``host.step()`` in non-realtime mode until every callback fired;
nothing reads the ``task_table`` unless asked (then it is read every frame).
Raw: ``loop.create_task(coro)`` + ``task.add_done_callback`` on a plain loop, run
until every callback fired. Both submit all N first, then drain.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bench._common import noop, quiet
from host import Host

__all__ = ["raw_throughput", "tracked_throughput"]


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
        t0 = clock()
        for _ in range(n):
            run(noop(), completion_callback=on_done)
        while done < n:
            host.step()
            if read_table:
                table.refresh()
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

        t0 = clock()
        for _ in range(n):
            loop.create_task(noop()).add_done_callback(on_done)
        loop.run_until_complete(finished)
        return n / (clock() - t0)
    finally:
        loop.close()
