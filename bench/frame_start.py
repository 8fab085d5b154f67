"""How close to its schedule each realtime frame starts, beside pyglet's clock.

Run by hand: ``python bench/frame_start.py [SECONDS] [FPS]`` (5 s at 60 fps by
default). Three runs of the same length, one after the other in this process:

* an idle realtime ``Host`` (TDAsyncIO serving its loop between frames); a frame's
  start is when its ``on_frame_start`` callback runs;
* the same host with nothing serving between frames (``Active`` off: plain sleep);
* pyglet's ``clock.schedule_interval(fn, 1 / fps)`` driven the way
  ``pyglet.app.run()`` drives it on X11 (``EventLoop.idle()`` then a ``select`` on
  the event devices with the clock's sleep time), with no window: a start is when
  ``fn`` runs.

For each, the error of every start against the ideal schedule (``k / fps`` apart,
through the median start): median, 99th percentile and worst, and the mean period against
``1 / fps``; the 99th percentile of the error against the run's own mean period (a
line fitted through the starts: the jitter of a clock that runs slow, as pyglet's
does, apart from its drift); and the CPU the process used, in percent of one core.
The goal: p99 at most 0.3 ms with the mean period exact. The load average
is printed before and after: on a shared machine the tail columns are its stalls.
On Linux each start also reads how long the thread had waited, runnable, for a CPU
since the previous start (``/proc/thread-self/schedstat``'s run delay): the "kept
waiting" column counts the starts after more than 0.3 ms of that, and "p99 ms, not
kept waiting" is the p99 error of the others, which is what the clock controls.
"""

from __future__ import annotations

import itertools
import os
import select
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import positive, script_parser
from host import Host


def _summary(starts: list[float], period: float) -> tuple[float, float, float, float, float]:
    """(median, p99, worst) absolute start error in ms, the mean period's error in
    percent of ``period``, and the p99 error in ms against the starts' own mean period."""
    first = starts[0]
    raw = [t - (first + k * period) for k, t in enumerate(starts)]
    # Against the schedule through the median start, not the first: one late first
    # start would otherwise shift every error by its lateness.
    shift = statistics.median(raw)
    errors = sorted(abs(e - shift) * 1e3 for e in raw)
    mean_period = (starts[-1] - first) / (len(starts) - 1)
    fit = statistics.linear_regression(range(len(starts)), starts)
    own = sorted(abs(t - (fit.intercept + k * fit.slope)) * 1e3 for k, t in enumerate(starts))
    return (statistics.median(errors), _p99(errors), errors[-1],
            (mean_period - period) / period * 100, _p99(own))


#: A start kept waiting longer than this for a CPU is the machine's stall, not the clock's.
KEPT_WAITING = 0.0003
_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _run_delay() -> float:
    """Seconds this thread has waited, runnable, for a CPU (0.0 where not reported)."""
    try:
        return int(_SCHEDSTAT.read_text().split()[1]) / 1e9
    except OSError:
        return 0.0


def _not_kept_waiting(starts: list[float], delays: list[float],
                      period: float) -> tuple[int, float]:
    """How many starts were kept waiting for a CPU, and the p99 error in ms of the
    others against the schedule (through the median start, as `_summary`)."""
    kept = [False] + [b - a > KEPT_WAITING for a, b in itertools.pairwise(delays)]
    first = starts[0]
    raw = [t - (first + k * period) for k, t in enumerate(starts)]
    shift = statistics.median(raw)
    errors = sorted(abs(e - shift) * 1e3 for e, late in zip(raw, kept, strict=True) if not late)
    return sum(kept), _p99(errors)


def _p99(ranked: list[float]) -> float:
    return ranked[int(len(ranked) * 0.99) - 1]


class _Cpu:
    """The CPU the process uses from ``start()`` to ``stop()``, in percent of one core."""

    def __init__(self) -> None:
        self._cpu = self._wall = 0.0

    def start(self) -> None:
        self._cpu, self._wall = time.process_time(), time.perf_counter()

    def stop(self) -> float:
        return (time.process_time() - self._cpu) / (time.perf_counter() - self._wall) * 100


Starts = tuple[list[float], list[float], float]


def host_starts(seconds: float, fps: float, serve: bool = True) -> Starts:
    """The frame starts of an idle realtime host, the thread's run delay at each, and
    its CPU in percent of one core."""
    starts: list[float] = []
    delays: list[float] = []

    def started(_host: Host) -> None:
        starts.append(time.perf_counter())
        delays.append(_run_delay())

    cpu = _Cpu()
    with Host(fps=fps, realtime=True) as host:
        if not serve:
            host.asyncio_comp.par.Active = False
        host.on_frame_start(started)
        cpu.start()
        host.run(frames=int(seconds * fps) + 1)
        used = cpu.stop()
    return starts[1:], delays[1:], used  # the first frame starts the schedule


def pyglet_starts(seconds: float, fps: float) -> Starts:
    """The starts of pyglet's scheduled function, the thread's run delay at each, and
    its CPU in percent of one core."""
    from pyglet import clock

    starts: list[float] = []
    delays: list[float] = []

    def started(_dt: float) -> None:
        starts.append(time.perf_counter())
        delays.append(_run_delay())

    frames = int(seconds * fps)
    pyglet_clock = clock.Clock()
    pyglet_clock.schedule_interval(started, 1 / fps)
    device, other = os.pipe()  # what select waits on: X11's connection, never ready here
    cpu = _Cpu()
    cpu.start()
    try:
        while len(starts) < frames + 1:
            dt = pyglet_clock.update_time()  # EventLoop.idle()
            pyglet_clock.call_scheduled_functions(dt)
            timeout = pyglet_clock.get_sleep_time(True)
            select.select([device], (), (), timeout)  # XlibEventLoop.step(timeout)
    finally:
        os.close(device)
        os.close(other)
    return starts[1:], delays[1:], cpu.stop()


def main(argv: list[str]) -> None:
    parser = script_parser(__doc__)
    parser.add_argument("seconds", nargs="?", type=positive(float, "seconds per run"),
                        default=5.0, help="seconds each run lasts (default 5)")
    parser.add_argument("fps", nargs="?", type=positive(float, "a frame rate"),
                        default=60.0, help="frames per second (default 60)")
    args = parser.parse_args(argv)
    seconds, fps = args.seconds, args.fps
    period = 1 / fps
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"| {seconds:g} s at {fps:g} fps | median ms | p99 ms | worst ms | mean period "
          "| p99 ms, own period | kept waiting | p99 ms, not kept waiting | CPU % |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, run in (
            ("framehost Host, loop served between frames", lambda: host_starts(seconds, fps)),
            ("framehost Host, Active off (sleep)",
             lambda: host_starts(seconds, fps, serve=False)),
            ("pyglet clock.schedule_interval", lambda: pyglet_starts(seconds, fps))):
        starts, delays, cpu = run()
        median, p99, worst, drift, own = _summary(starts, period)
        kept, p99_rest = _not_kept_waiting(starts, delays, period)
        print(f"| {label} | {median:.3f} | {p99:.3f} | {worst:.3f} | {drift:+.2f}% "
              f"| {own:.3f} | {kept} | {p99_rest:.3f} | {cpu:.1f} |", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
