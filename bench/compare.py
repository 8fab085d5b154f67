"""One throughput measurement from two trees, alternated in fresh processes.

A throughput row of ``bench/run_all.py`` compares a tree with raw asyncio in the
same run; comparing two *trees* that way means two runs minutes apart on a machine
whose load moves every figure (raw ``create_task`` itself read 71k-143k tasks/s in
one sitting). This script runs the same workload from both trees in turn, each
sample in a fresh interpreter, the order swapped every round (A B, B A, ...), and
prints per tree the median, the quartiles and the extremes in wall and CPU time, and
two ratios of tree A to tree B: of the medians (with a bootstrap 95% interval) and
the median of each round's own ratio (two samples seconds apart share the machine's
state). "Within noise" here means: the interval holds 1.0.

The workload is this file's, not each tree's ``bench/throughput.py``, so the only
difference between the two sides is the library code: a non-realtime host at 60 fps,
``host.tasks.Run(noop(), completion_callback=on_done)`` N times, ``host.step()`` until
every callback fired, a full collection inside the timed region and one before it
(``bench.throughput.tracked_throughput``'s path and timing exactly). Each child also
times raw ``create_task`` + ``add_done_callback`` after it, a reference for the
machine's speed at that moment, and reports frames, collections by generation and
context switches.

``--callgrind`` counts instructions instead (valgrind's callgrind, ``PYTHONHASHSEED=0``,
the host at 1 fps: see `_tracked`), only inside the timed region (``--toggle-collect``
on the ``itertools.starmap`` that calls it), N tasks against none, per task;
``--cache-sim`` adds callgrind's cache simulation (its L1/LL misses per task)::

    python bench/compare.py --against /work/wt/baseline --python /work/venvs/baseline/bin/python
    python bench/compare.py --against b00bdfd --bench kept --rounds 21
    python bench/compare.py --against b00bdfd --callgrind [--cache-sim]

``--against`` is a tree (a directory holding ``host/``) or a git revision of this
repository (checked out for the run in a temporary ``git worktree``, removed after);
``--python`` is the interpreter for that side (default: this one), ``--tree`` the
other side (default: this file's tree). A side's interpreter must import ``host``
from its tree: each child prints the path it imported and the parent checks it.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import itertools
import json
import logging
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
REPO = HERE.parent.parent

#: What a child can measure: the tracked drain with a counting callback (run_all's
#: "throughput, N tasks" row), with every outcome kept (its "outcomes kept" rows),
#: or with the task table read after every frame.
BENCHES = ("plain", "kept", "table")


# --- the child: runs in a fresh interpreter with the measured tree first on sys.path


async def _noop() -> None:
    """The smallest unit of tracked work (as ``bench._common.noop``)."""


def _gc_counter() -> tuple[list[int], Callable[[str, dict[str, int]], None]]:
    counts = [0, 0, 0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            counts[info["generation"]] += 1

    return counts, on_gc


def _tracked(n: int, bench: str, starmapped: bool) -> dict[str, Any]:
    """One drain of ``n`` tracked tasks; the region ``bench.throughput`` times.

    Counted (``starmapped``) at 1 fps instead of 60: a non-realtime host's frames do
    the same work at any rate, but the rate sets the thresholds a step or a callback
    is itemised for blame at (1/20 of a period), and under callgrind's slowdown, with
    the machine's preemptions, a share of 60 fps callbacks would cross them, which
    at native speed none does.
    """
    from host import Host

    logging.getLogger("framehost").setLevel(logging.ERROR)
    with Host(fps=1.0 if starmapped else 60.0, realtime=False) as host:
        table = host.asyncio_comp.task_table
        done = 0
        frames = 0
        kept: list[object] = []
        keep = bench == "kept"
        read_table = bench == "table"

        def on_done(outcome: object) -> None:
            nonlocal done
            done += 1
            if keep:
                kept.append(outcome)

        run = host.tasks.Run
        step = host.step
        host.step()
        gc.collect()
        counts, on_gc = _gc_counter()
        times: list[float] = []

        def region() -> None:
            nonlocal frames
            gc.callbacks.append(on_gc)
            times.extend((time.perf_counter(), time.process_time()))
            for _ in range(n):
                run(_noop(), completion_callback=on_done)
            while done < n:
                step()
                frames += 1
                if read_table:
                    table.refresh()
            gc.collect()
            times.extend((time.perf_counter(), time.process_time()))
            gc.callbacks.remove(on_gc)

        usage = resource.getrusage(resource.RUSAGE_SELF)
        if starmapped:  # what callgrind's --toggle-collect follows
            collections.deque(itertools.starmap(region, [()]), maxlen=0)
        else:
            region()
        after = resource.getrusage(resource.RUSAGE_SELF)
        wall, cpu = times[2] - times[0], times[3] - times[1]
        return {"wall": wall, "cpu": cpu, "frames": frames, "gc": counts,
                "switches": (after.ru_nvcsw - usage.ru_nvcsw)
                + (after.ru_nivcsw - usage.ru_nivcsw),
                "faults": after.ru_minflt - usage.ru_minflt}


def _raw(n: int, keep: bool) -> dict[str, float]:
    """Raw ``create_task`` + ``add_done_callback`` (``bench.throughput.raw_throughput``)."""
    loop = asyncio.new_event_loop()
    try:
        done = 0
        finished = loop.create_future()
        kept: list[object] = []

        def on_done(task: object) -> None:
            nonlocal done
            done += 1
            if keep:
                kept.append(task)
            if done == n:
                finished.set_result(None)

        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            loop.create_task(_noop()).add_done_callback(on_done)
        loop.run_until_complete(finished)
        gc.collect()
        return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    finally:
        loop.close()


def _child(tree: str, bench: str, n: int, warmup: int, callgrind: bool) -> None:
    # Run as a script, this file's folder is first on sys.path: its modules'
    # names (memory, views, ...) must not shadow anything the tree imports.
    if sys.path and Path(sys.path[0]).resolve() == HERE.parent:
        del sys.path[0]
    sys.path.insert(0, tree)
    import host

    if warmup:  # specialise the code and build what a first run builds, untimed
        _tracked(warmup, bench, starmapped=False)
        if not callgrind:
            _raw(warmup, bench == "kept")
    result = _tracked(n, bench, starmapped=callgrind)
    if not callgrind:
        result["raw"] = _raw(n, bench == "kept")
    result["host"] = host.__file__
    print(json.dumps(result))


# --- the parent


@dataclass
class Side:
    """One tree and the interpreter that imports ``host`` from it."""

    name: str
    tree: Path
    python: str
    samples: list[dict[str, Any]] = field(default_factory=list)


def _run_child(side: Side, bench: str, n: int, warmup: int,
               valgrind: list[str] | None = None, timeout: float = 900) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED="0") if valgrind else None
    command = [*(valgrind or []), side.python, str(HERE), "--child", str(side.tree),
               bench, str(n), str(warmup), "counted" if valgrind else "timed"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                         cwd=tempfile.gettempdir())
    if out.returncode != 0:
        raise RuntimeError(f"{side.name}'s child failed (exit {out.returncode}):\n"
                           f"{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    expected = side.tree / "host" / "__init__.py"
    if Path(result["host"]).resolve() != expected.resolve():
        raise RuntimeError(f"{side.name}'s interpreter {side.python} imported host from "
                           f"{result['host']}, expected {expected}")
    result["stderr"] = out.stderr
    return result


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def _bootstrap_ratio(a: list[float], b: list[float], draws: int = 4_000,
                     seed: int = 0) -> tuple[float, float]:
    """95% interval of median(a) / median(b), resampling each side independently."""
    rng = random.Random(seed)
    ratios = sorted(statistics.median(rng.choices(a, k=len(a)))
                    / statistics.median(rng.choices(b, k=len(b))) for _ in range(draws))
    return ratios[int(draws * 0.025)], ratios[int(draws * 0.975) - 1]


def _rates(side: Side, n: int, key: str, of: str = "") -> list[float]:
    return [n / (s["raw"] if of == "raw" else s)[key] for s in side.samples]


def report(a: Side, b: Side, n: int, bench: str) -> list[str]:
    """The comparison as markdown lines (tasks per second: higher is faster)."""
    lines = [f"`{bench}` drain, {n:,} tasks, {len(a.samples)} fresh processes a side, "
             f"alternated; tasks/s median [quartiles] (min-max)", "",
             f"| measure | {a.name} | {b.name} | {a.name} / {b.name}: ratio of medians "
             f"[95% interval] | median of the rounds' ratios [quartiles] |",
             "|---|---:|---:|---:|---:|"]

    def cell(values: list[float]) -> str:
        q1, q2, q3 = _quartiles(values)
        return f"{q2:,.0f} [{q1:,.0f}-{q3:,.0f}] ({min(values):,.0f}-{max(values):,.0f})"

    rows: list[tuple[str, list[float], list[float]]] = []
    for clock in ("wall", "cpu"):
        ta, tb = _rates(a, n, clock), _rates(b, n, clock)
        ra, rb = _rates(a, n, clock, "raw"), _rates(b, n, clock, "raw")
        rows.append((f"tracked, {clock}", ta, tb))
        rows.append((f"raw create_task in the same child, {clock}", ra, rb))
        rows.append((f"tracked / raw in the same child, {clock} (×1000)",
                     [1000 * t / r for t, r in zip(ta, ra, strict=True)],
                     [1000 * t / r for t, r in zip(tb, rb, strict=True)]))
    for label, va, vb in rows:
        low, high = _bootstrap_ratio(va, vb)
        paired = [x / y for x, y in zip(va, vb, strict=True)]
        p1, p2, p3 = _quartiles(paired)
        lines.append(f"| {label} | {cell(va)} | {cell(vb)} | "
                     f"{statistics.median(va) / statistics.median(vb):.3f} "
                     f"[{low:.3f}-{high:.3f}] | {p2:.3f} [{p1:.3f}-{p3:.3f}] |")
    for side in (a, b):
        frames = statistics.median(s["frames"] for s in side.samples)
        gcs = [statistics.median(s["gc"][g] for s in side.samples) for g in range(3)]
        switches = statistics.median(s["switches"] for s in side.samples)
        faults = statistics.median(s["faults"] for s in side.samples)
        lines.append("")
        lines.append(f"{side.name} ({side.tree}): frames to drain {frames:g}, collections "
                     f"gen 0/1/2 {gcs[0]:g}/{gcs[1]:g}/{gcs[2]:g}, context switches "
                     f"{switches:g}, minor page faults {faults:g} (medians per drain)")
    return lines


def _count(stderr: str) -> dict[str, int]:
    events = re.search(r"Events\s*:\s*(.+)", stderr)
    found = re.search(r"Collected\s*:\s*(.+)", stderr)
    if events is None or found is None:
        raise RuntimeError(f"callgrind printed no counts:\n{stderr[-2000:]}")
    return dict(zip(events.group(1).split(), map(int, found.group(1).split()), strict=True))


_VALGRIND = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
             "--toggle-collect=starmap_next", "--callgrind-out-file=/dev/null"]


def count_drain(bench: str, n: int, side: Side | None = None) -> float:
    """Instructions per task inside the timed region of ``bench``'s drain of ``n``
    tasks (against none), this tree unless ``side`` is given."""
    side = side or Side(REPO.name, REPO, sys.executable)
    full = _count(_run_child(side, bench, n, 200, _VALGRIND, timeout=3_600)["stderr"])
    empty = _count(_run_child(side, bench, 0, 200, _VALGRIND, timeout=3_600)["stderr"])
    return (full["Ir"] - empty["Ir"]) / n


def callgrind(sides: list[Side], bench: str, n: int, cache_sim: bool) -> list[str]:
    """Per-task callgrind counts of the timed region, N tasks against none."""
    valgrind = list(_VALGRIND)
    if cache_sim:
        valgrind += ["--cache-sim=yes", "--branch-sim=yes"]
    lines = [f"`{bench}` drain, callgrind inside the timed region, ({n:,} tasks - none) "
             f"/ {n:,}, PYTHONHASHSEED=0, warm-up 200 tasks", ""]
    table: dict[str, dict[str, float]] = {}
    for side in sides:
        full = _count(_run_child(side, bench, n, 200, valgrind, timeout=3_600)["stderr"])
        empty = _count(_run_child(side, bench, 0, 200, valgrind, timeout=3_600)["stderr"])
        table[side.name] = {k: (full[k] - empty[k]) / n for k in full}
    names = list(table)
    lines.append(f"| per task | {' | '.join(names)} |")
    lines.append("|---|" + "---:|" * len(names))
    for event in table[names[0]]:
        lines.append(f"| {event} | " + " | ".join(f"{table[s][event]:,.1f}" for s in names)
                     + " |")
    return lines


def _revision(spec: str) -> str | None:
    """``spec``'s short commit id if it names a commit of this repository, else None."""
    if (Path(spec) / "host" / "__init__.py").exists():
        return None
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", "--quiet",
                          "--short", f"{spec}^{{commit}}"], capture_output=True, text=True)
    return rev.stdout.strip() if rev.returncode == 0 else None


@contextmanager
def _side(spec: str, python: str) -> Iterator[Side]:
    """A side from a tree path, or a revision checked out in a temporary worktree."""
    rev = _revision(spec)
    if rev is None:
        yield Side(spec, Path(spec).resolve(), python)
        return
    scratch = Path(tempfile.mkdtemp(prefix="compare-")) / rev
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(scratch),
                    spec], check=True, capture_output=True)
    try:
        yield Side(rev, scratch, python)
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                        str(scratch)], check=True, capture_output=True)
        shutil.rmtree(scratch.parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        tree, bench, n, warmup, mode = argv[1:6]
        _child(tree, bench, int(n), int(warmup), callgrind=mode == "counted")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against",
                        help="the other tree: a directory holding host/, or a git revision")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter for --against (default: this one)")
    parser.add_argument("--tree", default=str(REPO), help="this side's tree")
    parser.add_argument("--bench", choices=BENCHES, default="plain")
    parser.add_argument("--n", type=int, default=20_000, help="tasks per drain")
    parser.add_argument("--rounds", type=int, default=15,
                        help="fresh processes per side (timed)")
    parser.add_argument("--warmup", type=int, default=2_000,
                        help="tasks drained untimed first in each child")
    parser.add_argument("--callgrind", action="store_true",
                        help="count instructions under callgrind instead of timing")
    parser.add_argument("--cache-sim", action="store_true",
                        help="with --callgrind: callgrind's cache and branch simulation")
    args = parser.parse_args(argv)
    if args.against is None:
        parser.error("--against expected a tree holding host/ or a git revision, got none")
    if not (Path(args.against) / "host" / "__init__.py").exists() and \
            _revision(args.against) is None:
        parser.error(f"--against expected a tree holding host/ or a git revision, "
                     f"got {args.against!r}")
    if args.n < 1 or args.rounds < 1:
        parser.error(f"--n and --rounds expected whole numbers above 0, got {args.n} and "
                     f"{args.rounds}")
    here = Side(Path(args.tree).resolve().name, Path(args.tree).resolve(), sys.executable)
    with _side(args.against, args.python) as other:
        if other.tree == here.tree:  # the tree against itself: the noise floor
            other.name += " (again)"
        if args.callgrind:
            if shutil.which("valgrind") is None:
                raise SystemExit("--callgrind needs valgrind on PATH")
            print("\n".join(callgrind([here, other], args.bench, args.n, args.cache_sim)))
            return
        for k in range(args.rounds):
            for side in (here, other) if k % 2 == 0 else (other, here):
                side.samples.append(_run_child(side, args.bench, args.n, args.warmup))
            print(f"round {k + 1}/{args.rounds} done", file=sys.stderr)
        print("\n".join(report(here, other, args.n, args.bench)))


if __name__ == "__main__":
    main()
