"""A few tasks that sleep, compute, fail, time out and get cancelled: a tour of the task table.

``framehost run hello`` shows every status within about two seconds, then keeps a
heartbeat that starts a short task every ``tick`` seconds so the table stays alive.
Arguments (``--arg key=value``): ``downloads`` (default 3), ``tick`` (default 0.75).
"""

from __future__ import annotations

import asyncio
from typing import Any

from asyncio_comp import TaskOutcome, report_progress
from host import BaseCOMP, TableDAT
from operators import DotLOPUtils


async def download(name: str, seconds: float) -> str:
    """Pretend to download in ten chunks, reporting progress as it goes."""
    for chunk in range(10):
        await asyncio.sleep(seconds / 10)
        report_progress((chunk + 1) / 10)
    return f"{name}: 10 chunks"


async def count_primes(limit: int) -> int:
    """CPU work cut into slices, yielding to the frame between slices."""
    found = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n**0.5) + 1)):
            found += 1
        if n % 100 == 0:
            report_progress(n / limit)
            await asyncio.sleep(0)
    return found


async def flaky_request() -> None:
    await asyncio.sleep(0.8)
    raise ConnectionError("server answered 503 Service Unavailable")


async def slow_query() -> None:
    await asyncio.sleep(30)


async def upload(seconds: float) -> None:
    for step in range(100):
        await asyncio.sleep(seconds / 100)
        report_progress((step + 1) / 100)


class HelloDemo(DotLOPUtils, BaseCOMP):
    """Starts the demo's tasks and logs each ending in its ``log`` table."""

    def onCreate(self) -> None:
        self.log = self.create(TableDAT, "log")
        self.log.appendRow(["task_id", "status", "description"])

    def start(self, downloads: int, tick: float) -> None:
        for i in range(downloads):
            self.run_async_task(download(f"file{i + 1}", 0.6 + 0.9 * i),
                                description=f"download file{i + 1}.bin",
                                completion_callback=self.logged, info={"chunks": 10})
        self.run_async_task(count_primes(20_000), description="count primes below 20000",
                            completion_callback=self.logged)
        self.run_async_task(flaky_request(), description="flaky request",
                            completion_callback=self.logged)
        self.run_async_task(slow_query(), description="slow query (timeout 1.5 s)",
                            timeout=1.5, completion_callback=self.logged)
        upload_id = self.run_async_task(upload(10.0), description="upload (cancelled at 1.2 s)",
                                        completion_callback=self.logged)
        self.run_async_task(self.cancel_later(upload_id, 1.2), description="cancel the upload")
        self.run_async_task(self.heartbeat(tick), description=f"heartbeat every {tick:g} s")

    async def cancel_later(self, task_id: Any, delay: float) -> bool:
        await asyncio.sleep(delay)
        return bool(self.asyncio_comp.ext.AsyncIOManager.CancelTask(task_id))

    async def heartbeat(self, tick: float) -> None:
        beat = 0
        while True:
            await asyncio.sleep(tick)
            beat += 1
            self.run_async_task(download(f"tick{beat}", tick * 1.5),
                                description=f"tick {beat}", completion_callback=self.logged)

    def logged(self, outcome: TaskOutcome) -> None:
        self.log.appendRow([outcome.task_id, outcome.status.value, outcome.description])


def build(host: Any, downloads: int = 3, tick: float = 0.75) -> None:
    """Create ``/hello`` and start its tasks."""
    if isinstance(downloads, bool) or not isinstance(downloads, int) or downloads < 0:
        raise ValueError(f"downloads expected a whole number >= 0, got {downloads!r}")
    if isinstance(tick, bool) or not isinstance(tick, int | float) or tick <= 0:
        raise ValueError(f"tick expected a positive number of seconds, got {tick!r}")
    host.asyncio_comp.par.Clearafter = 15.0
    demo = host.root.create(HelloDemo, "hello")
    demo.start(downloads, float(tick))
