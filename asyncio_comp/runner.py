"""LoopRunner: owns the host's event loop, steps it each frame and shuts it down.

Like `asyncio.Runner`, it is the one owner of a loop's life: it creates the
`FrameEventLoop` (whose clock is the host's), runs it within a frame's budget
through `LoopStepper`, and at close cancels what is left, lets it unwind, shuts
down async generators and the default executor, and closes the loop, leaving no
"Task was destroyed but it is pending" behind, in bounded time whatever the tasks
do (the default executor is a `DaemonThreadPool` whose stuck threads it abandons).
Which tasks exist and how they end is not its business: `close()` takes the ones to
cancel and a hook to run once they have had their chance, before the loop is closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any

from asyncio_comp._loop_internals import FrameEventLoop, forget_pending, live_tasks
from asyncio_comp.stepper import LoopStepper
from td.errors import describe_error

if TYPE_CHECKING:
    from td.core import HostCore

__all__ = ["LoopRunner"]

#: Rounds of cancel-and-step given at close to tasks that do not stop at once.
SHUTDOWN_ROUNDS = 100
#: Wall seconds the loop is stepped per shutdown round.
SHUTDOWN_ROUND_SECONDS = 0.05
#: Wall seconds close() waits for executor threads (``asyncio.to_thread``) to finish.
EXECUTOR_CLOSE_SECONDS = 2.0


def _stop_and_note(loop: asyncio.AbstractEventLoop, ended: list[bool]) -> None:
    ended.append(True)
    loop.stop()


class _State(Enum):
    """Where the loop is in its life (asyncio's ``Runner._State``)."""

    RUNNING = "running"
    """Stepped each frame and served between frames."""
    CLOSING = "closing"
    """`close()` is cancelling what is left and shutting the loop down."""
    CLOSED = "closed"
    """The loop is closed."""


class LoopRunner:
    """The loop's owner; see the module docstring."""

    def __init__(self, host: HostCore) -> None:
        self._host = host
        self.loop = FrameEventLoop(host.time, virtual=not host.realtime,
                                   start_clock=host.clock.start)
        self.loop.watch_owner(host)
        if not host.realtime:
            # Virtual frames are paced to outside work a task waits on (`pacing`).
            self.loop.watch_waits()
        self._stepper = LoopStepper(self.loop)
        self._state = _State.RUNNING

    @property
    def closed(self) -> bool:
        """Whether `close()` was called (the loop is closing or closed)."""
        return self._state is not _State.RUNNING

    @property
    def last_iterations(self) -> int:
        """Loop iterations the last step ran."""
        return self._stepper.last_iterations

    def has_work(self) -> bool:
        """Whether an iteration would run anything now (else a frame skips the loop)."""
        return self.loop.has_work()

    def step(self, budget_seconds: float | None,
             admit: Callable[[], int] | None = None) -> int:
        """Run the loop for up to ``budget_seconds`` of the host's wall clock, or with
        None until it is idle (bounded by iterations: non-realtime frames)."""
        # Read at call time: a test may replace ``host.wall_clock`` after creation.
        self._stepper.wall_clock = self._host.wall_clock
        return self._stepper.step(budget_seconds, admit)

    def serve(self, seconds: float) -> bool:
        """Run the loop as a plain asyncio program would, for ``seconds`` of host time:
        waiting in the selector, woken by I/O and timers as they come due. False when
        something else stopped it first (``loop.stop()`` from a task or a callback):
        as in asyncio, a stopped loop does not run again until someone runs it, here
        the next frame."""
        loop = self.loop
        ended: list[bool] = []
        stop = loop.call_at(loop.time() + seconds, _stop_and_note, loop, ended)
        try:
            loop.run_for_host()
        finally:
            stop.cancel()
        return bool(ended)

    def close(self, tasks: Iterable[asyncio.Task[Any] | None],
              settle: Callable[[], object]) -> None:
        """Cancel ``tasks`` and every other task on the loop, step until they end (or
        give up on them), call ``settle()``, then shut the loop down and close it.

        Always closes the loop, within a bounded time, whatever the tasks and
        ``settle`` do: `SHUTDOWN_ROUNDS` steps for tasks to unwind, as many for async
        generators, `EXECUTOR_CLOSE_SECONDS` for executor threads (a stuck one is
        abandoned with a warning naming its call), and a coroutine that refuses to
        stop (even GeneratorExit) is abandoned with a warning. A KeyboardInterrupt or
        SystemExit raised meanwhile (by a task as it unwinds, or by ``settle``) is
        raised again once the loop is closed.
        """
        if self._state is not _State.RUNNING:
            return
        self._state = _State.CLOSING
        raised: list[BaseException] = []
        if self.loop.is_closed():
            # Someone closed the loop itself (a plain asyncio program does, after
            # ``run_until_complete``): nothing can run on it any more; only what
            # the component still owes (callbacks) is settled.
            try:
                settle()
            finally:
                self._state = _State.CLOSED
            return
        try:
            self._cancel_all(tasks, raised)
            try:
                settle()
            except BaseException as exc:
                raised.append(exc)
        finally:
            try:
                self._shut_down(raised)
            finally:
                self._state = _State.CLOSED
        if raised:
            raise raised[0]

    def _cancel_all(self, tasks: Iterable[asyncio.Task[Any] | None],
                    raised: list[BaseException]) -> None:
        """Cancel and step until every task ended or the rounds ran out."""
        everything = {t for t in tasks if t is not None}
        # Tasks asyncio or a library started on this loop (a server's connection
        # handlers, ...) are cancelled too, as asyncio.run() does: left pending they
        # would leak their sockets and log "Task was destroyed but it is pending".
        everything.update(live_tasks(self.loop))
        pending = {t for t in everything if not t.done()}
        for _ in range(SHUTDOWN_ROUNDS):
            if not pending:
                break
            for t in pending:
                t.cancel()
            self._step_once(raised)
            # A task another started as it unwound (in a finally) is cancelled in
            # the next round, so its own cleanup runs as for the others.
            pending = {t for t in pending if not t.done()}
            pending.update(live_tasks(self.loop))

    def _step_once(self, raised: list[BaseException]) -> None:
        try:
            self.step(SHUTDOWN_ROUND_SECONDS)
        except BaseException as exc:  # a task raised KeyboardInterrupt as it unwound
            raised.append(exc)

    def _shut_down(self, raised: list[BaseException]) -> None:
        loop = self.loop
        try:
            # In virtual time no timer fires during a close, so steps, not a timeout,
            # bound the async generators' cleanup.
            agens = loop.create_task(loop.shutdown_asyncgens())
            for round_ in range(SHUTDOWN_ROUNDS):
                if agens.done():
                    break
                if round_ == SHUTDOWN_ROUNDS // 2:
                    agens.cancel()
                self._step_once(raised)
            abandoned = loop.executor.close(EXECUTOR_CLOSE_SECONDS)
            for call in abandoned:
                self._host.report_warning(
                    f"closing the host abandoned a thread still running {call} after "
                    f"{EXECUTOR_CLOSE_SECONDS:g} s; it ends with the process")
            self._forget_the_rest(raised)
        finally:
            loop.close()

    def _forget_the_rest(self, raised: list[BaseException]) -> None:
        """Close the coroutine of every task still pending, so no warning escapes.

        Closing one runs its cleanup, which may start another task (never to run:
        its coroutine is closed in the next round without running any of it).
        """
        loop = self.loop
        forgotten: set[asyncio.Task[Any]] = set()
        for _ in range(SHUTDOWN_ROUNDS):
            left = live_tasks(loop) - forgotten
            if not left:
                return
            for t in left:
                forgotten.add(t)
                try:
                    forget_pending(t, loop)
                except Exception as exc:  # it ignored GeneratorExit too
                    self._host.report_warning(f"{t.get_name()} could not be closed "
                                              f"({describe_error(exc)}); it was abandoned")
                except BaseException as exc:  # KeyboardInterrupt from its cleanup
                    raised.append(exc)
