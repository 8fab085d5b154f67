"""GcWatch: how much wall time the cyclic garbage collector took, per host.

With 100k live tasks a full collection takes 0.1-0.5 s and lands in whatever code
allocated last: a coroutine step, a view's draw. The host installs one `GcWatch`
in ``gc.callbacks`` when it is created and removes it at close (two hosts, two
watches, each removed), so frame statistics can show the collector's share and
the blocking detector can leave it out of a coroutine's blame.

A ``gc.callbacks`` entry runs wherever a collection happens, and CPython swallows
what it raises ("Exception ignored in"). A Ctrl-C that lands inside it would be
lost that way, so the watch catches ``KeyboardInterrupt`` and re-delivers it to
the main thread with ``_thread.interrupt_main()``.
"""

from __future__ import annotations

import _thread
import gc
from collections.abc import Callable

__all__ = ["GcWatch"]


class GcWatch:
    """Sums the wall time of garbage collections between `install` and `uninstall`."""

    __slots__ = ("_started", "clock", "collections", "installed", "total")

    def __init__(self, clock: Callable[[], float]) -> None:
        #: The wall clock collections are timed on; the host keeps it equal to its
        #: ``wall_clock`` (kept as an attribute so tests can replace it).
        self.clock = clock
        #: Wall seconds spent in collections so far.
        self.total = 0.0
        #: Collections completed so far.
        self.collections = 0
        self.installed = False
        self._started: float | None = None

    def install(self) -> None:
        """Start timing collections (idempotent)."""
        if not self.installed:
            gc.callbacks.append(self)
            self.installed = True

    def uninstall(self) -> None:
        """Stop timing collections (idempotent); the totals stay readable."""
        if self.installed:
            self.installed = False
            if self in gc.callbacks:
                gc.callbacks.remove(self)

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        try:
            if phase == "start":
                self._started = self.clock()
            elif self._started is not None:
                self.total += self.clock() - self._started
                self.collections += 1
                self._started = None
        except KeyboardInterrupt:
            # Raised here it would be printed and dropped by the collector.
            self._started = None
            _thread.interrupt_main()

    def __repr__(self) -> str:
        state = "installed" if self.installed else "removed"
        return f"<GcWatch {state} {self.collections} collections {self.total:.3f} s>"
