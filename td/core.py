"""HostCore: the frame loop that ties the clock, the network and the callbacks together.

One frame runs, in this order: the clock advances (in realtime mode it waits, in a
`FrameWait` a component may serve I/O with) →
`next_frame()` waiters resolve → frame-start callbacks → operator cook hooks (the
TDAsyncIO step, completion callbacks and table sync happen here) → frame-end
callbacks (views draw here). Data flows one way along that list.

This module knows nothing of asyncio tasks: `next_frame()` resolves plain futures of
whatever loop is running, and cleanup of components happens through close hooks.

A host's state is two enums, each changed here only: its life (`HostPhase`: open,
close requested from inside a frame, closing, closed) and what it is running
(`FrameState`: nothing, a frame, or frame work between realtime frames), as
`asyncio.Runner` keeps one ``_State``. One mark, `HostCore._enter` / `_leave`, marks both
kinds of running work, so a close, a nested step or TD's globals see the same thing
whichever is running.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Self

from td import current
from td.blame import FrameBlame, FrameSpan
from td.clock import FrameClock
from td.frame_callbacks import FrameCallback, FrameCallbacks
from td.frame_wait import FrameWait, WakeMargin
from td.gc_policy import FrameGc, GcMode
from td.gc_watch import GcWatch
from td.hooks import Hook, HookRegistry
from td.network import OP, BaseCOMP
from td.run_limits import RunLimits
from td.stats import FrameStats, StatsRecorder
from td.thread_guard import ThreadGuard

__all__ = ["FrameState", "HostCore", "HostPhase"]

log = logging.getLogger("framehost")

FrameListener = Callable[[FrameSpan], object]

# Numbers frames (and closes) as they start, across hosts: the highest running one on
# a thread is the innermost, the one TD-style globals (`host.td.op`) mean. Read with
# ``next(_entries)``: the bound ``__next__`` is a method-wrapper, dearer to call.
_entries = itertools.count(1)


def _log_close_error(hook: Hook, exc: Exception) -> None:
    log.error("close hook %r raised %s", hook.fn, exc, exc_info=exc)


class HostPhase(enum.Enum):
    """Where a host is in its life."""

    OPEN = "open"
    """Frames can be stepped and run."""
    CLOSE_REQUESTED = "close requested"
    """`close()` was called from inside running work (a callback, a task); the host
    closes when the frame that is running, or the one frame work is waiting for, ends."""
    CLOSING = "closing"
    """Close hooks and the network's teardown are running; `HostCore.closed` is True."""
    CLOSED = "closed"
    """Closed; every frame-running call raises."""


class FrameState(enum.Enum):
    """What a host is running right now (see `HostCore._enter`)."""

    BETWEEN_FRAMES = "between frames"
    """Nothing: the host's thread is in user code that called step() or run(), or idle."""
    FRAME = "frame"
    """A frame: waiters, frame-start callbacks, cooks, frame-end callbacks."""
    FRAME_WORK = "frame work"
    """Work run as frame work in the wait before a realtime frame (`FrameWait`)."""


# Members read on every frame as module globals: an enum class's attribute lookup
# goes through its metaclass's ``__getattr__`` hook (CPython 3.11), several times
# the cost of a global's.
_SHUT = (HostPhase.CLOSING, HostPhase.CLOSED)
_CLOSE_REQUESTED = HostPhase.CLOSE_REQUESTED
_OPEN = HostPhase.OPEN
_FRAME = FrameState.FRAME
_BETWEEN_FRAMES = FrameState.BETWEEN_FRAMES
_get_ident = threading.get_ident


def _check_frames(frames: object) -> None:
    """Refuse a frame count that is not a whole number >= 0 (bools included)."""
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 0:
        raise ValueError(f"step() expected a whole number of frames >= 0, got {frames!r}")


class HostCore:
    """A frame clock driving an operator network; see `host.Host` for the ready one."""

    def __init__(
        self,
        fps: float = 60.0,
        realtime: bool = True,
        *,
        time_function: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
        gc: GcMode = "frame",
    ) -> None:
        # First: a bad mode is refused before anything is built.
        self._gc = FrameGc(gc)
        self.guard = ThreadGuard()
        # Compared inline by step(), which calls the guard only to raise.
        self._thread = self.guard.owner_ident
        self._frame_wait = FrameWait(sleep, self._as_frame_work)
        self.clock = FrameClock(fps, realtime, time_function=time_function,
                                sleep=self._frame_wait)
        # Once the clock has checked fps: the spin before a frame is bounded by its period.
        self._frame_wait.margin = WakeMargin(self.clock.period)
        # Frame, step, GC and blocking times are wall time, even with a virtual clock.
        self._wall_clock = time_function
        #: This host's garbage-collection timer, in ``gc.callbacks`` until `close()`
        #: (or until the host is collected, if it never closes).
        self.gc_watch = GcWatch(time_function)
        self.gc_watch.install()
        weakref.finalize(self, self.gc_watch.uninstall)
        self._stats = StatsRecorder()
        self._blame = FrameBlame(self.clock.period)
        self._callbacks = FrameCallbacks(self.report_exception)
        self._frame_listeners: list[FrameListener] = []
        self._hooks = HookRegistry(self.guard)
        # Told once per op.destroy() with the operators it removed (`on_destroy`).
        self._destroy_listeners: list[Callable[[list[Any]], object]] = []
        self._phase = HostPhase.OPEN
        self._frame_state = FrameState.BETWEEN_FRAMES
        # A request, not a state: set from any thread, read by run() between frames.
        self._stop_requested = False
        self._running_since: int | None = None
        self._last_frame_start: float | None = None
        self.root = BaseCOMP(self, None, "")
        current.host_opened(self)  # what TD-style globals (host.td.op) fall back to

    # -- time -------------------------------------------------------------------
    @property
    def frame(self) -> int:
        """Frames run so far (the current frame's number while one runs)."""
        return self.clock.frame

    @property
    def seconds(self) -> float:
        """The current frame's time: exactly ``(frame - 1) / fps`` when not realtime."""
        return self.clock.seconds

    @property
    def fps(self) -> float:
        return self.clock.fps

    @property
    def realtime(self) -> bool:
        return self.clock.realtime

    def time(self) -> float:
        """Host time now: live wall time in realtime mode, the frame's time otherwise."""
        return self.clock.now()

    @property
    def wall_clock(self) -> Callable[[], float]:
        """The one wall clock (seconds, zero arguments) every duration is measured on:
        frame and step times, the stepper's budget, coroutine steps, GC time.

        Defaults to the ``time_function`` the host was made with. Kept as an attribute
        so tests can replace it (Trio's ``_mock_clock.py``), also after the host was
        made: the frame statistics, the stepper and the blocking detector read it
        through the host at the start of each frame, the GC watch at once.
        """
        return self._wall_clock

    @wall_clock.setter
    def wall_clock(self, clock: Callable[[], float]) -> None:
        if not callable(clock):
            raise TypeError(f"wall_clock expected a callable returning seconds, got {clock!r}")
        self._wall_clock = clock
        self.gc_watch.clock = clock

    @property
    def gc_policy(self) -> FrameGc:
        """The garbage-collection policy (``Host(gc=...)``): its mode and counts."""
        return self._gc

    @property
    def stats(self) -> FrameStats:
        clock = self.clock
        return self._stats.snapshot(self._blame.reports, clock.late_frames,
                                    clock.dropped_frames)

    @property
    def blame(self) -> FrameBlame:
        """Who spent each frame's time: the late frames' reports (also in
        ``stats.late_frame_reports``), the worst of the run, and `FrameBlame.charge`
        for a component that itemises its own work (see `td.blame`)."""
        return self._blame

    def add_frame_listener(self, fn: FrameListener) -> FrameListener:
        """Call ``fn(span)`` after every frame with its `FrameSpan` (number, wall-clock
        start, duration, late report); for trace writers and timelines. Returns ``fn``."""
        self.guard.check(self)
        if not callable(fn):
            raise TypeError(f"add_frame_listener() expected a callable taking a FrameSpan, "
                            f"got {fn!r}")
        self._frame_listeners.append(fn)
        return fn

    def remove_frame_listener(self, fn: FrameListener) -> bool:
        """Stop calling ``fn``; True if it was listening."""
        self.guard.check(self)
        if fn in self._frame_listeners:
            self._frame_listeners.remove(fn)
            return True
        return False

    @property
    def closed(self) -> bool:
        """True from the moment `close()` starts tearing down (closing or closed)."""
        return self._phase in _SHUT

    @property
    def phase(self) -> HostPhase:
        """Where the host is in its life (open, close requested, closing, closed)."""
        return self._phase

    @property
    def frame_state(self) -> FrameState:
        """What the host is running now: nothing, a frame, or frame work."""
        return self._frame_state

    @property
    def running_since(self) -> int | None:
        """While a frame (or `close`) of this host runs: a number that grows with every
        frame any host starts, so the highest is the innermost; None otherwise."""
        return self._running_since

    # -- network ----------------------------------------------------------------
    def op(self, path: str) -> OP | None:
        """The operator at an absolute path, or None."""
        return self.root.op(path)

    # -- callbacks --------------------------------------------------------------
    def on_frame_start(self, fn: FrameCallback) -> FrameCallback:
        """Call ``fn(host)`` at the start of every frame; returns ``fn`` (a decorator)."""
        self.guard.check(self)
        return self._callbacks.add_start(fn)

    def on_frame_end(self, fn: FrameCallback, *, view: bool = False) -> FrameCallback:
        """Call ``fn(host)`` at the end of every frame; returns ``fn`` (a decorator).

        ``view=True`` says ``fn`` draws a view: frame blame then counts its time as
        the view's (kind ``view``) rather than a callback's.
        """
        self.guard.check(self)
        return self._callbacks.add_end(fn, view=view)

    def remove_callback(self, fn: FrameCallback) -> bool:
        """Stop calling a frame callback; True if it was registered."""
        self.guard.check(self)
        return self._callbacks.remove(fn)

    def on_cook(self, fn: Callable[[], object], *, owner: OP | None = None,
                as_owner: bool = True) -> Hook:
        """Register a component's per-frame cook, run between start and end callbacks.

        Returns the `Hook`; ``hook.remove()`` stops it. With ``owner``, the hook is
        removed when that operator is destroyed, so a dead COMP never cooks, frame
        blame names it by the owner's path, and ``fn`` runs as the owner's code (TD's
        ``me``). ``as_owner=False`` keeps the first two only: for a component whose
        cook marks the code it runs itself (TDAsyncIO's tasks and callbacks run as
        their own owners), so a frame does not pay for a mark nobody reads.
        """
        self._check_hook(fn, owner, "on_cook")
        if type(as_owner) is not bool:
            raise TypeError(f"on_cook() expected as_owner to be True or False, "
                            f"got {as_owner!r}")
        return self._hooks.add_cook(fn, owner, as_owner)

    def on_close(self, fn: Callable[[], object], *, owner: OP | None = None) -> Hook:
        """Register cleanup for `close()`; hooks run last-registered first.

        Returns the `Hook`; with ``owner``, it is removed when that operator is
        destroyed (its ``onDestroy`` does the cleanup then).
        """
        self._check_hook(fn, owner, "on_close")
        return self._hooks.add_close(fn, owner)

    def on_destroy(self, fn: Callable[[list[Any]], object]) -> Callable[[list[Any]], object]:
        """Call ``fn(doomed)`` once per ``op.destroy()``, with every operator it removed
        (the destroyed one and all below it), after their ``onDestroy`` handlers ran
        and before they are buried: how TDAsyncIO cancels the tasks they own. Returns
        ``fn``; `remove_destroy_listener` stops it.

        Also once per re-init of a COMP's extensions (``initializeExtensions``), with
        the extension objects it replaced, after their ``onDestroyTD()`` ran: code
        going away either way, whose work must stop (a listener that knows only
        operators passes over the rest)."""
        self.guard.check(self)
        if not callable(fn):
            raise TypeError(f"on_destroy() expected a callable taking the list of destroyed "
                            f"operators, got {fn!r}")
        self._destroy_listeners.append(fn)
        return fn

    def remove_destroy_listener(self, fn: Callable[[list[Any]], object]) -> bool:
        """Stop telling ``fn`` of destroyed operators; True if it was listening."""
        self.guard.check(self)
        if fn in self._destroy_listeners:
            self._destroy_listeners.remove(fn)
            return True
        return False

    def operators_destroyed(self, doomed: list[OP]) -> None:
        """The network's one call per ``destroy()``: tell the listeners (`on_destroy`).
        A listener that raises is reported and the others still hear it."""
        self._tell_destroy_listeners(doomed)

    def extensions_retired(self, retired: list[object]) -> None:
        """A re-init's one call: the extension objects it replaced, for the listeners
        (`on_destroy`) as a destroy's operators are."""
        self._tell_destroy_listeners(retired)

    def _tell_destroy_listeners(self, doomed: list[Any]) -> None:
        for fn in list(self._destroy_listeners):
            try:
                fn(doomed)
            except Exception as exc:
                self.report_exception(f"destroy listener {fn!r}", exc)

    def remove_hooks(self, owner: OP) -> int:
        """Remove every cook and close hook registered with ``owner``; how many.

        The network calls this when an operator is destroyed.
        """
        self.guard.check(self)
        return self._hooks.remove_owned(owner)

    def _check_hook(self, fn: Callable[[], object], owner: OP | None, where: str) -> None:
        self.guard.check(self)
        if not callable(fn):
            raise TypeError(f"{where}() expected a callable taking no arguments, got {fn!r}")
        if owner is not None and not isinstance(owner, OP):
            raise TypeError(f"{where}() expected owner to be an operator or None, "
                            f"got {owner!r}")
        if owner is not None and not owner.valid:
            raise ValueError(f"{where}() was given {owner!r} as owner, which is destroyed")

    def report_exception(self, context: str, exc: BaseException) -> None:
        """Log a fault in user code once, with where it happened, and count it."""
        self._stats.callback_errors += 1
        try:
            text = str(exc)
        except Exception:  # logging would print its own traceback for it
            text = "<str() failed>"
        log.error("%s raised %s: %s", context, type(exc).__name__, text, exc_info=exc)

    def report_warning(self, message: str) -> None:
        """Log a fault that raised nothing (a stalled loop, an ignored cancel) once, and
        count it in ``stats.warnings``."""
        self._stats.warnings += 1
        log.warning("%s", message)

    # -- awaiting frames --------------------------------------------------------
    async def frames(self, n: int = 1) -> int:
        """Resolve at the start of the frame ``n`` frames from now; its number
        (``frames(1)`` is `next_frame`). Cancelling the awaiting task forgets it.

        Raises:
            ValueError: ``n`` is not a whole number >= 1.
            ThreadViolation: awaited on another thread than the host's.
        """
        self.guard.check(self)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"frames() expected a whole number of frames >= 1, got {n!r}")
        return await self._callbacks.frame_waiter(self.clock.frame + n)

    async def until_frame_start(self, condition: Callable[[], object]) -> None:
        """Resolve at the start of the first frame at which ``condition()`` is true
        (checked at each frame start while awaited; what ``dat.changed()`` awaits).
        An exception from ``condition`` is raised here."""
        self.guard.check(self)
        await self._callbacks.condition_waiter(condition)

    async def next_frame(self) -> int:
        """Resolve at the start of the next frame (Godot's ``process_frame``); its number.

        Raises:
            ThreadViolation: awaited on another thread than the host's.
        """
        self.guard.check(self)
        return await self._callbacks.new_waiter()

    # -- driving ----------------------------------------------------------------
    def step(self, frames: int = 1) -> None:
        """Run ``frames`` frames now (paced in realtime mode).

        A loop of the user's that calls ``step()`` once per frame is the common way
        to drive a host (a game loop, a test), so a call's own work stays small next
        to a frame's: its checks are inline tests that call out only to raise, and
        the collector's pause (`FrameGc`) is set once around the frames it runs.
        """
        if _get_ident() != self._thread:
            self.guard.check(self)  # raises ThreadViolation
        if type(frames) is not int or frames < 0:
            _check_frames(frames)  # raises, or passes an int subclass
        if self._phase is not _OPEN or self._frame_state is not _BETWEEN_FRAMES:
            self._check_open("step")
        clock = self.clock
        if clock.realtime:
            clock.resume()
        if not frames:
            return
        gc_policy = self._gc
        gc_policy.begin_frame()  # lasts across the frames (`FrameGc`)
        try:
            if frames == 1:
                quiet_end = self._run_frame()
            else:
                quiet_end = False
                for _ in range(frames):
                    if self._phase in _SHUT:  # closed from inside the last frame
                        break
                    quiet_end = self._run_frame()
        except BaseException:
            gc_policy.resume()
            raise
        gc_policy.resume(quiet_end)

    def run(self, frames: int | None = None, seconds: float | None = None,
            until: Callable[[], object] | None = None) -> int:
        """Run frames until ``frames`` ran, ``seconds`` of host time passed, ``until()``
        is true, or `stop()`; with none given, until `stop()`. Returns frames run."""
        self.guard.check(self)
        limits = RunLimits(frames, seconds, until)
        self._check_open("run")
        self._stop_requested = False
        self.clock.resume()
        limits.start(self.clock.now(), self.fps, self.realtime)
        self._gc.begin_frame()  # lasts across the frames (`FrameGc`)
        try:
            while not self._stop_requested and self._phase not in _SHUT:
                if not limits.before_frame(self.clock.seconds, self.clock.period):
                    break
                self._run_frame()
                if limits.after_frame():
                    break
        finally:
            self._gc.resume()
        self._stop_requested = False
        return limits.ran

    def stop(self) -> None:
        """Ask `run()` to return after the current frame. Safe from any thread."""
        self._stop_requested = True

    def serve_between_frames(self, fn: Callable[[float], bool] | None) -> None:
        """Let ``fn(seconds)`` spend the waits before realtime frames, as frame work
        (see `FrameWait`); None: sleep. TDAsyncIO runs its loop there."""
        self.guard.check(self)
        self._frame_wait.set(fn)

    def _enter(self, state: FrameState) -> tuple[FrameState, int | None]:
        """Start running work of kind ``state``: the one "a frame is running" mark, for
        a frame and for frame work alike; returns what `_leave` restores.

        Meanwhile a `close()` waits for the frame's end, `step()`/`run()` refuse to
        nest, TD-style globals mean this host (`running_since`), and the collector is
        paused for the frame's work (`FrameGc.begin_frame`; the frame's end collects
        what came due). Two plain calls around a ``try`` rather than a context
        manager: this runs every frame, and a generator-based one costs a few µs.
        """
        outer = self._frame_state, self._running_since
        self._frame_state = state
        self._running_since = next(_entries)
        self._gc.begin_frame()
        return outer

    def _leave(self, outer: tuple[FrameState, int | None]) -> None:
        self._frame_state, self._running_since = outer

    @contextlib.contextmanager
    def _as_frame_work(self) -> Iterator[None]:
        # The collector stays paused after frame work (the next frame's end collects),
        # unless the work raised and no frame follows.
        outer = self._enter(FrameState.FRAME_WORK)
        try:
            yield
        except BaseException:
            self._gc.resume()
            raise
        finally:
            self._leave(outer)

    def _check_open(self, what: str) -> None:
        if self.closed:
            raise RuntimeError(f"{what}() called on a closed host; create a new Host")
        if self._frame_state is not FrameState.BETWEEN_FRAMES:
            raise RuntimeError(f"{what}() called from inside a frame; frames cannot nest")

    def _run_frame(self) -> bool:
        """Run one frame; whether nothing but host code ran after the collector's
        frame end (`FrameGc.resume`'s ``after_frame_end``): no frame listener."""
        blame = self._blame
        clock = self.clock
        clock.begin_frame()
        served = blame.charged  # costs itemised while the loop ran before this frame
        perf = self._wall_clock
        gc_watch = self.gc_watch
        gc_before = gc_watch.total
        started = perf()
        last = self._last_frame_start
        interval = None if last is None else started - last
        self._last_frame_start = started
        frame = clock.frame
        # `_enter`, inline, and `_leave` below: a frame starts only between frames
        # (`_check_open`; the frame work of the clock's wait has left by now). The
        # collector's pause is step()'s or run()'s, around all their frames.
        self._frame_state = _FRAME
        self._running_since = next(_entries)
        callbacks = self._callbacks
        try:
            # What is empty is skipped by an attribute test, not a call.
            if callbacks.waiting:
                callbacks.resolve_waiters(frame)
            # Each callback and hook is timed from the reading that ended the one
            # before: one clock read per item, the phase boundaries among them.
            start = callbacks.start
            cook_started = (callbacks.call(start, "on_frame_start", self, perf, blame,
                                           started) if start else started)
            cooked = self._hooks.run_cooks(perf, blame, cook_started)
            step_time = cooked - cook_started
            end = callbacks.end
            if end:
                callbacks.call(end, "on_frame_end", self, perf, blame, cooked)
        finally:
            self._frame_state = _BETWEEN_FRAMES
            self._running_since = None
            # The collection due in the frame runs now (gc_policy); counted in this frame's.
            self._gc.end_frame(clock.slack())
            if self._phase is _CLOSE_REQUESTED:
                self.close()  # asked for from inside the frame (a callback, a task)
        duration = perf() - started
        gc_time = gc_watch.total - gc_before
        if gc_time >= blame.threshold:
            blame.charge("gc", "collector", gc_time)
        # A wait on purpose (a paced non-realtime frame's) is not work: the budget
        # and the report see the frame's work; the stats and listeners its wall time.
        work = duration
        if blame.waited:
            work = max(duration - blame.take_waited(), 0.0)
        # The ledger is read only for a frame that itemised something or ran late.
        report = (blame.end_frame(frame, work, served)
                  if blame.items or work > blame.budget else None)
        stats = self._stats
        stats.record(duration, step_time, interval, gc_time)
        stats.gc_time_total = gc_watch.total
        stats.gc_collections = gc_watch.collections
        quiet_end = not self._frame_listeners
        if not quiet_end:
            span = FrameSpan(frame, started, duration, report)
            for listener in tuple(self._frame_listeners):
                listener(span)
        if gc_watch.interrupt_pending:
            gc_watch.deliver_interrupt()  # a Ctrl-C the collector would have lost
        return quiet_end

    # -- shutdown ---------------------------------------------------------------
    def close(self) -> None:
        """Cancel all work, run cleanup hooks, tear down the network. Idempotent.

        Called from inside a frame (a callback, a task), it asks `run()` to stop and
        closes the host when that frame ends. Every hook runs whatever the others
        raise; a KeyboardInterrupt or SystemExit from one is raised again at the end.
        """
        self.guard.check(self)
        if self._phase in (HostPhase.CLOSING, HostPhase.CLOSED):
            return
        if self._frame_state is not FrameState.BETWEEN_FRAMES:
            self._phase = HostPhase.CLOSE_REQUESTED
            self._stop_requested = True
            return
        self._phase = HostPhase.CLOSING
        self.gc_watch.uninstall()
        # Waiters are cancelled first: a task awaiting next_frame() unwinds in the
        # close hooks below, which still see this host as current.
        # (Both report their exceptions, so the reset below is always reached.)
        self._callbacks.close_waiters()
        self._running_since = next(_entries)
        errors, interrupts = self._hooks.run_close(_log_close_error)
        self._callbacks.close()
        self._gc.close()  # unfreeze, re-enable: whatever the teardown does
        try:
            self.root.close_network()
        except BaseException as exc:
            interrupts.append(exc)
        finally:
            self._running_since = None
            self._phase = HostPhase.CLOSED
            current.host_closed(self)
        if interrupts:
            raise interrupts[0]
        if errors:
            raise RuntimeError(f"{len(errors)} close hook(s) failed; first: {errors[0]!r}")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "realtime" if self.realtime else "virtual"
        return f"<Host {self.fps:g} fps {mode} frame={self.frame}>"

    def __rich_repr__(self) -> Any:
        yield "fps", self.fps
        yield "realtime", self.realtime
        yield "frame", self.frame
