"""What one ``host.step()`` call costs beside a frame run inside ``host.step(n)``.

`bench.frame_overhead` (run_all's frame rows), like most users' own loops, calls
``host.step()`` once per frame, so its figure is a frame plus one call's own work:
checks, the collector's pause (`td.gc_policy`) and its end. This script splits the
two, for a non-realtime host with N idle tracked tasks parked on a future:

* timed: blocks of ``BLOCK`` frames, one ``host.step()`` per frame against one
  ``host.step(BLOCK)``, alternated in the same process, and a bare asyncio loop step
  with the same N tasks parked (`bench.frame_overhead`'s baseline); medians of the
  blocks' µs per frame;
* the C functions a frame calls, counted by ``sys.setprofile`` (its ``c_call``
  events, nothing replaced), with each one's timed cost per call: what instruction
  counts miss (a clock read is a few hundred instructions and ~100 ns here);
* with ``--callgrind`` (valgrind on PATH): instructions per frame both ways, counted
  only inside the stepping (``--toggle-collect`` on the ``itertools.starmap`` that
  drives it), so imports and set-up are not in the figure.

``host`` is imported from the active environment, not from this file's tree, so one
copy of the script measures any checkout with its own venv (the baseline b00bdfd has
no such script)::

    python bench/step_cost.py [--callgrind] [--tasks 0,100,1000,10000]
"""

from __future__ import annotations

import asyncio
import collections
import gc
import itertools
import logging
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import timeit
from collections.abc import Callable
from typing import Any

try:
    from bench._common import IdleGate, counts, script_parser
except ModuleNotFoundError:
    # Run as ``python bench/step_cost.py`` in another checkout's venv: the sibling
    # module, found on sys.path[0] (this folder), without putting this tree's root, and
    # with it this tree's `host`, ahead of the venv's.
    from _common import IdleGate, counts, script_parser  # type: ignore[no-redef]

BLOCK = 200
ROUNDS = 15


def _host_with_idle_tasks(n: int, fps: float = 60.0) -> tuple[Any, IdleGate]:
    from host import Host

    host = Host(fps=fps, realtime=False)
    gate = IdleGate(host.loop)
    gate.park(host, n, frames=30)  # the frames after these are idle
    return host, gate


def _close(host: Any, gate: IdleGate) -> None:
    gate.release()
    host.step(3)
    host.close()


def _block_us(run: Callable[[], object]) -> tuple[float, float]:
    """(wall, this thread's CPU) µs per frame of one block: on a shared machine the
    CPU time leaves out the time the thread waited for a core."""
    cpu = time.thread_time_ns()
    started = time.perf_counter_ns()
    run()
    wall = time.perf_counter_ns() - started
    return wall / BLOCK / 1e3, (time.thread_time_ns() - cpu) / BLOCK / 1e3


def timed(n: int, rounds: int = ROUNDS) -> dict[str, float]:
    """Median µs per frame: ``each`` (one step() per frame), ``once`` (step(BLOCK)),
    ``bare`` (a bare loop step, n tasks parked), blocks alternated; the same three
    in this thread's CPU time as ``each cpu``, ``once cpu``, ``bare cpu``."""
    host, gate = _host_with_idle_tasks(n)
    step = host.step

    def each() -> None:
        for _ in range(BLOCK):
            step()

    def once() -> None:
        step(BLOCK)

    loop = asyncio.new_event_loop()
    bare_gate = IdleGate(loop)
    tasks = bare_gate.start_raw(n)

    def bare() -> None:
        for _ in range(BLOCK):
            loop.call_soon(loop.stop)
            loop.run_forever()

    samples: dict[str, list[float]] = collections.defaultdict(list)
    try:
        for run in (each, once, bare):
            run()  # warm-up
        for _ in range(rounds):
            for name, run in (("each", each), ("once", once), ("bare", bare)):
                wall, cpu = _block_us(run)
                samples[name].append(wall)
                samples[f"{name} cpu"].append(cpu)
    finally:
        bare_gate.release(tasks)
        loop.close()
        _close(host, gate)
    return {name: statistics.median(values) for name, values in samples.items()}


def c_calls(n: int, frames: int = 500) -> dict[str, collections.Counter[str]]:
    """C functions called per frame, both ways (``sys.setprofile``'s ``c_call``)."""
    host, gate = _host_with_idle_tasks(n)
    found: dict[str, collections.Counter[str]] = {}
    try:
        for name, run in (("each", lambda: [host.step() for _ in range(frames)]),
                          ("once", lambda: host.step(frames))):
            counts: collections.Counter[str] = collections.Counter()

            def profile(_frame: object, event: str, arg: Any,
                        counts: collections.Counter[str] = counts) -> None:
                if event == "c_call":
                    counts[getattr(arg, "__qualname__", repr(arg))] += 1

            sys.setprofile(profile)
            try:
                run()
            finally:
                sys.setprofile(None)
            found[name] = counts
    finally:
        _close(host, gate)
    return found


def c_function_ns() -> dict[str, float]:
    """Best-of-5 ns per call of the C functions a frame and a step() call make."""
    calls: dict[str, tuple[Callable[..., object], tuple[object, ...]]] = {
        "perf_counter": (time.perf_counter, ()),
        "get_threshold": (gc.get_threshold, ()),
        "set_threshold": (gc.set_threshold, (gc.get_threshold()[0],)),
        "isenabled": (gc.isenabled, ()),
        "get_count": (gc.get_count, ()),
        "get_ident": (threading.get_ident, ()),
        "(an empty loop)": (lambda: None, ()),
    }
    result = {}
    for name, (fn, args) in calls.items():
        if name == "(an empty loop)":
            timer = timeit.Timer("pass")
        else:
            timer = timeit.Timer("fn(a)" if args else "fn()",
                                 globals={"fn": fn, "a": args[0] if args else None})
        result[name] = min(timer.repeat(5, 200_000)) / 200_000 * 1e9
    return result


def _callgrind_run(n: int, frames: int, mode: str) -> None:
    """The stepping a callgrind child counts: ``frames`` frames, ``mode`` ``each`` or
    ``once``, driven by ``itertools.starmap`` (what ``--toggle-collect`` follows)."""
    # 1 fps: a frame's budget of 1 s, so no frame counts as late (and builds a late
    # report) when callgrind's slowdown meets a preemption on a loaded machine.
    host, gate = _host_with_idle_tasks(n, fps=1.0)
    calls = itertools.repeat((), frames) if mode == "each" else [(frames,)]
    collections.deque(itertools.starmap(host.step, calls), maxlen=0)
    _close(host, gate)


def callgrind(n: int, frames: int, mode: str) -> int:
    """Instructions callgrind counts inside the stepping of `_callgrind_run`."""
    code = (f"import logging, runpy; logging.disable(logging.CRITICAL); "
            f"ns = runpy.run_path({__file__!r}); "
            f"ns['_callgrind_run']({n}, {frames}, {mode!r})")
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--collect-atstart=no",
         "--toggle-collect=starmap_next", "--callgrind-out-file=/dev/null",
         sys.executable, "-c", code],
        capture_output=True, text=True, check=True, timeout=1_800)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no instruction count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = script_parser(__doc__)
    parser.add_argument("--tasks", type=counts("idle task counts"), default=[0, 100, 1000, 10000],
                        help="idle task counts, comma-separated")
    parser.add_argument("--callgrind", action="store_true",
                        help="also count instructions under valgrind's callgrind")
    args = parser.parse_args(argv)
    import host

    print(f"host from {host.__file__}")
    logging.disable(logging.CRITICAL)
    print(f"µs per frame, median of {ROUNDS} alternated blocks of {BLOCK} frames, "
          f"wall time (this thread's CPU time)")
    print(f"{'idle tasks':>10} {'step() each':>15} {'in step(n)':>15} {'per call':>13} "
          f"{'bare loop':>15} {'each/bare':>9} {'in/bare':>8}")
    for n in args.tasks:
        row = timed(n)

        def both(key: str, row: dict[str, float] = row) -> str:
            return f"{row[key]:.2f} ({row[key + ' cpu']:.2f})"

        per_call = (f"{row['each'] - row['once']:.2f} "
                    f"({row['each cpu'] - row['once cpu']:.2f})")
        print(f"{n:>10,} {both('each'):>15} {both('once'):>15} {per_call:>13} "
              f"{both('bare'):>15} {row['each'] / row['bare']:>8.2f}x "
              f"{row['once'] / row['bare']:>7.2f}x")
    ns = c_function_ns()
    print("C calls per frame, 0 idle tasks (sys.setprofile), ns per call (best of 5)")
    calls = c_calls(0)
    for name in sorted(set(calls["each"]) | set(calls["once"]),
                       key=lambda k: -calls["each"][k]):
        each, once = calls["each"][name] / 500, calls["once"][name] / 500
        if each >= 0.5 or once >= 0.5:
            cost = f"{ns[name]:6.0f} ns" if name in ns else ""
            print(f"   {name:>16}: step() each {each:4.1f}, in step(n) {once:4.1f}  {cost}")
    print(f"   {'(loop overhead)':>16}: {ns['(an empty loop)']:.0f} ns per timeit iteration")
    if args.callgrind:
        if shutil.which("valgrind") is None:
            raise SystemExit("--callgrind needs valgrind on PATH")
        frames = 2_000
        print(f"instructions per frame (callgrind, {frames:,} frames, only the stepping)")
        for n in counts[:2]:
            each = callgrind(n, frames, "each") / frames
            once = callgrind(n, frames, "once") / frames
            print(f"{n:>10,} idle tasks: step() each {each:,.0f}, in step(n) {once:,.0f}, "
                  f"per call {each - once:,.0f}")


if __name__ == "__main__":
    main()
