"""Heavy load: the workloads where the caller keeps what it receives.

The kind workloads (`burst`, `throughput`) count outcomes and drop them. Real code
keeps them, and then Python's cyclic garbage collector decides the worst frame:
every kept outcome is one more object a full (generation 2) collection walks.

* `burst_kept` — N `Run()` calls at once, every outcome appended to a list by the
  completion callback; the worst frame, and the collections that ran inside it
  (seen through `gc.callbacks`), and every collection of the drain wherever it ran:
  a policy that leaves due collections undone has a low worst frame and pays later,
  in one long collection between frames (where the collector is Python's), so the
  longest collection anywhere is reported beside the worst frame.
* `objects_per_task` / `raw_objects_per_task` — GC-tracked objects one idle running
  task adds (`len(gc.get_objects())` before and after), tracked vs raw asyncio.
* `full_collection_seconds` — one `gc.collect()` with N idle tasks alive, tracked vs
  raw: what every task costs each full collection.
* `window_frame` — the window's frame-end work (events, update, draw, flip) with N
  running tasks in the registry and 40 visible rows ticking, headless pyglet.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench._common import IdleGate, burst_host, noop, quiet
from host import Host

__all__ = [
    "BurstKept",
    "WindowFrame",
    "burst_kept",
    "full_collection_seconds",
    "objects_per_task",
    "raw_full_collection_seconds",
    "raw_objects_per_task",
    "window_frame",
]


class _GcLog:
    """Every collection's generation and wall time, through `gc.callbacks`."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, float]] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.entries.append((info["generation"], time.perf_counter() - self._started))

    def __enter__(self) -> _GcLog:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self)


@dataclass(frozen=True, slots=True)
class BurstKept:
    worst_frame: float
    median_frame: float
    frames: int
    #: Collections that ran inside the worst frame: (generation, seconds).
    worst_frame_gcs: tuple[tuple[int, float], ...]
    #: Full collections inside frames over the whole burst, and their total time.
    full_collections: int
    full_seconds: float
    #: The most any frame spent on its own work: its time less the collections in it.
    worst_work: float
    #: Collections of the drain by generation (0, 1, 2), in frames and between them.
    collections: tuple[int, int, int]
    #: The drain's longest collection: (generation, seconds, where), where is
    #: ``"frame"`` (inside a `host.step()` call) or ``"between"`` (between two, or
    #: after the last); None when none ran.
    longest_gc: tuple[int, float, str] | None
    #: Objects left in the young generations (0 and 1) when the drain ended, and the
    #: seconds of the collection of both run then: what the drain left due for later.
    young_left: int
    young_left_seconds: float

    @property
    def worst_is_full_gc(self) -> bool:
        return any(gen == 2 for gen, _ in self.worst_frame_gcs)


def burst_kept(n: int, **host_options: Any) -> BurstKept:
    """N tasks submitted at once; the callback keeps every outcome."""
    with quiet(), burst_host(**host_options) as host:
        kept: list[object] = []
        keep = kept.append
        host.step()
        run = host.tasks.Run
        for _ in range(n):
            run(noop(), completion_callback=keep)
        times: list[float] = []
        # The log's length before and after each step: what lies outside those
        # spans ran between frames.
        spans: list[tuple[int, int]] = []
        perf = time.perf_counter
        with _GcLog() as log:
            entries = log.entries
            while len(kept) < n:
                mark = len(entries)
                f0 = perf()
                host.step()
                times.append(perf() - f0)
                spans.append((mark, len(entries)))
        young_left = len(gc.get_objects(0)) + len(gc.get_objects(1))
        t0 = perf()
        gc.collect(1)
        young_left_seconds = perf() - t0
        where = ["between"] * len(entries)
        for mark, end in spans:
            where[mark:end] = ["frame"] * (end - mark)
        frame_gcs = [tuple(entries[mark:end]) for mark, end in spans]
        worst = max(range(len(times)), key=times.__getitem__)
        work = max(t - sum(s for _, s in gcs) for t, gcs in zip(times, frame_gcs, strict=True))
        full = [s for gcs in frame_gcs for gen, s in gcs if gen == 2]
        gens = [gen for gen, _ in entries]
        longest: tuple[int, float, str] | None = None
        for (gen, seconds), place in zip(entries, where, strict=True):
            if longest is None or seconds > longest[1]:
                longest = (gen, seconds, place)
        return BurstKept(times[worst], sorted(times)[len(times) // 2], len(times),
                         frame_gcs[worst], len(full), sum(full), work,
                         (gens.count(0), gens.count(1), gens.count(2)), longest,
                         young_left, young_left_seconds)


def _tracked_idle(n: int, measure: Callable[[], float]) -> float:
    """``measure()`` after minus before starting n idle tracked tasks."""
    with quiet(), Host(fps=60.0, realtime=False) as host:
        gate = IdleGate(host.loop)
        host.step(2)
        gc.collect()
        before = measure()
        gate.park(host, n)
        gc.collect()
        after = measure()
        gate.release()
        return after - before


def _raw_idle(n: int, measure: Callable[[], float]) -> float:
    loop = asyncio.new_event_loop()
    loop.set_debug(False)  # as a program runs (-X dev would start it in debug mode)
    try:
        gate = IdleGate(loop)
        gc.collect()
        before = measure()
        tasks = gate.start_raw(n)
        loop.call_soon(loop.stop)
        loop.run_forever()
        gc.collect()
        after = measure()
        gate.release(tasks)
        return after - before
    finally:
        loop.close()


def _tracked_objects() -> float:
    return float(len(gc.get_objects()))


def objects_per_task(n: int = 10_000) -> float:
    """GC-tracked objects per idle running tracked task."""
    return _tracked_idle(n, _tracked_objects) / n


def raw_objects_per_task(n: int = 10_000) -> float:
    """GC-tracked objects per idle raw asyncio task (the list holding them included)."""
    return _raw_idle(n, _tracked_objects) / n


def _one_full_collection() -> float:
    t0 = time.perf_counter()
    gc.collect()
    return time.perf_counter() - t0


def full_collection_seconds(n: int = 10_000) -> float:
    """Wall time of one full collection with n idle tracked tasks alive, minus the same
    collection with none (the collection's cost per task, times n). A difference of
    two timings: on a loaded machine it is noisy, read it over several runs."""
    return _collect_with(n, tracked=True)


def raw_full_collection_seconds(n: int = 10_000) -> float:
    return _collect_with(n, tracked=False)


def _collect_with(n: int, tracked: bool) -> float:
    samples: list[float] = []

    def measure() -> float:
        best = min(_one_full_collection() for _ in range(5))
        samples.append(best)
        return best

    (_tracked_idle if tracked else _raw_idle)(n, measure)
    return samples[1] - samples[0]


@dataclass(frozen=True, slots=True)
class WindowFrame:
    """Median seconds per frame of the window table's work."""

    #: ``TableRenderer.update()``: reading the rows and re-laying the changed cells
    #: (the part that could grow with the number of tasks).
    update: float
    #: update + ``Canvas.draw()`` issuing the draw (on llvmpipe the software
    #: rasteriser shares the CPU, so this part moves with the machine's load).
    total: float
    #: update + draw + ``glFinish()``: with the pixels filled, what a flip waits for
    #: on a software rasteriser (measured in frames of their own).
    with_raster: float


def window_frame(n: int, frames: int = 60, *, in_place: bool = True) -> WindowFrame | None:
    """The window table's update + draw (CPU: issuing the draw, as `bench_renderer`'s
    ``tick cpu``) with n running tasks in the registry and 40 visible rows ticking,
    then the same with the rasteriser awaited; None when no headless GL context can
    be made here.

    ``in_place`` draws as `WindowView` does headless (the pbuffer keeps its pixels:
    only what changed is drawn again); False as on a display, where every frame is
    drawn whole."""
    try:
        from host.views.window._backend import configure

        configure(True)
        import pyglet

        from host.views.window.canvas import Canvas
        from host.views.window.layout import Box
        from host.views.window.table_renderer import TableRenderer

        window = pyglet.window.Window(1280, 900, visible=False)
    except Exception:
        return None
    try:
        with quiet(), Host(fps=60.0, realtime=False) as host:
            gate = IdleGate(host.loop)
            gate.park(host, n, description="download shard")
            canvas = Canvas()
            canvas.target_keeps_pixels = in_place
            table = TableRenderer(canvas, host.tasks, lambda: host.seconds)
            table.layout(Box(8, 8, 1000, (WINDOW_ROWS + 1) * (canvas.line_height + 5) + 4))
            perf = time.perf_counter
            times: list[float] = []
            updates: list[float] = []
            rastered: list[float] = []
            for i in range(2 * (frames + 5)):
                host.step()  # the clock moves: every visible duration ticks
                t0 = perf()
                table.update()
                t1 = perf()
                canvas.draw()  # no clear, as WindowView: the canvas clears what it redraws
                if i < frames + 5:
                    times.append(perf() - t0)
                    updates.append(t1 - t0)
                else:
                    pyglet.gl.glFinish()
                    rastered.append(perf() - t0)
            canvas.delete()
            gate.release()
            return WindowFrame(*(sorted(t[5:])[frames // 2] for t in (updates, times, rastered)))
    finally:
        window.close()


#: Visible rows of the window's table in `window_frame`.
WINDOW_ROWS = 40
