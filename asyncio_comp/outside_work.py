"""Work in flight outside the event loop, counted so virtual time can wait for it.

In non-realtime mode the host's clock jumps a whole frame per frame, as fast as the
machine can run them. Work that happens outside the loop — a thread, a process, a
remote cluster, a socket's peer — runs on real time, so without care a 2 s timeout
would expire in a millisecond of real time. The loop therefore keeps a count of such
work; while it is non-zero, the host paces non-realtime frames no faster than real
time (see ``td.core``), and timers inside the loop stay frame-exact.

Work is counted three ways:

* automatically, for ``loop.run_in_executor`` (and so ``asyncio.to_thread``);
* by ``track(future)``, for a future that some other machinery completes;
* by ``async with outside_work(): ...`` around an ``await`` on anything else;
* by a source, ``add_source(count)``, for work whose count lives elsewhere (a
  serial worker's queued and running jobs), asked whenever the host needs to know.

``outside_work()`` is a no-op on a loop that is not the host's (TouchDesigner's,
or a plain ``asyncio.run``), so operator code that uses it stays portable.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

__all__ = ["OutsideWork", "outside_work"]


class OutsideWork:
    """A thread-safe count of outside work in flight for one event loop."""

    __slots__ = ("_lock", "_pending", "_sources", "started")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = 0
        self._sources: list[Callable[[], int]] = []
        #: How many pieces of outside work were ever begun (for tests and stats).
        self.started = 0

    @property
    def pending(self) -> int:
        """How many pieces of outside work are in flight now."""
        return self._pending

    def in_flight(self) -> bool:
        """Whether any outside work is in flight: counted, or reported by a source."""
        if self._pending > 0:
            return True
        # No sources (the common frame): no generator is made to find none.
        return bool(self._sources) and any(count() for count in self._sources)

    def add_source(self, count: Callable[[], int]) -> None:
        """Also ask ``count()`` (how much work it has in flight) whenever the host
        checks; call it on the host's thread. For work counted elsewhere."""
        if not callable(count):
            raise TypeError(f"add_source() expected a callable returning a count, "
                            f"got {count!r}")
        self._sources.append(count)

    def remove_source(self, count: Callable[[], int]) -> bool:
        """Stop asking ``count``; True if it was a source."""
        if count in self._sources:
            self._sources.remove(count)
            return True
        return False

    def begin(self) -> None:
        """Count one more piece of work in flight; pair with `end()`."""
        with self._lock:
            self._pending += 1
            self.started += 1

    def end(self) -> None:
        """Count one piece of work as finished.

        Raises:
            RuntimeError: more `end()` calls than `begin()` calls.
        """
        with self._lock:
            if self._pending == 0:
                raise RuntimeError("OutsideWork.end() called with no outside work in flight")
            self._pending -= 1

    def track(self, future: asyncio.Future[Any] | concurrent.futures.Future[Any]) -> None:
        """Count ``future`` as outside work until it is done (from any thread)."""
        if future.done():
            return
        self.begin()
        future.add_done_callback(self._ended)

    def _ended(self, _future: object) -> None:
        self.end()


@asynccontextmanager
async def outside_work() -> AsyncIterator[None]:
    """Mark the awaits inside the block as waiting on work outside the loop.

    ``async with outside_work(): result = await cluster_future`` keeps non-realtime
    frames paced to real time while the block runs. On a loop other than the host's
    it does nothing.
    """
    counter = getattr(asyncio.get_running_loop(), "outside", None)
    if not isinstance(counter, OutsideWork):
        yield
        return
    counter.begin()
    try:
        yield
    finally:
        counter.end()
