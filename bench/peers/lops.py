"""The LOPs TDAsyncIO algorithm as its source describes it, reimplemented.

Each frame: one loop iteration via ``loop.run_until_complete(asyncio.sleep(0))``;
a full O(N) scan of every task record for completion and timeouts; Clear After
checked every 100 frames; and the whole ``task_table`` rewritten (clear + one
``appendRow`` per task).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from bench._common import chain
from bench.peers._base import chain_latency_of, frame_overhead_of
from td.core import HostCore
from td.table import TableDAT

__all__ = ["LOPsPeer", "chain_latency", "frame_overhead"]

HEADER = ["task_id", "status", "description", "duration", "created_at", "completed_at",
          "error", "info"]


class LOPsPeer:
    def __init__(self, host: HostCore, clear_after: float = 60.0) -> None:
        self.host = host
        self.loop = asyncio.new_event_loop()
        self.table = host.root.create(TableDAT, "task_table")
        self.tasks: dict[int, dict[str, Any]] = {}
        self.next_id = 1
        self.frame_count = 0
        self.clear_after = clear_after
        host.on_cook(self.cook)

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float | None = None,
            callback: Callable[[dict[str, Any]], object] | None = None) -> int:
        task_id = self.next_id
        self.next_id += 1
        self.tasks[task_id] = {
            "task": self.loop.create_task(coro), "status": "running", "description": "task",
            "created_at": self.host.time(), "completed_at": None, "timeout": timeout,
            "error": None, "info": "", "callback": callback,
        }
        return task_id

    def cook(self) -> None:
        self.loop.run_until_complete(asyncio.sleep(0))
        now = self.host.time()
        for rec in self.tasks.values():
            if rec["status"] != "running":
                continue
            task = rec["task"]
            if task.done():
                if task.cancelled():
                    rec["status"] = "cancelled"
                elif task.exception() is not None:
                    rec["status"], rec["error"] = "failed", str(task.exception())
                else:
                    rec["status"] = "completed"
                rec["completed_at"] = now
                if rec["callback"] is not None:
                    rec["callback"](rec)
            elif rec["timeout"] is not None and now - rec["created_at"] > rec["timeout"]:
                task.cancel()
                rec["status"], rec["completed_at"] = "timeout", now
        self.frame_count += 1
        if self.frame_count % 100 == 0:
            for task_id in [i for i, r in self.tasks.items() if r["completed_at"] is not None
                            and now - r["completed_at"] > self.clear_after]:
                del self.tasks[task_id]
        table = self.table
        table.clear()
        table.appendRow(HEADER)
        for task_id, rec in self.tasks.items():
            end = rec["completed_at"] if rec["completed_at"] is not None else now
            table.appendRow([
                task_id, rec["status"], rec["description"], f"{end - rec['created_at']:.3f}",
                f"{rec['created_at']:.3f}",
                "" if rec["completed_at"] is None else f"{rec['completed_at']:.3f}",
                rec["error"] or "", rec["info"],
            ])

    # -- the bench's Peer protocol ------------------------------------------------
    def spawn_idle(self, n: int) -> None:
        self._gate: asyncio.Future[None] = self.loop.create_future()

        async def idle() -> None:
            await self._gate

        for _ in range(n):
            self.run(idle())

    def spawn_chain(self, hops: int, on_done: Callable[[], None]) -> None:
        self.run(chain(hops), callback=lambda _rec: on_done())

    def settled(self) -> bool:
        return True

    def close(self) -> None:
        for rec in self.tasks.values():
            rec["task"].cancel()
        pending = [r["task"] for r in self.tasks.values()]
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()


def frame_overhead(n: int, frames: int = 300) -> float:
    return frame_overhead_of(LOPsPeer, n, frames)


def chain_latency(hops: int, samples: int = 3) -> float:
    return chain_latency_of(LOPsPeer, hops, samples)
