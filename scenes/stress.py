"""Stress: thousands of concurrent tasks arriving in waves (2,000 a second); the frame rate holds.

A ``waves`` task submits a wave of small tasks every ``interval`` seconds; each task
awaits a few short sleeps and returns. Clear After is short so the task table stays
bounded however long it runs. ``/stress/stats`` counts waves, submissions, endings
per status and the largest the task table got.

Arguments: ``wave`` tasks per wave (2000), ``waves`` how many (10; 0 means forever),
``interval`` seconds between waves (1.0), ``clearafter`` seconds (1.0).
"""

from __future__ import annotations

import asyncio
from typing import Any

from asyncio_comp import TaskOutcome
from host import BaseCOMP, TableDAT

#: Tasks submitted per frame while a wave arrives (a few ms of work, well inside a frame).
SUBMIT_PER_FRAME = 250


async def small_job(n: int) -> int:
    total = 0
    for hop in range(3):
        await asyncio.sleep(((n * 7 + hop * 13) % 50) / 100)  # 0 to 0.49 s per hop
        total += hop
    return n + total


def build(host: Any, wave: str = "2000", waves: str = "10", interval: str = "1.0",
          clearafter: str = "1.0") -> BaseCOMP:
    per_wave, wave_count, pause = int(wave), int(waves), float(interval)
    host.asyncio_comp.par.Clearafter = float(clearafter)
    comp = host.root.create(BaseCOMP, "stress")
    stats = comp.create(TableDAT, "stats")
    counters = {"waves": 0, "submitted": 0, "completed": 0, "failed": 0, "cancelled": 0,
                "timeout": 0, "max_table_rows": 0}
    for name in counters:
        stats.appendRow([name, 0])
    rows = {name: i for i, name in enumerate(counters)}
    tasks = host.tasks

    def count(outcome: TaskOutcome) -> None:
        counters[outcome.status.value] += 1

    async def send_waves() -> int:
        sent = 0
        while wave_count == 0 or counters["waves"] < wave_count:
            started = host.seconds
            # Submitting 2,000 at once costs more than a frame; spread it over a few.
            for first in range(0, per_wave, SUBMIT_PER_FRAME):
                batch = min(SUBMIT_PER_FRAME, per_wave - first)
                tasks.Run([small_job(sent + i) for i in range(batch)],
                          description="stress job", completion_callback=count)
                sent += batch
                counters["submitted"] = sent
                await host.next_frame()
            counters["waves"] += 1
            await asyncio.sleep(max(0.0, pause - (host.seconds - started)))
        return sent

    tasks.Run(send_waves(), description="stress waves")

    def update(host: Any) -> None:
        counters["max_table_rows"] = max(counters["max_table_rows"],
                                         host.asyncio_comp.task_table.numRows - 1)
        for name, value in counters.items():
            if stats[rows[name], 1].val != str(value):
                stats[rows[name], 1] = value

    host.on_frame_end(update)
    return comp
