"""What looking costs: ``--trace`` and the window's timeline pane, each against the
same run without it, measured in the same process run by run.

    python bench/observe.py [--quick]

- throughput (submit → completion callback, as ``bench/throughput.py``) with a
  `TraceWriter` streaming the run to a file, against none; alternated, medians;
- frame cost with 1,000 idle tasks and a trace written, against none;
- the headless window's frame (update + draw) with 1,000 tasks ticking, with the
  timeline pane shown and without it.

Frame blame itself is always on; its cost is in ``bench/run_all.py``'s figures
(frame overhead, throughput, memory per task); ``bench/RESULTS.md`` has the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import median, noop, quiet
from host import Host
from host.trace import TraceWriter

__all__ = ["frame_cost", "throughput", "window_frame"]


def throughput(n: int, trace: bool) -> float:
    """Tasks per second, submit → callback, with or without a trace written."""
    with quiet(), tempfile.TemporaryDirectory() as folder, \
            Host(fps=60.0, realtime=False) as host:
        writer = TraceWriter(host, Path(folder) / "run.json") if trace else None
        done = 0

        def on_done(outcome: object) -> None:
            nonlocal done
            done += 1

        run = host.tasks.Run
        host.step()
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(n):
            run(noop(), completion_callback=on_done)
        while done < n:
            host.step()
        elapsed = time.perf_counter() - t0
        host.close()
        if writer is not None:
            writer.close()
        return n / elapsed


def frame_cost(tasks: int, frames: int, trace: bool) -> float:
    """Seconds per frame with ``tasks`` idle tasks (trimmed mean of the middle half)."""
    with quiet(), tempfile.TemporaryDirectory() as folder, \
            Host(fps=60.0, realtime=False) as host:
        writer = TraceWriter(host, Path(folder) / "run.json") if trace else None

        async def idle() -> None:
            await asyncio.sleep(3600)

        for _ in range(tasks):
            host.tasks.Run(idle())
        host.step(5)
        times = []
        for _ in range(frames):
            t0 = time.perf_counter()
            host.step()
            times.append(time.perf_counter() - t0)
        host.close()
        if writer is not None:
            writer.close()
    times.sort()
    middle = times[len(times) // 4: 3 * len(times) // 4]
    return sum(middle) / len(middle)


def window_frame(tasks: int, frames: int, timeline: bool) -> tuple[float, float]:
    """Median and mean seconds of the headless window's frame-end work (update and
    draw) with ``tasks`` tasks whose durations tick (the pane redraws 10 times a
    second, so the mean carries its redraws)."""
    from host.views.window import WindowView

    with quiet(), Host(fps=60.0, realtime=False) as host:
        view = WindowView(host, headless=True, timeline=timeline)

        async def ticking(i: int) -> None:
            await asyncio.sleep(0.05 * (i % 200) + 0.5)

        for i in range(tasks):
            host.tasks.Run(ticking(i), description=f"job {i}")
        host.step(10)
        times = []
        screen = view.screen
        for _ in range(frames):
            host.step()
            t0 = time.perf_counter()
            screen.update()
            screen.draw()
            times.append(time.perf_counter() - t0)
        view.close()
    return median(times), sum(times) / len(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    quick = parser.parse_args().quick
    n, runs, frames = (5_000, 3, 200) if quick else (20_000, 7, 600)
    off, on = [], []
    for _ in range(runs):  # alternated: both sides share the machine's state
        off.append(throughput(n, trace=False))
        on.append(throughput(n, trace=True))
    t_off, t_on = median(off), median(on)
    print(f"throughput, {n:,} tasks: {t_off:,.0f} tasks/s without a trace, "
          f"{t_on:,.0f} with --trace ({t_on / t_off:.0%})")
    f_off = median([frame_cost(1_000, frames, trace=False) for _ in range(3)])
    f_on = median([frame_cost(1_000, frames, trace=True) for _ in range(3)])
    print(f"frame, 1,000 idle tasks: {f_off * 1e6:.1f} µs without a trace, "
          f"{f_on * 1e6:.1f} µs with --trace")
    if os.environ.get("FRAMEHOST_BENCH_NO_WINDOW"):
        return
    (m_off, a_off), (m_on, a_on) = (window_frame(1_000, frames // 2, timeline=False),
                                    window_frame(1_000, frames // 2, timeline=True))
    print(f"window frame (update + draw), 1,000 tasks: median {m_off * 1e3:.2f} ms, mean "
          f"{a_off * 1e3:.2f} ms without the timeline; median {m_on * 1e3:.2f} ms, mean "
          f"{a_on * 1e3:.2f} ms with it shown")


if __name__ == "__main__":
    main()
