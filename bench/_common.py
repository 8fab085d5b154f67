"""Shared pieces of the benchmarks: timing loops, medians, the tiny workloads.

Every figure in ``bench/`` is a median over repeated samples taken in the same
process as its baseline, because the machine is shared and absolute times are noisy.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import logging
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from host import Host

__all__ = ["IdleGate", "burst_host", "chain", "counts", "feed", "in_fresh_process", "median",
           "noop", "positive", "quiet", "sample_frames", "script_parser", "trimmed_mean"]

REPO = Path(__file__).resolve().parent.parent


class IdleGate:
    """One future for idle tasks to await: N tasks held alive and parked, the least a
    frame can be beside (no task has a step to run, every one is still tracked).

    The benchmarks of frame cost, memory and collections per task all measure "N idle
    tasks" this way, tracked (`park`) and raw (`start_raw`); one gate keeps the two
    sides, and every script, parking the same coroutine. ``release`` cancels the gate:
    every task parked on it ends, cancelled, at its next step.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        future: asyncio.Future[None] = loop.create_future()
        self._loop = loop
        self._future = future

        async def idle() -> None:
            await future

        # A closure, not a method: each task's frame holds one cell, as a user's
        # coroutine waiting on a shared future would, and nothing else.
        self.idle = idle

    def park(self, host: Host, n: int, *, frames: int | None = None,
             description: str | None = None) -> None:
        """Start ``n`` tracked tasks on ``host`` awaiting the gate and run frames until
        none is pending (``frames``: exactly that many, for a script whose figure
        counts from a fixed frame); raises unless all ``n`` are running then."""
        from asyncio_comp import TaskStatus

        run, idle = host.tasks.Run, self.idle
        if description is None:
            for _ in range(n):
                run(idle())
        else:
            for _ in range(n):
                run(idle(), description=description)
        if frames is None:
            host.run(until=lambda: host.tasks.counts()[TaskStatus.PENDING] == 0,
                     frames=100_000)
        else:
            host.step(frames)
        running = host.tasks.counts()[TaskStatus.RUNNING]
        if running != n:
            raise RuntimeError(f"expected {n} running tasks, got {running}")

    def start_raw(self, n: int) -> list[asyncio.Task[None]]:
        """``n`` raw asyncio tasks on the gate's loop awaiting it (the list holds them:
        the loop keeps only weak references)."""
        return [self._loop.create_task(self.idle()) for _ in range(n)]

    def release(self, raw: list[asyncio.Task[None]] | None = None) -> None:
        """Cancel the gate; with ``raw`` (from `start_raw`), run the loop until those
        tasks have ended (a tracked host ends its own as it steps or closes)."""
        self._future.cancel()
        if raw:
            self._loop.run_until_complete(asyncio.gather(*raw, return_exceptions=True))


def feed(host: Host, total: int, per_frame: int, make: Callable[[], Any],
         after_frame: Callable[[int, int], object] | None = None) -> int:
    """Submit ``total`` tasks of ``make()`` to ``host``, up to ``per_frame`` a frame, one
    ``host.step()`` after each batch, and ``after_frame(submitted, frames)`` after each
    step; returns the frames stepped.

    It tops the backlog up rather than flood it: pending and running tasks stay under
    two frames' worth, so a slower machine is not given a queue of unstarted tasks and
    the memory measured is what the host holds, not that queue.
    """
    run, active = host.tasks.Run, host.tasks.GetActiveTasksCount
    submitted = frames = 0
    while submitted < total:
        batch = min(per_frame, total - submitted, max(0, 2 * per_frame - active()))
        for _ in range(batch):
            run(make())
        submitted += batch
        host.step()
        frames += 1
        if after_frame is not None:
            after_frame(submitted, frames)
    return frames


def burst_host(**options: Any) -> Host:
    """A host for burst workloads: realtime, so the component's wall-clock frame budget
    (``Framebudget``) spreads a burst over frames as it does in a window, but with no
    sleep between frames (the bench times each frame's work, not the pacing).

    A non-realtime host drains each frame until the loop is idle (virtual time: which
    frame a task ends in must not depend on the machine's speed), so there a 100k
    burst is one frame by design and its "worst frame" says nothing about a window.
    """
    from host import Host

    return Host(fps=60.0, realtime=True, sleep=lambda _seconds: None, **options)


def in_fresh_process(module: str, function: str, *args: object,
                     timeout: float = 1_800) -> Any:
    """``module.function(*args)`` run in a fresh interpreter; its value, which must be
    a Python literal (it comes back through ``repr`` and ``ast.literal_eval``).

    For figures that what ran before in the process would bend: RSS, asyncio's
    process-wide WeakSet of tasks (which never shrinks), a heap left by other blocks.
    """
    code = f"from {module} import {function}; print(repr({function}{args!r}))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True, timeout=timeout)
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def trimmed_mean(values: list[float], trim: float = 0.05) -> float:
    """Mean without the slowest ``trim`` share of samples.

    Unlike the median it counts work done every few frames (the table ticks a
    batch of durations, then idles); dropping the top 5% removes the frames where
    another process on this shared machine took the CPU.
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    return statistics.fmean(ordered[: max(1, int(len(ordered) * (1 - trim)))])


def sample_frames(step: Callable[[], object], frames: int,
                  max_seconds: float = 2.0) -> list[float]:
    """Wall time of up to ``frames`` calls of ``step``; stops early after ``max_seconds``
    (at least 3 samples), so an O(N) peer at 100k tasks does not take minutes."""
    perf = time.perf_counter
    samples: list[float] = []
    deadline = perf() + max_seconds
    for _ in range(frames):
        t0 = perf()
        step()
        t1 = perf()
        samples.append(t1 - t0)
        if t1 > deadline and len(samples) >= 3:
            break
    return samples


async def noop() -> None:
    """The smallest unit of tracked work."""


async def chain(hops: int) -> int:
    """An await chain of ``hops`` loop round trips (``await asyncio.sleep(0)``)."""
    for _ in range(hops):
        await asyncio.sleep(0)
    return hops


@contextmanager
def quiet() -> Iterator[None]:
    """Silence framehost's warnings (e.g. a GC pause reported as a blocking step)
    while a benchmark runs; they would interleave with the table."""
    logger = logging.getLogger("framehost")
    old = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(old)


def script_parser(doc: str | None) -> argparse.ArgumentParser:
    """The argument parser of a bench script: ``--help`` prints its usage and the
    docstring (the docstring says what it measures and how to read the figures), and
    a bad argument is one ``error:`` line naming what was given and what was
    expected (argparse exits 2)."""
    return argparse.ArgumentParser(description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def positive(kind: type[int] | type[float], what: str) -> Callable[[str], Any]:
    """An argparse ``type`` for one number above 0 (``what`` names it in the error)."""
    noun = "a whole number" if kind is int else "a number"

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(
                f"expected {what} as {noun} above 0, got {text!r}")
        return value

    return parse


def counts(what: str) -> Callable[[str], list[int]]:
    """An argparse ``type`` for comma-separated whole numbers from 0 (``1,10,100``)."""

    def parse(text: str) -> list[int]:
        try:
            values = [int(part) for part in text.split(",")]
        except ValueError:
            values = [-1]
        if min(values) < 0:
            raise argparse.ArgumentTypeError(
                f"expected {what} as whole numbers from 0 separated by commas, got {text!r}")
        return values

    return parse
