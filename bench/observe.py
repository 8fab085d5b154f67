"""What looking costs: ``--trace`` and the window's timeline pane, each against the
same run without it, measured in the same process run by run.

    python bench/observe.py [--quick]

- throughput (submit → completion callback, as ``bench/throughput.py``) with a
  `TraceWriter` streaming the run to a file, against none; alternated, medians;
- frame cost with 1,000 idle tasks and a trace written, against none;
- the headless window's frame (update + draw) with 1,000 tasks ticking, with the
  timeline pane shown and without it;
- a long run with the timeline shown (100k tasks through, 20k with ``--quick``):
  the window's frame over the run and the timeline model's memory, which must stay
  flat (older history is summarised).

Frame blame itself is always on; its cost is in ``bench/run_all.py``'s figures
(frame overhead, throughput, memory per task); ``bench/RESULTS.md`` has the figures.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import median, noop, quiet, script_parser
from host import Host
from host.trace import TraceWriter

__all__ = ["frame_cost", "throughput", "timeline_frames", "timeline_memory", "window_frame"]


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


def _long_run(host: Host, total: int, per_frame: int, samples: int,
              sample: Callable[[int, list[float]], None]) -> None:
    """``total`` jobs through ``host``, ``per_frame`` submitted each frame (each sleeps
    1-30 frames; every tenth submits a child before it ends), so the run outlives a
    timeline's detail (2,000 ended tasks, 3,600 frames); ``sample(jobs, frame_times)``
    at ``samples`` evenly spread points and once the last task ended, with the
    seconds of each ``host.step()`` since the point before."""

    async def child() -> None:
        await asyncio.sleep(0.0)

    async def job(i: int) -> None:
        await asyncio.sleep((1 + i % 30) / 60.0)
        if i % 10 == 0:
            host.tasks.Run(child(), description=f"child of {i}")

    submitted = frame = 0
    every = max(1, total // per_frame // samples)
    times: list[float] = []
    run = host.tasks.Run
    while submitted < total or host.tasks.GetActiveTasksCount():
        for _ in range(min(per_frame, total - submitted)):
            run(job(submitted), description=f"job {submitted}")
            submitted += 1
        t0 = time.perf_counter()
        host.step()
        times.append(time.perf_counter() - t0)
        frame += 1
        if frame % every == 0 or (submitted >= total and not host.tasks.GetActiveTasksCount()):
            sample(submitted, times)
            times = []


def timeline_frames(total: int, per_frame: int, samples: int, timeline: bool = True
                    ) -> list[tuple[int, float, float, int]]:
    """A long run (`_long_run`) in a headless window with the timeline pane shown (or
    not): per sample, (jobs submitted, median and mean ms of a whole frame, the
    view's drawing included, late frames) since the sample before."""
    from host.views.window import WindowView

    points: list[tuple[int, float, float, int]] = []
    with quiet(), Host(fps=60.0, realtime=False) as host:
        view = WindowView(host, headless=True, timeline=timeline)
        late = host.blame.late_count

        def sample(jobs: int, times: list[float]) -> None:
            nonlocal late
            points.append((jobs, median(times) * 1e3, sum(times) / len(times) * 1e3,
                           host.blame.late_count - late))
            late = host.blame.late_count

        host.step(10)
        _long_run(host, total, per_frame, samples, sample)
        view.close()
    return points


def timeline_memory(total: int, per_frame: int, samples: int
                    ) -> list[tuple[int, float, tuple[int, int, int], float]]:
    """A long run (`_long_run`) with the pane's model (`host.views.timeline.Timeline`)
    listening: per sample, (jobs submitted, KiB that ``tracemalloc`` holds as
    allocated in ``host/views/timeline.py``, the model's counts: active spans,
    ended spans, buckets; a bucket's seconds). The model alone: drawing reads a
    bounded window of it and ``tracemalloc`` would make a window's run very slow."""
    import tracemalloc

    from host.views.timeline import Timeline

    points: list[tuple[int, float, tuple[int, int, int], float]] = []
    with quiet(), Host(fps=60.0, realtime=False) as host:
        model = Timeline(host)

        def sample(jobs: int, times: list[float]) -> None:
            snapshot = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(True, "*host/views/timeline.py")])
            kib = sum(stat.size for stat in snapshot.statistics("filename")) / 1024
            points.append((jobs, kib, model.counts(), model.bucket_seconds))

        tracemalloc.start()
        try:
            _long_run(host, total, per_frame, samples, sample)
        finally:
            tracemalloc.stop()
        model.close()
    return points


def main() -> None:
    parser = script_parser(__doc__)
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
    total = 20_000 if quick else 100_000
    print(f"a long run in the window: {total:,} jobs through, 20 a frame, a child per "
          f"ten (a whole frame, view included: median / mean ms and late frames since the "
          f"line before; without the timeline | with it shown):")
    hidden = timeline_frames(total, 20, 5, timeline=False)
    shown = timeline_frames(total, 20, 5, timeline=True)
    for (jobs, m_off, a_off, l_off), (_, m_on, a_on, l_on) in zip(hidden, shown, strict=False):
        print(f"  {jobs:>7,} jobs: {m_off:.2f} / {a_off:.2f} ms, {l_off} late | "
              f"{m_on:.2f} / {a_on:.2f} ms, {l_on} late")
    print(f"the timeline model over {total:,} jobs, 5 a frame (KiB allocated in "
          f"host/views/timeline.py; active spans, ended spans, buckets; bucket seconds):")
    for jobs, kib, counts, width in timeline_memory(total, 5, 5):
        print(f"  {jobs:>7,} jobs: {kib:,.0f} KiB, counts {counts}, buckets of {width:g} s")

if __name__ == "__main__":
    main()
