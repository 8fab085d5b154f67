"""Burst: N tasks submitted at once, then the frames it takes to drain them.

Reports the worst frame's wall time and how many frames ran until every task had
ended and its callback fired. The stepper admits tasks in chunks within the frame
budget, so the burst spreads over frames instead of stalling one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench._common import burst_host, noop, quiet

__all__ = ["BurstResult", "burst"]


@dataclass(frozen=True, slots=True)
class BurstResult:
    submit_seconds: float
    worst_frame: float
    median_frame: float
    frames: int


def burst(n: int) -> BurstResult:
    with quiet(), burst_host() as host:
        done = 0

        def on_done(_outcome: object) -> None:
            nonlocal done
            done += 1

        host.step()
        run = host.tasks.Run
        t0 = time.perf_counter()
        for _ in range(n):
            run(noop(), completion_callback=on_done)
        submit = time.perf_counter() - t0
        times: list[float] = []
        perf = time.perf_counter
        while done < n:
            f0 = perf()
            host.step()
            times.append(perf() - f0)
        times_sorted = sorted(times)
        return BurstResult(submit, times_sorted[-1], times_sorted[len(times) // 2],
                           len(times))
