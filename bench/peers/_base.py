"""What every peer offers the bench: frames of overhead with N idle tasks, and latency.

A peer runs on a bare `HostCore` (the same frame loop as ours, without TDAsyncIO)
through a cook hook, so peers and ours pay the same frame-loop cost.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

from bench._common import median, quiet, sample_frames, trimmed_mean
from td.core import HostCore

__all__ = ["FRAME_LIMIT", "Peer", "chain_latency_of", "frame_overhead_of"]

FRAME_LIMIT = 2_000


class Peer(Protocol):
    host: HostCore

    def spawn_idle(self, n: int) -> None: ...
    def spawn_chain(self, hops: int, on_done: Callable[[], None]) -> None: ...
    def settled(self) -> bool: ...
    def close(self) -> None: ...


def frame_overhead_of(make: Callable[[HostCore], Peer], n: int, frames: int) -> float:
    """Mean seconds (slowest 5% dropped) of one frame with ``n`` idle tasks in the peer."""
    with quiet():
        host = HostCore(fps=60.0, realtime=False)
        peer = make(host)
        try:
            peer.spawn_idle(n)
            host.run(until=peer.settled, frames=100_000)
            sample_frames(host.step, 10, max_seconds=1.0)
            return trimmed_mean(sample_frames(host.step, frames))
        finally:
            peer.close()
            host.close()


def chain_latency_of(make: Callable[[HostCore], Peer], hops: int, samples: int) -> float:
    """Median frames (realtime, 60 fps) from submitting a ``hops`` chain to its result."""
    with quiet():
        host = HostCore(fps=60.0, realtime=True)
        peer = make(host)
        try:
            host.step(2)
            results = []
            for _ in range(samples):
                fired: list[bool] = []
                peer.spawn_chain(hops, partial(fired.append, True))
                results.append(float(host.run(until=partial(bool, fired),
                                              frames=FRAME_LIMIT)))
            return median(results)
        finally:
            peer.close()
            host.close()
