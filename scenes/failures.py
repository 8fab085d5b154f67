"""Failures: every ending on purpose, plus a raising callback and a coroutine that blocks.

Each task's completion callback writes a row in ``/failures/outcomes`` (what was
expected, what happened, the error text). The ``blocker`` coroutine calls
``time.sleep(0.2)`` on the event loop, which freezes the frame; the host detects it
and names the task and how long it blocked, in the log and in the ``note`` column.
The ``bad_callback`` task completes but its callback raises: the host logs it with
the task id, counts it, and nothing else is harmed.

Arguments: ``block`` seconds the blocker blocks the loop (0.2).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from asyncio_comp import TaskOutcome
from host import BaseCOMP, TableDAT
from td.errors import describe_error

CANCEL_AT = 1.0


async def finish_normally() -> int:
    await asyncio.sleep(0.5)
    return 42


async def read_sensor() -> float:
    await asyncio.sleep(0.25)
    raise ValueError("sensor 3 returned -1.0; expected a reading from 0 to 100")


async def wait_forever() -> None:
    await asyncio.sleep(3600)


async def block_the_loop(seconds: float) -> str:
    await asyncio.sleep(0.1)
    time.sleep(seconds)  # the mistake this scene shows: a blocking call in a coroutine
    return "blocked"


def build(host: Any, block: str = "0.2") -> BaseCOMP:
    comp = host.root.create(BaseCOMP, "failures")
    outcomes = comp.create(TableDAT, "outcomes")
    outcomes.appendRow(["name", "expected", "status", "error", "note"])
    tasks = host.tasks
    rows: dict[int, int] = {}

    def record(outcome: TaskOutcome) -> None:
        row = rows[outcome.task_id]
        outcomes[row, "status"] = outcome.status.value
        outcomes[row, "error"] = describe_error(outcome.error) if outcome.error else ""
        reports = [r for r in getattr(tasks, "blocking_reports", ())
                   if r.task_id == outcome.task_id]
        if reports:
            outcomes[row, "note"] = (f"blocked the loop for {reports[0].seconds * 1000:.0f} ms "
                                     f"in frame {reports[0].frame}")

    def raising_callback(outcome: TaskOutcome) -> None:
        record(outcome)
        outcomes[rows[outcome.task_id], "note"] = "its callback raised (logged and counted)"
        raise RuntimeError(f"the callback of task {outcome.task_id} fails on purpose")

    def submit(name: str, expected: str, coro: Any, timeout: float | None = None,
               callback: Any = record) -> int:
        task_id = tasks.Run(coro, description=name, timeout=timeout,
                            completion_callback=callback)
        rows[task_id] = outcomes.appendRow([name, expected, "pending", "", ""])
        return task_id

    submit("finishes", "completed", finish_normally())
    submit("raises", "failed", read_sensor())
    cancelled = submit("cancelled_by_user", "cancelled", wait_forever())
    submit("too_slow", "timeout", wait_forever(), timeout=1.5)
    submit("bad_callback", "completed", finish_normally(), callback=raising_callback)
    submit("blocker", "completed", block_the_loop(float(block)))

    def cancel_when_due(host: Any) -> None:
        if host.seconds >= CANCEL_AT:
            tasks.CancelTask(cancelled)
            host.remove_callback(cancel_when_due)

    host.on_frame_start(cancel_when_due)
    return comp
