"""What each view adds to a frame: headless, terminal, window, on the same scene.

Each run builds a fresh host with the scene, attaches the view and runs it in
realtime at 60 fps for a few seconds; the figures are the host's own frame
statistics (wall time of a frame's work, views included), its late frames and the
"blocked the event loop" reports (the scenes' tasks only await sleeps, so every
report is a false one: time taken from a step by something else). The
terminal view writes real escape codes to a terminal-like console on /dev/null, so
it lays out and writes everything a terminal would get. "terminal, in frame" is
the same view drawing inside the frame (``threaded=False``), the way it drew before
it had a render thread: the baseline the render thread is measured against.

``network`` (`bench/network_scene.py`) is the big one: 100,000 tasks waiting and
200 operators, a DAT and the table changing every frame. The goal: on it the
window adds at most a third of a frame period (5.6 ms at 60 fps) to a frame's mean
over headless, measured in the same run, whatever the network holds.

Run: ``python -m bench.views [--seconds S] [--scene stress|files|hello|network]``.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console

from bench._common import positive, quiet, script_parser
from host import Host
from host.scene_loader import build_scene, load_scene
from host.views.terminal import TerminalView

__all__ = ["ViewRun", "run_view"]

SCENE_ARGS = {"stress": {"wave": "1000", "waves": "0", "interval": "1.0", "clearafter": "1.0"},
              "files": {}, "hello": {}, "network": {"tasks": "100000", "operators": "200"}}
#: Scenes of the bench's own, by path (the others are bundled scenes).
SCENE_PATHS = {"network": str(Path(__file__).with_name("network_scene.py"))}
#: The window's goal on the network scene: its added mean frame time, as a share of
#: a frame period.
GOAL_SHARE = 1 / 3


@dataclass(frozen=True)
class ViewRun:
    view: str
    frames: int
    late_frames: int
    mean_frame: float
    median_frame: float
    max_frame: float
    refreshes: int
    blocking_reports: int


def _terminal(threaded: bool) -> Callable[[Host], Callable[[], int]]:
    def attach(host: Host) -> Callable[[], int]:
        sink = open(os.devnull, "w", encoding="utf-8")
        console = Console(file=sink, force_terminal=True, width=120, height=40,
                          color_system="truecolor")
        view = TerminalView(host, console=console, threaded=threaded)
        view.start()

        def close() -> int:
            view.close()
            sink.close()
            return view.drawn

        return close

    return attach


def _window(host: Host) -> Callable[[], int]:
    from host.views.window import WindowView

    view = WindowView(host, width=1280, height=720, headless=None)

    def close() -> int:
        drawn = view.frames_drawn
        view.close()
        return drawn

    return close


def _headless(host: Host) -> Callable[[], int]:
    return lambda: 0


VIEWS: dict[str, Callable[[Host], Callable[[], int]]] = {
    "headless": _headless,
    "terminal": _terminal(threaded=True),
    "terminal, in frame": _terminal(threaded=False),
    "window": _window,
}


def run_view(view: str, scene_name: str, seconds: float) -> ViewRun:
    """One realtime run of ``scene_name`` with ``view`` attached."""
    scene = load_scene(SCENE_PATHS.get(scene_name, scene_name))
    gc.collect()
    with quiet():
        host = Host(fps=60.0, realtime=True)
        times: list[float] = []
        try:
            build_scene(scene, host, dict(SCENE_ARGS.get(scene_name, {})))
            close = VIEWS[view](host)
            host.on_frame_end(lambda h: times.append(h.stats.last_frame_time))
            try:
                host.run(seconds=seconds)
            finally:
                refreshes = close()
            stats = host.stats
            reports = len(host.tasks.blocking_reports)
        finally:
            host.close()
    return ViewRun(view, stats.frames, stats.late_frames, stats.mean_frame_time,
                   statistics.median(times) if times else 0.0, stats.max_frame_time, refreshes,
                   reports)


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--seconds", type=positive(float, "seconds per run"), default=6.0)
    parser.add_argument("--scene", action="append", choices=sorted(SCENE_ARGS))
    parser.add_argument("--view", action="append", choices=sorted(VIEWS))
    args = parser.parse_args()
    scenes = args.scene or ["stress", "files", "network"]
    views = args.view or list(VIEWS)
    for scene in scenes:
        print(f"scene {scene}: {args.seconds:g} s realtime at 60 fps each")
        print(f"  {'view':20} {'frames':>6} {'late':>5} {'mean ms':>8} {'median':>7} "
              f"{'max ms':>7} {'drawn':>6} {'blocked':>7} {'mean - headless':>16}")
        base: float | None = None
        for view in views:
            try:
                r = run_view(view, scene, args.seconds)
            except Exception as exc:  # no GL here: say so and go on
                print(f"  {view:20} skipped: {type(exc).__name__}: {exc}")
                continue
            if view == "headless":
                base = r.mean_frame
            delta = "" if base is None else f"{(r.mean_frame - base) * 1e3:+.2f} ms"
            print(f"  {r.view:20} {r.frames:6d} {r.late_frames:5d} {r.mean_frame * 1e3:8.2f} "
                  f"{r.median_frame * 1e3:7.2f} {r.max_frame * 1e3:7.1f} {r.refreshes:6d} "
                  f"{r.blocking_reports:7d} {delta:>16}")
            if scene == "network" and view == "window" and base is not None:
                goal = GOAL_SHARE / 60.0
                added = r.mean_frame - base
                verdict = "ok" if added <= goal else "MISS"
                print(f"  {verdict} the window adds {added * 1e3:.2f} ms per frame with 100k "
                      f"tasks and 200 operators (goal <= {goal * 1e3:.2f} ms)")


if __name__ == "__main__":
    main()
