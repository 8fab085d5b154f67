"""Task-table renderer vs. naive pyglet Labels, headless, in one run.

40 visible rows × 8 text cells. Two workloads per renderer:

* ``tick``  — every row is running, so every duration cell changes every frame;
* ``shift`` — a new task arrives on top every frame, so every row moves down one
  slot and every one of the 320 cells changes (the naive renderer's worst case).

The naive renderer assigns ``Label.text`` for all 320 labels of a `pyglet.graphics.Batch`
each frame (pyglet skips identical text, so in ``tick`` only the 40 durations re-lay-out)
and draws the batch. Ours is `TableRenderer.update()` + `Canvas.draw()` as `WindowView`
draws headless (the pbuffer keeps its pixels, so only what changed is drawn again).

Each figure is reported twice: ``cpu`` = update + issuing the draw (what Python costs
the frame), ``+raster`` = the same followed by ``glFinish()`` (adds the software
rasteriser's time on llvmpipe; on a GPU this part is negligible).

Run: ``python bench/bench_renderer.py [--frames N]``
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import positive, script_parser
from host import Host
from host.views.window._backend import configure

ROWS = 40
CELLS = ("task_id", "status", "description", "duration", "created_at", "completed_at",
         "error", "info")


async def _forever() -> None:
    await asyncio.Event().wait()


def _measure(frame: Callable[[], None], finish: Callable[[], None] | None,
             frames: int) -> float:
    """Median milliseconds per frame."""
    for _ in range(5):
        frame()
    times = []
    for _ in range(frames):
        t0 = time.perf_counter()
        frame()
        if finish is not None:
            finish()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def measure_all(frames: int = 120) -> tuple[dict[str, float], float, str]:
    """Every figure (ms per frame), the whole-window frame time, and the GL renderer."""
    configure(True)
    import pyglet
    from pyglet import gl

    from host.views._format import format_duration
    from host.views.row_text import format_time
    from host.views.window.canvas import Canvas
    from host.views.window.layout import Box
    from host.views.window.table_renderer import TableRenderer

    window = pyglet.window.Window(1280, 900, visible=False)
    host = Host(fps=60.0, realtime=False)
    for i in range(ROWS + 2 * frames + 20):
        host.tasks.Run(_forever(), description=f"download shard {i:04d}", info={"shard": i})
    host.step(1)
    rows_all = host.tasks.rows()
    clock = [0.0]

    def now() -> float:
        clock[0] += 1 / 60
        return clock[0]

    # -- naive: 320 labels in a batch ------------------------------------------------
    batch = pyglet.graphics.Batch()
    widths = (40, 80, 200, 80, 80, 80, 240, 160)
    labels = []
    for r in range(ROWS):
        x = 10
        for w in widths:
            labels.append(pyglet.text.Label("", font_name="DejaVu Sans Mono", font_size=9,
                                            x=x, y=860 - r * 20, batch=batch))
            x += w
    naive_shift = [0]

    def naive_frame(shift: bool) -> Callable[[], None]:
        def frame() -> None:
            t = now()
            if shift:
                naive_shift[0] += 1
            first = len(rows_all) - ROWS - naive_shift[0]
            i = 0
            for row in rows_all[first:first + ROWS]:
                for text in (str(row.task_id), row.status.value, row.description,
                             format_duration(row.duration(t)), format_time(row.created_at),
                             format_time(row.completed_at), row.error or "", row.info):
                    labels[i].text = text
                    i += 1
            window.clear()
            batch.draw()
        return frame

    # -- ours --------------------------------------------------------------------------
    canvas = Canvas()
    canvas.target_keeps_pixels = True  # as WindowView headless: a pbuffer keeps its pixels
    table = TableRenderer(canvas, host.tasks, now)
    table.layout(Box(8, 8, 1000, (ROWS + 1) * (canvas.line_height + 5) + 4))
    assert table.visible_rows == ROWS, table.visible_rows

    def ours_frame(shift: bool) -> Callable[[], None]:
        def frame() -> None:
            if shift:
                table.scroll_to(max(0, table.first - 1) if table.first else
                                table.model.total - ROWS)
            table.update()
            canvas.draw()  # no clear: the canvas clears what it redraws
        return frame

    results: dict[str, float] = {}
    for name, make in (("naive", naive_frame), ("ours", ours_frame)):
        for workload in ("tick", "shift"):
            for mode, finish in (("cpu", None), ("+raster", gl.glFinish)):
                results[f"{name} {workload} {mode}"] = _measure(
                    make(workload == "shift"), finish, frames)
    # -- the whole window (header, toolbar, table, panel) for reference -------------------
    from host.views.window import WindowView

    renderer = gl.gl_info.get_renderer()
    canvas.delete()
    window.close()
    view = WindowView(host, width=1280, height=720, headless=True)
    full = _measure(lambda: host.step(1), None, frames)
    view.close()
    host.close()

    return results, full, renderer


def renderer_vs_naive(frames: int = 60) -> tuple[float, float]:
    """``(naive_seconds, renderer_seconds)`` per frame for the ticking 40-row table (CPU)."""
    results, _, _ = measure_all(frames)
    return results["naive tick cpu"] / 1e3, results["ours tick cpu"] / 1e3


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--frames", type=positive(int, "a frame count"), default=120)
    frames = parser.parse_args().frames
    results, full, renderer = measure_all(frames)
    print(f"task-table renderer, {ROWS} visible rows x {len(CELLS)} cells, headless on "
          f"{renderer}, median of {frames} frames, ms per frame")
    print(f"{'workload':<8} {'timing':<8} {'naive Label.text':>17} {'ours':>8} {'ratio':>7}")
    for workload in ("tick", "shift"):
        for mode in ("cpu", "+raster"):
            naive = results[f"naive {workload} {mode}"]
            ours = results[f"ours {workload} {mode}"]
            print(f"{workload:<8} {mode:<8} {naive:17.2f} {ours:8.2f} {naive / ours:6.1f}x")
    print(f"whole window frame (host.step incl. TDAsyncIO, {ROWS + 2 * frames + 20} "
          f"tasks, 1280x720, raster not awaited): {full:.2f} ms")
    naive, ours = results["naive tick cpu"], results["ours tick cpu"]
    print(f"naive Label.text baseline: {naive:.2f} ms per frame (40 ticking rows, cpu)")
    print(f"renderer: {ours:.2f} ms per frame (40 ticking rows, cpu); {naive / ours:.1f}x faster")


if __name__ == "__main__":
    main()
