"""The host's loop as the thread's current event loop, as it is in TouchDesigner.

LOPs code calls ``asyncio.get_event_loop()`` and ``asyncio.ensure_future(coro)``
from completion callbacks and frame hooks, where no loop is running. In TD those
find the loop TDAsyncIO steps; without this they found another loop that nothing
ever runs, and the work silently never happened. `CurrentLoop` sets the host's loop
as current when the component is made and again at the start of every frame (so a
second host, or an ``asyncio.run()`` in between, cannot leave a stranger current
during this host's frame), and puts the previous loop back when the host closes.
"""

from __future__ import annotations

import asyncio

from asyncio_comp._loop_internals import set_loop_reader

__all__ = ["CurrentLoop"]


class CurrentLoop:
    """Keeps ``loop`` current on the thread that made it; see the module docstring."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._read = set_loop_reader()
        self._previous = self._read()
        self.claim()

    def claim(self, *_: object) -> None:
        """Make the loop current unless it is (called at every frame start)."""
        if self._read() is not self._loop:
            asyncio.set_event_loop(self._loop)

    def release(self) -> None:
        """Put back the loop that was current before, if ours still is (and it is
        still open); called when the host closes."""
        if self._read() is self._loop:
            previous = self._previous
            asyncio.set_event_loop(
                previous if previous is not None and not previous.is_closed() else None)
        self._previous = None
