"""How the command turns Ctrl-C and SIGTERM into one clean, bounded ending.

Raising `KeyboardInterrupt` wherever the signal lands is what Python does by default,
and under load it fails two ways: the exception can land where it is swallowed (a
`gc.callbacks` hook, a ``__del__``), so the Ctrl-C is lost, or in the middle of the
host's bookkeeping, half way through a change. So, like `asyncio.Runner` (which
cancels its main task on the first Ctrl-C and raises only on a later one), the
signal is turned into a request at a safe point:

- before the run (loading the scene, building it, opening the view), user code is
  running and cannot be asked: the signal raises `KeyboardInterrupt` there;
- during the run, it asks the host to stop after the current frame. If the run has
  not returned `ESCALATE_AFTER` seconds later (a frame stuck in a blocking call), a
  watchdog thread re-sends the signal to the main thread, which then raises
  `KeyboardInterrupt`, again every `REPEAT_EVERY` seconds until the run has ended,
  so even a swallowed one is followed by another;
- during shutdown, further signals are ignored: a second Ctrl-C is quiet. The
  shutdown is bounded by the host's own close; as a last resort, a shutdown still
  going `SHUTDOWN_LIMIT` seconds after a signal ends the process with its exit
  status and one line.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from enum import Enum
from types import FrameType, TracebackType
from typing import Any, Protocol, Self

__all__ = ["ESCALATE_AFTER", "SHUTDOWN_LIMIT", "Interrupts", "Phase", "exit_status"]

#: Seconds after a signal before the run is interrupted by force.
ESCALATE_AFTER = 1.0
#: Seconds between forced interrupts while the run has still not ended.
REPEAT_EVERY = 0.25
#: Seconds a shutdown may take after a signal before the process ends without it.
SHUTDOWN_LIMIT = 15.0

_HANDLED = (signal.SIGINT, signal.SIGTERM)


def exit_status(signum: int) -> int:
    """The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for TERM)."""
    return 128 + signum


class Phase(Enum):
    """What the command is doing when a signal arrives."""

    SETUP = "setup"
    """User code runs (loading, building, opening the view): the signal raises."""
    RUN = "run"
    """Frames run: the signal asks the host to stop; a watchdog forces it if need be."""
    SHUTDOWN = "shutdown"
    """The host is closing: signals are ignored, a watchdog bounds the time it takes."""
    DONE = "done"
    """The command has finished: the watchdog ends; signals are ignored until the
    previous handlers are back."""


class _Stoppable(Protocol):
    def stop(self) -> None: ...


class Interrupts:
    """Installs the command's SIGINT and SIGTERM handlers while it runs (a context
    manager); on the main thread only, elsewhere it does nothing."""

    def __init__(self, *, escalate_after: float = ESCALATE_AFTER,
                 shutdown_limit: float = SHUTDOWN_LIMIT,
                 on_give_up: Callable[[int], None] | None = None,
                 quiet_after: bool = False) -> None:
        """
        Args:
            on_give_up: called with the exit status when a shutdown overran
                ``shutdown_limit``; the default prints one line and ends the process.
            quiet_after: on exit, ignore the signals instead of restoring the previous
                handlers (the process is about to end: a late Ctrl-C stays quiet).
        """
        self.signum: int | None = None
        self._phase = Phase.SETUP
        self._escalate_after = escalate_after
        self._shutdown_limit = shutdown_limit
        self._on_give_up = on_give_up or _give_up
        self._quiet_after = quiet_after
        self._host: _Stoppable | None = None
        self._force = False
        self._phase_changed = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._previous: dict[int, Any] = {}
        self._main_ident = threading.main_thread().ident

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def exit_status(self) -> int | None:
        """130 or 143 once a signal arrived, else None."""
        return None if self.signum is None else exit_status(self.signum)

    # -- phases ---------------------------------------------------------------------
    def running(self, host: _Stoppable) -> None:
        """Frames are about to run on ``host``; a signal now asks it to stop."""
        self._host = host
        self._set_phase(Phase.RUN)
        if self.signum is not None:  # arrived while setting up, and was swallowed
            host.stop()

    def shutting_down(self) -> None:
        """The host is about to close; signals from now on are ignored."""
        self._set_phase(Phase.SHUTDOWN)
        if self.signum is not None:
            self._start_watchdog()

    def _set_phase(self, phase: Phase) -> None:
        self._phase = phase
        self._phase_changed.set()

    # -- the handler ------------------------------------------------------------------
    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.signum is None
        if first:
            self.signum = signum
        phase = self._phase
        if phase is Phase.DONE:
            return
        if phase is Phase.SETUP:
            raise KeyboardInterrupt
        if phase is Phase.RUN:
            if self._force:
                raise KeyboardInterrupt
            if self._host is not None:
                self._host.stop()
        if first:
            self._start_watchdog()

    def _start_watchdog(self) -> None:
        if self._watchdog is None or not self._watchdog.is_alive():
            self._phase_changed.clear()
            self._watchdog = threading.Thread(target=self._watch, name="framehost-interrupts",
                                              daemon=True)
            self._watchdog.start()

    def _watch(self) -> None:
        """While the run has not ended, interrupt it; while shutdown has not, bound it."""
        started = time.monotonic()
        while self._phase is Phase.RUN:
            waited = time.monotonic() - started
            wait = (self._escalate_after - waited if not self._force else REPEAT_EVERY)
            if wait > 0 and self._phase_changed.wait(wait):
                self._phase_changed.clear()
                continue
            if self._phase is not Phase.RUN:
                break
            self._force = True
            self._send_to_main()
        if self._phase is Phase.SHUTDOWN:
            started = time.monotonic()
            deadline = started + self._shutdown_limit
            while self._phase is Phase.SHUTDOWN and time.monotonic() < deadline:
                time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
            if self._phase is Phase.SHUTDOWN:
                self._on_give_up(exit_status(self.signum or signal.SIGINT))

    def _send_to_main(self) -> None:
        signum = self.signum or signal.SIGINT
        if hasattr(signal, "pthread_kill") and self._main_ident is not None:
            # A real signal: it also wakes a main thread blocked in a system call.
            signal.pthread_kill(self._main_ident, signum)
        else:  # pragma: no cover (Windows)
            import _thread
            _thread.interrupt_main(signal.Signals(signum))

    # -- installing -------------------------------------------------------------------
    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            for signum in _HANDLED:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._set_phase(Phase.DONE)
        for signum, previous in self._previous.items():
            signal.signal(signum, signal.SIG_IGN if self._quiet_after else previous)
        self._previous.clear()


def _give_up(status: int) -> None:
    sys.stderr.write(f"framehost: shutdown did not finish within {SHUTDOWN_LIMIT:g} s "
                     f"after the signal; exiting without it\n")
    sys.stderr.flush()
    os._exit(status)
