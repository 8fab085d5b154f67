"""Instructions per task under valgrind's callgrind: a figure the machine's load cannot move.

On a shared machine the throughput ratio moves by ±10% between runs, more than most
changes to the per-task path are worth, so a change to that path is judged here first:
callgrind counts the instructions the interpreter executes, the same on every run.
A task's count is the difference between a run of N tasks and a run of none (both
import the same modules, build and close a host, collect), divided by N, for the
tracked path (``Run`` + completion callback keeping each outcome, frames until every
callback fired, then a full collection; closing the host is counted too) and for raw
asyncio (``create_task`` + ``add_done_callback`` keeping each task).

Instructions are not time: the collector's walks over kept objects cost more time per
instruction than interpreted code does, so a time ratio reads better than this one.

The tracked count takes in more than ``bench/throughput.py`` times: building and closing
the host (a close walks every task something still keeps: each kept outcome holds
one) and a C callback (``kept.append``) where the bench's is a Python function. The
``drain`` line counts exactly what that bench times (`bench.compare`'s child, callgrind
collecting only inside the timed region, outcomes kept); ``python bench/compare.py
--callgrind --against REV`` counts the same for two trees.

The idle frame is counted the same way (``frames``): a host with 100 tracked tasks
parked on a future steps F frames, against a run of none, divided by F; what the
frame loop costs when nothing changed, which a timing on a loaded machine cannot
resolve to a few percent.

Run by hand (it needs ``valgrind``, a minute or two)::

    python bench/instructions.py [N [F]]
"""

from __future__ import annotations

import asyncio
import gc
import re
import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import REPO, IdleGate, noop, positive, quiet, script_parser

__all__ = ["instructions_per_frame", "instructions_per_task"]

#: Tracked tasks parked beside the idle frames (as `bench.frame_overhead`'s 100).
IDLE_TASKS = 100


def _tracked(n: int) -> None:
    from host import Host

    with quiet(), Host(fps=60.0, realtime=False) as host:
        kept: list[object] = []
        run = host.tasks.Run
        host.step()
        gc.collect()
        for _ in range(n):
            run(noop(), completion_callback=kept.append)
        while len(kept) < n:
            host.step()
        gc.collect()


def _raw(n: int) -> None:
    loop = asyncio.new_event_loop()
    try:
        kept: list[object] = []
        finished = loop.create_future()

        def on_done(task: object) -> None:
            kept.append(task)
            if len(kept) == n:
                finished.set_result(None)

        gc.collect()
        for _ in range(n):
            loop.create_task(noop()).add_done_callback(on_done)
        if n:
            loop.run_until_complete(finished)
        gc.collect()
    finally:
        loop.close()


def _frames(n: int) -> None:
    from host import Host

    with quiet(), Host(fps=60.0, realtime=False) as host:
        gate = IdleGate(host.loop)
        gate.park(host, IDLE_TASKS, frames=10)  # the frames after these are idle
        host.step(n)
        gate.release()


def _count(side: str, n: int) -> int:
    """Instructions executed by a fresh interpreter running ``side`` with ``n`` tasks
    (``frames``: ``n`` frames) after a warm-up of 200, so both runs import and prime
    the same things."""
    code = (f"from bench.instructions import _{side}; _{side}(200); _{side}({n})")
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True, timeout=3_600)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no instruction count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def instructions_per_task(side: str, n: int = 5_000) -> float:
    """Instructions per task for ``side`` (``"tracked"`` or ``"raw"``)."""
    if side not in ("tracked", "raw"):
        raise ValueError(f"side expected 'tracked' or 'raw', got {side!r}")
    return (_count(side, n) - _count(side, 0)) / n


def instructions_per_frame(frames: int = 2_000) -> float:
    """Instructions per idle frame of a non-realtime host beside `IDLE_TASKS` parked
    tasks (``frames`` frames against none)."""
    return (_count("frames", frames) - _count("frames", 0)) / frames


def main(argv: list[str] | None = None) -> None:
    parser = script_parser(__doc__)
    parser.add_argument("n", nargs="?", type=positive(int, "a task count"), default=5_000,
                        metavar="N", help="tasks per count (default 5000)")
    parser.add_argument("frames", nargs="?", type=positive(int, "a frame count"),
                        default=2_000, metavar="F", help="idle frames counted (default 2000)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/instructions.py needs valgrind (apt-get install valgrind)")
    n, frames = args.n, args.frames
    tracked = instructions_per_task("tracked", n)
    raw = instructions_per_task("raw", n)
    print(f"instructions per task, {n:,} tasks, outcomes kept: tracked {tracked:,.0f}, "
          f"raw asyncio {raw:,.0f} (raw / tracked {raw / tracked:.0%})")
    from bench.compare import count_drain

    drain = count_drain("kept", n)
    print(f"instructions per task, the drain bench/throughput.py times ({n:,} tasks, "
          f"outcomes kept): {drain:,.0f}")
    idle = instructions_per_frame(frames)
    print(f"instructions per idle frame, {IDLE_TASKS} parked tasks, {frames:,} frames: "
          f"{idle:,.0f}")


if __name__ == "__main__":
    main()
