"""GcWatch: how much wall time the cyclic garbage collector took, per host.

With 100k live tasks a full collection takes 0.1-0.5 s and lands in whatever code
allocated last: a coroutine step, a view's draw. The host installs one `GcWatch`
in ``gc.callbacks`` when it is created and removes it at close (two hosts, two
watches, each removed), so frame statistics can show the collector's share and
the blocking detector can leave it out of a coroutine's blame.

A ``gc.callbacks`` entry runs wherever a collection happens, and CPython swallows
what it raises ("Exception ignored in"). A Ctrl-C that lands inside it would be
lost that way, so the watch catches ``KeyboardInterrupt`` and re-delivers it with
``_thread.interrupt_main()``. In another thread it does so at once. In the main
thread it cannot: the signal handler would run before the callback returned and
raise inside it again, to be dropped again. So there it only notes the interrupt,
and the host calls `deliver_interrupt()` at the end of the frame, outside any
collection, where ``interrupt_main()`` raises in the host's own code (and a SIGINT
handler the application installed runs as for any Ctrl-C).
"""

from __future__ import annotations

import _thread
import gc
import threading
from collections.abc import Callable

__all__ = ["CollectionListener", "GcWatch"]

#: ``fn(started, ended, generation)``: one collection, on the watch's clock.
CollectionListener = Callable[[float, float, int], object]


class GcWatch:
    """Sums the wall time of garbage collections between `install` and `uninstall`."""

    __slots__ = ("_listeners", "_main_thread", "_started", "clock", "collections",
                 "installed", "interrupt_pending", "total")

    def __init__(self, clock: Callable[[], float]) -> None:
        #: The wall clock collections are timed on; the host keeps it equal to its
        #: ``wall_clock`` (kept as an attribute so tests can replace it).
        self.clock = clock
        #: Wall seconds spent in collections so far.
        self.total = 0.0
        #: Collections completed so far.
        self.collections = 0
        self.installed = False
        #: A Ctrl-C caught in a main-thread collection, not delivered yet.
        self.interrupt_pending = False
        self._started: float | None = None
        self._listeners: tuple[CollectionListener, ...] = ()
        self._main_thread = threading.main_thread().ident

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
                ended = self.clock()
                self.total += ended - self._started
                self.collections += 1
                for listener in self._listeners:
                    listener(self._started, ended, info["generation"])
                self._started = None
        except KeyboardInterrupt:
            # Raised here it would be printed and dropped by the collector.
            self._started = None
            if threading.get_ident() == self._main_thread:
                self.interrupt_pending = True
            else:
                _thread.interrupt_main()

    def add_listener(self, fn: CollectionListener) -> None:
        """Call ``fn(started, ended, generation)`` after every collection (wall-clock
        times). It runs inside the collector's callback, where an exception is only
        printed: it should store what it needs and return (a trace writer buffers)."""
        if not callable(fn):
            raise TypeError(f"add_listener() expected a callable taking (started, ended, "
                            f"generation), got {fn!r}")
        self._listeners = (*self._listeners, fn)

    def remove_listener(self, fn: CollectionListener) -> bool:
        """Stop calling ``fn``; True if it was listening."""
        if fn not in self._listeners:
            return False
        self._listeners = tuple(f for f in self._listeners if f != fn)
        return True

    def deliver_interrupt(self) -> None:
        """Re-deliver a Ctrl-C caught inside a main-thread collection; call it outside
        any gc callback. Raises ``KeyboardInterrupt`` (through the SIGINT handler)."""
        if self.interrupt_pending:
            self.interrupt_pending = False
            _thread.interrupt_main()

    def __repr__(self) -> str:
        state = "installed" if self.installed else "removed"
        return f"<GcWatch {state} {self.collections} collections {self.total:.3f} s>"
