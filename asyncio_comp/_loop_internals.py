"""Every use of asyncio internals in framehost, in one place.

Two things here lean on CPython details: the loop's clock (`BaseEventLoop.time` is
overridden so that timers follow the host's frame clock) and the length of the
loop's ready queue (`loop._ready`), which tells the stepper whether another
iteration has work to do. `tests/asyncio_comp/test_loop_internals.py` pins both, so a
Python upgrade that changes them fails loudly there rather than subtly elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["FrameEventLoop", "ready_count"]


class FrameEventLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` is the host's clock.

    In non-realtime mode the host clock is the frame's virtual time, so
    ``asyncio.sleep(0.5)`` and every ``call_at`` fire on an exact frame.
    """

    def __init__(self, time_source: Callable[[], float]) -> None:
        super().__init__()
        self._time_source = time_source

    def time(self) -> float:
        return self._time_source()


def ready_count(loop: asyncio.AbstractEventLoop) -> int:
    """How many callbacks wait in the loop's ready queue (CPython's ``loop._ready``)."""
    return len(loop._ready)  # type: ignore[attr-defined]
