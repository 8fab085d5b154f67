"""ComputeFarm: counts primes in a process pool while the frame loop keeps its rate.

Each `Count()` is one tracked task that splits ``[0, limit)`` into segments, sends
each segment to a `ProcessPoolExecutor` through ``loop.run_in_executor``, and
reports progress as segments come back. The sieving runs in other processes
(started with ``spawn``, at a lower scheduling priority), so the host's thread only
awaits futures and its frames stay on time. The pool is created on first use and
shut down when the operator is destroyed or the host closes.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import ClassVar

from asyncio_comp.progress import report_progress
from asyncio_comp.records import TaskOutcome
from operators.dot_lop_utils import DotLOPUtils
from td.errors import describe_error
from td.network import BaseCOMP
from td.params import IntPar
from td.table import TableDAT

__all__ = ["ComputeFarm", "count_primes"]


def count_primes(lo: int, hi: int) -> int:
    """How many primes p with ``lo <= p < hi`` (a segmented sieve; CPU-bound)."""
    if hi <= 2 or hi <= lo:
        return 0
    lo = max(lo, 2)
    root = math.isqrt(hi - 1)
    base = bytearray([1]) * (root + 1)
    base[0:2] = b"\x00\x00"
    for i in range(2, math.isqrt(root) + 1):
        if base[i]:
            base[i * i::i] = bytes(len(range(i * i, root + 1, i)))
    segment = bytearray([1]) * (hi - lo)
    for p in range(2, root + 1):
        if base[p]:
            start = max(p * p, (lo + p - 1) // p * p)
            segment[start - lo::p] = bytes(len(range(start, hi, p)))
    return sum(segment)


def _lower_priority() -> None:
    """Pool initializer: yield the CPU to the frame loop when both want it."""
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass


class ComputeFarm(DotLOPUtils, BaseCOMP):
    """Counts primes below given limits in a process pool; results in ``jobs``."""

    parameters: ClassVar = (
        IntPar("Workers", min(2, os.cpu_count() or 1), min=1, max=2,
               help="processes in the pool (the pool is made on first use)"),
        IntPar("Segments", 16, min=1, help="pieces each job is split into"),
    )

    def onCreate(self) -> None:
        self.jobs = self.create(TableDAT, "jobs")
        self.jobs.appendRow(["job", "limit", "segments", "primes", "status"])
        self._pool: ProcessPoolExecutor | None = None
        self._rows: dict[str, int] = {}
        self.host.on_close(self.shutdown, owner=self)

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.par.Workers.eval(), initializer=_lower_priority,
                mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def Count(self, limit: int) -> int:
        """Count the primes below ``limit`` in the pool; the tracked task's id."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"Count() expected a whole number limit >= 0, got {limit!r}")
        job = f"primes<{limit}"
        segments = self.par.Segments.eval()
        self._rows[job] = self.jobs.appendRow([job, limit, f"0/{segments}", "", "pending"])
        task_id = self.run_async_task(self._count(job, limit, segments), description=job,
                                      completion_callback=self._on_done, info=job)
        assert isinstance(task_id, int)
        return task_id

    async def _count(self, job: str, limit: int, segments: int) -> int:
        loop = asyncio.get_running_loop()
        pool = self.pool
        row = self._rows[job]
        self.jobs[row, "status"] = "running"
        step = -(-limit // segments) if limit else 1
        futures = [loop.run_in_executor(pool, count_primes, lo, min(lo + step, limit))
                   for lo in range(0, limit, step)]
        total = 0
        try:
            for done, future in enumerate(asyncio.as_completed(futures), 1):
                total += await future
                report_progress(done / len(futures))
                self.jobs[row, "segments"] = f"{done}/{len(futures)}"
        finally:
            for future in futures:
                future.cancel()  # a cancelled job drops its queued segments
        return total

    def _on_done(self, outcome: TaskOutcome) -> None:
        if not self.valid:
            return
        row = self._rows[outcome.info]
        if outcome.status.value == "completed":
            self.jobs[row, "primes"] = outcome.result
        error = outcome.error
        self.jobs[row, "status"] = describe_error(error) if error else outcome.status.value

    def result(self, limit: int) -> str:
        """The ``primes`` cell of the job for ``limit`` ('' until it completes)."""
        cell = self.jobs[self._rows[f"primes<{limit}"], "primes"]
        return "" if cell is None else cell.val

    def shutdown(self) -> None:
        """Stop the pool's processes (idempotent); queued segments are dropped."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def onDestroy(self) -> None:
        self.shutdown()
