"""Shared pieces of the benchmarks: timing loops, medians, the tiny workloads.

Every figure in ``bench/`` is a median over repeated samples taken in the same
process as its baseline, because the machine is shared and absolute times are noisy.
"""

from __future__ import annotations

import ast
import asyncio
import logging
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

__all__ = ["burst_host", "chain", "in_fresh_process", "median", "noop", "quiet",
           "sample_frames", "trimmed_mean"]

REPO = Path(__file__).resolve().parent.parent


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
