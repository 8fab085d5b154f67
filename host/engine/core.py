"""HostCore: the frame loop that ties the clock, the network and the callbacks together.

One frame runs, in this order: the clock advances (pacing in realtime mode) →
`next_frame()` waiters resolve → frame-start callbacks → operator cook hooks (the
TDAsyncIO step, completion callbacks and table sync happen here) → frame-end
callbacks (views draw here). Data flows one way along that list.

This module knows nothing of asyncio tasks: `next_frame()` resolves plain futures of
whatever loop is running, and cleanup of components happens through close hooks.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from host.engine.clock import FrameClock
from host.engine.gc_policy import FrameGc, GcMode
from host.engine.gc_watch import GcWatch
from host.engine.hooks import Hook
from host.engine.network import OP, BaseCOMP
from host.engine.stats import FrameStats, StatsRecorder
from host.engine.thread_guard import ThreadGuard

__all__ = ["HostCore"]

log = logging.getLogger("framehost")

FrameCallback = Callable[["HostCore"], object]


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
        self.clock = FrameClock(fps, realtime, time_function=time_function, sleep=sleep)
        # Frame, step, GC and blocking times are wall time, even with a virtual clock.
        self._wall_clock = time_function
        #: This host's garbage-collection timer, in ``gc.callbacks`` until `close()`
        #: (or until the host is collected, if it never closes).
        self.gc_watch = GcWatch(time_function)
        self.gc_watch.install()
        weakref.finalize(self, self.gc_watch.uninstall)
        self._stats = StatsRecorder()
        self._frame_start: list[FrameCallback] = []
        self._frame_end: list[FrameCallback] = []
        self._cook_hooks: list[Hook] = []
        self._close_hooks: list[Hook] = []
        # Keyed by id(): an operator class may define __eq__; the hooks die with it.
        self._owned_hooks: dict[int, list[Hook]] = {}
        self._frame_waiters: list[asyncio.Future[int]] = []
        self._stop_requested = False
        self._closed = False
        self._close_requested = False
        self._in_frame = False
        self._last_frame_start: float | None = None
        self.root = BaseCOMP(self, None, "")

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
        return self._stats.snapshot()

    @property
    def closed(self) -> bool:
        return self._closed

    # -- network ----------------------------------------------------------------
    def op(self, path: str) -> OP | None:
        """The operator at an absolute path, or None."""
        return self.root.op(path)

    # -- callbacks --------------------------------------------------------------
    def on_frame_start(self, fn: FrameCallback) -> FrameCallback:
        """Call ``fn(host)`` at the start of every frame; returns ``fn`` (a decorator)."""
        return self._add_callback(self._frame_start, fn, "on_frame_start")

    def on_frame_end(self, fn: FrameCallback) -> FrameCallback:
        """Call ``fn(host)`` at the end of every frame; returns ``fn`` (a decorator)."""
        return self._add_callback(self._frame_end, fn, "on_frame_end")

    def remove_callback(self, fn: FrameCallback) -> bool:
        """Stop calling a frame callback; True if it was registered."""
        self.guard.check(self)
        for callbacks in (self._frame_start, self._frame_end):
            if fn in callbacks:
                callbacks.remove(fn)
                return True
        return False

    def on_cook(self, fn: Callable[[], object], *, owner: OP | None = None) -> Hook:
        """Register a component's per-frame cook, run between start and end callbacks.

        Returns the `Hook`; ``hook.remove()`` stops it. With ``owner``, the hook is
        removed when that operator is destroyed, so a dead COMP never cooks.
        """
        return self._add_hook(self._cook_hooks, fn, owner, "on_cook")

    def on_close(self, fn: Callable[[], object], *, owner: OP | None = None) -> Hook:
        """Register cleanup for `close()`; hooks run last-registered first.

        Returns the `Hook`; with ``owner``, it is removed when that operator is
        destroyed (its ``onDestroy`` does the cleanup then).
        """
        return self._add_hook(self._close_hooks, fn, owner, "on_close")

    def remove_hooks(self, owner: OP) -> int:
        """Remove every cook and close hook registered with ``owner``; how many.

        The network calls this when an operator is destroyed.
        """
        self.guard.check(self)
        hooks = self._owned_hooks.pop(id(owner), [])
        return sum(hook.remove() for hook in hooks)

    def _add_hook(self, hooks: list[Hook], fn: Callable[[], object], owner: OP | None,
                  where: str) -> Hook:
        self.guard.check(self)
        if not callable(fn):
            raise TypeError(f"{where}() expected a callable taking no arguments, got {fn!r}")
        if owner is not None and not isinstance(owner, OP):
            raise TypeError(f"{where}() expected owner to be an operator or None, "
                            f"got {owner!r}")
        if owner is not None and not owner.valid:
            raise ValueError(f"{where}() was given {owner!r} as owner, which is destroyed")
        hook = Hook(fn, hooks, self.guard, where)
        hooks.append(hook)
        if owner is not None:
            self._owned_hooks.setdefault(id(owner), []).append(hook)
        return hook

    def _add_callback(self, callbacks: list[FrameCallback], fn: FrameCallback,
                      where: str) -> FrameCallback:
        self.guard.check(self)
        if not callable(fn):
            raise TypeError(f"{where}() expected a callable taking the host, got {fn!r}")
        callbacks.append(fn)
        return fn

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
    async def next_frame(self) -> int:
        """Resolve at the start of the next frame (Godot's ``process_frame``); its number.

        Raises:
            ThreadViolation: awaited on another thread than the host's.
        """
        self.guard.check(self)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._frame_waiters.append(future)
        return await future

    # -- driving ----------------------------------------------------------------
    def step(self, frames: int = 1) -> None:
        """Run ``frames`` frames now (paced in realtime mode)."""
        self.guard.check(self)
        if isinstance(frames, bool) or not isinstance(frames, int) or frames < 0:
            raise ValueError(f"step() expected a whole number of frames >= 0, got {frames!r}")
        self._check_open("step")
        self.clock.resume()
        for _ in range(frames):
            if self._closed:  # closed from inside the last frame
                break
            self._run_frame()

    def run(self, frames: int | None = None, seconds: float | None = None,
            until: Callable[[], object] | None = None) -> int:
        """Run frames until ``frames`` ran, ``seconds`` of host time passed, ``until()``
        is true, or `stop()`; with none given, until `stop()`. Returns frames run."""
        self.guard.check(self)
        if frames is not None and (isinstance(frames, bool) or not isinstance(frames, int)
                                   or frames < 0):
            raise ValueError(f"run() expected frames as a whole number >= 0, got {frames!r}")
        if seconds is not None and (isinstance(seconds, bool)
                                    or not isinstance(seconds, int | float)
                                    or not math.isfinite(seconds) or seconds < 0):
            raise ValueError(f"run() expected seconds as a finite number >= 0, got {seconds!r}")
        if until is not None and not callable(until):
            raise TypeError(f"run() expected until to be a callable returning a bool, "
                            f"got {until!r}")
        self._check_open("run")
        self._stop_requested = False
        self.clock.resume()
        if seconds is not None and not self.realtime:
            # Virtual time: S seconds are exactly round(S * fps) frames.
            by_time = math.ceil(seconds * self.fps - 1e-9)
            frames = by_time if frames is None else min(frames, by_time)
            seconds = None
        started_at = self.clock.now()
        ran = 0
        while not self._stop_requested and not self._closed:
            if frames is not None and ran >= frames:
                break
            if seconds is not None and ran and self.clock.now() - started_at >= seconds:
                break
            self._run_frame()
            ran += 1
            if until is not None and until():
                break
        self._stop_requested = False
        return ran

    def stop(self) -> None:
        """Ask `run()` to return after the current frame. Safe from any thread."""
        self._stop_requested = True

    def _check_open(self, what: str) -> None:
        if self._closed:
            raise RuntimeError(f"{what}() called on a closed host; create a new Host")
        if self._in_frame:
            raise RuntimeError(f"{what}() called from inside a frame; frames cannot nest")

    def _run_frame(self) -> None:
        self.clock.begin_frame()
        perf = self._wall_clock
        gc_watch = self.gc_watch
        gc_before = gc_watch.total
        started = perf()
        interval = None if self._last_frame_start is None else started - self._last_frame_start
        self._last_frame_start = started
        self._in_frame = True
        self._gc.begin_frame()
        try:
            waiters, self._frame_waiters = self._frame_waiters, []
            frame = self.clock.frame
            for future in waiters:
                if not future.done():
                    future.set_result(frame)
            self._call_each(self._frame_start, "on_frame_start")
            cook_started = perf()
            # A copy: a cook may destroy a COMP, removing hooks from the list.
            for hook in tuple(self._cook_hooks):
                if hook.active:
                    hook.fn()
            step_time = perf() - cook_started
            self._call_each(self._frame_end, "on_frame_end")
        finally:
            self._in_frame = False
            # The collection that came due in the frame runs now (see gc_policy); the
            # GC watch counts its time in this frame's.
            self._gc.end_frame(self.clock.slack())
            if self._close_requested:
                self.close()  # asked for from inside the frame (a callback, a task)
        stats = self._stats
        stats.late_frames = self.clock.late_frames
        stats.record(perf() - started, step_time, interval, gc_watch.total - gc_before)
        stats.gc_time_total = gc_watch.total
        stats.gc_collections = gc_watch.collections
        if gc_watch.interrupt_pending:
            gc_watch.deliver_interrupt()  # a Ctrl-C the collector would have lost

    def _call_each(self, callbacks: list[FrameCallback], where: str) -> None:
        for fn in list(callbacks):
            try:
                fn(self)
            except Exception as exc:
                self.report_exception(f"{where} callback {fn!r}", exc)

    # -- shutdown ---------------------------------------------------------------
    def close(self) -> None:
        """Cancel all work, run cleanup hooks, tear down the network. Idempotent.

        Called from inside a frame (a callback, a task), it asks `run()` to stop and
        closes the host when that frame ends. Every hook runs whatever the others
        raise; a KeyboardInterrupt or SystemExit from one is raised again at the end.
        """
        self.guard.check(self)
        if self._closed:
            return
        if self._in_frame:
            self._close_requested = self._stop_requested = True
            return
        self._closed = True
        self.gc_watch.uninstall()
        for future in self._frame_waiters:
            future.cancel()
        self._frame_waiters.clear()
        errors: list[Exception] = []
        interrupts: list[BaseException] = []
        for hook in reversed(tuple(self._close_hooks)):
            if not hook.active:
                continue
            try:
                hook.fn()
            except Exception as exc:
                errors.append(exc)
                log.error("close hook %r raised %s", hook.fn, exc, exc_info=exc)
            except BaseException as exc:  # the other hooks still run
                interrupts.append(exc)
        for hook in (*self._close_hooks, *self._cook_hooks):
            hook.detach()
        self._close_hooks.clear()
        self._cook_hooks.clear()
        self._owned_hooks.clear()
        self._frame_start.clear()
        self._frame_end.clear()
        self._gc.close()  # unfreeze, re-enable: whatever the teardown does
        try:
            self.root._teardown()
        except BaseException as exc:
            interrupts.append(exc)
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
