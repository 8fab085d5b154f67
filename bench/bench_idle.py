"""Frame cost of a host with N idle running tasks, against a bare loop step.

Run by hand: ``python bench/bench_idle.py [N ...]``. Prints, for each N, the mean
and p99 wall time of one ``host.step()`` and of a bare
``loop.call_soon(loop.stop); loop.run_forever()`` with the same N tasks parked on
a future, and their ratio. Both are measured in this run, on this machine.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

from asyncio_comp import TaskStatus
from host import Host

FRAMES = 600


def _measure(step: object, frames: int = FRAMES) -> tuple[float, float]:
    samples = []
    perf = time.perf_counter
    for _ in range(frames):
        t0 = perf()
        step()  # type: ignore[operator]
        samples.append(perf() - t0)
    samples.sort()
    return statistics.fmean(samples), samples[int(len(samples) * 0.99) - 1]


def host_frame_cost(n: int) -> tuple[float, float]:
    with Host(fps=60.0, realtime=False) as host:
        gate = host.loop.create_future()

        async def idle() -> None:
            await gate

        for _ in range(n):
            host.tasks.Run(idle())
        host.run(until=lambda: host.tasks.counts()[TaskStatus.PENDING] == 0, frames=10_000)
        assert host.tasks.GetActiveTasksCount() == n
        _measure(host.step, 60)
        result = _measure(host.step)
        gate.cancel()
        return result


def bare_loop_cost(n: int) -> tuple[float, float]:
    loop = asyncio.new_event_loop()
    try:
        gate = loop.create_future()

        async def idle() -> None:
            await gate

        tasks = [loop.create_task(idle()) for _ in range(n)]

        def step() -> None:
            loop.call_soon(loop.stop)
            loop.run_forever()

        step()
        _measure(step, 60)
        result = _measure(step)
        for t in tasks:
            t.cancel()
        if tasks:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        return result
    finally:
        loop.close()


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [0, 100, 1_000, 10_000, 100_000]
    print("| idle tasks | host.step mean | p99 | bare loop step mean | ratio |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        mean, p99 = host_frame_cost(n)
        bare_mean, _ = bare_loop_cost(n)
        print(f"| {n:,} | {mean * 1e6:.1f} µs | {p99 * 1e6:.1f} µs | "
              f"{bare_mean * 1e6:.1f} µs | {mean / bare_mean:.1f}x |")


if __name__ == "__main__":
    main(sys.argv[1:])
