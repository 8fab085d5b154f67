"""An asyncio loop on a background thread, results handed to the frame loop by a queue.

Work is submitted with ``asyncio.run_coroutine_threadsafe``; a done callback puts
the result on a ``queue.Queue`` that the frame's cook hook drains.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable

from bench._common import chain
from bench.peers._base import chain_latency_of, frame_overhead_of
from td.core import HostCore

__all__ = ["ThreadLoopPeer", "chain_latency", "frame_overhead"]


class ThreadLoopPeer:
    def __init__(self, host: HostCore) -> None:
        self.host = host
        self.loop = asyncio.new_event_loop()
        self.results: queue.Queue[Callable[[], None]] = queue.Queue()
        self._thread = threading.Thread(target=self.loop.run_forever, name="bench-loop",
                                        daemon=True)
        self._thread.start()
        self._idle_started = 0
        self._idle_wanted = 0
        host.on_cook(self.cook)

    def cook(self) -> None:
        get = self.results.get_nowait
        while True:
            try:
                fn = get()
            except queue.Empty:
                return
            fn()

    def spawn_idle(self, n: int) -> None:
        self._idle_wanted = n

        async def start() -> None:
            self._gate: asyncio.Future[None] = self.loop.create_future()

            async def idle() -> None:
                await self._gate

            self._idle = [asyncio.ensure_future(idle()) for _ in range(n)]
            await asyncio.sleep(0)
            self._idle_started = n

        asyncio.run_coroutine_threadsafe(start(), self.loop).result()

    def spawn_chain(self, hops: int, on_done: Callable[[], None]) -> None:
        future = asyncio.run_coroutine_threadsafe(chain(hops), self.loop)
        future.add_done_callback(lambda _f: self.results.put(on_done))

    def settled(self) -> bool:
        return self._idle_started == self._idle_wanted

    def close(self) -> None:
        async def stop() -> None:
            for t in getattr(self, "_idle", []):
                t.cancel()
            await asyncio.gather(*getattr(self, "_idle", []), return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


def frame_overhead(n: int, frames: int = 300) -> float:
    return frame_overhead_of(ThreadLoopPeer, n, frames)


def chain_latency(hops: int, samples: int = 3) -> float:
    return chain_latency_of(ThreadLoopPeer, hops, samples)
