"""LoopRunner: owns the host's event loop, steps it each frame and shuts it down.

Like `asyncio.Runner`, it is the one owner of a loop's life: it creates the
`FrameEventLoop` (whose clock is the host's), runs it within a frame's budget
through `LoopStepper`, and at close cancels what is left, lets it unwind, shuts
down async generators and the default executor, and closes the loop, leaving no
"Task was destroyed but it is pending" behind. Which tasks exist and how they end
is not its business: `close()` takes the ones to cancel and a hook to run once they
have had their chance, before the loop is closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from asyncio_comp._loop_internals import FrameEventLoop, forget_pending
from asyncio_comp.stepper import LoopStepper

if TYPE_CHECKING:
    from host.engine.core import HostCore

__all__ = ["LoopRunner"]

#: Rounds of cancel-and-step given at close to tasks that do not stop at once.
SHUTDOWN_ROUNDS = 100
#: Wall seconds the loop is stepped per shutdown round.
SHUTDOWN_ROUND_SECONDS = 0.05


class LoopRunner:
    """The loop's owner; see the module docstring."""

    def __init__(self, host: HostCore) -> None:
        self._host = host
        self.loop = FrameEventLoop(host.time)
        self._stepper = LoopStepper(self.loop)
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def last_iterations(self) -> int:
        """Loop iterations the last step ran."""
        return self._stepper.last_iterations

    def has_work(self) -> bool:
        """Whether an iteration would run anything now (else a frame skips the loop)."""
        return self.loop.has_work()

    def step(self, budget_seconds: float, admit: Callable[[], int] | None = None) -> int:
        """Run the loop for up to ``budget_seconds`` of the host's wall clock."""
        # Read at call time: a test may replace ``host.wall_clock`` after creation.
        self._stepper.wall_clock = self._host.wall_clock
        return self._stepper.step(budget_seconds, admit)

    def close(self, tasks: Iterable[asyncio.Task[Any] | None],
              settle: Callable[[], object]) -> None:
        """Cancel ``tasks`` and every other task on the loop, step until they end (or
        give up on them), call ``settle()``, then shut the loop down and close it."""
        if self._closed:
            return
        loop = self.loop
        everything = {t for t in tasks if t is not None}
        # Tasks asyncio or a library started on this loop (a server's connection
        # handlers, ...) are cancelled too, as asyncio.run() does: left pending they
        # would leak their sockets and log "Task was destroyed but it is pending".
        everything.update(asyncio.all_tasks(loop))
        pending = {t for t in everything if not t.done()}
        for _ in range(SHUTDOWN_ROUNDS):
            if not pending:
                break
            for t in pending:
                t.cancel()
            self.step(SHUTDOWN_ROUND_SECONDS)
            pending = {t for t in pending if not t.done()}
        settle()  # raising (a callback's KeyboardInterrupt), the loop stays open
        self._closed = True
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            for t in pending:
                # A coroutine that refuses to stop: close it so no warning escapes.
                forget_pending(t)
            loop.close()
