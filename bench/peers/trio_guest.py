"""Trio in guest mode, driven by the same frame loop.

``trio.lowlevel.start_guest_run`` hands its ``run_sync_soon_threadsafe`` calls to a
queue; each frame the cook hook drains that queue within the same budget our
component gets (4 ms), so ready trio work runs in the frame as ours does. Work is
submitted through the run's ``TrioToken`` and reports back with a plain call.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from typing import Any

import trio  # type: ignore[import-untyped]

from bench.peers._base import chain_latency_of, frame_overhead_of
from td.core import HostCore

__all__ = ["TrioGuestPeer", "chain_latency", "frame_overhead"]

BUDGET_SECONDS = 0.004


class TrioGuestPeer:
    def __init__(self, host: HostCore) -> None:
        self.host = host
        self._queue: queue.SimpleQueue[Callable[[], Any]] = queue.SimpleQueue()
        self._token: trio.lowlevel.TrioToken | None = None
        self._nursery: trio.Nursery | None = None
        self._done = False
        self._idle_started = 0
        self._idle_wanted = 0
        host.on_cook(self.cook)
        trio.lowlevel.start_guest_run(self._main, run_sync_soon_threadsafe=self._queue.put,
                                      done_callback=self._on_done,
                                      host_uses_signal_set_wakeup_fd=False)
        host.run(until=lambda: self._nursery is not None, frames=100_000)

    async def _main(self) -> None:
        self._token = trio.lowlevel.current_trio_token()
        self._stop = trio.Event()
        async with trio.open_nursery() as nursery:
            self._nursery = nursery
            await self._stop.wait()
            nursery.cancel_scope.cancel()

    def _on_done(self, outcome: Any) -> None:
        self._done = True
        outcome.unwrap()

    def cook(self) -> None:
        get = self._queue.get_nowait
        deadline = time.perf_counter() + BUDGET_SECONDS
        while time.perf_counter() < deadline:
            try:
                fn = get()
            except queue.Empty:
                return
            fn()

    def _start_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        assert self._token is not None and self._nursery is not None
        self._token.run_sync_soon(self._nursery.start_soon, fn, *args)

    def spawn_idle(self, n: int) -> None:
        self._idle_wanted = n

        async def idle() -> None:
            await trio.sleep_forever()

        async def start() -> None:
            assert self._nursery is not None
            for _ in range(n):
                self._nursery.start_soon(idle)
            await trio.sleep(0)
            self._idle_started = n

        self._start_soon(start)

    def spawn_chain(self, hops: int, on_done: Callable[[], None]) -> None:
        async def chain() -> None:
            for _ in range(hops):
                await trio.sleep(0)
            on_done()

        self._start_soon(chain)

    def settled(self) -> bool:
        return self._idle_started == self._idle_wanted

    def close(self) -> None:
        if self._token is not None and not self._done:
            self._token.run_sync_soon(self._stop.set)
            self.host.run(until=lambda: self._done, frames=100_000)


def frame_overhead(n: int, frames: int = 300) -> float:
    return frame_overhead_of(TrioGuestPeer, n, frames)


def chain_latency(hops: int, samples: int = 3) -> float:
    return chain_latency_of(TrioGuestPeer, hops, samples)
