"""Completion latency in frames: submitted between frames → completion callback fired.

Measured at 60 fps in realtime mode, the way a scene runs, so that peers whose
work happens on another thread get real time to do it. "1 frame" means the
callback fired in the first frame after submission.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from bench._common import chain, median, quiet
from host import Host

__all__ = ["chain_latency", "frames_until_done", "to_thread_latency"]

FRAME_LIMIT = 2_000


def frames_until_done(host: Host, make: Callable[[], Coroutine[Any, Any, Any]]) -> int:
    """Frames from submitting one coroutine to its completion callback."""
    fired = False

    def on_done(_outcome: object) -> None:
        nonlocal fired
        fired = True

    host.tasks.Run(make(), completion_callback=on_done)
    return host.run(until=lambda: fired, frames=FRAME_LIMIT)


def _median_frames(make: Callable[[], Coroutine[Any, Any, Any]], samples: int) -> float:
    with quiet(), Host(fps=60.0, realtime=True) as host:
        host.step(2)
        return median([float(frames_until_done(host, make)) for _ in range(samples)])


def chain_latency(hops: int, samples: int = 3) -> float:
    """Median frames for an ``await asyncio.sleep(0)`` chain of ``hops`` hops."""
    return _median_frames(lambda: chain(hops), samples)


def to_thread_latency(samples: int = 3) -> float:
    """Median frames for ``await asyncio.to_thread(trivial)``."""

    async def work() -> None:
        await asyncio.to_thread(int)

    return _median_frames(work, samples)
