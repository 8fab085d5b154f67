"""A mixed workload whose every start, ending and callback frame is printed as JSON.

Run as a script by ``test_determinism.py``, once plainly and once under
``tracemalloc`` (several times slower) with blocking detection reporting every
CPU-burning step: non-realtime frames must come out identical.

Arguments: ``tasks`` (how many), then ``threshold`` (the blocking threshold in
seconds, or ``default``).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from asyncio_comp import TaskOutcome
from host import Host

#: Real CPU each step of a burning task takes: the load, not a measurement.
BURN_SECONDS = 0.006


def burn() -> None:
    end = time.perf_counter() + BURN_SECONDS
    while time.perf_counter() < end:
        pass


def main(count: int, threshold: str) -> None:
    started: dict[int, int] = {}
    ended: dict[int, int] = {}
    called: dict[int, int] = {}
    with Host(fps=60.0, realtime=False) as host:
        if threshold != "default":
            host.tasks.blocking_threshold = float(threshold)

        async def job(n: int) -> int:
            started[n] = host.frame
            kind = n % 50
            if kind < 30:  # sleep(0) hops
                for _ in range(1 + n % 5):
                    await asyncio.sleep(0)
            elif kind < 49:  # timed sleeps, some of them a frame's fraction
                await asyncio.sleep((n % 37) / 97)
                await asyncio.sleep(0)
            else:  # one in 50 burns 6 ms of CPU per step, three steps
                for _ in range(3):
                    burn()
                    await asyncio.sleep(0)
            return n

        def callback(outcome: TaskOutcome) -> None:
            called[outcome.result] = host.frame

        ids = {}
        for n in range(count):
            task_id = host.tasks.Run(job(n), completion_callback=callback)
            assert isinstance(task_id, int)
            ids[task_id] = n
            if n % 500 == 499:
                host.step()  # submissions spread over frames too
        host.run(until=lambda: host.tasks.GetActiveTasksCount() == 0, frames=10_000)
        for task_id, n in ids.items():
            info = host.tasks.GetTaskInfo(task_id)
            assert info is not None
            ended[n] = round(info["completed_at"] * host.fps) + 1
        reports = len(host.tasks.blocking_reports)
    print(json.dumps({"started": started, "ended": ended, "called": called,
                      "reports": reports}))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
